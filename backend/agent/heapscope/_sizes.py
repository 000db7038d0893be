"""Deep and flat sizes of objects, as Pympler's ``asizeof`` defines them, done right.

Flat size
    ``flatsize(obj)`` is what the census charges one object (see ``_census``,
    "Sizes"): ``sys.getsizeof(obj)``, except that a ``__sizeof__`` written in
    Python is never called (``object.__sizeof__`` plus the header is charged
    instead), and that an instance keeping its attributes inline (CPython
    3.11+, no ``__dict__`` materialized) is also charged its values array,
    which ``sys.getsizeof`` leaves out. It is aligned only if asked
    (``align=8``), as Pympler's ``flatsize``. ``basicsize`` is the type's
    ``__basicsize__`` plus the header ``sys.getsizeof`` adds (GC header,
    managed-dict pre-header); ``itemsize`` is Pympler's item size.

Deep size
    ``asizeof(*objs)`` is the sum of the flat sizes, each rounded up to
    ``align`` (8) bytes, of the given objects and of every object reachable
    from them the way Pympler's ``asizeof`` reaches objects with its default
    options. Every object is counted once, however often it is referenced
    (by identity: two equal strings are two objects). What is followed:

    * list, tuple, set, frozenset: their items; dict and its subclasses:
      keys and values; a module: the keys and values of its namespace, only
      when it is one of the given objects;
    * an instance of a class: its ``__dict__`` (a dict, sized as a dict), or,
      when its attributes are inline, the attribute names and values (the
      names as the dict's keys would be, the values array in the flat size);
      its ``__slots__`` values; a named tuple: its slots and items; an
      exception: ``args``, ``filename``, ``lineno``, ``msg``, ``text``;
    * what Pympler follows for cells, properties, weak references (the
      referent), tracebacks, ``os.stat`` results and the standard iterators
      (what ``gc.get_referents`` gives); a generator: what
      ``gc.get_referents`` gives (Pympler reads ``gi_frame.f_locals``, which
      creates a dict).

    Not sized and not followed, as Pympler's defaults (``code=False``,
    ``ignored=True``): classes, functions, methods, builtins, code objects,
    frames, ``object()``, ``super``, ``classmethod``/``staticmethod``, and
    instances of other types defined in ``builtins`` or ``types`` that none
    of the rules above covers. A C type without rule is sized flat and its
    ``__dict__`` followed, if it has one (``collections.deque``: its items
    are not followed, as in Pympler).

Where Heapscope differs from Pympler
    * Sizing never changes the heap: no ``__dict__`` is materialized (Pympler
      reads ``obj.__dict__``, which on 3.11+ creates a dict for an instance
      with inline values, and counts it); the inline values are read through
      the interpreter's memory (the C accelerator, else ``/proc/self/mem``).
    * No depth limit: the walk is iterative (Pympler stops at 100 levels of
      recursion without a word).
    * ``basicsize`` uses the real GC header (16 bytes on 64-bit CPython 3.8+;
      Pympler assumes 32 when ``_testcapi`` lacks ``SIZEOF_PYGC_HEAD``).
    * Slots are read through their member descriptors, also in classes whose
      name starts with ``_`` (which Pympler's name mangling misses), and no
      property or ``__getattr__`` of a class is called.

Exclusion
    Every function takes ``exclude`` (objects) and ``exclude_ids`` (their
    ``id()``s): an excluded object is neither counted nor followed, so what
    hangs only from it is not counted either -- the agent passes its own
    objects (``_agent._state["own"]``) this way.

The C accelerator (``_accel.deep_size``) does the walk for ``asizeof``; the
rules per type are decided here (``_classify``) for both paths, and the pure
Python walk below gives the same figures. A container of the program's is
read whole (``list(...)``, one C call) before a loop in Python goes over it:
the program's threads run meanwhile, and a loop over a dict or set they
change raises.
"""

import _weakref
import gc
import os
import sys

from . import _census
from ._types import (HEAPTYPE, INLINE_VALUES, MANAGED_DICT, POINTER, VERSION, BuiltinType,
                     CellType, CodeType, FrameType, FunctionType, GeneratorType,
                     GetSetDescriptorType, MappingProxyType, MemberDescriptorType, MethodType,
                     ModuleType, type_basicsize, type_dict, type_dictoffset, type_flags,
                     type_itemsize, type_mro, type_name)

_accel = _census._accel
if _accel is not None and not hasattr(_accel, "deep_size"):
    _accel = None

_ASCII_HEADER = sys.getsizeof("") - 1      # sizeof(PyASCIIObject)

# What to do with an object, by type. The C walk handles the kinds up to
# _NAMEDTUPLE itself and asks _other_refs for _OTHER.
_SKIP = 0           # code or ignored: neither sized nor followed
_LEAF = 1           # sized, nothing followed
_SEQUENCE = 2       # list, tuple, set, frozenset: the items
_DICT = 3           # dict and subclasses: keys and values
_INSTANCE = 4       # __dict__ or inline values, __slots__
_NAMEDTUPLE = 5     # __slots__, then the items
_OTHER = 6          # _other_refs(obj, detail, top)

