"""The console: sys.stderr framed into the stdout pipe, in program order.

With HEAPSCOPE_CONSOLE set and the agent connected, Python-level stderr
arrives in the stdout pipe as frames (backend/PROTOCOL.md, "Console"); what
is written below Python's streams still reaches fd 2. The streams look as
they do under python, and the census does not see the agent's part.
"""

import os
import re
import shutil
import subprocess
import tempfile
import threading
import unittest
from unittest import mock

import agenttest
import test_exclusion

TOKEN = "0123456789abcdef0123456789abcdef"
FRAME_MAX = 4096
HEADER = re.compile(rb"[0-9a-f]{4}\n")


def demux(data, token=TOKEN):
    """[(stream, bytes)] as the app splits the stdout pipe; consecutive runs
    of a stream joined. Every marker with the token must be well formed."""
    prefix = b"\0hs:" + token.encode("ascii") + b":"
    runs = []

    def add(stream, chunk):
        if runs and runs[-1][0] == stream:
            runs[-1] = (stream, runs[-1][1] + chunk)
        elif chunk:
            runs.append((stream, chunk))

    pos = 0
    while pos < len(data):
        at = data.find(prefix, pos)
        if at < 0:
            add("out", data[pos:])
            break
        add("out", data[pos:at])
        start = at + len(prefix) + 5
        head = data[at + len(prefix):start]
        assert HEADER.fullmatch(head), head
        size = int(head[:4], 16)
        assert start + size <= len(data), "frame cut short"
        assert start + size - at <= FRAME_MAX, "frame larger than PIPE_BUF"
        add("err", data[start:start + size])
        pos = start + size
    return runs


