"""Template helpers for the reader's site."""

from django import template
from django.core.files.storage import default_storage

register = template.Library()

FALLBACK_FORMATS = ("jpeg", "jpg", "png")


def _srcset(renditions):
    return ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in renditions)


def image_url(image) -> str:
    """The largest web rendition, else the stored file, else the image where it came from."""
    fallback = [r for r in image.renditions or [] if r["format"] in FALLBACK_FORMATS]
    if fallback:
        return default_storage.url(max(fallback, key=lambda r: r["width"])["name"])
    return image.file.url if image.file else image.original_url


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes="100vw", eager=False):
    """An image through its web renditions (WebP first) when it has them, else as it came."""
    renditions = sorted(image.renditions or [], key=lambda rendition: rendition["width"])
    webp = [r for r in renditions if r["format"] == "webp"]
    fallback = [r for r in renditions if r["format"] in FALLBACK_FORMATS]
    return {
        "image": image,
        "src": image_url(image),
        "webp_srcset": _srcset(webp),
        "srcset": _srcset(fallback),
        "sizes": sizes,
        "loading": "eager" if eager else "lazy",
    }
