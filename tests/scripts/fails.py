"""Ends the way argv[1] says: raise, exit N, os._exit, segfault, sleep, garbage,
close-link, slow-exit."""
import os
import sys
import time


def agent_link():
    """The agent's socket, the script's only one: the agent picks its number."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink("/proc/self/fd/" + name).startswith("socket:"):
                found.append(int(name))
        except OSError:
            pass
    return max(found)


how = sys.argv[1]
time.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 0)

if how == "raise":
    def inner():
        raise ValueError("boom from the script")
    inner()
elif how == "exit":
    sys.exit(3)
elif how == "os-exit":
    os._exit(7)
elif how == "segfault":
    # Two samples pushed first, whatever the machine's speed: the crash must
    # not take them away.
    import ctypes
    import heapscope
    heapscope.snapshot("before the crash")
    heapscope.snapshot("just before the crash")
    ctypes.string_at(0)
elif how == "sleep":
    print("sleeping", flush=True)
    time.sleep(600)
elif how == "garbage":
    # A sample pushed first, whatever the machine's speed: the garbage must
    # not take it away.
    import heapscope
    heapscope.snapshot("before the garbage")
    print("writing garbage to the agent socket", flush=True)
    os.write(agent_link(), b"\xff" * 64)  # the agent socket, which the script should never touch
    time.sleep(1.0)
    print("still running after the garbage", flush=True)
elif how == "output":
    print("to stdout 1")
    print("to stderr 2", file=sys.stderr)
    print("to stdout 3")
    print("cwd %s" % os.getcwd(), flush=True)
elif how == "close-link":
    import socket
    socket.socket(fileno=os.dup(agent_link())).shutdown(socket.SHUT_RDWR)  # the agent's link
    time.sleep(3.0)
    print("still running without the agent", flush=True)
elif how == "slow-exit":
    class SlowToDie:
        # Runs as the interpreter finalizes, after the agent said bye.
        def __del__(self, sleep=time.sleep):
            sleep(3.0)
    slow = SlowToDie()
