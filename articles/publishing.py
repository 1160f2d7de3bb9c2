"""The editors' writes: moving stories through the workflow and settling import conflicts.

Every change of status goes through `article_move`, and every change of a translation's
readiness through `translation_move`, whoever asks (the admin's form, a bulk action, a crafted
POST, a script); each checks the user's rights once, against the row as the database holds it,
locked until the write commits. Each write saves one revision so the history shows who did what.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import languages
from .importing.apply import apply_values
from .models import LEAD_PLACE, PINNED_PLACES, Article, Feature, ImportRecord, Translation
from .revisions import article_revision
from .roles import can_edit, can_feature, can_publish

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


def lock_story(article_id: int) -> None:
    """Lock the story's row first, in the order every write of a story takes its locks (story,
    then its translations, images and tags, then the page generation), so that two editors on
    one story wait for each other instead of deadlocking (PostgreSQL)."""
    list(Article.objects.select_for_update().filter(pk=article_id).values("pk"))


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
    if translation.article_id:
        lock_story(translation.article_id)
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
    lock_story(record.article_id)
    with article_revision(comment=_("Took the imported value of %(field)s"), field=key, user=user):
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


# -- The home page's front: one lead story and up to PINNED_PLACES pinned ones --------------


class FeatureRefused(ValueError):
    """A feature that cannot be made, said in the editor's words."""


def feature_place(*, article: Article, placement: str, now=None) -> int | None:
    """The place `article` takes as `placement`: the lead's, its own pinned place, else the
    first place no other story holds (an ended feature's place is free); None when every
    pinned place is taken."""
    if placement == Feature.Placement.LEAD:
        return LEAD_PLACE
    others = Feature.objects.exclude(article_id=article.pk)
    current = Feature.objects.filter(article_id=article.pk).values_list("position", flat=True)
    current = current.first()
    if current not in (None, LEAD_PLACE):
        return current
    taken = set(others.exclude(pk__in=others.ended(now)).values_list("position", flat=True))
    return next((p for p in range(LEAD_PLACE + 1, PINNED_PLACES + 1) if p not in taken), None)


def article_feature(
    *, article: Article, user, placement: str, starts_at=None, ends_at=None
) -> Feature:
    """Put the story on the front of the home page, from `starts_at` (else now) until `ends_at`
    (else until taken off). A new lead takes the place of the one before, which leaves the
    front; a pinned story takes the first free place."""
    _check_may_feature(user)
    if starts_at and ends_at and ends_at <= starts_at:
        raise FeatureRefused(_("A feature must end after it starts."))
    try:
        with transaction.atomic():
            # Every featuring waits here for the one before it to commit.
            list(Feature.objects.select_for_update().values_list("pk", flat=True))
            place = feature_place(article=article, placement=placement)
            if place is None:
                raise FeatureRefused(
                    _("%(count)d stories are pinned already: take one off the home page first.")
                    % {"count": PINNED_PLACES}
                )
            # A new lead replaces the one before; a pinned story takes only a free place or
            # one an ended feature still holds.
            holders = Feature.objects.filter(position=place).exclude(article=article)
            if place != LEAD_PLACE:
                holders = holders.ended()
            holders.delete()
            feature, _created = Feature.objects.update_or_create(
                article=article,
                defaults={
                    "position": place,
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "featured_by": user if user.is_authenticated else None,
                },
            )
    except IntegrityError:  # another editor took the place between our read and our write
        raise FeatureRefused(
            _("Someone else changed the home page at the same moment; please try again.")
        ) from None
    return feature


def article_unfeature(*, article: Article, user) -> None:
    _check_may_feature(user)
    Feature.objects.filter(article=article).delete()


@transaction.atomic
def feature_move(*, article: Article, user, offset: int) -> None:
    """Move a pinned story `offset` places up (-1) or down (+1) among the pinned."""
    _check_may_feature(user)
    pinned = list(Feature.objects.select_for_update().exclude(position=LEAD_PLACE))
    index = next((i for i, f in enumerate(pinned) if f.article_id == article.pk), None)
    if index is None or not 0 <= index + offset < len(pinned):
        return
    moved, other = pinned[index], pinned[index + offset]
    moved.position, other.position = other.position, moved.position
    # A place holds one story at every moment, so the two swap by being written anew.
    Feature.objects.filter(pk__in=[moved.pk, other.pk]).delete()
    Feature.objects.bulk_create([moved, other])


def _check_may_feature(user) -> None:
    if not can_feature(user):
        raise PermissionDenied(_("Only editors can change what the home page shows first."))
