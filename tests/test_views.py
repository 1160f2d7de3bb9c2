"""The reader's pages through the test client: what each page shows, in which language."""

import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article
from articles.pagination import CappedCountPaginator
from tests.factories import make_article, make_image, make_source

pytestmark = pytest.mark.django_db


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def make_staff():
    """A staff member who may see stories in the admin, as editors and contributors can."""
    user = get_user_model().objects.create_user("staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    return user


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def test_root_redirects_to_the_browsers_language(client):
    assert client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"})["Location"] == "/zh-hans/"
    assert client.get("/", headers={"accept-language": "en-GB,en;q=0.8"})["Location"] == "/en/"
    assert client.get("/", headers={"accept-language": "fr"})["Location"] == "/en/"


def test_every_interface_string_follows_the_page_language(client):
    make_article()
    assert soup(client.get("/zh-hans/")).html["lang"] == "zh-hans"
    chinese = soup(client.get("/zh-hans/")).find("nav", class_="site-nav").get_text()
    assert "归档" in chinese and "Archive" not in chinese
    assert "Archive" in soup(client.get("/en/")).find("nav", class_="site-nav").get_text()


def test_home_lists_latest_stories_in_the_page_language(client):
    older = make_article(published_at=timezone.now() - timedelta(days=2))
    newer = make_article(published_at=timezone.now() - timedelta(days=1))
    page = soup(client.get(url("home", "zh-hans")))
    titles = [a.get_text() for a in page.select(".card-title a")]
    zh = {a.pk: a.translations.get(language="zh-hans").title for a in (older, newer)}
    assert titles == [zh[newer.pk], zh[older.pk]]
    assert page.select_one(".card .meta time").get_text() == newer.published_at.strftime(
        "%Y年%-m月%-d日"
    )


def test_home_falls_back_to_the_other_language_with_a_label(client):
    make_article(en=False, zh={"title": "只有中文的报道"})
    card = soup(client.get(url("home"))).select_one(".card")
    assert card.select_one(".card-title a").get_text() == "只有中文的报道"
    assert card.select_one(".card-text")["lang"] == "zh-hans"
    assert "In Simplified Chinese" in card.select_one(".language-label").get_text()


def test_home_is_paginated(client):
    for _ in range(25):
        make_article()
    first = soup(client.get(url("home")))
    assert len(first.select(".card")) == 20
    assert first.select_one("a[rel=next]")["href"] == "?page=2"
    assert len(soup(client.get(url("home") + "?page=2")).select(".card")) == 5


def test_story_page_shows_everything_a_reader_needs(client):
    article = make_article(
        en={"title": "Envoys agree", "summary": "A deal in Bonn.", "body": "<p>Para one.</p>"},
        tags=["finance"],
        original_url="https://www.ft.com/content/abc",
    )
    make_image(article, caption="Delegates in Bonn", credit="Reuters", alt_text="A hall")
    page = soup(client.get(url("article_detail", slug=article.slug)))
    assert page.h1.get_text() == "Envoys agree"
    assert page.select_one(".story-header .dek").get_text() == "A deal in Bonn."
    assert page.select_one(".story-body").decode_contents() == "<p>Para one.</p>"
    assert page.select_one(".byline a[href='https://www.ft.com/content/abc']")
    assert page.select_one(".lead-image img")["alt"] == "A hall"
    assert "Delegates in Bonn" in page.figcaption.get_text()
    assert "Reuters" in page.select_one("figcaption .credit").get_text()
    assert page.select_one(".tags a")["href"] == url("tag", slug="finance")
    switch = page.select_one(".story-modes a[hreflang=zh-hans]")
    assert switch["href"].endswith(url("article_detail", "zh-hans", slug=article.slug))


def test_story_body_is_rendered_as_html_but_headlines_are_escaped(client):
    article = make_article(en={"title": "<b>Bold</b> claim", "body": "<p><em>Real</em></p>"})
    page = soup(client.get(url("article_detail", slug=article.slug)))
    assert page.h1.get_text() == "<b>Bold</b> claim"
    assert page.select_one(".story-body em").get_text() == "Real"


def test_story_lists_related_stories_by_shared_tags(client):
    article = make_article(tags=["finance", "cop30"])
    both = make_article(tags=["finance", "cop30"], published_at=timezone.now() - timedelta(days=9))
    one = make_article(tags=["finance"], published_at=timezone.now() - timedelta(days=1))
    make_article(tags=["oceans"])
    page = soup(client.get(url("article_detail", slug=article.slug)))
    related = [a["href"] for a in page.select(".related .card-title a")]
    assert related == [url("article_detail", slug=s.slug) for s in (both, one)]


def test_story_in_a_missing_language_shows_the_other_and_points_canonical_there(client):
    article = make_article(en=False)
    page = soup(client.get(url("article_detail", slug=article.slug)))
    assert page.h1["lang"] == "zh-hans"
    assert page.select_one(".language-note")
    canonical = page.select_one("link[rel=canonical]")["href"]
    assert canonical.endswith(url("article_detail", "zh-hans", slug=article.slug))
    assert [link["hreflang"] for link in page.select("link[rel=alternate][hreflang]")] == [
        "zh-hans"
    ]


def test_bilingual_mode_pairs_paragraphs_by_length_and_order(client):
    article = make_article(
        en={
            "body": "<p>Negotiators met in Bonn on Thursday to discuss a new finance goal.</p>"
            "<p>Talks resume next week.</p>"
        },
        zh={
            "body": "<p>谈判代表周四在波恩会面。</p><p>他们讨论了新的资金目标。</p>"
            "<p>谈判下周继续。</p>"
        },
    )
    page = soup(client.get(url("article_bilingual", slug=article.slug)))
    pairs = page.select(".bilingual .pair:not(.pair-heading)")
    cells = [pair.find_all("div", recursive=False) for pair in pairs]
    # The paragraph the translator split in two is beside the whole English one, in one cell.
    assert [[[p.get_text() for p in cell.find_all("p")] for cell in row] for row in cells] == [
        [
            ["Negotiators met in Bonn on Thursday to discuss a new finance goal."],
            ["谈判代表周四在波恩会面。", "他们讨论了新的资金目标。"],
        ],
        [["Talks resume next week."], ["谈判下周继续。"]],
    ]
    assert cells[0][1]["lang"] == "zh-hans"


def test_bilingual_mode_of_a_one_language_story_goes_to_the_story(client):
    article = make_article(zh=False)
    response = client.get(url("article_bilingual", slug=article.slug))
    assert response.status_code == 302
    assert response["Location"] == url("article_detail", slug=article.slug)


def test_head_carries_canonical_hreflang_feeds_and_opengraph(client):
    article = make_article()
    make_image(article, original_url="https://img.example.com/lead.jpg")
    head = soup(client.get(url("article_detail", slug=article.slug))).head
    story = f"http://testserver{url('article_detail', slug=article.slug)}"
    assert head.select_one("link[rel=canonical]")["href"] == story
    hreflangs = {link["hreflang"]: link["href"] for link in head.select("link[hreflang]")}
    assert hreflangs == {
        "en": story,
        "zh-hans": f"http://testserver{url('article_detail', 'zh-hans', slug=article.slug)}",
    }
    assert head.select_one("link[type='application/rss+xml']")["href"] == url("feed_rss")
    assert head.select_one("link[type='application/atom+xml']")["href"] == url("feed_atom")
    assert head.select_one("meta[property='og:type']")["content"] == "article"
    assert head.select_one("meta[property='og:url']")["content"] == story
    assert head.select_one("meta[property='og:image']")["content"] == (
        "https://img.example.com/lead.jpg"
    )


def test_canonical_url_keeps_the_page_but_not_tracking_parameters(client):
    for _ in range(21):
        make_article()
    head = soup(client.get(url("home") + "?utm_source=newsletter&page=2")).head
    assert head.select_one("link[rel=canonical]")["href"] == "http://testserver/en/?page=2"
    hreflangs = {link["hreflang"]: link["href"] for link in head.select("link[hreflang]")}
    assert hreflangs["zh-hans"] == "http://testserver/zh-hans/?page=2"


@pytest.mark.parametrize("name", ["home", "archive", "search"])
def test_every_page_advertises_its_feeds_and_languages(client, name):
    make_article()
    head = soup(client.get(url(name, "zh-hans"))).head
    assert head.select_one("link[type='application/rss+xml']")["href"] == "/zh-hans/feed/rss/"
    assert {link["hreflang"] for link in head.select("link[hreflang]")} == {"en", "zh-hans"}


def test_json_ld_names_the_original_and_the_translation(client):
    article = make_article(original_url="https://www.ft.com/content/x")
    article.original_language = "en"
    article.save()
    zh_page = soup(client.get(url("article_detail", "zh-hans", slug=article.slug)))
    data = json.loads(zh_page.select_one("script[type='application/ld+json']").string)
    assert data["@type"] == "NewsArticle"
    assert data["inLanguage"] == "zh-Hans"
    assert data["isBasedOn"] == "https://www.ft.com/content/x"
    assert data["translationOfWork"]["inLanguage"] == "en"
    assert data["translationOfWork"]["url"].endswith(url("article_detail", slug=article.slug))
    en_page = soup(client.get(url("article_detail", slug=article.slug)))
    data = json.loads(en_page.select_one("script[type='application/ld+json']").string)
    assert data["workTranslation"]["inLanguage"] == "zh-Hans"


def test_json_ld_cannot_be_broken_out_of(client):
    article = make_article(en={"title": "</script><script>alert(1)</script>"})
    html = client.get(url("article_detail", slug=article.slug)).content.decode()
    assert "</script><script>alert(1)" not in html
    data = json.loads(
        soup(client.get(url("article_detail", slug=article.slug)))
        .select_one("script[type='application/ld+json']")
        .string
    )
    assert data["headline"] == "</script><script>alert(1)</script>"


def test_images_use_renditions_when_downloaded_and_the_original_otherwise(client):
    with_renditions = make_article()
    make_image(
        with_renditions,
        width=1600,
        height=900,
        renditions=[
            {"width": 480, "format": "webp", "name": "r/a-480.webp"},
            {"width": 960, "format": "webp", "name": "r/a-960.webp"},
            {"width": 480, "format": "jpeg", "name": "r/a-480.jpg"},
            {"width": 960, "format": "jpeg", "name": "r/a-960.jpg"},
        ],
    )
    page = soup(client.get(url("article_detail", slug=with_renditions.slug)))
    webp = page.select_one(".lead-image source[type='image/webp']")
    assert webp["srcset"] == "/media/r/a-480.webp 480w, /media/r/a-960.webp 960w"
    img = page.select_one(".lead-image img")
    assert img["src"] == "/media/r/a-960.jpg"
    assert (img["width"], img["height"], img["loading"]) == ("1600", "900", "eager")

    plain = make_article()
    make_image(plain, original_url="https://img.example.com/as-published.jpg")
    page = soup(client.get(url("article_detail", slug=plain.slug)))
    assert not page.select(".lead-image source")
    assert page.select_one(".lead-image img")["src"] == "https://img.example.com/as-published.jpg"


def test_images_below_the_fold_load_lazily(client):
    for _ in range(3):
        make_image(make_article())
    loading = [img["loading"] for img in soup(client.get(url("home"))).select(".card img")]
    assert loading == ["eager", "lazy", "lazy"]


def test_tag_page_lists_tagged_stories_only(client):
    tagged = make_article(tags=["oceans"])
    make_article(tags=["finance"])
    page = soup(client.get(url("tag", slug="oceans")))
    assert "oceans" in page.h1.get_text()
    assert [a["href"] for a in page.select(".card-title a")] == [
        url("article_detail", slug=tagged.slug)
    ]


def test_chinese_tags_have_pages(client):
    article = make_article(tags=["气候融资"])
    tag_url = url("tag", "zh-hans", slug=article.tags.get().slug)
    assert "气候融资" in soup(client.get(tag_url)).h1.get_text()


def test_source_page_lists_the_sources_stories(client):
    source = make_source(name="Carbon Brief", domain="carbonbrief.org")
    theirs = make_article(source=source)
    make_article()
    page = soup(client.get(url("source", domain="carbonbrief.org")))
    assert "Carbon Brief" in page.h1.get_text()
    assert len(page.select(".card")) == 1
    assert page.select_one(".card-title a")["href"] == url("article_detail", slug=theirs.slug)


def test_monthly_archive(client):
    march = make_article(published_at=timezone.now().replace(year=2025, month=3, day=10))
    make_article(published_at=timezone.now().replace(year=2025, month=4, day=10))
    index = soup(client.get(url("archive", "zh-hans")))
    months = [a.get_text() for a in index.select(".months a")]
    assert "2025年3月" in months and "2025年4月" in months
    page = soup(client.get(url("archive_month", year=2025, month=3)))
    assert [a["href"] for a in page.select(".card-title a")] == [
        url("article_detail", slug=march.slug)
    ]
    assert page.select_one(".month-nav a[rel=next]")["href"] == url(
        "archive_month", year=2025, month=4
    )


def test_preview_is_for_staff_who_may_see_stories(client):
    preview = url("article_preview", pk=make_article(status=Article.Status.DRAFT).pk)
    login = reverse("admin:login")

    assert client.get(preview)["Location"].startswith(login)
    client.force_login(get_user_model().objects.create_user("reader"))
    assert client.get(preview)["Location"].startswith(login)
    client.force_login(get_user_model().objects.create_user("no-role", is_staff=True))
    assert client.get(preview).status_code == 403
    client.force_login(make_staff())
    response = client.get(preview)

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert soup(response).find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]


