"""The types the agent tells apart, and what it reads of a type: defined once.

The census (``_census``), the deep sizes (``_sizes``), "why is it alive?"
(``_refs``) and the start-up (``_agent``) take their type handles from here.
Each type is found from an object made for the purpose, never by importing
``types`` or another module: what an import makes at start-up would be the
agent's. The C accelerators use the C API's own type objects.

A type's data is read through ``type``'s own descriptors: ``cls.__flags__``
would run a metaclass's ``__getattribute__`` or property.
"""

import sys

VERSION = sys.version_info[:2]
POINTER = 8 if sys.maxsize > 2 ** 32 else 4
GC_HEADER = 2 * POINTER

# tp_flags bits.
HAVE_GC = 1 << 14
HEAPTYPE = 1 << 9
MANAGED_DICT = 1 << 4
MANAGED_WEAKREF = 1 << 3
INLINE_VALUES = 1 << 2


def _sample_generator():
    yield


def _sample_cell():
    value = None

    def inner():
        return value
    return inner.__closure__[0]


class _SlotsProbe:
    __slots__ = ("probe",)


FunctionType = type(_sample_generator)
CodeType = type(_sample_generator.__code__)
GeneratorType = type(_sample_generator())
CellType = type(_sample_cell())
FrameType = type(sys._getframe())
ModuleType = type(sys)
MethodType = type(_sample_cell.__get__(0))              # a bound method
BuiltinType = type(len)                                 # a C function
MethodDescriptorType = type(object.__dict__["__sizeof__"])    # a C method of a type
SlotWrapperType = type(object.__dict__["__str__"])      # a C slot of a type
MemberDescriptorType = type(_SlotsProbe.__dict__["probe"])    # __slots__, C members
GetSetDescriptorType = type(FunctionType.__dict__["__code__"])
MappingProxyType = type(type.__dict__)

type_mro = type.__dict__["__mro__"].__get__
type_dict = type.__dict__["__dict__"].__get__
type_flags = type.__dict__["__flags__"].__get__
type_name = type.__dict__["__name__"].__get__
type_qualname = type.__dict__["__qualname__"].__get__
type_basicsize = type.__dict__["__basicsize__"].__get__
type_itemsize = type.__dict__["__itemsize__"].__get__
type_dictoffset = type.__dict__["__dictoffset__"].__get__
type_weakrefoffset = type.__dict__["__weakrefoffset__"].__get__