# Details of _OTHER.
_MODULE = "module"
_ITEMS = "items"
_REFERENTS = "referents"
_WEAK = "weak"
_CELL = "cell"

_CLIP = 80          # names of children are cut to this many characters

_in_mro = _census._in_mro
_lookup = _census._lookup
_module_dict = _census._module_dict
_get_referents = gc.get_referents
_MISSING = _census._MISSING
_WeakRefType = _weakref.ref


def _static_rules():
    """Pympler's static typedefs: type -> (kind, detail).

    Nothing is imported for them (importing weakref or _struct here would
    make their objects the agent's): types of modules loaded later are
    recognized by _classify.
    """
    import _weakref
    rules = {}
    for cls in (complex, float, int, bool, type(Ellipsis), type(None), type(NotImplemented),
                bytearray, bytes, str, range, slice, GetSetDescriptorType, MemberDescriptorType,
                _weakref.ProxyType):
        rules[cls] = (_LEAF, None)
    for cls in (list, tuple, set, frozenset):
        rules[cls] = (_SEQUENCE, None)
    rules[dict] = (_DICT, None)
    rules[MappingProxyType] = (_OTHER, _ITEMS)
    rules[ModuleType] = (_OTHER, _MODULE)
    rules[property] = (_OTHER, ("__doc__", "fdel", "fget", "fset"))
    rules[enumerate] = (_OTHER, ("__doc__",))
    rules[reversed] = (_OTHER, ("__doc__",))
    rules[Exception] = (_OTHER, ("args", "filename", "lineno", "msg", "text"))
    for cls, prefix in ((getattr(os, "stat_result", None), "st_"),
                        (getattr(os, "statvfs_result", None), "f_")):
        if cls is not None:
            rules[cls] = (_OTHER, tuple(sorted(n for n in dir(cls) if n.startswith(prefix))))
    try:
        raise ValueError
    except ValueError as error:
        traceback = type(error.__traceback__)
    rules[traceback] = (_OTHER, ("tb_frame", "tb_lasti", "tb_lineno", "tb_next"))
    rules[_weakref.ref] = (_OTHER, _WEAK)
    for cls in (object, super, type, classmethod, staticmethod, MethodType,
                _weakref.CallableProxyType, FunctionType, BuiltinType, CodeType, FrameType):
        rules[cls] = (_SKIP, None)
    rules[GeneratorType] = (_OTHER, _REFERENTS)
    # The iterators Pympler knows: what gc.get_referents gives.
    samples = [{}.items(), {}.keys(), {}.values(), reversed([]), [], (), {}, bytearray(),
               b"", set(), frozenset(), "", iter(int, 1)]
    for sample in samples:
        try:
            cls = type(iter(sample))
        except TypeError:
            continue
        if cls not in rules:
            rules[cls] = (_OTHER, _REFERENTS)
    return rules


_RULES = {}
for _cls, _rule in _static_rules().items():
    _RULES[id(_cls)] = (_cls, _rule)      # the type is kept, so its id stays its own
del _cls, _rule

_IGNORED_MODULES = ("builtins", "types", __name__)
# Static typedefs of Pympler's whose modules may not be loaded: (module, name, rule).
_LATE_RULES = (("weakref", "KeyedRef", (_OTHER, _WEAK)), ("_struct", "Struct", (_LEAF, None)))
_DICT_LIKE = {"weakref": ("WeakKeyDictionary", "WeakValueDictionary")}


def _module_of(cls):
    """An instance's __module__ as attribute lookup finds it in the class (no user code)."""
    value = _lookup(cls, "__module__")
    return value if type(value) is str else ""


def _classify(obj, cls):
    """(kind, detail) for objects of type `cls`, decided as Pympler's _typedef does on `obj`."""
    entry = _RULES.get(id(cls))
    if entry is not None and entry[0] is cls:
        return entry[1]
    if _in_mro(cls, type):
        return (_SKIP, None)                        # classes: code only
    for module, name, rule in _LATE_RULES:
        loaded = sys.modules.get(module)
        if loaded is not None and cls is _module_dict(loaded).get(name):
            return rule
    if _in_mro(cls, ModuleType):
        return (_OTHER, _MODULE)
    if _in_mro(cls, FrameType) or _in_mro(cls, CodeType):
        return (_SKIP, None)
    if callable(obj):
        for base in (BuiltinType, FunctionType, MethodType):
            if _in_mro(cls, base):
                return (_SKIP, None)
        return (_INSTANCE, None)                    # a callable instance
    if _in_mro(cls, dict):
        return (_DICT, None)
    names = _DICT_LIKE.get(_module_of(cls))
    name = type_name(cls)
    if names and type(name) is str and name in names:
        return (_OTHER, _ITEMS)
    if _in_mro(cls, CellType):
        return (_OTHER, _CELL)
    if _in_mro(cls, tuple) and _lookup(cls, "_fields") is not None:
        return (_NAMEDTUPLE, None)
    array = sys.modules.get("array")
    if array is not None and _in_mro(cls, _module_dict(array).get("array")):
        return (_LEAF, None)
    if _module_of(cls) in _IGNORED_MODULES:
        return (_SKIP, None)
    if _in_mro(cls, Exception):
        return (_OTHER, ("args", "filename", "lineno", "msg", "text"))
    return (_INSTANCE, None)


