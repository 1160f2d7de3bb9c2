"""Roles hold: each role tries every admin action it must not do and is refused on the server
(403, or the documented refusal: a form error, an action not offered), never a 500, and
nothing changes. Editors doing the same things show that each attempt is a real one."""

import re

import pytest
import reversion
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from reversion.models import Version
from taggit.models import Tag

from articles.models import Article, EditingPresence, Feature, ImportRecord, Source, Translation
from tests.admin_forms import form_values
from tests.factories import make_article, make_import_record, make_source

pytestmark = pytest.mark.django_db

DRAFT, PUBLISHED = Article.Status.DRAFT, Article.Status.PUBLISHED
FORBIDDEN, FORM_ERROR, NOT_OFFERED = 403, 200, 302


@pytest.fixture
def staff_without_role(django_user_model):
    """A staff account nobody gave a role: it may log in to the admin and do nothing there."""
    return django_user_model.objects.create_user("nobody", password="pw-nobody", is_staff=True)


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user("reader", password="pw-reader")


@pytest.fixture
def world():
    """A draft, a published story that was once a draft (a revision to restore), a story
    deleted by an editor (to recover), an open import conflict, a source and a tag, and a
    story in review whose translations are drafts."""
    draft = make_article(status=DRAFT)
    in_review = make_article(
        status=Article.Status.REVIEW, en={"status": "draft"}, zh={"status": "draft"}
    )
    with reversion.create_revision():
        published = make_article(status=DRAFT, tags=["cop30"])
    with reversion.create_revision():
        published.status = PUBLISHED
        published.save()
    with reversion.create_revision():
        deleted = make_article(status=DRAFT)
    deleted_version = Version.objects.get_for_object(deleted).get()
    deleted.delete()
    conflict = make_import_record(
        published,
        path="samples/bonn.md",
        conflicts={"translation:en:title": {"current": "x", "incoming": "Wire headline"}},
    )
    featured = make_article()
    Feature.objects.create(article=featured, position=1)
    return {
        "draft": draft,
        "in_review": in_review,
        "published": published,
        "featured": featured,
        "draft_version": Version.objects.get_for_object(published).order_by("pk").first(),
        "deleted_version": deleted_version,
        "conflict": conflict,
        "source": make_source(name="Reuters"),
        "tag": Tag.objects.get(name="cop30"),
    }


def state():
    """Everything a refused attempt must leave as it was."""
    return {
        "articles": sorted(Article.objects.values_list("pk", "status")),
        "titles": sorted(
            Article.objects.values_list("pk", "translations__language", "translations__title")
        ),
        "readiness": sorted(Translation.objects.values_list("pk", "status")),
        "ends": sorted(Article.objects.values_list("pk", "unpublish_at")),
        "sources": sorted(Source.objects.values_list("pk", "name")),
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
        "resolutions": list(ImportRecord.objects.values_list("resolutions", flat=True)),
        "import records": ImportRecord.objects.count(),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "presence": EditingPresence.objects.count(),
        "home page": sorted(Feature.objects.values_list("article", "position")),
    }


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


def change_form_post(client, url, **changes):
    """POST the form as the page shows it, with some fields changed (an empty form if the
    page itself is refused: the POST must still be refused)."""
    page = client.get(url)
    html = page.content.decode()
    form = re.search(r'<form [^>]*id="(\w+_form)"', html) if page.status_code == 200 else None
    data = form_values(html, form.group(1)) if form else {}
    return client.post(url, {**data, **changes})


def action(client, name, *articles):
    return client.post(
        admin_url("articles_article_changelist"),
        {"action": name, "_selected_action": [article.pk for article in articles]},
    )


