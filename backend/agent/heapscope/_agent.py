"""The agent: a thread in the profiled program that answers the app's requests.

It reads frames from the inherited socket (``HEAPSCOPE_FD``), answers ``census``
requests, stops on ``bye``, on end of file and on a write error, without a word:
the program runs on undisturbed -- unless the end of file came because the app
died, which the program must not outlive (``_end_if_orphaned``). It is a bare
``_thread`` thread, so it is invisible to ``threading.enumerate()``; at exit,
after the program's own ``atexit`` handlers, the agent says bye, closes the
link and waits for its thread to end. With HEAPSCOPE_HOLD=1 (``hold``) the
main thread waits at the script's end, before ``atexit``, while the thread
serves requests, until SIGINT, SIGTERM or the link's end. It survives ``fork()`` by staying in the
parent (every entry point checks ``os.getpid()``; the child never touches the
socket), and ``os._exit`` simply ends it.

The link is the program's guest: at start it moves to a descriptor numbered
1000 or above (``_census.move_high``; the inherited low number is closed) and ``HEAPSCOPE_FD`` leaves
the environment, so the program's children never see either. The program may
still close it (``os.closerange``) or put a file of its own on its number;
from then on the agent never reads, writes, shuts down or closes that number
(see ``_link_fd``), and the session ends.

The agent's own objects
    A census must not count the agent. The agent's own objects are:

    1. Start-up objects: every object the garbage collector tracks that exists
       once the agent has started (package imported, socket opened) and did not
       exist at the bootstrap's snapshot, taken before the package was imported:
       the agent's modules, their dicts, functions, code, the import system's
       records of them, the socket object, the agent's state. They are held
       alive here, so their identities stay theirs.
    2. What the bootstrap needed before its snapshot: ``gc``, if it had to be
       imported (the module, its dict, its functions, its spec), and what
       CPython made to run the bootstrap file (the function wrapping its code,
       the parser's list of its tokens, kept while the main file runs).
    3. Planted entries: the other half of an entry the start-up added to a dict
       that existed before it -- the key of a start-up object (the names of the
       agent's modules in ``sys.modules``, the keys of the subclass registries
       of the classes it defines), or the value filed under a start-up key (the
       module definition of ``_socket`` in the extension registry; not None,
       numbers, strings or tuples).
    4. At run time: frames running the agent's code (their locals hang only
       from them), and the containers of the request being served (decoded from
       the app's frame) and of the census being taken (created after the
       collector listed its objects, so they are never roots); the handle
       table and the instance lists (``_refs.kept_containers``).
    5. The program's objects that only the agent still holds for the app,
       and what hangs from them alone (``_refs.HELD``, see
       ``_census.held_only``): a census counts what it would count if the
       agent let go of them.

    What hangs only from these is never reached. An object also reachable from
    the program (an interned string used by both, a small int) is counted as
    the program's. The one exception is a planted entry: it is excluded even if
    the program happens to use the same object (say, imports ``heapscope``
    and so holds the interned string 'heapscope').

    Lazy interpreter state that the agent would trigger anyway is triggered
    during start-up, so it is the agent's: the classes of the ast module (made
    by the first compile()) and the argument-parser caches of a census.

    What remains of the agent in the program's census (tests/agent/
    test_exclusion.py compares with a run without the agent): no object at
    all; the interpreter's own tables that the start-up added to (sys.modules,
    the list of extension modules) keep their larger allocations, a few
    hundred bytes of dict and list sizes. The other way round, lazy state
    first made by the agent is not counted when the program later needs it
    too (the ast classes, if the program calls compile()).
"""

import atexit
import gc
import os
import sys
import time
import _thread

from . import _codec
from . import _census
from . import _garbage
from . import _graph
from . import _refs
from . import _tracker
from . import _types

try:
    import _socket
except ImportError:         # no socket support: no agent
    _socket = None

# The closure of a function of the agent's, read through the type's own descriptor.
_function_closure = _types.FunctionType.__dict__["__closure__"].__get__

# Values too widely shared to be anyone's: never excluded as planted entries.
_SHARED_ATOMS = (type(None), bool, int, float, str, bytes, tuple)

PROTOCOL = 2
CAPABILITIES = ["census", "snapshot", "handles", "instances", "object", "referrers",
                "path", "cancel", "repr", "graph", "garbage", "why"] + (
                    ["classes"] if _tracker.available() else []) + (
                    ["dominators"] if _refs.tree_available() else [])
SEND_TIMEOUT = 5            # seconds a write may block before the app counts as gone
LINK_CHECK = 0.5            # seconds between two looks at whether the program closed the link
MAX_TEXT_BYTES = 1024       # labels and error messages are cut here
EXIT_WAIT = 5               # seconds the exit waits for the agent thread to end
ORPHAN_WAIT = 2             # seconds, after the link's end, to see whether we were orphaned
_SIGKILL = 9                # (importing signal would make the program's module the agent's)

_state = {
    "sock": None,           # the socket object, None when not connected
    "link_dev": -1,         # st_dev and st_ino of the socket: its descriptor number is
    "link_ino": -1,         # the agent's only while it still names that file
    "pid": -1,              # the process that owns the connection
    "parent": -1,           # its parent then, the app: another one later means the app died
    "started": 0.0,         # time.monotonic() when the agent started
    "own": [],              # the agent's own objects (see the module docstring)
    "codes": [],            # the agent's code objects: their frames are excluded
    "serving": [],          # containers of the request being served
    "lock": _thread.allocate_lock(),   # one census or write at a time
    "holder": None,         # thread ident holding the lock
    "reader": None,         # thread ident of the agent thread
    "inbox": bytearray(),   # bytes read while looking for a cancel, not yet served
    "reading": bytearray(), # the frame the agent thread is reading: its bytes so far
    "read_lock": _thread.allocate_lock(),   # bytes move from the socket to "reading" under it
    "cancelled": set(),     # ids of requests cancelled before they were served
    "deferred": [],         # "why" requests waiting for a snapshot's label or the end
    "answered_early": set(),  # ids of deferred requests taken before the agent thread served them
    "unserved": None,       # the request the agent thread has read and waits for the lock to serve
    "script_ended": False,  # the final census is pushed: nothing more to defer to
    # Locks the agent thread releases once it runs and as it ends (made now,
    # so they are start-up objects).
    "reader_running": _thread.allocate_lock(),
    "reader_ended": _thread.allocate_lock(),
    "exiting": False,       # the interpreter is about to finalize
    # Held at exit (HEAPSCOPE_HOLD): the script's end waits on this lock, which
    # the end of the agent thread, SIGINT or SIGTERM releases.
    "hold": False,          # the app asked for it
    "holding": False,       # the main thread waits now
    "hold_lock": _thread.allocate_lock(),
}


# -- start-up -----------------------------------------------------------------