# -- reading an instance's attributes without creating its __dict__ ---------------

def _slot_descriptors(cls):
    """The member descriptors of the __slots__ of `cls` and its bases, first name wins."""
    found = []
    names = set()
    mro = type_mro(cls) or ()
    for base in mro:
        if not type_flags(base) & HEAPTYPE:
            continue
        namespace = type_dict(base)
        if "__slots__" not in namespace:
            continue
        for name, value in namespace.items():
            if type(value) is MemberDescriptorType and value.__objclass__ is base \
                    and type(name) is str and name not in names:
                names.add(name)
                found.append((name, value))
    return found


def _slot_values(obj, descriptors):
    """(name, value) of the slots that are set."""
    values = []
    for name, descriptor in descriptors:
        try:
            values.append((name, descriptor.__get__(obj)))
        except AttributeError:
            pass
    return values


class _Reader:
    """Reads interpreter memory for the pure path: instance dicts and inline values.

    Made once per walk; caches per class the slots and where the shared keys are.
    """

    def __init__(self):
        self.fd = _census.memory_fd()
        self.plans = {}         # id(type) -> census size plan
        self.rules = {}         # id(type) -> (kind, detail)
        self.slots = {}         # id(type) -> slot descriptors
        self.keys = {}          # (keys address, entries) -> key addresses
        self.strings = {}       # key address -> (size, text)
        self.alive = []         # types seen: their ids stay theirs during the walk

    def rule(self, obj, cls):
        rule = self.rules.get(id(cls))
        if rule is None:
            rule = self.rules[id(cls)] = _classify(obj, cls)
            self.alive.append(cls)
        return rule

    def flat(self, obj, cls):
        plan = self.plans.get(id(cls))
        if plan is None:
            plan = self.plans[id(cls)] = _census.size_plan(cls, self.fd)
            self.alive.append(cls)
        return _census.object_size(obj, cls, plan, self.fd)

    def slot_descriptors(self, cls):
        found = self.slots.get(id(cls))
        if found is None:
            found = self.slots[id(cls)] = _slot_descriptors(cls)
            self.alive.append(cls)
        return found

    def word(self, address):
        return _census.read_word(self.fd, address)

    def attributes(self, obj, cls):
        """(dict or None, [(key address, value)] or None) without creating anything.

        The second item is the inline values, in insertion order of the shared keys.
        """
        flags = type_flags(cls)
        if self.fd < 0:
            return self._attributes_blind(obj, cls)
        try:
            if VERSION >= (3, 11) and flags & MANAGED_DICT:
                return self._managed(obj, cls, flags)
            offset = type_dictoffset(cls)
            if not offset:
                return None, None
            if offset < 0:
                offset += self._var_size(obj, cls)
            address = self.word(id(obj) + offset)
        except OSError:
            return self._attributes_blind(obj, cls)
        return self._referent_at(obj, address), None

    def _var_size(self, obj, cls):
        """_PyObject_VAR_SIZE of `obj`, for a negative tp_dictoffset."""
        items = self.word(id(obj) + 2 * POINTER)
        if VERSION >= (3, 12) and _in_mro(cls, int):
            items >>= 3                             # lv_tag: digit count << 3
        elif items >= 1 << (8 * POINTER - 1):
            items = (1 << (8 * POINTER)) - items   # a negative int's ob_size
        size = type_basicsize(cls) + items * type_itemsize(cls)
        return _census.round_up(size, POINTER)

    def _referent_at(self, obj, address):
        if not address:
            return None
        for ref in _get_referents(obj):
            if id(ref) == address:
                return ref
        return None

    def _managed(self, obj, cls, flags):
        base = id(obj)
        if VERSION >= (3, 13):
            if flags & INLINE_VALUES:
                values = base + type_basicsize(cls)
                header = os.pread(self.fd, 4, values)
                if len(header) == 4 and header[3]:          # values->valid
                    return None, self._inline(obj, cls, values + 8, header[0])
            return self._referent_at(obj, self.word(base - 3 * POINTER)), None
        if VERSION >= (3, 12):
            word = self.word(base - 3 * POINTER)
            if word & 1:
                return None, self._inline(obj, cls, word + 1, None)
            return self._referent_at(obj, word), None
        values = self.word(base - 4 * POINTER)
        if values:
            return None, self._inline(obj, cls, values, None)
        return self._referent_at(obj, self.word(base - 3 * POINTER)), None

    def _inline(self, obj, cls, values, capacity):
        offset = _census.cached_keys_offset(self.fd, cls)
        if offset < 0:
            return []
        keys = self.word(id(cls) + offset)
        if not keys:
            return []
        head = os.pread(self.fd, 32, keys)
        count = int.from_bytes(head[24:32], sys.byteorder)
        if capacity is not None:
            count = min(count, capacity)
        addresses = self.keys.get((keys, count))
        if addresses is None:
            entries = keys + 32 + (1 << head[9])
            data = os.pread(self.fd, 2 * POINTER * count, entries)
            addresses = [int.from_bytes(data[i:i + POINTER], sys.byteorder)
                         for i in range(0, len(data), 2 * POINTER)]
            self.keys[(keys, count)] = addresses
        data = os.pread(self.fd, POINTER * count, values)
        by_id = {}
        for ref in _get_referents(obj):
            by_id[id(ref)] = ref
        pairs = []
        for index in range(count):
            address = int.from_bytes(data[index * POINTER:(index + 1) * POINTER], sys.byteorder)
            if address and address in by_id and index < len(addresses):
                pairs.append((addresses[index], by_id[address]))
        return pairs

    def _attributes_blind(self, obj, cls):
        """Without memory access: the referents that are neither the type nor slots."""
        skip = {id(cls)}
        for _, value in _slot_values(obj, self.slot_descriptors(cls)):
            skip.add(id(value))
        values = [ref for ref in _get_referents(obj) if id(ref) not in skip]
        return None, [(0, value) for value in values]

    def key(self, address):
        """(size, text) of the str at `address`: a key of a class's shared keys."""
        found = self.strings.get(address)
        if found is not None:
            return found
        head = os.pread(self.fd, _ASCII_HEADER + 24, address)
        length = int.from_bytes(head[16:24], sys.byteorder)
        state = int.from_bytes(head[32:36], sys.byteorder)
        kind = (state >> 2) & 7
        if state & (1 << 6):                                # compact ASCII
            data = os.pread(self.fd, length, address + _ASCII_HEADER)
            text = data.decode("ascii")
            found = (_ASCII_HEADER + length + 1, text)
        else:
            header = _ASCII_HEADER + (3 if VERSION < (3, 12) else 2) * POINTER
            data = os.pread(self.fd, length * kind, address + header)
            text = data.decode({1: "latin-1", 2: "utf-16-le", 4: "utf-32-le"}[kind])
            utf8 = self.word(address + _ASCII_HEADER + POINTER)
            extra = 0
            if utf8:
                extra = self.word(address + _ASCII_HEADER) + 1
            found = (sys.getsizeof(text) + extra, text)
        self.strings[address] = found
        return found


