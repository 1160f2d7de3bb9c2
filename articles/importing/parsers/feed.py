"""Format B: a feed item, an HTML body under a Markdown title line (see FORMATS.md)."""

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from django.utils.translation import gettext_lazy as _

from ... import languages
from ...messages import stored_message
from ...sanitize import clean_html, removals, text_lost
from .base import (
    ParsedArticle,
    ParsedImage,
    ParsedTranslation,
    ParseError,
    checked_publication_time,
)
from .language import detect_language
from .markup import check_html_limits, normalize_space
from .plain_html import plain_tree
from .urls import canonical_url, unwrap_image_url

FORMAT = "feed"
# Possessive: with two greedy \s* in a row a file of blank lines took quadratic time to refuse.
HEADER = re.compile(
    r"\A\s*+(?:<!--\s*+(\d{9,14})\s*+-->[^\S\n]*+\n)?\s*+(\[.*)\n[ \t]*(?:-{2,}|={2,})[ \t]*\n"
)
PARAGRAPH_BREAK = re.compile(r"(?:<br\s*/?>\s*){2,}", re.IGNORECASE)
CREDIT = re.compile(r"\s*[（(]([^（）()]{1,40})[）)]\s*$")
MARKDOWN_ESCAPE = re.compile(r"\\([\\\[\]()*_`])")
# A subheading of words alone: no markup or entity that parsing could change.
PLAIN_SUBHEADING = re.compile(r"<(strong|b)>([^<>&]*)</\1>")


def looks_like_feed_item(text: str) -> bool:
    return HEADER.match(text) is not None


def parse_feed_item(text: str) -> ParsedArticle:
    header = HEADER.match(text)
    if not header:
        raise ParseError(_("the feed item has no [headline](URL) line underlined with ------"))
    title, url = _title_link(header[2].strip())
    check_html_limits(text[header.end() :])
    soup = plain_tree(text[header.end() :]) or BeautifulSoup(text[header.end() :], "html.parser")
    published_at, date_line = _take_date(soup)
    published_at = checked_publication_time(published_at or _from_epoch_ms(header[1]))
    images, refused = _take_images(soup)
    removed = removals(str(soup))  # before paragraphs are rebuilt, which drops <p> attributes
    body = clean_html(_paragraphs(soup))  # what it removes is reported above and below
    kept = " ".join([body, *(f"{i.caption} {i.credit}" for i in images)])
    removed += text_lost(text[header.end() :], kept=kept + " " + date_line)
    language = detect_language(f"{title}\n{soup.get_text()}") or languages.CHINESE
    for image in images:  # captioned for the readers of the item's language
        image.language = language
    return ParsedArticle(
        format=FORMAT,
        original_url=canonical_url(url),
        published_at=published_at,
        original_language=language,
        translations=[ParsedTranslation(language=language, title=title, body=body)],
        images=images,
        sanitizer_removed=refused + removed,
    )


def _title_link(line: str) -> tuple[str, str]:
    """`[headline](URL)`, where the URL may itself hold brackets and parentheses."""
    if not line.endswith(")"):
        raise ParseError(_("the title line is not [headline](URL)"))
    depth = 0
    for index in range(len(line) - 1, 0, -1):
        depth += {")": 1, "(": -1}.get(line[index], 0)
        if depth == 0:
            break
    if depth or line[index - 1] != "]":
        raise ParseError(_("the title line is not [headline](URL)"))
    title = normalize_space(MARKDOWN_ESCAPE.sub(r"\1", line[1 : index - 1]))
    if not title:
        raise ParseError(_("the title line has an empty headline"))
    return title, line[index + 1 : -1].strip()


def _take_date(soup: BeautifulSoup) -> tuple[datetime | None, str]:
    """The publication time of the `<div><i>` date line, and the line's text."""
    for italic in soup.find_all("i"):
        line = italic.get_text(strip=True)
        try:
            published_at = parsedate_to_datetime(line)
        except (TypeError, ValueError):
            continue
        (italic.find_parent("div") or italic).decompose()
        return (published_at if published_at.tzinfo else published_at.replace(tzinfo=UTC)), line
    return None, ""


def _from_epoch_ms(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    except (OverflowError, ValueError, OSError):
        raise ParseError(
            _("the timestamp comment <!--%(value)s--> is not a time"), value=value
        ) from None


def _take_images(soup: BeautifulSoup) -> tuple[list[ParsedImage], list[str]]:
    """The images and their captions, out of the body; what is not a web image is reported."""
    images, refused = [], []
    for img in soup.find_all("img"):
        if img.decomposed:  # inside the caption of an earlier image
            continue
        src, alt_text = (img.get("src") or "").strip(), normalize_space(img.get("alt") or "")
        caption, credit = _take_caption(img)
        img.decompose()
        url = unwrap_image_url(src) if src else ""
        if "." not in (urlsplit(url).hostname or ""):
            refused.append(
                stored_message(
                    _("%(tag)s that is not a web image: %(source)s"),
                    tag="<img>",
                    source=f'src="{src[:80]}"',
                )
            )
        else:
            images.append(
                ParsedImage(
                    original_url=url,
                    caption=caption,
                    credit=credit,
                    alt_text=alt_text,
                    position=len(images),
                )
            )
    return images, refused


def _take_caption(img: Tag) -> tuple[str, str]:
    """The `<small>` caption right after an image, its credit (`（美联社照片）`) apart."""
    small = img.find_next(["small", "img"])
    if small is None or small.name != "small":
        return "", ""
    text = normalize_space(small.get_text(" "))
    container = small.find_parent("div")
    if container is not None and normalize_space(container.get_text(" ")) == text:
        container.decompose()
    else:
        small.decompose()
    credit = CREDIT.search(text)
    if not credit:
        return text, ""
    return text[: credit.start()].strip(), credit[1].strip()


def _paragraphs(soup: BeautifulSoup) -> str:
    """`<br /><br />` separates paragraphs; a `<strong>` standing alone is a subheading."""
    chunks = []
    for node in soup.contents:
        if isinstance(node, str):  # a string of either tree (NavigableString, plain_html.Text)
            chunks.extend(PARAGRAPH_BREAK.split(str(node)))
        elif node.name in {"p", "div"}:
            chunks.extend(PARAGRAPH_BREAK.split(node.decode_contents()))
        else:
            chunks.append(str(node))
    return "\n".join(_block(chunk.strip()) for chunk in chunks if chunk.strip())


def _block(chunk: str) -> str:
    if chunk[0] not in "<&":  # starts with words: a paragraph, nothing to parse
        return f"<p>{chunk}</p>"
    subheading = PLAIN_SUBHEADING.fullmatch(chunk)
    # As below, without building a tree (which would make blank words one space or newline).
    if subheading and not subheading[2].isspace():
        return f"<h2>{subheading[2]}</h2>"
    inner = BeautifulSoup(chunk, "html.parser")
    children = [c for c in inner.contents if not (isinstance(c, NavigableString) and not c.strip())]
    if len(children) == 1 and isinstance(children[0], Tag):
        if children[0].name in {"strong", "b"}:
            return f"<h2>{children[0].decode_contents()}</h2>"
        if children[0].name in {
            "p",
            "ul",
            "ol",
            "blockquote",
            "h2",
            "h3",
            "h4",
            "figure",
            "script",
            "style",
            "iframe",
        }:
            return chunk
    return f"<p>{chunk}</p>"
