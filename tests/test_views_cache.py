"""The anonymous readers' page cache, and its invalidation when editors change anything."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, PageGeneration, Translation
from tests.conftest import free_port
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "samples" / "001_bonn_finance_talks.txt")
SECOND_SAMPLE = str(ROOT / "samples" / "002_cbam_india.txt")


def queries_for(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_second_anonymous_visit_is_served_from_the_cache(client):
    make_article(en={"title": "Cached story"})
    first, _ = queries_for(client, "/en/")
    with CaptureQueriesContext(connection) as queries:
        content = client.get("/en/").content.decode()
    assert first > 1
    # The one query a cached page costs: the generation, shared by every process.
    assert len(queries) == 1
    assert PageGeneration._meta.db_table in queries[0]["sql"]
    assert "Cached story" in content


def test_languages_are_cached_apart(client):
    make_article(en={"title": "English headline"}, zh={"title": "中文标题"})
    assert "English headline" in client.get("/en/").content.decode()
    assert "中文标题" in client.get("/zh-hans/").content.decode()


def test_publishing_a_story_empties_the_cache(client):
    draft = make_article(status=Article.Status.DRAFT, en={"title": "Fresh news"})
    assert "Fresh news" not in client.get("/en/").content.decode()
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert "Fresh news" in client.get("/en/").content.decode()


def test_editing_a_translation_empties_the_cache(client):
    story = make_article(en={"title": "First headline"})
    path = f"/en/stories/{story.slug}/"
    assert "First headline" in client.get(path).content.decode()
    translation = Translation.objects.get(article=story, language="en")
    translation.title = "Corrected headline"
    translation.save()
    content = client.get(path).content.decode()
    assert "Corrected headline" in content and "First headline" not in content


def test_unpublishing_and_deleting_empty_the_cache(client):
    story = make_article(en={"title": "Soon gone"})
    assert "Soon gone" in client.get("/en/").content.decode()
    story.status = Article.Status.DRAFT
    story.save()
    assert "Soon gone" not in client.get("/en/").content.decode()
    other = make_article(en={"title": "Deleted later"})
    assert "Deleted later" in client.get("/en/").content.decode()
    other.delete()
    assert "Deleted later" not in client.get("/en/").content.decode()


def test_changing_tags_or_images_empties_the_cache(client):
    story = make_article()
    path = f"/en/stories/{story.slug}/"
    client.get(path)
    story.tags.add("new-topic")
    assert "new-topic" in client.get(path).content.decode()
    make_image(story, caption="A new photo")
    assert "A new photo" in client.get(path).content.decode()


def test_renaming_a_topic_empties_the_cache(client):
    story = make_article(tags=["climate-finance"])
    path = f"/en/stories/{story.slug}/"
    assert "climate-finance" in client.get(path).content.decode()
    label = story.tags.get().label  # its names for readers, saved on their own
    label.name = {"en": "Climate money", "zh-hans": "气候资金"}
    label.save()
    assert "Climate money" in client.get(path).content.decode()
    assert "气候资金" in client.get(f"/zh-hans/stories/{story.slug}/").content.decode()


def test_a_scheduled_story_appears_when_due_even_from_the_cache(client):
    make_article(en={"title": "Embargoed"}, published_at=timezone.now() + timedelta(hours=1))
    assert "Embargoed" not in client.get("/en/").content.decode()
    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Embargoed" in client.get("/en/").content.decode()


def test_logged_in_users_bypass_the_cache(client):
    make_article()
    client.force_login(get_user_model().objects.create_user("editor", is_staff=True))
    client.get("/en/")
    queries, _ = queries_for(client, "/en/")
    assert queries > 0


def test_cache_can_be_turned_off(client, settings):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    make_article()
    client.get("/en/")
    queries, _ = queries_for(client, "/en/")
    assert queries > 0


def test_errors_are_not_cached(client):
    assert client.get("/en/stories/later/").status_code == 404
    make_article(slug="later")
    assert client.get("/en/stories/later/").status_code == 200


def test_an_import_with_publish_empties_the_cache(client, django_capture_on_commit_callbacks):
    make_article(en={"title": "Already there"})
    assert "Bonn" not in client.get("/en/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", SAMPLE, "--publish", "--no-fetch-images", verbosity=0)
    assert Article.objects.published().count() == 2
    imported = Article.objects.exclude(translations__title="Already there").get()
    title = imported.translations.get(language="en").title
    assert title in client.get("/en/").content.decode()


def test_query_parameters_the_page_does_not_use_share_its_cache_entry(client):
    make_article(en={"title": "One page"})
    client.get("/en/")
    entries = len(cache._cache)
    for n in range(50):
        queries, content = queries_for(client, f"/en/?x={n}&utm_source=mail")
        assert queries == 1 and "One page" in content
    assert len(cache._cache) == entries


def test_query_parameters_the_page_uses_make_a_different_page(client):
    make_article(en={"title": "Zurich hosts finance talks"})
    make_article(en={"title": "Lima welcomes an envoy"})
    finance = client.get("/en/search/?q=finance").content.decode()
    envoy = client.get("/en/search/?q=envoy").content.decode()
    assert "Zurich" in finance and "Lima" not in finance
    assert "Lima" in envoy and "Zurich" not in envoy


def test_a_dry_run_import_leaves_the_generation_alone(client):
    before = PageGeneration.objects.number()
    call_command("import_articles", SAMPLE, "--dry-run", "--no-fetch-images", verbosity=0)
    assert PageGeneration.objects.number() == before


# -- Several processes, the default local-memory cache in each -----------------------------------


def process_environment(database_url: str, tmp_path: Path) -> dict:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "NEWSDESK_DEBUG": "0",
        "NEWSDESK_SECRET_KEY": "cache-tests-" + "x" * 50,
        "NEWSDESK_MEDIA_ROOT": str(tmp_path / "media"),
        "NEWSDESK_ALLOWED_HOSTS": "127.0.0.1",
    }
    environment.pop("REDIS_URL", None)
    return environment


def manage(environment: dict, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return ""


def start_server(environment: dict) -> tuple[subprocess.Popen, str]:
    """One gunicorn process with one worker: a local-memory cache of its own."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "newsdesk.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", "1"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not fetch(f"{base}/robots.txt"):
        assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not come up"
        time.sleep(0.2)
    return server, base


