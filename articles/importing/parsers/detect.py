"""Which format is this text? Decided from the content, never from the file name."""

from django.utils.translation import gettext_lazy as _

from .base import ParsedArticle, ParseError
from .digest import parse_digest
from .feed import looks_like_feed_item, parse_feed_item
from .simplified import simplify_traditional


def parse_story(text: str) -> ParsedArticle:
    if text.lstrip().startswith("---"):
        return simplify_traditional(parse_digest(text))
    if looks_like_feed_item(text):
        return simplify_traditional(parse_feed_item(text))
    raise ParseError(
        _(
            "not a story file: it starts with neither YAML front matter (---) "
            "nor a feed item header (<!--timestamp--> and a [headline](URL) line)"
        )
    )
