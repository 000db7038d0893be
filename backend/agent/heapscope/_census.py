"""The heap census: every live object of the program, counted once, by type.

What is counted
    The roots are the objects the garbage collector tracks (``gc.get_objects()``).
    From every root the census follows references the way ``gc.get_referents``
    does (``tp_traverse``) into objects the collector does not track -- a tuple
    of floats, a dict holding only atoms, the str, int and float objects inside
    them -- to any depth. A tracked referent is not followed: it is a root of its
    own. Every object is counted once, by identity. (Pympler's
    ``muppy.get_objects`` stops one level below the tracked objects, so it misses
    the floats in a tuple of floats that sits in a list.) Objects only reachable
    through a tracked object that gc does not list (``gc.freeze()``) are not seen,
    as with Pympler. Garbage not yet collected is live memory and is counted: the
    census never calls ``gc.collect()``.

What is excluded
    The census is given the agent's own objects (see ``_agent.own_objects``) and
    the agent's code objects. An excluded object is neither counted nor
    followed, so what hangs only from it is not counted either; an object
    reachable from the program as well as from the agent counts as the program's.
    A frame whose code is agent code is excluded the same way.

    The agent also holds some of the program's objects (see ``_refs``: what
    the app shows that has no weak references, what it hands to the main
    thread to free), each once, in a few containers of its own: ``held``.
    What only those holds keep alive -- an object the program dropped, and
    whatever hangs from it alone -- is excluded the same way (``held_only``),
    so looking at an object never changes the census.

Names
    A row is named as Pympler's ``summary.summarize`` names it (``summary._repr``
    at verbosity 1): ``function (NAME)``, ``frame (codename: NAME)``,
    ``module(NAME)`` for those exact types, otherwise ``str(type(o))`` with
    Pympler's two clean-ups (`` at 0x...`` removed, ``<class 'X'>`` -> ``X``).
    No user code runs: ``str(type)`` is rebuilt from ``type.__repr__`` (C); a
    metaclass that defines ``__str__``/``__repr__`` in Python is not called,
    except that the standard library's ``enum`` metaclass repr is reproduced
    (``<enum 'Color'>``, ``<flag 'Perm'>``). A module's name comes from its
    ``__dict__`` (``__name__``, else ``__file__``, else ``nameless, id: N``),
    never from a module ``__getattr__``. Names longer than 1024 UTF-8 bytes are
    cut there (rows whose cut names coincide are merged); a lone surrogate is
    written as its ``\\udxxx`` escape.

Sizes
    A row's size is the sum of its objects' sizes. An object's size is
    ``sys.getsizeof(o)`` as Pympler's summary uses it, with two differences:

    * a ``__sizeof__`` written in Python is never called; such an object is
      charged ``object.__sizeof__(o)`` plus the header ``sys.getsizeof`` adds
      (the GC header, and on 3.11+ the managed-dict pre-header);
    * an instance whose attributes live inline in CPython's values array (3.11+,
      no ``__dict__`` materialized) is also charged that storage, which
      ``sys.getsizeof`` leaves out:

      - 3.11, 3.12: the values array hanging from the pre-header, if the
        instance has one: ``round_up(n + 2, 8) + 8 * n`` bytes with
        ``n = dk_nentries + dk_usable`` of the class's shared keys -- what
        CPython allocates for a new instance of the class now. (The few
        instances made while the class was young got a larger array, up to 30
        slots, which is not visible afterwards.)
      - 3.13+: the values embedded in the object, ``round_up(c, 8) + 8 * (c + 1)``
        bytes, whether or not a ``__dict__`` was materialized since. ``c`` is
        the instance's capacity, plus one if that capacity is above the
        class's current ``dk_nentries + dk_usable`` (CPython sized the object
        before shrinking the shared keys' usable count for it); at most one
        instance per class, the one made as that count reached 1, is charged
        8 bytes too few.

      Example, CPython 3.11, a class with 4 attributes: 56 B (getsizeof,
      pre-header included) + 48 B values = 104 B, what tracemalloc sees
      allocated; Pympler says 160 B because reading ``obj.__dict__`` creates a
      104 B dict. The census never touches ``__dict__`` on such an instance: the
      C accelerator reads the type flags and the pre-header, the pure path
      reads the same words through ``/proc/self/mem``. A materialized
      ``__dict__`` is a dict and is counted in the ``dict`` row. (On 3.13,
      a dict made from inline values and holding only atoms is untracked and
      tp_traverse visits the values, not the dict: like gc.get_referents,
      the census does not reach it.)

The C accelerator (``_accel``) does the walk and the per-type aggregation; the
naming and the rows are built here for both paths, so both give the same rows.
"""

