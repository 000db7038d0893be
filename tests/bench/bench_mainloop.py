#!/usr/bin/env python3
"""The longest time the window's main thread is busy, in a real window.

Runs the app under Xvfb on churn_types.py (thousands of types changing at
every census) with hs-mainloop-probe preloaded, which times every main-loop
iteration, and prints the longest busy span, the median, the 99th percentile
and how many spans were longer than a frame (16 ms); then the app's own CPU
time while it sampled the script (utime + stime of the heapscope process, its
start-up left out), as a share of one core. run() returns the figures for
tests/bench/perf_table.py.

    python3 tests/bench/bench_mainloop.py --build build [--types 5000]
        [--seconds 30] [--interval 0.5] [--backend x11] [--renderer cairo]
        [--page leaks] [--script FILE [ARG...]]

--renderer sets GSK_RENDERER for the app (GTK's own choice otherwise: GL,
which under Xvfb is Mesa's software rasterizer, llvmpipe). --backend wayland
runs the window on a headless weston of its own (apt install weston) unless
WAYLAND_DISPLAY names one. --page shows another page than Types during
the run (its Alt+digit shortcut, pressed with xdotool in the window's first
second: X11 only, apt install xdotool). HS_PROBE_LOG=FILE
has the probe log every span over a frame (see hs-mainloop-probe.c).
--script runs another program than churn_types.py, with the arguments that
follow it (the demo, say: --script data/demo/demo.py --duration 60), for
--seconds at most.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def find_app(session):
    """The heapscope process among those of `session` (xvfb-run starts it as a child)."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as stream:
                fields = stream.read().rsplit(")", 1)
        except OSError:
            continue
        if fields[0].endswith("(heapscope") and int(fields[1].split()[3]) == session:
            return int(name)
    return None


def cpu_seconds(pid):
    """utime + stime of the process, all its threads (not its children)."""
    try:
        with open("/proc/%d/stat" % pid) as stream:
            fields = stream.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


STARTUP_MS = 2000      # the window being made, left out of the figures
PAGES = {"overview": 1, "types": 2, "classes": 3, "referrers": 4, "graph": 5,
         "garbage": 6, "leaks": 7, "retained": 8, "console": 9}      # their shortcuts, Alt+N (app/hs-application.c)


def headless_weston(runtime_dir):
    """A headless Wayland compositor for the window: (its process, its socket's name)."""
    if shutil.which("weston") is None:
        sys.exit("--backend wayland without WAYLAND_DISPLAY needs weston (apt install weston)")
    os.makedirs(runtime_dir, mode=0o700)
    name = "wayland-hs-bench"
    process = subprocess.Popen(["weston", "--backend=headless-backend.so", "--socket=" + name,
                                "--width=1280", "--height=1024", "--idle-time=0"],
                               env=dict(os.environ, XDG_RUNTIME_DIR=runtime_dir),
                               start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not os.path.exists(os.path.join(runtime_dir, name)):
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit("weston did not start")
        time.sleep(0.05)
    return process, name


def show_page(page, pid):
    """Press the page's shortcut in the app's window, once it is there."""
    env = dict(os.environ, **x_environment(pid))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", "."],
                               env=env, capture_output=True, text=True).stdout.split()
        if found:
            subprocess.run(["xdotool", "windowfocus", found[-1], "sleep", "0.2", "key", "alt+%d" % PAGES[page]],
                           env=env, check=True)
            return
        time.sleep(0.1)
    sys.exit("no window to show the %s page in" % page)


def x_environment(pid):
    """DISPLAY and XAUTHORITY as process `pid` has them (xvfb-run chose them)."""
    found = {}
    with open("/proc/%d/environ" % pid, "rb") as stream:
        for entry in stream.read().split(b"\0"):
            name, _, value = entry.decode(errors="replace").partition("=")
            if name in ("DISPLAY", "XAUTHORITY"):
                found[name] = value
    return found


