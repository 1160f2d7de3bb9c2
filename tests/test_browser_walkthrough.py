"""A day on the desk in real headless Chromium, in order: a contributor writes a story in the rich
editor (pasting part of a web page) and translates it side by side; an editor marks only the
Chinese ready, publishes and features it; readers (through the page cache) see it first on the
home page in both languages; the editor adds an image with a caption per language and changes
the English one, which readers see at once, saves an unchanged form and reads the highlighted
history. One browser session per person; no page breaks the Content-Security-Policy or logs an
error.

Screenshots: var/screenshots/walkthrough-NN-<step>.png, numbered in the order of the walk.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image as PILImage
from playwright.sync_api import expect
from reversion.models import Version

from articles.models import Article, Feature, Image, Translation
from tests.conftest import watch
from tests.factories import make_article
from tests.helpers import click_and_load, paste
from tests.test_browser_csp import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1440, "height": 1000}
SLUG = "glacier-fund-bonn"
EN_TITLE, ZH_TITLE = "Mountain states ask for a glacier fund", "山地国家呼吁设立冰川基金"
ZH_BODY = "山地国家代表在波恩提出设立冰川基金。"
EN_CAPTION, EN_CAPTION_AFTER = "Delegates at the glacier talks", "Delegates leave the glacier talks"
ZH_CAPTION = "冰川谈判会场上的代表"

# Part of a web page as the clipboard holds it: styles inline, a script, a handler, a hostile link.
WEB_PAGE = """
<meta charset="utf-8"><div style="font-family: Georgia; color: rgb(200, 0, 0)">
<p style="margin: 0 0 12px" onclick="window.__pwned = 'onclick'">Envoys from the Andes and the
Himalaya <span style="font-weight: bold">asked</span> for a fund to monitor
<a href="javascript:window.__pwned = 'href'">glaciers</a>, citing
<a href="https://example.org/glaciers" style="color: red" target="_blank">a new report</a>.</p>
<script>window.__pwned = 'script'</script>
<img src="https://example.org/pixel.png" onerror="window.__pwned = 'onerror'">
<ul><li style="color: blue">Monitoring stations</li><li>Early warning</li></ul>
</div>
"""


class Walk:
    """The browser page and the screenshots of the walk, numbered as they are taken."""

    def __init__(self, page, live_server, screenshot_dir):
        self.page, self.base, self.dir, self.shots = page, live_server.url, screenshot_dir, 0
        for earlier_walk in screenshot_dir.glob("walkthrough-*.png"):  # numbered as they were
            earlier_walk.unlink()

    def shot(self, step, page=None):
        page = page or self.page
        self.shots += 1
        page.screenshot(path=self.dir / f"walkthrough-{self.shots:02d}-{step}.png", full_page=True)
        assert_clean(page)

    def go(self, url, page=None):
        response = (page or self.page).goto(self.base + url)
        assert response.status == 200, url
        return response

    def pane(self, language):
        return self.page.locator(f".desk-pane-{language}")

    def body_editor(self, language):
        return self.pane(language).locator(".ProseMirror[contenteditable]")

    def save(self):
        click_and_load(self.page, "input[name=_continue]")  # save and continue editing

    def saved(self):
        expect(self.page.locator(".messagelist .success")).to_be_visible()

    def open_story(self, article):
        self.go(reverse("admin:articles_article_change", args=[article.pk]))
        expect(self.body_editor("en")).to_be_visible()

    def log_out(self):
        click_and_load(self.page, "#logout-form button")
        expect(self.page.locator("#content")).to_contain_text("Thanks for spending some")


def reader_url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def read_story(walk, reader, captions, step="story"):
    """Each language's story page as readers see it: its own headline and image caption."""
    for language, title in (("en", EN_TITLE), ("zh-hans", ZH_TITLE)):
        walk.go(reader_url("article_detail", language, slug=SLUG), reader)
        expect(reader.locator("h1")).to_have_text(title)
        figcaption = reader.locator("figure.lead-image figcaption")
        expect(figcaption).to_have_text(captions[language])
        image = reader.locator("figure.lead-image img")
        expect(image).to_have_js_property("complete", True)
        expect(image).not_to_have_js_property("naturalWidth", 0)  # loaded, not broken
        walk.shot(f"{step}-{language}", reader)


def png(tmp_path):
    path = tmp_path / "glacier.png"
    PILImage.new("RGB", (1200, 675), (70, 130, 180)).save(path, "PNG")
    return path


def history_counts(article):
    return (
        Version.objects.get_for_object(article).count(),
        LogEntry.objects.filter(object_id=str(article.pk)).count(),
    )