import errno
import gc
import os
import sys
import time

from ._types import (GC_HEADER, HAVE_GC, HEAPTYPE, INLINE_VALUES, MANAGED_DICT, MANAGED_WEAKREF,
                     POINTER, VERSION, CodeType, FrameType, FunctionType, MethodDescriptorType,
                     ModuleType, SlotWrapperType, type_basicsize, type_dict, type_flags, type_mro,
                     type_name, type_qualname)

try:
    from . import _accel
except ImportError:
    _accel = None
if os.environ.get("HEAPSCOPE_ACCEL", "1") == "0":
    _accel = None

MAX_NAME_BYTES = 1024
MAX_ROWS = 200000
MAX_ROWS_BYTES = 15 * 1024 * 1024   # leaves room in a 16 MiB frame
OTHER_ROW = "(other)"

if VERSION >= (3, 12):
    _PREHEADER = MANAGED_DICT | MANAGED_WEAKREF
elif VERSION >= (3, 11):
    _PREHEADER = MANAGED_DICT
else:
    _PREHEADER = 0

_type_repr = type.__repr__
# Read through the types' own descriptors, as _types reads a type's.
_function_name = FunctionType.__dict__["__name__"].__get__
_frame_code = FrameType.__dict__["f_code"].__get__
_code_name = CodeType.__dict__["co_name"].__get__
_module_dict = ModuleType.__dict__["__dict__"].__get__

_dict_get = dict.get
_str_str = str.__str__
_object_sizeof = object.__sizeof__
_object_repr = object.__repr__
_object_str_slot = object.__dict__["__str__"]
_type_repr_slot = type.__dict__["__repr__"]
_MISSING = object()
_getsizeof = sys.getsizeof
_is_tracked = gc.is_tracked
_get_referents = gc.get_referents


def _in_mro(cls, base):
    """issubclass by identity along the MRO: no metaclass __eq__ or __subclasscheck__."""
    mro = type_mro(cls)
    if mro is not None:
        for entry in mro:
            if entry is base:
                return True
    return False


if _accel is not None:
    _in_mro = _accel.in_mro     # the same, in C


def _is_c_callable(method):
    kind = type(method)
    return kind is MethodDescriptorType or kind is SlotWrapperType


def _lookup(cls, name):
    """Find `name` along the MRO of `cls` in the type dicts, as CPython's type lookup does."""
    mro = type_mro(cls)
    if mro is None:
        return None
    for base in mro:
        namespace = type_dict(base)
        if name in namespace:
            return namespace[name]
    return None


# -- names ------------------------------------------------------------------

def _enum_repr(cls, method):
    """The stdlib enum metaclass's __repr__, rebuilt from type data only.

    Returns None when `method` is not that function.
    """
    enum = sys.modules.get("enum")
    if enum is None:
        return None
    namespace = _module_dict(enum)
    meta = _dict_get(namespace, "EnumType") or _dict_get(namespace, "EnumMeta")
    if type(meta) is not type or type_dict(meta).get("__repr__") is not method:
        return None
    kind = "enum"
    flag = _dict_get(namespace, "Flag")
    if VERSION >= (3, 11) and flag is not None and _in_mro(cls, flag):
        kind = "flag"
    return "<%s %s>" % (kind, str.__repr__(_str_str(type_name(cls))))


def _slot_text(method, name, cls):
    """method(cls) for a C `name` slot of a base of type(cls); None for any other method.

    Any C method can be put under a name: type.__dir__ as __str__ would read
    the class's attributes (a metaclass __getattribute__), so only a type's
    own slot of that name is called, on an instance of that type.
    """
    if not _is_c_callable(method) or _str_str(method.__name__) != name:
        return None
    if not _in_mro(type(cls), method.__objclass__):
        return None
    try:
        text = method(cls)
    except Exception:
        return None
    return _str_str(text) if _in_mro(type(text), str) else None


