"""Holds 2 000 buffers of 1 000 bytes in one list, in a global, then waits to be stopped.

The list is what holds the most: about 2 MB retained, 2 001 objects.
"""
import time

hog = [bytes(1000) + b"%d" % n for n in range(2000)]
while True:
    time.sleep(1)
