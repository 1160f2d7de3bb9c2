"""A paginator whose count stops a few pages past the page asked for.

Counting every story of a topic or a source scans all of them, and that grows with the
archive: 35 ms of a 50 ms page at 100,000 stories. Readers page forwards from the newest, so
the page asked for and a few after it are enough to say which pages exist next.

A list that names a `count_key` has its count kept until content changes (articles/cache.py):
the home page, whose count was a query of its own on every uncached view.

A list pages no deeper than its first `max_items` items (10,000, Elasticsearch's default
`max_result_window`; Google and GitHub stop paging at a similar depth): a page past them is a
404 before any query, and no count reads further, so what a query string can make a page read
stays flat however large the archive grows. `?page=last` is the last page a reader can reach
(views.PagedListMixin). The archive's month pages list every story, however old, up to
10,000 in one month (a newsroom's month holds a few hundred).
"""

from functools import cached_property

from django.core.paginator import EmptyPage, Paginator

from .cache import cached_with_content


class CappedCountPaginator(Paginator):
    pages_ahead = 10
    max_items = 10_000

    def __init__(self, *args, pages_ahead=None, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pages_ahead is not None:
            self.pages_ahead = pages_ahead
        self.count_key = count_key
        self.count_limit = self.per_page * (1 + self.pages_ahead)

    @property
    def last_page(self) -> int:
        """The deepest page a reader can reach."""
        return -(-self.max_items // self.per_page)

    def count_up_to(self, number) -> None:
        """Count far enough for page `number` (or "last"), before the count is taken; a count
        taken already that far is kept."""
        if number == "last":
            number = self.last_page
        try:
            number = min(max(int(number), 1), self.last_page)
        except (TypeError, ValueError, OverflowError):
            number = 1
        # One past the reachable items at most: enough to say there are more.
        limit = min(self.per_page * (number + self.pages_ahead), self.max_items + 1)
        if "count" in self.__dict__ and limit <= self.count_limit:
            return
        self.count_limit = limit
        for counted in ("count", "num_pages"):
            self.__dict__.pop(counted, None)

    def page(self, number):
        try:
            past_reach = int(number) > self.last_page
        except (TypeError, ValueError, OverflowError):
            past_reach = False  # Paginator.page refuses it
        if past_reach:
            raise EmptyPage(self.error_messages["no_results"])
        self.count_up_to(number)
        return super().page(number)

    @cached_property
    def num_pages(self) -> int:
        return min(Paginator.num_pages.func(self), self.last_page)

    @property
    def more_than_reachable(self) -> bool:
        """More items than a reader can page to (known once counted that far)."""
        return self.count > self.max_items

    @cached_property
    def count(self):
        # Kept for the first pages only: a key per page number asked for would let query
        # strings fill the cache.
        if self.count_key and self.count_limit <= self.per_page * (1 + self.pages_ahead):
            key = f"count:{self.count_key}:{self.count_limit}"
            return cached_with_content(key, self._count_up_to_limit)
        return self._count_up_to_limit()

    def _count_up_to_limit(self) -> int:
        if not hasattr(self.object_list, "values"):
            return len(self.object_list[: self.count_limit])
        # Only the primary keys: the stories' other columns would be read for nothing.
        return self.object_list.values("pk")[: self.count_limit].count()

    @property
    def count_is_exact(self) -> bool:
        """False when there are at least `count` items, perhaps more, or more than a reader
        can page to (then the pages are not all there is)."""
        return self.count < self.count_limit and not self.more_than_reachable


class SearchPaginator(CappedCountPaginator):
    """Pages of `search.SearchResults`: counts as far as the page asked for needs, and at
    least one past the matches ranked by relevance, so the page can say "more than"."""

    @property
    def count_limit(self) -> int:
        return max(self._count_limit, self.object_list.ranked_matches + 1)

    @count_limit.setter
    def count_limit(self, value: int) -> None:
        self._count_limit = value

    def _count_up_to_limit(self) -> int:
        return self.object_list.count(limit=self.count_limit)

    @property
    def more_than_ranked(self) -> bool:
        return self.count > self.object_list.ranked_matches
