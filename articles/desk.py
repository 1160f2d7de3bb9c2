"""Reads for the editors' desk: workflow states, translation gaps and open import conflicts.

The same rules serve the list filters (as Q objects, in SQL) and the list columns (in Python,
on prefetched rows, so the list page costs no query per story).
"""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import languages
from .importing.apply import current_values
from .importing.fieldkeys import PUBLISHED_AT, describe, parsed_values
from .models import Article, Image, ImportRecord, Translation
from .publishing import ConflictChoice, conflict_open_keys
from .text import listed

# A translation is outdated when another language was edited later. Saves of one import or one
# admin form land within moments of each other; the margin keeps them from counting.
OUTDATED_AFTER = timedelta(minutes=1)

OK, MISSING, OUTDATED, DRAFT = "ok", "missing", "outdated", "draft"
LANGUAGE_STATE_LABELS = {
    OK: _("translated"),
    MISSING: _("missing"),
    OUTDATED: _("outdated: the other language changed later"),
    DRAFT: _("draft: readers do not see it until an editor marks it ready"),
}


def missing_q(language: str) -> Q:
    return ~Q(Exists(Translation.objects.filter(article=OuterRef("pk"), language=language)))


def draft_q(language: str) -> Q:
    """Stories whose translation in `language` waits to be marked ready."""
    return Q(Exists(Translation.objects.drafts().filter(article=OuterRef("pk"), language=language)))


def outdated_q(language: str) -> Q:
    edited_later = Translation.objects.filter(
        article=OuterRef("article"), updated_at__gt=OuterRef("updated_at") + OUTDATED_AFTER
    ).exclude(language=language)
    stale = Translation.objects.filter(language=language).filter(Exists(edited_later))
    return Q(pk__in=stale.values("article_id"))


def language_states(article: Article) -> dict[str, str]:
    """For each language: translated, missing, outdated or a draft not yet ready for readers
    (reads prefetched translations)."""
    by_language = {t.language: t for t in article.translations.all()}
    latest = max((t.updated_at for t in by_language.values()), default=None)
    states = {}
    for language in languages.CODES:
        translation = by_language.get(language)
        if translation is None:
            states[language] = MISSING
        elif translation.status == Translation.Status.DRAFT:
            states[language] = DRAFT
        elif latest - translation.updated_at > OUTDATED_AFTER:
            states[language] = OUTDATED
        else:
            states[language] = OK
    return states


def translation_gaps(language: str):
    """Per problem (missing, outdated, waiting to be marked ready): how many stories in each
    workflow state have it."""
    conditions = Article.objects.state_conditions()
    per_state = {state: Count("pk", filter=condition) for state, condition in conditions.items()}
    for problem, label, condition in (
        ("missing", LANGUAGE_STATE_LABELS[MISSING], missing_q(language)),
        ("outdated", _("outdated"), outdated_q(language)),
        ("draft", _("waiting to be marked ready"), draft_q(language)),
    ):
        yield problem, label, Article.objects.filter(condition).aggregate(**per_state)


def has_image_q() -> Q:
    return Q(Exists(Image.objects.filter(article=OuterRef("pk"))))


def open_conflict_exists() -> Exists:
    return Exists(ImportRecord.objects.open_conflicts().filter(article=OuterRef("pk")))


def open_conflict_q() -> Q:
    return Q(open_conflict_exists())


def open_conflicts(article: Article) -> list[dict]:
    """Each open conflicting field of the story: the current value beside the incoming one."""
    rows, current = [], None
    for record in ImportRecord.objects.open_conflicts().filter(article=article):
        current = current or current_values(article)
        for key in conflict_open_keys(record):
            rows.append(
                {
                    "record": record,
                    "key": key,
                    "label": capfirst(describe(key)),
                    "current": value_text(key, current.get(key)),
                    "incoming": value_text(key, record.conflicts[key].get("incoming")),
                }
            )
    return rows


def value_text(key: str, value) -> str:
    """A field's value (under its merge key) as an editor reads it: a time in the local zone,
    a list joined, nothing as a dash."""
    if value and key == PUBLISHED_AT:
        value = formats.localize(timezone.localtime(datetime.fromisoformat(value)))
    if isinstance(value, list | tuple):
        value = listed(value)
    return "—" if value is None or value == "" else str(value)


# -- An import record, read in the editor's language --------------------------------------------

FORMAT_LABELS = {"digest": _("bilingual digest"), "feed": _("feed item")}
RESOLUTION_LABELS = {
    ConflictChoice.TAKEN: _("the imported value was taken"),
    ConflictChoice.KEPT: _("the current value was kept"),
}


def record_parsed_rows(record: ImportRecord) -> list[tuple[str, str]]:
    """What the parser made of the file, as labelled rows: the story's own facts, then each
    field the merge reads, named as in conflicts and the history."""
    parsed = record.parsed
    if not parsed:
        return []
    language = parsed.get("original_language", "")
    facts = [
        (_("format"), FORMAT_LABELS.get(parsed.get("format"), parsed.get("format"))),
        (_("original URL"), parsed.get("original_url")),
        (_("outlet code"), parsed.get("source_code")),
        (_("original language"), languages.name(language) if language else ""),
    ]
    if parsed.get("chinese_conversion"):
        facts.append((_("converted to Simplified Chinese"), parsed["chinese_conversion"]))
    fields = [
        (describe(key), value_text(key, value)) for key, value in parsed_values(parsed).items()
    ]
    return [(capfirst(label), value_text("", value)) for label, value in facts + fields]


def record_conflict_rows(record: ImportRecord) -> list[dict]:
    """Each field the file brought a new value for while an editor had changed it, and what
    became of it."""
    rows = []
    for key, values in record.conflicts.items():
        resolution = record.resolutions.get(key) or {}
        rows.append(
            {
                "label": capfirst(describe(key)),
                "current": value_text(key, values.get("current")),
                "incoming": value_text(key, values.get("incoming")),
                "resolution": RESOLUTION_LABELS.get(resolution.get("choice"), _("open")),
                "by": resolution.get("by", ""),
            }
        )
    return rows
