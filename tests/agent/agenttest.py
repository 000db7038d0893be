"""Shared helpers for the agent tests: where the agent is, and a fake app.

HS_AGENT_DIR names a runnable agent directory (meson's build directory sets it
to <builddir>/backend/agent); without it the source tree is used, without the
C accelerator.
"""

import os
import select
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT_DIR = os.environ.get("HS_AGENT_DIR") or os.path.join(HERE, "..", "..", "backend", "agent")
AGENT_DIR = os.path.abspath(AGENT_DIR)
BOOTSTRAP = os.path.join(AGENT_DIR, "heapscope_bootstrap.py")
PYTHON = sys.executable

if AGENT_DIR not in sys.path:
    sys.path.insert(0, AGENT_DIR)

from heapscope import _codec  # noqa: E402  (needs the path above)


def clean_env(**extra):
    """The test's environment without Heapscope's variables, plus `extra`."""
    env = dict(os.environ)
    for name in ("HEAPSCOPE_FD", "HEAPSCOPE_ACCEL", "PYTHONPATH", "PYTHONSAFEPATH",
                 "PYTHONINSPECT", "PYTHONSTARTUP"):
        env.pop(name, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


class FakeApp:
    """The app's side of a session: a socketpair and a child running the bootstrap."""

    def __init__(self, script, *args, env=None, cwd=None, python_args=(), stdin=None):
        self.sock, child_end = socket.socketpair()
        self.child_fd = child_end.fileno()
        environment = clean_env(HEAPSCOPE_FD=str(self.child_fd))
        if env:
            environment.update(env)
        self.process = subprocess.Popen(
            [PYTHON] + list(python_args) + [BOOTSTRAP, script] + list(args),
            env=environment, cwd=cwd, pass_fds=[child_end.fileno()],
            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        child_end.close()
        self.buffer = b""
        self.pending = []

    def send(self, message):
        self.sock.sendall(_codec.json_frame(message))

    def send_raw(self, data):
        self.sock.sendall(data)

    def receive(self, timeout=30):
        """The next message, or None at end of file."""
        deadline = time.monotonic() + timeout
        while not self.pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from the agent")
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                continue
            try:
                data = self.sock.recv(1 << 20)
            except ConnectionResetError:    # closed with our bytes unread
                data = b""
            if not data:
                return None
            self.buffer += data
            messages, self.buffer = _codec.decode_frames(self.buffer)
            self.pending.extend(messages)
        return self.pending.pop(0)

    def receive_all(self, timeout=60):
        """Every message until end of file."""
        messages = []
        while True:
            message = self.receive(timeout)
            if message is None:
                return messages
            messages.append(message)

    def finish(self, timeout=60):
        """Wait for the child; return (returncode, stdout, stderr)."""
        if self.process.stdin is not None and self.process.stdin.closed:
            self.process.stdin = None
        stdout, stderr = self.process.communicate(timeout=timeout)
        self.sock.close()
        return self.process.returncode, stdout.decode(), stderr.decode()

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        self.process.wait()
        self.sock.close()


def rows_by_name(census):
    return {row[0]: (row[1], row[2]) for row in census["rows"]}
