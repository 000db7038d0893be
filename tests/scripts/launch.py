"""Shows how the run looks from inside, as argv[1] asks:

where   the working folder, sys.argv, sys.path[0], __name__ and __spec__
count   counts the lines on stdin
stdin   reads stdin to its end
wait    prints its pid, then sleeps until it is killed
interrupts  prints its pid, counts the SIGINTs that come (a second one would
        come at once), then exits
"""
import os
import sys
import time

how = sys.argv[1] if len(sys.argv) > 1 else "where"
if how == "where":
    print("cwd %s" % os.getcwd())
    print("argv0 %s" % sys.argv[0])
    print("path0 %s" % sys.path[0])
    print("name %s spec %s" % (__name__, __spec__.name if __spec__ is not None else None))
    print("args %r" % (sys.argv[2:],), flush=True)
elif how == "count":
    print("lines %d" % sum(1 for _ in sys.stdin), flush=True)
elif how == "stdin":
    print("stdin ended after %d bytes" % len(sys.stdin.read()), flush=True)
elif how == "wait":
    print("pid %d" % os.getpid(), flush=True)
    time.sleep(600)
elif how == "interrupts":
    import signal
    seen = []
    signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    print("pid %d" % os.getpid(), flush=True)
    while not seen:
        time.sleep(0.05)
    time.sleep(1)
    print("interrupts %d" % len(seen), flush=True)
