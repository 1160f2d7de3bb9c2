"""An editor's form that was opened before someone else saved the story, put on top of the
story as it is now: what the editor left as it was takes the current value, what the editor
changed keeps the editor's value. Nothing of either side is lost.

Translation panes are matched by language, so a translation added or deleted meanwhile gives
a form that saves: the other editor's new translation appears in its pane (with this editor's
changes on top, if they typed in it), a deleted one comes back only if this editor changed it.
Image rows are matched by id; when images were added or removed meanwhile, the rows show the
images as they are now, and this editor's changes to them are listed for them to make again.
"""

from datetime import datetime

from django.http import QueryDict
from django.utils import timezone
from taggit.utils import edit_string_for_tags, parse_tags

from . import languages
from .importing.merge import same
from .models import Article, Image, Translation

ARTICLE_FIELDS = ("status", "source", "original_url", "original_language", "slug")
TRANSLATION_FIELDS = ("title", "summary", "body", "byline", "status")
IMAGE_LABEL_FIELDS = ("caption", "credit", "alt_text")
# An image row's inputs: (posted name, field, language); a label has one input per language.
IMAGE_INPUTS = [
    *((f"{name}_{code}", name, code) for name in IMAGE_LABEL_FIELDS for code in languages.CODES),
    ("position", "position", None),
]
MAX_FORMS = 50


def rebase_post(data: QueryDict, *, form, base_revision) -> tuple[QueryDict, list[str]]:
    """`data` (the editor's POST, validated by `form`) with every field the editor did not
    change since `base_revision` (the story as they loaded it) set to its current value. Also
    returns the image changes that could not be carried over."""
    rebased = data.copy()
    versions = list(base_revision.version_set.all())
    then = {(v._model, str(v.object_id)): v.field_dict for v in versions}
    current = Article.objects.prefetch_related("tags").get(pk=form.instance.pk)
    base = then.get((Article, str(current.pk)), {})
    for name in ARTICLE_FIELDS:
        _rebase(rebased, name, base, current, name)
    for name in ("published_at", "unpublish_at"):
        _rebase_time(rebased, form, base, current, name)
    _rebase_tags(rebased, form, current)
    translations = Translation.objects.filter(article=current).order_by("language")
    _rebase_translations(rebased, data, then, list(translations), current)
    images = list(Image.objects.filter(article=current).order_by("position", "id"))
    return rebased, _rebase_images(rebased, data, then, images)


def _rebase(rebased: QueryDict, key: str, then: dict | None, now, name: str) -> None:
    if not then or now is None or key not in rebased:
        return
    field = now._meta.get_field(name)
    if same(rebased[key], _text(then.get(field.attname))):
        rebased[key] = _text(field.value_from_object(now))


def _rebase_time(rebased: QueryDict, form, base: dict, current: Article, name: str) -> None:
    posted = form.cleaned_data.get(name)
    if name not in form.fields or name not in base or _seconds(posted) != _seconds(base[name]):
        return
    widget = form.fields[name].widget
    for index, (part, value) in enumerate(
        zip(widget.widgets, widget.decompress(getattr(current, name)), strict=True)
    ):
        rebased[f"{name}_{index}"] = part.format_value(value) or ""


def _rebase_tags(rebased: QueryDict, form, current: Article) -> None:
    # Revisions do not hold tags: the form carries the ones it was loaded with.
    loaded = form.cleaned_data.get("loaded_tags")
    if loaded is None or "tags" not in form.cleaned_data:
        return
    if set(form.cleaned_data["tags"]) == set(parse_tags(loaded)):
        rebased["tags"] = edit_string_for_tags(list(current.tags.all()))


