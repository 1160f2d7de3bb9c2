import codecs

import pytest

from articles.importing.parsers.base import ParseError
from articles.importing.parsers.decode import decode_bytes
from articles.importing.parsers.detect import parse_story
from tests.helpers import fixture_text

TRADITIONAL_FEED = (
    "<!--1741867200000-->\n[氣候談判進入關鍵階段](https://www.voachinese.com/a/talks-1.html)\n"
    "------\n\n<p>各國代表在波恩繼續討論氣候資金問題。<br /><br />會議將於週五結束。</p>\n"
)


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda text: text.encode("utf-8"), "utf-8"),
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
        (lambda text: text.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        (lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"), "utf-8-sig"),
        (lambda text: text.encode("utf-16"), "utf-16"),
        (lambda text: text.encode("gb18030"), "gb18030"),
    ],
)
def test_digest_in_every_encoding_parses_the_same(encode, encoding):
    text = fixture_text("digest_bilingual.txt")
    decoded, detected = decode_bytes(encode(text))
    assert detected == encoding
    assert parse_story(decoded) == parse_story(text)


def test_gbk_feed_item():
    text = fixture_text("feed_item.txt")
    decoded, _encoding = decode_bytes(text.encode("gbk"))
    assert parse_story(decoded) == parse_story(text)


def test_big5_traditional_chinese_feed_item():
    decoded, encoding = decode_bytes(TRADITIONAL_FEED.encode("big5"))
    assert encoding == "big5"
    assert decoded == TRADITIONAL_FEED
    assert parse_story(decoded).translations[0].title == "气候谈判进入关键阶段"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b" \n\r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("---\ntitle: 气候".encode()[:-1], "cut short"),
    ],
)
def test_unreadable_files_are_clear_errors(data, message):
    with pytest.raises(ParseError, match=message):
        decode_bytes(data)


def test_text_that_is_no_story_format():
    with pytest.raises(ParseError, match="not a story file"):
        parse_story("Dear editors,\nplease find the story attached.\n")
