#!/usr/bin/env python3
"""Benchmark of "why is it alive?" in the agent (not a test).

    python3 tests/bench/bench_refs.py [--objects 1000000] [--agent-dir DIR]

A child under the agent holds the synthetic heap of bench_agent.py (about N
objects) plus a fan-out tree: a target held by 100 holders, each holder held
by 100 lists of its own, and a chain module global -> dict -> list -> Obj.
The bench plays the app over a socketpair and times, as the app sees them
(request sent to reply decoded):

- referrers of the target (100 referrers), then of each of its 100 referrers
  (100 each): the depth-2, fan-out-100 tree a user expands;
- path to a root from the chain's Obj and from one of the target's holders;
- instances: the first page of the 50 000 round_trip_heap.Plain, then a second page.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_agent  # noqa: E402  (the heap, the agent directory)

CHILD = bench_agent.HEAP.replace("sys.path.insert(0, AGENT_DIR)\n", "") + r'''
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
print("ready", flush=True)
sys.stdin.readline()
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
            messages, self.buffer = self.codec.decode_frames(self.buffer)
            self.pending.extend(messages)
        return self.pending.pop(0)

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000000)
    parser.add_argument("--agent-dir", default=None)
    args = parser.parse_args()
    agent_dir = args.agent_dir or bench_agent.default_agent_dir()
    print("agent: %s\npython: %s %s\n" % (agent_dir, sys.executable, sys.version.split()[0]))
    app = App(agent_dir, args.objects)
    try:
        census, elapsed = app.ask({"type": "census"})
        print("heap: %d objects (census %.3f s)" % (census["objects"], census["elapsed"]))

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
        print("referrers, fan-out 100, depth 2 (101 expansions):")
        print("  target: %.3f s; each referrer: median %.3f s, max %.3f s; whole tree %.2f s"
              % (first, statistics.median(times), max(times), first + sum(times)))

        reply, _ = app.ask({"type": "instances", "type_name": "__main__.Obj", "limit": 1})
        obj = reply["objects"][0]["handle"]
        reply, elapsed = app.ask({"type": "path", "handle": obj})
        print("path to root:")
        print("  module global -> dict -> list -> Obj: %.3f s, %d steps"
              % (elapsed, len(reply["steps"])))
        holder = first_holder = None
        reply, _ = app.ask({"type": "instances", "type_name": "__main__.Holder", "limit": 1})
        first_holder = reply["objects"][0]["handle"]
        reply, elapsed = app.ask({"type": "path", "handle": first_holder})
        print("  Holder (100 lists -> list of lists -> list -> module): %.3f s, %d steps"
              % (elapsed, len(reply["steps"])))
        del holder

        reply, first = app.ask({"type": "instances", "type_name": "round_trip_heap.Plain",
                                "offset": 0, "limit": 200})
        listed = reply["list"]
        total = reply["total"]
        if total == 0:
            raise SystemExit("the heap has no round_trip_heap.Plain instances")
        reply, second = app.ask({"type": "instances", "list": listed, "offset": 200, "limit": 200})
        print("instances of round_trip_heap.Plain (%d): first page %.3f s, next page %.3f s"
              % (total, first, second))
    finally:
        app.close()


if __name__ == "__main__":
    main()
