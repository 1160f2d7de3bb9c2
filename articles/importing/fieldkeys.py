"""Field keys: the names the merge gives to each field of a story.

A story is merged field by field, so each field has a flat key that survives a trip through
JSON (an import record keeps its conflicts under these keys):

    article:published_at    article:tags
    translation:<language>:<field>      translation:en:title
    image:<original URL>:<field>        image:https://cdn.example/a.jpg:position
    image:<original URL>:<field>:<language>     image:https://cdn.example/a.jpg:caption:en

An image's caption, credit and alt text are labels (labels.py), merged one language at a
time: a file that brings the Chinese caption never touches the English one.

`FieldKey` is the one type that formats, parses and describes them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from .. import languages
from .parsers.language import detect_language

ARTICLE, TRANSLATION, IMAGE = "article", "translation", "image"
ARTICLE_FIELDS = ("published_at", "tags")
TRANSLATION_FIELDS = ("title", "summary", "body", "byline")
IMAGE_LABEL_FIELDS = ("caption", "credit", "alt_text")  # one key per language
IMAGE_FIELDS = (*IMAGE_LABEL_FIELDS, "position")
FIELDS = {ARTICLE: ARTICLE_FIELDS, TRANSLATION: TRANSLATION_FIELDS, IMAGE: IMAGE_FIELDS}


@dataclass(frozen=True)
class FieldKey:
    kind: str  # ARTICLE, TRANSLATION or IMAGE
    field: str
    ident: str = ""  # the language of a translation, the original URL of an image
    language: str = ""  # of an image's label field

    def __post_init__(self):
        if self.field not in FIELDS.get(self.kind, ()):
            raise ValueError(f"No field {self.field!r} of {self.kind!r} is merged")
        if (self.kind == ARTICLE) == bool(self.ident):
            raise ValueError(f"A {self.kind} key {'takes no' if self.ident else 'needs an'} ident")
        if (self.language in languages.CODES) != (self.field in IMAGE_LABEL_FIELDS):
            raise ValueError(f"The {self.field!r} key takes a language only for image labels")

    @classmethod
    def parse(cls, key: str) -> "FieldKey":
        """ValueError for anything `str(FieldKey)` cannot have made."""
        kind, _sep, rest = key.partition(":")
        if kind == ARTICLE:
            return cls(kind, rest)
        # An image's URL holds colons itself: the field (and language) follow the last ones.
        ident, _sep, field = rest.rpartition(":")
        if kind == IMAGE and field in languages.CODES:
            language = field
            ident, _sep, field = ident.rpartition(":")
            return cls(kind, field, ident, language)
        return cls(kind, field, ident)

    def __str__(self) -> str:
        parts = (self.kind, self.ident, self.field, self.language)
        return ":".join(part for part in parts if part)

    def describe(self) -> str:
        """The field as an editor would say it: "English headline", "caption of the image …"."""
        if self.kind == TRANSLATION:
            label = {
                "title": _("%(language)s headline"),
                "summary": _("%(language)s summary"),
                "body": _("%(language)s body"),
                "byline": _("%(language)s byline"),
            }[self.field]
            return label % {"language": languages.name(self.ident)}
        if self.kind == IMAGE:
            field = {
                "caption": _("caption"),
                "credit": _("credit"),
                "alt_text": _("alt text"),
                "position": _("position"),
            }[self.field]
            if self.language:
                field = f"{field} ({languages.name(self.language)})"
            return _("%(field)s of the image %(url)s") % {"field": field, "url": self.ident}
        return {"published_at": _("publication time"), "tags": _("tags")}[self.field]


PUBLISHED_AT = str(FieldKey(ARTICLE, "published_at"))


def describe(key: str) -> str:
    return FieldKey.parse(key).describe()


def parsed_values(parsed: dict) -> dict[str, object]:
    """A ParsedArticle's JSON (as an import record keeps it) as values under field keys."""
    values = {
        str(FieldKey(ARTICLE, "published_at")): time_value(parsed.get("published_at")),
        str(FieldKey(ARTICLE, "tags")): sorted(parsed.get("tags") or []),
    }
    for translation in parsed.get("translations", []):
        for name in TRANSLATION_FIELDS:
            # A field that files do not always give (a byline) is merged only when given.
            if name in translation and (name != "byline" or translation[name]):
                key = FieldKey(TRANSLATION, name, translation["language"])
                values[str(key)] = translation[name]
    for image in parsed.get("images", []):
        url = image["original_url"]
        values[str(FieldKey(IMAGE, "position", url))] = image["position"]
        language = image_language(image, parsed)
        for name in IMAGE_LABEL_FIELDS:
            values[str(FieldKey(IMAGE, name, url, language))] = image[name]
    return values


def image_language(image: dict, parsed: dict) -> str:
    """The language of a parsed image's texts. Records made before images had one: the
    story's original language, else the language the texts are written in."""
    if image.get("language") in languages.CODES:
        return image["language"]
    if parsed.get("original_language") in languages.CODES:
        return parsed["original_language"]
    texts = " ".join(image.get(name) or "" for name in IMAGE_LABEL_FIELDS)
    return detect_language(texts) or languages.CHINESE


def time_value(value) -> str | None:
    """A publication time as the merge compares it: ISO 8601 in UTC, or None."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).isoformat()
