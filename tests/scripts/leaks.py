"""Leaks Leaked objects steadily, and churns Churned ones through a cache.

Usage: leaks.py [SECONDS [SNAPSHOTS]]

Every 50 ms 100 more Leaked are kept for good, and 200 Churned go into a
cache that is emptied once a second: the cache's count rises for a second and
falls back, again and again; the leak's only rises. A Churned is bigger than
a Leaked, and at its peak the cache holds twice as many: by size alone it
would rank first. With SNAPSHOTS, that many snapshots are taken along the
SECONDS too: the run then has that many samples at least, however far apart a
busy machine spaces the others.
"""
import sys
import time

try:
    import heapscope
except ImportError:             # run outside Heapscope
    heapscope = None


class Leaked:
    __slots__ = ("a", "b", "c", "d")

    def __init__(self):
        self.a = self.b = self.c = self.d = None


class Churned:
    __slots__ = ("a", "b", "c", "d", "e", "f", "g", "h")

    def __init__(self):
        self.a = self.b = self.c = self.d = None
        self.e = self.f = self.g = self.h = None


kept = []
cache = []
deadline = time.monotonic() + float(sys.argv[1]) if len(sys.argv) > 1 else None
emptied = time.monotonic()
snapshots = int(sys.argv[2]) if len(sys.argv) > 2 and heapscope is not None else 0
started = time.monotonic()
taken = 0
print("ready", flush=True)
while deadline is None or time.monotonic() < deadline:
    if taken < snapshots and time.monotonic() - started >= taken * float(sys.argv[1]) / snapshots:
        heapscope.snapshot("at %.1f s" % (time.monotonic() - started))
        taken += 1
    kept.extend(Leaked() for _ in range(100))
    if time.monotonic() - emptied >= 1.0:
        cache.clear()
        emptied = time.monotonic()
    else:
        cache.extend(Churned() for _ in range(200))
    time.sleep(0.05)
