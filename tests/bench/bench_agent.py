#!/usr/bin/env python3
"""Benchmark of the agent's census (not a test).

    python3 tests/bench/bench_agent.py [--big] [--agent-dir DIR] [--repeat 3]
        [--seconds 10] [--skip-pure] [--pympler DIR] [--app build/app/heapscope]

DIR is a runnable agent directory (default: $HS_AGENT_DIR, else
<repo>/_build/backend/agent, else the source tree, without the accelerator).
For N = 1 M objects (and 10 M with --big) it measures, each in a fresh child
process holding a synthetic heap (instances of classes with and without
__slots__, dicts, lists, strs, ints, floats, tuples, nested containers):

- census time: median of 3 censuses, C accelerator and pure Python, beside
  the floor every census pays: gc.get_objects() alone, in the same child
  (measure() also gives the CPU times of both);
- extra peak memory of one census: the rise of the process's peak RSS
  (VmHWM, reset through /proc/self/clear_refs) over its RSS before;
- the agent's CPU share when the app watches at the default 1 s interval: the
  bench plays the app (a socketpair, a census request every second) while the
  script does a fixed amount of work, and compares the script's main-thread
  CPU time with the process's CPU time, and the wall time with an unwatched run;
- with --app, the interval the real app keeps (it waits 10 times a census's
  cost, at least) asked for 1 s, at the largest N: the same workload recorded
  by heapscope --record, the samples' times read back from the session file.

With Pympler importable (or its source tree given with --pympler DIR), its
census (muppy.get_objects() + summary.summarize()) is measured the same way, in
a fresh child holding the same heap, right after ours. measure(), pympler_census()
and the runs below return their figures for tests/bench/perf_table.py.
"""

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

HEAP = r'''
import gc, os, sys, time
sys.path.insert(0, AGENT_DIR)
sys.path.insert(0, BENCH_DIR)
from round_trip_heap import build      # the mix every benchmark builds
'''

# The rise of the peak RSS over the RSS before, as every census here is measured.
PEAK = r'''
def status(field):
    with open("/proc/self/status") as stream:
        for line in stream:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0

def reset_peak():
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as stream:   # resets VmHWM to VmRSS
            stream.write("5")
    except OSError:
        pass
    return status("VmRSS")
'''

MEASURE = HEAP + PEAK + r'''
from heapscope import _census
use_accel = MODE == "accel"
if use_accel and _census._accel is None:
    print(json.dumps({"error": "no accelerator for this Python"}))
    raise SystemExit(0)
heap = build(N)
gc.collect()

times = []
cpus = []
peaks = []
objects = 0
for run in range(REPEAT):
    rss_before = reset_peak()
    own = []
    own.append(own)
    begin, cpu = time.perf_counter(), time.process_time()
    rows = _census.census_rows(own, [], use_accel)
    times.append(time.perf_counter() - begin)
    cpus.append(time.process_time() - cpu)
    peaks.append(status("VmHWM") - rss_before)
    objects = sum(row[1] for row in rows)
    del rows, own[:]
floor = []
floor_cpus = []
for run in range(REPEAT):
    gc.collect()
    begin, cpu = time.perf_counter(), time.process_time()
    tracked = gc.get_objects()
    floor.append(time.perf_counter() - begin)
    floor_cpus.append(time.process_time() - cpu)
    del tracked
print(json.dumps({"times": times, "cpus": cpus, "peaks": peaks, "objects": objects,
                  "floor": floor, "floor_cpus": floor_cpus, "heap_rss": status("VmRSS")}))
'''


def pympler_import(statement):
    """A child's import of Pympler, from PYMPLER_DIR if one is given; without
    it the child prints an empty result and exits."""
    return ("if PYMPLER_DIR:\n    sys.path.insert(0, PYMPLER_DIR)\ntry:\n    %s\n"
            "except ImportError:\n    print(json.dumps({}))\n    raise SystemExit(0)\n" % statement)


# Pympler's census of the same heap (its muppy and summary), measured as ours is.
PYMPLER_MEASURE = HEAP + PEAK + pympler_import("import pympler\n    from pympler import muppy, summary") + r'''
heap = build(N)
gc.collect()

times = []
cpus = []
peaks = []
objects = 0
for run in range(REPEAT):
    rss_before = reset_peak()
    begin, cpu = time.perf_counter(), time.process_time()
    rows = summary.summarize(muppy.get_objects())
    times.append(time.perf_counter() - begin)
    cpus.append(time.process_time() - cpu)
    peaks.append(status("VmHWM") - rss_before)
    objects = sum(row[1] for row in rows)
    del rows
print(json.dumps({"times": times, "cpus": cpus, "peaks": peaks, "objects": objects,
                  "heap_rss": status("VmRSS"), "version": pympler.__version__}))
'''

