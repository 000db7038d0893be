"""Deep and flat sizes (heapscope._sizes): Pympler's figures where they are right.

The reference figures (asizeof_cases_cpython311.json) were measured with
Pympler 1.1 on CPython 3.11.2; the cases are evaluated in file order in one
fresh process, as they were measured (an instance dict's size depends on what
the process did before). Each path -- the C accelerator and pure Python -- is
checked in its own process.
"""

import collections
import functools
import gc
import json
import os
import subprocess
import sys
import tempfile
import tracemalloc
import unittest
import weakref

import agenttest
import heapscope
from heapscope import _sizes

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "asizeof_cases_cpython311.json")
GC_HEADER = 16
PYMPLER_GC_HEADER = 32      # what Pympler 1.1 assumes without _testcapi.SIZEOF_PYGC_HEAD

# Runs in a fresh process: every case, in file order; prints one JSON line.
CORPUS_RUN = r'''
import gc, json, sys, tracemalloc
sys.path.insert(0, AGENT_DIR)
sys.path.insert(0, HERE)
from heapscope import _sizes
import asizeof_corpus

use_accel = _sizes.accelerated()

class Warm:
    def __init__(self):
        self.a = [1]
        self.b = "warm"

# Lazy state of the first sizing (open files, caches) is not a case's doing.
_sizes.asizeof([Warm(), {1: (2,)}, {3}, Warm], use_accel=use_accel)
_sizes.flatsize(Warm())

def heap_change(action):
    """(objects, traced bytes) that `action` leaves behind, after a collection."""
    gc.collect()
    objects, memory = len(gc.get_objects()), tracemalloc.get_traced_memory()[0]
    action()
    gc.collect()
    return len(gc.get_objects()) - objects, tracemalloc.get_traced_memory()[0] - memory

def size_and_forget(obj):
    _sizes.asizeof(obj, use_accel=use_accel)
    _sizes.flatsize(obj)

def instances(obj):
    """The Plain and Node instances in a case's object."""
    found = []
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, (asizeof_corpus.Plain, asizeof_corpus.Node)):
            found.append(item)
            nxt = getattr(item, "next", None) if isinstance(item, asizeof_corpus.Node) else None
            if nxt is not None:
                stack.append(nxt)
    return found

tracemalloc.start()
heap_change(lambda: None)
heap_change(lambda: None)
results = []
cases = json.load(open(CASES))["cases"]
for case in cases:
    obj = eval(case["expr"], vars(asizeof_corpus))
    # What nothing leaves behind (the counts' own ints), then sizing.
    still = heap_change(lambda: None)
    sized = heap_change(lambda: size_and_forget(obj))
    result = {"name": case["name"],
              "deep": _sizes.asizeof(obj, use_accel=use_accel), "flat": _sizes.flatsize(obj),
              "basic": _sizes.basicsize(obj), "item": _sizes.itemsize(obj),
              "gc": bool(type(obj).__flags__ & (1 << 14)),
              "objects": sized[0] - still[0], "bytes": sized[1] - still[1]}
    if not case["pympler_correct"]:
        found = instances(obj)
        result["instance_flats"] = [_sizes.flatsize(item) for item in found]
        result["dicts"] = [(sys.getsizeof(item.__dict__) + 7) // 8 * 8 for item in found]
        result["deep_after"] = _sizes.asizeof(obj, use_accel=use_accel)
        result["flat_after"] = _sizes.flatsize(obj)
    results.append(result)
print(json.dumps({"accelerated": use_accel, "results": results}))
'''


def paths():
    """The paths to test: pure Python, and the accelerator when built."""
    found = [False]
    if _sizes.accelerated():
        found.append(True)
    return found