def start(fd_text, before, bootstrap_code, gc_was_loaded=True):
    """Connect to the app over the inherited socket and work out the agent's own objects.

    `before` is the bootstrap's gc.get_objects() snapshot; `bootstrap_code` the
    bootstrap's module code. Returns True when connected. The hello frame and
    the thread come later (`greet`, `run_thread`), once the script's namespace
    is in place.
    """
    _state["hold"] = os.environ.get("HEAPSCOPE_HOLD") == "1"
    _forget_fd_variable()
    if _socket is None:
        _warn("this Python has no _socket module; running without the agent")
        return False
    try:
        fd = int(fd_text)
        sock = _socket.socket(fileno=fd)
    except (ValueError, OSError) as error:
        _warn("HEAPSCOPE_FD=%s is not an open socket (%s); running without the agent"
              % (fd_text, error))
        return False
    if sock.family != _socket.AF_UNIX or sock.type != _socket.SOCK_STREAM:
        sock.detach()
        _warn("HEAPSCOPE_FD=%s is not a Unix stream socket; running without the agent" % fd_text)
        return False
    try:
        # Out of the program's way: the low number is closed, free for the program.
        fd = _census.move_high(sock.detach())
        sock = _socket.socket(fileno=fd)
        os.set_inheritable(fd, False)
        info = os.fstat(fd)
        _state["link_dev"] = info.st_dev
        _state["link_ino"] = info.st_ino
    except OSError as error:
        _warn("cannot take over HEAPSCOPE_FD=%s (%s); running without the agent"
              % (fd_text, error))
        return False
    try:
        sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_SNDTIMEO, _timeval(SEND_TIMEOUT))
        # The agent thread wakes up this often, to notice a link the program closed.
        sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_RCVTIMEO, _timeval(LINK_CHECK))
    except OSError:
        pass
    _state["sock"] = sock
    _state["pid"] = os.getpid()
    _state["parent"] = os.getppid()
    _state["started"] = time.monotonic()
    _tracker.configure(_state["started"])
    # Lazy interpreter state the agent is bound to trigger is made now, while
    # its objects still count as the agent's: the first call of compile()
    # builds the ast module's ~120 node classes; the first census message,
    # a few argument-parser caches.
    compile("", "<heapscope>", "exec")
    _codec.json_frame(_census_message(0, _census.census([], [], 0.0), _cut("label"), False))
    _find_own_objects(before, bootstrap_code, gc_was_loaded)
    return True


def _forget_fd_variable():
    """Take HEAPSCOPE_FD out of the environment: the program's children are not watched.

    Deleting it from os.environ unsets it in the C environment too (os.system,
    subprocess, exec); posix.environ, the interpreter's start-up copy, loses it too.
    """
    for name in ("HEAPSCOPE_FD", "HEAPSCOPE_HOLD"):
        try:
            os.environ.pop(name, None)
        except Exception:
            pass
    environ = getattr(sys.modules.get(os.name), "environ", None)
    if type(environ) is dict:
        environ.pop(b"HEAPSCOPE_FD", None)
        environ.pop(b"HEAPSCOPE_HOLD", None)


def _timeval(seconds):
    """A struct timeval for SO_SNDTIMEO / SO_RCVTIMEO."""
    whole = int(seconds)
    return (whole.to_bytes(_types.POINTER, sys.byteorder)
            + int((seconds - whole) * 1000000).to_bytes(_types.POINTER, sys.byteorder))


def _find_own_objects(before, bootstrap_code, gc_was_loaded):
    after = gc.get_objects()
    known = set()
    for obj in before:
        known.add(id(obj))
    known.add(id(before))
    own = _state["own"]
    own_ids = set()
    for obj in after:
        if id(obj) not in known:
            own.append(obj)
            own_ids.add(id(obj))
    del after, known
    if not gc_was_loaded:
        _add_module(own, own_ids, gc)
    for obj in _bootstrap_objects(before, bootstrap_code):
        if id(obj) not in own_ids:
            own.append(obj)
            own_ids.add(id(obj))
    own.append(own)
    own_ids.add(id(own))
    # Planted entries: what the start-up put into dicts that existed before
    # it, beside an object of its own (a key naming an agent module, a value
    # filed under an agent-made key).
    planted = []
    for container in gc.get_objects():
        if type(container) is dict and id(container) not in own_ids:
            for key, value in container.items():
                if id(value) in own_ids and id(key) not in own_ids:
                    planted.append(key)
                elif (id(key) in own_ids and id(value) not in own_ids
                      and not _is_shared_atom(value)):
                    planted.append(value)
    own.extend(planted)
    del planted
    codes = _state["codes"]
    codes.append(bootstrap_code)
    for obj in own:
        if type(obj) is _types.FunctionType:
            codes.append(obj.__code__)
    index = 0
    while index < len(codes):     # nested functions, comprehensions, lambdas
        for const in codes[index].co_consts:
            if type(const) is _types.CodeType:
                codes.append(const)
        index += 1
    own.append(codes)


def _is_shared_atom(value):
    # By identity: `in` would call a metaclass __eq__.
    kind = type(value)
    for atom in _SHARED_ATOMS:
        if kind is atom:
            return True
    return False


def _bootstrap_objects(before, code):
    """What CPython made for running the bootstrap file before the snapshot:

    the function object wrapping its module code (3.11+), and the parser's
    list of its tokens, kept until the main file ends (a list that holds the
    bootstrap's constants themselves).
    """
    markers = [const for const in code.co_consts if type(const) is str and len(const) >= 20]
    found = []
    for obj in before:
        if type(obj) is _types.FunctionType:
            if obj.__code__ is code:
                found.append(obj)
        elif type(obj) is list and markers:
            for item in obj:
                if item is markers[0]:
                    found.append(obj)
                    break
    return found


def _add_module(own, own_ids, module):
    """Add a builtin module and what importing it created: dict, functions, spec."""
    namespace = _census._module_dict(module)
    found = [module, namespace]
    for value in namespace.values():
        if getattr(value, "__self__", None) is module and type(value) is _types.BuiltinType:
            found.append(value)
    spec = namespace.get("__spec__")
    if spec is not None:
        found.append(spec)
        for ref in gc.get_referents(spec):
            if type(ref) is dict:
                found.append(ref)
    for obj in found:
        if id(obj) not in own_ids:
            own.append(obj)
            own_ids.add(id(obj))


