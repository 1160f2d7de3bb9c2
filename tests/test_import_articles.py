import gc
import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from PIL import Image as PILImage
from reversion.models import Version

from articles.messages import message_text
from articles.models import Article, Image, ImportRecord, ImportRun, Source, Translation
from articles.rows import objects_create
from tests.factories import make_article
from tests.helpers import FIXTURES, fixture_text

pytestmark = pytest.mark.django_db


def run_import(*paths, **options):
    """call_command with its printed report; a failed file makes the command raise."""
    out, err = io.StringIO(), io.StringIO()
    options.setdefault("no_fetch_images", True)
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error), False
    return out.getvalue(), err.getvalue(), True


@pytest.fixture
def story_dir(tmp_path):
    folder = tmp_path / "stories"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(FIXTURES / "digest_bilingual.txt", folder / "001_a.txt")
    shutil.copy(FIXTURES / "feed_item.txt", folder / "nested" / "002_b.txt")
    return folder


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_folder_import_creates_bilingual_draft_articles(story_dir):
    out, _err, ok = run_import(story_dir)
    assert ok
    assert "created" in out and "2 created" in out
    digest = Article.objects.get(original_url="https://ft.com/content/0a1b2c3d-eu-china-dialogue")
    assert digest.status == Article.Status.DRAFT
    assert digest.slug == "eu-and-china-agree-to-deepen-carbon-market-cooperation"
    assert digest.source.name == {"en": "Financial Times", "zh-hans": "金融时报"}
    assert digest.source.domain == "ft.com" and "ft" in digest.source.codes
    assert sorted(digest.tags.names()) == ["carbon markets", "europe"]
    assert {t.language for t in digest.translations.all()} == {"en", "zh-hans"}
    feed = Article.objects.get(source__domain="voachinese.com")
    assert feed.original_language == "zh-hans"
    assert feed.images.get().credit == {"zh-hans": "路透社照片"}
    record = ImportRecord.objects.get(article=feed)
    assert record.raw_text == fixture_text("feed_item.txt")
    assert record.parsed["translations"][0]["title"].startswith("联合国秘书长")
    assert len(record.sha256) == 64


def test_publish_option_publishes_what_it_creates(story_dir):
    run_import(story_dir, publish=True)
    assert set(Article.objects.values_list("status", flat=True)) == {"published"}


def test_dry_run_reports_and_writes_nothing(story_dir):
    out, _err, ok = run_import(story_dir, dry_run=True)
    assert ok and "2 created" in out and "Dry run" in out
    assert Article.objects.count() == 0
    assert ImportRecord.objects.count() == ImportRun.objects.count() == Source.objects.count() == 0


def test_second_run_is_unchanged_and_writes_no_revision(story_dir):
    run_import(story_dir)
    versions = Version.objects.count()
    out, _err, ok = run_import(story_dir)
    assert ok and "2 unchanged" in out
    assert Article.objects.count() == 2 and Translation.objects.count() == 3
    assert Version.objects.count() == versions
    assert ImportRecord.objects.filter(outcome="unchanged").count() == 2


def test_same_story_in_two_files_is_one_article(tmp_path):
    text = fixture_text("digest_bilingual.txt")
    write(tmp_path / "a.txt", text)
    # The same URL with other tracking parameters and no fragment, and one changed sentence.
    write(
        tmp_path / "b.txt",
        text.replace("utm_medium=feed#top", "utm_campaign=x").replace("next month", "in April"),
    )
    out, _err, _ok = run_import(tmp_path)
    assert Article.objects.count() == 1
    assert "1 created, 1 updated" in out
    assert "in April" in Translation.objects.get(language="en").body


def test_reimport_takes_new_values_of_fields_nobody_touched(tmp_path):
    path = write(tmp_path / "story.txt", fixture_text("digest_bilingual.txt"))
    run_import(path)
    write(
        path,
        path.read_text().replace(
            "A joint statement is expected next month.", "A joint statement was issued on Friday."
        ),
    )
    out, _err, _ok = run_import(path)
    assert "1 updated" in out
    assert "issued on Friday" in Translation.objects.get(language="en").body


