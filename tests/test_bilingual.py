"""Aligning two bodies block by block for the bilingual reading mode (no database)."""

import pytest

from articles.bilingual import MAX_ALIGNED_BLOCKS, blocks, body_blocks, paired_blocks

ENGLISH = [
    "Negotiators in Bonn narrowed their differences on a new climate finance goal on Thursday, "
    "after two weeks of talks that many delegates had expected to end in deadlock.",
    "Developing countries want rich nations to commit at least one trillion dollars a year by "
    "2030, while donors insist that private investment and multilateral banks must count "
    "towards the total.",
    "The draft text now lists three options for the size of the goal and two for who should "
    "contribute.",
    '"We are closer than we have ever been," said the chair of the talks, adding that ministers '
    "would have to settle the remaining questions in Baku.",
    "Small island states warned that any deal without a dedicated share for adaptation would "
    "leave the most vulnerable countries behind.",
    "The next round of talks is due to open in Baku in November.",
]
CHINESE = [
    "周四，波恩的谈判代表在新的气候资金目标上缩小了分歧。此前两周的谈判中，许多代表曾预计会陷入僵局。",
    "发展中国家希望富裕国家承诺到2030年每年至少提供一万亿美元，"
    "而捐助方坚持认为私人投资和多边开发银行的资金应计入总额。",
    "草案文本目前列出了关于目标规模的三个选项，以及关于出资方的两个选项。",
    "会谈主席说：“我们比以往任何时候都更接近达成一致。”他还表示，剩下的问题需要部长们在巴库解决。",
    "小岛屿国家警告说，任何没有为适应气候变化专门划出份额的协议，都会让最脆弱的国家掉队。",
    "下一轮谈判定于11月在巴库开幕。",
]
# Background an editor added to one version. Lengths alone cannot tell which of several
# paragraphs of about the same length is the added one, so this one is longer than its
# neighbours, as background often is.
EXTRA_ENGLISH = (
    "Under the Paris Agreement the new goal replaces the pledge, made in 2009 and met only in "
    "2022, that rich countries would mobilise 100 billion dollars a year for poorer ones; "
    "negotiators have until the end of this year's summit to agree on it."
)
EXTRA_CHINESE = (
    "根据《巴黎协定》，新目标将取代2009年作出、直到2022年才兑现的承诺，"
    "即富裕国家每年为较贫穷国家筹集1000亿美元；谈判代表须在今年峰会结束前就此达成一致。"
)


def body(*paragraphs):
    return "\n".join(p if p.startswith("<") else f"<p>{p}</p>" for p in paragraphs)


def shape(rows):
    return [(len(row.first), len(row.second)) for row in rows]


def test_top_level_blocks_are_split_and_nested_markup_kept():
    body = "<h2>Head</h2>\n<p>One <em>two</em></p><blockquote><p>Quote</p></blockquote>"
    assert body_blocks(body) == [
        "<h2>Head</h2>",
        "<p>One <em>two</em></p>",
        "<blockquote><p>Quote</p></blockquote>",
    ]


def test_loose_text_becomes_an_escaped_paragraph():
    assert body_blocks("Loose & free\n<p>Then a paragraph</p>") == [
        "<p>Loose &amp; free</p>",
        "<p>Then a paragraph</p>",
    ]


def test_length_is_the_visible_text_not_the_markup():
    link = '<p><a href="https://news.example.com/a/very/long/address">Bonn</a>  talks\n end</p>'
    assert [(b.length, b.heading) for b in blocks(link + "<h3>巴库</h3>")] == [
        (len("Bonn talks end"), False),
        (2, True),
    ]


def test_the_same_structure_pairs_every_paragraph_with_its_translation():
    rows = paired_blocks(body(*ENGLISH), body(*CHINESE))
    assert rows == [
        ((f"<p>{en}</p>",), (f"<p>{zh}</p>",)) for en, zh in zip(ENGLISH, CHINESE, strict=True)
    ]


