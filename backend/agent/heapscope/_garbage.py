"""The garbage watch: what each collection of the program frees in reference cycles.

Pympler's garbagegraph, made safe (PROTOCOL.md "Garbage"). While the watch is
on, two ``gc.callbacks`` entries of the agent's look at every collection,
whichever thread runs it: the first of the list (``_on_stop``) and the last
(``_on_start``), so that the callbacks the program registered before see
neither the flag the watch sets nor the objects it takes.

- At "start", ``gc.DEBUG_SAVEALL`` is set (the debug flags and
  ``len(gc.garbage)`` remembered). A program that set it itself keeps it,
  and its ``gc.garbage``: that collection is left alone and not reported.
- At "stop", the flags are put back and the entries the collection appended
  to ``gc.garbage`` are taken out. The collector appends what it found
  unreachable first, then the uncollectable set (``info["uncollectable"]``:
  objects with a legacy finalizer, ``tp_del``, and what they reach); of that
  set, what has a ``tp_del`` goes back to ``gc.garbage``, as the collector
  would have put it there anyway, and the rest stays alive through it.
- What was found is summarised: types (census row names, flat sizes), cycles
  (strongly connected parts of 2 or more objects, or objects referring to
  themselves, by an iterative Tarjan over ``gc.get_referents`` restricted to
  the set; not counted above CYCLES_MAX objects), objects whose class defines
  ``__del__`` (looked up in the MRO's dicts), and up to GRAPHS_MAX of the
  cycles, of different kinds, as small graphs named as the graph builder
  names its edges (``_refs.referents``) with safe texts. The agent's own
  objects are left out as every reply leaves them out: frames, functions,
  generators and code objects of its code (its start-up objects are never
  garbage: it holds them). The summary is one JSON text in the buffer
  (strings only: no container of the agent's that a scan could meet), pushed
  by the agent thread (``take``) at most every PUSH_INTERVAL seconds.
- The objects are then emptied as the collector's ``tp_clear`` would have
  emptied them -- by the types' own C code, none of the program's: list,
  dict and set contents, instance attributes (``__slots__``, the instance
  dict), closure cells, finished frames, an exception's traceback, context,
  cause and arguments -- and let go. What that leaves in a cycle (a class:
  its ``__mro__`` holds it; a C object the agent cannot empty) is held by the
  watch until it ends, then freed by the next collection: saved again by
  ``DEBUG_SAVEALL``, it would otherwise never be freed while the watch is on.
  The finalizers (``__del__``, weakref callbacks) ran in the collection, as
  they would have without the watch; freeing runs none again.

The callbacks never raise, never block and never take the agent lock: the
buffer is appended to by the callbacks only and emptied from its front by the
agent thread only, and each counter has one writer. Collections never
overlap (the collector runs one at a time, and not from inside a callback),
so the callbacks never run twice at once.
"""

import gc
import os
import sys
import time

from . import _census
from . import _codec
from . import _refs
from ._types import (HEAPTYPE, MANAGED_DICT, VERSION, CellType, CodeType, FrameType,
                     FunctionType, GeneratorType, GetSetDescriptorType, MemberDescriptorType,
                     ModuleType, POINTER, type_basicsize, type_flags, type_mro)

SAVEALL = gc.DEBUG_SAVEALL
CYCLES_MAX = 50000          # objects of one collection whose cycles are counted at most
TYPES_MAX = 200             # types listed per collection
GRAPHS_MAX = 5              # cycles drawn per collection
GRAPH_NODES = 50            # nodes of one drawn cycle
GRAPH_REFERENTS = 200       # referents of a node looked through for its edges
KINDS_MAX = 1000            # cycles kept to choose the drawn ones from
TEXT_CHARS = 200            # a node's text (the summaries' rule)
NAME_CHARS = 1000           # an edge's name (an attribute's may be any length)
BUFFER_MAX = 1000           # collections waiting to be pushed
PUSH_INTERVAL = 0.5         # seconds between two pushes at least
HOLD_MAX = 100000           # objects left in cycles that the watch holds
RELEASE_ROUNDS = 32         # passes letting go of what the emptied objects held
FRAME_ROOM = _codec.MAX_FRAME - 65536
_PAGE = 4096
_PAGE_MASK = ~(_PAGE - 1)
_NULL_WORD = bytes(POINTER)
_LOW_BYTE = 0 if sys.byteorder == "little" else POINTER - 1

