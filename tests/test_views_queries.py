"""Public pages make the same number of queries for 10 stories as for 200."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import make_article, make_image, make_source

pytestmark = pytest.mark.django_db

PAGES = {
    "home": lambda story: reverse("home"),
    "tag": lambda story: reverse("tag", kwargs={"slug": "finance"}),
    "source": lambda story: reverse("source", kwargs={"domain": story.source.domain}),
    "search": lambda story: reverse("search") + "?q=气候",
    "search-english": lambda story: reverse("search") + "?q=climate+finance",
    "story": lambda story: reverse("article_detail", kwargs={"slug": story.slug}),
    "bilingual": lambda story: reverse("article_bilingual", kwargs={"slug": story.slug}),
}
# What each page costs, so that a new query anywhere is a deliberate change. Pages with parts
# kept until content changes (topics, related stories) read the page generation for them.
EXPECTED_QUERIES = {
    "home": 5,
    "tag": 6,  # allow_empty=False checks for stories first
    "source": 6,
    "search": 5,  # the count, the page's ranked ids, then the stories as on "home"
    "search-english": 5,
    "story": 5,
    "bilingual": 5,
}


def add_stories(count, source):
    for _ in range(count):
        story = make_article(source=source, tags=["finance", "cop30"])
        make_image(story, caption="Delegates", credit="Reuters")


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_query_count_does_not_grow_with_the_number_of_stories(client, settings, page, language):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    source = make_source()
    add_stories(10, source)
    story = source.articles.order_by("-published_at").first()
    with translation.override(language):
        path = PAGES[page](story)
    # A first request after each change fills Django's content-type cache and the parts
    # kept until content changes (topic counts, related stories); never the page itself.
    client.get(path)
    with_ten = count_queries(client, path)
    add_stories(190, source)
    client.get(path)
    with_two_hundred = count_queries(client, path)
    assert with_ten == with_two_hundred == EXPECTED_QUERIES[page]
