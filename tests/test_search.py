"""Search over both languages through the index: Chinese words, English stems, ranking, every
match counted and reachable, the index in step with every write, highlighting."""

import importlib
import io
import re
import shutil
from datetime import UTC, datetime, timedelta
from functools import partial
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from articles.models import Article, SearchDocument, Translation
from articles.search import (
    article_search,
    article_search_match,
    highlight,
    index_tokens,
    query_phrases,
    search_index_update,
    search_terms,
)
from articles.search_backends import order_key, order_keys, search_backend
from tests.factories import make_article, make_source
from tests.helpers import FIXTURES

pytestmark = pytest.mark.django_db


def titles(results):
    return [result.translation.title for result in results]


def found(query, language="en"):
    """Titles of the first hundred matches."""
    return titles(article_search(query, language=language)[:100])


def make_many(count, *, en_title, zh_title="气候谈判", newest=None):
    """`count` published stories, newest first an hour apart, in four queries."""
    source, newest = make_source(), newest or timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            source=source,
            original_url=f"https://bulk.example.com/{source.pk}/{n}",
            slug=f"bulk-{source.pk}-{n}",
            status=Article.Status.PUBLISHED,
            published_at=newest - timedelta(hours=n),
        )
        for n in range(count)
    )
    Translation.objects.bulk_create(
        Translation(
            article=article,
            language=language,
            title=title,
            body="<p>Talks went on.</p>",
            status=Translation.Status.READY,
        )
        for article in articles
        for language, title in (("en", en_title), ("zh-hans", zh_title))
    )
    search_index_update(article.pk for article in articles)
    return articles


# -- Words ------------------------------------------------------------------------------------


def test_han_runs_are_indexed_as_bigrams_and_their_last_character():
    assert index_tokens("各国讨论气候变化, COP30") == [
        "各国",
        "国讨",
        "讨论",
        "论气",
        "气候",
        "候变",
        "变化",
        "化",
        "cop30",
    ]


def test_a_chinese_word_is_queried_as_the_phrase_of_its_bigrams():
    [phrase] = query_phrases(["气候变化"])
    assert [token.text for token in phrase] == ["气候", "候变", "变化"]
    [[single]] = query_phrases(["气"])
    assert single.prefix


def test_finds_a_two_character_chinese_word_and_not_its_characters_apart():
    make_article(zh={"title": "各国讨论气候变化"}, en={"title": "Nations discuss change"})
    make_article(zh={"title": "天气不好，等候通知"}, en={"title": "Bad weather, wait"})
    make_article(zh={"title": "海洋保护"}, en={"title": "Ocean protection"})
    assert found("气候", "zh-hans") == ["各国讨论气候变化"]
    assert found("气候变化", "zh-hans") == ["各国讨论气候变化"]
    assert found("候变", "zh-hans") == ["各国讨论气候变化"]


def test_a_single_chinese_character_is_found_anywhere_in_a_word():
    make_article(zh={"title": "峰会开幕"}, en={"title": "Summit opens"})
    make_article(zh={"title": "排放达到高峰"}, en={"title": "Emissions peak"})
    make_article(zh={"title": "海洋保护"}, en={"title": "Ocean protection"})
    assert sorted(found("峰", "zh-hans")) == ["峰会开幕", "排放达到高峰"]


def test_english_words_match_by_their_stem():
    make_article(en={"title": "Envoys negotiated a deal"})
    make_article(en={"title": "Still negotiating"})
    make_article(en={"title": "Talks stall", "body": "<p>Envoys left.</p>"})
    assert sorted(found("negotiations")) == ["Envoys negotiated a deal", "Still negotiating"]


def test_case_and_accents_are_folded():
    make_article(en={"title": "Perú hosts the talks"})
    make_article(en={"title": "PERU signs"})
    assert sorted(found("peru")) == ["PERU signs", "Perú hosts the talks"]
    assert sorted(found("Perú")) == ["PERU signs", "Perú hosts the talks"]


def test_finds_english_words_case_insensitively():
    make_article(en={"title": "Loss and Damage fund", "body": "<p>Pledges grew.</p>"})
    assert found("damage PLEDGES") == ["Loss and Damage fund"]


def test_every_word_must_match_but_may_be_in_either_language():
    make_article(en={"title": "Coal phase-out"}, zh={"title": "逐步淘汰煤炭"})
    assert found("coal finance") == []
    assert found("coal 煤炭") == ["Coal phase-out"]


