"""Public pages and the admin's article list make the same number of queries for 10 stories
as for 200."""

from datetime import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from taggit.models import Tag

from articles.pagination import CappedCountPaginator
from tests.factories import make_article, make_image, make_source

pytestmark = pytest.mark.django_db

PAGES = {
    "home": lambda story: reverse("home"),
    "tag": lambda story: reverse("tag", kwargs={"slug": "finance"}),
    "source": lambda story: reverse("source", kwargs={"domain": story.source.domain}),
    "search": lambda story: reverse("search") + "?q=气候",
    "search-english": lambda story: reverse("search") + "?q=climate+finance",
    "story": lambda story: reverse("article_detail", kwargs={"slug": story.slug}),
    "bilingual": lambda story: reverse("article_bilingual", kwargs={"slug": story.slug}),
    "archive": lambda story: reverse("archive"),
    "month": lambda story: reverse(
        "archive_month",
        kwargs={"year": story.published_at.year, "month": story.published_at.month},
    ),
    "rss": lambda story: reverse("feed_rss"),
    "atom": lambda story: reverse("feed_atom"),
    "robots": lambda story: "/robots.txt",
    "sitemap": lambda story: "/sitemap.xml",
    **{
        f"sitemap-{section}": lambda story, section=section: f"/sitemap-{section}.xml"
        for section in ("pages", "stories", "topics", "sources", "months")
    },
}
# What each page costs, so that a new query anywhere is a deliberate change. Pages with parts
# kept until content changes (topics, related stories) read the page generation for them.
EXPECTED_QUERIES = {
    "home": 2,  # the page generation (its parts and count kept with content), the stories
    "tag": 4,  # allow_empty=False checks for stories first
    "source": 4,
    "search": 2,  # the matches ranked (and so counted), then the stories as on "home"
    "search-english": 2,
    "story": 2,  # the page generation; the story, its translations, images and tags in one
    "bilingual": 2,
    "archive": 1,  # month counts, kept until content changes: the page generation
    "month": 3,  # the months before and after come from the month counts (page generation)
    "rss": 1,  # the stories with their translations, images and tags
    "atom": 1,
    "robots": 0,
    # Per section: how many items (so how many pages), and for stories the latest update too;
    # the months are kept until content changes (the page generation).
    "sitemap": 4,
    "sitemap-pages": 0,
    "sitemap-stories": 2,  # the number of stories; stories with their languages
    "sitemap-topics": 1,
    "sitemap-sources": 1,
    "sitemap-months": 1,
}
ADMIN_LISTS = {
    "all": {},
    "published": {"status": "published"},
    "month": {"published": "2025-03"},
    "source": {"source__id__exact": "{source}"},
    "tag": {"tags__id__exact": "{tag}"},
    "source and tag": {"source__id__exact": "{source}", "tags__id__exact": "{tag}"},
    "missing language": {"missing": "zh-hans"},
    "outdated translation": {"outdated": "en"},
    "has an image": {"has_image": "yes"},
    "open conflict": {"conflict": "yes"},
    "search": {"q": "climate"},
    "search in Chinese": {"q": "气候"},
    "search and filter": {"q": "finance", "status": "published"},
    "page 2": {"p": "2"},
}


def add_stories(count, source, **fields):
    for _ in range(count):
        story = make_article(source=source, tags=["finance", "cop30"], **fields)
        make_image(story, caption="Delegates", credit="Reuters")


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_query_count_does_not_grow_with_the_number_of_stories(client, settings, page, language):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    source = make_source()
    add_stories(10, source)
    story = source.articles.order_by("-published_at").first()
    with translation.override(language):
        path = PAGES[page](story)
    # A first request after each change fills Django's content-type cache and the parts
    # kept until content changes (topic counts, related stories); never the page itself.
    client.get(path)
    with_ten = count_queries(client, path)
    add_stories(190, source)
    client.get(path)
    with_two_hundred = count_queries(client, path)
    assert with_ten == with_two_hundred == EXPECTED_QUERIES[page]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_related_stories_cost_the_same_queries_for_10_and_200_stories(client, settings, language):
    """A story's first view after a change computes its related stories afresh."""
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    source = make_source()
    add_stories(10, source)
    story = source.articles.order_by("-published_at").first()
    with translation.override(language):
        path = PAGES["story"](story)
    client.get(path)

    def first_view():
        cache.clear()
        return count_queries(client, path)

    with_ten = first_view()
    add_stories(190, source)
    assert first_view() == with_ten


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_archive_first_view_costs_the_same_queries_for_10_and_200_stories(
    client, settings, language
):
    """The archive's first view after a change counts its months afresh."""
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    source = make_source()
    add_stories(10, source)
    with translation.override(language):
        path = PAGES["archive"](None)

    def first_view():
        cache.clear()
        return count_queries(client, path)

    first_view()
    with_ten = first_view()
    add_stories(190, source)
    assert first_view() == with_ten


@pytest.mark.parametrize("name", list(ADMIN_LISTS))
def test_admin_list_query_count_does_not_grow_with_the_number_of_stories(client, editor, name):
    client.force_login(editor)
    source = make_source()
    march = timezone.make_aware(datetime(2025, 3, 10))

    def list_queries():
        tag = Tag.objects.get(slug="finance")
        params = {
            key: value.format(source=source.pk, tag=tag.pk)
            for key, value in ADMIN_LISTS[name].items()
        }
        path = reverse("admin:articles_article_changelist") + "?" + urlencode(params)
        client.get(path)
        return count_queries(client, path)

    add_stories(60, source, published_at=march)
    with_sixty = list_queries()
    add_stories(140, source, published_at=march)
    assert list_queries() == with_sixty
    # The page is really listed (a count, the rows, the filters; a search its matches' ids,
    # published and not: two walks).
    assert 8 <= with_sixty <= 18


@pytest.mark.parametrize(
    "page, queries",
    [
        (1, EXPECTED_QUERIES["search"]),
        # Counted further than the ranked matches: the count, the older ids, the stories.
        (2, EXPECTED_QUERIES["search"] + 1),
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_word_in_more_stories_than_are_ranked_costs_the_same_queries(
    client, settings, monkeypatch, page, queries, language
):
    """Beyond the ranked matches (page 1 ranked, page 2 the older ones), at 30 and 200.
    As with the site's 1,000 ranked matches, the first page counts no further than them."""
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    settings.SEARCH_RANKED_MATCHES = 20
    monkeypatch.setattr(CappedCountPaginator, "pages_ahead", 0)
    source = make_source()
    add_stories(30, source)
    with translation.override(language):
        path = reverse("search") + "?" + urlencode({"q": "气候", "page": page})
    with_thirty = count_queries(client, path)
    add_stories(170, source)
    assert count_queries(client, path) == with_thirty == queries


def test_admin_search_beyond_the_listed_matches_costs_the_same_queries(client, editor, settings):
    settings.SEARCH_RANKED_MATCHES = 20
    client.force_login(editor)
    source = make_source()
    path = reverse("admin:articles_article_changelist") + "?q=climate"
    add_stories(30, source)
    client.get(path)
    with_thirty = count_queries(client, path)
    add_stories(170, source)
    client.get(path)
    assert count_queries(client, path) == with_thirty
    assert "More than 20 stories contain" in client.get(path).content.decode()
