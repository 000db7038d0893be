"""Frames and JSON as backend/PROTOCOL.md defines them, and the C encoder
(heapscope._jsonenc) against the Python one it must equal byte for byte."""

import collections
import importlib.machinery
import json
import os
import random
import struct
import sys
import unittest

import agenttest  # noqa: F401  (puts the agent on sys.path)
from heapscope import _codec

try:
    from heapscope import _jsonenc
except ImportError:
    _jsonenc = None

NEEDS_C = unittest.skipIf(_jsonenc is None,
                          "heapscope._jsonenc is not built for this Python")


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


# -- the C encoder -------------------------------------------------------------

CALLS = []


class Loud:
    """Records any method of it the encoder would call."""

    def __repr__(self):
        CALLS.append("repr")
        return "Loud()"

    def __str__(self):
        CALLS.append("str")
        return "Loud"

    def __eq__(self, other):
        CALLS.append("eq")
        return False

    def __hash__(self):
        CALLS.append("hash")
        return 1

    def __iter__(self):
        CALLS.append("iter")
        return iter(())

    def __index__(self):
        CALLS.append("index")
        return 1

    def __float__(self):
        CALLS.append("float")
        return 1.0


class LoudStr(Loud, str):
    pass


class LoudInt(Loud, int):
    pass


class LoudFloat(Loud, float):
    pass


class LoudDict(Loud, dict):
    pass


class LoudList(Loud, list):
    pass


class LoudTuple(Loud, tuple):
    pass


def nest(depth, inner=1):
    """`inner` at `depth`: inside that many lists, the outermost at depth 0."""
    value = inner
    for _ in range(depth):
        value = [value]
    return value


def nest_dicts(depth, inner=1):
    value = inner
    for _ in range(depth):
        value = {"k": value}
    return value


def outcome(encoder, value):
    """("ok", output) or ("error", exception type, message)."""
    try:
        return ("ok", encoder(value))
    except (TypeError, ValueError) as error:
        return ("error", type(error), str(error))


def describe(value):
    """A short text for a failure message (it may call Loud's methods)."""
    try:
        return ascii(value)[:200]
    except RecursionError:
        return "<%s nested too deeply to show>" % type(value).__name__


