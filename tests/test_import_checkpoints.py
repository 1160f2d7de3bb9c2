"""The import's log checkpoints (articles/importing/checkpoints.py): SQLite's own come back and
the thread ends, however the import ends."""

import threading

import pytest
from django.db import connection

from articles.importing import write as import_write
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