def _class_str(cls):
    """What str(cls) gives, running no Python-level code of a metaclass."""
    meta = type(cls)
    method = _lookup(meta, "__str__")
    if method is not _object_str_slot:
        text = _slot_text(method, "__str__", cls)
        return _type_repr(cls) if text is None else text
    method = _lookup(meta, "__repr__")
    if method is _type_repr_slot or method is None:
        return _type_repr(cls)
    if _is_c_callable(method):
        text = _slot_text(method, "__repr__", cls)
        return _type_repr(cls) if text is None else text
    if type(method) is FunctionType:
        text = _enum_repr(cls, method)
        if text is not None:
            return text
    return _type_repr(cls)


def _module_label(module):
    """Pympler's module name: __name__, else __file__, else 'nameless, id: N'."""
    namespace = _module_dict(module)
    value = _MISSING
    if type(namespace) is dict:
        value = _dict_get(namespace, "__name__", _dict_get(namespace, "__file__", _MISSING))
    if value is _MISSING:
        return "nameless, id: %d" % id(module)
    kind = type(value)
    if _in_mro(kind, str):
        return _str_str(value)
    if kind is int or kind is float or kind is bool or value is None:
        return kind.__str__(value)
    if kind is bytes:
        # str() of bytes is its repr, but may warn (python -b): warnings run code.
        return bytes.__repr__(value)
    return _object_repr(value)


def _strip_addresses(text):
    """Remove every ' at 0x<hex digits>' (Pympler's `address` pattern)."""
    marker = " at 0x"
    start = text.find(marker)
    if start < 0:
        return text
    out = []
    pos = 0
    while start >= 0:
        end = start + len(marker)
        while end < len(text) and text[end] in "0123456789abcdef":
            end += 1
        if end == start + len(marker):      # no hex digit: not a match
            start = text.find(marker, start + 1)
            continue
        out.append(text[pos:start])
        pos = end
        start = text.find(marker, end)
    out.append(text[pos:])
    return "".join(out)


def _strip_class_brackets(text):
    """Pympler's `type_repr` pattern: "<class 'X'>" or "<type 'X'>" becomes X.

    As in `re`, X is one or more non-whitespace characters and `$` also
    matches before a final newline.
    """
    for prefix in ("<class '", "<type '"):
        if text.startswith(prefix):
            break
    else:
        return text
    body = text[len(prefix):]
    newline = ""
    if body.endswith("'>\n"):
        body = body[:-1]
        newline = "\n"
    if not body.endswith("'>"):
        return text
    inner = body[:-2]
    if not inner or any(char.isspace() for char in inner):
        return text
    return inner + newline


def _cut_name(text):
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:        # lone surrogates: keep them as escapes
        data = text.encode("utf-8", "backslashreplace")
        text = data.decode("utf-8")
    if len(data) <= MAX_NAME_BYTES:
        return text
    return data[:MAX_NAME_BYTES].decode("utf-8", "ignore")


def row_name(cls, source):
    """The row name for objects of type `cls` (and, for per-object names, `source`)."""
    if source is None:
        text = _class_str(cls)
    elif cls is FunctionType:
        text = "function (" + source + ")"
    elif cls is FrameType:
        text = "frame (codename: " + source + ")"
    else:
        text = "module(" + _module_label(source) + ")"
    text = _strip_class_brackets(_strip_addresses(text))
    return _cut_name(text)


def build_rows(entries):
    """Turn (type, source, count, size) entries into merged [name, count, size] rows."""
    merged = {}
    for cls, source, count, size in entries:
        name = row_name(cls, source)
        row = merged.get(name)
        if row is None:
            merged[name] = [name, count, size]
        else:
            row[1] += count
            row[2] += size
    # Largest first. (No sort(key=...): a keyword argument's first use makes
    # the interpreter build a lasting tuple, which a later census would count.)
    order = []
    for row in merged.values():
        order.append((-row[2], -row[1], row[0], row))
    order.sort()
    return _limit_rows([item[3] for item in order])


