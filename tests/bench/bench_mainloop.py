#!/usr/bin/env python3
"""The longest time the window's main thread is busy, in a real window.

Runs the app under Xvfb on churn_types.py (thousands of types changing at
every census) with hs-mainloop-probe preloaded, which times every main-loop
iteration, and prints the longest busy span, the median, the 99th percentile
and how many spans were longer than a frame (16 ms).

    python3 tests/bench/bench_mainloop.py --build build [--types 5000]
        [--seconds 30] [--interval 0.5] [--backend x11]
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="the meson build directory")
    parser.add_argument("--types", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--interval", default="0.5")
    parser.add_argument("--backend", default="x11", help="GDK_BACKEND (x11 under Xvfb)")
    args = parser.parse_args()

    build = os.path.abspath(args.build)
    probe = os.path.join(build, "tests", "bench", "libhs-mainloop-probe.so")
    app = os.path.join(build, "app", "heapscope")
    for needed in (probe, app):
        if not os.path.exists(needed):
            sys.exit("%s is missing: build first (ninja -C %s)" % (needed, args.build))

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "probe.txt")
        env = dict(os.environ,
                   LD_PRELOAD=probe, HS_PROBE_OUT=out,
                   HS_AGENT_DIR=os.path.join(build, "backend", "agent"),
                   GSETTINGS_SCHEMA_DIR=os.path.join(build, "data"),
                   GSETTINGS_BACKEND="memory", GTK_A11Y="none",
                   GDK_BACKEND=args.backend, XDG_DATA_HOME=tmp)
        command = [app, "--interval", args.interval, "--python", sys.executable,
                   os.path.join(HERE, "churn_types.py"), str(args.types), str(args.seconds)]
        if args.backend == "x11" and not os.environ.get("DISPLAY"):
            command = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24 -nolisten tcp"] + command
        # The window stays open after the script ends: close it a little later,
        # with everything it started (Xvfb, the script).
        app_process = subprocess.Popen(command, env=env, start_new_session=True,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            app_process.wait(timeout=args.seconds + 5)
        except subprocess.TimeoutExpired:
            os.killpg(app_process.pid, signal.SIGTERM)
            app_process.wait()
        figures = dict(line.split() for line in open(out))

    print("main thread, %d types churning, %s s interval, %g s:"
          % (args.types, args.interval, args.seconds))
    print("  iterations %s, longest busy %s ms, median %s ms, p99 %s ms, %s longer than 16 ms"
          % (figures["spans"], figures["longest_ms"], figures["p50_ms"], figures["p99_ms"],
             figures["over_16ms"]))


if __name__ == "__main__":
    main()
