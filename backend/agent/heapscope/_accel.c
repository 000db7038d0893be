/* _accel.c: the census heap walk in C.
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * walk (own, codes) returns the same (type, source, count, size) entries as
 * heapscope._census.walk_pure (own, codes); _census.py documents what is
 * counted, what is excluded and how sizes are charged. The walk:
 *
 *   - disables the collector and lists its objects (gc.get_objects ());
 *   - counts every listed object that is not excluded, and follows tp_traverse
 *     from it into untracked objects, to any depth. Untracked containers
 *     (tuples, dicts of atoms) go through a pointer set so each is counted
 *     and followed once. Atoms -- objects of types without GC support, the
 *     bulk of a heap: str, int, float, bytes -- are only appended to an
 *     array, which is radix-sorted by address and counted once per distinct
 *     address at the end: sequential writes and a sequential pass instead of
 *     a random probe of a large hash table per reference;
 *   - aggregates by type in a pointer-keyed table, and by name for functions,
 *     frames and modules, whose Pympler names depend on the object;
 *   - before it lists the roots, adds to the excluded objects what only the
 *     agent's holds keep alive (walk's `held`; held_only below says how).
 *
 * It runs no Python code while it walks: sizes come from the core types' own
 * C __sizeof__ (called directly), from object.__sizeof__'s formula, or, for
 * other C __sizeof__ methods, from sys.getsizeof once the walk is over (those
 * objects are held meanwhile). So the heap cannot change under it, and the
 * borrowed pointers it keeps stay valid.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#if PY_VERSION_HEX < 0x030B0000
# include <frameobject.h>
#endif
#include <structmember.h>
#include <stdint.h>
#include <string.h>

#include "_inline_values.h"

#if PY_VERSION_HEX < 0x03090000
# error "heapscope._accel needs CPython 3.9 or newer (older ones use the pure Python census)"
#endif

#ifndef Py_TPFLAGS_MANAGED_DICT
# define Py_TPFLAGS_MANAGED_DICT 0
#endif
#ifndef Py_TPFLAGS_MANAGED_WEAKREF
# define Py_TPFLAGS_MANAGED_WEAKREF 0
#endif
#ifndef Py_TPFLAGS_INLINE_VALUES
# define Py_TPFLAGS_INLINE_VALUES 0
#endif

#define HS_GC_HEADER (2 * sizeof (void *))


/* ---- pointer sets ------------------------------------------------------- */

typedef struct
{
  uintptr_t *slots;
  size_t mask;
  size_t used;
} HsPtrSet;

static inline size_t
hs_ptr_hash (uintptr_t ptr)
{
  uint64_t x = (uint64_t) ptr >> 4;

  x *= UINT64_C (0x9E3779B97F4A7C15);
  return (size_t) (x ^ (x >> 31));
}

static int
hs_ptr_set_init (HsPtrSet *set,
                 size_t     capacity)
{
  size_t size = 64;

  while (size < capacity)
    size <<= 1;
  set->slots = PyMem_RawCalloc (size, sizeof (uintptr_t));
  if (set->slots == NULL)
    return -1;
  set->mask = size - 1;
  set->used = 0;
  return 0;
}

static void
hs_ptr_set_clear (HsPtrSet *set)
{
  PyMem_RawFree (set->slots);
  set->slots = NULL;
  set->mask = 0;
  set->used = 0;
}

static int
hs_ptr_set_contains (const HsPtrSet *set,
                     const void     *ptr)
{
  uintptr_t key = (uintptr_t) ptr;
  size_t i = hs_ptr_hash (key) & set->mask;

  for (;;)
    {
      uintptr_t slot = set->slots[i];

      if (slot == key)
        return 1;
      if (slot == 0)
        return 0;
      i = (i + 1) & set->mask;
    }
}

static int
hs_ptr_set_grow (HsPtrSet *set)
{
  size_t old_size = set->mask + 1;
  uintptr_t *old = set->slots;
  size_t new_size = old_size * 2;
  uintptr_t *slots = PyMem_RawCalloc (new_size, sizeof (uintptr_t));

  if (slots == NULL)
    return -1;
  for (size_t j = 0; j < old_size; j++)
    {
      if (old[j] != 0)
        {
          size_t i = hs_ptr_hash (old[j]) & (new_size - 1);

          while (slots[i] != 0)
            i = (i + 1) & (new_size - 1);
          slots[i] = old[j];
        }
    }
  PyMem_RawFree (old);
  set->slots = slots;
  set->mask = new_size - 1;
  return 0;
}

/* 1 if added, 0 if it was there, -1 when out of memory. */
static int
hs_ptr_set_add (HsPtrSet   *set,
                const void *ptr)
{
  uintptr_t key = (uintptr_t) ptr;
  size_t i;

  /* At most 3/4 full: linear probing stays short with a mixing hash. */
  if ((set->used + 1) * 4 > (set->mask + 1) * 3 && hs_ptr_set_grow (set) < 0)
    return -1;
  i = hs_ptr_hash (key) & set->mask;
  for (;;)
    {
      uintptr_t slot = set->slots[i];

      if (slot == key)
        return 0;
      if (slot == 0)
        break;
      i = (i + 1) & set->mask;
    }
  set->slots[i] = key;
  set->used++;
  return 1;
}

/* ---- per-type records ---------------------------------------------------- */

typedef enum
{
  HS_SIZE_OBJECT,       /* object.__sizeof__: tp_basicsize + Py_SIZE * tp_itemsize */
  HS_SIZE_DIRECT,       /* a core type's C __sizeof__, called directly */
  HS_SIZE_DEFERRED,     /* another C __sizeof__: sys.getsizeof after the walk */
  HS_SIZE_FALLBACK,     /* a __sizeof__ written in Python: never called */
} HsSizeKind;

typedef enum
{
  HS_VALUES_NONE,
  HS_VALUES_POINTER,    /* 3.11: values pointer in the pre-header */
  HS_VALUES_TAGGED,     /* 3.12: dict-or-values word, bit 0 set for values */
  HS_VALUES_INLINE,     /* 3.13+: values embedded after the object header */
} HsValuesKind;

typedef enum
{
  HS_NAME_NONE,
  HS_NAME_FUNCTION,
  HS_NAME_FRAME,
  HS_NAME_MODULE,
} HsNaming;

typedef struct
{
  PyTypeObject *type;           /* strong reference */
  Py_ssize_t count;
  Py_ssize_t size;
  HsSizeKind size_kind;
  PyCFunction sizeof_func;
  Py_ssize_t preheader;         /* what sys.getsizeof adds to __sizeof__ */
  Py_ssize_t fallback_preheader;
  HsValuesKind values_kind;
  Py_ssize_t values_bytes;
  HsNaming naming;
  PyObject *names;              /* naming != NONE: source -> index in HsWalk.named */
} HsTypeRecord;

/* Per-type records, found by type: the census's and deep_size's. */
typedef struct
{
  HsTypeRecord *records;
  Py_ssize_t n_records;
  Py_ssize_t records_capacity;
  Py_ssize_t *type_slots;       /* type -> record index + 1, open addressing */
  size_t type_mask;
  PyTypeObject *last_type;
  Py_ssize_t last_record;
} HsTypeTable;

typedef struct
{
  PyObject *source;             /* strong reference: a str, or the module */
  Py_ssize_t record;
  Py_ssize_t count;
  Py_ssize_t size;
} HsNamed;

typedef struct
{
  PyObject *object;             /* strong reference, until sized */
  Py_ssize_t record;
  Py_ssize_t named;             /* index in HsWalk.named, or -1 */
  Py_ssize_t extra;             /* inline values, added to the getsizeof result */
} HsDeferred;

typedef struct
{
  HsPtrSet excluded;            /* own objects: never counted, never followed */
  HsPtrSet codes;               /* agent code: its frames are excluded */
  HsPtrSet seen;                /* untracked containers counted (and own objects) */

  PyObject **atoms;             /* references to atoms, duplicates included */
  Py_ssize_t n_atoms;
  Py_ssize_t atoms_capacity;

  HsTypeTable types;

  HsNamed *named;
  Py_ssize_t n_named;
  Py_ssize_t named_capacity;

  HsDeferred *deferred;
  Py_ssize_t n_deferred;
  Py_ssize_t deferred_capacity;

  PyObject **stack;
  Py_ssize_t stack_len;
  Py_ssize_t stack_capacity;

  int failed;                   /* out of memory: the walk gives up */
} HsWalk;

/* Module state, filled once at import. */
static PyObject *hs_sizeof_name;        /* "__sizeof__" */
static PyObject *hs_object_sizeof;      /* object.__dict__["__sizeof__"] */
static PyObject *hs_getsizeof;          /* sys.getsizeof */
static PyObject *hs_gc_get_objects;     /* gc.get_objects */
static int hs_static_types_get_header;  /* sys.getsizeof (int) > int.__sizeof__ () */

