"""Class tracking: which instances of chosen classes live, how long, how big.

Pympler's ClassTracker, with its names (``track_class``, ``track_object``,
``track_change``, ``detach_class``, ``detach_all``), measured differently:

- Births and deaths come from the class's own allocator and deallocator
  (``_track``: tp_alloc and tp_free replaced in C), not from a wrapped
  ``__init__`` and a weak reference per instance. Every instance is seen,
  also those made by ``copy``, ``pickle`` or ``__new__``, and an untracked
  object costs nothing. Subclasses are tracked with their class, as in
  Pympler, including those defined later.
- Instances that exist when tracking starts are found and tracked too; their
  birth is unknown ("before tracking").
- ``keep`` does not keep instances alive (looking must not change the
  program): it asks Heapscope to keep a dead instance's data in the session.

Every census (a sample, a ``heapscope.snapshot``) measures the live tracked
instances as Pympler's ``create_snapshot`` does: in birth order, one sizer for
all of them, no instance counted under another. The census message carries
what happened since the last one (``report``).

Outside Heapscope, and where the C part is missing, every call is a no-op
(``available()`` says which).
"""

import gc
import os
import sys

try:
    from . import _track
except ImportError:             # another interpreter than the one meson built for
    _track = None

from . import _census
from . import _sizes

_HEAPTYPE = 1 << 9

# Tracked names: index -> [index, name, type name, kind, level, keep, trace, active].
# Classes by identity: id(class) -> index (the class itself is not held).
_registry = {"classes": {}, "by_class": {}, "by_name": {}, "levels": {},
             "dropped": [], "ever": False}
_CLASS, _OBJECT = "class", "object"


def _forget_after_fork():
    """In a child made by fork() nobody drains the logs: stop tracking there."""
    if _track is not None:
        _track.untrack_all()
        _registry["ever"] = False


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def available():
    return _track is not None


def configure(origin):
    if _track is not None:
        _track.configure(origin)


def ever_tracked():
    return _registry["ever"]


def kept_containers():
    """The containers the tracker keeps: the census leaves them out."""
    found = [_registry, _registry["classes"], _registry["by_class"], _registry["by_name"],
             _registry["levels"], _registry["dropped"]]
    found.extend(_registry["classes"].values())
    if _track is not None:
        found.extend(_track.containers())
    return found


def _check_options(name, resolution_level, keep, trace):
    if name is not None and type(name) is not str:
        raise TypeError("name must be a str or None, not %s" % type(name).__name__)
    if type(resolution_level) is not int or resolution_level < 0 or resolution_level > 16:
        raise ValueError("resolution_level must be an int from 0 to 16")
    if type(keep) is not bool or type(trace) is not bool:
        raise TypeError("keep and trace must be True or False")


def _subclasses(cls):
    """cls and every class below it (type.__subclasses__, never a metaclass's)."""
    found = [cls]
    index = 0
    while index < len(found):
        for sub in type.__subclasses__(found[index]):
            if not any(sub is known for known in found):
                found.append(sub)
        index += 1
    return found


def _new_index(name, type_name, kind, level, keep, trace):
    index = len(_registry["classes"]) + 1
    _registry["classes"][index] = [index, name, type_name, kind, level, keep, trace, True]
    _registry["ever"] = True
    _track.set_trace(index, trace)
    return index


