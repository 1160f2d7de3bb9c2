"""The sitemap: an index of section pages, with hreflang alternates, every public page once."""

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from tests.factories import make_article, make_source
from tests.helpers import SITEMAP_NS, sitemap_pages

pytestmark = pytest.mark.django_db
NS = {"s": SITEMAP_NS, "x": "http://www.w3.org/1999/xhtml"}


def entries(page):
    """(location, {hreflang: href}, lastmod) for each URL of one sitemap page."""
    root = ET.fromstring(page.content)
    return [
        (
            url.findtext("s:loc", namespaces=NS),
            {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)},
            url.findtext("s:lastmod", namespaces=NS),
        )
        for url in root.findall("s:url", NS)
    ]


def urls(client):
    """Every URL of every page the index lists, with its alternates."""
    return {
        location: alternates
        for page in sitemap_pages(client)[1:]
        for location, alternates, _lastmod in entries(page)
    }


def index_locations(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return [loc.text for loc in root.iter(f"{{{SITEMAP_NS}}}loc")]


def test_sitemap_xml_is_an_index_of_the_sections(client):
    make_article(tags=["finance"])
    locations = index_locations(client)
    assert locations == [
        f"http://testserver/sitemap-{section}.xml"
        for section in ("pages", "stories", "topics", "sources", "months")
    ]


def test_stories_appear_in_each_language_with_alternates_and_lastmod(client):
    story = make_article(tags=["finance"])
    en = f"http://testserver/en/stories/{story.slug}/"
    zh = f"http://testserver/zh-hans/stories/{story.slug}/"
    listed = {
        location: (alternates, lastmod)
        for location, alternates, lastmod in entries(client.get("/sitemap-stories.xml"))
    }
    assert listed[en][0] == listed[zh][0] == {"en": en, "zh-hans": zh}
    assert listed[en][1] == story.updated_at.date().isoformat()
    sitemap = urls(client)
    assert "http://testserver/zh-hans/topics/finance/" in sitemap
    assert "http://testserver/en/" in sitemap
    assert "http://testserver/zh-hans/archive/" in sitemap


def test_a_story_is_listed_only_in_the_languages_it_has(client):
    story = make_article(zh=False)
    sitemap = urls(client)
    assert sitemap[f"http://testserver/en/stories/{story.slug}/"] == {
        "en": f"http://testserver/en/stories/{story.slug}/"
    }
    assert f"http://testserver/zh-hans/stories/{story.slug}/" not in sitemap


def test_sources_and_months_with_public_stories_are_listed(client):
    source = make_source(domain="carbonbrief.org")
    make_article(source=source, published_at=timezone.now().replace(year=2025, month=3, day=2))
    sitemap = urls(client)
    assert "http://testserver/en/sources/carbonbrief.org/" in sitemap
    assert "http://testserver/zh-hans/archive/2025/3/" in sitemap


def test_a_source_with_drafts_only_is_not_listed(client):
    make_article(source=make_source(domain="drafts-only.example.com"), status="draft")
    assert not [url for url in urls(client) if "drafts-only" in url]


def test_every_public_story_is_on_exactly_one_page_in_each_of_its_languages(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 4)  # two stories, four URLs, a page
    stories = [
        make_article(zh=None if n != 2 else False, en=None if n != 3 else False) for n in range(7)
    ]
    make_article(status=Article.Status.DRAFT, slug="a-draft")
    make_article(published_at=timezone.now() + timedelta(days=1), slug="a-scheduled-story")

    pages = [page for page in sitemap_pages(client)[1:] if "stories" in page.request["PATH_INFO"]]
    assert len(pages) == 4
    assert [page.request["QUERY_STRING"] for page in pages] == ["", "p=2", "p=3", "p=4"]
    listed = Counter(location for page in pages for location, _alt, _mod in entries(page))
    expected = {
        f"http://testserver/{language}/stories/{story.slug}/"
        for story in stories
        for language in ("en", "zh-hans")
        if story.translations.filter(language=language).exists()
    }
    assert set(listed) == expected
    assert set(listed.values()) == {1}
    assert all(len(entries(page)) <= 4 for page in pages)


def test_a_page_past_the_last_is_not_found(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    make_article()
    make_article()
    assert client.get("/sitemap-stories.xml?p=2").status_code == 200
    assert client.get("/sitemap-stories.xml?p=3").status_code == 404
    assert client.get("/sitemap-stories.xml?p=x").status_code == 404


def test_a_page_of_the_sitemap_reads_no_bodies_and_no_query_per_story(
    client, settings, django_assert_max_num_queries
):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    for _ in range(30):
        make_article(tags=["finance"])
    client.get("/sitemap-stories.xml")  # the month counts (how many stories), kept until a change
    with django_assert_max_num_queries(3) as queries:
        response = client.get("/sitemap-stories.xml")
    assert response.status_code == 200
    assert len(entries(response)) == 60
    assert not [query for query in queries.captured_queries if "body" in query["sql"]]
