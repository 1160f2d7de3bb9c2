"""Search engine title and description per language, on the story page's head."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.admin_forms import form_values, pane_field
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def head(client, story, language):
    response = client.get(f"/{language}/stories/{story.slug}/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")

    def meta(**attrs):
        tag = soup.find("meta", attrs=attrs)
        return tag and tag["content"]

    return {
        "title": soup.title.get_text(),
        "description": meta(name="description"),
        "og:title": meta(property="og:title"),
        "og:description": meta(property="og:description"),
        "twitter:title": meta(name="twitter:title"),
        "twitter:description": meta(name="twitter:description"),
        "twitter:card": meta(name="twitter:card"),
        "h1": soup.h1.get_text(strip=True),
    }


@pytest.mark.parametrize(
    ("language", "seo"),
    [
        ("en", {"seo_title": "Bonn talks: who pays?", "seo_description": "Who pays, in brief."}),
        ("zh-hans", {"seo_title": "波恩谈判：谁来出钱？", "seo_description": "简述谁来出钱。"}),
    ],
)
def test_the_seo_title_and_description_are_used_in_the_head_not_the_page(client, language, seo):
    fields = {"en": "en", "zh-hans": "zh"}[language]
    story = make_article(**{fields: {"title": "The headline 标题", **seo}})

    tags = head(client, story, language)

    assert tags["title"].startswith(seo["seo_title"] + " · ")
    assert tags["og:title"] == tags["twitter:title"] == seo["seo_title"]
    assert tags["description"] == tags["og:description"] == seo["seo_description"]
    assert tags["twitter:description"] == seo["seo_description"]
    assert tags["h1"] == "The headline 标题"  # readers still read the headline


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_without_seo_fields_the_head_uses_the_headline_and_the_dek(client, language):
    story = make_article(
        en={"title": "Envoys meet", "summary": "Talks resume."},
        zh={"title": "特使会面", "summary": "谈判重启。"},
    )
    tags = head(client, story, language)
    title, dek = {"en": ("Envoys meet", "Talks resume."), "zh-hans": ("特使会面", "谈判重启。")}[
        language
    ]
    assert tags["title"].startswith(title + " · ")
    assert tags["og:title"] == tags["twitter:title"] == title
    assert tags["description"] == tags["og:description"] == tags["twitter:description"] == dek
    assert tags["twitter:card"] == "summary"


def test_without_a_dek_the_description_is_the_first_paragraph(client):
    story = make_article(en={"summary": "", "body": "<p>First <b>para</b>.</p><p>Second.</p>"})
    assert head(client, story, "en")["description"] == "First para."


def test_a_story_with_an_image_asks_for_a_large_card(client):
    story = make_article()
    make_image(story)
    assert head(client, story, "en")["twitter:card"] == "summary_large_image"


def test_the_seo_fields_are_only_in_their_own_language(client):
    story = make_article(en={"title": "Headline", "seo_title": "English SEO title"})
    assert head(client, story, "zh-hans")["og:title"] != "English SEO title"


def test_editor_sets_the_seo_fields_in_each_pane_with_length_guidance(client, editor):
    story = make_article()
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[story.pk])
    html = client.get(url).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    title_input = soup.find("input", attrs={"name": lambda n: n and n.endswith("-seo_title")})
    assert title_input["data-desk-counter"] == "60"
    assert "about 60 characters" in html and "about 160 characters" in html
    data = form_values(html)
    data[pane_field(data, "zh-hans", "seo_title")] = "中文搜索标题"
    data[pane_field(data, "en", "seo_description")] = "An English description."
    assert client.post(url, data).status_code == 302
    chinese = story.translations.get(language="zh-hans")
    english = story.translations.get(language="en")
    assert (
        chinese.seo_title == "中文搜索标题" and english.seo_description == "An English description."
    )
    assert english.seo_title == "" and chinese.seo_description == ""


def test_the_length_guidance_is_in_chinese_on_the_chinese_admin(client, editor):
    client.force_login(editor)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    title_input = soup.find("input", attrs={"name": lambda n: n and n.endswith("-seo_title")})
    assert title_input["data-desk-counter-text"] == "{count} 字，建议约 60 字"
