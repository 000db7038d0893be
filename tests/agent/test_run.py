"""The bootstrap runs a script exactly as ``python SCRIPT ARGS`` does.

Each probe runs twice, as ``python SCRIPT ARGS`` and as ``python
heapscope_bootstrap.py SCRIPT ARGS`` (without and with an app on the other end
of the socket), and everything it prints, its exit status and its stderr must
be the same; a module likewise, as ``python -m MODULE ARGS`` and ``python
heapscope_bootstrap.py -m MODULE ARGS``. And the process does not outlive the
app.
"""

import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import agenttest

PROBE = r'''
import os, pickle, sys
import __main__

class Thing:
    pass

print("argv", sys.argv)
print("path0", sys.path[0] if sys.path else None)
print("file", __file__, __name__, __spec__, __package__, __doc__, __cached__)
print("loader", type(__loader__).__name__, __loader__.name, __loader__.path)
print("main", sys.modules["__main__"] is __main__, __main__.__dict__ is globals())
print("keys", list(globals())[:9])
print("builtins", __builtins__ is __import__("builtins"))
print("pickle", type(pickle.loads(pickle.dumps(Thing()))).__qualname__)
print("code", sys._getframe().f_code.co_filename)
print("orig", getattr(sys, "orig_argv", [])[-len(sys.argv):] == sys.argv)
print("importer", sys.path_importer_cache.get(os.path.abspath(sys.argv[0]), "absent"))
action = sys.argv[1] if len(sys.argv) > 1 else ""
if action == "exit3":
    sys.exit(3)
if action == "exitmsg":
    sys.exit("a message")
if action == "exitnone":
    sys.exit(None)
if action == "raise":
    def inner():
        raise ValueError("boom")
    inner()
if action == "interrupt":
    raise KeyboardInterrupt
if action == "hook":
    def hook(kind, value, tb):
        print("hook got", kind.__name__, tb.tb_frame.f_code.co_name, tb.tb_next is not None)
    sys.excepthook = hook
    raise RuntimeError("to the hook")
if action == "atexit":
    import atexit
    atexit.register(lambda: print("atexit sees __file__:", hasattr(__main__, "__file__")))
'''


MODULE_PROBE = r'''
import os, sys
import __main__
print("argv", sys.argv)
print("path0", sys.path[0] if sys.path else None)
print("spec", __name__, __spec__.name, __spec__.origin, type(__spec__.loader).__name__,
      repr(__package__))
print("file", __file__, __cached__)
print("loader", type(__loader__).__name__, __loader__.name)
print("main", sys.modules["__main__"] is __main__, __main__.__dict__ is globals())
print("keys", list(globals()))
print("orig", getattr(sys, "orig_argv", [None])[1:])
print("runpy", "runpy" in sys.modules)
print("cached", sys.path[0] in sys.path_importer_cache)
action = sys.argv[1] if len(sys.argv) > 1 else ""
if action == "exit3":
    sys.exit(3)
if action == "raise":
    def inner():
        raise ValueError("boom")
    inner()
if action == "interrupt":
    raise KeyboardInterrupt
'''

# Starts the bootstrap with an app that then dies at once (SIGKILL), and
# prints the child's pid. The child's output goes nowhere: our pipe must end
# with us.
DYING_APP = r'''
import os, socket, subprocess, sys
app, child = socket.socketpair()
env = dict(os.environ, HEAPSCOPE_FD=str(child.fileno()))
process = subprocess.Popen([sys.executable, sys.argv[1], sys.argv[2]], env=env,
                           pass_fds=[child.fileno()], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
child.close()
app.recv(1)             # the hello begins: the agent is connected
print(process.pid, flush=True)
os.kill(os.getpid(), 9)
'''

SLEEPER = "import time\ntime.sleep(60)\n"


def process_gone(pid):
    """Whether `pid` has ended: no such process, or one dead and not yet reaped."""
    try:
        with open("/proc/%d/stat" % pid) as stream:
            stat = stream.read()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] in "ZX"


def run(command, cwd, env=None):
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=agenttest.clean_env(**(env or {})), timeout=60)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


class RunTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-run-")
        self.addCleanup(shutil.rmtree, self.dir)
        os.mkdir(os.path.join(self.dir, "sub"))
        self.script = os.path.join(self.dir, "sub", "probe.py")
        with open(self.script, "w") as stream:
            stream.write(PROBE)

    def compare(self, script, *args, python_args=(), cwd=None):
        cwd = cwd or self.dir
        plain = run([agenttest.PYTHON] + list(python_args) + [script] + list(args), cwd)
        boot = run([agenttest.PYTHON] + list(python_args) + [agenttest.BOOTSTRAP, script]
                   + list(args), cwd)
        self.assertEqual(boot, plain)
        app = agenttest.FakeApp(script, *args, cwd=cwd, python_args=python_args)
        self.addCleanup(app.close)
        messages = app.receive_all()
        with_agent = app.finish()
        self.assertEqual(with_agent, plain)
        return plain, messages

    def test_plain_run(self):
        (code, out, err), messages = self.compare(self.script, "a", "b c")
        self.assertEqual(code, 0, err)
        self.assertIn("argv ['%s', 'a', 'b c']" % self.script, out)
        self.assertIn("pickle Thing", out)
        self.assertEqual([m["type"] for m in messages], ["hello", "census", "bye"])
        self.assertTrue(messages[1]["final"])

    def test_relative_path_and_symlink(self):
        self.compare(os.path.join(".", "sub", "..", "sub", "probe.py"))
        link_dir = os.path.join(self.dir, "links")
        os.mkdir(link_dir)
        os.symlink(self.script, os.path.join(link_dir, "linked.py"))
        (code, out, err), _ = self.compare(os.path.join("links", "linked.py"))
        self.assertIn("path0 %s" % os.path.join(os.path.realpath(self.dir), "sub"), out)

    def test_safe_path_and_isolated(self):
        if sys.version_info >= (3, 11):
            self.compare(self.script, python_args=["-P"])
        self.compare(self.script, python_args=["-I"])

    def test_exit_codes(self):
        for action, expected in (("exit3", 3), ("exitmsg", 1), ("exitnone", 0), ("raise", 1)):
            with self.subTest(action=action):
                (code, out, err), messages = self.compare(self.script, action)
                self.assertEqual(code, expected)
                self.assertEqual([m["type"] for m in messages], ["hello", "census", "bye"])
                self.assertTrue(messages[1]["final"])
        (code, out, err), _ = self.compare(self.script, "exitmsg")
        self.assertEqual(err, "a message\n")

    def test_traceback_has_no_bootstrap_frames(self):
        (code, out, err), _ = self.compare(self.script, "raise")
        self.assertIn('File "%s", line' % self.script, err)
        self.assertIn("ValueError: boom", err)
        self.assertNotIn("heapscope", err)
        self.assertNotIn("runpy", err)

    def test_user_excepthook_gets_the_script_traceback(self):
        (code, out, err), _ = self.compare(self.script, "hook")
        self.assertIn("hook got RuntimeError <module> False", out)
        self.assertEqual(code, 1)

    def test_keyboard_interrupt(self):
        (code, out, err), _ = self.compare(self.script, "interrupt")
        self.assertEqual(code, -signal.SIGINT)
        self.assertIn("KeyboardInterrupt", err)

    def test_file_is_gone_for_atexit(self):
        (code, out, err), _ = self.compare(self.script, "atexit")
        self.assertIn("atexit sees __file__: False", out)

    def test_syntax_error_and_missing_file(self):
        bad = os.path.join(self.dir, "bad.py")
        with open(bad, "w") as stream:
            stream.write("x = (1,\n")
        if sys.version_info >= (3, 10):
            # (3.9's compile() places an error at the end of file one line
            # earlier than its file parser does.)
            (code, out, err), _ = self.compare(bad)
            self.assertEqual(code, 1)
            self.assertIn("SyntaxError", err)
        missing = os.path.join(self.dir, "missing.py")
        plain = run([agenttest.PYTHON, missing], self.dir)
        boot = run([agenttest.PYTHON, agenttest.BOOTSTRAP, missing], self.dir)
        self.assertEqual(boot, plain)
        self.assertEqual(plain[0], 2)

    def test_directory_with_main(self):
        package = os.path.join(self.dir, "app")
        os.mkdir(package)
        with open(os.path.join(package, "__main__.py"), "w") as stream:
            stream.write("import sys\nprint(sys.argv, sys.path[0], __name__, __file__)\n")
        self.compare("app", "x")

    def test_encoding_cookie_and_bom(self):
        latin = os.path.join(self.dir, "latin.py")
        with open(latin, "wb") as stream:
            stream.write(b"# -*- coding: latin-1 -*-\nprint(repr('\xe9'))\n")
        bom = os.path.join(self.dir, "bom.py")
        with open(bom, "wb") as stream:
            stream.write(b"\xef\xbb\xbfprint(repr('\xc3\xa9'))\n")
        for script in (latin, bom):
            (code, out, err), _ = self.compare(script)
            self.assertEqual(out, "'\u00e9'\n")

    def test_snapshot_is_a_no_op_outside_heapscope(self):
        script = os.path.join(self.dir, "snap.py")
        with open(script, "w") as stream:
            stream.write("import heapscope\nprint(heapscope.snapshot('x'), heapscope.snapshot())\n")
        boot = run([agenttest.PYTHON, agenttest.BOOTSTRAP, script], self.dir)
        plain = run([agenttest.PYTHON, script], self.dir, env={"PYTHONPATH": agenttest.AGENT_DIR})
        self.assertEqual(boot, (0, "None None\n", ""))
        self.assertEqual(plain, (0, "None None\n", ""))

    def test_old_python_gets_a_message(self):
        # The first lines must work on any Python: pretend to be 3.7.
        code = ("import sys; sys.version_info = (3, 7, 0); sys.argv = [%r, 'x.py']; "
                "exec(compile(open(%r).read(), %r, 'exec'), {'__file__': %r, '__name__': '__main__'})"
                % (agenttest.BOOTSTRAP, agenttest.BOOTSTRAP, agenttest.BOOTSTRAP, agenttest.BOOTSTRAP))
        status, out, err = run([agenttest.PYTHON, "-c", code], self.dir)
        self.assertEqual(status, 119)
        self.assertIn("Python 3.8 or newer", err)
        self.assertEqual(len(err.strip().splitlines()), 1)


