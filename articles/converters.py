"""URL converters for the reader's pages whose keys are text: what each URL accepts.

Neither accepts NUL, which PostgreSQL refuses in a query: such a URL is a 404, not a 500.
"""

from .tags import TAG_SLUG


class TextConverter:
    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TagSlugConverter(TextConverter):
    """Every slug a tag may have (articles/tags.py), Chinese ones included."""

    regex = TAG_SLUG.pattern


class DomainConverter(TextConverter):
    """Any source domain: `str` without NUL, as domains are typed in the admin unchecked."""

    regex = "[^/\x00]+"
