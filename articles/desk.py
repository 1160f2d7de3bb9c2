"""Reads for the editors' desk: workflow states, translation gaps and open import conflicts.

The same rules serve the list filters (as Q objects, in SQL) and the list columns (in Python,
on prefetched rows, so the list page costs no query per story).
"""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .merge import describe_field
from .models import Article, Image, ImportRecord, Language, Translation
from .publishing import ConflictField, conflict_open_keys

DRAFT, REVIEW, SCHEDULED, PUBLISHED = "draft", "review", "scheduled", "published"
STATUS_LABELS = {
    DRAFT: _("Draft"),
    REVIEW: _("In review"),
    SCHEDULED: _("Scheduled"),
    PUBLISHED: _("Published"),
}

# A translation is outdated when another language was edited later. Saves of one import or one
# admin form land within moments of each other; the margin keeps them from counting.
OUTDATED_AFTER = timedelta(minutes=1)

OK, MISSING, OUTDATED = "ok", "missing", "outdated"
LANGUAGE_STATE_LABELS = {
    OK: _("translated"),
    MISSING: _("missing"),
    OUTDATED: _("outdated: the other language changed later"),
}
LANGUAGE_SHORT = {Language.CHINESE: "中", Language.ENGLISH: "EN"}


def status_q(status: str, now=None) -> Q:
    now = now or timezone.now()
    if status == SCHEDULED:
        return Q(status=Article.Status.PUBLISHED, published_at__gt=now)
    if status == PUBLISHED:
        return Q(status=Article.Status.PUBLISHED) & ~Q(published_at__gt=now)
    return Q(status=status)


def status_of(article: Article, now=None) -> str:
    if article.status != Article.Status.PUBLISHED:
        return article.status
    now = now or timezone.now()
    return SCHEDULED if article.published_at and article.published_at > now else PUBLISHED


def missing_q(language: str) -> Q:
    return ~Q(Exists(Translation.objects.filter(article=OuterRef("pk"), language=language)))


def outdated_q(language: str) -> Q:
    edited_later = Translation.objects.filter(
        article=OuterRef("article"), updated_at__gt=OuterRef("updated_at") + OUTDATED_AFTER
    ).exclude(language=language)
    stale = Translation.objects.filter(language=language).filter(Exists(edited_later))
    return Q(pk__in=stale.values("article_id"))


def language_states(article: Article) -> dict[str, str]:
    """For each language: translated, missing or outdated (reads prefetched translations)."""
    by_language = {t.language: t for t in article.translations.all()}
    latest = max((t.updated_at for t in by_language.values()), default=None)
    states = {}
    for language in Language.values:
        translation = by_language.get(language)
        if translation is None:
            states[language] = MISSING
        elif latest - translation.updated_at > OUTDATED_AFTER:
            states[language] = OUTDATED
        else:
            states[language] = OK
    return states


def translation_gaps(language: str):
    """Per problem (missing, outdated): how many stories in each workflow state have it."""
    now = timezone.now()
    per_status = {status: Count("pk", filter=status_q(status, now)) for status in STATUS_LABELS}
    for problem, label, condition in (
        ("missing", LANGUAGE_STATE_LABELS[MISSING], missing_q(language)),
        ("outdated", _("outdated"), outdated_q(language)),
    ):
        yield problem, label, Article.objects.filter(condition).aggregate(**per_status)


def has_image_q() -> Q:
    return Q(Exists(Image.objects.filter(article=OuterRef("pk"))))


def open_conflict_exists() -> Exists:
    return Exists(ImportRecord.objects.open_conflicts().filter(article=OuterRef("pk")))


def open_conflict_q() -> Q:
    return Q(open_conflict_exists())


def open_conflicts(article: Article) -> list[dict]:
    """Each open conflicting field of the story: the current value beside the incoming one."""
    rows = []
    for record in ImportRecord.objects.open_conflicts().filter(article=article):
        for key in conflict_open_keys(record):
            target = ConflictField.parse(key)
            rows.append(
                {
                    "record": record,
                    "key": key,
                    "label": capfirst(describe_field(key)),
                    "current": _display(target.current_value(article)),
                    "incoming": _display(record.conflicts[key].get("incoming")),
                }
            )
    return rows


def _display(value) -> str:
    if isinstance(value, list | tuple):
        value = ", ".join(str(item) for item in value)
    return "—" if value is None or value == "" else str(value)
