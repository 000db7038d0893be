#!/usr/bin/env python3
"""The child of bench-round-trip and bench-referrer-tree: build a synthetic heap, then wait.

    python3 round_trip_heap.py [--objects N] [--fan-out F]

It builds about N objects (default 1 M) of the same mix as bench_agent.py
(instances of classes with and without __slots__, dicts, lists, strs, ints,
floats, tuples, nested containers), marks the moment the heap is complete
with heapscope.snapshot("ready") when it runs under Heapscope, and then
sleeps until it is stopped. With --fan-out F, the heap also holds the
referrer tree of bench_refs.py: one Target held by F Holders, each of them
held by F lists of its own (and by nothing else).
"""

import argparse
import gc
import sys
import time


class Plain:
    def __init__(self, i):
        self.number = i * 1000003
        self.label = "plain-%d" % i
        self.ratio = i / 7.0


class Slotted:
    __slots__ = ("pair", "tag")

    def __init__(self, i):
        self.pair = (i + 0.5, i + 0.25)
        self.tag = i * 1000033


def build(n):
    """About n objects, in units of 20 (the census gives the exact count)."""
    heap = []
    for i in range(n // 20):
        heap.append(Plain(i))                              # instance, int, str, float: 4
        heap.append(Slotted(i))                            # instance, tuple, 2 floats, int: 5
        heap.append({"key": i * 1000037, "name": str(i)})  # dict, int, str: 3
        heap.append([i * 1000039, (i * 1000049, "x%d" % i)])  # list, int, tuple, int, str: 5
        heap.append((float(i) * 3.0, [None]))              # tuple, float, list: 3
    return heap


class Target:
    pass


class Holder:
    def __init__(self, target):
        self.target = target


def build_fan(fan_out):
    """The lists that hold the holders of one Target (kept by nothing else)."""
    target = Target()
    return [[[holder] for _ in range(fan_out)] for holder in [Holder(target) for _ in range(fan_out)]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000000)
    parser.add_argument("--fan-out", type=int, default=0)
    args = parser.parse_args()

    begin = time.perf_counter()
    heap = build(args.objects)
    if args.fan_out > 0:
        heap.append(build_fan(args.fan_out))
    gc.collect()
    print("built %d containers in %.2f s" % (len(heap), time.perf_counter() - begin), flush=True)
    try:
        import heapscope
    except ImportError:
        heapscope = None
    if heapscope is not None:
        heapscope.snapshot("ready")
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
