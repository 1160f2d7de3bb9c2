"""Text as readers see it: one extraction from HTML; Chinese next to Latin in the site's lines."""

import gettext
import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from articles.text import first_paragraph, plain_text, spaced_format, text_blocks


def test_inline_elements_inside_a_chinese_sentence_add_no_space():
    body = (
        "<p>这项计划将让<strong>中国的承诺</strong>更容易<a href='https://x.example'>核实</a>。</p>"
    )
    assert plain_text(body, "zh-hans") == "这项计划将让中国的承诺更容易核实。"


def test_chinese_blocks_run_on_without_a_space():
    body = (
        "<h2>甲烷行动计划</h2><p>据<em>知情人士</em>透露，</p>"
        "<ul><li>第一条。</li><li>第二条</li></ul>"
    )
    assert plain_text(body, "zh-hans") == "甲烷行动计划据知情人士透露，第一条。第二条"


def test_chinese_blocks_keep_a_space_between_latin_words_and_none_at_chinese_punctuation():
    body = "<p>会议在COP30</p><p>UN officials said</p><p>“我们同意。”</p><p>Reuters</p>"
    assert plain_text(body, "zh-hans") == "会议在COP30 UN officials said“我们同意。”Reuters"


def test_english_blocks_are_separated_by_a_space():
    body = "<h2>Methane</h2><p>Envoys <em>agreed</em>.</p><ul><li>One</li><li>Two</li></ul>"
    assert plain_text(body, "en") == "Methane Envoys agreed. One Two"


def test_whitespace_collapses_and_a_line_break_between_chinese_characters_goes():
    body = "<p>中国\n的承诺<br>更容易</p><p>Bonn\n  talks<br>resumed &amp; ended</p>"
    assert plain_text(body, "zh-hans") == "中国的承诺更容易 Bonn talks resumed & ended"


def test_comments_scripts_and_quoted_angle_brackets_are_not_text():
    body = (
        '<p>甲<!-- 注释 -->乙<a title="a > b" href="/">丙</a></p>'
        "<script>alert('<p>x</p>')</script><style>p{}</style><p>丁</p>"
    )
    assert plain_text(body, "zh-hans") == "甲乙丙丁"


def test_text_blocks_name_their_element():
    assert text_blocks("<h2>Head</h2><p>One <b>two</b></p>") == [("h2", "Head"), ("p", "One two")]


def test_first_paragraph_skips_headings_and_empty_paragraphs():
    body = "<h2>背景</h2><p> </p><p>第一段<b>内容</b>。</p><p>第二段。</p>"
    assert first_paragraph(body) == "第一段内容。"
    assert first_paragraph("<h2>Only a heading</h2>") == "Only a heading"
    assert first_paragraph("") == ""


@pytest.mark.parametrize(
    "hostile",
    ["<" * 400_000, "<a" * 200_000, '<a "' * 100_000, "<!--" * 100_000, "<p>" * 130_000]
    + ["<script>" * 50_000, "&amp" * 100_000, "中\n" * 200_000, "<a b='>" * 60_000],
)
def test_hostile_input_takes_linear_time(hostile):
    started = time.process_time()  # this process's CPU: other work on the machine does not count
    plain_text(hostile, "zh-hans")
    first_paragraph(hostile)
    assert time.process_time() - started < 5  # a quadratic scan of this much takes minutes


def test_spaced_format_spaces_latin_values_in_chinese_lines():
    line = "编辑根据%(source)s的报道摘编。"
    assert spaced_format(line, source="Reuters") == "编辑根据 Reuters 的报道摘编。"
    assert spaced_format(line, source="新华社") == "编辑根据新华社的报道摘编。"
    assert spaced_format("来自%(source)s的报道", source="Reuters / 路透社") == (
        "来自 Reuters / 路透社的报道"
    )


def test_spaced_format_adds_no_space_at_punctuation_or_in_english():
    assert spaced_format("话题：%(tag)s", tag="COP30") == "话题：COP30"
    assert spaced_format("《%(title)s》", title="Nature") == "《Nature》"
    assert spaced_format("Stories from %(source)s", source="新华社") == "Stories from 新华社"
    assert spaced_format("(%(source)s)", source="AFP") == "(AFP)"


def test_spaced_format_leaves_the_values_themselves_alone():
    assert spaced_format("来自%(source)s的报道", source="FT中文网") == "来自 FT中文网的报道"


def test_spaced_format_formats_numbers_as_the_message_says():
    """A stored message's limit (%d, %g) once failed: every value was made text first."""
    assert spaced_format("超过 %(limit)d MB 的上限", limit=20) == "超过 20 MB 的上限"
    assert spaced_format("(limit: %(seconds)g s)", seconds=2.5) == "(limit: 2.5 s)"


def test_the_sites_own_chinese_words_space_latin_words_and_numbers():
    """The fixed words and the counts of every Chinese message: "Newsdesk 新闻台", "第 %(number)s
    页", never "RSS订阅". Names are placeholders spaced_format and {% cjk_spacing %} handle."""
    [locale] = settings.LOCALE_PATHS
    catalog = Path(locale) / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    with catalog.open("rb") as mo:
        messages = gettext.GNUTranslations(mo)._catalog.values()
    number = re.compile(r"%\((?:counter|count|number|total|n|limit)\)s|%\(\w+\)[dg]")
    name = re.compile(r"%\(\w+\)[sr]")
    unspaced = re.compile(r"[\u4e00-\u9fff][A-Za-z0-9]|[A-Za-z0-9][\u4e00-\u9fff]")
    as_shown = [name.sub("\x00", number.sub("0", message)) for message in messages]
    assert [message for message in as_shown if unspaced.search(message)] == []
