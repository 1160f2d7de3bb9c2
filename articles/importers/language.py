"""Which language is this text in? Han characters -> Chinese, Latin letters -> English."""

import re

from django.utils.translation import gettext as _

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
# A Chinese character carries about as much as a short English word: a Chinese text that names
# people and summits in English still has far more Han characters than a third of its letters.
HAN_WEIGHT = 3


def language_name(code: str) -> str:
    """ "English" or "Simplified Chinese", in the active language."""
    return {"en": _("English"), "zh-hans": _("Simplified Chinese")}.get(code, code)


def detect_language(text: str) -> str:
    """ "zh-hans", "en", or "" when the text has no letters at all."""
    # Counted by what removing them shortens: findall would hold one string per character.
    han = len(text) - len(HAN.sub("", text))
    latin = len(text) - len(LATIN.sub("", text))
    if not han and not latin:
        return ""
    return "zh-hans" if han * HAN_WEIGHT >= latin else "en"
