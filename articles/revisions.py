"""History of articles with django-reversion: one revision holds an article, its translations
and its images, whether the admin, an editor's action or the import saved them."""

import functools
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS
from django.utils import formats, timezone
from django.utils.encoding import is_protected_type
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from reversion.models import Revision, Version

from . import languages
from .labels import LabelField, label_changes
from .messages import json_loaded, message_text, stored_message
from .models import Article, Image, ImportRecord, Translation
from .rows import objects_create, rows_insert, template_rows
from .sanitize import SanitizedHtmlField
from .text import spaced_format, text_blocks

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
        reversion.set_comment(stored_message(comment, **params))
        if user is not None and user.is_authenticated:
            reversion.set_user(user)


# What the import writes (importing/write.py): "Import of <file name>: <outcome>".
IMPORT_COMMENT = re.compile(r"Import of (?P<file>.+): (?P<outcome>[a-z]+)")


def comment_text(comment: str) -> str:
    """A revision's comment in the active language, whoever wrote it in whichever language:
    our own (`messages.stored_message`), the admin's record of changed fields (Django's change
    message), the import's, or an older plain message."""
    if isinstance(json_loaded(comment), list):
        return LogEntry(change_message=comment).get_change_message()
    if match := IMPORT_COMMENT.fullmatch(comment):
        outcome = match["outcome"]
        label = ImportRecord.Outcome(outcome).label if outcome in ImportRecord.Outcome else outcome
        return spaced_format(
            _("Imported from %(file)s: %(outcome)s"), file=match["file"], outcome=label
        )
    return message_text(comment)


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
    revisions = objects_create(
        Revision, (Revision(comment=story.comment, date_created=now) for story in stories)
    )
    types = {
        model: ContentType.objects.get_for_model(model).pk
        for model in (Article, Translation, Image)
    }
    versions = (
        (
            revision.pk,
            str(obj.pk),
            types[type(obj)],
            version_json(obj),
            (story.title or str(obj)) if obj is story.article else str(obj),
        )
        for story, revision in zip(stories, revisions, strict=True)
        for obj in [
            story.article,
            *(read[story.article.pk] if story.children is None else story.children),
        ]
    )
    rows_insert(
        Version,
        *template_rows(
            Version(db=DEFAULT_DB_ALIAS, format="json"),
            ("revision", "object_id", "content_type", "serialized_data", "object_repr"),
            versions,
        ),
    )
    return revisions


def version_json(obj) -> str:
    """What django-reversion stores of `obj`: Django's JSON serialiser's text for `[obj]`,
    made without the serialiser's machinery, which cost the import a tenth of its writes."""
    return f"[{json.dumps(python_form(obj), cls=DjangoJSONEncoder, ensure_ascii=False)}]"


def python_form(obj) -> dict:
    """`obj` as Django's python serialiser gives it: its model, its pk and each serialised
    local field, a value of a protected type (None, a number, a time) as it is, any other as
    `value_to_string`."""
    fields = {}
    for field in _serialized_fields(type(obj)):
        value = field.value_from_object(obj)
        fields[field.name] = value if is_protected_type(value) else field.value_to_string(obj)
    pk = obj._meta.pk.value_from_object(obj)
    return {
        "model": str(obj._meta),
        "pk": pk if is_protected_type(pk) else obj._meta.pk.value_to_string(obj),
        "fields": fields,
    }


@functools.cache
def _serialized_fields(model) -> list:
    # Many-to-many fields would be serialised too, but the story's tags are not (taggit's
    # manager is not serialised), nor any other of these models' relations.
    assert not any(field.serialize for field in model._meta.concrete_model._meta.local_many_to_many)
    return [field for field in model._meta.concrete_model._meta.local_fields if field.serialize]


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
        for field in _compared_fields(model):
            then = _version_value(version, field)
            now = field.value_from_object(current) if current else None
            changes += _field_changes(version.object_repr, model, field, then, now)
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
                        "diff": highlighted_diff("", str(later)),
                    }
                )
    return changes


def revision_compare(revision, earlier) -> list[dict]:
    """What `revision` changed from `earlier` (the story's revision before it, or None for
    the first): per field, the value before and after. An object that is in only one of them
    (a translation added or deleted) shows as none on the other side."""
    before = (
        {(v.content_type_id, v.object_id): v for v in earlier.version_set.all()} if earlier else {}
    )
    changes = []
    for version in revision.version_set.all():
        model = version._model
        old = before.pop((version.content_type_id, version.object_id), None)
        for field in _compared_fields(model):
            then = _version_value(old, field) if old else None
            now = _version_value(version, field)
            changes += _field_changes(version.object_repr, model, field, then, now)
    for gone in before.values():
        model = gone._model
        for field in _compared_fields(model):
            if (then := _version_value(gone, field)) not in (None, "", {}):
                changes += _field_changes(gone.object_repr, model, field, then, None)
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


def _compared_fields(model):
    return [field for field in model._meta.concrete_fields if field.name not in SKIPPED_FIELDS]


def _version_value(version, field):
    return version.field_dict.get(field.attname, version.field_dict.get(field.name))


