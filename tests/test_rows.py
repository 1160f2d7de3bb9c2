"""articles/rows.py writes new rows as bulk_create writes them, without reading ids back."""

import pytest

from articles.models import ImportRecord, ImportRun
from articles.rows import objects_create, rows_insert, template_rows
from tests.factories import make_article
from tests.helpers import FIXTURES

pytestmark = pytest.mark.django_db


def make_record(run, path: str) -> ImportRecord:
    return ImportRecord(
        run=run,
        path=path,
        sha256="a" * 64,
        raw_text="正文 text",
        outcome=ImportRecord.Outcome.CREATED,
        parsed={"title": "气候", "tags": ["a"]},
        warnings=["one"],
    )


def test_the_records_of_new_stories_are_stored_as_bulk_create_stores_them():
    from articles.importing.pipeline import StoryFile, parse
    from articles.importing.write import _created_records_insert, _record

    run, article = ImportRun.objects.create(), make_article()
    story_file = parse(
        StoryFile(path="story.txt", data=(FIXTURES / "digest_bilingual.txt").read_bytes())
    )
    story_file.sha256 = "a" * 64
    record = _record(run=run, story_file=story_file, article=article, outcome="created")
    ImportRecord.objects.bulk_create([record])
    _created_records_insert(run, [story_file], [article])

    rows = list(ImportRecord.objects.order_by("id").values())
    for row in rows:
        del row["id"], row["created_at"]
    assert len(rows) == 2 and rows[0] == rows[1]
    assert rows[1]["parsed"]["original_url"] == story_file.parsed.original_url
    assert rows[1]["raw_text"] == story_file.text and rows[1]["article_id"] == article.pk


def test_objects_create_stores_what_bulk_create_stores_and_gives_each_its_id():
    run = ImportRun.objects.create()
    [by_bulk_create] = ImportRecord.objects.bulk_create([make_record(run, "0.txt")])
    # More rows than one statement may carry on SQLite (999 values): several INSERTs.
    records = [make_record(run, f"{n}.txt") for n in range(1, 400)]
    assert objects_create(ImportRecord, records) is not None

    for record in records:
        assert not record._state.adding
        assert ImportRecord.objects.get(pk=record.pk).path == record.path
    stored = ImportRecord.objects.values()
    for row in stored:
        del row["id"], row["path"], row["created_at"]
    assert all(row == stored[0] for row in stored)
    assert by_bulk_create.pk < min(record.pk for record in records)


def test_template_rows_vary_only_the_fields_named():
    run = ImportRun.objects.create()
    template = make_record(run, "template.txt")
    rows_insert(
        ImportRecord,
        *template_rows(template, ("path", "sha256"), [("a.txt", "1" * 64), ("b.txt", "2" * 64)]),
    )
    ImportRecord.objects.bulk_create([make_record(run, "c.txt")])

    a, b, c = ImportRecord.objects.order_by("path").values()
    assert (a["path"], a["sha256"], b["path"], b["sha256"]) == (
        "a.txt",
        "1" * 64,
        "b.txt",
        "2" * 64,
    )
    for row in (a, b, c):
        del row["id"], row["path"], row["sha256"], row["created_at"]
    assert a == b == c
