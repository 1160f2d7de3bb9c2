"""RSS and Atom feeds per language."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def rss_items(client, language):
    channel = ET.fromstring(client.get(f"/{language}/feed/rss/").content).find("channel")
    return channel, channel.findall("item")


def atom_entries(client, language):
    feed = ET.fromstring(client.get(f"/{language}/feed/atom/").content)
    return feed, feed.findall(f"{ATOM}entry")


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


def test_each_feed_lists_only_stories_readable_in_its_language(client):
    make_article(zh=False, en={"title": "Only in English"})
    make_article(en=False, zh={"title": "只有中文"})
    make_article(en={"title": "In both"}, zh={"title": "两种语言"})
    for language, titles in (
        ("en", ["In both", "Only in English"]),
        ("zh-hans", ["只有中文", "两种语言"]),
    ):
        _channel, items = rss_items(client, language)
        assert sorted(item.findtext("title") for item in items) == sorted(titles)
        _feed, entries = atom_entries(client, language)
        assert sorted(entry.findtext(f"{ATOM}title") for entry in entries) == sorted(titles)


def test_rss_marks_the_language_of_the_channel_and_of_every_item(client):
    make_article()
    make_article(en=False)
    channel, items = rss_items(client, "zh-hans")
    assert channel.findtext("language") == "zh-Hans"
    assert [item.findtext(f"{DC}language") for item in items] == ["zh-Hans", "zh-Hans"]
    channel, items = rss_items(client, "en")
    assert channel.findtext("language") == "en"
    assert [item.findtext(f"{DC}language") for item in items] == ["en"]


def test_atom_marks_the_language_of_the_feed_and_of_every_entry(client):
    make_article()
    make_article(zh=False)
    feed, entries = atom_entries(client, "en")
    assert feed.get(XML_LANG) == "en"
    assert [entry.get(XML_LANG) for entry in entries] == ["en", "en"]
    feed, entries = atom_entries(client, "zh-hans")
    assert feed.get(XML_LANG) == "zh-Hans"
    assert [entry.get(XML_LANG) for entry in entries] == ["zh-Hans"]


def test_every_item_has_a_description_the_dek_or_else_the_first_paragraph(client):
    make_article(zh={"title": "有导语", "summary": "甲烷减排进展。"})
    make_article(
        zh={
            "title": "无导语",
            "summary": "",
            "body": (
                "<h2>背景</h2><p>这项计划将让<strong>中国的承诺</strong>更容易核实。</p>"
                "<p>第二段。</p>"
            ),
        }
    )
    make_article(zh={"title": "什么都没有", "summary": "", "body": ""})
    _channel, items = rss_items(client, "zh-hans")
    descriptions = {item.findtext("title"): item.findtext("description") for item in items}
    assert descriptions == {
        "有导语": "甲烷减排进展。",
        "无导语": "这项计划将让中国的承诺更容易核实。",
        "什么都没有": "什么都没有",
    }
    _feed, entries = atom_entries(client, "zh-hans")
    assert all(entry.findtext(f"{ATOM}summary") for entry in entries)


def test_english_description_from_paragraphs_keeps_words_apart(client):
    make_article(en={"summary": "", "body": "<p>Envoys <em>agreed</em>.<br>Then left.</p>"})
    _channel, [item] = rss_items(client, "en")
    assert item.findtext("description") == "Envoys agreed. Then left."


def test_descriptions_are_text_escaped_for_readers_that_take_them_as_html(client):
    make_article(en={"summary": "", "body": "<p>The tag &lt;script&gt; &amp; R&amp;D</p>"})
    _channel, [item] = rss_items(client, "en")
    assert item.findtext("description") == "The tag &lt;script&gt; &amp; R&amp;D"
    _feed, [entry] = atom_entries(client, "en")
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert entry.findtext(f"{ATOM}summary") == "The tag &lt;script&gt; &amp; R&amp;D"


def test_feed_describes_itself_in_its_language(client):
    channel, _items = rss_items(client, "zh-hans")
    assert channel.findtext("description") == "最新的简体中文气候外交报道。"