def _limit_rows(rows):
    """Keep the protocol's limits: at most MAX_ROWS rows and MAX_ROWS_BYTES of text.

    The smallest rows beyond a limit are merged into one OTHER_ROW, so that the
    totals stay the sums of the rows.
    """
    budget = MAX_ROWS_BYTES
    keep = 0
    for row in rows:
        cost = len(row[0].encode("utf-8", "backslashreplace")) * 2 + 48
        if keep >= MAX_ROWS - 1 or cost > budget:
            break
        budget -= cost
        keep += 1
    if keep == len(rows):
        return rows
    other = [OTHER_ROW, 0, 0]
    for row in rows[keep:]:
        other[1] += row[1]
        other[2] += row[2]
    return rows[:keep] + [other]


# -- raw memory, for the pure path on 3.11+ ------------------------------------

_memory = {"fd": -1, "pid": -1, "dev": -1, "ino": -1, "keys_offset": None}

HIGH_FD = 1000              # the agent's descriptors start here, out of the program's way


def duplicate_high(fd):
    """A close-on-exec duplicate of `fd` numbered HIGH_FD or above, or -1.

    Programs close descriptors they did not open (os.closerange) and reuse the
    low numbers; one this high they rarely reach. Under a descriptor limit
    below HIGH_FD + 16 the number is just under the limit. At start-up no
    other thread is opening descriptors, so a number found free stays free.
    """
    try:
        limit = os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        limit = -1
    if limit <= 0:
        limit = 1024
    number = max(fd + 1, min(HIGH_FD, limit - 16))
    while number < min(limit, HIGH_FD + 64):
        try:
            os.fstat(number)
        except OSError as error:
            if error.errno == errno.EBADF:
                try:
                    return os.dup2(fd, number, inheritable=False)
                except OSError:
                    return -1
        number += 1
    return -1


def move_high(fd):
    """`fd` moved to duplicate_high()'s number, closing `fd`; where no number
    above it is free, `fd` itself, still open."""
    number = duplicate_high(fd)
    if number < 0:
        return fd
    os.close(fd)
    return number


def same_file(fd, dev, ino):
    """True while descriptor number `fd` still names the file that had (dev, ino)."""
    try:
        info = os.fstat(fd)
    except OSError:
        return False
    return info.st_ino == ino and info.st_dev == dev


def wait_readable(fd, timeout):
    """True once descriptor `fd` has something to read, False after `timeout`
    seconds; None when that cannot be waited for without reading (no C
    accelerator: importing select would make the program's module the agent's)."""
    if _accel is None:
        return None
    return _accel.wait_readable(fd, timeout)


def memory_fd():
    """A file descriptor on /proc/self/mem for this process, or -1.

    Checked at each call: the program may have closed the number, or put a
    file of its own there; such a number is left alone (neither read nor
    closed) and /proc/self/mem is opened again. After fork() the inherited one
    reads the parent's memory: it is closed and the child opens its own.
    """
    pid = os.getpid()
    fd = _memory["fd"]
    if fd >= 0:
        if not same_file(fd, _memory["dev"], _memory["ino"]):
            _memory["fd"] = fd = -1
            _memory["pid"] = -1           # not ours any more: open another
        elif _memory["pid"] != pid:
            try:
                os.close(fd)
            except OSError:
                pass
            _memory["fd"] = fd = -1
    if _memory["pid"] != pid:
        _memory["pid"] = pid
        try:
            fd = move_high(os.open("/proc/self/mem", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)))
            info = os.fstat(fd)
            _memory["dev"] = info.st_dev
            _memory["ino"] = info.st_ino
            _memory["fd"] = fd
        except OSError:
            _memory["fd"] = -1
    return _memory["fd"]


def read_word(fd, address):
    data = os.pread(fd, POINTER, address)
    if len(data) != POINTER:
        raise OSError("short read")
    return int.from_bytes(data, sys.byteorder)


def read_byte(fd, address):
    data = os.pread(fd, 1, address)
    if len(data) != 1:
        raise OSError("short read")
    return data[0]


