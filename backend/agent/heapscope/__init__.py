"""Heapscope's agent, injected into a Python program to watch its heap.

A script may call ``heapscope.snapshot("label")`` to record its heap at a point it
chooses; outside Heapscope ``import heapscope`` fails, and inside it the calls are
cheap no-ops when no app is connected.
"""

from heapscope._agent import snapshot, active

__all__ = ["snapshot", "active"]
