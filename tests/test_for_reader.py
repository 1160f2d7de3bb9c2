"""for_reader() reads each story's ready translations (the reader's language first) and
images in the stories' own query: every way of reading the queryset gets them, and the
reads that make no stories are left as Django makes them."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, TagLabel, Translation, reader_stories
from articles.tags import tag_name
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    both = make_article(en={"title": "Both"}, zh={"title": "两种"})
    make_image(both, position=1, caption={"en": "second"})
    make_image(both, position=0, caption={"en": "first"})
    english = make_article(en={"title": "English only"}, zh={"status": Translation.Status.DRAFT})
    return both, english


def shown(story):
    """What a card shows of a story: its translations' titles, its images' captions."""
    titles = [t.title for t in story.reader_translations]
    return titles, [image.caption["en"] for image in story.reader_images]


EXPECTED = {
    "Both": (["两种", "Both"], ["first", "second"]),
    "English only": (["English only"], []),
}


def by_title(stories):
    """What each story shows, by its English headline."""
    return {
        next(t.title for t in story.reader_translations if t.language == "en"): shown(story)
        for story in stories
    }


def test_every_way_of_reading_the_stories_gets_their_parts(stories):
    both, english = stories
    readers = Article.objects.published().for_reader("zh-hans").order_by("-published_at")
    assert by_title(readers) == EXPECTED
    assert by_title(readers.iterator()) == EXPECTED  # was: no reader_translations at all
    assert by_title(readers.iterator(chunk_size=1)) == EXPECTED
    assert by_title(readers[:2]) == EXPECTED
    assert by_title([readers[0], readers[1]]) == EXPECTED
    assert by_title([readers.first(), readers.last()]) == EXPECTED
    assert by_title([readers.get(pk=both.pk), readers.get(pk=english.pk)]) == EXPECTED
    assert by_title(readers.in_bulk().values()) == EXPECTED
    assert by_title(readers.prefetch_related("tags").iterator(chunk_size=1)) == EXPECTED


def test_reads_that_make_no_stories_are_left_alone(stories, django_assert_num_queries):
    both, english = stories
    readers = Article.objects.published().for_reader("en")
    with django_assert_num_queries(1):
        assert sorted(readers.values_list("pk", flat=True)) == sorted([both.pk, english.pk])
    with django_assert_num_queries(1):
        assert {row["slug"] for row in readers.values("slug")} == {both.slug, english.slug}
    with django_assert_num_queries(1):
        assert readers.count() == 2
    with django_assert_num_queries(1):
        assert readers.exists()
    fetched = readers.all()
    with django_assert_num_queries(1):  # the stories, with their translations and images
        assert both in fetched and english in fetched
        assert len(fetched) == 2
        assert by_title(fetched) == {
            "Both": (["Both", "两种"], ["first", "second"]),
            "English only": (["English only"], []),
        }


def test_a_storys_tags_come_with_it_named_for_readers(django_assert_num_queries):
    """for_reader(tags=True): the tags in the story's own query, in the order they were made,
    each named as readers call it (TagLabel), the taggit name where it has no label."""
    story = make_article(tags=["finance", "adaptation", "cop30"])
    TagLabel.objects.filter(tag__name="adaptation").delete()
    TagLabel.objects.filter(tag__name="finance").update(name={"en": "Finance", "zh-hans": "资金"})
    with django_assert_num_queries(1):
        read = Article.objects.published().for_reader("zh-hans", tags=True).get(pk=story.pk)
        tags = read.reader_tags
        names = {code: [tag_name(tag, code) for tag in tags] for code in ("en", "zh-hans")}
    assert [tag.name for tag in tags] == ["finance", "adaptation", "cop30"]
    assert [tag.slug for tag in tags] == [tag.slug for tag in Tag.objects.order_by("pk")]
    assert names["en"][:2] == ["Finance", "adaptation"]
    assert names["zh-hans"][:2] == ["资金", "adaptation"]
    assert set(tags) == set(story.tags.all())


def test_reader_stories_built_once_reads_the_time_it_runs():
    """reader_stories() is built once and copied; what is public is decided when each copy
    runs, so a story scheduled after the query was built appears once its time comes."""
    now = timezone.now()
    scheduled = make_article(en={"title": "Later"}, published_at=now + timedelta(hours=1))
    assert scheduled not in reader_stories("en", bodies=False)
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(hours=2)):
        assert scheduled in reader_stories("en", bodies=False)
        assert scheduled in Article.objects.published()
    assert scheduled not in reader_stories("en", bodies=False)
