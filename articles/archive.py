"""The archive's month counts, kept on write: how many public stories each month holds.

Counted afresh, every published story read, the archive's first view after a change cost more
the longer the archive (46 ms at 100,000 stories). So the counts are kept in two tables and
moved in the transaction of every write that changes which stories count: a story's status or
times (its save), a translation made ready, back to draft, added or deleted (its save or
delete), a story deleted (the signals below), and the import's batch writer, which saves
without signals and calls `archive_recount` itself. `ArchiveStory` remembers the month each
counted story counts in and `ArchiveMonth` holds the totals; a write compares the stories it
touched with what is remembered and moves the difference with `count = count + n` in SQL, each
story's row locked while it is compared, so that two writers at once lose nothing.

What is counted (`ArticleQuerySet.archive_counted`) holds no clock, so that it changes only on
a write. The clock then changes which of those stories readers see: a scheduled story falls
due, a story with an unpublish time is public until then. So the archive reads the totals and
corrects them by the few stories whose boundary lies ahead (`archive_months`).

Months are the site's time zone (settings.TIME_ZONE), as the month pages'. After changing
NEWSDESK_TIME_ZONE, or changing stories around the ORM (SQL, `QuerySet.update`), run
`manage.py rebuild_archive_counts` (`--check` compares without writing).
"""

from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone

from .models import ArchiveMonth, ArchiveStory, Article, ArticleQuerySet, State, Translation

# A save that writes none of these leaves the story counted as it was.
COUNTED_FIELDS = {"status", "published_at", "unpublish_at"}


def archive_month(moment: datetime) -> date:
    """The month `moment` falls in, in the site's time zone: its first day. At the ends of
    the calendar (a story dated 9999-12-31 late in UTC, whose local time has no year), the
    month it has in UTC."""
    with suppress(OverflowError):
        moment = timezone.localtime(moment, timezone.get_default_timezone())
    return moment.date().replace(day=1)


def month_bounds(month: date) -> Q:
    """The stories published in `month` (a first day), in the site's time zone; the last
    month of the calendar has no month after it."""
    after = Q(published_at__gte=month_start(month))
    if (month.year, month.month) == (9999, 12):
        return after
    return after & Q(published_at__lt=month_start((month + timedelta(days=31)).replace(day=1)))


def month_start(month: date) -> datetime:
    """The first moment of `month` (a first day), in the site's time zone."""
    return timezone.make_aware(datetime.combine(month, time()), timezone.get_default_timezone())


def archive_months(now=None) -> list[dict]:
    """Every month with public stories as of `now`, the latest first: month (its first
    moment, in the site's time zone) and count, as `ArticleQuerySet.month_counts` counts them.
    The kept totals, a few dozen rows, corrected by the stories whose time is still to come."""
    now = now or timezone.now()
    counts = Counter(dict(ArchiveMonth.objects.exclude(count=0).values_list("month", "count")))
    counts.subtract(_scheduled(counts, now))
    # Public until an unpublish time still to come, so not counted: along that time's partial
    # index, in its order, the rule read per row (with `status = ...` in the SQL, or in the
    # stories' own order, SQLite would walk every story instead: 63 ms at 100,000).
    ending = (
        Article.objects.filter(unpublish_at__gt=now)
        .order_by("unpublish_at")
        .with_state(now)
        .annotate(ready=ArticleQuerySet.has_ready_translation())
        .values_list("published_at", "state", "ready")
    )
    for published_at, state, ready in ending:
        if state == State.PUBLISHED and ready:
            counts[archive_month(published_at)] += 1
    return [
        {"month": month_start(month), "count": count}
        for month, count in sorted(counts.items(), reverse=True)
        if count > 0
    ]


def _scheduled(months, now) -> dict[date, int]:
    """How many counted stories of each of `months` are scheduled after `now`: counted in the
    database, month by month from this one on, in one walk along the (status, published_at)
    index from now (a story read into Python each would cost more the more are scheduled)."""
    ahead = sorted(month for month in months if month >= archive_month(now))
    if not ahead:
        return {}
    per_month = {f"m{n}": Count("pk", filter=month_bounds(month)) for n, month in enumerate(ahead)}
    found = Article.objects.archive_counted().filter(published_at__gt=now).aggregate(**per_month)
    return {month: found[f"m{n}"] for n, month in enumerate(ahead)}


