"""No lost work and no surprises on the change form, in real Chromium: unsaved changes are asked
about before they are thrown away, each editor sees who else has the story open, and history
shows what changed, highlighted. Screenshots in var/screenshots/admin-guard-*.png."""

import pytest
import reversion
from django.urls import reverse
from playwright.sync_api import expect

from articles import presence
from articles.models import Article, ImportRecord, Translation
from tests.conftest import RECORD_VIOLATIONS
from tests.factories import make_article, make_import_record
from tests.helpers import click_and_load, switch_admin_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1440, "height": 1000}
TITLE = ".desk-pane-en input[name$='-title']"
LIST_LINK = ".breadcrumbs a[href$='/articles/article/']"


@pytest.fixture
def watch():
    """Prepares a page to collect CSP violations and script errors, and checks it is clean."""
    watched = []

    def start(page):
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.set_viewport_size(WIDE)
        watched.append(page)
        return page

    yield start
    for page in watched:
        if not page.is_closed():
            assert_clean(page)
            leave(page)


def leave(page):
    """Closed without its unload handlers: no goodbye that could reach the server while the
    test's database is being emptied (the tests that need the goodbye close their own way)."""
    page.close()


def assert_clean(page):
    assert page.evaluate("window.__violations") == [], page.url
    assert page.errors == [], page.url


def log_in(page, live_server, user, language="en"):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-" + user.username)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    if language != "en":
        switch_admin_language(page, language)


def change_url(live_server, article):
    return f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}"


def story_in_conflict():
    article = make_article(status=Article.Status.DRAFT, en={"title": "Envoys meet in Bonn"})
    record = make_import_record(
        article,
        path="samples/bonn.md",
        conflicts={
            "translation:en:summary": {
                "current": "Talks resume.",
                "incoming": "Talks resume in Bonn.",
                "base": "Talks.",
            }
        },
    )
    return article, record


def test_conflict_button_and_links_ask_before_unsaved_changes_are_lost(
    live_server, page, editor, watch, screenshot_dir
):
    article, record = story_in_conflict()
    watch(page)
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, article))
    dialog = page.locator("#desk-unsaved-dialog")
    title = page.locator(TITLE)
    title.fill("Envoys agree on a finance goal in Bonn")

    page.get_by_role("button", name="Keep current").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Leave without saving?")
    page.screenshot(path=screenshot_dir / "admin-guard-unsaved-en.png", full_page=False)
    dialog.get_by_role("button", name="Stay and keep my changes").click()
    expect(dialog).to_be_hidden()
    expect(title).to_have_value("Envoys agree on a finance goal in Bonn")
    assert ImportRecord.objects.get(pk=record.pk).resolved_at is None  # nothing was sent

    page.locator(LIST_LINK).click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")  # as good as staying
    expect(dialog).to_be_hidden()
    expect(title).to_have_value("Envoys agree on a finance goal in Bonn")
    assert page.url == change_url(live_server, article)

    page.locator(LIST_LINK).click()
    click_and_load(page, dialog.get_by_role("button", name="Discard my changes"))
    assert page.url.endswith(reverse("admin:articles_article_changelist"))
    assert Translation.objects.get(article=article, language="en").title == "Envoys meet in Bonn"


def test_take_imported_goes_ahead_once_confirmed(live_server, page, editor, watch):
    article, record = story_in_conflict()
    watch(page)
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, article))
    page.locator(TITLE).fill("Something typed and not saved")

    page.get_by_role("button", name="Take imported").click()
    click_and_load(page, page.get_by_role("button", name="Discard my changes"))

    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Translation.objects.get(article=article, language="en").summary == (
        "Talks resume in Bonn."
    )


def test_the_question_is_asked_in_chinese_on_the_chinese_admin(
    live_server, page, editor, watch, screenshot_dir
):
    article, _record = story_in_conflict()
    watch(page)
    log_in(page, live_server, editor, language="zh-hans")
    page.goto(change_url(live_server, article))
    page.locator(TITLE).fill("未保存的标题")

    page.get_by_role("button", name="保留当前值").click()

    dialog = page.locator("#desk-unsaved-dialog")
    expect(dialog).to_contain_text("不保存就离开？")
    page.screenshot(path=screenshot_dir / "admin-guard-unsaved-zh-hans.png", full_page=False)
    dialog.get_by_role("button", name="留在本页，保留修改").click()
    expect(page.locator(TITLE)).to_have_value("未保存的标题")


def test_what_was_typed_while_the_page_was_loading_is_asked_about(live_server, page, editor, watch):
    """On a slow connection the form is there before the page's scripts have run, and a person
    may type into it already: that is unsaved work too."""
    article = make_article(status=Article.Status.DRAFT, en={"title": "Envoys meet in Bonn"})
    watch(page)
    log_in(page, live_server, editor)
    held = []
    page.route("**/admin_desk/unsaved*.js", lambda route: held.append(route))
    with page.expect_request("**/admin_desk/unsaved*.js"):
        page.goto(change_url(live_server, article), wait_until="commit")

    page.locator(TITLE).fill("Envoys agree in Bonn")  # the script still on its way
    held.pop().continue_()
    page.wait_for_load_state()
    page.locator(LIST_LINK).click()

    expect(page.locator("#desk-unsaved-dialog")).to_be_visible()


