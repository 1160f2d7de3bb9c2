"""Messages set as each language sets them: clauses joined with "；" in Chinese and "; " in
English, a large count in 万 in Chinese ("400 万像素", not "4.0 百万像素"), Chinese brackets and
colon inside Chinese text."""

import io
import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.utils import translation
from PIL import Image as PILImage

from articles.admin import stale_message
from articles.images import validate_and_clean_image
from articles.messages import ExplainedError, message_text
from articles.text import clauses, large_number, sentences


@pytest.mark.parametrize(
    ("language", "joined"),
    [("en", "<script>; onclick"), ("zh-hans", "<script>；onclick")],
)
def test_clauses_are_joined_as_the_language_joins_them(language, joined):
    assert clauses(["<script>", "onclick"], language) == joined
    with translation.override(language):
        assert clauses(iter(["<script>", "onclick"])) == joined
    assert clauses([], language) == ""


@pytest.mark.parametrize(
    ("number", "english", "chinese"),
    [
        (4_000_000, "4 million", "400 万"),
        (40_000_000, "40 million", "4000 万"),
        (2_500_000, "2.5 million", "250 万"),
        (250_000_000, "250 million", "2.5 亿"),
        (12_000, "12,000", "1.2 万"),
        (9_999, "9,999", "9999"),
        (99_999_999, "100 million", "1 亿"),
        (999_999, "999,999", "100 万"),
    ],
)
def test_a_large_number_is_counted_as_the_language_counts(number, english, chinese):
    assert large_number(number, "en") == english
    assert large_number(number, "zh-hans") == chinese


def picture(width, height) -> bytes:
    data = io.BytesIO()
    PILImage.new("RGB", (width, height), "teal").save(data, "PNG")
    return data.getvalue()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "The image is 3000×2000 pixels; the limit is 4 million pixels."),
        ("zh-hans", "图片为 3000×2000 像素，上限为 400 万像素。"),
    ],
)
def test_the_image_size_limit_reads_as_the_language_says_it(language, said):
    with translation.override(language), pytest.raises(ExplainedError) as refused:
        validate_and_clean_image(picture(3000, 2000), max_pixels=4_000_000)
    assert str(refused.value) == said
    # Stored language-neutral, read in either language later.
    for reader, text in (("en", "4 million pixels."), ("zh-hans", "上限为 400 万像素。")):
        with translation.override(reader):
            assert message_text(refused.value.stored).endswith(text)


def test_a_record_stored_with_the_limit_in_millions_is_still_translated():
    stored = json.dumps(
        {
            "message": "The image is %(width)s×%(height)s pixels; the limit is "
            "%(limit)s million pixels.",
            "params": {"width": 3000, "height": 2000, "limit": 4.0},
        }
    )
    with translation.override("zh-hans"):
        assert message_text(stored) == "图片为 3000×2000 像素，上限为 4.0 百万像素。"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "saved_by", "changed", "not_kept"),
    [
        (
            "en",
            "(Ana (",
            "Changed meanwhile: English: headline → New; Chinese: headline → 新. ",
            "again: first.jpg; second.jpg.",
        ),
        (
            "zh-hans",
            "（Ana（",
            "期间的改动：英文：标题 → New；中文：标题 → 新。",
            "first.jpg；second.jpg",
        ),
    ],
)
def test_a_stale_save_message_is_set_in_the_editors_language(language, saved_by, changed, not_kept):
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    revisions = [
        SimpleNamespace(user="Ana", comment="", date_created=moment),
        SimpleNamespace(user="Li", comment="", date_created=moment),
    ]
    names = {"en": ("English", "Chinese", "headline"), "zh-hans": ("英文", "中文", "标题")}
    english, chinese, headline = names[language]
    changes = [
        {"object": english, "field": headline, "now": "New"},
        {"object": chinese, "field": headline, "now": "新"},
    ]
    with translation.override(language):
        message = stale_message(changes, revisions, ["first.jpg", "second.jpg"])
    assert saved_by in message and changed in message and not_kept in message
    assert ("; " in message) is (language == "en")
    assert ("；" in message and "）；Li（" in message) is (language == "zh-hans")
    # Sentences follow each other with a space in English, none in Chinese.
    assert (". Images were added" in message) is (language == "en")
    assert ("然后再次保存。期间有图片" in message) is (language == "zh-hans")


def test_sentences_are_set_apart_as_the_language_sets_them():
    assert sentences(["One.", "Two.", ""], "en") == "One. Two."
    assert sentences(["一。", "二。", ""], "zh-hans") == "一。二。"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", 'Source: <a href="/en/sources/ft.com/">Financial Times &amp; Co</a>'),
        ("zh-hans", '来源：<a href="/zh-hans/sources/ft.com/">Financial Times &amp; Co</a>'),
    ],
)
def test_a_story_names_its_source_after_a_colon_set_as_its_language_sets_it(client, language, line):
    """A full-width colon takes no space after it; an English one does."""
    from tests.factories import make_article, make_source

    source = make_source(name="Financial Times & Co", domain="ft.com")
    article = make_article(source=source)

    html = client.get(f"/{language}/stories/{article.slug}/").content.decode()

    assert line in html


def test_a_changed_field_is_named_with_chinese_punctuation_in_chinese():
    from articles.models import Image, Translation
    from articles.revisions import _field_changes

    title = Translation._meta.get_field("title")
    caption = Image._meta.get_field("caption")
    with translation.override("zh-hans"):
        [change] = _field_changes("气候谈判", Translation, title, "a", "b")
        [label] = _field_changes("图1", Image, caption, {"en": "a"}, {"en": "b"})
        message = stale_message([change, label], [], [])
    assert change["object"].endswith("：气候谈判") and ": " not in change["object"]
    assert label["field"].endswith("（英文）") and "(" not in label["field"]
    assert ": " not in message and " (" not in message
    with translation.override("en"):
        [change] = _field_changes("Climate talks", Translation, title, "a", "b")
        [label] = _field_changes("Image 1", Image, caption, {"en": "a"}, {"en": "b"})
    assert change["object"].endswith(": Climate talks")
    assert label["field"].endswith(" (English)")
