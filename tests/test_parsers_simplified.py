"""Traditional Chinese files are stored in Simplified; Simplified files are left byte for byte."""

import pytest

from articles.importing.parsers.decode import decode_bytes
from articles.importing.parsers.detect import parse_story
from articles.messages import message_text
from tests.helpers import fixture_text

BIG5_FEED_ITEM = (
    "<!--1741694400000-->\n"
    "[聯合國秘書長敦促各國提交新的氣候計畫](https://www.voachinese.com/a/un-plans/123.html)\n"
    "------\n\n"
    "<div><i>Tue, 11 Mar 2025 12:00:00 GMT</i></div>\n"
    '<img src="https://images.weserv.nl?url=gdb.voanews.com/aa11bb22.jpg" width="100%">\n'
    '<div><small style="color: #999;"><caption>資料照片：聯合國總部外景。（路透社照片）'
    "</small></div>\n"
    "<p>聯合國秘書長週二敦促各國在峰會前提交新的減排計畫。<br /><br />"
    "<strong>資金缺口</strong><br /><br />"
    '他說，隨著氣溫上升，<a href="https://example.org/報告">開發中國家</a>需要更多資金。</p>\n'
)

TRADITIONAL_DIGEST = """---
title: 歐盟與中國同意深化碳市場合作
date: 2025-03-10T08:00:00.000Z
description: 雙方將在明年舉行第二輪對話。
tag:
- Tag 氣候
author: ft
---

[原文链接](https://ft.com/content/trad-digest)

# **歐盟與中國**同意深化碳市場合作

歐盟與中國週一同意就碳排放交易體系展開更緊密的合作，這意味著雙方**「共同但有區別的責任」**原則將繼續適用。

---

# EU and China agree to deepen carbon market cooperation

The EU and China agreed on Monday to work more closely on emissions trading.

[Source Link](https://ft.com/content/trad-digest)
"""


@pytest.fixture
def big5_item():
    text, encoding = decode_bytes(BIG5_FEED_ITEM.encode("big5"))
    assert encoding == "big5"
    assert text == BIG5_FEED_ITEM
    return parse_story(text)


def test_big5_feed_item_headline_and_body_are_simplified(big5_item):
    [chinese] = big5_item.translations
    assert chinese.language == "zh-hans"
    assert chinese.title == "联合国秘书长敦促各国提交新的气候计划"
    assert "<p>联合国秘书长周二敦促各国在峰会前提交新的减排计划。</p>" in chinese.body
    assert "<h2>资金缺口</h2>" in chinese.body
    # Taiwan writes 著 for 着: t2s would leave 随著 on a Simplified page.
    assert "他说，随着气温上升，" in chinese.body


def test_big5_feed_item_caption_and_credit_are_simplified(big5_item):
    [image] = big5_item.images
    assert (image.caption, image.credit) == ("资料照片：联合国总部外景。", "路透社照片")


def test_a_link_address_inside_the_body_is_not_converted(big5_item):
    assert 'href="https://example.org/報告"' in big5_item.translations[0].body
    assert ">开发中国家</a>" in big5_item.translations[0].body


def test_the_conversion_is_named_in_the_parsed_story(big5_item):
    assert big5_item.chinese_conversion == "OpenCC tw2s"
    assert big5_item.to_json()["chinese_conversion"] == "OpenCC tw2s"
    shown = [message_text(warning) for warning in big5_item.warnings]
    assert "Traditional Chinese converted to Simplified (OpenCC tw2s)" in shown


def test_utf8_digest_in_traditional_gets_a_simplified_chinese_translation():
    article = parse_story(TRADITIONAL_DIGEST)
    chinese, english = article.translation("zh-hans"), article.translation("en")
    assert chinese.title == "欧盟与中国同意深化碳市场合作"
    assert chinese.summary == "双方将在明年举行第二轮对话。"
    assert "这意味着双方<strong>「共同但有区别的责任」</strong>原则将继续适用" in chinese.body
    assert article.tags == ["气候"]
    assert english.title == "EU and China agree to deepen carbon market cooperation"
    assert english.body == (
        "<p>The EU and China agreed on Monday to work more closely on emissions trading.</p>"
    )
    assert article.chinese_conversion == "OpenCC tw2s"


@pytest.mark.parametrize("name", ["feed_item.txt", "digest_bilingual.txt"])
def test_simplified_files_are_left_exactly_as_they_are(name, monkeypatch):
    converted = parse_story(fixture_text(name))
    monkeypatch.setattr(
        "articles.importing.parsers.detect.simplify_traditional", lambda article: article
    )
    assert converted == parse_story(fixture_text(name))
    assert converted.chinese_conversion == ""
    assert not any("Traditional" in warning for warning in converted.warnings)


def test_a_simplified_story_naming_a_traditional_title_keeps_it():
    text = (
        "<!--1741694400000-->\n[台湾媒体报道气候政策](https://www.voachinese.com/a/x/1.html)\n"
        "------\n\n<p>据台湾《聯合報》报道，当地政府周一公布了新的减排目标，"
        "并承诺在二〇五〇年前实现净零排放。土著社区代表表示欢迎。</p>\n"
    )
    article = parse_story(text)
    assert "《聯合報》" in article.translations[0].body
    assert "土著社区" in article.translations[0].body
    assert article.chinese_conversion == ""