def test_reimport_keeps_editor_title_and_reports_a_conflict(tmp_path):
    path = write(tmp_path / "story.txt", fixture_text("digest_bilingual.txt"))
    run_import(path)
    english = Translation.objects.get(language="en")
    english.title = "EU and China deepen carbon market ties (editor's headline)"
    english.save()
    write(
        path,
        path.read_text()
        .replace("# EU and China agree to deepen", "# EU, China agree to deepen")
        .replace("next month", "in April"),
    )
    out, _err, ok = run_import(path)
    assert ok and "1 conflict" in out and "English headline" in out
    english.refresh_from_db()
    assert english.title == "EU and China deepen carbon market ties (editor's headline)"
    assert "in April" in english.body  # the field nobody touched still takes the new value
    record = ImportRecord.objects.get(outcome="conflict")
    assert record.conflicts["translation:en:title"] == {
        "base": "EU and China agree to deepen carbon market cooperation",
        "current": "EU and China deepen carbon market ties (editor's headline)",
        "incoming": "EU, China agree to deepen carbon market cooperation",
    }


def test_editor_change_with_unchanged_incoming_value_is_no_conflict(tmp_path):
    path = write(tmp_path / "story.txt", fixture_text("digest_bilingual.txt"))
    run_import(path)
    article = Article.objects.get()
    article.tags.add("trade")
    Translation.objects.filter(language="zh-hans").update(summary="编辑写的导语")
    write(path, path.read_text().replace("next month", "in April"))
    out, _err, _ok = run_import(path)
    assert "1 updated" in out
    assert Translation.objects.get(language="zh-hans").summary == "编辑写的导语"
    assert "trade" in article.tags.names()


def test_editor_deleted_translation_is_not_brought_back(tmp_path):
    path = write(tmp_path / "story.txt", fixture_text("digest_bilingual.txt"))
    run_import(path)
    Translation.objects.filter(language="zh-hans").delete()
    write(path, path.read_text().replace("next month", "in April"))
    run_import(path)
    assert list(Translation.objects.values_list("language", flat=True)) == ["en"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("yaml.txt", b"---\ntitle: [unclosed\n---\n\n[l](https://ft.com/a)\n\n# T\n", "YAML"),
        (
            "list.txt",
            b"---\n- a\n- b\n---\n\n[l](https://ft.com/a)\n\n# T\n",
            "not a set of fields",
        ),
        (
            "bomb.txt",
            b"---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n"
            b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\n---\n",
            "aliases",
        ),
        ("short.txt", "---\ntitle: 气候".encode()[:-1], "cut short"),
        ("letter.txt", b"Dear editors, see attached.\n", "not a story file"),
    ],
)
def test_bad_file_is_one_clear_line_and_the_others_still_import(tmp_path, name, data, reason):
    shutil.copy(FIXTURES / "feed_item.txt", tmp_path / "good.txt")
    (tmp_path / name).write_bytes(data)
    out, err, ok = run_import(tmp_path)
    assert not ok
    [line] = [line for line in err.splitlines() if name in line]
    assert line.startswith("failed") and reason in line
    assert "Traceback" not in out + err
    assert "1 created" in out and Article.objects.count() == 1
    failed = ImportRecord.objects.get(outcome="failed")
    assert failed.path.endswith(name) and reason in failed.message


def test_failure_while_saving_leaves_nothing_half_written(tmp_path, monkeypatch):
    shutil.copy(FIXTURES / "digest_bilingual.txt", tmp_path / "a.txt")

    def explode_on_translations(model, objects):
        if model is Translation:
            raise RuntimeError("disk full")
        return objects_create(model, objects)

    monkeypatch.setattr("articles.importing.write.objects_create", explode_on_translations)
    _out, err, ok = run_import(tmp_path)
    assert not ok and "disk full" in err
    assert Article.objects.count() == Translation.objects.count() == Source.objects.count() == 0
    assert ImportRecord.objects.get().outcome == "failed"


def test_json_report_is_one_object_on_stdout(story_dir):
    out, _err, ok = run_import(story_dir, json=True)
    assert ok
    report = json.loads(out)
    assert report["summary"]["created"] == 2
    assert {f["outcome"] for f in report["files"]} == {"created"}
    assert all(f["path"].endswith(".txt") for f in report["files"])


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file or directory"):
        call_command("import_articles", str(tmp_path / "nope"))


# Images: a small HTTP server on 127.0.0.1 stands in for an outlet's image host. Downloads
# only go to public addresses, so the host has a public name and the fake internet routes it.


def png_bytes(size=(64, 48), exif=True):
    buffer = io.BytesIO()
    image = PILImage.new("RGB", size, "teal")
    if exif:
        data = PILImage.Exif()
        data[0x010F] = "SecretCameraMaker"
        image.save(buffer, "JPEG", exif=data.tobytes())
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


