"""Where the search index lives, and all of its engine-specific SQL.

A backend keeps one document per story (tokens made by `search.document_fields`) and answers
a query, a list of phrases that must all match, with the stories that match, best first. The
setting `SEARCH_BACKEND` (`NEWSDESK_SEARCH_BACKEND`) names its class, so an outside engine is a
class away; the default keeps the index in the site's own database:

- SQLite: an FTS5 table over `SearchDocument` (external content, kept in step by triggers),
  ranked by BM25 with the field weights of `FIELD_WEIGHTS`.
- PostgreSQL: a generated, weighted tsvector column on `SearchDocument` with a GIN index,
  ranked by `ts_rank_cd` (headline A, dek B, body D).

Both engines stem English words themselves (Porter on SQLite, Snowball on PostgreSQL, neither
dropping stop words); the Chinese bigrams and the case and accent folding come from
`search.py`, already done, so the engines only split on spaces and stem.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.module_loading import import_string

from .models import Article, SearchDocument
from .rows import rows_insert, template_rows

# How much a match counts in each field, for the engine's ranking and for choosing which
# translation of a found story to show.
FIELD_WEIGHTS = {"title": 5, "summary": 3, "body": 1}


# A story's order key: whether it is published (the top bit), its publication minute (a
# draft's creation minute), then its id in the low bits. Keys are unique, and the engine's own
# order (FTS5 rowids, a B-tree on PostgreSQL) holds the published stories newest first, then
# the others newest first: a reader's search walks down from now through published stories
# alone, however many drafts and scheduled stories there are (an import that publishes none
# of its files, a backlog loaded as drafts). 34 bits of ids, 28 of minutes from 1800: the
# years 1800-2310, where times from outside (1900-2200) are; an older row's year 9999 counts
# as 2310.
ID_BITS = 34
ID_MASK = (1 << ID_BITS) - 1
MINUTE_BITS = 28
LAST_MINUTE = (1 << MINUTE_BITS) - 1
PUBLISHED_KEYS = 1 << (ID_BITS + MINUTE_BITS)
LAST_KEY = (1 << 63) - 1
FIRST_MINUTE = datetime(1800, 1, 1, tzinfo=UTC)


def order_key(
    article_id: int, status: str, published_at: datetime | None, created_at: datetime
) -> int:
    """Where a story stands in the engine's order: published by an editor (its status,
    whatever its times) or not, then by publication time (a draft's creation time), to the
    minute, then by id."""
    minute = ((published_at or created_at) - FIRST_MINUTE) // timedelta(minutes=1)
    minute = max(0, min(minute, LAST_MINUTE))
    published = PUBLISHED_KEYS if status == Article.Status.PUBLISHED else 0
    return published | (minute << ID_BITS) | (article_id & ID_MASK)


def order_keys(published_by: datetime | None) -> list[tuple[int, int]]:
    """The parts of the engine's order a walk reads, each newest first: the stories published
    by `published_by` alone, or (None) all, published and not, in two parts."""
    if published_by is not None:
        last = order_key(ID_MASK, Article.Status.PUBLISHED, published_by, published_by)
        return [(PUBLISHED_KEYS, last)]
    return [(PUBLISHED_KEYS, LAST_KEY), (0, PUBLISHED_KEYS - 1)]


@dataclass(frozen=True)
class QueryToken:
    text: str
    prefix: bool = False  # matches every indexed token that begins with `text`


Phrase = list[QueryToken]  # tokens that must stand next to one another, in this order


class SearchBackend(Protocol):
    def index(self, documents: dict[int, dict[str, str]]) -> None:
        """Replace the documents of these stories (article id -> field -> tokens)."""

    def remove(self, article_ids: set[int]) -> None: ...

    def reorder(self, article_id: int, key: int) -> None:
        """Move a story to its place in the order (`order_key`), its time having changed."""

    # `published_by`, when given, says that `among` holds only stories published by that time
    # (a reader's search): the walk reads their part of the order alone.

    def count(
        self,
        phrases: list[Phrase],
        *,
        among: QuerySet,
        limit: int,
        published_by: datetime | None = None,
    ) -> int:
        """How many stories of `among` contain every phrase, counted up to `limit`."""

    def newest(
        self,
        phrases: list[Phrase],
        *,
        among: QuerySet,
        offset: int,
        limit: int,
        published_by: datetime | None = None,
    ) -> list[int]:
        """Ids of the stories of `among` in which every phrase occurs, newest first: by
        publication time (a draft's creation time), to the minute, then the later story."""

    def ranked(
        self,
        phrases: list[Phrase],
        *,
        among: QuerySet,
        candidates: int,
        published_by: datetime | None = None,
    ) -> tuple[list[int], bool]:
        """Of the first `candidates` stories `newest` gives, the ids best first (equal
        ranks in `newest`'s order: to the minute, then the later story), and whether more
        stories match: one walk along the matches ranks a search's first pages and counts
        them."""

    def repair(self) -> None:
        """Before a rebuild: bring whatever the engine derives from the documents back in step
        with them, so that replacing each document works."""


def search_backend() -> SearchBackend:
    return import_string(settings.SEARCH_BACKEND)()


class DatabaseBackend:
    """The index in the site's database: SQLite FTS5 or PostgreSQL full-text search."""

    def index(self, documents):
        SearchDocument.objects.filter(pk__in=documents).delete()
        stories = Article.objects.filter(pk__in=documents)
        keys = {
            pk: order_key(pk, *times)
            for pk, *times in stories.values_list("pk", "status", "published_at", "created_at")
        }
        # As rows: an import writes hundreds at a time, and a model instance each cost more
        # than its row.
        columns = ("article", "order_key", "title", "summary", "body")
        rows_insert(
            SearchDocument,
            *template_rows(
                SearchDocument(),
                columns,
                (
                    (pk, keys[pk], fields["title"], fields["summary"], fields["body"])
                    for pk, fields in documents.items()
                    if pk in keys
                ),
            ),
        )

    def reorder(self, article_id, key):
        SearchDocument.objects.filter(pk=article_id).exclude(order_key=key).update(order_key=key)

    def remove(self, article_ids):
        SearchDocument.objects.filter(pk__in=article_ids).delete()

    def repair(self):
        if connection.vendor == "sqlite":
            # The triggers and the FTS5 table again from SearchDocument, in case they lost
            # step: a migration that rebuilds the table drops its triggers, and then an FTS5
            # 'delete' of a row it never indexed finds the index "malformed".
            with connection.cursor() as cursor:
                for statement in [*SQLite.INSTALL, SQLite.REBUILD]:
                    cursor.execute(statement)

    def count(self, phrases, *, among, limit, published_by=None):
        counted = 0
        for keys in order_keys(published_by):
            newest, params = self._newest(phrases, among, keys)
            sql = f"SELECT count(*) FROM ({newest} LIMIT %s) AS found"
            counted += self._rows(sql, [*params, limit - counted])[0][0]
            if counted == limit:
                break
        return counted

    def newest(self, phrases, *, among, offset, limit, published_by=None):
        [keys, *other_keys] = order_keys(published_by)
        if not other_keys:
            newest, params = self._newest(phrases, among, keys)
            return self._ids(f"{newest} LIMIT %s OFFSET %s", [*params, limit, offset])
        found = self._walk(phrases, among, published_by, offset + limit)
        return [row[0] for row in found[offset:]]

    def ranked(self, phrases, *, among, candidates, published_by=None):
        engine = ENGINES[connection.vendor]
        rank = engine.RANK.format(**engine.weights())
        found = self._walk(phrases, among, published_by, candidates + 1, rank=rank)
        # Best first (rank: larger is better); equal ranks in the walk's order.
        ranked = sorted(found[:candidates], key=lambda row: (row[2], row[1]), reverse=True)
        return [row[0] for row in ranked], len(found) > candidates

    def _walk(self, phrases, among, published_by, limit, *, rank=None) -> list[tuple]:
        """The first `limit` matches, newest first: (id, place in time[, rank]) each, the
        parts of the order read one by one and merged by time."""
        engine = ENGINES[connection.vendor]
        found = []
        for keys in order_keys(published_by):
            newest, params = self._newest(phrases, among, keys, rank=rank)
            sql = (engine.RANKED if rank else "{newest} LIMIT %s").format(newest=newest, rank=rank)
            found += self._rows(sql, [*params, limit])
        # In time, whether published or not; an engine's join may lose the order.
        found.sort(key=lambda row: row[1] & ~PUBLISHED_KEYS, reverse=True)
        return found[:limit]

    def _newest(self, phrases, among, keys, *, rank=None) -> tuple[str, list]:
        """The SQL of `newest` among the order keys `keys` (first, last), without its LIMIT,
        and its parameters."""
        engine = ENGINES[connection.vendor]
        # Asked of each match, in the engine's order, until enough are found: a word in every
        # story costs as much as a rare one. (As "id IN (these stories)", SQLite listed every
        # one of them first, 70 ms at 100,000 stories.)
        each = among.order_by().filter(pk=RawSQL(engine.MATCH_ID, [])).values("pk")
        among_sql, among_params = each.query.sql_with_params()
        columns = engine.RANK_COLUMNS.format(rank=rank) if rank else engine.KEY_COLUMN
        sql = engine.NEWEST.format(among=among_sql, columns=columns)
        return sql, [engine.query(phrases), *keys, *among_params]

    @classmethod
    def _ids(cls, sql: str, params: list) -> list[int]:
        return [row[0] for row in cls._rows(sql, params)]

    @staticmethod
    def _rows(sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class SQLite:
    TABLE = "articles_searchdocument_fts"
    # FTS5 merges its index's segments once 16 wait at a level (its default is 4): as the index
    # grows, each token is rewritten about half as often (a first import's index writes took
    # 8-15% fewer instructions), and a query still reads as fast at 100,000 stories (measured:
    # a common word, a rare one, two words, a Chinese phrase). Kept in the table's own config.
    MERGE_AT = 16
    MERGE = f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', {MERGE_AT})"
    INSTALL = [
        # The engine folds again what search.py folded; porter stems English and leaves
        # the Chinese bigrams as they are.
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
            title, summary, body,
            content='articles_searchdocument', content_rowid='order_key',
            tokenize='porter unicode61 remove_diacritics 2')""",
        MERGE,
        f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_insert
            AFTER INSERT ON articles_searchdocument BEGIN
            INSERT INTO {TABLE}(rowid, title, summary, body)
            VALUES (new.order_key, new.title, new.summary, new.body);
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_delete
            AFTER DELETE ON articles_searchdocument BEGIN
            INSERT INTO {TABLE}({TABLE}, rowid, title, summary, body)
            VALUES ('delete', old.order_key, old.title, old.summary, old.body);
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_update
            AFTER UPDATE ON articles_searchdocument BEGIN
            INSERT INTO {TABLE}({TABLE}, rowid, title, summary, body)
            VALUES ('delete', old.order_key, old.title, old.summary, old.body);
            INSERT INTO {TABLE}(rowid, title, summary, body)
            VALUES (new.order_key, new.title, new.summary, new.body);
            END""",
    ]
    REBUILD = f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"
    UNINSTALL = [
        f"DROP TRIGGER IF EXISTS {TABLE}_insert",
        f"DROP TRIGGER IF EXISTS {TABLE}_delete",
        f"DROP TRIGGER IF EXISTS {TABLE}_update",
        f"DROP TABLE IF EXISTS {TABLE}",
    ]
    MATCH_ID = f"({TABLE}.rowid & {ID_MASK})"
    # FTS5 walks its matches in rowid order itself (the order key), descending as cheaply as
    # ascending, from the range's end, and stops at the LIMIT: BM25 is computed for the
    # candidates alone.
    NEWEST = (
        f"SELECT {MATCH_ID} AS id, {{columns}} FROM {TABLE} WHERE {TABLE} MATCH %s "
        "AND rowid BETWEEN %s AND %s AND EXISTS ({among}) ORDER BY rowid DESC"
    )
    KEY_COLUMN = "rowid AS order_key"
    # BM25 is smaller for a better match: negated, larger is better, as on PostgreSQL.
    RANK = f"-bm25({TABLE}, {{title}}, {{summary}}, {{body}})"
    RANK_COLUMNS = "rowid AS order_key, {rank} AS rank"
    # The matches alone: joined to the stories, the planner hands the published ids to FTS5
    # one by one as rowid lookups, 0.4 s for a rare word among 10,000 stories, not 1 ms.
    RANKED = "{newest} LIMIT %s"

    @staticmethod
    def weights() -> dict[str, float]:
        return {field: float(weight) for field, weight in FIELD_WEIGHTS.items()}

    @staticmethod
    def query(phrases: list[Phrase]) -> str:
        """An FTS5 query: each token quoted, so no word of a reader's is ever an operator."""
        return " AND ".join(
            " + ".join(
                '"{}"{}'.format(token.text.replace('"', '""'), "*" if token.prefix else "")
                for token in phrase
            )
            for phrase in phrases
        )


class PostgreSQL:
    CONFIG = "newsdesk_search"
    INSTALL = [
        # Snowball's English stemmer without its stop words: "the" and "not" are searchable,
        # as they are on SQLite.
        "CREATE TEXT SEARCH DICTIONARY newsdesk_english_stem "
        "(TEMPLATE = snowball, LANGUAGE = english)",
        f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english)",
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
        "ALTER MAPPING REPLACE english_stem WITH newsdesk_english_stem",
        f"""ALTER TABLE articles_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('{CONFIG}', title), 'A')
            || setweight(to_tsvector('{CONFIG}', summary), 'B')
            || setweight(to_tsvector('{CONFIG}', body), 'D')
        ) STORED""",
        # Without a pending list (fastupdate) the planner sees the index as it is: with one, a
        # freshly imported batch made it scan every (TOASTed) vector instead, 20 ms for a rare
        # word among 3,000 stories against 0.05 ms. Writes pay a little more.
        "CREATE INDEX articles_searchdocument_vector ON articles_searchdocument "
        "USING gin (vector) WITH (fastupdate = off)",
    ]
    UNINSTALL = [
        "ALTER TABLE articles_searchdocument DROP COLUMN IF EXISTS vector",
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
        "DROP TEXT SEARCH DICTIONARY IF EXISTS newsdesk_english_stem",
    ]
    MATCH_ID = "articles_searchdocument.article_id"
    # The planner walks the order key's index backwards for a common word, stopping at the
    # LIMIT, and takes the GIN index for a rare one.
    NEWEST = (
        "SELECT article_id AS id, {columns} "
        f"FROM articles_searchdocument, to_tsquery('{CONFIG}', %s) AS query "
        "WHERE vector @@ query AND order_key BETWEEN %s AND %s AND EXISTS ({among}) "
        "ORDER BY order_key DESC"
    )
    KEY_COLUMN = "order_key"
    RANK = "ts_rank_cd('{{{body}, 0, {summary}, {title}}}', d.vector, candidates.query)"
    RANK_COLUMNS = "order_key, query"
    # The candidates first, then their rank: without fresh statistics (just after a large
    # import) the planner otherwise walks every published story and unpacks its vector,
    # 250 ms for a rare word among 10,000 stories instead of 3 ms. Only the candidates'
    # vectors are read again for their rank.
    RANKED = (
        "WITH candidates AS MATERIALIZED ({newest} LIMIT %s) "
        "SELECT candidates.id, candidates.order_key, {rank} FROM candidates "
        "JOIN articles_searchdocument AS d ON d.article_id = candidates.id"
    )

    @staticmethod
    def weights() -> dict[str, float]:
        """ts_rank_cd takes weights D, C, B, A between 0 and 1: the body is D, the dek B and
        the headline A, and the headline's weight is 1."""
        return {field: weight / FIELD_WEIGHTS["title"] for field, weight in FIELD_WEIGHTS.items()}

    @staticmethod
    def query(phrases: list[Phrase]) -> str:
        """A tsquery: each lexeme quoted, phrases joined by <-> (next to each other)."""
        return " & ".join(
            "({})".format(
                " <-> ".join(
                    "'{}'{}".format(
                        token.text.replace("\\", "\\\\").replace("'", "''"),
                        ":*" if token.prefix else "",
                    )
                    for token in phrase
                )
            )
            for phrase in phrases
        )


ENGINES = {"sqlite": SQLite, "postgresql": PostgreSQL}


def database_index_install(apps, schema_editor):
    """The engine's index over SearchDocument (a migration's RunPython)."""
    engine = ENGINES.get(schema_editor.connection.vendor)
    for statement in engine.INSTALL if engine else []:
        schema_editor.execute(statement)


def database_index_uninstall(apps, schema_editor):
    engine = ENGINES.get(schema_editor.connection.vendor)
    for statement in engine.UNINSTALL if engine else []:
        schema_editor.execute(statement)
