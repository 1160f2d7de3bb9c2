"""Emphasis that works beside Chinese punctuation: CommonMark's CJK-friendly amendment.

CommonMark decides whether a run of `*` can open or close emphasis from the characters on either
side, and counts full-width punctuation as punctuation like any other. In `**“责任”**原则` the
closing `**` comes after `”` and before a letter, so it cannot close and readers see the
asterisks; Chinese copy meets this in nearly every bold quotation or book title.

The amendment proposed for CommonMark (github.com/tats-u/markdown-cjk-friendly, specification.md,
the rule of its markdown-it plugin) changes one thing: a `*` run with no whitespace on either side
that touches a CJK character can open and close. Whitespace still decides as before, `_` is left
alone (intraword underscores stay literal in Chinese too), and text with no CJK character beside
a delimiter renders exactly as CommonMark has it.
"""

from bisect import bisect_right

from markdown_it import MarkdownIt
from markdown_it.common.utils import isWhiteSpace
from markdown_it.rules_inline.state_inline import Delimiter, Scanned, StateInline

# The amendment's "CJK character": East Asian Width W, F or H and not an emoji, or Hangul; the
# ranges are those its ranges.md lists for Unicode 17 (unassigned code points of the wide blocks
# count as wide, as UAX #11 advises).
CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x20A9, 0x20A9),
    (0x2329, 0x232A),
    (0x2630, 0x2637),
    (0x268A, 0x268F),
    (0x2E80, 0x2E99),
    (0x2E9B, 0x2EF3),
    (0x2F00, 0x2FD5),
    (0x2FF0, 0x303E),
    (0x3041, 0x3096),
    (0x3099, 0x30FF),
    (0x3105, 0x312F),
    (0x3131, 0x318E),
    (0x3190, 0x31E5),
    (0x31EF, 0x321E),
    (0x3220, 0x3247),
    (0x3250, 0xA48C),
    (0xA490, 0xA4C6),
    (0xA960, 0xA97C),
    (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7C6),
    (0xD7CB, 0xD7FB),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE19),
    (0xFE30, 0xFE52),
    (0xFE54, 0xFE66),
    (0xFE68, 0xFE6B),
    (0xFF01, 0xFFBE),
    (0xFFC2, 0xFFC7),
    (0xFFCA, 0xFFCF),
    (0xFFD2, 0xFFD7),
    (0xFFDA, 0xFFDC),
    (0xFFE0, 0xFFE6),
    (0xFFE8, 0xFFEE),
    (0x16FE0, 0x16FE4),
    (0x16FF0, 0x16FF6),
    (0x17000, 0x18CD5),
    (0x18CFF, 0x18D1E),
    (0x18D80, 0x18DF2),
    (0x1AFF0, 0x1AFF3),
    (0x1AFF5, 0x1AFFB),
    (0x1AFFD, 0x1AFFE),
    (0x1B000, 0x1B122),
    (0x1B132, 0x1B132),
    (0x1B150, 0x1B152),
    (0x1B155, 0x1B155),
    (0x1B164, 0x1B167),
    (0x1B170, 0x1B2FB),
    (0x1D300, 0x1D356),
    (0x1D360, 0x1D376),
    (0x1F200, 0x1F200),
    (0x1F202, 0x1F202),
    (0x1F210, 0x1F219),
    (0x1F21B, 0x1F22E),
    (0x1F230, 0x1F231),
    (0x1F237, 0x1F237),
    (0x1F23B, 0x1F23B),
    (0x1F240, 0x1F248),
    (0x1F260, 0x1F265),
    (0x20000, 0x3FFFD),
)
_CJK_STARTS = [start for start, _ in CJK_RANGES]

# A variation selector after a character belongs to it: the amendment looks through one to the
# character it modifies. U+FE0F asks for an emoji and is not looked through.
TEXT_VARIATION_SELECTORS = range(0xFE00, 0xFE0F)
IDEOGRAPHIC_VARIATION_SELECTORS = range(0xE0100, 0xE01F0)
# `“` + U+FE01 is the full-width (CJK) form of a quotation mark whose width is otherwise ambiguous.
FULL_WIDTH_SELECTOR = "\ufe01"
AMBIGUOUS_QUOTES = frozenset("‘’“”")


def cjk_friendly_emphasis(md: MarkdownIt) -> None:
    """markdown-it plugin: `MarkdownIt(...).use(cjk_friendly_emphasis)` changes that parser only."""
    md.inline.ruler.at("emphasis", _tokenize_emphasis)


def is_cjk(character: str) -> bool:
    code = ord(character)
    index = bisect_right(_CJK_STARTS, code) - 1
    return index >= 0 and code <= CJK_RANGES[index][1]


def scan_delimiters(state: StateInline, start: int) -> Scanned:
    """markdown-it's `scanDelims` for the `*` or `_` run at `start`, amended beside CJK."""
    marker = state.src[start]
    scanned = state.scanDelims(start, marker == "*")
    if marker != "*" or (scanned.can_open and scanned.can_close):
        return scanned
    end = start + scanned.length
    after = state.src[end] if end < state.posMax else " "
    before, selector = _character_before(state.src, start)
    if isWhiteSpace(ord(before)) or isWhiteSpace(ord(after)):
        return scanned
    if is_cjk(after) or _is_cjk_before(before, selector):
        return Scanned(True, True, scanned.length)
    return scanned


def _character_before(src: str, start: int) -> tuple[str, str]:
    """The character before `start` and the variation selector that follows it ("" if none).
    The beginning of the text counts as a space."""
    if start == 0:
        return " ", ""
    before = src[start - 1]
    if ord(before) in TEXT_VARIATION_SELECTORS and start > 1:
        base = src[start - 2]
        if not isWhiteSpace(ord(base)):
            return base, before
    return before, ""


def _is_cjk_before(character: str, selector: str) -> bool:
    if is_cjk(character):
        return True
    if selector:
        return selector == FULL_WIDTH_SELECTOR and character in AMBIGUOUS_QUOTES
    return ord(character) in IDEOGRAPHIC_VARIATION_SELECTORS


def _tokenize_emphasis(state: StateInline, silent: bool) -> bool:
    """markdown-it's emphasis rule with `scan_delimiters` in place of `scanDelims`."""
    start = state.pos
    marker = state.src[start]
    if silent or marker not in ("_", "*"):
        return False
    scanned = scan_delimiters(state, start)
    for _ in range(scanned.length):
        token = state.push("text", "", 0)
        token.content = marker
        state.delimiters.append(
            Delimiter(
                marker=ord(marker),
                length=scanned.length,
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )
    state.pos += scanned.length
    return True
