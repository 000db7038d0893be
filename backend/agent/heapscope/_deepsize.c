/* _deepsize.c — deep sizes in C (heapscope._accel.deep_size)
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * deep_size (objs, mask, exclude, exclude_ids, classify, other_refs) returns
 * what heapscope._sizes.asizeof computes in Python: the flat sizes (the
 * census's, from the per-type records of _typetable.h), each rounded up to
 * the alignment, of the given objects and of everything reachable from them,
 * each once. What to follow is decided per type by _sizes._classify; for
 * the kinds it does not know in C, _sizes._other_refs lists the referents.
 * Atoms are collected in an array and counted once each at the end (the
 * census remembers them in a bitmap instead, _addrset.h: one bitmap's
 * 64 KiB block would cost every small asizeof more than it saves).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

#include "_accel.h"
#include "_inline_values.h"
#include "_ptrtable.h"
#include "_typetable.h"

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

  HsPtrTable seen;              /* given, excluded and sized objects (atoms aside) */
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
  added = hs_ptr_table_add (&sizer->seen, obj, 0);
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

/* Count each distinct atom once, but none given, excluded or counted already;
 * with `remember`, those counted join the seen set (the atoms of one of
 * several objects sized in turn, see deep_sizes). */
static void
hs_sizer_count_atoms (HsSizer *sizer,
                      int      remember)
{
  PyObject *previous = NULL;

  /* Remembered, repeats are found in the seen set: no sort (its fixed cost
   * would be paid for every object of deep_sizes). */
  if (!remember && hs_sort_pointers (sizer->atoms, sizer->n_atoms) < 0)
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
      if (remember)
        {
          int added = hs_ptr_table_add (&sizer->seen, obj, 0);

          if (added < 0)
            {
              hs_sizer_fail (sizer);
              return;
            }
          if (added == 0)
            continue;
        }
      else if (hs_ptr_table_contains (&sizer->seen, obj))
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
  hs_ptr_table_clear (&sizer->seen);
  PyMem_RawFree (sizer->atoms);
  PyMem_RawFree (sizer->stack);
  Py_CLEAR (sizer->keep);
}

PyObject *
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
      || hs_ptr_table_init (&sizer.seen, 1 << 11, 0) < 0)
    {
      hs_sizer_clear (&sizer);
      return PyErr_NoMemory ();
    }
  if (hs_ptr_table_add_objects (&sizer.seen, args[2]) < 0
      || hs_ptr_table_add_ids (&sizer.seen, args[3]) < 0)
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
        int added = hs_ptr_table_add (&sizer.seen, obj, 0);

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
    hs_sizer_count_atoms (&sizer, 0);
  if (!sizer.failed)
    result = PyLong_FromSsize_t (sizer.total);

out:
  Py_XDECREF (tops);
  hs_sizer_clear (&sizer);
  return result;
}

/* The deep size and flat size of each object of `objs`, in turn, with one seen
 * set: what one counts, those after it do not, and no given object is counted
 * under another (Pympler's Asizer with exclude_refs, as ClassTracker's
 * snapshot sizes its tracked objects). */
PyObject *
hs_deep_sizes (PyObject         *module,
               PyObject *const  *args,
               Py_ssize_t        nargs)
{
  HsSizer sizer;
  PyObject *fast = NULL;
  PyObject *result = NULL;
  PyObject *seen_ids = nargs == 6 ? args[4] : NULL;   /* one after another: see the doc */
  PyObject *keep = nargs == 6 ? args[5] : NULL;
  Py_ssize_t n;

  if (nargs != 4 && nargs != 6)
    {
      PyErr_SetString (PyExc_TypeError, "deep_sizes() takes 4 or 6 arguments");
      return NULL;
    }
  if (seen_ids != NULL && (!PySet_Check (seen_ids) || !PyList_Check (keep)))
    {
      PyErr_SetString (PyExc_TypeError, "deep_sizes(): seen must be a set, keep a list");
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
  sizer.classify = args[2];
  sizer.other_refs = args[3];
  fast = PySequence_Fast (args[0], "objs must be a sequence");
  if (fast == NULL)
    return NULL;
  n = PySequence_Fast_GET_SIZE (fast);
  sizer.keep = PyList_New (0);
  if (sizer.keep == NULL || hs_type_table_init (&sizer.types) < 0
      || hs_ptr_table_init (&sizer.seen, (size_t) n * 4 + (1 << 11), 0) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }
  if (seen_ids != NULL)
    {
      if (hs_ptr_table_add_ids (&sizer.seen, seen_ids) < 0)
        goto out;
    }
  else
    for (Py_ssize_t i = 0; i < n; i++)
      if (hs_ptr_table_add (&sizer.seen, PySequence_Fast_GET_ITEM (fast, i), 0) < 0)
        {
          PyErr_NoMemory ();
          goto out;
        }
  result = PyList_New (n);
  for (Py_ssize_t i = 0; result != NULL && i < n && !sizer.failed; i++)
    {
      PyObject *top = PySequence_Fast_GET_ITEM (fast, i);
      Py_ssize_t before = sizer.total;
      Py_ssize_t flat = 0;
      Py_ssize_t r = -1;
      int added = seen_ids != NULL ? hs_ptr_table_add (&sizer.seen, top, 0) : 1;
      PyObject *pair;

      if (added < 0)
        {
          PyErr_NoMemory ();
          Py_CLEAR (result);
          break;
        }
      if (added > 0)
        r = hs_sizer_record (&sizer, top);
      if (r >= 0 && sizer.rules[r].kind != HS_KIND_SKIP)
        {
          flat = hs_sizer_flat (&sizer, r, top);
          sizer.total += flat;
          if (sizer.rules[r].kind != HS_KIND_LEAF)
            {
              hs_sizer_expand (&sizer, top, 1);
              while (sizer.stack_len > 0 && !sizer.failed)
                hs_sizer_expand (&sizer, sizer.stack[--sizer.stack_len], 0);
            }
          if (!sizer.failed)
            hs_sizer_count_atoms (&sizer, 1);
          sizer.n_atoms = 0;
        }
      if (sizer.failed)
        break;
      pair = Py_BuildValue ("(nn)", sizer.total - before, flat);
      if (pair == NULL)
        {
          Py_CLEAR (result);
          break;
        }
      PyList_SET_ITEM (result, i, pair);
    }
  if (sizer.failed)
    Py_CLEAR (result);
  /* One after another: what was counted is seen for whatever comes next,
   * and what callbacks made stays alive as long as the caller's walk. */
  if (result != NULL && seen_ids != NULL)
    {
      for (size_t slot = 0; slot <= sizer.seen.mask; slot++)
        {
          PyObject *id;

          if (sizer.seen.keys[slot] == 0)
            continue;
          id = PyLong_FromVoidPtr ((void *) sizer.seen.keys[slot]);
          if (id == NULL || PySet_Add (seen_ids, id) < 0)
            {
              Py_XDECREF (id);
              Py_CLEAR (result);
              break;
            }
          Py_DECREF (id);
        }
      if (result != NULL && PyList_Append (keep, sizer.keep) < 0)
        Py_CLEAR (result);
    }

out:
  Py_XDECREF (fast);
  hs_sizer_clear (&sizer);
  return result;
}