def test_preview_shows_a_draft_to_staff_exactly_as_readers_will_see_it(client):
    draft = make_article(status=Article.Status.DRAFT, en={"title": "Not yet public"})
    client.force_login(make_staff())
    response = client.get(url("article_preview", pk=draft.pk))
    page = soup(response)
    assert page.h1.get_text() == "Not yet public"
    assert page.select_one(".preview-banner")
    assert response.templates[0].name == "articles/article_detail.html"


def test_preview_of_a_draft_without_a_publication_time(client):
    draft = make_article(status=Article.Status.DRAFT, tags=["finance"])
    Article.objects.filter(pk=draft.pk).update(published_at=None)
    make_article(tags=["finance"])  # a related story, shown as readers will see it
    client.force_login(make_staff())
    page = soup(client.get(url("article_preview", "zh-hans", pk=draft.pk)))
    assert page.h1["lang"] == "zh-hans"
    assert len(page.select(".related .card")) == 1


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    assert "Disallow: /zh-hans/search/" in text


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/en/stories/no-such-story/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_server_errors_get_a_bilingual_page_of_their_own(client):
    html = render_to_string("500.html")
    assert "Something went wrong" in html and "出错了" in html


@pytest.mark.parametrize(
    "path",
    ["/en/topics/%00/", "/zh-hans/topics/气候%00/", "/en/sources/%00/", "/en/sources/ft.com%00/"],
)
def test_nul_in_a_topic_or_source_url_is_not_found(client, path):
    make_article(source=make_source(domain="ft.com"), tags=["气候"])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path", ["/", "/en/", "/en/feed/rss/", "/zh-hans/feed/atom/", "/sitemap.xml"]
)
@pytest.mark.parametrize("method", ["trace", "post", "put", "delete"])
def test_methods_a_page_does_not_serve_are_refused_with_the_ones_it_does(client, path, method):
    make_article()
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert {"GET", "HEAD"} <= {allowed.strip() for allowed in response["Allow"].split(",")}
    assert b"<rss" not in response.content and b"<urlset" not in response.content


