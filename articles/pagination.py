"""A paginator whose count stops a few pages past the page asked for.

Counting every story of a topic or a source scans all of them, and that grows with the
archive: 35 ms of a 50 ms page at 100,000 stories. Readers page forwards from the newest, so
the page asked for and a few after it are enough to say which pages exist next.

A list that names a `count_key` has its count kept until content changes (articles/cache.py):
the home page, whose count was a query of its own on every uncached view.
"""

from functools import cached_property

from django.core.paginator import Paginator

from .cache import cached_with_content


class CappedCountPaginator(Paginator):
    pages_ahead = 10
    # Past any archive: a larger page number (a query string's) is counted as this one, so
    # the count's LIMIT stays a number the database takes.
    last_page_asked = 1_000_000

    def __init__(self, *args, pages_ahead=None, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pages_ahead is not None:
            self.pages_ahead = pages_ahead
        self.count_key = count_key
        self.count_limit = self.per_page * (1 + self.pages_ahead)

    def count_up_to(self, number) -> None:
        """Count far enough for page `number`, before the count is taken."""
        try:
            number = min(max(int(number), 1), self.last_page_asked)
        except (TypeError, ValueError, OverflowError):
            number = 1
        self.count_limit = self.per_page * (number + self.pages_ahead)
        for counted in ("count", "num_pages"):
            self.__dict__.pop(counted, None)

    def page(self, number):
        self.count_up_to(number)
        return super().page(number)

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
        """False when there are at least `count` items, perhaps more."""
        return self.count < self.count_limit


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
