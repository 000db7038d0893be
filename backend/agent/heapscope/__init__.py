"""Heapscope's agent, running inside the program Heapscope watches.

A script run by Heapscope can mark moments in its life::

    import heapscope
    heapscope.snapshot("after load")

``snapshot()`` takes a census of the heap at once, in the calling thread, and
shows it in Heapscope under its label. Outside Heapscope it does nothing and
returns None, so the call can stay in the script.

It can also ask what one structure costs, inside Heapscope or not::

    heapscope.asizeof(cache)     # deep size in bytes: cache and all it holds
    heapscope.flatsize(cache)    # the object alone

``asizeof`` and ``flatsize`` are defined as Pympler's ``asizeof`` functions,
without their faults: they never change the heap they measure, have no depth
limit, and charge an instance the attribute storage CPython really allocated
(see ``_sizes``; ``_sizes.asized`` gives a breakdown by attribute and item).

It can track classes as Pympler's ClassTracker does, with the same names::

    heapscope.track_class(Order, resolution_level=1, trace=True)
    heapscope.track_object(cache, name="cache")
    heapscope.start_periodic_snapshots(1.0)

Heapscope's Classes page then shows which instances live, how long and how
big (see ``_tracker``). Outside Heapscope these calls do nothing either.

It can show why something is alive, as objgraph's ``show_backrefs`` does::

    heapscope.refgraph(order)                               # who holds it, 3 levels up
    heapscope.refgraph([a, b], direction="both", depth=2)
    heapscope.refgraph(order, filename="order.dot")         # outside Heapscope: a DOT file

Inside Heapscope the graph opens in Heapscope; outside, it is written as
Graphviz text to ``filename`` when one is given (see ``_graph``).

And it can say, in one line, why one object is alive, inside Heapscope or not::

    print(heapscope.why(order))
    # __main__.Order <- dict [key 17] <- module(__main__) [global ORDERS] (root: module)

Everything else in this package is private: the agent thread (``_agent``), the
census (``_census``, with the optional C accelerator ``_accel``), sizes
(``_sizes``), the wire format (``_codec``) and the script runner used by
heapscope_bootstrap.py (``_run``).
"""

from ._agent import snapshot, start_periodic_snapshots, stop_periodic_snapshots
from ._agent import why as _why
from ._agent import refgraph as _refgraph
from ._agent import tracking as _tracking
from ._sizes import asizeof, flatsize
from . import _tracker


def refgraph(objs, direction="referrers", depth=3, filename=None, label=None):
    """The reference graph around `objs` (one object, or a list or tuple of up
    to 100), breadth first to `depth` levels (0..20): what refers to them
    ("referrers"), what they refer to ("referents"), or both ("both").

    Inside Heapscope the graph is taken now, in this thread, and shown under
    `label` (default "graph N"); `filename` goes with it. Outside Heapscope
    it is written to `filename` as Graphviz DOT text (nothing happens without
    one). At most 20 neighbours are shown per object, the rest counted; the
    path from the first object to a root is marked when walking upward; the
    objects Heapscope itself uses never appear. Returns None.
    """
    _refgraph(objs, direction, depth, filename, label)


def why(obj):
    """Why `obj` is alive: its shortest path to a root (a module's global, a
    class attribute, a running frame's local), as one line of text, each
    step with how it holds the one before --
    "__main__.Order <- dict [key 17] <- module(__main__) [global ORDERS] (root: module)"
    -- or why no root holds it (garbage not freed yet, held from C code).
    Works inside Heapscope and outside; runs no code of the program.
    """
    return _why(obj)


def track_class(cls, name=None, resolution_level=0, keep=False, trace=False):
    """Track every instance of `cls` and its subclasses, those alive now too.

    `name` is shown for the class (default: module.class); `resolution_level`
    is how deep referents are itemised; `trace` records each instance's
    creation stack; `keep` keeps a dead instance's data in the session (it
    never keeps the instance alive). Tracking it again changes the options.
    TypeError for what is not a class defined in Python.
    """
    _tracking(_tracker.track_class, cls, name=name, resolution_level=resolution_level,
              keep=keep, trace=trace)


def track_object(instance, name=None, resolution_level=0, keep=False, trace=False):
    """Track one object, an instance of a class defined in Python."""
    _tracking(_tracker.track_object, instance, name=name, resolution_level=resolution_level,
              keep=keep, trace=trace)


def track_change(instance, resolution_level=0):
    """Change a tracked object's resolution level; KeyError when it is not tracked."""
    _tracking(_tracker.track_change, instance, resolution_level)


def detach_class(cls):
    """Track no new instances of `cls`; those tracked stay tracked."""
    _tracking(_tracker.detach_class, cls)


def detach_all():
    """Stop tracking every class and object."""
    _tracking(_tracker.detach_all)


__all__ = ["snapshot", "refgraph", "why", "asizeof", "flatsize", "track_class", "track_object", "track_change",
           "detach_class", "detach_all", "start_periodic_snapshots", "stop_periodic_snapshots"]
