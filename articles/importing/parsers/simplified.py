"""Traditional Chinese becomes Simplified: the site's Chinese is zh-hans, whatever a file used.

The import record keeps the file as received (raw_text); the parsed story names the conversion.
"""

import re
from functools import cache

import opencc
from django.utils.translation import gettext_lazy

from ... import languages
from ...messages import stored_message
from .base import ParsedArticle
from .language import HAN, count

# OpenCC's Taiwan-standard to Simplified, by phrase and by character. Not t2s: Taiwan writes 著
# for 着, and t2s leaves 隨著, 意味著 as 随著, 意味著 on a Simplified page. Not tw2sp: it also
# swaps Taiwanese words for mainland ones (軟體 -> 软件), an editor's choice, not a change of
# script. Hong Kong's forms (綫, 裏) convert as well through the phrase tables it shares.
OPENCC_CONFIG = "tw2s"
# Traditional running text changes a quarter or more of its Han characters; Simplified text
# changes none, or the odd character OpenCC reads as Traditional (土著 -> 土着), and stays as it is.
TRADITIONAL_SHARE = 0.1
TAG = re.compile(r"(<[^>]*>)")


def simplify_traditional(article: ParsedArticle) -> ParsedArticle:
    """Convert the Chinese texts of `article` (headline, dek, body, image captions and credits,
    tags) to Simplified when they are written in Traditional; Simplified stays byte for byte."""
    chinese = article.translation(languages.CHINESE)
    if chinese is None:
        return article
    texts = [chinese.title, chinese.summary, *_html_text(chinese.body), *article.tags]
    for image in article.images:
        texts += [image.caption, image.credit, image.alt_text]
    if not _is_traditional("\n".join(texts)):
        return article
    convert = _converter().convert
    chinese.title, chinese.summary = convert(chinese.title), convert(chinese.summary)
    chinese.body = _convert_html(chinese.body, convert)
    for image in article.images:
        image.caption, image.credit = convert(image.caption), convert(image.credit)
        image.alt_text = convert(image.alt_text)
    article.tags = list(dict.fromkeys(convert(tag) for tag in article.tags))
    article.chinese_conversion = f"OpenCC {OPENCC_CONFIG}"
    article.warnings.append(
        stored_message(
            gettext_lazy("Traditional Chinese converted to Simplified (%(converter)s)"),
            converter=article.chinese_conversion,
        )
    )
    return article


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC(OPENCC_CONFIG)


def _is_traditional(text: str) -> bool:
    han = count(HAN, text)
    if not han:
        return False
    converted = _converter().convert(text)
    if converted == text:  # Simplified text, the usual case: nothing to count
        return False
    changed = sum(map(str.__ne__, text, converted))
    return changed >= han * TRADITIONAL_SHARE


def _html_text(html: str) -> list[str]:
    return TAG.split(html)[::2]


def _convert_html(html: str, convert) -> str:
    """Only the text between tags: a link's address must stay as it was."""
    parts = TAG.split(html)
    parts[::2] = [convert(text) for text in parts[::2]]
    return "".join(parts)