def test_no_question_when_nothing_changed_or_after_saving(live_server, page, editor, watch):
    article = make_article(status=Article.Status.DRAFT, en={"title": "Envoys meet in Bonn"})
    watch(page)
    browser_dialogs = []
    page.on("dialog", lambda dialog: (browser_dialogs.append(dialog.type), dialog.dismiss()))
    log_in(page, live_server, editor)
    dialog = page.locator("#desk-unsaved-dialog")

    page.goto(change_url(live_server, article))
    title = page.locator(TITLE)
    title.fill("A headline typed")
    title.fill("Envoys meet in Bonn")  # and typed back: nothing changed
    click_and_load(page, LIST_LINK)
    expect(dialog).to_be_hidden()

    page.goto(change_url(live_server, article))
    page.locator(TITLE).fill("Envoys agree in Bonn")
    click_and_load(page, "input[name=_continue]")  # save and continue editing
    expect(page.locator(".messagelist .success")).to_be_visible()
    click_and_load(page, LIST_LINK)
    expect(dialog).to_be_hidden()
    assert browser_dialogs == []
    assert Translation.objects.get(article=article, language="en").title == "Envoys agree in Bonn"


def test_a_change_a_widget_writes_to_its_hidden_field_counts(live_server, page, editor, watch):
    """The rich-text editor keeps the body in a hidden textarea, which it writes itself (no
    typing in it): what counts is the form's values, however they changed."""
    article = make_article(status=Article.Status.DRAFT)
    watch(page)
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, article))
    body = page.locator(".desk-pane-en textarea[name$='-body']")
    body.evaluate("el => { el.hidden = true; }")
    body.evaluate("el => { el.value = '<p>Written by the editor widget.</p>'; }")

    page.locator(LIST_LINK).click()

    expect(page.locator("#desk-unsaved-dialog")).to_be_visible()


def test_closing_the_tab_with_unsaved_changes_gets_the_browsers_question(
    live_server, page, editor, watch
):
    article = make_article(status=Article.Status.DRAFT)
    watch(page)
    log_in(page, live_server, editor)
    page.goto(change_url(live_server, article))
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.locator(TITLE).click()
    page.keyboard.type(" (updated)")  # typed: the page has the user's attention

    with page.expect_event("dialog"):
        page.close(run_before_unload=True)

    assert asked == ["beforeunload"]
    assert not page.is_closed()  # dismissed: the page and its work stay
    assert_clean(page)


def test_two_editors_on_one_story_see_each_other(
    live_server, browser, editor, contributor, monkeypatch, watch, screenshot_dir
):
    monkeypatch.setattr(presence, "HEARTBEAT_SECONDS", 1)
    editor.first_name = "王编辑"
    editor.save()
    article = make_article(status=Article.Status.DRAFT)
    first = watch(browser.new_context().new_page())
    second = watch(browser.new_context().new_page())
    log_in(first, live_server, editor)
    log_in(second, live_server, contributor, language="zh-hans")

    first.goto(change_url(live_server, article))
    expect(first.locator("#desk-presence")).to_be_hidden()
    second.goto(change_url(live_server, article))

    expect(second.locator("#desk-presence")).to_contain_text(
        "王编辑自"
    )  # at once, from the page itself
    expect(second.locator("#desk-presence")).to_contain_text("起也在编辑这篇报道。")
    expect(first.locator("#desk-presence")).to_contain_text(
        "contributor is also editing this story since", timeout=5000
    )  # by the next heartbeat
    first.screenshot(path=screenshot_dir / "admin-guard-presence-en.png", full_page=False)
    second.screenshot(path=screenshot_dir / "admin-guard-presence-zh-hans.png", full_page=False)

    assert_clean(second)
    second.close(run_before_unload=True)  # the goodbye: the first editor is alone again
    expect(first.locator("#desk-presence")).to_be_hidden(timeout=5000)
    assert_clean(first)
    first.close()


def test_history_shows_what_changed_highlighted(live_server, page, editor, watch, screenshot_dir):
    article = make_article(
        en={"title": "Envoys meet in Bonn", "body": "<p>Negotiators met in Bonn on Monday.</p>"},
        zh={"body": "<p>谈判代表周一在波恩会面。</p>"},
    )
    with reversion.create_revision():
        article.save()
    english = Translation.objects.get(article=article, language="en")
    chinese = Translation.objects.get(article=article, language="zh-hans")
    with reversion.create_revision():
        reversion.set_comment("Moved to Berlin")
        english.body = "<p>Negotiators met in Berlin on Tuesday.</p>"
        english.save()
        chinese.body = "<p>谈判代表周二在柏林会面。</p>"
        chinese.save()
    watch(page)
    log_in(page, live_server, editor)
    history = f"{live_server.url}{reverse('admin:articles_article_history', args=[article.pk])}"

    page.goto(history)
    page.locator("#change-history tbody tr").first.get_by_role("link", name="What changed").click()
    assert_highlighted(page.locator(".desk-revision-changes"))
    page.screenshot(path=screenshot_dir / "admin-guard-history-what-changed.png", full_page=True)

    page.goto(history)
    page.locator("#change-history tbody tr").last.locator("th a").click()  # restore the first
    changes = page.locator(".desk-revision-changes")
    assert_highlighted(changes)
    changes.screenshot(path=screenshot_dir / "admin-guard-history-diff.png")


def assert_highlighted(changes):
    expect(changes.locator("del", has_text="Bonn")).to_be_visible()
    expect(changes.locator("ins", has_text="Berlin")).to_be_visible()
    expect(changes.locator("del", has_text="波恩")).to_be_visible()
    expect(changes.locator("ins", has_text="柏林")).to_be_visible()
    # Not by colour alone: struck through and underlined.
    styles = changes.locator("ins").first.evaluate("el => getComputedStyle(el).textDecorationLine")
    assert "underline" in styles
    styles = changes.locator("del").first.evaluate("el => getComputedStyle(el).textDecorationLine")
    assert "line-through" in styles
