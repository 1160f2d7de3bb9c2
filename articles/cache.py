"""A page cache for anonymous readers, emptied whenever editors change what readers see.

Each cached page's key holds a generation token. Saving or deleting any content replaces the
token, so every page cached before becomes unreachable at once and simply expires. The token
also remembers when the next scheduled story falls due, and turns over at that moment.

Written against django.core.cache only. Local memory (the default backend) is per process:
with several server processes, configure a shared cache so one editor's change reaches all.
"""

import hashlib
from functools import wraps
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from .models import Article, Image, Source, Translation

GENERATION_KEY = "newsdesk:page-generation"


def page_generation() -> str:
    state = cache.get(GENERATION_KEY)
    if state is None or (state["due"] is not None and state["due"] <= timezone.now()):
        next_scheduled = Article.objects.scheduled().order_by("published_at").first()
        state = {"token": uuid4().hex, "due": next_scheduled and next_scheduled.published_at}
        cache.set(GENERATION_KEY, state, timeout=None)
    return state["token"]


def page_cache_invalidate(**signal_kwargs) -> None:
    """Start a new generation: no page cached so far is served again."""
    cache.delete(GENERATION_KEY)
    # Again after the commit: a reader between the save and the commit saw the old content.
    transaction.on_commit(lambda: cache.delete(GENERATION_KEY))


def cached_with_content(name: str, compute, timeout: int = 3600):
    """`compute()`, kept until content changes: for costly parts every page shows."""
    key = f"newsdesk:part:{page_generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def cache_for_anonymous(view):
    """Serve `view` from the page cache to readers who are not logged in."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        timeout = settings.NEWSDESK_PAGE_CACHE_SECONDS
        if not timeout or request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        url = request.build_absolute_uri().encode()
        key = f"newsdesk:page:{page_generation()}:{hashlib.sha256(url).hexdigest()}"
        response = cache.get(key)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            if hasattr(response, "add_post_render_callback"):
                response.add_post_render_callback(
                    lambda rendered: cache.set(key, rendered, timeout)
                )
            else:
                cache.set(key, response, timeout)
        return response

    return cached_view


for model in (Source, Article, Translation, Image, Tag, TaggedItem):
    post_save.connect(page_cache_invalidate, sender=model, dispatch_uid=f"page-cache-save-{model}")
    post_delete.connect(page_cache_invalidate, sender=model, dispatch_uid=f"page-cache-del-{model}")
m2m_changed.connect(
    page_cache_invalidate, sender=Article.tags.through, dispatch_uid="page-cache-tags"
)
