# Reference data: the objects of asizeof_cases_cpython311.json, whose figures were measured with Pympler 1.1 on CPython 3.11.2 (Debian 12, 64-bit); kept as measured.
"""Objects for the asizeof reference cases: eval each case's "expr" in this module's namespace."""
import array, collections, datetime, decimal, fractions

class Plain:
    def __init__(self, n):
        self.n = n
        self.name = 'plain-%d' % n
        self.items = list(range(n))

class Slotted:
    __slots__ = ('n', 'name', 'items')
    def __init__(self, n):
        self.n = n
        self.name = 'slotted-%d' % n
        self.items = list(range(n))

Point = collections.namedtuple('Point', 'x y')

class Node:
    def __init__(self, value, nxt=None):
        self.value = value
        self.next = nxt

def make_linked(n):
    head = None
    for i in range(n):
        head = Node(i, head)
    return head

class SlotNode:
    __slots__ = ('value', 'next')
    def __init__(self, value, nxt=None):
        self.value = value
        self.next = nxt

def make_slot_linked(n):
    head = None
    for i in range(n):
        head = SlotNode(i, head)
    return head