_IMMUTABLETYPE = 1 << 8
# Code flags of generators, coroutines and async generators: their frames are
# theirs, and clearing one would close it (run the program's code).
_CO_SUSPENDABLE = 0x20 | 0x80 | 0x100 | 0x200

# The collector's own list and callbacks: a program that rebinds gc.garbage
# or gc.callbacks does not change the collector's.
_GARBAGE = gc.garbage
_CALLBACKS = gc.callbacks
_clock = time.perf_counter
_get_referents = gc.get_referents
_get_debug = gc.get_debug
_set_debug = gc.set_debug
_getrefcount = getattr(sys, "getrefcount", None)
_frame_code = _census._frame_code
_function_code = FunctionType.__dict__["__code__"].__get__
_code_flags = CodeType.__dict__["co_flags"].__get__
_generator_code = GeneratorType.__dict__["gi_code"].__get__
_cell_contents = CellType.__dict__["cell_contents"]
_frame_clear = FrameType.__dict__["clear"]
_EXCEPTION_LINKS = (BaseException.__dict__["__traceback__"], BaseException.__dict__["__context__"],
                    BaseException.__dict__["__cause__"])
_EXCEPTION_ARGS = BaseException.__dict__["args"]
_EXCEPTION_SIZE = type_basicsize(BaseException)
_CONTAINER_CLEAR = ((dict, dict.clear), (list, list.clear), (set, set.clear))

# The watch (start-up objects; plain values). "ours": the collection under way
# was started with the watch's DEBUG_SAVEALL; "mark", "flags": len(gc.garbage)
# and the debug flags then; "began": its start callback's cost. "spent" and
# "dropped" are written by the callbacks only, "spent_sent", "dropped_sent"
# and "pushed" by the agent thread only.
_watch = {"on": False, "ours": False, "mark": 0, "flags": 0, "began": 0.0,
          "spent": 0.0, "spent_sent": 0.0, "dropped": 0, "dropped_sent": 0,
          "pushed": 0.0, "started": 0.0, "codes": set(),
          "del_offset": None}
_buffer = []        # the summaries (JSON text) not pushed yet, oldest first
_stuck = []         # what emptying did not free: held while the watch is on
_working = []       # the callback's containers of program objects, while it runs


# -- on and off ---------------------------------------------------------------------

def start(code_ids, started):
    """Turn the watch on. `code_ids`: the ids of the agent's code objects;
    `started`: the agent's monotonic start time."""
    if _watch["on"]:
        return
    _watch["codes"] = code_ids
    _watch["started"] = started
    if _watch["del_offset"] is None:
        _watch["del_offset"] = _tp_del_offset()
    del _buffer[:]                  # (a callback that ran on as the watch ended)
    _watch["on"] = True
    _remove_callbacks()
    _CALLBACKS.insert(0, _on_stop)
    _CALLBACKS.append(_on_start)


def stop():
    """Turn the watch off: the callbacks go, the flags and gc.garbage are the
    program's again, and what the watch held is freed by the next collection."""
    _watch["on"] = False
    _remove_callbacks()
    if _watch["ours"]:
        _abandon()
    del _stuck[:]
    del _buffer[:]


def _remove_callbacks():
    index = len(_CALLBACKS) - 1
    while index >= 0:
        # By identity: `in` and remove() would call a callable's __eq__.
        entry = _CALLBACKS[index]
        if entry is _on_start or entry is _on_stop:
            del _CALLBACKS[index]
        entry = None
        index -= 1