def inline_attributes(obj):
    """[[name, value], ...] of the attribute values `obj` keeps inline (3.11+),
    read without creating anything; [] when it keeps none."""
    reader = _Reader()
    try:
        inline = reader.attributes(obj, type(obj))[1]
        if not inline:
            return []
        return [[reader.key(address)[1], value] for address, value in inline if address]
    except (OSError, UnicodeError, KeyError):
        return []


# -- referents --------------------------------------------------------------------

def _class_attribute(cls, name):
    """The value `name` has in the first type dict of the MRO holding it, or _MISSING.

    Compared by content only with str keys: a key of the program's could have
    a __eq__ of its own.
    """
    for base in type_mro(cls) or ():
        for key, value in dict.items(_class_namespace(base)):
            if type(key) is str and key == name:
                return value
    return _MISSING


def _class_namespace(cls):
    """The dict behind type.__dict__ (the mapping proxy refers to it)."""
    for ref in _get_referents(type_dict(cls)):
        if type(ref) is dict:
            return ref
    return {}


def _instance_items(obj, cls):
    """(name, value) pairs of the attributes `obj` keeps in an existing __dict__
    or inline, read without creating or calling anything."""
    reader = _Reader()
    try:
        namespace, inline = reader.attributes(obj, cls)
        found = []
        if type(namespace) is dict:
            found.extend(dict.items(namespace))
        for address, value in inline or ():
            if address:
                found.append((reader.key(address)[1], value))
        return found
    except (OSError, UnicodeError, KeyError):
        return []


def _plain_attribute(obj, name):
    """getattr(obj, name) as far as it can be read without running the program's code.

    A C descriptor of the class (BaseException.args, SyntaxError.msg, a
    __slots__ member) is read; else the value in the instance's __dict__ or
    inline values, unless the class has a data descriptor by that name (a
    property: its getter would run); else a plain class attribute. No
    __getattribute__ or __getattr__ is called. _MISSING when none applies.
    """
    cls = type(obj)
    found = _class_attribute(cls, name)
    descriptor = False
    if found is not _MISSING:
        kind = type(found)
        if kind is MemberDescriptorType or kind is GetSetDescriptorType:
            try:
                return found.__get__(obj, cls)
            except Exception:
                return _MISSING
        if _class_attribute(kind, "__set__") is not _MISSING or \
                _class_attribute(kind, "__delete__") is not _MISSING:
            return _MISSING
        descriptor = _class_attribute(kind, "__get__") is not _MISSING
    for key, value in _instance_items(obj, cls):
        if type(key) is str and key == name:
            return value
    if found is _MISSING or descriptor:
        return _MISSING
    return found


def _call_ref(ref):
    """The referent of a weak reference, by weakref's own C code (not a __call__ of the program's)."""
    if _in_mro(type(ref), _WeakRefType):
        return _WeakRefType.__call__(ref)
    return None