class ModuleTest(unittest.TestCase):
    """-m MODULE runs as ``python -m MODULE`` does."""

    def setUp(self):
        self.dir = os.path.realpath(tempfile.mkdtemp(prefix="hs-run-module-"))
        self.addCleanup(shutil.rmtree, self.dir)
        with open(os.path.join(self.dir, "probemod.py"), "w") as stream:
            stream.write(MODULE_PROBE)
        package = os.path.join(self.dir, "pkg")
        os.mkdir(package)
        with open(os.path.join(package, "__init__.py"), "w") as stream:
            stream.write("import sys\nprint('importing pkg', sys.argv)\n")
        with open(os.path.join(package, "__main__.py"), "w") as stream:
            stream.write(MODULE_PROBE)
        with open(os.path.join(package, "sub.py"), "w") as stream:
            stream.write(MODULE_PROBE)
        with open(os.path.join(self.dir, "data.json"), "w") as stream:
            stream.write('{"b": [1, 2], "a": null}')

    def compare(self, module, *args, python_args=()):
        plain = run([agenttest.PYTHON] + list(python_args) + ["-m", module] + list(args), self.dir)
        boot = run([agenttest.PYTHON] + list(python_args) + [agenttest.BOOTSTRAP, "-m", module]
                   + list(args), self.dir)
        self.assertEqual(boot, plain)
        app = agenttest.FakeApp("-m", module, *args, cwd=self.dir, python_args=python_args)
        self.addCleanup(app.close)
        messages = app.receive_all()
        with_agent = app.finish()
        self.assertEqual(with_agent, plain)
        return plain, messages

    def test_module(self):
        (code, out, err), messages = self.compare("probemod", "a", "b c")
        self.assertEqual(code, 0, err)
        origin = os.path.join(self.dir, "probemod.py")
        self.assertIn("argv ['%s', 'a', 'b c']" % origin, out)
        self.assertIn("path0 %s\n" % self.dir, out)
        self.assertIn("spec __main__ probemod %s SourceFileLoader ''" % origin, out)
        self.assertIn("orig ['-m', 'probemod', 'a', 'b c']", out)
        self.assertEqual([m["type"] for m in messages], ["hello", "census", "bye"])
        self.assertTrue(messages[1]["final"])

    def test_package_and_submodule(self):
        (code, out, err), _ = self.compare("pkg", "x")
        self.assertEqual(code, 0, err)
        # The package is imported while sys.argv[0] is still "-m".
        self.assertIn("importing pkg ['-m', 'x']", out)
        self.assertIn("spec __main__ pkg.__main__ ", out)
        (code, out, err), _ = self.compare("pkg.sub")
        self.assertIn("spec __main__ pkg.sub ", out)
        self.assertIn("'pkg'", out)

    def test_exit_codes_and_traceback(self):
        (code, out, err), _ = self.compare("probemod", "exit3")
        self.assertEqual(code, 3)
        (code, out, err), _ = self.compare("probemod", "raise")
        self.assertEqual(code, 1)
        self.assertIn("ValueError: boom", err)
        self.assertIn("_run_module_as_main", err)      # python -m shows runpy's frames too
        self.assertNotIn("heapscope", err)
        (code, out, err), _ = self.compare("probemod", "interrupt")
        self.assertEqual(code, -signal.SIGINT)

    def test_missing_module(self):
        (code, out, err), messages = self.compare("no_such_module_here")
        self.assertEqual(code, 1)
        self.assertIn("No module named no_such_module_here", err)
        self.assertEqual([m["type"] for m in messages], ["hello", "census", "bye"])

    def test_standard_module_safe_path_and_isolated(self):
        self.compare("json.tool", "--sort-keys", "data.json")
        for python_args in (["-I"], ["-P"]) if sys.version_info >= (3, 11) else (["-I"],):
            with self.subTest(python_args=python_args):
                # The working folder is not on sys.path: the local module is not found.
                (code, out, err), _ = self.compare("probemod", python_args=python_args)
                self.assertEqual(code, 1)
                self.compare("json.tool", "data.json", python_args=python_args)


