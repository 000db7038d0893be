"""Heapscope's agent, running inside the program Heapscope watches.

A script run by Heapscope can mark moments in its life::

    import heapscope
    heapscope.snapshot("after load")

``snapshot()`` takes a census of the heap at once, in the calling thread, and
shows it in Heapscope under its label. Outside Heapscope it does nothing and
returns None, so the call can stay in the script.

Everything else in this package is private: the agent thread (``_agent``), the
census (``_census``, with the optional C accelerator ``_accel``), the wire format
(``_codec``) and the script runner used by heapscope_bootstrap.py (``_run``).
"""

from ._agent import snapshot

__all__ = ["snapshot"]
