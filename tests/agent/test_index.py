"""The referrer index (_refaccel.index_*, _refs "Referrers"): the same answers
as a scan of the heap, nothing kept alive, nothing dead followed, and never
used for a program that ran since it was built."""

import gc
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import weakref

import agenttest

sys.path.insert(0, os.environ.get("HS_AGENT_DIR", ""))
from heapscope import _agent, _refs  # noqa: E402

_refaccel = _refs._refaccel


class Item:
    def __init__(self, value=None):
        self.value = value


class Slotted:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def closure_over(value):
    def inner():
        return value
    return inner


def holders_of(target):
    """Referrers of every kind the collector tracks: an instance, one with
    __slots__, a list, a dict (value and key), a tuple, a set, a cell."""
    return [Item(target), Slotted(target), [target, target], {"key": target}, {target: 1},
            (target, []), {target}, closure_over(target)]


def pairs(answer):
    return sorted((id(answer[0][i]), answer[1][i]) for i in range(len(answer[0])))


class IndexTest(unittest.TestCase):
    def setUp(self):
        if _refaccel is None or _refaccel.index_build(set(), set()) is None:
            self.skipTest("no referrer index on this Python")
        # No collection between building and asking: it would move what the
        # tests hold, not what they look at.
        gc.collect()
        if gc.isenabled():
            gc.disable()
            self.addCleanup(gc.enable)
        self.addCleanup(_refaccel.index_drop)

    def scan(self, targets):
        objects = gc.get_objects()
        try:
            return _refaccel.scan(objects, targets, {id(objects)}, set(), False)
        finally:
            del objects[:]

    def test_answers_as_the_heap_scan_does(self):
        targets = [Item("a"), Item("b"), Item("c")]
        holders = [holders_of(target) for target in targets]
        shared = [targets[0], targets[1], targets[2]]
        self.assertGreater(_refaccel.index_build(set(), set()), 0)
        found = _refaccel.index_scan(targets, set(), set())
        self.assertEqual(pairs(found), pairs(self.scan(targets)))
        # Every kind of holder is found, and the shared list for each target.
        for index in range(len(targets)):
            referrers = [found[0][i] for i in range(len(found[0])) if found[1][i] == index]
            for holder in holders[index]:
                expected = holder.__closure__[0] if callable(holder) else holder
                self.assertIn(id(expected), [id(r) for r in referrers], type(holder))
            self.assertIn(id(shared), [id(r) for r in referrers])
        del found, referrers
        # What it was told to skip it never names.
        skipped = _refaccel.index_scan(targets, {id(shared)}, set())
        self.assertNotIn(id(shared), [id(r) for r in skipped[0]])
        self.assertEqual(len(skipped[0]), len(pairs(self.scan(targets))) - 3)

    def test_keeps_nothing_alive(self):
        target = Item()
        holder = Item(target)
        gone = weakref.ref(holder)
        _refaccel.index_build(set(), set())
        del holder
        self.assertIsNone(gone())
        self.assertEqual(_refaccel.index_scan([target], set(), set()), ([], []))
        # One the index never met: nothing to look at (and nothing sorted).
        self.assertEqual(_refaccel.index_scan([Item()], set(), set()), ([], []))

    def test_follows_nothing_that_died(self):
        target = Item()
        holders = holders_of(target) + [[target] for _ in range(200)] + \
            [(target, []) for _ in range(200)] + [{"k": target} for _ in range(200)] + \
            [Item(target) for _ in range(200)] + [Slotted(target) for _ in range(200)]
        _refaccel.index_build(set(), set())
        self.assertTrue(_refaccel.index_intact())
        # Freed through the allocator, or kept on a type's free list (lists,
        # dicts and tuples), then handed out again: as new objects there, or
        # as the bytes of other objects, which read as an object would crash.
        del holders[::2]
        reborn = []
        for length in range(8, 64):
            reborn.extend(b"%0*d" % (length, i) for i in range(20))
        reborn += [[0] for _ in range(300)] + [(1, []) for _ in range(300)] + \
            [{"x": 1} for _ in range(300)] + [Item(0) for _ in range(300)]
        found = _refaccel.index_scan([target], set(), set())
        self.assertTrue(_refaccel.index_intact())
        truth = self.scan([target])
        self.assertEqual(pairs(found), pairs(truth))
        for referrer in found[0]:
            self.assertTrue(any(ref is target for ref in gc.get_referents(referrer)))
        # A full collection frees the free lists' objects: still nothing followed.
        del truth, found
        gc.collect()
        self.assertEqual(pairs(_refaccel.index_scan([target], set(), set())),
                         pairs(self.scan([target])))
        self.assertEqual(len(reborn), 1200 + 56 * 20)

    def test_a_request_uses_it_only_when_nothing_else_ran(self):
        target = Item()
        holders = holders_of(target)
        me = __import__("_thread").get_ident()

        def looked():
            own, codes = _agent._package_objects()
            ctx = _refs._context(own, codes, [], me, lambda: False, False)
            try:
                _refs._prepare_heap(ctx)
                return ctx["indexed"], len(_refs._scan(ctx, _refs._scratch(ctx, [target]))[0])
            finally:
                _refs.finish(ctx)
                ctx.clear()

        first = looked()
        self.assertFalse(first[0])                      # no look before: it may have run
        self.assertEqual(looked(), (True, first[1]))    # idle since: built and used
        self.assertEqual(looked(), (True, first[1]))
        self.assertEqual(first[1], len(holders) + 1)   # and looked()'s cell


