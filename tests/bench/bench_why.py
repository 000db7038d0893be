#!/usr/bin/env python3
"""Benchmark of "why" in the agent (not a test).

    python3 tests/bench/bench_why.py [--objects 1000000] [--rounds 5] [--agent-dir DIR]

The child of bench_refs.py (the synthetic heap of round_trip_heap.build, about
N objects, plus 100 holders of one target, each at the end of a fan of 100
lists). The bench plays the app over a socketpair and times "why" as the app
sees it (request sent to reply decoded), what `heapscope --why TYPE` asks:

- the 100 holders (three levels of lists up to a module global), and the
  first why, which computes the dominator tree for the retained sizes too;
- 1 000 (the default sample) and 5 000 (the most) of the heap's 50 000 Plain
  instances, one list index each below a module global;
- "path" of one holder, for comparison: one object, the same search.

Target at 1 M objects: `--why` <= 2 s, the suspects' paths for 5 000
survivors <= 2 s.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_agent  # noqa: E402  (the agent directory)
import bench_refs   # noqa: E402  (the child and the fake app)
from bench_retained import line, timed  # noqa: E402


def shape(reply):
    group = reply["groups"][0]
    words = [group["example"]["type"]]
    for step in group["steps"]:
        edge = step["edge"]
        words.append("%s [%s %s]" % (step["type"], edge["kind"], edge.get("name", "…")))
    return " <- ".join(words)


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
        app.ask({"type": "census"})
        census, _ = app.ask({"type": "census"})
        print("heap: %d objects (census %.3f s)" % (census["objects"], census["elapsed"]))

        reply, first = app.ask({"type": "why", "type_name": "__main__.Holder"})
        print("first why, the tree computed with it: %.3f s (%d of %d followed, %d group(s))"
              % (first, reply["sampled"], reply["total"], len(reply["groups"])))
        print("  %s" % shape(reply))
        times, reply = timed(app, {"type": "why", "type_name": "__main__.Holder"}, args.rounds)
        line("why, 100 holders", times, 2)
        for sample in (1000, 5000):
            times, reply = timed(app, {"type": "why", "type_name": "round_trip_heap.Plain",
                                       "sample": sample}, args.rounds)
            assert reply["sampled"] == sample and reply["groups"][0]["count"] == sample, reply
            line("why, %d of %d Plain" % (sample, reply["total"]), times, 2)
        print("  %s, retaining %.1f MB" % (shape(reply), reply["groups"][0]["retained"] / 2**20))
        found, _ = app.ask({"type": "instances", "type_name": "__main__.Holder", "limit": 1})
        times, _ = timed(app, {"type": "path", "handle": found["objects"][0]["handle"]},
                         args.rounds)
        line("path of one holder", times)
    finally:
        app.close()


if __name__ == "__main__":
    main()
