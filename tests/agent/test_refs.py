"""Why is it alive? Handles, instances, object, referrers, path, cancel (PROTOCOL.md)."""

import os
import shutil
import subprocess
import tempfile
import time
import unittest

import agenttest

HEAP = r'''
import sys

class Node:
    def __init__(self, name):
        self.name = name
        self.size = 3

class Slotted:
    __slots__ = ("item", "other")

class Kept:
    pass

class Leaf:
    pass

class Bag(list):
    pass

class Raising:
    def __repr__(self):
        raise ValueError("no repr for you")

class Slow:
    def __repr__(self):
        while True:
            pass

class Long:
    def __repr__(self):
        return "L" * 5000

class Marked:
    def __repr__(self):
        with open(sys.argv[1], "w") as stream:
            stream.write("repr ran")
        return "Marked()"

target = Node("target")

holder = Node("holder")
holder.child = target                   # attribute, inline values
slotted = Slotted()
slotted.item = target                   # attribute, __slots__
old = Node("old")
old.__dict__                            # a materialized __dict__
old.other = target                      # attribute, through the dict
table = {"the key": target}             # key
items = [0, 1, 2, target]               # index

def make():
    captured = target
    def inner():
        return captured
    return inner

closure = make()                        # closure

class Holder:
    kept = target                       # class attribute

# module global -> dict -> list -> Leaf, and nothing else holds the Leaf
registry = {"entry": [Leaf()]}

first = Node("first")                   # a cycle
second = Node("second")
first.peer = second
second.peer = first

bags = [Bag(range(n % 7)) for n in range(25)]
odd = [Raising(), Slow(), Long(), Marked()]

def wait():
    local_value = target                # local of a running frame
    print("ready", flush=True)
    sys.stdin.readline()

wait()
'''

CHAIN = r'''
import sys

class Leaf:
    pass

top = Leaf()
for _ in range(60000):
    top = [top]
print("ready", flush=True)
sys.stdin.readline()
'''


LOCAL = r'''
import sys
class Leaf:
    pass
def wait():
    kept = Leaf()
    print("ready", flush=True)
    sys.stdin.readline()            # the app has asked who holds the Leaf
    del kept
    print("dropped", flush=True)
    sys.stdin.readline()
wait()
'''


# Descriptions that never come back: a one-line loop (no new line for a line
# tracer to see), a loop that swallows the first interruption, a long C call.
STUCK = r'''
import os, sys, time

class Spin:
    def __repr__(self):
        while True: pass

class Stubborn:
    def __repr__(self):
        try:
            while True: pass
        except BaseException:
            pass
        while True: pass

class Sleepy:
    def __repr__(self):
        time.sleep(100)
        return "slept"

class Fine:
    def __repr__(self):
        return "Fine()"

kept = [Spin(), Stubborn(), Sleepy(), Fine()]
print("ready", flush=True)
sys.stdin.readline()
time.sleep(1.0)
# Threads still running: the abandoned reprs that could not be stopped.
print(len(os.listdir("/proc/self/task")) - 2, flush=True)
sys.stdin.readline()
print("done", flush=True)
'''


# Objects whose every hook records that it ran: with repr off, describing
# them (text, sizes, size tree, referents, referrers, path) must call none.
TRIPWIRES = r'''
import collections, sys, threading

CALLS = []


class Meta(type):
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

    def __repr__(self):
        CALLS.append("repr")
        return "Hooks()"

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
    def act(self):
        pass


class TripMapping(Hooks, metaclass=Meta):
    def keys(self):
        CALLS.append("keys")
        return []

    def items(self):
        CALLS.append("items")
        return []

    def values(self):
        CALLS.append("values")
        return []


target = "the target string"
error = TripError(target, 2)
error.note = target
point = TripPoint(target, 3)
number = TripInt(12345)
number.tag = target
table = {TripKey(): target}
bound = TripKey().act
view = type(type.__dict__)(TripMapping())


class Recording(dict):
    def __setitem__(self, key, value):
        CALLS.append("namespace setitem")
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        CALLS.append("namespace delitem")
        dict.__delitem__(self, key)


class Preparing(type):
    @classmethod
    def __prepare__(meta, name, bases):
        return Recording()


def other_thread():
    # A class body (with a __class__ cell) running in a namespace of the program's.
    class Custom(metaclass=Preparing):
        def method(self):
            return __class__
        entered.set()
        leave.wait()


entered = threading.Event()
leave = threading.Event()
threading.Thread(target=other_thread, daemon=True).start()
entered.wait()


class Parked:
    # A class body runs with its namespace as its locals: a key of the
    # program's own there, and the target, while the app asks.
    locals()[TripKey()] = 1
    kept = target
    del CALLS[:]
    print("ready", flush=True)
    sys.stdin.readline()
    print(sorted(set(CALLS)), flush=True)
'''


class RefsTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-refs-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.marker = os.path.join(self.dir, "marker")
        self.next_id = 100

    def start(self, text, env=None):
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(text)
        app = agenttest.FakeApp(path, self.marker, cwd=self.dir, stdin=subprocess.PIPE, env=env)
        self.addCleanup(app.close)
        hello = app.receive()
        self.assertEqual((hello["type"], hello["protocol"]), ("hello", 2))
        self.assertEqual(app.process.stdout.readline(), b"ready\n")
        return app

    def ask(self, app, message, timeout=30):
        self.next_id += 1
        message = dict(message, id=self.next_id)
        app.send(message)
        reply = app.receive(timeout)
        self.assertEqual(reply["id"], self.next_id, reply)
        self.check_clean(reply)
        return reply

    def check_clean(self, reply):
        """No object of the agent in a reply: no module, type, frame or table of it."""
        for entry in self.entries(reply):
            for field in ("type", "text"):
                text = entry[field]
                self.assertNotIn("heapscope", text, entry)
                self.assertNotIn(agenttest.AGENT_DIR, text, entry)
            self.assertFalse(entry["type"].startswith("frame (codename: _"), entry)
            edge = entry.get("edge")
            if edge is not None and edge["kind"] == "key":
                # The handle table is a dict keyed by handles.
                self.assertFalse(edge["name"].isdigit(), entry)

    def entries(self, reply):
        found = []
        if reply["type"] == "census":
            return found
        for key in ("objects", "referrers", "steps", "referents"):
            found.extend(reply.get(key, ()))
        if "object" in reply:
            found.append(reply["object"])
        for entry in found:
            self.assertEqual(set(entry) - {"edge", "root", "name", "deep", "basic", "item", "sizes"},
                             {"handle", "type", "address", "flat", "text"})
            self.assertIs(type(entry["handle"]), int)
            self.assertGreaterEqual(entry["handle"], 1)
            self.assertLessEqual(len(entry["text"]), 4096)
        return found

    def instances(self, app, type_name, **extra):
        message = {"type": "instances", "type_name": type_name, "offset": 0, "limit": 200}
        message.update(extra)
        reply = self.ask(app, message)
        self.assertEqual(reply["type"], "instances", reply)
        return reply

    def find(self, app, type_name, text):
        for entry in self.instances(app, type_name)["objects"]:
            if text in entry["text"]:
                return entry
        self.fail("no %s with %r" % (type_name, text))

    def referrers(self, app, handle):
        reply = self.ask(app, {"type": "referrers", "handle": handle, "limit": 100})
        self.assertEqual(reply["type"], "referrers", reply)
        self.assertEqual(reply["total"], len(reply["referrers"]))
        return reply["referrers"]

    def test_edges_of_every_kind(self):
        app = self.start(HEAP)
        target = self.find(app, "__main__.Node", "name='target'")
        found = {}
        for entry in self.referrers(app, target["handle"]):
            edge = entry["edge"]
            found[(entry["type"], edge["kind"], edge.get("name", edge.get("index")))] = entry
        expected = {
            ("__main__.Node", "attribute", "child"): None,
            ("__main__.Slotted", "attribute", "item"): None,
            ("__main__.Node", "attribute", "other"): None,
            ("dict", "key", "'the key'"): None,
            ("list", "index", 3): None,
            ("function (inner)", "closure", "captured"): None,
            ("frame (codename: wait)", "local", "local_value"): "frame",
            ("module(__main__)", "global", "target"): "module",
            ("type", "class-attribute", "kept"): "class",
        }
        for key, root in expected.items():
            self.assertIn(key, found)
            self.assertEqual(found[key]["root"], root, key)
        self.assertEqual(found[("module(__main__)", "global", "target")]["text"],
                         "module(__main__)")
        # A class, module or function is named: the app titles a class by it.
        names = dict((key, entry.get("name")) for key, entry in found.items())
        self.assertEqual(names[("type", "class-attribute", "kept")], "__main__.Holder")
        self.assertEqual(names[("module(__main__)", "global", "target")], "__main__")
        self.assertEqual(names[("function (inner)", "closure", "captured")], "__main__.make.<locals>.inner")
        self.assertIsNone(names[("dict", "key", "'the key'")])
        self.assertIsNone(names[("list", "index", 3)])
        # Nothing else: no dict in between, nothing of the agent's.
        self.assertEqual(len(found), len(expected), sorted(found))

    def test_same_object_same_handle_so_cycles_show(self):
        app = self.start(HEAP)
        first = self.find(app, "__main__.Node", "name='first'")
        second = self.find(app, "__main__.Node", "name='second'")
        again = self.find(app, "__main__.Node", "name='first'")
        self.assertEqual(first["handle"], again["handle"])
        up = [e for e in self.referrers(app, first["handle"]) if e["type"] == "__main__.Node"]
        self.assertEqual([(e["handle"], e["edge"]) for e in up],
                         [(second["handle"], {"kind": "attribute", "name": "peer"})])
        back = [e for e in self.referrers(app, second["handle"]) if e["type"] == "__main__.Node"]
        self.assertEqual([e["handle"] for e in back], [first["handle"]])

    def test_stale_handle_after_release(self):
        app = self.start(HEAP)
        target = self.find(app, "__main__.Node", "name='target'")
        reply = self.ask(app, {"type": "object", "handle": target["handle"]})
        self.assertEqual(reply["object"]["handle"], target["handle"])
        app.send({"type": "release", "id": 1, "handles": [target["handle"]]})
        for kind in ("object", "referrers", "path"):
            reply = self.ask(app, {"type": kind, "handle": target["handle"]})
            self.assertEqual(reply, {"type": "error", "id": self.next_id, "code": "stale",
                                     "message": "this object no longer exists"})
        for handle in (99999, 0):
            reply = self.ask(app, {"type": "object", "handle": handle})
            self.assertEqual(reply["type"], "error")
        # The same object later gets a new handle: handles are never reused.
        fresh = self.find(app, "__main__.Node", "name='target'")
        self.assertGreater(fresh["handle"], target["handle"])

    def test_inline_attributes_without_the_accelerators(self):
        # Another interpreter than the one the accelerators were built for:
        # inline values are read from memory, names and all.
        app = self.start(HEAP, env={"HEAPSCOPE_ACCEL": "0"})
        target = self.find(app, "__main__.Node", "name='target'")
        edges = {(e["type"], e["edge"]["kind"], e["edge"].get("name"))
                 for e in self.referrers(app, target["handle"])}
        self.assertIn(("__main__.Node", "attribute", "child"), edges)
        self.assertIn(("__main__.Slotted", "attribute", "item"), edges)

    def test_reading_a_frame_keeps_nothing_alive(self):
        # Before 3.13, frame.f_locals makes a dict that holds the locals it
        # saw: an object the frame drops would live on. Its slots are read.
        app = self.start(LOCAL)
        listing = self.instances(app, "__main__.Leaf")
        leaf = listing["objects"][0]
        found = [(e["type"], e["edge"], e["root"]) for e in self.referrers(app, leaf["handle"])]
        self.assertEqual(found, [("frame (codename: wait)", {"kind": "local", "name": "kept"}, "frame")])
        app.send({"type": "release", "id": 1, "handles": [leaf["handle"], listing["list"]]})
        app.process.stdin.write(b"\n")
        app.process.stdin.flush()
        self.assertEqual(app.process.stdout.readline(), b"dropped\n")
        self.assertEqual(self.instances(app, "__main__.Leaf")["total"], 0)

    def test_object_sizes_and_referents(self):
        app = self.start(HEAP)
        target = self.find(app, "__main__.Node", "name='target'")
        reply = self.ask(app, {"type": "object", "handle": target["handle"], "detail": 2})
        body = reply["object"]
        self.assertEqual((body["type"], body["address"], body["flat"]),
                         ("__main__.Node", target["address"], target["flat"]))
        self.assertGreater(body["basic"], 0)
        # The asized(detail=2) breakdown: the object, then its attributes by name.
        self.assertGreaterEqual(body["deep"], body["flat"])
        self.assertEqual(body["sizes"]["size"], body["deep"])
        self.assertEqual(body["sizes"]["flat"], body["flat"])
        self.assertIn("name", {child["name"] for child in body["sizes"]["refs"]})
        edges = {(e["type"], e["edge"]["kind"], e["edge"].get("name")) for e in reply["referents"]}
        self.assertIn(("str", "attribute", "name"), edges)
        self.assertIn(("int", "attribute", "size"), edges)
        self.assertEqual(reply["total"], len(reply["referents"]))

    def test_path_to_root_on_a_known_chain(self):
        app = self.start(HEAP)
        leaf = self.instances(app, "__main__.Leaf")["objects"][0]
        reply = self.ask(app, {"type": "path", "handle": leaf["handle"]})
        self.assertTrue(reply["found"])
        steps = [(s["type"], s["edge"], s["root"]) for s in reply["steps"]]
        self.assertEqual(steps, [
            ("list", {"kind": "index", "index": 0}, None),
            ("dict", {"kind": "key", "name": "'entry'"}, None),
            ("module(__main__)", {"kind": "global", "name": "registry"}, "module")])
        # The referrer shown first is the one the path starts from.
        up = self.referrers(app, leaf["handle"])
        self.assertEqual([e["handle"] for e in up], [reply["steps"][0]["handle"]])
        # A path from a local of a running frame ends at the frame.
        target = self.find(app, "__main__.Node", "name='target'")
        reply = self.ask(app, {"type": "path", "handle": target["handle"]})
        self.assertEqual(len(reply["steps"]), 1)
        self.assertIn(reply["steps"][0]["root"], ("frame", "module"))

    def test_instances_like_the_census_paged_and_ordered(self):
        app = self.start(HEAP)
        totals = {}
        names = ("__main__.Node", "__main__.Bag", "list", "function (make)", "dict", "tuple")
        for name in names:
            totals[name] = self.instances(app, name, limit=0)["total"]
        # A census taken after the lists were pinned counts the same objects:
        # neither counts the agent's lists nor leaves them out of the other.
        rows = agenttest.rows_by_name(self.ask(app, {"type": "census"}))
        for name in names[:4]:
            self.assertEqual(totals[name], rows[name][0], name)
        for name in names[4:]:          # the agent's small lasting state aside
            self.assertLessEqual(abs(totals[name] - rows[name][0]), 3, name)
        pages = []
        offset = 0
        handle = None
        while True:
            message = {"offset": offset, "limit": 7}
            if handle is not None:
                message["list"] = handle
            reply = self.instances(app, "__main__.Bag", **message)
            self.assertEqual((reply["total"], reply["offset"]), (25, offset))
            handle = reply["list"]
            if not reply["objects"]:
                break
            pages.extend(reply["objects"])
            offset += 7
        self.assertEqual(len(pages), 25)
        self.assertEqual(len({p["handle"] for p in pages}), 25)
        keys = [(-p["flat"], p["address"]) for p in pages]
        self.assertEqual(keys, sorted(keys))
        self.assertGreater(pages[0]["flat"], pages[-1]["flat"])
        self.assertEqual(sum(p["flat"] for p in pages), rows["__main__.Bag"][1])
        app.send({"type": "release", "id": 2, "handles": [handle]})
        reply = self.ask(app, {"type": "instances", "list": handle, "offset": 0, "limit": 5})
        self.assertEqual((reply["type"], reply["code"]), ("error", "stale"))
        reply = self.ask(app, {"type": "instances", "type_name": "__main__.Bag", "order": "size"})
        self.assertEqual((reply["type"], reply["code"]), ("error", "bad-request"))

    def test_repr_is_guarded(self):
        app = self.start(HEAP)
        texts = {}
        for name in ("Raising", "Slow", "Long", "Marked"):
            reply = self.instances(app, "__main__." + name)
            texts[name] = reply["objects"][0]["text"]
            self.assertTrue(texts[name].startswith("__main__.%s at 0x" % name), texts[name])
        self.assertFalse(os.path.exists(self.marker))      # repr is off by default
        started = time.monotonic()
        for name in ("Raising", "Slow", "Long", "Marked"):
            reply = self.instances(app, "__main__." + name, repr=True)
            texts[name] = reply["objects"][0]["text"]
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(texts["Raising"], "<repr raised ValueError>")
        self.assertEqual(texts["Slow"], "<description timed out>")
        self.assertEqual(texts["Long"], "L" * 200 + "\u2026")
        self.assertEqual(texts["Marked"], "Marked()")
        self.assertTrue(os.path.exists(self.marker))
        # The agent goes on serving.
        self.find(app, "__main__.Node", "name='target'")

    def test_a_description_that_never_returns_is_abandoned(self):
        app = self.start(STUCK)
        for name in ("Spin", "Stubborn", "Sleepy"):
            started = time.monotonic()
            reply = self.instances(app, "__main__." + name, repr=True)
            self.assertEqual(reply["objects"][0]["text"], "<description timed out>", name)
            self.assertLess(time.monotonic() - started, 5, name)
        # The agent goes on, describing with repr too.
        reply = self.instances(app, "__main__.Fine", repr=True)
        self.assertEqual(reply["objects"][0]["text"], "Fine()")
        # The loop was stopped. The sleep (one C call) goes on in its thread,
        # and so does the loop that caught the stop: abandoned, not stopped.
        app.process.stdin.write(b"\n")
        app.process.stdin.flush()
        self.assertEqual(app.process.stdout.readline(), b"2\n")
        # And the script ends at once.
        started = time.monotonic()
        app.process.stdin.write(b"\n")
        app.process.stdin.flush()
        code, out, err = app.finish(timeout=30)
        self.assertEqual((code, out, err), (0, "done\n", ""))
        self.assertLess(time.monotonic() - started, 10)

    def test_describing_runs_no_code_of_the_program(self):
        app = self.start(TRIPWIRES)
        handles = []
        holders = set()
        for name in ("TripError", "TripPoint", "TripInt", "TripKey", "TripMapping"):
            objects = self.instances(app, "__main__." + name)["objects"]
            self.assertTrue(objects, name)
            for entry in objects:
                handles.append(entry["handle"])
                for referrer in self.referrers(app, entry["handle"]):
                    if referrer["type"] in ("dict", "mappingproxy"):
                        holders.add(referrer["type"])
                        handles.append(referrer["handle"])
        self.assertEqual(holders, {"dict", "mappingproxy"})
        target = None
        for handle in handles:
            reply = self.ask(app, {"type": "object", "handle": handle, "detail": 3})
            self.assertEqual(reply["type"], "object", reply)
            self.assertIsNotNone(reply["object"]["sizes"], reply)
            self.assertIsNotNone(reply["object"]["deep"], reply)
            for entry in reply["referents"]:
                if entry["text"] == "'the target string'":
                    target = entry["handle"]
            for kind in ("referrers", "path"):
                self.assertEqual(self.ask(app, {"type": kind, "handle": handle})["type"], kind)
        self.assertIsNotNone(target)
        # A bound method says what it calls and on what.
        methods = [entry["text"] for entry in self.instances(app, "method")["objects"]]
        self.assertTrue(any(text.startswith("method TripKey.act of __main__.TripKey at 0x")
                            for text in methods), methods)
        kinds = {e["type"] for e in self.referrers(app, target)}
        self.assertLessEqual({"frame (codename: Parked)", "__main__.TripPoint"}, kinds)
        self.ask(app, {"type": "path", "handle": target})
        app.process.stdin.write(b"\n")
        app.process.stdin.flush()
        self.assertEqual(app.process.stdout.readline(), b"[]\n")

    def test_cancel(self):
        app = self.start(CHAIN)
        leaf = self.instances(app, "__main__.Leaf")["objects"][0]
        started = time.monotonic()
        app.send({"type": "path", "id": 50, "handle": leaf["handle"]})
        app.send({"type": "object", "id": 51, "handle": leaf["handle"]})
        time.sleep(0.5)
        app.send({"type": "cancel", "id": 52, "request": 51})     # queued behind the path
        app.send({"type": "cancel", "id": 53, "request": 50})     # running
        first = app.receive(20)
        self.assertEqual((first["type"], first["id"], first["code"]), ("error", 50, "cancelled"))
        second = app.receive(20)
        self.assertEqual((second["type"], second["id"], second["code"]),
                         ("error", 51, "cancelled"))
        self.assertLess(time.monotonic() - started, 10)
        # The session goes on; a cancel for a finished request changes nothing.
        reply = self.ask(app, {"type": "object", "handle": leaf["handle"]})
        self.assertEqual(reply["type"], "object")
        app.send({"type": "cancel", "id": 54, "request": self.next_id})
        reply = self.ask(app, {"type": "object", "handle": leaf["handle"]})
        self.assertEqual(reply["type"], "object")


if __name__ == "__main__":
    unittest.main()
