"""Markdown and text helpers the parsers share, and the limits on markup they enforce.

BeautifulSoup, nh3 and markdown-it each spend time or memory out of proportion on deeply nested
or very dense markup (nh3 alone takes 18 s on 100,000 nested <div>). The limits below are
checked by a linear scan before any of them sees the text; a real story is far below them.
"""

import re
from functools import cache
from html import unescape

from django.utils.translation import gettext_lazy as _

from .base import ParseError

# Real stories nest a few levels and hold a few hundred elements; the limits leave a wide margin
# and keep the worst file the size limit admits to seconds and well under 300 MB.
MAX_HTML_DEPTH = 100
MAX_HTML_TAGS = 20_000
MAX_ATTRIBUTES = 40
MAX_UNCLOSED_TAGS = 20
MAX_MARKDOWN_LINES = 50_000
MAX_MARKDOWN_MARKS = 50_000

# The tags html.parser never nests (the void elements).
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
TAG_START = re.compile(r"<(/?)([a-zA-Z][^\t\n\r\f />\x00]*)")
# What html.parser reads as the start of a tag, comment or declaration.
MARKUP_START = re.compile(r"<[a-zA-Z/!?]")
# html.parser reads no tags inside these, only text up to the end tag.
RAW_TEXT = {"script": re.compile(r"</script", re.I), "style": re.compile(r"</style", re.I)}
ATTRIBUTE = re.compile(r"[\s/]+[^\s/>=]")
MARKDOWN_MARK = re.compile(r"[*_\[\]<>`&\\!]")
# What CommonMark's inline rules (and markdown-it's normalising of NUL and line ends) start
# from: a line with none of them renders as its own text, escaped.
INLINE_SYNTAX = re.compile(r"[*_\[\]<>`&\\!~\x00\r\n]")
# The tags Markdown writes for emphasis, code and line breaks, with nothing inside them.
PLAIN_INLINE_TAG = re.compile(r"</?(?:strong|em|code)>|<br />")


@cache
def markdown_parser():
    """Made on first use: the admin loads this module for its limits, and a re-import of
    files imported before parses nothing."""
    from markdown_it import MarkdownIt

    from .cjk_emphasis import cjk_friendly_emphasis

    return MarkdownIt("commonmark", {"html": True}).use(cjk_friendly_emphasis)


def markdown_to_html(text: str) -> str:
    check_markdown_limits(text)
    html = markdown_parser().render(text)
    check_html_limits(html)
    return html


def inline_text(markdown: str) -> str:
    """The plain words of one line of Markdown: `# **美国** 和中国` -> `美国 和中国`."""
    if not INLINE_SYNTAX.search(markdown):  # plain words: what Markdown would give back
        return normalize_space(markdown)
    check_markdown_limits(markdown)
    html = markdown_parser().renderInline(markdown.strip())
    check_html_limits(html)
    if "<" not in PLAIN_INLINE_TAG.sub("", html):
        # Text and plain emphasis tags only, as html.parser reads them: the text between the
        # tags, each run's entities decoded.
        return normalize_space("".join(map(unescape, PLAIN_INLINE_TAG.split(html))))
    from bs4 import BeautifulSoup  # here, as markdown_parser

    return normalize_space(BeautifulSoup(html, "html.parser").get_text())


def normalize_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_markdown_limits(text: str) -> None:
    lines = text.count("\n") + 1
    if lines > MAX_MARKDOWN_LINES:
        raise ParseError(
            _("the story text has %(count)s lines; the limit is %(limit)s"),
            count=f"{lines:,}",
            limit=f"{MAX_MARKDOWN_LINES:,}",
        )
    marks = len(text) - len(MARKDOWN_MARK.sub("", text))
    if marks > MAX_MARKDOWN_MARKS:
        raise ParseError(
            _(
                "the story text has %(count)s formatting characters (* _ [ ] < > ` & \\ !); "
                "the limit is %(limit)s"
            ),
            count=f"{marks:,}",
            limit=f"{MAX_MARKDOWN_MARKS:,}",
        )


def check_html_limits(html: str) -> None:
    """Refuse HTML nested deeper, or with more tags, than the limits, as html.parser reads it.

    Walks the tags once with str.find, keeping the open tags as BeautifulSoup would: an end tag
    closes the nearest open tag of its name and everything opened after it.
    """
    _check_unclosed(html)
    last_close = html.rfind(">")
    open_tags: list[str] = []
    open_count: dict[str, int] = {}
    tags = depth = 0
    position = html.find("<")
    while 0 <= position < last_close:
        if html.startswith("<!--", position):
            end = html.find("-->", position + 4)
            tags += 1
            position = html.find("<", end + 3 if end >= 0 else position + 1)
            continue
        end = html.find(">", position + 1)
        tag = TAG_START.match(html, position, end + 1)
        if tag:
            tags += 1
            name = tag[2].lower()
            attributes = len(ATTRIBUTE.findall(html, tag.end(), end))
            if attributes > MAX_ATTRIBUTES:
                raise ParseError(
                    _("a <%(tag)s> tag has %(count)s attributes; the limit is %(limit)s"),
                    tag=name[:20],
                    count=f"{attributes:,}",
                    limit=MAX_ATTRIBUTES,
                )
            if tag[1]:
                if open_count.get(name):
                    while (closed := open_tags.pop()) != name:
                        open_count[closed] -= 1
                    open_count[name] -= 1
            elif name not in VOID_TAGS and html[end - 1] != "/":
                open_tags.append(name)
                open_count[name] = open_count.get(name, 0) + 1
                depth = max(depth, len(open_tags))
                if name in RAW_TEXT:
                    raw_end = RAW_TEXT[name].search(html, end + 1)
                    end = raw_end.start() - 1 if raw_end else len(html)
        if tags > MAX_HTML_TAGS:
            break
        position = html.find("<", end + 1)
    if depth > MAX_HTML_DEPTH:
        message = (
            _("the HTML is nested more than %(depth)s deep; the limit is %(limit)s")
            if tags > MAX_HTML_TAGS  # the scan stopped there
            else _("the HTML is nested %(depth)s deep; the limit is %(limit)s")
        )
        raise ParseError(message, depth=f"{depth:,}", limit=MAX_HTML_DEPTH)
    if tags > MAX_HTML_TAGS:
        raise ParseError(
            _("the HTML has more than %(limit)s tags and comments"), limit=f"{MAX_HTML_TAGS:,}"
        )


def _check_unclosed(html: str) -> None:
    """html.parser searches to the end of the text for the end of each tag or comment that has
    none, and then goes on one character further: many of them take quadratic time."""
    unclosed = len(MARKUP_START.findall(html, html.rfind(">") + 1))
    unclosed += html.count("<!--", html.rfind("-->") + 1)
    if unclosed > MAX_UNCLOSED_TAGS:
        raise ParseError(
            _("the HTML has %(count)s tags or comments never closed by >; the limit is %(limit)s"),
            count=f"{unclosed:,}",
            limit=MAX_UNCLOSED_TAGS,
        )
