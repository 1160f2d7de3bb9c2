"""One story met at `www.`, mobile and http:// addresses was several articles, and one outlet
several Sources, until canonical_url and source_domain folded those hosts: merge them.

Sources of one domain: the oldest is kept (editors name a source once, when it first appears);
it takes the others' articles and short codes, and a name if it never had one of its own.

Articles of one address: the kept one is the published one, else the one in review, else a
draft; among equals the oldest. Its slug is the address readers and search engines have had
longest, and a merge must not undo an editor's publishing. From each duplicate it takes:
import records (all of them); translations in languages it lacks; images (one of the same
original URL gives its downloaded file if the kept one has none); tags; a publication time or
original language it lacks; revisions, rewritten to restore onto the kept story. Where both
have a value (a translation's headline, an image's caption...), the kept story keeps its own
and the duplicate's waits in a new import record as a conflict an editor can take or keep,
which also names the duplicate's address, slug and status. Nothing an editor wrote is lost.

canonical_url and source_domain are pure functions of strings, so this migration asks them
rather than copying the rule; everything it reads and writes is a historical model.
The reverse is a no-op: the merged stories are valid under the old rule too.
"""

import json
from datetime import UTC

from django.db import migrations
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.importing.parsers.base import ParseError
from articles.importing.parsers.urls import canonical_url
from articles.outlets import source_domain

STATUS_RANK = {"published": 0, "review": 1, "draft": 2}
TRANSLATION_FIELDS = ("title", "summary", "body")
IMAGE_FIELDS = ("caption", "credit", "alt_text", "position")
# The file last: with its dimensions already set, ImageField does not open it to measure.
IMAGE_FILE_FIELDS = ("width", "height", "renditions", "file")
CHUNK = 500  # ids per IN (...): below SQLite's oldest limit of 999 parameters


def merge_duplicates(apps, schema_editor):
    history = Revisions(apps)
    moved_sources = merge_sources(apps)
    if merge_articles(apps, history):
        # A merged duplicate's page is gone: cached pages must not show it any longer.
        PageGeneration = apps.get_model("articles", "PageGeneration")
        PageGeneration.objects.filter(pk=1).update(number=F("number") + 1)
    history.mend(moved_sources)


def merge_sources(apps) -> dict[int, int]:
    """Merge Sources of one domain; return each removed source's id -> the kept one's id."""
    Source, Article = apps.get_model("articles", "Source"), apps.get_model("articles", "Article")
    groups: dict[str, list] = {}
    for source in Source.objects.order_by("pk"):
        groups.setdefault(source_domain(source.domain), []).append(source)
    moved = {}
    for domain, (kept, *others) in groups.items():
        for other in others:
            kept.codes = [*kept.codes, *(c for c in other.codes if c not in kept.codes)]
            if kept.name == kept.domain and other.name != other.domain:
                kept.name = other.name
            kept.homepage_url = kept.homepage_url or other.homepage_url
            Article.objects.filter(source=other).update(source=kept)
            moved[other.pk] = kept.pk
            other.delete()
        if others or kept.domain != domain:
            kept.domain = domain
            kept.save()
    return moved


def merge_articles(apps, history: "Revisions") -> bool:
    """Merge the articles of one canonical address; True when any were merged."""
    Article = apps.get_model("articles", "Article")
    groups: dict[str, list[int]] = {}
    for pk, url in Article.objects.order_by("pk").values_list("pk", "original_url").iterator():
        try:
            groups.setdefault(canonical_url(url), []).append(pk)
        except ParseError:
            continue  # an editor's address that is no web address identifies nothing to merge
    merger, merged = Merger(apps, history), False
    for url, pks in groups.items():
        if len(pks) > 1:
            merger.merge(url, Article.objects.filter(pk__in=pks))
            merged = True
        elif Article.objects.filter(pk=pks[0]).exclude(original_url=url).update(original_url=url):
            history.touched.add(pks[0])
    return merged


