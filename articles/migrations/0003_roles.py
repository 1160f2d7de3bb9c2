"""The newsroom's two roles as groups. Frozen here: later changes get a migration of their own."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("add", "change", "delete", "view")

ROLES = {
    "Contributor": [
        ("articles", "article", ("add", "change", "view")),
        ("articles", "translation", ("add", "change", "view")),
        ("articles", "image", ("add", "change", "view")),
        ("articles", "source", ("view",)),
        ("articles", "importrecord", ("view",)),
        ("taggit", "tag", ("view",)),
    ],
    "Editor": [
        ("articles", "article", CRUD),
        ("articles", "translation", CRUD),
        ("articles", "image", CRUD),
        ("articles", "source", CRUD),
        ("articles", "importrecord", ("view",)),
        ("articles", "importrun", ("view",)),
        ("taggit", "tag", CRUD),
        ("taggit", "taggeditem", CRUD),
    ],
}
EXTRA = {"Editor": [("articles", "publish_article")]}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLES.items():
        codenames = [
            (app_label, f"{action}_{model}")
            for app_label, model, actions in grants
            for action in actions
        ] + EXTRA.get(role, [])
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_conflict_resolution_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
