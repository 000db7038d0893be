#!/usr/bin/env python3
"""The performance table: each line's benchmark, with Pympler's figure beside it.

    python3 tests/bench/perf_table.py --build build [--quick] [--pympler DIR]
        [--only LINES] [--long-seconds S] [--pympler-objects N]

Runs the benchmark of every line of the performance goals (bench_mainloop.py,
bench_agent.py, bench_refs.py, called through their run/measure functions) and
prints one markdown table: what | Heapscope | Pympler | goal | command. Pympler
is run back to back on the same heap where it does the same job (census, peak
memory, the referrer tree); elsewhere its cell is "—", as it is when Pympler is
not importable and no source tree is given with --pympler DIR.

--quick shortens the main-thread runs (15 s at 0.5 s, 60 s at 1 Hz), takes one
census instead of three, runs Pympler's census at 1 M objects, and skips the
4 M-object lines. --only 1,4-6 runs those lines alone. Progress goes to stderr,
the table to stdout. Figures are wall times unless a line says CPU.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_agent  # noqa: E402
import bench_mainloop  # noqa: E402
import bench_refs  # noqa: E402

GOALS = {
    1: "no span > 16 ms",
    2: "none > 16 ms",
    3: "≤ 5 % of a core at 1 Hz and at 0.5 s",
    4: "≤ 0.35 s (≤ 2× the `gc.get_objects()` floor)",
    5: "≤ 25 MB",
    6: "≤ 4 s at ≤ 10 % of a core",
    7: "≤ 10 ms after the first",
    8: "≤ 0.3 s / ≤ 1 s",
    9: "≤ 0.1 s / ≤ 0.3 s",
}
BIG = 10000000


def parse_lines(text):
    lines = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    if not lines <= set(GOALS):
        raise SystemExit("--only: lines are 1 to %d" % len(GOALS))
    return lines


def millions(n):
    return "%g M" % (n / 1e6)


def seconds(value):
    return "%.3f s" % value if value < 10 else "%.1f s" % value


def failed(result):
    return "failed: " + result["error"]


def progress(text):
    print("%s %s" % (time.strftime("%H:%M:%S"), text), file=sys.stderr, flush=True)


def attempt(function, *args):
    """A benchmark's result, or the reason it has none (the table is printed anyway)."""
    try:
        return function(*args)
    except (Exception, SystemExit) as error:
        progress("failed: %r" % (error,))
        return {"error": str(error) or type(error).__name__}


def pympler_version(pympler_dir):
    code = "import sys\nif %r: sys.path.insert(0, %r)\nimport pympler\nprint(pympler.__version__)" % (
        pympler_dir, pympler_dir)
    run = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return run.stdout.decode().strip() if run.returncode == 0 else None


