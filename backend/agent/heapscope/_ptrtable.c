/* _ptrtable.c — sets and maps keyed by object address (see _ptrtable.h)
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "_ptrtable.h"

static int
hs_ptr_table_alloc (HsPtrTable *table,
                    size_t      size,
                    int         with_values)
{
  table->keys = PyMem_RawCalloc (size, sizeof (uintptr_t));
  table->values = with_values ? PyMem_RawMalloc (size * sizeof (Py_ssize_t)) : NULL;
  table->mask = size - 1;
  table->used = 0;
  if (table->keys == NULL || (with_values && table->values == NULL))
    {
      hs_ptr_table_clear (table);
      return -1;
    }
  return 0;
}

int
hs_ptr_table_init (HsPtrTable *table,
                   size_t      expected,
                   int         with_values)
{
  size_t size = 64;

  while (size < expected * 2)
    size <<= 1;
  return hs_ptr_table_alloc (table, size, with_values);
}

void
hs_ptr_table_clear (HsPtrTable *table)
{
  PyMem_RawFree (table->keys);
  PyMem_RawFree (table->values);
  memset (table, 0, sizeof (*table));
}

int
hs_ptr_table_grow (HsPtrTable *table)
{
  HsPtrTable bigger;
  size_t old_size = table->mask + 1;

  if (hs_ptr_table_alloc (&bigger, old_size * 2, table->values != NULL) < 0)
    return -1;
  for (size_t j = 0; j < old_size; j++)
    {
      if (table->keys[j] != 0)
        {
          size_t i = hs_ptr_table_slot (&bigger, table->keys[j]);

          bigger.keys[i] = table->keys[j];
          if (bigger.values != NULL)
            bigger.values[i] = table->values[j];
        }
    }
  bigger.used = table->used;
  hs_ptr_table_clear (table);
  *table = bigger;
  return 0;
}

int
hs_ptr_table_add_objects (HsPtrTable *table,
                          PyObject   *sequence)
{
  PyObject *fast = PySequence_Fast (sequence, "expected a sequence");

  if (fast == NULL)
    return -1;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE (fast); i++)
    {
      if (hs_ptr_table_add (table, PySequence_Fast_GET_ITEM (fast, i), 0) < 0)
        {
          Py_DECREF (fast);
          PyErr_NoMemory ();
          return -1;
        }
    }
  Py_DECREF (fast);
  return 0;
}

int
hs_ptr_table_add_ids (HsPtrTable *table,
                      PyObject   *ids)
{
  PyObject *iterator = PyObject_GetIter (ids);
  PyObject *item;

  if (iterator == NULL)
    return -1;
  while ((item = PyIter_Next (iterator)) != NULL)
    {
      void *pointer = PyLong_AsVoidPtr (item);

      Py_DECREF (item);
      if (pointer == NULL && PyErr_Occurred ())
        break;
      if (pointer != NULL && hs_ptr_table_add (table, pointer, 0) < 0)
        {
          PyErr_NoMemory ();
          break;
        }
    }
  Py_DECREF (iterator);
  return PyErr_Occurred () ? -1 : 0;
}

#define HS_POINTER_ADDRESS(pointer) ((uintptr_t) (pointer))
HS_DEFINE_ADDRESS_SORT (hs_sort_pointer_array, PyObject *, HS_POINTER_ADDRESS)

int
hs_sort_pointers (PyObject  **items,
                  Py_ssize_t  n)
{
  return n < 2 ? 0 : hs_sort_pointer_array (items, (size_t) n);
}