def cached_keys_offset(fd, cls):
    """Offset of PyHeapTypeObject.ht_cached_keys, found next to ht_name/ht_qualname.

    The layout is `ht_name, ht_slots, ht_qualname, ht_cached_keys` on 3.8-3.13;
    the words of a heap type are searched for the addresses of its name and
    qualname (the objects `__name__` and `__qualname__` return).
    """
    if _memory["keys_offset"] is None:
        name = id(type_name(cls))
        qualname = id(type_qualname(cls))
        size = type_basicsize(type)
        data = os.pread(fd, size, id(cls))
        words = [int.from_bytes(data[i:i + POINTER], sys.byteorder)
                 for i in range(0, len(data) - POINTER + 1, POINTER)]
        for index in range(len(words) - 3):
            if words[index] == name and words[index + 2] == qualname:
                _memory["keys_offset"] = (index + 3) * POINTER
                break
        else:
            _memory["keys_offset"] = -1
    return _memory["keys_offset"]


def _shared_slots(fd, cls):
    """dk_nentries + dk_usable of the class's shared keys: a new instance's slot count."""
    offset = cached_keys_offset(fd, cls)
    if offset < 0:
        return 0
    keys = read_word(fd, id(cls) + offset)
    if not keys:
        return 0
    return read_word(fd, keys + 16) + read_word(fd, keys + 24)


def round_up(value, unit):
    return (value + unit - 1) // unit * unit


# -- the pure Python walk -----------------------------------------------------

# Per-type plans: (size_kind, preheader, values_kind, values_bytes, traverse)
_SIZE_GETSIZEOF = 0   # a C __sizeof__: sys.getsizeof is exact and runs no user code
_SIZE_FALLBACK = 1    # a Python-level __sizeof__: object.__sizeof__ + header
_VALUES_NONE = 0
_VALUES_POINTER = 1   # 3.11: values pointer in the pre-header, NULL when a dict exists
_VALUES_TAGGED = 2    # 3.12: dict-or-values word, tagged with bit 0 for values
_VALUES_INLINE = 3    # 3.13+: values embedded after the object header


def size_plan(cls, fd):
    """How objects of `cls` are sized: (size_kind, preheader, values_kind, values_bytes, traverse)."""
    flags = type_flags(cls)
    method = _lookup(cls, "__sizeof__")
    size_kind = _SIZE_FALLBACK
    if type(method) is MethodDescriptorType and _in_mro(cls, method.__objclass__):
        size_kind = _SIZE_GETSIZEOF
    preheader = 0
    if flags & HAVE_GC:
        preheader += GC_HEADER
    if flags & _PREHEADER:
        preheader += 2 * POINTER
    values_kind = _VALUES_NONE
    values_bytes = 0        # 3.13: the class's current slot count instead
    if fd >= 0 and flags & HEAPTYPE:
        if VERSION >= (3, 13) and flags & INLINE_VALUES:
            values_kind = _VALUES_INLINE
            values_bytes = _shared_slots(fd, cls)
        elif VERSION >= (3, 11) and flags & MANAGED_DICT:
            values_kind = _VALUES_TAGGED if VERSION >= (3, 12) else _VALUES_POINTER
            slots = _shared_slots(fd, cls)
            if slots:
                values_bytes = round_up(slots + 2, POINTER) + POINTER * slots
    return (size_kind, preheader, values_kind, values_bytes, bool(flags & HAVE_GC))


def _fallback_size(obj, cls, preheader):
    size = _object_sizeof(obj)
    if VERSION < (3, 11):
        # sys.getsizeof adds the GC header when _PyObject_IS_GC(obj); for a
        # class object that depends on the class being a heap type.
        if preheader and _in_mro(cls, type) and not type_flags(obj) & HEAPTYPE:
            return size
    return size + preheader


def _values_size(obj, kind, values_bytes, fd):
    try:
        if kind == _VALUES_POINTER:
            return values_bytes if read_word(fd, id(obj) - 4 * POINTER) else 0
        if kind == _VALUES_TAGGED:
            return values_bytes if read_word(fd, id(obj) - 3 * POINTER) & 1 else 0
        capacity = read_byte(fd, id(obj) + 2 * POINTER)
        if capacity > values_bytes:
            capacity += 1
        return round_up(capacity, POINTER) + POINTER * (capacity + 1)
    except OSError:
        return 0