static PyTypeObject *hs_direct_types[20];
static int hs_n_direct_types;

static int
hs_grow (void       **array,
         Py_ssize_t  *capacity,
         Py_ssize_t   needed,
         size_t       item_size)
{
  Py_ssize_t size = *capacity > 0 ? *capacity : 64;
  void *grown;

  if (needed <= *capacity)
    return 0;
  while (size < needed)
    size *= 2;
  grown = PyMem_RawRealloc (*array, (size_t) size * item_size);
  if (grown == NULL)
    return -1;
  *array = grown;
  *capacity = size;
  return 0;
}

static int
hs_is_direct_type (PyTypeObject *type)
{
  for (int i = 0; i < hs_n_direct_types; i++)
    if (hs_direct_types[i] == type)
      return 1;
  return 0;
}

static Py_ssize_t
hs_round_up (Py_ssize_t value,
             Py_ssize_t unit)
{
  return (value + unit - 1) / unit * unit;
}

#if PY_VERSION_HEX >= 0x030B0000
/* dk_nentries + dk_usable of the class's shared keys: a new instance's slots. */
static Py_ssize_t
hs_shared_slots (PyTypeObject *type)
{
  const HsDictKeysHead *keys = hs_shared_keys (type);

  if (keys == NULL)
    return 0;
  return keys->dk_usable + keys->dk_nentries;
}

#if PY_VERSION_HEX < 0x030D0000
/* Bytes of a values array CPython 3.11/3.12 allocates for a new instance. */
static Py_ssize_t
hs_shared_values_bytes (PyTypeObject *type)
{
  Py_ssize_t slots = hs_shared_slots (type);

  if (slots == 0)
    return 0;
  return hs_round_up (slots + 2, sizeof (PyObject *)) + (Py_ssize_t) sizeof (PyObject *) * slots;
}
#endif
#endif

static void
hs_plan_record (HsTypeRecord *record)
{
  PyTypeObject *type = record->type;
  unsigned long flags = type->tp_flags;
  PyObject *method = _PyType_Lookup (type, hs_sizeof_name);
  Py_ssize_t preheader = 0;

  record->size_kind = HS_SIZE_FALLBACK;
  if (method == hs_object_sizeof)
    record->size_kind = HS_SIZE_OBJECT;
  else if (method != NULL && Py_IS_TYPE (method, &PyMethodDescr_Type))
    {
      PyMethodDescrObject *descr = (PyMethodDescrObject *) method;
      PyTypeObject *owner = PyDescr_TYPE (descr);

      if (PyType_IsSubtype (type, owner))
        {
          int flags_ok = (descr->d_method->ml_flags & ~METH_COEXIST) == METH_NOARGS;

          if (hs_is_direct_type (owner) && flags_ok)
            {
              record->size_kind = HS_SIZE_DIRECT;
              record->sizeof_func = descr->d_method->ml_meth;
            }
          else
            record->size_kind = HS_SIZE_DEFERRED;
        }
    }

  if (PyType_HasFeature (type, Py_TPFLAGS_HAVE_GC))
    preheader += HS_GC_HEADER;
#if PY_VERSION_HEX >= 0x030C0000
  if (flags & (Py_TPFLAGS_MANAGED_DICT | Py_TPFLAGS_MANAGED_WEAKREF))
    preheader += 2 * sizeof (PyObject *);
#elif PY_VERSION_HEX >= 0x030B0000
  if (flags & Py_TPFLAGS_MANAGED_DICT)
    preheader += 2 * sizeof (PyObject *);
#endif
  record->preheader = preheader;
  record->fallback_preheader = preheader;

  record->values_kind = HS_VALUES_NONE;
  record->values_bytes = 0;
  if (flags & Py_TPFLAGS_HEAPTYPE)
    {
#if PY_VERSION_HEX >= 0x030D0000
      if (flags & Py_TPFLAGS_INLINE_VALUES)
        {
          record->values_kind = HS_VALUES_INLINE;
          record->values_bytes = hs_shared_slots (type);    /* slots, here */
        }
#elif PY_VERSION_HEX >= 0x030C0000
      if (flags & Py_TPFLAGS_MANAGED_DICT)
        {
          record->values_kind = HS_VALUES_TAGGED;
          record->values_bytes = hs_shared_values_bytes (type);
        }
#elif PY_VERSION_HEX >= 0x030B0000
      if (flags & Py_TPFLAGS_MANAGED_DICT)
        {
          record->values_kind = HS_VALUES_POINTER;
          record->values_bytes = hs_shared_values_bytes (type);
        }
#endif
    }

  if (type == &PyFunction_Type)
    record->naming = HS_NAME_FUNCTION;
  else if (type == &PyFrame_Type)
    record->naming = HS_NAME_FRAME;
  else if (type == &PyModule_Type)
    record->naming = HS_NAME_MODULE;
  else
    record->naming = HS_NAME_NONE;
}

static int
hs_type_table_init (HsTypeTable *table)
{
  memset (table, 0, sizeof (*table));
  table->last_record = -1;
  table->type_slots = PyMem_RawCalloc (1024, sizeof (Py_ssize_t));
  if (table->type_slots == NULL)
    return -1;
  table->type_mask = 1023;
  return 0;
}

static void
hs_type_table_clear (HsTypeTable *table)
{
  for (Py_ssize_t i = 0; i < table->n_records; i++)
    {
      Py_XDECREF (table->records[i].names);
      Py_XDECREF (table->records[i].type);
    }
  PyMem_RawFree (table->records);
  PyMem_RawFree (table->type_slots);
  memset (table, 0, sizeof (*table));
}

static Py_ssize_t
hs_record_for (HsTypeTable  *table,
               PyTypeObject *type)
{
  size_t i;
  HsTypeRecord *record;

  if (type == table->last_type)
    return table->last_record;

  i = hs_ptr_hash ((uintptr_t) type) & table->type_mask;
  while (table->type_slots[i] != 0)
    {
      Py_ssize_t index = table->type_slots[i] - 1;

      if (table->records[index].type == type)
        {
          table->last_type = type;
          table->last_record = index;
          return index;
        }
      i = (i + 1) & table->type_mask;
    }

  /* A new type; keep the table at most half full. */
  if ((size_t) (table->n_records + 1) * 2 > table->type_mask + 1)
    {
      size_t new_size = (table->type_mask + 1) * 2;
      Py_ssize_t *slots = PyMem_RawCalloc (new_size, sizeof (Py_ssize_t));

      if (slots == NULL)
        return -1;
      for (Py_ssize_t r = 0; r < table->n_records; r++)
        {
          size_t j = hs_ptr_hash ((uintptr_t) table->records[r].type) & (new_size - 1);

          while (slots[j] != 0)
            j = (j + 1) & (new_size - 1);
          slots[j] = r + 1;
        }
      PyMem_RawFree (table->type_slots);
      table->type_slots = slots;
      table->type_mask = new_size - 1;
      i = hs_ptr_hash ((uintptr_t) type) & table->type_mask;
      while (table->type_slots[i] != 0)
        i = (i + 1) & table->type_mask;
    }
  if (hs_grow ((void **) &table->records, &table->records_capacity,
               table->n_records + 1, sizeof (HsTypeRecord)) < 0)
    return -1;

  record = &table->records[table->n_records];
  memset (record, 0, sizeof (*record));
  Py_INCREF (type);
  record->type = type;
  hs_plan_record (record);
  table->type_slots[i] = table->n_records + 1;
  table->last_type = type;
  table->last_record = table->n_records;
  return table->n_records++;
}

/* ---- sizes ----------------------------------------------------------------- */

static Py_ssize_t
hs_object_formula (PyObject *obj)
{
  PyTypeObject *type = Py_TYPE (obj);
  Py_ssize_t size = 0;

  if (type->tp_itemsize > 0)
    size = Py_SIZE (obj) * type->tp_itemsize;
  return size + type->tp_basicsize;
}

/* The header sys.getsizeof adds to __sizeof__ for this object. */
static Py_ssize_t
hs_getsizeof_header (const HsTypeRecord *record,
                     PyObject           *obj)
{
#if PY_VERSION_HEX >= 0x030B0000
  if (!hs_static_types_get_header && Py_IS_TYPE (obj, &PyType_Type)
      && !PyType_HasFeature ((PyTypeObject *) obj, Py_TPFLAGS_HEAPTYPE))
    return 0;
  return record->preheader;
#else
  return PyObject_IS_GC (obj) ? (Py_ssize_t) HS_GC_HEADER : 0;
#endif
}