def _abandon():
    """A collection the watch started is left to go on without it (the watch
    ends meanwhile): the flags go back, and nothing it appended stays in
    gc.garbage but what the collector puts there on its own."""
    _watch["ours"] = False
    if _get_debug() == _watch["flags"] | SAVEALL:
        _set_debug(_watch["flags"])
    mark = _watch["mark"]
    if len(_GARBAGE) > mark:
        taken = _GARBAGE[mark:]
        del _GARBAGE[mark:mark + len(taken)]
        for obj in taken:
            if _legacy(type(obj)):
                _GARBAGE.append(obj)
        obj = None
        del taken[:]


def _forget_after_fork():
    """In a child made by fork() nobody pushes: the watch ends there."""
    try:
        stop()
    except Exception:
        pass


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def kept_containers():
    """The callback's containers of program objects while it runs (in another
    thread than the census): the census and the scans leave them out."""
    return list(_working)


# -- pushing (the agent thread) ----------------------------------------------------------

def due(now):
    """True when a push is due: the watch is on, something was collected, and
    the last push is PUSH_INTERVAL seconds old."""
    return _watch["on"] and len(_buffer) > 0 and now - _watch["pushed"] >= PUSH_INTERVAL


def take(now):
    """The payload of a "garbage" message with the oldest summaries (at most
    BUFFER_MAX, within a frame), or None when there is none. `now` is
    time.monotonic()."""
    _watch["pushed"] = now
    count = min(len(_buffer), BUFFER_MAX)
    if count == 0:
        return None
    parts = []
    size = 256
    for index in range(count):
        data = _buffer[index].encode("utf-8")
        if parts and size + len(data) + 1 > FRAME_ROOM:
            break
        parts.append(data)
        size += len(data) + 1
    del _buffer[:len(parts)]
    dropped = _watch["dropped"] - _watch["dropped_sent"]
    _watch["dropped_sent"] += dropped
    spent = _watch["spent"]
    cost = max(0.0, spent - _watch["spent_sent"])
    _watch["spent_sent"] = spent
    head = '{"type":"garbage","id":0,"time":%s,"collections":[' % _number(now - _watch["started"])
    tail = '],"dropped":%d,"cost":%s}' % (dropped, _number(cost))
    return head.encode("utf-8") + b",".join(parts) + tail.encode("utf-8")


def _number(value):
    return float.__repr__(round(value, 6))


# -- the callbacks (any thread) ------------------------------------------------------------

def _on_start(phase, info):
    """Last of gc.callbacks: set DEBUG_SAVEALL for this collection."""
    if phase != "start":
        return
    began = _clock()
    try:
        watch = _watch
        if not watch["on"] or not _stop_registered():
            return
        flags = _get_debug()
        if flags & SAVEALL:
            return                  # the program's: its gc.garbage is left alone
        watch["flags"] = flags
        watch["mark"] = len(_GARBAGE)
        watch["ours"] = True
        _set_debug(flags | SAVEALL)
        if not watch["on"]:         # turned off meanwhile, from another thread
            _abandon()
    except BaseException:
        pass
    finally:
        cost = _clock() - began
        _watch["began"] = cost
        _watch["spent"] += cost


def _stop_registered():
    # Without the stop callback nobody would put the flags back.
    for entry in _CALLBACKS:
        if entry is _on_stop:
            return True
    return False


def _on_stop(phase, info):
    """First of gc.callbacks: take what the collection saved, summarise it, free it."""
    if phase != "stop":
        return
    began = _clock()
    try:
        if _watch["ours"]:
            _collected(info, began)
    except BaseException:
        pass
    finally:
        del _working[:]
        _watch["spent"] += _clock() - began


