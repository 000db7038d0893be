"""The census: every object of the program, counted by type, once each.

What is counted: every object gc tracks, and everything reachable from those
through containers gc does not track (a tuple of floats, a dict of atoms), to
full depth, each object once by identity. Pympler's ``muppy.get_objects`` stops
one level below the tracked objects and misses such atoms.

What is left out: the agent itself. Its modules, their dicts, the functions,
classes and code defined in them, its thread's frames and the frames of a
census in progress, its instances (socket, locks, thread) and the census's own
temporaries are excluded, and the walk never passes through them, so objects
reachable only from the agent are not counted either. Objects the agent shares
with the program (interned strings, small ints, builtins) are counted, as the
program holds them too.

Names follow Pympler's ``summary``: ``str``, ``__main__.Marker``,
``function (__init__)``, ``method (run)``. Sizes follow ``sys.getsizeof`` as
Pympler's summary does, computed without calling any ``__sizeof__`` a user class
defines. No user code runs: no ``__repr__``, no properties, no ``__getattr__``.
"""

import gc
import os
import sys
import types

_AGENT_DIR = os.path.dirname(os.path.abspath(__file__))
_HEAPTYPE = 1 << 9
_HAVE_GC = 1 << 14
_GC_HEADER = sys.getsizeof([]) - [].__sizeof__()

_type_names = {}
_sizeof_for_type = {}


def _type_name(t):
    name = _type_names.get(t)
    if name is None:
        text = type.__repr__(t)  # never a metaclass's own __repr__
        if text.startswith("<class '") and text.endswith("'>"):
            text = text[8:-2]
        name = _type_names[t] = text
    return name


def _object_name(o, t):
    if t is types.FunctionType:
        return "function (%s)" % o.__name__
    if t is types.MethodType:
        function = o.__func__
        if type(function) is types.FunctionType:
            return "method (%s)" % function.__name__
        return "method"
    return _type_name(t)


def _sizeof_function(t):
    """The __sizeof__ of @t's first builtin base, and whether @t carries a GC header."""
    found = _sizeof_for_type.get(t)
    if found is None:
        base = t
        for candidate in t.__mro__:
            if not candidate.__flags__ & _HEAPTYPE:
                base = candidate
                break
        found = _sizeof_for_type[t] = (base.__sizeof__, bool(t.__flags__ & _HAVE_GC))
    return found


def _user_sizeof(t):
    """True when a class of the program defines its own __sizeof__."""
    overrides = _sizeof_for_type.get((t, "user"))
    if overrides is None:
        overrides = any(klass.__flags__ & _HEAPTYPE and "__sizeof__" in klass.__dict__
                        for klass in t.__mro__)
        _sizeof_for_type[(t, "user")] = overrides
    return overrides


def _size(o, t):
    if not t.__flags__ & _HEAPTYPE or not _user_sizeof(t):
        return sys.getsizeof(o)
    sizeof, has_gc = _sizeof_function(t)
    return sizeof(o) + (_GC_HEADER if has_gc else 0)


def _is_agent_code(code):
    return code.co_filename.startswith(_AGENT_DIR)


def agent_objects(extra_roots, skip_frames):
    """Ids of the agent's own objects: its modules and what is private to them."""
    excluded = set()
    roots = list(extra_roots)
    for name, module in list(sys.modules.items()):
        if name == "heapscope" or name.startswith("heapscope."):
            roots.append(module)
            roots.append(module.__dict__)
            for value in list(module.__dict__.values()):
                if isinstance(value, (types.FunctionType, type)) and \
                        getattr(value, "__module__", "").startswith("heapscope"):
                    roots.append(value)
    for frame in skip_frames:
        roots.append(frame)

    while roots:
        o = roots.pop()
        if id(o) in excluded:
            continue
        excluded.add(id(o))
        t = type(o)
        if t is types.FunctionType:
            roots.extend((o.__code__, o.__dict__))
            if o.__defaults__:
                roots.append(o.__defaults__)
            if o.__kwdefaults__:
                roots.append(o.__kwdefaults__)
            if o.__closure__:
                roots.append(o.__closure__)
                roots.extend(o.__closure__)
        elif t is types.CodeType:
            roots.append(o.co_consts)
            roots.extend(c for c in o.co_consts if type(c) is types.CodeType)
        elif isinstance(o, type) and o.__module__.startswith("heapscope"):
            roots.extend(gc.get_referents(o))
            for value in list(o.__dict__.values()):
                if isinstance(value, (types.FunctionType, staticmethod, classmethod, property)):
                    roots.append(value)
        elif t is types.FrameType:
            roots.append(o.f_code)
        elif type(t) is type and t.__module__.startswith("heapscope"):
            roots.append(o)  # instance: walk its state
            roots.extend(gc.get_referents(o))
            excluded.discard(id(t))
    return excluded


def census(extra_roots=(), skip_frames=()):
    """Rows [name, count, size] of the program's heap, largest first."""
    counts = {}
    sizes = {}
    tracked = gc.get_objects()
    excluded = agent_objects(list(extra_roots) + [tracked, counts, sizes], skip_frames)
    seen = set(excluded)
    seen.add(id(seen))
    for o in tracked:
        seen.add(id(o))

    pending = []
    seen_add = seen.add
    get_referents = gc.get_referents
    is_tracked = gc.is_tracked

    def visit(o):
        t = type(o)
        key = _object_name(o, t)
        size = _size(o, t)
        if key in counts:
            counts[key] += 1
            sizes[key] += size
        else:
            counts[key] = 1
            sizes[key] = size
        for r in get_referents(o):
            if not is_tracked(r) and id(r) not in seen:
                seen_add(id(r))
                pending.append(r)

    for o in tracked:
        if id(o) in excluded:
            continue
        visit(o)
        while pending:
            visit(pending.pop())

    del tracked
    rows = [[name, counts[name], sizes[name]] for name in counts]
    rows.sort(key=lambda row: (-row[2], row[0]))
    return rows
