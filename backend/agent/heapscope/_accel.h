/* _accel.h — what the files of heapscope._accel share
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The module (_accel.c) is three walks over the same per-type size records
 * (_typetable.c): the census heap walk (_heapwalk.c), the deep sizer
 * (_deepsize.c) and the dominator tree (_dominators.c). Include after Python.h.
 */
#pragma once

#if PY_VERSION_HEX < 0x03090000
# error "heapscope._accel needs CPython 3.9 or newer (older ones use the pure Python census)"
#endif

#if PY_VERSION_HEX < 0x030B0000
# include <frameobject.h>
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

/* gc.get_objects, looked up at import (_accel.c). */
extern PyObject *hs_gc_get_objects;

/* Turn the collector off (returns whether it was on) and on again
 * (_heapwalk.c): no collection, so no finalizer, runs during a walk. */
int  hs_gc_disable (void);
void hs_gc_enable  (void);

/* The module's functions (documented in _accel.c). */
PyObject *hs_walk         (PyObject         *module,
                           PyObject *const  *args,
                           Py_ssize_t        nargs);
PyObject *hs_collect      (PyObject         *module,
                           PyObject *const  *args,
                           Py_ssize_t        nargs);
PyObject *hs_held_only_py (PyObject         *module,
                           PyObject *const  *args,
                           Py_ssize_t        nargs);
PyObject *hs_deep_size    (PyObject         *module,
                           PyObject *const  *args,
                           Py_ssize_t        nargs);
PyObject *hs_deep_sizes   (PyObject         *module,
                           PyObject *const  *args,
                           Py_ssize_t        nargs);
PyObject *hs_tree_build    (PyObject         *module,
                            PyObject *const  *args,
                            Py_ssize_t        nargs);
PyObject *hs_tree_drop     (PyObject         *module,
                            PyObject         *unused);
PyObject *hs_tree_totals   (PyObject         *module,
                            PyObject         *unused);
PyObject *hs_tree_retained (PyObject         *module,
                            PyObject         *objects);
PyObject *hs_tree_children (PyObject         *module,
                            PyObject         *args);
PyObject *hs_tree_sets     (PyObject         *module,
                            PyObject         *args);
PyObject *hs_mark_take     (PyObject         *module,
                            PyObject         *time);
PyObject *hs_mark_new      (PyObject         *module,
                            PyObject         *args);

/* Makes room for `needed` items in a PyMem_Raw array; -1 when out of memory. */
static inline int
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
