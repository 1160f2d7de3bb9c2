"""What "published" means: one rule on the QuerySet, backed by a database constraint, used by
the site, the admin's columns and filters, and the desk."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, State
from tests.factories import make_article
from tests.test_import_articles import run_import, write

pytestmark = pytest.mark.django_db

DIGEST = """---
title: Envoys agree a methane roadmap
{date}description: A roadmap for methane cuts
tag:
- Tag methane
---

[Original](https://news.example.org/2026/methane-roadmap)

# Envoys agree a methane roadmap

Negotiators agreed a roadmap for methane cuts.
"""


def test_each_story_is_in_exactly_the_state_the_filters_give_it():
    now = timezone.now()
    stories = {
        State.DRAFT: make_article(status=Article.Status.DRAFT),
        State.REVIEW: make_article(status=Article.Status.REVIEW),
        State.SCHEDULED: make_article(published_at=now + timedelta(days=1)),
        State.PUBLISHED: make_article(
            published_at=now - timedelta(days=1), unpublish_at=now + timedelta(days=1)
        ),
        State.ENDED: make_article(
            published_at=now - timedelta(days=2), unpublish_at=now - timedelta(days=1)
        ),
    }
    annotated = dict(Article.objects.with_state().values_list("pk", "state"))
    for state, article in stories.items():
        assert list(Article.objects.in_state(state).values_list("pk", flat=True)) == [article.pk]
        assert annotated[article.pk] == state
    assert list(Article.objects.published()) == [stories[State.PUBLISHED]]


def test_the_database_refuses_a_published_story_without_a_time():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(published_at=None)


def test_reimport_of_a_published_story_whose_file_lost_its_date_keeps_it_live(
    tmp_path, client, admin_user
):
    """The file that once said when the story ran no longer does: readers keep the story,
    and the desk says what readers see."""
    story = write(tmp_path / "story.md", DIGEST.format(date="date: 2026-03-04T11:22:33Z\n"))
    run_import(story, publish=True)
    article = Article.objects.get()
    write(story, DIGEST.format(date="").replace("A roadmap", "The roadmap"))

    out, _err, ok = run_import(story)

    assert ok and "1 updated" in out
    article.refresh_from_db()
    assert article.published_at.isoformat() == "2026-03-04T11:22:33+00:00"
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert article.translations.get().summary == "The roadmap for methane cuts"
    assert "keeps its own" in " ".join(article.import_records.latest("created_at").warnings)
    response = client.get(reverse("article_detail", kwargs={"slug": article.slug}))
    assert response.status_code == 200
    client.force_login(admin_user)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Readers see this story." in page.content.decode()


def test_the_latest_public_change_ignores_what_readers_cannot_see():
    now = timezone.now()
    public = make_article(published_at=now - timedelta(days=2))
    make_article(published_at=now + timedelta(days=1))  # scheduled, saved later
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=now - timedelta(days=3), unpublish_at=now - timedelta(days=1))
    make_article(published_at=now - timedelta(days=1), en={"status": "draft"}, zh=False)
    assert (
        Article.objects.latest_public_change()
        == (
            Article.objects.published()
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)[0]
        )
    )
    assert Article.objects.latest_public_change() == Article.objects.get(pk=public.pk).updated_at
