from datetime import UTC, datetime

import pytest
from django.utils.translation import override

from articles.importing.parsers.base import ParseError
from articles.importing.parsers.detect import parse_story
from articles.messages import message_text
from tests.helpers import fixture_text


@pytest.fixture
def bilingual():
    return parse_story(fixture_text("digest_bilingual.txt"))


def test_bilingual_digest_gives_one_translation_per_language(bilingual):
    assert bilingual.format == "digest"
    assert [t.language for t in bilingual.translations] == ["zh-hans", "en"]


def test_headlines_lose_their_bold_markers(bilingual):
    assert bilingual.translation("zh-hans").title == "中欧气候对话 双方同意加强碳市场合作"
    assert (
        bilingual.translation("en").title
        == "EU and China agree to deepen carbon market cooperation"
    )


def test_description_is_the_dek_of_the_translation_in_its_language(bilingual):
    assert bilingual.translation("en").summary.startswith("Brussels and Beijing")
    assert bilingual.translation("zh-hans").summary == ""


def test_original_url_is_canonical_and_link_lines_are_not_body(bilingual):
    assert bilingual.original_url == "https://ft.com/content/0a1b2c3d-eu-china-dialogue"
    for translation in bilingual.translations:
        assert "原文链接" not in translation.body
        assert "Source Link" not in translation.body
        assert "ft.com" not in translation.body


def test_escaped_paragraph_breaks_split_paragraphs_on_their_own_line_or_inline(bilingual):
    body = bilingual.translation("en").body
    assert "/n/n" not in body
    assert body.count("<p>") == 3
    assert "<p>A joint statement is expected next month.</p>" in body


def test_bold_in_the_body_stays_bold(bilingual):
    assert "<strong>climate diplomacy</strong>" in bilingual.translation("en").body
    assert "<strong>中欧</strong>" in bilingual.translation("zh-hans").body


def test_body_does_not_repeat_the_headline(bilingual):
    assert "<h1>" not in bilingual.translation("en").body
    assert "deepen carbon market" not in bilingual.translation("en").body


def test_tags_drop_the_tag_prefix_and_are_lower_case(bilingual):
    assert bilingual.tags == ["europe", "carbon markets"]


def test_date_and_outlet_code(bilingual):
    assert bilingual.published_at == datetime(2026, 3, 4, 11, 22, 33, 456000, tzinfo=UTC)
    assert bilingual.source_code == "ft"


def test_single_section_without_description_or_tags():
    article = parse_story(fixture_text("digest_english_only.txt"))
    assert [t.language for t in article.translations] == ["en"]
    assert article.translation("en").title == "Brazil sets out COP agenda on forests"
    assert article.translation("en").summary == ""
    assert article.tags == []


def test_section_language_is_detected_not_assumed_from_position():
    text = fixture_text("digest_bilingual.txt")
    zh, en = text.split("\n---\n\n# ")[0].split("# **")[1], text.split("\n---\n\n# ")[1]
    head = text.split("# **")[0]
    swapped = parse_story(f"{head}# {en.split('[Source Link]')[0]}\n---\n\n# **{zh}")
    assert [t.language for t in swapped.translations] == ["en", "zh-hans"]
    assert swapped.translation("zh-hans").title.startswith("中欧气候对话")


def test_front_matter_title_gives_a_headline_when_its_language_has_no_section():
    text = fixture_text("digest_english_only.txt").replace(
        "title: Brazil sets out COP agenda on forests", "title: 巴西公布气候大会森林议程"
    )
    article = parse_story(text)
    assert article.translation("zh-hans").title == "巴西公布气候大会森林议程"
    assert article.translation("zh-hans").body == ""


