"""List and search pages read no further than a reader can page, whatever page is asked for;
`?page=last` is the last page there is to reach, and the pages say so in both languages."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles.pagination import CappedCountPaginator
from tests.factories import make_article, make_source

pytestmark = pytest.mark.django_db

STORIES = 45  # three pages of 20
MONTH = datetime(2025, 3, 10, tzinfo=UTC)


@pytest.fixture
def stories(settings, monkeypatch):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    settings.SEARCH_RANKED_MATCHES = 20
    monkeypatch.setattr(CappedCountPaginator, "pages_ahead", 1)
    source = make_source(domain="deep.example.com")
    return [
        make_article(source=source, tags=["finance"], published_at=MONTH + timedelta(hours=n))
        for n in range(STORIES)
    ]


def list_urls(language="en"):
    """Every paged list a reader meets, in `language`: home, topic, source, month, search."""
    with translation.override(language):
        return {
            "home": reverse("home"),
            "topic": reverse("tag", kwargs={"slug": "finance"}),
            "source": reverse("source", kwargs={"domain": "deep.example.com"}),
            "month": reverse("archive_month", kwargs={"year": 2025, "month": "03"}),
            "search": reverse("search") + "?q=climate&",
        }


def page_url(address, page):
    return f"{address}{'' if address.endswith('&') else '?'}page={page}"


def limits_read(queries) -> list[int]:
    return [int(n) for query in queries for n in re.findall(r"LIMIT (\d+)", query["sql"])]


def page_text(response, selector):
    assert response.status_code == 200, response.status_code
    found = BeautifulSoup(response.content, "html.parser").select_one(selector)
    return found.get_text(" ", strip=True) if found else None


@pytest.mark.parametrize("name", ["home", "topic", "source", "month", "search"])
def test_last_is_the_last_page_there_is(client, stories, name):
    """Counted a page ahead, `last` was the last page counted: page 2 "of 3" before."""
    response = client.get(page_url(list_urls()[name], "last"))
    assert page_text(response, ".page-number") == "Page 3 of 3"
    assert page_text(response, "a[rel=next]") is None
    # Its address for search engines and the other language is the page's number, not "last".
    head = BeautifulSoup(response.content, "html.parser")
    addresses = [head.select_one("link[rel=canonical]")["href"]] + [
        link["href"] for link in head.select("link[rel=alternate][hreflang]")
    ]
    assert addresses and all("page=3" in a and "last" not in a for a in addresses)


@pytest.mark.parametrize("name", ["home", "topic", "source", "month", "search"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_list_longer_than_a_reader_can_page_says_where_it_stops(
    client, stories, monkeypatch, name, language
):
    monkeypatch.setattr(CappedCountPaginator, "max_items", 40)
    address = list_urls(language)[name]
    with CaptureQueriesContext(connection) as queries:
        last = client.get(page_url(address, "last"))
    # Counted one past the reachable stories, never all of them.
    assert max(limits_read(queries)) <= 41
    said = {
        "en": ("Page 2", "Only the first 2 pages are shown."),
        "zh-hans": ("第 2 页", "仅显示前 2 页。"),
    }[language]
    assert (page_text(last, ".page-number"), page_text(last, ".pagination-end")) == said
    assert page_text(last, "a[rel=next]") is None
    second = client.get(page_url(address, 2))
    assert (page_text(second, ".page-number"), page_text(second, ".pagination-end")) == said
    first = client.get(address)
    assert page_text(first, ".pagination-end") is None
    assert client.get(page_url(address, 3)).status_code == 404


@pytest.mark.parametrize("name", ["home", "topic", "source", "month", "search"])
@pytest.mark.parametrize("page", ["3", "999999", "9" * 4000])
def test_a_page_past_reach_is_a_404_that_reads_no_list(client, stories, monkeypatch, name, page):
    monkeypatch.setattr(CappedCountPaginator, "max_items", 40)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(list_urls()[name], page))
    assert response.status_code == 404
    # No count of the list: at most the topic or the source, whether it has a story, the
    # home page's topics.
    assert not [query for query in queries if "COUNT(*)" in query["sql"].upper()]
    assert all(limit <= 21 for limit in limits_read(queries))


def test_a_deep_page_reads_no_further_than_the_deepest_reachable_one(client, stories):
    """Without a bound a deep page's count read every match before its 404: the cost of the
    old full count, per request."""
    paginator = CappedCountPaginator(list(range(100_000)), 20)
    paginator.count_up_to(999_999)
    assert paginator.count_limit == CappedCountPaginator.max_items + 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page_url(list_urls()["topic"], 499)).status_code == 404
    assert max(limits_read(queries)) <= CappedCountPaginator.max_items + 1


@pytest.mark.parametrize("name", ["home", "topic", "source", "month", "search"])
@pytest.mark.parametrize(
    "page", ["0", "-1", "1.5", "last", "1e23", "\x00", "9" * 5000, "２", " 2", "", "LAST"]
)
def test_no_page_value_fails_a_page(client, stories, name, page):
    query = {"q": "climate", "page": page} if name == "search" else {"page": page}
    response = client.get(list_urls()[name], query)
    assert response.status_code in (200, 404)
