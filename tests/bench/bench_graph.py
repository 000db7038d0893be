#!/usr/bin/env python3
"""Benchmark of reference graphs in the agent (not a test).

    python3 tests/bench/bench_graph.py [--objects 1000000] [--rounds 5] [--agent-dir DIR]

The child of bench_refs.py: the synthetic heap of bench_agent.py (about N
objects) plus a target held by 100 holders, each held by 100 lists of its
own. The bench plays the app over a socketpair and times, as the app sees
them (request sent to reply decoded), "graph" requests on the target:

- referrers, depth 2, too_many 101: the target, its 100 holders and the
  module, the holders' 10 000 lists -- 10 102 nodes, one heap scan per level;
- the same with the path to a root;
- referrers, depth 3, the defaults (too_many 20): 421 nodes, deep sizes measured;
- both directions, depth 2.

Each reply's handles are released before the next request, as the app does
when it drops a graph.
"""

import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_agent  # noqa: E402  (the agent directory)
import bench_refs   # noqa: E402  (the child and the fake app)


def timed(app, message, rounds):
    """(times, last reply) of `rounds` requests."""
    times = []
    reply = None
    for _ in range(rounds):
        reply, elapsed = app.ask(message)
        times.append(elapsed)
        app.sock.sendall(app.codec.json_frame({
            "type": "release", "id": 1,
            "handles": [node["handle"] for node in reply["nodes"][1:]]}))
    return times, reply


def report(title, times, reply):
    nodes = reply["nodes"]
    measured = sum(1 for node in nodes if node["deep"] is not None)
    print("%s:\n  %d nodes, %d edges%s%s; median %.3f s, min %.3f s, max %.3f s"
          % (title, len(nodes), len(reply["edges"]),
             ", truncated" if reply["truncated"] else "",
             ", %d deep sizes" % measured if measured else "",
             statistics.median(times), min(times), max(times)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--agent-dir", default=None)
    args = parser.parse_args()
    agent_dir = args.agent_dir or bench_agent.default_agent_dir()
    print("agent: %s\npython: %s %s\n" % (agent_dir, sys.executable, sys.version.split()[0]))
    app = bench_refs.App(agent_dir, args.objects)
    try:
        census, _ = app.ask({"type": "census"})
        print("heap: %d objects (census %.3f s)" % (census["objects"], census["elapsed"]))
        reply, _ = app.ask({"type": "instances", "type_name": "__main__.Target", "limit": 1})
        target = reply["objects"][0]["handle"]

        wide = {"type": "graph", "handles": [target], "direction": "referrers", "depth": 2,
                "too_many": 101}
        times, reply = timed(app, wide, args.rounds)
        assert len(reply["nodes"]) == 10102, len(reply["nodes"])
        assert not reply["truncated"]
        report("referrers, depth 2, fan-out 100 (the 10 000-node graph)", times, reply)
        times, reply = timed(app, dict(wide, path=True), args.rounds)
        assert reply["path"] is not None
        report("the same with the path to a root", times, reply)
        times, reply = timed(app, {"type": "graph", "handles": [target]}, args.rounds)
        report("referrers, depth 3, too_many 20 (the defaults)", times, reply)
        times, reply = timed(app, {"type": "graph", "handles": [target], "direction": "both",
                                   "depth": 2, "too_many": 101}, args.rounds)
        report("both directions, depth 2, too_many 101", times, reply)
    finally:
        app.close()


if __name__ == "__main__":
    main()
