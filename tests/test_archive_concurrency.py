"""Two writers at once on PostgreSQL (which, unlike SQLite, lets them run side by side) lose no
archive count: each pair of writes, released together, changes stories of one month, and one
of each pair makes public only together with the other (a story published by one editor while
another marks its translation ready)."""

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PAIRS = 30


def race() -> None:
    """In a migrated, empty database: PAIRS pairs of writes, each pair at the same moment."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from articles.archive import archive_differences, archive_months
    from articles.models import Article, Source, Translation
    from articles.publishing import article_publish, translation_move

    editor = get_user_model().objects.create_superuser("editor", "e@example.com", "pw")
    source = Source.objects.create(name="Outlet", domain="outlet.example.com")
    march = datetime(2025, 3, 10, tzinfo=UTC)

    def story(n, ready):
        article = Article.objects.create(
            source=source,
            original_url=f"https://outlet.example.com/{n}",
            slug=f"story-{n}",
            published_at=march + timedelta(minutes=n),
        )
        status = Translation.Status.READY if ready else Translation.Status.DRAFT
        Translation.objects.create(article=article, language="en", title=f"T{n}", status=status)
        return article.pk

    # Per pair: a story both writers touch (draft, its translation a draft) and one each.
    pairs = [
        (story(3 * n, False), story(3 * n + 1, True), story(3 * n + 2, True)) for n in range(PAIRS)
    ]
    barrier = threading.Barrier(2)
    failures = []

    def writer(first: bool):
        try:
            for shared, mine, other in pairs:
                barrier.wait()
                if first:
                    translation = Translation.objects.get(article_id=shared)
                    translation_move(
                        translation=translation, user=editor, status=Translation.Status.READY
                    )
                    article_publish(article=Article.objects.get(pk=mine), user=editor)
                else:
                    article_publish(article=Article.objects.get(pk=shared), user=editor)
                    article_publish(article=Article.objects.get(pk=other), user=editor)
        except Exception as error:  # noqa: BLE001  reported by the main thread
            failures.append(repr(error))
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert Article.objects.published().count() == 3 * PAIRS
    month = march.replace(day=1, hour=0, minute=0)
    assert archive_months() == [{"month": month, "count": 3 * PAIRS}]
    assert archive_differences() == {}
    print("ok")


def test_two_writers_at_once_lose_no_count_on_postgresql(postgres_url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "NEWSDESK_DEBUG": "0",
        "NEWSDESK_ALLOW_INSECURE_KEY": "1",
        "DATABASE_URL": postgres_url,
    }

    def run(*command):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run(sys.executable, "manage.py", "migrate", "--noinput", "-v", "0")
    setup = "import django; django.setup(); from tests import test_archive_concurrency as t; "
    assert run(sys.executable, "-c", setup + "t.race()").strip() == "ok"