def test_markup_in_the_body_is_not_searched():
    make_article(en={"title": "Plain", "body": "<p><strong>Bold</strong> words</p>"})
    assert found("strong") == []
    assert found("bold") == ["Plain"]


@pytest.mark.parametrize(
    "query", ['"climate', "climate OR NOT", "NEAR(a b)", "气*", "a:b", "'", "\\", "-x", "!!!"]
)
def test_query_syntax_of_the_engines_is_just_text(client, query):
    make_article(en={"title": "Climate talks"})
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200


# -- Ranking and counting ---------------------------------------------------------------------


def test_ranks_headline_matches_above_body_matches():
    make_article(en={"title": "Talks stall", "body": "<p>Methane was mentioned.</p>"})
    make_article(en={"title": "Methane pledge signed", "body": "<p>A deal.</p>"})
    assert found("methane") == ["Methane pledge signed", "Talks stall"]


def test_ranks_dek_matches_above_body_matches():
    make_article(en={"title": "One", "summary": "", "body": "<p>About adaptation.</p>"})
    make_article(en={"title": "Two", "summary": "Adaptation money.", "body": "<p>More.</p>"})
    assert found("adaptation") == ["Two", "One"]


def test_the_oldest_story_is_found_among_many_newer_matches(client):
    ten_years_ago = timezone.now() - timedelta(days=3650)
    [oldest] = make_many(1, en_title="Climate talks in Kyoto", newest=ten_years_ago)
    make_many(250, en_title="Climate talks")

    results = article_search("climate", language="en")
    assert results.count() == 251
    assert [r.article for r in results[240:251]][-1] == oldest

    response = client.get("/en/search/", {"q": "climate", "page": 13})
    content = response.content.decode()
    assert "251 stories found" in content
    assert "Kyoto" in content
    assert found("climate kyoto") == ["Climate talks in Kyoto"]


# -- A word in more stories than are ranked ---------------------------------------------------


def make_dated(days_ago, *, en_title, body="<p>Talks went on about the climate.</p>"):
    """A published story, added now, dated `days_ago` (added in date order, as news comes)."""
    published_at = timezone.now() - timedelta(days=days_ago)
    return make_article(
        published_at=published_at,
        en={"title": en_title, "body": body},
        zh={"title": "气候谈判", "body": "<p>谈判继续。</p>"},
    )


@pytest.fixture
def thirty_climate_stories(settings):
    """Ranked: the newest 20 matches of a search, so that the 30 stories of "climate" are
    more; the oldest mentions Kyoto too, and a headline match older than the ranked ones."""
    settings.SEARCH_RANKED_MATCHES = 20
    oldest = make_dated(40, en_title="Talks in Kyoto")
    old_headline = make_dated(39, en_title="Climate pact, an old story")
    others = [make_dated(days, en_title=f"Talks, day {days}") for days in range(38, 20, -1)]
    best = make_dated(20, en_title="Climate finance: the climate deal")
    newer = [make_dated(days, en_title=f"Talks, day {days}") for days in range(19, 10, -1)]
    return {
        "oldest": oldest,
        "old headline": old_headline,
        "best": best,
        "all": [oldest, old_headline, *others, best, *newer],
    }


def test_a_word_in_more_stories_than_are_ranked_is_counted_as_more(client, thirty_climate_stories):
    results = article_search("climate", language="en")
    assert results.count() == 21  # one past the ranked: "more than 20"
    response = client.get("/en/search/", {"q": "climate"})
    content = response.content.decode()
    assert "More than 20 stories found" in content
    assert "stories found" not in content.replace("More than 20 stories found", "")
    with translation.override("zh-hans"):
        chinese = client.get("/zh-hans/search/", {"q": "气候"}).content.decode()
    assert "找到超过 20 篇报道" in chinese


def test_the_first_page_of_a_common_word_is_ranked_by_relevance(client, thirty_climate_stories):
    first_page = client.get("/en/search/", {"q": "climate"}).context["object_list"]
    assert first_page[0].article == thirty_climate_stories["best"]
    # Ranked among the newest 20: the older headline match waits for its turn in date order.
    assert thirty_climate_stories["old headline"] not in [r.article for r in first_page]


