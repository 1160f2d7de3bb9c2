"""What an editor and a reader see of the second polish, in real Chromium and both languages:
a translation the import adds to a published story waits for review, import warnings in the
editor's language, lists and captions typeset as Chinese, a delete confirmation without
internal rows, a source found by its Chinese name. Screenshots in var/screenshots/polish2-*.png."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import make_article, make_image, make_source
from tests.helpers import fixture_text, switch_admin_language
from tests.test_browser_admin import log_in
from tests.test_import_articles import run_import, write
from tests.test_readiness import BRAZIL_ZH_TITLE, with_chinese_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEN = {
    "en": {
        "draft_warning": "the Simplified Chinese translation is new to a published story",
        "tags": "碳市场, methane",
        "internal": "Search document",
        "credit": "Photo: Xinhua",
        "credit_style": "italic",
    },
    "zh-hans": {
        "draft_warning": "简体中文译文是已发布报道新增的译文",
        "tags": "碳市场、methane",
        "internal": "搜索文档",
        "credit": "图片：新华社",
        "credit_style": "normal",
    },
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_editor_and_a_reader_see_the_leftovers_mended(
    live_server, page, editor, screenshot_dir, tmp_path, language
):
    seen = SEEN[language]
    path = write(tmp_path / "brazil.txt", fixture_text("digest_english_only.txt"))
    assert run_import(path, publish=True)[2]
    write(path, with_chinese_section(path.read_text()))
    assert run_import(path)[2]
    story = Article.objects.get()
    story.tags.add("碳市场", "methane")
    make_source(name={"en": "Xinhua", "zh-hans": "新华社"}, domain="news.cn")
    pictured = make_article(slug="glacier-story", zh={"title": "冰川退缩"})
    make_image(
        pictured,
        original_url="",
        caption={"en": "The glacier's front", "zh-hans": "冰川前缘"},
        credit={"en": "Xinhua", "zh-hans": "新华社"},
    )
    page.route("**/*.jpg", lambda route: route.abort())  # no outside requests
    log_in(page, live_server, editor)
    if language != "en":
        switch_admin_language(page, language)

    record = story.import_records.order_by("-pk").first()
    page.goto(f"{live_server.url}{reverse('admin:articles_importrecord_change', args=[record.pk])}")
    expect(page.locator("#content")).to_contain_text(seen["draft_warning"])
    page.screenshot(path=screenshot_dir / f"polish2-import-record-{language}.png", full_page=True)

    page.goto(f"{live_server.url}{reverse('admin:articles_article_translation_desk')}")
    page.screenshot(path=screenshot_dir / f"polish2-translation-desk-{language}.png")

    page.goto(f"{live_server.url}{reverse('admin:articles_article_changelist')}")
    expect(page.locator(".field-tag_list", has_text="methane")).to_have_text(seen["tags"])
    page.screenshot(path=screenshot_dir / f"polish2-article-list-{language}.png")

    page.goto(f"{live_server.url}{reverse('admin:articles_article_delete', args=[story.pk])}")
    expect(page.locator("#content")).not_to_contain_text(seen["internal"])
    expect(page.locator("#deleted-objects")).to_contain_text(BRAZIL_ZH_TITLE)
    page.screenshot(path=screenshot_dir / f"polish2-delete-{language}.png")

    page.goto(f"{live_server.url}{reverse('admin:articles_source_changelist')}?q=新华")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.screenshot(path=screenshot_dir / f"polish2-source-search-{language}.png")

    with translation.override(language):
        url = reverse("article_detail", kwargs={"slug": pictured.slug})
    page.goto(f"{live_server.url}{url}")
    credit = page.locator("figure.lead-image figcaption .credit")
    expect(credit).to_have_text(seen["credit"])
    assert credit.evaluate("e => getComputedStyle(e).fontStyle") == seen["credit_style"]
    page.locator("figure.lead-image").screenshot(
        path=screenshot_dir / f"polish2-caption-{language}.png"
    )
