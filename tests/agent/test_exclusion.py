"""The agent never counts itself.

The sound comparison is with the same program run without the agent. A script
is run twice:

A. under the bootstrap with a real socket: the agent's final census, taken
   when the script's code ends;
B. as plain ``python script.py``: at its last line the script counts the heap
   itself with an independent walker (same definition of what is reachable,
   its own objects -- its frames, and the gc module it imported to count --
   excluded by identity), naming types with ``type.__repr__``.

If the agent left any trace of its own -- module, function, dict, frame,
code, socket, request or census temporary, registry key -- the two counts
differ. Then, from inside a running agent, censuses taken back to back (by a
request and by snapshot()) agree with each other: serving a request leaves
nothing behind.
"""

import ast
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import unittest

import agenttest

SCRIPT = r'''
import os
import ab_helper

class Thing:
    def __init__(self, i):
        self.i = i
        self.name = "thing-%d" % i
        self.pair = (float(i), float(i) + 0.5)

things = [Thing(i) for i in range(500)]
table = {str(i): (i, [i, -i]) for i in range(300)}
adders = [lambda y, x=x: x + y for x in range(20)]

def work(x):
    return [x] * 3

MARKER = "a constant only this script has, to find its parser arena"
# Both runs hold a path of the same length; only the plain run counts.
OUT = os.environ.get("HS_AB_OUT") or os.environ.get("HS_AB_XYZ")

if os.environ.get("HS_AB_OUT"):
    ab_helper.count(OUT, MARKER)
'''

HELPER = r'''
import sys


def _name(cls):
    text = type.__repr__(cls)
    if text.startswith("<class '") and text.endswith("'>"):
        return text[8:-2]
    return text


def _add(obj, counts):
    cls = type(obj)
    if cls is type(_add):
        key = "function"
    elif cls is type(sys):
        key = "module"
    elif cls is type(sys._getframe()):
        key = "frame"
    else:
        key = _name(cls)
    entry = counts.get(key)
    if entry is None:
        entry = counts[key] = [0, 0, not cls.__flags__ & (1 << 9)]
    entry[0] += 1
    entry[1] += sys.getsizeof(obj)


def _holds(items, marker):
    # (Not any(... for ...): a generator would capture marker in a cell,
    # made before the collector lists its objects.)
    for item in items:
        if item is marker:
            return True
    return False


def count(path, marker):
    import gc
    roots = gc.get_objects()
    # This counter's own objects: the gc module it imported, and its frames.
    module = sys.modules["gc"]
    own = {id(roots), id(module), id(module.__dict__)}
    # What belongs to the running script and is gone once it ends (where the
    # agent's census is taken): its module code and the function CPython 3.11+
    # wraps it in, and the parser's list of its tokens, which CPython keeps
    # until the main file ends (under the agent, compile() frees it at once).
    script_code = sys._getframe(1).f_code
    own.add(id(script_code))
    for obj in roots:
        if type(obj) is list and _holds(obj, marker):
            own.add(id(obj))
        elif type(obj) is type(_add) and obj.__code__ is script_code:
            own.add(id(obj))
    for value in module.__dict__.values():
        if type(value) is type(len) and getattr(value, "__self__", None) is module:
            own.add(id(value))
    spec = module.__dict__.get("__spec__")
    if spec is not None:
        own.add(id(spec))
        for ref in gc.get_referents(spec):
            if type(ref) is dict:
                own.add(id(ref))
    for key in sys.modules:
        if key == "gc":
            own.add(id(key))
    frame = sys._getframe()
    while frame is not None:
        own.add(id(frame))
        frame = frame.f_back
    counts = {}
    seen = set(own)
    keep = []
    for root in roots:
        if id(root) in own:
            continue
        _add(root, counts)
        stack = [root]
        while stack:
            for ref in gc.get_referents(stack.pop()):
                if gc.is_tracked(ref) or id(ref) in seen:
                    continue
                seen.add(id(ref))
                keep.append(ref)
                _add(ref, counts)
                stack.append(ref)
    with open(path, "w") as stream:
        stream.write(repr(counts))
'''


def _base_name(name):
    for prefix, base in (("function (", "function"), ("frame (codename: ", "frame"),
                         ("module(", "module")):
        if name.startswith(prefix):
            return base
    return name


class ExclusionTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-exclusion-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.script = os.path.join(self.dir, "ab_script.py")
        with open(self.script, "w") as stream:
            stream.write(SCRIPT)
        helper = os.path.join(self.dir, "ab_helper.py")
        with open(helper, "w") as stream:
            stream.write(HELPER)
        # Both runs load the helper from bytecode: compiling it would make
        # the interpreter build the ast classes (see heapscope._agent).
        py_compile.compile(helper, doraise=True)

    def run_with_agent(self):
        # An environment of the same shape as the plain run's, which has
        # HS_AB_OUT (os.environ holds its key and value as bytes).
        app = agenttest.FakeApp(self.script, cwd=self.dir,
                                env={"HS_AB_XYZ": self.out_path()})
        self.addCleanup(app.close)
        messages = app.receive_all()
        code, out, err = app.finish()
        self.assertEqual(code, 0, err)
        finals = [m for m in messages if m["type"] == "census" and m.get("final")]
        self.assertEqual(len(finals), 1)
        self.child_fd = app.child_fd
        return finals[0]

    def out_path(self):
        return os.path.join(self.dir, "counts.txt")

    def run_plain(self):
        if not hasattr(self, "child_fd"):
            self.run_with_agent()
        out_path = self.out_path()
        # The environment the script saw under the agent, which takes
        # HEAPSCOPE_FD out of it (os.environ and posix.environ alike).
        env = agenttest.clean_env(HS_AB_OUT=out_path)
        subprocess.run([agenttest.PYTHON, self.script], env=env, cwd=self.dir, check=True,
                       stdout=subprocess.DEVNULL)
        with open(out_path) as stream:
            return ast.literal_eval(stream.read())

    def test_agent_adds_nothing_to_the_census(self):
        census = self.run_with_agent()
        plain = self.run_plain()
        with_agent = {}
        for name, count, size in census["rows"]:
            entry = with_agent.setdefault(_base_name(name), [0, 0])
            entry[0] += count
            entry[1] += size
        self.assertFalse([name for name, _, _ in census["rows"] if "heapscope" in name])

        count_diff = {key: (with_agent.get(key, [0])[0], plain.get(key, [0])[0])
                      for key in set(with_agent) | set(plain)
                      if with_agent.get(key, [0])[0] != plain.get(key, [0])[0]}
        self.assertEqual(count_diff, {}, "object counts differ (with agent, without)")
        # Sizes too, for the builtin types (the agent charges instances of
        # classes their inline values; sys.getsizeof does not). Not for dict
        # and list: interpreter tables the agent's start-up added to --
        # sys.modules, the list of extension modules -- keep their larger
        # allocations, a few hundred bytes.
        # (Before 3.11 a code object also grows a cache once it has run 1024
        # times, and the agent's start-up runs some of the standard library's.)
        # (An int's size depends on its value, and a few values differ from run
        # to run: times, addresses. Their count must still be the same.)
        loose = ("dict", "list", "int") if sys.version_info >= (3, 11) else (
            "dict", "list", "int", "code")
        size_diff = {key: (with_agent[key][1], plain[key][1]) for key in with_agent
                     if key in plain and plain[key][2] and key not in loose
                     and with_agent[key][1] != plain[key][1]}
        self.assertEqual(size_diff, {}, "sizes differ (with agent, without)")
        for key in ("dict", "list", "int"):
            self.assertLess(abs(with_agent[key][1] - plain[key][1]), 1024, key)
        self.assertEqual(census["objects"], sum(entry[0] for entry in plain.values()))

    def test_counts_of_functions_dicts_frames_are_not_inflated(self):
        census = self.run_with_agent()
        plain = self.run_plain()
        for base in ("function", "dict", "frame", "code", "cell", "list", "tuple",
                     "builtin_function_or_method", "module", "type", "str"):
            agent_count = sum(count for name, count, _ in census["rows"]
                              if _base_name(name) == base)
            self.assertEqual(agent_count, plain.get(base, [0])[0], base)


class SteadyStateTest(unittest.TestCase):
    """Serving requests and snapshots leaves nothing behind in the program's heap."""

    def test_back_to_back_censuses_agree(self):
        script_dir = tempfile.mkdtemp(prefix="hs-steady-")
        self.addCleanup(shutil.rmtree, script_dir)
        script = os.path.join(script_dir, "steady.py")
        with open(script, "w") as stream:
            stream.write("import gc, sys, heapscope\n"
                         "data = [{'k': i} for i in range(1000)]\n"
                         "gc.collect()\n"
                         "gc.disable()  # no collection between the censuses\n"
                         "heapscope.snapshot('one')\n"
                         "heapscope.snapshot('two')\n"
                         "sys.stdin.readline()\n")
        app = agenttest.FakeApp(script, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        self.assertEqual(app.receive()["type"], "hello")
        first = app.receive()
        second = app.receive()
        self.assertEqual((first["label"], second["label"]), ("one", "two"))
        self.assertEqual(first["rows"], second["rows"])
        # A request served by the agent thread, while the script waits on stdin.
        app.send({"type": "census", "id": 5, "junk": [[1, 2], {"x": [3]}]})
        third = app.receive()
        app.send({"type": "census", "id": 6})
        fourth = app.receive()
        self.assertEqual((third["id"], fourth["id"]), (5, 6))
        self.assertEqual(third["rows"], fourth["rows"])
        app.process.stdin.write(b"\n")
        app.process.stdin.flush()
        final = app.receive()
        self.assertTrue(final["final"])
        self.assertEqual(app.finish()[0], 0)


if __name__ == "__main__":
    unittest.main()
