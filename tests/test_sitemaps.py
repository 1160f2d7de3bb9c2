"""sitemap.xml with hreflang alternates."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.factories import make_article, make_source

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def urls(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return {
        url.findtext("s:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in root.findall("s:url", NS)
    }


def test_stories_appear_in_each_language_with_alternates(client):
    story = make_article(tags=["finance"])
    sitemap = urls(client)
    en = f"http://testserver/en/stories/{story.slug}/"
    zh = f"http://testserver/zh-hans/stories/{story.slug}/"
    assert sitemap[en] == sitemap[zh] == {"en": en, "zh-hans": zh}
    assert "http://testserver/zh-hans/topics/finance/" in sitemap
    assert "http://testserver/en/" in sitemap


def test_a_story_is_listed_only_in_the_languages_it_has(client):
    story = make_article(zh=False)
    sitemap = urls(client)
    assert f"http://testserver/en/stories/{story.slug}/" in sitemap
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
