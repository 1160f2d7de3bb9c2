"""Which language is this text in? Han characters -> Chinese, Latin letters -> English."""

import re

from ...languages import CHINESE, ENGLISH

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN = re.compile(r"[A-Za-z]+")
# A Chinese character carries about as much as a short English word: a Chinese text that names
# people and summits in English still has far more Han characters than a third of its letters.
HAN_WEIGHT = 3


def detect_language(text: str) -> str:
    """Chinese, English, or "" when the text has no letters at all."""
    han, latin = count(HAN, text), count(LATIN, text)
    if not han and not latin:
        return ""
    return CHINESE if han * HAN_WEIGHT >= latin else ENGLISH


def count(characters: re.Pattern, text: str) -> int:
    """How many characters of `text` a run pattern (`HAN`, `LATIN`) matches: what removing
    them all takes off, in one pass of the regular expression engine (run by run in Python,
    English text took three times as long; one match a character, fifty times)."""
    return len(text) - len(characters.sub("", text))


def label_of(*texts: str, default: str = "") -> dict[str, str]:
    """A label (language -> text, see labels.py) from texts whose language is not given: each
    under the language it is written in, else under `default`. Earlier texts win a language."""
    label: dict[str, str] = {}
    for text in texts:
        text = (text or "").strip()
        language = detect_language(text) or default
        if text and language:
            label.setdefault(language, text)
    return label
