"""Search over both languages: Chinese words, English words, ranking, highlighting."""

import re

import pytest
from django.utils import translation

from articles.search import article_search, highlight, search_terms
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def titles(results):
    return [result.translation.title for result in results]


def test_finds_a_two_character_chinese_word(client):
    make_article(zh={"title": "各国讨论气候资金"}, en={"title": "Nations discuss money"})
    make_article(zh={"title": "海洋保护"}, en={"title": "Ocean protection"})
    assert titles(article_search("气候", language="zh-hans")) == ["各国讨论气候资金"]


def test_finds_english_words_case_insensitively():
    make_article(en={"title": "Loss and Damage fund", "body": "<p>Pledges grew.</p>"})
    assert titles(article_search("damage PLEDGES", language="en")) == ["Loss and Damage fund"]


def test_every_word_must_match():
    make_article(en={"title": "Coal phase-out"})
    assert article_search("coal finance", language="en") == []


def test_ranks_headline_matches_above_body_matches():
    make_article(en={"title": "Talks stall", "body": "<p>Methane was mentioned.</p>"})
    make_article(en={"title": "Methane pledge signed", "body": "<p>A deal.</p>"})
    assert titles(article_search("methane", language="en")) == [
        "Methane pledge signed",
        "Talks stall",
    ]


def test_finds_a_chinese_story_from_an_english_page_and_shows_it_in_chinese():
    make_article(en=False, zh={"title": "甲烷减排承诺"})
    [result] = article_search("甲烷", language="en")
    assert result.translation.language == "zh-hans"


def test_markup_in_the_body_is_not_searched():
    make_article(en={"title": "Plain", "body": "<p><strong>Bold</strong> words</p>"})
    assert article_search("strong", language="en") == []


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


def test_search_page_paginates_and_keeps_the_query(client):
    for _ in range(25):
        make_article(zh={"title": "气候谈判"})
    response = client.get("/zh-hans/search/", {"q": "气候"})
    assert len(response.context["object_list"]) == 20
    assert 'href="?q=%E6%B0%94%E5%80%99&amp;page=2"' in response.content.decode()


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