def test_an_import_or_a_save_in_another_process_shows_on_the_next_request(
    new_database_url, tmp_path
):
    environment = process_environment(new_database_url(), tmp_path)
    manage(environment, "migrate", "--noinput")
    manage(environment, "import_articles", SAMPLE, "--publish", "--no-fetch-images")
    servers = [start_server(environment) for _ in range(2)]
    homes = [f"{base}/en/" for _server, base in servers]
    try:
        for home in homes:
            assert "Bonn talks" in fetch(home)
        # The servers do cache: a write that goes around the generation stays unseen.
        unseen = "Translation.objects.filter(language='en').update(title='Never shown')"
        manage(environment, "shell", "-c", f"from articles.models import *; {unseen}")
        for home in homes:
            assert "Never shown" not in fetch(home)

        manage(environment, "import_articles", SECOND_SAMPLE, "--publish", "--no-fetch-images")
        for home in homes:
            assert "EU carbon border tax" in fetch(home)

        save = (
            "from articles.models import Translation; "
            "t = Translation.objects.get(language='en', title__startswith='EU'); "
            "t.title = 'Corrected elsewhere'; t.save()"
        )
        manage(environment, "shell", "-c", save)
        for home in homes:
            assert "Corrected elsewhere" in fetch(home)
    finally:
        for server, _base in servers:
            server.terminate()
            server.wait(timeout=30)


# -- HTTP caching ------------------------------------------------------------------------------


@pytest.mark.parametrize("page_cache_seconds", [600, 0])
def test_public_pages_may_be_held_briefly_by_a_shared_cache(client, settings, page_cache_seconds):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = page_cache_seconds
    article = make_article()
    for path in ("/en/", f"/en/stories/{article.slug}/", "/zh-hans/archive/"):
        control = client.get(path)["Cache-Control"]
        assert {"public", "max-age=0", "s-maxage=10", "stale-while-revalidate=60"} <= {
            part.strip() for part in control.split(",")
        }, (path, control)


def test_a_browser_that_has_the_page_gets_304_until_it_changes(client):
    article = make_article(en={"title": "Envoys meet"})
    first = client.get("/en/")
    etag = first["ETag"]

    again = client.get("/en/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""

    Translation.objects.filter(article=article, language="en").update(title="Envoys agree")
    article.save()  # a save tells the page cache; the page, and its ETag, change
    changed = client.get("/en/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and b"Envoys agree" in changed.content


def test_no_shared_cache_may_keep_what_a_logged_in_reader_sees(client, admin_user):
    article = make_article()
    client.force_login(admin_user)
    for path in ("/en/", f"/en/stories/{article.slug}/", f"/en/preview/{article.pk}/"):
        control = client.get(path)["Cache-Control"]
        assert "public" not in control and ("private" in control or "no-store" in control)