def _collected(info, began):
    watch = _watch
    when = time.monotonic()
    watch["ours"] = False
    if _get_debug() == watch["flags"] | SAVEALL:
        _set_debug(watch["flags"])
    mark = watch["mark"]
    if len(_GARBAGE) <= mark:
        return                      # nothing found, or the program emptied gc.garbage meanwhile
    taken = _GARBAGE[mark:]
    _working.append(taken)
    del _GARBAGE[mark:mark + len(taken)]
    # The collector appended at most what it says it collected (the unreachable
    # objects, and the weak references their callbacks freed) and then the
    # uncollectable set. Entries before those were appended by the program
    # (its __del__) while the collection ran: they go back, untouched.
    uncollectable = _info_int(info, "uncollectable")
    surplus = len(taken) - _info_int(info, "collected") - uncollectable
    if surplus > 0:
        _GARBAGE[mark:mark] = taken[:surplus]
        del taken[:surplus]
    if uncollectable > len(taken):
        uncollectable = len(taken)
    final = len(taken) - uncollectable
    kept = 0
    for index in range(final, len(taken)):
        if _legacy(type(taken[index])):
            _GARBAGE.append(taken[index])
            kept += 1
    if not watch["on"]:
        _empty_and_release(taken, final, False)
        return
    if len(_buffer) >= BUFFER_MAX:
        for obj in taken:
            if not _agent_object(obj):
                watch["dropped"] += 1
                break
        obj = None
        _empty_and_release(taken, final, True)
        return
    ctx = _context()
    objects = []                    # the program's
    _working.append(objects)
    try:
        record = _summary(taken, objects, ctx)
    except Exception:
        record = None               # (what was found is freed all the same)
    finally:
        ctx.clear()
        del objects[:]
    _empty_and_release(taken, final, True)
    if record is not None:
        record["time"] = round(when - watch["started"], 6)
        record["generation"] = _info_int(info, "generation")
        record["uncollectable"] = kept
    if record is None:
        return
    text = _codec.encode(record)
    cost = watch["began"] + _clock() - began
    _buffer.append(text[:-1] + ',"cost":' + _number(cost) + "}")


def _info_int(info, key):
    value = info.get(key) if type(info) is dict else None
    return value if type(value) is int and value >= 0 else 0


def _context():
    """What the census's names, sizes and texts need (see _refs._context); the
    skip set is the callback's own."""
    return {"skip": set(), "codes": _watch["codes"], "poll": _never, "repr": False,
            "names": {}, "plans": {}, "fd": _census.memory_fd() if VERSION >= (3, 11) else -1,
            "objects": None, "frames": [], "frame_ids": set(), "locals_ids": {},
            "module_dicts": {}, "agent_thread": None}


def _never():
    return False


def _agent_object(obj):
    """True for the agent's objects: frames, functions, generators and code
    objects of its code, as the other replies leave them out. (Its start-up
    objects are never garbage: it holds them.)"""
    cls = type(obj)
    if cls is FrameType:
        return id(_frame_code(obj)) in _watch["codes"]
    if cls is FunctionType:
        return id(_function_code(obj)) in _watch["codes"]
    if cls is GeneratorType:
        return id(_generator_code(obj)) in _watch["codes"]
    if cls is CodeType:
        return id(obj) in _watch["codes"]
    return False


# -- the summary ----------------------------------------------------------------------

def _summary(taken, objects, ctx):
    """The record of a collection that found `taken` (without "time",
    "generation" and "uncollectable"), or None when all are the agent's.
    The program's objects are put in `objects`."""
    names = []
    flats = []
    dels = []
    totals = {}
    total = 0
    with_del = 0
    classes = {}                # id(class) -> facts (see _class_facts)
    pages = {}
    fd = ctx["fd"]
    for obj in taken:
        cls = type(obj)
        known = classes.get(id(cls))
        if known is None:
            known = classes[id(cls)] = _class_facts(cls, ctx)
        name = known[0]
        if name is None:
            if known[6] and _agent_object(obj):
                continue
            name = _refs.row_name(obj, ctx)
        objects.append(obj)
        flat = _flat_size(obj, cls, known, fd, pages)
        names.append(name)
        flats.append(flat)
        dels.append(known[1])
        total += flat
        if known[1]:
            with_del += 1
        entry = totals.get(name)
        if entry is None:
            totals[name] = [name, 1, flat]
        else:
            entry[1] += 1
            entry[2] += flat
    obj = None
    if not objects:
        return None
    types = sorted(totals.values(), key=_bytes_first)[:TYPES_MAX]
    cycles = None
    graphs = []
    if len(objects) <= CYCLES_MAX:
        cycles, components = _cycles(objects)
        for members in _kinds(components, names):
            graphs.append(_graph(objects, members, names, flats, dels, ctx))
    return {"time": 0.0, "generation": 0, "objects": len(objects), "bytes": total,
            "cycles": cycles, "with_del": with_del, "uncollectable": 0,
            "types": types, "graphs": graphs}


