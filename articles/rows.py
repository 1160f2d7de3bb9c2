"""New rows many at a time, for the import's hot path: what `bulk_create` writes, without
what it costs per value.

`bulk_create` compiles every value of every object into SQL of its own (a placeholder, a
conversion) and reads the new ids back; that compilation is most of the write. These send the
same values, each field's `pre_save` then `get_db_prep_save` as `bulk_create` does: rows
nobody needs the id of (import records, tag links, revision versions) through one prepared
statement (`executemany`), rows whose ids are needed (stories, translations, images,
revisions) through multi-row INSERTs that return them, as `bulk_create` does. Like
`bulk_create`, they send no signals.
"""

from collections.abc import Iterable, Iterator, Sequence

from django.db import connection, connections, models, transaction

# Text fields whose database value is the str itself (`pre_save` reads the attribute,
# `get_db_prep_save` returns a str as it is): a str of these is sent without asking them.
PLAIN_TEXT_FIELDS = {models.CharField, models.TextField, models.SlugField, models.URLField}


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


def rows_create(
    model: type[models.Model], fields: list[models.Field], rows: Iterable[Sequence]
) -> list:
    """Rows of database values, in the order of `fields`, as multi-row INSERTs that return the
    new ids: the ids, in the rows' order (the order `bulk_create` reads them back in too)."""
    rows = list(rows)
    if not rows:
        return []
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
    )
    returning = f" RETURNING {quote(model._meta.pk.column)}"
    row_sql = "({})".format(", ".join(["%s"] * len(fields)))
    size = max(1, connection.ops.bulk_batch_size(fields, rows))
    ids = []
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                head + ", ".join([row_sql] * len(chunk)) + returning,
                [value for row in chunk for value in row],
            )
            ids.extend(pk for (pk,) in cursor.fetchall())
    return ids


def objects_create(model: type[models.Model], objects: Iterable[models.Model]) -> list:
    """New instances of `model`, written as `bulk_create` writes them, their ids read back:
    what `bulk_create` does for the import's stories, translations and images, without
    compiling each value into SQL of its own."""
    objects = list(objects)
    fields = new_row_fields(model)
    ids = rows_create(model, fields, _object_rows(fields, objects))
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    return objects


def template_rows(
    template: models.Model, varying: Sequence[str], values: Iterable[Sequence]
) -> tuple[list[models.Field], Iterator[list]]:
    """The fields of new rows of `template`'s model and the rows: each `template` but for the
    fields named in `varying`, whose database values each item of `values` gives in that
    order. What the rows share is made a database value once, not once a row."""
    fields = new_row_fields(type(template))
    names = [field.name for field in fields]
    shared = [
        None if field.name in varying else _database_value(field, template) for field in fields
    ]
    positions = [names.index(name) for name in varying]

    def rows():
        for row_values in values:
            row = shared.copy()
            for position, value in zip(positions, row_values, strict=True):
                row[position] = value
            yield row

    return fields, rows()


def _object_rows(fields: list[models.Field], objects: Iterable[models.Model]) -> Iterator[list]:
    database = connections[connection.alias]  # the connection itself, not its proxy, each value
    plain = [type(field) in PLAIN_TEXT_FIELDS for field in fields]
    for obj in objects:
        row = []
        for field, is_plain in zip(fields, plain, strict=True):
            value = getattr(obj, field.attname) if is_plain else None
            if type(value) is not str:
                value = field.get_db_prep_save(field.pre_save(obj, True), database)
            row.append(value)
        yield row


def _database_value(field: models.Field, obj: models.Model):
    return field.get_db_prep_save(field.pre_save(obj, True), connections[connection.alias])
