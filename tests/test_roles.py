"""The two newsroom roles: made by migration, enforced on the server whatever the request says."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.publishing import article_publish, article_submit_for_review, article_unpublish
from tests.admin_forms import form_values, pane_field
from tests.factories import make_article

pytestmark = pytest.mark.django_db


DRAFT, REVIEW, PUBLISHED = Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.PUBLISHED


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def changelist_url():
    return reverse("admin:articles_article_changelist")


def post_change_form(client, article, panes=(), **changes):
    """The article page as shown, with `changes` and `panes` ((language, field), value) made."""
    data = form_values(client.get(change_url(article)).content.decode())
    data.update(changes)
    for (language, field), value in dict(panes).items():
        data[pane_field(data, language, field)] = value
    return client.post(change_url(article), data)


def test_migration_creates_contributor_and_editor_groups():
    contributor = set(
        Group.objects.get(name="Contributor").permissions.values_list("codename", flat=True)
    )
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))

    assert {"add_article", "change_article", "change_translation", "add_image"} <= contributor
    assert {"view_source", "view_tag"} <= contributor
    assert (
        not {"publish_article", "delete_article", "delete_translation", "change_source"}
        & contributor
    )
    assert {"publish_article", "delete_article", "delete_source", "change_tag"} <= editor


def test_contributor_cannot_publish_through_the_change_form(client, contributor):
    article = make_article(status=DRAFT)
    client.force_login(contributor)

    response = post_change_form(client, article, status=PUBLISHED)

    assert response.status_code == 200  # the form again, with an error on the status
    assert "status" in response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == DRAFT


def test_contributor_is_not_offered_published_status(client, contributor):
    client.force_login(contributor)

    form = client.get(reverse("admin:articles_article_add")).context["adminform"].form

    assert [value for value, _label in form.fields["status"].choices] == [DRAFT, REVIEW]


def test_contributor_cannot_run_the_publish_action(client, contributor):
    article = make_article(status=REVIEW)
    client.force_login(contributor)

    actions = (
        client.get(changelist_url())
        .context["cl"]
        .model_admin.get_actions(client.get(changelist_url()).wsgi_request)
    )
    client.post(changelist_url(), {"action": "publish", "_selected_action": [article.pk]})

    assert "publish" not in actions and "unpublish" not in actions
    article.refresh_from_db()
    assert article.status == REVIEW


def test_contributor_cannot_change_or_unpublish_a_published_story(client, contributor):
    article = make_article(status=PUBLISHED)
    client.force_login(contributor)

    page = client.get(change_url(article))
    response = client.post(change_url(article), {"status": DRAFT})

    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == PUBLISHED


def test_contributor_cannot_delete(client, contributor):
    article = make_article(status=DRAFT)
    client.force_login(contributor)

    response = client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_contributor_edits_a_draft_and_submits_it_for_review(client, contributor):
    article = make_article(status=DRAFT)
    client.force_login(contributor)
    post_change_form(client, article, panes={("en", "title"): "Envoys agree on a finance goal"})
    client.post(changelist_url(), {"action": "submit_for_review", "_selected_action": [article.pk]})

    article.refresh_from_db()
    assert article.status == REVIEW
    assert article.translations.get(language="en").title == "Envoys agree on a finance goal"


def test_editor_publishes_and_unpublishes_with_bulk_actions(client, editor):
    first, second = make_article(status=REVIEW), make_article(status=DRAFT)
    client.force_login(editor)

    client.post(changelist_url(), {"action": "publish", "_selected_action": [first.pk, second.pk]})
    assert set(Article.objects.published().values_list("pk", flat=True)) == {first.pk, second.pk}

    client.post(changelist_url(), {"action": "unpublish", "_selected_action": [first.pk]})
    assert list(Article.objects.published().values_list("pk", flat=True)) == [second.pk]


def test_publishing_a_story_with_a_future_time_schedules_it(client, editor):
    later = timezone.now() + timedelta(days=2)
    article = make_article(status=REVIEW, published_at=later)
    client.force_login(editor)

    client.post(changelist_url(), {"action": "publish", "_selected_action": [article.pk]})

    article.refresh_from_db()
    assert article.status == PUBLISHED and article.published_at == later
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(now=later).filter(pk=article.pk).exists()


def test_editor_publishing_a_story_without_a_time_publishes_it_now(client, editor):
    article = make_article(status=DRAFT)
    Article.objects.filter(pk=article.pk).update(published_at=None)
    client.force_login(editor)

    post_change_form(client, article, status=PUBLISHED)

    assert Article.objects.published().filter(pk=article.pk).exists()


def test_publish_services_refuse_a_contributor(contributor):
    article = make_article(status=REVIEW)

    with pytest.raises(PermissionDenied):
        article_publish(article=article, user=contributor)
    with pytest.raises(PermissionDenied):
        article_unpublish(article=make_article(status=PUBLISHED), user=contributor)

    article.refresh_from_db()
    assert article.status == REVIEW


def test_submit_for_review_moves_only_drafts(contributor):
    draft, review = make_article(status=DRAFT), make_article(status=REVIEW)

    article_submit_for_review(article=draft, user=contributor)
    article_submit_for_review(article=review, user=contributor)

    draft.refresh_from_db()
    review.refresh_from_db()
    assert draft.status == REVIEW and review.status == REVIEW


def test_demo_accounts_creates_an_editor_and_a_contributor(django_user_model):
    output = io.StringIO()
    call_command("demo_accounts", stdout=output)

    editor = django_user_model.objects.get(username="editor")
    contributor = django_user_model.objects.get(username="contributor")
    assert editor.check_password("newsdesk-demo") and editor.is_staff
    assert editor.has_perm("articles.publish_article")
    assert contributor.is_staff and not contributor.has_perm("articles.publish_article")
    assert "contributor" in output.getvalue() and "newsdesk-demo" in output.getvalue()


def test_contributor_cannot_delete_a_translation_from_the_article_page(client, contributor):
    article = make_article(status=DRAFT)
    client.force_login(contributor)
    post_change_form(client, article, panes={("en", "DELETE"): "on"})

    assert article.translations.filter(language="en").exists()
