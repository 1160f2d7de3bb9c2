"""scripts/backup.py and scripts/restore.py, run as the README says, on the engine of this run.

A site's database (SQLite file, or PostgreSQL when DATABASE_URL is PostgreSQL) and media folder
are filled, backed up, and restored into a new empty database and an empty media folder; then
everything readers and editors see must be the same, down to each image file's bytes.
"""

import datetime
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SETUP = "import django; django.setup(); from tests import test_backup as t; "


def fill() -> None:
    """A small site: stories in both languages, an image file, tags, imports and revisions."""
    from io import BytesIO

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from PIL import Image as PillowImage

    from articles.images import make_renditions
    from articles.models import Article, Image, ImportRecord, ImportRun
    from articles.revisions import article_revision
    from tests.factories import make_article, make_image

    editor = get_user_model().objects.create_user("editor", password="pw-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    story = make_article(
        en={"title": "Envoys narrow gaps on finance", "body": "<p>Talks in <em>Bonn</em>.</p>"},
        zh={
            "title": "特使缩小气候资金分歧",
            "summary": "波恩谈判。",
            "body": "<p>谈判代表在波恩。</p>",
        },
        tags=["COP29", "气候资金"],
    )
    make_article(status=Article.Status.DRAFT, zh=False, tags=["COP29"])
    photo = BytesIO()
    PillowImage.new("RGB", (64, 48), (30, 120, 60)).save(photo, "PNG")
    image = make_image(story, caption="代表们在波恩", credit="Reuters")
    image.file.save("bonn.png", ContentFile(photo.getvalue()))
    make_renditions(image)
    # FieldFile.save leaves width and height empty; a restore would fill them in from the file.
    Image.objects.filter(pk=image.pk).update(width=64, height=48)
    run = ImportRun.objects.create(options={"publish": True}, counts={"created": 1})
    ImportRecord.objects.create(
        run=run,
        article=story,
        path="digests/2026-11-01.md",
        sha256="ab" * 32,
        raw_text="---\ntitle: 特使\n---\n正文",
        parsed={"title": {"zh-hans": "特使缩小气候资金分歧"}},
        outcome=ImportRecord.Outcome.CONFLICT,
        conflicts={"title.en": {"editor": "A", "incoming": "B"}},
        warnings=["image not fetched"],
    )
    with article_revision(comment="First version", user=editor):
        story.save()
    with article_revision(comment="Headline corrected", user=editor):
        headline = story.translations.get(language="en")
        headline.title = "Envoys close gaps on finance"
        headline.save()