@NEEDS_C
class CEncoderTest(unittest.TestCase):

    def c_outcome(self, encoder, value):
        """outcome () of a C encoder, which must not have run any code of Loud's."""
        del CALLS[:]
        result = outcome(encoder, value)
        calls = list(CALLS)
        self.assertEqual(calls, [], "the encoder ran the program's code")
        return result

    def assertSameOutcome(self, value, msg=None):
        """Both C functions do what the Python encoder does with `value`."""
        expected = outcome(_codec.encode_pure, value)
        if expected[0] == "ok":
            expected_utf8 = ("ok", expected[1].encode("utf-8"))
        else:
            expected_utf8 = expected
        self.assertEqual(self.c_outcome(_jsonenc.encode, value), expected, msg=msg)
        self.assertEqual(self.c_outcome(_jsonenc.encode_utf8, value), expected_utf8, msg=msg)
        return expected

    def assertSame(self, value):
        """Both encoders accept `value` and write the same text."""
        expected = self.assertSameOutcome(value, msg=describe(value))
        self.assertEqual(expected[0], "ok", msg=describe(value))
        return expected[1]

    def assertSameError(self, value, kind):
        """Both encoders refuse `value` with `kind` and the same message."""
        expected = self.assertSameOutcome(value, msg=describe(value))
        self.assertEqual(expected[:2], ("error", kind), msg=describe(value))

    def test_short_escapes(self):
        self.assertEqual(self.assertSame('"\\\n\r\t\b\f'), '"\\"\\\\\\n\\r\\t\\b\\f"')
        for char in '"\\\n\r\t\b\f':
            self.assertSame(char)
            self.assertSame("ab" + char + "cd")

    def test_each_control_character(self):
        for code in list(range(0x20)) + [0x7F]:
            text = self.assertSame(chr(code))
            if chr(code) not in "\n\r\t\b\f":
                self.assertEqual(text, '"\\u%04x"' % code)
            self.assertSame("x" + chr(code) + "\u00e9" + chr(code) + "\u20ac" + chr(code) + "\U0001f600")
        self.assertEqual(self.assertSame("\x1f\x7f"), '"\\u001f\\u007f"')

    def test_characters_written_as_themselves(self):
        # C1 controls, no-break space, line separators and private use are not
        # escaped: only what _encode_str escapes is.
        for code in (0x20, 0x7E, 0x80, 0x85, 0x9F, 0xA0, 0xAD, 0xFF, 0x100, 0x7FF, 0x800,
                     0x2028, 0x2029, 0xD7FF, 0xE000, 0xFEFF, 0xFFFD, 0xFFFF, 0x10000,
                     0x1F600, 0xE0001, 0x10FFFF):
            text = self.assertSame(chr(code))
            if code not in (0x22, 0x5C):
                self.assertEqual(text, '"' + chr(code) + '"')

    def test_lone_surrogates(self):
        for code in (0xD800, 0xD83D, 0xDBFF, 0xDC00, 0xDE00, 0xDFFF):
            self.assertEqual(self.assertSame(chr(code)), '"\\u%04x"' % code)
            self.assertSame("a" + chr(code) + "\u00e9")
            self.assertSame("\U0001f600" + chr(code) + "b")
        # A high and a low surrogate side by side are still two code points of
        # a str: each is escaped, never joined into one UTF-8 character.
        self.assertEqual(self.assertSame("\ud83d\ude00"), '"\\ud83d\\ude00"')
        self.assertSame("\ude00\ud83d")
        self.assertSame("x\ud800\udc00\udbff\udfffy")

    def test_every_width_of_str(self):
        for text in ("", "ascii", "caf\u00e9", "\u20ac10", "\U0001f600", "a\u00e9\u20ac\U0001f600\n"):
            self.assertSame(text)
            self.assertSame({text: text})
        self.assertEqual(_jsonenc.encode_utf8("\u00e9\u20ac\U0001f600"),
                         '"\u00e9\u20ac\U0001f600"'.encode("utf-8"))

    def test_long_strings(self):
        # Longer than the encoder's 4096-character slices, escapes across the seams.
        for text in ("a" * 4095 + "\n" + "\u00e9" * 5000,
                     "\x01" * 20000,
                     ("\u20ac\ud800" * 3000) + "\U0001f600" * 4097,
                     "\"" * 4096 + "\\"):
            self.assertSame(text)
            self.assertSame([text, {text: text}])

    def test_empty_containers_and_tuples(self):
        self.assertEqual(self.assertSame([]), "[]")
        self.assertEqual(self.assertSame({}), "{}")
        self.assertEqual(self.assertSame(()), "[]")
        self.assertEqual(self.assertSame(("a", (1, ()), [(), {}])), '["a",[1,[]],[[],{}]]')
        self.assertEqual(self.assertSame({"": ""}), '{"":""}')
        self.assertEqual(self.assertSame({"a": [], "b": {}, "c": ()}), '{"a":[],"b":{},"c":[]}')

    def test_nesting_limit(self):
        self.assertSame(nest(64))
        self.assertSame(nest(64, []))
        self.assertSame(nest(63, {}))
        self.assertSame(nest_dicts(64))
        self.assertSame(nest(32, nest_dicts(32, ("x",)[0])))
        self.assertSameError(nest(65), ValueError)
        self.assertSameError(nest(64, [1]), ValueError)
        self.assertSameError(nest_dicts(65), ValueError)
        self.assertSameError(nest(60, (((((1,),),),),)), ValueError)
        # The depth is checked before the type, as in the Python encoder.
        self.assertSameError(nest(65, object()), ValueError)
        self.assertSameError(nest(64, object()), TypeError)
        self.assertSameError(nest(1000), ValueError)

    def test_ints(self):
        for number in (0, 1, -1, 9, 10, -10, 255, 2 ** 31, 2 ** 53, -(2 ** 53), 10 ** 18,
                       2 ** 63 - 1, 2 ** 63, -(2 ** 63), -(2 ** 63) - 1, 2 ** 64 - 1, 2 ** 64,
                       -(2 ** 64), 2 ** 200, -(2 ** 200), 10 ** 100, -(10 ** 100) + 1):
            self.assertEqual(self.assertSame(number), int.__repr__(number))
            self.assertSame([number, {"n": number}])
        # More digits than sys.get_int_max_str_digits () (3.11+) refuse the
        # same way in both; before 3.11 both write them.
        self.assertSameOutcome(10 ** 5000)

    def test_bools_and_none(self):
        self.assertEqual(self.assertSame([True, False, None, 1, 0, 1.0, 0.0]),
                         "[true,false,null,1,0,1.0,0.0]")
        self.assertEqual(self.assertSame({"t": True, "f": False, "n": None}),
                         '{"t":true,"f":false,"n":null}')
        self.assertEqual(self.assertSame(True), "true")
        self.assertEqual(self.assertSame(None), "null")

    def test_floats(self):
        for number in (0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e300, -1e300,
                       sys.float_info.max, 0.1, 1 / 3, 2.5, 1e16, 1e15, 123456789.0, 1e-5,
                       1e-4, 1e22, 1e23, 9007199254740993.0, 3.141592653589793):
            self.assertEqual(self.assertSame(number), float.__repr__(number))
        for number in (float("nan"), float("-nan"), float("inf"), float("-inf")):
            self.assertEqual(self.assertSame(number), "null")
        self.assertEqual(self.assertSame([-0.0, 1e300, float("nan")]), "[-0.0,1e+300,null]")

    def test_subclasses_are_refused(self):
        for value in (LoudStr("s"), LoudInt(3), LoudFloat(1.5), LoudDict(a=1), LoudList([1]),
                      LoudTuple((1,)), collections.OrderedDict(a=1),
                      collections.namedtuple("Pair", "a b")(1, 2)):
            self.assertSameError(value, TypeError)
            self.assertSameError([1, value], TypeError)
            self.assertSameError({"k": value}, TypeError)
        self.assertEqual(self.c_outcome(_jsonenc.encode, LoudStr("s")),
                         ("error", TypeError, "cannot encode LoudStr as JSON"))

    def test_keys_must_be_exact_str(self):
        for key in (1, None, True, 1.5, (1, 2), b"k", LoudStr("k"), Loud()):
            self.assertSameError({key: 1}, TypeError)
            self.assertSameError({"a": 1, key: 1}, TypeError)
        self.assertEqual(self.c_outcome(_jsonenc.encode, {1: 2}),
                         ("error", TypeError, "JSON object keys must be str"))
        # The first bad thing in order is the one reported.
        self.assertSameError({"a": Loud(), 1: 2}, TypeError)
        self.assertSameError({1: Loud()}, TypeError)
        self.assertSameError({"a": nest(70), 1: 2}, ValueError)

    def test_unsupported_types(self):
        import datetime
        for value in (b"bytes", bytearray(b"x"), object(), set(), frozenset(), 1j, Loud(),
                      Loud, len, datetime.date(2020, 1, 1), range(3), iter([]),
                      type("dotted.name", (), {})(), NotImplemented, Ellipsis):
            self.assertSameError(value, TypeError)
            self.assertSameError([value], TypeError)
        self.assertEqual(self.c_outcome(_jsonenc.encode, datetime.date(2020, 1, 1)),
                         ("error", TypeError, "cannot encode date as JSON"))
        self.assertEqual(self.c_outcome(_jsonenc.encode, type("dotted.name", (), {})()),
                         ("error", TypeError, "cannot encode dotted.name as JSON"))

    def test_references_are_balanced(self):
        text = "held only here " + str(id(self))
        items = [text, {text: [text]}, (text,)]
        before = sys.getrefcount(text)
        for _ in range(100):
            _jsonenc.encode(items)
            _jsonenc.encode_utf8(items)
            with self.assertRaises(TypeError):
                _jsonenc.encode([text, {text: text, 1: text}])
        self.assertEqual(sys.getrefcount(text), before)

    def test_realistic_reply(self):
        self.assertSame(big_reply(300))

    def test_random_values(self):
        rng = random.Random(20250612)
        refused = 0
        for number in range(4000):
            value = random_value(rng, 0)
            expected = self.assertSameOutcome(value, msg="random value %d" % number)
            refused += expected[0] == "error"
        # Both kinds of outcome were exercised.
        self.assertGreater(refused, 20)
        self.assertLess(refused, 2000)


