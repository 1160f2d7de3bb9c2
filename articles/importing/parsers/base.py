"""The contract between the parsers (pure: text in, dataclasses out) and the import service."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from ...messages import ExplainedError, message_text

# The years a publication time can mean. A year such as 9999 or 0202 is a typo, refused where
# it comes in (a file, the admin's form): the archive, feeds and sitemaps count real months.
PUBLICATION_YEARS = range(1900, 2201)


class ParseError(ExplainedError):
    """The file cannot be imported; the message says why, in words an editor understands: in
    the active language (`str(error)`, as the import record shows it) and as a stored message
    (`stored`), for the record read later in another language. `message` is marked lazily."""

    def __init__(self, message, **params):
        super().__init__(message, **params)
        self.args = (message_text(self.stored),)  # a language's name, spacing, as shown later


def checked_publication_time(moment: datetime | None) -> datetime | None:
    """`moment`, if its year is one a story can be published in (PUBLICATION_YEARS)."""
    if moment is not None and moment.year not in PUBLICATION_YEARS:
        raise ParseError(
            _("the publication time %(moment)s is not between the years %(first)d and %(last)d"),
            moment=moment.isoformat(),
            first=PUBLICATION_YEARS[0],
            last=PUBLICATION_YEARS[-1],
        )
    return moment


@dataclass
class ParsedTranslation:
    language: str  # one of languages.CODES
    title: str
    summary: str = ""
    body: str = ""  # sanitised HTML
    byline: str = ""  # the author as this language's readers see the name; no format gives one yet


@dataclass
class ParsedImage:
    original_url: str
    caption: str = ""
    credit: str = ""
    alt_text: str = ""
    position: int = 0
    language: str = ""  # of the caption, credit and alt text: the story's, in a feed item


@dataclass
class ParsedArticle:
    format: str  # "digest" or "feed"
    original_url: str  # canonical, see parsers.urls.canonical_url
    published_at: datetime | None
    source_code: str = ""  # the outlet code a digest names in `author`, e.g. "ft"
    original_language: str = ""
    translations: list[ParsedTranslation] = field(default_factory=list)
    images: list[ParsedImage] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sanitizer_removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chinese_conversion: str = ""  # e.g. "OpenCC tw2s" when Traditional became Simplified

    def translation(self, language: str) -> ParsedTranslation | None:
        return next((t for t in self.translations if t.language == language), None)

    def to_json(self) -> dict:
        """What `dataclasses.asdict` gives, without its deep copies, and the time as text."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        data["translations"] = [vars(t).copy() for t in self.translations]
        data["images"] = [vars(i).copy() for i in self.images]
        for name in ("tags", "sanitizer_removed", "warnings"):
            data[name] = list(data[name])
        return data