def load():
    with open("/proc/loadavg") as stream:
        return " ".join(stream.read().split()[:3])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="the meson build directory")
    parser.add_argument("--quick", action="store_true", help="shorter runs, no 4 M-object lines")
    parser.add_argument("--pympler", default="",
                        help="a Pympler source tree to import (default: an importable pympler)")
    parser.add_argument("--only", default="", help="the lines to run, as 1,4-6")
    parser.add_argument("--long-seconds", type=float, default=None,
                        help="line 2's run at 1 Hz (default 600 s; 60 s with --quick)")
    parser.add_argument("--pympler-objects", type=int, default=None,
                        help="Pympler's census at this many objects (default 10 M; 1 M with --quick)")
    args = parser.parse_args()

    lines = parse_lines(args.only) if args.only else set(GOALS)
    quick = args.quick
    build = args.build
    agent_dir = os.path.abspath(os.path.join(build, "backend", "agent"))
    app = os.path.abspath(os.path.join(build, "app", "heapscope"))
    short_seconds = 15.0 if quick else 30.0
    long_seconds = args.long_seconds or (60.0 if quick else 600.0)
    repeat = 1 if quick else 3
    watch_seconds = 60.0 if quick else 120.0
    anchor_n = args.pympler_objects or (1000000 if quick else BIG)
    ref_sizes = [1000000] + ([] if quick else [4000000])
    version = pympler_version(args.pympler)
    pympler_dir = os.path.abspath(args.pympler) if args.pympler else ""
    pympler_option = " --pympler %s" % args.pympler if args.pympler else ""
    began = time.monotonic()
    load_before = load()

    rows = {}

    # Lines 1 to 3: the window's main thread, and the app's own CPU, in a real window.
    mainloop = {}
    runs = []
    if lines & {1, 3}:
        runs.append(("0.5", short_seconds))
    if lines & {2, 3}:
        runs.append(("1", long_seconds))
    for interval, length in runs:
        progress("main thread: %s s interval, %g s" % (interval, length))
        mainloop[interval] = attempt(bench_mainloop.run, build, 5000, length, interval)

    def mainloop_command(interval, length):
        return "`python3 tests/bench/bench_mainloop.py --build %s --interval %s --seconds %g`" % (
            build, interval, length)

    def spans(figures):
        if "error" in figures:
            return failed(figures)
        return "longest %.0f ms, p99 %.0f ms, %d > 16 ms (of %d); the first 2 s apart: longest %.0f ms" % (
            figures["longest_ms"], figures["p99_ms"], figures["over_16ms"], figures["spans"],
            figures["startup_longest_ms"])

    if 1 in lines:
        rows[1] = ("main thread, 5 000 types churning, 0.5 s interval, %g s: longest busy span, "
                   "p99, spans > 16 ms" % short_seconds,
                   spans(mainloop["0.5"]), "—", mainloop_command("0.5", short_seconds))
    if 2 in lines:
        rows[2] = ("the same at 1 Hz for %g s%s" % (long_seconds, "" if long_seconds == 600
                                                    else " (the goal's run: 10 min, --long-seconds 600)"),
                   spans(mainloop["1"]), "—", mainloop_command("1", long_seconds))
    if 3 in lines:
        shares = []
        for interval, length in runs:
            figures = mainloop[interval]
            if "app_cpu" in figures:
                shares.append("%.1f %% at %s s" % (100.0 * figures["app_cpu"] / figures["app_wall"],
                                                   interval))
            else:
                shares.append("— at %s s (%s)" % (interval, figures.get("error", "app not found")))
        rows[3] = ("the app's own CPU while sampling that program (utime + stime of heapscope, "
                   "start-up left out), % of a core", "; ".join(shares), "—",
                   "lines 1 and 2 (printed by `bench_mainloop.py`)")

    # Lines 4 and 5: one census at 10 M objects, its floor, and Pympler's census.
    if lines & {4, 5}:
        progress("census at %s objects" % millions(BIG))
        ours = attempt(bench_agent.measure, agent_dir, BIG, "accel", repeat)
        ours_small = None
        if version and anchor_n != BIG:
            progress("census at %s objects (Pympler's size)" % millions(anchor_n))
            ours_small = attempt(bench_agent.measure, agent_dir, anchor_n, "accel", repeat)
        theirs = {}
        if version:
            progress("Pympler's census at %s objects" % millions(anchor_n))
            theirs = attempt(bench_agent.pympler_census, agent_dir, anchor_n, repeat, pympler_dir)
        command = "`python3 tests/bench/bench_agent.py --big --skip-pure --repeat %d --agent-dir %s%s`" % (
            repeat, os.path.join(build, "backend", "agent"), pympler_option)

        def anchor(key, show):
            if not theirs:
                return "—"
            if "error" in theirs:
                return failed(theirs)
            text = show(theirs[key])
            if anchor_n != BIG:
                text += " at %s objects" % millions(anchor_n)
                if ours_small and "error" not in ours_small:
                    text += " (Heapscope there: %s)" % show(ours_small[key])
            return text

        def median(values):
            return seconds(statistics.median(values))

        def peak(values):
            return "+%.0f MB" % (max(values) / 1e6)

        if 4 in lines:
            if "error" in ours:
                cell = failed(ours)
            else:
                census = statistics.median(ours["cpus"])
                floor = statistics.median(ours["floor_cpus"])
                cell = "%s (floor %s, %.1f×); wall %s; median of %d" % (
                    seconds(census), seconds(floor), census / floor,
                    median(ours["times"]), repeat)
            rows[4] = ("census CPU at %s objects" % millions(BIG), cell, anchor("cpus", median), command)
        if 5 in lines:
            rows[5] = ("census extra peak memory at %s objects (rise of VmHWM)" % millions(BIG),
                       failed(ours) if "error" in ours else peak(ours["peaks"]),
                       anchor("peaks", peak), command)

    # Line 6: the interval the real app keeps on a 10 M-object program asked for 1 s.
    if 6 in lines:
        progress("heapscope --record at 1 s, %s objects, %g s of work" % (millions(BIG), watch_seconds))
        recorded = attempt(bench_agent.recorded_run, app, agent_dir, BIG, watch_seconds, 1.0)
        if "error" in recorded:
            cell = failed(recorded)
        elif not recorded["intervals"]:
            cell = "no two samples of the whole heap in %g s" % watch_seconds
        else:
            intervals = recorded["intervals"]
            agent_cpu = recorded["process_cpu"] - recorded["main_cpu"]
            cell = "median %.1f s, max %.1f s (%d interval%s); agent %.1f %% of a core" % (
                statistics.median(intervals), max(intervals), len(intervals),
                "" if len(intervals) == 1 else "s",
                100.0 * agent_cpu / recorded["work_wall"])
        rows[6] = ("sample interval kept, %s-object program asked for 1 s (heapscope --record, "
                   "%g s of work); the agent's CPU" % (millions(BIG), watch_seconds), cell, "—",
                   "`python3 tests/bench/bench_agent.py --big --skip-pure --seconds %g --app %s "
                   "--agent-dir %s`" % (watch_seconds, os.path.join(build, "app", "heapscope"),
                                        os.path.join(build, "backend", "agent")))

    # Lines 7 to 9: referrers and instances, at 1 M and 4 M objects.
    if lines & {7, 8, 9}:
        refs = {}
        trees = {}
        for n in ref_sizes:
            progress("referrers and instances at %s objects" % millions(n))
            refs[n] = attempt(bench_refs.measure, agent_dir, n)
            if version and 8 in lines:
                progress("Pympler's referrer tree at %s objects" % millions(n))
                trees[n] = attempt(bench_refs.pympler_tree, n, pympler_dir)

        def per_size(show):
            cells = [failed(refs[n]) if "error" in refs[n] else show(refs[n]) for n in ref_sizes]
            if quick:
                cells.append("4 M skipped (--quick)")
            return " / ".join(cells)

        def refs_command(sizes, anchor=""):
            return " ; ".join("`python3 tests/bench/bench_refs.py --objects %d --agent-dir %s%s`" % (
                n, os.path.join(build, "backend", "agent"), anchor) for n in sizes)

        if 7 in lines:
            n = ref_sizes[-1]
            each = refs[n].get("referrers_each")
            cell = failed(refs[n]) if not each else "median %s, max %s (first %s)" % (
                seconds(statistics.median(each)), seconds(max(each)), seconds(refs[n]["referrers_first"]))
            if n != 4000000:
                cell = "4 M skipped (--quick); at %s objects: %s" % (millions(n), cell)
            rows[7] = ("one referrer expansion at 4 M objects, the 100 after the first", cell, "—",
                       refs_command([4000000]))
        if 8 in lines:
            anchor = "—"
            if version:
                anchors = [failed(trees[n]) if "error" in trees[n] else
                           "%s (%d nodes)" % (seconds(trees[n]["tree"]), trees[n]["nodes"])
                           for n in ref_sizes]
                if quick:
                    anchors.append("4 M skipped")
                anchor = " / ".join(anchors) + ", `RefBrowser(target, maxdepth=2).get_tree()`"
            rows[8] = ("whole fan-out-100 depth-2 referrer tree (101 expansions), 1 M / 4 M objects",
                       per_size(lambda result: seconds(result["referrers_first"]
                                                       + sum(result["referrers_each"]))),
                       anchor, refs_command(ref_sizes, pympler_option))
        if 9 in lines:
            rows[9] = ("first page (200) of the 50 000 instances of a type, 1 M / 4 M objects",
                       per_size(lambda result: seconds(result["first_page"])), "—",
                       refs_command(ref_sizes))

    spent = time.monotonic() - began
    print("Heapscope performance table: %s run, Python %s, %d cores; load average %s before, %s after; "
          "%.0f s in all." % ("quick" if quick else "full", sys.version.split()[0], os.cpu_count(),
                              load_before, load(), spent))
    print("Pympler: %s." % ("%s (%s)" % (version, pympler_dir or "importable") if version
                            else "not importable, no anchors"))
    print()
    print("| what | Heapscope | Pympler | goal | command |")
    print("| --- | --- | --- | --- | --- |")
    for line in sorted(rows):
        what, ours, theirs, command = rows[line]
        print("| %d. %s | %s | %s | %s | %s |" % (line, what, ours, theirs, GOALS[line], command))


if __name__ == "__main__":
    main()
