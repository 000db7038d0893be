"""Frames and JSON for the Heapscope wire protocol (backend/PROTOCOL.md).

A frame is a big-endian u32 length, a kind byte and a payload; the length counts
the kind byte and the payload. Kind 'J' carries one UTF-8 JSON object.

The agent carries its own small JSON codec instead of importing `json`: `json`
pulls in `re`, `enum`, `functools` and more, and every module the agent imports
would be a module the profiled program did not import. The encoder writes only
what the agent sends (dicts, lists, str, int, float, bool, None); the decoder is
a strict RFC 8259 parser for the requests the app sends.

Replies run to megabytes (a reference graph of 10 000 nodes is 2 MB), so the
encoder is in C, heapscope._jsonenc, where meson built it for this interpreter
(and HEAPSCOPE_ACCEL is not 0). encode_pure is the same encoder in Python: the
reference the C one is tested against, and what other interpreters use. Both
run none of the program's code: they take exact types only and never call a
value's methods.
"""

import os

try:
    from . import _jsonenc
except ImportError:             # another interpreter than the one meson built for
    _jsonenc = None
if os.environ.get("HEAPSCOPE_ACCEL", "1") == "0":
    _jsonenc = None

KIND_JSON = 0x4A
MAX_FRAME = 16 * 1024 * 1024        # the length field's upper limit, kind byte included
MAX_DEPTH = 32                      # nesting the decoder accepts in a request


class ProtocolError(ValueError):
    pass


def frame(kind, payload):
    """Return the bytes of one frame."""
    length = len(payload) + 1
    if length > MAX_FRAME:
        raise ProtocolError("frame of %d bytes is over the 16 MiB limit" % length)
    return length.to_bytes(4, "big") + bytes((kind,)) + payload


def json_frame(message):
    """Encode a message (a dict) as one 'J' frame."""
    if _jsonenc is not None:
        return frame(KIND_JSON, _jsonenc.encode_utf8(message))
    return frame(KIND_JSON, encode_pure(message).encode("utf-8"))


def parse_header(header):
    """Return the payload length announced by a 4-byte frame header plus kind byte.

    `header` is the first 5 bytes of a frame. Raises ProtocolError for a
    length outside 2..16 MiB or a kind other than 'J'.
    """
    length = int.from_bytes(header[:4], "big")
    if length < 2 or length > MAX_FRAME:
        raise ProtocolError("frame length %d is outside 2..%d" % (length, MAX_FRAME))
    if header[4] != KIND_JSON:
        raise ProtocolError("unknown frame kind 0x%02x" % header[4])
    return length - 1


def decode_frames(data):
    """Split a byte string into the messages of its complete 'J' frames.

    Returns (messages, rest) where rest is an incomplete trailing frame. Used by
    tests and tools; the agent reads frames one at a time from its socket.
    """
    messages = []
    pos = 0
    while len(data) - pos >= 5:
        size = parse_header(data[pos:pos + 5])
        if len(data) - pos - 5 < size:
            break
        messages.append(decode_payload(data[pos + 5:pos + 5 + size]))
        pos += 5 + size
    return messages, data[pos:]


def decode_payload(payload):
    """Decode a 'J' payload: UTF-8 text holding exactly one JSON object."""
    try:
        text = bytes(payload).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError("payload is not UTF-8: %s" % error.reason)
    value = decode(text)
    if type(value) is not dict:
        raise ProtocolError("payload is not a JSON object")
    if type(value.get("type")) is not str:
        raise ProtocolError("message has no string member \"type\"")
    return value


# -- encoding -----------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\b": "\\b", "\f": "\\f"}


def _encode_str(text):
    # Fast path: printable text without quotes or backslashes needs no escaping.
    # (isprintable() is false for control characters and lone surrogates.)
    if text.isprintable() and '"' not in text and "\\" not in text:
        return '"' + text + '"'
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20 or code == 0x7F or 0xD800 <= code <= 0xDFFF:
            # Control characters must be escaped; a lone surrogate cannot be
            # written as UTF-8, so it travels as its escape.
            out.append("\\u%04x" % code)
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def encode(value):
    """Return the JSON text of `value` (dict, list, tuple, str, int, float, bool, None).

    Only those exact types: a subclass, or a dict key that is not a str, is a
    TypeError; nesting deeper than 64 is a ValueError. NaN and infinities are null.
    """
    if _jsonenc is not None:
        return _jsonenc.encode(value)
    return encode_pure(value)


def encode_pure(value):
    """encode() in Python: what _jsonenc.encode must write, byte for byte."""
    parts = []
    _encode_into(value, parts, 0)
    return "".join(parts)


