"""Admin pages of this session's polish, looked at in real Chromium in both languages:
an import record read as tables. Screenshots in var/screenshots/polish-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, ImportRecord, ImportRun
from articles.publishing import conflict_keep
from tests.factories import make_article
from tests.test_browser_admin import log_in as admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    admin_log_in(page, live_server, user)


def record_in_conflict(editor):
    article = make_article(
        status=Article.Status.DRAFT, en={"title": "Envoys in Bonn"}, zh={"title": "波恩特使"}
    )
    record = ImportRecord.objects.create(
        run=ImportRun.objects.create(),
        article=article,
        path="samples/001_bonn_finance_talks.txt",
        sha256="4b3f" + "0" * 60,
        encoding="utf-8",
        outcome=ImportRecord.Outcome.CONFLICT,
        raw_text="---\ntitle: Bonn\n---\n",
        parsed={
            "format": "digest",
            "original_url": "https://reuters.com/bonn",
            "source_code": "reuters",
            "original_language": "",
            "published_at": "2026-06-12T09:15:00+00:00",
            "tags": ["finance", "cop31"],
            "translations": [
                {
                    "language": "zh-hans",
                    "title": "波恩气候谈判",
                    "summary": "",
                    "body": "<p>谈判。</p>",
                },
                {
                    "language": "en",
                    "title": "Wire headline",
                    "summary": "",
                    "body": "<p>Talks.</p>",
                },
            ],
            "images": [],
            "sanitizer_removed": ["<script>"],
            "warnings": [],
            "chinese_conversion": "",
        },
        sanitizer_removed=["<script>"],
        conflicts={
            "translation:en:title": {"current": "Envoys in Bonn", "incoming": "Wire headline"},
            "article:tags": {"current": ["cop30"], "incoming": ["cop31", "finance"]},
        },
    )
    conflict_keep(record=record, key="translation:en:title", user=editor)
    return record


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_import_record_reads_as_tables(live_server, watched, editor, screenshot_dir, language):
    record = record_in_conflict(editor)
    log_in(watched, live_server, editor, language)

    url = reverse("admin:articles_importrecord_change", args=[record.pk])
    watched.goto(f"{live_server.url}{url}")

    tables = watched.locator(".desk-record-table")
    expect(tables).to_have_count(2)
    expect(tables.first).to_contain_text("保留" if language == "zh-hans" else "kept")
    expect(tables.last).to_contain_text("reuters")
    assert "{" not in watched.locator("#content-main").inner_text()  # no JSON
    watched.screenshot(path=screenshot_dir / f"polish-import-record-{language}.png", full_page=True)
    assert watched.evaluate("window.__violations") == []
    assert watched.console_errors == []


def test_django_admin_pages_read_as_chinese(live_server, watched, editor, screenshot_dir):
    """The list, a story, its delete confirmation and its history in zh-hans: Django's own
    strings with the model's Chinese name set in, no stray spaces."""
    article = make_article(
        status=Article.Status.DRAFT, zh={"title": "波恩气候谈判"}, en={"title": "Bonn talks"}
    )
    log_in(watched, live_server, editor, "zh-hans")
    pages = {
        "changelist": (reverse("admin:articles_article_changelist"), "选择要修改的文章"),
        "change": (reverse("admin:articles_article_change", args=[article.pk]), "修改文章"),
        "delete": (
            reverse("admin:articles_article_delete", args=[article.pk]),
            "你确定要删除文章“波恩气候谈判”吗？",
        ),
        "history": (
            reverse("admin:articles_article_history", args=[article.pk]),
            "变更历史：波恩气候谈判",
        ),
    }
    for name, (url, wanted) in pages.items():
        watched.goto(f"{live_server.url}{url}")
        expect(watched.locator("#content")).to_contain_text(wanted)
        watched.screenshot(path=screenshot_dir / f"polish-admin-{name}-zh-hans.png")
    assert watched.evaluate("window.__violations") == []
    assert watched.console_errors == []