def random_text(rng):
    """A str of code points from every class _encode_str treats apart."""
    ranges = ((0x20, 0x7E), (0x00, 0x1F), (0x7F, 0xFF), (0x100, 0x7FF), (0x800, 0xD7FF),
              (0xD800, 0xDFFF), (0xE000, 0xFFFF), (0x10000, 0x10FFFF))
    chars = []
    for _ in range(rng.choice((0, 1, 2, 5, 20, 100))):
        low, high = rng.choice(ranges)
        chars.append(chr(rng.randint(low, high)))
    if rng.random() < 0.2:
        chars.append(rng.choice('"\\'))
    return "".join(chars)


def random_float(rng):
    if rng.random() < 0.5:
        return struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
    return rng.choice((rng.uniform(-1e6, 1e6), rng.random(), float(rng.randint(-1000, 1000)),
                       rng.random() * 10 ** rng.randint(-320, 308)))


def random_value(rng, depth):
    """A value to encode; about one in fifty has something either encoder refuses."""
    roll = rng.random()
    if roll < 0.02:
        return rng.choice((LoudStr("x"), LoudInt(2), Loud(), object(), {1: 2}, {None: 1},
                           nest(65), b"b", set(), LoudList(), LoudDict()))
    if depth < 6 and roll < 0.35:
        size = rng.choice((0, 1, 2, 3, 8))
        shape = rng.random()
        if shape < 0.4:
            return [random_value(rng, depth + 1) for _ in range(size)]
        if shape < 0.55:
            return tuple(random_value(rng, depth + 1) for _ in range(size))
        return {random_text(rng): random_value(rng, depth + 1) for _ in range(size)}
    kind = rng.randrange(6)
    if kind == 0:
        return random_text(rng)
    if kind == 1:
        bits = rng.choice((3, 16, 31, 32, 53, 63, 64, 65, 128, 300))
        return rng.getrandbits(bits) * rng.choice((1, -1))
    if kind == 2:
        return random_float(rng)
    if kind == 3:
        return rng.choice((True, False))
    if kind == 4:
        return None
    return rng.choice(("type", "handle", "", "\u00e9t\u00e9", "a\tb"))