def _mapping_items(obj):
    """[key, value, ...] of a mappingproxy or a weakref dictionary, read without calling
    their Python code (a proxy's mapping may be the program's; WeakKeyDictionary.items
    would change its state while iterating)."""
    cls = type(obj)
    if cls is MappingProxyType:
        for mapping in _get_referents(obj):
            if _in_mro(type(mapping), dict):
                return [item for pair in list(dict.items(mapping)) for item in pair]
        return []
    data = _plain_attribute(obj, "data")
    if type(data) is not dict:
        return []
    name = type_name(cls)
    weak_keys = type(name) is str and name == "WeakKeyDictionary"
    refs = []
    for key, value in list(dict.items(data)):
        if weak_keys:
            key = _call_ref(key)
        else:
            value = _call_ref(value)
        if key is not None and value is not None:
            refs.append(key)
            refs.append(value)
    return refs


def _other_refs(obj, detail, top):
    """The referents of an object of kind _OTHER, as Pympler's refs functions give them."""
    if detail is _REFERENTS:
        return list(_get_referents(obj))
    if detail is _MODULE:
        if not top:
            return []
        namespace = _module_dict(obj)
        return [item for pair in list(dict.items(namespace)) for item in pair] \
            if type(namespace) is dict else []
    if detail is _ITEMS:
        return _mapping_items(obj)
    if detail is _WEAK:
        return [_call_ref(obj)]
    if detail is _CELL:
        try:
            return [obj.cell_contents]
        except (AttributeError, ValueError):
            return []
    refs = []
    for name in detail:
        value = _plain_attribute(obj, name)
        if value is not _MISSING:
            refs.append(value)
    return refs


def _named_other_refs(obj, detail, top):
    if detail is _MODULE or detail is _ITEMS:
        if detail is _MODULE:
            if not top:
                return []
            namespace = _module_dict(obj)
            items = list(dict.items(namespace)) if type(namespace) is dict else []
        else:
            refs = _other_refs(obj, detail, top)
            items = list(zip(refs[0::2], refs[1::2]))
        return _named_items(items)
    if detail is _CELL:
        return [("cell_contents", ref) for ref in _other_refs(obj, detail, top)]
    if detail is _REFERENTS:
        return [("iteref", ref) for ref in _other_refs(obj, detail, top)]
    if detail is _WEAK:
        return [(_name_of(ref), ref) for ref in _other_refs(obj, detail, top)]
    named = []
    for name in detail:
        value = _plain_attribute(obj, name)
        if value is not _MISSING:
            named.append((name, value))
    return named


def _named_items(items):
    named = []
    for key, value in items:
        named.append((_ItemName(key, _ItemName), key))
        named.append((_ItemName(key, value), value))
    return named


class _ItemName:
    """A dict item's name in a breakdown, "[K] key" (`value` is _ItemName
    itself) or "[V] key: value", made when asked (_name_text): a breakdown
    of a million items names fifty."""
    __slots__ = ("key", "value")

    def __init__(self, key, value):
        self.key = key
        self.value = value


def _name_text(name):
    """A breakdown node's name: as given, or an _ItemName's text."""
    if type(name) is not _ItemName:
        return name
    text = _key_text(name.key)
    if name.value is _ItemName:
        return _clip("[K] " + text)
    return _clip("[V] " + text + ": " + _safe_repr(name.value, _CLIP))


# -- names for asized ------------------------------------------------------------

def _clip(text, clip=_CLIP):
    """Pympler's clipping of a long repr: head....tail."""
    if len(text) > clip > 0:
        half = clip // 2 - 2
        if half > 0:
            text = text[:half] + "...." + text[-half:]
    return text


_ATOMS = (int, float, complex, bool, type(None), bytes)


def _safe_repr(obj, budget):
    """A repr that runs no user code: builtin containers and atoms, else <type at 0x..>."""
    cls = type(obj)
    if cls is str:
        return str.__repr__(obj[:budget + 1] if len(obj) > budget else obj)
    for atom in _ATOMS:
        if cls is atom:                 # not `in`: a metaclass __eq__ would run
            return cls.__repr__(obj)
    if cls is list or cls is tuple or cls is set or cls is frozenset or cls is dict:
        opening, closing = {list: "[]", tuple: "()", set: "{}", frozenset: "{}", dict: "{}"}[cls]
        if not obj:
            return {list: "[]", tuple: "()", set: "set()", frozenset: "frozenset()", dict: "{}"}[cls]
        parts = []
        used = 2
        items = obj.items() if cls is dict else obj
        for item in items:
            if used > budget:
                parts.append("...")
                break
            if cls is dict:
                text = _safe_repr(item[0], budget) + ": " + _safe_repr(item[1], budget)
            else:
                text = _safe_repr(item, budget)
            parts.append(text)
            used += len(text) + 2
        text = ", ".join(parts)
        if cls is tuple and len(obj) == 1:
            text += ","
        if cls is frozenset:
            return "frozenset({" + text + "})"
        return opening + text + closing
    name = type_name(cls)
    module = _module_of(cls)
    if type(name) is not str:
        name = "?"
    if module and module != "builtins":
        name = module + "." + name
    return "<%s object at 0x%x>" % (name, id(obj))


def _key_text(key):
    """A dict key as Pympler names it (str(key)), safely, at most about _CLIP characters."""
    if type(key) is str:
        return key if len(key) <= 2 * _CLIP else key[:_CLIP] + key[-_CLIP:]
    return _safe_repr(key, _CLIP)


