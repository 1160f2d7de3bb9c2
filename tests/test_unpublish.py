"""Scheduled unpublish: a story's end time takes it from readers by itself, everywhere and
out of the page cache too, without anyone saving anything; only editors set it, after the
publication time; the published lists still walk their index."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from taggit.models import Tag

from articles.models import Article, State
from articles.publishing import article_move, article_publish
from tests.admin_forms import form_values
from tests.factories import make_article
from tests.helpers import sitemap_pages

pytestmark = pytest.mark.django_db

TITLE = "Summit statement on methane"
LINK = "/stories/methane/"


@pytest.fixture
def ending():
    """Public now, ending in an hour."""
    now = timezone.now()
    return make_article(
        slug="methane",
        tags=["methane"],
        en={"title": TITLE, "body": "<p>Methane pledge signed.</p>"},
        published_at=now - timedelta(hours=2),
        unpublish_at=now + timedelta(hours=1),
    )


def reader_pages(story):
    month = {"year": story.published_at.year, "month": story.published_at.month}
    pages = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            pages += [
                reverse("home"),
                reverse("tag", kwargs={"slug": "methane"}),
                reverse("source", kwargs={"domain": story.source.domain}),
                reverse("archive_month", kwargs=month),
                reverse("feed_rss"),
                reverse("feed_atom"),
                reverse("search") + "?q=methane",
            ]
    return pages


def test_an_ended_story_leaves_every_reader_path_when_its_time_comes_even_cached(client, ending):
    """Each page is read (and cached) while the story is public, then read again after its
    end time from the same cache: gone from all of them, with no save in between."""
    pages = reader_pages(ending)
    for path in pages:
        assert LINK in client.get(path).content.decode(), path
    assert client.get("/en/stories/methane/").status_code == 200
    assert "/stories/methane/" in b"".join(p.content for p in sitemap_pages(client)).decode()

    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        for path in pages:
            response = client.get(path)
            assert LINK not in response.content.decode(), path
        assert client.get("/en/stories/methane/").status_code == 404
        assert client.get("/zh-hans/stories/methane/").status_code == 404
        sitemap = b"".join(p.content for p in sitemap_pages(client)).decode()
        assert "/stories/methane/" not in sitemap


def test_the_cache_turns_over_at_the_earlier_of_a_publication_and_an_end():
    now = timezone.now()
    make_article(published_at=now + timedelta(hours=3))
    ends = make_article(
        published_at=now - timedelta(hours=1), unpublish_at=now + timedelta(hours=2)
    )
    make_article(status=Article.Status.DRAFT, published_at=None, unpublish_at=now)
    assert Article.objects.next_change_by_the_clock(now) == ends.unpublish_at
    assert Article.objects.next_change_by_the_clock(now + timedelta(hours=2, seconds=1)) == (
        now + timedelta(hours=3)
    )


def test_the_state_is_ended_in_both_languages_in_the_admin(client, editor, ending):
    client.force_login(editor)
    Article.objects.filter(pk=ending.pk).update(unpublish_at=timezone.now() - timedelta(minutes=1))
    url = reverse("admin:articles_article_changelist")
    listed = client.get(url, {"status": State.ENDED}).context["cl"].result_list
    assert list(listed) == [ending]
    change = reverse("admin:articles_article_change", args=[ending.pk])
    assert "readers no longer see this story" in client.get(change).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/admin/"})
    content = client.get(change).content.decode()
    assert "已下线" in content and "读者不再能看到这篇报道" in content


def post_times(client, article, published, unpublish):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_values(client.get(url).content.decode())
    local = {
        name: timezone.localtime(value) for name, value in (("p", published), ("u", unpublish))
    }
    data |= {
        "published_at_0": local["p"].strftime("%Y-%m-%d"),
        "published_at_1": local["p"].strftime("%H:%M:%S"),
        "unpublish_at_0": local["u"].strftime("%Y-%m-%d"),
        "unpublish_at_1": local["u"].strftime("%H:%M:%S"),
    }
    return client.post(url, data)


@pytest.mark.parametrize(
    "language, message",
    [
        ("en", "The unpublish time must be after the publication time."),
        ("zh-hans", "下线时间必须晚于发布时间。"),
    ],
)
def test_an_unpublish_time_before_publication_is_refused_in_the_readers_language(
    client, editor, ending, language, message
):
    client.force_login(editor)
    client.post(reverse("set_language"), {"language": language, "next": "/admin/"})
    published = ending.published_at.replace(microsecond=0)
    response = post_times(client, ending, published, published - timedelta(hours=1))
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["unpublish_at"]
    ending.refresh_from_db()
    assert ending.unpublish_at > ending.published_at


def test_an_editor_sets_the_end_in_the_form(client, editor, ending):
    client.force_login(editor)
    published = ending.published_at.replace(microsecond=0)
    response = post_times(client, ending, published, published + timedelta(days=3))
    assert response.status_code == 302
    ending.refresh_from_db()
    assert ending.unpublish_at == published + timedelta(days=3)


def test_the_database_refuses_an_end_before_the_publication(ending):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=ending.pk).update(unpublish_at=ending.published_at)


def test_only_editors_set_an_end(client, contributor, editor):
    draft = make_article(status=Article.Status.DRAFT)
    draft.unpublish_at = timezone.now() + timedelta(days=1)
    with pytest.raises(PermissionDenied):
        article_move(article=draft, user=contributor, status=Article.Status.REVIEW)
    client.force_login(contributor)
    form = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert 'name="unpublish_at_0"' not in form
    article_move(article=draft, user=editor, status=Article.Status.REVIEW)
    assert Article.objects.get(pk=draft.pk).unpublish_at == draft.unpublish_at


def test_publishing_an_ended_story_makes_it_public_again(editor, ending):
    Article.objects.filter(pk=ending.pk).update(unpublish_at=timezone.now() - timedelta(minutes=1))
    ended = Article.objects.get(pk=ending.pk)
    assert not Article.objects.published().exists()
    article_publish(article=ended, user=editor)
    assert list(Article.objects.published()) == [ending]
    assert Article.objects.get(pk=ending.pk).unpublish_at is None


# -- Query plans ----------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
@pytest.mark.parametrize("page", ["home", "topic", "source"])
def test_published_lists_still_walk_the_published_index(ending, page):
    """The end time and the ready translation are checked per row along the walk of
    (status, published_at), not by a scan of every story and a sort."""
    lists = {
        "home": lambda: Article.objects.published(),
        "topic": lambda: Article.objects.published().tagged(Tag.objects.get(slug="methane")),
        "source": lambda: Article.objects.published().filter(source=ending.source),
    }
    plan = lists[page]()[:20].explain()
    assert "USING INDEX article_published_idx" in plan
    assert "TEMP B-TREE" not in plan and "SCAN articles_article" not in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_the_next_end_is_read_along_its_partial_index(ending):
    plan = Article.objects.filter(unpublish_at__gt=timezone.now()).order_by("unpublish_at")
    assert "article_unpublish_idx" in plan.explain()