class LifetimeTest(unittest.TestCase):
    """The process does not outlive the app, but outlives a link the app closed."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-run-life-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.script = os.path.join(self.dir, "sleeper.py")
        with open(self.script, "w") as stream:
            stream.write(SLEEPER)

    def test_app_death_ends_the_process(self):
        app = subprocess.Popen([agenttest.PYTHON, "-c", DYING_APP, agenttest.BOOTSTRAP, self.script],
                               env=agenttest.clean_env(), stdout=subprocess.PIPE)
        self.addCleanup(app.stdout.close)
        pid = int(app.stdout.readline())
        self.assertEqual(app.wait(timeout=60), -signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not process_gone(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                self.fail("the script outlived its app")
            time.sleep(0.05)

    def test_closed_link_is_not_death(self):
        # The app closes the link and lives on: the agent's thread ends (its
        # last act releases this lock) and the program runs on.
        script = os.path.join(self.dir, "lives_on.py")
        with open(script, "w") as stream:
            stream.write("import sys\n"
                         "ended = sys.modules['heapscope._agent']._state['reader_ended']\n"
                         "print('thread ended', ended.acquire(timeout=60))\n")
        app = agenttest.FakeApp(script)
        self.addCleanup(app.close)
        self.assertEqual(app.receive()["type"], "hello")
        app.sock.close()
        self.assertEqual(app.finish(), (0, "thread ended True\n", ""))


# Held at exit: a script that ends with a list of objects in a global.
HELD = r"""
import atexit, os, sys

class Kept:
    def __init__(self, n):
        self.n = n

kept = [Kept(n) for n in range(50)]
print("variable", os.environ.get("HEAPSCOPE_HOLD"), flush=True)
atexit.register(lambda: print("atexit ran", len(kept), flush=True))
action = sys.argv[1] if len(sys.argv) > 1 else ""
if action == "exit3":
    sys.exit(3)
if action == "raise":
    raise ValueError("boom at the end")