class ConsoleTestCase(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-console-")
        self.addCleanup(shutil.rmtree, self.dir)

    def script(self, text):
        path = os.path.join(self.dir, "script.py")
        with open(path, "w") as stream:
            stream.write(text)
        return path

    def run_framed(self, text, *args, env=None):
        """(exit code, stdout bytes, stderr bytes) of the script under the agent."""
        environment = {"HEAPSCOPE_CONSOLE": TOKEN}
        environment.update(env or {})
        app = agenttest.FakeApp(self.script(text), *args, cwd=self.dir, env=environment)
        self.addCleanup(app.close)
        # The pipes are read while the agent talks: a full pipe would stop the script.
        reader = threading.Thread(target=app.receive_all)
        reader.start()
        out, err = app.process.communicate(timeout=60)
        reader.join()
        return app.process.returncode, out, err

    def run_plain(self, text, *args):
        process = subprocess.run([agenttest.PYTHON, self.script(text)] + list(args),
                                 env=agenttest.clean_env(), cwd=self.dir,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return process.returncode, process.stdout, process.stderr


class FramingTest(ConsoleTestCase):

    def test_interleaved_lines_keep_their_order(self):
        code, out, err = self.run_framed(
            "import sys\n"
            "for i in range(2000):\n"
            "    print('out', i)\n"
            "    print('err', i, file=sys.stderr)\n")
        self.assertEqual(code, 0, err)
        self.assertEqual(err, b"")
        expected = []
        for i in range(2000):
            expected += [("out", b"out %d\n" % i), ("err", b"err %d\n" % i)]
        self.assertEqual(demux(out), expected)

    def test_any_bytes_pass_and_large_writes_are_split(self):
        big = bytes(range(256)) * 40          # NULs, invalid UTF-8, marker-like bytes
        code, out, err = self.run_framed(
            "import sys\n"
            "data = bytes(range(256)) * 40\n"
            "sys.stderr.buffer.write(data)\n"
            "sys.stderr.buffer.flush()\n"
            "raw = getattr(sys.stderr.buffer, 'raw', sys.stderr.buffer)\n"
            "raw.write(b'')\n"
            "raw.write(memoryview(b'raw\\n'))\n"
            "sys.stdout.write('\\0hs:%s:0004\\nfake' % ('f' * 32))\n"
            "sys.stdout.flush()\n"
            "print('caf\\u00e9 \\udcff', file=sys.stderr)\n")
        self.assertEqual(code, 0, err)
        self.assertEqual(demux(out), [
            ("err", big + b"raw\n"),
            ("out", b"\0hs:" + b"f" * 32 + b":0004\nfake"),
            ("err", "café \\udcff\n".encode())])
        self.assertEqual(err, b"")

    def test_writes_below_python_reach_fd2(self):
        code, out, err = self.run_framed(
            "import faulthandler, os, subprocess, sys\n"
            "os.write(2, b'os level\\n')\n"
            "faulthandler.dump_traceback(all_threads=False)\n"
            "subprocess.run([sys.executable, '-c',\n"
            "                'import sys; sys.stderr.write(\"child\\\\n\")'])\n"
            "print('python level', file=sys.stderr)\n")
        self.assertEqual(code, 0, err)
        self.assertTrue(err.startswith(b"os level\nStack (most recent call first):\n"), err)
        self.assertTrue(err.endswith(b"child\n"), err)
        self.assertEqual(demux(out), [("err", b"python level\n")])

    def test_tracebacks_and_exit_time_output_are_framed(self):
        code, out, err = self.run_framed(
            "import atexit, sys\n"
            "class Late:\n"
            "    def __del__(self, stderr=sys.stderr):\n"
            "        stderr.write('from __del__\\n')\n"
            "late = Late()\n"
            "atexit.register(lambda: print('from atexit', file=sys.stderr))\n"
            "print('last line')\n"
            "raise ValueError('boom')\n")
        self.assertEqual(code, 1)
        self.assertEqual(err, b"")
        runs = demux(out)
        self.assertEqual(runs[0], ("out", b"last line\n"))
        self.assertEqual(runs[1][0], "err")
        self.assertEqual(len(runs), 2, runs)
        text = runs[1][1].decode()
        self.assertTrue(text.startswith("Traceback (most recent call last):\n"), text)
        self.assertIn("ValueError: boom\nfrom atexit\n", text)
        self.assertTrue(text.endswith("from __del__\n"), text)

    def test_threads_never_split_a_frame(self):
        # Unlocked raw writes of whole-frame size, beside large unframed
        # writes to fd 1: pipe writes up to PIPE_BUF are atomic.
        code, out, err = self.run_framed(
            "import os, sys, threading\n"
            "raw = getattr(sys.stderr.buffer, 'raw', sys.stderr.buffer)\n"
            "def chatter(n):\n"
            "    line = (b'%d' % n) * 3000 + b'\\n'\n"
            "    for _ in range(200):\n"
            "        raw.write(line)\n"
            "def blocks():\n"
            "    for _ in range(50):\n"
            "        os.write(1, b'.' * 100000)\n"
            "threads = [threading.Thread(target=chatter, args=(n,)) for n in range(4)]\n"
            "threads.append(threading.Thread(target=blocks))\n"
            "for thread in threads: thread.start()\n"
            "for thread in threads: thread.join()\n")
        self.assertEqual(code, 0, err)
        runs = demux(out)
        stdout = b"".join(chunk for stream, chunk in runs if stream == "out")
        stderr = b"".join(chunk for stream, chunk in runs if stream == "err")
        self.assertEqual(stdout, b"." * 5000000)
        lines = stderr.split(b"\n")
        self.assertEqual(lines.pop(), b"")
        self.assertEqual(len(lines), 800)
        for line in lines:
            self.assertEqual(line, line[:1] * 3000)

    def test_redirected_descriptors(self):
        # With fd 1 pointed elsewhere, errors still reach the console; once
        # the program closes the agent's duplicate of fd 1, they go to fd 2.
        code, out, err = self.run_framed(
            "import os, sys\n"
            "print('before', file=sys.stderr)\n"
            "saved = os.dup(1)\n"
            "log = os.open('log.txt', os.O_WRONLY | os.O_CREAT | os.O_TRUNC)\n"
            "os.dup2(log, 1)\n"
            "print('into the file')\n"
            "print('stdout elsewhere', file=sys.stderr)\n"
            "sys.stdout.flush()\n"
            "os.dup2(saved, 1)\n"
            "os.closerange(3, 65536)\n"
            "print('after closerange', file=sys.stderr)\n"
            "print('still stdout')\n")
        self.assertEqual(code, 0, err)
        self.assertEqual(demux(out), [("err", b"before\nstdout elsewhere\n"),
                                      ("out", b"still stdout\n")])
        self.assertEqual(err, b"after closerange\n")
        with open(os.path.join(self.dir, "log.txt"), "rb") as stream:
            self.assertEqual(stream.read(), b"into the file\n")

    def test_descriptor_is_high_and_not_inherited(self):
        code, out, err = self.run_framed(
            "import os, subprocess, sys\n"
            "pipe = os.fstat(1)\n"
            "same = []\n"
            "for name in os.listdir('/proc/self/fd'):\n"
            "    try:\n"
            "        info = os.fstat(int(name))\n"
            "    except OSError:\n"
            "        continue\n"
            "    if (info.st_dev, info.st_ino) == (pipe.st_dev, pipe.st_ino) and name != '1':\n"
            "        same.append(int(name))\n"
            "print(len(same), min(same) >= 900)\n"
            "sys.stdout.flush()\n"
            "subprocess.run(['ls', '/proc/self/fd'])\n")
        self.assertEqual(code, 0, err)
        runs = demux(out)
        self.assertEqual(runs[0][0], "out")
        first, listing = runs[0][1].split(b"\n", 1)
        self.assertEqual(first, b"1 True")
        # A child gets the standard descriptors and the one ls opens, no more.
        self.assertEqual(sorted(int(n) for n in listing.split()), [0, 1, 2, 3])

    def test_token_is_hidden_from_the_program(self):
        code, out, err = self.run_framed(
            "import os, subprocess, sys\n"
            "print('HEAPSCOPE_CONSOLE' in os.environ, os.getenv('HEAPSCOPE_CONSOLE'))\n"
            "sys.stdout.flush()\n"
            "subprocess.run([sys.executable, '-c',\n"
            "                'import os; print(os.environ.get(\"HEAPSCOPE_CONSOLE\"))'])\n")
        self.assertEqual(code, 0, err)
        self.assertEqual(demux(out), [("out", b"False None\nNone\n")])
        self.assertNotIn(TOKEN.encode(), out.replace(b"\0hs:" + TOKEN.encode(), b""))

    def test_without_a_valid_token_nothing_changes(self):
        for token in (None, "short", TOKEN.upper()):
            env = {} if token is None else {"HEAPSCOPE_CONSOLE": token}
            app = agenttest.FakeApp(self.script(
                "import os, sys\n"
                "print('out', 'HEAPSCOPE_CONSOLE' in os.environ)\n"
                "print('err', file=sys.stderr)\n"), cwd=self.dir, env=env)
            self.addCleanup(app.close)
            app.receive_all()
            code, out, err = app.finish()
            self.assertEqual((code, out, err), (0, "out False\n", "err\n"), token)


class LikePythonTest(ConsoleTestCase):
    """The standard streams look the same under the agent as under python."""

    PROBE = (
        "import sys\n"
        "def describe(name):\n"
        "    stream = getattr(sys, name)\n"
        "    buffer = stream.buffer\n"
        "    raw = getattr(buffer, 'raw', buffer)\n"
        "    return [name, type(stream).__name__, type(buffer).__name__, type(raw).__name__,\n"
        "            stream.fileno(), buffer.fileno(), raw.fileno(), stream.encoding,\n"
        "            stream.errors, stream.isatty(), raw.isatty(), stream.name, raw.name,\n"
        "            stream.mode, raw.mode, raw.closefd, stream.write_through,\n"
        "            stream is getattr(sys, '__%s__' % name), stream.writable()]\n"
        "sys.stdout.write(repr([describe('stdout'), describe('stderr')]) + '\\n')\n")

    def test_streams_look_as_under_python(self):
        code, out, err = self.run_framed(self.PROBE)
        self.assertEqual(code, 0, err)
        code, plain, err = self.run_plain(self.PROBE)
        self.assertEqual(code, 0, err)
        self.assertEqual(demux(out), [("out", plain)])

    def test_stdout_is_line_buffered_as_on_a_terminal(self):
        code, out, err = self.run_framed(
            "import sys\n"
            "print(sys.stdout.line_buffering or sys.stdout.write_through,\n"
            "      sys.stderr.line_buffering or sys.stderr.write_through)\n")
        self.assertEqual(code, 0, err)
        self.assertEqual(demux(out), [("out", b"True True\n")])


class FramedExclusionTest(test_exclusion.ExclusionTest):
    """The census comparison of test_exclusion, with the console framed."""

    def run_with_agent(self):
        plain_app = agenttest.FakeApp

        def framed_app(*args, env=None, **kwargs):
            env = dict(env or {})
            env["HEAPSCOPE_CONSOLE"] = TOKEN
            return plain_app(*args, env=env, **kwargs)

        with mock.patch.object(agenttest, "FakeApp", framed_app):
            return super().run_with_agent()


if __name__ == "__main__":
    unittest.main()