@pytest.mark.parametrize(
    ("tag_block", "expected"),
    [
        ("tag: \n", []),
        ("tag:\n- Tag world\n", ["world"]),
        ("tag: Tag Climate\n", ["climate"]),
        ("", []),
    ],
)
def test_tag_variations(tag_block, expected):
    text = fixture_text("digest_english_only.txt").replace(
        "author: reuters\n", tag_block + "author: reuters\n"
    )
    assert parse_story(text).tags == expected


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ("title: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "not a set of fields"),
        ("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "aliases"),
        ("title: {nested: map}\n", "'title'"),
        ("date: yesterday-ish\n", "ISO 8601"),
        ("date: 2026-02-30T08:00:00Z\n", "impossible value"),
        ("date: 9999-12-31T20:00:00Z\n", "not between the years 1900 and 2200"),
        ("date: 0202-05-01\n", "not between the years 1900 and 2200"),
    ],
)
def test_bad_front_matter_is_a_clear_error(front_matter, message):
    text = f"---\n{front_matter}---\n\n[原文链接](https://ft.com/x)\n\n# Headline\n\nBody.\n"
    with pytest.raises(ParseError, match=message):
        parse_story(text)


def test_front_matter_never_closed_is_an_error():
    with pytest.raises(ParseError, match="not closed"):
        parse_story("---\ntitle: cut short\ndate: 2026-01-01T00:00:00Z\n")


def test_digest_without_original_link_is_an_error():
    with pytest.raises(ParseError, match="no link to the original article"):
        parse_story("---\ntitle: A\n---\n\n# A headline\n\nBody text.\n")


def test_markdown_html_in_a_digest_is_sanitised():
    text = fixture_text("digest_english_only.txt").replace(
        "keep tropical forests standing.",
        "keep forests standing.<script>alert(1)</script> <img src=x onerror=alert(2)>",
    )
    article = parse_story(text)
    assert "<script" not in article.translation("en").body
    assert "onerror" not in article.translation("en").body
    assert any("script" in line for line in article.sanitizer_removed)


@pytest.mark.parametrize(
    ("front_matter", "said"),
    [
        (
            "date: yesterday-ish\n",
            {
                "en": "the date 'yesterday-ish' is not an ISO 8601 time",
                "zh-hans": "日期 'yesterday-ish' 不是 ISO 8601 时间",
            },
        ),
        (
            "title: [unclosed\n",
            {
                "en": "the front matter is not valid YAML at its line 3: "
                "expected ',' or ']', but got '<stream end>'",
                "zh-hans": "前置元数据第 3 行不是有效的 YAML：expected ',' or ']', but got "
                "'<stream end>'",
            },
        ),
    ],
)
def test_a_refusal_is_kept_to_be_read_in_either_language(front_matter, said):
    """What the import record stores says why in the language of whoever reads it later."""
    text = f"---\n{front_matter}---\n\n[原文链接](https://ft.com/x)\n\n# Headline\n\nBody.\n"
    with override("zh-hans"), pytest.raises(ParseError) as raised:
        parse_story(text)
    assert str(raised.value) == said["zh-hans"]  # the command's output, in the run's language
    for language, text in said.items():
        with override(language):
            assert message_text(raised.value.stored) == text


def test_a_missing_headline_names_the_section_in_the_readers_language():
    text = "---\ntitle: A\n---\n\n[原文链接](https://ft.com/x)\n\n---\n\n# \n\n正文。\n"
    with pytest.raises(ParseError) as raised:
        parse_story(text)
    with override("zh-hans"):
        assert message_text(raised.value.stored) == "简体中文部分没有 # 标题"


@pytest.mark.parametrize(
    "line",
    [
        "US and China agree on climate collaboration despite trade tensions",
        '  "Loss and damage" fund: 1.5°C -- (c) 2025 #COP30 $100bn 50% {draft} | a=b ',
        "美国和中国\u3000尽管贸易关系紧张，但两国仍同意在“气候”问题上合作",
        "tab\there, nbsp\u00a0there, a line separator\u2028and 𠀀 beyond the BMP",
        "",
    ],
)
def test_a_headline_of_plain_words_reads_as_markdown_would_read_it(line):
    """Headlines with no Markdown syntax skip the Markdown parser: the same words come out."""
    from html import unescape

    from articles.importing.parsers import markup

    rendered = markup.markdown_parser().renderInline(line.strip())
    assert markup.inline_text(line) == markup.normalize_space(unescape(rendered))


def test_a_headline_with_markdown_goes_through_the_parser():
    from articles.importing.parsers.markup import inline_text

    assert inline_text("**美国和中国** 同意 `合作` &amp; [more](https://example.org)") == (
        "美国和中国 同意 合作 & more"
    )
