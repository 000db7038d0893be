#!/usr/bin/env python3
"""Benchmark of class tracking in the agent (not a test).

    python3 tests/bench/bench_tracker.py [--agent-dir DIR] [--n 100000] [--pympler DIR]

DIR is a runnable agent directory (default: $HS_AGENT_DIR, else build/backend/agent).
In a fresh child process for each figure, with N instances of a small class
(two attributes, one a list):

- creating N instances untracked, tracked (trace off) and tracked with trace
  on: best of 5, and the ratio to untracked;
- one snapshot of the N live tracked instances at resolution level 0 (what a
  census adds: size every instance as Pympler's create_snapshot), and the
  same when all N were born since the one before (their births reported too);
- bookkeeping bytes per live tracked instance (the C tables), and what is left
  once they are dead and a snapshot has reported it.

With Pympler importable (or its source tree given with --pympler), the same
creation under its ClassTracker.track_class and its create_snapshot are timed too.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import bench_agent  # noqa: E402  (the child's import of Pympler)

COMMON = r'''
import gc, json, sys, time
class Item:
    def __init__(self, i):
        self.i = i
        self.parts = [i]

def make(n):
    begin = time.perf_counter()
    made = [Item(i) for i in range(n)]
    return time.perf_counter() - begin, made

def best(n, runs=5):
    times = []
    for _ in range(runs):
        spent, made = make(n)
        times.append(spent)
        del made
        gc.collect()
    return min(times)
'''

HEAPSCOPE = COMMON + r'''
sys.path.insert(0, AGENT_DIR)
from heapscope import _tracker
_tracker.configure(time.monotonic())
result = {"untracked": best(N)}
_tracker.track_class(Item)
_tracker.report(lambda obj, ctx: None, None)
result["tracked"] = best(N)
_tracker.report(lambda obj, ctx: None, None)
spent, kept = make(N)
begin = time.perf_counter()
_tracker.report(lambda obj, ctx: None, None)
result["snapshot_births"] = time.perf_counter() - begin
begin = time.perf_counter()
_tracker.report(lambda obj, ctx: None, None)
result["snapshot"] = time.perf_counter() - begin
live, used = _tracker.footprint()
result["bytes_per_instance"] = used / live
del kept
gc.collect()
_tracker.report(lambda obj, ctx: None, None)
result["live_after_death"] = _tracker.footprint()[0]
_tracker.track_class(Item, trace=True)
result["traced"] = best(N, 3)
print(json.dumps(result))
'''

PYMPLER = COMMON + bench_agent.pympler_import("from pympler.classtracker import ClassTracker") + r'''
result = {"untracked": best(N)}
tracker = ClassTracker()
tracker.track_class(Item)
result["tracked"] = best(N, 3)
tracker.detach_all()
tracker.track_class(Item)
spent, kept = make(N)
begin = time.perf_counter()
tracker.create_snapshot()
result["snapshot"] = time.perf_counter() - begin
print(json.dumps(result))
'''


def run(code, **values):
    prefix = "".join("%s = %r\n" % item for item in values.items())
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable, "-c", prefix + code], env=env, check=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out.decode().strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agent-dir", default=os.environ.get("HS_AGENT_DIR")
                        or os.path.join(REPO, "build", "backend", "agent"))
    parser.add_argument("--n", type=int, default=100000)
    parser.add_argument("--pympler", default="", help="a Pympler source tree to import")
    args = parser.parse_args()

    ours = run(HEAPSCOPE, AGENT_DIR=os.path.abspath(args.agent_dir), N=args.n)
    theirs = run(PYMPLER, PYMPLER_DIR=args.pympler, N=args.n)
    n = args.n

    def anchor(key, scale=1.0, fmt="%.3f s"):
        return fmt % (theirs[key] * scale) if key in theirs else "—"

    print("class tracking, %d instances of a small class (%s)" % (n, sys.version.split()[0]))
    print("%-44s %14s %14s" % ("what", "Heapscope", "Pympler"))
    print("%-44s %14s %14s" % ("create %d, untracked" % n, "%.3f s" % ours["untracked"],
                               anchor("untracked")))
    print("%-44s %14s %14s" % ("create %d, tracked (trace off)" % n, "%.3f s" % ours["tracked"],
                               anchor("tracked")))
    ratio = ours["tracked"] / ours["untracked"]
    their_ratio = ("%.1f×" % (theirs["tracked"] / theirs["untracked"])) if theirs else "—"
    print("%-44s %14s %14s" % ("  tracked / untracked (goal ≤ 2×)", "%.2f×" % ratio, their_ratio))
    print("%-44s %14s %14s" % ("create %d, tracked with trace on" % n, "%.3f s" % ours["traced"], "—"))
    print("%-44s %14s %14s" % ("  traced / untracked", "%.2f×" % (ours["traced"] / ours["untracked"]),
                               "—"))
    print("%-44s %14s %14s" % ("snapshot of %d live, level 0 (goal ≤ 0.2 s)" % n,
                               "%.3f s" % ours["snapshot"], anchor("snapshot")))
    print("%-44s %14s %14s" % ("  the same, all %d born since the last" % n,
                               "%.3f s" % ours["snapshot_births"], "—"))
    print("%-44s %14s %14s" % ("bookkeeping per live instance (goal ≤ 64 B)",
                               "%.0f B" % ours["bytes_per_instance"], "—"))
    print("%-44s %14s %14s" % ("records left once dead and reported", "%d" % ours["live_after_death"],
                               "—"))


if __name__ == "__main__":
    main()
