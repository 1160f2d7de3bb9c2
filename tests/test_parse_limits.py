"""Pathological markup ends in a clear per-file error, decided by a linear scan before any tree
is built; a realistic story near the limits still imports. (The time these take is measured by
hand, not here: the limits below are what bounds it.)"""

import pytest

from articles.importing.parsers import markup
from articles.importing.parsers.base import ParseError
from articles.importing.parsers.detect import parse_story
from articles.importing.parsers.digest import MAX_FRONT_MATTER_DEPTH
from articles.messages import message_text
from articles.sanitize import MAX_REPORT_LINES, removals, sanitize_html, text_lost

FEED_HEADER = (
    "<!--1741694400000-->\n"
    "[联合国敦促各国提交新的气候计划](https://www.voachinese.com/a/climate-plans/7990001.html)\n"
    "------\n\n"
)


def said(report: list[str]) -> list[str]:
    """A removal report as a reader of the active language (English here) reads it."""
    return [message_text(line) for line in report]


def make_feed(body: str) -> str:
    return FEED_HEADER + "<div><i>Tue, 11 Mar 2025 12:00:00 GMT</i></div>" + body


def make_digest(body: str = "Talks resumed in Bonn.", *, front: str = "") -> str:
    return (
        "---\ntitle: 气候谈判在波恩恢复\nauthor: ft\n"
        f"{front}---\n\n"
        "[原文链接](https://ft.com/content/bonn-talks)\n\n"
        "# Climate talks resume in Bonn\n\n"
        f"{body}\n"
    )


def nested(tag: str, depth: int) -> str:
    return f"<{tag}>" * depth + "气候" + f"</{tag}>" * depth


def parse_error(text: str) -> str:
    with pytest.raises(ParseError) as error:
        parse_story(text)
    return str(error.value)


@pytest.mark.parametrize(
    ("make", "depth", "message"),
    [
        (make_feed, 8_000, "the HTML is nested 8,000 deep; the limit is 100"),
        (make_digest, 8_000, "the HTML is nested 8,000 deep; the limit is 100"),
        (make_feed, 100_000, "the HTML is nested more than 19,997 deep; the limit is 100"),
    ],
)
def test_deeply_nested_divs_are_refused(make, depth, message):
    # 100,000: the scan stops at the tag limit, and says how deep it had got by then.
    assert parse_error(make(nested("div", depth))) == message


def test_deep_nesting_in_a_digest_names_the_markup_not_the_html():
    # 100,000 nested <div> are 400,000 "<" and ">": the Markdown check comes first.
    message = parse_error(make_digest(nested("div", 100_000)))
    assert "400,002 formatting characters" in message
    assert "the limit is 50,000" in message


def test_a_million_paragraphs_are_refused():
    assert "nested more than" in parse_error(make_feed("<p>" * 1_000_000))
    assert "the HTML has more than 20,000 tags and comments" in parse_error(
        make_feed("<p>a</p>" * 600_000)
    )


def test_a_million_unclosed_bold_tags_are_refused():
    assert "the limit is 100" in parse_error(make_feed("<b>" * 1_000_000 + "text"))


def test_comments_count_as_elements():
    assert "more than 20,000 tags and comments" in parse_error(make_feed("<!--x-->" * 30_000))


def test_tags_never_closed_by_a_bracket_are_refused():
    # html.parser scans to the end of the text again for each of them.
    message = parse_error(make_feed("<p>text</p>" + "<a " * 1_000_000))
    assert message == "the HTML has 1,000,000 tags or comments never closed by >; the limit is 20"


def test_unclosed_comments_are_refused():
    assert "never closed by >" in parse_error(make_feed("<p>text</p>" + "<!-- >" * 1_000))


def test_a_few_unclosed_tags_at_the_end_still_import():
    article = parse_story(make_feed("<p>气温创下新高</p>a<b c"))
    assert "气温创下新高" in article.translations[0].body


def test_a_long_attribute_list_is_refused():
    attributes = " ".join(f"data-a{i}=x" for i in range(100_000))
    message = parse_error(make_feed(f"<p {attributes}>气候</p>"))
    assert message == "a <p> tag has 100,000 attributes; the limit is 40"


def test_deep_markdown_lists_and_quotes_are_refused():
    assert "the limit is 50,000" in parse_error(make_digest(">" * 100_000 + " 引用"))
    assert "the story text has 100,005 lines" in parse_error(make_digest("- item\n" * 100_000))
    assert "formatting characters" in parse_error(make_digest("*a " * 500_000))