def test_a_story_from_first_draft_to_the_home_page_and_its_history(
    live_server, watched, browser, contributor, editor, media_root, tmp_path, screenshot_dir
):
    walk = Walk(watched, live_server, screenshot_dir)
    page = watched
    page.set_viewport_size(WIDE)

    # 1. The contributor writes a story in-house (no source, no original URL) in the editor.
    log_in(page, live_server, contributor)
    walk.go(reverse("admin:articles_article_add"))
    english = walk.body_editor("en")
    expect(english).to_be_visible()
    page.fill("input[name=slug]", SLUG)
    walk.pane("en").locator("input[name$='-title']").fill(EN_TITLE)
    english.click()
    page.keyboard.type("Mountain states met in Bonn on Monday.")
    page.keyboard.press("Enter")
    paste(english, html=WEB_PAGE, text="Envoys from the Andes")
    expect(english).to_contain_text("Early warning")
    expect(english.locator("strong")).to_have_text("asked")  # a bold style became bold
    assert english.locator("[style], script, img, span").count() == 0
    assert page.evaluate("window.__pwned") is None
    walk.shot("contributor-writes")
    walk.save()
    walk.saved()
    # Nothing she could see was dropped, so the desk has nothing to warn her about.
    expect(page.locator(".messagelist .warning")).to_have_count(0)
    article = Article.objects.get(slug=SLUG)
    assert article.status == Article.Status.DRAFT and article.source is None
    body = article.translations.get(language="en").body
    assert body.startswith("<p>Mountain states met in Bonn on Monday.</p>")
    assert "<strong>asked</strong>" in body and 'href="https://example.org/glaciers"' in body
    for gone in ("style=", "<script", "<img", "onclick", "javascript:", "target="):
        assert gone not in body
    assert page.evaluate("window.__pwned") is None
    assert not article.translations.filter(language="zh-hans").exists()

    # 2. She translates it side by side: the Chinese pane beside the English one.
    chinese_pane, english_pane = walk.pane("zh-hans"), walk.pane("en")
    chinese_box, english_box = chinese_pane.bounding_box(), english_pane.bounding_box()
    assert abs(chinese_box["y"] - english_box["y"]) < 2  # one row, two columns
    assert chinese_box["x"] != english_box["x"]
    chinese_pane.locator("input[name$='-title']").click()
    page.keyboard.insert_text(ZH_TITLE)
    walk.body_editor("zh-hans").click()
    page.keyboard.insert_text(ZH_BODY)
    expect(walk.body_editor("zh-hans")).to_have_text(ZH_BODY)
    page.select_option("select[name=status]", Article.Status.REVIEW)
    walk.shot("contributor-translates")
    walk.save()
    walk.saved()
    chinese = Translation.objects.get(article=article, language="zh-hans")
    assert (chinese.title, chinese.body) == (ZH_TITLE, f"<p>{ZH_BODY}</p>")
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW
    expect(chinese_pane.locator(".desk-readiness")).to_have_text("Draft")
    assert chinese_pane.locator("select[name$='-status']").count() == 0  # editors mark ready
    walk.log_out()

    # 3. The editor marks only the Chinese translation ready, and publishes.
    log_in(page, live_server, editor)
    walk.open_story(article)
    expect(page.locator("#desk-presence")).to_be_hidden()  # the contributor has logged out
    chinese_pane.locator("select[name$='-status']").select_option(Translation.Status.READY)
    page.select_option("select[name=status]", Article.Status.PUBLISHED)
    walk.shot("editor-marks-chinese-ready")
    walk.save()
    walk.saved()
    expect(chinese_pane.locator(".desk-readiness")).to_have_text("Ready")
    expect(english_pane.locator(".desk-readiness")).to_have_text("Draft")
    assert dict(article.translations.values_list("language", "status")) == {
        "en": Translation.Status.DRAFT,
        "zh-hans": Translation.Status.READY,
    }
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    walk.shot("editor-publishes")

    # 4. Meanwhile newer stories come in; the editor makes this one the lead of the home page.
    for n in range(3):
        make_article(
            published_at=timezone.now(),
            en={"title": f"Newer story {n}"},
            zh={"title": f"较新的报道{n}"},
        )
    page.select_option("select[name=home_placement]", "lead")
    until = timezone.localtime() + timedelta(days=3)
    page.fill("input[name=feature_ends_at_0]", until.strftime("%Y-%m-%d"))
    page.fill("input[name=feature_ends_at_1]", "18:00:00")
    walk.shot("editor-features-lead")
    walk.save()
    walk.saved()
    expect(page.locator("select[name=home_placement]")).to_have_value("lead")
    feature = Feature.objects.get(article=article)
    assert feature.placement == "lead"
    assert timezone.localtime(feature.ends_at).strftime("%H:%M") == "18:00"

    # 5. Readers (not logged in, served through the page cache) see it first on the home page
    # in both languages. Only the Chinese is ready, so the English home shows the Chinese
    # version, labelled as such, rather than nothing.
    reader = watch(browser.new_context(viewport=WIDE).new_page())
    walk.go(reader_url("home", "zh-hans"), reader)
    first = reader.locator(".story-list .card").first
    expect(first.locator(".card-title")).to_have_text(ZH_TITLE)
    expect(first).to_have_class(re.compile(r"\bcard-lead\b"))  # first as the lead, not by date
    expect(reader.locator(".story-list .card-title").nth(1)).to_have_text("较新的报道2")
    expect(first.locator(".language-label")).to_have_count(0)
    walk.shot("home-zh-hans", reader)
    walk.go(reader_url("home", "en"), reader)
    expect(first.locator(".card-title")).to_have_text(ZH_TITLE)
    expect(first.locator(".language-label")).to_have_text("In Simplified Chinese")
    assert EN_TITLE not in reader.content()
    walk.shot("home-en-chinese-labelled", reader)
    # English readers are to read it in English, and the caption step below needs the English
    # page in English: the editor marks the English translation ready too, and the English
    # home page (cached a moment ago) has it in English at once.
    english_pane.locator("select[name$='-status']").select_option(Translation.Status.READY)
    walk.save()
    walk.saved()
    walk.go(reader_url("home", "en"), reader)
    expect(first.locator(".card-title")).to_have_text(EN_TITLE)
    expect(first.locator(".language-label")).to_have_count(0)
    walk.shot("home-en", reader)

    # 6. An image with a caption in each language; then the English caption changes alone,
    # and each language's story page shows its own caption, the English one changed.
    page.set_input_files("input[name='images-0-file']", png(tmp_path))
    page.fill("textarea[name='images-0-caption_en']", EN_CAPTION)
    page.fill("textarea[name='images-0-caption_zh-hans']", ZH_CAPTION)
    walk.shot("editor-adds-image")
    walk.save()
    walk.saved()
    assert Image.objects.get(article=article).caption == {"en": EN_CAPTION, "zh-hans": ZH_CAPTION}
    captions = {"en": EN_CAPTION, "zh-hans": ZH_CAPTION}
    read_story(walk, reader, captions)
    english_caption = page.locator("textarea[name='images-0-caption_en']")
    expect(english_caption).to_have_value(EN_CAPTION)
    english_caption.fill(EN_CAPTION_AFTER)
    walk.save()
    walk.saved()
    expect(page.locator("textarea[name='images-0-caption_zh-hans']")).to_have_value(ZH_CAPTION)
    captions["en"] = EN_CAPTION_AFTER
    assert Image.objects.get(article=article).caption == captions
    read_story(walk, reader, captions, step="caption-changed")
    reader.context.close()

    # 7. A save of the unchanged form changes nothing: no history entry, no outdated flag.
    # Both translations are dated ten minutes back, so a save that wrote either again (as one
    # that took the browser's line breaks for an edit would) would leave the other outdated.
    earlier = timezone.now() - timedelta(minutes=10)
    Translation.objects.filter(article=article).update(updated_at=earlier)
    counts = history_counts(article)
    walk.open_story(article)
    walk.save()
    expect(page.locator(".messagelist .info")).to_contain_text("Nothing was changed")
    walk.shot("unchanged-save")
    assert history_counts(article) == counts
    assert set(article.translations.values_list("updated_at", flat=True)) == {earlier}
    walk.go(reverse("admin:articles_article_translation_desk"))
    outdated = page.locator(".desk-table tbody tr", has_text="outdated")
    expect(outdated).to_have_count(2)  # a row for each language
    expect(outdated.locator(".desk-count a")).to_have_count(0)  # and no story counted
    walk.shot("translation-desk")

    # 8. The history: what the caption change changed, word by word, highlighted.
    walk.go(reverse("admin:articles_article_history", args=[article.pk]))
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text("Caption (English)")
    latest.get_by_role("link", name="What changed").click()
    changes = page.locator(".desk-revision-changes")
    # One word out, one in (each with a word for screen readers before it, such as "removed:").
    expect(changes.locator("del")).to_have_text([re.compile(r"(^|\s)at$")])
    expect(changes.locator("ins")).to_have_text([re.compile(r"(^|\s)leave$")])
    expect(changes).not_to_contain_text(ZH_CAPTION)  # the Chinese caption was not touched
    line = changes.locator("ins").evaluate("el => getComputedStyle(el).textDecorationLine")
    assert "underline" in line
    walk.shot("history-what-changed")
