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

/* LSD radix sort, 16 bits a pass. */
int
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
