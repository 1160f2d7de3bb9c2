"""History of articles with django-reversion: one revision holds an article, its translations
and its images, whether the admin, an editor's action or the import saved them."""

import itertools
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from reversion.models import Revision, Version

from .models import Article, Image, Translation

# Following both ways means a save of any one of them records the whole story.
for model, follow in (
    (Article, ("translations", "images")),
    (Translation, ("article",)),
    (Image, ("article",)),
):
    if not reversion.is_registered(model):
        reversion.register(model, follow=follow)


@contextmanager
def article_revision(*, comment: str, user=None):
    """Saves inside the block become one revision with this comment (and author, if given)."""
    with reversion.create_revision():
        yield
        reversion.set_comment(str(comment))
        if user is not None and user.is_authenticated:
            reversion.set_user(user)


def save_story_revision(*, article: Article, comment: str, title: str = "", children=None):
    """The story as one revision (see `save_story_revisions`)."""
    return save_story_revisions([StoryRevision(article, comment, title, children)])[0]


@dataclass
class StoryRevision:
    article: Article
    comment: str
    title: str = ""
    children: list | None = None  # the story's translations and images, when at hand


def save_story_revisions(stories: list[StoryRevision]) -> list[Revision]:
    """Each story as one revision, written the way django-reversion writes it (a Revision and
    a Version per object) but without its generic follow machinery, which costs the import
    more than all its other queries together, and for many stories in three statements.
    A revert restores it like any other revision.
    """
    missing = [story.article.pk for story in stories if story.children is None]
    read = {pk: [] for pk in missing}
    for model in (Translation, Image) if missing else ():
        for obj in model.objects.filter(article__in=missing):
            read[obj.article_id].append(obj)
    now = timezone.now()
    revisions = Revision.objects.bulk_create(
        Revision(comment=story.comment, date_created=now) for story in stories
    )
    stories_objects = [
        [story.article, *(read[story.article.pk] if story.children is None else story.children)]
        for story in stories
    ]
    # The python serialiser once for them all, each object then as Django's JSON serialiser
    # writes it: "[" + json.dump of the python form + "]".
    data = iter(serializers.serialize("python", itertools.chain(*stories_objects)))
    versions = [
        Version(
            revision=revision,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            db=DEFAULT_DB_ALIAS,
            format="json",
            serialized_data=f"[{_json(next(data))}]",
            object_repr=(story.title or str(obj)) if obj is story.article else str(obj),
        )
        for story, revision, objects in zip(stories, revisions, stories_objects, strict=True)
        for obj in objects
    ]
    Version.objects.bulk_create(versions)
    return revisions


def _json(data: dict) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


SKIPPED_FIELDS = {"id", "article", "created_at", "updated_at", "renditions", "width", "height"}


def revision_changes(revision) -> list[dict]:
    """What restoring `revision` would change: per field, the value then and the value now.

    Objects saved later than the revision (a translation added since) show as "then: none".
    """
    changes, seen = [], set()
    for version in revision.version_set.all():
        model = version._model
        current = model._default_manager.filter(pk=version.object_id).first()
        seen.add((model, str(version.object_id)))
        for field in model._meta.concrete_fields:
            if field.name in SKIPPED_FIELDS:
                continue
            then = version.field_dict.get(field.attname, version.field_dict.get(field.name))
            now = field.value_from_object(current) if current else None
            if _comparable(then) != _comparable(now):
                changes.append(_change(version.object_repr, model, field, then, now))
    article = next((v.object for v in revision.version_set.all() if v._model is Article), None)
    if article is not None:
        for later in [*article.translations.all(), *article.images.all()]:
            if (type(later), str(later.pk)) not in seen:
                changes.append(
                    {
                        "object": str(later),
                        "field": type(later)._meta.verbose_name,
                        "then": None,
                        "now": str(later),
                    }
                )
    return changes


def revisions_since(article: Article, loaded_at: datetime) -> tuple[Revision | None, list]:
    """The revision of the story as it was saved at `loaded_at` (its updated_at then), or None
    when history no longer has it, and the revisions saved after it, newest first."""
    later = []
    for version in Version.objects.get_for_object(article).select_related("revision__user")[:50]:
        if _comparable(version.field_dict.get("updated_at")) == _comparable(loaded_at):
            return version.revision, later
        later.append(version.revision)
    return None, later


def _comparable(value):
    # Revisions are stored as JSON, which keeps datetimes to the millisecond.
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def _change(object_repr, model, field, then, now) -> dict:
    return {
        "object": f"{model._meta.verbose_name.capitalize()}: {object_repr}",
        "field": field.verbose_name,
        "then": then,
        "now": now,
    }
