"""Emphasis beside Chinese punctuation converts; the rest is CommonMark's reference output."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from articles.importing.parsers.cjk_emphasis import is_cjk
from articles.importing.parsers.detect import parse_story
from articles.importing.parsers.markup import inline_text, markdown_to_html

commonmark = MarkdownIt("commonmark", {"html": True})


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("**“共同但有区别的责任”**原则", "<strong>“共同但有区别的责任”</strong>原则"),
        ("中欧坚持**“共同但有区别的责任”**。", "中欧坚持<strong>“共同但有区别的责任”</strong>。"),
        ("坚持**“共同责任”**原则", "坚持<strong>“共同责任”</strong>原则"),
        ("**《巴黎协定》**生效", "<strong>《巴黎协定》</strong>生效"),
        ("各方通过了**《巴黎协定》**。", "各方通过了<strong>《巴黎协定》</strong>。"),
        ("*（草案）*已提交", "<em>（草案）</em>已提交"),
        ("文件*（草案）*已提交", "文件<em>（草案）</em>已提交"),
        ("**中欧**在气候问题上", "<strong>中欧</strong>在气候问题上"),
        ("这是**重要的。**接下来", "这是<strong>重要的。</strong>接下来"),
        ("**欧盟(EU)**达成协议", "<strong>欧盟(EU)</strong>达成协议"),
        ("美国和**欧盟（EU）**达成", "美国和<strong>欧盟（EU）</strong>达成"),
        ("**COP29**在巴库举行", "<strong>COP29</strong>在巴库举行"),
        ("他说：**“不能再等了”**。", "他说：<strong>“不能再等了”</strong>。"),
        ("***“重点”***内容", "<em><strong>“重点”</strong></em>内容"),
        ("**「气候融资」**是焦点", "<strong>「气候融资」</strong>是焦点"),
        # A full-width form of a quotation mark (U+FE01) is CJK punctuation too.
        ("他说**“是”\ufe01**吗", "他说<strong>“是”\ufe01</strong>吗"),
    ],
)
def test_emphasis_beside_chinese_punctuation_converts(markdown, html):
    assert markdown_to_html(markdown) == f"<p>{html}</p>\n"


def test_plain_commonmark_leaves_these_asterisks_on_the_page():
    assert commonmark.renderInline("**“共同但有区别的责任”**原则") == "**“共同但有区别的责任”**原则"
    assert commonmark.renderInline("*（草案）*已提交") == "*（草案）*已提交"


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("气候_变化_大会", "气候_变化_大会"),
        ("文件名 snake_case_names 不变", "文件名 snake_case_names 不变"),
        ("中文 * 字", "中文 * 字"),
        ("中文 **不强调 **了", "中文 **不强调 **了"),
        ("“*强调*”", "“<em>强调</em>”"),
    ],
)
def test_underscores_and_whitespace_decide_as_in_commonmark_in_chinese_too(markdown, html):
    assert markdown_to_html(markdown) == commonmark.render(markdown) == f"<p>{html}</p>\n"


ENGLISH = [
    ("snake_case_names", "snake_case_names"),
    ("2*3*4", "2<em>3</em>4"),
    ("*not emphasised *", "*not emphasised *"),
    ("**bold**text", "<strong>bold</strong>text"),
    ("intra_word_underscores stay", "intra_word_underscores stay"),
    ("__init__.py", "<strong>init</strong>.py"),
    ("foo*bar*", "foo<em>bar</em>"),
    ("_foo_bar", "_foo_bar"),
    ("a * b * c", "a * b * c"),
    ("** foo bar**", "** foo bar**"),
    ('**foo "*bar*" foo**', "<strong>foo &quot;<em>bar</em>&quot; foo</strong>"),
    ("*(*foo*)*", "<em>(<em>foo</em>)</em>"),
    ("foo-_(bar)_", "foo-<em>(bar)</em>"),
    ('a**"foo"**', "a**&quot;foo&quot;**"),
    ("*$*alpha.", "*$*alpha."),
    ("__foo, __bar__, baz__", "<strong>foo, <strong>bar</strong>, baz</strong>"),
    ("*foo**bar**baz*", "<em>foo<strong>bar</strong>baz</em>"),
    ("*foo**bar*", "<em>foo**bar</em>"),
    ("**foo*bar*baz**", "<strong>foo<em>bar</em>baz</strong>"),
    ("_(_foo_)_", "<em>(<em>foo</em>)</em>"),
    ("**Gustave Eiffel**’s tower", "<strong>Gustave Eiffel</strong>’s tower"),
]


@pytest.mark.parametrize(("markdown", "html"), ENGLISH)
def test_english_emphasis_is_commonmarks_reference_output(markdown, html):
    assert markdown_to_html(markdown) == commonmark.render(markdown) == f"<p>{html}</p>\n"


# Delimiters, Latin letters, ASCII and non-CJK Unicode punctuation, whitespace and line breaks.
NON_CJK = st.text(alphabet=st.sampled_from("*_ab1 \n.,()\"'-’—«»!$~`\\[]"), max_size=40)


@settings(max_examples=1500, deadline=None)
@given(NON_CJK)
def test_text_without_cjk_renders_exactly_as_commonmark(markdown):
    assert markdown_to_html(markdown) == commonmark.render(markdown)


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=st.sampled_from("_ab 中文。“”（）《》\n"), max_size=40))
def test_underscores_beside_chinese_render_exactly_as_commonmark(markdown):
    assert markdown_to_html(markdown) == commonmark.render(markdown)


@pytest.mark.parametrize(
    ("character", "cjk"),
    [
        ("中", True),
        ("。", True),
        ("（", True),
        ("《", True),
        ("「", True),
        ("が", True),
        ("한", True),
        ("𠀀", True),
        ("“", False),  # width ambiguous: CJK only with U+FE01 after it
        ("a", False),
        ("(", False),
        ("😀", False),  # wide, but an emoji
        ("\u3000", True),
    ],
)
def test_what_counts_as_a_cjk_character(character, cjk):
    assert is_cjk(character) is cjk


def test_a_digest_headline_and_body_lose_their_asterisks():
    article = parse_story(
        "---\ntitle: 标题\n---\n\n[原文链接](https://example.com/story)\n\n"
        "# **“共同但有区别的责任”**原则再受关注\n\n"
        "中欧重申**“共同但有区别的责任”**原则，并提到*（草案）*文本。\n"
    )
    [chinese] = article.translations
    assert chinese.title == "“共同但有区别的责任”原则再受关注"
    assert "<strong>“共同但有区别的责任”</strong>原则" in chinese.body
    assert "<em>（草案）</em>文本" in chinese.body
    assert "*" not in chinese.body


def test_inline_text_of_a_heading_drops_markers_beside_chinese_punctuation():
    assert inline_text("**《巴黎协定》**十周年") == "《巴黎协定》十周年"
