"""Why is it alive? Handles, instances, referrers and paths to a root.

Handles
    Every object a reply names gets a handle: an int >= 1, never reused in a
    run. Looking must not change the heap, so the table holds an object
    weakly wherever its type has weak references: the program's objects die
    when the program drops them, and the handle then says "stale" -- never
    another object that reuses the address. An object without weak
    references (list, dict, tuple, str, a frame, an instance of a class with
    __slots__ and no __weakref__) is held until the app releases its handle;
    the app keeps only what it shows. A census leaves out what only those
    holds keep alive (``HELD``, see _census.held_only). While an object is
    held, it always gets the same handle back, which lets the app spot a
    cycle by handle. The table hangs from this module, an agent object: the
    census neither counts nor follows it, and no reply ever lists it (nor any
    other container of the agent) as a referrer.

    The agent never frees a program object itself: freeing may run the
    program's code (__del__, weakref callbacks). An object it was the last
    to hold goes to the graveyard, which the program's main thread empties
    (``_refaccel.let_go``).

Which objects
    ``instances`` lists what the census would count under a row name: the same
    walk (tracked roots, untracked referents followed), the same exclusions.
    The sorted list is kept under a list handle, a snapshot of the moment of
    the first page: weak references where the type has them, addresses where
    it has not, never the objects themselves. A later page gives each entry
    whose object still lives; one that died reads "object no longer exists"
    (with a handle that is stale at once). An entry without a weak reference
    is found again in the heap, by address and row, when its page is asked
    for: an object made since at that address, of the same row, cannot be
    told from it. The list goes when the app releases the list handle.
    (Re-walking a 1 M-object heap and re-sorting for every page of 200 would
    cost the first page's time again each time.)

Referrers
    One scan for each step, however many objects it asks about
    (``referrers_of``: a level of a path or of a graph is one step): of every
    object the collector tracks (``_refaccel.scan``, a hash set of targets;
    ``gc.get_referrers`` checks its targets one by one), or, for targets the
    collector tracks, of the referrer index (``_refaccel.index_scan``): which
    tracked objects referred to which when it was built, addresses only,
    kept between requests. The index names the candidates, which are then
    traversed, so what it reports refers to a target now; it is dropped as
    soon as one of them is freed (_refaccel.c says how it knows). It could
    miss only a reference made since it was built, so it serves a request
    only if no thread but the agent's has run since (``_index_ready``: the
    threads' CPU clocks tell): a reply is always about the heap as it is when
    the request is served. It is built when a request finds the program has
    not run since the last one looked: browsing a program that waits. While
    the program runs, each scan traverses the heap. What only the agent's
    holds keep alive (``held_only``: left out of every scan) is kept between
    requests on the same terms, until the agent lets go of something: a hold
    taken meanwhile is on an object the program holds too, and frees nothing.
    One look at the threads serves both, once a request (``ctx["idle"]``).
    An intermediate ``__dict__`` is
    collapsed into its owner (instance, module, class), a closure cell into the
    function holding it, which takes one more scan each. Running frames do not
    expose their locals to the collector from 3.11 on, so the frames of the
    program's threads are read directly: on 3.11 and 3.12 from the frame's
    slots by the accelerator (``frame.f_locals`` would make the frame's locals
    dict, and keep what it saw alive), else through ``frame.f_locals``.

Retained sizes
    What an object keeps alive alone -- the bytes that would be freed if it
    went away -- comes from the dominator tree of the census's objects,
    computed in C (``_accel.tree_build``, _dominators.c says how) and kept
    there as addresses and numbers until the heap is seen to change: a later
    census that counts other totals than the tree's drops it (``tree_census``),
    a request may ask for a new one (``refresh``), and a request that names an
    object the kept tree does not know, or whose page finds an object gone,
    computes it again. Every answer says when its tree was computed. The
    computation holds no object of the program: handles are resolved after it.

Safe text
    No code of the program runs unless the request allows ``repr``: the text
    is built from the type, the address and a few plain attribute values (None,
    bool, int, float, short str) read from inline values, an existing
    ``__dict__`` or ``__slots__`` -- never by ``getattr``, never creating a
    ``__dict__``. Nothing of the program means no hook either: no property,
    ``__getattr__``/``__getattribute__`` (of the object or of its metaclass),
    ``__iter__``, ``__len__``, ``__eq__``/``__hash__`` (no lookup keyed by a
    program object, no ``in`` over types), ``__class__``.

    An allowed ``repr`` runs in a thread of its own (see `guarded_repr`); one
    that has not returned after REPR_SECONDS is abandoned, and the text is
    TIMED_OUT. Its text is cut to REPR_CHARS, and an exception becomes
    "<repr raised X>".
"""

import gc
import os
import sys
import time
import _thread
import _weakref

from . import _census
from ._types import (MANAGED_DICT, POINTER, VERSION, BuiltinType, CellType, CodeType, FrameType,
                     FunctionType, GeneratorType, GetSetDescriptorType, MappingProxyType,
                     MemberDescriptorType, MethodType, ModuleType,
                     type_dict, type_flags, type_mro, type_name, type_weakrefoffset)

try:
    from . import _refaccel
except ImportError:
    _refaccel = None
if os.environ.get("HEAPSCOPE_ACCEL", "1") == "0":
    _refaccel = None

# The sizes module is written beside this one; imported at start-up, when it
# exists, so that its objects are the agent's.
try:
    from . import _sizes
except ImportError:
    _sizes = None

PAGE_MAX = 1000             # objects in one reply at most
REFERENTS_MAX = 100
REPR_CHARS = 200
REPR_SECONDS = 0.5
REPR_GRACE = 0.2            # more the agent waits, for the repr's thread to stop it itself
TIMED_OUT = "<description timed out>"
TEXT_STR_CHARS = 40         # a str attribute shown in a safe text
TEXT_ATTRIBUTES = 4
POLL_EVERY = 2000           # objects sized between two looks for a cancel


class Failure(Exception):
    """A request that gets an error reply with `code`."""

    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code


class _ReprTimeout(BaseException):
    pass


_GENERATOR_CODES = ((GeneratorType, GeneratorType.__dict__["gi_code"].__get__),)
_in_mro = _census._in_mro
_module_dict = _census._module_dict
_str_str = _census._str_str
_frame_code = _census._frame_code
_code_name = _census._code_name
_frame_back = FrameType.__dict__["f_back"].__get__
_frame_f_locals = FrameType.__dict__["f_locals"].__get__
_frame_globals = FrameType.__dict__["f_globals"].__get__
_frame_lineno = FrameType.__dict__["f_lineno"].__get__
_code_filename = CodeType.__dict__["co_filename"].__get__
_code_freevars = CodeType.__dict__["co_freevars"].__get__
_code_cellvars = CodeType.__dict__["co_cellvars"].__get__
_code_flags = CodeType.__dict__["co_flags"].__get__
_CO_OPTIMIZED = 0x1
_function_closure = FunctionType.__dict__["__closure__"].__get__
_function_code = FunctionType.__dict__["__code__"].__get__
_function_qualname = FunctionType.__dict__["__qualname__"].__get__
_function_defaults = FunctionType.__dict__["__defaults__"].__get__
_function_kwdefaults = FunctionType.__dict__["__kwdefaults__"].__get__
_method_function = MethodType.__dict__["__func__"].__get__
_method_self = MethodType.__dict__["__self__"].__get__
_code_varnames = CodeType.__dict__["co_varnames"].__get__
_code_argcount = CodeType.__dict__["co_argcount"].__get__
_type_bases = type.__dict__["__bases__"].__get__
_type_base = type.__dict__["__base__"].__get__
_exception_args = BaseException.__dict__["args"].__get__


async def _sample_coroutine():
    pass


async def _sample_async_generator():
    yield


def _sample_traceback():
    try:
        raise LookupError()
    except LookupError as error:
        return error.__traceback__


_coroutine = _sample_coroutine()
CoroutineType = type(_coroutine)
_coroutine.close()
del _coroutine
AsyncGeneratorType = type(_sample_async_generator())
TracebackType = type(_sample_traceback())
_GENERATOR_FRAMES = ((GeneratorType, GeneratorType.__dict__["gi_frame"].__get__),
                     (CoroutineType, CoroutineType.__dict__["cr_frame"].__get__),
                     (AsyncGeneratorType, AsyncGeneratorType.__dict__["ag_frame"].__get__))
# C types of the standard library whose hidden slots are named, found when
# the program has imported them (the agent imports nothing for them): module
# name, type name, names of its slot readers.
_STDLIB = {"lru": ("_functools", "_lru_cache_wrapper", ()),
           "partial": ("_functools", "partial", ("args", "keywords")),
           "deque": ("_collections", "deque", ())}


def _stdlib(which):
    """(type or None, readers) of a type of _STDLIB, read from sys.modules."""
    entry = _STDLIB[which]
    module = dict.get(sys.modules, entry[0])
    if module is None or not _in_mro(type(module), ModuleType):
        return None, ()
    namespace = _module_dict(module)
    cls = dict.get(namespace, entry[1]) if type(namespace) is dict else None
    if type(cls) is not type:
        return None, ()
    return cls, _slot_readers(cls, entry[2])


def _slot_readers(cls, names):
    """((name, reader), ...): the C member and getset descriptors of a built-in
    type that read a slot of its objects and make nothing (never __dict__,
    f_locals, gi_frame, __annotations__: they may make the object they return)."""
    namespace = type_dict(cls)
    found = []
    for name in names:
        descriptor = MappingProxyType.get(namespace, name)
        if type(descriptor) is MemberDescriptorType or type(descriptor) is GetSetDescriptorType:
            found.append((name, descriptor.__get__))
    return tuple(found)


# The named slots of built-in types: (base, ((name, reader), ...)), for an
# object of the base or a subclass of it.
_SLOTS = tuple((pair[0], _slot_readers(pair[0], pair[1])) for pair in (
    (FunctionType, ("__code__", "__defaults__", "__kwdefaults__", "__globals__", "__builtins__",
                    "__closure__", "__module__", "__doc__", "__name__", "__qualname__")),
    (MethodType, ("__func__", "__self__")),
    (BuiltinType, ("__self__", "__module__")),
    (BaseException, ("args", "__traceback__", "__context__", "__cause__")),
    (TracebackType, ("tb_next", "tb_frame")),
    (FrameType, ("f_code", "f_globals", "f_builtins", "f_trace")),
    (GeneratorType, ("gi_code", "gi_yieldfrom", "__name__", "__qualname__")),
    (CoroutineType, ("cr_code", "cr_await", "cr_origin", "__name__", "__qualname__")),
    (AsyncGeneratorType, ("ag_code", "ag_await", "__name__", "__qualname__")),
    (CellType, ("cell_contents",)),
    (CodeType, ("co_consts", "co_names", "co_filename", "co_name", "co_qualname",
                "co_linetable", "co_exceptiontable")),
    (property, ("fget", "fset", "fdel", "__doc__")),
    (staticmethod, ("__func__",)),
    (classmethod, ("__func__",)),
))
_get_referents = gc.get_referents
_MISSING = _census._MISSING
_ATOMS = (type(None), bool, int, float)


def _frame_locals(frame):
    """A running frame's locals, without making its f_locals dict where the
    accelerator can read them (the dict it returns is the agent's); None
    where reading f_locals could run the program's code."""
    if _refaccel is not None:
        local = _refaccel.frame_locals(frame)
        if local is not None:
            return local
    code = _frame_code(frame)
    if (VERSION < (3, 13) and not _code_flags(code) & _CO_OPTIMIZED
            and _code_cellvars(code)):
        # Before 3.13, f_locals of a class body first writes the frame's
        # cells into its namespace, which __prepare__ may have made a
        # mapping of the program's (its __setitem__, __delitem__ would run).
        return None
    return _frame_f_locals(frame)

