"""Markdown and text helpers the parsers share."""

import re

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": True})


def markdown_to_html(text: str) -> str:
    return _markdown.render(text)


def inline_text(markdown: str) -> str:
    """The plain words of one line of Markdown: `# **美国** 和中国` -> `美国 和中国`."""
    html = _markdown.renderInline(markdown.strip())
    return normalize_space(BeautifulSoup(html, "html.parser").get_text())


def normalize_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
