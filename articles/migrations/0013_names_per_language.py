"""Captions, credits, alt texts, source names and topic names in each language; a byline per
translation; stories written in the newsroom, with no source and no original URL.

The texts written in one language move under that language: an image's under its story's
original language, else the language its texts are written in; a source's name "Reuters /
路透社" (as the import named known outlets) splits into its English and Chinese halves; a tag's
name goes under its own language. Open import conflicts on an image's caption, credit or alt
text get the language in their field key. Going back keeps one text per field: the label's
text in the story's language, else any.
"""

import django.db.models.deletion
from django.db import migrations, models

import articles.labels
from articles.importing.parsers.language import detect_language, label_of

LABEL_FIELDS = ("caption", "credit", "alt_text")
CODES = ("en", "zh-hans")


def _language(texts, original_language):
    if original_language in CODES:
        return original_language
    return detect_language(" ".join(texts)) or "zh-hans"


def _first(label, language=""):
    label = label or {}
    return label.get(language) or next((text for text in label.values() if text), "")


def texts_to_labels(apps, schema_editor):
    Image = apps.get_model("articles", "Image")
    Source = apps.get_model("articles", "Source")
    TagLabel = apps.get_model("articles", "TagLabel")
    Tag = apps.get_model("taggit", "Tag")
    ImportRecord = apps.get_model("articles", "ImportRecord")

    images = Image.objects.select_related("article").order_by("pk")
    for image in images.iterator(1000):
        texts = [getattr(image, f"old_{name}") for name in LABEL_FIELDS]
        language = _language(texts, image.article.original_language)
        for name, text in zip(LABEL_FIELDS, texts, strict=True):
            setattr(image, name, {language: text.strip()} if text.strip() else {})
        image.save(update_fields=list(LABEL_FIELDS))

    for source in Source.objects.all():
        source.name = label_of(*source.old_name.split(" / "), default="en") or {
            "en": source.domain
        }
        source.save(update_fields=["name"])

    TagLabel.objects.bulk_create(
        TagLabel(tag=tag, name=label_of(tag.name, default="en")) for tag in Tag.objects.all()
    )

    for record in ImportRecord.objects.exclude(conflicts={}).iterator(500):
        parsed = record.parsed or {}
        record.conflicts = _keys_with_language(record.conflicts, parsed)
        record.resolutions = _keys_with_language(record.resolutions, parsed)
        record.save(update_fields=["conflicts", "resolutions"])


def _keys_with_language(by_key, parsed):
    images = {image.get("original_url"): image for image in parsed.get("images", [])}
    renamed = {}
    for key, value in by_key.items():
        head, _sep, field = key.rpartition(":")
        if key.startswith("image:") and field in LABEL_FIELDS:
            image = images.get(head.removeprefix("image:"), {})
            texts = [image.get(name) or "" for name in LABEL_FIELDS]
            key = f"{key}:{_language(texts, parsed.get('original_language'))}"
        renamed[key] = value
    return renamed


def labels_to_texts(apps, schema_editor):
    Image = apps.get_model("articles", "Image")
    Source = apps.get_model("articles", "Source")
    for image in Image.objects.select_related("article").iterator(1000):
        for name in LABEL_FIELDS:
            text = _first(getattr(image, name), image.article.original_language)
            setattr(image, f"old_{name}", text)
        image.save(update_fields=[f"old_{name}" for name in LABEL_FIELDS])
    for source in Source.objects.all():
        source.old_name = " / ".join((source.name or {}).values()) or source.domain
        source.save(update_fields=["old_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_editor"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="TagLabel",
            fields=[
                (
                    "tag",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="label",
                        serialize=False,
                        to="taggit.tag",
                        verbose_name="tag",
                    ),
                ),
                ("name", articles.labels.LabelField(max_length=100, verbose_name="name")),
            ],
            options={"verbose_name": "topic name", "verbose_name_plural": "topic names"},
        ),
        migrations.AlterModelOptions(
            name="source",
            options={"ordering": ["domain"], "verbose_name": "source", "verbose_name_plural": "sources"},
        ),
        migrations.AddField(
            model_name="translation",
            name="byline",
            field=models.CharField(
                blank=True,
                help_text="Who wrote this version, as its readers see the name",
                max_length=200,
                verbose_name="byline",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="original_url",
            field=models.URLField(
                blank=True,
                db_index=True,
                help_text="Empty for a story written in the newsroom",
                max_length=1000,
                verbose_name="original URL",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="source",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a story written in the newsroom",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles",
                to="articles.source",
                verbose_name="source",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=models.Q(("original_url", ""), _negated=True),
                fields=("original_url",),
                name="article_original_url_unique",
                violation_error_message="Another story has this original URL.",
            ),
        ),
        # Text to labels: new columns, filled from the old, which then go.
        *(
            migrations.RenameField(model_name="image", old_name=name, new_name=f"old_{name}")
            for name in LABEL_FIELDS
        ),
        migrations.RenameField(model_name="source", old_name="name", new_name="old_name"),
        migrations.AddField(
            model_name="image",
            name="caption",
            field=articles.labels.LabelField(max_length=2000, verbose_name="caption"),
        ),
        migrations.AddField(
            model_name="image",
            name="credit",
            field=articles.labels.LabelField(max_length=200, verbose_name="credit"),
        ),
        migrations.AddField(
            model_name="image",
            name="alt_text",
            field=articles.labels.LabelField(max_length=500, verbose_name="alt text"),
        ),
        migrations.AddField(
            model_name="source",
            name="name",
            field=articles.labels.LabelField(
                help_text="The outlet's name in each language", max_length=200, verbose_name="name"
            ),
        ),
        # Going back, the old columns must accept the rows until labels_to_texts fills them.
        *(
            migrations.AlterField(
                model_name="image",
                name=f"old_{name}",
                field=models.TextField(blank=True, default=""),
            )
            for name in LABEL_FIELDS
        ),
        migrations.AlterField(
            model_name="source",
            name="old_name",
            field=models.CharField(max_length=200, blank=True, default=""),
        ),
        migrations.RunPython(texts_to_labels, labels_to_texts),
        *(migrations.RemoveField(model_name="image", name=f"old_{name}") for name in LABEL_FIELDS),
        migrations.RemoveField(model_name="source", name="old_name"),
    ]