def fingerprint() -> dict:
    """Everything the site holds, without the row ids a restore may renumber."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.serializers.json import DjangoJSONEncoder

    class MillisecondEncoder(DjangoJSONEncoder):
        """Times to the millisecond, as the backup (Django's JSON serialiser) keeps them: it
        writes 12:00:00.000400 as "12:00:00.000", read back as 12:00:00, whose default
        rendering drops the ".000"."""

        def default(self, o):
            if isinstance(o, datetime.datetime):
                o = o.replace(microsecond=o.microsecond // 1000 * 1000)
                return o.isoformat(timespec="milliseconds")
            return super().default(o)

    from reversion.models import Version
    from taggit.models import Tag

    from articles.models import Article, Image, ImportRecord, ImportRun, Source, Translation
    from articles.search import article_search

    def rows(queryset, *exclude):
        return [
            {key: value for key, value in row.items() if key not in exclude}
            for row in queryset.order_by("pk").values()
        ]

    def file_digest(name):
        path = Path(settings.MEDIA_ROOT) / name
        return hashlib.sha256(path.read_bytes()).hexdigest() if name else None

    images = rows(Image.objects)
    for image in images:
        image["file_sha256"] = file_digest(image["file"])
        image["rendition_sha256"] = [file_digest(r["name"]) for r in image["renditions"]]
    result = {
        "sources": rows(Source.objects),
        "articles": rows(Article.objects),
        "article_tags": [
            (article.pk, sorted(article.tags.names())) for article in Article.objects.order_by("pk")
        ],
        "translations": rows(Translation.objects),
        "images": images,
        "tags": sorted(Tag.objects.values_list("name", "slug")),
        "import_runs": rows(ImportRun.objects),
        "import_records": rows(ImportRecord.objects),
        "versions": [
            (
                v.content_type.natural_key(),
                v.object_id,
                v.serialized_data,
                v.object_repr,
                v.revision.comment,
                v.revision.user.username if v.revision.user else None,
                v.revision.date_created,
            )
            for v in Version.objects.select_related("revision__user").order_by("pk")
        ],
        "users": [
            (user.username, user.password, user.is_staff, sorted(user.groups.values_list("name")))
            for user in get_user_model().objects.order_by("username")
        ],
        # What readers find: the search index is made again by the restore.
        "search": {
            query: [result.article.slug for result in article_search(query, language=language)[:20]]
            for query, language in [("finance", "en"), ("气候资金", "zh-hans"), ("bonn", "en")]
        },
    }
    return json.loads(json.dumps(result, cls=MillisecondEncoder))


def print_fingerprint() -> None:
    print(json.dumps(fingerprint()))


def run(env: dict, *command: str) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def site(new_database_url, tmp_path):
    """Environments of two sites: `old` holds content, `new` is an empty database and folder."""
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsdesk.settings", "NEWSDESK_DEBUG": "0"}
    return {
        name: {
            **base,
            "DATABASE_URL": new_database_url(),
            "NEWSDESK_MEDIA_ROOT": str(tmp_path / f"media-{name}"),
        }
        for name in ("old", "new")
    }


def test_a_backup_restores_everything_into_an_empty_site(site, tmp_path):
    from articles.revisions import comment_text

    python = sys.executable
    run(site["old"], python, "manage.py", "migrate", "--noinput", "-v", "0")
    run(site["old"], python, "-c", SETUP + "t.fill()")
    before = json.loads(run(site["old"], python, "-c", SETUP + "t.print_fingerprint()"))

    folder = Path(run(site["old"], python, "scripts/backup.py", str(tmp_path / "backups")).strip())
    assert sorted(p.name for p in folder.iterdir()) == [
        "database-by-id.json.gz",
        "database.json.gz",
        "manifest.json",
        "media.tar.gz",
    ]
    run(site["new"], python, "scripts/restore.py", str(folder))
    after = json.loads(run(site["new"], python, "-c", SETUP + "t.print_fingerprint()"))

    for kind in before:
        assert after[kind] == before[kind], kind
    assert after.keys() == before.keys()
    assert len(after["articles"]) == 2 and len(after["translations"]) == 3
    assert {"COP29", "气候资金"} == {name for name, _ in after["tags"]}
    [image] = after["images"]
    assert image["caption"] == {"zh-hans": "代表们在波恩"} and image["file_sha256"]
    assert image["rendition_sha256"] and all(image["rendition_sha256"])
    assert [comment_text(v[4]) for v in after["versions"] if v[0] == ["articles", "article"]] == [
        "First version",
        "Headline corrected",
    ]
    assert after["import_records"][0]["raw_text"] == "---\ntitle: 特使\n---\n正文"
    [(username, _, is_staff, groups)] = after["users"]
    assert (username, is_staff, groups) == ("editor", True, [["Editor"]])


def as_an_older_backup(folder: str) -> None:
    """The backup in `folder` as the versions before 0025 made it: the search documents in
    the dump, keyed as they keyed them (0023's layout), and counted in the manifest."""
    import gzip
    import importlib

    from django.core import serializers

    from articles.models import SearchDocument

    keyed_before = importlib.import_module(
        "articles.migrations.0025_search_order_published_first"
    ).order_key_before
    stored = list(SearchDocument.objects.select_related("article").order_by("pk"))
    documents = serializers.serialize(
        "python", stored, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    for document, article in zip(documents, (row.article for row in stored), strict=True):
        document["fields"]["order_key"] = keyed_before(
            article.pk, article.status, article.published_at, article.created_at
        )
    dump = Path(folder) / "database.json.gz"
    with gzip.open(dump, "rt") as data:
        rows = json.load(data)
    with gzip.open(dump, "wt") as data:
        json.dump(rows + documents, data, cls=serializers.json.DjangoJSONEncoder)
    manifest = json.loads((Path(folder) / "manifest.json").read_text())
    manifest["counts"]["articles.SearchDocument"] = len(documents)
    (Path(folder) / "manifest.json").write_text(json.dumps(manifest))


def test_a_backup_made_before_the_search_index_was_left_out_restores_a_working_search(
    site, tmp_path
):
    python = sys.executable
    run(site["old"], python, "manage.py", "migrate", "--noinput", "-v", "0")
    run(site["old"], python, "-c", SETUP + "t.fill()")
    before = json.loads(run(site["old"], python, "-c", SETUP + "t.print_fingerprint()"))
    folder = run(site["old"], python, "scripts/backup.py", str(tmp_path)).strip()
    run(site["old"], python, "-c", SETUP + f"t.as_an_older_backup({folder!r})")
    run(site["new"], python, "scripts/restore.py", folder)
    after = json.loads(run(site["new"], python, "-c", SETUP + "t.print_fingerprint()"))
    assert after["search"] == before["search"]
    assert all(after["search"].values())


def test_the_restored_site_can_revert_a_revision_and_add_stories(site, tmp_path):
    python = sys.executable
    run(site["old"], python, "manage.py", "migrate", "--noinput", "-v", "0")
    run(site["old"], python, "-c", SETUP + "t.fill()")
    folder = Path(run(site["old"], python, "scripts/backup.py", str(tmp_path)).strip())
    run(site["new"], python, "scripts/restore.py", str(folder))
    check = (
        "from reversion.models import Version; from articles.models import Article, Translation\n"
        "from tests.factories import make_article, make_source\n"
        "story = Article.objects.get(translations__title='Envoys close gaps on finance')\n"
        "Version.objects.get_for_object(story).last().revision.revert()\n"
        "print(Translation.objects.get(article=story, language='en').title)\n"
        "new = make_article(source=make_source(domain='new.example.com'), slug='new',\n"
        "                   original_url='https://new.example.com/1', tags=['COP29'])\n"
        "print(new.pk > story.pk)\n"
    )
    output = run(site["new"], python, "-c", "import django; django.setup()\n" + check)
    assert output.split("\n")[:2] == ["Envoys narrow gaps on finance", "True"]


def test_restore_refuses_a_database_that_holds_stories(site, tmp_path):
    python = sys.executable
    for env in site.values():
        run(env, python, "manage.py", "migrate", "--noinput", "-v", "0")
        run(env, python, "-c", SETUP + "t.fill()")
    folder = Path(run(site["old"], python, "scripts/backup.py", str(tmp_path)).strip())
    refused = subprocess.run(
        [python, "scripts/restore.py", str(folder)],
        cwd=ROOT,
        env=site["new"],
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "empty" in refused.stderr