def run(build, types=5000, seconds=30.0, interval="0.5", backend="x11", renderer=None, page=None,
        script=None):
    """Run the app on churn_types.py for `seconds`; return the probe's figures and the
    app's own CPU time while the script ran, from 2 s after the app started (its
    start-up left out) until the script's end. The spans of those first 2 s are
    counted apart too: only their longest is given (startup_longest_ms)."""
    build = os.path.abspath(build)
    probe = os.path.join(build, "tests", "bench", "libhs-mainloop-probe.so")
    app = os.path.join(build, "app", "heapscope")
    for needed in (probe, app):
        if not os.path.exists(needed):
            sys.exit("%s is missing: build first (ninja -C %s)" % (needed, build))
    if page is not None and (backend != "x11" or shutil.which("xdotool") is None):
        sys.exit("--page needs the x11 backend and xdotool (apt install xdotool)")

    # (The app may still be writing its data there as it is closed.)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        out = os.path.join(tmp, "probe.txt")
        env = dict(os.environ,
                   LD_PRELOAD=probe, HS_PROBE_OUT=out, HS_PROBE_STARTUP_MS=str(STARTUP_MS),
                   HS_AGENT_DIR=os.path.join(build, "backend", "agent"),
                   GSETTINGS_SCHEMA_DIR=os.path.join(build, "data"),
                   GSETTINGS_BACKEND="memory", GTK_A11Y="none",
                   GDK_BACKEND=backend, XDG_DATA_HOME=tmp)
        if renderer:
            env["GSK_RENDERER"] = renderer
        if script is None:
            script = [os.path.join(HERE, "churn_types.py"), str(types), str(seconds)]
        command = [app, "--interval", str(interval), "--python", sys.executable] + list(script)
        if backend == "x11" and not os.environ.get("DISPLAY"):
            command = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24 -nolisten tcp"] + command
        compositor = None
        if backend == "wayland" and not os.environ.get("WAYLAND_DISPLAY"):
            runtime_dir = os.path.join(tmp, "runtime")
            compositor, env["WAYLAND_DISPLAY"] = headless_weston(runtime_dir)
            env["XDG_RUNTIME_DIR"] = runtime_dir
        # The window stays open after the script ends: close it a little later,
        # with everything it started (Xvfb, the script).
        app_process = subprocess.Popen(command, env=env, start_new_session=True,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        pid = None
        first = last = None       # (time, CPU seconds) of the app
        while app_process.poll() is None and time.monotonic() < started + seconds + 5:
            time.sleep(0.2)
            if pid is None:
                pid = find_app(app_process.pid)
                started = time.monotonic()
                if pid is not None and page is not None:
                    show_page(page, pid)
                continue
            now, cpu = time.monotonic(), cpu_seconds(pid)
            if cpu is None or now > started + seconds:
                continue
            if first is None and now >= started + STARTUP_MS / 1000:
                first = (now, cpu)
            elif first is not None:
                last = (now, cpu)
        if app_process.poll() is None:
            os.killpg(app_process.pid, signal.SIGTERM)
            app_process.wait()
        if compositor is not None:
            os.killpg(compositor.pid, signal.SIGTERM)
            compositor.wait()
        figures = dict(line.split() for line in open(out))

    result = {key: float(value) for key, value in figures.items()}
    if first is not None and last is not None:
        result["app_cpu"] = last[1] - first[1]
        result["app_wall"] = last[0] - first[0]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="the meson build directory")
    parser.add_argument("--types", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--interval", default="0.5")
    parser.add_argument("--backend", default="x11", help="GDK_BACKEND: x11 (under Xvfb) or wayland (under a headless weston)")
    parser.add_argument("--renderer", help="GSK_RENDERER: cairo, gl (GTK's choice if not given)")
    parser.add_argument("--page", choices=sorted(PAGES), help="the page shown (Types if not given)")
    parser.add_argument("--script", nargs=argparse.REMAINDER,
                        help="the program to run instead of churn_types.py, and its arguments")
    args = parser.parse_args()

    figures = run(args.build, args.types, args.seconds, args.interval, args.backend, args.renderer,
                  args.page, args.script)
    program = " ".join(args.script) if args.script else "%d types churning" % args.types
    print("main thread, %s, %s s interval, %g s, renderer %s, %s page:"
          % (program, args.interval, args.seconds,
             args.renderer or os.environ.get("GSK_RENDERER") or "GTK's choice", args.page or "types"))
    print("  iterations %d, longest busy %.2f ms, median %.2f ms, p99 %.2f ms, %d longer than 16 ms"
          % (figures["spans"], figures["longest_ms"], figures["p50_ms"], figures["p99_ms"],
             figures["over_16ms"]))
    print("  the first %g s apart (the window being made): longest busy %.2f ms"
          % (STARTUP_MS / 1000, figures["startup_longest_ms"]))
    if "app_cpu" in figures:
        print("  the app's CPU: %.2f s in %.1f s = %.1f %% of a core"
              % (figures["app_cpu"], figures["app_wall"], 100.0 * figures["app_cpu"] / figures["app_wall"]))


if __name__ == "__main__":
    main()
