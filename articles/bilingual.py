"""The bilingual reading mode: two translations of a body, paragraph beside paragraph.

The blocks of the two bodies are aligned by their lengths, after Gale and Church, "A Program
for Aligning Sentences in Bilingual Corpora" (Computational Linguistics 19:1, 1993): a dynamic
programme finds the cheapest sequence of rows, each row taking up to two blocks from a side,
where a row costs less the closer its two sides' lengths are to the story's own ratio of
lengths. A paragraph the translator split, merged or added then costs one row, and the rest
of the story stays side by side.
"""

import math
from dataclasses import dataclass
from itertools import zip_longest
from typing import NamedTuple

from bs4 import BeautifulSoup, NavigableString, Tag
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Variance of the length difference per character, in characters of the wordier language.
# Gale and Church measured 6.8 for German and English sentences; Chinese and English news
# paragraphs vary more: on simulated stories with 25% noise in each paragraph's ratio, 12
# aligned twice as many whole stories as 6.8 did, and as many with 8% noise.
VARIANCE_PER_CHARACTER = 12.0

# (blocks of the first body, of the second, -log(P(row) / P(1-1))). Gale and Church's priors
# for 2-1 (0.089) and 2-2 (0.011); a block without a counterpart (their 0.0099 makes 4.5) is
# made commoner, as a paragraph an editor added to one version is commoner in news than a
# sentence left out of a parliament's record.
MOVES = (
    (1, 1, 0.0),
    (1, 0, 3.0),
    (0, 1, 3.0),
    (2, 1, 2.3),
    (1, 2, 2.3),
    (2, 2, 4.4),
)

# A heading beside a paragraph, or in one cell with one, reads as a misalignment even when the
# lengths agree; this costs more than leaving a paragraph unmatched.
HEADING_MISMATCH = 5.0

# The alignment may wander this many blocks from the diagonal; a translation that drifts
# further is not of the same story's structure. It keeps the work linear in the blocks.
BAND = 20

# Beyond this many blocks on a side the blocks are paired by position, so that a hostile
# body of thousands of paragraphs costs linear time and memory.
MAX_ALIGNED_BLOCKS = 500

# Alignments at most, each with the ratio of the rows the last one paired: the second
# settles almost every story.
PASSES = 3

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class Block:
    html: SafeString
    length: int
    heading: bool = False


class Row(NamedTuple):
    """One row of the reading mode: no, one or two blocks of each body."""

    first: tuple[SafeString, ...]
    second: tuple[SafeString, ...]


def blocks(body: str) -> list[Block]:
    """The top-level blocks of a sanitised body, with the length of their visible text."""
    found = []
    for node in BeautifulSoup(body, "html.parser").contents:
        if isinstance(node, NavigableString):
            if text := node.strip():
                found.append(Block(f"<p>{escape(text)}</p>", visible_length(text)))
        elif isinstance(node, Tag):
            found.append(Block(str(node), visible_length(node.get_text()), node.name in HEADINGS))
    # The body was sanitised on import and BeautifulSoup re-serialises it escaped.
    return [Block(mark_safe(b.html), b.length, b.heading) for b in found]


def visible_length(text: str) -> int:
    # A run of whitespace is one character: the indentation of markup is not text.
    return len(" ".join(text.split()))


def body_blocks(body: str) -> list[SafeString]:
    """The top-level blocks of a sanitised body; loose text becomes a paragraph of its own."""
    return [block.html for block in blocks(body)]


def paired_blocks(first_body: str, second_body: str) -> list[Row]:
    """The blocks of two bodies in rows, aligned by their lengths and order."""
    first, second = blocks(first_body), blocks(second_body)
    rows, i, j = [], 0, 0
    for di, dj in alignment(first, second):
        rows.append(
            Row(
                tuple(b.html for b in first[i : i + di]),
                tuple(b.html for b in second[j : j + dj]),
            )
        )
        i, j = i + di, j + dj
    return rows


