"""Images with Pillow: check that bytes are a real image within limits, strip what the camera
wrote (EXIF, GPS, XMP), and make the web renditions the public pages use.

Both doors use it: the admin's upload form and the importer's downloads.
"""

import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from PIL import Image as PILImage
from PIL import ImageOps

from .messages import ExplainedError
from .models import Image

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
RENDITION_WIDTHS = (480, 960, 1600)
WEBP_QUALITY = 80
JPEG_QUALITY = 85
# Import records stored before the limit was a `pixels` count name it in millions: kept in the
# catalogue for them (articles/messages.py reads a stored message by its English source).
STORED_BEFORE = (
    gettext_noop(
        "The image is %(width)s×%(height)s pixels; the limit is %(limit)s million pixels."
    ),
)


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return ALLOWED_FORMATS[self.format]


def validate_and_clean_image(
    data: bytes, *, max_bytes: int | None = None, max_pixels: int | None = None
) -> CleanImage:
    """The image re-encoded without metadata, or ValueError saying what is wrong with it."""
    check_byte_size(len(data), max_bytes=max_bytes)
    max_pixels = max_pixels or settings.NEWSDESK_IMAGE_MAX_PIXELS
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            image_format, (width, height) = probe.format, probe.size
            probe.verify()
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
        raise ExplainedError(_("The file is not an image, or it is damaged.")) from None
    if image_format not in ALLOWED_FORMATS:
        raise ExplainedError(
            _("%(format)s images are not accepted; use JPEG, PNG, WebP or GIF."),
            format=image_format,
        )
    if width * height > max_pixels:
        raise ExplainedError(
            _("The image is %(width)s×%(height)s pixels; the limit is %(pixels)s pixels."),
            width=width,
            height=height,
            pixels=max_pixels,
        )
    with PILImage.open(io.BytesIO(data)) as image:
        image.load()
        # Turn the picture upright before the orientation tag goes with the rest of the EXIF.
        upright = ImageOps.exif_transpose(image)
    upright.info = {}
    cleaned = _encode(upright, image_format)
    return CleanImage(cleaned, image_format, upright.width, upright.height)


def check_byte_size(size: int, *, max_bytes: int | None = None) -> None:
    """ValueError if a file of `size` bytes is over the limit: checked before reading it."""
    max_bytes = max_bytes or settings.NEWSDESK_IMAGE_MAX_BYTES
    if size > max_bytes:
        raise ExplainedError(
            _("The image is %(size)s; the limit is %(limit)s."),
            size=filesizeformat(size),
            limit=filesizeformat(max_bytes),
        )


def _encode(image: PILImage.Image, image_format: str) -> bytes:
    """Pillow writes no EXIF, XMP or ICC data unless asked to: what comes out is pixels only."""
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif image_format == "WEBP":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    else:
        image.save(buffer, image_format, optimize=True)
    return buffer.getvalue()


def make_renditions(image: Image) -> list[dict]:
    """Fill `image.renditions`: each width up to the original's, as WebP and a JPEG or PNG fallback.

    Old renditions of this image are deleted first. An image without a file gets none.
    """
    delete_renditions(image)
    image.renditions = []
    if image.file:
        with image.file.open("rb") as stored, PILImage.open(stored) as source:
            source.load()
        has_alpha = source.mode in ("RGBA", "LA", "PA") or "transparency" in source.info
        fallback = ("png", "PNG") if has_alpha else ("jpg", "JPEG")
        source = source.convert("RGBA" if has_alpha else "RGB")
        stem = PurePosixPath(image.file.name).stem
        widths = [w for w in RENDITION_WIDTHS if w < source.width] or [source.width]
        for width in widths:
            resized = source.copy()
            resized.thumbnail((width, width * 10), PILImage.Resampling.LANCZOS)
            for extension, encoder in (("webp", "WEBP"), fallback):
                name = default_storage.save(
                    f"renditions/{image.pk}/{stem}-{width}.{extension}",
                    ContentFile(_encode(resized, encoder)),
                )
                image.renditions.append(
                    {
                        "width": resized.width,
                        "height": resized.height,
                        "format": extension,
                        "name": name,
                    }
                )
    image.save(update_fields=["renditions"])
    return image.renditions


def delete_renditions(image: Image) -> None:
    for rendition in image.renditions or []:
        default_storage.delete(rendition["name"])


# Which renditions to serve: the one chooser the pages, the feeds and the admin use.
WEBP = ("webp",)
FALLBACK_FORMATS = ("jpeg", "jpg", "png")


def renditions_in(image: Image, formats: tuple[str, ...]) -> list[dict]:
    """The image's renditions in `formats`, narrowest first."""
    chosen = (r for r in image.renditions or [] if r["format"] in formats)
    return sorted(chosen, key=lambda rendition: rendition["width"])


def rendition_url(image: Image, *, width: int | None = None, formats=WEBP) -> str:
    """The narrowest rendition at least `width` wide, else the widest there is (the widest
    when `width` is None); without renditions, the stored file; else ""."""
    candidates = renditions_in(image, formats)
    wide_enough = [r for r in candidates if width is None or r["width"] >= width]
    chosen = (wide_enough[0] if width is not None and wide_enough else None) or (
        candidates[-1] if candidates else None
    )
    if chosen:
        return default_storage.url(chosen["name"])
    return image.file.url if image.file else ""


def image_url(image: Image) -> str:
    """The image at its best in a format every reader takes: for og:image and feeds; an image
    not downloaded yet is shown from where it came."""
    return rendition_url(image, formats=FALLBACK_FORMATS) or image.original_url


def srcset(image: Image, formats: tuple[str, ...]) -> str:
    return ", ".join(
        f"{default_storage.url(r['name'])} {r['width']}w" for r in renditions_in(image, formats)
    )