def _generator_locals(gen):
    """A paused generator's, coroutine's or async generator's locals, read
    from the frame it embeds as a running frame's are; None without one."""
    if _refaccel is not None and (3, 11) <= VERSION < (3, 13):
        return _refaccel.generator_locals(gen)     # reads the slots there only
    kind = type(gen)
    for pair in _GENERATOR_FRAMES:
        if kind is pair[0]:
            frame = pair[1](gen)
            return None if frame is None else _frame_locals(frame)
    return None


class _Weak(_weakref.ref):
    """The agent's weak reference: never one of the program's (a plain
    weakref.ref without a callback may be shared with the program)."""
    __slots__ = ()


STALE_TEXT = "object no longer exists"

# The handle table: handle -> object (held: no weak references), handle ->
# _Weak, handle -> id(object) for both, id(object) -> handle, list handle ->
# [type name, order, refs, addresses, flat sizes, deep sizes or None].
_handles = {"next": 1, "strong": {}, "weak": {}, "addresses": {}, "ids": {}, "lists": {}}
# What the program's main thread is to free (see _refaccel.let_go).
_graveyard = []
# The containers whose every reference is a hold of the agent's: a census
# leaves out what only they keep alive.
HELD = [_handles["strong"], _graveyard]
# Caches filled on first use (made now, so they are the agent's).
_cache = {"own_ids": set(), "code_ids": set(), "ready": False,
          "held_ids": set(), "held_known": False}
# The referrer index (see "Referrers"): the other threads' CPU times and the
# objects collected when a request last looked (None: from another thread
# than the agent's), and whether it cannot be built here (another Python, the
# allocator hook replaced). Atoms: a census never counts what only the agent
# holds, and meets no tracked object here.
_index = {"threads": None, "collected": None, "unsupported": False}
_match = {"name": None}
# The repr being run for the agent thread (see guarded_repr): plain values in
# start-up dicts, so that nothing the collector tracks outlives a request.
_describe = {"generation": 0, "obj": None, "done": None, "text": None,
             "lock": _thread.allocate_lock(),
             "threads": {}}     # ident of a thread running a repr -> its deadline


# -- handles ------------------------------------------------------------------

def pin(obj):
    """The handle of `obj`, held weakly where its type allows: the same handle
    while it is held."""
    handle = _handles["ids"].get(id(obj))
    if handle is not None and _held(handle) is obj:
        return handle
    handle = _new_handle()
    ref = _weak(obj)
    if ref is None:
        _handles["strong"][handle] = obj
    else:
        _handles["weak"][handle] = ref
    _handles["addresses"][handle] = id(obj)
    _handles["ids"][id(obj)] = handle
    return handle


def _weak(obj):
    """An untracked _Weak reference to `obj` where the accelerator makes it, a
    tracked one without it; None when its type has no weak references."""
    if _refaccel is not None:
        return _refaccel.weak_ref(obj, _Weak)
    if type_weakrefoffset(type(obj)) == 0:
        return None
    try:
        return _Weak(obj)
    except TypeError:
        return None


def _held(handle):
    """The object of `handle`, or _MISSING (unknown, released, or died)."""
    ref = _handles["weak"].get(handle)
    if ref is not None:
        obj = ref()
        return _MISSING if obj is None else obj
    return _handles["strong"].get(handle, _MISSING)


def _new_handle():
    handle = _handles["next"]
    _handles["next"] = handle + 1
    return handle


def release(handles):
    """Drop the handles (objects and lists); unknown ones are ignored."""
    ids = _handles["ids"]
    addresses = _handles["addresses"]
    dropped = []
    for handle in handles:
        if type(handle) is not int:
            continue
        address = addresses.pop(handle, None)
        if address is not None:
            if ids.get(address) == handle:
                del ids[address]
            obj = _handles["strong"].pop(handle, _MISSING)
            if obj is not _MISSING:
                dropped.append(obj)
                obj = None
            _handles["weak"].pop(handle, None)
        else:
            _handles["lists"].pop(handle, None)
    let_go(dropped)


def let_go(objects):
    """Empty the list `objects`; what it alone held is freed by the main thread."""
    _cache["held_known"] = False
    if _refaccel is not None:
        _refaccel.let_go(objects, _graveyard)
    else:
        del objects[:]


def resolve(handle):
    obj = _held(handle)
    if obj is _MISSING:
        raise Failure("stale", "this object no longer exists")
    return obj


def kept_containers():
    """The containers the agent made at run time and keeps (the census excludes
    them), and the weak references it made without the accelerator (tracked).

    The handle table's dicts are made empty, and so untracked, at start-up:
    they are not among the start-up objects, and are named here; so is the
    record of the dominator tree (``_tree``), which holds only atoms then.
    """
    found = [_handles["strong"], _handles["weak"], _handles["addresses"], _handles["ids"],
             _handles["lists"], _tree]
    for record in _handles["lists"].values():
        found.append(record)
        for position in (2, 3, 4, 5):
            if type(record[position]) is list:
                found.append(record[position])
        if _refaccel is None:
            for ref in record[2]:
                if ref is not None:
                    found.append(ref)
    if _refaccel is None:
        found.extend(_handles["weak"].values())
    return found


# -- a request's context --------------------------------------------------------

def _context(own, codes, serving, agent_thread, poll, allow_repr):
    """What a request needs: the ids to leave out, the program's frames, caches.

    Every container made here that may hold a program object is registered in
    ctx["skip"], so that no scan reports it.
    """
    if not _cache["ready"]:
        own_ids = _cache["own_ids"]
        for obj in own:
            own_ids.add(id(obj))
        code_ids = _cache["code_ids"]
        for code in codes:
            code_ids.add(id(code))
        _cache["ready"] = True
    skip = set(_cache["own_ids"])
    ctx = {"skip": skip, "codes": _cache["code_ids"], "poll": poll,
           "repr": allow_repr, "names": {}, "plans": {}, "fd": -1,
           "prepared": False, "indexed": False, "objects": None,
           "frames": [], "frame_ids": set(), "locals_ids": {},
           "module_dicts": {}, "agent_thread": agent_thread,
           # Asked from one of the program's threads (heapscope.why), the
           # program has always run since.
           "idle": _refaccel is not None and _program_idle(_thread.get_ident() == agent_thread)}
    if not ctx["idle"]:
        _forget_heap()
    for value in (skip, ctx, ctx["names"], ctx["frames"], ctx["frame_ids"],
                  ctx["locals_ids"], ctx["module_dicts"], own, codes, serving,
                  _handles, _handles["strong"], _handles["weak"], _handles["addresses"],
                  _handles["ids"], _handles["lists"], _graveyard, HELD, _cache):
        skip.add(id(value))
    for obj in serving:
        skip.add(id(obj))
    for obj in kept_containers():
        skip.add(id(obj))
    # What only the agent holds is not the program's: no scan reports it.
    skip.update(_held_only_ids(skip))
    if VERSION >= (3, 11):
        ctx["fd"] = _census.memory_fd()
    return ctx


def _held_only_ids(skip):
    """The ids of what only HELD keeps alive (see _census.held_only), worked
    out again once the program has run or the agent has let go of something
    (_forget_heap, let_go) since the last time."""
    known = _cache["held_ids"]
    if not _cache["held_known"]:
        known.clear()
        for obj in _census.held_only(HELD, skip):
            known.add(id(obj))
        obj = None
        _cache["held_known"] = True
    return known


def _scratch(ctx, container):
    ctx["skip"].add(id(container))
    return container


def _prepare_heap(ctx):
    """Make ready what scans read, once: the referrer index where it serves, else
    the list of the tracked objects; the program's module namespaces and running
    frames. What is made from here on is in neither."""
    if ctx["prepared"]:
        return
    ctx["prepared"] = True
    _read_module_dicts(ctx)
    _read_frames(ctx)
    ctx["indexed"] = _index_ready(ctx)
    if not ctx["indexed"]:
        _heap_objects(ctx)


def _read_module_dicts(ctx):
    """ctx["module_dicts"]: the program's module namespaces by id, read once a request."""
    modules = ctx["module_dicts"]
    if not ctx.get("modules_read"):
        ctx["modules_read"] = True
        # A list made in C at once: a thread importing meanwhile cannot change it.
        for module in list(dict.values(sys.modules)):
            if _in_mro(type(module), ModuleType):
                namespace = _module_dict(module)
                if type(namespace) is dict:
                    modules[id(namespace)] = module
    return modules


def _heap_objects(ctx):
    """The tracked objects, listed once a request (the list holds them)."""
    if ctx["objects"] is None:
        ctx["objects"] = _scratch(ctx, gc.get_objects())
    return ctx["objects"]


def _index_ready(ctx):
    """Whether the referrer index can answer this request's scans, built now if
    it must be (see "Referrers")."""
    if _refaccel is None or _index["unsupported"]:
        return False
    if not ctx["idle"]:
        return False                    # dropped when the look was taken
    if _refaccel.index_intact():
        return True
    try:
        built = _refaccel.index_build(ctx["skip"], ctx["codes"])
    except MemoryError:
        return False                    # the scans traverse the heap instead
    _index["unsupported"] = built is None
    return built is not None


def index_census():
    """After a census in the agent's thread: the referrer index goes once the
    program is seen running (its allocator hook then costs the program a
    bitmap lookup a free for nothing)."""
    if _refaccel is not None and not _program_idle(True):
        _forget_heap()


def _forget_heap():
    """The program ran: what was kept about its heap (the referrer index, what
    only the agent holds) goes."""
    _cache["held_known"] = False
    if _refaccel is not None and not _index["unsupported"]:
        _refaccel.index_drop()


def _program_idle(agent):
    """Whether no thread but the agent's has run, nor a collection freed
    anything, since the last look (False from another thread than the
    agent's, `agent` false); this is a look."""
    threads = collected = None
    if agent:
        try:
            threads = _refaccel.thread_times()
        except OSError:                 # no /proc: never known to be idle
            threads = None
        # A collection may run the program's finalizers in any thread.
        collected = 0
        for generation in gc.get_stats():
            collected += generation["collected"]
    idle = threads is not None and (threads, collected) == (_index["threads"], _index["collected"])
    _index["threads"] = threads
    _index["collected"] = collected
    return idle


def _read_frames(ctx):
    current = _scratch(ctx, sys._current_frames())
    frames = ctx["frames"]
    codes = ctx["codes"]
    for ident in current:
        if ident == ctx["agent_thread"]:
            continue
        frame = current[ident]
        while frame is not None:
            code = _frame_code(frame)
            if id(code) not in codes:
                ctx["frame_ids"].add(id(frame))
                local = _frame_locals(frame)
                if local is not _frame_globals(frame):
                    kind = type(local)
                    if kind is dict or type_name(kind) == "FrameLocalsProxy":
                        frames.append(_scratch(ctx, [frame, local]))
                        ctx["locals_ids"][id(local)] = frame
            frame = _frame_back(frame)
        del frame
    current.clear()