"""


class HoldTest(unittest.TestCase):
    """With HEAPSCOPE_HOLD=1 the process waits at the script's end, serving requests."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hs-run-hold-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.script = os.path.join(self.dir, "held.py")
        with open(self.script, "w") as stream:
            stream.write(HELD)

    def start(self, *args):
        app = agenttest.FakeApp(self.script, *args, cwd=self.dir,
                                env={"HEAPSCOPE_HOLD": "1"})
        self.addCleanup(app.close)
        types = []
        while True:
            message = app.receive()
            self.assertIsNotNone(message, "the link ended before the hold")
            types.append(message["type"])
            if message["type"] == "census":
                self.assertIs(message["final"], True)
                self.assertEqual(agenttest.rows_by_name(message)["__main__.Kept"][0], 50)
            if message["type"] == "held":
                break
        self.assertEqual(types, ["hello", "census", "held"])
        self.assertEqual(message["id"], 0)
        app.held = message
        return app

    def read_stderr_while_held(self, app, ending):
        """What the held process has written to its stderr, up to ending."""
        written = b""
        deadline = time.monotonic() + 30
        while ending.encode() not in written and time.monotonic() < deadline:
            ready, _, _ = select.select([app.process.stderr], [], [], 1)
            if ready:
                written += os.read(app.process.stderr.fileno(), 65536)
        return written.decode()

    def ask(self, app, request):
        app.send(request)
        reply = app.receive()
        self.assertEqual(reply["id"], request["id"], reply)
        return reply

    def check_served(self, app):
        """The final heap answers: a census, the instances, a referrer of one."""
        time.sleep(0.3)
        self.assertIsNone(app.process.poll(), "the held process ended")
        census = self.ask(app, {"type": "census", "id": 1})
        self.assertEqual(agenttest.rows_by_name(census)["__main__.Kept"][0], 50)
        page = self.ask(app, {"type": "instances", "id": 2, "type_name": "__main__.Kept",
                              "offset": 0, "limit": 10})
        self.assertEqual((page["type"], page["total"], len(page["objects"])),
                         ("instances", 50, 10))
        referrers = self.ask(app, {"type": "referrers", "id": 3,
                                   "handle": page["objects"][0]["handle"]})
        self.assertEqual(referrers["type"], "referrers")
        self.assertEqual([entry["type"] for entry in referrers["referrers"]], ["list"])
        path = self.ask(app, {"type": "path", "id": 4, "handle": page["objects"][0]["handle"]})
        self.assertEqual(path["steps"][-1]["edge"], {"kind": "global", "name": "kept"})

    def test_sigterm_ends_the_hold_with_the_scripts_exit_code(self):
        for action, code in (("exit3", 3), ("", 0), ("raise", 1)):
            with self.subTest(action=action):
                app = self.start(action)
                self.assertEqual(app.held.get("raised"), True if action == "raise" else None)
                if action == "raise":
                    # The traceback is there while the process is held, as
                    # python prints it before atexit handlers: once.
                    told = self.read_stderr_while_held(app, "ValueError: boom at the end\n")
                    self.assertTrue(told.startswith("Traceback (most recent call last):\n"), told)
                    self.assertTrue(told.endswith("ValueError: boom at the end\n"), told)
                    self.assertNotIn("heapscope", told)
                    self.assertIsNone(app.process.poll())
                self.check_served(app)
                os.kill(app.process.pid, signal.SIGTERM)
                rest = app.receive_all()
                self.assertEqual([m["type"] for m in rest], ["bye"])
                returncode, out, err = app.finish()
                self.assertEqual(returncode, code, err)
                self.assertEqual(out, "variable None\natexit ran 50\n")
                self.assertEqual(err, "")

    def test_sigint_ends_the_hold(self):
        app = self.start("exit3")
        os.kill(app.process.pid, signal.SIGINT)
        self.assertEqual([m["type"] for m in app.receive_all()], ["bye"])
        self.assertEqual(app.finish(), (3, "variable None\natexit ran 50\n", ""))

    def test_link_close_ends_the_hold(self):
        app = self.start("exit3")
        self.check_served(app)
        app.sock.close()
        started = time.monotonic()
        self.assertEqual(app.finish(timeout=30), (3, "variable None\natexit ran 50\n", ""))
        self.assertLess(time.monotonic() - started, 10)

    def test_bye_ends_the_hold(self):
        app = self.start()
        app.send({"type": "bye", "id": 9})
        self.assertIsNone(app.receive())
        self.assertEqual(app.finish(timeout=30), (0, "variable None\natexit ran 50\n", ""))

    def test_no_hold_without_the_variable(self):
        app = agenttest.FakeApp(self.script, "exit3", cwd=self.dir)
        self.addCleanup(app.close)
        self.assertEqual([m["type"] for m in app.receive_all()], ["hello", "census", "bye"])
        self.assertEqual(app.finish()[0], 3)


if __name__ == "__main__":
    unittest.main()
