"""Why the instances of a type are alive: "why", "path"'s reasons, heapscope.why (PROTOCOL.md)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import agenttest

# Two leaks of one class through two roots: a module's cache keyed by number,
# and a list attribute of an object a class attribute holds. Each Request's
# payload is its own; its number the cache's key too.
TWO_LEAKS = r'''
import sys, heapscope

class Request:
    __slots__ = ("number", "payload")
    def __init__(self, number):
        self.number = number
        self.payload = bytes(64 + number % 7)

class Session:
    def __init__(self):
        self.pending = []

class Registry:
    session = Session()

_RESPONSE_CACHE = {}
for number in range(1000, 1600):
    _RESPONSE_CACHE[number] = Request(number)
for number in range(5000, 5200):
    Registry.session.pending.append(Request(number))
del number
print("ready", flush=True)
for line in sys.stdin:
    line = line.strip()
    if line == "snapshot":
        heapscope.snapshot("loaded")
        print("snapshot taken", flush=True)
    elif line == "why":
        print(heapscope.why(_RESPONSE_CACHE[1003]), flush=True)
    elif line == "quit":
        break
'''

# Held objects in a big dict, a big set and a deque that a thread of the
# program changes all the time: a loop over them in the agent's thread is
# interrupted by it (the interpreter switches threads every 5 ms).
CHURNED = r'''
import collections, sys, threading

class Held:
    pass

held = [Held() for _ in range(50)]
cache = dict.fromkeys(range(300000))
bag = set(range(300000))
queue = collections.deque(range(300000))
for number, obj in enumerate(held):
    cache[("held", number)] = obj
    bag.add(obj)
    queue.append(obj)

def churn():
    number = 10 ** 7
    while True:
        for step in range(50):
            cache[number + step] = None
            bag.add(number + step)
            queue.appendleft(number + step)
        for step in range(50):
            del cache[number + step]
            bag.discard(number + step)
            queue.popleft()
        number += 50

threading.Thread(target=churn, daemon=True).start()
print("ready", flush=True)
sys.stdin.readline()
'''

# One object of each way to be alive without a root.
NO_ROOT = r'''
import atexit, gc, signal, sys
gc.disable()

class Kept:
    __slots__ = ("partner", "__weakref__")

def install():
    held = Kept()
    held.partner = None
    def on_usr1(signum, frame):
        return held
    signal.signal(signal.SIGUSR1, on_usr1)

install()                               # held by the signal handler only, from C

def at_exit():
    held = Kept()
    held.partner = None
    atexit.register(lambda: held)       # by an atexit handler
    other = Kept()
    other.partner = None
    atexit.register(id, other)          # by an atexit handler's arguments
at_exit()

def audit():
    held = Kept()
    held.partner = None
    sys.addaudithook(lambda event, args: held)     # by the interpreter's audit hooks
audit()

def lose():
    cycle = [Kept(), Kept()]
    cycle[0].partner, cycle[1].partner = cycle[1], cycle[0]
lose()                                  # a cycle the collector would free

class Plain:
    __slots__ = ("value",)              # no weak reference: a handle holds it
DROPPABLE = [Plain()]
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "drop":
        DROPPABLE.clear()
        print("dropped", flush=True)
'''


class WhyTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-why-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.next_id = 100

    def start(self, text):
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(text)
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        hello = app.receive()
        self.assertEqual(hello["type"], "hello")
        self.assertIn("why", hello["capabilities"])
        app.accelerated = "dominators" in hello["capabilities"]
        self.assertEqual(app.process.stdout.readline(), b"ready\n")
        return app

    def say(self, app, line):
        app.process.stdin.write(line.encode() + b"\n")
        app.process.stdin.flush()

    def ask(self, app, message, timeout=60):
        self.next_id += 1
        message = dict(message, id=self.next_id)
        app.send(message)
        reply = app.receive(timeout)
        self.assertEqual(reply["id"], self.next_id, reply)
        return reply

    def receive_skipping_pushes(self, app):
        while True:
            message = app.receive()
            if message is None or message["id"] != 0:
                return message

    def titles(self, steps):
        return [(step["type"], step["edge"]["kind"], step["edge"].get("name"), step["root"])
                for step in steps]

    def check_two_leaks(self, reply, app):
        self.assertEqual(reply["type"], "why", reply)
        self.assertEqual(reply["type_name"], "__main__.Request")
        self.assertEqual((reply["total"], reply["sampled"]), (800, 800))
        self.assertEqual(reply["unreached"], [])
        groups = reply["groups"]
        # Every key of the cache is another key: still one shape.
        self.assertEqual([group["count"] for group in groups], [600, 200])
        cache, pending = groups
        self.assertEqual(self.titles(cache["steps"]),
                         [("dict", "key", cache["steps"][0]["edge"]["name"], None),
                          ("module(__main__)", "global", "_RESPONSE_CACHE", "module")])
        self.assertEqual(self.titles(pending["steps"])[1:],
                         [("__main__.Session", "attribute", "pending", None),
                          ("type", "class-attribute", "session", "class")])
        self.assertEqual(pending["steps"][0]["edge"]["kind"], "index")
        self.assertEqual(pending["steps"][-1]["name"], "__main__.Registry")
        for group in groups:
            self.assertEqual(group["example"]["type"], "__main__.Request")
            for step in group["steps"]:
                self.assertNotIn("heapscope", step["text"])
        if not app.accelerated:
            self.assertIsNone(cache["retained"])
            return
        # What a group retains is what its members retain, one by one: each
        # Request alone holds its payload (its number is the cache's key too).
        handles = []
        page = self.ask(app, {"type": "instances", "type_name": "__main__.Request",
                              "limit": 1000})
        handles = [entry["handle"] for entry in page["objects"]]
        sizes = self.ask(app, {"type": "retained", "handles": handles})
        by_number = {}
        for entry, obj in zip(sizes["objects"], page["objects"]):
            by_number[obj["handle"]] = entry["retained"]
        self.assertEqual(cache["retained"] + pending["retained"], sum(by_number.values()))
        # (the numbers 5000.. are not keys of the cache: a pending Request holds its own)
        self.assertEqual(cache["retained_count"] + pending["retained_count"], 600 * 2 + 200 * 3)
        self.assertGreater(cache["retained"], 2.5 * pending["retained"])

    def test_two_leaks_grouped_by_shape(self):
        app = self.start(TWO_LEAKS)
        reply = self.ask(app, {"type": "why", "type_name": "__main__.Request"})
        self.check_two_leaks(reply, app)
        self.assertIsNone(reply["label"])
        self.assertIs(type(reply["elapsed"]), float)

    def test_containers_the_program_changes_meanwhile(self):
        """Edges read from a dict, a set and a deque while the program's
        thread changes them: named every time, never a failed request."""
        app = self.start(CHURNED)
        for attempt in range(3):
            reply = self.ask(app, {"type": "why", "type_name": "__main__.Held"})
            self.assertEqual(reply["type"], "why", reply)
            self.assertEqual(reply["sampled"], 50)
            self.assertEqual(sum(group["count"] for group in reply["groups"]), 50)
        page = self.ask(app, {"type": "instances", "type_name": "__main__.Held",
                              "offset": 0, "limit": 3})
        for obj in page["objects"]:
            for attempt in range(3):
                reply = self.ask(app, {"type": "referrers", "handle": obj["handle"]})
                self.assertEqual(reply["type"], "referrers", reply)
                edges = {entry["type"]: entry["edge"] for entry in reply["referrers"]}
                self.assertEqual(edges["dict"]["kind"], "key")
                self.assertTrue(edges["dict"]["name"].startswith("('held', "), edges)
                self.assertEqual(edges["set"], {"kind": "member"})
                self.assertEqual(edges["collections.deque"]["kind"], "index")
        # Their sizes, broken down: read whole as well. 300 050 items are
        # told as their 50 largest and one "… N more" with the others' sizes
        # (the whole would be over the 16 MiB a message may hold). A deque's
        # items are not followed, as in Pympler.
        for entry in reply["referrers"]:
            if entry["type"] in ("dict", "set"):
                inspected = self.ask(app, {"type": "object", "handle": entry["handle"], "detail": 2})
                self.assertEqual(inspected["type"], "object", inspected)
                sizes = inspected["object"]["sizes"]
                self.assertEqual(len(sizes["refs"]), 51)
                self.assertRegex(sizes["refs"][-1]["name"], "^\u2026 [0-9]+ more$")
                self.assertEqual(sizes["flat"] + sum(ref["size"] for ref in sizes["refs"]),
                                 sizes["size"])

    def test_a_sample_follows_some(self):
        app = self.start(TWO_LEAKS)
        reply = self.ask(app, {"type": "why", "type_name": "__main__.Request", "sample": 40})
        self.assertEqual((reply["total"], reply["sampled"]), (800, 40))
        self.assertEqual(sum(group["count"] for group in reply["groups"]), 40)
        # Spread evenly: both leaks are in it, in their proportions (3 to 1,
        # give or take two: the collector's lists hold the
        # instances in an order the agent thread's own allocations can shift).
        cache, pending = [group["count"] for group in reply["groups"]]
        self.assertLessEqual(abs(cache - 30), 2, reply["groups"])
        self.assertEqual(cache + pending, 40)

    def test_unknown_type(self):
        app = self.start(TWO_LEAKS)
        reply = self.ask(app, {"type": "why", "type_name": "__main__.Nothing"})
        self.assertEqual((reply["total"], reply["sampled"], reply["groups"], reply["unreached"]),
                         (0, 0, [], []))

    def test_bad_requests(self):
        app = self.start(TWO_LEAKS)
        for message in ({"type": "why"},
                        {"type": "why", "type_name": "dict", "sample": 0},
                        {"type": "why", "type_name": "dict", "sample": 5001},
                        {"type": "why", "type_name": "dict", "at": "later"},
                        {"type": "why", "type_name": "dict", "at": "snapshot"},
                        {"type": "why", "type_name": "dict", "at": "snapshot", "label": 3}):
            reply = self.ask(app, message)
            self.assertEqual((reply["type"], reply["code"]), ("error", "bad-request"), message)

    def test_at_snapshot_and_at_the_end(self):
        app = self.start(TWO_LEAKS)
        self.next_id += 1
        at_snapshot = self.next_id
        app.send({"type": "why", "id": at_snapshot, "type_name": "__main__.Request",
                  "at": "snapshot", "label": "loaded"})
        app.send({"type": "why", "id": at_snapshot + 1, "type_name": "__main__.Request",
                  "at": "final"})
        app.send({"type": "why", "id": at_snapshot + 2, "type_name": "dict",
                  "at": "snapshot", "label": "never"})
        app.send({"type": "why", "id": at_snapshot + 3, "type_name": "dict",
                  "at": "snapshot", "label": "cancelled"})
        app.send({"type": "cancel", "id": at_snapshot + 4, "request": at_snapshot + 3})
        cancelled = app.receive()
        self.assertEqual((cancelled["id"], cancelled["code"]), (at_snapshot + 3, "cancelled"))
        self.next_id = at_snapshot + 10
        # Nothing answers before the label: a census asked now comes first.
        census = self.ask(app, {"type": "census"})
        self.assertEqual(census["type"], "census")
        self.say(app, "snapshot")
        pushed = app.receive()
        self.assertEqual((pushed["type"], pushed["id"], pushed["label"]), ("census", 0, "loaded"))
        reply = app.receive()
        self.assertEqual(reply["id"], at_snapshot)
        self.assertEqual(reply["label"], "loaded")
        self.check_two_leaks(reply, app)
        self.assertEqual(app.process.stdout.readline(), b"snapshot taken\n")
        self.say(app, "quit")
        final = self.receive_skipping_pushes(app)
        while final["type"] == "census":
            final = self.receive_skipping_pushes(app)
        answers = {final["id"]: final, **{m["id"]: m for m in [app.receive(), app.receive()]
                                          if m is not None}}
        self.assertEqual(answers[at_snapshot + 1]["type"], "why")
        self.assertEqual([group["count"] for group in answers[at_snapshot + 1]["groups"]],
                         [600, 200])
        self.assertEqual(answers[at_snapshot + 2]["code"], "not-reached")
        self.assertIn("'never'", answers[at_snapshot + 2]["message"])

    def test_asked_just_before_the_moment(self):
        # The questions are in the socket when the script snapshots and ends
        # at once: read by the agent thread by then or not, they are answered.
        path = os.path.join(self.dir, "short.py")
        with open(path, "w") as stream:
            stream.write("import heapscope, sys\nclass Item: pass\nITEMS = [Item()]\n"
                         "sys.stdin.readline()\nheapscope.snapshot('early')\n")
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        self.assertEqual(app.receive()["type"], "hello")
        app.send({"type": "why", "id": 7, "type_name": "__main__.Item", "at": "snapshot",
                  "label": "early"})
        app.send({"type": "why", "id": 8, "type_name": "__main__.Item", "at": "final"})
        self.say(app, "go")
        app.process.stdin.close()
        answers = {}
        for message in app.receive_all():
            if message["type"] in ("why", "error"):
                answers[message["id"]] = message
        self.assertEqual(sorted(answers), [7, 8], answers)
        for request_id in (7, 8):
            self.assertEqual(answers[request_id]["type"], "why", answers[request_id])
            self.assertEqual([group["count"] for group in answers[request_id]["groups"]], [1])
        self.assertEqual(answers[7]["label"], "early")

    def test_many_asked_just_before_the_moment(self):
        # Bursts of questions as the script snapshots: each is, at that
        # instant, served, waiting to be, half read, read ahead or still in
        # the socket, and each is answered at its snapshot, once.
        rounds = 8
        path = os.path.join(self.dir, "short.py")
        with open(path, "w") as stream:
            stream.write("import heapscope, sys\nclass Item: pass\nITEMS = [Item()]\n"
                         "for n in range(%d):\n"
                         "    sys.stdin.readline()\n"
                         "    heapscope.snapshot('round %%d' %% n)\n" % rounds)
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        self.assertEqual(app.receive()["type"], "hello")
        for n in range(rounds):
            label = "round %d" % n
            asked = range(100 * (n + 1), 100 * (n + 1) + 60)
            for request_id in asked:
                app.send({"type": "why", "id": request_id, "type_name": "__main__.Item",
                          "at": "snapshot", "label": label})
            self.say(app, "go")
            answers = []
            while len(answers) < len(asked):
                message = app.receive()
                self.assertIsNotNone(message, "the link ended with %d answers" % len(answers))
                if message["type"] in ("why", "error"):
                    answers.append(message)
            self.assertEqual(sorted(message["id"] for message in answers), list(asked))
            for message in answers:
                self.assertEqual((message["type"], message.get("label")), ("why", label), message)
        app.process.stdin.close()
        self.assertEqual([message for message in app.receive_all() if message["type"] in ("why", "error")],
                         [])

    def test_survivors_since_a_mark(self):
        # Made before the snapshot, or after: only the survivors since are followed.
        script = ("import heapscope, sys\nclass Item: pass\nOLD = [Item() for _ in range(300)]\n"
                  "heapscope.snapshot('base')\nNEW = [Item() for _ in range(200)]\n"
                  "print('ready', flush=True)\nsys.stdin.readline()\n"
                  "LATER = [Item() for _ in range(50)]\nprint('more', flush=True)\n"
                  "sys.stdin.readline()\n")
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(script)
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        hello = app.receive()
        if "dominators" not in hello["capabilities"]:
            self.skipTest("marks need the agent's C part")
        base = app.receive()
        self.assertEqual((base["type"], base["label"]), ("census", "base"))
        self.assertEqual(app.process.stdout.readline(), b"ready\n")
        reply = self.ask(app, {"type": "why", "type_name": "__main__.Item", "since": base["time"]})
        self.assertEqual((reply["since"], reply["total"], reply["older"]), (base["time"], 200, 300))
        self.assertEqual([group["count"] for group in reply["groups"]], [200])
        self.assertEqual(reply["groups"][0]["steps"][-1]["edge"]["name"], "NEW")
        # A census asked with a mark is another moment to count from.
        marked = self.ask(app, {"type": "census", "mark": True})
        self.say(app, "go")
        self.assertEqual(app.process.stdout.readline(), b"more\n")
        reply = self.ask(app, {"type": "why", "type_name": "__main__.Item", "since": marked["time"]})
        self.assertEqual((reply["total"], reply["older"]), (50, 500))
        self.assertEqual(reply["groups"][0]["steps"][-1]["edge"]["name"], "LATER")
        # No mark at that time: every instance, and "since" says none applied.
        reply = self.ask(app, {"type": "why", "type_name": "__main__.Item", "since": 12345.5})
        self.assertEqual((reply["since"], reply["total"], reply["older"]), (None, 550, 0))
        self.assertEqual(self.ask(app, {"type": "why", "type_name": "__main__.Item",
                                        "since": "base"})["code"], "bad-request")

    def test_why_text_inside_and_outside(self):
        expected = ("__main__.Request <- dict [key 1003] <- module(__main__) "
                    "[global _RESPONSE_CACHE] (root: module)")
        app = self.start(TWO_LEAKS)
        self.say(app, "why")
        self.assertEqual(app.process.stdout.readline().decode().strip(), expected)
        path = os.path.join(self.dir, "outside.py")
        with open(path, "w") as stream:
            stream.write(TWO_LEAKS)
        outside = subprocess.run([sys.executable, path], input=b"why\nquit\n",
                                 capture_output=True, timeout=60,
                                 env=agenttest.clean_env(PYTHONPATH=agenttest.AGENT_DIR))
        self.assertEqual(outside.stdout.decode().splitlines(), ["ready", expected],
                         outside.stderr.decode())

    def test_no_root_told_apart(self):
        app = self.start(NO_ROOT)
        if not app.accelerated:
            self.skipTest("reasons need the agent's C part")
        kept = self.ask(app, {"type": "instances", "type_name": "__main__.Kept"})
        self.assertEqual(kept["total"], 6)
        reasons = {}
        for entry in kept["objects"]:
            reply = self.ask(app, {"type": "path", "handle": entry["handle"]})
            self.assertFalse(reply["found"], reply)
            reasons.setdefault(reply["reason"], []).append(reply)
        self.assertEqual(sorted((reason, len(replies)) for reason, replies in reasons.items()),
                         [("garbage", 2), ("held-from-c", 4)])
        holders = sorted((holder["type"], holder["known"]) for reply in reasons["held-from-c"]
                         for holder in reply["holders"])
        self.assertIn(("function (<lambda>)", "atexit handler"), holders)
        self.assertIn(("function (on_usr1)", "signal handler for SIGUSR1"), holders)
        self.assertIn(("tuple", "arguments of an atexit handler"), holders)
        self.assertIn(("function (<lambda>)", "sys.addaudithook hook"), holders)
        # The same, grouped: one entry per holder.
        reply = self.ask(app, {"type": "why", "type_name": "__main__.Kept"})
        self.assertEqual(reply["groups"], [])
        self.assertEqual(sorted((entry["reason"], entry["count"]) for entry in reply["unreached"]),
                         [("garbage", 2), ("held-from-c", 1), ("held-from-c", 1),
                          ("held-from-c", 1), ("held-from-c", 1)])
        self.assertIn("signal handler for SIGUSR1",
                      [entry["holders"][0]["known"] for entry in reply["unreached"]
                       if entry["holders"]])
        # Held only by a handle, once the program let it go.
        plain = self.ask(app, {"type": "instances", "type_name": "__main__.Plain"})
        handle = plain["objects"][0]["handle"]
        self.assertTrue(self.ask(app, {"type": "path", "handle": handle})["found"])
        self.say(app, "drop")
        self.assertEqual(app.process.stdout.readline(), b"dropped\n")
        reply = self.ask(app, {"type": "path", "handle": handle})
        self.assertEqual((reply["found"], reply["reason"], reply["holders"]),
                         (False, "agent", []))


if __name__ == "__main__":
    unittest.main()