def _scan(ctx, targets):
    """(referrers, indexes): the objects referring to each of `targets`."""
    _prepare_heap(ctx)
    _scratch(ctx, targets)
    descend = False
    for target in targets:
        if not gc.is_tracked(target):
            descend = True
            break
    found = None
    if _refaccel is not None and ctx["indexed"] and not descend:
        found = _refaccel.index_scan(targets, ctx["skip"], ctx["codes"])
    if found is None and _refaccel is not None:
        found = _refaccel.scan(_heap_objects(ctx), targets, ctx["skip"], ctx["codes"], descend)
    elif found is None:
        found = _scan_pure(ctx, targets, descend)
    referrers = _scratch(ctx, found[0])
    indexes = found[1]
    del found
    # Generators and coroutines running the agent's code are the agent's too.
    codes = ctx["codes"]
    keep = _scratch(ctx, [])
    kept_indexes = []
    for position in range(len(referrers)):
        referrer = referrers[position]
        code = _generator_code(referrer)
        if code is None or id(code) not in codes:
            keep.append(referrer)
            kept_indexes.append(indexes[position])
    return keep, kept_indexes


def _generator_code(obj):
    kind = type(obj)
    for pair in _GENERATOR_CODES:
        if kind is pair[0]:
            return pair[1](obj)
    return None


def _scan_pure(ctx, targets, descend):
    """The scan without the C module: gc.get_referrers, then the census's walk if needed."""
    wanted = _scratch(ctx, {})
    for index in range(len(targets)):
        wanted[id(targets[index])] = index
    skip = ctx["skip"]
    codes = ctx["codes"]
    referrers = _scratch(ctx, [])
    indexes = []
    stack = _scratch(ctx, [])
    seen = set()
    for root in _heap_objects(ctx):
        if id(root) in skip or (type(root) is FrameType and id(_frame_code(root)) in codes):
            continue
        stack.append(root)
        while stack:
            obj = stack.pop()
            matched = set()
            for ref in _get_referents(obj):
                index = wanted.get(id(ref))
                if index is not None and index not in matched:
                    matched.add(index)
                    referrers.append(obj)
                    indexes.append(index)
                if (descend and not gc.is_tracked(ref) and id(ref) not in seen
                        and id(ref) not in skip):
                    seen.add(id(ref))
                    stack.append(ref)
    obj = root = None
    return referrers, indexes


# -- names, sizes, text ---------------------------------------------------------------

def row_name(obj, ctx):
    cls = type(obj)
    if cls is FunctionType:
        return _census.row_name(cls, _str_str(_census._function_name(obj)))
    if cls is FrameType:
        return _census.row_name(cls, _str_str(_code_name(_frame_code(obj))))
    if cls is ModuleType:
        return _census.row_name(cls, obj)
    names = ctx["names"]
    name = names.get(id(cls))
    if name is None:
        name = names[id(cls)] = _census.row_name(cls, None)
    return name


def flat_size(obj, ctx):
    """heapscope.flatsize(obj): the census's rule, with the plans kept per request."""
    cls = type(obj)
    plan = ctx["plans"].get(id(cls))
    if plan is None:
        plan = ctx["plans"][id(cls)] = _census.size_plan(cls, ctx["fd"])
    return _census.object_size(obj, cls, plan, ctx["fd"])


def deep_size(obj):
    if _sizes is None:
        return None
    try:
        return int(_sizes.asizeof(obj))
    except Exception:
        return None


def summary(obj, ctx):
    """The object summary of PROTOCOL.md; pins the object."""
    return {"handle": pin(obj), "type": row_name(obj, ctx), "address": id(obj),
            "flat": flat_size(obj, ctx), "text": text(obj, ctx)}


_function_module = FunctionType.__dict__["__module__"].__get__


def qualified_name(obj):
    """The dotted name of a class ("__main__.Registry", as the census names its
    instances), a module ("__main__") or a function ("__main__.Registry.add");
    None for any other object. Read from C slots: no code of the program runs."""
    cls = type(obj)
    if _in_mro(cls, type):
        name = _census._strip_class_brackets(_census._type_repr(obj))
    elif _in_mro(cls, ModuleType):
        name = _census._module_label(obj)
    elif cls is FunctionType:
        name = _str_str(_function_qualname(obj))
        module = _function_module(obj)
        if _in_mro(type(module), str) and _str_str(module) != "builtins":
            name = "%s.%s" % (_str_str(module), name)
    else:
        return None
    return _census._cut_name(name)


def text(obj, ctx):
    if ctx["repr"]:
        return guarded_repr(obj)
    return safe_text(obj, ctx)


def safe_text(obj, ctx):
    """A short description that runs no code of the program."""
    cls = type(obj)
    plain = _plain_value(obj, 60)
    if plain is not None:
        return plain
    name = row_name(obj, ctx)
    if cls is ModuleType:
        return name
    if cls is FunctionType:
        return "function %s" % _str_str(_function_qualname(obj))
    if cls is MethodType:
        # What it calls and on what: "method Session.on_event of __main__.Session at 0x…".
        function = _method_function(obj)
        owner = _method_self(obj)
        called = (_str_str(_function_qualname(function)) if type(function) is FunctionType
                  else row_name(function, ctx))
        return "method %s of %s at 0x%x" % (called, row_name(owner, ctx), id(owner))
    if cls is FrameType:
        code = _frame_code(obj)
        return "frame of %s at %s:%d" % (_str_str(_code_name(code)),
                                         _str_str(_code_filename(code)), _frame_lineno(obj))
    if _in_mro(cls, type):
        return "class %s" % _census._strip_class_brackets(_census._class_str(obj))
    if cls is dict:
        # Whose namespace: "dict of 36 items" at the top of what holds the
        # memory said nothing of the module whose globals it is.
        count = dict.__len__(obj)
        items = "%d item%s" % (count, "" if count == 1 else "s")
        module = _read_module_dicts(ctx).get(id(obj))
        if module is not None:
            return "globals of module %s, %s" % (_census._module_label(module), items)
        if obj is sys.modules:
            return "sys.modules, %s" % items
    for base in (dict, list, tuple, set, frozenset, bytearray):
        if _in_mro(cls, base):
            count = base.__len__(obj)
            return "%s of %d item%s" % (name, count, "" if count == 1 else "s")
    description = "%s at 0x%x" % (name, id(obj))
    shown = []
    for pair in attributes(obj, ctx):
        value = _plain_value(pair[1], TEXT_STR_CHARS)
        if value is not None and type(pair[0]) is str:
            shown.append("%s=%s" % (pair[0], value))
            if len(shown) == TEXT_ATTRIBUTES:
                break
    if shown:
        description += " (" + ", ".join(shown) + ")"
    return description


def _plain_value(value, chars):
    """The repr of an atom (None, bool, int, float, str, bytes) by its type's C code, or None."""
    kind = type(value)
    if value is None or kind is bool:
        return repr(value)
    if kind is int:
        if int.bit_length(value) > 128:
            return "int of %d bits" % int.bit_length(value)
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value)
    if kind is str:
        if len(value) > chars:
            return str.__repr__(value[:chars]) + "\u2026"
        return str.__repr__(value)
    if kind is bytes:
        if len(value) > chars:
            return bytes.__repr__(value[:chars]) + "\u2026"
        return bytes.__repr__(value)
    return None


def _key_text(key, ctx):
    plain = _plain_value(key, REPR_CHARS)
    if plain is not None:
        return plain
    if type(key) is tuple and len(key) <= 8:
        parts = []
        for item in key:
            parts.append(_key_text(item, ctx))
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    return safe_text(key, ctx)


def describing(ident):
    """True in a thread running a repr for the agent (it may outlive its request)."""
    return ident in _describe["threads"]


def guarded_repr(obj):
    """repr(obj), bounded in time and length, never raising.

    The repr runs in a thread of its own while the agent thread waits. If it
    has not returned after REPR_SECONDS it is abandoned: the agent goes on
    with TIMED_OUT, and the thread stops the repr at its next Python
    instruction (`_trace_repr`). A repr stuck in one C call (time.sleep) runs
    on in that thread until the call returns; one that never gives the
    interpreter back (a C loop holding the GIL) stops the whole process, the
    agent included, and cannot be helped.
    """
    state = _describe
    done = _thread.allocate_lock()
    done.acquire()
    state["lock"].acquire()
    state["generation"] += 1
    state["obj"] = obj
    state["done"] = done
    state["text"] = None
    state["lock"].release()
    started = True
    try:
        _thread.start_new_thread(_describe_thread, ())
        done.acquire(True, REPR_SECONDS + REPR_GRACE)
    except RuntimeError:                # no thread to be had
        started = False
    finally:
        state["lock"].acquire()
        text = state["text"]
        state["generation"] += 1        # a late text is dropped
        state["obj"] = None
        state["done"] = None
        state["text"] = None
        state["lock"].release()
    if not started:
        return "<description unavailable>"
    if text is None:
        return TIMED_OUT
    return text


def _describe_thread():
    state = _describe
    me = _thread.get_ident()
    lock = state["lock"]
    lock.acquire()
    generation = state["generation"]
    obj = state["obj"]
    done = state["done"]
    if done is not None:
        state["threads"][me] = time.monotonic() + REPR_SECONDS
    lock.release()
    if done is None:
        return                          # abandoned before it started
    text = _traced_repr(obj)
    obj = None
    lock.acquire()
    del state["threads"][me]
    if state["generation"] != generation:
        lock.release()
        return
    state["text"] = text
    lock.release()
    # The thread's last act: the agent thread (maybe at exit) waits for it.
    done.release()


def _traced_repr(obj):
    previous = sys.gettrace()
    sys.settrace(_trace_repr)
    try:
        result = repr(obj)
    except _ReprTimeout:
        return TIMED_OUT
    except BaseException as error:
        return "<repr raised %s>" % _str_str(type_name(type(error)))
    finally:
        sys.settrace(previous)
    if type(result) is not str:
        return "<repr returned no str>"
    if len(result) > REPR_CHARS:
        result = result[:REPR_CHARS] + "\u2026"
    return result


def _trace_repr(frame, event, arg):
    """The tracer of a repr's thread: stops it once its time is up.

    Every instruction gives an event, not only every new line: a loop on one
    line (`while True: pass`) gives no new line. A frame gets its opcode
    events back off when it returns (a generator's frame outlives the repr).
    CPython drops a tracer that raises: a repr that catches the exception and
    runs on is no longer stopped, only abandoned.
    """
    if event == "call":
        frame.f_trace_opcodes = True
    elif event == "return":
        frame.f_trace_opcodes = False
    if time.monotonic() > _describe["threads"].get(_thread.get_ident(), 0.0):
        raise _ReprTimeout()
    return _trace_repr


# -- attributes, edges ------------------------------------------------------------

def instance_dict(obj, ctx):
    """The instance's __dict__ if it has one already, else None; never makes one."""
    if _refaccel is not None:
        return _refaccel.instance_dict(obj)
    cls = type(obj)
    if VERSION >= (3, 11) and type_flags(cls) & MANAGED_DICT:
        if ctx["fd"] < 0:
            return None
        try:
            word = _census.read_word(ctx["fd"], id(obj) - 3 * POINTER)
        except OSError:
            return None
        if VERSION[:2] == (3, 12) and word & 1:
            return None
        for ref in _get_referents(obj):
            if type(ref) is dict and id(ref) == word:
                return ref
        return None
    if VERSION < (3, 11):
        descriptor = _census._lookup(cls, "__dict__")
        if type(descriptor) is GetSetDescriptorType:
            for ref in _get_referents(obj):
                if type(ref) is dict:
                    try:
                        namespace = descriptor.__get__(obj, cls)
                    except Exception:
                        return None
                    return namespace if type(namespace) is dict else None
    return None