WORKLOAD = HEAP + r'''
import json
heap = build(N)
gc.collect()
wall = time.perf_counter()
cpu_main = time.thread_time()
cpu_process = time.process_time()
total = 0
deadline = time.perf_counter() + SECONDS
while time.perf_counter() < deadline:                  # the program's own work
    for item in heap[:20000]:
        total += len(str(item)) & 7
    heap.append([total])
    heap.pop()
work_wall = time.perf_counter() - wall
print(json.dumps({"main_cpu": time.thread_time() - cpu_main,
                  "process_cpu": time.process_time() - cpu_process, "work_wall": work_wall,
                  "iterations": total}))
'''


def default_agent_dir():
    candidates = [os.environ.get("HS_AGENT_DIR"), os.path.join(REPO, "_build", "backend", "agent"),
                  os.path.join(REPO, "backend", "agent")]
    for candidate in candidates:
        if candidate and os.path.exists(os.path.join(candidate, "heapscope_bootstrap.py")):
            return os.path.abspath(candidate)
    raise SystemExit("no agent directory found; pass --agent-dir")


def measure(agent_dir, n, mode, repeat):
    code = "import json\nBENCH_DIR = %r\nAGENT_DIR = %r\nN = %d\nMODE = %r\nREPEAT = %d\n" % (
        HERE, agent_dir, n, mode, repeat) + MEASURE
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("HEAPSCOPE_ACCEL", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out.decode().strip().splitlines()[-1])


def pympler_census(agent_dir, n, repeat, pympler_dir=""):
    """Pympler's census of the heap measure() builds: {} when Pympler is not importable."""
    code = "import json\nBENCH_DIR = %r\nAGENT_DIR = %r\nN = %d\nREPEAT = %d\nPYMPLER_DIR = %r\n" % (
        HERE, agent_dir, n, repeat, pympler_dir) + PYMPLER_MEASURE
    out = subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.PIPE,
                         env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1")).stdout
    return json.loads(out.decode().strip().splitlines()[-1])


def watched_run(agent_dir, n, seconds, interval):
    """Run the workload under the agent, asking for a census every `interval` s."""
    path = os.path.join("/tmp", "hs-bench-workload-%d.py" % os.getpid())
    with open(path, "w") as stream:
        stream.write("BENCH_DIR = %r\nAGENT_DIR = %r\nN = %d\nSECONDS = %r\n" % (HERE, agent_dir, n, seconds)
                     + WORKLOAD)
    try:
        app, child = socket.socketpair()
        env = dict(os.environ, HEAPSCOPE_FD=str(child.fileno()), PYTHONDONTWRITEBYTECODE="1")
        env.pop("HEAPSCOPE_ACCEL", None)
        process = subprocess.Popen([sys.executable, os.path.join(agent_dir, "heapscope_bootstrap.py"),
                                    path], env=env, pass_fds=[child.fileno()],
                                   stdout=subprocess.PIPE)
        child.close()
        sys.path.insert(0, agent_dir)
        from heapscope import _codec
        buffer = b""
        answered = []
        request = 0
        next_request = time.monotonic() + interval
        app.settimeout(0.05)
        while True:
            if time.monotonic() >= next_request:
                request += 1
                try:
                    app.sendall(_codec.json_frame({"type": "census", "id": request}))
                except OSError:
                    break
                next_request += interval
            try:
                data = app.recv(1 << 20)
            except socket.timeout:
                continue
            if not data:
                break
            buffer += data
            messages, buffer = _codec.decode_frames(buffer)
            answered += [m["elapsed"] for m in messages if m["type"] == "census" and m["id"] > 0]
        out = process.communicate()[0]
        app.close()
        result = json.loads(out.decode().strip().splitlines()[-1])
        result["censuses"] = answered
        return result
    finally:
        os.unlink(path)


def plain_run(agent_dir, n, seconds):
    code = "BENCH_DIR = %r\nAGENT_DIR = %r\nN = %d\nSECONDS = %r\n" % (HERE, agent_dir, n, seconds) + WORKLOAD
    out = subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.PIPE,
                         env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1")).stdout
    return json.loads(out.decode().strip().splitlines()[-1])