def track_class(cls, name=None, resolution_level=0, keep=False, trace=False):
    """Track every instance of `cls` and of its subclasses; see the module doc.

    Tracking a class already tracked changes its options. Raises TypeError
    for what is not a class, or a class defined in C.
    """
    if _track is None:
        return
    if not issubclass(type(cls), type):
        raise TypeError("only classes can be tracked, not %s objects" % type(cls).__name__)
    if not type.__dict__["__flags__"].__get__(cls) & _HEAPTYPE:
        raise TypeError("%s is defined in C; only classes defined in Python can be tracked"
                        % _census.row_name(cls, None))
    _check_options(name, resolution_level, keep, trace)
    if name is None:
        name = "%s.%s" % (_plain(type.__dict__["__module__"].__get__(cls)),
                          type.__dict__["__name__"].__get__(cls))
    index = _registry["by_class"].get(id(cls))
    if index is not None:
        record = _registry["classes"][index]
        record[1], record[4], record[5], record[6], record[7] = (name, resolution_level,
                                                                 keep, trace, True)
        _track.set_trace(index, trace)
    else:
        index = _new_index(name, _census.row_name(cls, None), _CLASS, resolution_level,
                           keep, trace)
        _registry["by_class"][id(cls)] = index
    classes = _subclasses(cls)
    for sub in classes:
        _track.hook(sub, index, True)
        _track.hook_metatype(type(sub))
    _adopt_existing(classes, index)
    return None


def _plain(value):
    return value if type(value) is str else "?"


def _adopt_existing(classes, index):
    """Track the instances that exist already; their birth is unknown."""
    wanted = set()
    for cls in classes:
        wanted.add(id(cls))
    objects = gc.get_objects()
    try:
        for obj in objects:
            if id(type(obj)) in wanted:
                _track.adopt(obj, index, True)
    finally:
        obj = None
        del objects[:]


def track_object(instance, name=None, resolution_level=0, keep=False, trace=False):
    """Track one object, an instance of a class defined in Python. Its birth is now."""
    if _track is None:
        return
    cls = type(instance)
    if not type.__dict__["__flags__"].__get__(cls) & _HEAPTYPE:
        raise TypeError("only instances of classes defined in Python can be tracked, not %s"
                        % _census.row_name(cls, None))
    _check_options(name, resolution_level, keep, trace)
    if _track.tracked_id(instance):
        return
    if name is None:
        name = type.__dict__["__name__"].__get__(cls)
    index = _registry["by_name"].get(name)
    if index is None:
        index = _new_index(name, _census.row_name(cls, None), _OBJECT, resolution_level,
                           keep, trace)
        _registry["by_name"][name] = index
    _track.hook(cls, index, _track_births_of(cls))
    instance_id = _track.adopt(instance, index, False)
    if resolution_level != _registry["classes"][index][4]:
        _registry["levels"][instance_id] = resolution_level


def _track_births_of(cls):
    """Whether births of cls are recorded already (another tracked class holds it)."""
    for base in type.__dict__["__mro__"].__get__(cls):
        if id(base) in _registry["by_class"] and _registry["classes"][
                _registry["by_class"][id(base)]][7]:
            return True
    return False


def track_change(instance, resolution_level=0):
    """Change the resolution level of a tracked object. KeyError if untracked."""
    if _track is None:
        return
    if type(resolution_level) is not int or resolution_level < 0 or resolution_level > 16:
        raise ValueError("resolution_level must be an int from 0 to 16")
    instance_id = _track.tracked_id(instance)
    if not instance_id:
        raise KeyError("the object is not tracked")
    _registry["levels"][instance_id] = resolution_level


def detach_class(cls):
    """No new instances of cls (and its subclasses) are tracked; existing ones still are."""
    if _track is None:
        return
    index = _registry["by_class"].get(id(cls)) if issubclass(type(cls), type) else None
    if index is None:
        raise KeyError("the class is not tracked")
    for sub in _subclasses(cls):
        _track.stop_births(sub)
    _registry["classes"][index][7] = False


def detach_all():
    """Stop tracking every class and object."""
    if _track is None:
        return
    _registry["dropped"].extend(_track.untrack_all())
    for record in _registry["classes"].values():
        record[7] = False
    _registry["by_class"].clear()
    _registry["by_name"].clear()
    _registry["levels"].clear()