def _read_container(view, container, read, *args):
    """read(view(container), *args): a loop over a dict's items, keys or
    values, a set's or a deque's items (view: dict.items, set.__iter__...).
    The program's threads run meanwhile; when one changes the container, a
    loop over the view raises, and `read` runs again over a list of it made in
    one C call (no code of the program's runs: no __iter__, no __hash__).
    `read` must give the same answer when run again after a partial run."""
    try:
        return read(view(container), *args)
    except RuntimeError:                # changed size or keys while read
        return read(list(view(container)), *args)


def _pairs_of(pairs):
    return [[pair[0], pair[1]] for pair in pairs]


def _members_of(pairs, obj, cls):
    found = []
    for pair in pairs:
        if type(pair[1]) is MemberDescriptorType:
            try:
                found.append([pair[0], pair[1].__get__(obj, cls)])
            except Exception:
                pass
    return found


def attributes(obj, ctx):
    """[[name, value], ...]: inline values, the existing __dict__, then __slots__."""
    found = []
    if _refaccel is not None:
        inline = _refaccel.inline_attributes(obj)
        if inline is not None:
            found.extend(inline)
    elif _sizes is not None:
        found.extend(_sizes.inline_attributes(obj))
    namespace = instance_dict(obj, ctx)
    if namespace is not None:
        found.extend(_read_container(dict.items, namespace, _pairs_of))
    cls = type(obj)
    mro = type_mro(cls)
    for base in mro or ():
        if base is object:
            continue
        found.extend(_read_container(dict.items, _class_namespace(base), _members_of, obj, cls))
    return found


def _key_of(namespace, target):
    return _read_container(dict.items, namespace, _key_in, target)


def _key_in(pairs, target):
    for pair in pairs:
        if pair[1] is target:
            return pair[0]
    return _MISSING


def _index_of(sequence, target):
    kind = list if _in_mro(type(sequence), list) else tuple
    items = kind.__getitem__(sequence, slice(None)) if type(sequence) is not kind else sequence
    return _index_in(items, target)


def edge(referrer, target, ctx):
    """How `referrer` refers to `target`, without collapsing anything."""
    cls = type(referrer)
    if _in_mro(cls, dict):
        key = _key_of(referrer, target)
        if key is not _MISSING:
            return {"kind": "key", "name": _key_text(key, ctx)}
        if _has_key(referrer, target):
            return {"kind": "dict-key"}
    elif _in_mro(cls, list) or _in_mro(cls, tuple):
        index = _index_of(referrer, target)
        if index >= 0:
            return {"kind": "index", "index": index}
    elif _in_mro(cls, set) or _in_mro(cls, frozenset):
        if _is_member(referrer, target, set if _in_mro(cls, set) else frozenset):
            return {"kind": "member"}
    elif _is_stdlib(cls, "deque"):
        index = _deque_index(referrer, target)
        if index >= 0:
            return {"kind": "index", "index": index}
    elif cls is FrameType:
        name = _local_name(_frame_locals(referrer), target)
        if name is not None:
            return {"kind": "local", "name": name}
    elif cls is GeneratorType or cls is CoroutineType or cls is AsyncGeneratorType:
        name = _local_name(_generator_locals(referrer), target)
        if name is not None:
            return {"kind": "local", "name": name}
    elif _in_mro(cls, ModuleType):
        namespace = _module_dict(referrer)
        if type(namespace) is dict:
            key = _key_of(namespace, target)
            if key is not _MISSING:
                return _named("global", key, ctx)
            if namespace is target:
                return {"kind": "attribute", "name": "__dict__"}
    elif _in_mro(cls, type):
        key = _key_of_class(referrer, target)
        if key is not _MISSING:
            return _named("class-attribute", key, ctx)
        name = _class_slot(referrer, target)
        if name is not None:
            return {"kind": "attribute", "name": name}
    elif cls is MappingProxyType:
        return {"kind": "attribute", "name": "mapping"}     # its one referent
    elif _is_stdlib(cls, "lru"):
        label = _lru_edge(referrer, target, ctx)
        if label is not None:
            return label
    for pair in _SLOTS:
        if _in_mro(cls, pair[0]):
            for reader in pair[1]:
                if _read_slot(reader[1], referrer) is target:
                    return {"kind": "attribute", "name": reader[0]}
    for pair in attributes(referrer, ctx):
        if pair[1] is target:
            return _named("attribute", pair[0], ctx)
    if not _in_mro(cls, type) and not _in_mro(cls, ModuleType) and \
            instance_dict(referrer, ctx) is target:
        return {"kind": "attribute", "name": "__dict__"}
    if target is cls:
        return {"kind": "attribute", "name": "__class__"}
    return _referent(referrer, ctx)


def _referent(referrer, ctx):
    """The edge from an object that exposes nothing of how it refers (a C
    extension's): the referrer's type, so that it can be named."""
    return {"kind": "referent", "type": row_name(referrer, ctx)}


def _is_stdlib(cls, which):
    base = _stdlib(which)[0]
    return base is not None and _in_mro(cls, base)


def _read_slot(reader, obj):
    try:
        return reader(obj)
    except Exception:                   # an empty cell, a slot not set
        return _MISSING


def _has_key(namespace, target):
    return _read_container(dict.keys, namespace, _is_among, target)


def _is_among(items, target):
    for item in items:
        if item is target:
            return True
    return False


def _is_member(container, target, base):
    """`target` is in the set by identity, through the C iterator (no __eq__,
    no __hash__, no __iter__ of the program's)."""
    return _read_container(base.__iter__, container, _is_among, target)


def _deque_index(container, target):
    return _read_container(_stdlib("deque")[0].__iter__, container, _index_in, target)


def _index_in(items, target):
    index = 0
    for item in items:
        if item is target:
            return index
        index += 1
    return -1


def _class_slot(cls, target):
    """The name of a class's own slot holding `target` (its namespace, MRO, bases)."""
    if _class_namespace(cls) is target:
        return "__dict__"
    if type_mro(cls) is target:
        return "__mro__"
    if _type_bases(cls) is target:
        return "__bases__"
    if _type_base(cls) is target:
        return "__base__"
    return None


def _lru_parts(wrapper, ctx):
    """(cache dict or None, [[key, result], ...]) of a functools.lru_cache
    wrapper, from what its C traverse visits (nothing else exposes them):
    its type, each link's key, result and type (a bounded cache), then its
    cache, function, kwd_mark, two types and __dict__ (when it has one)."""
    refs = _get_referents(wrapper)
    end = len(refs)
    if end and type(refs[end - 1]) is dict:     # else the last is cache_info_type
        end -= 1
    end -= 5
    if end < 0 or type(refs[end]) is not dict:
        return None, ()
    entries = []
    start = 1 if end >= 1 and refs[0] is type(wrapper) else 0
    if (end - start) % 3 == 0:
        for position in range(start, end, 3):
            entries.append((refs[position], refs[position + 1]))
    return refs[end], entries


def _lru_edge(wrapper, target, ctx):
    cache, entries = _lru_parts(wrapper, ctx)
    if cache is None:
        return None
    if cache is target:
        return {"kind": "attribute", "name": "cache"}
    for pair in entries:
        if pair[1] is target:
            return {"kind": "attribute", "name": "cache[%s]" % _key_text(pair[0], ctx)}
        if pair[0] is target:
            return {"kind": "dict-key", "name": "cache"}
    return None


def _owned_slot(owner, container, ctx):
    """The name of the slot through which `owner` holds `container`, a tuple
    or dict that is collapsed into it (a function's defaults, a partial's
    arguments, an exception's args, an lru_cache's cache), or None."""
    cls = type(owner)
    if cls is FunctionType:
        if _function_defaults(owner) is container:
            return "__defaults__"
        if _function_kwdefaults(owner) is container:
            return "__kwdefaults__"
    elif _is_stdlib(cls, "partial"):
        for reader in _stdlib("partial")[1]:
            if _read_slot(reader[1], owner) is container:
                return reader[0]
    elif _in_mro(cls, BaseException):
        if _exception_args(owner) is container:
            return "args"
    elif type(container) is dict and _is_stdlib(cls, "lru"):
        if _lru_parts(owner, ctx)[0] is container:
            return "cache"
    return None


def _default_parameter(function, index, count):
    """The parameter whose default is __defaults__[index], or None."""
    code = _function_code(function)
    position = _code_argcount(code) - count + index
    names = _code_varnames(code)
    if 0 <= position < len(names) and type(names[position]) is str:
        return names[position]
    return None


def _named(kind, key, ctx):
    if type(key) is str:
        return {"kind": kind, "name": key}
    return {"kind": kind, "name": _key_text(key, ctx)}


def _key_of_class(cls, target):
    return _key_of(_class_namespace(cls), target)


def _class_namespace(cls):
    """The dict behind type.__dict__ (the mapping proxy refers to it)."""
    for ref in _get_referents(type_dict(cls)):
        if type(ref) is dict:
            return ref
    return {}


def _local_name(local, target):
    for pair in _local_items(local):
        if pair[1] is target and type(pair[0]) is str:
            return pair[0]
    return None


def _local_items(local):
    """A frame's (name, value) pairs, never looked up by name: a class body's
    or exec()'s namespace may hold keys of the program's, whose __hash__ and
    __eq__ a lookup would call."""
    if type(local) is dict:
        return list(dict.items(local))      # read whole: its frame may change it meanwhile
    if type_name(type(local)) == "FrameLocalsProxy":
        return type(local).items(local)
    return ()


def root_kind(obj, ctx):
    cls = type(obj)
    if _in_mro(cls, ModuleType):
        return "module"
    if _in_mro(cls, type):
        return "class"
    if obj is sys.modules:
        return "sys.modules"
    if cls is FrameType and id(obj) in ctx["frame_ids"]:
        return "frame"
    return None


def _dict_owner(namespace, candidates, ctx):
    """The module, class, frame or instance whose namespace `namespace` is, or None."""
    module = ctx["module_dicts"].get(id(namespace))
    if module is not None:
        return module
    frame = ctx["locals_ids"].get(id(namespace))
    if frame is not None:
        return frame
    for candidate in candidates:
        cls = type(candidate)
        if _owned_slot(candidate, namespace, ctx) is not None:
            return candidate
        if _in_mro(cls, ModuleType):
            if _module_dict(candidate) is namespace:
                return candidate
        elif _in_mro(cls, type):
            if _class_namespace(candidate) is namespace:
                return candidate
        elif instance_dict(candidate, ctx) is namespace:
            return candidate
    return None


def _owned_edge(owner, namespace, target, ctx):
    """How `owner` refers to `target` through `namespace`, collapsed into it:
    its __dict__ (or a module's globals, a class's namespace, a frame's
    locals), or a tuple or dict it holds in a named slot (see _owned_slot)."""
    slot = _owned_slot(owner, namespace, ctx)
    if slot is not None:
        if type(namespace) is tuple:
            index = _index_of(namespace, target)
            if index < 0:
                return _referent(owner, ctx)
            name = "%s[%d]" % (slot, index)
            if slot == "__defaults__":
                parameter = _default_parameter(owner, index, len(namespace))
                if parameter is not None:
                    name += " (%s)" % parameter
            return {"kind": "attribute", "name": name}
        key = _key_of(namespace, target)
        if key is not _MISSING:
            return {"kind": "attribute", "name": "%s[%s]" % (slot, _key_text(key, ctx))}
        if _has_key(namespace, target):
            return {"kind": "dict-key", "name": slot}
        return _referent(owner, ctx)
    key = _key_of(namespace, target)
    if key is _MISSING:
        if _has_key(namespace, target):
            return {"kind": "dict-key", "name": "__dict__"}
        return _referent(owner, ctx)
    cls = type(owner)
    if _in_mro(cls, ModuleType):
        return _named("global", key, ctx)
    if _in_mro(cls, type):
        return _named("class-attribute", key, ctx)
    if cls is FrameType:
        return _named("local", key, ctx)
    return _named("attribute", key, ctx)