def _name_of(obj):
    """Pympler's name for an object: a class's, function's or module's name, else its repr."""
    cls = type(obj)
    name = None
    if _in_mro(cls, type):
        name = type_name(obj)
    elif cls is FunctionType:
        name = _census._function_name(obj)
    elif _in_mro(cls, ModuleType):
        namespace = _module_dict(obj)
        name = namespace.get("__name__") if type(namespace) is dict else None
    if type(name) is str:
        return name
    return _clip(_safe_repr(obj, _CLIP))


# -- the pure Python walk -----------------------------------------------------------

def _refs(reader, obj, kind, detail, top, named):
    """The referents of `obj`: ((name, ref), ...) if `named`, else refs.

    An inline attribute name is given as its address (an int, in an _AtKey).
    """
    if kind == _SEQUENCE:
        if named:
            if type(obj) is list or type(obj) is tuple:
                return [("[%d]" % index, item) for index, item in enumerate(obj)]
            return [(_clip(_safe_repr(item, _CLIP)), item) for item in list(obj)]
        return obj
    if kind == _DICT:
        if named:
            return _named_items(list(dict.items(obj)))
        return [item for pair in list(dict.items(obj)) for item in pair]
    if kind == _INSTANCE or kind == _NAMEDTUPLE:
        cls = type(obj)
        refs = []
        if kind == _INSTANCE:
            namespace, inline = reader.attributes(obj, cls)
            if namespace is not None:
                refs.append(("__dict__", namespace) if named else namespace)
            if inline:
                for address, value in inline:
                    if address:
                        text = reader.key(address)[1] if named else None
                        refs.append((_clip("[K] " + text), _AtKey(address)) if named
                                    else _AtKey(address))
                        refs.append((_clip(text), value) if named else value)
                    else:
                        refs.append(("[V]", value) if named else value)
        if named:
            refs.append(("__class__", cls))
        for name, value in _slot_values(obj, reader.slot_descriptors(cls)):
            refs.append((name, value) if named else value)
        if kind == _NAMEDTUPLE:
            # tuple's own C code: a named tuple may have an __iter__ of its own.
            for index in range(tuple.__len__(obj)):
                item = tuple.__getitem__(obj, index)
                refs.append(("[%d]" % index, item) if named else item)
        return refs
    if named:
        return _named_other_refs(obj, detail, top)
    return _other_refs(obj, detail, top)


class _AtKey:
    """The address of an attribute name held in a class's shared keys (pure path)."""
    __slots__ = ("address",)

    def __init__(self, address):
        self.address = address


def _flat(reader, obj, mask):
    """(kind, detail, aligned flat size) of one object; size 0 for _SKIP."""
    cls = type(obj)
    kind, detail = reader.rule(obj, cls)
    if kind == _SKIP:
        return kind, detail, 0
    size = reader.flat(obj, cls)
    return kind, detail, (size + mask) & ~mask


def _walk_pure(reader, top, top_kind, top_detail, seen, mask, keep):
    """The aligned flat sizes of everything reachable from `top` and not in `seen`.

    `top` itself is already sized and in `seen`. Visited objects join `seen`,
    and `keep`, which holds referents made while reading so that ids stay unique.
    """
    total = 0
    stack = [(top, top_kind, top_detail, True)]
    while stack:
        obj, kind, detail, is_top = stack.pop()
        refs = _refs(reader, obj, kind, detail, is_top, False)
        if kind == _OTHER:
            keep.append(refs)
        for ref in refs:
            ref_id = id(ref)
            if ref_id in seen:
                continue
            if type(ref) is _AtKey:
                if ref.address not in seen:
                    seen.add(ref.address)
                    total += (reader.key(ref.address)[0] + mask) & ~mask
                continue
            seen.add(ref_id)
            kind, detail, size = _flat(reader, ref, mask)
            if kind == _SKIP:
                continue
            total += size
            if kind != _LEAF:
                keep.append(ref)
                stack.append((ref, kind, detail, False))
    return total


def _mask(align):
    if align > 1:
        if align & (align - 1):
            raise ValueError("align must be a power of 2: %r" % (align,))
        return align - 1
    return 0


def _start(objs, exclude, exclude_ids):
    """The set of ids not to size, and the given objects that are left, once each."""
    seen = set(exclude_ids)
    for obj in exclude:
        seen.add(id(obj))
    tops = []
    for obj in objs:
        if id(obj) not in seen:
            seen.add(id(obj))
            tops.append(obj)
    return seen, tops


# -- the public functions -------------------------------------------------------------

def flatsize(obj, align=0):
    """The flat size of `obj` in bytes, rounded up to `align` if above 1 (see the module doc)."""
    mask = _mask(align)
    reader = _Reader()
    size = reader.flat(obj, type(obj))
    return (size + mask) & ~mask


def basicsize(obj):
    """The type's __basicsize__ plus the header sys.getsizeof adds (GC, pre-header)."""
    cls = type(obj)
    return type_basicsize(cls) + _census.size_plan(cls, -1)[1]


