"""The admin site: Django's, with every list's search bounded in words.

Django's admin search makes a condition for each word and field; SQLite refuses the filter of
1,000 words ("Expression tree is too large": a 500), and PostgreSQL takes seconds to plan it.
Every ModelAdmin registered here, Django's and other apps' too, searches the first
`search.MAX_TERMS` words, as the readers' search does, and tells the editor when there were
more (newsdesk.apps.AdminConfig makes this the default site).
"""

from itertools import islice

from django.contrib import admin, messages
from django.utils.text import smart_split
from django.utils.translation import gettext as _

from .search import MAX_TERMS


def search_words_used(request, search_term: str, words: list[str]) -> str:
    """The search an admin list runs: `search_term`, or when its search reads more than
    MAX_TERMS words in it (`words`, the first MAX_TERMS + 1 of them as that search reads them),
    the first MAX_TERMS; the editor is then warned on the list (not in an autocomplete's JSON
    answer: the message would wait for the next page)."""
    if len(words) <= MAX_TERMS:
        return search_term
    match = request.resolver_match
    if not (match and match.url_name == "autocomplete"):
        messages.warning(
            request,
            _("Only the first %(number)s words of the search were used.") % {"number": MAX_TERMS},
            fail_silently=True,
        )
    return " ".join(words[:MAX_TERMS])


def django_search_words(search_term: str, limit: int) -> list[str]:
    """The first `limit` words of a search as Django's admin reads them: a quoted phrase is
    one word."""
    return list(islice(smart_split(search_term), limit))


class BoundedSearchMixin:
    """Put before the ModelAdmin (`AdminSite.register`): a ModelAdmin with a search of its own
    says how it reads words with a `search_words(search_term, limit)` method."""

    def get_search_results(self, request, queryset, search_term):
        read = getattr(super(), "search_words", django_search_words)
        words = read(search_term, MAX_TERMS + 1)
        return super().get_search_results(
            request, queryset, search_words_used(request, search_term, words)
        )


class AdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BoundedSearchMixin):
            admin_class = type(
                admin_class.__name__,
                (BoundedSearchMixin, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        super().register(model_or_iterable, admin_class, **options)
