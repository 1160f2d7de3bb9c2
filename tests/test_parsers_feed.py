from datetime import UTC, datetime

import pytest

from articles.importing.parsers.base import ParseError
from articles.importing.parsers.detect import parse_story
from articles.messages import message_text
from tests.helpers import fixture_text


@pytest.fixture
def item():
    return parse_story(fixture_text("feed_item.txt"))


def test_feed_item_is_one_chinese_translation(item):
    assert item.format == "feed"
    assert item.original_language == "zh-hans"
    [translation] = item.translations
    assert translation.title == "联合国秘书长敦促各国提交新的气候计划"


def test_publication_time_comes_from_the_date_line(item):
    assert item.published_at == datetime(2025, 3, 11, 12, 0, tzinfo=UTC)
    assert "2025" not in item.translations[0].body


def test_double_breaks_are_paragraphs_and_a_lone_strong_is_a_subheading(item):
    body = item.translations[0].body
    assert body.startswith("<p>联合国秘书长周二敦促")
    assert "<h2>资金缺口</h2>" in body
    assert body.count("<p>") == 3


def test_single_break_inside_a_paragraph_keeps_the_cut_sentence(item):
    body = item.translations[0].body
    assert "难以提高目标，因为<br>秘书长在记者会上说" in body


def test_image_is_unwrapped_from_the_proxy_with_caption_and_credit_apart(item):
    [image] = item.images
    assert image.original_url == "https://gdb.voanews.com/aa11bb22_w900.jpg"
    assert image.caption == "资料照片：联合国秘书长在纽约联合国总部发表讲话。"
    assert image.credit == "路透社照片"
    assert "资料照片" not in item.translations[0].body


def test_without_date_line_the_comment_timestamp_is_the_publication_time():
    article = parse_story(fixture_text("feed_no_date_two_images.txt"))
    assert article.published_at == datetime(2025, 3, 12, 12, 0, tzinfo=UTC)


def test_several_images_each_with_its_own_caption_and_proxy_variants():
    article = parse_story(fixture_text("feed_no_date_two_images.txt"))
    assert [(i.original_url, i.caption, i.credit, i.position) for i in article.images] == [
        ("https://gdb.voanews.com/cc33dd44.jpg", "欧盟委员会总部外景。", "法新社照片", 0),
        ("http://gdb.voanews.com/ee55ff66.jpg", "A steel plant in Hebei province.", "AP Photo", 1),
    ]
    assert "<p>欧盟与中国官员周三" in article.translations[0].body
    assert "<p>中方表示" in article.translations[0].body


def test_title_url_with_percent_encoding_and_brackets():
    article = parse_story(fixture_text("feed_no_date_two_images.txt"))
    assert article.translations[0].title == "欧盟与中国就[碳关税]展开磋商"
    assert article.original_url == (
        "https://voachinese.com/a/eu-china-cbam-(consultation)/"
        "%E7%A2%B3%E5%85%B3%E7%A8%8E-7990002.html"
    )


def test_no_image_at_all():
    article = parse_story(
        "<!--1741867200000-->\n[气候新闻](https://www.voachinese.com/a/1.html)\n------\n\n"
        "<p>正文第一段。<br /><br />正文第二段。</p>"
    )
    assert article.images == []
    assert article.translations[0].body == "<p>正文第一段。</p>\n<p>正文第二段。</p>"


def test_hostile_html_never_reaches_the_body_and_is_reported():
    article = parse_story(fixture_text("feed_hostile.txt"))
    body = article.translations[0].body
    for dangerous in ("<script", "alert", "onclick", "javascript:", "<iframe", "style=", "onerror"):
        assert dangerous not in body
    assert "将继续磋商" in body and "点击这里" in body and "气候融资" in body
    removed = " ".join(message_text(line) for line in article.sanitizer_removed)
    for reported in ("script", "onclick", "javascript:", "iframe", "style", 'src="x"'):
        assert reported in removed
    assert article.images == []


def test_title_line_that_is_not_a_link_is_an_error():
    with pytest.raises(ParseError, match="not a story file"):
        parse_story("<!--1741867200000-->\nJust a headline\n------\n\n<p>x</p>")
    with pytest.raises(ParseError, match=r"\[headline\]\(URL\)"):
        parse_story("<!--1741867200000-->\n[headline] no url\n------\n\n<p>x</p>")


def test_a_timestamp_far_outside_any_newsroom_year_is_a_clear_error():
    in_2286 = "9999999999999"  # milliseconds, as the header's comment gives them
    text = fixture_text("feed_no_date_two_images.txt").replace("1741780800000", in_2286)
    with pytest.raises(ParseError, match="not between the years 1900 and 2200"):
        parse_story(text)
