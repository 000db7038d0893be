"""Keeps its newest 1000 Foo and 1000 Bar, making new ones all the time.

Never more than 1000 of each are alive at once: the oldest goes before the
next is made. A Bar has no weak references (__slots__ without __weakref__).
Whatever the app looks at, a census must never count more than 1000 of either.
"""
import collections
import time

CAP = 1000


class Foo:
    def __init__(self, n):
        self.n = n
        self.tags = [n]


class Bar:
    __slots__ = ("n", "tags")

    def __init__(self, n):
        self.n = n
        self.tags = [n]


foos = collections.deque(maxlen=CAP)
bars = collections.deque(maxlen=CAP)
made = 0
print("ready", flush=True)
while True:
    for _ in range(200):
        if len(foos) == CAP:
            foos.popleft()
        foos.append(Foo(made))
        if len(bars) == CAP:
            bars.popleft()
        bars.append(Bar(made))
        made += 1
    time.sleep(0.002)
