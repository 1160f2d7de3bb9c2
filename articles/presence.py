"""Who else has a story open in the admin: each open change form sends a heartbeat, and an
editor counts as present until a minute or so passes without one (a closed tab says goodbye
at once).

Kept in a small table, so that every server process sees every editor (the default cache is
local to each process), written by an upsert, so two heartbeats at once are one row.
"""

from datetime import timedelta

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from .models import Article, EditingPresence
from .text import spaced_format

HEARTBEAT_SECONDS = 25
# A little over a minute: Chrome runs the timers of a tab hidden for long once a minute.
PRESENCE_EXPIRES = timedelta(seconds=75)
# Heartbeats closer together than this (a reload, two tabs, a script) are answered unwritten.
MIN_WRITE_INTERVAL = timedelta(seconds=5)


def presence_beat(*, article: Article, user, page: str = "") -> None:
    """`page` names one opening of the change form (presence.js): a heartbeat of a page that has
    said goodbye already was on its way as the tab closed, and arrived after the goodbye."""
    now = timezone.now()
    EditingPresence.objects.filter(seen_at__lt=now - PRESENCE_EXPIRES).delete()
    last = (
        EditingPresence.objects.filter(article=article, user=user)
        .values_list("seen_at", "left_page")
        .first()
    )
    seen_at, left_page = last or (None, "")
    if left_page and left_page == page:
        return
    if seen_at is not None and not left_page and now - seen_at < MIN_WRITE_INTERVAL:
        return
    EditingPresence.objects.bulk_create(
        [EditingPresence(article=article, user=user, since=now, seen_at=now)],
        update_conflicts=True,
        unique_fields=["article", "user"],
        # A new page after a goodbye is open since now; a page still open, since it opened.
        update_fields=["since", "seen_at", "left_page"] if left_page else ["seen_at"],
    )


def presence_leave(*, article: Article, user, page: str = "") -> None:
    """Gone at once. The row stays, marked with the page that left, until it expires, so that
    page's late heartbeat is recognised (a page that names itself; older ones just delete)."""
    if not page:
        EditingPresence.objects.filter(article=article, user=user).delete()
        return
    now = timezone.now()
    EditingPresence.objects.bulk_create(
        [EditingPresence(article=article, user=user, since=now, seen_at=now, left_page=page)],
        update_conflicts=True,
        unique_fields=["article", "user"],
        update_fields=["seen_at", "left_page"],
    )


@receiver(user_logged_out, dispatch_uid="presence-logout")
def presence_end_on_logout(sender, request, user, **kwargs):
    """Logging out leaves every story at once. The page's own goodbye cannot: the browser sends
    it as the next page comes, after the logout, when it no longer has a session."""
    if user is not None:
        EditingPresence.objects.filter(user=user).delete()


def presence_others(*, article: Article, user) -> list[str]:
    """A line for each other person with the story open, first come first."""
    present = (
        EditingPresence.objects.filter(
            article=article, seen_at__gte=timezone.now() - PRESENCE_EXPIRES, left_page=""
        )
        .exclude(user=user)
        .select_related("user")
        .order_by("since")
    )
    return [
        spaced_format(
            _("%(name)s is also editing this story since %(time)s."),
            name=entry.user.get_full_name() or entry.user.get_username(),
            time=date_format(timezone.localtime(entry.since), "H:i"),
        )
        for entry in present
    ]