def test_generated_lines_space_latin_names_apart_from_chinese(client):
    reuters = make_article(source=make_source(name="Reuters"))
    make_image(reuters, credit="AFP")
    page = soup(client.get(url("article_detail", "zh-hans", slug=reuters.slug)))
    assert (
        page.select_one(".attribution")
        .get_text(" ", strip=True)
        .startswith("由 Newsdesk 新闻台编辑根据 Reuters 的报道精选和摘编。")
    )
    assert page.select_one(".credit").get_text() == "图片：AFP"  # no space after a colon
    xinhua = make_article(source=make_source(name="新华社"))
    page = soup(client.get(url("article_detail", "zh-hans", slug=xinhua.slug)))
    assert "根据新华社的报道精选和摘编。" in page.select_one(".attribution").get_text()


def test_generated_headings_space_latin_names_but_not_at_punctuation(client):
    article = make_article(source=make_source(name="Carbon Brief"), tags=["COP30"])
    page = soup(client.get(url("source", "zh-hans", domain=article.source.domain)))
    assert page.h1.get_text() == "来自 Carbon Brief 的报道"
    assert page.title.get_text().startswith("来自 Carbon Brief 的报道 · ")
    page = soup(client.get(url("tag", "zh-hans", slug="cop30")))
    assert page.h1.get_text() == "话题：COP30"
    page = soup(client.get(url("source", "en", domain=article.source.domain)))
    assert page.h1.get_text() == "Stories from Carbon Brief"


