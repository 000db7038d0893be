"""The garbage watch: the "watch-garbage" request and the "garbage" pushes
(PROTOCOL.md, Garbage)."""

import os
import shutil
import subprocess
import tempfile
import time
import unittest

import agenttest
from heapscope import _garbage

# Every script starts so: the collector runs only when the script says so, and
# the garbage of the start-up is gone before the watch is turned on.
PRELUDE = r'''
import gc, os, sys, weakref
import heapscope
gc.disable()
gc.collect()

def say(*words):
    print(*words, flush=True)

def wait():
    sys.stdin.readline()

class Node:
    def __init__(self, name):
        self.name = name

def pairs(count, cls=Node):
    refs = []
    for index in range(count):
        a = cls("a%d" % index)
        b = cls("b%d" % index)
        a.peer = b
        b.peer = a
        refs.append(weakref.ref(a))
        refs.append(weakref.ref(b))
    return refs

def alive(cls):
    return sum(1 for obj in gc.get_objects() if type(obj) is cls)
'''

CYCLES = PRELUDE + r'''
sentinel = ["the program's own"]
gc.garbage.append(sentinel)             # an entry of the program's, before the watch
say("ready")
wait()                                  # the watch is on
refs = pairs(100)
found = gc.collect()
say(found, alive(Node), sum(ref() is not None for ref in refs),
    len(gc.garbage), gc.garbage[0] is sentinel, gc.get_debug(), heapscope.flatsize(Node("x")))
gc.collect()
say(alive(Node), len(gc.garbage), gc.get_debug())
wait()
'''

FINALIZERS = PRELUDE + r'''
class Closing:
    ran = 0
    def __init__(self, name):
        self.name = name
    def __del__(self):
        Closing.ran += 1

class Child(Closing):
    pass

say("ready")
wait()
pairs(30, Closing)
pairs(20, Child)
gc.collect()
gc.collect()
say(Closing.ran, alive(Closing) + alive(Child))
wait()
'''

SAVEALL_BY_PROGRAM = PRELUDE + r'''
class Marker:
    pass

say("ready")
wait()
gc.set_debug(gc.DEBUG_SAVEALL)
refs = pairs(100)
gc.collect()
kept = list(gc.garbage)
say(len(gc.garbage), all(type(obj) is Node for obj in gc.garbage), gc.get_debug())
gc.set_debug(gc.DEBUG_UNCOLLECTABLE)
marker = Marker()
marker.me = marker
del marker
gc.collect()                            # watched: the marker
say(len(gc.garbage), all(a is b for a, b in zip(gc.garbage, kept)), gc.get_debug())
wait()
'''

# A __del__ appends a live object of the program's to gc.garbage while the
# collection runs.
APPENDING = PRELUDE + r'''
keep = ["live", [1, 2]]

class Appender:
    def __del__(self):
        gc.garbage.append(keep)

say("ready")
wait()
appender = Appender()
appender.me = appender
del appender
pairs(5)
gc.collect()
say(len(gc.garbage), gc.garbage[0] is keep, keep == ["live", [1, 2]])
wait()
'''

# The program's __repr__ puts the agent's frame (of the thread running it) in a
# cycle with the program's object.
AGENT_FRAME = PRELUDE + r'''
class Sneaky:
    def __repr__(self):
        self.seen = sys._getframe(1)
        return "sneaky"

sneaky = Sneaky()
say("ready")
wait()
say(type(sneaky.seen).__name__, sneaky.seen.f_code.co_name)
del sneaky
gc.collect()
say("collected")
wait()
'''

OFF = PRELUDE + r'''
callbacks = len(gc.callbacks)
say("ready")
wait()
say(len(gc.callbacks) - callbacks)
pairs(10)
gc.collect()
say("first")
wait()                                  # the watch is off
say(len(gc.callbacks) - callbacks, gc.get_debug())
refs = pairs(10)
gc.collect()
say(alive(Node), len(gc.garbage))
wait()
'''

