"""Three-way merge of an article's fields: value at last import, current value, incoming value.

Each field is a flat key ("translation:en:title", "image:<url>:caption", "article:tags"), so
one rule decides them all: nobody touched it -> take the new value; an editor changed it ->
keep the editor's value, and if the file brings something new too, that is a conflict.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from .importers.language import language_name

MISSING = object()

ARTICLE_FIELDS = ("published_at", "tags")
TRANSLATION_FIELDS = ("title", "summary", "body")
IMAGE_FIELDS = ("caption", "credit", "alt_text", "position")


@dataclass
class MergePlan:
    apply: dict = field(default_factory=dict)  # key -> incoming value to write
    conflicts: dict = field(default_factory=dict)  # key -> {"base", "current", "incoming"}


def flatten(parsed: dict) -> dict:
    """A ParsedArticle's JSON as flat field keys (the shape `current_values` returns too)."""
    values = {
        "article:published_at": time_value(parsed.get("published_at")),
        "article:tags": sorted(parsed.get("tags") or []),
    }
    for translation in parsed.get("translations", []):
        for name in TRANSLATION_FIELDS:
            values[f"translation:{translation['language']}:{name}"] = translation[name]
    for image in parsed.get("images", []):
        for name in IMAGE_FIELDS:
            values[f"image:{image['original_url']}:{name}"] = image[name]
    return values


def current_values(article) -> dict:
    values = {
        "article:published_at": time_value(article.published_at),
        "article:tags": sorted(tag.name for tag in article.tags.all()),
    }
    for translation in article.translations.all():
        for name in TRANSLATION_FIELDS:
            values[f"translation:{translation.language}:{name}"] = getattr(translation, name)
    for image in article.images.all():
        if image.original_url:
            for name in IMAGE_FIELDS:
                values[f"image:{image.original_url}:{name}"] = getattr(image, name)
    return values


def describe_field(key: str) -> str:
    """A field key as an editor would say it: "translation:en:title" -> "English headline"."""
    kind, rest = key.split(":", 1)
    ident, _sep, name = rest.rpartition(":")
    if kind == "translation":
        language = language_name(ident)
        return {
            "title": _("%(language)s headline"),
            "summary": _("%(language)s summary"),
            "body": _("%(language)s body"),
        }[name] % {"language": language}
    if kind == "image":
        return _("%(field)s of the image %(url)s") % {"field": IMAGE_LABELS[name](), "url": ident}
    return {"published_at": _("publication time"), "tags": _("tags")}[name]


IMAGE_LABELS = {
    "caption": lambda: _("caption"),
    "credit": lambda: _("credit"),
    "alt_text": lambda: _("alt text"),
    "position": lambda: _("position"),
}


def plan_merge(*, base: dict, current: dict, incoming: dict) -> MergePlan:
    plan = MergePlan()
    for key, new in incoming.items():
        old = base.get(key, MISSING)
        now = current.get(key, MISSING)
        if _same(now, new):
            continue
        if now is MISSING:
            if old is MISSING:  # new in the file: a translation or image the article lacks
                plan.apply[key] = new
            continue  # an editor deleted what the file still has: their choice stands
        editor_changed = not _same(now, old) if old is not MISSING else not _empty(now)
        if not editor_changed:
            plan.apply[key] = new
        elif old is MISSING or not _same(new, old):
            plan.conflicts[key] = {
                "base": None if old is MISSING else old,
                "current": now,
                "incoming": new,
            }
    return plan


def _same(a, b) -> bool:
    return _comparable(a) == _comparable(b)


def _comparable(value):
    # A browser sends a textarea back with CRLF line endings: not an edit.
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


def _empty(value) -> bool:
    return value in (None, "", [])


def time_value(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).isoformat()
