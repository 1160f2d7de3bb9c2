"""The one place where outside HTML becomes safe HTML.

nh3 (Rust's ammonia) does the cleaning against an allowlist; the report of what it removed is
made from the same allowlist, so an editor can see in the import record what a file lost.
"""

import re
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlsplit

import nh3
from bs4 import BeautifulSoup, Comment
from django.db import models

ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Elements whose content goes with them: what is inside is code or layout, never story text.
DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed"}
TAG = re.compile(r"<[^>]*>?")
NOT_A_LETTER = re.compile(r"[\W_]+")


@dataclass
class SanitizedHtml:
    html: str
    removed: list[str] = field(default_factory=list)


def clean_html(html: str) -> str:
    """`html` with only what the allowlist keeps: the one sanitiser, on every path."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def sanitize_html(html: str) -> SanitizedHtml:
    """`clean_html`, with a report of what it removed: for the import record and the editor."""
    cleaned = clean_html(html)
    return SanitizedHtml(html=cleaned, removed=removals(html) + text_lost(html, kept=cleaned))


class SanitizedHtmlField(models.TextField):
    """HTML stored only as `clean_html` leaves it, whoever writes it: a form, the import,
    `bulk_create`, `QuerySet.update` or a restored revision (which saves raw), because every
    one of them turns the value into its database form through `get_db_prep_save`."""

    def pre_save(self, model_instance, add):
        # The instance holds what the database holds, for whoever reads it after the save.
        value = clean_html(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str):
            value = clean_html(value)
        return super().get_db_prep_save(value, connection)


def text_lost(original: str, *, kept: str) -> list[str]:
    """The words of `original` that `kept` no longer shows, however they went missing.

    The tag-by-tag report cannot see everything: an unclosed <script> swallows the rest of
    a body, and parsers drop what they cannot read. Words are compared by their letters and
    digits only, so punctuation and spacing moved around (a caption split from its credit)
    is no loss.
    """
    shown = _letters(" ".join(_words(kept)))
    lost = [word for word in _words(original) if _letters(word) not in shown]
    return [f"text lost: {_shorten(' '.join(dict.fromkeys(lost)), 160)}"] if lost else []


def _words(html: str) -> list[str]:
    return unescape(TAG.sub(" ", html)).split()


def _letters(text: str) -> str:
    return NOT_A_LETTER.sub("", text)


def removals(html: str) -> list[str]:
    """What the allowlist takes out of `html`, one short line per kind, in document order."""
    removed: dict[str, None] = {}
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        removed[f"comment <!--{_shorten(str(comment))}-->"] = None
    for tag in soup.find_all(True):
        if tag.name in DROPPED_WITH_CONTENT:
            removed[f"<{tag.name}> with its content: {_shorten(tag.decode_contents())}"] = None
            continue
        if tag.name not in ALLOWED_TAGS:
            kept = " (its text kept)" if tag.get_text(strip=True) else ""
            attributes = "".join(
                f' {name}="{_shorten(_value(v), 40)}"' for name, v in tag.attrs.items()
            )
            removed[f"<{tag.name}{attributes}>{kept}"] = None
            continue
        allowed = ALLOWED_ATTRIBUTES.get(tag.name, set())
        for name, value in tag.attrs.items():
            value = _value(value)
            if name not in allowed:
                removed[f'{name}="{_shorten(value)}" on <{tag.name}>'] = None
            elif name == "href" and not _safe_url(value):
                removed[f'link to "{_shorten(value)}"'] = None
    return list(removed)


def _value(value: str | list[str]) -> str:
    return " ".join(value) if isinstance(value, list) else value


def _safe_url(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return not scheme or scheme in ALLOWED_URL_SCHEMES


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