def detach_index(index):
    """detach_class for the class tracked under `index` (a request of the app)."""
    record = _registry["classes"].get(index)
    if record is None:
        raise KeyError("no class is tracked under %d" % index)
    if record[3] == _OBJECT:
        record[7] = False
        return
    for cls in _classes_where(lambda cls: _registry["by_class"].get(id(cls)) == index):
        detach_class(cls)
    record[7] = False


def track_classes_named(type_name, **options):
    """track_class for every class the census names `type_name`: their indexes."""
    found = _classes_where(lambda cls: _census.row_name(cls, None) == type_name)
    if not found:
        raise TypeError("no class named %s was found" % type_name)
    indexes = []
    for cls in found:
        track_class(cls, **options)
        indexes.append(_registry["by_class"][id(cls)])
    return indexes


def _classes_where(accept):
    found = []
    objects = gc.get_objects()
    try:
        for obj in objects:
            if issubclass(type(obj), type) and accept(obj):
                found.append(obj)
    finally:
        obj = None
        del objects[:]
    return found


def object_of(instance_id):
    """The live object tracked as `instance_id`, or None (dead, or never tracked)."""
    return _track.object_of(instance_id) if _track is not None else None


def tracked_id(obj):
    return _track.tracked_id(obj) if _track is not None else 0


# -- what a census carries ----------------------------------------------------------

def report(text_of, ctx):
    """See _report; with the collector off meanwhile, as for a census: the lists
    made here would otherwise set off collections of the whole heap."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _report(text_of, ctx)
    finally:
        if was_enabled:
            gc.enable()


def _report(text_of, ctx):
    """The "classes" member of a census message: what changed since the last one.

    `text_of(obj, ctx)` gives an instance's safe description, asked once per
    instance: at the first census after its birth, the first that measures it.
    """
    births, deaths, traces = _track.drain()
    live = _track.live()
    levels = _registry["levels"]
    classes = _registry["classes"]
    sizes = []
    new = set()
    for birth in births:
        new.add(birth[0])
    try:
        by_level = {}
        for entry in live:
            level = levels.get(entry[0], classes[entry[1]][4])
            by_level.setdefault(level, []).append(entry)
        measured = {}       # instance -> (size, flat, detail node or None)
        if list(by_level) == [0]:
            pairs = _sizes.sizes_of([entry[2] for entry in live])
            for entry, pair in zip(live, pairs):
                measured[entry[0]] = (pair[0], pair[1], None)
        else:
            # Mixed levels: each group itemised to its level, the other groups
            # excluded from it (the pure Python sizer).
            for level, entries in sorted(by_level.items()):
                others = [id(other[2]) for other in live
                          if levels.get(other[0], classes[other[1]][4]) != level]
                nodes = _sizes.asized(*[entry[2] for entry in entries], detail=level,
                                      exclude_ids=others)
                if len(entries) == 1:
                    nodes = (nodes,)
                for entry, node in zip(entries, nodes):
                    measured[entry[0]] = (node.size, node.flat,
                                          _plain_node(node, 0) if node.refs else None)
        for entry in live:
            size, flat, detail = measured[entry[0]]
            text = text_of(entry[2], ctx) if entry[0] in new else None
            sizes.append([entry[0], size, flat, text, detail])
    finally:
        live = None
    dropped = _registry["dropped"][:]
    del _registry["dropped"][:]
    return {"tracked": [list(record) for record in classes.values()],
            "born": births,
            "died": deaths,
            "dropped": dropped,
            "traces": [[trace[0], [list(frame) for frame in trace[1]]] for trace in traces],
            "sizes": sizes}


def _plain_node(node, depth):
    refs = []
    if depth < 16:
        for child in node.refs:
            refs.append(_plain_node(child, depth + 1))
    name = node.name if type(node.name) is str else ""
    return {"name": name[:200], "size": node.size, "flat": node.flat, "refs": refs}


def footprint():
    """(live tracked instances, bytes of bookkeeping in C)."""
    return _track.footprint() if _track is not None else (0, 0)
