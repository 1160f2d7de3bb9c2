"""The import's log checkpoints (articles/importing/checkpoints.py): SQLite's own come back and
the thread ends, however the import ends."""

import threading

import pytest
from django.db import connection

from articles.importing import write as import_write
from articles.models import Article
from tests.test_import_articles import run_import
from tests.test_import_batches import story_folder

pytestmark = pytest.mark.django_db(transaction=True)
sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's log")


def autocheckpoint() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        return cursor.fetchone()[0]


def checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "import-checkpoint"]


@pytest.fixture
def checkpoints_done(monkeypatch) -> list[tuple[str, int]]:
    """Each checkpoint of an import: the thread that ran it, and the log's pages it found;
    batches of 4 files, so that a few files make a few commits."""
    from articles.importing import checkpoints, pipeline

    monkeypatch.setattr(pipeline, "BATCH_SIZE", 4)
    monkeypatch.setattr(pipeline, "TAIL_FILES", 4)
    done = []
    checkpoint = checkpoints.BackgroundCheckpoints._checkpoint

    def recorded(self):
        checkpoint(self)
        done.append((threading.current_thread().name, self.log_pages))

    monkeypatch.setattr(checkpoints.BackgroundCheckpoints, "_checkpoint", recorded)
    return done


@sqlite_only
def test_the_log_is_copied_back_beside_the_import(tmp_path, checkpoints_done):
    """The import's commits are checkpointed by a thread of its own, not by the writer."""
    _out, _err, ok = run_import(story_folder(tmp_path, 12))

    assert ok and Article.objects.count() == 12
    assert checkpoints_done and {name for name, _ in checkpoints_done} == {"import-checkpoint"}
    assert any(pages > 0 for _name, pages in checkpoints_done)  # it found commits to copy
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchall() == [("wal",)]


@sqlite_only
def test_a_log_grown_too_long_is_copied_back_before_the_import_writes_on(
    tmp_path, monkeypatch, checkpoints_done
):
    from articles.importing import checkpoints

    monkeypatch.setattr(checkpoints, "WAIT_FROM_PAGES", 0)
    _out, _err, ok = run_import(story_folder(tmp_path, 20))
    assert ok and Article.objects.count() == 20
    assert "MainThread" in {name for name, _ in checkpoints_done}  # the writer waited for one


@sqlite_only
def test_should_the_checkpoint_thread_end_the_writer_copies_the_log_back_itself(
    tmp_path, monkeypatch, checkpoints_done
):
    """The log never grows on unchecked for the rest of a run, whatever stops the thread."""
    from articles.importing import checkpoints

    def ended(self):
        raise RuntimeError("the thread ends")

    monkeypatch.setattr(checkpoints.BackgroundCheckpoints, "_run", ended)
    _out, _err, ok = run_import(story_folder(tmp_path, 12))
    assert ok and checkpoints_done  # every commit's checkpoint, by the writer
    assert {name for name, _ in checkpoints_done} == {"MainThread"}


@sqlite_only
def test_an_import_leaves_sqlite_checkpointing_as_before(tmp_path):
    before = autocheckpoint()
    _out, _err, ok = run_import(story_folder(tmp_path, 3))
    assert ok and autocheckpoint() == before and not checkpoint_threads()


@sqlite_only
def test_an_import_that_breaks_off_leaves_sqlite_checkpointing_as_before(tmp_path, monkeypatch):
    def broken(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(import_write, "_stories_create", broken)
    before = autocheckpoint()
    with pytest.raises(KeyboardInterrupt):
        run_import(story_folder(tmp_path, 3))
    assert autocheckpoint() == before and not checkpoint_threads()


@pytest.fixture
def threads_started(monkeypatch) -> list[str]:
    started = []
    real_start = threading.Thread.start

    def start(thread):
        started.append(thread.name)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    return started


@sqlite_only
def test_a_dry_run_starts_no_checkpoint_thread(tmp_path, threads_started):
    """Nothing is committed until a dry run ends: there is no log to copy back meanwhile."""
    _out, _err, ok = run_import(story_folder(tmp_path, 3), dry_run=True)
    assert ok and "import-checkpoint" not in threads_started


@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="PostgreSQL")
def test_postgresql_imports_without_a_checkpoint_thread(tmp_path, threads_started):
    _out, _err, ok = run_import(story_folder(tmp_path, 3))
    assert ok and "import-checkpoint" not in threads_started