def test_every_match_of_a_common_word_is_reached_by_paging(client, thirty_climate_stories):
    first = client.get("/en/search/", {"q": "climate"})
    assert 'href="?q=climate&amp;page=2"' in first.content.decode()
    second = client.get("/en/search/", {"q": "climate", "page": 2})
    assert "More than 20 stories found" in second.content.decode()
    pages = [*first.context["object_list"], *second.context["object_list"]]
    articles = [result.article for result in pages]
    assert sorted(a.pk for a in articles) == sorted(a.pk for a in thirty_climate_stories["all"])
    # After the ranked ones, the older matches come newest first, the oldest last.
    older = [result.article for result in second.context["object_list"]]
    assert older == sorted(older, key=lambda a: a.published_at, reverse=True)
    assert older[-1] == thirty_climate_stories["oldest"]
    assert not second.context["page_obj"].has_next()


def test_a_rare_word_keeps_its_exact_count_beside_a_common_one(client, thirty_climate_stories):
    response = client.get("/en/search/", {"q": "Kyoto"})
    assert "1 story found" in response.content.decode()
    [result] = response.context["object_list"]
    assert result.article == thirty_climate_stories["oldest"]
    assert found("climate kyoto") == ["Talks in Kyoto"]


def test_admin_search_of_a_common_word_lists_the_newest_and_says_there_are_more(
    client, editor, thirty_climate_stories
):
    client.force_login(editor)
    changelist = "/admin/articles/article/"
    response = client.get(changelist, {"q": "climate"})
    listed = {article.pk for article in response.context["cl"].result_list}
    newest = sorted(thirty_climate_stories["all"], key=lambda a: a.published_at)[-20:]
    assert listed == {article.pk for article in newest}
    content = response.content.decode()
    assert "More than 20 stories contain “climate”: the 20 newest are listed" in content
    # Told as a warning (Django's admin shows information with a tick, as a success).
    [message] = list(response.context["messages"])
    assert message.level_tag == "warning"
    # A filter narrows before the search: the oldest is found with the month it is in.
    oldest = thirty_climate_stories["oldest"]
    month = timezone.localtime(oldest.published_at).strftime("%Y-%m")
    narrowed = client.get(changelist, {"q": "climate", "published": month})
    assert oldest in narrowed.context["cl"].result_list
    assert "More than 20" not in narrowed.content.decode()
    with translation.override("zh-hans"):
        client.cookies["django_language"] = "zh-hans"
        chinese = client.get(changelist, {"q": "climate"}).content.decode()
    assert "包含“climate”的报道超过 20 篇" in chinese


def test_the_newest_matches_are_ranked_whatever_order_they_were_added_in(settings):
    """A back catalogue imported newest first: the ranked ones are still the newest."""
    settings.SEARCH_RANKED_MATCHES = 5
    stories = {days: make_dated(days, en_title=f"Talks, day {days}") for days in range(1, 9)}
    newer_headline = make_dated(3.5, en_title="Climate deal, newer")
    older_headline = make_dated(20, en_title="Climate deal, older")
    first_page = article_search("climate", language="en")[:5]
    assert first_page[0].article == newer_headline
    assert older_headline not in [result.article for result in first_page]
    # An editor moves an older story to today: it is among the newest at once.
    older_headline.published_at = timezone.now()
    older_headline.save()
    assert article_search("climate", language="en")[0].article == older_headline
    everything = [result.article for result in article_search("climate", language="en")[:20]]
    assert len(everything) == 10 and stories[8] == everything[-1]


def test_search_page_paginates_and_keeps_the_query(client):
    make_many(25, en_title="Talks", zh_title="气候谈判")
    response = client.get("/zh-hans/search/", {"q": "气候"})
    assert len(response.context["object_list"]) == 20
    assert response.context["paginator"].count == 25
    assert 'href="?q=%E6%B0%94%E5%80%99&amp;page=2"' in response.content.decode()
    second = client.get("/zh-hans/search/", {"q": "气候", "page": 2})
    assert len(second.context["object_list"]) == 5


def test_finds_a_chinese_story_from_an_english_page_and_shows_it_in_chinese():
    make_article(en=False, zh={"title": "甲烷减排承诺"})
    [result] = article_search("甲烷", language="en")[:20]
    assert result.translation.language == "zh-hans"


# -- Only what readers may see ----------------------------------------------------------------


def test_a_draft_or_unpublished_story_is_not_found():
    make_article(status=Article.Status.DRAFT, en={"title": "Draft on methane"})
    story = make_article(en={"title": "Methane story"})
    assert found("methane") == ["Methane story"]
    story.status = Article.Status.DRAFT
    story.save()
    assert found("methane") == []


