"""Four holders of bytes, in a global, then waits to be stopped.

"large", "medium" and "small" hold 100 000, 10 000 and 1 000 bytes alone;
"sharer" refers to 1 000 000 bytes a global holds too. By retained size
"large" comes first; by deep size, "sharer".
"""
import time


class Holder:
    def __init__(self, name, blob):
        self.name = name
        self.blob = blob


shared = bytes(1000000)
holders = [Holder("small", bytes(1000)), Holder("sharer", shared), Holder("large", bytes(100000)),
           Holder("medium", bytes(10000))]
while True:
    time.sleep(1)
