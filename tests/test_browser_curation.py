"""Curation and the article list in real headless Chromium, in both languages.

Screenshots land in var/screenshots/curation-*.png and admin-list-1280-*.png.
"""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from playwright.sync_api import expect

from articles.images import make_renditions
from articles.models import Article, Feature, Image
from tests.factories import make_article
from tests.helpers import switch_admin_language
from tests.test_browser_admin import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}


def photographed(article, n):
    data = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (30, 110, 160)).save(data, "JPEG")
    upload = SimpleUploadedFile(f"photo-{n}.jpg", data.getvalue(), content_type="image/jpeg")
    make_renditions(Image.objects.create(article=article, file=upload, caption="Delegates"))


def make_full_list():
    """Stories as the desk holds them: photos, long tags, both states of each language."""
    for n in range(12):
        story = make_article(
            status=[Article.Status.PUBLISHED, Article.Status.REVIEW, Article.Status.DRAFT][n % 3],
            tags=["loss-and-damage-fund", "climate finance", "气候融资", "cop30"][: 1 + n % 4],
            en=False
            if n % 5 == 4
            else {"title": f"Envoys agree on a new climate finance goal {n}"},
            zh={"title": f"各国特使就新的气候融资目标达成一致（第{n}篇）"},
        )
        if n % 2 == 0:
            photographed(story, n)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_article_list_fits_1280_pixels_with_languages_and_tags_in_view(
    live_server, page, editor, media_root, screenshot_dir, language
):
    make_full_list()
    log_in(page, live_server, editor)
    page.set_viewport_size(LAPTOP)
    if language != "en":
        switch_admin_language(page, language)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_changelist')}")

    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    results = page.locator("#changelist .results")
    scroll, client = results.evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert scroll <= client  # the table scrolls nowhere inside its box either
    box = results.bounding_box()
    for column in ("column-languages", "column-tag_list"):
        header = page.locator(f"#result_list thead th.{column}")
        expect(header).to_be_visible()
        cell = header.bounding_box()
        assert cell["x"] + cell["width"] <= box["x"] + box["width"] + 1
    page.screenshot(path=screenshot_dir / f"admin-list-1280-{language}.png", full_page=True)


def test_editor_features_a_story_and_readers_see_it_first_in_both_languages(
    live_server, page, editor, browser, screenshot_dir
):
    for n in range(5):
        make_article(en={"title": f"Newer story {n}"}, zh={"title": f"较新的报道{n}"})
    old = timezone.now() - timedelta(days=60)
    lead = make_article(
        en={"title": "Envoys agree a finance goal"}, zh={"title": "特使就融资目标达成一致"},
        published_at=old,
    )  # fmt: skip
    pinned = make_article(
        en={"title": "Islands ask for faster cuts"}, zh={"title": "岛国呼吁加快减排"},
        published_at=old - timedelta(days=1),
    )  # fmt: skip
    log_in(page, live_server, editor)
    page.set_viewport_size(LAPTOP)

    # The lead, from the story's own form, until tomorrow.
    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[lead.pk])}")
    page.select_option("select[name=home_placement]", "lead")
    tomorrow = timezone.localtime() + timedelta(days=1)
    page.fill("input[name=feature_ends_at_0]", tomorrow.strftime("%Y-%m-%d"))
    page.fill("input[name=feature_ends_at_1]", tomorrow.strftime("%H:%M:%S"))
    page.screenshot(path=screenshot_dir / "curation-form-en.png", full_page=True)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text("Lead story")

    # A pinned one, with the list's action.
    page.locator(f"input[name=_selected_action][value='{pinned.pk}']").check()
    page.select_option("select[name=action]", "pin")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 pinned")
    assert Feature.objects.get(article=lead).position == 0
    assert Feature.objects.get(article=pinned).position == 1

    # What the home page shows first, in the admin, in Chinese.
    switch_admin_language(page, "zh-hans")
    page.goto(f"{live_server.url}{reverse('admin:articles_article_home_page')}")
    expect(page.locator(".desk-feature").first).to_contain_text("特使就融资目标达成一致")
    expect(page.locator(".desk-feature").first).to_contain_text("头条")
    page.screenshot(path=screenshot_dir / "curation-admin-home-page-zh-hans.png", full_page=True)

    # Readers, not logged in (through the page cache), see the lead first, then the pinned.
    reader = browser.new_page(viewport=LAPTOP)
    for language, lead_title, pinned_title in [
        ("en", "Envoys agree a finance goal", "Islands ask for faster cuts"),
        ("zh-hans", "特使就融资目标达成一致", "岛国呼吁加快减排"),
    ]:
        reader.goto(f"{live_server.url}/{language}/")
        titles = reader.locator(".story-list .card-title")
        expect(titles.nth(0)).to_have_text(lead_title)
        expect(titles.nth(1)).to_have_text(pinned_title)
        expect(reader.locator(".card-lead .card-title")).to_have_text(lead_title)
        assert reader.locator(".story-list .card-title").all_inner_texts().count(lead_title) == 1
        reader.screenshot(path=screenshot_dir / f"curation-home-{language}.png", full_page=True)
    reader.close()


def test_the_seo_fields_count_characters_as_the_editor_types(
    live_server, page, editor, screenshot_dir
):
    story = make_article()
    log_in(page, live_server, editor)
    switch_admin_language(page, "zh-hans")
    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[story.pk])}")
    title = page.locator(".desk-pane-zh-hans input[name$='-seo_title']")
    counter = page.locator(".desk-pane-zh-hans input[name$='-seo_title'] + .desk-counter")
    expect(counter).to_have_text("0 字，建议约 60 字")
    title.fill("气候" * 35)  # 70 characters, each Chinese one counted once
    expect(counter).to_have_text("70 字，建议约 60 字")
    expect(counter).to_have_class(re.compile("desk-counter-over"))
    title.fill("波恩气候融资谈判")
    expect(counter).to_have_text("8 字，建议约 60 字")
    expect(counter).not_to_have_class(re.compile("desk-counter-over"))
    title.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "admin-seo-counter-zh-hans.png")
