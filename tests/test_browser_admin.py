"""The editors' desk in real headless Chromium against Django's live server.

Screenshots land in var/screenshots/admin-*.png for people to look at.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import make_article, make_image, make_import_record
from tests.helpers import switch_admin_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1440, "height": 1000}


def log_in(page, live_server, user):
    page.set_viewport_size(WIDE)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-" + user.username)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()


def jpeg(tmp_path):
    path = tmp_path / "delegates.jpg"
    PILImage.new("RGB", (1600, 900), (30, 110, 160)).save(path, "JPEG")
    return path


def make_desk(count=6):
    return [
        make_article(
            status=[Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.PUBLISHED][n % 3],
            tags=["cop30", "finance"][: n % 3],
            en=False if n == 4 else None,
        )
        for n in range(count)
    ]


def test_editor_edits_side_by_side_uploads_publishes_and_readers_see_it(
    live_server, page, editor, media_root, tmp_path, screenshot_dir
):
    make_desk()
    article = make_article(
        status=Article.Status.DRAFT,
        en={"title": "Envoys meet on climate finance"},
        zh={
            "title": "气候特使会谈气候融资",
            "body": "<p>谈判代表在波恩会面，讨论新的气候融资目标。</p>",
        },
        tags=["cop30"],
        slug="envoys-meet-bonn",
    )
    log_in(page, live_server, editor)

    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
    chinese = page.locator(".desk-pane-zh-hans")
    english = page.locator(".desk-pane-en")
    expect(chinese).to_be_visible()
    chinese_box, english_box = chinese.bounding_box(), english.bounding_box()
    assert chinese_box["x"] < english_box["x"]  # Chinese left, English right
    assert abs(chinese_box["y"] - english_box["y"]) < 2  # in one row
    page.screenshot(path=screenshot_dir / "admin-article-en.png", full_page=True)

    english.locator("input[name$='-title']").fill("Envoys agree on a climate finance goal")
    page.set_input_files("input[name='images-0-file']", jpeg(tmp_path))
    page.fill("textarea[name='images-0-caption_en']", "Delegates in Bonn")
    page.fill("input[name='images-0-alt_text_en']", "Delegates around a table")
    page.select_option("select[name=status]", "published")
    page.click("input[name=_save]")

    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text("Envoys agree on a climate finance goal")
    expect(page.locator("#result_list img.desk-thumb").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "admin-list-after-publish-en.png", full_page=True)

    with translation.override("en"):
        public_url = reverse("article_detail", kwargs={"slug": "envoys-meet-bonn"})
    page.goto(f"{live_server.url}{public_url}")
    expect(page.locator("h1")).to_contain_text("Envoys agree on a climate finance goal")
    page.screenshot(path=screenshot_dir / "admin-published-story-public-en.png", full_page=True)


def test_contributor_cannot_publish(live_server, page, contributor, screenshot_dir):
    article = make_article(status=Article.Status.DRAFT, en={"title": "A contributor's draft"})
    log_in(page, live_server, contributor)

    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
    options = page.locator("select[name=status] option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert options == ["draft", "review"]

    page.goto(f"{live_server.url}{reverse('admin:articles_article_changelist')}")
    actions = page.locator("select[name=action] option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "publish" not in actions and "submit_for_review" in actions

    page.locator(f"input[name=_selected_action][value='{article.pk}']").check()
    page.select_option("select[name=action]", "submit_for_review")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_be_visible()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    page.screenshot(path=screenshot_dir / "admin-contributor-list-en.png", full_page=True)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_screenshots_of_list_and_article_page(live_server, page, editor, language, screenshot_dir):
    stories = make_desk(8)
    make_image(stories[2], caption="Delegates")
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_changelist')}")
    switch_admin_language(page, language)

    expect(page.locator("html")).to_have_attribute("lang", language)
    if language == "zh-hans":
        expect(page.locator("#changelist-filter")).to_contain_text("状态")
    page.screenshot(path=screenshot_dir / f"admin-list-{language}.png", full_page=True)

    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[stories[0].pk])}")
    expect(page.locator(".desk-pane-zh-hans")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"admin-article-{language}.png", full_page=True)

    page.goto(f"{live_server.url}{reverse('admin:articles_article_translation_desk')}")
    expect(page.locator(".desk-table")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"admin-translation-desk-{language}.png", full_page=True)
    assert re.search(r"\d", page.locator(".desk-count").first.inner_text())


def test_editor_takes_an_imported_value_in_one_click(live_server, page, editor, screenshot_dir):
    article = make_article(en={"title": "The editor's headline"})
    make_import_record(
        article,
        path="samples/ft-cop30.md",
        conflicts={
            "translation:en:title": {
                "current": "The editor's headline",
                "incoming": "The wire's corrected headline",
                "base": "The wire's headline",
            },
            "article:tags": {"current": [], "incoming": ["cop30"], "base": []},
        },
    )
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
    conflicts = page.locator(".desk-conflicts")
    expect(conflicts).to_contain_text("The wire's corrected headline")
    page.screenshot(path=screenshot_dir / "admin-conflicts-en.png", full_page=True)

    conflicts.locator("tr", has_text="Headline").get_by_role("button", name="Take imported").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".desk-pane-en input[name$='-title']")).to_have_value(
        "The wire's corrected headline"
    )
    expect(page.locator(".desk-conflict")).to_have_count(1)  # the tags are still open


def test_on_a_narrow_screen_the_chinese_pane_comes_first_above_the_english(
    live_server, page, editor, screenshot_dir
):
    article = make_article()
    log_in(page, live_server, editor)
    page.set_viewport_size({"width": 800, "height": 1000})

    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")

    # Both panes measured at one moment, once the page has settled: the rich editors grow
    # their pane as they start, and a pane measured before that and one after do not compare.
    page.wait_for_load_state("networkidle")
    chinese_bottom, english_top = page.evaluate(
        """() => [
            document.querySelector(".desk-pane-zh-hans").getBoundingClientRect().bottom,
            document.querySelector(".desk-pane-en").getBoundingClientRect().top,
        ]"""
    )
    assert chinese_bottom <= english_top
    page.screenshot(path=screenshot_dir / "admin-article-narrow-en.png", full_page=True)


def test_two_editors_on_one_story_lose_nothing(live_server, page, editor, screenshot_dir):
    """Two tabs on one story: the later save is refused with what changed, and saving again
    keeps the earlier editor's paragraph and the later one's headline."""
    import reversion

    article = make_article(status=Article.Status.DRAFT, en={"title": "Envoys meet in Bonn"})
    with reversion.create_revision():
        article.save()  # the history the refusal reads from, as any admin or import save leaves
    log_in(page, live_server, editor)
    url = f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}"
    other = page.context.new_page()
    other.set_viewport_size(WIDE)
    page.goto(url)
    other.goto(url)

    body = other.locator(".desk-pane-en .ProseMirror[contenteditable]")
    body.click()
    other.keyboard.press("Control+End")
    other.keyboard.press("Enter")
    other.keyboard.type("A paragraph from the first editor.")
    other.click("input[name=_save]")
    expect(other.locator(".messagelist .success")).to_be_visible()

    page.locator(".desk-pane-en input[name$='-title']").fill("Envoys agree in Bonn")
    page.click("input[name=_save]")
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.get_by_text("saved by someone else after you opened it")).to_be_visible()
    page.screenshot(path=screenshot_dir / "admin-stale-save-refused.png", full_page=True)
    title = page.locator(".desk-pane-en input[name$='-title']")
    assert title.input_value() == "Envoys agree in Bonn"  # still in the form
    expect(page.locator(".desk-pane-en .ProseMirror[contenteditable]")).to_contain_text(
        "first editor"
    )

    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    english = article.translations.get(language="en")
    assert english.title == "Envoys agree in Bonn" and "first editor" in english.body