def test_generated_lines_escape_the_names_they_space(client):
    article = make_article(source=make_source(name="<b>Wire</b>"))
    content = client.get(url("article_detail", "zh-hans", slug=article.slug)).content.decode()
    assert "根据 &lt;b&gt;Wire&lt;/b&gt; 的报道" not in content  # "<" is not a Latin letter
    assert "根据&lt;b&gt;Wire&lt;/b&gt;的报道" in content
    assert "\ufdd0" not in content


def test_story_without_a_dek_is_described_by_its_first_paragraph(client):
    article = make_article(
        zh={"summary": "", "body": "<h2>背景</h2><p>让<strong>中国的承诺</strong>更容易核实。</p>"}
    )
    head = soup(client.get(url("article_detail", "zh-hans", slug=article.slug))).head
    assert head.select_one("meta[name=description]")["content"] == "让中国的承诺更容易核实。"
    assert (
        head.select_one("meta[property='og:description']")["content"] == "让中国的承诺更容易核实。"
    )
    data = json.loads(head.select_one("script[type='application/ld+json']").string)
    assert data["description"] == "让中国的承诺更容易核实。"


def test_cjk_spacing_spaces_only_where_a_value_meets_the_sentence():
    template = Template(
        "{% load i18n reader %}{% cjk_spacing %}{% blocktranslate with a=a b=b %}"
        "来自{{ a }}和{{ b }}的报道{% endblocktranslate %}{% endcjk_spacing %}"
    )
    assert (
        template.render(Context({"a": "AP美联社", "b": "新华社"})) == "来自 AP美联社和新华社的报道"
    )


