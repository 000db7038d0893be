"""The bootstrap runs a script exactly as ``python SCRIPT ARGS`` does.

Each probe runs twice, as ``python SCRIPT ARGS`` and as ``python
heapscope_bootstrap.py SCRIPT ARGS`` (without and with an app on the other end
of the socket), and everything it prints, its exit status and its stderr must
be the same.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
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


if __name__ == "__main__":
    unittest.main()
