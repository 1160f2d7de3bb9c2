"""for_reader() reads each story's ready translations (the reader's language first) and
images in the stories' own query: every way of reading the queryset gets them, and the
reads that make no stories are left as Django makes them."""

import pytest

from articles.models import Article, Translation
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