def alignment(first: list[Block], second: list[Block]) -> list[tuple[int, int]]:
    """How many blocks of each side each row takes, in order: (1, 1), (1, 0), (1, 2), ..."""
    n, m = len(first), len(second)
    first_total = sum(b.length for b in first)
    second_total = sum(b.length for b in second)
    if not first_total or not second_total or max(n, m) > MAX_ALIGNED_BLOCKS:
        return [(int(a is not None), int(b is not None)) for a, b in zip_longest(first, second)]

    # The story's own ratio of lengths (about three English characters to a Chinese one),
    # first of the whole bodies, then of the rows that found a counterpart: a long paragraph
    # added to one side no longer skews it, and the rows beside it find their partners.
    ratio = first_total / second_total
    path = best_path(first, second, ratio)
    for _ in range(PASSES - 1):
        paired = [(x, y) for x, y in row_lengths(first, second, path) if x and y]
        if not paired:
            break
        paired_ratio = sum(x for x, _ in paired) / sum(y for _, y in paired)
        if math.isclose(paired_ratio, ratio):
            break
        ratio, previous = paired_ratio, path
        path = best_path(first, second, ratio)
        if path == previous:
            break
    return path


def row_lengths(first: list[Block], second: list[Block], path):
    i = j = 0
    for di, dj in path:
        yield (
            sum(b.length for b in first[i : i + di]),
            sum(b.length for b in second[j : j + dj]),
        )
        i, j = i + di, j + dj


def best_path(first: list[Block], second: list[Block], ratio: float) -> list[tuple[int, int]]:
    """The cheapest rows, where a character of the second body is worth ratio of the first."""
    n, m = len(first), len(second)
    # Both sides in characters of the wordier language, so that one variance fits any two.
    first_scale, second_scale = (1, ratio) if ratio >= 1 else (1 / ratio, 1)
    first_lengths = prefix_sums(b.length * first_scale for b in first)
    second_lengths = prefix_sums(b.length * second_scale for b in second)
    first_headings = prefix_sums(b.heading for b in first)
    second_headings = prefix_sums(b.heading for b in second)

    def row_cost(i, j, di, dj, prior):
        cost = prior
        if di and dj:
            x = first_lengths[i] - first_lengths[i - di]
            y = second_lengths[j] - second_lengths[j - dj]
            cost += length_cost(x, y)
        # Gale and Church also price a block without counterpart by its length; here that made
        # a long added paragraph dearer than shifting every row after it, so only its prior counts.
        headings = (
            first_headings[i] - first_headings[i - di],
            second_headings[j] - second_headings[j - dj],
        )
        if headings != (0, 0) and not (headings == (1, 1) and di == dj == 1):
            cost += HEADING_MISMATCH
        return cost

    # The cells (i, j) near the line from (0, 0) to (n, m), measured along the shorter side.
    reach = BAND * max(n, m)
    low = [max(0, -((reach - i * m) // n)) for i in range(n + 1)]
    high = [min(m, (i * m + reach) // n) for i in range(n + 1)]
    costs: list[list[float]] = []
    choices: list[bytearray] = []
    for i in range(n + 1):
        row_costs = [math.inf] * (high[i] - low[i] + 1)
        row_choices = bytearray(len(row_costs))
        for j in range(low[i], high[i] + 1):
            if i == j == 0:
                row_costs[0] = 0.0
                continue
            best, best_move = math.inf, 0
            for move, (di, dj, prior) in enumerate(MOVES):
                pi, pj = i - di, j - dj
                if pi < 0 or not low[pi] <= pj <= high[pi]:
                    continue
                before = costs[pi][pj - low[pi]] if pi < i else row_costs[pj - low[i]]
                cost = before + row_cost(i, j, di, dj, prior)
                if cost < best:
                    best, best_move = cost, move
            row_costs[j - low[i]], row_choices[j - low[i]] = best, best_move
        costs.append(row_costs)
        choices.append(row_choices)

    path, i, j = [], n, m
    while i or j:
        di, dj, _ = MOVES[choices[i][j - low[i]]]
        path.append((di, dj))
        i, j = i - di, j - dj
    return path[::-1]


def length_cost(x: float, y: float) -> float:
    """-log of the chance that translations of lengths x and y differ at least this much."""
    if not x and not y:
        return 0.0
    z = abs(x - y) / math.sqrt(VARIANCE_PER_CHARACTER * (x + y) / 2)
    tail = math.erfc(z / math.sqrt(2))
    if tail > 0:
        return -math.log(tail)
    # Past z of about 38 the tail is below the smallest float; its asymptote keeps the order.
    return z * z / 2 + math.log(z * math.sqrt(math.pi / 2))


def prefix_sums(values) -> list[float]:
    sums = [0]
    for value in values:
        sums.append(sums[-1] + value)
    return sums