/* The size charged for an object whose __sizeof__ is not called. */
static Py_ssize_t
hs_fallback_size (const HsTypeRecord *record,
                  PyObject           *obj)
{
  Py_ssize_t size = hs_object_formula (obj);

#if PY_VERSION_HEX < 0x030B0000
  if (record->fallback_preheader && PyType_Check (obj)
      && !PyType_HasFeature ((PyTypeObject *) obj, Py_TPFLAGS_HEAPTYPE))
    return size;
#endif
  return size + record->fallback_preheader;
}

static Py_ssize_t
hs_values_size (const HsTypeRecord *record,
                PyObject           *obj)
{
  switch (record->values_kind)
    {
    case HS_VALUES_POINTER:
      return ((void **) obj)[-4] != NULL ? record->values_bytes : 0;
    case HS_VALUES_TAGGED:
      return (((uintptr_t *) obj)[-3] & 1) ? record->values_bytes : 0;
    case HS_VALUES_INLINE:
      {
        Py_ssize_t capacity = ((uint8_t *) obj)[sizeof (PyObject)];

        /* Sized before CPython shrank the shared keys' usable count for it. */
        if (capacity > record->values_bytes)
          capacity++;
        return hs_round_up (capacity, sizeof (PyObject *))
               + (Py_ssize_t) sizeof (PyObject *) * (capacity + 1);
      }
    case HS_VALUES_NONE:
    default:
      return 0;
    }
}

/* sys.getsizeof (obj), or the fallback size if it fails: for HS_SIZE_DEFERRED,
 * outside a heap walk (it may run code). */
static Py_ssize_t
hs_getsizeof_size (const HsTypeRecord *record,
                   PyObject           *obj)
{
  PyObject *result = PyObject_CallOneArg (hs_getsizeof, obj);
  Py_ssize_t size = -1;

  if (result != NULL)
    {
      size = PyLong_AsSsize_t (result);
      Py_DECREF (result);
    }
  if (size < 0)
    {
      PyErr_Clear ();
      size = hs_fallback_size (record, obj);
    }
  return size;
}

/* The size charged for obj without its inline values (see _census.py),
 * for every size kind but HS_SIZE_DEFERRED. */
static Py_ssize_t
hs_record_size (const HsTypeRecord *record,
                PyObject           *obj)
{
  switch (record->size_kind)
    {
    case HS_SIZE_OBJECT:
      return hs_object_formula (obj) + hs_getsizeof_header (record, obj);
    case HS_SIZE_DIRECT:
      {
        PyObject *result = record->sizeof_func (obj, NULL);
        Py_ssize_t value = -1;

        if (result != NULL)
          {
            value = PyLong_AsSsize_t (result);
            Py_DECREF (result);
          }
        if (value < 0)
          {
            PyErr_Clear ();
            return hs_fallback_size (record, obj);
          }
        return value + hs_getsizeof_header (record, obj);
      }
    case HS_SIZE_DEFERRED:
    case HS_SIZE_FALLBACK:
    default:
      return hs_fallback_size (record, obj);
    }
}

/* ---- counting ---------------------------------------------------------------- */

static PyObject *
hs_exact_str (PyObject *name)
{
  if (PyUnicode_CheckExact (name))
    {
      Py_INCREF (name);
      return name;
    }
  if (PyUnicode_Check (name))
    return PyUnicode_FromObject (name);       /* a copy, as str.__str__ makes */
  return PyUnicode_FromString ("?");
}

static Py_ssize_t
hs_named_index (HsWalk       *walk,
                Py_ssize_t    record_index,
                PyObject     *obj)
{
  HsTypeRecord *record = &walk->types.records[record_index];
  PyObject *source;
  PyObject *found;
  PyObject *index;
  Py_ssize_t n;

  switch (record->naming)
    {
    case HS_NAME_FUNCTION:
      source = hs_exact_str (((PyFunctionObject *) obj)->func_name);
      break;
    case HS_NAME_FRAME:
      {
        PyCodeObject *code = PyFrame_GetCode ((PyFrameObject *) obj);

        source = hs_exact_str (code->co_name);
        Py_DECREF (code);
      }
      break;
    case HS_NAME_MODULE:
      source = obj;
      Py_INCREF (source);
      break;
    case HS_NAME_NONE:
    default:
      return -1;
    }
  if (source == NULL)
    return -2;

  if (record->names == NULL && (record->names = PyDict_New ()) == NULL)
    goto fail;
  found = PyDict_GetItemWithError (record->names, source);
  if (found != NULL)
    {
      Py_DECREF (source);
      return PyLong_AsSsize_t (found);
    }
  if (PyErr_Occurred ())
    goto fail;

  if (hs_grow ((void **) &walk->named, &walk->named_capacity,
               walk->n_named + 1, sizeof (HsNamed)) < 0)
    goto fail;
  n = walk->n_named;
  index = PyLong_FromSsize_t (n);
  if (index == NULL || PyDict_SetItem (record->names, source, index) < 0)
    {
      Py_XDECREF (index);
      goto fail;
    }
  Py_DECREF (index);
  walk->named[n].source = source;         /* takes the reference */
  walk->named[n].record = record_index;
  walk->named[n].count = 0;
  walk->named[n].size = 0;
  walk->n_named++;
  return n;

fail:
  Py_DECREF (source);
  return -2;
}

static void
hs_account (HsWalk   *walk,
            PyObject *obj)
{
  Py_ssize_t r = hs_record_for (&walk->types, Py_TYPE (obj));
  HsTypeRecord *record;
  Py_ssize_t size;
  Py_ssize_t extra;
  Py_ssize_t named = -1;

  if (r < 0)
    {
      walk->failed = 1;
      return;
    }
  record = &walk->types.records[r];
  extra = record->values_kind != HS_VALUES_NONE ? hs_values_size (record, obj) : 0;

  if (record->naming != HS_NAME_NONE)
    {
      named = hs_named_index (walk, r, obj);
      if (named < 0)
        {
          PyErr_Clear ();
          walk->failed = 1;
          return;
        }
      record = &walk->types.records[r];
    }

  if (record->size_kind == HS_SIZE_DEFERRED)
    {
      if (hs_grow ((void **) &walk->deferred, &walk->deferred_capacity,
                   walk->n_deferred + 1, sizeof (HsDeferred)) < 0)
        {
          walk->failed = 1;
          return;
        }
      Py_INCREF (obj);
      walk->deferred[walk->n_deferred].object = obj;
      walk->deferred[walk->n_deferred].record = r;
      walk->deferred[walk->n_deferred].named = named;
      walk->deferred[walk->n_deferred].extra = extra;
      walk->n_deferred++;
      return;                   /* counted when sized, after the walk */
    }

  size = hs_record_size (record, obj) + extra;
  if (named >= 0)
    {
      walk->named[named].count++;
      walk->named[named].size += size;
    }
  else
    {
      record->count++;
      record->size += size;
    }
}

static int
hs_is_agent_frame (HsWalk   *walk,
                   PyObject *obj)
{
  PyCodeObject *code;
  int found;

  if (!Py_IS_TYPE (obj, &PyFrame_Type) || walk->codes.used == 0)
    return 0;
  code = PyFrame_GetCode ((PyFrameObject *) obj);
  found = hs_ptr_set_contains (&walk->codes, code);
  Py_DECREF (code);
  return found;
}

static int
hs_push (HsWalk   *walk,
         PyObject *obj)
{
  if (hs_grow ((void **) &walk->stack, &walk->stack_capacity,
               walk->stack_len + 1, sizeof (PyObject *)) < 0)
    {
      walk->failed = 1;
      return -1;
    }
  walk->stack[walk->stack_len++] = obj;
  return 0;
}

static int
hs_visit (PyObject *obj,
          void     *arg)
{
  HsWalk *walk = arg;
  int added;

  if (walk->failed || PyObject_GC_IsTracked (obj))
    return 0;                   /* tracked: counted as a root */
  if (!PyObject_IS_GC (obj))
    {
      /* An atom: nothing to follow; counted once after the walk. */
      if (walk->n_atoms == walk->atoms_capacity
          && hs_grow ((void **) &walk->atoms, &walk->atoms_capacity,
                      walk->n_atoms + 1, sizeof (PyObject *)) < 0)
        {
          walk->failed = 1;
          return 0;
        }
      walk->atoms[walk->n_atoms++] = obj;
      return 0;
    }
  added = hs_ptr_set_add (&walk->seen, obj);
  if (added <= 0)
    {
      if (added < 0)
        walk->failed = 1;
      return 0;
    }
  if (hs_is_agent_frame (walk, obj))
    return 0;
  hs_account (walk, obj);
  if (Py_TYPE (obj)->tp_traverse != NULL)
    hs_push (walk, obj);
  return 0;
}

