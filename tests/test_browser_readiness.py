"""Per-language readiness in real headless Chromium: an editor marks only the Chinese
translation of a published story ready, and readers of both sites see it in Chinese.

Screenshots: var/screenshots/admin-readiness-*.png and site-readiness-*.png.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Translation
from tests.factories import make_article
from tests.helpers import switch_admin_language
from tests.test_browser_admin import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFT, READY = Translation.Status.DRAFT, Translation.Status.READY
ZH_TITLE, EN_TITLE = "冰川融化的代价", "The price of melting glaciers"


def test_editor_marks_only_chinese_ready_and_both_sites_show_it_in_chinese(
    live_server, page, editor, screenshot_dir
):
    story = make_article(
        status=Article.Status.PUBLISHED,
        slug="glaciers",
        en={"title": EN_TITLE, "body": "<p>Half-translated draft.</p>", "status": DRAFT},
        zh={"title": ZH_TITLE, "body": "<p>阿尔卑斯冰川正在退缩。</p>", "status": DRAFT},
    )
    reader = page.context.browser.new_context().new_page()  # anonymous, served from the cache
    assert reader.goto(f"{live_server.url}/zh-hans/stories/glaciers/").status == 404

    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[story.pk])}")
    chinese, english = page.locator(".desk-pane-zh-hans"), page.locator(".desk-pane-en")
    expect(chinese.locator(".desk-readiness")).to_have_text("Draft")
    expect(english.locator(".desk-readiness")).to_have_text("Draft")
    expect(page.locator(".field-workflow_state")).to_contain_text("No translation is ready")
    page.screenshot(path=screenshot_dir / "admin-readiness-before-en.png", full_page=True)

    chinese.locator("select[name$='-status']").select_option(READY)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[story.pk])}")
    expect(chinese.locator(".desk-readiness")).to_have_text("Ready")
    expect(english.locator(".desk-readiness")).to_have_text("Draft")
    switch_admin_language(page, "zh-hans")
    expect(chinese.locator(".desk-readiness")).to_have_text("已定稿")
    expect(english.locator(".desk-readiness")).to_have_text("草稿")
    expect(page.locator(".field-workflow_state")).to_contain_text("读者可以看到这篇报道")
    page.screenshot(path=screenshot_dir / "admin-readiness-after-zh-hans.png", full_page=True)
    assert dict(story.translations.values_list("language", "status")) == {
        "en": DRAFT,
        "zh-hans": READY,
    }

    reader.set_viewport_size({"width": 1280, "height": 900})
    assert reader.goto(f"{live_server.url}/zh-hans/stories/glaciers/").status == 200
    expect(reader.locator("h1")).to_have_text(ZH_TITLE)
    expect(reader.locator(".language-switch")).to_have_count(0)
    reader.screenshot(path=screenshot_dir / "site-readiness-story-zh-hans.png", full_page=True)

    assert reader.goto(f"{live_server.url}/en/stories/glaciers/").status == 200
    expect(reader.locator("h1")).to_have_text(ZH_TITLE)
    expect(reader.locator(".language-note")).to_contain_text("Simplified Chinese")
    assert EN_TITLE not in reader.content() and "Half-translated" not in reader.content()
    reader.screenshot(path=screenshot_dir / "site-readiness-story-en.png", full_page=True)

    reader.goto(f"{live_server.url}/en/")
    card = reader.locator(".card", has_text=ZH_TITLE)
    expect(card.locator(".language-label")).to_be_visible()
    reader.screenshot(path=screenshot_dir / "site-readiness-home-en.png", full_page=True)
    reader.goto(f"{live_server.url}/zh-hans/")
    expect(reader.locator(f"text={ZH_TITLE}")).to_be_visible()
    reader.screenshot(path=screenshot_dir / "site-readiness-home-zh-hans.png", full_page=True)
    reader.context.close()
