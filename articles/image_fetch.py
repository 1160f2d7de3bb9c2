"""Downloading the images a story file names: short timeout, byte limit, Pillow's checks."""

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .images import CleanImage, validate_and_clean_image

USER_AGENT = "Newsdesk image importer"


def fetch_image(url: str) -> CleanImage:
    """The image at `url`, validated and stripped of metadata; ValueError says what went wrong."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(_("not an http(s) address"))
    limit = settings.NEWSDESK_IMAGE_MAX_BYTES
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=settings.NEWSDESK_IMAGE_TIMEOUT) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise ValueError(
            _("the server answered %(code)s %(reason)s")
            % {"code": error.code, "reason": error.reason}
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise ValueError(_("download failed: %(reason)s") % {"reason": reason}) from None
    if len(data) > limit:
        raise ValueError(_("larger than the %(limit)d MB limit") % {"limit": limit // 1024 // 1024})
    return validate_and_clean_image(data)