def _bytes_first(row):
    return (-row[2], -row[1], row[0])


def _class_facts(cls, ctx):
    """[row name (None where it is each object's own: functions, frames,
    modules, generators, code), whether the class defines __del__ (looked up
    in the MRO's dicts, no code run), the census's size plan, the plan
    without the inline values, where the word saying whether there are any
    is (before the object), the bit of its low byte that says so (0: any
    bit), whether its objects may be the agent's]."""
    name = None
    agent = cls is FrameType or cls is FunctionType or cls is GeneratorType or cls is CodeType
    if not agent and cls is not ModuleType:
        name = _census.row_name(cls, None)
    plan = _census.size_plan(cls, ctx["fd"])
    facts = [name, _census._lookup(cls, "__del__") is not None, plan, None, 0, 0, agent]
    if plan[2] == _census._VALUES_POINTER or plan[2] == _census._VALUES_TAGGED:
        facts[3] = (plan[0], plan[1], 0, 0, plan[4])
        facts[4] = (4 if plan[2] == _census._VALUES_POINTER else 3) * POINTER
        facts[5] = 0 if plan[2] == _census._VALUES_POINTER else 1
    return facts


def _flat_size(obj, cls, facts, fd, pages):
    """The census's flat size (_census.object_size); the word saying whether
    the object has inline values (_census._values_size) is read a page at a
    time, one read for the many objects of a page."""
    if facts[3] is None or fd < 0:
        return _census.object_size(obj, cls, facts[2], fd)
    size = _census.object_size(obj, cls, facts[3], fd)
    address = id(obj) - facts[4]
    page = address & _PAGE_MASK
    data = pages.get(page)
    if data is None:
        try:
            data = os.pread(fd, _PAGE, page)
        except OSError:
            data = b""
        pages[page] = data
    offset = address - page
    word = data[offset:offset + POINTER]
    if len(word) != POINTER:
        return size
    if facts[5]:
        present = word[_LOW_BYTE] & facts[5]
    else:
        present = word != _NULL_WORD
    return size + facts[2][3] if present else size


def _cycles(objects):
    """(number of cycles, [members, ...]): Tarjan's strongly connected parts of
    the objects through their referents among them, iteratively; a part counts
    when it has 2 objects or more, or one that refers to itself."""
    count = len(objects)
    position = {}
    for index in range(count):
        position[id(objects[index])] = index
    get = position.get
    number = [0] * count            # order of discovery, 0 not yet
    low = [0] * count
    on_stack = bytearray(count)
    successors = [None] * count
    stack = []
    components = []
    found = 0
    counter = 0
    for root in range(count):
        if number[root]:
            continue
        counter += 1
        number[root] = low[root] = counter
        stack.append(root)
        on_stack[root] = 1
        following = successors[root] = _successors(objects[root], get)
        path = [root]
        walks = [iter(following)]
        while path:
            node = path[-1]
            for child in walks[-1]:
                if not number[child]:
                    counter += 1
                    number[child] = low[child] = counter
                    stack.append(child)
                    on_stack[child] = 1
                    successors[child] = following = _successors(objects[child], get)
                    path.append(child)
                    walks.append(iter(following))
                    break
                if on_stack[child] and number[child] < low[node]:
                    low[node] = number[child]
            else:
                path.pop()
                walks.pop()
                if path and low[node] < low[path[-1]]:
                    low[path[-1]] = low[node]
                if low[node] == number[node]:
                    top = stack.pop()
                    on_stack[top] = 0
                    if top != node:
                        members = [top]
                        while top != node:
                            top = stack.pop()
                            on_stack[top] = 0
                            members.append(top)
                        found += 1
                        if len(components) < KINDS_MAX:
                            members.reverse()
                            components.append(members)
                    elif node in successors[node]:
                        found += 1
                        if len(components) < KINDS_MAX:
                            components.append([node])
                successors[node] = None
    return found, components