def _closure_name(function, cell):
    closure = _function_closure(function)
    if closure is None:
        return None
    names = _code_freevars(_function_code(function))
    for index in range(len(closure)):
        if closure[index] is cell and index < len(names):
            return names[index]
    return None


# -- referrers ------------------------------------------------------------------

# Namespaces and cells collapsed beyond `limit` when some types are hidden: an
# owner of a hidden type leaves room for the next one.
HIDE_SLACK = 1000


def referrers(target, ctx, limit):
    """(total, [[referrer, edge], ...]) of one object: see referrers_of."""
    return referrers_of(_scratch(ctx, [target]), ctx, limit)[0]


def referrers_of(targets, ctx, limit, hide=None):
    """[[total, [[referrer, edge], ...]], ...], one for each of `targets` (distinct
    objects): the first `limit` referrers of each, in the order found (running
    frames first, then the heap's order), dicts and cells collapsed into their
    owners, one entry for each referrer.

    One scan for all the targets, then one for all their namespaces and cells
    (and one for the tuples holding the cells). A referrer whose type is in
    `hide` (see is_hidden) is neither listed nor counted. `total` counts every
    referrer, those beyond `limit` (beyond limit + HIDE_SLACK with `hide`) as
    they are found, a namespace or cell there as one, uncollapsed.
    """
    _prepare_heap(ctx)
    wanted = {}
    entries = _scratch(ctx, [])     # per target: [object or None, edge or None, via]
    extra = []                      # per target: referrers counted, not collected
    for index in range(len(targets)):
        if id(targets[index]) not in wanted:
            wanted[id(targets[index])] = index
        entries.append(_scratch(ctx, []))
        extra.append(0)
    room = limit if hide is None else limit + HIDE_SLACK
    for pair in ctx["frames"]:
        named = set()
        for item in _local_items(pair[1]):
            index = wanted.get(id(item[1]))
            if index is not None and index not in named and type(item[0]) is str:
                named.add(index)
                if hide is None or not is_hidden(pair[0], hide, ctx):
                    _collect(entries[index], extra, index, room, pair[0],
                             {"kind": "local", "name": item[0]}, None, ctx)
    found, indexes = _scan(ctx, targets)
    pending = _scratch(ctx, [])     # the distinct namespaces and cells met
    positions = {}                  # id -> position in pending
    for position in range(len(found)):
        referrer = found[position]
        if id(referrer) in ctx["locals_ids"]:
            continue                    # a frame's locals: the frame is listed
        index = indexes[position]
        owner = ctx["module_dicts"].get(id(referrer))
        if owner is not None:
            if hide is None or not is_hidden(owner, hide, ctx):
                _collect(entries[index], extra, index, room, owner, None, referrer, ctx)
        elif type(referrer) is dict or type(referrer) is CellType or type(referrer) is tuple:
            # Its owner is known after the collapsing scan.
            if _collect(entries[index], extra, index, room, None, None, referrer, ctx) and \
                    id(referrer) not in positions:
                positions[id(referrer)] = len(pending)
                pending.append(referrer)
        elif hide is None or not is_hidden(referrer, hide, ctx):
            _collect(entries[index], extra, index, room, referrer, None, None, ctx)
    referrer = owner = None
    owners = _collapse(pending, positions, ctx) if pending else None
    results = _scratch(ctx, [])
    for index in range(len(targets)):
        results.append(_scratch(ctx, _chosen(targets[index], entries[index], extra[index],
                                             owners, positions, limit, hide, ctx)))
    return results


def _collect(entries, extra, index, room, obj, label, via, ctx):
    """Keep a referrer for later (True), or only count it when there is no room."""
    if len(entries) < room:
        entries.append(_scratch(ctx, [obj, label, via]))
        return True
    extra[index] += 1
    return False


def _chosen(target, entries, extra, owners, positions, limit, hide, ctx):
    """[total, [[referrer, edge], ...]] of one target from its collected entries.

    An entry is [referrer, edge or None, via]: edge None is named here, and
    only for the referrers listed; via is the module namespace the module
    refers through, or, with referrer None, a namespace or cell to collapse.
    """
    result = _scratch(ctx, [])
    seen = set()
    total = extra
    for entry in entries:
        via = entry[2]
        if entry[0] is not None:
            if id(entry[0]) in seen:
                continue
            seen.add(id(entry[0]))
            total += 1
            if len(result) < limit:
                label = entry[1]
                if label is None:
                    label = (edge(entry[0], target, ctx) if via is None
                             else _owned_edge(entry[0], via, target, ctx))
                result.append(_scratch(ctx, [entry[0], label]))
            continue
        for pair in owners[positions[id(via)]]:
            owner = pair[0]
            if id(owner) in seen or (hide is not None and is_hidden(owner, hide, ctx)):
                continue
            seen.add(id(owner))
            total += 1
            if len(result) < limit:
                if pair[1] is not None:
                    label = {"kind": "closure", "name": pair[1]}
                elif owner is via:
                    label = edge(via, target, ctx)
                else:
                    label = _owned_edge(owner, via, target, ctx)
                result.append(_scratch(ctx, [owner, label]))
    return [total, result]


def _collapse(pending, positions, ctx):
    """For each of `pending` (namespaces and cells), its owners: [[owner, closure
    variable name or None], ...]. A namespace's owner is the instance, class or
    module whose namespace it is, else the dict itself; a cell's, every function
    whose closure holds it (with the variable's name), else the cell itself."""
    found, indexes = _scan(ctx, pending)
    holders = _scratch(ctx, [])
    owners = _scratch(ctx, [])
    for index in range(len(pending)):
        holders.append(_scratch(ctx, []))
        owners.append(_scratch(ctx, []))
    for position in range(len(found)):
        holders[indexes[position]].append(found[position])
    closures = _scratch(ctx, [])        # the distinct tuples holding a cell
    closure_ids = set()
    for index in range(len(pending)):
        item = pending[index]
        if type(item) is dict:
            owner = _dict_owner(item, holders[index], ctx)
            owners[index].append(_scratch(ctx, [item if owner is None else owner, None]))
            continue
        if type(item) is tuple:
            for holder in holders[index]:
                if _owned_slot(holder, item, ctx) is not None:
                    owners[index].append(_scratch(ctx, [holder, None]))
            continue
        for holder in holders[index]:
            if type(holder) is tuple and id(holder) not in closure_ids:
                closure_ids.add(id(holder))
                closures.append(holder)
    owner = item = holder = None
    if closures:
        found, indexes = _scan(ctx, closures)
        for position in range(len(found)):
            function = found[position]
            if type(function) is not FunctionType:
                continue
            for cell in closures[indexes[position]]:
                index = positions.get(id(cell))
                if index is not None and type(pending[index]) is CellType:
                    name = _closure_name(function, cell)
                    if name is not None:
                        owners[index].append(_scratch(ctx, [function, name]))
        function = cell = None
    for index in range(len(pending)):
        if not owners[index]:
            owners[index].append(_scratch(ctx, [pending[index], None]))
    return owners


def is_hidden(obj, hide, ctx):
    """True when `obj` is of a type in `hide` (a set of row names): its census
    row name, or for a function, frame or module also "function", "frame" or
    "module" (their rows are per name)."""
    cls = type(obj)
    if (cls is FunctionType and "function" in hide) or (cls is FrameType and "frame" in hide) \
            or (cls is ModuleType and "module" in hide):
        return True
    return row_name(obj, ctx) in hide


def referrer_entry(pair, ctx):
    entry = summary(pair[0], ctx)
    entry["edge"] = pair[1]
    entry["root"] = root_kind(pair[0], ctx)
    name = qualified_name(pair[0])
    if name is not None:
        entry["name"] = name
    return entry


# -- referents ------------------------------------------------------------------

def referents(obj, ctx, limit, hide=None):
    """(total, [[referent, edge], ...]): what `obj` refers to, its namespace
    expanded (an instance's attributes, a module's globals, a class's
    attributes); edges for the first `limit` only. A referent whose type is
    in `hide` (see is_hidden) is neither listed nor counted."""
    chosen = _scratch(ctx, [])
    seen = set()
    skip = ctx["skip"]
    cls = type(obj)
    namespace = None
    kind = "attribute"
    if _in_mro(cls, ModuleType):
        namespace = _module_dict(obj)
        kind = "global"
    elif _in_mro(cls, type):
        namespace = _class_namespace(obj)
        kind = "class-attribute"
    elif not _in_mro(cls, dict):
        namespace = instance_dict(obj, ctx)
    total = 0
    if type(namespace) is dict:
        seen.add(id(namespace))
        # Read whole (in one C call): the program's threads may change it meanwhile.
        for pair in list(dict.items(namespace)):
            if id(pair[1]) not in skip and id(pair[1]) not in seen:
                seen.add(id(pair[1]))
                if hide is not None and is_hidden(pair[1], hide, ctx):
                    continue
                total += 1
                if len(chosen) < limit:
                    chosen.append(_scratch(ctx, [pair[1], _named(kind, pair[0], ctx)]))
    position = 0
    for ref in _get_referents(obj):
        if id(ref) in skip or id(ref) in seen:
            position += 1
            continue
        seen.add(id(ref))
        if hide is not None and is_hidden(ref, hide, ctx):
            position += 1
            continue
        total += 1
        if len(chosen) < limit:
            if cls is list or cls is tuple:
                label = {"kind": "index", "index": position}
            else:
                label = edge(obj, ref, ctx)
            chosen.append(_scratch(ctx, [ref, label]))
        position += 1
    return total, chosen


BREAKDOWN_CHILDREN = 50     # a node's largest children told, the others summed in one
BREAKDOWN_NODES = 5000      # the whole breakdown's nodes


def size_tree(obj, detail):
    """_sizes.breakdown(obj, detail, BREAKDOWN_CHILDREN) as plain data, or
    None without _sizes. A node with more than BREAKDOWN_CHILDREN children
    tells its largest (in their order) and one "… N more" holding the
    others' sizes; past BREAKDOWN_NODES nodes in all, children are left out
    (their sizes are in their parent's): a dict of a million items answers
    as one of fifty."""
    if _sizes is None:
        return None
    try:
        return _plain_tree(_sizes.breakdown(obj, detail, BREAKDOWN_CHILDREN), 0, [BREAKDOWN_NODES])
    except Exception:
        return None


def _plain_tree(node, depth, budget):
    """An _sizes.Asized node as JSON-ready data."""
    if depth > 16:
        return None
    refs = []
    for child in node.refs:
        if budget[0] <= 0:
            break
        budget[0] -= 1
        plain = _plain_tree(child, depth + 1, budget)
        if plain is not None:
            refs.append(plain)
    name = node.name
    return {"name": name[:REPR_CHARS] if type(name) is str else "",
            "size": _int_or_none(node.size), "flat": _int_or_none(node.flat),
            "refs": refs}


def _int_or_none(value):
    return value if type(value) is int and value >= 0 else None


# -- instances --------------------------------------------------------------------

