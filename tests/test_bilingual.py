"""Pairing two bodies block by block for the bilingual reading mode (no database)."""

from articles.bilingual import body_blocks, paired_blocks


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


def test_the_shorter_body_leaves_empty_cells():
    assert paired_blocks("<p>A</p><p>B</p>", "<p>甲</p>") == [
        ("<p>A</p>", "<p>甲</p>"),
        ("<p>B</p>", ""),
    ]


def test_empty_bodies_pair_to_nothing():
    assert paired_blocks("", "  ") == []
