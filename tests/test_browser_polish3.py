"""This session's leftovers in real Chromium, both languages: where a long list stops paging,
an admin search of too many words, links' addresses in print. Screenshots in
var/screenshots/polish3-*.png."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.pagination import CappedCountPaginator
from tests.factories import make_article, make_source
from tests.test_browser_polish import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 900}


@pytest.mark.parametrize(
    ("language", "said_page", "said"),
    [
        ("en", "Page 2", "Only the first 2 pages are shown."),
        ("zh-hans", "第 2 页", "仅显示前 2 页。"),
    ],
)
def test_the_last_reachable_page_says_where_the_list_stops(
    live_server, page, monkeypatch, screenshot_dir, settings, language, said_page, said
):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(CappedCountPaginator, "max_items", 40)
    start = datetime(2025, 3, 10, tzinfo=UTC)
    for n in range(45):
        make_article(tags=["finance"], published_at=start + timedelta(hours=n))
    page.set_viewport_size(WIDE)
    page.goto(f"{live_server.url}/{language}/search/?q=climate&page=last")
    expect(page.locator(".pagination-end")).to_have_text(said)
    # Not "of 2": the pages shown are not all there is.
    expect(page.locator(".page-number")).to_have_text(said_page)
    expect(page.locator("a[rel=next]")).to_have_count(0)
    page.locator(".pagination").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / f"polish3-pages-{language}.png")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Only the first 8 words of the search were used."),
        ("zh-hans", "只按前 8 个词搜索。"),
    ],
)
def test_an_admin_search_of_a_thousand_words_says_what_it_used(
    live_server, page, editor, screenshot_dir, language, said
):
    make_source(name="Reuters")
    log_in(page, live_server, editor, language)
    words = " ".join(f"word{n}" for n in range(1000))
    page.goto(live_server.url + reverse("admin:articles_source_changelist"))
    page.fill("#searchbar", words)
    page.press("#searchbar", "Enter")
    expect(page.locator(".messagelist .warning")).to_have_text(said)
    page.screenshot(path=screenshot_dir / f"polish3-admin-search-{language}.png")


def after_content(page, selector):
    return page.locator(selector).first.evaluate(
        "element => getComputedStyle(element, '::after').content"
    )


def test_a_printed_link_shows_its_address_in_the_pages_brackets(live_server, page, screenshot_dir):
    make_article(
        slug="methane-report",
        en={
            "title": "Methane report",
            "body": '<p>See <a href="https://example.org/en">the report</a>.</p>',
        },
        zh={"title": "甲烷报告", "body": '<p>见<a href="https://example.org/zh">报告</a>。</p>'},
    )
    page.set_viewport_size(WIDE)
    page.emulate_media(media="print")
    for language, shown in (
        ("en", '" (https://example.org/en)"'),
        ("zh-hans", '"（https://example.org/zh）"'),
    ):
        page.goto(f"{live_server.url}/{language}/stories/methane-report/")
        assert after_content(page, ".story-body a[href^=http]") == shown
        page.screenshot(path=screenshot_dir / f"polish3-print-{language}.png", full_page=True)