/* LSD radix sort of pointers (8-byte aligned, below 2^51), 16 bits a pass. */
static int
hs_sort_pointers (PyObject  **items,
                  Py_ssize_t  n)
{
  uintptr_t *keys = (uintptr_t *) items;
  uintptr_t *tmp;
  uintptr_t max = 0;
  size_t *counts;

  if (n < 2)
    return 0;
  for (Py_ssize_t i = 0; i < n; i++)
    if (keys[i] > max)
      max = keys[i];
  tmp = PyMem_RawMalloc ((size_t) n * sizeof (uintptr_t));
  counts = PyMem_RawMalloc (65536 * sizeof (size_t));
  if (tmp == NULL || counts == NULL)
    {
      PyMem_RawFree (tmp);
      PyMem_RawFree (counts);
      return -1;
    }
  for (int shift = 3; shift < 64 && (max >> shift) != 0; shift += 16)
    {
      size_t total = 0;

      memset (counts, 0, 65536 * sizeof (size_t));
      for (Py_ssize_t i = 0; i < n; i++)
        counts[(keys[i] >> shift) & 0xFFFF]++;
      for (size_t d = 0; d < 65536; d++)
        {
          size_t c = counts[d];

          counts[d] = total;
          total += c;
        }
      for (Py_ssize_t i = 0; i < n; i++)
        tmp[counts[(keys[i] >> shift) & 0xFFFF]++] = keys[i];
      memcpy (keys, tmp, (size_t) n * sizeof (uintptr_t));
    }
  PyMem_RawFree (tmp);
  PyMem_RawFree (counts);
  return 0;
}

/* Count each distinct atom once (own ones excluded). */
static void
hs_account_atoms (HsWalk *walk)
{
  PyObject *previous = NULL;

  if (hs_sort_pointers (walk->atoms, walk->n_atoms) < 0)
    {
      walk->failed = 1;
      return;
    }
  for (Py_ssize_t i = 0; i < walk->n_atoms && !walk->failed; i++)
    {
      PyObject *obj = walk->atoms[i];

      if (obj == previous)
        continue;
      previous = obj;
      if (walk->excluded.used != 0 && hs_ptr_set_contains (&walk->excluded, obj))
        continue;
      hs_account (walk, obj);
    }
}

static void
hs_follow (HsWalk   *walk,
           PyObject *root)
{
  if (!PyObject_IS_GC (root) || Py_TYPE (root)->tp_traverse == NULL)
    return;
  Py_TYPE (root)->tp_traverse (root, hs_visit, walk);
  while (walk->stack_len > 0 && !walk->failed)
    {
      PyObject *obj = walk->stack[--walk->stack_len];

      Py_TYPE (obj)->tp_traverse (obj, hs_visit, walk);
    }
}

static int
hs_fill_set (HsPtrSet *set,
             PyObject *sequence,
             HsPtrSet *also)
{
  PyObject *fast = PySequence_Fast (sequence, "expected a sequence");
  Py_ssize_t n;

  if (fast == NULL)
    return -1;
  n = PySequence_Fast_GET_SIZE (fast);
  for (Py_ssize_t i = 0; i < n; i++)
    {
      PyObject *item = PySequence_Fast_GET_ITEM (fast, i);

      if (hs_ptr_set_add (set, item) < 0 || (also && hs_ptr_set_add (also, item) < 0))
        {
          Py_DECREF (fast);
          PyErr_NoMemory ();
          return -1;
        }
    }
  Py_DECREF (fast);
  return 0;
}

static void
hs_walk_clear (HsWalk *walk)
{
  for (Py_ssize_t i = 0; i < walk->n_deferred; i++)
    Py_XDECREF (walk->deferred[i].object);
  for (Py_ssize_t i = 0; i < walk->n_named; i++)
    Py_XDECREF (walk->named[i].source);
  PyMem_RawFree (walk->deferred);
  PyMem_RawFree (walk->named);
  hs_type_table_clear (&walk->types);
  PyMem_RawFree (walk->stack);
  PyMem_RawFree (walk->atoms);
  hs_ptr_set_clear (&walk->excluded);
  hs_ptr_set_clear (&walk->codes);
  hs_ptr_set_clear (&walk->seen);
}

/* Size the objects held back during the walk. */
static void
hs_size_deferred (HsWalk *walk)
{
  for (Py_ssize_t i = 0; i < walk->n_deferred; i++)
    {
      HsDeferred *item = &walk->deferred[i];
      HsTypeRecord *record = &walk->types.records[item->record];
      Py_ssize_t size = hs_getsizeof_size (record, item->object) + item->extra;
      if (item->named >= 0)
        {
          walk->named[item->named].count++;
          walk->named[item->named].size += size;
        }
      else
        {
          record->count++;
          record->size += size;
        }
      Py_CLEAR (item->object);
    }
}

static PyObject *
hs_entries (HsWalk *walk)
{
  PyObject *entries = PyList_New (0);

  if (entries == NULL)
    return NULL;
  for (Py_ssize_t i = 0; i < walk->types.n_records; i++)
    {
      HsTypeRecord *record = &walk->types.records[i];
      PyObject *entry;

      if (record->count == 0)
        continue;
      entry = Py_BuildValue ("(OOnn)", (PyObject *) record->type, Py_None,
                             record->count, record->size);
      if (entry == NULL || PyList_Append (entries, entry) < 0)
        goto fail_entry;
      Py_DECREF (entry);
      continue;
    fail_entry:
      Py_XDECREF (entry);
      Py_DECREF (entries);
      return NULL;
    }
  for (Py_ssize_t i = 0; i < walk->n_named; i++)
    {
      HsNamed *named = &walk->named[i];
      PyObject *entry;

      if (named->count == 0)
        continue;
      entry = Py_BuildValue ("(OOnn)", (PyObject *) walk->types.records[named->record].type,
                             named->source, named->count, named->size);
      if (entry == NULL || PyList_Append (entries, entry) < 0)
        {
          Py_XDECREF (entry);
          Py_DECREF (entries);
          return NULL;
        }
      Py_DECREF (entry);
    }
  return entries;
}

/* PyGC_Disable/Enable arrived in 3.10; go through the gc module before. */
#if PY_VERSION_HEX < 0x030A0000
static int
hs_gc_call (const char *name)
{
  PyObject *gc = PyImport_ImportModule ("gc");
  PyObject *result;
  int enabled = 0;

  if (gc == NULL)
    return 0;
  result = PyObject_CallMethod (gc, "isenabled", NULL);
  if (result != NULL)
    enabled = PyObject_IsTrue (result) == 1;
  Py_XDECREF (result);
  result = PyObject_CallMethod (gc, name, NULL);
  Py_XDECREF (result);
  Py_DECREF (gc);
  PyErr_Clear ();
  return enabled;
}


static int
hs_gc_disable (void)
{
  return hs_gc_call ("disable");
}

static void
hs_gc_enable (void)
{
  hs_gc_call ("enable");
}
#else
static int
hs_gc_disable (void)
{
  return PyGC_Disable ();
}

static void
hs_gc_enable (void)
{
  PyGC_Enable ();
}
#endif

/* ---- what only the agent holds -------------------------------------------- */

/* The agent holds some of the program's objects strongly (the objects the
 * app shows that have no weak references, the ones it hands to the main
 * thread to free), each once, in a few containers of its own. A census must
 * count what it would count if the agent let go of them: not an object the
 * program dropped, nor what hangs from it alone.
 *
 * Letting go is played out on reference counts, without touching them: each
 * reference a holder makes takes one off its target's count, and an object
 * left with none would be freed: each reference it makes is taken off in
 * turn. What ends with no reference left is excluded like the agent's own
 * objects. An object in a reference cycle keeps its count, as it would keep
 * its memory until the collector runs: it is counted, as uncollected garbage
 * is. The play stops at HS_HELD_MAX_NODES objects met; what it did not reach
 * keeps its references, so a census can only count more, never fewer, of
 * the program's objects. */

#define HS_HELD_MAX_NODES (1 << 22)

typedef struct
{
  PyObject   *obj;              /* borrowed: no code runs meanwhile */
  Py_ssize_t  refs;             /* references left */
  int         agent;            /* a holder: its references are the agent's */
} HsHeldNode;

typedef struct
{
  uintptr_t  *keys;             /* object -> index in nodes, open addressing */
  Py_ssize_t *values;
  size_t      mask;
  size_t      used;
  HsHeldNode *nodes;
  Py_ssize_t  n_nodes;
  Py_ssize_t  nodes_capacity;
  Py_ssize_t *freed;            /* nodes left with no reference, not yet traversed */
  Py_ssize_t  n_freed;
  Py_ssize_t  freed_capacity;
  int         failed;
} HsHeld;

static Py_ssize_t
hs_held_find (const HsHeld *held,
              PyObject     *obj)
{
  uintptr_t key = (uintptr_t) obj;
  size_t i = hs_ptr_hash (key) & held->mask;

  for (;;)
    {
      if (held->keys[i] == key)
        return held->values[i];
      if (held->keys[i] == 0)
        return -1;
      i = (i + 1) & held->mask;
    }
}

