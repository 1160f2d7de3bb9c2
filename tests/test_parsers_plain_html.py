"""parsers/plain_html.py builds the tree BeautifulSoup would of plain markup, without it: on
generated bodies, the same markup, text and answers; and the same parsed feed item either way."""

from random import Random

import pytest
from bs4 import BeautifulSoup

from articles.importing.parsers import feed
from articles.importing.parsers.detect import parse_story
from articles.importing.parsers.plain_html import plain_tree
from tests.helpers import fixture_text

TEXTS = [
    *("Wed, 08 May 2024 01:24:38 GMT", "Wed, 08 May 2024", "（美联社照片）", "(AP Photo)"),
    *("气候谈判", "Climate talks", " ", "  ", "\n", "\n\n ", "\t", "\r\n", "\x0c", "\u3000"),
    *("\xa0", "\x00", "字", "word"),
]
VOID = [
    *("<br />", "<br>", "<br/>", "<br /><br />", '<img src="">', "<img>"),
    '<img src="https://images.weserv.nl?url=gdb.voanews.com/a.jpg" width="100%">',
    '<img src="https://example.com/b.png" alt="图 说明"/>',
]
CAPTION = '<div><small style="color: #999;">新闻图片说明（美联社照片）</small></div>'
PIECES = [
    *TEXTS,
    *VOID,
    CAPTION,
    *("<p>", "</p>", "<div>", "</div>", "<i>", "</i>", "<strong>", "</strong>", "<b>", "</b>"),
    *("<small>", "</small>", "<span>", "</span>", "<em>", "</em>", "</p><p>"),
    *('<small style="color: #999;">', '<div class="note">', '<p class="a b">', '<p class="">'),
    *('<span id="x" id="y">', "<P>", "</br>", "<p/>", "<script>x</script>", "<caption>"),
    *("<!-- c -->", "&amp;", "&lt;", "a > b", "<", "<p", "<a href='x'>", "</a>", "<table>"),
]


def random_body(rng: Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 24)))


def well_formed_body(rng: Random) -> str:
    """Plain markup of the shapes feed items have, nested at random."""

    def content(depth: int) -> str:
        parts = []
        for _ in range(rng.randint(0, 4)):
            kind = rng.random()
            if kind < 0.4 or depth > 3:
                parts.append(rng.choice(TEXTS))
            elif kind < 0.55:
                parts.append(rng.choice(VOID))
            elif kind < 0.65:
                parts.append(rng.choice(VOID[-2:]) + rng.choice([CAPTION, ""]))
            else:
                name = rng.choice(["p", "div", "i", "strong", "b", "small", "span", "em"])
                style = rng.choice(["", ' style="color: #999;"', ' class="x"'])
                parts.append(f"<{name}{style}>{content(depth + 1)}</{name}>")
        return "".join(parts)

    date = "<div><i>Wed, 08 May 2024 01:24:38 GMT</i></div>" if rng.random() < 0.7 else ""
    return date + content(0)


def trees(html: str):
    return plain_tree(html), BeautifulSoup(html, "html.parser")


def test_plain_markup_makes_the_tree_beautifulsoup_makes():
    rng, plain_seen = Random(12), 0
    for n in range(4000):
        html = random_body(rng) if n % 2 else well_formed_body(rng)
        ours, theirs = trees(html)
        if ours is None:
            continue
        plain_seen += 1
        assert str(ours) == str(theirs), html
        assert ours.get_text() == theirs.get_text(), html
        assert ours.get_text(" ", strip=True) == theirs.get_text(" ", strip=True), html
        for name in ("i", "img", "small", "div", "p"):
            assert [str(e) for e in ours.find_all(name)] == [str(e) for e in theirs.find_all(name)]
        assert [str(c) for c in ours.contents] == [str(c) for c in theirs.contents], html
    assert plain_seen > 1500  # the generator does reach the plain case


@pytest.mark.parametrize(
    "html",
    [
        "a &amp; b",  # an entity
        "<p>x",  # left open
        "<p>x</div></p>",  # closed out of order
        "x > y",
        "<!-- comment -->",
        "<P>x</P>",
        '<p class="a  b">x</p>',  # a word list BeautifulSoup would respace
        '<span id="a" id="b">x</span>',
        "<script>alert(1)</script>",
        "<p/>",
        "</br>",
    ],
)
def test_anything_not_plain_is_left_to_beautifulsoup(html):
    assert plain_tree(html) is None


def feed_item(body: str) -> str:
    return f"<!--1715132343000-->\n[气候谈判取得进展](https://www.voachinese.com/a/x.html)\n------\n\n{body}"


def test_a_feed_item_parses_the_same_with_either_tree(monkeypatch):
    rng = Random(7)
    texts = [fixture_text("feed_item.txt"), fixture_text("feed_no_date_two_images.txt")]
    texts += [feed_item(well_formed_body(rng) + random_body(rng)) for _ in range(200)]
    texts += [feed_item(well_formed_body(rng)) for _ in range(600)]
    bodies = [text.split("------\n\n", 1)[-1] for text in texts]
    assert sum(plain_tree(body) is not None for body in bodies) > 500  # most take the plain way
    plain = []
    for text in texts:
        try:
            plain.append(parse_story(text))
        except ValueError as error:
            plain.append(str(error))
    monkeypatch.setattr(feed, "plain_tree", lambda html: None)
    for text, ours in zip(texts, plain, strict=True):
        try:
            theirs = parse_story(text)
        except ValueError as error:
            theirs = str(error)
        assert ours == theirs, text