def _successors(obj, get):
    found = []
    for ref in _get_referents(obj):
        index = get(id(ref))
        if index is not None:
            found.append(index)
    return found


def _kinds(components, names):
    """Up to GRAPHS_MAX cycles to draw, the first of each kind (their types)."""
    chosen = []
    seen = set()
    for members in components:
        kind = []
        for index in members:
            kind.append(names[index])
        kind.sort()
        kind = "\n".join(kind)
        if kind in seen:
            continue
        seen.add(kind)
        chosen.append(members)
        if len(chosen) == GRAPHS_MAX:
            break
    return chosen


def _graph(objects, members, names, flats, dels, ctx):
    """A cycle as the graph builder names it: breadth first from its first
    object that is not a dict, through the referents in the cycle
    (``_refs.referents``: namespaces collapsed into their owners), at most
    GRAPH_NODES nodes."""
    inside = {}
    for index in members:
        inside[id(objects[index])] = index
    start = members[0]
    for index in members:
        if type(objects[index]) is not dict:
            start = index
            break
    order = [start]             # node -> index in objects
    nodes = {start: 0}          # index in objects -> node
    edges = []
    pairs = set()
    at = 0
    while at < len(order):
        pairs_found = _refs.referents(objects[order[at]], ctx, GRAPH_REFERENTS)[1]
        for pair in pairs_found:
            index = inside.get(id(pair[0]))
            if index is None:
                continue
            node = nodes.get(index)
            if node is None:
                if len(order) >= GRAPH_NODES:
                    continue
                node = nodes[index] = len(order)
                order.append(index)
            if (at, node) not in pairs:
                pairs.add((at, node))
                label = pair[1]
                name = label.get("name")
                if type(name) is str and len(name) > NAME_CHARS:
                    label["name"] = name[:NAME_CHARS] + "\u2026"
                edges.append([at, node, label])
        pairs_found = pair = None
        at += 1
    shown = []
    for index in order:
        text = _refs.safe_text(objects[index], ctx)
        if len(text) > TEXT_CHARS:
            text = text[:TEXT_CHARS] + "\u2026"
        shown.append({"type": names[index], "text": text, "flat": flats[index],
                      "has_del": dels[index]})
    return {"nodes": shown, "edges": edges}


# -- emptying and letting go ---------------------------------------------------------------

def _empty_and_release(taken, final, hold):
    """Empty the first `final` objects of `taken` (the collection's unreachable
    objects) as tp_clear would, and let go of them all; hold (with `hold`)
    what stays alive in a cycle. The others (the uncollectable set) are only
    let go: gc.garbage or their legacy finalizers keep them."""
    alive = taken[:final]
    _working.append(alive)
    del taken[:]
    plans = {}
    namespaces = set()              # class dicts: emptied by hand, a class's caches would lie
    dicts = []
    _working.append(dicts)
    for obj in alive:
        cls = type(obj)
        plan = plans.get(id(cls))
        if plan is None:
            plan = plans[id(cls)] = _plan(cls)
        if plan is None:
            continue
        if plan is _CLASS:
            namespaces.add(id(_refs._class_namespace(obj)))
        elif plan is _DICT:
            dicts.append(obj)
        else:
            try:
                _empty(obj, cls, plan)
            except Exception:
                pass
    obj = None
    for namespace in dicts:
        if id(namespace) not in namespaces:
            dict.clear(namespace)
    namespace = None
    del dicts[:]
    if _getrefcount is None:
        return
    rounds = 0
    while alive and rounds < RELEASE_ROUNDS:
        keep = []
        _working.append(keep)
        for index in range(len(alive)):
            if _getrefcount(alive[index]) > _census._REFCOUNT_OVERHEAD:
                keep.append(alive[index])
        if len(keep) == len(alive):
            break
        alive = keep                # what only the old list held is freed now
        keep = None
        rounds += 1
    if hold and _watch["on"] and len(_stuck) + len(alive) <= HOLD_MAX:
        _stuck.extend(alive)


