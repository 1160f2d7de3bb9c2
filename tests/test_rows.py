"""articles/rows.py writes new rows as bulk_create writes them, without reading ids back."""

import pytest

from articles.models import ImportRecord, ImportRun
from articles.rows import objects_insert

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


def test_objects_insert_stores_what_bulk_create_stores():
    run = ImportRun.objects.create()
    ImportRecord.objects.bulk_create([make_record(run, "by-bulk-create.txt")])
    objects_insert(ImportRecord, [make_record(run, "by-objects-insert.txt")])

    rows = list(ImportRecord.objects.order_by("id").values())
    for row in rows:
        del row["id"], row["path"], row["created_at"]
    assert len(rows) == 2 and rows[0] == rows[1]
    assert ImportRecord.objects.get(path="by-objects-insert.txt").parsed == {
        "title": "气候",
        "tags": ["a"],
    }
