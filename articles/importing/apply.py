"""Reading and writing a story's fields by field key: the import's merge and the admin's
"take imported" both write through `apply_values`, so both follow the same rules."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .. import languages
from ..models import Article, Image, Translation
from ..search import search_index_update
from .fieldkeys import (
    ARTICLE,
    IMAGE,
    IMAGE_LABEL_FIELDS,
    TRANSLATION,
    TRANSLATION_FIELDS,
    FieldKey,
    time_value,
)


def current_values(article: Article) -> dict[str, object]:
    """The story's values under field keys (reads prefetched translations, images and tags)."""
    values = {
        str(FieldKey(ARTICLE, "published_at")): time_value(article.published_at),
        str(FieldKey(ARTICLE, "tags")): sorted(tag.name for tag in article.tags.all()),
    }
    for translation in article.translations.all():
        for name in TRANSLATION_FIELDS:
            key = FieldKey(TRANSLATION, name, translation.language)
            values[str(key)] = getattr(translation, name)
    for image in article.images.all():
        if image.original_url:  # an editor's upload has no counterpart in any file
            url = image.original_url
            values[str(FieldKey(IMAGE, "position", url))] = image.position
            for name in IMAGE_LABEL_FIELDS:
                label = getattr(image, name)
                for language in languages.CODES:
                    key = FieldKey(IMAGE, name, url, language)
                    values[str(key)] = label.get(language, "")
    return values


def apply_values(*, article: Article, values: dict[str, object], create_missing: bool) -> dict:
    """Write `values` (field key -> value) into the story; return the values written.

    Text fields hold "" for nothing. A published story keeps its publication time: a value of
    None for it is not written (the database requires one). Translations and images the story
    lacks are created when `create_missing`, else ValueError; a translation the file brings
    is as `new_translation_status` says, and an existing one keeps the readiness an editor
    gave it.
    """
    by_object: dict[tuple[str, str], dict] = {}
    for key, value in values.items():
        key = FieldKey.parse(key)
        by_object.setdefault((key.kind, key.ident), {})[key] = value
    translations = {t.language: t for t in article.translations.all()}
    images = {i.original_url: i for i in article.images.all() if i.original_url}
    written, new_translations, new_images = {}, [], []
    for (kind, ident), keyed in by_object.items():
        if kind == ARTICLE:
            fields = _article_fields(article, {key.field: value for key, value in keyed.items()})
            keyed = {key: value for key, value in keyed.items() if key.field in fields}
            if "tags" in fields:
                article.tags.set(fields["tags"] or [])
        elif kind == TRANSLATION:
            keyed = {key: "" if value is None else value for key, value in keyed.items()}
            fields = {key.field: value for key, value in keyed.items()}
            if ident in translations:
                _update(translations[ident], fields)
            else:
                _refuse_unless(create_missing)
                new_translations.append(
                    Translation(
                        article=article,
                        language=ident,
                        status=new_translation_status(article),
                        **fields,
                    )
                )
        elif ident in images:
            _image_set(images[ident], keyed)
            images[ident].save()
        else:
            _refuse_unless(create_missing)
            new_images.append(_image_set(Image(article=article, original_url=ident), keyed))
        written.update({str(key): value for key, value in keyed.items()})
    Translation.objects.bulk_create(new_translations)
    if new_translations:
        search_index_update([article.pk])  # bulk_create sends no post_save
    Image.objects.bulk_create(new_images)
    if written:
        article.save()  # after its translations and images, so listeners see the whole story
    return written


def new_translation_status(article: Article) -> str:
    """The readiness of a translation a file adds to an existing story: ready, as the file
    gives it, unless the story is published (readers see it, or will at its scheduled time):
    then a draft, which readers see once an editor has reviewed it and marked it ready.
    A new story's translations are ready (`write._articles_create`)."""
    if article.status == Article.Status.PUBLISHED:
        return Translation.Status.DRAFT
    return Translation.Status.READY


def _article_fields(article: Article, fields: dict) -> dict:
    if "published_at" in fields:
        published_at = fields["published_at"]
        if isinstance(published_at, str):
            published_at = parse_datetime(published_at)
        if published_at is None and article.status == Article.Status.PUBLISHED:
            fields = {name: value for name, value in fields.items() if name != "published_at"}
        else:
            article.published_at = fields["published_at"] = published_at
    return fields


def _image_set(image: Image, keyed: dict[FieldKey, object]) -> Image:
    """Each label field changes in the key's language only."""
    for key, value in keyed.items():
        if key.language:
            label = dict(getattr(image, key.field))
            label[key.language] = value or ""
            setattr(image, key.field, label)
        else:
            setattr(image, key.field, value)
    return image


def _update(instance, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()


def _refuse_unless(create_missing: bool) -> None:
    if not create_missing:
        raise ValueError(_("The translation or image this value belongs to is gone."))
