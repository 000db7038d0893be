"""Reference graphs: the "graph" request and heapscope.refgraph (PROTOCOL.md, Graph)."""

import os
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree

import agenttest
from heapscope import _agent
from heapscope import _graph
from heapscope import _refs

HEAP = r'''
import sys

class Node:
    def __init__(self, name):
        self.name = name

class Slotted:
    __slots__ = ("item",)

class Holder:
    def __init__(self, target):
        self.target = target

class Keeper:
    def __init__(self, holder):
        self.holder = holder

class Outer:
    pass

class Mid:
    pass

class Leaf:
    pass

class Lone:
    pass

class Fan:
    pass

target = Node("target")
holder = Node("holder")
holder.child = target                   # attribute, inline values
slotted = Slotted()
slotted.item = target                   # attribute, __slots__
old = Node("old")
old.__dict__                            # a materialized __dict__
old.other = target                      # attribute, through the dict
table = {"the key": target}             # key
items = [0, 1, 2, target, target]       # index: one edge for two references

def make():
    captured = target
    def inner():
        return captured
    return inner

closure = make()                        # closure

class Kept:
    kept = target                       # class attribute

# module global -> Outer -> Mid -> Leaf
outer = Outer()
outer.note = "outer's own note"
outer.mid = Mid()
outer.mid.leaf = Leaf()

# 30 holders of one object, each held by a Keeper in a list of 30.
popular = Node("popular")
keepers = [Keeper(Holder(popular)) for _ in range(30)]
crowd = [Leaf() for _ in range(31)]

# module global -> dict -> list -> Lone: the path to a root.
registry = {"entry": [Lone()]}

first = Node("first")                   # a cycle
second = Node("second")
first.peer = second
second.peer = first

# Three objects with 700 referrers each (and no other): a graph of more than
# 2000 nodes.
crowds = [[[fan] for _ in range(700)] for fan in (Fan(), Fan(), Fan())]

def wait():
    local_value = target                # local of a running frame
    print("ready", flush=True)
    sys.stdin.readline()

wait()
'''

# Objects without weak references, shown in a graph, then dropped by the program.
DROPPING = r'''
import sys

class Pair:
    __slots__ = ("a", "b")
    def __init__(self, n):
        self.a = n
        self.b = [n]

kept = [Pair(n) for n in range(50)]
print("ready", flush=True)
sys.stdin.readline()
del kept[:]
print("dropped", flush=True)
sys.stdin.readline()
'''

SUMMARY_KEYS = {"handle", "type", "address", "flat", "text", "deep", "root", "explored",
                "more_referrers", "more_referents"}

# refgraph() in a script run by Heapscope.
PUSHING = r'''
import heapscope, os, sys

class Order:
    pass

order = Order()
basket = [order]
print(heapscope.refgraph(order), flush=True)
pair = [order, basket]
heapscope.refgraph(pair, direction="both", depth=1, filename="out.dot", label="mine")
heapscope.refgraph((order,), direction="referents", depth=0)
for bad in ({"direction": "sideways"}, {"depth": 21}, {"depth": "3"}):
    try:
        heapscope.refgraph(order, **bad)
    except ValueError:
        print("ValueError", flush=True)
try:
    heapscope.refgraph([])
except ValueError:
    print("ValueError", flush=True)
print(os.path.exists("out.dot"), flush=True)
'''

# refgraph() in a script run without Heapscope: a DOT file, names that need escaping.
OFFLINE = r'''
import sys, types
import heapscope

Evil = type('Evil"\\\n{<>}|\u00e9 \x01', (), {})
Evil.__qualname__ = 'Q\udc80"{<\n>}\\'
nasty = types.ModuleType('nasty\udc80"\\{<\n')
evil = Evil()
evil.note = 'a "quoted" \\ back\nslash {x} <b>'
box = [evil, evil]
nasty.held = evil
sys.modules[nasty.__name__] = nasty

def make():
    e = evil
    return lambda: e

clo = make()
print(heapscope.refgraph(evil, direction="both", filename=sys.argv[1]))
print(heapscope.refgraph(evil))
'''


class GraphTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-graph-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.next_id = 100

    def start(self, text=HEAP):
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(text)
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        hello = app.receive()
        self.assertIn("graph", hello["capabilities"])
        self.assertEqual(app.process.stdout.readline(), b"ready\n")
        return app

    def ask(self, app, message):
        self.next_id += 1
        app.send(dict(message, id=self.next_id))
        reply = app.receive()
        self.assertEqual(reply["id"], self.next_id, reply)
        if reply["type"] == "graph":
            self.check_graph(reply)
        return reply

    def check_graph(self, reply):
        """A well-formed graph with nothing of the agent's in it."""
        nodes = reply["nodes"]
        for node in nodes:
            self.assertEqual(set(node), SUMMARY_KEYS)
            self.assertIs(type(node["handle"]), int)
            for field in ("type", "text"):
                self.assertNotIn("heapscope", node[field], node)
                self.assertNotIn(agenttest.AGENT_DIR, node[field], node)
            self.assertFalse(node["type"].startswith("frame (codename: _"), node)
            self.assertIn(node["explored"], (0, 1, 2, 3))
        pairs = set()
        for source, target, edge in reply["edges"]:
            self.assertTrue(0 <= source < len(nodes) and 0 <= target < len(nodes))
            self.assertNotIn((source, target), pairs)
            pairs.add((source, target))
            if edge["kind"] == "key":
                # The handle table is a dict keyed by handles.
                self.assertFalse(edge["name"].isdigit(), edge)
        self.assertIs(type(reply["truncated"]), bool)

    def graph(self, app, handles, **options):
        reply = self.ask(app, dict({"type": "graph", "handles": handles}, **options))
        self.assertEqual(reply["type"], "graph", reply)
        return reply

    def find(self, app, type_name, text):
        reply = self.ask(app, {"type": "instances", "type_name": type_name, "limit": 1000})
        for entry in reply["objects"]:
            if text in entry["text"]:
                return entry["handle"]
        self.fail("no %s with %r" % (type_name, text))

    def named(self, reply, source, target):
        """The edge source -> target as (type of source, kind, name or index)."""
        for edge in reply["edges"]:
            if edge[0] == source and edge[1] == target:
                label = edge[2]
                return (reply["nodes"][source]["type"], label["kind"],
                        label.get("name", label.get("index")))
        return None

    def into(self, reply, node):
        """{(type, kind, name or index): source node} of the edges into `node`."""
        found = {}
        for source, target, label in reply["edges"]:
            if target == node:
                found[(reply["nodes"][source]["type"], label["kind"],
                       label.get("name", label.get("index")))] = source
        return found

    # -- the request --------------------------------------------------------------

    def test_edges_named_as_the_referrer_tree_names_them(self):
        app = self.start()
        target = self.find(app, "__main__.Node", "name='target'")
        reply = self.graph(app, [target], depth=1)
        nodes = reply["nodes"]
        self.assertEqual(nodes[0]["handle"], target)
        found = self.into(reply, 0)
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
        self.assertEqual(set(found), set(expected))
        for key, root in expected.items():
            self.assertEqual(nodes[found[key]]["root"], root, key)
        # Every edge of a depth-1 graph of referrers ends at the asked object;
        # nothing else (no dict between, no second edge from the list).
        self.assertEqual(len(reply["edges"]), len(expected))
        self.assertEqual(len(nodes), len(expected) + 1)
        self.assertEqual((nodes[0]["explored"], nodes[0]["more_referrers"],
                          nodes[0]["more_referents"]), (1, 0, 0))
        for node in nodes[1:]:
            self.assertEqual(node["explored"], 0)
        self.assertIsNone(reply["path"])
        self.assertFalse(reply["truncated"])
        # The very names, objects and handles of the "referrers" reply.
        tree = self.ask(app, {"type": "referrers", "handle": target, "limit": 100})
        self.assertEqual(sorted((e["handle"], sorted(e["edge"].items())) for e in tree["referrers"]),
                         sorted((nodes[s]["handle"], sorted(label.items()))
                                for s, t, label in reply["edges"]))
        # Deep sizes, in a small graph, but not of a module.
        self.assertGreaterEqual(nodes[0]["deep"], nodes[0]["flat"])
        self.assertIsNone(nodes[found[("module(__main__)", "global", "target")]]["deep"])

    def test_depth_and_roots(self):
        app = self.start()
        mid = self.find(app, "__main__.Mid", "")
        reply = self.graph(app, [mid], direction="referents", depth=1, hide=["type"])
        self.assertEqual([n["type"] for n in reply["nodes"]], ["__main__.Mid", "__main__.Leaf"])
        leaf = reply["nodes"][1]["handle"]
        chain = ["__main__.Leaf", "__main__.Mid", "__main__.Outer", "module(__main__)"]
        for depth in range(4):
            reply = self.graph(app, [leaf], depth=depth)
            self.assertEqual([n["type"] for n in reply["nodes"]], chain[:depth + 1], depth)
            self.assertEqual([n["explored"] for n in reply["nodes"]], [1] * depth + [0], depth)
            self.assertEqual(self.named(reply, 1, 0) if depth else None,
                             ("__main__.Mid", "attribute", "leaf") if depth else None)
        self.assertEqual(self.named(reply, 3, 2), ("module(__main__)", "global", "outer"))
        # The walk stops at the root: not one more node however deep it may go
        # (sys.modules, holding the module, would pull in every module).
        deeper = self.graph(app, [leaf], depth=20)
        self.assertEqual([n["type"] for n in deeper["nodes"]], chain)
        self.assertEqual(deeper["nodes"][3]["root"], "module")
        self.assertEqual(deeper["nodes"][3]["explored"], 0)

    def test_referents_and_both(self):
        app = self.start()
        outer = self.find(app, "__main__.Outer", "")
        mid = self.find(app, "__main__.Mid", "")
        reply = self.graph(app, [outer], direction="referents", depth=2, hide=["type"])
        self.assertEqual([n["type"] for n in reply["nodes"]],
                         ["__main__.Outer", "str", "__main__.Mid", "__main__.Leaf"])
        self.assertEqual(sorted(tuple(e[:2]) + (e[2]["name"],) for e in reply["edges"]),
                         [(0, 1, "note"), (0, 2, "mid"), (2, 3, "leaf")])
        self.assertEqual([n["explored"] for n in reply["nodes"]], [2, 2, 2, 0])
        # Both ways: the union of the walk up and the walk down. The Outer,
        # found upward, is not walked downward (its note is not in the graph).
        reply = self.graph(app, [mid], direction="both", depth=2, hide=["type"])
        types = {n["type"]: n for n in reply["nodes"]}
        self.assertEqual(set(types), {"__main__.Mid", "__main__.Outer", "module(__main__)",
                                      "__main__.Leaf"})
        self.assertEqual(reply["nodes"][0]["explored"], 3)
        self.assertEqual(types["__main__.Outer"]["explored"], 1)
        self.assertEqual(types["__main__.Leaf"]["explored"], 2)
        index = {n["type"]: i for i, n in enumerate(reply["nodes"])}
        self.assertEqual(self.named(reply, index["__main__.Outer"], 0),
                         ("__main__.Outer", "attribute", "mid"))
        self.assertEqual(self.named(reply, 0, index["__main__.Leaf"]),
                         ("__main__.Mid", "attribute", "leaf"))
        self.assertEqual(len(reply["edges"]), 3)
        # A cycle, both ways: each pair once.
        first = self.find(app, "__main__.Node", "name='first'")
        reply = self.graph(app, [first], direction="both", depth=3, hide=["type", "module"])
        self.assertEqual(sorted((e[0], e[1]) for e in reply["edges"]
                                if reply["nodes"][e[0]]["type"] == "__main__.Node"
                                and reply["nodes"][e[1]]["type"] == "__main__.Node"),
                         [(0, 1), (1, 0)])

    def test_too_many(self):
        app = self.start()
        popular = self.find(app, "__main__.Node", "name='popular'")
        reply = self.graph(app, [popular], depth=1, too_many=5, hide=["module"])
        self.assertEqual([n["type"] for n in reply["nodes"]],
                         ["__main__.Node"] + ["__main__.Holder"] * 5)
        self.assertEqual((reply["nodes"][0]["more_referrers"], reply["nodes"][0]["explored"]),
                         (25, 1))
        reply = self.graph(app, [popular], depth=1, too_many=5)      # and the module
        self.assertEqual(reply["nodes"][0]["more_referrers"], 26)
        reply = self.graph(app, [popular], depth=1, too_many=31)
        self.assertEqual((len(reply["nodes"]), reply["nodes"][0]["more_referrers"]), (32, 0))
        crowd = self.find(app, "list", "list of 31 items")
        reply = self.graph(app, [crowd], direction="referents", depth=1, too_many=5)
        self.assertEqual([n["type"] for n in reply["nodes"]], ["list"] + ["__main__.Leaf"] * 5)
        self.assertEqual([self.named(reply, 0, i)[2] for i in range(1, 6)], [0, 1, 2, 3, 4])
        self.assertEqual((reply["nodes"][0]["more_referents"],
                          reply["nodes"][0]["more_referrers"]), (26, 0))

    def test_hidden_types_are_neither_shown_nor_walked(self):
        app = self.start()
        popular = self.find(app, "__main__.Node", "name='popular'")
        reply = self.graph(app, [popular], depth=2, too_many=100)
        types = [n["type"] for n in reply["nodes"]]
        self.assertEqual((types.count("__main__.Holder"), types.count("__main__.Keeper")), (30, 30))
        reply = self.graph(app, [popular], depth=3, too_many=100, hide=["__main__.Holder"])
        self.assertEqual([n["type"] for n in reply["nodes"]], ["__main__.Node", "module(__main__)"])
        self.assertEqual(reply["nodes"][0]["more_referrers"], 0)      # nor counted
        # "function", "frame" and "module" hide every row of their kind; an
        # asked object is never hidden.
        target = self.find(app, "__main__.Node", "name='target'")
        reply = self.graph(app, [target], depth=1,
                           hide=["function", "frame", "module", "__main__.Node"])
        types = {n["type"] for n in reply["nodes"]}
        self.assertEqual(types, {"__main__.Node", "__main__.Slotted", "dict", "list", "type"})
        self.assertEqual(reply["nodes"][0]["more_referrers"], 0)
        reply = self.graph(app, [target], depth=1, hide=["function (inner)", "type"])
        types = {n["type"] for n in reply["nodes"]}
        self.assertNotIn("function (inner)", types)
        self.assertNotIn("type", types)
        self.assertIn("frame (codename: wait)", types)

    def test_max_nodes(self):
        app = self.start()
        popular = self.find(app, "__main__.Node", "name='popular'")
        reply = self.graph(app, [popular], depth=2, too_many=100)
        self.assertEqual((len(reply["nodes"]), reply["truncated"]), (62, False))
        reply = self.graph(app, [popular], depth=2, too_many=100, max_nodes=10)
        self.assertEqual((len(reply["nodes"]), reply["truncated"]), (10, True))
        self.assertEqual(reply["nodes"][0]["handle"], popular)

    def test_path_to_a_root(self):
        app = self.start()
        lone = self.find(app, "__main__.Lone", "")
        for depth in (0, 1, 3):
            reply = self.graph(app, [lone], depth=depth, path=True)
            nodes = reply["nodes"]
            path = reply["path"]
            self.assertEqual(path[0], 0)
            self.assertEqual([nodes[i]["type"] for i in path],
                             ["__main__.Lone", "list", "dict", "module(__main__)"])
            self.assertEqual(nodes[path[-1]]["root"], "module")
            self.assertEqual([self.named(reply, path[i + 1], path[i]) for i in range(3)],
                             [("list", "index", 0), ("dict", "key", "'entry'"),
                              ("module(__main__)", "global", "registry")])
            self.assertEqual(len(nodes), 4, depth)      # the walk found the same ones
        self.assertIsNone(self.graph(app, [lone], depth=1)["path"])
        # An object that is a root itself: its path is itself.
        module = self.graph(app, [lone], depth=0, path=True)["nodes"][3]["handle"]
        self.assertEqual(self.graph(app, [module], depth=0, path=True)["path"], [0])

    def test_several_objects_and_deep_sizes(self):
        app = self.start()
        fans = self.ask(app, {"type": "instances", "type_name": "__main__.Fan"})["objects"]
        handles = [entry["handle"] for entry in fans]
        reply = self.graph(app, handles + handles[:1], depth=1, too_many=1000)
        nodes = reply["nodes"]
        self.assertEqual([n["handle"] for n in nodes[:3]], handles)     # asked first, once
        self.assertEqual(len(nodes), 3 + 2100)
        self.assertEqual([n["more_referrers"] for n in nodes[:3]], [0, 0, 0])
        self.assertEqual([n["explored"] for n in nodes[:3]], [1, 1, 1])
        # A graph this large has no deep sizes; a small one has them.
        self.assertEqual({n["deep"] for n in nodes}, {None})
        reply = self.graph(app, handles, depth=1, too_many=10)
        self.assertEqual(len(reply["nodes"]), 33)
        for node in reply["nodes"]:
            self.assertGreaterEqual(node["deep"], node["flat"])

    def test_nothing_of_the_agent_appears(self):
        app = self.start()
        # A list the agent holds for the app (no weak references): the handle
        # table holding it is not its referrer.
        target = self.find(app, "__main__.Node", "name='target'")
        reply = self.graph(app, [target], depth=1)
        items = reply["nodes"][self.into(reply, 0)[("list", "index", 3)]]["handle"]
        reply = self.graph(app, [items], direction="both", depth=3, too_many=1000, path=True)
        self.assertEqual({self.named(reply, s, 0) for s, t, e in reply["edges"] if t == 0},
                         {("module(__main__)", "global", "items")})
        outer = self.find(app, "__main__.Outer", "")
        self.graph(app, [outer, items], direction="both", depth=4, too_many=1000)
        # Looking leaves the heap as it was: nothing the walk made is left
        # behind, for the census to count or for the main thread to free.
        before = self.ask(app, {"type": "census"})
        self.assertEqual(self.ask(app, {"type": "census"})["rows"], before["rows"])
        reply = self.graph(app, [outer], direction="both", depth=3, too_many=1000)
        app.send({"type": "release", "id": 1,
                  "handles": [node["handle"] for node in reply["nodes"][1:]]})
        self.assertEqual(self.ask(app, {"type": "census"})["rows"], before["rows"])
        self.assertEqual(self.ask(app, {"type": "census"})["rows"], before["rows"])

    def test_what_a_graph_shows_is_not_kept_alive(self):
        app = self.start(DROPPING)
        kept = self.find(app, "list", "list of 50 items")
        reply = self.graph(app, [kept], direction="referents", depth=2, too_many=100)
        self.assertEqual([n["type"] for n in reply["nodes"]].count("__main__.Pair"), 50)
        # The program drops them: the graph's handles hold them (a Pair has no
        # weak references), but no census counts them.
        app.process.stdin.write(b"\n")
        app.process.stdin.flush()
        self.assertEqual(app.process.stdout.readline(), b"dropped\n")
        rows = agenttest.rows_by_name(self.ask(app, {"type": "census"}))
        self.assertNotIn("__main__.Pair", rows)
        pair = [n for n in reply["nodes"] if n["type"] == "__main__.Pair"][0]
        self.assertEqual(self.graph(app, [pair["handle"]], depth=3)["nodes"][1:], [])
        app.send({"type": "release", "id": 1,
                  "handles": [node["handle"] for node in reply["nodes"]]})
        reply = self.ask(app, {"type": "graph", "handles": [pair["handle"]]})
        self.assertEqual((reply["type"], reply["code"]), ("error", "stale"))

    def test_stale_and_bad_requests(self):
        app = self.start()
        target = self.find(app, "__main__.Node", "name='target'")
        first = self.find(app, "__main__.Node", "name='first'")
        app.send({"type": "release", "id": 1, "handles": [target]})
        for handles in ([target], [first, target], [99999]):
            reply = self.ask(app, {"type": "graph", "handles": handles})
            self.assertEqual(reply, {"type": "error", "id": self.next_id, "code": "stale",
                                     "message": "this object no longer exists"})
        bad = [{"handles": []}, {"handles": first}, {"handles": [first] * 101},
               {"handles": [0]}, {"handles": ["1"]}, {"handles": [True]}, {"handles": [1.5]},
               {"handles": None}, {"direction": "up"}, {"direction": 1}, {"depth": -1},
               {"depth": 21}, {"depth": "3"}, {"too_many": 0}, {"too_many": 1001},
               {"hide": "function"}, {"hide": [1]}, {"hide": ["x"] * 101}, {"max_nodes": 0},
               {"max_nodes": 20001}, {"path": 1}, {"repr": "yes"}]
        messages = [{"type": "graph"}]
        for members in bad:
            messages.append(dict({"type": "graph", "handles": [first]}, **members))
        for message in messages:
            reply = self.ask(app, message)
            self.assertEqual((reply["type"], reply.get("code")), ("error", "bad-request"),
                             message)
        # Every member at its bounds, and the session goes on.
        reply = self.graph(app, [first] * 100, direction="both", depth=20, too_many=1,
                           hide=["x"] * 100, max_nodes=1, path=False, repr=True)
        self.assertEqual((len(reply["nodes"]), reply["truncated"]), (1, True))
        reply = self.graph(app, [first], depth=0, too_many=1000, max_nodes=20000, hide=None)
        self.assertEqual(len(reply["nodes"]), 1)

    # -- heapscope.refgraph ---------------------------------------------------------

    def test_refgraph_pushes_a_labelled_graph(self):
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(PUSHING)
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        app.process.stdin.close()
        messages = app.receive_all()
        self.assertEqual([m["type"] for m in messages],
                         ["hello", "graph", "graph", "graph", "census", "bye"])
        graphs = messages[1:4]
        for message in graphs:
            self.check_graph(message)
            self.assertEqual(message["id"], 0)
            self.assertEqual(message["nodes"][0]["type"], "__main__.Order")
        # The app writes the file: the name comes relative to the script's folder.
        self.assertEqual([(m["label"], m["filename"]) for m in graphs],
                         [("graph 1", None), ("mine", os.path.join(os.path.realpath(self.dir), "out.dot")),
                          ("graph 3", None)])
        # Walking up: the basket and the module, and the path to the root.
        first = graphs[0]
        self.assertEqual(set(self.into(first, 0)), {("list", "index", 0),
                                                    ("module(__main__)", "global", "order")})
        self.assertEqual([first["nodes"][i]["root"] for i in first["path"]][-1], "module")
        # Two objects asked: the list they came in is not a referrer, nor is
        # any frame of heapscope.refgraph.
        second = graphs[1]
        self.assertEqual([n["type"] for n in second["nodes"][:2]], ["__main__.Order", "list"])
        self.assertEqual(self.named(second, 1, 0), ("list", "index", 0))
        self.assertNotIn("list of 2 items", [n["text"] for n in second["nodes"]])
        self.assertEqual([n for n in second["nodes"] if n["type"].startswith("frame")], [])
        self.assertEqual(second["nodes"][0]["explored"], 3)
        self.assertEqual((len(graphs[2]["nodes"]), graphs[2]["edges"], graphs[2]["path"]),
                         (1, [], None))
        code, out, err = app.finish()
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(out, "None\n" + "ValueError\n" * 4 + "False\n")

    def test_refgraph_outside_heapscope_writes_dot(self):
        script = os.path.join(self.dir, "offline.py")
        with open(script, "w") as stream:
            stream.write(OFFLINE)
        dot = os.path.join(self.dir, "graph.dot")
        result = subprocess.run([agenttest.PYTHON, script, dot], cwd=self.dir,
                                env=agenttest.clean_env(PYTHONPATH=agenttest.AGENT_DIR),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual((result.returncode, result.stdout, result.stderr),
                         (0, b"None\nNone\n", b""))
        with open(dot, encoding="utf-8") as stream:
            text = stream.read()
        for label in ('"global evil"', '"index 0"', '"closure variable e"', '"attribute note"',
                      '"global held"', '"graph 1"'):
            self.assertIn(label, text)
        self.assertNotIn("heapscope", text)
        self.assertEqual(text.count(" -> "), len(set(line for line in text.splitlines()
                                                     if " -> " in line)))
        if shutil.which("dot") is None:
            self.skipTest("no Graphviz dot to parse the file with")
        result = subprocess.run(["dot", "-Tsvg", dot], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, timeout=120)
        self.assertEqual((result.returncode, result.stderr), (0, b""))
        svg = xml.etree.ElementTree.fromstring(result.stdout)
        lines = [element.text for element in svg.iter("{http://www.w3.org/2000/svg}text")]
        # The class's name as the census names it, every character shown as it is.
        self.assertIn('<class \'__main__.Q\\udc80"{<', lines)
        self.assertIn('>}\\\'>', lines)
        self.assertIn("module(nasty\\udc80\"\\{<", lines)
        self.assertIn("'a \"quoted\" \\\\ back\\nslash {x} <b>'", lines)


class ScanTest(unittest.TestCase):
    """The walk in this process: how many heap scans, cancelling."""

    def setUp(self):
        self.calls = []
        scan = _refs._scan

        def counting(ctx, targets):
            self.calls.append(len(targets))
            return scan(ctx, targets)
        _refs._scan = counting
        self.addCleanup(setattr, _refs, "_scan", scan)

    def context(self, poll=None):
        own, codes = _agent._package_objects()
        return _refs._context(own, codes, [], None, poll or (lambda: False), False)

    def walk(self, target, depth, poll=None):
        """{type name: nodes} of the graph of referrers around `target`, and the scans made."""
        del self.calls[:]
        ctx = self.context(poll)
        try:
            graph = _graph.build(_refs._scratch(ctx, [target]), ctx, _graph.REFERRERS, depth,
                                 100, None, _graph.NODES_MAX, False)
            counts = {}
            for obj in graph["objects"]:
                name = _refs.row_name(obj, ctx)
                counts[name] = counts.get(name, 0) + 1
            del graph, obj
            return counts, list(self.calls)
        finally:
            _refs.finish(ctx)
            ctx.clear()

    def test_one_scan_per_level(self):
        # (No comprehension names the targets: that would put them in cells.)
        target = Plain()
        fans = []
        for _ in range(50):
            holder = Plain(target)
            fans.append([[holder] for _ in range(20)])
        del holder
        name = __name__ + ".Plain"
        for depth, plain, lists, calls in ((1, 51, 0, [1]), (2, 51, 1000, [1, 50]),
                                           (3, 51, 1050, [1, 50, 1000])):
            counts, scans = self.walk(target, depth)
            self.assertEqual((counts[name], counts.get("list", 0)), (plain, lists), depth)
            self.assertEqual(scans, calls, depth)
        self.assertEqual(len(fans), 50)
        # Namespaces and cells: one more scan for all of them (and one for the
        # tuples holding the cells), whatever their number; the referrers of
        # each target named as they are when it is asked about alone.
        spread = Plain()
        targets = [spread]
        functions = []
        for _ in range(40):
            targets.append(Plain(spread))
            targets[-1].__dict__
            functions.append(_closure(spread))
        ctx = self.context()
        try:
            del self.calls[:]
            found = _refs.referrers_of(_refs._scratch(ctx, list(targets)), ctx, 100)
            self.assertEqual(self.calls, [41, 80, 40])
            for index in range(len(targets)):
                alone = _refs.referrers(targets[index], ctx, 100)
                self.assertEqual([(id(pair[0]), pair[1]) for pair in found[index][1]],
                                 [(id(pair[0]), pair[1]) for pair in alone[1]])
                self.assertEqual(found[index][0], alone[0])
            edges = [pair[1] for pair in found[0][1]]
            self.assertEqual(edges.count({"kind": "attribute", "name": "target"}), 40)
            self.assertEqual(edges.count({"kind": "closure", "name": "value"}), 40)
            self.assertEqual(found[1][1][0][1], {"kind": "index", "index": 1})
        finally:
            found = alone = None
            _refs.finish(ctx)
            ctx.clear()
        self.assertEqual(len(functions), 40)

    def test_cancelled_between_levels(self):
        polls = []

        def poll():
            polls.append(1)
            return len(polls) == 2
        target = Plain()
        chain = [target]
        for _ in range(10):
            chain = [chain]
        with self.assertRaises(_refs.Failure) as caught:
            self.walk(target, 10, poll)
        self.assertEqual(caught.exception.code, "cancelled")
        self.assertEqual((len(polls), len(self.calls)), (2, 1))
        self.assertEqual(len(self.walk(target, 10)[1]), 10)

    def test_dot_quoting(self):
        for text, quoted in (('a"b', '"a\\"b"'), ("a\\b", '"a\\\\b"'), ("a\nb", '"a\\nb"'),
                             ("{<x>}|", '"{<x>}|"'), ("\udc80", '"\\\\udc80"'),
                             ("\x01", '"\\\\x01"'), ("\u00e9", '"\u00e9"')):
            self.assertEqual(_graph._quote(text), quoted, text)


class Plain:
    def __init__(self, target=None):
        self.target = target


def _closure(value):
    def inner():
        return value
    return inner


if __name__ == "__main__":
    unittest.main()