def _matches(cls):
    name = _match["name"]
    if cls is FunctionType:
        return name.startswith("function (")
    if cls is FrameType:
        return name.startswith("frame (codename: ")
    if cls is ModuleType:
        return name.startswith("module(")
    return _census.row_name(cls, None) == name


def census_objects(type_name, ctx):
    """The objects the census counts under `type_name`."""
    _match["name"] = type_name
    try:
        if _census._accel is not None:
            # From the collector's lists, as the census: a list of the whole
            # heap would be made for this alone, and go through the next
            # collection (45 ms at 4 M objects).
            found = _census._accel.collect(None, ctx["skip"], ctx["codes"], _matches)
        else:
            found = _collect_pure(ctx)
    finally:
        _match["name"] = None
    _scratch(ctx, found)
    if (type_name.startswith("function (") or type_name.startswith("frame (codename: ")
            or type_name.startswith("module(")):
        kept = _scratch(ctx, [])
        for obj in found:
            if row_name(obj, ctx) == type_name:
                kept.append(obj)
        obj = None
        let_go(found)
        found = kept
    return found


def _collect_pure(ctx):
    skip = ctx["skip"]
    codes = ctx["codes"]
    decisions = {}
    found = _scratch(ctx, [])
    seen = set()
    stack = _scratch(ctx, [])
    for root in _heap_objects(ctx):
        if id(root) in skip:
            continue
        stack.append(root)
        while stack:
            obj = stack.pop()
            cls = type(obj)
            if cls is FrameType and id(_frame_code(obj)) in codes:
                continue
            keep = decisions.get(id(cls))
            if keep is None:
                keep = decisions[id(cls)] = _matches(cls)
            if keep:
                found.append(obj)
            for ref in _get_referents(obj):
                if gc.is_tracked(ref) or id(ref) in seen or id(ref) in skip:
                    continue
                seen.add(id(ref))
                stack.append(ref)
    obj = root = None
    return found


def instances_list(type_name, order, ctx):
    """Make the sorted list of a row's instances under a new list handle; return it.

    The list keeps weak references and addresses, not the objects (see the
    module's docstring); the objects stay in ctx["listed"] for this request's
    first page only. With the list go the sizes of its order, "deep" or
    "retained" (None where unknown), which its pages give.

    Retained order takes the kept tree, or computes it, before the row's
    objects are found: nothing of the program may be held here while it is
    computed (see _build_tree).
    """
    built = _tree_for(ctx, False) if order == "retained" else 0.0
    retained = None
    while True:
        found = census_objects(type_name, ctx)
        if order != "retained":
            break
        retained, unknown = _census._accel.tree_retained(found)
        if built or not unknown:
            break
        # Made since the kept tree: compute it again (holding nothing here;
        # the answer's tuples go too, as in retained_of).
        retained = None
        let_go(found)
        built = _build_tree(ctx)
    poll = ctx["poll"]
    # The census's sizes in one C call where it can (a Python call per
    # object was most of a first page of 50 000).
    accel = _census._accel
    if accel is not None:
        flats = accel.flat_sizes(found)
    else:
        flats = [flat_size(obj, ctx) for obj in found]
    sizes = None
    if order == "deep":
        sizes = []
        for index in range(len(found)):
            if index % POLL_EVERY == 0 and index and poll():
                raise Failure("cancelled", "the request was cancelled")
            size = deep_size(found[index])
            sizes.append(0 if size is None else size)
    elif order == "retained":
        # Outside the tree (unreachable, see PROTOCOL.md): None, after the others.
        sizes = [None if value is None else value[0] for value in retained]
    retained = None
    positions = _size_order(flats if sizes is None else sizes, found)
    objects = _scratch(ctx, [found[position] for position in positions])
    ordered_flats = [flats[position] for position in positions]
    ordered_sizes = None if sizes is None else [sizes[position] for position in positions]
    del positions, flats, sizes
    let_go(found)
    refs, addresses = _weaken(objects)
    handle = _new_handle()
    _handles["lists"][handle] = [type_name, order, refs, addresses, ordered_flats, ordered_sizes]
    ctx["listed"] = objects
    return handle


def _size_order(sizes, objects):
    """Positions of `objects` by `sizes` (None last), largest first, then by address."""
    accel = _census._accel
    if accel is not None:
        return accel.size_order(sizes, objects)
    keys = []
    for index in range(len(objects)):
        size = -1 if sizes[index] is None else sizes[index]
        keys.append(((1 << 62) - size) << 96 | id(objects[index]) << 32 | index)
    keys.sort()
    mask = (1 << 32) - 1
    return [key & mask for key in keys]


def _weaken(objects):
    """(refs, addresses) for a list: see _refaccel.weaken."""
    if _refaccel is not None:
        return _refaccel.weaken(objects, _Weak)
    refs = []
    addresses = []
    for obj in objects:
        refs.append(_weak(obj))
        addresses.append(id(obj))
    return refs, addresses


def _address(record, position):
    addresses = record[3]
    if type(addresses) is list:
        return addresses[position]
    return int.from_bytes(addresses[position * POINTER:(position + 1) * POINTER],
                          sys.byteorder)


def instances_page(handle, offset, limit, ctx):
    """The record of a list and the summaries of one page of it."""
    record = _handles["lists"].get(handle)
    if record is None:
        raise Failure("stale", "this list no longer exists")
    refs = record[2]
    positions = range(offset, max(offset, min(offset + limit, len(refs))))
    listed = ctx.get("listed")
    found = {}                  # position -> index in current
    current = _scratch(ctx, [])
    if listed is None:
        wanted = {}
        for position in positions:
            if refs[position] is None:
                wanted[_address(record, position)] = position
        if wanted:
            # Found again by address in the heap as it is now.
            row = census_objects(record[0], ctx)
            for obj in row:
                position = wanted.get(id(obj))
                if position is not None:
                    found[position] = len(current)
                    current.append(obj)
            obj = None
            let_go(row)
    page = []
    for position in positions:
        if listed is not None:
            obj = listed[position]
        elif refs[position] is not None:
            obj = refs[position]()
            if obj is None:             # (None itself has no weak references)
                obj = _MISSING
        elif position in found:
            obj = current[found[position]]
        else:
            obj = _MISSING
        if obj is _MISSING:
            entry = _stale_summary(record, position)
        else:
            entry = summary(obj, ctx)
        obj = None
        if record[5] is not None:
            entry[record[1]] = record[5][position]      # "deep" or "retained"
        page.append(entry)
    let_go(current)
    return record, page


def _stale_summary(record, position):
    """An entry whose object died: its handle is stale from the start."""
    return {"handle": _new_handle(), "type": record[0], "address": _address(record, position),
            "flat": record[4][position], "text": STALE_TEXT, "stale": True}


def finish(ctx):
    """At the end of a request: let go of the objects it listed (the program
    may have dropped some of them meanwhile)."""
    for key in ("listed", "objects"):
        objects = ctx.get(key)
        if type(objects) is list:
            let_go(objects)


# -- path to a root ------------------------------------------------------------------

def path(target, ctx):
    """The shortest chain of referrers from `target` to a root, as steps
    [[object, edge], ...] (see _steps); None when no root is reached."""
    chains = paths(_scratch(ctx, [target]), ctx)
    if chains[0] is None:
        return None
    return _steps(target, chains[0], ctx)


def path_body(handle, ctx):
    """The body of a "path" reply: the steps from the object of `handle` to a
    root, or why none is reached (PROTOCOL.md "Path")."""
    steps, reason, holders = _one_path(_scratch(ctx, [resolve(handle)]), ctx)
    if steps is not None:
        entries = []
        for pair in steps:
            entries.append(referrer_entry(pair, ctx))
        return {"found": True, "steps": entries}
    return {"found": False, "steps": [], "reason": reason,
            "holders": _holder_entries(holders, ctx)}


def _one_path(targets, ctx):
    """(steps, reason, holders): the steps from the one object of `targets`
    (a scratch list: no frame of the agent holds it) to a root (see _steps),
    or None and why no root holds it, as diagnose says (None, [] without the
    agent's C part)."""
    met = _scratch(ctx, {})
    chain = paths(targets, ctx, met)[0]
    if chain is not None:
        return _steps(targets[0], chain, ctx), None, []
    if not tree_available():
        return None, None, []
    # Nothing of the program is held in this frame: the tree may be computed.
    diagnosis = _diagnose_fresh(targets, met, ctx)[0]
    return None, diagnosis[0], diagnosis[1]


def paths(targets, ctx, met=None):
    """For each of `targets`, the chain of referrers up to a root, the root
    last ([] for a root itself), or None when no root is reached. `met`, a
    dict, receives what the search met: "nodes" (the objects, the targets
    first), "number" (id -> node) and "above" (node -> referrer nodes).

    A breadth-first search upward from all of them at once: one scan of the
    heap per level, whatever the number of targets. Every reference met is
    kept (as node numbers), and each chain is the shortest among them: the
    search meets the same referrers whichever target it came from, so one
    cache shared by 4 000 objects is scanned for once. Levels whose objects
    lead only to targets with a chain already are not searched further.
    """
    _prepare_heap(ctx)
    nodes = _scratch(ctx, [])           # every object met, the targets first
    number = _scratch(ctx, {})          # id -> node number
    above = []                          # node -> the nodes referring to it
    below = []                          # node -> the nodes it refers to
    is_root = []
    for target in targets:
        if id(target) not in number:
            number[id(target)] = len(nodes)
            nodes.append(target)
            above.append([])
            below.append([])
            is_root.append(root_kind(target, ctx) is not None)
    target = None
    asked = len(nodes)
    frontier = [node for node in range(asked) if not is_root[node]]
    poll = ctx["poll"]
    while frontier:
        if poll():
            raise Failure("cancelled", "the request was cancelled")
        rooted = False
        wanted = {}
        for node in frontier:
            wanted[id(nodes[node])] = node
        for pair in ctx["frames"]:
            for item in _local_items(pair[1]):
                child = wanted.get(id(item[1]))
                if child is not None:
                    _link(_node(pair[0], True, nodes, number, above, below, is_root),
                          child, above, below)
                    rooted = True
        if rooted:
            frontier = _still_wanted(frontier, asked, above, below, is_root)
            if not frontier:
                break
            rooted = False
        level = _scratch(ctx, [])
        for node in frontier:
            level.append(nodes[node])
        found, indexes = _scan(ctx, level)
        following = []
        for position in range(len(found)):
            referrer = found[position]
            child = frontier[indexes[position]]
            known = number.get(id(referrer))
            if known is not None:
                _link(known, child, above, below)
                continue
            owner = ctx["module_dicts"].get(id(referrer)) or ctx["locals_ids"].get(id(referrer))
            kind = None if owner is not None else root_kind(referrer, ctx)
            node = _node(referrer, kind is not None, nodes, number, above, below, is_root)
            _link(node, child, above, below)
            if owner is not None:
                # A namespace: its module or frame is the root (_steps collapses the two).
                _link(_node(owner, True, nodes, number, above, below, is_root),
                      node, above, below)
            if owner is not None or kind is not None:
                rooted = True
            else:
                following.append(node)
        referrer = owner = None
        let_go(found)
        let_go(level)
        frontier = following
        if rooted and frontier:
            frontier = _still_wanted(frontier, asked, above, below, is_root)
    up = _toward_roots(above, below, is_root)
    if met is not None:
        met["nodes"] = nodes
        met["number"] = number
        met["above"] = above
    chains = []
    for index in range(len(targets)):
        node = number[id(targets[index])]
        if is_root[node]:
            chains.append([])
        elif up[node] < 0:
            chains.append(None)
        else:
            chain = _scratch(ctx, [])
            while not is_root[node]:
                node = up[node]
                chain.append(nodes[node])
            chains.append(chain)
    return chains


