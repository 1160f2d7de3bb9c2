"""Messages kept for people to read later, each in their own language: a history comment, an
import record's warning. Stored language-neutral, as the English source of a message marked
for translation and its parameters (JSON), and said in the active language when shown.

No models: the parsers store their warnings through it in the parsing workers.
"""

import json

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, override

from . import languages
from .text import large_number, listed, spaced_format


def stored_message(message, **params) -> str:
    """`message` (marked for translation: lazily, or with gettext_noop) and its parameters, as
    stored. Parameters said in the reader's language when shown: `field` (a merge key),
    `fields` (a list of them), `time` (an ISO 8601 time), `language` (a language code),
    `reason` (a stored message, or older plain text) and `pixels` (a count, `said_counts`).
    The others are shown as they are."""
    with override(None):  # the message's English source, never a translation
        source = str(message)
    return json.dumps({"message": source, "params": params}, ensure_ascii=False)


class ExplainedError(ValueError):
    """A ValueError in words for a person: said in the active language (`str(error)`) and kept
    as a stored message (`stored`), for a record read later in another language. `message` is
    marked lazily, as for `stored_message`."""

    def __init__(self, message, **params):
        super().__init__(message % said_counts(params) if params else str(message))
        self.stored = stored_message(message, **params)


def said_counts(params: dict) -> dict:
    """`params` with a large count said as the active language counts (`text.large_number`:
    "40 million" pixels, "4000 万"像素), when a message is made and when a stored one is read."""
    if "pixels" in params:
        params = {**params, "pixels": large_number(params["pixels"])}
    return params


def stored_error(error: Exception) -> str:
    """What `error` says, to store: its stored message if it has one (`ExplainedError`), else
    its text."""
    return getattr(error, "stored", None) or str(error)


def message_text(text: str) -> str:
    """A stored message in the active language; older plain text (a message's English source,
    as warnings once were stored) translated when the catalogue has it, else as it is."""
    loaded = json_loaded(text)
    if not (isinstance(loaded, dict) and isinstance(loaded.get("message"), str)):
        return gettext(text) if text else ""
    try:
        return _stored_text(loaded)
    except (KeyError, ValueError, TypeError, AttributeError):
        # Not a message this code stored: a text that only looks like one (a reason an
        # outside server gave, quoted), shown as it is rather than failing the page.
        return text


def _stored_text(loaded: dict) -> str:
    params = dict(loaded.get("params") or {})
    if "field" in params:
        from .importing.fieldkeys import describe  # the import's package needs the models

        params["field"] = describe(params["field"])
    if "time" in params:
        params["time"] = formats.localize(timezone.localtime(parse_datetime(params["time"])))
    if "fields" in params:
        from .importing.fieldkeys import describe

        params["fields"] = listed(describe(key) for key in params["fields"])
    if "language" in params:
        params["language"] = languages.name(params["language"])
    if "reason" in params:
        params["reason"] = message_text(str(params["reason"]))
    return spaced_format(gettext(loaded["message"]), **said_counts(params))


def json_loaded(text: str):
    if not text.startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
