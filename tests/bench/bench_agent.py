#!/usr/bin/env python3
"""Benchmark of the agent's census (not a test).

    python3 tests/bench/bench_agent.py [--big] [--agent-dir DIR] [--repeat 3]

DIR is a runnable agent directory (default: $HS_AGENT_DIR, else
<repo>/_build/backend/agent, else the source tree, without the accelerator).
For N = 1 M objects (and 10 M with --big) it measures, each in a fresh child
process holding a synthetic heap (instances of classes with and without
__slots__, dicts, lists, strs, ints, floats, tuples, nested containers):

- census time: median of 3 censuses, C accelerator and pure Python;
- extra peak memory of one census: the rise of the process's peak RSS
  (VmHWM, reset through /proc/self/clear_refs) over its RSS before;
- the agent's CPU share when the app watches at the default 1 s interval: the
  bench plays the app (a socketpair, a census request every second) while the
  script does a fixed amount of work, and compares the script's main-thread
  CPU time with the process's CPU time, and the wall time with an unwatched run.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

HEAP = r'''
import gc, os, sys, time
sys.path.insert(0, AGENT_DIR)
sys.path.insert(0, BENCH_DIR)
from round_trip_heap import build      # the mix every benchmark builds
'''

MEASURE = HEAP + r'''
from heapscope import _census
use_accel = MODE == "accel"
if use_accel and _census._accel is None:
    print(json.dumps({"error": "no accelerator for this Python"}))
    raise SystemExit(0)
heap = build(N)
gc.collect()

def status(field):
    with open("/proc/self/status") as stream:
        for line in stream:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0

times = []
peaks = []
objects = 0
for run in range(REPEAT):
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as stream:   # resets VmHWM to VmRSS
            stream.write("5")
    except OSError:
        pass
    rss_before = status("VmRSS")
    own = []
    own.append(own)
    begin = time.perf_counter()
    rows = _census.census_rows(own, [], use_accel)
    times.append(time.perf_counter() - begin)
    peaks.append(status("VmHWM") - rss_before)
    objects = sum(row[1] for row in rows)
    del rows, own[:]
print(json.dumps({"times": times, "peaks": peaks, "objects": objects,
                  "heap_rss": status("VmRSS")}))
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also N = 10 M")
    parser.add_argument("--agent-dir", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of the watched workload (default 10 s)")
    parser.add_argument("--skip-pure", action="store_true", help="skip the pure Python census")
    args = parser.parse_args()
    agent_dir = args.agent_dir or default_agent_dir()
    sizes = [1000000] + ([10000000] if args.big else [])
    print("agent: %s\npython: %s %s\n" % (agent_dir, sys.executable, sys.version.split()[0]))

    header = "%-10s %-6s %12s %12s %14s %14s" % ("N", "path", "objects", "census s", "peak +MB", "heap RSS MB")
    print(header)
    print("-" * len(header))
    for n in sizes:
        for mode in ("accel", "pure"):
            if mode == "pure" and (args.skip_pure or n > 1000000):
                continue
            result = measure(agent_dir, n, mode, args.repeat)
            if "error" in result:
                print("%-10s %-6s %s" % (n, mode, result["error"]))
                continue
            print("%-10s %-6s %12d %12.3f %14.1f %14.0f" % (
                "{:,}".format(n), mode, result["objects"], statistics.median(result["times"]),
                max(result["peaks"]) / 1e6, result["heap_rss"] / 1e6))
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


if __name__ == "__main__":
    main()