static int
hs_held_grow (HsHeld *held)
{
  size_t old_size = held->mask + 1;
  size_t new_size = old_size * 2;
  uintptr_t *keys = PyMem_RawCalloc (new_size, sizeof (uintptr_t));
  Py_ssize_t *values = PyMem_RawMalloc (new_size * sizeof (Py_ssize_t));

  if (keys == NULL || values == NULL)
    {
      PyMem_RawFree (keys);
      PyMem_RawFree (values);
      return -1;
    }
  for (size_t j = 0; j < old_size; j++)
    if (held->keys[j] != 0)
      {
        size_t i = hs_ptr_hash (held->keys[j]) & (new_size - 1);

        while (keys[i] != 0)
          i = (i + 1) & (new_size - 1);
        keys[i] = held->keys[j];
        values[i] = held->values[j];
      }
  PyMem_RawFree (held->keys);
  PyMem_RawFree (held->values);
  held->keys = keys;
  held->values = values;
  held->mask = new_size - 1;
  return 0;
}

/* The index of a new node for `obj`, or -1. */
static Py_ssize_t
hs_held_add (HsHeld     *held,
             PyObject   *obj,
             Py_ssize_t  refs)
{
  Py_ssize_t n = held->n_nodes;
  size_t i;

  if ((held->used + 1) * 4 > (held->mask + 1) * 3 && hs_held_grow (held) < 0)
    goto fail;
  if (hs_grow ((void **) &held->nodes, &held->nodes_capacity, n + 1, sizeof (HsHeldNode)) < 0)
    goto fail;
  i = hs_ptr_hash ((uintptr_t) obj) & held->mask;
  while (held->keys[i] != 0)
    i = (i + 1) & held->mask;
  held->keys[i] = (uintptr_t) obj;
  held->values[i] = n;
  held->used++;
  held->nodes[n].obj = obj;
  held->nodes[n].refs = refs;
  held->nodes[n].agent = 0;
  held->n_nodes++;
  return n;

fail:
  held->failed = 1;
  return -1;
}

/* tp_traverse visit: a reference of a holder, or of an object being let go. */
static int
hs_held_count (PyObject *obj,
               void     *arg)
{
  HsHeld *held = arg;
  Py_ssize_t i;

  if (obj == NULL || held->failed)
    return 0;
  i = hs_held_find (held, obj);
  if (i < 0)
    {
      if (held->n_nodes >= HS_HELD_MAX_NODES)
        return 0;               /* not reached: it keeps this reference */
      i = hs_held_add (held, obj, Py_REFCNT (obj));
      if (i < 0)
        return 0;
    }
  if (held->nodes[i].agent)
    return 0;
  if (--held->nodes[i].refs == 0)
    {
      if (hs_grow ((void **) &held->freed, &held->freed_capacity,
                   held->n_freed + 1, sizeof (Py_ssize_t)) < 0)
        {
          held->failed = 1;
          return 0;
        }
      held->freed[held->n_freed++] = i;
    }
  return 0;
}

static int
hs_held_traversable (PyObject *obj)
{
  return PyObject_IS_GC (obj) && Py_TYPE (obj)->tp_traverse != NULL;
}

/* What only the `holders` (dicts, lists: each reference they make is one the
 * agent holds) keep alive, as a new array of borrowed pointers (*n_dead of
 * them). Objects in `skip` (the agent's own) are not followed. NULL with an
 * exception set on failure. */
static PyObject **
hs_held_only (const HsPtrSet *skip,
              PyObject       *holders,
              Py_ssize_t     *n_dead)
{
  HsHeld held;
  PyObject *fast;
  PyObject **dead = NULL;
  Py_ssize_t n_holders;
  int result = -1;

  memset (&held, 0, sizeof held);
  held.keys = PyMem_RawCalloc (1024, sizeof (uintptr_t));
  held.values = PyMem_RawMalloc (1024 * sizeof (Py_ssize_t));
  held.mask = 1023;
  fast = PySequence_Fast (holders, "held: expected a sequence");
  if (fast == NULL || held.keys == NULL || held.values == NULL)
    goto out;
  n_holders = PySequence_Fast_GET_SIZE (fast);
  for (Py_ssize_t i = 0; i < n_holders && !held.failed; i++)
    {
      PyObject *holder = PySequence_Fast_GET_ITEM (fast, i);
      Py_ssize_t index;

      if ((!PyDict_Check (holder) && !PyList_Check (holder)) || hs_held_find (&held, holder) >= 0)
        continue;
      index = hs_held_add (&held, holder, 0);
      if (index >= 0)
        held.nodes[index].agent = 1;
    }
  for (Py_ssize_t i = 0; i < n_holders && !held.failed; i++)
    {
      PyObject *holder = PySequence_Fast_GET_ITEM (fast, i);

      if (PyDict_Check (holder) || PyList_Check (holder))
        Py_TYPE (holder)->tp_traverse (holder, hs_held_count, &held);
    }
  while (held.n_freed > 0 && !held.failed)
    {
      PyObject *obj = held.nodes[held.freed[--held.n_freed]].obj;

      if (hs_held_traversable (obj) && (skip->used == 0 || !hs_ptr_set_contains (skip, obj)))
        Py_TYPE (obj)->tp_traverse (obj, hs_held_count, &held);
    }
  if (held.failed)
    goto out;

  dead = PyMem_RawMalloc ((size_t) (held.n_nodes + 1) * sizeof (PyObject *));
  if (dead == NULL)
    goto out;
  *n_dead = 0;
  for (Py_ssize_t i = 0; i < held.n_nodes; i++)
    if (!held.nodes[i].agent && held.nodes[i].refs == 0)
      dead[(*n_dead)++] = held.nodes[i].obj;
  result = 0;

out:
  if (result < 0 && !PyErr_Occurred ())
    PyErr_NoMemory ();
  Py_XDECREF (fast);
  PyMem_RawFree (held.keys);
  PyMem_RawFree (held.values);
  PyMem_RawFree (held.nodes);
  PyMem_RawFree (held.freed);
  return result < 0 ? NULL : dead;
}

/* Adds to walk->excluded what only the `holders` keep alive. */
static int
hs_exclude_held (HsWalk   *walk,
                 PyObject *holders)
{
  Py_ssize_t n_dead = 0;
  PyObject **dead = hs_held_only (&walk->excluded, holders, &n_dead);

  if (dead == NULL)
    return -1;
  for (Py_ssize_t i = 0; i < n_dead; i++)
    if (hs_ptr_set_add (&walk->excluded, dead[i]) < 0 || hs_ptr_set_add (&walk->seen, dead[i]) < 0)
      {
        PyMem_RawFree (dead);
        PyErr_NoMemory ();
        return -1;
      }
  PyMem_RawFree (dead);
  return 0;
}

PyDoc_STRVAR (hs_held_only_doc,
"held_only(held, skip_ids) -> [object, ...]\n\n"
"What only the dicts and lists `held` keep alive (as heapscope._census.held_only);\n"
"objects whose ids are in `skip_ids` are not followed.");

static PyObject *
hs_held_only_py (PyObject         *module,
                 PyObject *const *args,
                 Py_ssize_t        nargs)
{
  HsPtrSet skip;
  PyObject *iterator, *item, *result;
  PyObject **dead;
  Py_ssize_t n_dead = 0;

  if (nargs != 2)
    {
      PyErr_SetString (PyExc_TypeError, "held_only() takes exactly 2 arguments (held, skip_ids)");
      return NULL;
    }
  if (hs_ptr_set_init (&skip, 1024) < 0)
    return PyErr_NoMemory ();
  iterator = PyObject_GetIter (args[1]);
  if (iterator == NULL)
    {
      hs_ptr_set_clear (&skip);
      return NULL;
    }
  while ((item = PyIter_Next (iterator)) != NULL)
    {
      void *pointer = PyLong_AsVoidPtr (item);

      Py_DECREF (item);
      if (pointer == NULL && PyErr_Occurred ())
        break;
      if (pointer != NULL && hs_ptr_set_add (&skip, pointer) < 0)
        {
          PyErr_NoMemory ();
          break;
        }
    }
  Py_DECREF (iterator);
  if (PyErr_Occurred ())
    {
      hs_ptr_set_clear (&skip);
      return NULL;
    }
  /* No Python object is made, and so no collection runs, until the answer. */
  dead = hs_held_only (&skip, args[0], &n_dead);
  hs_ptr_set_clear (&skip);
  if (dead == NULL)
    return NULL;
  result = PyList_New (n_dead);
  if (result != NULL)
    for (Py_ssize_t i = 0; i < n_dead; i++)
      {
        Py_INCREF (dead[i]);
        PyList_SET_ITEM (result, i, dead[i]);
      }
  PyMem_RawFree (dead);
  return result;
}

