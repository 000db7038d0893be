"""The script's stdout and stderr, kept in the order it wrote them.

The app reads the child's fd 1 and fd 2 from two pipes, and two pipes keep no
order between them. So when the app sets ``HEAPSCOPE_CONSOLE`` (a per-run
random token) and the agent is connected, `install`:

- takes the token out of ``os.environ``, so neither the script nor the
  programs it starts ever see it;
- makes ``sys.stdout`` line-buffered, as on a terminal (to a pipe Python
  buffers it in blocks, which reorders it against stderr even on one pipe);
- sends what Python-level code writes to ``sys.stderr`` (text, ``.buffer``
  and ``.buffer.raw`` alike) into the stdout pipe, framed, through a
  close-on-exec duplicate of fd 1 numbered 1000 or so (out of the program's
  way; a program that points fd 1 elsewhere still has its errors shown):

      NUL "hs:" TOKEN ":" LENGTH "\\n" PAYLOAD

  LENGTH is four lowercase hex digits, the PAYLOAD's size in bytes. A frame is
  at most PIPE_BUF (4096) bytes, written by one write(): the kernel never
  interleaves another write into it, whichever thread or process makes it.
  The app takes each frame's payload as stderr and all else as stdout
  (backend/PROTOCOL.md, "Console").

The stream objects stay the ones the interpreter made -- same types, encodings
and error handlers, ``fileno()`` 1 and 2, ``isatty()`` as the pipes say -- and
so do their counts in a census: the only change is a ``write`` attribute on
stderr's ``FileIO``, a function of this module. Writes below Python's streams
(``os.write(2, ...)``, faulthandler, C extensions, child processes) still go
to fd 2's pipe and are shown as stderr, not ordered with the rest.

Known differences from python: ``sys.stderr`` writes stay in the console
when the script points fd 2 elsewhere (``os.dup2``; looking before each write
would cost more than the write); once the script closes the duplicate
(``os.closerange``), they go to fd 2 unframed, as under python.

Everything here is made at import, while new objects are still the agent's;
`install` makes no object the collector tracks that outlives it.
"""

import errno
import os
import sys

from . import _census

try:
    import _io
except ImportError:         # not CPython: the console stays as it is
    _io = None

ENV_NAME = "HEAPSCOPE_CONSOLE"
TOKEN_LENGTH = 32           # lowercase hex digits
FRAME_MAX = 4096            # PIPE_BUF: a pipe write this size is atomic
_HEX = "0123456789abcdef"

_state = {
    "fd": -1,               # the duplicate of fd 1; -1 before install and once it is lost
    "installed": False,
    "header": b"",          # NUL "hs:" TOKEN ":"
    "payload_max": 0,       # bytes of payload a frame can carry
    # A list keeps this dict tracked by the collector from the start, so it
    # is a start-up object: a dict of atoms only is untracked until a value
    # needs it, and would then be counted as the program's.
    "tracked": [],
}


def install(environ=None):
    """Frame Python-level stderr into stdout's pipe; True when done.

    The token is taken out of the environment in any case. Without it, or
    when the standard streams are not the interpreter's own, nothing changes.
    """
    if environ is None:
        environ = os.environ
    token = environ.pop(ENV_NAME, None)
    if token is None or not _valid_token(token) or _io is None or _state["installed"]:
        return False
    stdout = sys.stdout
    stderr = sys.stderr
    raw = _stderr_raw(stderr)
    if (raw is None or type(stdout) is not _io.TextIOWrapper
            or stdout is not sys.__stdout__ or stderr is not sys.__stderr__):
        return False
    try:
        if stdout.fileno() != 1:
            return False
        fd = _census.duplicate_high(1)
        if fd < 0:
            fd = os.dup(1)      # no room up there: the lowest free number
    except (OSError, ValueError):
        return False
    header = b"\0hs:" + token.encode("ascii") + b":"
    _state["header"] = header
    _state["payload_max"] = FRAME_MAX - len(header) - 5
    _state["fd"] = fd
    _state["installed"] = True
    try:
        # What stdout holds already goes out before anything framed.
        stdout.flush()
        stderr.flush()
        if not stdout.write_through:
            stdout.reconfigure(line_buffering=True)
        if not stderr.write_through and not stderr.line_buffering:   # 3.8
            stderr.reconfigure(line_buffering=True)
    except Exception:
        pass
    # FileIO's instances have a __dict__, and the buffered and text layers
    # above call raw.write by name: this function answers them.
    raw.write = _write
    return True


def _valid_token(token):
    if len(token) != TOKEN_LENGTH:
        return False
    for char in token:
        if char not in _HEX:
            return False
    return True


def _stderr_raw(stderr):
    """sys.stderr's FileIO on fd 2, or None."""
    if type(stderr) is not _io.TextIOWrapper:
        return None
    raw = stderr.buffer
    if type(raw) is _io.BufferedWriter:
        raw = raw.raw
    if type(raw) is not _io.FileIO:
        return None
    try:
        if raw.fileno() != 2 or raw.closed:
            return None
    except (OSError, ValueError):
        return None
    return raw


def _write(data, _state=_state, _os_write=os.write, _len=len, _min=min,
           _memoryview=memoryview, _BlockingIOError=BlockingIOError, _OSError=OSError,
           _EBADF=errno.EBADF):
    """sys.stderr's raw write, as FileIO.write: the bytes written, None if it would block.

    Module globals may be gone at interpreter exit, when the last output is
    flushed: everything comes in through the defaults.
    """
    view = _memoryview(data)
    if view.format != "B" or view.ndim != 1:
        view = view.cast("B")
    total = _len(view)
    fd = _state["fd"]
    header = _state["header"]
    chunk = _state["payload_max"]
    done = 0
    while done < total:
        if fd < 0:
            # The duplicate is gone: to fd 2, as python writes (and fails).
            try:
                return done + _os_write(2, view[done:])
            except _BlockingIOError:
                return done if done else None
        size = _min(total - done, chunk)
        frame = b"%s%04x\n%s" % (header, size, view[done:done + size])
        try:
            written = _os_write(fd, frame)
        except _BlockingIOError:
            # A frame this size is written whole or not at all.
            return done if done else None
        except _OSError as error:
            if error.errno != _EBADF:
                raise
            # The program closed it: never write to that number again, it
            # may name a file of the program's by the next write.
            fd = _state["fd"] = -1
            continue
        while written < _len(frame):
            # Not a pipe after all: finish the frame, even if not atomically.
            written += _os_write(fd, frame[written:])
        done += size
    return total
