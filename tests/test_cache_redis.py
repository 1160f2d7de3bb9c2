"""The page cache on a real Redis (started by tests/conftest.py), shared by two app servers.

Each app server is a thread of its own, so it has its own Redis client (Django keeps one cache
object per thread) and its own database connection, as two gunicorn processes would.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Translation
from articles.publishing import article_publish
from tests.factories import make_article

# The servers' threads must see what the test commits.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "newsdesk-test"


class AppServer:
    """One app server: requests and writes run in its own thread."""

    def __init__(self):
        self._thread = ThreadPoolExecutor(max_workers=1)

    def run(self, function, *args, **kwargs):
        return self._thread.submit(function, *args, **kwargs).result(timeout=60)

    def get(self, path: str) -> tuple[int, str]:
        """The page's text and how many database queries serving it took."""

        def get():
            with CaptureQueriesContext(connection) as queries:
                response = Client().get(path)
            assert response.status_code == 200
            return len(queries), response.content.decode()

        return self.run(get)

    def stop(self):
        self.run(connections.close_all)
        self._thread.shutdown()


@pytest.fixture
def redis_cache(settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": PREFIX,
        }
    }
    caches["default"].clear()
    yield redis.Redis.from_url(redis_url)
    caches["default"].clear()


@pytest.fixture
def servers(redis_cache):
    pair = AppServer(), AppServer()
    yield pair
    for server in pair:
        server.stop()


def test_the_servers_have_separate_redis_clients(servers):
    first, second = (server.run(lambda: caches["default"]) for server in servers)
    assert isinstance(first, RedisCache) and isinstance(second, RedisCache)
    assert first is not second


def test_a_page_one_server_cached_is_served_by_the_other(servers, redis_cache):
    first, second = servers
    make_article(en={"title": "Shared story"})
    queries, content = first.get("/en/")
    assert queries > 0 and "Shared story" in content
    assert redis_cache.keys(f"{PREFIX}:*newsdesk:page:*"), "the page is not in Redis"

    queries, content = second.get("/en/")
    assert queries == 1  # the page generation
    assert "Shared story" in content


def test_query_parameters_the_page_does_not_use_add_no_keys(servers, redis_cache):
    first, second = servers
    make_article()
    first.get("/en/")
    pages = set(redis_cache.keys(f"{PREFIX}:*newsdesk:page:*"))
    for n in range(30):
        assert second.get(f"/en/?x={n}")[0] == 1  # cached: only the page generation is read
    assert set(redis_cache.keys(f"{PREFIX}:*newsdesk:page:*")) == pages


def test_publishing_on_one_server_empties_the_cache_of_the_other(servers, editor):
    first, second = servers
    draft = make_article(status=Article.Status.DRAFT, en={"title": "Fresh news"})
    assert "Fresh news" not in second.get("/en/")[1]
    assert second.get("/en/")[0] == 1  # cached: only the page generation is read

    first.run(article_publish, article=Article.objects.get(pk=draft.pk), user=editor)

    queries, content = second.get("/en/")
    assert queries > 0
    assert "Fresh news" in content


def test_editing_a_story_on_one_server_empties_the_cache_of_the_other(servers):
    first, second = servers
    story = make_article(en={"title": "First headline"})
    path = f"/en/stories/{story.slug}/"
    assert "First headline" in second.get(path)[1]
    assert second.get(path)[0] == 1  # cached: only the page generation is read

    def edit_headline():
        translation = Translation.objects.get(article=story, language="en")
        translation.title = "Corrected headline"
        translation.save()

    first.run(edit_headline)

    for server in servers:
        content = server.get(path)[1]
        assert "Corrected headline" in content and "First headline" not in content


def test_redis_url_selects_the_redis_cache(redis_url, redis_cache):
    """The settings read REDIS_URL: a new process writes to the Redis the URL names."""
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "newsdesk.settings"}
    script = (
        "import django; django.setup()\n"
        "from django.core.cache import caches\n"
        "caches['default'].set('probe', 'from another process', 60)\n"
        "print(type(caches['default']).__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "RedisCache"
    assert redis_cache.exists("newsdesk:1:probe")
