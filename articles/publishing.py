"""The editors' writes: moving stories through the workflow and settling import conflicts.

Every change of status goes through `article_move`, and every change of a translation's
readiness through `translation_move`, whoever asks (the admin's form, a bulk action, a crafted
POST, a script); each checks the user's rights once, against the row as the database holds it,
locked until the write commits. Each write saves one revision so the history shows who did what.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import languages
from .importing.apply import apply_values
from .importing.fieldkeys import describe
from .models import Article, ImportRecord, Translation
from .revisions import article_revision
from .roles import can_edit, can_publish

STATUS_COMMENTS = {
    Article.Status.DRAFT: _("Moved to draft"),
    Article.Status.REVIEW: _("Submitted for review"),
    Article.Status.PUBLISHED: _("Published"),
}


@transaction.atomic
def article_move(
    *, article: Article, user, status: str, published_at: datetime | None = None, save=True
) -> Article:
    """Give the story `status`; a published story gets `published_at`, else the time it
    already has, else now (a future time makes it scheduled). The story's `unpublish_at` is
    written as it is on `article`.

    Publishing, unpublishing and re-timing a story (its publication time once published, its
    unpublish time at any time) are for editors; other moves for anyone who may edit the
    story. With save=False the caller saves (the admin's form saves the story's other fields
    with it, in its own revision).
    """
    stored = (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values("status", "published_at", "unpublish_at")
        .first()
    )
    was_published = bool(stored) and stored["status"] == Article.Status.PUBLISHED
    published_at = publication_time(status, published_at or article.published_at)
    retimed = (was_published and stored["published_at"] != published_at) or (
        article.unpublish_at != (stored["unpublish_at"] if stored else None)
    )
    if status == Article.Status.PUBLISHED or was_published or retimed:
        if not can_publish(user):
            raise PermissionDenied(_("Only editors can publish, unpublish or reschedule stories."))
    elif stored and not can_edit(user, article):
        raise PermissionDenied(_("You cannot change this story."))
    article.status, article.published_at = status, published_at
    if save:
        with article_revision(comment=STATUS_COMMENTS[status], user=user):
            article.save(update_fields=["status", "published_at", "unpublish_at", "updated_at"])
    return article


def publication_time(status: str, published_at: datetime | None) -> datetime | None:
    """A published story has a publication time (a database constraint): now, if none given."""
    if status == Article.Status.PUBLISHED and published_at is None:
        return timezone.now()
    return published_at


def article_publish(*, article: Article, user, published_at: datetime | None = None) -> Article:
    """Publish now, or at `published_at` (a future time makes the story scheduled). A story
    that has ended is public again: its unpublish time, passed, is cleared."""
    if article.unpublish_at and article.unpublish_at <= timezone.now():
        article.unpublish_at = None
    return article_move(
        article=article, user=user, status=Article.Status.PUBLISHED, published_at=published_at
    )


def article_unpublish(*, article: Article, user) -> Article:
    return article_move(article=article, user=user, status=Article.Status.DRAFT)


def article_submit_for_review(*, article: Article, user) -> Article:
    """A draft goes to the editors; anything further along stays where it is."""
    if article.status != Article.Status.DRAFT:
        if not can_edit(user, article):
            raise PermissionDenied(_("You cannot change this story."))
        return article
    return article_move(article=article, user=user, status=Article.Status.REVIEW)


def readiness_comment(status: str, language: str) -> str:
    names = {"language": languages.name(language)}
    if status == Translation.Status.READY:
        return _("Marked the %(language)s translation ready") % names
    return _("Moved the %(language)s translation back to draft") % names


@transaction.atomic
def translation_move(
    *, translation: Translation, user, status: str | None, save=True
) -> Translation:
    """Mark a translation ready for readers, or back to draft: for editors, as publishing is
    (a contributor writes translations and marks none ready). `status` None keeps the
    readiness the database holds (a form that did not touch it, loaded before someone else
    changed it, must not write its old value back).

    The row stays locked until the caller's transaction commits, so that the rights are
    checked against the readiness that is then written over. A new translation starts as a
    draft. With save=False the caller saves (the admin's form, with the pane's text). The save
    bumps the page generation and the search index (their signals): readers see the change on
    their next request.
    """
    stored = (
        Translation.objects.select_for_update()
        .filter(pk=translation.pk)
        .values_list("status", flat=True)
        .first()
        if translation.pk
        else None
    )
    status = status or stored or Translation.Status.DRAFT
    if status != (stored or Translation.Status.DRAFT) and not can_publish(user):
        raise PermissionDenied(_("Only editors can mark a translation ready or back to draft."))
    translation.status = status
    if save and status != stored:
        with article_revision(comment=readiness_comment(status, translation.language), user=user):
            # Only the readiness: the text did not change, so the translation is not newer.
            translation.save(update_fields=["status"])
            # The story is: a form opened before this is stale, and the sitemap's lastmod moves.
            translation.article.save(update_fields=["updated_at"])
    return translation


class ConflictChoice:
    TAKEN = "taken"
    KEPT = "kept"


def conflict_open_keys(record: ImportRecord) -> list[str]:
    return [key for key in record.conflicts if key not in record.resolutions]


@transaction.atomic
def conflict_take(*, record: ImportRecord, key: str, user) -> ImportRecord:
    """Write the value from the file into the field, replacing the editor's."""
    _check_conflict(record, key, user)
    with article_revision(comment=_("Took the imported value of %s") % describe(key), user=user):
        incoming = {key: record.conflicts[key]["incoming"]}
        if not apply_values(article=record.article, values=incoming, create_missing=False):
            raise ValueError(_("A published story keeps its publication time."))
    return _resolve(record, key, ConflictChoice.TAKEN, user)


@transaction.atomic
def conflict_keep(*, record: ImportRecord, key: str, user) -> ImportRecord:
    """Keep the editor's value; the conflict on this field is settled."""
    _check_conflict(record, key, user)
    return _resolve(record, key, ConflictChoice.KEPT, user)


def _check_conflict(record: ImportRecord, key: str, user) -> None:
    if record.article is None or not can_edit(user, record.article):
        raise PermissionDenied(_("You cannot change this story."))
    if key not in conflict_open_keys(record):
        raise ValueError(_("This conflict is already settled."))


def _resolve(record: ImportRecord, key: str, choice: str, user) -> ImportRecord:
    now = timezone.now()
    record.resolutions[key] = {"choice": choice, "by": user.get_username(), "at": now.isoformat()}
    if not conflict_open_keys(record):
        record.resolved_at = now
    record.save(update_fields=["resolutions", "resolved_at"])
    return record
