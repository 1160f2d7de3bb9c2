"""Image checks with Pillow: real images only, within limits, without metadata, with renditions."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles.images import make_renditions, validate_and_clean_image
from articles.models import Image
from tests.admin_forms import form_values
from tests.factories import make_article, make_image

GPS_TAG, ORIENTATION_TAG = 0x8825, 0x0112


def image_bytes(size=(1200, 800), image_format="JPEG", mode="RGB", exif=None) -> bytes:
    buffer = io.BytesIO()
    picture = PILImage.new(mode, size, (200, 80, 40, 255)[: len(mode)])
    options = {"exif": exif} if exif is not None else {}
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


def camera_exif(orientation=1):
    exif = PILImage.Exif()
    exif[0x010F] = "ACME Camera"  # Make
    exif[ORIENTATION_TAG] = orientation
    exif[GPS_TAG] = {1: "N", 2: (52.0, 31.0, 0.0)}
    return exif


def test_clean_image_reports_format_and_size():
    clean = validate_and_clean_image(image_bytes(size=(640, 480)))

    assert (clean.format, clean.width, clean.height, clean.extension) == ("JPEG", 640, 480, "jpg")


def test_clean_image_strips_exif_and_gps():
    clean = validate_and_clean_image(image_bytes(exif=camera_exif()))

    with PILImage.open(io.BytesIO(clean.data)) as result:
        assert not result.getexif()
        assert "exif" not in result.info


def test_clean_image_turns_a_rotated_photo_upright_before_dropping_orientation():
    clean = validate_and_clean_image(image_bytes(size=(600, 400), exif=camera_exif(orientation=6)))

    assert (clean.width, clean.height) == (400, 600)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, image_bytes()[:200]],
    ids=["empty", "text", "png-header-only", "truncated-jpeg"],
)
def test_clean_image_refuses_what_is_not_a_whole_image(data):
    with pytest.raises(ValueError, match="not an image"):
        validate_and_clean_image(data)


def test_clean_image_refuses_too_many_pixels():
    with pytest.raises(ValueError, match="pixels"):
        validate_and_clean_image(image_bytes(size=(3000, 2000)), max_pixels=5_000_000)


def test_clean_image_refuses_too_many_bytes():
    with pytest.raises(ValueError, match="limit"):
        validate_and_clean_image(image_bytes(), max_bytes=1000)


def test_clean_image_refuses_formats_the_web_does_not_take():
    with pytest.raises(ValueError, match="TIFF"):
        validate_and_clean_image(image_bytes(image_format="TIFF"))


@pytest.mark.django_db
def test_renditions_come_in_several_widths_as_webp_with_a_jpeg_fallback(media_root):
    image = make_image(make_article())
    image.file.save("photo.jpg", SimpleUploadedFile("photo.jpg", image_bytes(size=(2000, 1000))))

    renditions = make_renditions(image)

    assert sorted((r["width"], r["format"]) for r in renditions) == [
        (480, "jpg"),
        (480, "webp"),
        (960, "jpg"),
        (960, "webp"),
        (1600, "jpg"),
        (1600, "webp"),
    ]
    image.refresh_from_db()
    assert image.renditions == renditions
    with default_storage.open(renditions[0]["name"]) as stored, PILImage.open(stored) as first:
        assert (first.format, first.size) == ("WEBP", (480, 240))


@pytest.mark.django_db
def test_renditions_of_a_transparent_png_fall_back_to_png(media_root):
    image = make_image(make_article())
    data = image_bytes(size=(300, 300), image_format="PNG", mode="RGBA")
    image.file.save("logo.png", SimpleUploadedFile("logo.png", data))

    renditions = make_renditions(image)

    assert sorted((r["width"], r["format"]) for r in renditions) == [(300, "png"), (300, "webp")]


@pytest.mark.django_db
def test_new_renditions_replace_the_old_files(media_root):
    image = make_image(make_article())
    image.file.save("photo.jpg", SimpleUploadedFile("photo.jpg", image_bytes(size=(1000, 500))))
    old = [r["name"] for r in make_renditions(image)]

    image.file.save("other.jpg", SimpleUploadedFile("other.jpg", image_bytes(size=(500, 500))))
    make_renditions(image)

    assert not any(default_storage.exists(name) for name in old)


# -- Upload through the admin -------------------------------------------------------------------


def upload(client, article, filename, data):
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = form_values(client.get(url).content.decode())
    form.update({"images-0-file": SimpleUploadedFile(filename, data), "images-0-caption_en": "COP"})
    return client.post(url, form)


@pytest.mark.django_db
def test_uploaded_image_is_cleaned_measured_and_rendered(client, editor, media_root):
    article = make_article()
    client.force_login(editor)

    response = upload(client, article, "delegates.jpg", image_bytes(exif=camera_exif()))

    assert response.status_code == 302
    image = article.images.get()
    assert (image.width, image.height, image.caption) == (1200, 800, {"en": "COP"})
    assert {r["format"] for r in image.renditions} == {"webp", "jpg"}
    with image.file.open("rb") as stored, PILImage.open(stored) as saved:
        assert not saved.getexif()


@pytest.mark.django_db
def test_upload_of_a_fake_image_is_a_form_error_not_a_crash(client, editor, media_root):
    article = make_article()
    client.force_login(editor)

    response = upload(client, article, "virus.jpg", b"MZ\x90\x00 this is no picture")

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.errors[0]
    assert "file" in errors
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_upload_over_the_pixel_limit_is_a_form_error(client, editor, media_root, settings):
    settings.NEWSDESK_IMAGE_MAX_PIXELS = 100_000
    article = make_article()
    client.force_login(editor)

    response = upload(
        client, article, "huge.png", image_bytes(size=(1000, 1000), image_format="PNG")
    )

    assert response.status_code == 200
    assert "pixels" in str(response.context["inline_admin_formsets"][1].formset.errors[0]["file"])
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_upload_over_the_byte_limit_is_a_form_error(client, editor, media_root, settings):
    settings.NEWSDESK_IMAGE_MAX_BYTES = 500
    article = make_article()
    client.force_login(editor)

    response = upload(client, article, "big.png", image_bytes(size=(800, 800), image_format="PNG"))

    assert response.status_code == 200
    assert "limit" in str(response.context["inline_admin_formsets"][1].formset.errors[0]["file"])
    assert not Image.objects.exists()
