"""RSS and Atom feeds per language."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss_lists_published_stories_in_the_feed_language(client):
    story = make_article(en={"title": "Envoys agree", "summary": "A deal."}, tags=["finance"])
    response = client.get("/en/feed/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("language") == "en"
    item = channel.find("item")
    assert item.findtext("title") == "Envoys agree"
    assert item.findtext("description") == "A deal."
    assert item.findtext("link") == f"http://testserver/en/stories/{story.slug}/"
    assert item.findtext("category") == "finance"


def test_atom_feed_in_chinese(client):
    story = make_article(zh={"title": "特使达成协议"})
    response = client.get("/zh-hans/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "特使达成协议"
    assert entry.find(f"{ATOM}link").get("href") == (
        f"http://testserver/zh-hans/stories/{story.slug}/"
    )


def test_feed_falls_back_to_the_other_language(client):
    make_article(zh=False, en={"title": "Only in English"})
    channel = ET.fromstring(client.get("/zh-hans/feed/rss/").content).find("channel")
    assert channel.find("item").findtext("title") == "Only in English"
