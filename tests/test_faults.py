"""Faults: an import killed halfway, and the site serving readers while an import writes.

These run the real programs (manage.py import_articles, gunicorn) as separate processes against
one database, as they run in production.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from articles.importing.pipeline import BATCH_SIZE
from benchmarks.synthetic import generate
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent

# Each test here keeps both cores busy on its own (gunicorn workers, the import's worker pool):
# one worker runs them in turn, rather than two side by side stretching each other's timeouts.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]


def environment(database_url: str, tmp_path: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "NEWSDESK_DEBUG": "0",
        "NEWSDESK_SECRET_KEY": "fault-tests-" + "x" * 50,
        "NEWSDESK_MEDIA_ROOT": str(tmp_path / "media"),
        "NEWSDESK_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        **kwargs,
    )


@pytest.fixture
def sqlite_database(tmp_path):
    path = tmp_path / "newsdesk.sqlite3"
    env = environment(f"sqlite:///{path}", tmp_path)
    assert manage(env, "migrate", "--noinput").returncode == 0
    return path, env


@pytest.fixture
def postgres_database(postgres_url, tmp_path):
    """A new, migrated database on the PostgreSQL of DATABASE_URL, else on a throwaway cluster."""
    env = environment(postgres_url, tmp_path)
    assert manage(env, "migrate", "--noinput").returncode == 0
    return env


def stories(folder: Path, count: int, first: int = 0) -> Path:
    folder.mkdir(parents=True)
    generate(folder, count, first)
    return folder


def test_import_killed_halfway_leaves_a_consistent_database_and_a_rerun_completes(
    sqlite_database, tmp_path
):
    path, env = sqlite_database
    # The new stories of a batch commit together: killed after the first batch, before the last.
    total = BATCH_SIZE * 2 + 100
    folder = stories(tmp_path / "stories", total)
    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(folder), "--no-fetch-images"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while count(path, "articles_article") < BATCH_SIZE:
        assert importer.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    assert still_running(folder) == [], "the import's worker processes outlived it"

    imported = count(path, "articles_article")
    assert BATCH_SIZE <= imported < total
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        # Every article came with its translations, its import record and its revision.
        assert orphans(db, "articles_translation t", "t.article_id") == 0
        assert db.execute(
            "SELECT COUNT(*) FROM articles_article a WHERE NOT EXISTS (SELECT 1 FROM "
            "articles_translation t WHERE t.article_id = a.id) OR NOT EXISTS (SELECT 1 FROM "
            "articles_importrecord r WHERE r.article_id = a.id) OR NOT EXISTS (SELECT 1 FROM "
            "reversion_version v WHERE v.object_id = CAST(a.id AS TEXT))"
        ).fetchone() == (0,)

    rerun = manage(env, "import_articles", str(folder), "--no-fetch-images", "--json")
    assert rerun.returncode == 0, rerun.stderr
    assert count(path, "articles_article") == total
    assert f'"unchanged": {imported}' in rerun.stdout
    assert f'"created": {total - imported}' in rerun.stdout


def still_running(folder: Path) -> list[str]:
    """Processes whose command line names `folder`, once they had up to 30 s to end: a fixed
    second to end in assumed an idle machine."""
    deadline = time.monotonic() + 30
    while True:
        found = subprocess.run(["pgrep", "-f", str(folder)], capture_output=True, text=True)
        if not found.stdout.split() or time.monotonic() > deadline:
            return found.stdout.split()
        time.sleep(0.1)


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path, timeout=30) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


def orphans(db, table: str, column: str) -> int:
    return db.execute(
        f"SELECT COUNT(*) FROM {table} WHERE {column} NOT IN (SELECT id FROM articles_article)"  # noqa: S608
    ).fetchone()[0]


def serve_while_importing(env: dict, tmp_path: Path, files: int) -> tuple[list, str, str]:
    """Readers' requests while `files` stories import; returns (failures, server log, import)."""
    first = stories(tmp_path / "first", 30, first=100_000)
    assert (
        manage(env, "import_articles", str(first), "--publish", "--no-fetch-images").returncode == 0
    )
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsdesk.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--error-logfile",
            str(log),
            "--capture-output",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        importer = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "import_articles",
                str(stories(tmp_path / "more", files)),
                "--publish",
                "--no-fetch-images",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        urls = [
            f"{base}/en/",
            f"{base}/zh-hans/",
            f"{base}/en/search/?q=climate",
            f"{base}/en/feed/rss/",
            f"{base}/admin/login/",
        ]
        failures, served = [], 0
        with ThreadPoolExecutor(4) as pool:
            while importer.poll() is None:
                for status in pool.map(fetch, urls * 4):
                    served += 1
                    if status != 200:
                        failures.append(status)
        _out, import_errors = importer.communicate()
        assert importer.returncode == 0, import_errors
        assert served > 40, "too few requests to prove anything"
        print(f"{served} requests served, {len(failures)} failed, while {files} files imported")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return failures, log.read_text(), import_errors


# Hundreds of readers' requests meet the import's write transactions within 400 files; a longer
# import makes the same test longer (the readers keep both cores busy for as long as it runs).
SERVED_DURING = 400


def fetch(url: str) -> int | str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return repr(error)


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while fetch(f"{base}/admin/login/") != 200:
        assert time.monotonic() < deadline, "gunicorn did not come up"
        time.sleep(0.2)


def test_site_keeps_serving_while_an_import_writes_to_sqlite(sqlite_database, tmp_path):
    _path, env = sqlite_database
    failures, server_log, import_errors = serve_while_importing(env, tmp_path, files=SERVED_DURING)
    assert failures == []
    assert "database is locked" not in server_log + import_errors
    assert "Traceback" not in server_log


def test_site_keeps_serving_while_an_import_writes_to_postgresql(postgres_database, tmp_path):
    failures, server_log, import_errors = serve_while_importing(
        postgres_database, tmp_path, files=SERVED_DURING
    )
    assert failures == []
    assert "Traceback" not in server_log + import_errors
