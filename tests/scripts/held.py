"""Builds a list of objects in a global and ends, with the exit code given, if any.

Run with the launch option hold, the process stays at the script's end; the
atexit handler says when the hold is over.
"""
import atexit
import os
import sys


class Item:
    def __init__(self, n):
        self.n = n


items = [Item(n) for n in range(100)]
atexit.register(lambda: print("atexit ran with %d items" % len(items), flush=True))
print("pid %d" % os.getpid(), flush=True)
if len(sys.argv) > 1:
    sys.exit(int(sys.argv[1]))