def recorded_run(app, agent_dir, n, seconds, interval):
    """Run the workload under the real app (heapscope --record, no window) asking
    for a sample every `interval` s, and read back when each sample was taken: the
    app waits longer between samples when a census costs more (the interval kept)."""
    agent_dir = os.path.abspath(agent_dir)       # the app runs in a folder of its own
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "workload.py")
        with open(script, "w") as stream:
            stream.write("BENCH_DIR = %r\nAGENT_DIR = %r\nN = %d\nSECONDS = %r\n"
                         % (HERE, agent_dir, n, seconds) + WORKLOAD)
        session = os.path.join(tmp, "workload.heapscope")
        env = dict(os.environ, HS_AGENT_DIR=agent_dir, PYTHONDONTWRITEBYTECODE="1",
                   GSETTINGS_BACKEND="memory", XDG_DATA_HOME=tmp)
        env.pop("HEAPSCOPE_ACCEL", None)
        out = subprocess.run([app, "--record", session, "--interval", str(interval),
                              "--python", sys.executable, script],
                             env=env, cwd=tmp, check=True, stdout=subprocess.PIPE).stdout
        lines = [line for line in out.decode().splitlines() if line.startswith('{"main_cpu"')]
        result = json.loads(lines[-1])
        with sqlite3.connect("file:%s?mode=ro" % session, uri=True) as db:
            samples = db.execute("SELECT time, elapsed, objects FROM sample"
                                 " WHERE label IS NULL AND final = 0 ORDER BY id").fetchall()
    # The samples of the whole heap: those taken while it was being built are left out.
    most = max(objects for _, _, objects in samples)
    samples = [sample for sample in samples if sample[2] >= 0.98 * most]
    result["intervals"] = [b[0] - a[0] for a, b in zip(samples, samples[1:])]
    result["censuses"] = [elapsed for _, elapsed, _ in samples]
    result["objects"] = most
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also N = 10 M")
    parser.add_argument("--agent-dir", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of the watched workload (default 10 s)")
    parser.add_argument("--skip-pure", action="store_true", help="skip the pure Python census")
    parser.add_argument("--pympler", default="", help="a Pympler source tree to import")
    parser.add_argument("--app", default=None,
                        help="also record the workload with this heapscope, at the largest N")
    args = parser.parse_args()
    agent_dir = args.agent_dir or default_agent_dir()
    sizes = [1000000] + ([10000000] if args.big else [])
    print("agent: %s\npython: %s %s\n" % (agent_dir, sys.executable, sys.version.split()[0]))

    header = "%-10s %-7s %12s %12s %14s %14s %15s" % (
        "N", "path", "objects", "census s", "peak +MB", "heap RSS MB", "get_objects s")
    print(header)
    print("-" * len(header))
    for n in sizes:
        for mode in ("accel", "pure", "pympler"):
            if mode == "pure" and (args.skip_pure or n > 1000000):
                continue
            if mode == "pympler":
                result = pympler_census(agent_dir, n, args.repeat, args.pympler)
                if not result:
                    continue
            else:
                result = measure(agent_dir, n, mode, args.repeat)
            if "error" in result:
                print("%-10s %-7s %s" % (n, mode, result["error"]))
                continue
            floor = "%.3f" % statistics.median(result["floor"]) if "floor" in result else "—"
            print("%-10s %-7s %12d %12.3f %14.1f %14.0f %15s" % (
                "{:,}".format(n), mode, result["objects"], statistics.median(result["times"]),
                max(result["peaks"]) / 1e6, result["heap_rss"] / 1e6, floor))
            sys.stdout.flush()

    print("\nWatched at 1 s, workload of %.0f s on a heap of 1 M objects:" % args.seconds)
    watched = watched_run(agent_dir, 1000000, args.seconds, 1.0)
    plain = plain_run(agent_dir, 1000000, args.seconds)
    agent_cpu = watched["process_cpu"] - watched["main_cpu"]
    rate = watched["iterations"] / max(plain["iterations"], 1)
    print("  censuses answered: %d, median %.3f s each" % (
        len(watched["censuses"]), statistics.median(watched["censuses"] or [0])))
    print("  CPU: process %.2f s, script's main thread %.2f s, agent %.2f s = %.1f %% of the process"
          % (watched["process_cpu"], watched["main_cpu"], agent_cpu,
             100.0 * agent_cpu / watched["process_cpu"]))
    print("  work done in the same wall time: %.1f %% of an unwatched run" % (100.0 * rate))

    if args.app:
        n = sizes[-1]
        print("\nRecorded by %s at 1 s, workload of %.0f s on a heap of %s objects:"
              % (args.app, args.seconds, "{:,}".format(n)))
        recorded = recorded_run(os.path.abspath(args.app), agent_dir, n, args.seconds, 1.0)
        agent_cpu = recorded["process_cpu"] - recorded["main_cpu"]
        intervals = recorded["intervals"] or [0]
        print("  interval kept: median %.2f s, max %.2f s (%d samples, census median %.3f s)"
              % (statistics.median(intervals), max(intervals), len(recorded["censuses"]),
                 statistics.median(recorded["censuses"] or [0])))
        print("  agent CPU %.2f s over %.1f s = %.1f %% of a core"
              % (agent_cpu, recorded["work_wall"], 100.0 * agent_cpu / recorded["work_wall"]))


if __name__ == "__main__":
    main()
