"""Drafts, stories in review, scheduled and ended stories, and published stories whose
translations are all drafts appear nowhere public."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, Translation
from tests.factories import make_article, make_source
from tests.helpers import sitemap_pages

pytestmark = pytest.mark.django_db

DRAFT_TRANSLATION = Translation.Status.DRAFT
HIDDEN = {
    "draft": lambda now: {"status": Article.Status.DRAFT},
    "review": lambda now: {"status": Article.Status.REVIEW},
    "scheduled": lambda now: {
        "status": Article.Status.PUBLISHED,
        "published_at": now + timedelta(days=1),
    },
    "ended": lambda now: {
        "status": Article.Status.PUBLISHED,
        "published_at": now - timedelta(hours=3),
        "unpublish_at": now - timedelta(seconds=1),
    },
    "no ready translation": lambda now: {
        "status": Article.Status.PUBLISHED,
        "translation_status": DRAFT_TRANSLATION,
    },
}


@pytest.fixture(params=list(HIDDEN))
def hidden(request):
    """A story readers must not see, sharing tag, source and month with a public one."""
    source = make_source(domain="hidden-and-public.example.com")
    public = make_article(source=source, tags=["shared"], en={"title": "Public story"})
    fields = HIDDEN[request.param](timezone.now())
    status = {"status": fields.pop("translation_status", Translation.Status.READY)}
    story = make_article(
        source=source,
        tags=["shared", "secret-tag"],
        en={"title": "Secret headline", "summary": "Secret dek", "body": "<p>Secret Bonn</p>"}
        | status,
        zh={"title": "秘密标题", "summary": "秘密", "body": "<p>秘密正文</p>"} | status,
        original_url="https://secret.example.com/scoop",
        slug="secret-story",
        **fields,
    )
    return story, public


def get(client, name, language="en", **kwargs):
    with translation.override(language):
        return client.get(reverse(name, kwargs=kwargs))


def link(story):
    """What every page listing `story` holds, in either language and in feeds and sitemaps."""
    return f"/stories/{story.slug}/"


def assert_shows_only(response, shown, *markers):
    """The page shows `shown` (so it is no empty page), and nothing of the hidden story."""
    assert response.status_code == 200
    content = response.content.decode()
    assert shown in content
    for marker in ("Secret", "秘密", "secret-story", *markers):
        assert marker not in content


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_not_on_the_home_page(client, hidden, language):
    _, public = hidden
    assert_shows_only(get(client, "home", language), link(public))


def test_no_story_page(client, hidden):
    story, _ = hidden
    assert get(client, "article_detail", slug=story.slug).status_code == 404
    assert get(client, "article_bilingual", "zh-hans", slug=story.slug).status_code == 404


def test_not_on_tag_pages(client, hidden):
    _, public = hidden
    assert_shows_only(get(client, "tag", slug="shared"), link(public))
    assert get(client, "tag", slug="secret-tag").status_code == 404


def test_not_on_source_pages(client, hidden):
    story, public = hidden
    assert_shows_only(get(client, "source", domain=story.source.domain), link(public))


def test_not_in_the_archive(client, hidden):
    _, public = hidden
    month = {"year": public.published_at.year, "month": public.published_at.month}
    with translation.override("en"):
        month_link = reverse("archive_month", kwargs=month)
    assert_shows_only(get(client, "archive"), f'{month_link}">')
    assert "1 story<" in get(client, "archive").content.decode()
    assert_shows_only(get(client, "archive_month", **month), link(public))


def test_not_in_feeds(client, hidden):
    _, public = hidden
    for name in ("feed_rss", "feed_atom"):
        for language in ("en", "zh-hans"):
            assert_shows_only(get(client, name, language), link(public))


def test_not_in_the_sitemap(client, hidden):
    _, public = hidden
    sitemap = b"".join(page.content for page in sitemap_pages(client)).decode()
    assert link(public) in sitemap
    for marker in ("Secret", "秘密", "secret-story", "secret-tag"):
        assert marker not in sitemap


def search(client, query):
    with translation.override("en"):
        return client.get(reverse("search"), {"q": query})


def test_not_in_search_results(client, hidden):
    _, public = hidden
    for query in ("Secret", "秘密", "scoop"):
        assert "0 stories found" in search(client, query).content.decode()
    # Both stories' bodies name Bonn: only the public one is found.
    response = search(client, "Bonn")
    assert_shows_only(response, link(public))
    assert "1 story found" in response.content.decode()


def test_not_among_related_stories(client, hidden):
    story, public = hidden
    neighbour = make_article(source=story.source, tags=["shared"])
    response = get(client, "article_detail", slug=public.slug)
    assert_shows_only(response, link(neighbour))
    assert [related.pk for related in response.context["related"]] == [neighbour.pk]


def test_not_counted_in_topics(client, hidden):
    _, public = hidden
    response = get(client, "home")
    assert_shows_only(response, link(public), "secret-tag")
    topics = {topic["tag_slug"]: topic["count"] for topic in response.context["topics"]}
    assert topics == {"shared": 1}


def test_scheduled_story_appears_once_due(client):
    story = make_article(published_at=timezone.now() + timedelta(days=1), slug="later")
    assert get(client, "article_detail", slug="later").status_code == 404
    Article.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert get(client, "article_detail", slug="later").status_code == 200
