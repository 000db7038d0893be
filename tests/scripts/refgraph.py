"""A ring of three nodes held from a global dict, drawn by the script itself:
heapscope.refgraph writes it to the file named by the first argument."""
import sys

import heapscope


class Node:
    def __init__(self, name):
        self.name = name
        self.next = None


first, second, third = Node("first"), Node("second"), Node("third")
first.next = second
second.next = third
third.next = first            # a reference cycle
REGISTRY = {"ring": first}
del first, third

heapscope.refgraph(second, depth=4, filename=sys.argv[1] if len(sys.argv) > 1 else None)
