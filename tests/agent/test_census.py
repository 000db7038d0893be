"""The census, in this process: exact counts and sizes, names, no user code run."""

import abc
import enum
import gc
import os
import subprocess
import sys
import tracemalloc
import types
import unittest

import agenttest
from heapscope import _census


class Rows:
    """A census's rows, kept where later censuses cannot see them.

    The counts and sizes live in dicts of str and int, which the collector does
    not track, so a test can keep one census while taking the next.
    """
    __slots__ = ("counts", "sizes")

    def __init__(self, rows):
        self.counts = {}
        self.sizes = {}
        for name, count, size in rows:
            self.counts[name] = count
            self.sizes[name] = size

    def __getitem__(self, name):
        return (self.counts[name], self.sizes[name])

    def __contains__(self, name):
        return name in self.counts

    def __iter__(self):
        return iter(self.counts)


_OWN = []          # made once, so that every census sees the same scaffolding
_NO_CODES = []


def take(use_accel, *extra_own):
    """A census that leaves out `extra_own` and its own leftovers."""
    _OWN.extend(extra_own)
    _OWN.append(_OWN)
    if extra_own:                   # (not the empty tuple: it is everyone's)
        _OWN.append(extra_own)
    rows = _census.census_rows(_OWN, _NO_CODES, use_accel)
    del _OWN[:]
    result = Rows(rows)
    del rows
    return result


def paths():
    """The census paths to test: pure Python, and the accelerator when built."""
    found = [False]
    if _census._accel is not None:
        found.append(True)
    return found


class Marker:
    def __init__(self, value):
        self.a = value
        self.b = value
        self.c = value
        self.d = value


class Slotted:
    __slots__ = ("x", "y")

    def __init__(self):
        self.x = 1
        self.y = 2


class Color(enum.Enum):
    RED = 1


class Recorder(type):
    """A metaclass whose every hook records that it ran (and fails)."""
    calls = []

    def __repr__(cls):
        Recorder.calls.append("meta __repr__")
        raise AssertionError("metaclass __repr__ called")

    def __str__(cls):
        Recorder.calls.append("meta __str__")
        raise AssertionError("metaclass __str__ called")

    def __getattr__(cls, name):
        Recorder.calls.append("meta __getattr__ " + name)
        raise AttributeError(name)

    def __eq__(cls, other):
        Recorder.calls.append("meta __eq__")
        return NotImplemented

    def __hash__(cls):
        Recorder.calls.append("meta __hash__")
        return 1


class Trap(metaclass=Recorder):
    def __repr__(self):
        Recorder.calls.append("__repr__")
        raise AssertionError("__repr__ called")

    def __str__(self):
        Recorder.calls.append("__str__")
        raise AssertionError("__str__ called")

    def __getattr__(self, name):
        Recorder.calls.append("__getattr__ " + name)
        raise AttributeError(name)

    def __getattribute__(self, name):
        Recorder.calls.append("__getattribute__ " + name)
        return object.__getattribute__(self, name)

    def __sizeof__(self):
        Recorder.calls.append("__sizeof__")
        return 10 ** 6

    def __eq__(self, other):
        Recorder.calls.append("__eq__")
        return False

    def __hash__(self):
        Recorder.calls.append("__hash__")
        return 1

    @property
    def __dict__(self):
        Recorder.calls.append("__dict__ property")
        raise AssertionError("__dict__ read")

    @property
    def __class__(self):
        Recorder.calls.append("__class__ property")
        raise AssertionError("__class__ read")


class DirMeta(type):
    """A C method under another slot's name: type.__dir__ as __str__ reads the
    class's attributes, through the metaclass's __getattribute__."""
    __str__ = type.__dir__

    def __getattribute__(cls, name):
        Recorder.calls.append("dir meta __getattribute__ " + name)
        return type.__getattribute__(cls, name)


class DirTrap(metaclass=DirMeta):
    pass


