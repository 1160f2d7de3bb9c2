"""The editors' writes: moving stories through the workflow and settling import conflicts.

Each function checks the user's rights itself, so an admin form, an action or a crafted POST
all meet the same rule, and saves one revision so the history shows who did what.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from .models import Article, ImportRecord, Translation
from .revisions import article_revision
from .roles import can_edit, can_publish


def article_publish(*, article: Article, user, published_at: datetime | None = None) -> Article:
    """Publish now, or at `published_at` (a future time makes the story scheduled)."""
    if not can_publish(user):
        raise PermissionDenied(_("Only editors can publish stories."))
    with article_revision(comment=_("Published"), user=user):
        article.status = Article.Status.PUBLISHED
        article.published_at = published_at or article.published_at or timezone.now()
        article.save(update_fields=["status", "published_at", "updated_at"])
    return article


def article_unpublish(*, article: Article, user) -> Article:
    if not can_publish(user):
        raise PermissionDenied(_("Only editors can unpublish stories."))
    with article_revision(comment=_("Unpublished"), user=user):
        article.status = Article.Status.DRAFT
        article.save(update_fields=["status", "updated_at"])
    return article


def article_submit_for_review(*, article: Article, user) -> Article:
    """A draft goes to the editors; anything further along stays where it is."""
    if not can_edit(user, article):
        raise PermissionDenied(_("You cannot change this story."))
    if article.status == Article.Status.DRAFT:
        with article_revision(comment=_("Submitted for review"), user=user):
            article.status = Article.Status.REVIEW
            article.save(update_fields=["status", "updated_at"])
    return article


class ConflictChoice:
    TAKEN = "taken"
    KEPT = "kept"


def conflict_open_keys(record: ImportRecord) -> list[str]:
    return [key for key in record.conflicts if key not in record.resolutions]


@transaction.atomic
def conflict_take(*, record: ImportRecord, key: str, user) -> ImportRecord:
    """Write the value from the file into the field, replacing the editor's."""
    _check_conflict(record, key, user)
    with article_revision(comment=_("Took the imported value of %s") % key, user=user):
        ConflictField.parse(key).apply(record.article, record.conflicts[key]["incoming"])
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


@dataclass(frozen=True)
class ConflictField:
    """Where a conflict key points: article:published_at, translation:en:title,
    image:<original URL>:caption (the URL may itself hold colons)."""

    kind: str
    field: str
    qualifier: str = ""

    @classmethod
    def parse(cls, key: str) -> "ConflictField":
        kind, rest = key.split(":", 1)
        if kind == "article":
            return cls(kind, rest)
        if kind == "translation":
            language, field = rest.split(":", 1)
            return cls(kind, field, language)
        if kind == "image":
            original_url, field = rest.rsplit(":", 1)
            return cls(kind, field, original_url)
        raise ValueError(f"Unknown conflict key {key!r}")

    def current_value(self, article: Article):
        """The value the story holds now (an editor's, unless someone took the incoming one)."""
        if self.kind == "article":
            if self.field == "tags":
                return sorted(tag.name for tag in article.tags.all())
            return getattr(article, self.field)
        target = self._target(article)
        return getattr(target, self.field) if target else None

    def apply(self, article: Article, value) -> None:
        if self.kind == "article":
            _set_article_field(article, self.field, value)
            return
        target = self._target(article)
        if target is None and self.kind == "translation":
            target = Translation(article=article, language=self.qualifier)
        if target is None:
            raise ValueError(_("The image this value belongs to is gone."))
        setattr(target, self.field, "" if value is None else value)
        target.save()

    def _target(self, article: Article):
        if self.kind == "translation":
            return article.translations.filter(language=self.qualifier).first()
        return article.images.filter(original_url=self.qualifier).first()


def _set_article_field(article: Article, field: str, value) -> None:
    if field == "tags":
        article.tags.set(value or [], clear=True)
        return
    if field == "published_at" and isinstance(value, str):
        value = parse_datetime(value)
    setattr(article, field, value)
    article.save(update_fields=[field, "updated_at"])