def _encode_into(value, parts, depth):
    if depth > 64:
        raise ValueError("value nested too deeply to encode")
    kind = type(value)
    if kind is str:
        parts.append(_encode_str(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            parts.append("null")
        else:
            parts.append(float.__repr__(value))
    elif kind is dict:
        parts.append("{")
        first = True
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError("JSON object keys must be str")
            if not first:
                parts.append(",")
            first = False
            parts.append(_encode_str(key))
            parts.append(":")
            _encode_into(item, parts, depth + 1)
        parts.append("}")
    elif kind is list or kind is tuple:
        parts.append("[")
        first = True
        for item in value:
            if not first:
                parts.append(",")
            first = False
            _encode_into(item, parts, depth + 1)
        parts.append("]")
    else:
        raise TypeError("cannot encode %s as JSON" % kind.__name__)


# -- decoding -----------------------------------------------------------------

_WHITESPACE = " \t\n\r"
_DIGITS = "0123456789"
_UNESCAPE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f",
             "n": "\n", "r": "\r", "t": "\t"}


def decode(text):
    """Parse one JSON value from `text`; anything but whitespace after it is an error."""
    value, pos = _decode_value(text, _skip(text, 0), 0)
    pos = _skip(text, pos)
    if pos != len(text):
        raise ProtocolError("extra data after JSON value at offset %d" % pos)
    return value


def _skip(text, pos):
    end = len(text)
    while pos < end and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _decode_value(text, pos, depth):
    if pos >= len(text):
        raise ProtocolError("unexpected end of JSON text")
    char = text[pos]
    if char == "{":
        return _decode_object(text, pos + 1, depth + 1)
    if char == "[":
        return _decode_array(text, pos + 1, depth + 1)
    if char == '"':
        return _decode_string(text, pos + 1)
    if char == "-" or char in _DIGITS:
        return _decode_number(text, pos)
    for word, value in (("true", True), ("false", False), ("null", None)):
        if text.startswith(word, pos):
            return value, pos + len(word)
    raise ProtocolError("invalid JSON at offset %d" % pos)


def _decode_object(text, pos, depth):
    if depth > MAX_DEPTH:
        raise ProtocolError("JSON nested deeper than %d" % MAX_DEPTH)
    result = {}
    pos = _skip(text, pos)
    if pos < len(text) and text[pos] == "}":
        return result, pos + 1
    while True:
        if pos >= len(text) or text[pos] != '"':
            raise ProtocolError("expected a string key at offset %d" % pos)
        key, pos = _decode_string(text, pos + 1)
        pos = _skip(text, pos)
        if pos >= len(text) or text[pos] != ":":
            raise ProtocolError("expected ':' at offset %d" % pos)
        value, pos = _decode_value(text, _skip(text, pos + 1), depth)
        result[key] = value
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "}":
            return result, pos + 1
        raise ProtocolError("expected ',' or '}' at offset %d" % pos)


def _decode_array(text, pos, depth):
    if depth > MAX_DEPTH:
        raise ProtocolError("JSON nested deeper than %d" % MAX_DEPTH)
    result = []
    pos = _skip(text, pos)
    if pos < len(text) and text[pos] == "]":
        return result, pos + 1
    while True:
        value, pos = _decode_value(text, pos, depth)
        result.append(value)
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return result, pos + 1
        raise ProtocolError("expected ',' or ']' at offset %d" % pos)


def _decode_string(text, pos):
    out = []
    end = len(text)
    start = pos
    while True:
        if pos >= end:
            raise ProtocolError("unterminated string starting at offset %d" % (start - 1))
        char = text[pos]
        if char == '"':
            out.append(text[start:pos])
            return "".join(out), pos + 1
        if char == "\\":
            out.append(text[start:pos])
            if pos + 1 >= end:
                raise ProtocolError("unterminated escape at offset %d" % pos)
            escape = text[pos + 1]
            if escape == "u":
                code, pos = _decode_u_escape(text, pos)
                if 0xD800 <= code <= 0xDBFF and text.startswith("\\u", pos):
                    low, after = _decode_u_escape(text, pos)
                    if 0xDC00 <= low <= 0xDFFF:
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        pos = after
                out.append(chr(code))
            elif escape in _UNESCAPE:
                out.append(_UNESCAPE[escape])
                pos += 2
            else:
                raise ProtocolError("invalid escape at offset %d" % pos)
            start = pos
            continue
        if ord(char) < 0x20:
            raise ProtocolError("control character in string at offset %d" % pos)
        pos += 1


def _decode_u_escape(text, pos):
    digits = text[pos + 2:pos + 6]
    if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
        raise ProtocolError("invalid \\u escape at offset %d" % pos)
    return int(digits, 16), pos + 6


def _decode_number(text, pos):
    start = pos
    end = len(text)
    if text[pos] == "-":
        pos += 1
    if pos < end and text[pos] == "0":
        pos += 1
    elif pos < end and text[pos] in _DIGITS:
        while pos < end and text[pos] in _DIGITS:
            pos += 1
    else:
        raise ProtocolError("invalid number at offset %d" % start)
    is_float = False
    if pos < end and text[pos] == ".":
        pos += 1
        if pos >= end or text[pos] not in _DIGITS:
            raise ProtocolError("invalid number at offset %d" % start)
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        is_float = True
    if pos < end and text[pos] in "eE":
        pos += 1
        if pos < end and text[pos] in "+-":
            pos += 1
        if pos >= end or text[pos] not in _DIGITS:
            raise ProtocolError("invalid number at offset %d" % start)
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        is_float = True
    literal = text[start:pos]
    if is_float:
        return float(literal), pos
    if len(literal) > 40:
        raise ProtocolError("integer too long at offset %d" % start)
    return int(literal), pos
