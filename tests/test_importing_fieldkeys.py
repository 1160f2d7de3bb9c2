"""Field keys: one type formats, parses and describes the keys the merge uses."""

import pytest
from django.utils import translation

from articles.importing.fieldkeys import FieldKey, parsed_values


@pytest.mark.parametrize(
    "key",
    [
        "article:published_at",
        "article:tags",
        "translation:zh-hans:body",
        "image:https://img.example.com:8443/a:b.jpg?x=1:caption:zh-hans",
        "image:https://img.example.com:8443/a:b.jpg?x=1:position",
    ],
)
def test_a_key_survives_formatting_and_parsing(key):
    assert str(FieldKey.parse(key)) == key


def test_an_image_url_with_colons_keeps_them_all():
    key = FieldKey.parse("image:https://img.example.com:8443/a:b.jpg:alt_text:en")
    assert (key.kind, key.ident, key.field, key.language) == (
        "image",
        "https://img.example.com:8443/a:b.jpg",
        "alt_text",
        "en",
    )


@pytest.mark.parametrize(
    "key",
    [
        "",
        "article",
        "article:slug",
        "translation:en",
        "image::caption",
        "story:en:title",
        "image:https://i.example/a.jpg:position:en",
        "translation:en:title:en",
    ],
)
def test_a_key_nothing_could_have_made_is_refused(key):
    with pytest.raises(ValueError):
        FieldKey.parse(key)


def test_keys_are_described_in_the_editors_language():
    key = FieldKey.parse("translation:en:title")
    assert key.describe() == "English headline"
    with translation.override("zh-hans"):
        assert key.describe() != "English headline"
        assert "英" in key.describe()


def test_parsed_values_name_every_merged_field():
    values = parsed_values(
        {
            "published_at": "2026-03-04T19:22:33+08:00",
            "tags": ["b", "a"],
            "translations": [{"language": "en", "title": "T", "summary": "", "body": "<p>x</p>"}],
            "images": [
                {"original_url": "https://i.example/a.jpg", "caption": "c", "credit": "",
                 "alt_text": "", "position": 0}
            ],
        }
    )  # fmt: skip
    assert values["article:published_at"] == "2026-03-04T11:22:33+00:00"
    assert values["article:tags"] == ["a", "b"]
    assert values["translation:en:body"] == "<p>x</p>"
    # A record made before images had a language: the texts' own language.
    assert values["image:https://i.example/a.jpg:caption:en"] == "c"
    assert "image:https://i.example/a.jpg:caption:zh-hans" not in values
    assert "translation:en:byline" not in values  # the file gave none: nothing to merge


def test_an_image_caption_is_merged_in_the_language_the_file_gives_it():
    image = {"original_url": "https://i.example/a.jpg", "caption": "代表们", "credit": "路透社",
             "alt_text": "", "position": 0, "language": "zh-hans"}  # fmt: skip
    values = parsed_values({"original_language": "zh-hans", "images": [image]})
    assert values["image:https://i.example/a.jpg:caption:zh-hans"] == "代表们"
    assert not any(key.endswith(":en") for key in values)


def test_image_label_keys_are_described_with_their_language():
    key = FieldKey.parse("image:https://i.example/a.jpg:caption:en")
    assert key.describe() == "caption (English) of the image https://i.example/a.jpg"
