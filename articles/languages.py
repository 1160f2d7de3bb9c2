"""The languages of the site and its stories: the one place that knows them.

Built on settings.LANGUAGES, which also drives the URL prefixes (/en/, /zh-hans/) and the
admin's language menu; everything else asks this module.
"""

from django.conf import settings
from django.utils.translation import gettext, to_locale

ENGLISH = "en"
CHINESE = "zh-hans"

CHOICES = settings.LANGUAGES
CODES = tuple(code for code, _name in CHOICES)
# The marks the article list shows for each translation.
SHORT_NAMES = {ENGLISH: "EN", CHINESE: "中"}

if set(CODES) != {ENGLISH, CHINESE}:  # the parsers and the typography know just these two
    raise ValueError(f"settings.LANGUAGES must hold {ENGLISH!r} and {CHINESE!r}, not {CODES}")


def name(code: str) -> str:
    """ "English" or "Simplified Chinese", in the active language."""
    label = dict(CHOICES).get(code)
    return gettext(str(label)) if label else code


def bcp47(code: str) -> str:
    """The BCP 47 spelling of a language code, for HTML and JSON-LD: zh-hans -> zh-Hans."""
    return to_locale(code).replace("_", "-")


def from_locale_name(value: str) -> str:
    """The site language closest to a POSIX locale name (zh_CN.UTF-8 -> zh-hans)."""
    return CHINESE if value.lower().startswith("zh") else ENGLISH