def object_size(obj, cls, plan, fd):
    """The size charged for `obj` (of type `cls`), as "Sizes" above says.

    `plan` is ``size_plan(cls, fd)``, `fd` is ``memory_fd()`` (or -1 where the
    inline values cannot be read). Shared with ``_sizes.flatsize``.
    """
    size_kind, preheader, values_kind, values_bytes, _ = plan
    if size_kind == _SIZE_GETSIZEOF:
        try:
            size = _getsizeof(obj)
        except Exception:
            size = _fallback_size(obj, cls, preheader)
    else:
        size = _fallback_size(obj, cls, preheader)
    if values_kind:
        size += _values_size(obj, values_kind, values_bytes, fd)
    return size


def _account(obj, cls, plans, totals, fd):
    """Count one object; return whether to follow its references."""
    plan = plans.get(id(cls))
    if plan is None:
        plan = plans[id(cls)] = size_plan(cls, fd)
    size = object_size(obj, cls, plan, fd)
    traverse = plan[4]
    source = None
    if cls is FunctionType:
        source = _str_str(_function_name(obj))
        key = (id(cls), source)
    elif cls is FrameType:
        source = _str_str(_code_name(_frame_code(obj)))
        key = (id(cls), source)
    elif cls is ModuleType:
        source = obj
        key = (id(cls), id(obj))
    else:
        key = id(cls)
    total = totals.get(key)
    if total is None:
        totals[key] = [cls, source, 1, size]
    else:
        total[2] += 1
        total[3] += size
    return traverse


# -- what only the agent holds ---------------------------------------------------

HELD_MAX_NODES = 1 << 22
_getrefcount = getattr(sys, "getrefcount", None)


def _refcount_overhead():
    """What `_getrefcount(nodes[position])` adds to an object's own references."""
    probe = [object()]
    nodes = [probe[0]]
    return _getrefcount(nodes[0]) - 1       # probe is its one reference


_REFCOUNT_OVERHEAD = _refcount_overhead() if _getrefcount is not None else 0


def held_only(held, excluded, use_accel=None):
    """What only the dicts and lists `held` keep alive, as a list.

    Each reference a container of `held` makes is one the agent holds. The
    agent letting go is played out on reference counts, as ``hs_held_only``
    in _heapwalk.c does (and says how), with the same result: what would be
    freed at once is returned. An object in a reference cycle is not: it would stay
    until the collector runs, and the census counts uncollected garbage.
    Objects whose ids are in `excluded` (the agent's own) are not followed.
    Without sys.getrefcount (not CPython), nothing.
    """
    if not held:
        return []
    if use_accel is None:
        use_accel = _accel is not None
    if use_accel:
        return _accel.held_only(held, excluded)
    if _getrefcount is None:
        return []
    was_enabled = gc.isenabled()
    gc.disable()                # no finalizer may take a reference meanwhile
    try:
        return _held_only(held, excluded)
    finally:
        if was_enabled:
            gc.enable()


def _held_only(held, excluded):
    nodes = []
    index = {}
    refs = []
    agent = set()               # positions of the holders
    for holder in held:
        if (type(holder) is dict or type(holder) is list) and id(holder) not in index:
            index[id(holder)] = len(nodes)
            agent.add(len(nodes))
            nodes.append(holder)
            refs.append(0)
    freed = []
    parents = [holder for holder in held if type(holder) is dict or type(holder) is list]
    while parents:
        parent = parents.pop()
        first = len(nodes)
        touched = []
        for ref in _get_referents(parent):
            position = index.get(id(ref))
            if position is None:
                if len(nodes) >= HELD_MAX_NODES:
                    continue
                position = index[id(ref)] = len(nodes)
                nodes.append(ref)
                refs.append(0)
            if position not in agent:
                refs[position] -= 1
                touched.append(position)
        ref = parent = None
        # Counted now that the referents' list is gone: the nodes list and
        # the argument are the only references of this function's.
        for position in range(first, len(nodes)):
            refs[position] += _getrefcount(nodes[position]) - _REFCOUNT_OVERHEAD
        met = set()
        for position in touched:
            if refs[position] == 0 and position not in met:
                met.add(position)
                freed.append(position)
        if not parents:
            while freed and not parents:
                obj = nodes[freed.pop()]
                if type_flags(type(obj)) & HAVE_GC and id(obj) not in excluded:
                    parents.append(obj)
                obj = None
    dead = []
    for position in range(len(nodes)):
        if refs[position] == 0 and position not in agent:
            dead.append(nodes[position])
    return dead


