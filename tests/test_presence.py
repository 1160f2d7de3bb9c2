"""Who else has a story open: the change form's heartbeat endpoint and what it answers."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EditingPresence
from articles.presence import MIN_WRITE_INTERVAL, PRESENCE_EXPIRES
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


def beat(client, article, **data):
    return client.post(presence_url(article), data)


@pytest.fixture
def draft():
    return make_article(status=Article.Status.DRAFT)


@pytest.fixture
def wang(editor):
    editor.first_name = "王编辑"
    editor.save()
    return editor


def test_two_editors_on_one_story_each_see_the_other(client, wang, contributor, draft):
    other = Client()
    client.force_login(wang)
    other.force_login(contributor)

    assert beat(client, draft).json() == {"others": []}
    seen_by_contributor = beat(other, draft).json()["others"]
    seen_by_wang = beat(client, draft).json()["others"]

    since = timezone.localtime(EditingPresence.objects.get(user=wang).since).strftime("%H:%M")
    assert seen_by_contributor == [f"王编辑 is also editing this story since {since}."]
    assert seen_by_wang[0].startswith("contributor is also editing this story since ")


def test_the_line_is_in_the_admin_language(client, wang, contributor, draft):
    client.force_login(wang)
    beat(client, draft)
    since = timezone.localtime(EditingPresence.objects.get(user=wang).since).strftime("%H:%M")
    other = Client()
    other.force_login(contributor)

    others = other.post(presence_url(draft), HTTP_ACCEPT_LANGUAGE="zh-hans").json()["others"]

    assert others == [f"王编辑自 {since} 起也在编辑这篇报道。"]


def test_the_change_form_names_who_has_the_story_open_already(client, wang, contributor, draft):
    client.force_login(wang)
    beat(client, draft)
    other = Client()
    other.force_login(contributor)

    page = other.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()

    assert 'id="desk-presence"' in page
    assert "王编辑 is also editing this story since" in page
    assert presence_url(draft) in page


def test_an_editor_is_gone_a_minute_after_the_last_heartbeat(client, wang, contributor, draft):
    client.force_login(wang)
    beat(client, draft)
    other = Client()
    other.force_login(contributor)
    assert len(beat(other, draft).json()["others"]) == 1

    EditingPresence.objects.filter(user=wang).update(
        seen_at=timezone.now() - PRESENCE_EXPIRES - timedelta(seconds=1)
    )

    assert beat(other, draft).json()["others"] == []
    assert not EditingPresence.objects.filter(user=wang).exists()  # expired rows are removed


def test_coming_back_after_expiry_starts_a_new_since(client, wang, draft):
    client.force_login(wang)
    beat(client, draft)
    long_ago = timezone.now() - timedelta(hours=2)
    EditingPresence.objects.update(since=long_ago, seen_at=long_ago)

    beat(client, draft)

    assert EditingPresence.objects.get(user=wang).since > timezone.now() - timedelta(minutes=1)


def test_leaving_ends_presence_at_once(client, wang, contributor, draft):
    client.force_login(wang)
    beat(client, draft)

    assert beat(client, draft, action="leave").json() == {"others": []}

    other = Client()
    other.force_login(contributor)
    assert beat(other, draft).json()["others"] == []


def test_heartbeats_in_quick_succession_write_once(client, wang, draft):
    client.force_login(wang)
    beat(client, draft)
    first = EditingPresence.objects.get(user=wang).seen_at

    for _ in range(5):
        assert beat(client, draft).status_code == 200
    assert EditingPresence.objects.get(user=wang).seen_at == first

    EditingPresence.objects.update(seen_at=first - MIN_WRITE_INTERVAL)
    beat(client, draft)
    assert EditingPresence.objects.get(user=wang).seen_at > first
    assert EditingPresence.objects.count() == 1


def test_presence_is_for_staff_only(client, django_user_model, draft):
    assert beat(client, draft).status_code == 302  # to the admin's login
    reader = django_user_model.objects.create_user("reader", password="pw-reader")
    client.force_login(reader)
    assert beat(client, draft).status_code == 302
    assert not EditingPresence.objects.exists()


def test_only_those_who_may_change_the_story_take_part(client, contributor, django_user_model):
    published = make_article(status=Article.Status.PUBLISHED)  # editors' only
    client.force_login(contributor)
    assert beat(client, published).status_code == 403
    staff = django_user_model.objects.create_user("clerk", password="pw-clerk", is_staff=True)
    client.force_login(staff)
    assert beat(client, make_article(status=Article.Status.DRAFT)).status_code == 403
    assert not EditingPresence.objects.exists()


def test_a_contributor_learns_nothing_of_a_published_story(client, editor, contributor):
    published = make_article(status=Article.Status.PUBLISHED)
    editor_client = Client()
    editor_client.force_login(editor)
    beat(editor_client, published)
    client.force_login(contributor)

    response = beat(client, published)

    assert response.status_code == 403
    assert b"editor" not in response.content


def test_heartbeat_needs_the_csrf_token_and_a_post(editor, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert beat(client, draft).status_code == 403
    assert client.get(presence_url(draft)).status_code == 405

    client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    token = client.cookies["csrftoken"].value
    assert beat(client, draft, csrfmiddlewaretoken=token).status_code == 200
    assert EditingPresence.objects.filter(user=editor).exists()


def test_an_unknown_story_is_refused(client, editor):
    client.force_login(editor)
    assert client.post(reverse("admin:articles_article_presence", args=[999999])).status_code == 403


def test_logging_out_ends_presence_at_once(client, wang, contributor, draft):
    """The page's goodbye leaves after the logout (the browser sends it as the next page comes),
    without a session any more, so the logout itself takes the user off every story."""
    other = Client()
    client.force_login(wang)
    other.force_login(contributor)
    beat(client, draft)
    beat(other, draft)

    client.post(reverse("admin:logout"))

    assert beat(other, draft).json() == {"others": []}
    assert list(EditingPresence.objects.values_list("user__username", flat=True)) == ["contributor"]


def test_a_heartbeat_arriving_after_its_pages_goodbye_keeps_the_editor_gone(
    client, wang, contributor, draft
):
    """A tab closes while its heartbeat is on its way: the goodbye can reach the server first."""
    client.force_login(wang)
    beat(client, draft, page="tab-1")
    beat(client, draft, page="tab-1", action="leave")

    beat(client, draft, page="tab-1")  # sent before the goodbye, arrived after it

    other = Client()
    other.force_login(contributor)
    assert beat(other, draft).json()["others"] == []


def test_the_page_opened_again_after_a_goodbye_is_present_at_once(client, wang, contributor, draft):
    client.force_login(wang)
    beat(client, draft, page="tab-1")
    long_ago = timezone.now() - timedelta(minutes=1)
    EditingPresence.objects.update(since=long_ago, seen_at=long_ago)
    beat(client, draft, page="tab-1", action="leave")

    beat(client, draft, page="tab-2")  # reloaded: a new opening of the page

    other = Client()
    other.force_login(contributor)
    assert len(beat(other, draft).json()["others"]) == 1
    assert EditingPresence.objects.get(user=wang).since > long_ago