IMAGE_ANSWERS = {
    "/photo.jpg": (200, png_bytes()),
    "/not-an-image.jpg": (200, b"<html>hello</html>"),
    "/huge.png": (200, png_bytes(size=(3000, 3000), exif=False)),
}


@pytest.fixture
def image_server(fake_internet):
    fake_internet.host("images.example.org", fake_internet.serve(IMAGE_ANSWERS))
    return "http://images.example.org"


def feed_with_images(base, *paths):
    images = "".join(
        f'<img src="https://images.weserv.nl?url={base}{p}&w=900">'
        f"<div><small>图片说明 {p}（美联社照片）</small></div>"
        for p in paths
    )
    return (
        "<!--1741694400000-->\n[气候新闻配图测试](https://www.voachinese.com/a/images-1.html)\n"
        f"------\n\n{images}<p>正文。</p>\n"
    )


def test_images_are_downloaded_validated_and_stripped(tmp_path, image_server, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSDESK_IMAGE_MAX_PIXELS = 4_000_000
    path = write(
        tmp_path / "feed.txt",
        feed_with_images(
            image_server, "/photo.jpg", "/not-an-image.jpg", "/missing.jpg", "/huge.png"
        ),
    )
    out, _err, ok = run_import(path, no_fetch_images=False)
    assert ok and "1 created" in out
    images = {i.original_url.rsplit("/", 1)[1]: i for i in Image.objects.all()}
    photo = images["photo.jpg"]
    assert photo.file and (photo.width, photo.height) == (64, 48)
    # Stored, not only read back from the file when the row is loaded.
    assert Image.objects.filter(pk=photo.pk).values_list("width", "height").get() == (64, 48)
    with PILImage.open(photo.file.path) as stored:
        assert not stored.getexif()
    assert photo.renditions
    for name in ("not-an-image.jpg", "missing.jpg", "huge.png"):
        assert not images[name].file  # the URL is kept for an editor to retry
    assert "not an image" in out and "did not send the image" in out
    assert "million pixels" in out


def test_image_over_the_byte_limit_is_refused(tmp_path, image_server, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSDESK_IMAGE_MAX_BYTES = 200
    path = write(tmp_path / "feed.txt", feed_with_images(image_server, "/photo.jpg"))
    out, _err, ok = run_import(path, no_fetch_images=False)
    assert ok and "1 created" in out and "limit" in out
    assert not Image.objects.get().file


def test_a_download_reason_with_a_number_is_read_in_the_editors_language(
    tmp_path, image_server, settings
):
    """A reason that carries a limit (pixels, megabytes, seconds, redirects) is stored as a
    message and its parameters, as the rest of the warning is: formatted in English at the
    import, it stayed English on a Chinese editor's record."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSDESK_IMAGE_MAX_PIXELS = 4_000_000
    path = write(tmp_path / "feed.txt", feed_with_images(image_server, "/huge.png"))
    _out, _err, ok = run_import(path, no_fetch_images=False)
    assert ok
    [warning] = ImportRecord.objects.get().warnings
    with translation.override("zh-hans"):
        shown = message_text(warning)
    assert shown.startswith("图片 ") and "huge.png" in shown
    assert "pixels" not in shown and "3000×3000" in shown and "上限为 400 万像素。" in shown
    with translation.override("en"):
        assert "is 3000×3000 pixels; the limit is 4 million pixels." in message_text(warning)


@pytest.mark.parametrize("inner", ["127.0.0.1:{port}/photo.jpg", "http://127.0.0.1/photo.jpg"])
def test_image_proxy_wrapping_a_loopback_address_is_refused(
    tmp_path, fake_internet, settings, inner
):
    settings.MEDIA_ROOT = tmp_path / "media"
    internal = fake_internet.serve(IMAGE_ANSWERS)
    # Were loopback allowed, both forms would reach this server.
    fake_internet.route("127.0.0.1", 80, internal)
    fake_internet.route("127.0.0.1", internal.port, internal)
    path = write(tmp_path / "feed.txt", feed_with_images("", inner.format(port=internal.port)))
    out, _err, ok = run_import(path, no_fetch_images=False)
    assert ok and "1 created" in out
    assert "127.0.0.1" in Image.objects.get().original_url  # the parser unwrapped the proxy
    assert "not downloaded: refused: " in out
    assert not Image.objects.get().file
    assert internal.requests == []


def test_no_fetch_images_keeps_urls_without_downloading(tmp_path, image_server, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    run_import(write(tmp_path / "feed.txt", feed_with_images(image_server, "/photo.jpg")))
    image = Image.objects.get()
    assert image.original_url == f"{image_server}/photo.jpg"
    assert not image.file


def test_report_speaks_chinese_in_a_chinese_shell(story_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    (story_dir / "empty.txt").write_bytes(b"")
    out, err, ok = run_import(story_dir)
    assert not ok
    assert "文件为空" in err
    assert "完成：已创建 2，已更新 0，" in out and out.rstrip().endswith("失败 1。")


def test_import_keeps_a_revision_an_editor_can_restore(tmp_path):
    run_import(write(tmp_path / "story.txt", fixture_text("digest_bilingual.txt")))
    article = Article.objects.get()
    [version] = Version.objects.get_for_object(article)
    assert "Import of story.txt" in version.revision.comment
    assert version.revision.version_set.count() == 3  # the article and its two translations
    Translation.objects.filter(language="en").update(title="A headline an editor broke")
    version.revision.revert()
    assert Translation.objects.get(language="en").title.startswith("EU and China agree")


def test_stories_with_the_same_headline_get_their_own_slugs(tmp_path):
    text = fixture_text("digest_english_only.txt")
    for n in range(3):
        write(tmp_path / f"{n}.txt", text.replace("2026-05-01/", f"2026-05-0{n + 1}/"))
    run_import(tmp_path / "0.txt")
    run_import(tmp_path)
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "brazil-sets-out-cop-agenda-on-forests",
        "brazil-sets-out-cop-agenda-on-forests-2",
        "brazil-sets-out-cop-agenda-on-forests-3",
    ]


def test_traditional_chinese_is_stored_simplified_and_the_record_keeps_the_original(tmp_path):
    text = (
        "<!--1741867200000-->\n[氣候談判進入關鍵階段](https://www.voachinese.com/a/talks-1.html)\n"
        "------\n\n<p>各國代表在波恩繼續討論氣候資金問題。<br /><br />會議將於週五結束。</p>\n"
    )
    (tmp_path / "big5.txt").write_bytes(text.encode("big5"))
    _out, _err, ok = run_import(tmp_path / "big5.txt")
    assert ok
    translation = Translation.objects.get(language="zh-hans")
    assert translation.title == "气候谈判进入关键阶段"
    assert translation.body == (
        "<p>各国代表在波恩继续讨论气候资金问题。</p>\n<p>会议将于周五结束。</p>"
    )
    record = ImportRecord.objects.get(article=translation.article)
    assert (record.raw_text, record.encoding) == (text, "big5")
    assert record.parsed["chinese_conversion"] == "OpenCC tw2s"
    shown = [message_text(warning) for warning in record.warnings]
    assert "Traditional Chinese converted to Simplified (OpenCC tw2s)" in shown


def test_a_file_downloads_a_bounded_number_of_images(
    tmp_path, image_server, monkeypatch, media_root
):
    monkeypatch.setattr("articles.importing.write.MAX_DOWNLOADS_PER_FILE", 1)

    out, _err, ok = run_import(
        write(tmp_path / "feed.txt", feed_with_images(image_server, "/photo.jpg", "/second.jpg")),
        no_fetch_images=False,
    )

    assert ok
    assert Image.objects.exclude(file="").count() == 1
    assert Image.objects.filter(file="").count() == 1  # kept with its address
    assert "1 images at most" in out


def test_a_new_story_never_takes_a_former_address_of_another(tmp_path):
    moved = make_article(slug="brazil-sets-out-cop-agenda-on-forests")
    moved.slug = "brazil-forest-agenda"
    moved.save()  # its old address now leads to it
    run_import(write(tmp_path / "story.txt", fixture_text("digest_english_only.txt")))
    new = Article.objects.exclude(pk=moved.pk).get()
    assert new.slug == "brazil-sets-out-cop-agenda-on-forests-2"


def test_the_command_gives_the_garbage_collector_back_what_it_froze(tmp_path):
    """The run keeps start-up's objects out of the collector's way; a process that goes on
    after it (tests, call_command) must get them collectable again, even after a failure."""
    write(tmp_path / "bad.txt", "neither a digest nor a feed item")

    _out, _err, ok = run_import(tmp_path)

    assert not ok and gc.get_freeze_count() == 0