def walk_pure(own, codes, held=None):
    """Walk the heap in Python; return (type, source, count, size) entries.

    `own`: objects to exclude, by identity. `codes`: code objects whose frames
    are excluded. `held`: containers whose references are the agent's holds.
    """
    # Made before the roots are listed, so excluded by identity themselves.
    excluded = set()
    for obj in own:
        excluded.add(id(obj))
    excluded.add(id(excluded))
    dead = held_only(held, excluded, False)
    excluded.add(id(dead))
    for obj in dead:
        excluded.add(id(obj))
    obj = None
    roots = gc.get_objects()
    # Everything below is made after the roots were listed, so none of it is
    # a root; it is reachable only from this frame. (No closures here: their
    # cells would exist before the listing.)
    agent_codes = set()
    for code in codes:
        agent_codes.add(id(code))
    seen = set(excluded)
    alive = []          # holds visited objects so that their ids stay unique
    plans = {}          # id(type) -> plan; ids, because a metaclass may define __hash__
    totals = {}         # row key -> [type, source, count, size]
    fd = memory_fd() if VERSION >= (3, 11) else -1
    frame_type = FrameType
    stack = []
    for root in roots:
        if id(root) in excluded:
            continue
        cls = type(root)
        if cls is frame_type and id(_frame_code(root)) in agent_codes:
            continue
        if not _account(root, cls, plans, totals, fd):
            continue
        stack.append(root)
        while stack:
            for ref in _get_referents(stack.pop()):
                if _is_tracked(ref):
                    continue
                ref_id = id(ref)
                if ref_id in seen:
                    continue
                seen.add(ref_id)
                alive.append(ref)
                cls = type(ref)
                if cls is frame_type and id(_frame_code(ref)) in agent_codes:
                    continue
                if _account(ref, cls, plans, totals, fd):
                    stack.append(ref)
    return [tuple(total) for total in totals.values()]


# -- a census message -----------------------------------------------------------

def accelerated():
    return _accel is not None


def _statm():
    """(rss, vms) in bytes from /proc/self/statm, (0, 0) where unknown."""
    try:
        fd = os.open("/proc/self/statm", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            fields = os.read(fd, 256).split()
        finally:
            os.close(fd)
        page = os.sysconf("SC_PAGE_SIZE")
        return int(fields[1]) * page, int(fields[0]) * page
    except (OSError, ValueError, IndexError):
        return 0, 0


def walk(own, codes, use_accel=None, held=None):
    """Return (type, source, count, size) entries, from the accelerator if there is one."""
    if use_accel is None:
        use_accel = _accel is not None
    if use_accel:
        return _accel.walk(own, codes, held)
    return walk_pure(own, codes, held)


def census_rows(own, codes, use_accel=None, held=None):
    """Take a census and return its rows: [[name, count, size], ...], largest first."""
    return build_rows(walk(own, codes, use_accel, held))


def census(own, codes, started, use_accel=None, held=None):
    """Take a census and return the body of a census message (no type/id/label/final).

    `started` is the agent's monotonic start time; `held`, see ``held_only``.
    """
    begin = time.perf_counter()
    rows = build_rows(walk(own, codes, use_accel, held))
    elapsed = time.perf_counter() - begin
    rss, vms = _statm()
    objects = 0
    total = 0
    for row in rows:
        objects += row[1]
        total += row[2]
    return {"time": time.monotonic() - started, "elapsed": elapsed,
            "objects": objects, "bytes": total, "rss": rss, "vms": vms,
            "rows": rows}
