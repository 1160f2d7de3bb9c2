"""The roles' permissions on the models added since 0003 (Feature, TagLabel, ImportRun for
contributors), from the one definition in articles/roles.py: each group gains what it lacks of
it, and keeps what an administrator added by hand."""

from django.db import migrations

from articles.roles import grant_roles


def grant(apps, schema_editor):
    grant_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_curation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    # Backwards: the groups keep what they hold (0003's reverse removes them).
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
