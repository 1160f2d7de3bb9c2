"""Text as readers see it: the one way HTML becomes plain text, and the spacing of Chinese
next to Latin in what the site itself writes.

Chinese puts no space between words, so markup cannot be replaced by a space: "让<b>中国</b>的承诺"
is one phrase. Inline elements join with nothing; blocks join by the rules of the language.
Everything here is a few passes of str.find and bounded regular expressions, linear in the
input, whatever the input.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import get_language

from . import languages

# Elements that end a line of text where they open or close; the rest are inline.
BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "caption", "dd", "details", "div"}
    | {"dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6"}
    | {"header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table"}
    | {"td", "th", "tr", "ul"}
)
# Elements whose content is not text a reader sees; the sanitiser drops them from bodies, but
# the extraction must not depend on that.
HIDDEN_TAGS = {
    name: re.compile(f"</{name}", re.IGNORECASE) for name in ("script", "style", "template")
}
TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
TAG_STOP = re.compile(r"[>\"']")
WHITESPACE = re.compile(r"\s+")
# Marks where the site's own words meet an interpolated value, while a line is put together.
# A Unicode noncharacter: reserved for exactly this internal use, never in interchange text.
SEAM = "\ufdd0"
SEAMS = re.compile(f"{SEAM}+")
HANGUL = (("\u1100", "\u11ff"), ("\u3130", "\u318f"), ("\uac00", "\ud7af"))
# What a count counts (static/admin_desk/word_count.js counts the same way, in the browser):
# each Chinese character (a CJK ideograph), and each word of the other scripts, a run of
# letters and digits that an apostrophe, hyphen or point may join (don't, COP30, 1.5).
IDEOGRAPH = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\U00030000-\U0003134f]"
)
WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")


def text_blocks(html_text: str) -> list[tuple[str, str]]:
    """The blocks of text in `html_text`, in order: (the block element, its text), with the
    text's whitespace collapsed and entities decoded."""
    blocks: list[tuple[str, str]] = []
    runs: list[str] = []
    element = ""

    def end_block():
        text = _collapse("".join(runs))
        runs.clear()
        if text:
            blocks.append((element, text))

    for name, text in _tokens(html_text):
        if name is None:
            runs.append(text)
        elif name == "br":  # a line break inside the block: whitespace, by the rule of _collapse
            runs.append("\n")
        elif name.lstrip("/") in BLOCK_TAGS:
            end_block()
            if not name.startswith("/"):
                element = name
    end_block()
    return blocks


def plain_text(html_text: str, language: str) -> str:
    """The text of `html_text` on one line: inline elements joined with nothing, blocks with
    what `language` puts between them."""
    parts: list[str] = []
    for _element, block in text_blocks(html_text):
        if parts:
            parts.append(_block_separator(parts[-1], block, language))
        parts.append(block)
    return "".join(parts)


@dataclass(frozen=True)
class WordCount:
    words: int  # words of scripts written with spaces: English, and Latin within Chinese
    characters: int  # Chinese characters


def word_count(text: str) -> WordCount:
    """How long `text` is as editors count: English in words, Chinese in characters, and
    mixed text in both ("COP30 气候大会" is 1 word and 4 characters)."""
    characters = len(IDEOGRAPH.findall(text))
    return WordCount(words=len(WORD.findall(IDEOGRAPH.sub(" ", text))), characters=characters)


def html_word_count(html_text: str) -> WordCount:
    return word_count(plain_text(html_text, languages.ENGLISH))


def first_paragraph(html_text: str) -> str:
    """The text of the first <p> that has any, else of the first block."""
    blocks = text_blocks(html_text)
    paragraphs = [text for element, text in blocks if element == "p"]
    return next(iter(paragraphs or [text for _element, text in blocks]), "")


def spaced_format(message: str, /, **values) -> str:
    """`message % values`, with a space where a Latin word of a value meets a Chinese character
    of the message, or the other way round, and nowhere else: "来自%(source)s的报道" with Reuters
    reads "来自 Reuters 的报道", with 新华社 "来自新华社的报道", and "话题：COP30" keeps its
    colon tight. The values themselves are left as they are; a number is formatted as the
    message says (%(limit)d, %(seconds)g), the message spacing it itself."""
    return space_seams(
        message
        % {
            name: value if isinstance(value, int | float) else mark_seams(value)
            for name, value in values.items()
        }
    )


def listed(items, language: str | None = None) -> str:
    """Items as a list reads in `language` (the active one by default): "carbon, methane" in
    English, "碳市场、甲烷" in Chinese (the enumeration comma, no space)."""
    chinese = _is_chinese(language)
    return ("、" if chinese else ", ").join(str(item) for item in items)


def clauses(items, language: str | None = None) -> str:
    """Clauses set one after another as a sentence reads in `language` (the active one by
    default): "saved by Ana; saved by Li" in English, "甲；乙" in Chinese (the full-width
    semicolon, no space)."""
    chinese = _is_chinese(language)
    return ("；" if chinese else "; ").join(str(item) for item in items)


def sentences(items, language: str | None = None) -> str:
    """Sentences one after another: a space between them in English, none in Chinese, whose
    full stop takes a character's width."""
    chinese = _is_chinese(language)
    return ("" if chinese else " ").join(str(item) for item in items if item)