PyDoc_STRVAR (hs_walk_doc,
"walk(own, codes, held=None) -> [(type, source, count, size), ...]\n\n"
"Walk the heap as heapscope._census.walk_pure does: `own` are objects to\n"
"exclude by identity, `codes` code objects whose frames are excluded,\n"
"`held` dicts and lists whose references are the agent's holds: what only\n"
"they keep alive is excluded too.");

static PyObject *
hs_walk (PyObject  *module,
         PyObject *const *args,
         Py_ssize_t nargs)
{
  HsWalk walk;
  PyObject *no_args[1] = { NULL };
  PyObject *roots = NULL;
  PyObject *entries = NULL;
  int gc_was_enabled;

  if (nargs != 2 && nargs != 3)
    {
      PyErr_SetString (PyExc_TypeError, "walk() takes 2 or 3 arguments (own, codes, held)");
      return NULL;
    }

  memset (&walk, 0, sizeof (walk));
  if (hs_ptr_set_init (&walk.excluded, 1024) < 0 || hs_ptr_set_init (&walk.codes, 256) < 0
      || hs_ptr_set_init (&walk.seen, 1 << 16) < 0)
    {
      hs_walk_clear (&walk);
      return PyErr_NoMemory ();
    }
  if (hs_type_table_init (&walk.types) < 0)
    {
      hs_walk_clear (&walk);
      return PyErr_NoMemory ();
    }

  if (hs_fill_set (&walk.excluded, args[0], &walk.seen) < 0
      || hs_fill_set (&walk.codes, args[1], NULL) < 0)
    {
      hs_walk_clear (&walk);
      return NULL;
    }

  /* No collection (and so no finalizer, no Python code) while we walk. */
  gc_was_enabled = hs_gc_disable ();
  /* Before the roots are listed: their list would add a reference to each. */
  if (nargs == 3 && args[2] != Py_None && hs_exclude_held (&walk, args[2]) < 0)
    goto out;
  /* Called with a non-NULL argument array, as Python code calls it: with
   * NULL, the argument parser would create its keyword tuple on first use,
   * an object the census would then find on the heap. */
  roots = PyObject_Vectorcall (hs_gc_get_objects, no_args, 0, NULL);
  if (roots == NULL || !PyList_Check (roots))
    {
      if (roots != NULL)
        PyErr_SetString (PyExc_TypeError, "gc.get_objects() did not return a list");
      goto out;
    }

  for (Py_ssize_t i = 0, n = PyList_GET_SIZE (roots); i < n && !walk.failed; i++)
    {
      PyObject *root = PyList_GET_ITEM (roots, i);

      if (hs_ptr_set_contains (&walk.excluded, root) || hs_is_agent_frame (&walk, root))
        continue;
      hs_account (&walk, root);
      hs_follow (&walk, root);
    }
  if (!walk.failed)
    hs_account_atoms (&walk);
  Py_CLEAR (roots);
  if (gc_was_enabled)
    {
      hs_gc_enable ();
      gc_was_enabled = 0;
    }

  if (walk.failed)
    {
      if (!PyErr_Occurred ())
        PyErr_NoMemory ();
      goto out;
    }
  hs_size_deferred (&walk);
  entries = hs_entries (&walk);

out:
  if (gc_was_enabled)
    hs_gc_enable ();
  Py_XDECREF (roots);
  hs_walk_clear (&walk);
  return entries;
}

/* ---- deep sizes (heapscope._sizes) ---------------------------------------- */

/* What to do with an object, by type: heapscope._sizes decides (_classify). */
typedef enum
{
  HS_KIND_SKIP,         /* code or ignored: neither sized nor followed */
  HS_KIND_LEAF,         /* sized, nothing followed */
  HS_KIND_SEQUENCE,     /* list, tuple, set, frozenset: the items */
  HS_KIND_DICT,         /* dict and subclasses: keys and values */
  HS_KIND_INSTANCE,     /* __dict__ or inline values, __slots__ */
  HS_KIND_NAMEDTUPLE,   /* __slots__, then the items */
  HS_KIND_OTHER,        /* the list _other_refs (obj, detail, top) returns */
  HS_N_KINDS,
} HsKind;

/* What deep_size keeps per type, beside the census record of the same index. */
typedef struct
{
  HsKind kind;
  PyObject *detail;             /* strong reference */
  Py_ssize_t *slots;            /* offsets of the __slots__ values */
  Py_ssize_t n_slots;
} HsRule;

typedef struct
{
  HsTypeTable types;
  HsRule *rules;                /* by record index */
  Py_ssize_t rules_capacity;

  HsPtrSet seen;                /* given, excluded and sized objects (atoms aside) */
  PyObject **atoms;             /* non-GC leaves, duplicates included */
  Py_ssize_t n_atoms;
  Py_ssize_t atoms_capacity;
  PyObject **stack;
  Py_ssize_t stack_len;
  Py_ssize_t stack_capacity;

  PyObject *keep;               /* what callbacks returned: ids stay unique */
  PyObject *classify;           /* _sizes._classify (obj, type) -> (kind, detail) */
  PyObject *other_refs;         /* _sizes._other_refs (obj, detail, top) -> list */
  Py_ssize_t mask;              /* alignment - 1 */
  Py_ssize_t total;
  int failed;                   /* a Python error is set, or out of memory */
} HsSizer;

static int
hs_sizer_fail (HsSizer *sizer)
{
  if (!PyErr_Occurred ())
    PyErr_NoMemory ();
  sizer->failed = 1;
  return -1;
}

/* The __slots__ of a type and its bases, first name wins (as _sizes._slot_descriptors). */
static int
hs_rule_slots (HsRule       *rule,
               PyTypeObject *type)
{
  PyObject *mro = type->tp_mro;
  PyObject **names = NULL;
  Py_ssize_t names_capacity = 0;
  Py_ssize_t slots_capacity = 0;

  if (mro == NULL || !PyTuple_Check (mro))
    return 0;
  for (Py_ssize_t m = 0; m < PyTuple_GET_SIZE (mro); m++)
    {
      PyTypeObject *base = (PyTypeObject *) PyTuple_GET_ITEM (mro, m);
      PyHeapTypeObject *heap = (PyHeapTypeObject *) base;
      PyMemberDef *members;

      if (!PyType_HasFeature (base, Py_TPFLAGS_HEAPTYPE) || heap->ht_slots == NULL
          || !PyTuple_Check (heap->ht_slots))
        continue;
      /* The members follow the type object, as PyHeapType_GET_MEMBERS said. */
      members = (PyMemberDef *) ((char *) heap + Py_TYPE (base)->tp_basicsize);
      for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE (heap->ht_slots); i++)
        {
          PyObject *name = PyTuple_GET_ITEM (heap->ht_slots, i);
          int known = 0;

          for (Py_ssize_t j = 0; j < rule->n_slots && !known; j++)
            known = PyUnicode_Compare (names[j], name) == 0;
          if (known)
            continue;
          if (hs_grow ((void **) &names, &names_capacity, rule->n_slots + 1,
                       sizeof (PyObject *)) < 0
              || hs_grow ((void **) &rule->slots, &slots_capacity, rule->n_slots + 1,
                          sizeof (Py_ssize_t)) < 0)
            {
              PyMem_RawFree (names);
              return -1;
            }
          names[rule->n_slots] = name;
          rule->slots[rule->n_slots++] = members[i].offset;
        }
    }
  PyMem_RawFree (names);
  return 0;
}

/* The record index for obj's type, planned on first sight; -1 on error. */
static Py_ssize_t
hs_sizer_record (HsSizer  *sizer,
                 PyObject *obj)
{
  PyTypeObject *type = Py_TYPE (obj);
  Py_ssize_t known = sizer->types.n_records;
  Py_ssize_t r = hs_record_for (&sizer->types, type);
  PyObject *result;
  HsRule *rule;
  long kind;

  if (r < 0)
    return hs_sizer_fail (sizer);
  if (r < known)
    return r;

  if (hs_grow ((void **) &sizer->rules, &sizer->rules_capacity, r + 1, sizeof (HsRule)) < 0)
    return hs_sizer_fail (sizer);
  rule = &sizer->rules[r];
  memset (rule, 0, sizeof (*rule));
  rule->kind = HS_KIND_SKIP;
  result = PyObject_CallFunctionObjArgs (sizer->classify, obj, (PyObject *) type, NULL);
  if (result == NULL)
    return hs_sizer_fail (sizer);
  if (!PyTuple_Check (result) || PyTuple_GET_SIZE (result) != 2)
    {
      Py_DECREF (result);
      PyErr_SetString (PyExc_TypeError, "_classify must return (kind, detail)");
      return hs_sizer_fail (sizer);
    }
  kind = PyLong_AsLong (PyTuple_GET_ITEM (result, 0));
  if (kind < 0 || kind >= HS_N_KINDS)
    {
      Py_DECREF (result);
      if (!PyErr_Occurred ())
        PyErr_SetString (PyExc_ValueError, "_classify returned an unknown kind");
      return hs_sizer_fail (sizer);
    }
  rule->kind = (HsKind) kind;
  rule->detail = PyTuple_GET_ITEM (result, 1);
  Py_INCREF (rule->detail);
  Py_DECREF (result);
  if ((rule->kind == HS_KIND_INSTANCE || rule->kind == HS_KIND_NAMEDTUPLE)
      && hs_rule_slots (rule, type) < 0)
    return hs_sizer_fail (sizer);
  return r;
}

