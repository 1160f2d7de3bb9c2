"""New rows many at a time, for the import's hot path: what `bulk_create` writes, without
what it costs per value.

`bulk_create` compiles every value of every object into one multi-row statement and reads the
new ids back; for rows nobody needs the id of (import records, tag links, revision versions)
that compilation is most of the write. These send the same values, each field's `pre_save`
then `get_db_prep_save` as `bulk_create` does, through one prepared statement
(`executemany`). Like `bulk_create`, they send no signals.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models, transaction


def new_row_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns of a new row, as `bulk_create` writes one without a primary key given."""
    return [
        field
        for field in model._meta.concrete_fields
        if not field.generated and not isinstance(field, models.AutoField)
    ]


def rows_insert(
    model: type[models.Model], fields: list[models.Field], rows: Iterable[Sequence]
) -> None:
    """Rows of database values, in the order of `fields`, in one `executemany`."""
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = list(rows)
    if not rows:
        return
    # In one transaction, as bulk_create's: in autocommit each row would be a commit of its own.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def objects_insert(model: type[models.Model], objects: Iterable[models.Model]) -> None:
    """New instances of `model`, written as `bulk_create` writes them; their ids are not read
    back (`pk` stays None)."""
    fields = new_row_fields(model)
    rows_insert(
        model,
        fields,
        (
            [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            for obj in objects
        ),
    )
