"""History of articles with django-reversion: one revision holds an article, its translations
and its images, whether the admin, an editor's action or the import saved them."""

import json
import re
from contextlib import contextmanager
from datetime import datetime

import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import DEFAULT_DB_ALIAS
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision, Version

from .importing.fieldkeys import describe
from .models import Article, Image, ImportRecord, Translation
from .text import spaced_format

# Following both ways means a save of any one of them records the whole story.
for model, follow in (
    (Article, ("translations", "images")),
    (Translation, ("article",)),
    (Image, ("article",)),
):
    if not reversion.is_registered(model):
        reversion.register(model, follow=follow)


@contextmanager
def article_revision(*, comment: str, user=None, **params):
    """Saves inside the block become one revision with this comment (and author, if given).

    `comment` is a message marked for translation, with `params` for its placeholders: it is
    kept as its English source and shown in the language of whoever reads the history
    (`comment_text`). A `field` parameter is a merge key and a `time` one an ISO 8601 time,
    each said in the reader's language when shown.
    """
    with reversion.create_revision():
        yield
        reversion.set_comment(history_comment(comment, **params))
        if user is not None and user.is_authenticated:
            reversion.set_user(user)


def history_comment(message, **params) -> str:
    with translation.override(None):  # the message's English source, never a translation
        source = str(message)
    return json.dumps({"message": source, "params": params}, ensure_ascii=False)


# What the import writes (importing/write.py): "Import of <file name>: <outcome>".
IMPORT_COMMENT = re.compile(r"Import of (?P<file>.+): (?P<outcome>[a-z]+)")


def comment_text(comment: str) -> str:
    """A revision's comment in the active language, whoever wrote it in whichever language:
    our own (`history_comment`), the admin's record of changed fields (Django's change
    message), the import's, or an older plain message."""
    stored = _json(comment)
    if isinstance(stored, dict) and "message" in stored:
        params = dict(stored.get("params") or {})
        if "field" in params:
            params["field"] = describe(params["field"])
        if "time" in params:
            params["time"] = formats.localize(timezone.localtime(parse_datetime(params["time"])))
        return spaced_format(gettext(stored["message"]), **params)
    if isinstance(stored, list):
        return LogEntry(change_message=comment).get_change_message()
    if match := IMPORT_COMMENT.fullmatch(comment):
        outcome = match["outcome"]
        label = ImportRecord.Outcome(outcome).label if outcome in ImportRecord.Outcome else outcome
        return spaced_format(
            _("Imported from %(file)s: %(outcome)s"), file=match["file"], outcome=label
        )
    return gettext(comment) if comment else ""


def _json(text: str):
    if not text.startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def save_story_revision(*, article: Article, comment: str, title: str = "", children=None):
    """The story as one revision, written the way django-reversion writes it (a Revision and
    a Version per object) but without its generic follow machinery, which costs the import
    more than all its other queries together. `children` are the story's translations and
    images when the caller has them at hand. A revert restores it like any other revision.
    """
    if children is None:
        children = [
            *Translation.objects.filter(article=article),
            *Image.objects.filter(article=article),
        ]
    revision = Revision.objects.create(comment=comment, date_created=timezone.now())
    Version.objects.bulk_create(
        Version(
            revision=revision,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            db=DEFAULT_DB_ALIAS,
            format="json",
            serialized_data=serializers.serialize("json", [obj]),
            object_repr=(title or str(obj)) if obj is article else str(obj),
        )
        for obj in [article, *children]
    )
    return revision


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