def _comparable(value):
    # Revisions are stored as JSON, which keeps datetimes to the millisecond.
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def _field_changes(object_repr, model, field, then, now) -> list[dict]:
    """The change of one field, if any; a label field's, once per language changed."""
    if isinstance(field, LabelField):
        return [
            _change(
                object_repr,
                model,
                field,
                (then or {}).get(code),
                (now or {}).get(code),
                name=_("%(field)s (%(language)s)")
                % {"field": field.verbose_name, "language": languages.name(code)},
            )
            for code in label_changes(then, now)
        ]
    if _comparable(then) != _comparable(now):
        return [_change(object_repr, model, field, then, now)]
    return []


def _change(object_repr, model, field, then, now, *, name: str = "") -> dict:
    return {
        "object": _("%(kind)s: %(object)s")
        % {"kind": model._meta.verbose_name.capitalize(), "object": object_repr},
        "field": name or field.verbose_name,
        "then": then,
        "now": now,
        "diff": highlighted_diff(diff_text(then, field), diff_text(now, field)),
    }


# -- Highlighted differences -------------------------------------------------------------------

# A Han character or kana is a token of its own (Chinese has no spaces to find words by); a
# run of other letters and digits is a word; whitespace, and each other character, alone.
WIDE_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
DIFF_TOKEN = re.compile(f"[{WIDE_LETTERS}]|[^\\W{WIDE_LETTERS}]+|\\s+|.", re.DOTALL)
# difflib compares n by m tokens at worst: above this product (of the parts that differ) the
# texts are matched by paragraphs first, then word by word within the changed paragraphs
# while the budget lasts; what is left over is shown whole, as removed and added.
DIFF_BUDGET = 4_000_000
MAX_DIFF_LINES = 20_000
EQUAL, REMOVED, ADDED = "equal", "removed", "added"


def diff_tokens(text: str) -> list[str]:
    return DIFF_TOKEN.findall(text)


def highlighted_diff(then: str, now: str) -> tuple[str, str]:
    """`then` and `now` as escaped HTML, what only one of them has marked: <del> in `then`,
    <ins> in `now`, each with a word for screen readers, as colour alone tells nobody who
    cannot see it. Word by word in English, character by character in Chinese."""
    old, new = [], []
    for kind, text in _diff_runs(then, now):
        if kind != ADDED:
            old.append(_mark(kind, text))
        if kind != REMOVED:
            new.append(_mark(kind, text))
    return mark_safe("".join(old)), mark_safe("".join(new))  # every piece escaped by _mark


def diff_text(value, field) -> str:
    """A field's value as the diff reads it, as the admin shows it: the text of an HTML body
    (never its tags), one line a paragraph; a choice by its name in the admin's language
    (not "ready"), a time in the local zone, a source by its name;
    anything else as it prints."""
    if value is None:
        return ""
    if isinstance(field, SanitizedHtmlField):
        return "\n".join(block for _element, block in text_blocks(str(value)))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value))
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return str(value)


def _diff_runs(then: str, now: str) -> list[tuple[str, str]]:
    a, b = diff_tokens(then), diff_tokens(now)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    runs = [(EQUAL, "".join(a[:head]))]
    if len(middle_a) * len(middle_b) <= DIFF_BUDGET:
        runs += _token_runs(middle_a, middle_b)
    else:
        runs += _line_runs(middle_a, middle_b)
    runs.append((EQUAL, "".join(a[len(a) - tail :])))
    return [(kind, text) for kind, text in runs if text]


def _line_runs(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    """Paragraphs matched first, then the words of each changed group, within one budget."""
    lines_a, lines_b = _lines(a), _lines(b)
    if max(len(lines_a), len(lines_b)) > MAX_DIFF_LINES:
        return [(REMOVED, "".join(a)), (ADDED, "".join(b))]
    matcher = SequenceMatcher(None, [*map("".join, lines_a)], [*map("".join, lines_b)])
    runs, budget = [], DIFF_BUDGET
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        part_a = [token for line in lines_a[i1:i2] for token in line]
        part_b = [token for line in lines_b[j1:j2] for token in line]
        if op == "equal":
            runs.append((EQUAL, "".join(part_a)))
        elif len(part_a) * len(part_b) <= budget:
            budget -= len(part_a) * len(part_b)
            runs += _token_runs(part_a, part_b)
        else:
            runs += [(REMOVED, "".join(part_a)), (ADDED, "".join(part_b))]
    return runs


def _token_runs(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    runs = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append((EQUAL, "".join(a[i1:i2])))
            continue
        runs += [(REMOVED, "".join(a[i1:i2])), (ADDED, "".join(b[j1:j2]))]
    return runs


def _lines(tokens: list[str]) -> list[list[str]]:
    lines, line = [], []
    for token in tokens:
        line.append(token)
        if "\n" in token:
            lines.append(line)
            line = []
    return [*lines, line] if line else lines


def _mark(kind: str, text: str) -> str:
    if kind == EQUAL:
        return escape(text)
    tag, label = ("del", _("removed:")) if kind == REMOVED else ("ins", _("added:"))
    return format_html('<{0}><span class="visually-hidden">{1} </span>{2}</{0}>', tag, label, text)
