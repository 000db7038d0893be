"""Frames and JSON as backend/PROTOCOL.md defines them."""

import json
import unittest

import agenttest  # noqa: F401  (puts the agent on sys.path)
from heapscope import _codec


class FrameTest(unittest.TestCase):

    def test_round_trip(self):
        message = {"type": "census", "id": 7, "label": "naïve \u2603 \"quoted\"\n",
                   "rows": [["str", 3, 150], ["__main__.Marker", 12345, 1283880]],
                   "final": False, "time": 12.5, "nothing": None, "yes": True}
        data = _codec.json_frame(message)
        self.assertEqual(data[4:5], b"J")
        self.assertEqual(int.from_bytes(data[:4], "big"), len(data) - 4)
        messages, rest = _codec.decode_frames(data + data[:7])
        self.assertEqual(messages, [message])
        self.assertEqual(rest, data[:7])
        # What the app's JSON parser reads is the same message.
        self.assertEqual(json.loads(data[5:].decode("utf-8")), message)

    def test_split_frames(self):
        data = _codec.json_frame({"type": "a", "id": 1}) + _codec.json_frame({"type": "b", "id": 2})
        for cut in range(len(data) + 1):
            first, rest = _codec.decode_frames(data[:cut])
            second, rest = _codec.decode_frames(rest + data[cut:])
            self.assertEqual([m["type"] for m in first + second], ["a", "b"])
            self.assertEqual(rest, b"")

    def test_payload_is_utf8_not_escaped(self):
        data = _codec.json_frame({"type": "x", "s": "é"})
        self.assertIn("é".encode("utf-8"), data)

    def test_control_characters_and_surrogates_are_escaped(self):
        text = _codec.encode({"s": "a\x00b\x1f\x7f\ud800"})
        self.assertEqual(json.loads(text), {"s": "a\x00b\x1f\x7f\ud800"})
        text.encode("utf-8")        # valid UTF-8 although the str had a surrogate

    def test_bad_lengths_are_rejected(self):
        for length in (0, 1, _codec.MAX_FRAME + 1, 0xFFFFFFFF):
            with self.assertRaises(_codec.ProtocolError):
                _codec.parse_header(length.to_bytes(4, "big") + b"J")

    def test_unknown_kind_is_rejected(self):
        with self.assertRaises(_codec.ProtocolError):
            _codec.parse_header((3).to_bytes(4, "big") + b"B")

    def test_largest_frame_is_accepted(self):
        self.assertEqual(_codec.parse_header(_codec.MAX_FRAME.to_bytes(4, "big") + b"J"),
                         _codec.MAX_FRAME - 1)
        with self.assertRaises(_codec.ProtocolError):
            _codec.frame(_codec.KIND_JSON, b" " * _codec.MAX_FRAME)

    def test_bad_payloads_are_rejected(self):
        bad = [b"\xff\xfe", b"[1, 2]", b"\"text\"", b"{}", b"{\"type\": 3}",
               b"{\"type\": \"x\",}", b"{'type': 'x'}", b"{\"type\": \"x\"} extra",
               b"{\"type\": \"x\", \"n\": NaN}", b"{\"type\": \"x\", \"n\": 01}",
               b"{\"type\": \"x\", \"n\": 1.}", b"{\"type\": \"x\", \"s\": \"a\x01\"}",
               b"{\"type\": \"x\", \"s\": \"\\q\"}", b"{\"type\": \"x\", \"s\": \"\\u12\"}",
               b"{\"type\": \"x\"", b"", b"{\"type\": \"x\", \"n\": -}",
               b"[" * 100 + b"]" * 100]
        for payload in bad:
            with self.assertRaises(_codec.ProtocolError, msg=payload):
                _codec.decode_payload(payload)

    def test_decoder_accepts_what_json_writes(self):
        value = {"type": "census", "id": 12, "list": [1, -2.5e-3, 1E+2, True, False, None, ""],
                 "nested": {"a": [[]], "b": {}}, "text": "tab\t\\ \u00e9 \U0001f600 \"q\""}
        for text in (json.dumps(value), json.dumps(value, ensure_ascii=False),
                     json.dumps(value, indent=2)):
            self.assertEqual(_codec.decode(text), value)
        self.assertEqual(_codec.decode('"\\ud83d\\ude00"'), "\U0001f600")


if __name__ == "__main__":
    unittest.main()
