"""Retained sizes and the dominator tree: "dominators" and "retained" (PROTOCOL.md)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import agenttest

# Hand-built graphs of Nodes (slots: each reference is an edge of its own),
# each node's name a str of its own. Globals hold the entries; a garbage
# cycle stays (the collector is off); a running frame holds a large object.
# The first line out describes every node alive, for the brute force.
GRAPHS = r'''
import gc, json, random, sys, weakref
gc.disable()

class Node:
    __slots__ = ("a", "b", "c", "name", "__weakref__")

def describe(alive):
    nodes = []
    for node in alive:
        refs = [id(getattr(node, slot)) for slot in ("a", "b", "c") if getattr(node, slot) is not None]
        nodes.append({"id": id(node), "size": sys.getsizeof(node), "label": node.name,
                      "name": id(node.name), "name_size": sys.getsizeof(node.name), "refs": refs})
    return nodes

def build():
    made = []
    def make(label):
        node = Node()
        node.a = node.b = node.c = None
        node.name = "%s-%d" % (label, len(made) * 7919)     # made here: the node's alone
        made.append(node)
        return node
    top, left, right, bottom = make("top"), make("left"), make("right"), make("bottom")
    top.a, top.b = left, right                               # a diamond
    left.a = bottom
    right.a = bottom
    chain = [make("chain") for _ in range(4)]               # a chain
    for i in range(3):
        chain[i].a = chain[i + 1]
    ring = [make("ring") for _ in range(3)]                 # a cycle, entered at ring[0]
    ring[0].a, ring[1].a, ring[2].a = ring[1], ring[2], ring[0]
    one, two, child, grandchild = make("one"), make("two"), make("child"), make("grandchild")
    one.a = child                                           # a child shared by two entries
    two.a = child
    child.a = grandchild
    rnd = random.Random(7)
    mesh = [make("mesh") for _ in range(40)]                 # 40 nodes, random references
    for node in mesh:
        for slot in ("a", "b", "c"):
            if rnd.random() < 0.4:
                setattr(node, slot, rnd.choice(mesh))
    lost = [make("lost"), make("lost")]                     # garbage: a cycle nobody holds
    lost[0].a, lost[1].a = lost[1], lost[0]
    entries = {"diamond": top, "chain": chain[0], "ring": ring[0], "one": one, "two": two,
               "mesh_a": mesh[0], "mesh_b": mesh[17], "mesh_c": mesh[33]}
    globals().update(entries)
    return [weakref.ref(node) for node in made], [id(node) for node in entries.values()]

refs, entries = build()
alive = [ref() for ref in refs]
alive = [node for node in alive if node is not None]       # the others freed at once
print(json.dumps({"entries": entries, "nodes": describe(alive)}), flush=True)
del refs, alive, entries

def wait():
    local_big = Node()                                      # held by a running frame only
    local_big.a = bytes(3000000)
    local_big.b = local_big.c = None
    local_big.name = "local"
    print("ready", flush=True)
    sys.stdin.readline()

wait()
'''

# What deleting `owner` frees, by tracemalloc. See test_retained_is_what_deleting_frees.
FREED = r'''
import gc, json, sys, time, tracemalloc
tracemalloc.start()

def alone():
    # No other thread runs until the switch interval is put back: one already
    # waiting for the interpreter takes its turn in the sleep, not later.
    switch = sys.getswitchinterval()
    sys.setswitchinterval(60)
    time.sleep(0.001)
    return switch

def traced():
    tracemalloc.get_traced_memory()             # leaves its result tuple in the free list,
    return tracemalloc.get_traced_memory()[0]   # so each reading is taken with it there

class Item:
    __slots__ = ("label", "blob", "small", "ratio", "partner", "__weakref__")
    def __init__(self, i):
        self.label = "item-%d" % i
        self.blob = bytes(100 + i)
        self.small = i + 1000                   # one digit, made by arithmetic
        self.ratio = i / 7.0
        self.partner = None

class Point:                                    # attributes in inline values (3.11+)
    def __init__(self, i):
        self.x = float(i) + 0.5
        self.y = "y-%d" % i
        self.z = [i * 3 + 2000]

class Owner:
    __slots__ = ("items", "table", "pairs", "points", "keyed", "__weakref__")
    def __init__(self):
        self.items = [Item(i) for i in range(50)]
        for i in range(0, 50, 2):               # cycles: freed by the collector
            self.items[i].partner = self.items[i + 1]
            self.items[i + 1].partner = self.items[i]
        self.table = {(i, "t"): bytearray(64) for i in range(20)}
        self.pairs = [(float(i) + 0.25, "p-%d" % i) for i in range(30)]
        self.points = [Point(i) for i in range(20)]
        self.keyed = {"key-%d" % i: i for i in range(20)}

mature = [Point(i) for i in range(40)]          # see the test: the class is not young any more
switch = alone()
gc.collect()            # a full collection empties the free lists of blocks made before tracemalloc
owner = Owner()
sys.setswitchinterval(switch)
shared = owner.items[7]                         # held from outside: not the owner's alone

# What the test adds to the retained size: the one-digit ints made by arithmetic
# (items' small, points' z), and the str keys of `keyed` if tp_traverse skips them.
referents = gc.get_referents(owner.keyed)
hidden = [key for key in owner.keyed if not any(key is ref for ref in referents)]
del referents
print(json.dumps({"medium_ints": 48 + 20, "hidden_keys": sum(sys.getsizeof(key) for key in hidden),
                  "int_basicsize": int.__basicsize__, "int_itemsize": int.__itemsize__}), flush=True)
del hidden
gc.collect()
print("ready", flush=True)
sys.stdin.readline()
switch = alone()
gc.collect()
before = traced()
before = traced()                               # read with an int like `before` alive, as `after` is
del owner
gc.collect()                                    # frees the cycles, and empties the free lists again
after = traced()
sys.setswitchinterval(switch)
print(before - after, flush=True)
sys.stdin.readline()
'''

# Lists, dicts and tuples (no weak references: a handle holds them) under one
# holder; `victim` is dropped by the program while the app holds its handle.
HELD = r'''
import gc, sys

class Holder:
    pass

holder = Holder()
holder.rows = [[i, "row-%d" % i, (i, "x" * (i % 50))] for i in range(300)]
holder.index = {i: [i] * (i % 7) for i in range(200)}
holder.victim = [bytes(50000)]
gc.collect()                    # the start-up's garbage, not to be freed between two requests
print("ready", flush=True)
sys.stdin.readline()
del holder.victim
print("dropped", flush=True)
sys.stdin.readline()
'''

# A heap that grows when told to: a thousand leaves and one sprout each time.
GROWING = r'''
import gc, sys

class Leaf:
    pass

class Sprout:
    pass

leaves = [Leaf() for _ in range(100)]
sprouts = []
gc.collect()                    # the start-up's garbage, not to be freed between two requests
print("ready", flush=True)
while sys.stdin.readline().strip() == "grow":
    leaves.extend([Leaf() for _ in range(1000)])
    sprouts.append(Sprout())
    print("grown", flush=True)
'''

# Holders of blobs: three hold 1 KB, 10 KB and 100 KB alone, the sharer 1 MB
# a global holds too, a lost one 200 KB in a garbage cycle (the collector is
# off); "grow" makes one more, of 50 KB.
HOLDERS = r'''
import gc, sys

class Holder:
    pass

def holder(name, blob):
    made = Holder()
    made.name = name
    made.blob = blob
    return made

gc.collect()                    # the start-up's garbage, not to be freed between two requests
gc.disable()
shared = bytes(1000000)
holders = [holder("small", bytes(1000)), holder("sharer", shared), holder("large", bytes(100000)),
           holder("medium", bytes(10000))]
lost = holder("lost", bytes(200000))
lost.cycle = lost
del lost
print("ready", flush=True)
while sys.stdin.readline().strip() == "grow":
    holders.append(holder("newer", bytes(50000)))
    print("grown", flush=True)
'''


def brute_force(description):
    """Dominators among the described objects, from the entries, by removal:
    (reached, strictly dominated set of each object, immediate dominator or None)."""
    succ = {}
    size = {}
    for node in description["nodes"]:
        succ[node["id"]] = [node["name"]] + node["refs"]
        succ[node["name"]] = []
        size[node["id"]] = node["size"]
        size[node["name"]] = node["name_size"]
    roots = description["entries"]

    def reach(removed):
        seen = set()
        stack = [root for root in roots if root != removed]
        while stack:
            vertex = stack.pop()
            if vertex not in seen:
                seen.add(vertex)
                stack.extend(w for w in succ[vertex] if w != removed)
        return seen

    reached = reach(None)
    dominated = {x: reached - reach(x) - {x} for x in reached}
    idom = {}
    for y in reached:
        dominators = [x for x in reached if y in dominated[x]]
        idom[y] = None
        for x in dominators:                 # the one all the others dominate
            if all(other == x or x in dominated[other] for other in dominators):
                idom[y] = x
    return reached, dominated, idom, size


class RetainedTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-retained-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.next_id = 100

    def start(self, text, env=None, first_line=False):
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(text)
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE, env=env)
        self.addCleanup(app.close)
        hello = app.receive()
        self.assertEqual(hello["type"], "hello")
        app.hello = hello
        app.first = json.loads(app.process.stdout.readline()) if first_line else None
        self.assertEqual(app.process.stdout.readline(), b"ready\n")
        self.quiet_census(app)
        return app

    def say(self, app, line, answer):
        app.process.stdin.write(line.encode() + b"\n")
        app.process.stdin.flush()
        self.assertEqual(app.process.stdout.readline().decode().strip(), answer)

    def ask(self, app, message, timeout=60):
        self.next_id += 1
        message = dict(message, id=self.next_id)
        app.send(message)
        reply = app.receive(timeout)
        self.assertEqual(reply["id"], self.next_id, reply)
        if reply["type"] != "error":
            self.check(reply)
        return reply

    def check(self, reply):
        """The reply's shape, and no object of the agent in it."""
        if reply["type"] not in ("dominators", "retained"):
            return
        for key in ("total_objects", "total_bytes", "unreachable_objects", "unreachable_bytes"):
            self.assertIs(type(reply[key]), int)
            self.assertGreaterEqual(reply[key], 0)
        self.assertIs(type(reply["computed_at"]), float)
        self.assertIs(type(reply["elapsed"]), float)
        if reply["type"] == "retained":
            return
        self.assertEqual(reply["retained"] is None, reply["retained_count"] is None)
        previous = None
        for entry in reply["objects"]:
            self.assertEqual(set(entry) - {"stale", "edge"}, {"handle", "type", "address", "flat", "text",
                                                              "retained", "retained_count"})
            if "edge" in entry:
                self.assertIsNotNone(reply["handle"])          # the root holds nothing by a name
                self.assertIn(entry["edge"]["kind"], ("global", "attribute", "key", "dict-key", "index",
                                                      "class-attribute", "member", "local", "referent"))
            self.assertNotIn("stale", entry)
            for field in ("type", "text"):
                self.assertNotIn("heapscope", entry[field], entry)
                self.assertNotIn(agenttest.AGENT_DIR, entry[field], entry)
            self.assertFalse(entry["type"].startswith("frame (codename: _"), entry)
            # An object's own bytes are part of what it retains.
            self.assertGreaterEqual(entry["retained"], entry["flat"])
            self.assertGreaterEqual(entry["retained_count"], 1)
            if previous is not None:
                self.assertGreaterEqual(previous, entry["retained"])     # largest first
            previous = entry["retained"]

    def dominators(self, app, handle, **extra):
        message = {"type": "dominators", "handle": handle, "offset": 0, "limit": 1000}
        message.update(extra)
        reply = self.ask(app, message)
        self.assertEqual(reply["type"], "dominators", reply)
        self.assertLessEqual(len(reply["objects"]), reply["total"])
        return reply

    def retained(self, app, handles, **extra):
        message = {"type": "retained", "handles": handles}
        message.update(extra)
        reply = self.ask(app, message)
        self.assertEqual(reply["type"], "retained", reply)
        self.assertEqual([entry["handle"] for entry in reply["objects"]], handles)
        return reply

    def handles_of(self, app, type_name):
        reply = self.ask(app, {"type": "instances", "type_name": type_name, "limit": 1000})
        self.assertEqual(reply["type"], "instances", reply)
        return {entry["address"]: entry["handle"] for entry in reply["objects"]}

    def census(self, app):
        reply = self.ask(app, {"type": "census"})
        self.assertEqual(reply["type"], "census")
        return reply

    def quiet_census(self, app):
        """A census of the heap at rest. The script's thread, just after it
        printed the line the test waits for, is still on its way to the read it
        then blocks in (a bound method, an I/O buffer), the more so on a busy
        machine: two censuses in a row must count the same."""
        census = self.census(app)
        for _ in range(100):
            again = self.census(app)
            if (again["objects"], again["bytes"]) == (census["objects"], census["bytes"]):
                return again
            census = again
        self.fail("the script's heap did not come to rest")

    def assert_census_totals(self, census, reply):
        """The tree counts the census's objects, with the census's sizes."""
        self.assertEqual((reply["total_objects"] + reply["unreachable_objects"],
                          reply["total_bytes"] + reply["unreachable_bytes"]),
                         (census["objects"], census["bytes"]))

    # -- the tree ------------------------------------------------------------------

    def test_hand_built_graphs_match_brute_force(self):
        app = self.start(GRAPHS, first_line=True)
        self.assertIn("dominators", app.hello["capabilities"])
        description = app.first
        reached, dominated, idom, size = brute_force(description)
        handles = self.handles_of(app, "__main__.Node")
        described = {node["id"] for node in description["nodes"]}
        known = described | {node["name"] for node in description["nodes"]}
        self.assertTrue(described <= set(handles))
        kinds = {}
        for node in description["nodes"]:
            kinds[node["label"].split("-")[0]] = True
        self.assertEqual(set(kinds), {"top", "left", "right", "bottom", "chain", "ring", "one",
                                      "two", "child", "grandchild", "mesh", "lost"})

        # Each described node: its dominatees among the described objects, its
        # retained size and count, as the brute force says.
        checked = 0
        for node in description["nodes"]:
            address = node["id"]
            reply = self.dominators(app, handles[address])
            if address not in reached:
                # Garbage not collected yet: in the census, outside the tree.
                self.assertIsNone(reply["retained"], node)
                self.assertEqual((reply["total"], reply["objects"]), (0, []))
                continue
            children = {entry["address"] for entry in reply["objects"]} & known
            self.assertEqual(children, {y for y in reached if idom[y] == address}, node["label"])
            self.assertEqual(reply["retained"], size[address] + sum(size[y] for y in dominated[address]),
                             node["label"])
            self.assertEqual(reply["retained_count"], 1 + len(dominated[address]), node["label"])
            self.assertEqual(reply["retained"],
                             node["size"] + sum(entry["retained"] for entry in reply["objects"]))
            checked += 1
        self.assertGreater(checked, 20)

        # The same from "retained", for every node at once.
        order = [node["id"] for node in description["nodes"]]
        reply = self.retained(app, [handles[address] for address in order])
        self.assertEqual(reply["elapsed"], 0.0)                 # the tree was kept
        for address, entry in zip(order, reply["objects"]):
            if address in reached:
                self.assertEqual(entry["retained"], size[address] + sum(size[y] for y in dominated[address]))
                self.assertEqual(entry["retained_count"], 1 + len(dominated[address]))
            else:
                self.assertEqual((entry["retained"], entry["retained_count"]), (None, None))
        # Nodes in cycles no entry reaches (the lost pair, and any in the mesh),
        # with their names: unreachable, counted there.
        lost = [node for node in description["nodes"] if node["id"] not in reached]
        self.assertGreaterEqual(len(lost), 2)
        self.assertGreaterEqual(reply["unreachable_objects"], 2 * len(lost))
        self.assertGreaterEqual(reply["unreachable_bytes"],
                                sum(node["size"] + node["name_size"] for node in lost))

        # The entries are held by the module: none is dominated by a node.
        for address in description["entries"]:
            self.assertIsNone(idom[address])

        # What only a running frame holds hangs from the root: the 3 MB local.
        root = self.dominators(app, None, limit=100)
        self.assertEqual(root["retained"], root["total_bytes"])
        self.assertEqual(root["retained_count"], root["total_objects"])
        big = [entry for entry in root["objects"] if entry["type"] == "__main__.Node"
               and entry["retained"] >= 3000000]
        self.assertEqual(len(big), 1, [(e["type"], e["retained"]) for e in root["objects"]])
        self.assertIn("name='local'", big[0]["text"])
        # A module's globals say whose they are.
        dicts = [entry for entry in root["objects"] if entry["type"] == "dict"
                 and entry["text"].startswith("globals of module __main__, ")]
        self.assertEqual(len(dicts), 1, [entry["text"] for entry in root["objects"]])
        self.assertTrue(dicts[0]["text"].endswith(" items"))
        # Each row says how the one above holds it, where it does itself: the
        # diamond's top as a global, its sides as attributes; not the bottom,
        # which the top holds only through both sides.
        held = self.dominators(app, dicts[0]["handle"])
        self.assertNotIn("edge", dicts[0])
        top = [entry for entry in held["objects"] if entry.get("edge") == {"kind": "global", "name": "diamond"}]
        self.assertEqual(len(top), 1, held["objects"])
        below = {entry["text"].split("name='")[1].split("-")[0]: entry.get("edge")
                 for entry in self.dominators(app, top[0]["handle"])["objects"]
                 if entry["type"] == "__main__.Node"}
        self.assertEqual(below, {"left": {"kind": "attribute", "name": "a"},
                                 "right": {"kind": "attribute", "name": "b"}, "bottom": None})
        self.assert_census_totals(self.census(app), root)

    def test_pages(self):
        app = self.start(GRAPHS, first_line=True)
        whole = self.dominators(app, None, limit=1000)
        self.assertGreater(whole["total"], 100)
        first = self.dominators(app, None, offset=0, limit=40)
        second = self.dominators(app, None, offset=40, limit=40)
        self.assertEqual((first["total"], second["total"], second["offset"]),
                         (whole["total"], whole["total"], 40))
        self.assertEqual([e["address"] for e in first["objects"] + second["objects"]],
                         [e["address"] for e in whole["objects"][:80]])
        past = self.dominators(app, None, offset=whole["total"], limit=10)
        self.assertEqual(past["objects"], [])
        empty = self.dominators(app, None, limit=0)
        self.assertEqual((empty["objects"], empty["total"]), ([], whole["total"]))

    # -- instances in retained order ----------------------------------------------------------

    def holders(self, app, **extra):
        """HOLDERS's holders in retained order: [(name, entry)], in the order given."""
        message = {"type": "instances", "type_name": "__main__.Holder", "order": "retained",
                   "offset": 0, "limit": 100}
        message.update(extra)
        reply = self.ask(app, message)
        self.assertEqual((reply["type"], reply["order"]), ("instances", "retained"), reply)
        found = []
        for entry in reply["objects"]:
            self.assertIn("retained", entry)
            self.assertNotIn("deep", entry)
            found.append((entry["text"].split("name='")[1].split("'")[0], entry))
        return reply, found

    def test_instances_in_retained_order(self):
        app = self.start(HOLDERS)
        reply, found = self.holders(app)
        self.assertEqual([name for name, entry in found], ["large", "medium", "small", "sharer", "lost"])
        sizes = {name: entry["retained"] for name, entry in found}
        # Each holds its blob alone (a bytes of n bytes takes 33 more), and the
        # same besides; the sharer holds only itself; the lost one is outside
        # the tree.
        self.assertEqual(sizes["large"] - sizes["medium"], 90000)
        self.assertEqual(sizes["medium"] - sizes["small"], 9000)
        self.assertGreater(sizes["small"], 1000 + 33)
        self.assertLess(sizes["sharer"], 1000)
        self.assertIsNone(sizes["lost"])
        # What a "retained" request says of each, from the tree kept.
        handles = [entry["handle"] for name, entry in found]
        said = self.retained(app, handles)
        self.assertEqual(said["elapsed"], 0.0)
        self.assertEqual([entry["retained"] for entry in said["objects"]],
                         [entry["retained"] for name, entry in found])
        # The list's later pages give the sizes it was sorted by.
        first = self.holders(app, limit=2)[0]
        second = self.ask(app, {"type": "instances", "list": first["list"], "offset": 2, "limit": 2})
        self.assertEqual([entry["retained"] for entry in first["objects"] + second["objects"]],
                         [entry["retained"] for name, entry in found[:4]])
        self.assertEqual(second["order"], "retained")
        # Deep order puts the sharer first: what it refers to, not what it holds alone.
        if "sizes" in app.hello["capabilities"]:
            deep = self.ask(app, {"type": "instances", "type_name": "__main__.Holder", "order": "deep"})
            self.assertIn("name='sharer'", deep["objects"][0]["text"])
            self.assertNotIn("retained", deep["objects"][0])

    def test_instances_of_a_heap_changed_since_the_tree(self):
        app = self.start(HOLDERS)
        before = self.holders(app)[1]
        kept = self.retained(app, [before[0][1]["handle"]])
        self.assertEqual(kept["elapsed"], 0.0)
        # A holder made since, no census: the kept tree does not know it, and
        # is computed again for the list.
        self.say(app, "grow", "grown")
        found = self.holders(app)[1]
        self.assertEqual([name for name, entry in found],
                         ["large", "newer", "medium", "small", "sharer", "lost"])
        sizes = {name: entry["retained"] for name, entry in found}
        self.assertEqual(sizes["newer"] - sizes["medium"], 40000)
        again = self.retained(app, [entry["handle"] for name, entry in found])
        self.assertEqual(again["elapsed"], 0.0)
        self.assertGreater(again["computed_at"], kept["computed_at"])
        self.assertEqual([entry["retained"] for entry in again["objects"]], [sizes[name] for name, entry in found])

    # -- retained size against freed memory ----------------------------------------------------

    def test_retained_is_what_deleting_frees(self):
        """The retained size is what deleting the object frees, as tracemalloc
        sees it, to the byte, once three known differences are added; each one
        is a byte count of objects the test builds on purpose:

        - An int of one digit made by arithmetic comes from CPython's fast path,
          which allocates sizeof (PyLongObject), the digit padded to a pointer's
          alignment (32 bytes on 64-bit), where int.__sizeof__ says 28 (its
          basicsize and one itemsize): 4 bytes more per such int.
        - The str keys of a dict whose keys are all str: CPython's dict_traverse
          does not visit them (a str cannot be in a cycle), so neither the census
          nor the tree, which both follow tp_traverse, ever counts a key only a
          dict holds; the dict's going frees them.
        - The inline values of an instance made while its class was young: on
          3.11 and 3.12 every new instance takes one slot less until one is
          left, and the census charges what a new instance gets now. `mature`
          makes 40 instances first: every Point measured has that size.

        Nothing else differs: the flat size is sys.getsizeof (GC header and
        pre-header included), which is what each object asked the allocator for
        (tracemalloc counts requested sizes, not the allocator's rounding), plus
        the instance's values array. The measurement itself: a full collection
        first empties CPython's free lists, so that no block made before
        tracemalloc started is reused untraced, and the one after the deletion
        frees into the allocator what the owner's death put in them; both
        readings of the traced total are taken with one result tuple in the
        tuple free list and one int of the reading alive; and the agent thread
        (waking every half second to look at its link) does not run meanwhile.
        """
        app = self.start(FREED, first_line=True)
        known = app.first
        handles = self.handles_of(app, "__main__.Owner")
        self.assertEqual(len(handles), 1)
        owner = list(handles.values())[0]
        reply = self.retained(app, [owner])
        retained = reply["objects"][0]["retained"]
        count = reply["objects"][0]["retained_count"]
        # The owner and: items list, 48 items (not the shared one and its
        # partner), each with label, blob, small, ratio; table dict, 20 tuple
        # keys (each with its str "t" shared: not counted) and 20 bytearrays;
        # pairs list, 30 tuples, 30 floats, 30 strs; points list, 20 Points,
        # each x, y, z and z's int; keyed dict and its 20 small ints... which
        # are cached (-5..256 are the interpreter's): not the owner's.
        self.assertEqual(count, 1 + 1 + 48 * 5 + 1 + 20 + 20 + 1 + 30 * 3 + 1 + 20 * 5 + 1)
        padding = -(known["int_basicsize"] + known["int_itemsize"]) % 8
        expected = retained + known["medium_ints"] * padding + known["hidden_keys"]
        app.process.stdin.write(b"\n")
        app.process.stdin.flush()
        freed = int(app.process.stdout.readline())
        self.assertEqual(freed, expected,
                         "retained %d, known differences %d" % (retained, expected - retained))

    # -- the agent's holds change nothing ------------------------------------------------------

    def test_agent_holds_change_nothing(self):
        app = self.start(HELD)
        census = self.census(app)
        holder = list(self.handles_of(app, "__main__.Holder").values())[0]
        before = self.dominators(app, holder)
        self.assert_census_totals(census, before)
        victim = [entry for entry in before["objects"] if is_victim(entry)]
        self.assertEqual(len(victim), 1)
        victim = victim[0]["handle"]

        # Hold hundreds of lists, dicts and tuples (no weak references: held
        # strongly), and each of the holder's dominatees: nothing moves.
        held = []
        for type_name in ("list", "dict", "tuple"):
            held.extend(self.handles_of(app, type_name).values())
        for entry in before["objects"]:
            held.extend(e["handle"] for e in self.dominators(app, entry["handle"])["objects"])
        self.assertGreater(len(held), 500)
        after = self.dominators(app, holder, refresh=True)
        self.assertGreater(after["elapsed"], 0.0)
        self.assertGreater(after["computed_at"], before["computed_at"])
        self.assertEqual([(e["address"], e["retained"], e["retained_count"]) for e in after["objects"]],
                         [(e["address"], e["retained"], e["retained_count"]) for e in before["objects"]])
        self.assertEqual((after["retained"], after["retained_count"]),
                         (before["retained"], before["retained_count"]))
        self.assert_census_totals(self.census(app), after)

        # The program drops the victim; the app still holds it: it is neither in
        # the tree nor unreachable, and the holder retains less.
        self.say(app, "drop", "dropped")
        census = self.quiet_census(app)
        reply = self.retained(app, [victim, holder])
        self.assertGreater(reply["elapsed"], 0.0)               # the census dropped the old tree
        self.assertEqual(reply["objects"][0]["retained"], None)
        self.assertEqual(reply["objects"][1]["retained"], before["retained"] - victim_size(before))
        self.assert_census_totals(census, reply)
        root = self.dominators(app, None, limit=1000)
        self.assertNotIn(victim, [entry["handle"] for entry in root["objects"]])

    # -- the kept tree --------------------------------------------------------------------------

    def test_tree_is_kept_until_the_heap_changes(self):
        app = self.start(GROWING)
        first = self.dominators(app, None, limit=10)
        self.assertGreater(first["elapsed"], 0.0)
        again = self.dominators(app, None, limit=10)
        self.assertEqual((again["elapsed"], again["computed_at"]), (0.0, first["computed_at"]))
        # A census of the same heap keeps it.
        census = self.census(app)
        self.assert_census_totals(census, first)
        kept = self.dominators(app, None, limit=10)
        self.assertEqual((kept["elapsed"], kept["computed_at"]), (0.0, first["computed_at"]))
        # A census of another heap drops it.
        self.say(app, "grow", "grown")
        census = self.quiet_census(app)
        fresh = self.dominators(app, None, limit=10)
        self.assertGreater(fresh["elapsed"], 0.0)
        self.assertGreater(fresh["computed_at"], first["computed_at"])
        self.assertGreaterEqual(fresh["total_objects"], first["total_objects"] + 1001)
        self.assert_census_totals(census, fresh)
        old_sprout = list(self.handles_of(app, "__main__.Sprout").values())
        kept = self.retained(app, old_sprout)
        self.assertEqual(kept["elapsed"], 0.0)
        # Without a census: an object the kept tree does not know (the second
        # sprout, made since) has it computed again.
        self.say(app, "grow", "grown")
        sprouts = list(self.handles_of(app, "__main__.Sprout").values())
        self.assertEqual(len(sprouts), 2)
        reply = self.retained(app, sprouts)
        self.assertGreater(reply["elapsed"], 0.0)
        self.assertGreater(reply["computed_at"], fresh["computed_at"])
        self.assertGreaterEqual(reply["total_objects"], fresh["total_objects"] + 1001)
        for entry in reply["objects"]:
            self.assertEqual(entry["retained_count"], 1)        # a Sprout holds nothing
            self.assertGreater(entry["retained"], 0)
        # Computed again with nothing of the first answer left to count.
        self.assert_census_totals(self.census(app), reply)
        # "refresh" computes it again.
        forced = self.retained(app, sprouts[:1], refresh=True)
        self.assertGreater(forced["elapsed"], 0.0)
        self.assertGreater(forced["computed_at"], reply["computed_at"])

    # -- cancel, errors ---------------------------------------------------------------------------

    def test_cancel(self):
        app = self.start(GROWING)
        # Both frames at once: the cancel is there when the agent first looks.
        app.send_raw(agenttest._codec.json_frame({"type": "dominators", "id": 50, "handle": None,
                                                 "refresh": True})
                     + agenttest._codec.json_frame({"type": "cancel", "id": 51, "request": 50}))
        reply = app.receive()
        self.assertEqual((reply["type"], reply["id"], reply["code"]), ("error", 50, "cancelled"))
        # The session goes on.
        reply = self.dominators(app, None, limit=5)
        self.assertEqual(len(reply["objects"]), 5)

    def test_bad_requests(self):
        app = self.start(GROWING)
        leaf = list(self.handles_of(app, "__main__.Leaf").values())[0]
        cases = [
            ({"type": "dominators", "handle": 999999}, "stale"),
            ({"type": "dominators", "handle": "17"}, "bad-request"),
            ({"type": "dominators", "handle": 0}, "bad-request"),
            ({"type": "dominators", "handle": None, "offset": -1}, "bad-request"),
            ({"type": "dominators", "handle": None, "limit": 1001}, "bad-request"),
            ({"type": "dominators", "handle": None, "refresh": 1}, "bad-request"),
            ({"type": "retained"}, "bad-request"),
            ({"type": "retained", "handles": []}, "bad-request"),
            ({"type": "retained", "handles": [leaf, "x"]}, "bad-request"),
            ({"type": "retained", "handles": [leaf] * 1001}, "bad-request"),
            ({"type": "retained", "handles": [leaf, 999999]}, "stale"),
            ({"type": "retained", "handles": [leaf], "refresh": "yes"}, "bad-request"),
        ]
        for message, code in cases:
            reply = self.ask(app, message)
            self.assertEqual((reply["type"], reply["code"]), ("error", code), message)
            self.assertTrue(reply["message"])

    def test_unsupported_without_the_accelerator(self):
        app = self.start(GROWING, env={"HEAPSCOPE_ACCEL": "0"})
        self.assertNotIn("dominators", app.hello["capabilities"])
        for message in ({"type": "dominators", "handle": None}, {"type": "retained", "handles": [1]},
                        {"type": "instances", "type_name": "__main__.Leaf", "order": "retained"}):
            reply = self.ask(app, message)
            self.assertEqual((reply["type"], reply["code"]), ("error", "unsupported"))


def is_victim(entry):
    """HELD's victim: a list and its 50 000 bytes."""
    return entry["type"] == "list" and entry["retained_count"] == 2 and entry["retained"] > 50000


def victim_size(reply):
    return [entry for entry in reply["objects"] if is_victim(entry)][0]["retained"]


if __name__ == "__main__":
    unittest.main()