def test_a_paragraph_split_in_two_shares_one_row_and_the_rest_stays_one_to_one():
    split = [
        "发展中国家希望富裕国家承诺到2030年每年至少提供一万亿美元。",
        "捐助方则坚持认为，私人投资和多边开发银行的资金应计入总额。",
    ]
    rows = paired_blocks(body(*ENGLISH), body(CHINESE[0], *split, *CHINESE[2:]))
    assert shape(rows) == [(1, 1), (1, 2), (1, 1), (1, 1), (1, 1), (1, 1)]
    assert rows[1] == ((f"<p>{ENGLISH[1]}</p>",), tuple(f"<p>{zh}</p>" for zh in split))
    assert rows[-1] == ((f"<p>{ENGLISH[-1]}</p>",), (f"<p>{CHINESE[-1]}</p>",))


def test_two_paragraphs_merged_into_one_share_one_row():
    merged = CHINESE[3] + CHINESE[4]
    rows = paired_blocks(body(*ENGLISH), body(*CHINESE[:3], merged, CHINESE[5]))
    assert shape(rows) == [(1, 1), (1, 1), (1, 1), (2, 1), (1, 1)]


@pytest.mark.parametrize("extra_side", ["first", "second"])
def test_an_extra_paragraph_stands_alone_and_the_rest_stays_aligned(extra_side):
    english, chinese = list(ENGLISH), list(CHINESE)
    if extra_side == "first":
        english.insert(3, EXTRA_ENGLISH)
        expected_extra = (1, 0)
    else:
        chinese.insert(3, EXTRA_CHINESE)
        expected_extra = (0, 1)
    rows = paired_blocks(body(*english), body(*chinese))
    assert shape(rows) == [(1, 1)] * 3 + [expected_extra] + [(1, 1)] * 3
    assert rows[4] == ((f"<p>{ENGLISH[3]}</p>",), (f"<p>{CHINESE[3]}</p>",))


def test_headings_are_paired_with_headings():
    # By length alone the short English-only paragraph would sit beside the Chinese heading,
    # and the English heading would share a cell with the paragraph after it.
    english = body(*ENGLISH[:3], "Talks resume on Monday.", "<h2>Next: Baku</h2>", *ENGLISH[3:])
    chinese = body(*CHINESE[:3], "<h2>下一站：巴库</h2>", *CHINESE[3:])
    rows = paired_blocks(english, chinese)
    assert rows[3] == (("<h2>Next: Baku</h2>",), ("<h2>下一站：巴库</h2>",))
    assert shape(rows) == [(1, 1), (1, 1), (2, 1), (1, 1), (1, 1), (1, 1), (1, 1)]


def test_an_empty_side_leaves_every_row_half_empty():
    rows = paired_blocks(body(*ENGLISH), "")
    assert rows == [((f"<p>{en}</p>",), ()) for en in ENGLISH]
    assert paired_blocks("<p></p>", body(*CHINESE[:2])) == [
        (("<p></p>",), (f"<p>{CHINESE[0]}</p>",)),
        ((), (f"<p>{CHINESE[1]}</p>",)),
    ]


def test_empty_bodies_pair_to_nothing():
    assert paired_blocks("", "  ") == []


def test_a_hostile_number_of_paragraphs_is_paired_by_position():
    many = "".join(f"<p>Paragraph {n}.</p>" for n in range(10_000))
    rows = paired_blocks(many, body(*CHINESE[:3]))
    assert len(rows) == 10_000
    assert set(shape(rows)) == {(1, 1), (1, 0)}
    assert shape(rows)[:4] == [(1, 1), (1, 1), (1, 1), (1, 0)]
    assert rows[-1] == (("<p>Paragraph 9999.</p>",), ())


def test_the_largest_aligned_bodies_keep_every_block_once():
    n = MAX_ALIGNED_BLOCKS
    first = "".join(f"<p>{'x' * (1 + k % 97)}</p>" for k in range(n))
    second = "".join(f"<p>{'甲' * (1 + k % 89)}</p>" for k in range(n - 50))
    rows = paired_blocks(first, second)
    assert sum(len(row.first) for row in rows) == n
    assert sum(len(row.second) for row in rows) == n - 50
    assert all(len(row.first) <= 2 and len(row.second) <= 2 for row in rows)
    assert n // 2 <= len(rows) <= 2 * n - 50
