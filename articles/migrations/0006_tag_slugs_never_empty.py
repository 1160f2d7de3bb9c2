"""Tags saved before articles/tags.py may have a slug with no URL (empty for `!!!`, `🌍`, `！！`):
give them the slug the rule gives such tags now."""

from django.db import migrations

from articles.tags import tag_slug_fallback, tag_slug_is_valid


def mend_tag_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.all():
        if tag_slug_is_valid(tag.slug):
            continue
        slug = tag_slug_fallback(tag.name)
        if Tag.objects.filter(slug=slug).exists():
            slug = f"{slug}-{tag.pk}"
        tag.slug = slug
        tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_story_states_and_sanitized_body"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(mend_tag_slugs, migrations.RunPython.noop)]
