"""Makes 100 reference cycles (pairs of objects) and collects them, again and
again, until it is stopped."""
import gc
import time


class Pair:
    def __init__(self):
        self.other = None


def make_cycles(count):
    for _ in range(count):
        first, second = Pair(), Pair()
        first.other, second.other = second, first


print("ready", flush=True)
while True:
    make_cycles(100)
    gc.collect()
    time.sleep(0.1)
