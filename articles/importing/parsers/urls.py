"""URLs as the files give them -> the one canonical form that identifies a story."""

import re
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext_lazy as _

from ...outlets import story_host
from .base import ParseError

TRACKING_PARAMETERS = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "yclid",
    "_ga",
    "ref",
    "ref_src",
    "cmpid",
    "ftcamp",
    "spm",
    "share",
    "from",
    "sharetype",
    "sref",
}
IMAGE_PROXY_HOSTS = {"images.weserv.nl", "wsrv.nl"}
# A host name with at least one dot (labels without spaces or URL punctuation), localhost or IPv6.
_LABEL = r"[^\s/\\<>\"'`{}|^%@\[\]:.]+"
HOST = re.compile(rf"localhost|[0-9a-f:]+|{_LABEL}(?:\.{_LABEL})+")


def web_address(url: str) -> SplitResult | None:
    """The parts of an http(s) URL with a plausible host name, else None."""
    url = url.strip()
    try:
        parts = urlsplit(url if "://" in url else f"https://{url.lstrip('/')}")
        parts.port  # noqa: B018  raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not HOST.fullmatch(parts.hostname or ""):
        return None
    return parts


def canonical_url(url: str) -> str:
    """https, the host without `www.` or a mobile prefix (see outlets.story_host), no fragment,
    no utm_* or other tracking parameters.

    Pure, string in and string out: migration 0008 rewrites stored addresses with it.
    """
    parts = web_address(url)
    if parts is None:
        raise ParseError(_("the original URL is not a web address: %(url)r"), url=url)
    host = story_host(parts.hostname)
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMETERS
    ]
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~") or "/"
    return urlunsplit(("https", host, path, urlencode(query, quote_via=quote), ""))


def unwrap_image_url(url: str) -> str:
    """The real image behind an image proxy such as images.weserv.nl?url=...&w=900.

    Empty when `url` is no web address at all.
    """
    parts = web_address(url)
    if parts is None:
        return ""
    if parts.hostname.lower() in IMAGE_PROXY_HOSTS:
        inner = dict(parse_qsl(parts.query, keep_blank_values=True)).get("url", "").strip()
        if inner:
            return unwrap_image_url(inner)
    return urlunsplit(
        (
            parts.scheme or "https",
            parts.netloc,
            parts.path,
            parts.query,
            "",
        )
    )


def domain_of(url: str) -> str:
    """The host of a URL in the form its story's address has, so one outlet is one Source."""
    return story_host(urlsplit(url).hostname or "")