class Merger:
    def __init__(self, apps, history: "Revisions"):
        self.apps, self.history, self.run = apps, history, None
        self.Translation = apps.get_model("articles", "Translation")
        self.Image = apps.get_model("articles", "Image")
        self.ImportRecord = apps.get_model("articles", "ImportRecord")
        self.TaggedItem = apps.get_model("taggit", "TaggedItem")

    def merge(self, url: str, articles) -> None:
        kept, *duplicates = sorted(
            articles, key=lambda a: (STATUS_RANK.get(a.status, 3), a.created_at, a.pk)
        )
        base = self.last_parsed(kept)
        for duplicate in duplicates:
            message = self.message(duplicate)  # before the duplicate is gone
            conflicts, base = self.absorb(kept, duplicate, base)
            self.record(kept, duplicate.original_url, message, conflicts, base)
        kept.original_url = url
        kept.save()
        self.history.touched.add(kept.pk)

    def absorb(self, kept, duplicate, base: dict) -> tuple[dict, dict]:
        """Move what `duplicate` has onto `kept`; return the values both had, and the merge
        base (the last import's parsed values) extended by what moved."""
        conflicts, duplicate_base = {}, self.last_parsed(duplicate)
        self.ImportRecord.objects.filter(article=duplicate).update(article=kept)
        ids = {}  # the duplicate's translation and image ids -> where their history goes now
        ours = {t.language: t for t in self.Translation.objects.filter(article=kept)}
        for theirs in self.Translation.objects.filter(article=duplicate):
            if theirs.language in ours:
                ids[("translation", theirs.pk)] = ours[theirs.language].pk
                for name in TRANSLATION_FIELDS:
                    key = f"translation:{theirs.language}:{name}"
                    self.differ(conflicts, key, getattr(ours[theirs.language], name), theirs, name)
                theirs.delete()
            else:
                self.Translation.objects.filter(pk=theirs.pk).update(article=kept)
                base = merged_base(
                    base, duplicate_base, "translations", "language", theirs.language
                )
        ours = {
            i.original_url: i for i in self.Image.objects.filter(article=kept) if i.original_url
        }
        for theirs in self.Image.objects.filter(article=duplicate):
            same = ours.get(theirs.original_url) if theirs.original_url else None
            if same is None:
                self.Image.objects.filter(pk=theirs.pk).update(article=kept)
                base = merged_base(
                    base, duplicate_base, "images", "original_url", theirs.original_url
                )
                continue
            ids[("image", theirs.pk)] = same.pk
            for name in IMAGE_FIELDS:
                key = f"image:{theirs.original_url}:{name}"
                self.differ(conflicts, key, getattr(same, name), theirs, name)
            if theirs.file and not same.file:
                for name in IMAGE_FILE_FIELDS:
                    setattr(same, name, getattr(theirs, name))
                same.save()
            theirs.delete()
        self.absorb_tags(kept, duplicate)
        if kept.published_at is None:
            kept.published_at = duplicate.published_at
        elif duplicate.published_at and duplicate.published_at != kept.published_at:
            conflicts["article:published_at"] = {
                "base": None,
                "current": kept.published_at.astimezone(UTC).isoformat(),
                "incoming": duplicate.published_at.astimezone(UTC).isoformat(),
            }
        kept.original_language = kept.original_language or duplicate.original_language
        self.history.move(duplicate.pk, kept.pk, ids)
        duplicate.delete()
        return conflicts, base

    @staticmethod
    def differ(conflicts: dict, key: str, current, theirs, name: str) -> None:
        incoming = getattr(theirs, name)
        if incoming != current and incoming not in ("", None):
            conflicts[key] = {"base": None, "current": current, "incoming": incoming}

    def absorb_tags(self, kept, duplicate) -> None:
        items = self.TaggedItem.objects.filter(content_type=self.history.article_type())
        ours = set(items.filter(object_id=kept.pk).values_list("tag_id", flat=True))
        theirs = items.filter(object_id=duplicate.pk)
        theirs.filter(tag_id__in=ours).delete()
        theirs.update(object_id=kept.pk)

    def last_parsed(self, article) -> dict:
        last = (
            self.ImportRecord.objects.filter(
                article=article, outcome__in=["created", "updated", "conflict"]
            )
            .order_by("-created_at", "-id")
            .first()
        )
        return (last.parsed or {}) if last else {}

    @staticmethod
    def message(duplicate) -> str:
        return _(
            "Merged the duplicate story %(url)s (no. %(id)s, slug %(slug)s, %(status)s) into this "
            "one: another address of the same page. Where both had a value this story kept its "
            "own; the duplicate's waits here."
        ) % {
            "url": duplicate.original_url,
            "id": duplicate.pk,
            "slug": duplicate.slug,
            "status": duplicate.status,
        }

    def record(self, kept, path: str, message: str, conflicts: dict, base: dict) -> None:
        """The merge as an import record: the newest applied one, so its `parsed` is the base
        of the story's next import; the duplicate's values as conflicts for an editor."""
        if self.run is None:
            ImportRun = self.apps.get_model("articles", "ImportRun")
            self.run = ImportRun.objects.create(
                finished_at=timezone.now(), options={"migration": __name__.rpartition(".")[2]}
            )
        self.ImportRecord.objects.create(
            run=self.run,
            article=kept,
            path=path,
            sha256="",
            parsed=base,
            outcome="conflict" if conflicts else "updated",
            message=message,
            conflicts=conflicts,
        )