def test_a_scheduled_story_is_found_once_its_time_comes_without_any_write(monkeypatch):
    embargo = timezone.now() + timedelta(hours=1)
    make_article(published_at=embargo, en={"title": "Embargoed methane"})
    make_article(status=Article.Status.DRAFT, en={"title": "Methane draft"})
    assert found("methane") == []
    # Time passes, to the embargo's very second and past it: nothing is written.
    for later in (embargo, embargo + timedelta(seconds=1), embargo + timedelta(days=400)):
        monkeypatch.setattr(timezone, "now", lambda later=later: later)
        assert found("methane") == ["Embargoed methane"]


def test_order_keys_put_every_published_story_above_the_others_each_part_in_time():
    """The engine's order (search_backends.order_key): published stories newest first, then
    the others newest first; a reader's walk starts at now and reads no other part."""
    years = [datetime(year, 6, 1, tzinfo=UTC) for year in (1, 1799, 1900, 2026, 2200, 9999)]
    for status in (Article.Status.PUBLISHED, Article.Status.DRAFT, Article.Status.REVIEW):
        keys = [order_key(7, status, when, when) for when in years]
        assert keys == sorted(keys) and all(0 <= key < 2**63 for key in keys)
        # To the minute, then by id; a draft's creation time when it has no publication time.
        now = timezone.now()
        key = partial(order_key, status=status, created_at=now)
        assert key(8, published_at=now) > key(7, published_at=now)
        assert key(7, published_at=now) > key(9, published_at=now - timedelta(minutes=1))
        assert key(7, published_at=None) == key(7, published_at=now)
    newest_draft = order_key(2**34 - 1, Article.Status.REVIEW, years[-1], years[-1])
    assert order_key(1, Article.Status.PUBLISHED, years[0], years[0]) > newest_draft
    [(first, last)] = order_keys(published_by=years[3])
    published = partial(order_key, 5, Article.Status.PUBLISHED)
    assert first <= published(years[3], years[3]) <= last
    assert last < published(years[3] + timedelta(minutes=1), years[3])


def test_a_reader_search_walks_the_published_part_alone_whatever_lies_above_it(settings):
    """Drafts and scheduled stories newer than every published one are not read: the
    walk's own range keeps them out, before any question about the stories."""
    settings.SEARCH_RANKED_MATCHES = 3
    now = timezone.now()
    published = [
        make_article(published_at=now - timedelta(days=days), en={"title": f"Methane {days}"})
        for days in (3, 2, 1)
    ]
    for hours in range(1, 6):
        make_article(status=Article.Status.DRAFT, published_at=now + timedelta(hours=hours))
        make_article(published_at=now + timedelta(hours=hours), en={"title": "Methane soon"})
    backend, phrases = search_backend(), query_phrases(["methane"])
    everything = Article.objects.all()
    assert backend.count(phrases, among=everything, limit=100, published_by=now) == 3
    ids = backend.newest(phrases, among=everything, offset=0, limit=100, published_by=now)
    assert ids == [article.pk for article in reversed(published)]
    results = article_search("methane", language="en")
    assert results.count() == 3  # exact: no "more than 3"
    assert {result.article for result in results[:20]} == set(published)


def test_admin_search_lists_the_newest_matches_published_or_not_in_time_order(settings):
    settings.SEARCH_RANKED_MATCHES = 4
    now = timezone.now()
    stories = [
        make_article(
            status=Article.Status.PUBLISHED if days % 2 else Article.Status.DRAFT,
            published_at=now - timedelta(days=days),
            en={"title": f"Methane, {days} days ago"},
        )
        for days in (6, 5, 4, 3, 2, 1)
    ]
    matches = article_search_match("methane", among=Article.objects.all())
    listed = Article.objects.filter(matches.found).order_by("-published_at")
    assert list(listed) == stories[:1:-1] and matches.more
    ids = search_backend().newest(
        query_phrases(["methane"]), among=Article.objects.all(), offset=1, limit=3
    )
    assert ids == [story.pk for story in stories[-2:-5:-1]]


def test_publishing_and_unpublishing_move_a_story_between_the_parts_of_the_order():
    story = make_article(status=Article.Status.DRAFT, en={"title": "Methane draft"})
    assert found("methane") == []
    story.status = Article.Status.PUBLISHED
    story.save(update_fields=["status"])
    assert found("methane") == ["Methane draft"]
    story.status = Article.Status.REVIEW
    story.save(update_fields=["status", "updated_at"])
    assert found("methane") == []
    admin = article_search_match("methane", among=Article.objects.all())
    assert list(Article.objects.filter(admin.found)) == [story]


