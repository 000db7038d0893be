"""Write a dump of Pympler's ClassTracker, and what it implies, for test-pympler-import.

    python3 pympler_dump.py SCENARIO DUMP EXPECTED

Needs Pympler (``import pympler``). SCENARIO is "tutorial" (the tutorial's
fourth example: two classes, snapshots Start, Intermediate, End, a detach,
Last, with plain lists where the tutorial has NumPy arrays) or "detail"
(resolution level 2 and creation stacks). EXPECTED gets JSON: per snapshot,
per class name, the live instances sized then and their total size; the
instances of each class; the traced ones' innermost frame.
"""

import json
import sys

from pympler import classtracker


class RandomNumberGenerator:
    def __init__(self, size):
        self.random_ints = list(range(size))


class RandDistribution:
    def __init__(self, size):
        self.uniform_dist = [i / 7 for i in range(size)]


class Node:
    def __init__(self, name, children=()):
        self.name = name
        self.children = list(children)
        self.payload = bytearray(64 * len(name))


def tutorial(tracker):
    tracker.track_class(RandomNumberGenerator, name=RandomNumberGenerator.__name__)
    tracker.track_class(RandDistribution, name=RandDistribution.__name__)
    tracker.create_snapshot(description="Start")

    rand_one = RandomNumberGenerator(1500)
    rand_two = RandomNumberGenerator(1500)
    unif_one = RandDistribution(150)
    unif_two = RandDistribution(150)
    tracker.create_snapshot(description="Intermediate")

    del rand_two, unif_two
    tracker.create_snapshot(description="End")

    tracker.detach_class(RandomNumberGenerator)
    del rand_one
    rand_three = RandomNumberGenerator(1000)     # not tracked any more
    tracker.create_snapshot(description="Last")
    return [unif_one, rand_three]


def detail(tracker):
    tracker.track_class(Node, resolution_level=2, trace=True, keep=False)
    early = Node("early")                        # born before the first snapshot
    tracker.create_snapshot(description="one")
    tree = Node("root", [Node("left"), Node("right", [Node("leaf")])])
    short = Node("short-lived")                  # born and dead between two snapshots
    del short
    tracker.create_snapshot(description="two")
    tree.children.append(Node("late"))
    tracker.create_snapshot()                    # no description, as periodic ones have
    del tree
    return [early]


def expectations(tracker):
    snapshots = []
    for snapshot in tracker.snapshots:
        classes = {}
        for name, tobjs in tracker.index.items():
            active = 0
            total = 0
            for tobj in tobjs:
                alive = tobj.birth <= snapshot.timestamp and (
                    tobj.death is None or tobj.death > snapshot.timestamp)
                sizes = [s.size for (t, s) in tobj.snapshots if t == snapshot.timestamp]
                if alive and sizes:
                    active += 1
                    total += sizes[-1]
            classes[name] = {"active": active, "size": total}
        snapshots.append({"label": snapshot.desc, "classes": classes})
    instances = {name: len(tobjs) for name, tobjs in tracker.index.items()}
    # Alive when the dump was written, and measured at a snapshot.
    alive = {name: sum(1 for t in tobjs if t.death is None and len(t.snapshots) > 1)
             for name, tobjs in tracker.index.items()}
    traces = sorted({(t.trace[-1][0], t.trace[-1][1], t.trace[-1][2])
                     for tobjs in tracker.index.values() for t in tobjs if t.trace})
    return {"snapshots": snapshots, "instances": instances, "alive": alive,
            "traces": [list(frame) for frame in traces]}


def main():
    scenario, dump, expected = sys.argv[1:4]
    tracker = classtracker.ClassTracker(stream=open("/dev/null", "w"))
    keep = {"tutorial": tutorial, "detail": detail}[scenario](tracker)
    # As the tutorial does: the summary annotates the snapshots that are dumped.
    tracker.stats.print_summary()
    tracker.stats.dump_stats(dump)
    with open(expected, "w") as out:
        json.dump(expectations(tracker), out, indent=1)
    tracker.close()
    del keep


if __name__ == "__main__":
    main()
