"""Creates exactly 12 345 Marker instances and says what they cost.

expected-size: what tracemalloc saw CPython allocate for them: object, GC header,
and the attribute values a 3.11+ instance keeps inline (Pympler's sys.getsizeof
misses those).
"""
import sys
import time
import tracemalloc

COUNT = 12345


class Marker:
    def __init__(self):
        self.name = None
        self.value = None


# A young class's first instances get larger value arrays; measure settled ones.
warm_up = [Marker() for _ in range(64)]
del warm_up

# Only allocations made from this file count: the agent's thread may be taking a
# census meanwhile, and its allocations are traced too.
tracemalloc.start()
markers = [Marker() for _ in range(COUNT)]
here = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, __file__)])
tracemalloc.stop()
before, after = 0, sum(stat.size for stat in here.statistics("filename"))

# tracemalloc's total carries a few bytes of unrelated allocations: round per instance.
per_instance = round((after - before - sys.getsizeof(markers)) / COUNT)
print("expected-size %d" % (per_instance * COUNT), flush=True)
print("argv %r" % (sys.argv,), flush=True)

try:
    import heapscope
    heapscope.snapshot("markers made")
except ImportError:
    pass

time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 1.5)
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