FLUSH = PRELUDE + r'''
say("ready")
wait()
pairs(10)
gc.collect()
say("first")
wait()
pairs(5)
gc.collect()
say("second")
wait()
'''

SHAPES = PRELUDE + r'''
class Box:
    pass

class Other:
    pass

say("ready")
wait()
box = Box()
box.table = {"the key": [box]}          # attribute, key, index
loop = []
loop.append(loop)                       # a list holding itself
big = [Other() for _ in range(60)]      # one cycle of 61 objects
for item in big:
    item.owner = big
kept = Node("kept")
kept.me = kept                          # alive: not garbage
named = Other()
setattr(named, "n" * 5000, named)       # a name longer than a wire string may be
del box, loop, big, item, named
gc.collect()
say("collected")
wait()
'''

MANY = PRELUDE + r'''
say("ready")
wait()
pairs(25001)                            # 50 002 objects: too many to count cycles
gc.collect()
say(alive(Node))
wait()
'''

CLASSES = PRELUDE + r'''
say("ready")
wait()
def made():
    return sum(1 for obj in gc.get_objects() if type(obj) is type and obj.__name__ == "Made")

cls = type("Made", (), {"count": 0})
instance = cls()
instance.me = instance
del cls, instance
gc.collect()
say(made(), len(gc.garbage))
gc.collect()                            # it is not found (nor reported) again
say("again")
wait()                                  # the watch is off
gc.collect()
say(made())
wait()
'''

CALLBACKS = PRELUDE + r'''
seen = []
def watcher(phase, info):
    seen.append((phase, gc.get_debug(), len(gc.garbage)))
gc.callbacks.append(watcher)
say("ready")
wait()
pairs(10)
gc.collect()
say(seen[-2:])
wait()
'''

ENDING = PRELUDE + r'''
callbacks = len(gc.callbacks)
say("ready")
wait()
say(len(gc.callbacks) - callbacks)
wait()                                  # the app said bye
refs = pairs(10)
gc.collect()
say(len(gc.callbacks) - callbacks, gc.get_debug(), len(gc.garbage), alive(Node))
'''

FORKED = PRELUDE + r'''
callbacks = len(gc.callbacks)
say("ready")
wait()
pid = os.fork()
if pid == 0:
    pairs(10)
    gc.collect()
    say("child", len(gc.callbacks) - callbacks, gc.get_debug(), len(gc.garbage), alive(Node))
    os._exit(0)
os.waitpid(pid, 0)
pairs(10)
gc.collect()
say("parent", alive(Node))
wait()
'''

LEGACY = PRELUDE + r'''
import _testcapi

@_testcapi.with_tp_del
class Legacy:
    def __init__(self):
        self.me = self
    def __tp_del__(self):
        pass

def make():
    legacy = Legacy()
    a = Node("a")
    b = Node("b")
    a.peer = b
    b.peer = a
    legacy.pair = a                     # reachable from a legacy finalizer
    return weakref.ref(a)

say("ready")
wait()
first = make()
gc.collect()
say(len(gc.garbage), type(gc.garbage[0]).__name__, first() is not None, gc.get_debug())
wait()
'''


class GarbageTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-garbage-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.next_id = 100

    def start(self, text, watch=True):
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(text)
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        app.pushed = []                 # garbage pushes met while waiting for a reply
        hello = app.receive()
        self.assertIn("garbage", hello["capabilities"])
        self.assertEqual(self.line(app), "ready")
        if watch:
            self.watch(app, True)
            self.step(app)
        return app

    def ask(self, app, message):
        self.next_id += 1
        app.send(dict(message, id=self.next_id))
        while True:
            reply = app.receive()
            if reply["id"] == self.next_id:
                return reply
            self.assertEqual(reply["type"], "garbage", reply)
            app.pushed.append(reply)

    def watch(self, app, on):
        reply = self.ask(app, {"type": "watch-garbage", "on": on})
        self.assertEqual(reply, {"type": "watch-garbage", "id": self.next_id, "on": on})

    def step(self, app):
        app.process.stdin.write(b"\n")
        app.process.stdin.flush()

    def line(self, app):
        return app.process.stdout.readline().decode().strip()

    def collections(self, app, count=1, timeout=30):
        """The collections pushed until `count` have come, checked."""
        found = []
        deadline = time.monotonic() + timeout
        while len(found) < count:
            if app.pushed:
                message = app.pushed.pop(0)
            else:
                message = app.receive(max(0.1, deadline - time.monotonic()))
            self.assertIsNotNone(message)
            self.assertEqual(message["type"], "garbage", message)
            self.check_message(message)
            found.extend(message["collections"])
        return found

    def check_message(self, message):
        self.assertEqual(set(message), {"type", "id", "time", "collections", "dropped", "cost"})
        self.assertEqual(message["id"], 0)
        self.assertGreaterEqual(message["cost"], 0.0)
        self.assertTrue(1 <= len(message["collections"]) <= _garbage.BUFFER_MAX)
        for collection in message["collections"]:
            self.assertEqual(set(collection), {"time", "generation", "objects", "bytes", "cycles",
                                               "with_del", "uncollectable", "cost", "types",
                                               "graphs"})
            self.assertIn(collection["generation"], (0, 1, 2))
            self.assertGreater(collection["objects"], 0)
            self.assertEqual(sum(row[1] for row in collection["types"]), collection["objects"])
            self.assertEqual(sum(row[2] for row in collection["types"]), collection["bytes"])
            self.assertEqual([row[2] for row in collection["types"]],
                             sorted((row[2] for row in collection["types"]), reverse=True))
            self.assertLessEqual(collection["time"], message["time"])
            self.assertLessEqual(len(collection["graphs"]), _garbage.GRAPHS_MAX)
            for row in collection["types"]:
                self.assertFalse(row[0].startswith("frame (codename: _"), row)
            for graph in collection["graphs"]:
                nodes = graph["nodes"]
                self.assertTrue(1 <= len(nodes) <= _garbage.GRAPH_NODES)
                for node in nodes:
                    self.assertEqual(set(node), {"type", "text", "flat", "has_del"})
                    self.assertLessEqual(len(node["text"]), _garbage.TEXT_CHARS + 1)
                pairs = set()
                for source, target, edge in graph["edges"]:
                    self.assertTrue(0 <= source < len(nodes) and 0 <= target < len(nodes))
                    self.assertNotIn((source, target), pairs)
                    pairs.add((source, target))
                    self.assertIn(edge["kind"], ("attribute", "key", "index", "closure",
                                                 "local", "global", "class-attribute",
                                                 "referent"))
                    self.assertLessEqual(len(edge.get("name", "")), _garbage.NAME_CHARS + 1)

    def types(self, collection):
        return {row[0]: (row[1], row[2]) for row in collection["types"]}

    def no_more_pushes(self, app):
        """Nothing is pushed before the reply to a request sent after two
        push intervals."""
        time.sleep(2.5 * _garbage.PUSH_INTERVAL)
        self.assertEqual(app.pushed, [])
        self.assertEqual(self.ask(app, {"type": "census"})["type"], "census")
        self.assertEqual(app.pushed, [])

    # -- what a collection frees ------------------------------------------------------

    def test_cycles_are_counted_and_freed(self):
        app = self.start(CYCLES)
        found, nodes, live_refs, garbage, sentinel, debug, flat = self.line(app).split()
        self.assertEqual(found, "200")          # gc.collect() says what it would have said
        # Freed as the collection ran: no Node left, weak references dead,
        # gc.garbage and the flags as the program left them.
        self.assertEqual((nodes, live_refs, garbage, sentinel, debug), ("0", "0", "1", "True", "0"))
        self.assertEqual(self.line(app), "0 1 0")
        collection, = self.collections(app)
        self.assertEqual(collection["generation"], 2)
        self.assertEqual(collection["objects"], 200)
        self.assertEqual(collection["cycles"], 100)
        self.assertEqual(collection["with_del"], 0)
        self.assertEqual(collection["uncollectable"], 0)
        self.assertEqual(self.types(collection), {"__main__.Node": (200, 200 * int(flat))})
        self.assertGreater(collection["cost"], 0.0)
        # 100 cycles of one kind: one graph.
        graph, = collection["graphs"]
        self.assertEqual([node["type"] for node in graph["nodes"]], ["__main__.Node"] * 2)
        self.assertEqual([node["flat"] for node in graph["nodes"]], [int(flat)] * 2)
        self.assertRegex(graph["nodes"][0]["text"], r"^__main__\.Node at 0x[0-9a-f]+ \(name='a\d+'")
        self.assertEqual(sorted(map(tuple, ((s, t, e["kind"], e["name"])
                                            for s, t, e in graph["edges"]))),
                         [(0, 1, "attribute", "peer"), (1, 0, "attribute", "peer")])

    def test_finalizers_run_once_and_are_counted(self):
        app = self.start(FINALIZERS)
        self.assertEqual(self.line(app), "100 0")       # each __del__ once, all freed
        collection, = self.collections(app)
        self.assertEqual(collection["objects"], 100)
        self.assertEqual(collection["with_del"], 100)   # __del__ found in a base too
        self.assertEqual(collection["cycles"], 50)
        self.assertEqual(set(self.types(collection)), {"__main__.Closing", "__main__.Child"})
        self.assertEqual(len(collection["graphs"]), 2)  # two kinds of cycle
        for graph in collection["graphs"]:
            self.assertEqual([node["has_del"] for node in graph["nodes"]], [True, True])

    def test_graphs_name_edges_as_the_graph_builder_does(self):
        app = self.start(SHAPES)
        self.assertEqual(self.line(app), "collected")
        collection, = self.collections(app)
        self.assertEqual(collection["cycles"], 4)
        found = self.types(collection)
        self.assertEqual(found["__main__.Other"][0], 61)
        self.assertEqual(found["list"][0], 3)           # [box], loop, big
        self.assertNotIn("__main__.Node", found)        # alive, in a cycle of its own
        self.assertEqual(len(collection["graphs"]), 4)
        graphs = {}
        for graph in collection["graphs"]:
            kinds = set(node["type"] for node in graph["nodes"])
            graphs["__main__.Box" if "__main__.Box" in kinds else
                   "named" if len(graph["nodes"]) == 1 and "__main__.Other" in kinds else
                   "__main__.Other" if "__main__.Other" in kinds else "list"] = graph
        self.assertEqual(set(graphs), {"__main__.Box", "list", "__main__.Other", "named"})
        edge = graphs["named"]["edges"][0]
        self.assertEqual(edge[:2], [0, 0])
        self.assertEqual(edge[2]["name"], "n" * _garbage.NAME_CHARS + "\u2026")

        box = graphs["__main__.Box"]
        named = {(box["nodes"][s]["type"], box["nodes"][t]["type"]): e for s, t, e in box["edges"]}
        self.assertEqual(named, {("__main__.Box", "dict"): {"kind": "attribute", "name": "table"},
                                 ("dict", "list"): {"kind": "key", "name": "'the key'"},
                                 ("list", "__main__.Box"): {"kind": "index", "index": 0}})
        loop = graphs["list"]
        self.assertEqual(len(loop["nodes"]), 1)
        self.assertEqual(loop["nodes"][0]["text"], "list of 1 item")
        self.assertEqual(loop["edges"], [[0, 0, {"kind": "index", "index": 0}]])
        # A cycle larger than a graph: its first 50 objects, breadth first.
        big = graphs["__main__.Other"]
        self.assertEqual(len(big["nodes"]), _garbage.GRAPH_NODES)
        self.assertNotEqual(big["nodes"][0]["type"], "dict")
        self.assertEqual(sorted(node["type"] for node in big["nodes"]),
                         ["__main__.Other"] * 49 + ["list"])
        labels = set()
        for source, target, edge in big["edges"]:
            labels.add((big["nodes"][source]["type"], big["nodes"][target]["type"], edge["kind"]))
            if edge["kind"] == "attribute":
                self.assertEqual(edge["name"], "owner")
        self.assertEqual(labels, {("__main__.Other", "list", "attribute"),
                                  ("list", "__main__.Other", "index")})

    def test_too_many_objects_to_count_cycles(self):
        app = self.start(MANY)
        self.assertEqual(self.line(app), "0")
        collection, = self.collections(app)
        self.assertEqual(collection["objects"], 50002)
        self.assertIsNone(collection["cycles"])
        self.assertEqual(collection["graphs"], [])
        self.assertEqual(self.types(collection)["__main__.Node"][0], 50002)

    def test_classes_are_held_until_the_watch_ends(self):
        # A class stays in a cycle through its __mro__: the watch holds it (a
        # collection would save it again), and the next collection after the
        # watch frees it.
        app = self.start(CLASSES)
        self.assertEqual(self.line(app), "1 0")
        self.assertEqual(self.line(app), "again")
        collection, = self.collections(app)
        self.assertEqual(self.types(collection)["__main__.Made"][0], 1)
        self.assertEqual(self.types(collection)["type"][0], 1)
        self.watch(app, False)
        self.assertEqual(app.pushed, [])            # reported once
        self.step(app)
        self.assertEqual(self.line(app), "0")

    @unittest.skipUnless(agenttest.subprocess.run(
        [agenttest.PYTHON, "-c", "import _testcapi"], capture_output=True).returncode == 0,
        "needs _testcapi")
    def test_legacy_finalizers_stay_in_gc_garbage(self):
        app = self.start(LEGACY)
        # As without the watch: the object with tp_del in gc.garbage, what it
        # refers to alive through it.
        self.assertEqual(self.line(app), "1 Legacy True 0")
        collection, = self.collections(app)
        self.assertEqual(collection["uncollectable"], 1)
        self.assertEqual(collection["objects"], 3)
        self.assertEqual(self.types(collection)["__main__.Node"][0], 2)

    # -- the program's own settings ------------------------------------------------------

    def test_debug_saveall_of_the_program_is_left_alone(self):
        app = self.start(SAVEALL_BY_PROGRAM)
        self.assertEqual(self.line(app), "200 True 32")
        self.assertEqual(self.line(app), "200 True 4")
        # Only the second collection is reported: its marker.
        collection, = self.collections(app)
        self.assertEqual(self.types(collection), {"__main__.Marker": (1, collection["bytes"])})

    def test_what_a_finalizer_puts_in_gc_garbage_stays(self):
        app = self.start(APPENDING)
        self.assertEqual(self.line(app), "1 True True")     # there, and not emptied
        collection, = self.collections(app)
        self.assertEqual(self.types(collection),
                         {"__main__.Appender": (1, collection["types"][-1][2]),
                          "__main__.Node": (10, collection["types"][0][2])})

    def test_the_program_callbacks_see_neither_flag_nor_entries(self):
        app = self.start(CALLBACKS)
        self.assertEqual(self.line(app), "[('start', 0, 0), ('stop', 0, 0)]")
        self.assertEqual(self.collections(app)[0]["objects"], 20)

    def test_the_agent_objects_never_appear(self):
        app = self.start(AGENT_FRAME, watch=False)
        self.watch(app, True)
        reply = self.ask(app, {"type": "instances", "type_name": "__main__.Sneaky",
                               "repr": True})
        self.assertEqual(reply["objects"][0]["text"], "sneaky")
        self.step(app)
        self.assertEqual(self.line(app), "frame _traced_repr")
        self.assertEqual(self.line(app), "collected")
        collection, = self.collections(app)
        # The program's object is there; the agent's frame (and what hangs
        # from it in the cycle) is not.
        found = self.types(collection)
        self.assertEqual(found["__main__.Sneaky"][0], 1)
        for name in found:
            self.assertFalse(name.startswith("frame"), name)
            self.assertNotIn("heapscope", name)
        for graph in collection["graphs"]:
            for node in graph["nodes"]:
                self.assertNotEqual(node["type"], "frame (codename: _traced_repr)")
                self.assertNotIn("heapscope", node["text"])

    # -- on, off, the session's end ----------------------------------------------------------

    def test_off_stops_the_watch(self):
        app = self.start(OFF)
        self.assertEqual(self.line(app), "2")           # two callbacks
        self.assertEqual(self.line(app), "first")
        self.assertEqual(self.collections(app)[0]["objects"], 20)
        self.watch(app, False)
        self.step(app)
        # The callbacks gone, the flags the program's; collections free as before.
        self.assertEqual(self.line(app), "0 0")
        self.assertEqual(self.line(app), "0 0")
        self.no_more_pushes(app)

    def test_off_pushes_what_was_seen(self):
        app = self.start(FLUSH)
        self.assertEqual(self.line(app), "first")
        self.assertEqual(self.collections(app)[0]["objects"], 20)
        # The next collection comes less than a push interval later: no push
        # is due, the off request sends it before its reply.
        self.step(app)
        self.assertEqual(self.line(app), "second")
        self.watch(app, False)
        self.assertEqual(len(app.pushed), 1)
        self.assertEqual(self.collections(app)[0]["objects"], 10)
        self.no_more_pushes(app)

    def test_bad_requests(self):
        app = self.start(OFF, watch=False)
        for message in ({}, {"on": "yes"}, {"on": 1}, {"on": None}):
            reply = self.ask(app, dict(message, type="watch-garbage"))
            self.assertEqual((reply["type"], reply["code"]), ("error", "bad-request"), message)
        self.step(app)
        self.assertEqual(self.line(app), "0")           # still off
        self.assertEqual(self.line(app), "first")
        self.no_more_pushes(app)

    def test_bye_ends_the_watch(self):
        app = self.start(ENDING)
        self.assertEqual(self.line(app), "2")
        app.send({"type": "bye", "id": 1})
        self.assertEqual(app.receive_all(), [])
        self.step(app)
        self.assertEqual(self.line(app), "0 0 0 0")
        self.assertEqual(app.finish()[0], 0)

    @unittest.skipUnless(hasattr(os, "fork"), "needs fork()")
    def test_a_forked_child_has_no_watch(self):
        app = self.start(FORKED)
        self.assertEqual(self.line(app), "child 0 0 0 0")
        self.assertEqual(self.line(app), "parent 0")
        self.assertEqual(self.collections(app)[0]["objects"], 20)


class BufferTest(unittest.TestCase):
    """The buffer, in this process: at most BUFFER_MAX collections, the others
    counted as dropped."""

    def setUp(self):
        import gc
        self.gc = gc
        self.enabled = gc.isenabled()
        gc.disable()
        gc.collect()
        self.addCleanup(self.restore)
        _garbage.start(set(), time.monotonic())

    def restore(self):
        _garbage.stop()
        if self.enabled:
            self.gc.enable()

    def test_dropped(self):
        from heapscope import _codec
        for _ in range(_garbage.BUFFER_MAX + 30):
            loop = []
            loop.append(loop)
            del loop
            self.gc.collect(0)
        self.assertTrue(_garbage.due(time.monotonic()))
        message = _codec.decode_payload(_garbage.take(time.monotonic()))
        self.assertEqual(len(message["collections"]), _garbage.BUFFER_MAX)
        self.assertEqual(message["dropped"], 30)
        self.assertGreater(message["cost"], 0.0)
        self.assertFalse(_garbage.due(time.monotonic()))
        self.assertIsNone(_garbage.take(time.monotonic()))
        self.assertEqual(self.gc.garbage, [])
        self.assertEqual(self.gc.get_debug(), 0)


if __name__ == "__main__":
    unittest.main()
