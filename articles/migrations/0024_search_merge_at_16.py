from django.db import migrations

# Frozen here: what this migration sets, whatever SQLite.MERGE says later.
TABLE = "articles_searchdocument_fts"


def merge_at_16(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', 16)")


def merge_at_4(apps, schema_editor):
    """FTS5's default, as before."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', 4)")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_search_order_key"),
    ]

    operations = [migrations.RunPython(merge_at_16, merge_at_4)]
