"""A page cache for anonymous readers, emptied whenever editors change what readers see.

Each cached page's key holds a generation token. The token follows PageGeneration, one row in
the database that every write readers could see bumps (the signals below), inside the write's
own transaction. Every request reads that row, one query, so a change made by any process, the
import command or another server process, is seen on the next request, with the default
local-memory cache as with Redis. Pages cached before become unreachable and simply expire.

The bump commits with the content, never before it: a reader who sees the new number also sees
the new content, so old content is never cached under the new generation.

The token also remembers when what readers see next changes by the clock (a scheduled story
falls due, a published one reaches its unpublish time, a home page feature starts or ends), and
turns over at that moment.
"""

import hashlib
import json
from functools import wraps
from uuid import uuid4

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from taggit.models import Tag, TaggedItem

from .models import Article, Feature, Image, PageGeneration, Source, TagLabel, Translation

GENERATION_KEY = "newsdesk:page-generation"


def page_generation() -> str:
    """The current generation's token: read from the database once per request."""
    token = getattr(_this_request, "generation", None)
    if token is None:
        token = _page_generation_read()
        if hasattr(_this_request, "generation"):  # inside a request
            _this_request.generation = token
    return token


def _page_generation_read() -> str:
    number = PageGeneration.objects.number()
    state = cache.get(GENERATION_KEY)
    if (
        state is None
        or state["number"] != number
        or (state["due"] is not None and state["due"] <= timezone.now())
    ):
        changes = [Article.objects.next_change_by_the_clock(), Feature.objects.next_change()]
        state = {
            "number": number,
            "token": f"{number}.{uuid4().hex}",
            "due": min(filter(None, changes), default=None),
        }
        cache.set(GENERATION_KEY, state, timeout=None)
    return state["token"]


# The generation read for the request being served: set to None when a request starts and
# filled by its first read; outside a request (commands, shells) every call reads afresh.
_this_request = Local()


def _request_started(**signal_kwargs) -> None:
    _this_request.generation = None


def _request_finished(**signal_kwargs) -> None:
    if hasattr(_this_request, "generation"):
        del _this_request.generation


def page_generation_bump(**signal_kwargs) -> None:
    """Start a new generation when the current write commits: no page cached so far is
    served again, in any process."""
    if hasattr(_this_request, "generation"):
        _this_request.generation = None  # this request reads the new one
    bumped = PageGeneration.objects.filter(pk=PageGeneration.ROW).update(number=F("number") + 1)
    if not bumped:  # the row is made by a migration, but a flushed test database has none
        PageGeneration.objects.get_or_create(pk=PageGeneration.ROW, defaults={"number": 1})


def cached_with_content(name: str, compute, timeout: int = 3600):
    """`compute()`, kept until content changes: for costly parts every page shows."""
    key = f"newsdesk:part:{page_generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def page_key(request, page_parameters) -> str:
    """What makes a different page, and nothing else: `?x=1`, `?x=2`... share one entry."""
    parameters = {name: request.GET[name] for name in page_parameters if name in request.GET}
    page = [request.scheme, request.get_host(), request.path, get_language(), parameters]
    digest = hashlib.sha256(json.dumps(page, sort_keys=True).encode()).hexdigest()
    return f"newsdesk:page:{page_generation()}:{digest}"


def patch_shared_caching(response) -> None:
    """A public page: browsers ask again each time (and get a 304 while its ETag holds), a
    shared cache or CDN may keep it NEWSDESK_SHARED_CACHE_SECONDS and serve it a little
    longer while it fetches the new one."""
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.NEWSDESK_SHARED_CACHE_SECONDS,
        stale_while_revalidate=settings.NEWSDESK_STALE_WHILE_REVALIDATE_SECONDS,
    )


def cache_for_anonymous(view, *, page_parameters=None):
    """Serve `view` from the page cache to readers who are not logged in.

    The query parameters that make a different page are the view's `page_parameters`
    (ReaderPageMixin), unless given here for a view that has none of its own.
    """
    if page_parameters is None:
        page_parameters = getattr(getattr(view, "view_class", view), "page_parameters", ())

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if request.user.is_authenticated:
            # What a logged-in reader sees is theirs: no shared cache may keep it.
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        timeout = settings.NEWSDESK_PAGE_CACHE_SECONDS
        key = page_key(request, page_parameters) if timeout else None
        response = cache.get(key) if key else None
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            patch_shared_caching(response)
            if not timeout:
                return response
            if hasattr(response, "add_post_render_callback"):
                response.add_post_render_callback(
                    lambda rendered: cache.set(key, rendered, timeout)
                )
            else:
                cache.set(key, response, timeout)
        return response

    return cached_view


# bulk_create and QuerySet.update send no signal: the import creates each Article with
# .create(), so its post_save bumps the generation in the file's transaction.
for model in (Source, Article, Translation, Image, Feature, Tag, TagLabel, TaggedItem):
    post_save.connect(page_generation_bump, sender=model, dispatch_uid=f"page-cache-save-{model}")
    post_delete.connect(page_generation_bump, sender=model, dispatch_uid=f"page-cache-del-{model}")
m2m_changed.connect(
    page_generation_bump, sender=Article.tags.through, dispatch_uid="page-cache-tags"
)
request_started.connect(_request_started, dispatch_uid="page-generation-request-started")
request_finished.connect(_request_finished, dispatch_uid="page-generation-request-finished")
