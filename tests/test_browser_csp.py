"""The Content-Security-Policy in force in real Chromium: no page of the site or the admin
breaks it (no inline script, style or handler), and it does block what it should."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import make_article, make_import_record
from tests.helpers import switch_admin_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page, url):
    response = page.goto(url)
    assert response.status < 400, url
    page.wait_for_load_state("networkidle")
    assert "content-security-policy" in response.headers
    assert_clean(page)


def assert_clean(page):
    assert page.evaluate("window.__violations") == [], page.url
    assert page.console_errors == []


def log_in(page, live_server, user):
    visit(page, f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-" + user.username)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    assert_clean(page)


def make_story_in_conflict():
    article = make_article(slug="bonn-talks", tags=["cop30"], en={"title": "Envoys in Bonn"})
    make_import_record(
        article,
        path="samples/bonn.md",
        conflicts={
            "translation:en:title": {
                "current": "Envoys in Bonn",
                "incoming": "Envoys meet in Bonn",
                "base": "Envoys",
            }
        },
    )
    return article


def test_readers_pages_break_no_rule(live_server, watched):
    article = make_story_in_conflict()
    make_article(status=Article.Status.PUBLISHED)
    base = live_server.url

    for language in ("en", "zh-hans"):
        with translation.override(language):
            urls = [
                reverse("home"),
                reverse("article_detail", kwargs={"slug": article.slug}),
                reverse("article_bilingual", kwargs={"slug": article.slug}),
                reverse("search") + "?q=Bonn",
                reverse("tag", kwargs={"slug": "cop30"}),
                reverse("archive"),
            ]
        for url in urls:
            visit(watched, base + url)

    # The story's JSON-LD is data, not script: present, parsed, and no violation reported.
    visit(watched, f"{base}/en/stories/{article.slug}/")
    assert watched.locator('script[type="application/ld+json"]').count() == 1
    assert "NewsArticle" in watched.locator('script[type="application/ld+json"]').text_content()


def test_admin_pages_break_no_rule(live_server, watched, editor):
    article = make_story_in_conflict()
    base = live_server.url
    log_in(watched, live_server, editor)

    for url in [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_changelist") + "?status=published&q=Bonn",
        reverse("admin:articles_article_translation_desk"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_history", args=[article.pk]),
        reverse("admin:articles_source_changelist"),
        reverse("admin:articles_importrecord_changelist"),
        reverse("admin:taggit_tag_changelist"),
    ]:
        visit(watched, base + url)

    # The article page and its scripts at work: the collapsed import history, the calendar,
    # the source autocomplete, and the language switcher (a static file, not an inline handler).
    visit(watched, base + reverse("admin:articles_article_change", args=[article.pk]))
    expect(watched.locator(".desk-conflicts")).to_be_visible()
    watched.locator(".datetimeshortcuts a").first.click()
    watched.locator(".select2-selection").first.click()
    expect(watched.locator(".select2-results__option").first).to_be_visible()
    watched.keyboard.press("Escape")
    with watched.expect_popup() as popup:  # "+" beside the source: add one in a popup
        watched.click("#add_id_source")
    popup.value.fill("input[name=name_en]", "Le Monde")
    popup.value.fill("input[name=domain]", "lemonde.fr")
    with popup.value.expect_event("close"):
        popup.value.click("input[name=_save]")
    expect(watched.locator("#id_source option:checked")).to_have_text("Le Monde")
    assert_clean(watched)
    switch_admin_language(watched, "zh-hans")
    expect(watched.locator("html")).to_have_attribute("lang", "zh-hans")
    assert_clean(watched)

    with translation.override("en"):
        preview = reverse("article_preview", kwargs={"pk": article.pk})
    visit(watched, base + preview)

    # A bulk action through the list's select-all box and action menu (actions.js).
    visit(watched, base + reverse("admin:articles_article_changelist"))
    watched.click("#action-toggle")
    watched.select_option("select[name=action]", "unpublish")
    with watched.expect_navigation():
        watched.click("button[name=index]")
    assert_clean(watched)
    assert not Article.objects.filter(status=Article.Status.PUBLISHED).exists()


def test_the_lockout_page_breaks_no_rule(live_server, watched, contributor, screenshot_dir):
    visit(watched, f"{live_server.url}/admin/login/")
    for _ in range(5):
        watched.fill("input[name=username]", "contributor")
        watched.fill("input[name=password]", "wrong-password")
        watched.click("input[type=submit]")
    expect(watched.locator("h1")).to_have_text("Too many failed logins")
    watched.screenshot(path=screenshot_dir / "admin-lockout.png")
    # The 429 status itself is reported as a failed resource on the console; nothing else.
    watched.console_errors = [e for e in watched.console_errors if "429" not in e]
    assert_clean(watched)


def test_the_policy_blocks_an_injected_inline_handler_and_style(live_server, watched):
    make_article(slug="bonn-talks")
    visit(watched, f"{live_server.url}/en/stories/bonn-talks/")

    watched.evaluate(
        """() => {
          document.body.insertAdjacentHTML(
            "beforeend", '<img src="/nowhere.png" onerror="window.__ran = 1">' +
            '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
          const script = document.createElement("script");
          script.textContent = "window.__ran = 2";
          document.body.append(script);
        }"""
    )
    # Refused, each reported: the handler when the missing image fails, the script, the style.
    watched.wait_for_function("window.__violations.length >= 3")

    assert watched.evaluate("window.__ran") is None
    assert watched.locator("#styled").evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
    directives = " ".join(watched.evaluate("window.__violations"))
    assert "script-src" in directives and "style-src" in directives
