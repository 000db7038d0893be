#!/usr/bin/env python3
"""Benchmark of the agent's garbage watch (not a test).

    python3 tests/bench/bench_garbage.py [--agent-dir DIR] [--heap N] [--rounds R]

A child runs under the agent; the bench plays the app over a socketpair and
turns the watch on and off with "watch-garbage". It reports:

- the callbacks' cost per collection (the "cost" of each pushed collection,
  median of R) when a gc.collect() finds 1 000, 50 000 (the most whose cycles
  are counted) and 100 000 unreachable objects in cycles (pairs of instances
  referring to each other), beside what gc.collect() takes in the child with
  the watch off and on;
- the slowdown of a loop churning reference cycles (200 000 pairs made and
  dropped, the collector running on its own) with the watch on against off,
  and what the watch said it spent meanwhile.

`--heap N` keeps N more live objects in the child (a full collection looks at
them all, with the watch or without).
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_agent  # noqa: E402  (the agent directory)

CHILD = r'''
import gc, json, sys, time

class Node:
    def __init__(self, index):
        self.index = index

def pairs(count):
    for index in range(count):
        a = Node(index)
        b = Node(index)
        a.peer = b
        b.peer = a

heap = [[index] for index in range(HEAP)]
gc.collect()
print("ready", flush=True)
for line in sys.stdin:
    words = line.split()
    if words[0] == "collect":           # collect OBJECTS ROUNDS
        times = []
        gc.disable()
        for _ in range(int(words[2])):
            pairs(int(words[1]) // 2)
            begin = time.perf_counter()
            gc.collect()
            times.append(time.perf_counter() - begin)
        gc.enable()
        print(json.dumps(times), flush=True)
    elif words[0] == "churn":           # churn PAIRS
        gc.collect()
        begin = time.perf_counter()
        pairs(int(words[1]))
        elapsed = time.perf_counter() - begin
        gc.collect()
        print(json.dumps(elapsed), flush=True)
'''


class App:
    def __init__(self, agent_dir, heap):
        sys.path.insert(0, agent_dir)
        from heapscope import _codec
        self.codec = _codec
        self.path = "/tmp/hs-bench-garbage-%d.py" % os.getpid()
        with open(self.path, "w") as stream:
            stream.write("HEAP = %d\n" % heap + CHILD)
        self.sock, child = socket.socketpair()
        env = dict(os.environ, HEAPSCOPE_FD=str(child.fileno()), PYTHONDONTWRITEBYTECODE="1")
        env.pop("HEAPSCOPE_ACCEL", None)
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(agent_dir, "heapscope_bootstrap.py"), self.path],
            env=env, pass_fds=[child.fileno()], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        child.close()
        self.buffer = b""
        self.pending = []
        self.pushed = []
        self.next_id = 0
        self.receive()                                  # hello
        if self.process.stdout.readline() != b"ready\n":
            raise SystemExit("the child did not start")

    def receive(self, timeout=None):
        self.sock.settimeout(timeout)
        while not self.pending:
            try:
                data = self.sock.recv(1 << 20)
            except socket.timeout:
                return None
            if not data:
                raise SystemExit("the agent hung up")
            self.buffer += data
            messages, self.buffer = self.codec.decode_frames(self.buffer)
            self.pending.extend(messages)
        return self.pending.pop(0)

    def ask(self, message):
        self.next_id += 1
        self.sock.sendall(self.codec.json_frame(dict(message, id=self.next_id)))
        while True:
            reply = self.receive()
            if reply["id"] == self.next_id:
                if reply["type"] == "error":
                    raise SystemExit("error reply: %r" % reply)
                return reply
            self.pushed.append(reply)

    def watch(self, on):
        self.ask({"type": "watch-garbage", "on": on})

    def run(self, command):
        self.process.stdin.write(command.encode() + b"\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def garbage(self, count):
        """The next `count` collections pushed, and the pushes' total cost and dropped."""
        found = []
        cost = 0.0
        dropped = 0
        while len(found) < count:
            message = self.pushed.pop(0) if self.pushed else self.receive(30)
            if message is None:
                raise SystemExit("%d collections pushed, %d expected" % (len(found), count))
            found.extend(message["collections"])
            cost += message["cost"]
            dropped += message["dropped"]
        return found, cost, dropped

    def drain(self):
        """Whatever is pushed within a second (the watch's last words)."""
        found = []
        cost = 0.0
        while True:
            message = self.pushed.pop(0) if self.pushed else self.receive(1.0)
            if message is None:
                return found, cost
            found.extend(message["collections"])
            cost += message["cost"]

    def close(self):
        self.process.kill()
        self.process.wait()
        self.sock.close()
        os.unlink(self.path)


def per_collection(app, objects, rounds):
    off = app.run("collect %d %d" % (objects, rounds))
    app.watch(True)
    on = app.run("collect %d %d" % (objects, rounds))
    collections, _, _ = app.garbage(rounds)
    app.watch(False)
    costs = [c["cost"] for c in collections if c["objects"] == objects]
    counted = collections[-1]["cycles"]
    print("%7d objects (%s cycles): callbacks %.4f s per collection (min %.4f, max %.4f);"
          " gc.collect() %.4f s off, %.4f s on (medians of %d)"
          % (objects, "null" if counted is None else counted, statistics.median(costs),
             min(costs), max(costs), statistics.median(off), statistics.median(on), rounds))


def churn(app, pairs, rounds):
    offs = []
    ons = []
    spent = []
    collected = []
    for _ in range(rounds):
        offs.append(app.run("churn %d" % pairs))
        app.watch(True)
        ons.append(app.run("churn %d" % pairs))
        app.watch(False)
        found, cost = app.drain()
        spent.append(cost)
        collected.append(len(found))
    off = statistics.median(offs)
    on = statistics.median(ons)
    print("churn, %d pairs made and dropped, collector on its own: %.3f s off, %.3f s on"
          " (x%.2f); %d collections reported, %.3f s in the callbacks (medians of %d)"
          % (pairs, off, on, on / off, statistics.median(collected), statistics.median(spent),
             rounds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agent-dir", default=None)
    parser.add_argument("--heap", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    agent_dir = args.agent_dir or bench_agent.default_agent_dir()
    print("agent: %s\npython: %s %s\nheap: %d more live lists\n"
          % (agent_dir, sys.executable, sys.version.split()[0], args.heap))
    app = App(agent_dir, args.heap)
    try:
        for objects in (1000, 50000, 100000):
            per_collection(app, objects, args.rounds)
        churn(app, 200000, args.rounds)
    finally:
        app.close()


if __name__ == "__main__":
    main()
