"""The body editor in real headless Chromium: typing, pasting from a web page, Chinese input,
word counts, and a save that changes nothing, under the site's Content-Security-Policy.

Screenshots land in var/screenshots/admin-editor-*.png.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from reversion.models import Revision

from articles.models import Article, Translation
from articles.text import html_word_count
from tests.factories import make_article
from tests.helpers import click_and_load, paste, switch_admin_language
from tests.test_browser_csp import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1440, "height": 1000}

WEB_PAGE_FRAGMENT = """
<meta charset="utf-8"><div style="font-family: Georgia; color: rgb(200, 0, 0)">
<h1 style="font-size: 40px">Ministers meet in Baku</h1>
<p style="margin: 0 0 12px" class="story-para" onclick="window.__pasteRan = 'onclick'">
Delegates <span style="font-weight: bold">agreed</span> on a
<a href="javascript:window.__pasteRan='href'">finance</a> goal
<a href="https://example.org/report" target="_blank" style="color: red">in the report</a>.</p>
<script>window.__pasteRan = 'script'</script>
<img src="https://example.org/x.png" onerror="window.__pasteRan = 'onerror'">
<style>p { color: red }</style>
<ul><li style="color: blue">Adaptation</li><li>Loss and damage</li></ul>
</div>
"""


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def open_story(page, live_server, article):
    page.goto(f"{live_server.url}{change_url(article)}")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".desk-pane-en .ProseMirror[contenteditable]")).to_be_visible()


def open_new_story(page, live_server, user, **translations) -> Article:
    """A draft with these translations, open in the admin for `user`."""
    article = make_article(status=Article.Status.DRAFT, **translations)
    page.set_viewport_size(WIDE)
    log_in(page, live_server, user)
    open_story(page, live_server, article)
    return article


def body_editor(page, language):
    return page.locator(f".desk-pane-{language} .ProseMirror[contenteditable]")


def shown_count(page, language, field="body"):
    pane = page.locator(f".desk-pane-{language}")
    numbers = pane.locator(f"[data-count-for$='-{field}'] [data-count]")
    return {
        numbers.nth(i).get_attribute("data-count"): int(numbers.nth(i).text_content())
        for i in range(numbers.count())
    }


def save(page):
    click_and_load(page, "input[name=_continue]")


def test_an_editor_writes_a_story_with_paragraphs_and_a_bold_word(
    live_server, watched, editor, screenshot_dir
):
    article = open_new_story(watched, live_server, editor, en={"body": ""})

    english = body_editor(watched, "en")
    english.click()
    watched.keyboard.type("Envoys met in Bonn to talk <for now> about money.")
    watched.keyboard.press("Enter")
    watched.keyboard.type("They agreed on ")
    watched.keyboard.press("Control+b")
    watched.keyboard.type("nothing")
    watched.keyboard.press("Control+b")
    watched.keyboard.type(" yet.")
    expect(english.locator("strong")).to_have_text("nothing")
    assert shown_count(watched, "en") == {"words": 15, "characters": 0}
    watched.locator(".desk-pane-en input[name$='-title']").fill("COP30 talks in 贝伦")
    expect(watched.locator(".desk-pane-en [data-count-for$='-title']")).to_have_text(
        "English words: 3 · Chinese characters: 2"
    )
    watched.screenshot(path=screenshot_dir / "admin-editor-typing-en.png", full_page=True)

    save(watched)

    expect(watched.locator(".messagelist .success")).to_be_visible()
    body = Translation.objects.get(article=article, language="en").body
    assert body == (
        "<p>Envoys met in Bonn to talk &lt;for now&gt; about money.</p>"
        "<p>They agreed on <strong>nothing</strong> yet.</p>"
    )
    expect(body_editor(watched, "en").locator("p")).to_have_count(2)
    shown = body_editor(watched, "en").inner_text()
    assert "<p>" not in shown and "<strong>" not in shown  # editors never see tags
    assert_clean(watched)


def test_a_pasted_web_page_keeps_its_text_and_loses_its_script_and_styles(
    live_server, watched, editor, screenshot_dir
):
    article = open_new_story(watched, live_server, editor, en={"body": "<p>Before.</p>"})

    english = body_editor(watched, "en")
    english.click()
    watched.keyboard.press("End")
    watched.keyboard.press("Enter")
    paste(english, html=WEB_PAGE_FRAGMENT, text="Ministers meet in Baku")
    expect(english).to_contain_text("Loss and damage")
    watched.screenshot(path=screenshot_dir / "admin-editor-pasted-en.png", full_page=True)
    assert english.locator("[style], script, style, img, span").count() == 0

    save(watched)

    # What the editor never saw (the link's target, say) is not reported as dropped either.
    expect(watched.locator(".messagelist .warning")).to_have_count(0)
    body = Translation.objects.get(article=article, language="en").body
    for kept in ("Before.", "Ministers meet in Baku", "agreed", "Adaptation", "Loss and damage"):
        assert kept in body
    assert 'href="https://example.org/report"' in body
    assert "<strong>agreed</strong>" in body  # a bold style became bold, the style went
    assert "<h2>Ministers meet in Baku</h2>" in body  # the page's <h1>, a heading of the body
    for gone in ("style=", "<script", "<img", "onclick", "onerror", "javascript:", "target="):
        assert gone not in body
    assert watched.evaluate("window.__pasteRan") is None
    assert_clean(watched)


def test_chinese_typed_through_an_input_method_is_saved_and_counted(
    live_server, watched, editor, screenshot_dir
):
    article = open_new_story(watched, live_server, editor, zh={"body": ""})

    chinese = body_editor(watched, "zh-hans")
    chinese.click()
    chinese.evaluate(
        """element => {
          window.__composition = [];
          for (const type of ["compositionstart", "compositionupdate", "compositionend"]) {
            element.addEventListener(type, (event) => window.__composition.push(type));
          }
        }"""
    )
    # An input method composes pinyin, then commits the characters: Chromium's own IME path.
    cdp = watched.context.new_cdp_session(watched)
    for pinyin in ("q", "qi", "qihou"):
        cdp.send(
            "Input.imeSetComposition",
            {"text": pinyin, "selectionStart": len(pinyin), "selectionEnd": len(pinyin)},
        )
    cdp.send("Input.insertText", {"text": "气候"})
    composition = watched.evaluate("window.__composition")
    assert composition[0] == "compositionstart" and composition[-1] == "compositionend"
    assert composition.count("compositionupdate") >= 3
    watched.keyboard.insert_text("融资谈判在COP30继续。")
    expect(chinese).to_have_text("气候融资谈判在COP30继续。")
    assert shown_count(watched, "zh-hans") == {"words": 1, "characters": 9}
    watched.screenshot(path=screenshot_dir / "admin-editor-chinese.png", full_page=True)

    save(watched)

    body = Translation.objects.get(article=article, language="zh-hans").body
    assert body == "<p>气候融资谈判在COP30继续。</p>"
    assert shown_count(watched, "zh-hans") == {"words": 1, "characters": 9}
    assert_clean(watched)


def test_saving_an_untouched_story_in_the_browser_changes_nothing(
    live_server, watched, editor, screenshot_dir
):
    article = open_new_story(
        watched,
        live_server,
        editor,
        en={
            "summary": "Talks resume.\nIn Bonn.",
            "body": "<p>Negotiators met.</p>\n<ul>\n<li>Finance</li>\n</ul>\n"
            "<p>Then <b>left</b>.</p>",
        },
        zh={"body": "<p>谈判代表在波恩会面。</p>\n<p>第二段。</p>"},
    )
    before = {t.language: (t.updated_at, t.body) for t in Translation.objects.all()}
    revisions = Revision.objects.count()
    for language in ("en", "zh-hans"):
        stored = Translation.objects.get(article=article, language=language)
        expected = html_word_count(stored.body)
        assert shown_count(watched, language) == {
            "words": expected.words,
            "characters": expected.characters,
        }

    # Touched and put back: the editor writes the body anew, which is still no change.
    english = body_editor(watched, "en")
    english.click()
    watched.keyboard.type("x")
    watched.keyboard.press("Backspace")
    save(watched)

    expect(watched.locator(".messagelist .info")).to_contain_text("Nothing was changed")
    watched.screenshot(path=screenshot_dir / "admin-editor-unchanged-save.png", full_page=True)
    after = {t.language: (t.updated_at, t.body) for t in Translation.objects.all()}
    assert after == before
    assert Revision.objects.count() == revisions
    assert_clean(watched)


def test_the_editor_speaks_chinese_and_links_a_word(live_server, watched, editor, screenshot_dir):
    caption = "<figure><figcaption>Delegates in Bonn</figcaption></figure>"
    article = make_article(
        status=Article.Status.DRAFT, en={"body": f"<p>Read the UNFCCC text.</p>{caption}"}
    )
    watched.set_viewport_size(WIDE)
    log_in(watched, live_server, editor)
    switch_admin_language(watched, "zh-hans")
    open_story(watched, live_server, article)

    pane = watched.locator(".desk-pane-en")
    expect(pane.locator("[data-count-for$='-body']")).to_have_text("英文词数：7；汉字数：0")
    expect(pane.locator(".prose-menubar [data-name=bold]")).to_have_attribute("title", "加粗")
    english = body_editor(watched, "en")
    english.locator("p").dblclick(position={"x": 80, "y": 8})  # selects a word: "UNFCCC"
    pane.locator(".prose-menubar [data-name=link]").click()
    dialog = watched.locator("dialog[open]")
    expect(dialog).to_contain_text("网址")
    dialog.locator("input[name=href]").fill("https://unfccc.int/process")
    watched.screenshot(path=screenshot_dir / "admin-editor-link-zh.png", full_page=True)
    dialog.locator("button[type=submit]").click()
    expect(english.locator("a")).to_have_count(1)

    save(watched)

    body = Translation.objects.get(article=article, language="en").body
    assert body.startswith('<p>Read the <a href="https://unfccc.int/process"')
    assert ">UNFCCC</a> text.</p>" + caption in body  # what the editor offers no button for
    assert_clean(watched)