# Plans of _empty besides the tuples of _plan.
_CLASS = "class"            # a class: never emptied (its mro holds it anyway)
_DICT = "dict"              # a dict: emptied unless a class's namespace
_CELL = "cell"
_FRAME = "frame"


def _empty(obj, cls, plan):
    """Drop what `obj` refers to, as the collector's tp_clear would, through
    the types' own C code only."""
    if plan is _CELL:
        _cell_contents.__delete__(obj)
        return
    if plan is _FRAME:
        if not _code_flags(_frame_code(obj)) & _CO_SUSPENDABLE:
            try:
                _frame_clear(obj)       # (a running frame refuses)
            except RuntimeError:
                pass
        return
    clear, getset, members, exception = plan
    if clear is not None:
        clear(obj)
    if exception:
        for link in _EXCEPTION_LINKS:
            link.__set__(obj, None)
        _EXCEPTION_ARGS.__set__(obj, ())
    for member in members:
        try:
            member.__delete__(obj)
        except Exception:           # not set, or not an object member
            pass
    if getset is not None:
        # Attributes kept in the object itself are made a dict first.
        namespace = getset.__get__(obj, cls)
        if type(namespace) is dict:
            dict.clear(namespace)


def _plan(cls):
    """How to empty an object of `cls`: None (nothing to do: what it refers to
    is emptied on its own, or it is a C type the agent does not know), _CLASS,
    _DICT, _CELL, _FRAME, or (container clear or None, the __dict__ getset
    to make inline attributes a dict or None, __slots__ members, exception
    links or not). A class defined in Python is looked through to its C base;
    a C base other than object, dict, list, set or an exception is not
    emptied (its instance attributes are)."""
    if cls is dict:
        return _DICT
    if cls is CellType:
        return _CELL
    if cls is FrameType:
        return _FRAME
    if _in_mro_type(cls):
        return _CLASS
    mro = type_mro(cls) or ()
    members = []
    solid = object
    for base in mro:
        flags = type_flags(base)
        if not flags & HEAPTYPE or flags & _IMMUTABLETYPE:
            solid = base
            break
        for value in dict.values(_refs._class_namespace(base)):
            if type(value) is MemberDescriptorType:
                members.append(value)
    clear = None
    for pair in _CONTAINER_CLEAR:
        if solid is pair[0]:
            clear = pair[1]
    exception = (_census._in_mro(solid, BaseException)
                 and type_basicsize(solid) == _EXCEPTION_SIZE)
    getset = None
    if VERSION >= (3, 11) and type_flags(cls) & MANAGED_DICT:
        found = _census._lookup(cls, "__dict__")
        if type(found) is GetSetDescriptorType and type_flags(found.__objclass__) & HEAPTYPE:
            getset = found
    if clear is None and getset is None and not members and not exception:
        return None
    return (clear, getset, tuple(members), exception)


def _in_mro_type(cls):
    mro = type_mro(cls)
    if mro is not None:
        for entry in mro:
            if entry is type:
                return True
    return False


# -- legacy finalizers ------------------------------------------------------------------

def _tp_del_offset():
    """Where a type object keeps tp_del, checked against the fields before it
    (tp_basicsize, tp_flags, tp_bases, tp_mro), or -1 when it cannot be read."""
    fd = _census.memory_fd()
    if fd < 0:
        return -1
    base = id(type)
    bases = type.__dict__["__bases__"].__get__(type)
    try:
        if (_census.read_word(fd, base + 4 * POINTER) != type_basicsize(type)
                or _census.read_word(fd, base + 21 * POINTER) != type_flags(type)
                or _census.read_word(fd, base + 42 * POINTER) != id(bases)
                or _census.read_word(fd, base + 43 * POINTER) != id(type_mro(type))):
            return -1
    except OSError:
        return -1
    return 47 * POINTER


def _legacy(cls):
    """The type has a legacy finalizer (tp_del): the collector keeps its
    objects in gc.garbage. Unknown (the type cannot be read): True."""
    offset = _watch["del_offset"]
    if offset is None or offset < 0:
        return True
    try:
        return _census.read_word(_census.memory_fd(), id(cls) + offset) != 0
    except OSError:
        return True
