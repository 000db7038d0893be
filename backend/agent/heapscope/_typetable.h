/* _typetable.h — per-type records: how the census sizes an object of a type
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A record is planned once per type, on first sight, and says how an
 * object of that type is sized (the rule heapscope._census documents under
 * "Sizes") and, for the census, how its row is named. The census walk and
 * the deep sizer each keep a table of them. Include after Python.h.
 */
#pragma once

#include "_ptrtable.h"

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
  HsPtrTable by_type;           /* type -> record index */
  PyTypeObject *last_type;
  Py_ssize_t last_record;
} HsTypeTable;

/* At import: what planning a record looks up once. -1 with an exception set. */
int        hs_type_table_prepare (void);

int        hs_type_table_init    (HsTypeTable        *table);
void       hs_type_table_clear   (HsTypeTable        *table);
/* A record for a type met for the first time: its index, or -1 when out of memory. */
Py_ssize_t hs_type_table_add     (HsTypeTable        *table,
                                  PyTypeObject       *type);

/* The size charged for obj without its inline values (see _census.py),
 * for every size kind but HS_SIZE_DEFERRED. */
Py_ssize_t hs_record_size        (const HsTypeRecord *record,
                                  PyObject           *obj);
/* The inline values charged for obj on top (values_kind != NONE). */
Py_ssize_t hs_values_size        (const HsTypeRecord *record,
                                  PyObject           *obj);
/* sys.getsizeof (obj), or the fallback size if it fails: for HS_SIZE_DEFERRED,
 * outside a heap walk (it may run code). */
Py_ssize_t hs_getsizeof_size     (const HsTypeRecord *record,
                                  PyObject           *obj);

/* The index of the record of `type`, planned on first sight; -1 when out of
 * memory. Inline: a walk asks once per object. */
static inline Py_ssize_t
hs_record_for (HsTypeTable  *table,
               PyTypeObject *type)
{
  Py_ssize_t index;

  if (type == table->last_type)
    return table->last_record;
  index = hs_ptr_table_lookup (&table->by_type, type);
  if (index < 0)
    index = hs_type_table_add (table, type);
  if (index >= 0)
    {
      table->last_type = type;
      table->last_record = index;
    }
  return index;
}
