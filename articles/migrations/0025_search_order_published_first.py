"""Search order keys with the published stories in a part of their own (search_backends.py):
every document keyed again and, on SQLite, the FTS5 table built again from them."""

from datetime import UTC, datetime, timedelta

from django.db import migrations

from articles.search_backends import SQLite, order_key


def order_key_before(article_id, status, published_at, created_at):
    """0023's key, frozen here: the publication minute from 1970 (30 bits with the sign),
    then 34 bits of id; the status did not count."""
    minute = ((published_at or created_at) - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(
        minutes=1
    )
    last = (1 << 29) - 1
    return (max(-last - 1, min(minute, last)) << 34) | (article_id & ((1 << 34) - 1))


def keys_fill(apps, schema_editor, key=order_key):
    Article = apps.get_model("articles", "Article")
    SearchDocument = apps.get_model("articles", "SearchDocument")
    sqlite = schema_editor.connection.vendor == "sqlite"
    if sqlite:  # rebuilt once at the end, not row by row by its triggers
        for statement in SQLite.UNINSTALL:
            schema_editor.execute(statement)
    stories = Article.objects.filter(search_document__isnull=False).order_by("pk")
    stories = stories.values_list("pk", "status", "published_at", "created_at")
    documents = []
    for pk, *times in stories.iterator(chunk_size=2000):
        documents.append(SearchDocument(article_id=pk, order_key=key(pk, *times)))
        if len(documents) == 2000:
            SearchDocument.objects.bulk_update(documents, ["order_key"])
            documents = []
    SearchDocument.objects.bulk_update(documents, ["order_key"])
    if sqlite:
        for statement in [*SQLite.INSTALL, SQLite.REBUILD]:
            schema_editor.execute(statement)


def keys_fill_as_before(apps, schema_editor):
    keys_fill(apps, schema_editor, key=order_key_before)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0024_search_merge_at_16"),
    ]

    operations = [migrations.RunPython(keys_fill, keys_fill_as_before)]
