"""An editor's form that was opened before someone else saved the story, put on top of the
story as it is now: what the editor left as it was takes the current value, what the editor
changed keeps the editor's value. Nothing of either side is lost."""

from django.http import QueryDict

from .importing.merge import same
from .models import Article, Image, Translation

# The admin form's plain fields, and each inline's prefix, model and plain fields.
ARTICLE_FIELDS = ("status", "source", "original_url", "original_language", "slug")
INLINES = (
    ("translations", Translation, ("title", "summary", "body")),
    ("images", Image, ("caption", "credit", "alt_text", "position")),
)
MAX_FORMS = 50


def rebase_post(data: QueryDict, *, article: Article, base_revision) -> QueryDict:
    """`data` (the editor's POST) with every field the editor did not change since
    `base_revision` (the story as the editor loaded it) set to its current value."""
    rebased = data.copy()
    then = {(v._model, str(v.object_id)): v.field_dict for v in base_revision.version_set.all()}
    current = Article.objects.get(pk=article.pk)
    for name in ARTICLE_FIELDS:
        _rebase(rebased, name, then.get((Article, str(article.pk))), current, name)
    for prefix, model, fields in INLINES:
        objects = {str(obj.pk): obj for obj in model.objects.filter(article=article)}
        forms = min(int(data.get(f"{prefix}-TOTAL_FORMS") or 0), MAX_FORMS)
        for index in range(forms):
            pk = data.get(f"{prefix}-{index}-id", "")
            for name in fields:
                key = f"{prefix}-{index}-{name}"
                _rebase(rebased, key, then.get((model, pk)), objects.get(pk), name)
    return rebased


def _rebase(rebased: QueryDict, key: str, then: dict | None, now, name: str) -> None:
    if then is None or now is None or key not in rebased:
        return
    field = now._meta.get_field(name)
    if same(rebased[key], _text(then.get(field.attname))):
        rebased[key] = _text(field.value_from_object(now))


def _text(value) -> str:
    return "" if value is None else str(value)
