"""The roles' model permissions: one definition (articles.roles.ROLE_PERMISSIONS), given by
migration on a fresh database and an existing one, and what each role then sees and may do in
the admin: the topics' names, the home page's lead and pinned stories, nothing of presence."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import NoReverseMatch, reverse
from taggit.models import Tag

from articles.models import EditingPresence, Feature, TagLabel
from articles.roles import CONTRIBUTOR, EDITOR, ROLE_PERMISSIONS, grant_roles, role_permissions
from tests.admin_forms import form_values
from tests.factories import make_article

pytestmark = pytest.mark.django_db

MIGRATION = import_module("articles.migrations.0017_roles_permissions")


def held(role):
    group = Group.objects.get(name=role)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def historical_apps(migration):
    return MigrationExecutor(connection).loader.project_state(("articles", migration)).apps


@pytest.fixture
def staff_without_role(django_user_model):
    return django_user_model.objects.create_user("nobody", password="pw-nobody", is_staff=True)


def test_each_group_holds_exactly_its_roles_definition():
    assert held(CONTRIBUTOR) == role_permissions(CONTRIBUTOR)
    assert held(EDITOR) == role_permissions(EDITOR)
    assert {("articles", "change_feature"), ("articles", "change_taglabel")} <= held(EDITOR)
    assert ("articles", "view_feature") in held(CONTRIBUTOR)
    assert not {("articles", "change_feature"), ("articles", "change_taglabel")} & held(CONTRIBUTOR)


def test_no_role_may_touch_presence_the_search_index_or_people():
    internal = {"editingpresence", "pagegeneration", "searchdocument", "user", "group"}
    for role in ROLE_PERMISSIONS:
        models = {codename.split("_", 1)[1] for _app, codename in held(role)}
        assert not models & internal
    with pytest.raises(NoReverseMatch):
        reverse("admin:articles_editingpresence_changelist")


def test_the_migration_brings_groups_as_0003_left_them_up_to_date_and_can_run_again():
    # An existing database: the groups as migration 0003 made them, before Feature or TagLabel.
    first_roles = import_module("articles.migrations.0003_roles")
    first_roles.create_roles(historical_apps("0003_roles"), None)
    assert ("articles", "change_feature") not in held(EDITOR)
    assert ("articles", "view_importrun") not in held(CONTRIBUTOR)

    apps = historical_apps("0017_roles_permissions")
    MIGRATION.grant(apps, None)
    first = held(CONTRIBUTOR), held(EDITOR)
    MIGRATION.grant(apps, None)

    assert first == (held(CONTRIBUTOR), held(EDITOR))
    assert first == (role_permissions(CONTRIBUTOR), role_permissions(EDITOR))


def test_the_migration_keeps_what_an_administrator_gave_a_group_by_hand():
    by_hand = Permission.objects.get(codename="view_logentry")
    Group.objects.get(name=EDITOR).permissions.add(by_hand)
    Group.objects.get(name=CONTRIBUTOR).permissions.remove(
        Permission.objects.get(codename="view_feature")
    )

    MIGRATION.grant(historical_apps("0017_roles_permissions"), None)

    assert held(EDITOR) == role_permissions(EDITOR) | {("admin", "view_logentry")}
    assert held(CONTRIBUTOR) == role_permissions(CONTRIBUTOR)  # what it lacked, given back


def test_the_tests_set_up_gives_each_group_exactly_its_definition():
    Group.objects.get(name=EDITOR).permissions.add(Permission.objects.get(codename="view_logentry"))
    grant_roles(django_apps, exact=True)
    assert held(EDITOR) == role_permissions(EDITOR)


def test_the_migration_makes_the_groups_on_a_fresh_database():
    Group.objects.all().delete()
    Permission.objects.filter(content_type__model__in=["feature", "taglabel"]).delete()

    MIGRATION.grant(historical_apps("0017_roles_permissions"), None)

    assert held(EDITOR) == role_permissions(EDITOR)
    assert held(CONTRIBUTOR) == role_permissions(CONTRIBUTOR)


def test_a_migration_before_a_model_exists_grants_the_rest_and_leaves_it_for_later():
    Group.objects.all().delete()

    MIGRATION.grant(historical_apps("0010_search_index"), None)  # before Feature and TagLabel

    assert held(EDITOR) == role_permissions(EDITOR) - {
        ("articles", f"{action}_{model}")
        for model in ("feature", "taglabel")
        for action in ("add", "change", "delete", "view")
    }


def admin_index_models(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {
        model["object_name"]: {name for name, allowed in model["perms"].items() if allowed}
        for app in response.context["app_list"]
        for model in app["models"]
    }


def test_the_admin_index_shows_each_role_its_models(
    client, editor, contributor, staff_without_role
):
    client.force_login(contributor)
    seen = admin_index_models(client)
    assert set(seen) == {"Article", "Source", "Tag", "ImportRun", "ImportRecord"}
    assert seen["Article"] == {"add", "change", "view"}
    assert seen["Tag"] == seen["Source"] == seen["ImportRun"] == {"view"}
    assert b"Home page: the lead and pinned stories" in client.get(reverse("admin:index")).content

    client.force_login(editor)
    seen = admin_index_models(client)
    assert set(seen) == {"Article", "Source", "Tag", "ImportRun", "ImportRecord"}
    assert seen["Tag"] == seen["Source"] == {"add", "change", "delete", "view"}
    assert seen["ImportRecord"] == {"view"}

    client.force_login(staff_without_role)
    assert admin_index_models(client) == {}
    assert b"Home page" not in client.get(reverse("admin:index")).content


def tag_names_form(client, tag):
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    return url, client.get(url)


def test_an_editor_names_a_topic_for_readers(client, editor):
    tag = Tag.objects.create(name="finance")
    client.force_login(editor)
    url, page = tag_names_form(client, tag)
    data = form_values(page.content.decode(), "tag_form")
    data["label-0-name_zh-hans"] = "气候融资"

    assert client.post(url, data).status_code == 302
    assert TagLabel.objects.get(tag=tag).name["zh-hans"] == "气候融资"


def test_a_contributor_sees_a_topics_names_and_may_not_change_them(client, contributor):
    tag = Tag.objects.create(name="finance")
    TagLabel.objects.filter(tag=tag).update(name={"en": "Climate finance", "zh-hans": "气候融资"})
    client.force_login(contributor)
    url, page = tag_names_form(client, tag)

    assert page.status_code == 200
    assert "气候融资" in page.content.decode()  # shown, as text
    assert 'name="label-0-name_zh-hans"' not in page.content.decode()  # no input for it
    response = client.post(url, {"name": "finance", "slug": "finance", "label-0-name_en": "x"})
    assert response.status_code == 403
    assert TagLabel.objects.get(tag=tag).name["en"] == "Climate finance"


def test_the_home_page_list_is_seen_by_both_roles_and_changed_by_editors(
    client, editor, contributor, staff_without_role
):
    article = make_article()
    Feature.objects.create(article=article, position=1)
    url = reverse("admin:articles_article_home_page")

    client.force_login(contributor)
    page = client.get(url)
    assert page.status_code == 200 and str(article) in page.content.decode()
    assert 'name="change"' not in page.content.decode()
    assert client.post(url, {"article": article.pk, "change": "remove"}).status_code == 403

    client.force_login(staff_without_role)
    assert client.get(url).status_code == 403

    client.force_login(editor)
    assert 'name="change"' in client.get(url).content.decode()
    assert client.post(url, {"article": article.pk, "change": "remove"}).status_code == 302
    assert not Feature.objects.exists()


def test_featuring_follows_the_feature_permission(client, contributor):
    """Whoever holds the Feature permission features stories: the role grants it, nothing else."""
    article = make_article()
    changelist = reverse("admin:articles_article_changelist")
    client.force_login(contributor)
    client.post(changelist, {"action": "pin", "_selected_action": [article.pk]})
    assert not Feature.objects.exists()

    contributor.user_permissions.add(Permission.objects.get(codename="change_feature"))
    client.post(changelist, {"action": "pin", "_selected_action": [article.pk]})

    assert Feature.objects.get().article == article


def test_presence_is_kept_for_whoever_may_change_the_story_without_any_presence_right(
    client, contributor
):
    article = make_article(status="draft")
    client.force_login(contributor)

    response = client.post(reverse("admin:articles_article_presence", args=[article.pk]))

    assert response.status_code == 200
    assert EditingPresence.objects.filter(article=article, user=contributor).exists()
