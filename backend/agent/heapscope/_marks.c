/* _marks.c — what the heap held at a census: the survivors made since
 * (heapscope._accel.mark_*)
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A leak is what was made after some moment and is still there. A mark
 * remembers the addresses of the objects the collector tracked at a census
 * (the app's first sample, its snapshots), sorted: 8 bytes an object, never
 * followed, only compared. An object at an address the mark does not hold
 * was made since. Objects the collector does not track (str, int, and the
 * tuples and dicts it untracked) are not in any mark, so all count as made
 * since; and an object made since at the address of one that died is taken
 * for the old one.
 *
 * The first mark of the run is kept; of the others, the MARKS_KEPT - 1 last.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>

#include "_accel.h"
#include "_ptrtable.h"

#define MARKS_KEPT 4

typedef struct
{
  double      time;             /* the census's, as its message says it */
  uintptr_t  *addresses;        /* sorted */
  Py_ssize_t  n;
} HsMark;

static HsMark hs_marks[MARKS_KEPT];  /* the GIL guards them */
static Py_ssize_t hs_marks_taken;

static const HsMark *
hs_mark_find (double time)
{
  for (int i = 0; i < MARKS_KEPT; i++)
    if (hs_marks[i].addresses != NULL && hs_marks[i].time == time)
      return &hs_marks[i];
  return NULL;
}

PyObject *
hs_mark_take (PyObject *module,
              PyObject *arg)
{
  double time = PyFloat_AsDouble (arg);
  PyObject *no_args[1] = { NULL };
  PyObject *listed;
  uintptr_t *addresses;
  Py_ssize_t n;
  HsMark *slot;

  if (time == -1.0 && PyErr_Occurred ())
    return NULL;
  /* With a non-NULL argument array: see hs_walk. */
  listed = PyObject_Vectorcall (hs_gc_get_objects, no_args, 0, NULL);
  if (listed == NULL)
    return NULL;
  if (!PyList_Check (listed))
    {
      Py_DECREF (listed);
      PyErr_SetString (PyExc_TypeError, "gc.get_objects() did not return a list");
      return NULL;
    }
  n = PyList_GET_SIZE (listed);
  addresses = PyMem_RawMalloc ((size_t) n * sizeof (uintptr_t) + 1);
  if (addresses == NULL)
    {
      Py_DECREF (listed);
      return PyErr_NoMemory ();
    }
  for (Py_ssize_t i = 0; i < n; i++)
    addresses[i] = (uintptr_t) PyList_GET_ITEM (listed, i);
  Py_DECREF (listed);
  if (hs_sort_pointers ((PyObject **) addresses, n) < 0)
    {
      PyMem_RawFree (addresses);
      return PyErr_NoMemory ();
    }

  slot = hs_marks_taken == 0 ? &hs_marks[0] : &hs_marks[1 + (hs_marks_taken - 1) % (MARKS_KEPT - 1)];
  PyMem_RawFree (slot->addresses);
  slot->time = time;
  slot->addresses = addresses;
  slot->n = n;
  hs_marks_taken++;
  return PyLong_FromSsize_t (n);
}

static int
hs_mark_holds (const HsMark *mark,
               uintptr_t     address)
{
  Py_ssize_t low = 0;
  Py_ssize_t high = mark->n;

  while (low < high)
    {
      Py_ssize_t middle = low + (high - low) / 2;

      if (mark->addresses[middle] < address)
        low = middle + 1;
      else
        high = middle;
    }
  return low < mark->n && mark->addresses[low] == address;
}

PyObject *
hs_mark_new (PyObject *module,
             PyObject *args)
{
  double time;
  PyObject *objects;
  PyObject *fast;
  PyObject *result;
  const HsMark *mark;
  Py_ssize_t n;

  if (!PyArg_ParseTuple (args, "dO:mark_new", &time, &objects))
    return NULL;
  mark = hs_mark_find (time);
  if (mark == NULL)
    Py_RETURN_NONE;
  fast = PySequence_Fast (objects, "mark_new: expected a sequence");
  if (fast == NULL)
    return NULL;
  n = PySequence_Fast_GET_SIZE (fast);
  result = PyList_New (n);
  if (result == NULL)
    {
      Py_DECREF (fast);
      return NULL;
    }
  for (Py_ssize_t j = 0; j < n; j++)
    {
      PyObject *made_since = hs_mark_holds (mark, (uintptr_t) PySequence_Fast_GET_ITEM (fast, j))
                             ? Py_False : Py_True;

      Py_INCREF (made_since);
      PyList_SET_ITEM (result, j, made_since);
    }
  Py_DECREF (fast);
  return result;
}