def _rebase_translations(rebased, data, then, translations, article) -> None:
    prefix = "translations"
    panes = {
        data.get(f"{prefix}-{index}-language"): index
        for index in range(_count(data, prefix))
        if data.get(f"{prefix}-{index}-language") in languages.CODES
    }
    existing = {t.language: t for t in translations}
    order = [*existing, *(code for code in languages.CODES if code not in existing)]
    _drop_panes(rebased, prefix)
    for slot, language in enumerate(order):
        now, pane = existing.get(language), panes.get(language)
        loaded = then.get((Translation, data.get(f"{prefix}-{pane}-id", ""))) or {}
        for name in TRANSLATION_FIELDS:
            posted = data.get(f"{prefix}-{pane}-{name}") if pane is not None else None
            current = getattr(now, name) if now else Translation._meta.get_field(name).get_default()
            edited = posted is not None and not same(
                posted, loaded.get(name, ""), html=name == "body"
            )
            rebased[f"{prefix}-{slot}-{name}"] = posted if edited else current
        rebased[f"{prefix}-{slot}-language"] = language
        rebased[f"{prefix}-{slot}-id"] = str(now.pk) if now else ""
        rebased[f"{prefix}-{slot}-article"] = str(article.pk)
        if now and pane is not None and data.get(f"{prefix}-{pane}-DELETE"):
            rebased[f"{prefix}-{slot}-DELETE"] = data[f"{prefix}-{pane}-DELETE"]
    rebased[f"{prefix}-TOTAL_FORMS"] = str(len(order))
    rebased[f"{prefix}-INITIAL_FORMS"] = str(len(existing))


def _rebase_images(rebased, data, then, images) -> list[str]:
    prefix = "images"
    rows = {data.get(f"{prefix}-{i}-id", ""): i for i in range(_count(data, prefix))}
    rows.pop("", None)
    now = {str(image.pk): image for image in images}
    if set(rows) == set(now):  # the same images: row by row, as for any field
        for pk, index in rows.items():
            loaded = then.get((Image, pk))
            for posted, name, language in IMAGE_INPUTS:
                key = f"{prefix}-{index}-{posted}"
                if loaded is None or key not in rebased:
                    continue
                if same(rebased[key], _image_value(loaded.get(name), language)):
                    rebased[key] = _image_value(getattr(now[pk], name), language)
        return []
    # Images came or went: the rows show them as they are; this editor's edits are listed.
    lost = [
        f"{data.get(f'{prefix}-{index}-{posted}')}"
        for pk, index in rows.items()
        for posted, name, language in IMAGE_INPUTS
        if not same(
            data.get(f"{prefix}-{index}-{posted}", ""),
            _image_value((then.get((Image, pk)) or {}).get(name), language),
        )
    ]
    _drop_panes(rebased, prefix)
    for slot, image in enumerate(images):
        rebased[f"{prefix}-{slot}-id"] = str(image.pk)
        rebased[f"{prefix}-{slot}-article"] = str(image.article_id)
        for posted, name, language in IMAGE_INPUTS:
            rebased[f"{prefix}-{slot}-{posted}"] = _image_value(getattr(image, name), language)
    rebased[f"{prefix}-TOTAL_FORMS"] = rebased[f"{prefix}-INITIAL_FORMS"] = str(len(images))
    return lost


def _image_value(value, language: str | None) -> str:
    """One input's text: a label's text in `language`, or the value itself."""
    if language is not None:
        return (value or {}).get(language, "") if isinstance(value, dict) else ""
    return _text(value)


def _drop_panes(rebased: QueryDict, prefix: str) -> None:
    for key in [k for k in rebased if k.startswith(f"{prefix}-") and k[len(prefix) + 1].isdigit()]:
        del rebased[key]


def _count(data: QueryDict, prefix: str) -> int:
    try:
        return max(0, min(int(data.get(f"{prefix}-TOTAL_FORMS") or 0), MAX_FORMS))
    except ValueError:
        return 0


def _seconds(value):
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).replace(microsecond=0) if timezone.is_aware(value) else None
        )
    return value


def _text(value) -> str:
    return "" if value is None else str(value)
