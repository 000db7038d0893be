#!/usr/bin/env python3
"""Benchmark of retained sizes in the agent (not a test).

    python3 tests/bench/bench_retained.py [--objects 1000000] [--rounds 20] [--agent-dir DIR]

The child of bench_refs.py (the synthetic heap of round_trip_heap.build, about
N objects, plus a target held by 100 holders). The bench plays the app over a
socketpair and measures, as the app sees them (request sent to reply decoded):

- the first "dominators" (the virtual root's first page of 100): the dominator
  tree computed in the child; its time inside the child ("elapsed") too;
- the extra peak memory of that in the child: the rise of its peak RSS
  (VmHWM, reset through /proc/PID/clear_refs) over its RSS before, and what
  the kept tree leaves resident;
- "retained" of one object once the tree is kept, and "dominators" pages of
  the kept tree (the root's, and the largest object's);
- "dominators" with "refresh": the tree computed again.

The tree's totals are checked against a census taken just before (the same
objects with the same sizes). Targets at 1 M objects: first "dominators"
<= 1 s, extra peak <= 40 MB, "retained" <= 10 ms.
"""

import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_agent  # noqa: E402  (the agent directory)
import bench_refs   # noqa: E402  (the child and the fake app)

MB = 1024 * 1024


def status(pid, field):
    with open("/proc/%d/status" % pid) as stream:
        for line in stream:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak(pid):
    """Start VmHWM again from VmRSS; False where the kernel does not allow it."""
    try:
        with open("/proc/%d/clear_refs" % pid, "w") as stream:
            stream.write("5")
        return True
    except OSError:
        return False


def timed(app, message, rounds):
    times = []
    reply = None
    for _ in range(rounds):
        reply, elapsed = app.ask(message)
        times.append(elapsed)
    return times, reply


def line(title, times, target=None):
    print("  %s: median %.4f s, min %.4f s, max %.4f s%s"
          % (title, statistics.median(times), min(times), max(times),
             "" if target is None else " (target <= %g s)" % target))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--agent-dir", default=None)
    args = parser.parse_args()
    agent_dir = args.agent_dir or bench_agent.default_agent_dir()
    print("agent: %s\npython: %s %s\n" % (agent_dir, sys.executable, sys.version.split()[0]))
    app = bench_refs.App(agent_dir, args.objects)
    pid = app.process.pid
    try:
        app.ask({"type": "census"})     # the start-up's garbage goes in the collections it causes
        census, _ = app.ask({"type": "census"})
        print("heap: %d objects, %.1f MB (census %.3f s)"
              % (census["objects"], census["bytes"] / MB, census["elapsed"]))

        peak_known = reset_peak(pid)
        rss_before = status(pid, "VmRSS")
        reply, first = app.ask({"type": "dominators", "handle": None, "limit": 100})
        peak = status(pid, "VmHWM") - rss_before
        kept = status(pid, "VmRSS") - rss_before
        objects = reply["total_objects"] + reply["unreachable_objects"]
        size = reply["total_bytes"] + reply["unreachable_bytes"]
        if (objects, size) != (census["objects"], census["bytes"]):
            print("warning: the tree counts %d objects, %d bytes; the census before %d, %d"
                  % (objects, size, census["objects"], census["bytes"]))
        print("first dominators (the tree computed): %.3f s, %.3f s of it in the child"
              " (target <= 1 s)" % (first, reply["elapsed"]))
        print("  tree: %d objects, %.1f MB; unreachable %d objects, %.1f KB; the root's"
              " first of %d: %s, %.1f MB"
              % (reply["total_objects"], reply["total_bytes"] / MB, reply["unreachable_objects"],
                 reply["unreachable_bytes"] / 1024, reply["total"], reply["objects"][0]["type"],
                 reply["objects"][0]["retained"] / MB))
        if peak_known:
            print("  extra peak memory in the child: %.1f MB (%.1f bytes an object; target <= 40 MB);"
                  " kept: %.1f MB" % (peak / MB, peak / objects, kept / MB))
        else:
            print("  extra peak memory: unknown (/proc/PID/clear_refs refused); kept: %.1f MB"
                  % (kept / MB))
        biggest = reply["objects"][0]["handle"]

        found, _ = app.ask({"type": "instances", "type_name": "__main__.Target", "limit": 1})
        target = found["objects"][0]["handle"]
        print("with the tree kept:")
        times, answer = timed(app, {"type": "retained", "handles": [target]}, args.rounds)
        assert answer["elapsed"] == 0.0 and answer["objects"][0]["retained"] is not None
        line("retained of one object", times, 0.01)
        times, answer = timed(app, {"type": "dominators", "handle": None, "limit": 100}, args.rounds)
        assert answer["elapsed"] == 0.0
        line("dominators, the root's first 100", times)
        times, answer = timed(app, {"type": "dominators", "handle": biggest, "limit": 100},
                              args.rounds)
        line("dominators, the largest object's first 100 (of %d)" % answer["total"], times)

        times = []
        for _ in range(3):
            answer, elapsed = app.ask({"type": "dominators", "handle": None, "limit": 100,
                                       "refresh": True})
            times.append(elapsed)
        line("dominators with refresh (computed again, 3 rounds)", times)
    finally:
        app.close()


if __name__ == "__main__":
    main()