def big_reply(count):
    """A reference graph reply as _graph sends one: `count` nodes and edges."""
    nodes = [{"handle": 123456 + i, "type": "__main__.Holder", "address": 140000000000000 + 64 * i,
              "flat": 56, "text": "Holder at 0x7f%010x target=<Target>" % i, "deep": None,
              "root": None, "explored": 1, "more_referrers": 0, "more_referents": 0}
             for i in range(count)]
    edges = [[i, (i * 7 + 1) % count, {"kind": "attribute", "name": "target"}]
             for i in range(count)]
    return {"type": "graph", "id": 5, "nodes": nodes, "edges": edges}


class CodecPathTest(unittest.TestCase):
    """_codec's functions on both paths: C when built, the Python fallback always."""

    def paths(self):
        found = [None]
        if _jsonenc is not None:
            found.append(_jsonenc)
        return found

    def use(self, module):
        saved = _codec._jsonenc
        _codec._jsonenc = module
        self.addCleanup(setattr, _codec, "_jsonenc", saved)

    def test_c_encoder_is_there_when_built(self):
        if not os.environ.get("HS_AGENT_DIR") or sys.implementation.name != "cpython":
            self.skipTest("no build directory: the source tree has no C encoder")
        built = [name for name in os.listdir(os.path.join(agenttest.AGENT_DIR, "heapscope"))
                 for suffix in importlib.machinery.EXTENSION_SUFFIXES
                 if name == "_jsonenc" + suffix]
        if not built:
            self.skipTest("heapscope._jsonenc is not built for this Python")
        self.assertIsNotNone(_jsonenc, "the C encoder is built but does not import")
        if os.environ.get("HEAPSCOPE_ACCEL") != "0":
            self.assertIs(_codec._jsonenc, _jsonenc, "_codec does not use the C encoder")

    def test_json_frame_decodes_to_the_message(self):
        message = {"type": "reply", "id": 3, "text": "a\"b\\c\n\x00\x7f \u00e9 \u20ac \U0001f600",
                   "numbers": [0, -1, 2 ** 70, -(2 ** 70), 1.5, -0.0, 5e-324, 1e300],
                   "flags": [True, False, None], "nested": {"a": [[{}], []], "": ""},
                   "graph": big_reply(50)}
        frames = []
        for module in self.paths():
            with self.subTest(c_encoder=module is not None):
                self.use(module)
                data = _codec.json_frame(message)
                self.assertEqual(int.from_bytes(data[:4], "big"), len(data) - 4)
                messages, rest = _codec.decode_frames(data)
                self.assertEqual(messages, [message])
                self.assertEqual(rest, b"")
                self.assertEqual(_codec.decode(_codec.encode(message)), message)
                frames.append(data)
        self.assertEqual(len(set(frames)), 1, "the two paths write different frames")

    def test_values_json_has_no_word_for(self):
        for module in self.paths():
            with self.subTest(c_encoder=module is not None):
                self.use(module)
                value = {"type": "x", "t": (1, (2,)), "n": float("nan"), "i": float("-inf"),
                         "s": "\ud800"}
                self.assertEqual(_codec.decode_frames(_codec.json_frame(value))[0],
                                 [{"type": "x", "t": [1, [2]], "n": None, "i": None,
                                   "s": "\ud800"}])

    def test_refusals(self):
        for module in self.paths():
            with self.subTest(c_encoder=module is not None):
                self.use(module)
                with self.assertRaisesRegex(TypeError, "cannot encode LoudStr as JSON"):
                    _codec.json_frame({"type": LoudStr("x")})
                with self.assertRaisesRegex(TypeError, "JSON object keys must be str"):
                    _codec.encode({2: 1})
                with self.assertRaisesRegex(ValueError, "nested too deeply"):
                    _codec.json_frame({"type": "x", "v": nest(64)})



class OversizedAnswerTest(unittest.TestCase):
    def test_an_answer_over_a_frame_is_a_failed_request(self):
        """The session goes on: the request fails, the link stays."""
        from heapscope import _agent
        frame = _agent._frame_of({"type": "object", "id": 5, "text": "x" * _codec.MAX_FRAME})
        messages, rest = _codec.decode_frames(frame)
        self.assertEqual(rest, b"")
        self.assertEqual(messages, [{"type": "error", "id": 5, "code": "failed",
                                     "message": "object failed: the answer is over the 16 MiB"
                                                " a message may hold"}])
        # Not an answer (a push): nothing to fail.
        with self.assertRaises(_codec.ProtocolError):
            _agent._frame_of({"type": "graph", "id": 0, "text": "x" * _codec.MAX_FRAME})

if __name__ == "__main__":
    unittest.main()
