"""A Target held by 100 Holders, each held by 100 lists of its own, in a heap
of N other objects (argv[1], default 0); then waits to be stopped.

Its referrers to depth 2, 101 shown per node, are the 10 102-node graph:
the Target, the Holders, their 10 000 lists and the module.
"""
import sys
import time


class Target:
    pass


class Holder:
    def __init__(self, target):
        self.target = target


class Filler:
    def __init__(self, number):
        self.number = number
        self.name = "filler %d" % number


def fill(n):
    """About n objects: instances with their attributes, lists, dicts, tuples."""
    heap = []
    for number in range(n // 6):
        item = Filler(number)
        heap.append([item, {"n": number}, (number, item)])
    return heap


heap = fill(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
target = Target()
holders = [Holder(target) for _ in range(100)]
fans = [[[holder] for _ in range(100)] for holder in holders]
del holders
while True:
    time.sleep(1)