# No savepoint of its own (two statements each time): a recount that fails fails the write.
@transaction.atomic(savepoint=False)
def archive_recount(article_ids: Iterable[int], *, deleting: bool = False) -> None:
    """Move the month counts to what the stories `article_ids` hold now in the database (or
    to nothing, when `deleting` them): for a write that changed them, in its transaction."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    _lock(ids)
    counted = (
        {}
        if deleting
        else {
            pk: archive_month(published_at)
            for pk, published_at in Article.objects.archive_counted()
            .filter(pk__in=ids)
            .values_list("pk", "published_at")
        }
    )
    stored = ArchiveStory.objects.filter(article_id__in=ids).values_list("article_id", "month")
    stored = dict(stored)
    moved = [pk for pk in ids if counted.get(pk) != stored.get(pk)]
    if not moved:
        return
    ArchiveStory.objects.filter(article_id__in=[pk for pk in moved if pk in stored]).delete()
    ArchiveStory.objects.bulk_create(
        ArchiveStory(article_id=pk, month=counted[pk]) for pk in moved if pk in counted
    )
    changes = Counter()
    for pk in moved:
        if pk in stored:
            changes[stored[pk]] -= 1
        if pk in counted:
            changes[counted[pk]] += 1
    _months_add(changes)


@transaction.atomic
def archive_rebuild() -> tuple[int, int]:
    """Count every story again, the kept counts replaced: (stories counted, months)."""
    _lock_tables(ArchiveStory, ArchiveMonth, mode="SHARE ROW EXCLUSIVE")
    counted = {
        pk: archive_month(published_at)
        for pk, published_at in Article.objects.archive_counted()
        .values_list("pk", "published_at")
        .iterator(5000)
    }
    ArchiveStory.objects.all().delete()
    ArchiveStory.objects.bulk_create(
        (ArchiveStory(article_id=pk, month=month) for pk, month in counted.items()),
        batch_size=1000,
    )
    months = Counter(counted.values())
    ArchiveMonth.objects.all().delete()
    ArchiveMonth.objects.bulk_create(ArchiveMonth(month=m, count=n) for m, n in months.items())
    return len(counted), len(months)


def archive_differences(now=None) -> dict[date, tuple[int, int]]:
    """The months whose kept count differs from a count afresh: month -> (kept, counted)."""
    kept = {archive_month(row["month"]): row["count"] for row in archive_months(now)}
    counted = {
        archive_month(row["month"]): row["count"]
        for row in Article.objects.published(now).month_counts()
    }
    return {
        month: (kept.get(month, 0), counted.get(month, 0))
        for month in sorted(kept.keys() | counted.keys())
        if kept.get(month) != counted.get(month)
    }


def _lock(ids: list[int]) -> None:
    """On PostgreSQL, wait for the writers of these stories and for a rebuild to commit, so
    that what is read next is what they left. SQLite runs one writer at a time
    (transaction_mode IMMEDIATE) and has no row locks."""
    if connection.features.has_select_for_update:
        _lock_tables(ArchiveStory, mode="ROW EXCLUSIVE")
        stories = Article.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        list(stories.values_list("pk", flat=True))


def _lock_tables(*models, mode: str) -> None:
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN {mode} MODE")


def _months_add(changes: Counter) -> None:
    """Add each change to its month's count in one statement, in the database's arithmetic
    (never a count read and written back), the months in order, so that two writers at once
    take their locks in the same order."""
    rows = sorted((month, n) for month, n in changes.items() if n)
    if not rows:
        return
    quote = connection.ops.quote_name
    table, month, count = quote(ArchiveMonth._meta.db_table), quote("month"), quote("count")
    values = ", ".join(["(%s, %s)"] * len(rows))
    params = [p for m, n in rows for p in (connection.ops.adapt_datefield_value(m), n)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({month}, {count}) VALUES {values} "
            f"ON CONFLICT ({month}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}",
            params,
        )


def _article_saved(sender, instance, created, update_fields=None, **kwargs):
    # A new story has no translation yet: its translations' saves count it.
    if created or (update_fields is not None and not COUNTED_FIELDS & set(update_fields)):
        return
    archive_recount([instance.pk])


def _article_deleting(sender, instance, **kwargs):
    archive_recount([instance.pk], deleting=True)


def _translation_changed(sender, instance, created=False, update_fields=None, **kwargs):
    if update_fields is not None and "status" not in update_fields:
        return
    if created and instance.status != Translation.Status.READY:
        return  # a new draft takes nothing away
    archive_recount([instance.article_id])


post_save.connect(_article_saved, sender=Article, dispatch_uid="archive-article-save")
pre_delete.connect(_article_deleting, sender=Article, dispatch_uid="archive-article-delete")
post_save.connect(_translation_changed, sender=Translation, dispatch_uid="archive-translation")
post_delete.connect(
    _translation_changed, sender=Translation, dispatch_uid="archive-translation-delete"
)
