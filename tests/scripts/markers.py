"""Creates exactly 12 345 Marker instances and says what they cost.

expected-size: sys.getsizeof of each, as Pympler's summary charges them.
allocated-size: what tracemalloc saw CPython allocate for them (inline values too).
"""
import sys
import time
import tracemalloc

COUNT = 12345


class Marker:
    def __init__(self):
        self.name = None
        self.value = None


Marker()  # the class's shared keys are made once, before measuring

tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
markers = [Marker() for _ in range(COUNT)]
after = tracemalloc.get_traced_memory()[0]
tracemalloc.stop()

print("expected-size %d" % sum(sys.getsizeof(m) for m in markers), flush=True)
print("allocated-size %d" % (after - before - sys.getsizeof(markers)), flush=True)
print("argv %r" % (sys.argv,), flush=True)

try:
    import heapscope
    heapscope.snapshot("markers made")
except ImportError:
    pass

time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 1.5)
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
