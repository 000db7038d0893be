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
 * Include after Python.h.
 */
#pragma once

#if PY_VERSION_HEX < 0x030B0000
# include <frameobject.h>
#endif

#include "_ptrtable.h"

/* An object whose references tp_traverse lists. */
static inline int
hs_can_traverse (PyObject *obj)
{
  return PyObject_IS_GC (obj) && Py_TYPE (obj)->tp_traverse != NULL;
}

static inline int
hs_is_tracked (PyObject *obj)
{
#if PY_VERSION_HEX >= 0x03090000
  return PyObject_IS_GC (obj) && PyObject_GC_IsTracked (obj);
#else
  return PyObject_IS_GC (obj) && _PyObject_GC_IS_TRACKED (obj);
#endif
}

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
