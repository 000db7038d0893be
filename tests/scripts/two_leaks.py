"""Two leaks of the same class, held through two different roots.

Usage: two_leaks.py [ROUNDS [SNAPSHOTS]]

Each round (every 50 ms, 20 rounds by default) adds 30 Request objects to a
module-level response cache, keyed by a request number, and 10 more to the
pending list of a Session object held by a class attribute. A third of the
cache's requests are dropped again, so the count rises steadily but not
evenly. After the last round the script calls heapscope.snapshot("loaded")
and ends: `heapscope --why __main__.Request --at loaded` and the final
report must both name the two roots, the cache the bigger. With SNAPSHOTS,
that many snapshots are taken along the rounds too: the run then has that
many samples at least, however far apart a busy machine spaces the others.
"""
import sys
import time

try:
    import heapscope
except ImportError:             # run outside Heapscope
    heapscope = None


class Request:
    __slots__ = ("number", "payload")

    def __init__(self, number):
        self.number = number
        self.payload = bytes(64)


class Session:
    def __init__(self):
        self.pending = []


class Registry:
    session = Session()


_RESPONSE_CACHE = {}


def serve(rounds, snapshots):
    number = 0
    for round_number in range(rounds):
        if heapscope is not None and snapshots and round_number % max(rounds // snapshots, 1) == 0:
            heapscope.snapshot("round %d" % round_number)
        for _ in range(30):
            number += 1
            _RESPONSE_CACHE[number] = Request(number)
            if number % 3 == 0:
                _RESPONSE_CACHE.pop(number - 1, None)
        for _ in range(10):
            number += 1
            Registry.session.pending.append(Request(number))
        time.sleep(0.05)


serve(int(sys.argv[1]) if len(sys.argv) > 1 else 20, int(sys.argv[2]) if len(sys.argv) > 2 else 0)
if heapscope is not None:
    heapscope.snapshot("loaded")
print("cached", len(_RESPONSE_CACHE), "pending", len(Registry.session.pending), flush=True)
