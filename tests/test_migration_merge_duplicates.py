"""Migration 0008: the articles and Sources that one story's or one outlet's several host
forms made before the canonical address folded them become one, and nothing an editor
wrote, no import record and no revision is lost."""

from datetime import UTC, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from reversion.models import Version

from articles.importing import ImportOptions, import_run
from articles.models import Article, Image, ImportRecord, PageGeneration, Source, Translation
from articles.publishing import conflict_take
from articles.revisions import save_story_revision
from tests.factories import make_article, make_image, make_import_record, make_source

pytestmark = pytest.mark.django_db

MIGRATION = import_module("articles.migrations.0008_merge_duplicate_stories")
URL = "https://ft.com/content/arctic-shipping-season"
BEFORE, AFTER = ("articles", "0007_page_generation"), ("articles", "0008_merge_duplicate_stories")
WHEN = datetime(2026, 7, 2, 6, 30, tzinfo=UTC)


def migrate():
    MIGRATION.merge_duplicates(apps, None)


def aged(article, days):
    Article.objects.filter(pk=article.pk).update(created_at=WHEN - timedelta(days=days))
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def duplicates():
    """The same story three times: a draft made first from the www. address, a published copy
    from the mobile site an editor worked on, and a later draft from the bare host."""
    ft = make_source(name="Financial Times / 金融时报", domain="ft.com", codes=["ft"])
    oldest = aged(
        make_article(
            source=ft,
            status=Article.Status.DRAFT,
            original_url="https://www.ft.com/content/arctic-shipping-season",
            en={"title": "Arctic shipping season grows longer"},
            zh={"title": "北极航道的夏季通航期延长"},
            tags=["climate"],
            slug="arctic-www",
            published_at=WHEN,
        ),
        days=3,
    )
    make_image(oldest, original_url="https://img.example.com/ice.jpg", caption="Sea ice")
    make_import_record(
        oldest,
        outcome=ImportRecord.Outcome.CREATED,
        path="001.txt",
        parsed={
            "translations": [
                {
                    "language": "zh-hans",
                    "title": "北极航道的夏季通航期延长",
                    "summary": "",
                    "body": "",
                }
            ]
        },
    )
    published = aged(
        make_article(
            source=ft,
            status=Article.Status.PUBLISHED,
            original_url="https://m.ft.com/content/arctic-shipping-season",
            en={"title": "Arctic shipping window widens (edited)"},
            zh=False,
            tags=["climate", "arctic"],
            slug="arctic-mobile",
            published_at=WHEN + timedelta(hours=1),
        ),
        days=2,
    )
    make_image(published, original_url="https://img.example.com/ice.jpg", caption="Sea ice, July")
    make_image(published, original_url="", caption="An editor's upload")
    make_import_record(published, path="002.txt", conflicts={"translation:en:title": {}})
    later = aged(
        make_article(
            source=ft,
            status=Article.Status.DRAFT,
            original_url=URL,
            en=False,
            zh={"title": "北极航道通航期延长", "summary": "编辑写的导语"},
            slug="arctic-bare",
            published_at=WHEN,
        ),
        days=1,
    )
    make_image(later, original_url="https://img.example.com/ship.jpg", caption="A ship")
    make_import_record(later, outcome=ImportRecord.Outcome.UPDATED, path="003.txt")
    return oldest, published, later


def test_the_published_story_survives_with_everything_its_duplicates_had(duplicates):
    oldest, published, later = duplicates

    migrate()

    article = Article.objects.get()
    assert article.pk == published.pk and article.slug == "arctic-mobile"
    assert article.original_url == URL and article.status == Article.Status.PUBLISHED
    assert sorted(article.tags.names()) == ["arctic", "climate"]
    titles = dict(Translation.objects.filter(article=article).values_list("language", "title"))
    # Its own English, and the oldest duplicate's Chinese, which it lacked.
    assert titles == {
        "en": "Arctic shipping window widens (edited)",
        "zh-hans": "北极航道的夏季通航期延长",
    }
    images = Image.objects.filter(article=article)
    # (Captions are labels since migration 0011: a text in each language.)
    assert sorted((i.original_url, i.caption) for i in images) == [
        ("", {"en": "An editor's upload"}),
        ("https://img.example.com/ice.jpg", {"en": "Sea ice, July"}),
        ("https://img.example.com/ship.jpg", {"en": "A ship"}),
    ]
    assert sorted(r.path for r in ImportRecord.objects.filter(article=article)) == [
        "001.txt",
        "002.txt",
        "003.txt",
        "https://ft.com/content/arctic-shipping-season",
        "https://www.ft.com/content/arctic-shipping-season",
    ]


def test_what_both_had_waits_for_an_editor_as_a_conflict(duplicates):
    oldest, published, later = duplicates

    migrate()

    merged = ImportRecord.objects.filter(article=published, run__options__has_key="migration")
    by_path = {record.path: record for record in merged}
    www = by_path["https://www.ft.com/content/arctic-shipping-season"]
    assert www.outcome == ImportRecord.Outcome.CONFLICT
    assert www.conflicts["translation:en:title"]["incoming"] == (
        "Arctic shipping season grows longer"
    )
    assert www.conflicts["image:https://img.example.com/ice.jpg:caption"] == {
        "base": None,
        "current": {"en": "Sea ice, July"},
        "incoming": {"en": "Sea ice"},
    }
    assert www.conflicts["article:published_at"]["incoming"] == WHEN.isoformat()
    assert "arctic-www" in www.message and str(oldest.pk) in www.message
    # The bare host's copy brought a Chinese translation the survivor had by then.
    bare = by_path[URL]
    assert bare.conflicts["translation:zh-hans:title"]["incoming"] == "北极航道通航期延长"
    assert bare.conflicts["translation:zh-hans:summary"]["incoming"] == "编辑写的导语"
    assert ImportRecord.objects.open_conflicts().filter(article=published).count() == 3