_ITEM_SIZES = {}
for _cls, _size in ((dict, 24), (MappingProxyType, 24), (set, 16), (frozenset, 16),
                    (str, 1), (bytes, 1), (bytearray, 1), (list, POINTER),
                    (tuple, POINTER), (slice, POINTER), (CodeType, POINTER),
                    (ModuleType, 24 + 3 * POINTER)):
    _ITEM_SIZES[id(_cls)] = (_cls, _size)
del _cls, _size


def itemsize(obj):
    """Pympler's item size: what it multiplies the length by (``__itemsize__`` or a C size)."""
    cls = type(obj)
    entry = _ITEM_SIZES.get(id(cls))
    if entry is not None and entry[0] is cls:
        return entry[1]
    if _in_mro(cls, dict):
        return 24                               # sizeof(PyDictKeyEntry)
    if _in_mro(cls, ModuleType):
        return 24 + 3 * POINTER
    array = sys.modules.get("array")
    if array is not None and _in_mro(cls, _module_dict(array).get("array")):
        # array's own getter: a subclass may define an itemsize property.
        return type_dict(_module_dict(array)["array"])["itemsize"].__get__(obj)
    return type_itemsize(cls)


def accelerated():
    return _accel is not None


def asizeof(*objs, align=8, exclude=(), exclude_ids=(), use_accel=None):
    """The deep size of the given objects together, in bytes (see the module doc).

    Objects reachable from several of them, or several times, count once.
    `exclude` (objects) and `exclude_ids` (their ids) are neither counted nor
    followed. `use_accel` picks the C walk (default: when built) or the pure one.
    """
    mask = _mask(align)
    if use_accel is None:
        use_accel = _accel is not None
    if use_accel:
        return _accel.deep_size(objs, mask, list(exclude), list(exclude_ids),
                                _classify, _other_refs)
    seen, tops = _start(objs, exclude, exclude_ids)
    reader = _Reader()
    keep = []
    total = 0
    for top in tops:
        kind, detail, size = _flat(reader, top, mask)
        if kind == _SKIP:
            continue
        total += size
        if kind != _LEAF:
            total += _walk_pure(reader, top, kind, detail, seen, mask, keep)
    return total


def sizes_of(objs, align=8, use_accel=None):
    """[(deep size, flat size)] of each object in turn, as asized(*objs) at detail 0
    sizes them: what one counts, those after it do not; none under another."""
    if use_accel is None:
        use_accel = _accel is not None
    if use_accel:
        return _accel.deep_sizes(objs, _mask(align), _classify, _other_refs)
    if not objs:
        return []
    nodes = asized(*objs, align=align)
    if len(objs) == 1:
        nodes = (nodes,)
    return [(node.size, node.flat) for node in nodes]


class Asized:
    """One node of asized(): name, size (deep), flat, refs (the children, Asized)."""
    __slots__ = ("name", "size", "flat", "refs")

    def __init__(self, size, flat, refs=(), name=None):
        self.size = size
        self.flat = flat
        self.refs = tuple(refs)
        self.name = name

    def __repr__(self):
        return "Asized(name=%r, size=%d, flat=%d, refs[%d])" % (
            self.name, self.size, self.flat, len(self.refs))

    def get(self, name, default=None):
        """The child named `name`, or `default`."""
        for ref in self.refs:
            if ref.name == name:
                return ref
        return default

    def format(self, depth=-1, indent=""):
        """The tree as text, children largest first, as Pympler's Asized.format."""
        lines = ["%s%s size=%d flat=%d" % (indent, self.name, self.size, self.flat)]
        if depth and self.refs:
            order = sorted(self.refs, key=lambda node: node.size, reverse=True)
            for node in order:
                lines.append(node.format(depth - 1, indent + "    "))
        return "\n".join(lines)


def largest(sizes, count):
    """The indexes of the `count` largest of `sizes`, in their order; the
    earlier first among equals."""
    # A stable sort, also reversed: equals keep their order.
    return sorted(sorted(range(len(sizes)), key=sizes.__getitem__, reverse=True)[:count])


def _sizes_in_turn(reader, objects, seen, mask, keep):
    """[(size, flat)] of each object in turn, as _asized_node sizes nodes one
    after another, past their breakdown: in C, an _AtKey here."""
    sizes = []
    start = 0
    for index in range(len(objects) + 1):
        if index < len(objects) and type(objects[index]) is not _AtKey:
            continue
        if index > start:
            sizes.extend(_accel.deep_sizes(objects[start:index], mask, _classify, _other_refs,
                                           seen, keep))
        if index < len(objects):
            node = _asized_node(reader, objects[index], None, 1, 0, seen, mask, keep)
            sizes.append((node.size, node.flat))
        start = index + 1
    return sizes


def _others(kept, count):
    """The indexes of `count` items not in `kept` (sorted), in order."""
    chosen = set(kept)
    return [index for index in range(count) if index not in chosen]


def _with_the_rest(kept_nodes, other_sizes):
    """The kept nodes, then one for all the others ((size, flat) each): its
    name says how many, its sizes are theirs summed."""
    size = sum(sized[0] for sized in other_sizes)
    flat = sum(sized[1] for sized in other_sizes)
    return kept_nodes + [Asized(size, flat, name="\u2026 %d more" % len(other_sizes))]


