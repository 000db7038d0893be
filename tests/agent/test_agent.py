"""The agent over a real socketpair, with a real child: PROTOCOL.md end to end."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import agenttest
from heapscope import _codec

WAITER = r'''
import sys, heapscope
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "snapshot":
        print(heapscope.snapshot("from the script"), flush=True)
    elif line.strip() == "quit":
        break
    else:
        print("echo", line.strip(), flush=True)
print("done", flush=True)
'''


# The agent's link as a script finds it: its only socket.
FIND_LINK = r'''
import os, sys

def sockets():
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink("/proc/self/fd/" + name).startswith("socket:"):
                found.append(int(name))
        except OSError:
            pass
    return found

def agent_link():
    return max(sockets())
'''

REUSE_LOW = r'''
import os, sys
os.closerange(3, 65536)
# Enough files to take the number the link had, whichever it was.
files = [os.open("%s.%d" % (sys.argv[1], i), os.O_RDWR | os.O_CREAT, 0o600) for i in range(16)]
for fd in files:
    os.write(fd, b"data %d" % fd)
print("lowest", min(files), flush=True)
sys.stdin.readline()
for fd in files:
    os.lseek(fd, 0, 0)
    if os.read(fd, 100) != b"data %d" % fd:
        print("file", fd, "changed")
    os.close(fd)
print("read and closed", flush=True)
'''

REUSE_LINK = FIND_LINK + r'''
class Thing:
    def __init__(self):
        self.a = 1
        self.b = 2

things = [Thing() for _ in range(3)]
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
os.write(fd, b"the program's own data")

def take(number):
    os.dup2(fd, number)
    os.lseek(number, 0, 0)

print("ready", flush=True)
sys.stdin.readline()
for name in os.listdir("/proc/self/fd"):
    try:
        if os.readlink("/proc/self/fd/" + name) == "/proc/%d/mem" % os.getpid():
            take(int(name))
    except OSError:
        pass
print("memory taken", flush=True)
sys.stdin.readline()
link = agent_link()
take(link)
print("link taken", flush=True)
sys.stdin.readline()
print(os.read(link, 100).decode(), flush=True)
os.close(link)
os.close(fd)
print("closed", flush=True)
'''


class AgentTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-agent-")
        self.addCleanup(shutil.rmtree, self.dir)

    def script(self, text, name="script.py"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as stream:
            stream.write(text)
        return path

    def start(self, text, *args):
        app = agenttest.FakeApp(self.script(text), *args, cwd=self.dir, stdin=subprocess.PIPE)
        self.addCleanup(app.close)
        return app

    def say(self, app, line):
        app.process.stdin.write(line.encode() + b"\n")
        app.process.stdin.flush()

    def check_census(self, message, request_id, label=None, final=False):
        self.assertEqual(message["type"], "census")
        self.assertEqual(message["id"], request_id)
        self.assertEqual(message["label"], label)
        self.assertIs(message["final"], final)
        for key in ("time", "elapsed"):
            self.assertIs(type(message[key]), float)
            self.assertGreaterEqual(message[key], 0)
        for key in ("objects", "bytes", "rss", "vms"):
            self.assertIs(type(message[key]), int)
            self.assertTrue(0 <= message[key] < 2 ** 53)
        rows = message["rows"]
        self.assertTrue(0 < len(rows) <= 200000)
        for name, count, size in rows:
            self.assertIs(type(name), str)
            self.assertLessEqual(len(name.encode("utf-8")), 1024)
            self.assertTrue(0 < count < 2 ** 53 and 0 <= size < 2 ** 53)
        self.assertEqual(len({row[0] for row in rows}), len(rows))
        self.assertEqual(message["objects"], sum(row[1] for row in rows))
        self.assertEqual(message["bytes"], sum(row[2] for row in rows))
        self.assertFalse([row[0] for row in rows if "heapscope" in row[0]])

    def test_hello_then_census(self):
        app = self.start(WAITER)
        hello = app.receive()
        self.assertEqual(hello, {
            "type": "hello", "id": 0, "protocol": 2, "pid": app.process.pid,
            "python": sys.version.split()[0], "implementation": "CPython",
            "executable": sys.executable, "accelerated": hello["accelerated"],
            "capabilities": hello["capabilities"]})
        for capability in ("census", "snapshot", "handles", "instances", "object",
                           "referrers", "path", "cancel", "repr"):
            self.assertIn(capability, hello["capabilities"])
        self.assertIs(type(hello["accelerated"]), bool)
        app.send({"type": "census", "id": 7})
        census = app.receive()
        self.check_census(census, 7)
        self.assertIn("str", agenttest.rows_by_name(census))
        self.say(app, "quit")
        final = app.receive()
        self.check_census(final, 0, final=True)
        self.assertGreater(final["time"], census["time"])
        self.assertEqual(app.receive(), {"type": "bye", "id": 0})
        self.assertIsNone(app.receive())
        self.assertEqual(app.finish()[0], 0)

    def test_bad_requests_get_errors_and_the_session_goes_on(self):
        app = self.start(WAITER)
        app.receive()
        app.send({"type": "dance", "id": 3})
        self.assertEqual(app.receive(), {"type": "error", "id": 3, "code": "unknown-request",
                                         "message": "unknown request type 'dance'"})
        app.send_raw(_codec.frame(_codec.KIND_JSON, b"{not json"))
        error = app.receive()
        self.assertEqual((error["type"], error["id"]), ("error", 0))
        for bad_id in (0, -1, "7", True, 1.0, None):
            app.send({"type": "census", "id": bad_id})
            error = app.receive()
            self.assertEqual((error["type"], error["id"]), ("error", 0), bad_id)
        app.send_raw(_codec.frame(_codec.KIND_JSON, b"[1, 2]"))
        self.assertEqual(app.receive()["type"], "error")
        app.send({"type": "census", "id": 9, "extra": {"deep": [1, [2, {"x": None}]]}})
        self.check_census(app.receive(), 9)
        self.say(app, "quit")
        self.assertTrue(app.receive()["final"])
        self.assertEqual(app.finish()[0], 0)

    def test_broken_framing_ends_the_session(self):
        for data in ((5).to_bytes(4, "big") + b"B" + b"1234",
                     (_codec.MAX_FRAME + 1).to_bytes(4, "big") + b"J",
                     (1).to_bytes(4, "big") + b"J"):
            with self.subTest(data=data[:5]):
                app = self.start(WAITER)
                app.receive()
                app.send_raw(data)
                error = app.receive()
                self.assertEqual((error["type"], error["id"]), ("error", 0))
                self.assertIsNone(app.receive())            # the agent hung up
                self.say(app, "hello")                      # the script runs on
                self.say(app, "snapshot")                   # a no-op now
                self.say(app, "quit")
                code, out, err = app.finish()
                self.assertEqual((code, err), (0, ""))
                self.assertEqual(out, "ready\necho hello\nNone\ndone\n")

    def test_bye(self):
        app = self.start(WAITER)
        app.receive()
        app.send({"type": "bye", "id": 4})
        self.assertIsNone(app.receive())
        self.say(app, "still here")
        self.say(app, "quit")
        code, out, err = app.finish()
        self.assertEqual((code, out, err), (0, "ready\necho still here\ndone\n", ""))

    def test_app_going_away(self):
        app = self.start(WAITER)
        app.receive()
        app.sock.close()
        self.say(app, "snapshot")
        self.say(app, "quit")
        started = time.monotonic()
        result = app.finish(timeout=30)
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(result, (0, "ready\nNone\ndone\n", ""))

    def test_app_not_reading_does_not_hang_the_exit(self):
        app = self.start("import heapscope\n"
                         "junk = [type('C%d' % i, (), {}) for i in range(3000)]\n"
                         "for i in range(200):\n"
                         "    heapscope.snapshot('s%d' % i)\n"
                         "print('finished')\n")
        app.process.stdin.close()
        self.assertEqual(app.finish(timeout=60), (0, "finished\n", ""))

    def test_snapshot_pushes_a_labelled_census(self):
        app = self.start("import heapscope\n"
                         "print(heapscope.snapshot('after load'))\n"
                         "heapscope.snapshot('\u00e9' * 2000)\n"
                         "try:\n"
                         "    heapscope.snapshot(42)\n"
                         "except TypeError as error:\n"
                         "    print('TypeError')\n")
        app.process.stdin.close()
        messages = app.receive_all()
        self.assertEqual([m["type"] for m in messages],
                         ["hello", "census", "census", "census", "bye"])
        self.check_census(messages[1], 0, label="after load")
        long_label = messages[2]["label"]
        self.assertEqual(long_label, "\u00e9" * 512)
        self.check_census(messages[2], 0, label=long_label)
        self.check_census(messages[3], 0, final=True)
        self.assertEqual(app.finish(), (0, "None\nTypeError\n", ""))

    def test_final_census_after_exception_and_exit(self):
        for body, code in (("raise ValueError('x')\n", 1), ("import sys\nsys.exit(4)\n", 4),
                           ("pass\n", 0)):
            with self.subTest(body=body):
                app = self.start(body)
                app.process.stdin.close()
                messages = app.receive_all()
                self.assertEqual([m["type"] for m in messages], ["hello", "census", "bye"])
                self.check_census(messages[1], 0, final=True)
                self.assertEqual(app.finish()[0], code)

    def test_os_exit_pushes_no_final_census(self):
        app = self.start("import os\nos._exit(5)\n")
        app.process.stdin.close()
        messages = app.receive_all()
        self.assertEqual([m["type"] for m in messages], ["hello"])
        self.assertEqual(app.finish()[0], 5)

    @unittest.skipUnless(hasattr(os, "fork"), "needs fork()")
    def test_fork(self):
        # (From 3.12 fork() warns when the process has other threads, and the
        # agent's is one: a difference from an unwatched run, left to the
        # report; the test looks past it.)
        app = self.start("import os, heapscope, sys, warnings\n"
                         "warnings.simplefilter('ignore', DeprecationWarning)\n"
                         "pid = os.fork()\n"
                         "if pid == 0:\n"
                         "    print('child', heapscope.snapshot('in the child'), flush=True)\n"
                         "    sys.exit(0)\n"
                         "os.waitpid(pid, 0)\n"
                         "heapscope.snapshot('in the parent')\n")
        app.process.stdin.close()
        messages = app.receive_all()
        self.assertEqual([(m["type"], m.get("label"), m.get("final")) for m in messages],
                         [("hello", None, None), ("census", "in the parent", False),
                          ("census", None, True), ("bye", None, None)])
        self.assertEqual(app.finish(), (0, "child None\n", ""))

    def test_bye_comes_after_late_threads_and_exit_handlers(self):
        # The session lasts until the interpreter finalizes: a thread still
        # running after __main__ ends and an atexit handler may take snapshots.
        app = self.start("import atexit, heapscope, threading, time\n"
                         "atexit.register(lambda: heapscope.snapshot('at exit'))\n"
                         "def late():\n"
                         "    time.sleep(0.2)\n"
                         "    heapscope.snapshot('late')\n"
                         "threading.Thread(target=late).start()\n"
                         "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n")
        app.process.stdin.close()
        messages = app.receive_all()
        self.assertEqual([(m["type"], m.get("label"), m.get("final")) for m in messages],
                         [("hello", None, None), ("census", None, True),
                          ("census", "late", False), ("census", "at exit", False),
                          ("bye", None, None)])
        # A daemon thread of the program's own does not hold the exit up.
        self.assertEqual(app.finish(timeout=30), (0, "", ""))

    def test_threads(self):
        app = self.start("import threading, heapscope\n"
                         "def work(i):\n"
                         "    heapscope.snapshot('thread %d' % i)\n"
                         "threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]\n"
                         "for t in threads: t.start()\n"
                         "for t in threads: t.join()\n"
                         "print(sorted(t.name for t in threading.enumerate()))\n")
        app.process.stdin.close()
        messages = app.receive_all()
        labels = sorted(m["label"] for m in messages if m["type"] == "census" and not m["final"])
        self.assertEqual(labels, ["thread 0", "thread 1", "thread 2", "thread 3"])
        # The agent's thread is not one of the program's threads.
        self.assertEqual(app.finish(), (0, "['MainThread']\n", ""))

    def test_not_a_socket(self):
        script = self.script("print('ran')\n")
        env = agenttest.clean_env(HEAPSCOPE_FD="1000")
        result = subprocess.run([agenttest.PYTHON, agenttest.BOOTSTRAP, script], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual((result.returncode, result.stdout), (0, b"ran\n"))
        self.assertIn(b"running without the agent", result.stderr)

    def test_the_socket_is_not_inherited_by_children(self):
        app = self.start(FIND_LINK + "print(os.get_inheritable(agent_link()))\n")
        app.process.stdin.close()
        app.receive_all()
        self.assertEqual(app.finish(), (0, "False\n", ""))

    def test_children_do_not_see_the_link_variable(self):
        app = self.start("import os, posix, subprocess\n"
                         "print(os.environ.get('HEAPSCOPE_FD'), os.getenv('HEAPSCOPE_FD'),\n"
                         "      b'HEAPSCOPE_FD' in posix.environ, flush=True)\n"
                         "os.system('echo ${HEAPSCOPE_FD-unset}')\n"
                         "print(subprocess.run(['sh', '-c', 'echo ${HEAPSCOPE_FD-unset}'],\n"
                         "      stdout=subprocess.PIPE).stdout.decode().strip())\n")
        app.process.stdin.close()
        app.receive_all()
        self.assertEqual(app.finish(), (0, "None None False\nunset\nunset\n", ""))

    def test_the_link_is_on_a_high_descriptor(self):
        app = self.start(FIND_LINK + "print([fd >= 900 for fd in sockets()])\n")
        app.process.stdin.close()
        app.receive_all()
        self.assertEqual(app.finish(), (0, "[True]\n", ""))

    def test_the_program_may_close_the_link_and_reuse_low_numbers(self):
        # As a daemon does: close every descriptor it did not open, then open
        # files of its own, which get the low numbers back.
        app = self.start(REUSE_LOW, os.path.join(self.dir, "data"))
        self.assertEqual(app.receive()["type"], "hello")
        self.assertEqual(app.process.stdout.readline(), b"lowest 3\n")
        # A request the agent reads after its link was closed (if it was
        # still reading): no reply reaches the program's files, and the link ends.
        try:
            app.send({"type": "census", "id": 5})
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.assertIsNone(app.receive(20))
        started = time.monotonic()
        self.say(app, "go")
        code, out, err = app.finish(timeout=30)
        self.assertLess(time.monotonic() - started, 4)    # no wait for a lost agent
        self.assertEqual((code, out, err), (0, "read and closed\n", ""))

    def test_the_program_may_take_the_links_number(self):
        # dup2() of a file onto the agent's own number: the agent must not
        # read, write or close that file.
        data = os.path.join(self.dir, "data")
        app = self.start(REUSE_LINK, data)
        self.assertEqual(app.receive()["type"], "hello")
        self.assertEqual(app.process.stdout.readline(), b"ready\n")   # the Things exist
        app.send({"type": "instances", "id": 2, "type_name": "__main__.Thing", "limit": 5})
        before = app.receive()
        self.assertEqual(before["type"], "instances", before)
        self.say(app, "memory")
        self.assertEqual(app.process.stdout.readline(), b"memory taken\n")
        # The agent's /proc/self/mem descriptor is gone: it opens another one.
        app.send({"type": "instances", "id": 3, "type_name": "__main__.Thing", "limit": 5})
        after = app.receive()
        self.assertEqual(after["type"], "instances", after)
        self.assertEqual([o["flat"] for o in after["objects"]],
                         [o["flat"] for o in before["objects"]])
        self.say(app, "link")
        self.assertEqual(app.process.stdout.readline(), b"link taken\n")
        try:
            app.send({"type": "census", "id": 4})       # if the agent still reads
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.assertIsNone(app.receive(20))
        self.say(app, "go")
        self.assertEqual(app.finish(timeout=30), (0, "the program's own data\nclosed\n", ""))


if __name__ == "__main__":
    unittest.main()