def merged_base(base: dict, other: dict, part: str, ident: str, value) -> dict:
    """`base` with the entry of `other`'s `part` (translations, images) whose `ident` is
    `value`: the base of what moved over is what its own story last imported."""
    entries = [e for e in other.get(part, []) if e.get(ident) == value]
    if not entries:
        return base
    kept = [e for e in base.get(part, []) if e.get(ident) != value]
    return {**base, part: [*kept, *entries]}


class Revisions:
    """django-reversion's history of the stories: a revision of a duplicate is rewritten to
    restore onto the kept story; every stored address and source is made current."""

    def __init__(self, apps):
        self.ContentType = apps.get_model("contenttypes", "ContentType")
        self.Version = apps.get_model("reversion", "Version")
        self.Article = apps.get_model("articles", "Article")
        self.touched: set[int] = set()  # articles whose address or source may have changed

    def article_type(self):
        return self.ContentType.objects.filter(app_label="articles", model="article").first()

    def move(self, duplicate_id: int, kept_id: int, ids: dict) -> None:
        """Revisions of the duplicate become revisions of the kept story, its translations and
        images those of the kept story's of the same language or URL. A revision that holds
        both stories (one bulk action) keeps the duplicate's versions as they were."""
        article_type = self.article_type()
        if article_type is None:
            return
        names = {
            ct.pk: ct.model
            for ct in self.ContentType.objects.filter(
                app_label="articles", model__in=["article", "translation", "image"]
            )
        }
        versions = self.Version.objects.filter(content_type=article_type)
        for revision_id in versions.filter(object_id=str(duplicate_id)).values_list(
            "revision_id", flat=True
        ):
            if versions.filter(revision_id=revision_id, object_id=str(kept_id)).exists():
                continue
            for version in self.Version.objects.filter(
                revision_id=revision_id, content_type__in=list(names)
            ):
                model = names[version.content_type_id]
                data = self.load(version)
                if data is None:
                    continue
                if model == "article":
                    data["pk"] = kept_id
                elif data["fields"].get("article") == duplicate_id:
                    data["fields"]["article"] = kept_id
                    data["pk"] = ids.get((model, data["pk"]), data["pk"])
                else:
                    continue
                version.object_id = str(data["pk"])
                self.save(version, data)
        self.touched.add(kept_id)

    def mend(self, moved_sources: dict[int, int]) -> None:
        """Stored versions of every story whose address or source changed: the address, when
        it is another form of the current one, and the source become the current ones, so
        that restoring a revision does not bring back a duplicate."""
        article_type = self.article_type()
        if article_type is None:
            return
        self.touched.update(
            self.Article.objects.filter(source_id__in=set(moved_sources.values())).values_list(
                "pk", flat=True
            )
        )
        touched = sorted(self.touched)
        for start in range(0, len(touched), CHUNK):
            articles = {
                str(pk): (url, source_id)
                for pk, url, source_id in self.Article.objects.filter(
                    pk__in=touched[start : start + CHUNK]
                ).values_list("pk", "original_url", "source_id")
            }
            for version in self.Version.objects.filter(
                Q(content_type=article_type) & Q(object_id__in=list(articles))
            ):
                url, source_id = articles[version.object_id]
                data = self.load(version)
                if data is None:
                    continue
                fields = data["fields"]
                changed = False
                if fields.get("original_url") != url and same_story(
                    fields.get("original_url"), url
                ):
                    fields["original_url"], changed = url, True
                if fields.get("source") in moved_sources:
                    fields["source"], changed = moved_sources[fields["source"]], True
                if changed:
                    self.save(version, data)

    @staticmethod
    def load(version) -> dict | None:
        if version.format != "json":
            return None  # the project writes JSON only; anything else is left as it is
        return json.loads(version.serialized_data)[0]

    @staticmethod
    def save(version, data: dict) -> None:
        version.serialized_data = json.dumps([data], ensure_ascii=False)
        version.save(update_fields=["object_id", "serialized_data"])


def same_story(stored, url: str) -> bool:
    try:
        return bool(stored) and canonical_url(stored) == url
    except ParseError:
        return False


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_page_generation"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(merge_duplicates, migrations.RunPython.noop)]
