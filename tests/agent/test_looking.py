"""Looking does not change the heap: what the app lists and shows is neither
kept alive for it nor counted in the program's census (PROTOCOL.md, Handles)."""

import gc
import os
import shutil
import subprocess
import tempfile
import unittest

import agenttest
from heapscope import _census
from heapscope import _refs

# A program that keeps its newest 1000 Foo and 1000 Bar and makes new ones all
# the time: never more than 1000 of each alive at an instruction boundary (the
# oldest goes before the next is made). A Bar has no weak references. A line
# on stdin asks it to say when it has made 2000 more of each.
CHURN = r'''
import collections, select, sys, time

class Foo:
    def __init__(self, n):
        self.n = n
        self.tags = [n]

class Bar:
    __slots__ = ("n", "tags")
    def __init__(self, n):
        self.n = n
        self.tags = [n]

CAP = 1000
foos = collections.deque(maxlen=CAP)
bars = collections.deque(maxlen=CAP)
made = 0

def make():
    global made
    if len(foos) == CAP:
        foos.popleft()
    foos.append(Foo(made))
    if len(bars) == CAP:
        bars.popleft()
    bars.append(Bar(made))
    made += 1

for _ in range(CAP):
    make()
print("ready", flush=True)
mark = None
while True:
    for _ in range(100):
        make()
    if mark is not None and made >= mark + 2 * CAP:
        print("churned", flush=True)
        mark = None
    if select.select([sys.stdin], [], [], 0)[0]:
        if not sys.stdin.readline():
            break
        mark = made
    time.sleep(0.001)
'''

# The demo's shop in small: a bounded window of recent orders, each with line
# items (__slots__, no weak references) holding lists, one in a cycle. The
# app lists and shows them; the program then drops every one of them and
# takes a census itself, where it stands (one line on stdin: one more).
ORDERS = r'''
import collections, gc, sys
import heapscope

class LineItem:
    __slots__ = ("sku", "quantity", "tags")
    def __init__(self, sku, quantity):
        self.sku = sku
        self.quantity = quantity
        self.tags = ["sku-%d" % sku, [quantity]]

class Order:
    def __init__(self, number):
        self.number = number
        self.items = [LineItem(number * 10 + k, k + 1) for k in range(3)]
        self.items[0].tags.append(self.items[0])        # a cycle
        self.notes = []
        self.customer = {"name": "customer %d" % (number % 7)}

recent = collections.deque(maxlen=300)
made = 0

def take(count):
    global made
    for _ in range(count):
        recent.append(Order(made))
        made += 1

take(300)
gc.collect()
gc.disable()        # the dropped cycles stay, as uncollected garbage does
print("ready", flush=True)
sys.stdin.readline()
take(600)           # every order listed is dropped, twice over
heapscope.snapshot("quiet")
while sys.stdin.readline():
    heapscope.snapshot("quiet")
'''

# Objects with a finalizer and no weak references, shown, then dropped by the
# program and let go of by the app: where does the finalizer run?
FINALIZER = r'''
import sys, threading

MAIN = threading.get_ident()
ran = []

class Held:
    __slots__ = ("n",)
    def __init__(self, n):
        self.n = n
    def __del__(self):
        ran.append(threading.get_ident() == MAIN)

kept = [Held(n) for n in range(3)]
print("ready", flush=True)
sys.stdin.readline()        # the app shows them
del kept[:]
print("dropped", flush=True)
sys.stdin.readline()        # the app has let go of them
print(ran, flush=True)
'''

# Objects without weak references, listed but not yet shown; half of them
# dropped before their page is asked for.
HALF = r'''
import sys

class Pair:
    __slots__ = ("a", "b")
    def __init__(self, n):
        self.a = n
        self.b = str(n)

kept = [Pair(n) for n in range(500)]
print("ready", flush=True)
sys.stdin.readline()        # the app has listed them
del kept[::2]
print("dropped", flush=True)
sys.stdin.readline()
'''


class Bar:
    __slots__ = ("n", "tags")


def _bar(n, text):
    bar = Bar()
    bar.n = n
    bar.tags = [text + str(n), [n]]
    return bar