def large_number(number: int, language: str | None = None) -> str:
    """A large count as `language` (the active one by default) says it: "40 million" in
    English; in Chinese, which counts in 万 (ten thousand) and 亿 (a hundred million),
    "4000 万". Rounded to a tenth of its unit; a count below the first unit as it is."""
    chinese = _is_chinese(language)
    units = ((100_000_000, "亿"), (10_000, "万")) if chinese else ((1_000_000, "million"),)
    smallest = units[-1][0]
    for size, unit in units:
        rounded = round(number / size, 1)
        # Rounded up into a larger unit: 99,999,999 is "1 亿", not "10000 万".
        if rounded >= 1 and (number >= size or size != smallest):
            return f"{rounded:g} {unit}"
    return str(number) if chinese else f"{number:,}"


def run_space(before: str, after: str) -> str:
    """What separates two runs of text set side by side (a caption and its credit), by their
    languages: a space, or between two Chinese runs the ideographic space, as Chinese puts no
    half-width space between its characters."""
    return "\u3000" if before == after == languages.CHINESE else " "


def mark_seams(value) -> str:
    return _Seamed(f"{SEAM}{str(value).replace(SEAM, '')}{SEAM}")


class _Seamed(str):
    """A value between seam marks that keeps them outside its quotes when shown as %r."""

    def __repr__(self) -> str:
        return f"{SEAM}{str.__repr__(self[1:-1])}{SEAM}"


def space_seams(text: str) -> str:
    """`text` without its seam marks, each replaced by a space where Chinese meets Latin."""

    def replace(match: re.Match) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return " " if _meets_latin(before, after) else ""

    return SEAMS.sub(replace, text)


def _tokens(html_text: str):
    """(None, text) for each run of text, entities decoded, and (name, "") for each tag, with
    "/" before the name of an end tag. Comments, declarations and hidden elements yield
    nothing; a tag cut off by the end of the input ends it, as in a browser."""
    position, length = 0, len(html_text)
    while position < length:
        start = html_text.find("<", position)
        if start < 0:
            start = length
        if start > position:
            yield None, html.unescape(html_text[position:start])
        if start == length:
            return
        if html_text.startswith("<!--", start):
            end = html_text.find("-->", start + 4)
            if end < 0:
                return
            position = end + 3
            continue
        tag = TAG_NAME.match(html_text, start)
        if tag is None:
            if html_text.startswith(("<!", "<?", "</"), start):
                end = html_text.find(">", start)
                if end < 0:
                    return
                position = end + 1
            else:  # a "<" that starts nothing is text, as in a browser
                yield None, "<"
                position = start + 1
            continue
        position = _tag_end(html_text, tag.end())
        if position < 0:
            return
        name = tag.group(1).lower()
        is_end = html_text[start + 1] == "/"
        if name in HIDDEN_TAGS and not is_end:
            closing = HIDDEN_TAGS[name].search(html_text, position)
            if closing is None:
                return
            position = closing.start()
            continue
        yield ("/" if is_end else "") + name, ""


def _tag_end(html_text: str, position: int) -> int:
    """Where the tag whose attributes start at `position` ends, skipping quoted values; -1
    if the input ends first. Each character is looked at once."""
    while True:
        stop = TAG_STOP.search(html_text, position)
        if stop is None:
            return -1
        if stop.group() == ">":
            return stop.end()
        closing_quote = html_text.find(stop.group(), stop.end())
        if closing_quote < 0:
            return -1
        position = closing_quote + 1


def _collapse(text: str) -> str:
    """Whitespace as a browser shows it: one space for a run, and none for a line break
    between two wide (Chinese or Japanese) characters, as CSS Text 3 removes it there."""

    def replace(match: re.Match) -> str:
        if "\n" in match.group() or "\r" in match.group():
            before = text[match.start() - 1] if match.start() else ""
            after = text[match.end()] if match.end() < len(text) else ""
            if _is_wide(before) and _is_wide(after):
                return ""
        return " "

    return WHITESPACE.sub(replace, text).strip()


def _block_separator(before: str, after: str, language: str) -> str:
    """Chinese runs on from one block to the next with no space, except between two Latin
    words; English and every other language puts a space between blocks."""
    if language != languages.CHINESE:
        return " "
    last, first = before[-1], after[0]
    if _is_wide(last) and _is_wide(first):
        return ""
    if _is_chinese_punctuation(last) or _is_chinese_punctuation(first):
        return ""
    return " "


def _meets_latin(before: str, after: str) -> bool:
    return (_is_han(before) and _is_latin(after)) or (_is_latin(before) and _is_han(after))


def _is_wide(char: str) -> bool:
    """A character set in a full-width cell: Han, kana, and Chinese punctuation (not Hangul,
    whose words are spaced)."""
    return (
        bool(char)
        and unicodedata.east_asian_width(char) in ("F", "W")
        and not any(start <= char <= end for start, end in HANGUL)
    )


def _is_han(char: str) -> bool:
    """A wide letter: a Han character or kana, not punctuation."""
    return _is_wide(char) and unicodedata.category(char) in ("Lo", "Lm")


def _is_latin(char: str) -> bool:
    """A letter or digit of a script written with spaces (Latin, Greek, Cyrillic ...)."""
    return char.isalnum() and unicodedata.east_asian_width(char) not in ("F", "W")


def _is_chinese_punctuation(char: str) -> bool:
    """Punctuation no space goes next to in Chinese: full-width marks, and the curly quotes,
    dashes and ellipsis that Chinese type sets full width."""
    return unicodedata.category(char).startswith("P") and (
        unicodedata.east_asian_width(char) in ("F", "W", "A")
    )


def _is_chinese(language: str | None) -> bool:
    """Whether text is set as Chinese: `language`, else the active language."""
    return (language or get_language()) == languages.CHINESE
