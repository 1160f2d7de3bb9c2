"""Tags are django-taggit's model; this module owns what their slugs may be, what readers
call them (a TagLabel: the name in each language, made from the tag's own name at first), and
merging them.

taggit slugifies the name, which leaves nothing of `!!!`, an emoji or `！！`, and an empty slug
has no URL. So every tag, however it is made (the import, `tags.set`, the admin's tag field),
is saved with a slug the topic URL accepts; names that slugify to nothing get one from a hash.
"""

import hashlib
import re

from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Subquery
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from .importing.parsers.language import label_of
from .labels import label_in
from .models import TagLabel

# What slugify(allow_unicode=True) makes, so Chinese tags keep readable slugs such as 气候.
TAG_SLUG = re.compile(r"[-\w]+")
TAG_SLUG_MAX_LENGTH = Tag._meta.get_field("slug").max_length


def tag_slug_fallback(name: str) -> str:
    """A slug for a tag whose name slugifies to nothing: unique as the name is."""
    return "tag-" + hashlib.sha256(name.encode()).hexdigest()[:12]


def tag_slug_is_valid(slug: str) -> bool:
    return bool(TAG_SLUG.fullmatch(slug)) and len(slug) <= TAG_SLUG_MAX_LENGTH


@receiver(pre_save, sender=Tag, dispatch_uid="tag-slug-valid")
def tag_slug_ensure(sender, instance: Tag, **kwargs) -> None:
    # taggit has slugified the name by now; NFKC can also lengthen it past the column.
    if not tag_slug_is_valid(instance.slug):
        instance.slug = tag_slug_fallback(instance.name)


@receiver(post_save, sender=Tag, dispatch_uid="tag-label")
def tag_label_ensure(sender, instance: Tag, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        TagLabel.objects.get_or_create(tag=instance, defaults={"name": label_of(instance.name)})


def tag_name(tag: Tag, language: str | None = None) -> str:
    """What a reader of `language` (the active one by default) calls the topic. Reads a
    prefetched `label`; the taggit name when there is none."""
    try:
        label = tag.label.name
    except TagLabel.DoesNotExist:
        label = {}
    return label_in(label, language) or tag.name


@transaction.atomic
def tag_merge(*, tags: list[Tag], into: str) -> Tag:
    """Every story carrying one of `tags` carries the tag named `into` instead (an existing
    one, whatever its case, or a new one), once; the merged tags are deleted."""
    target = Tag.objects.select_for_update().filter(name__iexact=into.strip()).first()
    target = target or Tag.objects.create(name=into.strip())
    merged = [tag.pk for tag in Tag.objects.select_for_update().filter(pk__in=[t.pk for t in tags])]
    merged = [pk for pk in merged if pk != target.pk]
    items = TaggedItem.objects.filter(tag__in=merged)
    carrying = TaggedItem.objects.filter(
        tag=target, content_type=OuterRef("content_type"), object_id=OuterRef("object_id")
    )
    items.filter(Exists(carrying)).delete()
    # A story with two of the merged tags keeps one tagging of the target.
    first = items.values("content_type", "object_id").annotate(first=Min("pk")).values("first")
    items.exclude(pk__in=Subquery(first)).delete()
    items.update(tag=target)
    Tag.objects.filter(pk__in=merged).delete()  # its signal empties the page cache
    return target
