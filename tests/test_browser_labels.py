"""An editor changes the English caption of an image in real Chromium; the Chinese one stays,
and each reader's page shows its own. Screenshots in var/screenshots/labels-*.png."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from articles.models import Article, Image
from tests.factories import make_article, make_image, make_source
from tests.test_browser_admin import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EN_BEFORE, EN_AFTER = "Delegates leave the plenary hall", "Delegates leave the hall at dawn"
ZH = "代表们离开全体会议大厅"


def test_editor_changes_the_english_caption_and_the_chinese_one_stays(
    live_server, page, editor, screenshot_dir
):
    article = make_article(
        status=Article.Status.PUBLISHED,
        source=make_source(name={"en": "Reuters", "zh-hans": "路透社"}, domain="reuters.example"),
        en={"title": "Island states ask for finance", "byline": "Ana Ruiz"},
        zh={"title": "岛国要求兑现资金承诺", "byline": "王芳"},
        slug="island-states-finance",
    )
    make_image(
        article,
        original_url="",
        caption={"en": EN_BEFORE, "zh-hans": ZH},
        credit={"en": "AP", "zh-hans": "美联社"},
    )
    page.route("**/*.jpg", lambda route: route.abort())  # no outside requests
    log_in(page, live_server, editor)

    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
    english = page.locator("textarea[name='images-0-caption_en']")
    chinese = page.locator("textarea[name='images-0-caption_zh-hans']")
    expect(english).to_have_value(EN_BEFORE)
    expect(chinese).to_have_value(ZH)
    row = page.locator("#images-0")
    expect(row).to_contain_text("English")
    expect(row).to_contain_text("Simplified Chinese")
    english.fill(EN_AFTER)
    row.screenshot(path=screenshot_dir / "labels-admin-image-row-en.png")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    image = Image.objects.get()
    assert image.caption == {"en": EN_AFTER, "zh-hans": ZH}

    for language, caption, gone, byline in (
        ("en", EN_AFTER, ZH, "By Ana Ruiz"),
        ("zh-hans", ZH, EN_AFTER, "作者：王芳"),
    ):
        with translation.override(language):
            url = reverse("article_detail", kwargs={"slug": article.slug})
        page.goto(f"{live_server.url}{url}")
        figure = page.locator("figure.lead-image figcaption")
        expect(figure).to_contain_text(caption)
        expect(figure).not_to_contain_text(gone)
        expect(page.locator(".story-header .byline")).to_contain_text(byline)
        page.screenshot(path=screenshot_dir / f"labels-story-{language}.png", full_page=True)

    page.goto(f"{live_server.url}{reverse('admin:articles_article_history', args=[article.pk])}")
    expect(page.locator("#change-history")).to_contain_text("Caption (English)")
    expect(page.locator("#change-history")).not_to_contain_text("Simplified Chinese")
    page.screenshot(path=screenshot_dir / "labels-admin-history-en.png", full_page=True)
