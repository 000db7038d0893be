"""Grows to a peak of about 64 MB, lets it go, and ends small.

The report of its recording must still say where it peaked.
"""
import time

try:
    import heapscope
except ImportError:
    heapscope = None

big = [bytearray(1 << 20) for _ in range(64)]
if heapscope is not None:
    heapscope.snapshot("holding the big buffers")
time.sleep(0.5)
del big
time.sleep(0.5)
print("let go", flush=True)
