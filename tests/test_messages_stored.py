"""Messages stored language-neutral (articles/messages.py) and read in the reader's language."""

import json

from django.utils import translation

from articles.messages import message_text, stored_message


def test_a_stored_message_reads_in_the_active_language():
    stored = stored_message("Headline missing in the %(language)s section", language="zh-hans")
    with translation.override("en"):
        assert "Simplified Chinese" in message_text(stored)


def test_text_that_only_looks_like_a_stored_message_is_shown_as_it_is():
    """A reason quoted from outside (an image server's answer) may be JSON with a "message";
    it must not become a format string nor fail the import-record page."""
    for text in [
        json.dumps({"message": "%(x)s and %(y)d", "params": {"x": 1}}),
        json.dumps({"message": "%s %s", "params": {}}),
        json.dumps({"message": "ok %(n)d", "params": {"n": "not a number"}}),
        json.dumps({"message": "ok", "params": ["not", "pairs"]}),
        json.dumps({"message": 7}),
    ]:
        assert message_text(text) == text
    quoted = json.dumps({"message": "%q"})
    wrapped = stored_message("cannot read the file: %(reason)s", reason=quoted)
    assert message_text(wrapped).startswith("cannot read the file: ")
