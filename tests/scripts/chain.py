"""Holds one Leaf by a known chain, then waits to be stopped.

    module global `registry` -> dict (key 'entry') -> list (index 0) -> Leaf

A Twig is held by a closure variable and refers to the Leaf by an attribute.
"""
import time


class Leaf:
    def __init__(self):
        self.name = "target"
        self.value = 1


class Twig:
    def __init__(self, leaf):
        self.leaf = leaf


registry = {"entry": [Leaf()]}


def make_holder(twig):
    def holder():
        return twig
    return holder


hold_twig = make_holder(Twig(registry["entry"][0]))
print("ready", flush=True)
while True:
    time.sleep(0.05)
