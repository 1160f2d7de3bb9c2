"""The contract between the parsers (pure: text in, dataclasses out) and the import service."""

from dataclasses import asdict, dataclass, field
from datetime import datetime


class ParseError(ValueError):
    """The file cannot be imported; the message says why, in words an editor understands."""


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
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        return data
