"""Pympler's tutorial, example 4, tracked through heapscope (lists instead of
numpy arrays): two classes, the snapshots "Start", "Intermediate", "End" and,
after a detach, "Last".  Active instances at each: generators 0, 2, 1, 0;
distributions 0, 2, 1, 1.
"""
import heapscope


class RandomNumberGenerator:
    def __init__(self, size):
        self.randomInts = list(range(1000, 1000 + size))


class RandDistribution:
    def __init__(self, size):
        self.uniformDist = [float(i) for i in range(size)]


heapscope.track_class(RandomNumberGenerator, name="RandomNumberGenerator", trace=True)
heapscope.track_class(RandDistribution, name="RandDistribution", resolution_level=1, keep=True)
heapscope.snapshot("Start")
randOne = RandomNumberGenerator(1500)
randTwo = RandomNumberGenerator(1500)
unifDistOne = RandDistribution(150)
unifDistTwo = RandDistribution(150)
heapscope.snapshot("Intermediate")
del randTwo, unifDistTwo
heapscope.snapshot("End")
heapscope.detach_class(RandomNumberGenerator)
del randOne
rand3 = RandomNumberGenerator(1000)
heapscope.snapshot("Last")
