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

Everything else in this package is private: the agent thread (``_agent``), the
census (``_census``, with the optional C accelerator ``_accel``), sizes
(``_sizes``), the wire format (``_codec``) and the script runner used by
heapscope_bootstrap.py (``_run``).
"""

from ._agent import snapshot
from ._sizes import asizeof, flatsize

__all__ = ["snapshot", "asizeof", "flatsize"]