def _node(obj, root, nodes, number, above, below, is_root):
    """The node number of `obj`, a new node if it has none; `root` marks it a root."""
    node = number.get(id(obj))
    if node is None:
        node = number[id(obj)] = len(nodes)
        nodes.append(obj)
        above.append([])
        below.append([])
        is_root.append(root)
    elif root:
        is_root[node] = True
    return node


def _link(referrer, child, above, below):
    above[child].append(referrer)
    below[referrer].append(child)


def _toward_roots(above, below, is_root):
    """up[node]: the next node on a shortest chain of the references met from
    `node` to a root; -1 for a root and for a node no root reaches."""
    up = [-1] * len(above)
    seen = [False] * len(above)
    level = []
    for node in range(len(above)):
        if is_root[node]:
            seen[node] = True
            level.append(node)
    while level:
        following = []
        for node in level:
            for child in below[node]:
                if not seen[child]:
                    seen[child] = True
                    up[child] = node
                    following.append(child)
        level = following
    return up


def _still_wanted(frontier, asked, above, below, is_root):
    """The nodes of `frontier` that lead down to one of the `asked` first
    nodes (the targets) that no root reaches yet."""
    up = _toward_roots(above, below, is_root)
    wanted = [False] * len(above)
    level = []
    for node in range(asked):
        if not is_root[node] and up[node] < 0:
            wanted[node] = True
            level.append(node)
    while level:
        following = []
        for node in level:
            for referrer in above[node]:
                if not wanted[referrer]:
                    wanted[referrer] = True
                    following.append(referrer)
        level = following
    return [node for node in frontier if wanted[node]]


def _steps(target, chain, ctx, edge_of=None):
    """Turn the raw chain (target's referrer first) into steps, collapsing
    namespaces; `edge_of` names a step's edge (default: edge)."""
    if edge_of is None:
        edge_of = edge
    steps = _scratch(ctx, [])
    child = target
    index = 0
    while index < len(chain):
        obj = chain[index]
        following = chain[index + 1] if index + 1 < len(chain) else None
        if type(obj) is dict and following is not None and \
                _dict_owner(obj, [following], ctx) is following:
            steps.append(_scratch(ctx, [following, _owned_edge(following, obj, child, ctx)]))
            child = following
            index += 2
            continue
        if type(obj) is tuple and following is not None and \
                _owned_slot(following, obj, ctx) is not None:
            steps.append(_scratch(ctx, [following, _owned_edge(following, obj, child, ctx)]))
            child = following
            index += 2
            continue
        if (type(obj) is CellType and index + 2 < len(chain)
                and type(following) is tuple and type(chain[index + 2]) is FunctionType
                and _function_closure(chain[index + 2]) is following):
            function = chain[index + 2]
            name = _closure_name(function, obj)
            steps.append(_scratch(ctx, [function, {"kind": "closure", "name": name}]))
            child = function
            index += 3
            continue
        steps.append(_scratch(ctx, [obj, edge_of(obj, child, ctx)]))
        child = obj
        index += 1
    return steps


# -- why: the paths of many objects, grouped by shape -----------------------------------

WHY_SAMPLE_MAX = 5000
HOLDERS_MAX = 10
# Tree states (_accel.tree_sets).
_IN_TREE, _HELD_OUTSIDE, _UNREACHABLE, _UNKNOWN = 0, 1, 2, 3


def take_mark(when):
    """Remember the objects tracked now, as at the census of time `when`
    (_marks.c): the moment "why" may count survivors from."""
    accel = _census._accel
    if accel is not None and hasattr(accel, "mark_take"):
        accel.mark_take(float(when))


def _made_since(found, since, ctx):
    """The objects of `found` made since the mark of the census of time
    `since`, or None when there is no such mark."""
    accel = _census._accel
    if since is None or accel is None or not hasattr(accel, "mark_new"):
        return None
    made = accel.mark_new(float(since), found)
    if made is None:
        return None
    kept = _scratch(ctx, [])
    for index in range(len(found)):
        if made[index]:
            kept.append(found[index])
    return kept