# Each attempt: (name, what it does). `w` is the world above.
ATTEMPTS = {
    "publish a draft through the status field": lambda c, w: change_form_post(
        c, admin_url("articles_article_change", w["draft"].pk), status=PUBLISHED
    ),
    "add a story already published": lambda c, w: c.post(
        admin_url("articles_article_add"),
        {"status": PUBLISHED, "original_url": "https://e.example/x", "slug": "x"},
    ),
    "bulk publish": lambda c, w: action(c, "publish", w["draft"]),
    # Panes in language order: English, then Chinese.
    "mark translations ready": lambda c, w: change_form_post(
        c,
        admin_url("articles_article_change", w["in_review"].pk),
        **{"translations-0-status": "ready", "translations-1-status": "ready"},
    ),
    "set an unpublish time": lambda c, w: change_form_post(
        c,
        admin_url("articles_article_change", w["in_review"].pk),
        unpublish_at_0="2031-01-01",
        unpublish_at_1="08:00:00",
    ),
    "bulk unpublish": lambda c, w: action(c, "unpublish", w["published"]),
    "bulk delete": lambda c, w: action(c, "delete_selected", w["draft"]),
    "edit a published story": lambda c, w: change_form_post(
        c, admin_url("articles_article_change", w["published"].pk), status=DRAFT
    ),
    "delete a story": lambda c, w: c.post(
        admin_url("articles_article_delete", w["draft"].pk), {"post": "yes"}
    ),
    "restore an earlier version": lambda c, w: change_form_post(
        c, admin_url("articles_article_revision", w["published"].pk, w["draft_version"].pk)
    ),
    "recover a deleted story": lambda c, w: change_form_post(
        c, admin_url("articles_article_recover", w["deleted_version"].pk)
    ),
    "take an import conflict on a published story": lambda c, w: c.post(
        admin_url("articles_article_conflict", w["published"].pk, w["conflict"].pk),
        {"key": "translation:en:title", "choice": "take"},
    ),
    "keep an import conflict on a published story": lambda c, w: c.post(
        admin_url("articles_article_conflict", w["published"].pk, w["conflict"].pk),
        {"key": "translation:en:title", "choice": "keep"},
    ),
    "add a source": lambda c, w: c.post(
        admin_url("articles_source_add"), {"name_en": "Le Monde", "domain": "lemonde.fr"}
    ),
    "rename a source": lambda c, w: change_form_post(
        c, admin_url("articles_source_change", w["source"].pk), name_en="Renamed"
    ),
    "delete a source": lambda c, w: c.post(
        admin_url("articles_source_delete", w["source"].pk), {"post": "yes"}
    ),
    "add a tag": lambda c, w: change_form_post(
        c, admin_url("taggit_tag_add"), name="new", slug="new"
    ),
    "rename a tag": lambda c, w: change_form_post(
        c, admin_url("taggit_tag_change", w["tag"].pk), name="renamed"
    ),
    "delete a tag": lambda c, w: c.post(
        admin_url("taggit_tag_delete", w["tag"].pk), {"post": "yes"}
    ),
    "make a story the lead": lambda c, w: action(c, "make_lead", w["published"]),
    "take a story off the home page": lambda c, w: c.post(
        admin_url("articles_article_home_page"), {"article": w["featured"].pk, "change": "remove"}
    ),
    "open the translation desk": lambda c, w: c.get(admin_url("articles_article_translation_desk")),
    "preview a draft": lambda c, w: c.get(preview_url(w["draft"])),
    "see a story's history": lambda c, w: c.get(
        admin_url("articles_article_history", w["published"].pk)
    ),
    "see what a save changed": lambda c, w: c.get(
        admin_url("articles_article_revision_changes", w["published"].pk, w["draft_version"].pk)
    ),
    "be present on a published story": lambda c, w: c.post(
        admin_url("articles_article_presence", w["published"].pk)
    ),
    "change an import record": lambda c, w: change_form_post(
        c, admin_url("articles_importrecord_change", w["conflict"].pk), path="x"
    ),
    "delete an import record": lambda c, w: c.post(
        admin_url("articles_importrecord_delete", w["conflict"].pk), {"post": "yes"}
    ),
    "list users": lambda c, w: c.get(admin_url("auth_user_changelist")),
    "add a user": lambda c, w: c.post(
        admin_url("auth_user_add"),
        {"username": "intruder", "password1": "Xq8!long-pass", "password2": "Xq8!long-pass"},
    ),
    "rename a role": lambda c, w: change_form_post(
        c, admin_url("auth_group_change", Group.objects.get(name="Editor").pk), name="Boss"
    ),
    "clear the login lockouts": lambda c, w: c.get(admin_url("axes_accessattempt_changelist")),
}


def preview_url(article):
    with translation.override("en"):
        return reverse("article_preview", kwargs={"pk": article.pk})


ALLOWED = "allowed"

# Import records are the import's own account of a file; people and roles are the site's.
SUPERUSERS_ONLY = dict.fromkeys(
    [
        "change an import record",
        "delete an import record",
        "list users",
        "add a user",
        "rename a role",
        "clear the login lockouts",
    ],
    FORBIDDEN,
)

