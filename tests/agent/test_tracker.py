"""Class tracking (heapscope.track_class & co.) in a real child, through the link."""

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

import agenttest


class Run:
    """What the census messages of a run say about tracked classes."""

    def __init__(self, messages):
        self.censuses = [m for m in messages if m.get("type") == "census"]
        self.classes = {}
        self.class_of = {}
        self.births = {}
        self.deaths = {}
        self.traces = {}
        self.texts = {}
        self.snapshots = []     # (label, {instance id: size}) per census with "classes"
        for census in self.censuses:
            report = census.get("classes")
            if report is None:
                continue
            for record in report["tracked"]:
                self.classes[record[0]] = record
            for instance, index, _address, birth, trace in report["born"]:
                self.class_of[instance] = index
                self.births[instance] = (birth, trace)
            for instance, time in report["died"]:
                self.deaths[instance] = time
            for trace_id, frames in report["traces"]:
                self.traces[trace_id] = frames
            sizes = {}
            for instance, size, _flat, text, _detail in report["sizes"]:
                sizes[instance] = size
                if text is not None:
                    self.texts[instance] = text
            self.snapshots.append((census["label"], sizes))

    def index(self, name):
        for record in self.classes.values():
            if record[1] == name:
                return record[0]
        raise KeyError(name)

    def active(self, label, name):
        index = self.index(name)
        for snapshot_label, sizes in self.snapshots:
            if snapshot_label == label:
                return sum(1 for i in sizes if self.class_of[i] == index)
        raise KeyError(label)

    def total(self, label, name):
        index = self.index(name)
        for snapshot_label, sizes in self.snapshots:
            if snapshot_label == label:
                return sum(s for i, s in sizes.items() if self.class_of[i] == index)
        raise KeyError(label)

    def born(self, name):
        index = self.index(name)
        return [i for i, c in self.class_of.items() if c == index]


class SizesOfTest(unittest.TestCase):
    """The C sizer of a snapshot gives what the pure Python one gives."""

    def test_c_and_python_agree(self):
        from heapscope import _sizes
        if _sizes._accel is None:
            self.skipTest("no C accelerator for this Python")

        class Node:
            def __init__(self, i, shared):
                self.i = i
                self.name = "node %d" % i
                self.shared = shared
                self.items = [i, str(i), (i, i + 1), {"k": i}]

        class Slotted:
            __slots__ = ("a", "b")

            def __init__(self, a):
                self.a = a
                self.b = [a] * 3

        shared = {"big": list(range(1000))}
        objs = [Node(i, shared) for i in range(200)] + [Slotted(i) for i in range(50)]
        objs[3].other = objs[4]            # a tracked object under another: not counted
        pure = _sizes.sizes_of(objs, use_accel=False)
        fast = _sizes.sizes_of(objs, use_accel=True)
        self.assertEqual(fast, pure)
        self.assertGreater(fast[0][0], fast[1][0])   # the first pays for what is shared


class TrackerTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-track-")
        self.addCleanup(shutil.rmtree, self.dir)

    def run_script(self, text, requests=()):
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(textwrap.dedent(text))
        app = agenttest.FakeApp(path, cwd=self.dir)
        self.addCleanup(app.close)
        hello = app.receive()
        self.assertIn("classes", hello["capabilities"])
        messages = app.receive_all()
        code, out, err = app.finish()
        self.assertEqual(code, 0, err)
        return Run(messages), out

    def test_the_tutorials_snapshots(self):
        # Pympler's tutorial, example 4 (lists instead of numpy arrays): the
        # numbers its logic implies, not the ones Pympler printed.
        run, _ = self.run_script("""
            import heapscope
            class RandomNumberGenerator:
                def __init__(self, size):
                    self.randomInts = list(range(1000, 1000 + size))
            class RandDistribution:
                def __init__(self, size):
                    self.uniformDist = [float(i) for i in range(size)]
            heapscope.track_class(RandomNumberGenerator, name="RandomNumberGenerator")
            heapscope.track_class(RandDistribution, name="RandDistribution")
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
            """)
        expected = {"Start": (0, 0), "Intermediate": (2, 2), "End": (1, 1), "Last": (0, 1)}
        for label, (generators, distributions) in expected.items():
            self.assertEqual(run.active(label, "RandomNumberGenerator"), generators, label)
            self.assertEqual(run.active(label, "RandDistribution"), distributions, label)
        # One generator holds 1500 ints in a list: at least 1500 * 28 + 1500 * 8 bytes.
        one = run.total("End", "RandomNumberGenerator")
        self.assertGreater(one, 1500 * 36)
        self.assertAlmostEqual(run.total("Intermediate", "RandomNumberGenerator"), 2 * one,
                               delta=one * 0.05)
        # rand3 was made after the detach: never tracked.
        self.assertEqual(len(run.born("RandomNumberGenerator")), 2)
        self.assertFalse(run.classes[run.index("RandomNumberGenerator")][7])
        self.assertTrue(run.classes[run.index("RandDistribution")][7])

    def test_every_birth_and_death_between_snapshots(self):
        run, _ = self.run_script("""
            import heapscope
            class Brief:
                pass
            heapscope.track_class(Brief)
            heapscope.snapshot("before")
            for _ in range(1000):
                Brief()
            kept = [Brief() for _ in range(10)]
            heapscope.snapshot("after")
            """)
        born = run.born("__main__.Brief")
        self.assertEqual(len(born), 1010)
        self.assertEqual(sum(1 for i in born if i in run.deaths), 1000 + 0)
        self.assertEqual(run.active("after", "__main__.Brief"), 10)
        for instance in born:
            birth = run.births[instance][0]
            if instance in run.deaths:
                self.assertGreaterEqual(run.deaths[instance], birth)

    def test_kinds_of_classes(self):
        run, _ = self.run_script("""
            import copy, dataclasses, heapscope, pickle
            class Meta(type):
                pass
            class Base(metaclass=Meta):
                def __init__(self, *args, **kw):
                    self.args = args
            class Slotted(Base):
                __slots__ = ("a",)
            class Finalized(Base):
                def __del__(self):
                    pass
            class Raises(Base):
                def __init__(self):
                    raise ValueError("no")
            heapscope.track_class(Base)
            class Later(Base):          # defined after tracking started
                pass
            @dataclasses.dataclass
            class Data(Base):
                x: int = 0
            keep = [Base(1, k=2), Slotted(), Finalized(), Later(), Data(3)]
            keep.append(copy.copy(keep[0]))
            keep.append(pickle.loads(pickle.dumps(keep[3])))
            try:
                Raises()
            except ValueError:
                pass
            f = Finalized()
            del f
            heapscope.snapshot("all")
            """)
        born = run.born("__main__.Base")
        self.assertEqual(run.active("all", "__main__.Base"), 7)
        # + the one whose __init__ raised, + the finalized one: born and dead.
        self.assertEqual(len(born), 9)
        self.assertEqual(len([i for i in born if i in run.deaths]), 2)
        texts = " ".join(run.texts.values())
        for name in ("Slotted", "Finalized", "Later", "Data"):
            self.assertIn(name, texts)

    def test_instances_from_before_tracking(self):
        run, _ = self.run_script("""
            import heapscope
            class Old:
                pass
            many = [Old() for _ in range(100000)]
            heapscope.track_class(Old)
            new = Old()
            heapscope.snapshot("now")
            """)
        born = run.born("__main__.Old")
        self.assertEqual(len(born), 100001)
        before = [i for i in born if run.births[i][0] is None]
        self.assertEqual(len(before), 100000)
        self.assertEqual(run.active("now", "__main__.Old"), 100001)

    def test_a_report_too_large_for_a_frame_leaves_the_session_on(self):
        run, _ = self.run_script("""
            import heapscope
            class Many:
                __slots__ = ("a",)
            heapscope.track_class(Many, trace=False)
            many = [Many() for _ in range(400000)]
            heapscope.snapshot("too many")
            del many
            heapscope.snapshot("after")
            """)
        labels = [c["label"] for c in run.censuses]
        self.assertIn("too many", labels)
        self.assertIn("after", labels)
        too_many = [c for c in run.censuses if c["label"] == "too many"][0]
        self.assertNotIn("classes", too_many)

    def test_trace_names_the_line(self):
        run, _ = self.run_script("""
            import heapscope
            class Traced:
                pass
            def make():
                return Traced()
            heapscope.track_class(Traced, trace=True)
            kept = make()
            heapscope.snapshot("one")
            """)
        (instance,) = run.born("__main__.Traced")
        frames = run.traces[run.births[instance][1]]
        self.assertEqual(frames[-1][1:], [6, "make"])
        self.assertEqual(frames[-2][1:], [8, "<module>"])
        self.assertTrue(frames[-1][0].endswith("script.py"))

    def test_track_object_and_resolution_level(self):
        run, _ = self.run_script("""
            import heapscope
            class Cache:
                def __init__(self):
                    self.table = {i: str(i) for i in range(100)}
                    self.order = list(range(50))
            one, other = Cache(), Cache()
            heapscope.track_object(one, name="the cache", resolution_level=1)
            heapscope.snapshot("sized")
            heapscope.track_change(one, 0)
            heapscope.snapshot("plain")
            """)
        (instance,) = run.born("the cache")
        self.assertIsNotNone(run.births[instance][0])
        sized = [c for c in run.censuses if c.get("label") == "sized"][0]["classes"]
        (detail,) = [d[4] for d in sized["sizes"] if d[0] == instance]
        names = {ref["name"] for ref in detail["refs"]}
        self.assertTrue({"table", "order"} <= names, names)
        plain = [c for c in run.censuses if c.get("label") == "plain"][0]["classes"]
        self.assertEqual([d[4] for d in plain["sizes"]], [None])

    def test_bad_input_raises_in_the_script(self):
        _, out = self.run_script("""
            import heapscope
            class Plain:
                pass
            for call in (lambda: heapscope.track_class(42),
                         lambda: heapscope.track_class(dict),
                         lambda: heapscope.track_object(1),
                         lambda: heapscope.track_class(Plain, resolution_level=-1),
                         lambda: heapscope.track_change(Plain()),
                         lambda: heapscope.start_periodic_snapshots(0)):
                try:
                    call()
                    print("no error")
                except (TypeError, ValueError, KeyError) as error:
                    print(type(error).__name__, error)
            """)
        lines = out.splitlines()
        self.assertEqual(len(lines), 6, out)
        self.assertNotIn("no error", out)
        self.assertIn("only classes can be tracked, not int objects", lines[0])
        self.assertIn("dict is defined in C", lines[1])

    def test_a_no_op_outside_heapscope(self):
        path = os.path.join(self.dir, "plain.py")
        with open(path, "w") as stream:
            stream.write("import heapscope\n"
                         "class A: pass\n"
                         "heapscope.track_class(A, trace=True)\n"
                         "heapscope.track_object(A())\n"
                         "heapscope.start_periodic_snapshots(0.1)\n"
                         "heapscope.stop_periodic_snapshots()\n"
                         "heapscope.detach_all()\n"
                         "print(type(A).__name__, A.__init__ is object.__init__)\n")
        env = agenttest.clean_env(PYTHONPATH=agenttest.AGENT_DIR)
        result = subprocess.run([sys.executable, path], env=env, capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "type True\n")

    def test_a_forked_child_stops_tracking(self):
        _, out = self.run_script("""
            import os, heapscope
            from heapscope import _track
            class Forked:
                pass
            heapscope.track_class(Forked)
            kept = [Forked() for _ in range(10)]
            pid = os.fork()
            if pid == 0:
                more = [Forked() for _ in range(100)]
                os._exit(0 if _track.footprint()[0] == 0 else 3)
            print("child", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
            print("parent", _track.footprint()[0])
            """)
        self.assertEqual(out.split(), ["child", "0", "parent", "10"])

    def test_periodic_snapshots(self):
        run, _ = self.run_script("""
            import heapscope, threading
            class Tick:
                pass
            heapscope.track_class(Tick)
            kept = [Tick()]
            seen = threading.Event()
            heapscope.start_periodic_snapshots(0.05)
            import time
            deadline = time.monotonic() + 60
            while len(kept) < 3 and time.monotonic() < deadline:
                time.sleep(0.2)
                kept.append(Tick())
            heapscope.stop_periodic_snapshots()
            """)
        periodic = [c for c in run.censuses if c["id"] == 0 and c["label"] is None
                    and not c["final"]]
        self.assertGreaterEqual(len(periodic), 2)
        self.assertIn("classes", periodic[0])

    def test_requests_from_the_app(self):
        path = os.path.join(self.dir, "wait.py")
        with open(path, "w") as stream:
            stream.write("import sys, heapscope\n"
                         "class Job:\n"
                         "    pass\n"
                         "jobs = [Job() for _ in range(5)]\n"
                         "heapscope.snapshot('ready')\n"
                         "sys.stdin.readline()\n")
        app = agenttest.FakeApp(path, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        app.receive()
        # The class exists once the script says so.
        while app.receive().get("label") != "ready":
            pass
        app.send({"type": "track-class", "id": 1, "type_name": "__main__.Job", "trace": True})
        reply = app.receive()
        self.assertEqual(reply["type"], "track-class")
        (index,) = reply["classes"]
        app.send({"type": "track-class", "id": 2, "type_name": "builtins.dict"})
        self.assertEqual(app.receive()["code"], "not-trackable")
        app.send({"type": "track-class", "id": 3, "type_name": "__main__.NoSuch"})
        error = app.receive()
        self.assertEqual(error["code"], "not-trackable")
        self.assertIn("no class named __main__.NoSuch", error["message"])
        app.send({"type": "census", "id": 4})
        run = Run([app.receive()])
        self.assertEqual(run.active(None, "__main__.Job"), 5)
        self.assertEqual([run.births[i][0] for i in run.born("__main__.Job")], [None] * 5)
        app.send({"type": "tracked-object", "id": 10, "instance": run.born("__main__.Job")[0]})
        found = app.receive()
        self.assertEqual(found["type"], "tracked-object")
        self.assertEqual(found["object"]["type"], "__main__.Job")
        self.assertGreaterEqual(found["object"]["handle"], 1)
        app.send({"type": "tracked-object", "id": 11, "instance": 999})
        self.assertEqual(app.receive()["code"], "stale")
        app.send({"type": "detach-class", "id": 5, "class": index})
        self.assertEqual(app.receive(), {"type": "detach-class", "id": 5})
        app.send({"type": "detach-all", "id": 6})
        self.assertEqual(app.receive(), {"type": "detach-all", "id": 6})
        app.process.stdin.write(b"quit\n")
        app.process.stdin.close()
        app.receive_all()
        self.assertEqual(app.finish()[0], 0)


if __name__ == "__main__":
    unittest.main()