class CensusTest(unittest.TestCase):

    def setUp(self):
        # No collection between a census and the next: garbage freed in
        # between would make a difference that is not the test's.
        gc.collect()
        gc.disable()
        self.addCleanup(gc.enable)

    def test_flat_sizes_in_c_are_the_census_sizes(self):
        # The instance lists' sizes come from _accel.flat_sizes: the same rule
        # as object_size for every kind of sizing (inline values, a C
        # __sizeof__, one written in Python, variable-size objects).
        if _census._accel is None:
            self.skipTest("no C accelerator")

        class Inline:
            def __init__(self):
                self.a, self.b = 1, 2

        class Slotted:
            __slots__ = ("a",)

        class OwnSizeof:
            def __sizeof__(self):
                return 10 ** 6

        import collections
        import decimal
        with_dict = Inline()
        with_dict.__dict__["c"] = 3
        objects = [Inline(), with_dict, Slotted(), OwnSizeof(), [1, 2, 3], (1, 2), {"k": 1},
                   "text", b"bytes", 10 ** 40, 1.5, {1, 2}, collections.deque([1]),
                   collections.OrderedDict(a=1), decimal.Decimal("1.5"), bytearray(100), Inline]
        fd = _census.memory_fd() if sys.version_info >= (3, 11) else -1
        expected = [_census.object_size(obj, type(obj), _census.size_plan(type(obj), fd), fd)
                    for obj in objects]
        self.assertEqual(_census._accel.flat_sizes(objects), expected)

    def test_accelerator_is_there_when_built(self):
        if os.environ.get("HS_AGENT_DIR") and sys.implementation.name == "cpython":
            import importlib.machinery
            built = [name for name in os.listdir(os.path.join(agenttest.AGENT_DIR, "heapscope"))
                     for suffix in importlib.machinery.EXTENSION_SUFFIXES
                     if name == "_accel" + suffix]
            if built and os.environ.get("HEAPSCOPE_ACCEL") != "0":
                self.assertIsNotNone(_census._accel, "the C accelerator did not load")

    def test_counts_markers_exactly(self):
        value = object()
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                markers = [Marker(value) for _ in range(12345)]
                rows = take(use_accel, markers)
                count, size = rows["test_census.Marker"]
                self.assertEqual(count, 12345)
                self.assertEqual(size, sum(_instance_bytes(marker) for marker in markers))
                del markers

    @unittest.skipUnless(sys.version_info >= (3, 11) and sys.implementation.name == "cpython",
                         "inline attribute values are a CPython 3.11+ layout")
    def test_instance_size_is_what_cpython_allocates(self):
        value = object()
        warm = [Marker(value) for _ in range(100)]      # past the young class's large arrays
        markers = [None] * 2000
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for i in range(len(markers)):
                markers[i] = Marker(value)
            allocated = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                count, size = take(use_accel, markers, warm)["test_census.Marker"]
                # (tracemalloc's figure carries a few bytes of the loop's own.)
                self.assertAlmostEqual(size / count, allocated / len(markers), delta=0.1)
                if sys.version_info[:2] == (3, 11):
                    self.assertEqual(size / count, 104)     # the reference value
        # Looking never made a __dict__: the attributes are still inline.
        self.assertFalse([ref for ref in gc.get_referents(markers[0]) if type(ref) is dict])

    def test_materialized_dict_is_a_dict(self):
        if sys.version_info < (3, 11):
            self.skipTest("no inline values before 3.11")
        # A container value keeps the new dict tracked. (On 3.13 a dict of
        # atoms made from inline values is untracked, and tp_traverse visits
        # the values rather than the dict: gc.get_referents misses it too.)
        value = []
        markers = [Marker(value) for _ in range(50)]
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                before = take(use_accel, markers)
                opened = markers[7 + use_accel].__dict__    # materializes one dict
                after = take(use_accel, markers, before)
                self.assertEqual(after["dict"][0], before["dict"][0] + 1)
                self.assertEqual(after["test_census.Marker"][0], 50)
                del opened, before, after

    def test_floats_inside_untracked_containers_are_counted(self):
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                base = take(use_accel)
                floats = tuple(i + 0.25 for i in range(1000))
                # Built at run time: constant folding would make them code constants.
                inner = (str(12345) * 3, int("-123456789"))
                nested = (inner,)
                atoms = {"k": float("1.5e300")}
                holder = [floats, nested, atoms]
                gc.collect()
                gc.disable()
                self.assertFalse(gc.is_tracked(floats))     # Pympler stops above these
                self.assertFalse(gc.is_tracked(nested))
                self.assertFalse(gc.is_tracked(atoms))
                rows = take(use_accel, base)
                self.assertEqual(rows["float"][0] - base["float"][0], 1001)
                self.assertEqual(rows["float"][1] - base["float"][1], 1001 * sys.getsizeof(1.5))
                self.assertEqual(rows["tuple"][0] - base["tuple"][0], 3)
                self.assertEqual(rows["dict"][0] - base["dict"][0], 1)
                self.assertEqual(rows["str"][0] - base["str"][0], 1)
                self.assertEqual(rows["int"][0] - base["int"][0], 1)
                del holder, floats, inner, nested, atoms, base, rows

    def test_shared_objects_are_counted_once(self):
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                base = take(use_accel)
                shared = float("1234.5678")
                lists = [[shared] * 10 for _ in range(100)]
                tuples = [(shared,) for _ in range(100)]
                rows = take(use_accel, base)
                self.assertEqual(rows["float"][0] - base["float"][0], 1)
                self.assertEqual(rows["list"][0] - base["list"][0], 102)
                del lists, tuples, base, rows, shared

    def test_excluded_objects_and_what_hangs_from_them(self):
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                base = take(use_accel)
                hidden = [float(i) + 0.5 for i in range(500)]
                rows = take(use_accel, base, hidden)
                self.assertEqual(rows["float"][0], base["float"][0])
                self.assertEqual(rows["list"][0], base["list"][0])
                del hidden, base, rows

    def test_pure_and_accelerated_rows_are_identical(self):
        if _census._accel is None:
            self.skipTest("the C accelerator is not built for this Python")
        keep = [Marker(object()), Slotted(), Color.RED, types.ModuleType("mod at 0x1f"),
                [1.5, (2.5, "x")], lambda: 0, sys._getframe(), abc.ABC, Trap()]
        own = []
        own.append(own)
        first = _census.walk(own, [], False)
        own.extend([first] + first)
        second = _census.walk(own, [], True)
        own.extend([second] + second)
        third = _census.walk(own, [], False)
        rows = [_census.build_rows(entries) for entries in (first, second, third)]
        del own[:]
        self.assertEqual(rows[0], rows[1])
        self.assertEqual(rows[1], rows[2])
        del keep

    def test_names_follow_pympler(self):
        def local_function():
            pass
        renamed = lambda: 0                                  # noqa: E731
        renamed.__name__ = "renamed at 0xdeadbeef"
        module = types.ModuleType("some.module")
        nameless = types.ModuleType("x")
        del nameless.__dict__["__name__"]
        nameless.__file__ = "/somewhere/file.py"
        keep = [local_function, renamed, module, nameless, Color.RED, Slotted(),
                abc.ABC, frozenset([1]), Trap()]
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                rows = take(use_accel, keep)
                for name in ("function (local_function)", "function (renamed)",
                             "module(some.module)", "module(/somewhere/file.py)",
                             "<enum 'Color'>", "test_census.Slotted", "abc.ABCMeta",
                             "frozenset", "str", "dict", "type", "test_census.Trap",
                             "module(test_census)", "function (take)"):
                    self.assertIn(name, rows)
                self.assertFalse([name for name in rows if name.startswith("<class")])
        del keep

    def test_long_names_are_cut(self):
        def f():
            pass
        f.__name__ = "n" * 3000
        g = lambda: 0                                        # noqa: E731
        g.__name__ = "\u00e9" * 3000
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                rows = take(use_accel)
                long = [name for name in rows if name.startswith("function (nnn")]
                self.assertEqual([len(name.encode("utf-8")) for name in long], [1024])
                accented = [name for name in rows if name.startswith("function (\u00e9")]
                self.assertEqual(len(accented), 1)
                self.assertLessEqual(len(accented[0].encode("utf-8")), 1024)
                accented[0].encode("utf-8")

    def test_no_user_code_runs(self):
        traps = [Trap() for _ in range(3)]
        traps[0].x = 1
        del Recorder.calls[:]
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                rows = take(use_accel, Recorder.calls)
                self.assertEqual(Recorder.calls, [])
                count, size = rows["test_census.Trap"]
                self.assertEqual(count, 3)
                # __sizeof__ written in Python is not called; instances are
                # charged object.__sizeof__ plus the header getsizeof adds.
                self.assertLess(size, 3 * 1000)
        del traps

    def test_a_c_method_under_a_slots_name_is_not_called(self):
        trap = DirTrap()
        del Recorder.calls[:]
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                rows = take(use_accel, Recorder.calls)
                self.assertEqual(Recorder.calls, [])
                self.assertEqual(rows["test_census.DirTrap"][0], 1)
        del trap

    def test_python_sizeof_fallback_matches_getsizeof_header(self):
        class Honest:
            def __init__(self):
                self.v = 1

            def __sizeof__(self):           # what object.__sizeof__ says
                return object.__sizeof__(self)

        honest = [Honest() for _ in range(10)]
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                count, size = take(use_accel, honest)["test_census.CensusTest." +
                                                      "test_python_sizeof_fallback_matches_" +
                                                      "getsizeof_header.<locals>.Honest"]
                self.assertEqual(count, 10)
                self.assertEqual(size, sum(_instance_bytes(one) for one in honest))

    def test_rows_are_sorted_and_summed(self):
        rows = _census.census_rows([], [])
        sizes = [row[2] for row in rows]
        self.assertEqual(sizes, sorted(sizes, reverse=True))
        body = _census.census([], [], 0.0)
        self.assertEqual(body["objects"], sum(row[1] for row in body["rows"]))
        self.assertEqual(body["bytes"], sum(row[2] for row in body["rows"]))
        self.assertGreater(body["rss"], 0)
        self.assertGreater(body["vms"], body["rss"])
        self.assertGreaterEqual(body["elapsed"], 0)

    def test_row_limits(self):
        rows = [["t%d" % i, 1, 300000 - i] for i in range(_census.MAX_ROWS + 10)]
        limited = _census._limit_rows(rows)
        self.assertEqual(len(limited), _census.MAX_ROWS)
        self.assertEqual(limited[-1][0], _census.OTHER_ROW)
        self.assertEqual(sum(row[1] for row in limited), len(rows))
        self.assertEqual(sum(row[2] for row in limited), sum(row[2] for row in rows))

    def test_pympler_name_patterns(self):
        strip = _census._strip_addresses
        self.assertEqual(strip("f at 0x1a2b at 0x at 0xzz at 0xff"), "f at 0x at 0xzz")
        brackets = _census._strip_class_brackets
        self.assertEqual(brackets("<class 'a.B'>"), "a.B")
        self.assertEqual(brackets("<type 'int'>"), "int")
        self.assertEqual(brackets("<class 'has space'>"), "<class 'has space'>")
        self.assertEqual(brackets("<class 'x'>\n"), "x\n")
        self.assertEqual(brackets("<enum 'Color'>"), "<enum 'Color'>")

    def test_forcing_the_pure_path(self):
        code = ("import sys; sys.path.insert(0, %r); from heapscope import _census; "
                "print(_census.accelerated())" % agenttest.AGENT_DIR)
        for value, expected in (("0", "False"),):
            out = subprocess.run([agenttest.PYTHON, "-c", code], check=True,
                                 env=agenttest.clean_env(HEAPSCOPE_ACCEL=value),
                                 stdout=subprocess.PIPE).stdout.decode().strip()
            self.assertEqual(out, expected)


def _instance_bytes(obj):
    """What the census should charge one Marker-like instance (see _census)."""
    size = sys.getsizeof(obj)
    if sys.version_info >= (3, 11) and sys.implementation.name == "cpython":
        fd = _census.memory_fd()
        cls = type(obj)
        if sys.version_info >= (3, 13):
            capacity = _census.read_byte(fd, id(obj) + 16)
            if capacity > _census._shared_slots(fd, cls):
                capacity += 1
            size += (capacity + 7) // 8 * 8 + 8 * (capacity + 1)
        else:
            slots = _census._shared_slots(fd, cls)
            size += (slots + 2 + 7) // 8 * 8 + 8 * slots
    return size


if __name__ == "__main__":
    unittest.main()