EXPECTED = {
    "contributor": {
        "publish a draft through the status field": FORM_ERROR,
        "add a story already published": FORM_ERROR,
        "bulk publish": NOT_OFFERED,
        # The fields are shown, not editable: what is posted for them is not taken.
        "mark translations ready": NOT_OFFERED,
        "set an unpublish time": NOT_OFFERED,
        "bulk unpublish": NOT_OFFERED,
        "bulk delete": NOT_OFFERED,
        "edit a published story": FORBIDDEN,
        "delete a story": FORBIDDEN,
        "restore an earlier version": FORBIDDEN,
        "recover a deleted story": FORBIDDEN,
        "take an import conflict on a published story": FORBIDDEN,
        "keep an import conflict on a published story": FORBIDDEN,
        "add a source": FORBIDDEN,
        "rename a source": FORBIDDEN,
        "delete a source": FORBIDDEN,
        "add a tag": FORBIDDEN,
        "rename a tag": FORBIDDEN,
        "delete a tag": FORBIDDEN,
        "make a story the lead": NOT_OFFERED,
        "take a story off the home page": FORBIDDEN,
        "open the translation desk": ALLOWED,
        "preview a draft": ALLOWED,
        "see a story's history": ALLOWED,
        "see what a save changed": ALLOWED,
        "be present on a published story": FORBIDDEN,
        **SUPERUSERS_ONLY,
    },
    "editor": SUPERUSERS_ONLY,
    # A staff account with no role may do nothing at all.
    "staff_without_role": dict.fromkeys(ATTEMPTS, FORBIDDEN),
}


def cases():
    for role, expected in EXPECTED.items():
        for attempt, outcome in expected.items():
            if outcome is not ALLOWED:
                yield pytest.param(role, attempt, outcome, id=f"{role}: {attempt}")


@pytest.mark.parametrize(("role", "attempt", "status"), list(cases()))
def test_role_is_refused(request, client, world, role, attempt, status):
    client.force_login(request.getfixturevalue(role))
    before = state()

    response = ATTEMPTS[attempt](client, world)

    assert response.status_code == status
    if status == FORM_ERROR:
        assert response.context["adminform"].form.errors["status"]
    if status == NOT_OFFERED:
        assert response["Location"] == admin_url("articles_article_changelist")
    assert state() == before


@pytest.mark.parametrize(
    "attempt",
    [
        "publish a draft through the status field",
        "bulk publish",
        "mark translations ready",
        "set an unpublish time",
        "bulk unpublish",
        "delete a story",
        "restore an earlier version",
        "recover a deleted story",
        "take an import conflict on a published story",
        "rename a source",
        "delete a source",
        "add a tag",
        "delete a tag",
        "be present on a published story",
        "make a story the lead",
        "take a story off the home page",
    ],
)
def test_editor_does_what_others_are_refused(client, world, editor, attempt):
    client.force_login(editor)
    before = state()

    response = ATTEMPTS[attempt](client, world)

    assert response.status_code in (200, 302)
    assert state() != before


def test_restoring_a_draft_version_unpublishes_only_for_an_editor(client, world, editor):
    client.force_login(editor)

    ATTEMPTS["restore an earlier version"](client, world)

    assert Article.objects.get(pk=world["published"].pk).status == DRAFT


@pytest.mark.parametrize("role", ["contributor", "editor"])
@pytest.mark.parametrize(
    "attempt",
    [
        "open the translation desk",
        "preview a draft",
        "see a story's history",
        "see what a save changed",
    ],
)
def test_roles_may_look(request, client, world, role, attempt):
    client.force_login(request.getfixturevalue(role))

    assert ATTEMPTS[attempt](client, world).status_code == 200


def test_contributor_may_settle_a_conflict_on_a_draft(client, world, contributor):
    record = world["conflict"]
    record.article = world["draft"]
    record.save()
    client.force_login(contributor)

    response = client.post(
        admin_url("articles_article_conflict", world["draft"].pk, record.pk),
        {"key": "translation:en:title", "choice": "take"},
    )

    assert response.status_code == 302
    assert world["draft"].translations.get(language="en").title == "Wire headline"


@pytest.mark.parametrize("who", ["reader", None])
def test_admin_sends_non_staff_to_the_login(request, client, who):
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.get(admin_url("articles_article_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(admin_url("login"))
