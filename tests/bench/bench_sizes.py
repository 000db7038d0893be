#!/usr/bin/env python3
"""Benchmark of heapscope.asizeof (not a test).

    python3 tests/bench/bench_sizes.py [--objects N] [--repeat R] [--agent-dir DIR] [--pure]

DIR is a runnable agent directory (default: $HS_AGENT_DIR, else the source
tree, without the accelerator). It builds a structure of about N objects (the
mix of bench_agent.py: instances of classes with and without __slots__, dicts,
lists, strs, ints, floats, tuples, nested containers), times the deep size of
it R times and prints the median, with the C walk and (--pure) the pure Python
one; then the inspector's size breakdown of a dict of --breakdown objects. If Pympler is importable, its asizeof of the same structure is timed too
(limit raised, so that it sees the whole structure); as it creates the instance
dicts that CPython 3.11+ keeps inline, heapscope is then timed again on the
structure with those dicts, and both byte counts must be the same.
"""

import argparse
import gc
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_AGENT = os.path.join(HERE, "..", "..", "backend", "agent")


# The same mix as the other benchmarks: instances with and without __slots__,
# dicts, lists, strs, ints, floats, tuples, nested containers.
sys.path.insert(0, HERE)
from round_trip_heap import build  # noqa: E402


def timed(function, repeat):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


class Entry:
    def __init__(self, number):
        self.number = number
        self.payload = "x" * (number % 50)


def breakdown(count, repeat):
    """The inspector's size breakdown (detail 2) of a dict of `count` objects:
    what the app waits for when such a dict is selected, beside asized's."""
    from heapscope import _refs, _sizes
    index = {number: Entry(number) for number in range(count)}
    seconds, tree = timed(lambda: _refs.size_tree(index, 2), repeat)
    if tree["size"] != _sizes.asizeof(index):
        raise SystemExit("the breakdown's size is not the deep size")
    print("%-34s median %.3f s of %d   %d bytes, %d nodes shown"
          % ("breakdown, dict of %d" % count, seconds, repeat, tree["size"],
             1 + len(tree["refs"]) + sum(len(ref["refs"]) for ref in tree["refs"])))
    seconds, _ = timed(lambda: _sizes.asized(index, detail=2), 1)
    print("%-34s %.3f s (every item broken down)" % ("asized(detail=2) of the same", seconds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--agent-dir", default=os.environ.get("HS_AGENT_DIR") or SOURCE_AGENT)
    parser.add_argument("--pure", action="store_true", help="also time the pure Python walk")
    parser.add_argument("--breakdown", type=int, default=200000,
                        help="items of the dict whose inspector breakdown is timed")
    args = parser.parse_args()

    sys.path.insert(0, os.path.abspath(args.agent_dir))
    from heapscope import _sizes

    heap = build(args.objects)
    gc.collect()
    print("structure: %d objects (about), Python %s" % (args.objects, sys.version.split()[0]))
    paths = []
    if _sizes.accelerated():
        paths.append(("heapscope asizeof, C", True))
    if args.pure or not _sizes.accelerated():
        paths.append(("heapscope asizeof, pure Python", False))
    for label, use_accel in paths:
        seconds, size = timed(lambda: _sizes.asizeof(heap, use_accel=use_accel), args.repeat)
        print("%-34s median %.3f s of %d   %d bytes" % (label, seconds, args.repeat, size))
    breakdown(args.breakdown, args.repeat)

    try:
        from pympler import asizeof as pympler_asizeof
    except ImportError:
        print("pympler: not installed, not compared")
        return 0
    # Pympler reads every instance's __dict__, which creates the dicts kept
    # inline (3.11+); once they exist, both must count the same bytes.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    runs = min(args.repeat, 3)
    seconds, size = timed(lambda: pympler_asizeof.asizeof(heap, limit=1000), runs)
    print("%-34s median %.3f s of %d   %d bytes (instance dicts made by it)"
          % ("pympler asizeof", seconds, runs, size))
    for label, use_accel in paths:
        ours, same = timed(lambda: _sizes.asizeof(heap, use_accel=use_accel), args.repeat)
        print("%-34s median %.3f s of %d   %d bytes, %s, %.2fx Pympler's time"
              % (label + " (dicts made)", ours, args.repeat, same,
                 "same bytes" if same == size else "DIFFERENT BYTES", ours / seconds))
        if same != size:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