class HeldTest(unittest.TestCase):
    """What only the agent's holds keep alive, on both census paths."""

    def counts(self, use_accel, held):
        own = []
        own.append(own)
        rows = _census.census_rows(own, [], use_accel, held)
        del own[:]
        counts = {}
        for row in rows:
            counts[row[0]] = row[1]
        return counts

    def test_the_agent_holds_are_let_go_of_in_play(self):
        strong = {}
        graveyard = []
        held = [strong, graveyard]
        kept = [_bar(n, "kept-") for n in range(10)]
        for n in range(5):
            strong[100 + n] = kept[n]               # shown, still the program's
            strong[200 + n] = _bar(n, "dropped-")   # shown, dropped by the program
        graveyard.append(_bar(0, "buried-"))        # to be freed by the main thread
        looped = _bar(0, "looped-")                 # shown, dropped, in a cycle
        looped.tags.append(looped)
        strong[300] = looped
        del looped
        was_enabled = gc.isenabled()
        gc.disable()
        self.addCleanup(lambda: gc.enable() if was_enabled else None)
        paths = [False] + ([True] if _census.accelerated() else [])
        for use_accel in paths:
            self.counts(use_accel, held)          # lazy state made once
            everything = self.counts(use_accel, None)
            program = self.counts(use_accel, held)
            name = __name__ + ".Bar"
            # 6 Bars, each with 2 lists and a str, held by the agent alone; the
            # one in a cycle stays, as garbage not yet collected does.
            self.assertEqual(everything[name], 17)
            self.assertEqual(program[name], 11)
            self.assertEqual(everything["list"] - program["list"], 12)
            self.assertEqual(everything["str"] - program["str"], 6)
            for row in everything:
                if row not in (name, "list", "str", "int"):
                    self.assertEqual(everything[row], program.get(row), row)
        self.assertEqual(len(_census.held_only(held, set(), False)), 24)
        if _census.accelerated():
            self.assertEqual(len(_census.held_only(held, set(), True)), 24)


class LookingTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-looking-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.next_id = 100

    def start(self, text):
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(text)
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        self.assertEqual(app.receive()["type"], "hello")
        self.assertEqual(app.process.stdout.readline(), b"ready\n")
        return app

    def ask(self, app, message):
        self.next_id += 1
        app.send(dict(message, id=self.next_id))
        reply = app.receive()
        self.assertEqual(reply["id"], self.next_id, reply)
        return reply

    def step(self, app, expected=None):
        """One line to the program: then `expected` on its stdout, or its census."""
        app.process.stdin.write(b"\n")
        app.process.stdin.flush()
        if expected is not None:
            self.assertEqual(app.process.stdout.readline(), expected)
            return None
        census = app.receive()
        self.assertEqual((census["type"], census["label"]), ("census", "quiet"))
        return census

    def show(self, app, type_name):
        """The first page of a type's instances, as the window asks for it."""
        reply = self.ask(app, {"type": "instances", "type_name": type_name,
                               "offset": 0, "limit": 200, "order": "flat"})
        self.assertEqual(reply["type"], "instances", reply)
        self.assertTrue(reply["objects"], type_name)
        return reply

    def census(self, app):
        reply = self.ask(app, {"type": "census"})
        self.assertEqual(reply["type"], "census", reply)
        return reply

    def test_a_listing_keeps_nothing_the_program_drops(self):
        app = self.start(CHURN)
        shown = {name: self.show(app, name) for name in ("__main__.Foo", "__main__.Bar")}
        for reply in shown.values():
            self.assertLessEqual(reply["total"], 1000)
        # The program replaces every object listed, and every one shown.
        self.step(app, b"churned\n")
        for _ in range(3):
            rows = agenttest.rows_by_name(self.census(app))
            self.assertLessEqual(rows["__main__.Foo"][0], 1000)
            # The page shown is still held (a Bar has no weak reference), not counted.
            self.assertLessEqual(rows["__main__.Bar"][0], 1000)
            # Nor what hangs from it alone.
            self.assertLessEqual(rows["list"][0], rows["__main__.Foo"][0] + rows["__main__.Bar"][0] + 100)
        # The page asked for again: every entry is gone, and says so.
        for name, reply in shown.items():
            again = self.ask(app, {"type": "instances", "list": reply["list"], "offset": 0, "limit": 200})
            self.assertEqual(again["total"], reply["total"])
            self.assertEqual(len(again["objects"]), len(reply["objects"]))
            for before, entry in zip(reply["objects"], again["objects"]):
                self.assertEqual((entry["text"], entry["stale"], entry["address"], entry["type"]),
                                 ("object no longer exists", True, before["address"], name))
                error = self.ask(app, {"type": "object", "handle": entry["handle"]})
                self.assertEqual((error["type"], error["code"]), ("error", "stale"))
        # A Foo handle shown before is stale: the Foo died with the program's last reference.
        error = self.ask(app, {"type": "object", "handle": shown["__main__.Foo"]["objects"][0]["handle"]})
        self.assertEqual((error["type"], error["code"]), ("error", "stale"))
        # A Bar shown is still there for the app, but not as the program's:
        # no referrer, no path, no row of its list.
        bar = shown["__main__.Bar"]["objects"][0]["handle"]
        self.assertEqual(self.ask(app, {"type": "object", "handle": bar})["type"], "object")
        self.assertEqual(self.ask(app, {"type": "referrers", "handle": bar})["total"], 0)
        self.assertFalse(self.ask(app, {"type": "path", "handle": bar})["found"])
        fresh = self.show(app, "__main__.Bar")
        self.assertFalse({entry["handle"] for entry in fresh["objects"]}
                         & {entry["handle"] for entry in shown["__main__.Bar"]["objects"]})

    def test_what_the_app_shows_is_not_counted(self):
        app = self.start(ORDERS)
        shown = {}
        for name in ("__main__.Order", "__main__.LineItem", "list", "dict", "str"):
            shown[name] = self.show(app, name)
        # The app still shows its pages.
        held = self.step(app)
        # Everything let go of (a census request, answered after the release
        # was served); the program's main thread frees, at its next step,
        # what the agent was the last to hold.
        handles = []
        for reply in shown.values():
            handles.append(reply["list"])
            handles.extend(entry["handle"] for entry in reply["objects"])
        app.send({"type": "release", "id": 1, "handles": handles})
        self.census(app)
        free = self.step(app)
        self.assertEqual(held["rows"], free["rows"])
        rows = agenttest.rows_by_name(held)
        self.assertEqual(rows["__main__.Order"][0], 300)
        # The line items of the orders kept, and the dropped ones in a cycle
        # (garbage the collector has not freed yet is counted).
        self.assertEqual(rows["__main__.LineItem"][0], 900 + 600)

    @unittest.skipIf(_refs._refaccel is None, "the main thread frees through the accelerator")
    def test_the_program_frees_what_it_dropped_in_its_own_thread(self):
        app = self.start(FINALIZER)
        shown = self.show(app, "__main__.Held")
        self.assertEqual(shown["total"], 3)
        self.step(app, b"dropped\n")
        rows = agenttest.rows_by_name(self.census(app))
        self.assertEqual(rows.get("__main__.Held", (0, 0))[0], 0)
        handles = [shown["list"]] + [entry["handle"] for entry in shown["objects"]]
        app.send({"type": "release", "id": 1, "handles": handles})
        self.census(app)                    # answered once the release is served
        self.step(app, b"[True, True, True]\n")


    def test_objects_without_weak_references_are_found_again(self):
        app = self.start(HALF)
        listing = self.ask(app, {"type": "instances", "type_name": "__main__.Pair",
                                 "offset": 0, "limit": 0})
        self.assertEqual((listing["total"], listing["objects"]), (500, []))
        self.step(app, b"dropped\n")
        page = self.ask(app, {"type": "instances", "list": listing["list"], "offset": 0, "limit": 500})
        alive = [entry for entry in page["objects"] if "stale" not in entry]
        gone = [entry for entry in page["objects"] if entry.get("stale")]
        self.assertEqual((len(alive), len(gone)), (250, 250))
        for entry in alive:
            self.assertEqual(entry["type"], "__main__.Pair")
            self.assertRegex(entry["text"], r"^__main__\.Pair at 0x[0-9a-f]+ \(a=\d+, b='\d+'\)$")
            self.assertEqual(int(entry["text"].split("a=")[1].split(",")[0]) % 2, 1)
        addresses = [entry["address"] for entry in page["objects"]]
        self.assertEqual(len(set(addresses)), 500)
        # Those shown are held now; the program's 250 are counted, no more.
        self.assertEqual(agenttest.rows_by_name(self.census(app))["__main__.Pair"][0], 250)


if __name__ == "__main__":
    unittest.main()
