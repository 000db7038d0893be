"""The agent thread: answers the app's requests over the inherited socket."""

import os
import socket
import sys
import threading
import time

from heapscope import _census, _wire

_STARTED = time.monotonic()
_agent = None


def _process_figures():
    try:
        with open("/proc/self/statm") as statm:
            fields = statm.read().split()
        page = os.sysconf("SC_PAGE_SIZE")
        return int(fields[1]) * page, int(fields[0]) * page
    except (OSError, ValueError, IndexError):
        return 0, 0


def _skip_frames():
    """This thread's frames down to (not including) the caller of the agent API."""
    frames = []
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_census._AGENT_DIR):
        frames.append(frame)
        frame = frame.f_back
    return frames


class Agent:
    def __init__(self, fd):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=fd)
        self.pid = os.getpid()
        self.send_lock = threading.Lock()
        self.census_lock = threading.Lock()
        self.thread = threading.Thread(target=self.run, name="heapscope-agent", daemon=True)

    def connected(self):
        return self.sock is not None and os.getpid() == self.pid

    def send(self, message):
        if not self.connected():
            return False
        frame = _wire.encode(message)
        with self.send_lock:
            try:
                self.sock.sendall(frame)
                return True
            except OSError:
                self.sock = None
                return False

    def take_census(self, request_id, label=None, final=False):
        started = time.monotonic()
        with self.census_lock:
            frames = _skip_frames()
            if threading.current_thread() is self.thread:
                frames.extend(_thread_frames(self.thread))
            rows = _census.census(extra_roots=(self, self.__dict__, self.thread, self.thread.__dict__),
                                  skip_frames=frames)
            del frames
        rss, vms = _process_figures()
        return {
            "type": "census", "id": request_id, "label": label, "final": final,
            "time": round(started - _STARTED, 6),
            "elapsed": round(time.monotonic() - started, 6),
            "objects": sum(row[1] for row in rows),
            "bytes": sum(row[2] for row in rows),
            "rss": rss, "vms": vms,
            "rows": [[row[0][:1024], row[1], row[2]] for row in rows],
        }

    def run(self):
        import platform
        self.send({
            "type": "hello", "id": 0, "protocol": _wire.PROTOCOL_VERSION, "pid": self.pid,
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable or "",
            "accelerated": False,
            "capabilities": ["census", "snapshot"],
        })
        while self.connected():
            try:
                message = _wire.read_message(self.sock)
            except (OSError, ValueError, _wire.WireError):
                break
            if message is None or message.get("type") == "bye":
                break
            request_id = message.get("id", 0)
            if message["type"] == "census":
                try:
                    reply = self.take_census(request_id)
                except Exception as error:  # report, never raise into the program
                    reply = {"type": "error", "id": request_id,
                             "message": "census failed: %s" % type(error).__name__}
            else:
                reply = {"type": "error", "id": request_id,
                         "message": "unknown request %s" % message["type"][:64]}
            if not self.send(reply):
                break
        self.sock = None


def _thread_frames(thread):
    frames = []
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def start(fd):
    global _agent
    _agent = Agent(fd)
    _agent.thread.start()


def active():
    """True while a Heapscope app is connected."""
    return _agent is not None and _agent.connected()


def snapshot(label=None):
    """Records the heap now, under @label, as a snapshot in the app."""
    if not active():
        return None
    _agent.send(_agent.take_census(0, label="" if label is None else str(label)[:1024]))
    return None


def final_census():
    if active():
        _agent.sock.settimeout(5)
        _agent.send(_agent.take_census(0, final=True))
