"""Frames of the agent protocol: u32 big-endian length (kind byte included), kind, payload."""

import json
import struct

KIND_JSON = b"J"
MAX_FRAME = 16 * 1024 * 1024
PROTOCOL_VERSION = 1


class WireError(Exception):
    pass


def encode(message):
    payload = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if len(payload) + 1 > MAX_FRAME:
        raise WireError("frame of %d bytes is larger than the limit" % (len(payload) + 1))
    return struct.pack(">I", len(payload) + 1) + KIND_JSON + payload


def _read_exactly(sock, n):
    chunks = []
    while n > 0:
        chunk = sock.recv(min(n, 65536))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_message(sock):
    """The next message from @sock, or None at end of stream."""
    header = _read_exactly(sock, 4)
    if header is None:
        return None
    (length,) = struct.unpack(">I", header)
    if length < 2 or length > MAX_FRAME:
        raise WireError("bad frame length %d" % length)
    body = _read_exactly(sock, length)
    if body is None:
        raise WireError("stream ended inside a frame")
    if body[:1] != KIND_JSON:
        raise WireError("unknown frame kind %r" % body[:1])
    message = json.loads(body[1:].decode("utf-8"))
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise WireError("message is not an object with a type")
    return message