def test_the_order_keys_migration_keys_every_document_again_both_ways():
    migration = importlib.import_module("articles.migrations.0025_search_order_published_first")
    published = make_article(en={"title": "Methane pledge"})
    draft = make_article(status=Article.Status.DRAFT, en={"title": "Methane draft"})

    def keys():
        return dict(SearchDocument.objects.values_list("article_id", "order_key"))

    keyed = keys()
    with connection.cursor() as cursor:
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        migration.keys_fill_as_before(django_apps, editor)
        assert keys()[published.pk] < 2**62 and keys()[draft.pk] < 2**62
        migration.keys_fill(django_apps, editor)
    assert keys() == keyed and keyed[published.pk] > keyed[draft.pk]
    assert found("methane") == ["Methane pledge"]
    admin = article_search_match("methane", among=Article.objects.all())
    assert set(Article.objects.filter(admin.found)) == {published, draft}


# -- The index in step with every write -------------------------------------------------------


def test_an_edited_translation_is_found_by_its_new_words_only():
    story = make_article(en={"title": "Coal talks"})
    english = story.translations.get(language="en")
    english.title = "Methane talks"
    english.save()
    assert found("coal") == []
    assert found("methane") == ["Methane talks"]


def test_a_deleted_translation_or_story_leaves_the_index():
    story = make_article(en={"title": "Coal talks"}, zh={"title": "煤炭谈判"})
    story.translations.get(language="zh-hans").delete()
    assert found("煤炭") == []
    assert found("coal") == ["Coal talks"]
    story.delete()
    assert found("coal") == []
    assert not SearchDocument.objects.exists()


def test_an_import_is_searchable_at_once_and_a_reimport_replaces_its_words(tmp_path):
    story_file = tmp_path / "story.txt"
    shutil.copy(FIXTURES / "feed_item.txt", story_file)
    call_command(
        "import_articles", str(story_file), "--publish", "--no-fetch-images", stdout=io.StringIO()
    )
    assert found("国家自主贡献", "zh-hans") == ["联合国秘书长敦促各国提交新的气候计划"]

    text = story_file.read_text(encoding="utf-8").replace("国家自主贡献", "减排目标")
    story_file.write_text(text, encoding="utf-8")
    call_command("import_articles", str(story_file), "--no-fetch-images", stdout=io.StringIO())
    assert found("国家自主贡献", "zh-hans") == []
    assert found("减排目标", "zh-hans") == ["联合国秘书长敦促各国提交新的气候计划"]


def test_rebuild_command_indexes_every_story_again():
    make_article(en={"title": "Methane pledge"})
    make_article(status=Article.Status.DRAFT, en={"title": "Draft methane"})
    SearchDocument.objects.all().delete()
    assert found("methane") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert SearchDocument.objects.count() == 2
    assert found("methane") == ["Methane pledge"]
    assert "2 stories" in out.getvalue()


def test_rebuild_command_repairs_an_index_out_of_step():
    make_article(en={"title": "Methane pledge"})
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # What a migration that rebuilds the table would do: new rows miss the FTS table,
            # and a later delete of such a row would corrupt it.
            cursor.execute("DROP TRIGGER articles_searchdocument_fts_insert")
            make_article(en={"title": "Methane again"}, zh=False)
        else:
            # The vector is generated from the row: only a row written wrong can be stale.
            cursor.execute("UPDATE articles_searchdocument SET title = ''")
            make_article(en={"title": "Methane again"}, zh=False)
            cursor.execute("UPDATE articles_searchdocument SET title = ''")
    stale = ["Methane pledge"] if connection.vendor == "sqlite" else []
    assert found("methane") == stale
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert sorted(found("methane")) == ["Methane again", "Methane pledge"]
    make_article(en={"title": "Methane once more"})
    assert len(found("methane")) == 3


def test_sqlite_merges_the_index_16_segments_at_a_time_after_a_migration_or_a_rebuild():
    """Fewer rewrites of each token as the index grows (search_backends.SQLite.MERGE)."""
    if connection.vendor != "sqlite":
        pytest.skip("FTS5's setting")

    def merge_at():
        with connection.cursor() as cursor:
            cursor.execute("SELECT v FROM articles_searchdocument_fts_config WHERE k = 'automerge'")
            return cursor.fetchall()

    assert merge_at() == [(16,)]
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert merge_at() == [(16,)]