def test_markdown_nesting_within_the_limits_imports():
    article = parse_story(make_digest("".join(">" * i + " quoted words\n" for i in range(1, 60))))
    assert "<blockquote>" in article.translation("en").body


@pytest.mark.parametrize(
    "value",
    ["[" * 20_000 + "]" * 20_000, "[" * 20_000, "\n" + "- " * 20_000 + "x", "{a: " * 15_000],
)
def test_deep_front_matter_is_refused(value):
    message = parse_error(make_digest(front=f"extra: {value}\n"))
    assert message == (
        f"the front matter has lists or fields nested more than {MAX_FRONT_MATTER_DEPTH} deep"
    )


def test_front_matter_at_the_depth_limit_imports():
    depth = MAX_FRONT_MATTER_DEPTH - 1  # the document's own mapping is one level
    value = "[" * depth + "x" + "]" * depth
    article = parse_story(make_digest(front=f"extra: {value}\ntag:\n- Tag world\n"))
    assert article.tags == ["world"]


def test_blank_lines_before_a_header_are_refused_quickly():
    # Two greedy \s* in the header pattern made this quadratic.
    assert "not a story file" in parse_error("<!--1741694400000-->" + "\n" * 500_000 + "x")


def test_the_scan_counts_depth_as_html_parser_nests():
    markup.check_html_limits("<p>" * 50 + "<br>" * 500 + "<img src=x>" * 500 + "<div/>" * 500)
    markup.check_html_limits("<div>" * 60 + "</div>" * 60 + "<div>" * 60)
    markup.check_html_limits("<script>" + "<div>" * 500 + "</script>")
    # An end tag closes everything opened after the nearest open tag of its name.
    markup.check_html_limits(("<div>" + "<b>" * 99 + "</div>") * 100)
    with pytest.raises(ParseError, match="nested 101 deep"):
        markup.check_html_limits("<div>" + "<b>" * 100 + "</i>" * 100)


def test_a_realistic_feed_item_near_the_limits_imports():
    paragraph = "各国代表在波恩继续就气候资金问题进行谈判，发展中国家要求更多支持。" * 3
    body = (
        "<p>"
        + "<br /><br />".join(
            f"{paragraph}<br /><br /><strong>第{i}节</strong>" for i in range(3_000)
        )
        + "</p>"
        + nested("div", markup.MAX_HTML_DEPTH - 1)
    )
    article = parse_story(make_feed(body))
    assert article.translations[0].body.count("<h2>") == 3_000
    assert "第2999节" in article.translations[0].body


def test_a_realistic_digest_near_the_limits_imports():
    paragraph = "Negotiators in **Bonn** argued over [finance](https://unfccc.int) again."
    # Each paragraph is six tags of HTML: 3,000 of them come near the 20,000 tags allowed.
    article = parse_story(make_digest("\n\n".join([paragraph] * 3_000)))
    body = article.translation("en").body
    assert body.count("<p>") == 3_000
    assert body.count("<strong>Bonn</strong>") == 3_000


def test_the_removal_report_walks_deep_trees_once():
    html = nested("span", 20_000)  # the sanitiser itself has no depth limit: editors' HTML
    assert said(removals(html)) == ["<span> (its text kept)"]


def test_the_removal_report_names_only_the_outermost_dropped_element():
    assert said(removals("<object><embed src=x><iframe>y</iframe></object><p>z</p>")) == [
        '<object> with its content: <embed src="x"/><iframe>y</iframe>'
    ]


def test_the_removal_report_is_capped():
    html = "".join(f'<p class="c{i}">t</p>' for i in range(1_000))
    report = sanitize_html(html).removed
    assert len(report) == MAX_REPORT_LINES + 1
    assert message_text(report[-1]) == "… and more, not listed"


def test_text_lost_stops_when_its_line_is_full():
    original = "<p>kept words</p><script>" + " ".join(f"z{i}" for i in range(200_000))
    (line,) = said(text_lost(original, kept="<p>kept words</p>"))
    assert line.startswith("text lost: z0 z1 z2")
    assert line.endswith("…")
    assert len(line) == len("text lost: ") + 160


def test_text_lost_still_sees_words_whose_spacing_moved():
    assert text_lost("<p>照片（路透社照片）</p>", kept="<p>照片</p><p>路透社照片</p>") == []