/* The flat size of obj, with its inline values, rounded up to the alignment. */
static Py_ssize_t
hs_sizer_flat (HsSizer    *sizer,
               Py_ssize_t  r,
               PyObject   *obj)
{
  const HsTypeRecord *record = &sizer->types.records[r];
  Py_ssize_t size;

  if (record->size_kind == HS_SIZE_DEFERRED)
    size = hs_getsizeof_size (record, obj);
  else
    size = hs_record_size (record, obj);
  if (record->values_kind != HS_VALUES_NONE)
    size += hs_values_size (record, obj);
  return (size + sizer->mask) & ~sizer->mask;
}

static void
hs_sizer_push (HsSizer  *sizer,
               PyObject *obj)
{
  if (hs_grow ((void **) &sizer->stack, &sizer->stack_capacity,
               sizer->stack_len + 1, sizeof (PyObject *)) < 0)
    {
      hs_sizer_fail (sizer);
      return;
    }
  sizer->stack[sizer->stack_len++] = obj;
}

/* A referent: counted and queued unless seen, skipped or failed. */
static void
hs_sizer_reach (HsSizer  *sizer,
                PyObject *obj)
{
  Py_ssize_t r;
  HsKind kind;
  int added;

  if (sizer->failed || obj == NULL)
    return;
  r = hs_sizer_record (sizer, obj);
  if (r < 0)
    return;
  kind = sizer->rules[r].kind;
  if (kind == HS_KIND_SKIP)
    return;
  if (kind == HS_KIND_LEAF && !PyObject_IS_GC (obj))
    {
      /* An atom: counted once after the walk (see hs_account_atoms). */
      if (sizer->n_atoms == sizer->atoms_capacity
          && hs_grow ((void **) &sizer->atoms, &sizer->atoms_capacity,
                      sizer->n_atoms + 1, sizeof (PyObject *)) < 0)
        {
          hs_sizer_fail (sizer);
          return;
        }
      sizer->atoms[sizer->n_atoms++] = obj;
      return;
    }
  added = hs_ptr_set_add (&sizer->seen, obj);
  if (added <= 0)
    {
      if (added < 0)
        hs_sizer_fail (sizer);
      return;
    }
  sizer->total += hs_sizer_flat (sizer, r, obj);
  if (kind != HS_KIND_LEAF)
    hs_sizer_push (sizer, obj);
}

#if PY_VERSION_HEX >= 0x030B0000
/* Reach the inline values of an instance and their names (from the class's
 * shared keys); without inline values in use, set *dict to the materialized
 * __dict__, if any. Nothing is created. */
static void
hs_sizer_inline (HsSizer   *sizer,
                 PyObject  *obj,
                 PyObject **dict)
{
  Py_ssize_t count;
  PyObject **values = hs_inline_values (obj, &count);
  const HsDictKeysHead *keys;

  if (values == NULL)
    {
      *dict = hs_managed_dict (obj);
      return;
    }
  *dict = NULL;
  keys = hs_shared_keys (Py_TYPE (obj));
  if (keys == NULL)
    return;
  if (keys->dk_nentries < count)
    count = keys->dk_nentries;
  for (Py_ssize_t i = 0; i < count && !sizer->failed; i++)
    {
      if (values[i] == NULL)
        continue;
      hs_sizer_reach (sizer, hs_shared_key_name (keys, i));
      hs_sizer_reach (sizer, values[i]);
    }
}
#endif

static void
hs_sizer_instance (HsSizer        *sizer,
                   PyObject       *obj,
                   const HsRule   *rule)
{
  PyObject *dict = NULL;

#if PY_VERSION_HEX >= 0x030B0000
  if (Py_TYPE (obj)->tp_flags & Py_TPFLAGS_MANAGED_DICT)
    hs_sizer_inline (sizer, obj, &dict);
  else
#endif
  if (Py_TYPE (obj)->tp_dictoffset != 0)
    {
      PyObject **pointer = _PyObject_GetDictPtr (obj);

      dict = pointer != NULL ? *pointer : NULL;
    }
  hs_sizer_reach (sizer, dict);
  for (Py_ssize_t i = 0; i < rule->n_slots && !sizer->failed; i++)
    hs_sizer_reach (sizer, *(PyObject **) ((char *) obj + rule->slots[i]));
}

/* Reach everything obj refers to, as its kind says. */
static void
hs_sizer_expand (HsSizer  *sizer,
                 PyObject *obj,
                 int       top)
{
  Py_ssize_t r = hs_sizer_record (sizer, obj);
  const HsRule *rule;

  if (r < 0)
    return;
  rule = &sizer->rules[r];
  switch (rule->kind)
    {
    case HS_KIND_SEQUENCE:
      if (PyList_Check (obj))
        {
          for (Py_ssize_t i = 0; i < PyList_GET_SIZE (obj) && !sizer->failed; i++)
            hs_sizer_reach (sizer, PyList_GET_ITEM (obj, i));
        }
      else if (PyTuple_Check (obj))
        {
          for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE (obj) && !sizer->failed; i++)
            hs_sizer_reach (sizer, PyTuple_GET_ITEM (obj, i));
        }
      else
        {
          PyObject *iterator = PyObject_GetIter (obj);
          PyObject *item;

          if (iterator == NULL)
            {
              hs_sizer_fail (sizer);
              return;
            }
          /* An exact set or frozenset: the items stay in it while we look. */
          while ((item = PyIter_Next (iterator)) != NULL)
            {
              hs_sizer_reach (sizer, item);
              Py_DECREF (item);
            }
          Py_DECREF (iterator);
          if (PyErr_Occurred ())
            hs_sizer_fail (sizer);
        }
      break;
    case HS_KIND_DICT:
      {
        Py_ssize_t pos = 0;
        PyObject *key;
        PyObject *value;

        while (!sizer->failed && PyDict_Next (obj, &pos, &key, &value))
          {
            hs_sizer_reach (sizer, key);
            hs_sizer_reach (sizer, value);
          }
      }
      break;
    case HS_KIND_INSTANCE:
      hs_sizer_instance (sizer, obj, rule);
      break;
    case HS_KIND_NAMEDTUPLE:
      for (Py_ssize_t i = 0; i < rule->n_slots && !sizer->failed; i++)
        hs_sizer_reach (sizer, *(PyObject **) ((char *) obj + rule->slots[i]));
      for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE (obj) && !sizer->failed; i++)
        hs_sizer_reach (sizer, PyTuple_GET_ITEM (obj, i));
      break;
    case HS_KIND_OTHER:
      {
        PyObject *refs = PyObject_CallFunctionObjArgs (sizer->other_refs, obj, rule->detail,
                                                       top ? Py_True : Py_False, NULL);

        if (refs == NULL || !PyList_Check (refs) || PyList_Append (sizer->keep, refs) < 0)
          {
            if (refs != NULL && !PyList_Check (refs))
              PyErr_SetString (PyExc_TypeError, "_other_refs must return a list");
            Py_XDECREF (refs);
            hs_sizer_fail (sizer);
            return;
          }
        Py_DECREF (refs);           /* kept alive by sizer->keep */
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE (refs) && !sizer->failed; i++)
          hs_sizer_reach (sizer, PyList_GET_ITEM (refs, i));
      }
      break;
    case HS_KIND_SKIP:
    case HS_KIND_LEAF:
    case HS_N_KINDS:
    default:
      break;
    }
}

/* Count each distinct atom once, but none given, excluded or counted already. */
static void
hs_sizer_count_atoms (HsSizer *sizer)
{
  PyObject *previous = NULL;

  if (hs_sort_pointers (sizer->atoms, sizer->n_atoms) < 0)
    {
      hs_sizer_fail (sizer);
      return;
    }
  for (Py_ssize_t i = 0; i < sizer->n_atoms && !sizer->failed; i++)
    {
      PyObject *obj = sizer->atoms[i];
      Py_ssize_t r;

      if (obj == previous)
        continue;
      previous = obj;
      if (hs_ptr_set_contains (&sizer->seen, obj))
        continue;
      r = hs_sizer_record (sizer, obj);
      if (r >= 0)
        sizer->total += hs_sizer_flat (sizer, r, obj);
    }
}