def test_the_migrations_index_the_stories_already_there_in_order():
    migration = importlib.import_module("articles.migrations.0010_search_index")
    ordering = importlib.import_module("articles.migrations.0023_search_order_key")
    make_article(en={"title": "Methane pledge"}, zh={"title": "甲烷承诺"})
    make_article(en={"title": "Methane, older"}, zh={"title": "甲烷，较早"})
    SearchDocument.objects.all().delete()
    migration.index_existing_stories(django_apps, schema_editor=None)
    ordering.fill_order_keys(django_apps, schema_editor=None)
    assert found("methane") == ["Methane pledge", "Methane, older"]
    assert found("甲烷", "zh-hans") == ["甲烷承诺", "甲烷，较早"]
    keys = SearchDocument.objects.order_by("-order_key").values_list("article__published_at")
    assert list(keys) == sorted(keys, reverse=True)


# -- Showing a match --------------------------------------------------------------------------


def test_highlight_escapes_then_marks():
    marked = highlight("<script> & climate", re.compile("climate|&", re.IGNORECASE))
    assert marked == "&lt;script&gt; <mark>&amp;</mark> <mark>climate</mark>"


def test_search_terms_are_bounded():
    assert search_terms("  气候   Climate climate ") == ["气候", "Climate"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)))) == 8


def test_search_page_highlights_matches_and_escapes_the_query(client):
    make_article(en={"title": "Climate finance talks", "summary": "Climate cash."})
    with translation.override("en"):
        response = client.get("/en/search/", {"q": "climate <img>"})
    content = response.content.decode()
    assert "<img>" not in content
    response = client.get("/en/search/", {"q": "climate"})
    content = response.content.decode()
    assert "<mark>Climate</mark> finance talks" in content
    assert "1 story found" in content


def test_empty_query_shows_just_the_form(client):
    response = client.get("/en/search/")
    assert response.status_code == 200
    assert response.context["object_list"] == []


def test_nul_in_the_query_finds_what_the_query_without_it_finds(client):
    make_article(en={"title": "Ocean protection"})
    nothing = client.get("/en/search/?q=%00")
    assert nothing.status_code == 200
    assert nothing.context["object_list"] == []
    found = client.get("/en/search/?q=Oce%00an")
    assert found.status_code == 200
    assert titles(found.context["object_list"]) == ["Ocean protection"]


def test_snippet_of_a_chinese_body_has_no_space_where_inline_markup_was():
    make_article(
        zh={
            "title": "标题",
            "summary": "",
            "body": "<p>这项计划将让<strong>中国的承诺</strong>更容易<a href='/'>核实</a>。</p>"
            "<h2>甲烷行动计划</h2><p>据<em>知情人士</em>透露，甲烷排放将下降。</p>",
        }
    )
    [result] = article_search("甲烷", language="zh-hans")
    assert result.excerpt == (
        "这项计划将让中国的承诺更容易核实。<mark>甲烷</mark>行动计划据知情人士透露，"
        "<mark>甲烷</mark>排放将下降。"
    )


def test_a_chinese_phrase_split_by_inline_markup_is_found_and_marked():
    make_article(
        zh={"title": "标题", "body": "<p>这将让<strong>中国</strong>的承诺更容易核实。</p>"}
    )
    [result] = article_search("中国", language="zh-hans")
    assert "让<mark>中国</mark>的承诺" in result.excerpt


def test_snippet_of_an_english_body_keeps_words_of_two_blocks_apart():
    make_article(
        en={
            "title": "Plain",
            "summary": "",
            "body": "<h2>Methane</h2><p>Envoys <em>agreed</em>.</p>",
        }
    )
    [result] = article_search("envoys", language="en")
    assert result.excerpt == "Methane <mark>Envoys</mark> agreed."


def test_the_page_repeats_a_query_only_as_long_as_a_search_uses(client):
    """A query string of any length is cut where the search cuts it: the canonical address,
    the language links and the page links repeat no more of it (a 100,000-character `q` made
    a 500 KB page)."""
    response = client.get("/en/search/", {"q": "climate " + "x" * 100_000, "page": "1"})
    content = response.content.decode()
    assert response.status_code == 200
    assert len(content) < 60_000
    [canonical] = re.findall(r'<link rel="canonical" href="([^"]+)"', content)
    assert len(canonical) < 400