def greet():
    """Send the hello frame; the first frame of the session."""
    implementation = sys.implementation.name
    names = {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalPy"}
    capabilities = list(CAPABILITIES)
    if _refs._sizes is not None:
        capabilities.append("sizes")
    hello = {"type": "hello", "id": 0, "protocol": PROTOCOL, "pid": os.getpid(),
             "python": sys.version.split()[0],
             "implementation": names.get(implementation, implementation),
             "executable": _cut(sys.executable or "", 4096),
             "accelerated": _census.accelerated(),
             "capabilities": capabilities}
    _locked_send(hello)


def run_thread():
    """Start the agent thread (a daemon: it never holds up the program's exit).

    A daemon thread is unsafe at interpreter exit in two moments: still
    starting (it touches a thread state finalization may have freed) and
    waking up (from 3.8 to 3.13, taking the GIL then may crash). So this waits
    until the thread runs, and `_at_exit` ends the session and waits for the
    thread before the interpreter finalizes.
    """
    if _connected():
        # The thread's socket, handed over through _state: an argument tuple
        # would live as long as the thread, an object the census would see.
        _state["reader_sock"] = _state["sock"]
        _state["reader"] = -1       # running from now on, as far as _stop() is concerned
        _state["reader_running"].acquire()
        _state["reader_ended"].acquire()
        _thread.start_new_thread(_serve, ())
        _state["reader_running"].acquire()
        # Registered after the script's own handlers could be, so run after
        # them: a handler may still take a snapshot.
        atexit.register(_at_exit)


def _at_exit():
    """End the session and wait (briefly) until the agent thread is gone."""
    if _state["pid"] != os.getpid():
        return
    _state["exiting"] = True        # a long request stops at its next poll
    stop_periodic_snapshots()
    if _acquire():
        try:
            # What the garbage watch saw last, then the watch ends: the
            # interpreter's last collections are not the program's.
            _send_garbage()
            _garbage.stop()
            # The app now expects the link to close, however long the
            # interpreter then takes to finalize.
            _send({"type": "bye", "id": 0})
            _stop()                     # wakes the thread from its read
        finally:
            _release()
    if _state["reader_ended"].acquire(timeout=EXIT_WAIT):
        _state["reader_ended"].release()


# -- the agent thread -------------------------------------------------------------

def _serve():
    _state["reader"] = _thread.get_ident()
    sock = _state.pop("reader_sock")
    _state["reader_running"].release()
    try:
        while _state["sock"] is sock:
            if _frame_end(_state["inbox"], 0) < 0:
                # No request waits: a cancel seen early has nothing left to
                # cancel, but a deferred request.
                _cancel_deferred(_state["cancelled"])
                _state["cancelled"].clear()
            header = _read_exactly(sock, 5)
            if header is None:
                break
            try:
                size = _codec.parse_header(header)
            except _codec.ProtocolError as error:
                # Framing is lost: say why and end the session.
                _locked_send({"type": "error", "id": 0, "message": _cut(str(error))})
                break
            payload = _read_exactly(sock, size)
            if payload is None:
                break
            # From "reading" to "unserved" at once for a script's snapshot,
            # which may look for it at any instant (_take_unread_deferred).
            with _state["read_lock"]:
                _state["unserved"] = payload
                del _state["reading"][:]
            try:
                if not _handle(payload):
                    break
            finally:
                _state["unserved"] = None
    except BaseException:       # the program must never see the agent fail
        pass
    try:
        _end_if_orphaned(sock)
    except BaseException:
        pass
    try:
        _finish_thread(sock)
    except BaseException:       # even at interpreter exit
        pass
    _end_hold()                 # a script held at its end exits now
    # The thread's last act: what follows, CPython does without giving the
    # interpreter away.
    _state["reader_ended"].release()


def _end_if_orphaned(sock):
    """Kill the process if the link ended because the app died.

    The app may close the link and live on (it gave up on the agent, or the
    program closed the link): the program then runs on, as after a bye. But
    a program must not outlive the app, even one killed with SIGKILL: that
    shows as the link's end of file and, an instant later (the kernel closes
    a dead process's files, then gives its children a new parent), as a new
    parent process. The app's launcher also asks the kernel for this
    (PR_SET_PDEATHSIG); this covers an interpreter started through a wrapper.
    """
    if _state["exiting"] or _state["pid"] != os.getpid():
        return
    fd = _link_fd(sock)
    if fd < 0:
        return                  # the program's number now: not ours to read
    try:
        os.set_blocking(fd, False)
        if os.read(fd, 1):
            return              # not the end: the session ended for another reason
    except (BlockingIOError, InterruptedError):
        return                  # still open: the app is there
    except OSError:
        pass                    # reset: the app went with our frames unread
    deadline = time.monotonic() + ORPHAN_WAIT
    while not _state["exiting"]:
        if os.getppid() != _state["parent"]:
            os.kill(os.getpid(), _SIGKILL)
        if time.monotonic() > deadline:
            return
        time.sleep(0.01)


def _read_exactly(sock, size):
    """Read `size` bytes; None on end of file, error, or once the link is lost or stopped.

    While it blocks, a census may run in another thread, so nothing here is
    an object the collector tracks: the buffer is a bytearray, and the read is
    os.read, whose arguments are not packed in a tuple as sock.recv's are. A
    read returns every LINK_CHECK seconds (SO_RCVTIMEO) to look at the
    descriptor again: the program may have closed it. Then too, what the
    garbage watch gathered is pushed, when a push is due.

    The bytes are gathered in _state["reading"] (emptied by the caller once
    the frame is whole), where a script's snapshot can see a request the
    agent thread has begun to read (_take_unread_deferred). So that they are
    always either there or still in the socket for that look, the read waits
    for bytes without taking them, then takes and keeps them under the read
    lock, which the look holds too (without the C accelerator the read itself
    waits, too long to hold the lock: then the look can miss a frame in the
    instant between a read and its bytes being kept).
    """
    data = _state["reading"]
    start = len(data)
    size += start
    inbox = _state["inbox"]
    if inbox:
        taken = size - start
        with _state["read_lock"]:
            data += inbox[:taken]
            del inbox[:taken]
    while len(data) < size:
        if _state["sock"] is not sock:
            return None
        if _garbage.due(time.monotonic()):
            _push_garbage()
        fd = _link_fd(sock)
        if fd < 0:
            return None
        ready = _census.wait_readable(fd, LINK_CHECK)
        if ready is False:
            continue            # nothing yet: look at the descriptor again
        if ready:
            _state["read_lock"].acquire()
        try:
            if ready and _link_fd(sock) != fd:
                continue        # the program took the number while we waited
            chunk = os.read(fd, min(size - len(data), 1 << 20))
            if not chunk:
                return None
            data += chunk
        except (BlockingIOError, InterruptedError):
            continue
        except OSError:
            return None
        finally:
            if ready:
                _state["read_lock"].release()
    return bytes(data[start:])


def _handle(payload):
    """Serve one request; False when the session is over."""
    if not _acquire():
        return False
    # Served from now on: a script's snapshot, which looks while holding the
    # lock, must not take it for unserved once the lock is ours again.
    _state["unserved"] = None
    try:
        # Everything the request makes lives in _answer's frame, which is gone
        # before the lock is released: a census waiting for the lock in another
        # thread never sees it.
        return _answer(payload)
    finally:
        del _state["serving"][:]
        _release()


def _answer(payload):
    try:
        request = _codec.decode_payload(payload)
    except _codec.ProtocolError as error:
        return _send({"type": "error", "id": 0, "message": _cut(str(error))})
    _collect_containers(request, _state["serving"])
    request_id = request.get("id")
    if type(request_id) is not int or request_id < 1:
        return _send(_error(0, "bad-request", "request without a valid \"id\""))
    kind = request["type"]
    if kind == "bye":
        return False
    if kind == "cancel" or kind == "release":
        # No reply. A cancel read here comes after its request's reply, or
        # is for one still deferred.
        if kind == "cancel":
            _cancel_deferred((request.get("request"),))
        if kind == "release":
            handles = request.get("handles")
            if type(handles) is not list:
                return _send(_error(request_id, "bad-request", "\"handles\" is not a list"))
            _refs.release(handles)
        return True
    if request_id in _state["cancelled"]:
        _state["cancelled"].discard(request_id)
        return _send(_error(request_id, "cancelled", "the request was cancelled"))
    if kind == "watch-garbage":
        on = request.get("on")
        if type(on) is not bool:
            return _send(_error(request_id, "bad-request", "\"on\" is not a boolean"))
        try:
            _watch_garbage(on)
        except Exception as error:
            return _send(_error(request_id, "failed",
                                "%s failed: %s" % (kind, _error_name(error))))
        return _send({"type": "watch-garbage", "id": request_id, "on": on})
    if kind == "census":
        try:
            body = _take_census()
            if request.get("mark") is True:
                _refs.take_mark(body["time"])
        except Exception as error:
            return _send(_error(request_id, "failed", "census failed: %s" % _error_name(error)))
        return _send(_census_message(request_id, body, None, False))
    if kind == "tracked-object":
        try:
            reply = _tracked_object_reply(request, request_id)
        except _refs.Failure as failure:
            return _send(_error(request_id, failure.code, str(failure)))
        except Exception as error:
            return _send(_error(request_id, "failed",
                                "%s failed: %s" % (kind, _error_name(error))))
        return _send(reply)
    if kind in _TRACK_REQUESTS:
        try:
            reply = _track_reply(kind, request, request_id)
        except _refs.Failure as failure:
            return _send(_error(request_id, failure.code, str(failure)))
        except (TypeError, ValueError, KeyError) as error:
            return _send(_error(request_id, "not-trackable", _cut(str(error).strip("'\""))))
        except Exception as error:
            return _send(_error(request_id, "failed",
                                "%s failed: %s" % (kind, _error_name(error))))
        return _send(reply)
    if kind == "why" and request.get("at", "now") != "now":
        if request_id in _state["answered_early"]:
            _state["answered_early"].discard(request_id)
            return True
        try:
            _why_options(request)
        except _refs.Failure as failure:
            return _send(_error(request_id, failure.code, str(failure)))
        _state["deferred"].append(request)
        if _state["script_ended"]:
            # Asked after the end: answered now, or said never to come.
            _answer_deferred(None, True)
        return True
    if kind in _REFS_REQUESTS:
        try:
            reply = _refs_reply(kind, request, request_id)
        except _refs.Failure as failure:
            return _send(_error(request_id, failure.code, str(failure)))
        except Exception as error:
            return _send(_error(request_id, "failed",
                                "%s failed: %s" % (kind, _error_name(error))))
        return _send(reply)
    return _send(_error(request_id, "unknown-request", "unknown request type %r" % kind))


def _error_name(error):
    # Read through type's own descriptor: a metaclass's __getattribute__ never runs.
    return _census._str_str(_types.type_name(type(error)))


def _error(request_id, code, message):
    return {"type": "error", "id": request_id, "code": code, "message": _cut(message)}


# -- why is it alive? (the work is in _refs) ------------------------------------------

_REFS_REQUESTS = ("instances", "object", "referrers", "path", "graph", "dominators", "retained",
                  "why")
_TRACK_REQUESTS = ("track-class", "track-object", "detach-class", "detach-all")


def _track_reply(kind, request, request_id):
    """Start or stop tracking, as the script's heapscope.track_class & co. would."""
    if not _tracker.available():
        raise _refs.Failure("unsupported", "class tracking needs the agent's C part")
    reply = {"type": kind, "id": request_id}
    if kind == "detach-all":
        _tracker.detach_all()
        return reply
    if kind == "detach-class":
        _tracker.detach_index(_int_member(request, "class", None, 1, 2**31))
        return reply
    name = request.get("name")
    if name is not None and (type(name) is not str or not name):
        raise _refs.Failure("bad-request", "\"name\" is not a string")
    options = {"name": name, "resolution_level": _int_member(request, "resolution_level", 0, 0, 16),
               "keep": _bool_member(request, "keep"), "trace": _bool_member(request, "trace")}
    if kind == "track-object":
        obj = _refs.resolve(_handle_member(request, "handle"))
        _tracker.track_object(obj, **options)
        reply["instance"] = _tracker.tracked_id(obj)
        return reply
    type_name = request.get("type_name")
    if type(type_name) is not str:
        raise _refs.Failure("bad-request", "\"type_name\" is not a string")
    reply["classes"] = _tracker.track_classes_named(type_name, **options)
    return reply


def _tracked_object_reply(request, request_id):
    """The summary (and handle) of a live tracked instance, found by its number."""
    instance = _int_member(request, "instance", None, 1, 2**53 - 1)
    obj = _tracker.object_of(instance)
    if obj is None:
        raise _refs.Failure("stale", _refs.STALE_TEXT)
    allow_repr = request.get("repr", False)
    if type(allow_repr) is not bool:
        raise _refs.Failure("bad-request", "\"repr\" is not a boolean")
    ctx = _refs._context(_state["own"], _state["codes"], _serving(),
                         _state["reader"], _cancel_poller(request_id), allow_repr)
    try:
        return {"type": "tracked-object", "id": request_id, "object": _refs.summary(obj, ctx)}
    finally:
        obj = None
        _refs.finish(ctx)
        ctx.clear()


def _bool_member(request, name):
    value = request.get(name, False)
    if type(value) is not bool:
        raise _refs.Failure("bad-request", "\"%s\" is not a boolean" % name)
    return value


def _refs_reply(kind, request, request_id, poll=None):
    allow_repr = request.get("repr", False)
    if type(allow_repr) is not bool:
        raise _refs.Failure("bad-request", "\"repr\" is not a boolean")
    ctx = _refs._context(_state["own"], _state["codes"], _serving(), _state["reader"],
                         poll or _cancel_poller(request_id), allow_repr)
    try:
        if kind == "instances":
            return _instances_reply(request, request_id, ctx)
        if kind == "object":
            return _object_reply(request, request_id, ctx)
        if kind == "referrers":
            return _referrers_reply(request, request_id, ctx)
        if kind == "graph":
            return _graph_reply(request, request_id, ctx)
        if kind == "dominators":
            return _dominators_reply(request, request_id, ctx)
        if kind == "retained":
            return _retained_reply(request, request_id, ctx)
        if kind == "why":
            return _why_reply(request, request_id, ctx)
        return _path_reply(request, request_id, ctx)
    finally:
        _refs.finish(ctx)
        ctx.clear()


def _int_member(request, name, default, low, high):
    value = request.get(name, default)
    if type(value) is not int or value < low or value > high:
        raise _refs.Failure("bad-request", "\"%s\" is not an integer in %d..%d" % (name, low, high))
    return value


def _handle_member(request, name):
    return _int_member(request, name, None, 1, (1 << 53) - 1)


def _instances_reply(request, request_id, ctx):
    offset = _int_member(request, "offset", 0, 0, (1 << 53) - 1)
    limit = _int_member(request, "limit", 200, 0, _refs.PAGE_MAX)
    order = request.get("order", "flat")
    if order != "flat" and order != "deep" and order != "retained":
        raise _refs.Failure("bad-request", "\"order\" is not \"flat\", \"deep\" or \"retained\"")
    if order == "deep" and _refs._sizes is None:
        raise _refs.Failure("unsupported", "deep sizes need the sizes module")
    if order == "retained" and not _refs.tree_available():
        raise _refs.Failure("unsupported", "retained sizes need the agent's C part")
    if "list" in request and request["list"] is not None:
        handle = _handle_member(request, "list")
    else:
        type_name = request.get("type_name")
        if type(type_name) is not str:
            raise _refs.Failure("bad-request", "\"type_name\" is not a string")
        if order == "retained":
            _tree_context(ctx)
        handle = _refs.instances_list(type_name, order, ctx)
    record, page = _refs.instances_page(handle, offset, limit, ctx)
    return {"type": "instances", "id": request_id, "type_name": record[0], "order": record[1],
            "list": handle, "total": len(record[2]), "offset": offset, "objects": page}


def _object_reply(request, request_id, ctx):
    obj = _refs.resolve(_handle_member(request, "handle"))
    detail = _int_member(request, "detail", 2, 0, 16)
    body = _refs.summary(obj, ctx)
    sizes = _refs._sizes
    cls = type(obj)
    basic = item = deep = None
    if sizes is not None:
        try:
            basic = int(sizes.basicsize(obj))
            item = int(sizes.itemsize(obj))
        except Exception:
            basic = item = None
        deep = _refs.deep_size(obj)
    if basic is None:
        basic = _types.type_basicsize(cls)
        item = _types.type_itemsize(cls)
    body["basic"] = basic
    body["item"] = item
    body["deep"] = deep
    body["sizes"] = _refs.size_tree(obj, detail)
    total, found = _refs.referents(obj, ctx, _refs.REFERENTS_MAX)
    referents = []
    for pair in found:
        entry = _refs.summary(pair[0], ctx)
        entry["edge"] = pair[1]
        referents.append(entry)
    del found, obj
    return {"type": "object", "id": request_id, "object": body,
            "total": total, "referents": referents}


def _referrers_reply(request, request_id, ctx):
    handle = _handle_member(request, "handle")
    obj = _refs.resolve(handle)
    limit = _int_member(request, "limit", 100, 0, _refs.PAGE_MAX)
    total, found = _refs.referrers(obj, ctx, limit)
    entries = []
    for pair in found:
        entries.append(_refs.referrer_entry(pair, ctx))
    del found, obj
    return {"type": "referrers", "id": request_id, "handle": handle,
            "total": total, "referrers": entries}


def _path_reply(request, request_id, ctx):
    handle = _handle_member(request, "handle")
    reply = {"type": "path", "id": request_id, "handle": handle}
    reply.update(_refs.path_body(handle, ctx))
    return reply


def _why_options(request):
    """(type_name, sample, at, label, since) of a "why" request, or a bad-request Failure."""
    type_name = request.get("type_name")
    if type(type_name) is not str:
        raise _refs.Failure("bad-request", "\"type_name\" is not a string")
    sample = _int_member(request, "sample", 1000, 1, _refs.WHY_SAMPLE_MAX)
    since = request.get("since")
    if since is not None and type(since) is not float and type(since) is not int:
        raise _refs.Failure("bad-request", "\"since\" is not a census's time")
    at = request.get("at", "now")
    if at not in ("now", "snapshot", "final"):
        raise _refs.Failure("bad-request", "\"at\" is not \"now\", \"snapshot\" or \"final\"")
    label = request.get("label")
    if at == "snapshot" and type(label) is not str:
        raise _refs.Failure("bad-request", "\"label\" is not a string")
    return type_name, sample, at, label if at == "snapshot" else None, since


def _why_reply(request, request_id, ctx):
    type_name, sample, at, label, since = _why_options(request)
    _tree_context(ctx)
    reply = {"type": "why", "id": request_id, "label": label}
    reply.update(_refs.why(type_name, sample, ctx, since))
    return reply


def _answer_deferred(label, final):
    """Answer the deferred "why" requests due at this snapshot (`label`) or at
    the script's end (`final`), in the calling thread, the agent lock held;
    at the end, those whose label never came get "not-reached"."""
    deferred = _state["deferred"]
    index = 0
    while index < len(deferred):
        request = deferred[index]
        at = request.get("at")
        due = at == "final" if final else (at == "snapshot" and _cut(request["label"]) == label)
        if not due and not final:
            index += 1
            continue
        del deferred[index]
        request_id = request["id"]
        if not due:
            _send(_error(request_id, "not-reached",
                         "the script ended without calling heapscope.snapshot(%r)"
                         % request.get("label")))
            continue
        try:
            # The app's frames are the agent thread's to read: no look at the socket here.
            reply = _refs_reply("why", request, request_id, _deferred_poller(request_id))
        except _refs.Failure as failure:
            reply = _error(request_id, failure.code, str(failure))
        except Exception as error:
            reply = _error(request_id, "failed", "why failed: %s" % _error_name(error))
        _send(reply)
    request = None


def _take_unread_deferred():
    """Add to the deferred requests those sent but not served yet by the agent
    thread: the app asks as the script starts, and a script may reach its
    snapshot or its end first. They are the one the agent thread has read and
    waits to serve (this thread holds the lock), the one it is reading, those
    it read ahead, and those still in the socket, looked at without being
    read (MSG_PEEK); their ids are kept: the agent thread drops them when it
    serves them."""
    sock = _state["sock"]
    if _socket is None or sock is None or _link_fd(sock) < 0:
        return
    payloads = []
    with _state["read_lock"]:
        if _state["unserved"] is not None:
            payloads.append(_state["unserved"])
        try:
            data = sock.recv(1 << 16, _socket.MSG_PEEK | _socket.MSG_DONTWAIT)
        except OSError:         # nothing there (BlockingIOError) or a link gone
            data = b""
        # The stream as the agent thread will read it: the frame it has begun,
        # what it read ahead looking for a cancel, then the socket.
        data = bytes(_state["reading"]) + bytes(_state["inbox"]) + data
    position = 0
    while True:
        end = _frame_end(data, position)
        if end < 0:
            break
        payloads.append(data[position + 5:end])
        position = end
    for payload in payloads:
        try:
            request = _codec.decode_payload(payload)
        except _codec.ProtocolError:
            break                       # not at a frame's start: the rest is unknown
        request_id = request.get("id")
        if (request.get("type") != "why" or request.get("at", "now") == "now"
                or type(request_id) is not int or request_id in _state["answered_early"]):
            continue
        try:
            _why_options(request)
        except _refs.Failure:
            continue                    # the agent thread says what is wrong
        _state["answered_early"].add(request_id)
        _state["deferred"].append(request)
    request = None


def _cancel_deferred(request_ids):
    """Answer "cancelled" to the deferred requests among `request_ids`."""
    deferred = _state["deferred"]
    index = 0
    while index < len(deferred):
        request_id = deferred[index]["id"]
        if request_id in request_ids:
            del deferred[index]
            _state["cancelled"].discard(request_id)
            _send(_error(request_id, "cancelled", "the request was cancelled"))
        else:
            index += 1


def _deferred_poller(request_id):
    def poll():
        return request_id in _state["cancelled"] or _state["exiting"]
    return poll


def _graph_reply(request, request_id, ctx):
    handles = request.get("handles")
    if type(handles) is not list or not 1 <= len(handles) <= _graph.ASKED_MAX:
        raise _refs.Failure("bad-request", "\"handles\" is not a list of 1..%d handles"
                            % _graph.ASKED_MAX)
    for handle in handles:
        if type(handle) is not int or not 1 <= handle < 1 << 53:
            raise _refs.Failure("bad-request", "\"handles\" holds something not a handle")
    direction = request.get("direction", "referrers")
    if type(direction) is not str or direction not in _graph.DIRECTIONS:
        raise _refs.Failure("bad-request",
                            "\"direction\" is not \"referrers\", \"referents\" or \"both\"")
    depth = _int_member(request, "depth", 3, 0, _graph.DEPTH_MAX)
    too_many = _int_member(request, "too_many", 20, 1, _graph.TOO_MANY_MAX)
    max_nodes = _int_member(request, "max_nodes", _graph.NODES_MAX, 1, _graph.NODES_MAX)
    want_path = _bool_member(request, "path")
    hide = request.get("hide")
    if hide is None:
        hide = []
    if type(hide) is not list or len(hide) > _graph.HIDE_MAX:
        raise _refs.Failure("bad-request", "\"hide\" is not a list of at most %d type names"
                            % _graph.HIDE_MAX)
    for name in hide:
        if type(name) is not str:
            raise _refs.Failure("bad-request", "\"hide\" holds something not a type name")
    for handle in handles:
        _refs.resolve(handle)
    _refs._prepare_heap(ctx)          # (the lists made from here on are not in it)
    objects = _refs._scratch(ctx, [])
    asked = set()
    for handle in handles:
        obj = _refs.resolve(handle)
        if id(obj) not in asked:
            asked.add(id(obj))
            objects.append(obj)
    obj = None
    graph = _graph.build(objects, ctx, _graph.DIRECTIONS[direction], depth, too_many,
                         set(hide) if hide else None, max_nodes, want_path)
    del objects
    reply = {"type": "graph", "id": request_id}
    reply.update(_graph.reply(graph, ctx))
    return reply


def _dominators_reply(request, request_id, ctx):
    if not _refs.tree_available():
        raise _refs.Failure("unsupported", "retained sizes need the agent's C part")
    handle = request.get("handle")
    if handle is not None:
        handle = _handle_member(request, "handle")
    offset = _int_member(request, "offset", 0, 0, (1 << 53) - 1)
    limit = _int_member(request, "limit", 100, 0, _refs.PAGE_MAX)
    refresh = _bool_member(request, "refresh")
    if handle is not None:
        _refs.resolve(handle)           # stale before any work
    _tree_context(ctx)
    reply = {"type": "dominators", "id": request_id, "handle": handle}
    reply.update(_refs.dominated(handle, offset, limit, ctx, refresh))
    return reply


def _retained_reply(request, request_id, ctx):
    if not _refs.tree_available():
        raise _refs.Failure("unsupported", "retained sizes need the agent's C part")
    handles = request.get("handles")
    if type(handles) is not list or not 1 <= len(handles) <= _refs.PAGE_MAX:
        raise _refs.Failure("bad-request", "\"handles\" is not a list of 1..%d handles"
                            % _refs.PAGE_MAX)
    for handle in handles:
        if type(handle) is not int or not 1 <= handle < 1 << 53:
            raise _refs.Failure("bad-request", "\"handles\" holds something not a handle")
    refresh = _bool_member(request, "refresh")
    for handle in handles:
        _refs.resolve(handle)           # stale before any work
    _tree_context(ctx)
    reply = {"type": "retained", "id": request_id}
    reply.update(_refs.retained_of(handles, ctx, refresh))
    return reply


def _tree_context(ctx):
    """The tree counts what the census counts: the tracker's containers are
    the agent's too (the census leaves them out with the rest, _take_census),
    and so is this request's cancel poller, a closure made for it."""
    skip = ctx["skip"]
    for obj in _tracker.kept_containers():
        skip.add(id(obj))
    poll = ctx["poll"]
    skip.add(id(poll))
    if type(poll) is _types.FunctionType:
        closure = _function_closure(poll)
        if closure is not None:
            skip.add(id(closure))
            for cell in closure:
                skip.add(id(cell))


def _serving():
    """The containers no reply names besides the agent's own: the request's,
    and those of a garbage callback running in another thread."""
    return _state["serving"] + _state["deferred"] + _garbage.kept_containers()


# -- the garbage watch (the work is in _garbage) -------------------------------------

def _watch_garbage(on):
    """Turn the garbage watch on or off; the lock is held. Off pushes what it
    saw first."""
    if not on:
        _send_garbage()
        _garbage.stop()
        return
    if not _refs._cache["ready"]:
        # The ids of the agent's code objects, as every reply leaves out their frames.
        ctx = _refs._context(_state["own"], _state["codes"], _state["serving"],
                             _state["reader"], _exiting, False)
        _refs.finish(ctx)
        ctx.clear()
    _garbage.start(_refs._cache["code_ids"], _state["started"])


def _send_garbage():
    """Push (id 0) the collections the watch summarised; the lock is held."""
    payload = _garbage.take(time.monotonic())
    if payload is not None:
        _write(_codec.frame(_codec.KIND_JSON, payload))


def _push_garbage():
    """From the agent thread, when a push is due (at most twice a second)."""
    held = _acquire()
    try:
        if _connected() and _garbage.due(time.monotonic()):
            _send_garbage()
    finally:
        if held:
            _release()


# -- cancel: looking at the socket during a long request ------------------------------------

def _cancel_poller(request_id):
    """A function the long work calls now and then: True once `request_id` is cancelled.

    It reads what the app has sent without blocking, keeps it in the inbox,
    and takes the cancel frames out (ids into _state["cancelled"]).
    """
    def poll():
        _read_available()
        return request_id in _state["cancelled"] or _state["exiting"]
    return poll


def _read_available():
    sock = _state["sock"]
    if sock is None or _link_fd(sock) < 0:
        return
    inbox = _state["inbox"]
    while True:
        try:
            chunk = sock.recv(1 << 16, _socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            break
        except OSError:
            break
        if not chunk:
            break
        inbox += chunk
    position = 0
    while True:
        end = _frame_end(inbox, position)
        if end < 0:
            break
        try:
            message = _codec.decode_payload(bytes(inbox[position + 5:end]))
        except _codec.ProtocolError:
            message = None
        if (message is not None and message["type"] == "cancel"
                and type(message.get("request")) is int):
            _state["cancelled"].add(message["request"])
            del inbox[position:end]
        else:
            position = end
        message = None


def _frame_end(data, position):
    """The end of the complete frame at `position` of `data`, or -1."""
    if len(data) - position < 5:
        return -1
    try:
        size = _codec.parse_header(bytes(data[position:position + 5]))
    except _codec.ProtocolError:
        return -1
    if len(data) - position - 5 < size:
        return -1
    return position + 5 + size


def _collect_containers(value, found):
    """Gather the dicts and lists of a decoded request (all made by the decoder)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            found.append(item)
            stack.extend(item.values())
        elif type(item) is list:
            found.append(item)
            stack.extend(item)


# -- census, sending ----------------------------------------------------------------

def _take_census():
    """A census message's body; with "classes" once anything was tracked
    (the tracked instances measured after the census, which never counts
    what measuring them makes)."""
    own = (_state["own"] + _state["serving"] + _state["deferred"] + _refs.kept_containers()
           + _tracker.kept_containers() + _garbage.kept_containers())
    own.append(own)         # the list is the census's own object too
    try:
        body = _census.census(own, _state["codes"], _state["started"], held=_refs.HELD)
    finally:
        del own[:]          # no reference cycle left for the collector
    # A kept dominator tree of other totals is of another heap.
    _refs.tree_census(body["objects"], body["bytes"])
    if _thread.get_ident() == _state["reader"]:
        _refs.index_census()
    if _tracker.ever_tracked():
        ctx = {"repr": False, "names": {}, "plans": {}, "fd": -1, "skip": set()}
        body["classes"] = _tracker.report(_refs.safe_text, ctx)
        ctx.clear()
    return body


def _census_message(request_id, body, label, final):
    message = {"type": "census", "id": request_id, "label": label, "final": final}
    message.update(body)
    return message


def _connected():
    return _state["sock"] is not None and _state["pid"] == os.getpid()


def _acquire():
    """Take the agent lock unless this thread already holds it (a re-entrant call).

    A description's repr, running in a thread of its own for the agent thread
    (see _refs.guarded_repr), counts as the agent thread.
    """
    me = _thread.get_ident()
    if _state["holder"] == me or _refs.describing(me):
        return False
    _state["lock"].acquire()
    _state["holder"] = me
    return True


def _release():
    _state["holder"] = None
    _state["lock"].release()


def _send(message):
    """Write one message; the lock must be held. False (and the session ends) on failure."""
    sock = _state["sock"]
    if sock is None or _state["pid"] != os.getpid():
        return False
    if _link_fd(sock) < 0:
        _stop()
        return False
    try:
        frame = _frame_of(message)
    except Exception:
        _stop()
        return False
    return _write(frame)


def _write(frame):
    """Write one frame; the lock must be held. False (and the session ends) on failure."""
    sock = _state["sock"]
    if sock is None or _state["pid"] != os.getpid():
        return False
    if _link_fd(sock) < 0:
        _stop()
        return False
    try:
        sock.sendall(frame, _socket.MSG_NOSIGNAL)
        return True
    except Exception:
        _stop()
        return False


def _frame_of(message):
    """The message's frame. A census whose report of tracked classes makes it
    larger than a frame may be (hundreds of thousands of instances born or
    measured at once) goes without the report, and the console says so; an
    answer that large is an error answer: the session goes on."""
    try:
        return _codec.json_frame(message)
    except _codec.ProtocolError:
        report = message.get("classes") if message.get("type") == "census" else None
        request_id = message.get("id")
        if report is not None:
            del message["classes"]
            _warn("the report of tracked classes at %.1f s was too large to send (%d born, %d measured);"
                  " it is left out" % (message.get("time", 0.0), len(report["born"]),
                                       len(report["sizes"])))
            return _codec.json_frame(message)
        if type(request_id) is int and request_id > 0:
            return _codec.json_frame(_error(request_id, "failed", "%s failed: the answer is over the"
                                            " 16 MiB a message may hold" % message.get("type")))
        raise


def _locked_send(message):
    if not _acquire():
        return False
    try:
        return _send(message)
    finally:
        _release()


def _stop():
    """End the session from any thread; the lock must be held.

    The socket is shut down, which wakes the agent thread from its read; that
    thread closes it. Closing it from here could let the descriptor number be
    reused while the agent thread still reads from it.
    """
    sock = _state["sock"]
    _state["sock"] = None
    if sock is None:
        return
    if _link_fd(sock) < 0:
        _let_go(sock)           # the agent thread sees it within LINK_CHECK
        return
    try:
        sock.shutdown(_socket.SHUT_RDWR)
    except OSError:
        pass
    if _state["reader"] is None:
        sock.close()


def _finish_thread(sock):
    held = _acquire()
    try:
        # The session is over: the program's classes get their own slots
        # back, and its collections their flags and gc.garbage.
        _tracker.detach_all()
        _garbage.stop()
        _refs.drop_tree()
        if _state["sock"] is sock:
            _state["sock"] = None
        _state["reader"] = None
        if _link_fd(sock) < 0:
            _let_go(sock)
        else:
            sock.close()
    finally:
        if held:
            _release()


def _link_fd(sock):
    """The link's descriptor number, or -1 once it is not the agent's any more.

    The program may close it (os.closerange) and then get the number back for
    a file of its own, or put one there with dup2(): the number is the agent's
    only while it names the socket the agent started with. (Between this look
    and the use that follows, another thread of the program could still close
    the number and open one the same; that it does so with a number this high,
    in that instant, is not guarded against.)
    """
    fd = sock.fileno()
    if fd < 0 or not _census.same_file(fd, _state["link_dev"], _state["link_ino"]):
        return -1
    return fd


def _let_go(sock):
    """Forget the link's descriptor number without touching it (no shutdown, no close)."""
    try:
        sock.detach()
    except OSError:
        pass


# -- entry points for the program ---------------------------------------------------

def push(label=None, final=False):
    """Take a census in the calling thread and push it (id 0). No-op when not connected."""
    if label is not None and type(label) is not str:
        raise TypeError("snapshot label must be a str or None, not %s"
                        % type(label).__name__)
    if not _connected():
        return
    if not _acquire():
        return
    try:
        if _connected():
            _push_locked(label, final)
    finally:
        _release()


def _push_locked(label, final):
    body = _take_census()
    if label is not None:
        label = _cut(label)
        _refs.take_mark(body["time"])       # a moment to count survivors from
    _send(_census_message(0, body, label, final))
    body = None
    if final:
        _state["script_ended"] = True
    if final or label is not None:
        _take_unread_deferred()
    if _state["deferred"] and (final or label is not None):
        _answer_deferred(label, final)


def snapshot(label=None):
    """Take a census now, in this thread, and show it in Heapscope under `label`.

    A no-op returning None when the program is not running under Heapscope
    (or in a child process after fork()). `label` is a str or None; it is cut
    to 1024 UTF-8 bytes.
    """
    push(label, False)


# The script's reference graphs: how many were asked for (start-up state).
_graphs = {"count": 0}


def refgraph(objs, direction="referrers", depth=3, filename=None, label=None):
    """Show the reference graph around `objs` in Heapscope; see heapscope.refgraph."""
    if type(objs) is list or type(objs) is tuple:
        objects = []
        seen = set()
        for obj in objs:
            if id(obj) not in seen:
                seen.add(id(obj))
                objects.append(obj)
        obj = None
        container = objs
    else:
        objects = [objs]
        container = None
    if not 1 <= len(objects) <= _graph.ASKED_MAX:
        raise ValueError("refgraph needs 1 to %d objects, not %d"
                         % (_graph.ASKED_MAX, len(objects)))
    if type(direction) is not str or direction not in _graph.DIRECTIONS:
        raise ValueError("direction must be 'referrers', 'referents' or 'both', not %r"
                         % (direction,))
    if type(depth) is not int or not 0 <= depth <= _graph.DEPTH_MAX:
        raise ValueError("depth must be an int in 0..%d" % _graph.DEPTH_MAX)
    if filename is not None:
        # The app writes it, from a folder of its own: the script's relative
        # name is relative to the script's working folder.
        filename = os.path.abspath(os.fsdecode(os.fspath(filename)))
    if label is not None and type(label) is not str:
        raise TypeError("refgraph label must be a str or None, not %s" % type(label).__name__)
    _graphs["count"] += 1
    if label is None:
        label = "graph %d" % _graphs["count"]
    if _connected():
        _push_graph(objects, container, _graph.DIRECTIONS[direction], depth, label, filename)
    elif filename is not None:
        _write_graph(objects, container, _graph.DIRECTIONS[direction], depth, label, filename)
    del objects[:]


def _graph_of(objects, container, direction, depth, ctx):
    """Build the script's graph: the defaults of the "graph" request, the path to a
    root shown when walking upward; the objects' list is the agent's."""
    skip = ctx["skip"]
    skip.add(id(objects))
    if container is not None:
        skip.add(id(container))         # the script's argument, not a referrer
    return _graph.build(objects, ctx, direction, depth, 20, None, _graph.NODES_MAX,
                        bool(direction & _graph.REFERRERS))


def _push_graph(objects, container, direction, depth, label, filename):
    """Build and push the graph (id 0) in the calling thread, as a snapshot does."""
    if not _acquire():
        return
    try:
        if not _connected():
            return
        ctx = _refs._context(_state["own"], _state["codes"], _serving(),
                             _state["reader"], _exiting, False)
        try:
            message = {"type": "graph", "id": 0, "label": _cut(label),
                       "filename": None if filename is None else _cut(filename, 4096)}
            message.update(_graph.reply(_graph_of(objects, container, direction, depth, ctx),
                                        ctx))
        except _refs.Failure:
            return                      # the interpreter is exiting
        except Exception as error:
            _warn("refgraph failed: %s" % _error_name(error))
            return
        finally:
            _refs.finish(ctx)
            ctx.clear()
        _send(message)
    finally:
        _release()


def _exiting():
    return _state["exiting"]


def why(obj):
    """The path from `obj` to a root as one line of text; see heapscope.why."""
    if _connected() and _acquire():
        try:
            ctx = _refs._context(_state["own"], _state["codes"], _serving(),
                                 _state["reader"], _exiting, False)
            _tree_context(ctx)
            try:
                return _refs.path_text(obj, ctx)
            finally:
                _refs.finish(ctx)
                ctx.clear()
        finally:
            _release()
    own = _state["own"]
    codes = _state["codes"]
    if not own:
        own, codes = _package_objects()
    ctx = _refs._context(own, codes, [], None, _exiting, False)
    try:
        return _refs.path_text(obj, ctx)
    finally:
        _refs.finish(ctx)
        ctx.clear()


def _write_graph(objects, container, direction, depth, label, filename):
    """Outside Heapscope: write the graph to `filename` as Graphviz DOT text."""
    own = _state["own"]
    codes = _state["codes"]
    if not own:
        own, codes = _package_objects()
    ctx = _refs._context(own, codes, [], None, _exiting, False)
    try:
        text = _graph.dot(_graph_of(objects, container, direction, depth, ctx), ctx, label)
    finally:
        _refs.finish(ctx)
        ctx.clear()
    with open(filename, "w", encoding="utf-8") as stream:
        stream.write(text)


def _package_objects():
    """(objects, code objects) of this package, when the agent never started:
    its frames and modules are left out of a graph all the same."""
    own = []
    codes = []
    for pair in list(dict.items(sys.modules)):
        name = pair[0]
        if type(name) is not str or not (name == "heapscope" or name.startswith("heapscope.")):
            continue
        namespace = _census._module_dict(pair[1])
        own.append(pair[1])
        own.append(namespace)
        for value in list(dict.values(namespace)):
            if type(value) is _types.FunctionType:
                codes.append(value.__code__)
            elif type(value) is type and value.__module__ == name:
                for member in dict.values(_refs._class_namespace(value)):
                    if type(member) is _types.FunctionType:
                        codes.append(member.__code__)
    index = 0
    while index < len(codes):       # nested functions, comprehensions
        for const in codes[index].co_consts:
            if type(const) is _types.CodeType:
                codes.append(const)
        index += 1
    return own, codes


def hold(print_traceback=None):
    """Keep the process at the script's end while the app looks at its heap.

    Called in the main thread once the script's __main__ has ended (or raised)
    and the final census is pushed, before atexit handlers and finalization:
    when the app asked for it (HEAPSCOPE_HOLD), push "held" and wait while the
    agent thread serves requests, until SIGINT or SIGTERM comes or the link
    ends (bye, end of file, the app gone). The exit then goes on as it would
    have: atexit, the exit code, bye. A script that raised passes
    print_traceback, called before the wait; "held" then says "raised".
    Never raises.
    """
    try:
        if not _state["hold"] or not _connected() or _state["reader"] is None or _state["exiting"]:
            return
        _state["hold"] = False          # once
        held = {"type": "held", "id": 0}
        if print_traceback is not None:
            held["raised"] = True
            try:
                print_traceback()
            except BaseException:
                pass
        lock = _state["hold_lock"]
        lock.acquire()
        _state["holding"] = True
        # _signal is loaded at start-up: no module of the program's is made here.
        signals = sys.modules.get("_signal")
        previous = []
        for name in ("SIGINT", "SIGTERM"):
            try:
                signum = getattr(signals, name)
                previous.append((signum, signals.signal(signum, _on_hold_signal)))
            except Exception:           # not the main thread, no _signal
                pass
        try:
            if _locked_send(held):
                while _state["holding"] and _connected():
                    if lock.acquire(True, LINK_CHECK):
                        break
        finally:
            _state["holding"] = False
            for pair in previous:
                try:
                    signals.signal(pair[0], pair[1])
                except Exception:
                    pass
            del previous[:]
            if lock.locked():
                try:
                    lock.release()
                except RuntimeError:
                    pass
    except BaseException:
        pass


def _on_hold_signal(signum, frame):
    _end_hold()


def _end_hold():
    """Let the held main thread go on (from a signal handler or the agent thread)."""
    if _state["holding"]:
        _state["holding"] = False
        try:
            _state["hold_lock"].release()
        except RuntimeError:
            pass


def push_final():
    """Push the census taken when the script's __main__ ends. Never raises."""
    try:
        push(None, True)
    except BaseException:
        pass


def _cut(text, limit=MAX_TEXT_BYTES):
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = text.encode("utf-8", "backslashreplace")
        text = data.decode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def _warn(text):
    try:
        sys.stderr.write("heapscope: %s\n" % text)
        sys.stderr.flush()
    except Exception:
        pass


# -- class tracking, for the program (heapscope.track_class & co.) -------------------

# The thread of start_periodic_snapshots: its locks are made now, start-up objects.
_periodic = {"interval": 1.0, "running": False,
             "stop": _thread.allocate_lock(), "ended": _thread.allocate_lock()}


def tracking(action, *args, **options):
    """Run a _tracker call under the agent lock; a no-op (None) outside Heapscope."""
    if not _connected() or not _tracker.available():
        return None
    held = _acquire()
    try:
        if _connected():
            return action(*args, **options)
        return None
    finally:
        if held:
            _release()


def start_periodic_snapshots(interval=1.0):
    """Take a snapshot every `interval` seconds in a thread of the agent's own
    (Pympler's ClassTracker.start_periodic_snapshots). A no-op outside Heapscope;
    when running already, the interval changes."""
    if type(interval) not in (int, float) or not interval > 0:
        raise ValueError("interval must be a number of seconds above 0")
    if not _connected():
        return
    _periodic["interval"] = float(interval)
    if _periodic["running"]:
        return
    _periodic["running"] = True
    _periodic["stop"].acquire()
    _periodic["ended"].acquire()
    _thread.start_new_thread(_periodic_snapshots, ())


def stop_periodic_snapshots():
    """Stop the periodic snapshots and wait until their thread is done."""
    if not _periodic["running"]:
        return
    _periodic["running"] = False
    _periodic["stop"].release()
    if _periodic["ended"].acquire(timeout=EXIT_WAIT):
        _periodic["ended"].release()


def _periodic_snapshots():
    try:
        while not _periodic["stop"].acquire(timeout=_periodic["interval"]):
            if not _connected():
                break
            push(None, False)
        else:
            _periodic["stop"].release()
    except BaseException:
        pass
    _periodic["ended"].release()