SCRIPT = r'''
import sys

class Item:
    def __init__(self, value=None):
        self.value = value

target = Item()
holders = [Item(target) for _ in range(20)]
print("ready", flush=True)
sys.stdin.readline()
holders.append(Item(target))
del holders[0]
late = [target]
print("changed", flush=True)
sys.stdin.readline()
'''


DROPPING_SCRIPT = r'''
import sys

class Item:
    pass

target = Item()
box = [target]
kept = [target]
print("ready", flush=True)
sys.stdin.readline()
del box
print("changed", flush=True)
sys.stdin.readline()
'''


class RunningProgramTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)
        self.next_id = 0

    def ask(self, app, message):
        self.next_id += 1
        app.send(dict(message, id=self.next_id))
        reply = app.receive(60)
        self.assertEqual(reply["id"], self.next_id, reply)
        return reply

    def referrers(self, app, handle):
        reply = self.ask(app, {"type": "referrers", "handle": handle, "limit": 100})
        self.assertEqual(reply["type"], "referrers", reply)
        return sorted(entry["address"] for entry in reply["referrers"])

    def test_what_the_program_changes_is_seen_at_once(self):
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(SCRIPT)
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        app.receive()                                           # hello
        self.assertEqual(app.process.stdout.readline(), b"ready\n")
        listed = self.ask(app, {"type": "instances", "type_name": "__main__.Item",
                                "offset": 0, "limit": 100})
        self.assertEqual(len(listed["objects"]), 21)
        # The target is the Item the 20 others (and the module) refer to; asking
        # again and again, the program waiting, the answer stays.
        found = {}
        for entry in listed["objects"]:
            found[entry["handle"]] = self.referrers(app, entry["handle"])
        target = max(found, key=lambda handle: len(found[handle]))
        before = found[target]
        self.assertEqual(len(before), 21)
        self.assertEqual(self.referrers(app, target), before)
        self.assertEqual(self.referrers(app, target), before)
        app.process.stdin.write(b"go\n")
        app.process.stdin.flush()
        self.assertEqual(app.process.stdout.readline(), b"changed\n")
        after = self.referrers(app, target)
        # One holder less, one more and a list: the program ran, what it made
        # since is there.
        self.assertEqual(len(after), 22)
        self.assertEqual(len(set(after) - set(before)), 2)

    def test_what_the_program_drops_that_the_agent_holds_is_not_listed(self):
        """A list the app was shown is held by the agent (lists have no weak
        references); once the program drops it, only the agent holds it, and
        it is no referrer of the program's -- though the program waited, and
        what only the agent held was known, over the requests before."""
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(DROPPING_SCRIPT)
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        app.receive()                                           # hello
        self.assertEqual(app.process.stdout.readline(), b"ready\n")
        listed = self.ask(app, {"type": "instances", "type_name": "__main__.Item",
                                "offset": 0, "limit": 10})
        target = listed["objects"][0]["handle"]
        reply = self.ask(app, {"type": "referrers", "handle": target, "limit": 100})
        lists = sorted(entry["address"] for entry in reply["referrers"] if entry["type"] == "list")
        self.assertEqual(len(lists), 2)                         # box and kept, now held
        before = self.referrers(app, target)
        self.assertEqual(self.referrers(app, target), before)
        app.process.stdin.write(b"go\n")
        app.process.stdin.flush()
        self.assertEqual(app.process.stdout.readline(), b"changed\n")
        after = self.referrers(app, target)
        self.assertEqual(len(after), len(before) - 1)
        self.assertEqual(len(set(before) - set(after)), 1)
        self.assertIn((set(before) - set(after)).pop(), lists)
        self.assertEqual(self.referrers(app, target), after)


if __name__ == "__main__":
    unittest.main()