def why(type_name, sample, ctx, since=None):
    """The body of a "why" reply (PROTOCOL.md "Why"): the paths to a root of
    up to `sample` instances of `type_name` (those made since the census of
    time `since`, when it left a mark), grouped by shape, with what each
    group retains, and why the others are alive without a root."""
    begin = time.perf_counter()
    _prepare_heap(ctx)
    tree = tree_available()
    built = _tree_for(ctx, False) if tree else 0.0
    while True:
        found = census_objects(type_name, ctx)
        older = 0
        survivors = _made_since(found, since, ctx)
        marked = survivors is not None
        if marked:
            older = len(found) - len(survivors)
            let_go(found)
            found = survivors
        survivors = None
        total = len(found)
        targets = _scratch(ctx, [])
        if total <= sample:
            targets.extend(found)
        else:
            for index in range(sample):
                targets.append(found[index * total // sample])
        let_go(found)
        if not tree or built:
            break
        unknown = _census._accel.tree_sets(targets, [-1] * len(targets))[2]
        if not unknown:
            break
        # Made since the kept tree: compute it again (holding nothing here).
        let_go(targets)
        built = _build_tree(ctx)
    met = _scratch(ctx, {})
    chains = paths(targets, ctx, met)
    shapes = {}
    group_of = [-1] * len(targets)
    members = []
    examples = []
    for index in range(len(targets)):
        chain = chains[index]
        if chain is None:
            continue
        steps = _steps(targets[index], chain, ctx, _shape_edge)
        shape = _shape(steps, ctx)
        group = shapes.get(shape)
        if group is None:
            group = shapes[shape] = len(members)
            members.append(0)
            examples.append(index)
        members[group] += 1
        group_of[index] = group
    steps = chain = None
    sizes = _census._accel.tree_sets(targets, group_of)[1] if tree else None
    groups = []
    for group in range(len(members)):
        index = examples[group]
        entries = []
        for pair in _steps(targets[index], chains[index], ctx):
            entries.append(referrer_entry(pair, ctx))
        groups.append({"count": members[group],
                       "retained": None if sizes is None else sizes[group][0],
                       "retained_count": None if sizes is None else sizes[group][1],
                       "example": summary(targets[index], ctx), "steps": entries})
    groups.sort(key=_by_count)
    lost = _scratch(ctx, [])
    for index in range(len(targets)):
        if chains[index] is None:
            lost.append(targets[index])
    unreached = []
    if lost:
        by_reason = {}
        diagnoses = diagnose(lost, met, ctx) if tree else [[None, []]] * len(lost)
        if diagnoses is None:
            diagnoses = _diagnose_fresh(lost, met, ctx)
        for index in range(len(lost)):
            reason, holders = diagnoses[index]
            # Held from C: one entry per set of holders (the first holder's).
            key = (reason, id(holders[0][0]) if holders else 0)
            entry = by_reason.get(key)
            if entry is None:
                entry = by_reason[key] = {"reason": reason, "count": 0,
                                          "example": summary(lost[index], ctx),
                                          "holders": _holder_entries(holders, ctx)}
                unreached.append(entry)
            entry["count"] += 1
        diagnoses = holders = None
        unreached.sort(key=_by_count)
    return {"type_name": type_name, "total": total, "sampled": len(targets),
            "since": since if marked else None, "older": older,
            "elapsed": time.perf_counter() - begin, "groups": groups, "unreached": unreached}


_EDGE_TEXT = {"attribute": "attribute %s", "key": "key %s", "closure": "closure variable %s",
              "local": "local variable %s", "global": "global %s",
              "class-attribute": "class attribute %s", "index": "index %s"}
_REASON_TEXT = {"garbage": "garbage the collector has not freed yet (a reference cycle)",
                "held-from-c": "held from C code",
                "agent": "held only by Heapscope: the program let it go",
                None: "no root was reached"}


def path_text(obj, ctx):
    """The path from `obj` to a root on one line, as the app's text export
    writes it: "Item <- dict [key 3] <- module(__main__) [global STORE] (root:
    module)"; or why no root holds it."""
    words = [row_name(obj, ctx)]
    targets = _scratch(ctx, [obj])
    obj = None
    steps, reason, holders = _one_path(targets, ctx)
    if steps is None:
        text = _REASON_TEXT[reason]
        if holders:
            text += " by " + ", ".join(
                _step_title(pair[0], ctx) + ("" if pair[1] is None else " (%s)" % pair[1])
                for pair in holders)
        return words[0] + ": " + text
    for pair in steps:
        words.append(" <- " + _step_title(pair[0], ctx) + " [" + _edge_text(pair[1]) + "]")
        kind = root_kind(pair[0], ctx)
        if kind is not None:
            words.append(" (root: %s)" % kind)
    return "".join(words)


def _step_title(obj, ctx):
    name = qualified_name(obj) if _in_mro(type(obj), type) else None
    return "class " + name if name is not None else row_name(obj, ctx)


def _edge_text(label):
    kind = label["kind"]
    if kind in _EDGE_TEXT:
        return _EDGE_TEXT[kind] % (label["index"] if kind == "index" else label["name"])
    if kind == "referent":
        return "refers to it (%s)" % label["type"]
    if kind == "dict-key":
        return "key in %s" % label["name"] if label.get("name") else "dict key"
    return "set member"


def _by_count(entry):
    return -entry["count"]


def _shape_edge(referrer, child, ctx):
    """The edge from `referrer` to `child` as far as a path's shape needs it:
    a container's key, index or membership is not found (a search through a
    cache of 4 000 for each of 4 000 objects), only told apart."""
    cls = type(referrer)
    if _in_mro(cls, list) or _in_mro(cls, tuple) or _is_stdlib(cls, "deque"):
        return {"kind": "index"}
    if _in_mro(cls, set) or _in_mro(cls, frozenset):
        return {"kind": "member"}
    if _in_mro(cls, dict):
        values = ctx.get("dict_values")
        if values is None:
            values = ctx["dict_values"] = _scratch(ctx, {})
        ids = values.get(id(referrer))
        if ids is None:
            ids = values[id(referrer)] = set()
            _read_container(dict.values, referrer, _add_ids, ids)
        return {"kind": "key" if id(child) in ids else "dict-key"}
    return edge(referrer, child, ctx)


def _add_ids(objects, ids):
    for obj in objects:
        ids.add(id(obj))


def _shape(steps, ctx):
    """What the paths of one group share: each step's row and edge (without a
    key, an index, or a key inside a name), and the root itself."""
    shape = []
    for pair in steps:
        label = pair[1]
        name = label.get("name")
        if type(name) is str and "[" in name:
            name = name[:name.index("[")]
        shape.append((row_name(pair[0], ctx), label["kind"], name, label.get("type")))
    if steps:
        shape.append(id(steps[-1][0]))
    return tuple(shape)


def _diagnose_fresh(lost, met, ctx):
    """diagnose with a tree computed now (nothing of the program is held in
    the caller's frames): a kept one may be of an older heap."""
    _build_tree(ctx)
    found = diagnose(lost, met, ctx)
    return found if found is not None else [[None, []]] * len(lost)


def diagnose(lost, met, ctx):
    """For each object of `lost` (the targets of a search, `met`, that found no
    root): [reason, holders], reason "garbage", "held-from-c", "agent" or None
    (the kept tree does not know it) and holders [[object, known], ...] for
    "held-from-c". None when the kept tree cannot be that of the heap searched:
    an object in it that nothing held from outside reaches."""
    nodes = met["nodes"]
    above = met["above"]
    number = met["number"]
    states = _census._accel.tree_sets(nodes, [-1] * len(nodes))[0]
    known = None
    found = _scratch(ctx, [])
    for obj in lost:
        node = number[id(obj)]
        state = states[node]
        if state == _UNREACHABLE:
            found.append(["garbage" if above[node] else "agent", []])
        elif state == _UNKNOWN:
            # Left out of the tree as the agent's: only the agent holds it.
            # Else the tree is older than the object.
            if id(obj) not in ctx["skip"]:
                return None
            found.append(["agent", []])
        else:
            if known is None:
                known = _known_holders(ctx)
            holders = _holders(node, above, states, nodes, known, ctx)
            if not holders:
                return None
            found.append(["held-from-c", holders])
    obj = None
    return found


def _holders(node, above, states, nodes, known, ctx):
    """The objects held from outside the heap among `node` and what refers to
    it, nearest first: what keeps an object with no root alive."""
    holders = _scratch(ctx, [])
    seen = {node}
    level = [node]
    while level and len(holders) < HOLDERS_MAX:
        following = []
        for current in level:
            if states[current] == _HELD_OUTSIDE and len(holders) < HOLDERS_MAX:
                holders.append(_scratch(ctx, [nodes[current], known.get(id(nodes[current]))]))
            for referrer in above[current]:
                if referrer not in seen:
                    seen.add(referrer)
                    following.append(referrer)
        level = following
    return holders


def _known_holders(ctx):
    """id -> what holds it, for the holders from C that Python can name: the
    signal handlers, the trace and profile functions."""
    known = _scratch(ctx, {})
    signals = sys.modules.get("_signal")
    if signals is not None:
        names = {}
        for pair in list(dict.items(_module_dict(signals))):
            if (type(pair[0]) is str and pair[0].startswith("SIG") and not
                    pair[0].startswith("SIG_") and type(pair[1]) is int):
                names.setdefault(pair[1], pair[0])
        for number in sorted(names):
            try:
                handler = signals.getsignal(number)
            except (ValueError, OSError):
                continue
            if handler is not None and type(handler) is not int:
                known.setdefault(id(handler), "signal handler for %s" % names[number])
        handler = None
    for pair in (("sys.settrace function", sys.gettrace()),
                 ("sys.setprofile function", sys.getprofile())):
        if pair[1] is not None:
            known.setdefault(id(pair[1]), pair[0])
    callbacks = _refaccel.atexit_callbacks() if _refaccel is not None else None
    for entry in callbacks or ():
        known.setdefault(id(entry[0]), "atexit handler")
        for part in entry[1:]:
            if part is not None:
                known.setdefault(id(part), "arguments of an atexit handler")
    if callbacks is not None:
        del callbacks[:]
    holders = _refaccel.interpreter_holders() if _refaccel is not None else None
    for entry in holders or ():
        container = entry[2]
        known.setdefault(id(container), entry[0])
        for part in list(dict.values(container)) if type(container) is dict else list.__iter__(container):
            known.setdefault(id(part), entry[1])
    if holders is not None:
        del holders[:]
    entry = part = container = None
    return known


def _holder_entries(holders, ctx):
    entries = []
    for pair in holders:
        entry = summary(pair[0], ctx)
        entry["known"] = pair[1]
        entries.append(entry)
    return entries


# -- retained sizes: the dominator tree ------------------------------------------------

# The tree itself is in the C part (_accel.tree_*); here, when it was computed,
# how long that took, and the census totals it stands for (the tree's objects
# and the unreachable ones together). Atoms only: nothing the collector lists.
_tree = {"computed_at": None, "elapsed": 0.0, "objects": -1, "bytes": -1}
_TREE_UNKNOWN = 2           # tree_children: the object is neither in the tree nor unreachable


def tree_available():
    accel = _census._accel
    return accel is not None and hasattr(accel, "tree_build")


def tree_census(objects, size):
    """A census counted `objects` objects of `size` bytes: the kept tree goes
    if it stands for other totals.

    Why this rule: telling that nothing at all changed would take a look at
    the whole heap (a census, a tenth of a second at 1 M objects), and the
    collector's counters move with the agent's own work too. A census is
    taken anyway (the app samples every second), and the tree counts exactly
    the census's objects with the census's sizes, so equal totals are the
    heap the tree was computed from, short of a change that keeps both the
    number of objects and their bytes (an object replaced by one of the same
    size). That case, and a heap changed with no census since, is what
    "computed_at", "refresh" and the recomputation on an unknown or vanished
    object are for.
    """
    if _tree["computed_at"] is not None and (_tree["objects"] != objects or _tree["bytes"] != size):
        drop_tree()


def drop_tree():
    """Forget the kept tree (and free its memory in the C part)."""
    if tree_available():
        _census._accel.tree_drop()
    _tree["computed_at"] = None
    _tree["elapsed"] = 0.0
    _tree["objects"] = _tree["bytes"] = -1


def _build_tree(ctx):
    """Compute the tree now; the seconds it took.

    The caller holds no object of the program here: a reference in a frame
    of the agent is one the collector's rule cannot see, and would make that
    object a root. A cancel is looked for before and after, never during (see
    _dominators.c); one seen after keeps the tree for the next request.
    """
    poll = ctx["poll"]
    if poll():
        raise Failure("cancelled", "the request was cancelled")
    drop_tree()
    begin = time.perf_counter()
    totals = _census._accel.tree_build(ctx["skip"], ctx["codes"])
    elapsed = time.perf_counter() - begin
    _tree["computed_at"] = time.time()
    _tree["elapsed"] = elapsed
    _tree["objects"] = totals[0] + totals[2]
    _tree["bytes"] = totals[1] + totals[3]
    totals = None
    if poll():
        raise Failure("cancelled", "the request was cancelled")
    return elapsed


def _tree_for(ctx, refresh):
    """Seconds spent computing the tree for this request; 0.0 when it was kept."""
    if not tree_available():
        raise Failure("unsupported", "retained sizes need the agent's C part")
    if refresh or _tree["computed_at"] is None:
        return _build_tree(ctx)
    return 0.0


def _tree_totals(elapsed):
    totals = _census._accel.tree_totals()
    return {"total_objects": totals[0], "total_bytes": totals[1],
            "unreachable_objects": totals[2], "unreachable_bytes": totals[3],
            "computed_at": _tree["computed_at"], "elapsed": elapsed}


def _first_places(pairs, wanted, found):
    """found[id] = the first place (a key or an index) of each object of
    `wanted` (ids) in `pairs` ((place, object), ...), read until all are met."""
    for pair in pairs:
        if id(pair[1]) in wanted and id(pair[1]) not in found:
            found[id(pair[1])] = pair[0]
            if len(found) == len(wanted):
                break


def _add_wanted_ids(objects, wanted, ids):
    for obj in objects:
        if id(obj) in wanted:
            ids.add(id(obj))


def _held_as(parent, children, ctx):
    """How `parent` refers to each of `children` (a dominator and objects it
    immediately dominates), namespaces collapsed as in referrer rows: a
    global, an attribute, a key, an index; None for a child it does not
    refer to itself (it holds it only through others). A container is read
    once for all the children, not searched for each."""
    cls = type(parent)
    wanted = _scratch(ctx, set())
    for child in children:
        if child is not None:
            wanted.add(id(child))
    child = None
    places = _scratch(ctx, {})          # id -> its key or index in a container
    direct = _scratch(ctx, set())       # ids held otherwise: a dict's keys, anything else's referents
    if _in_mro(cls, dict):
        _read_container(dict.items, parent, _first_places, wanted, places)
        if len(places) < len(wanted):
            _read_container(dict.keys, parent, _add_wanted_ids, wanted, direct)
        kind = "global" if id(parent) in _read_module_dicts(ctx) else "key"
    elif _in_mro(cls, list) or _in_mro(cls, tuple):
        _first_places(enumerate((list if _in_mro(cls, list) else tuple).__iter__(parent)), wanted, places)
        kind = "index"
    else:
        # Anything else: what it refers to, its namespace's values included,
        # then named one by one (edge).
        for ref in _get_referents(parent):
            direct.add(id(ref))
        namespace = None
        if _in_mro(cls, ModuleType):
            namespace = _module_dict(parent)
        elif _in_mro(cls, type):
            namespace = _class_namespace(parent)
        if type(namespace) is dict:
            _read_container(dict.values, namespace, _add_ids, direct)
        for pair in attributes(parent, ctx):
            direct.add(id(pair[1]))
        ref = value = pair = namespace = None
        kind = None
    labels = []
    for child in children:
        if child is None:
            labels.append(None)
        elif id(child) in places:
            place = places[id(child)]
            labels.append({"kind": "index", "index": place} if kind == "index"
                          else _named("global", place, ctx) if kind == "global"
                          else {"kind": "key", "name": _key_text(place, ctx)})
        elif id(child) not in direct:
            labels.append(None)
        else:
            labels.append(edge(parent, child, ctx) if kind is None else {"kind": "dict-key"})
    return labels


def dominated(handle, offset, limit, ctx, refresh=False):
    """The body of a "dominators" reply: what the object of `handle` (None:
    the virtual root) immediately dominates, largest retained size first."""
    elapsed = _tree_for(ctx, refresh)
    while True:
        obj = None if handle is None else resolve(handle)
        answer = _census._accel.tree_children(obj, offset, limit, ctx["skip"], ctx["codes"])
        obj = None
        state, retained, count, total, found, entries = answer
        answer = None
        _scratch(ctx, found)
        gone = False
        for item in found:
            if item is None:
                gone = True
        item = None
        if elapsed or not (gone or state == _TREE_UNKNOWN):
            break
        # The kept tree names what is not there any more: the heap changed.
        # (Nothing of this answer may be left for the walk to count.)
        let_go(found)
        entries = None
        elapsed = _build_tree(ctx)
    labels = None
    if handle is not None and found:
        labels = _held_as(resolve(handle), found, ctx)
    page = []
    for position in range(len(found)):
        address, size, number = entries[position]
        item = found[position]
        if item is None:
            # Died while the tree was computed.
            entry = {"handle": _new_handle(), "type": "", "address": address, "flat": 0,
                     "text": STALE_TEXT, "stale": True}
        else:
            entry = summary(item, ctx)
            if labels is not None and labels[position] is not None:
                entry["edge"] = labels[position]
        item = None
        entry["retained"] = size
        entry["retained_count"] = number
        page.append(entry)
    let_go(found)
    body = {"retained": retained, "retained_count": count, "total": total,
            "offset": offset, "objects": page}
    body.update(_tree_totals(elapsed))
    return body


def retained_of(handles, ctx, refresh=False):
    """The body of a "retained" reply: each handle's retained size and count,
    None for an object outside the tree."""
    elapsed = _tree_for(ctx, refresh)
    while True:
        objects = _scratch(ctx, [])
        for handle in handles:
            objects.append(resolve(handle))
        values, unknown = _census._accel.tree_retained(objects)
        let_go(objects)
        if elapsed or not unknown:
            break
        # An object the kept tree does not know: born since, maybe. (Its
        # answer, tuples the collector lists, goes before the walk.)
        values = None
        elapsed = _build_tree(ctx)
    entries = []
    for position in range(len(handles)):
        value = values[position]
        entries.append({"handle": handles[position],
                        "retained": None if value is None else value[0],
                        "retained_count": None if value is None else value[1]})
    body = {"objects": entries}
    body.update(_tree_totals(elapsed))
    return body
