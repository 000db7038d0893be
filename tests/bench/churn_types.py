"""A program with thousands of types whose counts change all the time.

    python3 churn_types.py [TYPES] [SECONDS]

Every 10 ms it makes or drops 2 000 instances of randomly chosen classes, so
every census finds most rows changed: the window's worst ordinary case.
"""
import random
import sys
import time

n_types = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
duration = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0

classes = [type("Kind%05d" % i, (), {}) for i in range(n_types)]
live = {cls: [] for cls in classes}
rng = random.Random(1)
end = time.monotonic() + duration
while time.monotonic() < end:
    for _ in range(2000):
        cls = classes[rng.randrange(n_types)]
        bucket = live[cls]
        if bucket and rng.random() < 0.5:
            bucket.pop()
        else:
            bucket.append(cls())
    time.sleep(0.01)
print("churned %d types for %g s" % (n_types, duration))
