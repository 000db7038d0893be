/* _typetable.c — per-type records: how the census sizes an object of a type
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sizes come from the core types' own C __sizeof__ (called directly), from
 * object.__sizeof__'s formula, or, for other C __sizeof__ methods, from
 * sys.getsizeof, which may run code and so is left until a walk is over.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_accel.h"
#include "_inline_values.h"
#include "_typetable.h"

#define HS_GC_HEADER (2 * sizeof (void *))

/* Filled once at import (hs_type_table_prepare). */
static PyObject *hs_sizeof_name;        /* "__sizeof__" */
static PyObject *hs_object_sizeof;      /* object.__dict__["__sizeof__"] */
static PyObject *hs_getsizeof;          /* sys.getsizeof */
static int hs_static_types_get_header;  /* sys.getsizeof (int) > int.__sizeof__ () */

static PyTypeObject *hs_direct_types[20];
static int hs_n_direct_types;

/* ---- records ----------------------------------------------------------------- */

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

int
hs_type_table_init (HsTypeTable *table)
{
  memset (table, 0, sizeof (*table));
  table->last_record = -1;
  return hs_ptr_table_init (&table->by_type, 512, 1);
}

void
hs_type_table_clear (HsTypeTable *table)
{
  for (Py_ssize_t i = 0; i < table->n_records; i++)
    {
      Py_XDECREF (table->records[i].names);
      Py_XDECREF (table->records[i].type);
    }
  PyMem_RawFree (table->records);
  hs_ptr_table_clear (&table->by_type);
  memset (table, 0, sizeof (*table));
}

Py_ssize_t
hs_type_table_add (HsTypeTable  *table,
                   PyTypeObject *type)
{
  Py_ssize_t index = table->n_records;
  HsTypeRecord *record;

  if (hs_grow ((void **) &table->records, &table->records_capacity,
               index + 1, sizeof (HsTypeRecord)) < 0
      || hs_ptr_table_add (&table->by_type, type, index) < 0)
    return -1;
  record = &table->records[index];
  memset (record, 0, sizeof (*record));
  Py_INCREF (type);
  record->type = type;
  hs_plan_record (record);
  table->n_records++;
  return index;
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

Py_ssize_t
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

/* The size a __sizeof__ or getsizeof call returned (`result`, a new reference
 * or NULL), or -1 with its error cleared. */
static Py_ssize_t
hs_size_result (PyObject *result)
{
  Py_ssize_t size = -1;

  if (result != NULL)
    {
      size = PyLong_AsSsize_t (result);
      Py_DECREF (result);
    }
  if (size < 0)
    PyErr_Clear ();
  return size;
}

Py_ssize_t
hs_getsizeof_size (const HsTypeRecord *record,
                   PyObject           *obj)
{
  Py_ssize_t size = hs_size_result (PyObject_CallOneArg (hs_getsizeof, obj));

  return size < 0 ? hs_fallback_size (record, obj) : size;
}

Py_ssize_t
hs_record_size (const HsTypeRecord *record,
                PyObject           *obj)
{
  switch (record->size_kind)
    {
    case HS_SIZE_OBJECT:
      return hs_object_formula (obj) + hs_getsizeof_header (record, obj);
    case HS_SIZE_DIRECT:
      {
        Py_ssize_t value = hs_size_result (record->sizeof_func (obj, NULL));

        if (value < 0)
          return hs_fallback_size (record, obj);
        return value + hs_getsizeof_header (record, obj);
      }
    case HS_SIZE_DEFERRED:
    case HS_SIZE_FALLBACK:
    default:
      return hs_fallback_size (record, obj);
    }
}

/* ---- at import ---------------------------------------------------------------- */

int
hs_type_table_prepare (void)
{
  PyObject *sys;
  PyObject *result;
  Py_ssize_t with_header;
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
  if (sys == NULL)
    return -1;
  Py_XSETREF (hs_getsizeof, PyObject_GetAttrString (sys, "getsizeof"));
  Py_DECREF (sys);
  if (hs_getsizeof == NULL)
    return -1;

  /* Does sys.getsizeof add the GC header to a static type? (3.11, 3.12.0-1: yes) */
  result = PyObject_CallOneArg (hs_getsizeof, (PyObject *) &PyLong_Type);
  if (result == NULL)
    return -1;
  with_header = PyLong_AsSsize_t (result);
  Py_DECREF (result);
  hs_static_types_get_header = with_header > (Py_ssize_t) sizeof (PyTypeObject);
  return 0;
}
