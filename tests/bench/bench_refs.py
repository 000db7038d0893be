#!/usr/bin/env python3
"""Benchmark of "why is it alive?" in the agent (not a test).

    python3 tests/bench/bench_refs.py [--objects 1000000] [--agent-dir DIR] [--pympler DIR]

A child under the agent holds the synthetic heap of bench_agent.py (about N
objects) plus a fan-out tree: a target held by 100 holders, each holder held
by 100 lists of its own, and a chain module global -> dict -> list -> Obj.
The bench plays the app over a socketpair and times, as the app sees them
(request sent to reply decoded):

- referrers of the target (100 referrers), then of each of its 100 referrers
  (100 each): the depth-2, fan-out-100 tree a user expands;
- path to a root from the chain's Obj and from one of the target's holders;
- instances: the first page of the 50 000 round_trip_heap.Plain, then a second page.

With Pympler importable (or its source tree given with --pympler DIR), its
RefBrowser builds the same depth-2 tree of the target, in a child of its own
holding the same heap, right after. measure() and pympler_tree() return the
figures for tests/bench/perf_table.py.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_agent  # noqa: E402  (the heap, the agent directory)

HEAP = bench_agent.HEAP.replace("sys.path.insert(0, AGENT_DIR)\n", "") + r'''
class Target:
    pass

class Holder:
    def __init__(self, target):
        self.target = target

class Obj:
    pass

heap = build(N)
target = Target()
holders = [Holder(target) for _ in range(100)]
fans = [[[holder] for _ in range(100)] for holder in holders]
del holders
chain = {"entry": [Obj()]}
'''

CHILD = HEAP + r'''
print("ready", flush=True)
sys.stdin.readline()
'''

# Pympler's referrer tree of the same target, depth 2, in a child of its own
# holding the same heap (no agent).
PYMPLER_CHILD = "import json, sys\n" + bench_agent.pympler_import("from pympler import refbrowser") + HEAP + r'''
gc.collect()
begin = time.perf_counter()
tree = refbrowser.RefBrowser(target, maxdepth=2).get_tree()
elapsed = time.perf_counter() - begin

def count(node):
    return 1 + sum(count(child) for child in getattr(node, "children", ()))

print(json.dumps({"tree": elapsed, "nodes": count(tree), "first_level": len(tree.children)}))
'''


class App:
    def __init__(self, agent_dir, n):
        sys.path.insert(0, agent_dir)
        from heapscope import _codec
        self.codec = _codec
        self.path = "/tmp/hs-bench-refs-%d.py" % os.getpid()
        with open(self.path, "w") as stream:
            stream.write("BENCH_DIR = %r\nN = %d\n" % (HERE, n) + CHILD)
        self.sock, child = socket.socketpair()
        env = dict(os.environ, HEAPSCOPE_FD=str(child.fileno()), PYTHONDONTWRITEBYTECODE="1")
        env.pop("HEAPSCOPE_ACCEL", None)
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(agent_dir, "heapscope_bootstrap.py"), self.path],
            env=env, pass_fds=[child.fileno()], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        child.close()
        self.buffer = b""
        self.pending = []
        self.next_id = 0
        self.receive()                                  # hello
        if self.process.stdout.readline() != b"ready\n":
            raise SystemExit("the child did not start")

    def receive(self):
        while not self.pending:
            data = self.sock.recv(1 << 20)
            if not data:
                raise SystemExit("the agent hung up")
            self.buffer += data
            self.take_frames()
        return self.pending.pop(0)

    def take_frames(self):
        """The whole frames of the buffer into pending, decoded in C as the app
        does (with the stdlib's json here: the agent's own decoder is pure Python,
        made for its few small requests, and takes 1.4 ms for a page of referrers)."""
        position = 0
        while len(self.buffer) - position >= 5:
            size = self.codec.parse_header(self.buffer[position:position + 5])
            if len(self.buffer) - position - 5 < size:
                break
            self.pending.append(json.loads(self.buffer[position + 5:position + 5 + size]))
            position += 5 + size
        self.buffer = self.buffer[position:]

    def ask(self, message):
        self.next_id += 1
        message = dict(message, id=self.next_id)
        begin = time.perf_counter()
        self.sock.sendall(self.codec.json_frame(message))
        reply = self.receive()
        elapsed = time.perf_counter() - begin
        if reply["type"] == "error":
            raise SystemExit("error reply: %r" % reply)
        return reply, elapsed

    def close(self):
        self.process.kill()
        self.process.wait()
        self.sock.close()
        os.unlink(self.path)


def measure(agent_dir, n):
    """The figures of one child of about n objects, as the app sees them."""
    app = App(agent_dir, n)
    result = {}
    try:
        census, elapsed = app.ask({"type": "census"})
        result["objects"] = census["objects"]
        result["census"] = census["elapsed"]

        reply, _ = app.ask({"type": "instances", "type_name": "__main__.Target", "limit": 1})
        target = reply["objects"][0]["handle"]
        reply, first = app.ask({"type": "referrers", "handle": target, "limit": 200})
        assert reply["total"] == 101, reply["total"]     # 100 holders and the module
        times = []
        for entry in reply["referrers"]:
            if entry["type"] != "__main__.Holder":
                continue
            below, elapsed = app.ask({"type": "referrers", "handle": entry["handle"], "limit": 100})
            assert below["total"] == 100, below["total"]
            times.append(elapsed)
        assert len(times) == 100
        result["referrers_first"] = first
        result["referrers_each"] = times

        reply, _ = app.ask({"type": "instances", "type_name": "__main__.Obj", "limit": 1})
        obj = reply["objects"][0]["handle"]
        reply, elapsed = app.ask({"type": "path", "handle": obj})
        result["path_chain"] = (elapsed, len(reply["steps"]))
        reply, _ = app.ask({"type": "instances", "type_name": "__main__.Holder", "limit": 1})
        first_holder = reply["objects"][0]["handle"]
        reply, elapsed = app.ask({"type": "path", "handle": first_holder})
        result["path_holder"] = (elapsed, len(reply["steps"]))

        reply, first = app.ask({"type": "instances", "type_name": "round_trip_heap.Plain",
                                "offset": 0, "limit": 200})
        listed = reply["list"]
        total = reply["total"]
        if total == 0:
            raise SystemExit("the heap has no round_trip_heap.Plain instances")
        reply, second = app.ask({"type": "instances", "list": listed, "offset": 200, "limit": 200})
        result["instances"] = total
        result["first_page"] = first
        result["next_page"] = second
    finally:
        app.close()
    return result


def pympler_tree(n, pympler_dir=""):
    """Pympler's RefBrowser tree of the target, depth 2: {} when Pympler is not importable."""
    code = "BENCH_DIR = %r\nN = %d\nPYMPLER_DIR = %r\n" % (HERE, n, pympler_dir) + PYMPLER_CHILD
    out = subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.PIPE,
                         env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1")).stdout
    return json.loads(out.decode().strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000000)
    parser.add_argument("--agent-dir", default=None)
    parser.add_argument("--pympler", default="", help="a Pympler source tree to import")
    args = parser.parse_args()
    agent_dir = args.agent_dir or bench_agent.default_agent_dir()
    print("agent: %s\npython: %s %s\n" % (agent_dir, sys.executable, sys.version.split()[0]))
    result = measure(agent_dir, args.objects)
    print("heap: %d objects (census %.3f s)" % (result["objects"], result["census"]))
    first, times = result["referrers_first"], result["referrers_each"]
    print("referrers, fan-out 100, depth 2 (101 expansions):")
    print("  target: %.3f s; each referrer: median %.3f s, max %.3f s; whole tree %.2f s"
          % (first, statistics.median(times), max(times), first + sum(times)))
    print("path to root:")
    print("  module global -> dict -> list -> Obj: %.3f s, %d steps" % result["path_chain"])
    print("  Holder (100 lists -> list of lists -> list -> module): %.3f s, %d steps"
          % result["path_holder"])
    print("instances of round_trip_heap.Plain (%d): first page %.3f s, next page %.3f s"
          % (result["instances"], result["first_page"], result["next_page"]))

    theirs = pympler_tree(args.objects, args.pympler)
    if theirs:
        print("pympler: RefBrowser(target, maxdepth=2).get_tree() %.2f s, %d nodes"
              % (theirs["tree"], theirs["nodes"]))


if __name__ == "__main__":
    main()
