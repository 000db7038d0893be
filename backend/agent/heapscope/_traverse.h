/* _traverse.h — how the agent's C walks go through the heap
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The census walk (_heapwalk.c) and the referrer scans (_refaccel.c) go
 * the same way: from the objects the collector tracks, through tp_traverse,
 * into the ones it does not; a frame running the agent's code (its code
 * object in `codes`, as heapscope._agent lists them) is the agent's, and
 * neither is counted nor followed. These are the tests both make.
 *
 * On 3.11 they read the collector's state (HS_GC_LISTS): an object's tracked
 * bit inline (PyObject_GC_IsTracked is a call per reference), and the
 * generations' lists themselves, which gc.get_objects () would copy into a
 * list of 8 bytes an object.
 *
 * Include after Python.h.
 */
#pragma once

#if PY_VERSION_HEX < 0x030B0000
# include <frameobject.h>
#endif

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
# define HS_GC_LISTS 1
# define Py_BUILD_CORE
# undef _PyGC_FINALIZED           /* (pycore_gc.h defines it again) */
# include <internal/pycore_interp.h>
# undef Py_BUILD_CORE
#endif

#include "_ptrtable.h"

/* An object the collector knows of (tracked or not). */
static inline int
hs_is_gc (PyObject *obj)
{
  PyTypeObject *type = Py_TYPE (obj);

  return PyType_IS_GC (type) && (type->tp_is_gc == NULL || type->tp_is_gc (obj));
}

/* For an object hs_is_gc says the collector knows of. */
static inline int
hs_gc_tracked (PyObject *obj)
{
#ifdef HS_GC_LISTS
  return _PyGCHead_NEXT (_Py_AS_GC (obj)) != NULL;
#else
  return PyObject_GC_IsTracked (obj);
#endif
}

/* An object whose references tp_traverse lists. */
static inline int
hs_can_traverse (PyObject *obj)
{
  return PyObject_IS_GC (obj) && Py_TYPE (obj)->tp_traverse != NULL;
}

static inline int
hs_is_tracked (PyObject *obj)
{
  return hs_is_gc (obj) && hs_gc_tracked (obj);
}

#ifdef HS_GC_LISTS
/* The collector's state as the headers this was built with lay it out, if
 * the running interpreter agrees (another 3.11 release may not): a list just
 * made must be the youngest generation's last. NULL if not: the caller lists
 * the objects with gc.get_objects () instead. Its lists stay as they are
 * while no code runs and the collector is off. */
static inline struct _gc_runtime_state *
hs_gc_lists (void)
{
  struct _gc_runtime_state *state = &PyInterpreterState_Get ()->gc;
  PyObject *probe;
  int agrees;

  if (state->generation0 != &state->generations[0].head)
    return NULL;
  probe = PyList_New (0);
  if (probe == NULL)
    {
      PyErr_Clear ();
      return NULL;
    }
  agrees = _PyGCHead_PREV (&state->generations[0].head) == _Py_AS_GC (probe);
  Py_DECREF (probe);
  return agrees ? state : NULL;
}
#endif

/* A frame of the agent's: its code object is in `codes`. */
static inline int
hs_is_agent_frame (PyObject         *obj,
                   const HsPtrTable *codes)
{
  PyCodeObject *code;
  int agent;

  if (!PyFrame_Check (obj) || codes->used == 0)
    return 0;
#if PY_VERSION_HEX >= 0x03090000
  code = PyFrame_GetCode ((PyFrameObject *) obj);
  agent = hs_ptr_table_contains (codes, code);
  Py_DECREF (code);
#else
  code = ((PyFrameObject *) obj)->f_code;
  agent = hs_ptr_table_contains (codes, code);
#endif
  return agent;
}
