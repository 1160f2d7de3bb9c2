"""Who may do what: the two newsroom roles, their model permissions and their rules.

`ROLE_PERMISSIONS` is the one definition of what each role's group holds; `grant_roles` gives
the groups that. Migrations call it (0017 and any later one that adds to the definition: add a
migration that calls it again), adding what the groups lack and taking nothing away, so a
permission an administrator gave a group by hand survives `migrate`; a definition that takes a
permission away needs a migration that removes that one itself. The tests call it
with `exact=True` when a transactional test has emptied the database. Migration 0003 made the
first groups and stays as it ran."""

from django.utils.translation import gettext_lazy as _

from .models import Article

CONTRIBUTOR = "Contributor"
EDITOR = "Editor"
ROLE_LABELS = {CONTRIBUTOR: _("Contributor"), EDITOR: _("Editor")}

PUBLISH_PERMISSION = "articles.publish_article"
FEATURE_PERMISSION = "articles.change_feature"
SEE_FEATURES_PERMISSION = "articles.view_feature"

VIEW = ("view",)
WRITE = ("add", "change", "view")
CRUD = ("add", "change", "delete", "view")

# Model permissions by model ("app_label.model"), and the extra ones by "app_label.codename".
# Models named for no role are superusers' alone: people, groups, log entries, sessions and
# login lockouts; editing presence, written by the change form's heartbeat for whoever may
# change the story and edited nowhere; the page generation and the search index, which every
# write keeps; former slugs, which a save of a story's new slug records; reversion's rows,
# which the story's own history pages show and restore.
ROLE_PERMISSIONS = {
    CONTRIBUTOR: {
        "models": {
            "articles.article": WRITE,
            "articles.translation": WRITE,
            "articles.image": WRITE,
            "articles.source": VIEW,
            "taggit.tag": VIEW,
            "articles.taglabel": VIEW,  # the topic's names, shown on the tag's page
            "articles.feature": VIEW,  # the admin's Home page list, without its buttons
            "articles.importrecord": VIEW,
            "articles.importrun": VIEW,
        },
        "extra": (),
    },
    EDITOR: {
        "models": {
            "articles.article": CRUD,
            "articles.translation": CRUD,
            "articles.image": CRUD,
            "articles.source": CRUD,
            "taggit.tag": CRUD,
            "taggit.taggeditem": CRUD,
            "articles.taglabel": CRUD,  # whoever edits tags names them for readers
            "articles.feature": CRUD,  # the lead and pinned stories of the home page
            "articles.importrecord": VIEW,  # the import's account of a file: nobody edits it
            "articles.importrun": VIEW,
        },
        "extra": (PUBLISH_PERMISSION,),
    },
}


def role_permissions(role: str, apps=None) -> set[tuple[str, str]]:
    """(app_label, codename) of every permission the role's group holds; with a migration's
    `apps`, only those of the models it has."""
    grants = ROLE_PERMISSIONS[role]
    permissions = {tuple(name.split(".")) for name in grants["extra"]}
    for model, actions in grants["models"].items():
        app_label, model_name = model.split(".")
        if apps is None or _has_model(apps, app_label, model_name):
            permissions.update((app_label, f"{action}_{model_name}") for action in actions)
    return permissions


def grant_roles(apps, *, exact: bool = False) -> None:
    """Give each role's group (creating it if need be) its permissions: on a fresh database
    and an existing one alike, as often as it is run. Add-only: what an administrator added
    to a group stays; with `exact` (the tests' set-up) the group holds its definition and
    nothing else. `apps` is a migration's historical registry or django.apps.apps; a model
    that registry does not have yet is left for the later migration that grants it."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLE_PERMISSIONS:
        wanted = role_permissions(role, apps)
        permissions = [
            permission
            for permission in Permission.objects.select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
        if missing:
            raise LookupError(f"{role}: no such permissions {sorted(missing)}")
        group, _created = Group.objects.get_or_create(name=role)
        if exact:
            group.permissions.set(permissions)
        else:
            group.permissions.add(*permissions)


def _has_model(apps, app_label: str, model_name: str) -> bool:
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True


def can_publish(user) -> bool:
    """Publishing and unpublishing: editors and superusers."""
    return user.has_perm(PUBLISH_PERMISSION)


def can_feature(user) -> bool:
    """Choosing the home page's lead and pinned stories, moving and taking them off: editors."""
    return user.has_perm(FEATURE_PERMISSION)


def can_see_features(user) -> bool:
    return user.has_perm(SEE_FEATURES_PERMISSION)


def can_edit(user, article: Article | None = None) -> bool:
    """Contributors edit drafts and stories in review; published stories are the editors'."""
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or article.status != Article.Status.PUBLISHED:
        return True
    return can_publish(user)
