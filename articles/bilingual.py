"""The bilingual reading mode: two translations of a body, paragraph beside paragraph."""

from itertools import zip_longest

from bs4 import BeautifulSoup, NavigableString
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def body_blocks(body: str) -> list[SafeString]:
    """The top-level blocks of a sanitised body; loose text becomes a paragraph of its own."""
    blocks = []
    for node in BeautifulSoup(body, "html.parser").contents:
        if isinstance(node, NavigableString):
            if node.strip():
                blocks.append(f"<p>{escape(node.strip())}</p>")
        else:
            blocks.append(str(node))
    # The body was sanitised on import and BeautifulSoup re-serialises it escaped.
    return [mark_safe(block) for block in blocks]


def paired_blocks(first_body: str, second_body: str) -> list[tuple[SafeString, SafeString]]:
    """Blocks of two bodies paired by position; the shorter body leaves empty cells."""
    return list(zip_longest(body_blocks(first_body), body_blocks(second_body), fillvalue=""))