def run_corpus(use_accel):
    code = "AGENT_DIR = %r\nHERE = %r\nCASES = %r\n" % (agenttest.AGENT_DIR, HERE, CASES) + CORPUS_RUN
    env = agenttest.clean_env(HEAPSCOPE_ACCEL="1" if use_accel else "0")
    out = subprocess.run([agenttest.PYTHON, "-c", code], env=env, check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    data = json.loads(out)
    assert data["accelerated"] is use_accel
    return {result["name"]: result for result in data["results"]}


def aligned(size):
    return (size + 7) // 8 * 8


class Plain:
    def __init__(self, a, b, c, d):
        self.alpha = a
        self.beta = b
        self.gamma = c
        self.delta = d


class Link:
    def __init__(self, value, nxt):
        self.value = value
        self.next = nxt


class Slots:
    __slots__ = ("left", "right")

    def __init__(self, left, right):
        self.left = left
        self.right = right


class _Private:
    __slots__ = ("__hidden", "shown")

    def __init__(self):
        self.__hidden = ["hidden"] * 10
        self.shown = 1.5


class WithDict(Slots):
    def __init__(self):
        super().__init__(1.25, 2.25)
        self.extra = "extra"


class Big(int):
    pass


class PySizeof:
    def __sizeof__(self):
        raise AssertionError("a __sizeof__ written in Python was called")


CALLS = []


class Meta(type):
    """A metaclass whose hooks record that they ran."""

    def __getattribute__(cls, name):
        CALLS.append("meta getattribute " + name)
        return type.__getattribute__(cls, name)

    def __eq__(cls, other):
        CALLS.append("meta eq")
        return type.__eq__(cls, other)

    def __hash__(cls):
        CALLS.append("meta hash")
        return type.__hash__(cls)


class Hooks:
    """Every hook records that it ran."""

    def __getattribute__(self, name):
        CALLS.append("getattribute " + name)
        return object.__getattribute__(self, name)

    def __getattr__(self, name):
        CALLS.append("getattr " + name)
        raise AttributeError(name)

    def __eq__(self, other):
        CALLS.append("eq")
        return self is other

    def __hash__(self):
        CALLS.append("hash")
        return 7

    def __len__(self):
        CALLS.append("len")
        return 1

    def __iter__(self):
        CALLS.append("iter")
        return iter(())

    def __getitem__(self, index):
        CALLS.append("getitem")
        raise IndexError(index)

    @property
    def __class__(self):
        CALLS.append("__class__")
        return int


class TripError(Hooks, Exception, metaclass=Meta):
    @property
    def msg(self):
        CALLS.append("msg property")
        return "a message"


class TripPoint(Hooks, collections.namedtuple("Point", "x y"), metaclass=Meta):
    __slots__ = ()


class TripInt(Hooks, int, metaclass=Meta):
    pass


class TripKey(Hooks, metaclass=Meta):
    pass


class TripMapping(Hooks, metaclass=Meta):
    def keys(self):
        CALLS.append("keys")
        return []

    def items(self):
        CALLS.append("items")
        return []


class TripArray(Hooks, __import__("array").array, metaclass=Meta):
    @property
    def itemsize(self):
        CALLS.append("itemsize property")
        return 1000


class CorpusTest(unittest.TestCase):
    """The reference cases, each path in a fresh process."""

    @classmethod
    def setUpClass(cls):
        with open(CASES) as stream:
            cls.cases = json.load(stream)["cases"]
        cls.runs = {use_accel: run_corpus(use_accel) for use_accel in paths()}

    def test_deep_and_flat_sizes_equal_pympler_where_it_is_right(self):
        for use_accel, results in self.runs.items():
            for case in self.cases:
                if not case["pympler_correct"]:
                    continue
                with self.subTest(case=case["name"], accelerated=use_accel):
                    result = results[case["name"]]
                    self.assertEqual(result["deep"], case["asizeof"])
                    self.assertEqual(result["flat"], case["flatsize"])

    def test_slot_linked_10k_is_sized_in_full(self):
        for use_accel, results in self.runs.items():
            with self.subTest(accelerated=use_accel):
                self.assertEqual(results["slot_linked_10k"]["deep"], 800016)

    def test_both_paths_agree_on_every_case(self):
        if len(self.runs) < 2:
            self.skipTest("no accelerator for this Python")
        pure, accel = self.runs[False], self.runs[True]
        for case in self.cases:
            with self.subTest(case=case["name"]):
                for key in ("deep", "flat", "basic", "item"):
                    self.assertEqual(pure[case["name"]][key], accel[case["name"]][key], key)

    def test_sizing_leaves_the_heap_as_it_was(self):
        for use_accel, results in self.runs.items():
            for case in self.cases:
                with self.subTest(case=case["name"], accelerated=use_accel):
                    result = results[case["name"]]
                    self.assertEqual(result["objects"], 0)
                    self.assertLessEqual(result["bytes"], 0)

    def test_inline_instances_as_pympler_less_the_dict_it_makes(self):
        # Once the dicts exist (made here as Pympler makes them), Pympler is
        # right and the figures are its own; before, each instance is charged
        # its values array instead of a dict.
        for use_accel, results in self.runs.items():
            for case in self.cases:
                if case["name"] not in ("instance_plain", "list_of_instances"):
                    continue
                with self.subTest(case=case["name"], accelerated=use_accel):
                    result = results[case["name"]]
                    self.assertEqual(result["deep_after"], case["asizeof"])
                    self.assertEqual(result["flat_after"], case["flatsize"])
                    values = sum(result["instance_flats"]) - 56 * len(result["instance_flats"])
                    self.assertGreater(values, 0)
                    self.assertEqual(result["deep"],
                                     result["deep_after"] - sum(result["dicts"]) + values)

    def test_basic_and_item_sizes(self):
        for use_accel, results in self.runs.items():
            for case in self.cases:
                with self.subTest(case=case["name"], accelerated=use_accel):
                    result = results[case["name"]]
                    expected = case["basicsize"]
                    if case["name"] in ("ordered_dict", "array_d"):
                        continue        # Pympler: dict's basic size; getsizeof less the items
                    if result["gc"]:
                        expected += GC_HEADER - PYMPLER_GC_HEADER
                        if case["name"] in ("instance_plain", "linked_list"):
                            expected += 2 * 8       # the managed-dict pre-header
                    self.assertEqual(result["basic"], expected)
                    if case["name"] != "namedtuple":    # Pympler: 0, a tuple's 8 in truth
                        self.assertEqual(result["item"], case["itemsize"])


class SizesTest(unittest.TestCase):

    def test_linked_list_of_10000_instances_in_full(self):
        head = None
        for i in range(10000):
            head = Link(i, head)
        # The nodes, their distinct ints, the final None and the two attribute names.
        expected = aligned(sys.getsizeof(None)) + aligned(sys.getsizeof("value")) \
            + aligned(sys.getsizeof("next"))
        node = head
        while node is not None:
            expected += _sizes.flatsize(node, align=8) + aligned(sys.getsizeof(node.value))
            node = node.next
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                self.assertEqual(_sizes.asizeof(head, use_accel=use_accel), expected)
        self.assertFalse(any(type(ref) is dict for ref in gc.get_referents(head)))

    def test_inline_instance_is_charged_what_tracemalloc_sees(self):
        keep = [Plain(None, None, None, None) for _ in range(40)]     # the class grown up

        def traced(action):
            start = tracemalloc.get_traced_memory()[0]
            made = action()
            return tracemalloc.get_traced_memory()[0] - start, made

        tracemalloc.start()
        try:
            gc.collect()
            # Once each, so that the free lists the call uses hold what it frees.
            traced(lambda: Plain(None, True, False, Ellipsis))
            nothing = traced(lambda: None)[0]           # the measure's own int
            allocated, obj = traced(lambda: Plain(None, True, False, Ellipsis))
            allocated -= nothing
        finally:
            tracemalloc.stop()
        self.assertGreater(allocated, sys.getsizeof(obj))
        self.assertEqual(_sizes.flatsize(obj), allocated)
        names = ["alpha", "beta", "gamma", "delta", None, True, False, Ellipsis]
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                self.assertEqual(_sizes.asizeof(obj, exclude=names, use_accel=use_accel), allocated)
        self.assertFalse(any(type(ref) is dict for ref in gc.get_referents(obj)))
        del keep

    def test_sizing_creates_no_dict(self):
        objs = [Plain(i, str(i), [i], (i,)) for i in range(50)]
        objs.append(WithDict())
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                _sizes.asizeof(objs[0], use_accel=use_accel)       # warm
                gc.collect()
                count = len(gc.get_objects())
                _sizes.asizeof(objs, use_accel=use_accel)
                _sizes.flatsize(objs[1])
                _sizes.asized(objs, detail=3)
                gc.collect()
                self.assertEqual(len(gc.get_objects()), count)
                for obj in objs[:-1]:
                    self.assertFalse(any(type(ref) is dict for ref in gc.get_referents(obj)))

    def test_materialized_dict_is_sized_as_a_dict(self):
        obj = Plain(1, 2, 3, 4)
        inline = _sizes.asizeof(obj)
        namespace = obj.__dict__
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                self.assertEqual(_sizes.asizeof(obj, use_accel=use_accel),
                                 _sizes.flatsize(obj, align=8)
                                 + _sizes.asizeof(namespace, use_accel=use_accel))
                self.assertNotEqual(_sizes.asizeof(obj, use_accel=use_accel), inline)

    def test_paths_agree_on_many_kinds(self):
        import os as os_module
        ref_target = {1, 2}

        def gen():
            local = [1, 2, 3]
            yield local

        def closure():
            return ref_target

        generator = gen()
        next(generator)
        Point = collections.namedtuple("Point", "x y")
        samples = [
            os_module, collections.OrderedDict(a=[1]), collections.defaultdict(list, b=[2]),
            collections.deque([1, "two"]), functools.partial(max, 1), WithDict(), _Private(),
            Slots([1], {2: 3}), Big(10 ** 30), PySizeof(), ValueError("message", [1]),
            KeyboardInterrupt(), property(lambda self: 1, doc="documented"),
            weakref.ref(Link), weakref.WeakValueDictionary({1: Link}), iter([1, 2]),
            generator, closure.__closure__[0], os_module.stat("."), enumerate([1]),
            reversed([1.5]), Point(1, [2]), type("Temp", (), {}), max, gen, sys._getframe(),
            memoryview(b"abc"), range(3), slice(1, 2), 3 + 4j, b"bytes", bytearray(4),
            frozenset({(1, 2)}), {"nested": {"deeper": [Slots(None, None)]}},
        ]
        big = Big(5)
        big.attribute = ["on an int subclass"]
        samples.append(big)
        if not _sizes.accelerated():
            self.skipTest("no accelerator for this Python")
        for sample in samples:
            with self.subTest(sample=type(sample).__name__):
                self.assertEqual(_sizes.asizeof(sample, use_accel=True),
                                 _sizes.asizeof(sample, use_accel=False))
        self.assertEqual(_sizes.asizeof(*samples, use_accel=True),
                         _sizes.asizeof(*samples, use_accel=False))

    def test_code_classes_and_ignored_types_are_not_sized(self):
        for obj in (len, Plain, Plain.__init__, Plain.__init__.__code__, sys._getframe(),
                    object(), Plain(1, 2, 3, 4).__init__):
            for use_accel in paths():
                with self.subTest(obj=type(obj).__name__, accelerated=use_accel):
                    self.assertEqual(_sizes.asizeof(obj, use_accel=use_accel), 0)

    def test_python_sizeof_is_never_called(self):
        obj = PySizeof()
        header = _sizes.basicsize(obj) - type(obj).__basicsize__
        self.assertGreaterEqual(_sizes.flatsize(obj), object.__sizeof__(obj) + header)
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                self.assertEqual(_sizes.asizeof(obj, use_accel=use_accel),
                                 _sizes.flatsize(obj, align=8))

    def test_shared_objects_count_once_and_alignment(self):
        text = "shared" * 10
        data = [text, text, (text,)]
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                self.assertEqual(_sizes.asizeof(data, use_accel=use_accel),
                                 aligned(sys.getsizeof(data)) + aligned(sys.getsizeof(text))
                                 + aligned(sys.getsizeof(data[2])))
                self.assertEqual(_sizes.asizeof(data, align=1, use_accel=use_accel),
                                 sys.getsizeof(data) + sys.getsizeof(text) + sys.getsizeof(data[2]))
                self.assertEqual(_sizes.asizeof(data, data[2], text, use_accel=use_accel),
                                 _sizes.asizeof(data, use_accel=use_accel))
        with self.assertRaises(ValueError):
            _sizes.asizeof(data, align=3)


class ExclusionTest(unittest.TestCase):

    def test_excluded_objects_and_what_hangs_only_from_them(self):
        numbers = list(range(1000, 2000))
        label = "a label" * 3
        data = [numbers, label]
        whole = _sizes.asizeof(data)
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                alone = _sizes.asizeof(numbers, use_accel=use_accel)
                self.assertEqual(_sizes.asizeof(data, exclude=[numbers], use_accel=use_accel),
                                 whole - alone)
                self.assertEqual(_sizes.asizeof(data, exclude_ids={id(numbers)},
                                                use_accel=use_accel), whole - alone)
                self.assertEqual(_sizes.asizeof(data, exclude=[label, numbers],
                                                use_accel=use_accel), aligned(sys.getsizeof(data)))
                self.assertEqual(_sizes.asizeof(data, exclude=[data], use_accel=use_accel), 0)
        tree = _sizes.asized(data, detail=1, exclude=[numbers])
        self.assertEqual(tree.size, whole - alone)
        self.assertEqual(tree.get("[0]").size, 0)

    def test_the_agent_can_pass_its_own_objects(self):
        own = [[1.5] * 10, {"agent": "state"}]
        program = {"data": own[0], "more": [2.5]}
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                without = _sizes.asizeof(program, exclude=own, use_accel=use_accel)
                program_only = {"data": None, "more": program["more"]}
                self.assertEqual(without, _sizes.asizeof(program_only, use_accel=use_accel)
                                 - aligned(sys.getsizeof(None)))


class NoProgramCodeTest(unittest.TestCase):
    """Sizing reads C-level fields only: no hook of the program's runs."""

    def test_no_hook_runs_and_what_they_hide_is_still_sized(self):
        big = "b" * 1000
        error = TripError(big, 2)
        error.text = "n" * 1000          # in its __dict__, and sized as Pympler does
        point = TripPoint(big, 3)
        number = TripInt(12345)
        number.tag = big
        table = {TripKey(): big}
        view = type(type.__dict__)(TripMapping())
        array = TripArray("d", [1.0] * 10)
        weak = weakref.WeakKeyDictionary()
        key = Plain(1, 2, 3, 4)
        weak[key] = [0] * 1000
        objects = [error, point, number, table, view, array, weak]
        del CALLS[:]
        for use_accel in paths():
            with self.subTest(accelerated=use_accel):
                self.assertGreater(_sizes.asizeof(error, use_accel=use_accel), 2000)
                self.assertGreater(_sizes.asizeof(point, use_accel=use_accel), 1000)
                self.assertGreater(_sizes.asizeof(number, use_accel=use_accel), 1000)
                self.assertGreater(_sizes.asizeof(weak, use_accel=use_accel), 8000)
                for obj in objects:
                    _sizes.asizeof(obj, use_accel=use_accel)
        for obj in objects:
            tree = _sizes.asized(obj, detail=3)
            self.assertEqual(tree.size, _sizes.asizeof(obj))
            _sizes.flatsize(obj)
            _sizes.basicsize(obj)
            _sizes.itemsize(obj)
        self.assertEqual(_sizes.itemsize(array), 8)
        self.assertEqual(CALLS, [])


class AsizedTest(unittest.TestCase):

    def check_sums(self, node):
        if node.refs:
            self.assertEqual(node.size, node.flat + sum(ref.size for ref in node.refs), node.name)
            for ref in node.refs:
                self.check_sums(ref)

    def test_breakdown_names_and_sums(self):
        holder = Plain([1, "x" * 100, (2.5, None)], {"k": [0] * 10, 7: "seven"},
                       Slots("left", ["right"]), None)
        tree = _sizes.asized(holder, detail=3)
        self.assertEqual(tree.size, _sizes.asizeof(holder))
        for use_accel in paths():
            self.assertEqual(tree.size, _sizes.asizeof(holder, use_accel=use_accel))
        self.assertEqual(tree.flat, _sizes.flatsize(holder, align=8))
        self.check_sums(tree)
        names = [ref.name for ref in tree.refs]
        for name in ("[K] alpha", "alpha", "beta", "gamma", "delta", "__class__"):
            self.assertIn(name, names)
        self.assertNotIn("__dict__", names)
        self.assertEqual([ref.name for ref in tree.get("alpha").refs], ["[0]", "[1]", "[2]"])
        self.assertEqual(tree.get("alpha").get("[2]").refs[1].name, "[1]")
        table = tree.get("beta")
        self.assertEqual([ref.name for ref in table.refs],
                         ["[K] k", "[V] k: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]", "[K] 7", "[V] 7: 'seven'"])
        self.assertEqual([ref.name for ref in tree.get("gamma").refs],
                         ["__class__", "left", "right"])
        self.assertEqual(tree.get("__class__").size, 0)
        self.assertEqual(tree.get("alpha").get("[2]").get("[1]").size, 16)
        self.assertEqual(tree.get("delta").size, 0)         # None: counted where first met
        self.assertEqual(_sizes.asized(holder, detail=0).refs, ())
        self.assertEqual(_sizes.asized(holder, detail=0).size, tree.size)

    def test_duplicates_are_zero_where_met_again(self):
        shared = ["shared"] * 5
        data = [shared, shared]
        tree = _sizes.asized(data, detail=1)
        self.assertEqual(tree.get("[0]").size, _sizes.asizeof(shared))
        self.assertEqual(tree.get("[1]").size, 0)
        self.assertEqual(tree.size, _sizes.asizeof(data))
        long_key = {"k" * 200: 1}
        name = _sizes.asized(long_key, detail=1).refs[0].name
        self.assertLessEqual(len(name), 80)
        self.assertIn("....", name)

    def test_materialized_dict_is_a_child(self):
        obj = Plain(1, 2, 3, 4)
        obj.__dict__
        tree = _sizes.asized(obj, detail=2)
        self.assertEqual(tree.get("__dict__").get("[V] alpha: 1").size, 32)
        self.assertEqual(tree.size, _sizes.asizeof(obj))

    def shape(self, node):
        return (node.name, node.size, node.flat, [self.shape(ref) for ref in node.refs])

    def many_children(self):
        """300 lists of distinct sizes, some holding what an earlier or a later one
        holds too, one holding a later one, and one list met twice."""
        shared = [Plain(index, "s" * index, None, None) for index in range(40)]
        children = []
        for index in range(300):
            child = [index * 1.5] * (index % 97) + [shared[index % 40], "x" * index]
            if index % 7 == 0:
                child.append(shared[(index + 20) % 40])
            children.append(child)
        children.append(children[5])
        children[10].append(children[200])      # counted under 10, 0 at its own turn
        return children

    def test_many_children_sized_as_one_by_one(self):
        """Past the breakdown, many children are sized at once in C: the same
        tree as sizing them one by one."""
        if not _sizes.accelerated():
            self.skipTest("no accelerator")
        data = self.many_children()
        for detail in (1, 2):
            tree = _sizes.asized(data, detail=detail)
            saved = _sizes._accel
            _sizes._accel = None
            try:
                pure = _sizes.asized(data, detail=detail)
            finally:
                _sizes._accel = saved
            self.assertEqual(self.shape(tree), self.shape(pure))
            self.assertEqual(tree.size, _sizes.asizeof(data))

    def test_breakdown_of_many_children(self):
        """The inspector's breakdown: the 50 largest children, then one node
        for the others; every size sums up, the whole is the deep size."""
        data = self.many_children()
        full = _sizes.asized(data, detail=1)
        for use_accel in paths():
            saved = _sizes._accel
            if not use_accel:
                _sizes._accel = None
            try:
                tree = _sizes.breakdown(data, 2, 50)
            finally:
                _sizes._accel = saved
            self.assertEqual(tree.size, _sizes.asizeof(data))
            self.check_sums(tree)
            self.assertEqual(len(tree.refs), 51)
            self.assertEqual(tree.refs[-1].name, "\u2026 251 more")
            self.assertEqual(tree.refs[-1].refs, ())
            # The largest, in their order, each broken down a level further.
            largest = sorted(sorted(full.refs, key=lambda ref: ref.size, reverse=True)[:50],
                             key=lambda ref: int(ref.name[1:-1]))
            self.assertEqual([ref.name for ref in tree.refs[:50]], [ref.name for ref in largest])
            self.assertTrue(all(ref.refs for ref in tree.refs[:50]))
        # Few children: the breakdown is asized's.
        small = data[:40]
        self.assertEqual(self.shape(_sizes.breakdown(small, 2, 50)),
                         self.shape(_sizes.asized(small, detail=2)))

    def test_several_objects(self):
        inner = [1.5, 2.5]
        outer = [inner, "x"]
        nodes = _sizes.asized(outer, inner, detail=1)
        self.assertEqual(len(nodes), 2)
        self.assertEqual(nodes[0].get("[0]").size, 0)        # sized as given, not under outer
        self.assertEqual(nodes[0].size + nodes[1].size, _sizes.asizeof(outer, inner))


class PublicTest(unittest.TestCase):

    def test_exported_by_the_package(self):
        self.assertIs(heapscope.asizeof, _sizes.asizeof)
        self.assertIs(heapscope.flatsize, _sizes.flatsize)

    def test_plain_import_and_inside_a_run(self):
        script = ("import heapscope\n"
                  "print(heapscope.asizeof([1.5, 'two', (3,)]), heapscope.flatsize([]))\n")
        expected = "%d %d" % (_sizes.asizeof([1.5, "two", (3,)]), sys.getsizeof([]))
        env = agenttest.clean_env(PYTHONPATH=agenttest.AGENT_DIR)
        out = subprocess.run([agenttest.PYTHON, "-c", script], env=env, check=True,
                             stdout=subprocess.PIPE).stdout.decode().strip()
        self.assertEqual(out, expected)
        with tempfile.TemporaryDirectory(prefix="hs-sizes-") as directory:
            path = os.path.join(directory, "script.py")
            with open(path, "w") as stream:
                stream.write(script)
            app = agenttest.FakeApp(path, cwd=directory)
            try:
                app.receive_all()
                code, out, err = app.finish()
            finally:
                app.close()
        self.assertEqual((code, out.strip()), (0, expected), err)


if __name__ == "__main__":
    unittest.main()
