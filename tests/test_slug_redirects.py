"""A story's former addresses lead on to it (301), in each language: the slug an editor changed,
and the slugs of the duplicates migration 0008 merged into it."""

from importlib import import_module

import pytest
import reversion
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from articles.models import Article, ImportRecord, ImportRun, SlugRedirect, slugs_taken
from tests.admin_forms import form_values
from tests.factories import make_article

pytestmark = pytest.mark.django_db

MIGRATION = import_module("articles.migrations.0018_slug_redirects")


def story_url(slug, language, name="article_detail"):
    with translation.override(language):
        return reverse(name, kwargs={"slug": slug})


def change_slug_in_admin(client, article, slug):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_values(client.get(url).content.decode())
    data["slug"] = slug
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("page", ["article_detail", "article_bilingual"])
def test_a_slug_an_editor_changed_leads_to_the_new_one(client, editor, language, page):
    article = make_article(slug="bonn-talks-day-one")
    client.force_login(editor)
    change_slug_in_admin(client, article, "bonn-talks-open")
    client.logout()

    response = client.get(story_url("bonn-talks-day-one", language, page))

    assert response.status_code == 301
    assert response["Location"] == story_url("bonn-talks-open", language, page)
    assert client.get(response["Location"]).status_code == 200


def test_a_slug_changed_twice_leads_straight_to_the_newest(client):
    article = make_article(slug="first")
    for slug in ("second", "third"):
        article = Article.objects.get(pk=article.pk)
        article.slug = slug
        article.save()

    for old in ("first", "second"):
        response = client.get(story_url(old, "en"))
        assert (response.status_code, response["Location"]) == (301, story_url("third", "en"))


def test_a_story_holding_the_slug_again_is_shown_not_redirected(client):
    moved = make_article(slug="agenda")
    moved.slug = "agenda-2026"
    moved.save()
    make_article(slug="agenda", en={"title": "A new agenda story"})

    response = client.get(story_url("agenda", "en"))

    assert response.status_code == 200 and "A new agenda story" in response.content.decode()


def test_a_former_address_of_a_story_readers_may_not_see_is_a_404(client):
    article = make_article(slug="embargoed")
    article.slug = "embargoed-draft"
    article.status = Article.Status.DRAFT
    article.save()

    assert client.get(story_url("embargoed", "en")).status_code == 404
    assert client.get(story_url("never-was", "en")).status_code == 404


def test_saving_without_the_slug_leaves_no_redirect():
    article = make_article(slug="steady")
    article = Article.objects.get(pk=article.pk)
    article.save(update_fields=["updated_at"])
    article.save()

    assert not SlugRedirect.objects.exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_duplicates_0008_merged_lead_to_the_story_that_kept_them(client, language):
    kept = make_article(slug="arctic-shipping-season")
    run = ImportRun.objects.create(options={"migration": "0008_merge_duplicate_stories"})
    for pk, slug in ((41, "arctic-www"), (42, "arctic-mobile")):
        ImportRecord.objects.create(
            run=run,
            article=kept,
            path=f"https://www.ft.com/content/{slug}",
            sha256="",
            outcome="updated",
            message=(
                f"Merged the duplicate story https://www.ft.com/content/x (no. {pk}, slug {slug}, "
                "draft) into this one: another address of the same page. Where both had a value "
                "this story kept its own; the duplicate's waits here."
            ),
        )

    MIGRATION.merged_slugs(apps, None)
    MIGRATION.merged_slugs(apps, None)  # again: nothing twice

    assert SlugRedirect.objects.count() == 2
    for slug in ("arctic-www", "arctic-mobile"):
        response = client.get(story_url(slug, language))
        assert response.status_code == 301
        assert response["Location"] == story_url("arctic-shipping-season", language)


TAKEN = {
    "en": "This address is or was another story&#x27;s",
    "zh-hans": "这个地址属于或曾属于另一篇报道",
}


def assert_refused_in_admin(client, editor, language, *, slug="agenda"):
    """Another story asks for `slug` in the admin: refused, in the editor's language."""
    other = make_article(slug="talks")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[other.pk])
    data = form_values(client.get(url).content.decode())
    data["slug"] = slug
    with translation.override(language):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert TAKEN[language] in response.content.decode()
    assert Article.objects.get(pk=other.pk).slug == "talks"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_admin_refuses_another_storys_former_address(client, editor, language):
    moved = make_article(slug="agenda")
    moved.slug = "agenda-2026"
    moved.save()
    assert_refused_in_admin(client, editor, language)
    change_slug_in_admin(client, moved, "agenda")  # its own former address: taken back


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_admin_refuses_another_storys_address_with_the_same_words(client, editor, language):
    make_article(slug="agenda")
    assert_refused_in_admin(client, editor, language)


def test_one_rule_for_a_taken_slug_serves_the_import_and_the_admin():
    moved = make_article(slug="agenda")
    moved.slug = "agenda-2026"
    moved.save()
    make_article(slug="agenda-brief")
    assert slugs_taken(slug__in=["agenda", "agenda-2026", "talks"]) == {"agenda", "agenda-2026"}
    assert slugs_taken(slug__gte="agenda", slug__lt="agenda~") == {
        "agenda",
        "agenda-2026",
        "agenda-brief",
    }
    assert slugs_taken(slug="agenda", other_than=moved.pk) == set()  # its own, taken back
    assert slugs_taken(slug="agenda-brief", other_than=moved.pk) == {"agenda-brief"}


def test_restoring_a_version_with_another_slug_leaves_the_address_readers_had(client, editor):
    article = make_article(slug="bonn-day-one")
    with reversion.create_revision():
        article.save()
    article = Article.objects.get(pk=article.pk)
    article.slug = "bonn-opens"
    article.save()  # readers now have this address
    version = Version.objects.get_for_object(article).get()
    client.force_login(editor)
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    client.post(url, form_values(client.get(url).content.decode()))
    assert Article.objects.get(pk=article.pk).slug == "bonn-day-one"
    client.logout()
    response = client.get(story_url("bonn-opens", "en"))
    assert (response.status_code, response["Location"]) == (301, story_url("bonn-day-one", "en"))