def test_cjk_spacing_refuses_a_translation_it_cannot_see_rendered():
    with pytest.raises(TemplateSyntaxError):
        Template(
            "{% load i18n reader %}{% cjk_spacing %}{% blocktranslate with a=a asvar line %}"
            "来自{{ a }}{% endblocktranslate %}{% endcjk_spacing %}"
        )


def test_a_long_topic_is_paged_without_counting_it_all(client, monkeypatch, settings):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(CappedCountPaginator, "pages_ahead", 1)  # count a page past the one shown
    for _ in range(45):
        make_article(tags=["finance"])
    topic = reverse("tag", kwargs={"slug": "finance"})
    first = soup(client.get(topic))
    assert first.select_one(".page-number").get_text(strip=True) == "Page 1"
    assert first.select_one("a[rel=next]")["href"] == "?page=2"
    last = soup(client.get(topic + "?page=3"))
    assert last.select_one(".page-number").get_text(strip=True) == "Page 3 of 3"
    assert last.select_one("a[rel=next]") is None
    assert len(last.select(".card")) == 5
    assert client.get(topic + "?page=4").status_code == 404


def test_home_page_count_kept_with_content_follows_every_new_story(client, settings):
    """The home page's count is kept until content changes, not recounted on each view."""
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    for _ in range(21):
        make_article()
    home = reverse("home")
    assert soup(client.get(home)).select_one(".page-number").get_text(strip=True) == "Page 1 of 2"
    for _ in range(20):
        make_article()
    assert soup(client.get(home)).select_one(".page-number").get_text(strip=True) == "Page 1 of 3"
    last = soup(client.get(home + "?page=3"))
    assert last.select_one(".page-number").get_text(strip=True) == "Page 3 of 3"
    assert len(last.select(".card")) == 1


@pytest.mark.parametrize("number", ["99999999999999999999", "1000001", "-5", "1e9", "２"])
def test_any_page_number_in_the_query_string_gets_a_page_or_a_404(client, number):
    make_article()
    response = client.get(f"/en/?page={number}")
    assert response.status_code in (200, 404)
    search = reverse("search")
    assert client.get(f"{search}?q=climate&page={number}").status_code in (200, 404)


@pytest.mark.parametrize(
    ("language", "caption", "shown"),
    [
        ("en", {"en": "Delegates in Bonn"}, "<figcaption>Delegates in Bonn <span"),
        ("zh-hans", {"zh-hans": "波恩的代表们"}, "<figcaption>波恩的代表们\u3000<span"),
        ("zh-hans", {"en": "Delegates in Bonn"}, '<span lang="en">Delegates in Bonn</span> <span'),
        ("zh-hans", {}, '<figcaption><span class="credit">图片：新华社</span>'),
    ],
)
def test_a_caption_and_its_credit_are_set_apart_as_the_language_does(
    client, language, caption, shown
):
    """Chinese beside Chinese takes the ideographic space, never a half-width one; Latin
    beside either, a space; a credit alone, nothing before it."""
    article = make_article()
    make_image(article, caption=caption, credit={"zh-hans": "新华社", "en": "Xinhua"})
    html = client.get(url("article_detail", language, slug=article.slug)).content.decode()
    assert shown in html
