"""The login throttle's hooks (django-axes): who the client is, and what a locked-out user sees."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind NEWSDESK_TRUSTED_PROXIES proxies of ours,
    the address the outermost of them saw (each appends one to X-Forwarded-For; anything to
    the left of that came from the client and may be forged)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NEWSDESK_TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed logins"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
    }
    # Rendered here: django-axes returns it from a middleware, past the template-response phase.
    return render(request, "admin/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
