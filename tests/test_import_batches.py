"""The import writes the new stories of a batch together: a bad file still fails alone, a story
another writer created meanwhile is merged, not duplicated, and images download at once within
their bounds."""

import threading
import time

import pytest
from reversion.models import Version

from articles import image_fetch, search
from articles.importing import write as import_write
from articles.models import Article, Image, ImportRecord, SearchDocument, Source, Translation
from tests.helpers import FIXTURES
from tests.test_import_articles import png_bytes, run_import

pytestmark = pytest.mark.django_db


def feed_item(n: int, *, title: str = "气候谈判进入第二周", images: str = "") -> str:
    return (
        f"<!--1741694400000-->\n[{title} {n}](https://www.voachinese.com/a/batch-{n}.html)\n"
        f"------\n\n{images}<p>各国代表继续讨论气候资金目标。<br /><br />第{n}段。</p>\n"
    )


def story_folder(tmp_path, count: int, **kwargs):
    folder = tmp_path / "stories"
    folder.mkdir()
    for n in range(count):
        text = feed_item(n, **{key: value(n) for key, value in kwargs.items()})
        (folder / f"{n:03d}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def batch_writes(monkeypatch):
    """How many times new stories were written together, and how many of those failed."""
    calls = {"tried": 0, "failed": 0}
    stories_create = import_write._stories_create

    def counted(**kwargs):
        calls["tried"] += 1
        try:
            return stories_create(**kwargs)
        except Exception:
            calls["failed"] += 1
            raise

    monkeypatch.setattr(import_write, "_stories_create", counted)
    return calls


def test_new_stories_of_a_batch_are_written_together_with_everything_a_file_leaves(
    tmp_path, batch_writes
):
    _out, _err, ok = run_import(story_folder(tmp_path, 6))

    assert ok and batch_writes == {"tried": 1, "failed": 0}
    assert Article.objects.count() == Translation.objects.count() == 6
    assert ImportRecord.objects.filter(outcome="created", article__isnull=False).count() == 6
    assert SearchDocument.objects.count() == 6
    for article in Article.objects.all():
        assert Version.objects.get_for_object(article).count() == 1
    assert set(Article.objects.values_list("slug", flat=True)) == {f"batch-{n}" for n in range(6)}


def test_a_bad_file_in_a_batch_leaves_nothing_of_itself_and_the_rest_import(
    tmp_path, monkeypatch, batch_writes
):
    folder = story_folder(tmp_path, 5, title=lambda n: "坏稿件" if n == 2 else "气候谈判")
    document_fields = search.document_fields

    def refuse_the_bad_one(translations):
        translations = list(translations)
        if any("坏稿件" in t.title for t in translations):
            raise RuntimeError("index full")
        return document_fields(translations)

    monkeypatch.setattr(search, "document_fields", refuse_the_bad_one)

    out, err, ok = run_import(folder)

    assert not ok and "4 created" in out and "index full" in err
    assert batch_writes == {"tried": 1, "failed": 1}  # then each file on its own
    bad = "https://voachinese.com/a/batch-2.html"
    assert not Article.objects.filter(original_url=bad).exists()
    assert not Translation.objects.filter(title__contains="坏稿件").exists()
    assert Article.objects.count() == Translation.objects.count() == 4
    assert SearchDocument.objects.count() == 4
    assert Version.objects.filter(object_repr__contains="坏稿件").count() == 0
    failed = ImportRecord.objects.get(outcome="failed")
    assert failed.path.endswith("002.txt") and failed.article is None
    assert ImportRecord.objects.filter(outcome="created").count() == 4


def test_a_story_another_writer_created_meanwhile_is_merged_not_duplicated(
    tmp_path, monkeypatch, batch_writes
):
    folder = story_folder(tmp_path, 4)
    taken = "https://voachinese.com/a/batch-1.html"
    look_up = import_write.RunCache.look_up

    def another_writer_meanwhile(self, parsed):
        look_up(self, parsed)  # the URL was free when the batch began...
        source = Source.objects.create(domain="voachinese.com", name="VOA")
        Article.objects.create(source=source, original_url=taken, slug="from-elsewhere")

    monkeypatch.setattr(import_write.RunCache, "look_up", another_writer_meanwhile)

    out, _err, ok = run_import(folder)

    assert ok and "3 created" in out and "1 updated" in out
    assert batch_writes == {"tried": 1, "failed": 1}
    assert Article.objects.filter(original_url=taken).count() == 1
    merged = Article.objects.get(original_url=taken)
    assert merged.slug == "from-elsewhere" and merged.translations.count() == 1
    assert Article.objects.count() == 4 and Source.objects.count() == 1


class CountingServer:
    """Answers every image after a pause, counting the requests in progress at once, here
    and in `everywhere` (another counter shared by several servers) if given. A request
    stops counting before its answer is sent: once the client has the answer it may start
    the next one."""

    def __init__(self, pause: float = 0.25, everywhere: "CountingServer | None" = None):
        self.pause, self.now, self.peak = pause, 0, 0
        self.lock = threading.Lock()
        self.counters = [self] if everywhere is None else [self, everywhere]

    def __call__(self, handler):
        for counter in self.counters:
            with counter.lock:
                counter.now += 1
                counter.peak = max(counter.peak, counter.now)
        time.sleep(self.pause)
        for counter in self.counters:
            with counter.lock:
                counter.now -= 1
        body = png_bytes()
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def test_images_download_at_once_within_the_limits_in_all_and_per_host(
    tmp_path, fake_internet, monkeypatch, media_root
):
    monkeypatch.setattr(image_fetch, "DOWNLOAD_WORKERS", 3)
    monkeypatch.setattr(image_fetch, "DOWNLOADS_PER_HOST", 2)
    hosts, everywhere = {}, CountingServer()
    for name, address in (("a.example.org", "93.184.216.34"), ("b.example.org", "93.184.216.35")):
        counter = CountingServer(everywhere=everywhere)
        paths = {f"/{n}.jpg": counter for n in range(12)}
        fake_internet.host(name, fake_internet.serve(paths), address=address)
        hosts[name] = counter
    folder = story_folder(
        tmp_path,
        12,
        images=lambda n: f'<img src="http://{"ab"[n % 2]}.example.org/{n}.jpg">',
    )
    started = time.monotonic()
    out, _err, ok = run_import(folder, no_fetch_images=False)
    elapsed = time.monotonic() - started

    assert ok and "12 created" in out
    assert Image.objects.exclude(file="").count() == 12
    assert all(counter.peak == 2 for counter in hosts.values())  # at once, never more a host
    assert everywhere.peak == 3  # and never more than the workers in all
    assert elapsed < 12 * 0.25  # one at a time would take this long


def test_download_failures_speak_the_language_of_the_shell(
    tmp_path, fake_internet, monkeypatch, media_root
):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    fake_internet.host("a.example.org", fake_internet.serve({}))
    images = '<img src="http://a.example.org/1.jpg"><img src="http://a.example.org/2.jpg">'
    folder = story_folder(tmp_path, 1, images=lambda n: images)

    out, _err, ok = run_import(folder, no_fetch_images=False)

    assert ok and out.count("失败：图片服务器没有发送图片") == 2


def test_the_index_holds_what_the_saved_translations_give_though_workers_made_it(tmp_path):
    folder = story_folder(tmp_path, 3)
    for name in ("digest_bilingual.txt", "feed_item.txt", "digest_english_only.txt"):
        (folder / name).write_text((FIXTURES / name).read_text(encoding="utf-8"), encoding="utf-8")
    traditional = feed_item(9, title="氣候談判進入第二週")
    traditional = traditional.replace("各国代表继续讨论", "各國代表繼續討論")
    (folder / "traditional.txt").write_text(traditional, encoding="utf-8")

    _out, err, ok = run_import(folder)

    assert ok, err
    assert SearchDocument.objects.count() == Article.objects.count() == 7
    for document in SearchDocument.objects.all():
        saved = Translation.objects.filter(article=document.article_id).order_by("language")
        expected = search.document_fields(saved)
        assert {"title": document.title, "summary": document.summary, "body": document.body} == (
            expected
        )
