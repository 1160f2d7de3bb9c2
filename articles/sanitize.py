"""The one place where outside HTML becomes safe HTML.

nh3 (Rust's ammonia) does the cleaning against an allowlist; the report of what it removed is
made from the same allowlist, so an editor can see in the import record what a file lost.
"""

import re
from dataclasses import dataclass, field
from html import escape, unescape
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import nh3
from django.db import models
from django.utils.translation import gettext_lazy as _

from .messages import stored_message

if TYPE_CHECKING:
    from bs4 import PageElement, Tag

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
# Elements that hold blocks; those in WRAPPED hold paragraphs, so text directly inside is one.
BLOCK_TAGS = {"blockquote", "figcaption", "figure", "h2", "h3", "h4", "hr", "li", "ol", "p"}
BLOCK_TAGS |= {"pre", "ul"}
WRAPPED = {"", "blockquote", "li"}
TEXT_BLOCKS = {"figcaption", "h2", "h3", "h4", "p", "pre"}
SAME_AS = {"b": "strong", "i": "em"}
# A tag of clean_html's output (attribute values always in double quotes), or a run of text.
CLEAN_TOKEN = re.compile(r'<(/?)([a-z0-9]+)((?:[^>"]|"[^"]*")*)>|[^<]+')
ATTRIBUTE = re.compile(r'([^\s=]+)="([^"]*)"')
SPACES = re.compile(r"\s+")
# Typed text is HTML when it has a tag of the allowlist or of what pages and Word are made of.
MARKUP_TAGS = ALLOWED_TAGS | DROPPED_WITH_CONTENT | {"body", "div", "font", "html", "img", "span"}
MARKUP_TAGS |= {"meta", "section", "svg", "table", "td", "th", "tr", "u"}
MARKUP = re.compile(rf"</?(?:{'|'.join(sorted(MARKUP_TAGS))})(?:\s[^<>]*)?/?>", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
TAG = re.compile(r"<[^>]*>?")
# What html.parser reads as the start of a tag, comment or declaration, and the tags written
# plainly: a name in lower case, no attribute but a link's address without entities.
MARKUP_START = re.compile(r"<[a-zA-Z/!?]")
PLAIN_TAG = re.compile(r'</?(?P<name>[a-z][a-z0-9]*)(?: href="(?P<href>[^"&<>]*)")? ?/?>')
NOT_A_LETTER = re.compile(r"[\W_]+")
TEXT_LOST_LENGTH = 160
# A file with a million distinct bad attributes would otherwise store a million report lines.
MAX_REPORT_LINES = 200
# What a report line says of what was removed, stored language-neutral (messages.stored_message)
# and said in the reader's language; the markup quoted in it is shown as it was.
TEXT_LOST = _("text lost: %(words)s")
MORE_NOT_LISTED = _("… and more, not listed")
COMMENT = _("comment %(comment)s")
WITH_CONTENT = _("%(tag)s with its content: %(content)s")
TEXT_KEPT = _("%(tag)s (its text kept)")
ATTRIBUTE_ON_TAG = _("%(attribute)s on %(tag)s")
LINK_TO = _("link to %(url)s")


@dataclass
class SanitizedHtml:
    html: str
    removed: list[str] = field(default_factory=list)


class CleanHtml(str):
    """Text that `clean_html` returned, so it is not cleaned again on its way to the database.
    Anything made from it (joined, sliced, converted) is a plain str, cleaned as any other."""


def clean_html(html: str) -> CleanHtml:
    """`html` with only what the allowlist keeps: the one sanitiser, on every path."""
    if type(html) is CleanHtml:
        return html
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return CleanHtml(cleaned.strip())


def sanitize_html(html: str) -> SanitizedHtml:
    """`clean_html`, with a report of what it removed: for the import record and the editor."""
    cleaned = clean_html(html)
    # What the allowlist left as it was has lost no word (most imported Markdown).
    lost = [] if cleaned == html.strip() else text_lost(html, kept=cleaned)
    return SanitizedHtml(html=cleaned, removed=removals(html) + lost)


def editor_html(value: str) -> str:
    """What an editor typed, as HTML for `clean_html`. The rich-text editor sends HTML; a
    textarea without it (no script) sends text, whose blank lines part paragraphs and whose
    "<for now>" is text, not a tag: HTML is what has a tag the allowlist knows."""
    value = normalize_newlines(value).strip()
    if not value or MARKUP.search(value):
        return value
    paragraphs = BLANK_LINES.split(value)
    return "".join(
        "<p>" + escape(paragraph.strip(), quote=False).replace("\n", "<br>") + "</p>"
        for paragraph in paragraphs
    )


def normalize_newlines(value: str) -> str:
    """A browser sends a textarea's line breaks as CRLF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def canonical_html(html: str) -> str:
    """`html` as `clean_html` leaves it, in one form for every way of writing the same story:
    for telling a real edit from the same body sent back. Line endings and whitespace a
    reader never sees, <b> and <strong>, <i> and <em>, the order of attributes, empty
    paragraphs, and text in a list item or quotation with or without its <p> (the editor
    always writes one) all compare equal."""
    out: list[str] = []
    open_tags: list[tuple[str, int]] = []  # name, where its content starts in `out`
    run: list[str] = []  # the inline content since the last block boundary
    preformatted = 0
    after_space = True  # at the start of a block, as after a space, a space shows nothing

    def end_run():
        nonlocal after_space
        text = "".join(run).strip() if not preformatted else "".join(run)
        run.clear()
        after_space = True
        if not text:
            return
        parent = open_tags[-1][0] if open_tags else ""
        out.append(f"<p>{text}</p>" if parent in WRAPPED else text)

    def add_text(text: str):
        nonlocal after_space
        if not preformatted:
            text = SPACES.sub(" ", text)
            if after_space:
                text = text.removeprefix(" ")
            after_space = text.endswith(" ") or (after_space and not text)
        run.append(text)

    for match in CLEAN_TOKEN.finditer(clean_html(normalize_newlines(html))):
        closing, name, attributes = match.groups()
        if name is None:
            add_text(match.group())
            continue
        name = SAME_AS.get(name, name)
        if name not in BLOCK_TAGS:
            pairs = sorted(ATTRIBUTE.findall(attributes or ""))
            run.append(f"<{closing}{name}" + "".join(f' {k}="{v}"' for k, v in pairs) + ">")
            after_space = after_space or name == "br"
            continue
        end_run()
        if name == "hr":
            out.append("<hr>")
        elif not closing:
            out.append(f"<{name}>")
            open_tags.append((name, len(out)))
            preformatted += name == "pre"
        elif open_tags:
            opened, start = open_tags.pop()
            preformatted -= opened == "pre"
            if start == len(out) and opened in TEXT_BLOCKS:
                out.pop()  # an empty paragraph: nothing a reader sees
            else:
                out.append(f"</{opened}>")
    end_run()
    return "".join(out)


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
            value = str(clean_html(value))  # database drivers are given a plain str
        return super().get_db_prep_save(value, connection)


def text_lost(original: str, *, kept: str) -> list[str]:
    """The words of `original` that `kept` no longer shows, however they went missing.

    The tag-by-tag report cannot see everything: an unclosed <script> swallows the rest of
    a body, and parsers drop what they cannot read. Words are compared by their letters and
    digits only, so punctuation and spacing moved around (a caption split from its credit)
    is no loss.
    """
    kept_words, original_words = _words(kept), _words(original)
    # A text repeats its words: each distinct one is reduced to its letters once.
    letters_of = {word: _letters(word) for word in {*kept_words, *original_words}}
    kept_letters = {letters_of[word] for word in kept_words}
    shown = _letters(" ".join(kept_words))
    is_lost: dict[str, bool] = {}
    lost: dict[str, None] = {}
    length = 0
    for word in original_words:
        letters = letters_of[word]
        if letters in kept_letters:
            continue
        # Searching the letters of `kept` is slow: once per distinct word, and only until the
        # report line is full, or a long text of lost words would take quadratic time.
        if letters not in is_lost:
            is_lost[letters] = letters not in shown
        if is_lost[letters] and word not in lost:
            lost[word] = None
            length += len(word) + 1
            if length > TEXT_LOST_LENGTH + 1:  # the line is cut there: more words would not show
                break
    if not lost:
        return []
    return [stored_message(TEXT_LOST, words=_shorten(" ".join(lost), TEXT_LOST_LENGTH))]


def _words(html: str) -> list[str]:
    return unescape(TAG.sub(" ", html)).split()


def _letters(text: str) -> str:
    return NOT_A_LETTER.sub("", text)


def removals(html: str) -> list[str]:
    """What the allowlist takes out of `html`, one short line per kind, in document order.

    One pass over the tree and one back: asking each tag for its text or its markup would cost
    time in proportion to what is inside it, quadratic in the nesting depth.
    """
    if _nothing_to_remove(html):
        return []
    # Imported here, on the first body with something to report: every process that saves a
    # body loads this module, and most never build a tree (a re-import, a page view).
    from bs4 import BeautifulSoup, Comment, Tag

    soup = BeautifulSoup(html, "html.parser")
    nodes = list(soup.descendants)
    string_types, sizes = _string_types_and_sizes(nodes)
    comments: dict[str, None] = {}
    removed: dict[str, None] = {}
    inside_dropped_until = 0
    for index, node in enumerate(nodes):
        if len(comments) + len(removed) >= MAX_REPORT_LINES:
            removed[stored_message(MORE_NOT_LISTED)] = None
            break
        if isinstance(node, Comment):
            comments[stored_message(COMMENT, comment=f"<!--{_shorten(str(node))}-->")] = None
        if not isinstance(node, Tag):
            continue
        if node.name in DROPPED_WITH_CONTENT:
            # What is inside already shows in the line of the outermost one.
            if index >= inside_dropped_until:
                content = _shorten(node.decode_contents())
                removed[stored_message(WITH_CONTENT, tag=f"<{node.name}>", content=content)] = None
                inside_dropped_until = index + sizes[id(node)]
            continue
        if node.name not in ALLOWED_TAGS:
            attributes = "".join(
                f' {name}="{_shorten(_value(v), 40)}"' for name, v in node.attrs.items()
            )
            tag = f"<{node.name}{attributes}>"
            if _has_text(node, string_types):
                tag = stored_message(TEXT_KEPT, tag=tag)
            removed[tag] = None
            continue
        allowed = ALLOWED_ATTRIBUTES.get(node.name, set())
        for name, value in node.attrs.items():
            value = _value(value)
            if name not in allowed:
                line = stored_message(
                    ATTRIBUTE_ON_TAG, attribute=f'{name}="{_shorten(value)}"', tag=f"<{node.name}>"
                )
                removed[line] = None
            elif name == "href" and not _safe_url(value):
                removed[stored_message(LINK_TO, url=f'"{_shorten(value)}"')] = None
    return [*comments, *removed]


def _nothing_to_remove(html: str) -> bool:
    """Whether every tag of `html` is an allowed one written plainly (`<p>`, `</em>`, `<br />`,
    `<a href="https://…">`): then the allowlist removes nothing, as removals() would find
    without building a tree. Anything else html.parser reads as markup, a comment, an
    attribute, an entity in a link, goes to removals() itself."""
    for start in MARKUP_START.finditer(html):
        tag = PLAIN_TAG.match(html, start.start())
        if tag is None or tag["name"] not in ALLOWED_TAGS:
            return False
        if tag["href"] is not None and not _safe_url(tag["href"]):
            return False
    return True


def _string_types_and_sizes(nodes: list["PageElement"]) -> tuple[dict[int, set], dict[int, int]]:
    """For each tag (by id): the kinds of non-blank string inside it, and how many nodes."""
    from bs4 import NavigableString

    string_types: dict[int, set] = {}
    sizes: dict[int, int] = {}
    for node in reversed(nodes):  # every node comes after all that is inside it
        parent = id(node.parent)
        if isinstance(node, NavigableString):
            if node.strip():
                string_types.setdefault(parent, set()).add(type(node))
            sizes[parent] = sizes.get(parent, 1) + 1
            continue
        if below := string_types.get(id(node)):
            string_types.setdefault(parent, set()).update(below)
        sizes[parent] = sizes.get(parent, 1) + sizes.setdefault(id(node), 1)
    return string_types, sizes


def _has_text(tag: "Tag", string_types: dict[int, set]) -> bool:
    """tag.get_text(strip=True) != "", without reading the text."""
    wanted = tag.interesting_string_types or type(tag).MAIN_CONTENT_STRING_TYPES
    wanted = {wanted} if isinstance(wanted, type) else wanted
    return not string_types.get(id(tag), set()).isdisjoint(wanted)


def _value(value: str | list[str]) -> str:
    return " ".join(value) if isinstance(value, list) else value


def _safe_url(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return not scheme or scheme in ALLOWED_URL_SCHEMES


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
