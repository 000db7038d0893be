#!/usr/bin/env python3
# Checks the demo script: it is Python 3.8 syntax, runs to completion with
# --fast and exit code 0, keeps its output short, and calls
# heapscope.snapshot() at its phase boundaries when "heapscope" imports
# (here a stand-in module that records the calls).
#
# usage: check-demo.py DEMO.py

import ast
import os
import subprocess
import sys
import tempfile

FAKE_HEAPSCOPE = '''
import os
def _record(kind, value):
    with open(os.environ["HS_DEMO_RECORD"], "a") as f:
        f.write("{}\\t{}\\n".format(kind, value))
def snapshot(label):
    _record("snapshot", label)
def track_class(cls):
    _record("track", cls.__name__)
'''


# Runs the demo as __main__ and counts its objects still alive as it exits.
HELD_AT_EXIT = '''
import collections, gc, runpy, sys
demo = sys.argv[1]
sys.argv = [demo, "--fast"]
try:
    runpy.run_path(demo, run_name="__main__")
except SystemExit:
    gc.collect()
    counts = collections.Counter(type(o).__name__ for o in gc.get_objects())
    for name in ("Session", "Order"):
        print("held", name, counts[name])
'''


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(demo, env):
    proc = subprocess.run([sys.executable, demo, "--fast"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)
    if proc.returncode != 0:
        fail("demo exited with {}:\n{}".format(proc.returncode, proc.stderr))
    out_lines = proc.stdout.splitlines()
    if not out_lines:
        fail("demo printed nothing on stdout")
    if len(out_lines) + len(proc.stderr.splitlines()) > 60 or \
            len(proc.stdout) + len(proc.stderr) > 8192:
        fail("demo printed too much ({} bytes)".format(len(proc.stdout) + len(proc.stderr)))
    return proc


def main():
    if len(sys.argv) != 2:
        fail("usage: check-demo.py DEMO.py")
    demo = sys.argv[1]
    with open(demo, encoding="utf-8") as f:
        source = f.read()
    try:
        ast.parse(source, demo, feature_version=(3, 8))
    except SyntaxError as e:
        fail("not Python 3.8 syntax: {}".format(e))
    print("ok: Python 3.8 syntax")

    with tempfile.TemporaryDirectory() as tmp:
        # Without heapscope: make sure no real agent package is importable.
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        env["PYTHONNOUSERSITE"] = "1"
        run(demo, env)
        print("ok: runs without heapscope")

        with open(os.path.join(tmp, "heapscope.py"), "w") as f:
            f.write(FAKE_HEAPSCOPE)
        record = os.path.join(tmp, "record.txt")
        env["PYTHONPATH"] = tmp
        env["HS_DEMO_RECORD"] = record
        proc = run(demo, env)
        if not proc.stderr.strip():
            fail("demo wrote no warning to stderr")
        try:
            with open(record) as f:
                calls = [line.rstrip("\n").split("\t", 1) for line in f]
        except OSError:
            fail("demo never called heapscope")
        labels = [v for k, v in calls if k == "snapshot"]
        if len(labels) < 3 or labels[0] != "start" or labels[-1] != "done":
            fail("unexpected snapshot labels: {}".format(labels))
        print("ok: snapshots {}".format(labels))

        # At the end, what leaked is still held: the final census shows it.
        held = subprocess.run(
            [sys.executable, "-c", HELD_AT_EXIT, demo], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, universal_newlines=True, timeout=60)
        counts = dict(line.split()[1:] for line in held.stdout.splitlines() if line.startswith("held "))
        if int(counts.get("Session", 0)) == 0 or int(counts.get("Order", 0)) == 0:
            fail("the demo ends holding no leaked Session or Order: {}".format(counts))
        print("ok: held at the end {}".format(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
