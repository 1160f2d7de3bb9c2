"""The anonymous readers' page cache, and its invalidation when editors change anything."""

from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Translation
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db

SAMPLE = str(Path(__file__).resolve().parent.parent / "samples" / "001_bonn_finance_talks.txt")


def queries_for(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_second_anonymous_visit_is_served_from_the_cache(client):
    make_article(en={"title": "Cached story"})
    first, _ = queries_for(client, "/en/")
    second, content = queries_for(client, "/en/")
    assert first > 0
    assert second == 0
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
