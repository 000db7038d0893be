"""Grows a list of Leaf objects for a while, printing as it goes.

Usage: grows.py SECONDS
"""
import sys
import time


class Leaf:
    def __init__(self, n):
        self.n = n


leaves = []
deadline = time.monotonic() + float(sys.argv[1])
step = 0
while time.monotonic() < deadline:
    leaves.extend(Leaf(i) for i in range(500))
    step += 1
    print("step %d" % step, flush=True)
    time.sleep(0.05)
