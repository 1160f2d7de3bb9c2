"""The archive's month counts, kept on write (articles/archive.py), equal a count afresh after
every kind of write, as the clock moves, and in the site's time zone."""

import shutil
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles.archive import archive_differences, archive_months, archive_recount
from articles.importing import import_run
from articles.importing.write import ImportOptions
from articles.models import ArchiveMonth, ArchiveStory, Article, Translation
from articles.publishing import article_move, article_publish, article_unpublish, translation_move
from tests.factories import make_article

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def at(year, month, day=10, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


def assert_counts_hold(now=None):
    """The kept counts are a count afresh, and each counted story remembers its month."""
    now = now or timezone.now()
    assert archive_differences(now) == {}
    assert archive_months(now) == list(Article.objects.published(now).month_counts())
    remembered = set(ArchiveStory.objects.values_list("article_id", flat=True))
    assert remembered == set(Article.objects.archive_counted().values_list("pk", flat=True))


def counts(now=None) -> dict[str, int]:
    return {f"{row['month']:%Y-%m}": row["count"] for row in archive_months(now)}


def test_counts_follow_publishing_readiness_and_deletes(editor):
    march, april = at(2025, 3), at(2025, 4)
    stories = [make_article(published_at=march) for _ in range(3)]
    make_article(published_at=april)
    make_article(status=Article.Status.DRAFT, published_at=april)
    assert counts() == {"2025-04": 1, "2025-03": 3}
    assert_counts_hold()

    article_unpublish(article=stories[0], user=editor)
    assert counts() == {"2025-04": 1, "2025-03": 2}
    article_publish(article=stories[0], user=editor, published_at=april)
    assert counts() == {"2025-04": 2, "2025-03": 2}
    assert_counts_hold()

    # Readiness: a story with no ready translation is public nowhere.
    for translation in stories[1].translations.all():
        translation_move(translation=translation, user=editor, status=Translation.Status.DRAFT)
    assert counts() == {"2025-04": 2, "2025-03": 1}
    english = stories[1].translations.get(language="en")
    translation_move(translation=english, user=editor, status=Translation.Status.READY)
    assert counts() == {"2025-04": 2, "2025-03": 2}
    assert_counts_hold()

    # A translation deleted, then the story's last one; a story deleted.
    stories[2].translations.get(language="en").delete()
    assert counts()["2025-03"] == 2
    stories[2].translations.all().delete()
    assert counts()["2025-03"] == 1
    stories[1].delete()
    assert counts() == {"2025-04": 2}
    Article.objects.filter(published_at=april).delete()
    assert counts() == {}
    assert_counts_hold()


def test_the_clock_makes_scheduled_stories_public_and_ends_others(editor):
    now = timezone.now()
    scheduled = make_article(published_at=now + timedelta(days=40))
    ending = make_article(published_at=now - timedelta(days=40))
    article_move(
        article=Article(pk=ending.pk, unpublish_at=now + timedelta(days=20)),
        user=editor,
        status=Article.Status.PUBLISHED,
        published_at=ending.published_at,
    )
    ending.refresh_from_db()
    assert ending.unpublish_at == now + timedelta(days=20)
    make_article(published_at=now - timedelta(days=400))
    month = f"{timezone.localtime(scheduled.published_at):%Y-%m}"
    ended_month = f"{timezone.localtime(ending.published_at):%Y-%m}"

    assert month not in counts(now) and counts(now)[ended_month] == 1
    assert_counts_hold(now)
    later = now + timedelta(days=41)  # the scheduled story is due, the other has ended
    assert counts(later)[month] == 1 and ended_month not in counts(later)
    assert_counts_hold(later)
    for moment in (now + timedelta(days=19), now + timedelta(days=21), now + timedelta(days=39)):
        assert_counts_hold(moment)


def test_counts_follow_the_import_and_a_reimport_that_moves_a_story(tmp_path, editor):
    folder = tmp_path / "stories"
    shutil.copytree(SAMPLES, folder)
    import_run(paths=[folder], options=ImportOptions(publish=True, fetch_images=False))
    assert Article.objects.published().count() == len(list(SAMPLES.iterdir()))
    assert sum(counts().values()) == len(list(SAMPLES.iterdir()))
    assert_counts_hold()

    # A new version of a file with another publication time: merged into the story, which
    # moves to that month.
    bonn = folder / "001_bonn_finance_talks.txt"
    bonn.write_text(bonn.read_text().replace("date: 2026-06-12", "date: 2025-01-12"))
    import_run(paths=[bonn], options=ImportOptions(publish=True, fetch_images=False))
    assert counts()["2025-01"] == 1
    assert_counts_hold()


def test_months_are_the_site_time_zone_as_on_the_month_pages(client, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    # 20:00 UTC on 31 March is 04:00 on 1 April in Shanghai.
    story = make_article(published_at=datetime(2025, 3, 31, 20, tzinfo=UTC))
    assert counts() == {"2025-04": 1}
    assert_counts_hold()
    april = reverse("archive_month", kwargs={"year": 2025, "month": 4})
    assert april in client.get(reverse("archive")).content.decode()
    assert story.slug in client.get(april).content.decode()


def test_counts_are_the_archive_page_after_a_save(client, editor, settings):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 600
    story = make_article(published_at=at(2025, 3))
    make_article(published_at=at(2025, 3))
    assert "2 stories" in client.get(reverse("archive")).content.decode()
    article_unpublish(article=story, user=editor)
    page = client.get(reverse("archive")).content.decode()
    assert "1 story" in page and "2 stories" not in page


def test_a_recount_of_unchanged_stories_writes_nothing(django_assert_num_queries):
    stories = [make_article(published_at=at(2025, 3)) for _ in range(5)]
    # The stories and what they remember; on PostgreSQL after their locks.
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 2):
        archive_recount(story.pk for story in stories)
    assert counts() == {"2025-03": 5}


def test_rebuild_command_checks_and_mends_counts_changed_around_the_orm():
    make_article(published_at=at(2025, 3))
    make_article(published_at=at(2025, 5))
    call_command("rebuild_archive_counts", "--check", stdout=StringIO())
    # Writes that send no signal leave the counts behind.
    Article.objects.filter(published_at=at(2025, 5)).update(status=Article.Status.DRAFT)
    ArchiveMonth.objects.filter(month="2025-03-01").update(count=F("count") + 4)
    with pytest.raises(SystemExit) as exited:
        call_command("rebuild_archive_counts", "--check", stdout=StringIO())
    assert exited.value.code == 1
    out = StringIO()
    call_command("rebuild_archive_counts", stdout=out)
    assert "1" in out.getvalue()
    assert counts() == {"2025-03": 1}
    assert_counts_hold()
    call_command("rebuild_archive_counts", "--check", stdout=StringIO())


def test_a_story_dated_at_the_end_of_the_calendar_takes_no_page_down(client, settings):
    settings.TIME_ZONE = "Asia/Shanghai"  # its local time would be in the year 10000
    make_article(published_at=datetime(9999, 12, 31, 20, tzinfo=UTC))
    make_article(published_at=at(2025, 3))
    assert counts() == {"2025-03": 1}  # the far one is scheduled, not yet public
    assert client.get(reverse("archive")).status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
    march = reverse("archive_month", kwargs={"year": 2025, "month": 3})
    assert client.get(march).status_code == 200
    assert counts(now=datetime(9999, 12, 31, 23, tzinfo=UTC)) == {"9999-12": 1, "2025-03": 1}


def test_a_bulk_delete_in_the_admin_leaves_the_counts_right(admin_client):
    stories = [make_article(published_at=at(2025, month)) for month in (3, 3, 4, 5)]
    make_article(published_at=at(2025, 4))
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "post": "yes", "_selected_action": [s.pk for s in stories]},
    )
    assert response.status_code == 302
    assert counts() == {"2025-04": 1}
    assert_counts_hold()