def test_a_merged_duplicates_revision_restores_onto_the_survivor(duplicates):
    oldest, published, later = duplicates
    revision = save_story_revision(article=oldest, comment="Import of 001.txt")

    migrate()

    assert {v.object_id for v in revision.version_set.all()} >= {str(published.pk)}
    revision.revert(delete=False)
    article = Article.objects.get()
    assert article.pk == published.pk and article.original_url == URL
    assert article.translations.get(language="en").title == "Arctic shipping season grows longer"
    assert Translation.objects.filter(article=article).count() == 2


def test_the_next_import_merges_into_the_survivor_without_losing_the_editors_words(
    duplicates, tmp_path
):
    oldest, published, later = duplicates
    migrate()
    story = tmp_path / "004.txt"
    story.write_text(
        "---\ntitle: Arctic shipping season grows longer\ndate: 2026-07-02T06:30:00.000Z\n"
        "author: ft\n---\n\n[Source Link](http://m.ft.com/content/arctic-shipping-season)\n\n"
        "# Arctic shipping season is longer\n\nThe ice-free weeks have grown.\n",
        encoding="utf-8",
    )

    counts = import_run(paths=[story], options=ImportOptions(fetch_images=False))

    assert counts["failed"] == 0 and counts["created"] == 0
    assert Article.objects.get().translations.get(language="en").title == (
        "Arctic shipping window widens (edited)"
    )


def test_sources_of_one_outlet_become_the_oldest_one():
    kept = make_source(name="Climatewire", domain="climatewire.example", codes=["cw"])
    mobile = make_source(name="m.climatewire.example", domain="m.climatewire.example")
    www = make_source(name="Climate Wire", domain="WWW.climatewire.example", codes=["cwire"])
    on_mobile = make_article(source=mobile, original_url="https://m.climatewire.example/a")
    on_www = make_article(source=www, original_url="https://www.climatewire.example/b")
    save_story_revision(article=on_www, comment="Import")

    migrate()

    source = Source.objects.get()
    assert source.pk == kept.pk and source.name == {"en": "Climatewire"}
    assert source.domain == "climatewire.example" and source.codes == ["cw", "cwire"]
    assert set(source.articles.values_list("original_url", flat=True)) == {
        "https://climatewire.example/a",
        "https://climatewire.example/b",
    }
    [version] = Version.objects.get_for_object(Article.objects.get(pk=on_www.pk))
    assert version.field_dict["source_id"] == kept.pk
    assert version.field_dict["original_url"] == "https://climatewire.example/b"
    assert on_mobile.pk in source.articles.values_list("pk", flat=True)


@pytest.mark.django_db(transaction=True)
def test_an_unnamed_kept_source_takes_a_duplicates_name():
    # On the models of its time: a source's name was one text then.
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    old.get_model("articles", "Source").objects.create(
        name="m.wire.example", domain="m.wire.example"
    )
    old.get_model("articles", "Source").objects.create(name="Wire", domain="wire.example")

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps
    sources = new.get_model("articles", "Source").objects.values_list("name", "domain")
    assert list(sources) == [("Wire", "wire.example")]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Source.objects.values_list("name", "domain").get() == ({"en": "Wire"}, "wire.example")


def test_stories_alone_at_their_address_only_get_its_canonical_form():
    alone = make_article(original_url="https://www.example.org/story?utm_source=x")
    odd = make_article(original_url="not a web address")
    generation = PageGeneration.objects.number()

    migrate()

    alone.refresh_from_db(), odd.refresh_from_db()
    assert alone.original_url == "https://example.org/story"
    assert odd.original_url == "not a web address"
    assert PageGeneration.objects.number() == generation  # no page went away


def test_merging_bumps_the_page_cache_generation(duplicates):
    generation = PageGeneration.objects.number()
    migrate()
    assert PageGeneration.objects.number() > generation


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_on_historical_models_and_reverses_as_a_no_op():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    source = old.get_model("articles", "Source").objects.create(name="FT", domain="ft.com")
    mobile = old.get_model("articles", "Source").objects.create(name="m", domain="m.wsj.com")
    Article = old.get_model("articles", "Article")
    for n, url in enumerate(["http://www.ft.com/content/x", "https://m.ft.com/content/x"]):
        Article.objects.create(
            source=source if n else mobile, original_url=url, slug=f"x-{n}", status="draft"
        )

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps
    [(url, domain)] = new.get_model("articles", "Article").objects.values_list(
        "original_url", "source__domain"
    )
    assert url == "https://ft.com/content/x"
    assert sorted(new.get_model("articles", "Source").objects.values_list("domain", flat=True)) == [
        "ft.com",
        "wsj.com",
    ]

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])  # the reverse changes nothing and raises nothing
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_editor_takes_the_duplicates_headline_like_any_imported_value(duplicates, editor):
    oldest, published, later = duplicates
    migrate()
    record = ImportRecord.objects.get(path="https://www.ft.com/content/arctic-shipping-season")

    conflict_take(record=record, key="translation:en:title", user=editor)

    english = Translation.objects.get(article=published, language="en")
    assert english.title == "Arctic shipping season grows longer"