def _children(reader, refs, deep, detail, seen, mask, keep, crowd):
    """The Asized of each (name, object) of `refs` in turn, each counting
    what it reaches that the ones before did not; with `crowd`, of more
    than `crowd` children only the largest, then one "… N more" node.

    With the accelerator, the children that give no breakdown are sized in C
    (it reads `seen` whole: only for many children): past `detail`, all of
    them; with `crowd`, all but the largest, found first on a copy of `seen`
    and broken down here before the others are sized, so that what they
    share with the others is theirs."""
    crowded = crowd is not None and len(refs) > crowd
    many = _accel is not None and len(refs) >= 64 and len(refs) * 100 >= len(seen)
    if not many or (deep + 1 < detail and not crowded):
        children = [_asized_node(reader, ref, child_name, deep + 1, detail, seen, mask, keep, crowd)
                    for child_name, ref in refs]
        if not crowded:
            return children
        kept = largest([node.size for node in children], crowd)
        return _with_the_rest([children[index] for index in kept],
                              [(children[index].size, children[index].flat)
                               for index in _others(kept, len(children))])
    objects = [pair[1] for pair in refs]
    if deep + 1 >= detail:
        sizes = _sizes_in_turn(reader, objects, seen, mask, keep)
        if not crowded:
            return [Asized(sized[0], sized[1], name=_name_text(pair[0]))
                    for pair, sized in zip(refs, sizes)]
        kept = largest([sized[0] for sized in sizes], crowd)
        return _with_the_rest([Asized(sizes[index][0], sizes[index][1], name=_name_text(refs[index][0]))
                               for index in kept],
                              [sizes[index] for index in _others(kept, len(refs))])
    kept = largest([sized[0] for sized in _sizes_in_turn(reader, objects, set(seen), mask, keep)],
                   crowd)
    kept_nodes = [_asized_node(reader, objects[index], refs[index][0], deep + 1, detail,
                               seen, mask, keep, crowd) for index in kept]
    rest = [objects[index] for index in _others(kept, len(refs))]
    return _with_the_rest(kept_nodes, _sizes_in_turn(reader, rest, seen, mask, keep))


def _asized_node(reader, obj, name, deep, detail, seen, mask, keep, crowd=None):
    """The Asized of `obj` (not in `seen` yet, or a duplicate: size 0)."""
    name = _name_text(name)
    if type(obj) is _AtKey:
        if obj.address in seen:
            return Asized(0, 0, name=name)
        seen.add(obj.address)
        size = (reader.key(obj.address)[0] + mask) & ~mask
        return Asized(size, size, name=name)
    if id(obj) in seen:
        return Asized(0, 0, name=name)
    seen.add(id(obj))
    kind, kind_detail, flat = _flat(reader, obj, mask)
    if kind == _SKIP:
        return Asized(0, 0, name=name)
    if kind == _LEAF:
        return Asized(flat, flat, name=name)
    keep.append(obj)
    if deep >= detail:
        size = flat + _walk_pure(reader, obj, kind, kind_detail, seen, mask, keep)
        return Asized(size, flat, name=name)
    refs = _refs(reader, obj, kind, kind_detail, deep == 0, True)
    keep.append(refs)
    children = _children(reader, refs, deep, detail, seen, mask, keep, crowd)
    size = flat
    for node in children:
        size += node.size
    return Asized(size, flat, children, name)


def breakdown(obj, detail, crowd):
    """asized(obj, detail=detail), for a node with more than `crowd` children
    only the `crowd` largest broken down further (the others are sized
    whole, in C): the inspector's breakdown, which shows only those. What
    the largest share with the others is counted under them."""
    return _asized_node(_Reader(), obj, _name_of(obj), 0, detail, set(), _mask(8), [], crowd)


def asized(*objs, detail=0, align=8, exclude=(), exclude_ids=()):
    """A size breakdown like Pympler's asized(detail=N): an Asized per object.

    Children are named by attribute name, ``[K] key`` / ``[V] key: value``
    for dict items, ``[i]`` for list and tuple items; down to `detail` levels.
    An object already counted elsewhere in the tree has size 0 where met again.
    One object gives one Asized, several a tuple.
    """
    mask = _mask(align)
    seen = set(exclude_ids)
    for obj in exclude:
        seen.add(id(obj))
    excluded = set(seen)
    given = set()
    for obj in objs:
        if id(obj) not in excluded:
            given.add(id(obj))
    reader = _Reader()
    keep = []
    nodes = []
    done = {}
    # The other given objects are not sized under one (Pympler's exclude_refs);
    # each is taken out of `seen` only while it is sized, and is back in after.
    seen.update(given)
    for obj in objs:
        if id(obj) in done:
            nodes.append(done[id(obj)])
            continue
        name = _name_of(obj)
        if id(obj) in excluded:
            node = Asized(0, 0, name=name)
        else:
            seen.discard(id(obj))
            node = _asized_node(reader, obj, name, 0, detail, seen, mask, keep)
        done[id(obj)] = node
        nodes.append(node)
    return nodes[0] if len(nodes) == 1 else tuple(nodes)