static void
hs_sizer_clear (HsSizer *sizer)
{
  for (Py_ssize_t i = 0; i < sizer->types.n_records; i++)
    {
      Py_XDECREF (sizer->rules[i].detail);
      PyMem_RawFree (sizer->rules[i].slots);
    }
  PyMem_RawFree (sizer->rules);
  hs_type_table_clear (&sizer->types);
  hs_ptr_set_clear (&sizer->seen);
  PyMem_RawFree (sizer->atoms);
  PyMem_RawFree (sizer->stack);
  Py_CLEAR (sizer->keep);
}

/* Add every item of a sequence to the seen set: objects, or their ids (as ints). */
static int
hs_sizer_exclude (HsSizer  *sizer,
                  PyObject *sequence,
                  int       ids)
{
  PyObject *fast = PySequence_Fast (sequence, "expected a sequence");

  if (fast == NULL)
    return -1;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE (fast); i++)
    {
      PyObject *item = PySequence_Fast_GET_ITEM (fast, i);
      void *pointer = item;

      if (ids)
        {
          pointer = PyLong_AsVoidPtr (item);
          if (pointer == NULL && PyErr_Occurred ())
            {
              Py_DECREF (fast);
              return -1;
            }
        }
      if (pointer != NULL && hs_ptr_set_add (&sizer->seen, pointer) < 0)
        {
          Py_DECREF (fast);
          PyErr_NoMemory ();
          return -1;
        }
    }
  Py_DECREF (fast);
  return 0;
}

PyDoc_STRVAR (hs_deep_size_doc,
"deep_size(objs, mask, exclude, exclude_ids, classify, other_refs) -> int\n\n"
"The deep size of the objects together, as heapscope._sizes.asizeof computes\n"
"it in Python: `mask` is the alignment less one, `classify` and `other_refs`\n"
"are heapscope._sizes._classify and _other_refs.");

static PyObject *
hs_deep_size (PyObject         *module,
              PyObject *const  *args,
              Py_ssize_t        nargs)
{
  HsSizer sizer;
  PyObject *tops = NULL;
  PyObject *result = NULL;

  if (nargs != 6)
    {
      PyErr_SetString (PyExc_TypeError, "deep_size() takes exactly 6 arguments");
      return NULL;
    }
  memset (&sizer, 0, sizeof (sizer));
  sizer.mask = PyLong_AsSsize_t (args[1]);
  if (sizer.mask < 0 || (sizer.mask & (sizer.mask + 1)) != 0)
    {
      if (!PyErr_Occurred ())
        PyErr_SetString (PyExc_ValueError, "mask must be a power of 2 less one");
      return NULL;
    }
  sizer.classify = args[4];
  sizer.other_refs = args[5];
  sizer.keep = PyList_New (0);
  if (sizer.keep == NULL || hs_type_table_init (&sizer.types) < 0
      || hs_ptr_set_init (&sizer.seen, 1 << 12) < 0)
    {
      hs_sizer_clear (&sizer);
      return PyErr_NoMemory ();
    }
  if (hs_sizer_exclude (&sizer, args[2], 0) < 0 || hs_sizer_exclude (&sizer, args[3], 1) < 0)
    goto out;

  /* The given objects, once each and not excluded, are in the seen set
   * before any is sized: none is counted as a referent of another. */
  tops = PyList_New (0);
  if (tops == NULL)
    goto out;
  {
    PyObject *fast = PySequence_Fast (args[0], "objs must be a sequence");

    if (fast == NULL)
      goto out;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE (fast); i++)
      {
        PyObject *obj = PySequence_Fast_GET_ITEM (fast, i);
        int added = hs_ptr_set_add (&sizer.seen, obj);

        if (added < 0 || (added > 0 && PyList_Append (tops, obj) < 0))
          {
            Py_DECREF (fast);
            if (added < 0)
              PyErr_NoMemory ();
            goto out;
          }
      }
    Py_DECREF (fast);
  }

  for (Py_ssize_t i = 0; i < PyList_GET_SIZE (tops) && !sizer.failed; i++)
    {
      PyObject *top = PyList_GET_ITEM (tops, i);
      Py_ssize_t r = hs_sizer_record (&sizer, top);

      if (r < 0 || sizer.rules[r].kind == HS_KIND_SKIP)
        continue;
      sizer.total += hs_sizer_flat (&sizer, r, top);
      if (sizer.rules[r].kind == HS_KIND_LEAF)
        continue;
      hs_sizer_expand (&sizer, top, 1);
      while (sizer.stack_len > 0 && !sizer.failed)
        hs_sizer_expand (&sizer, sizer.stack[--sizer.stack_len], 0);
    }
  if (!sizer.failed)
    hs_sizer_count_atoms (&sizer);
  if (!sizer.failed)
    result = PyLong_FromSsize_t (sizer.total);

out:
  Py_XDECREF (tops);
  hs_sizer_clear (&sizer);
  return result;
}

static PyMethodDef hs_methods[] = {
  { "walk", (PyCFunction) (void (*) (void)) hs_walk, METH_FASTCALL, hs_walk_doc },
  { "held_only", (PyCFunction) (void (*) (void)) hs_held_only_py, METH_FASTCALL, hs_held_only_doc },
  { "deep_size", (PyCFunction) (void (*) (void)) hs_deep_size, METH_FASTCALL, hs_deep_size_doc },
  { NULL, NULL, 0, NULL },
};

static int
hs_exec (PyObject *module)
{
  PyObject *sys = NULL;
  PyObject *gc = NULL;
  PyObject *result;
  Py_ssize_t with_header = 0;
  PyTypeObject *direct[] = {
    &PyBaseObject_Type, &PyUnicode_Type, &PyBytes_Type, &PyByteArray_Type,
    &PyLong_Type, &PyBool_Type, &PyFloat_Type, &PyComplex_Type,
    &PyTuple_Type, &PyList_Type, &PyDict_Type, &PySet_Type,
    &PyFrozenSet_Type, &PyType_Type, &PyCode_Type, &PyFrame_Type,
    &PyODict_Type, &PyMemoryView_Type, &PyModule_Type, &PyFunction_Type,
  };

  hs_n_direct_types = 0;
  for (size_t i = 0; i < sizeof (direct) / sizeof (direct[0]); i++)
    hs_direct_types[hs_n_direct_types++] = direct[i];

  if (hs_sizeof_name == NULL)
    {
      hs_sizeof_name = PyUnicode_InternFromString ("__sizeof__");
      if (hs_sizeof_name == NULL)
        return -1;
    }
  if (hs_object_sizeof == NULL)
    {
      hs_object_sizeof = _PyType_Lookup (&PyBaseObject_Type, hs_sizeof_name);
      if (hs_object_sizeof == NULL)
        {
          PyErr_SetString (PyExc_RuntimeError, "object has no __sizeof__");
          return -1;
        }
      Py_INCREF (hs_object_sizeof);
    }

  sys = PyImport_ImportModule ("sys");
  gc = PyImport_ImportModule ("gc");
  if (sys == NULL || gc == NULL)
    goto fail;
  Py_XSETREF (hs_getsizeof, PyObject_GetAttrString (sys, "getsizeof"));
  Py_XSETREF (hs_gc_get_objects, PyObject_GetAttrString (gc, "get_objects"));
  if (hs_getsizeof == NULL || hs_gc_get_objects == NULL)
    goto fail;

  /* Does sys.getsizeof add the GC header to a static type? (3.11, 3.12.0-1: yes) */
  result = PyObject_CallOneArg (hs_getsizeof, (PyObject *) &PyLong_Type);
  if (result == NULL)
    goto fail;
  with_header = PyLong_AsSsize_t (result);
  Py_DECREF (result);
  hs_static_types_get_header = with_header > (Py_ssize_t) sizeof (PyTypeObject);

  Py_DECREF (sys);
  Py_DECREF (gc);
  return 0;

fail:
  Py_XDECREF (sys);
  Py_XDECREF (gc);
  return -1;
}

static PyModuleDef_Slot hs_slots[] = {
  { Py_mod_exec, hs_exec },
  { 0, NULL },
};

static struct PyModuleDef hs_module = {
  PyModuleDef_HEAD_INIT,
  .m_name = "heapscope._accel",
  .m_doc = "The C heap walk behind heapscope's census (see heapscope._census).",
  .m_size = 0,
  .m_methods = hs_methods,
  .m_slots = hs_slots,
};

PyMODINIT_FUNC
PyInit__accel (void)
{
  return PyModuleDef_Init (&hs_module);
}
