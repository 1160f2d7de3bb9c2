"""What an editor reads of an image the import could not keep, in real Chromium and both
languages: the reason with its numbers (the pixel limit) in the editor's language. Screenshots
var/screenshots/audit3-import-record-{en,zh-hans}.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import ImportRecord
from tests.helpers import switch_admin_language
from tests.test_browser_admin import log_in
from tests.test_import_articles import IMAGE_ANSWERS, feed_with_images, run_import, write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEN = {
    "en": ("image ", "is 3000×3000 pixels; the limit is 4 million pixels.", "图片为"),
    "zh-hans": ("图片 ", "图片为 3000×3000 像素，上限为 400 万像素。", "pixels"),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_refused_images_reason_reads_in_the_editors_language(
    live_server, page, editor, screenshot_dir, tmp_path, fake_internet, settings, language
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSDESK_IMAGE_MAX_PIXELS = 4_000_000
    fake_internet.host("images.example.org", fake_internet.serve(IMAGE_ANSWERS))
    path = write(tmp_path / "feed.txt", feed_with_images("http://images.example.org", "/huge.png"))
    assert run_import(path, no_fetch_images=False)[2]
    page.route("**/*.png", lambda route: route.abort())  # no outside requests
    log_in(page, live_server, editor)
    if language != "en":
        switch_admin_language(page, language)

    record = ImportRecord.objects.get()
    page.goto(f"{live_server.url}{reverse('admin:articles_importrecord_change', args=[record.pk])}")
    start, reason, foreign = SEEN[language]
    warnings = page.locator("#content")
    expect(warnings).to_contain_text(reason)
    expect(warnings).to_contain_text(start)
    expect(warnings).not_to_contain_text(foreign)
    page.screenshot(path=screenshot_dir / f"audit3-import-record-{language}.png", full_page=True)
