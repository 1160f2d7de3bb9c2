"""Bytes as received -> text, whatever tool wrote them."""

import codecs

from django.utils.translation import gettext_lazy as _

from .base import ParseError

# Tried in this order when a file is not UTF-8: the legacy encodings Chinese tools still write.
LEGACY_CHINESE = ["gb18030", "big5"]


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Line endings become \\n and a byte-order mark is dropped."""
    if not data.strip():
        raise ParseError(_("the file is empty"))
    text, encoding = _decode(data)
    if "\x00" in text:
        raise ParseError(_("the file is binary, not text"))
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise ParseError(
                    _("the file starts as %(encoding)s but is not: %(reason)s"),
                    encoding=encoding,
                    reason=error.reason,
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            raise ParseError(_("the file is cut short in the middle of a character")) from None
    if b"\x00" in data:
        raise ParseError(_("the file is binary, not text"))
    from charset_normalizer import from_bytes  # only for the rare file that is not UTF-8

    match = from_bytes(data, cp_isolation=LEGACY_CHINESE).best()
    if match is None or match.chaos > 0.3:
        raise ParseError(
            _("the file's encoding is not recognised (expected UTF-8, UTF-16, GB18030 or Big5)")
        )
    return str(match), match.encoding
