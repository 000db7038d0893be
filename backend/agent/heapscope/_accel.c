/* _accel.c — heapscope._accel: the census heap walk and the deep sizer in C
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The module's functions, what it looks up at import, and nothing else:
 *
 *   _heapwalk.c   walk, held_only: the census (heapscope._census); collect:
 *                 the objects of a row, by the same walk (heapscope._refs)
 *   _deepsize.c   deep_size: asizeof (heapscope._sizes)
 *   _dominators.c tree_*: retained sizes, the dominator tree (heapscope._refs)
 *   _marks.c      mark_*: the census's marks, what was made since (heapscope._refs)
 *   _typetable.c  the per-type size records the walks share
 *   _ptrtable.c   the pointer table (and radix sort) of all the agent's C code
 *   _addrset.c    the census's set of objects met, a sparse bitmap
 *
 * and wait_readable, the agent thread's wait for the app's next bytes; in_mro,
 * the agent's issubclass.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <poll.h>

#include "_accel.h"
#include "_typetable.h"

PyObject *hs_gc_get_objects;

/* Waits without reading, so that the bytes stay in the socket, where a
 * script's snapshot can look at them, until the agent thread takes them
 * under its read lock (heapscope._agent._read_exactly). */
static PyObject *
hs_wait_readable (PyObject         *module,
                  PyObject *const  *args,
                  Py_ssize_t        n_args)
{
  struct pollfd link = { .events = POLLIN };
  double timeout;
  int ready;

  if (n_args != 2)
    {
      PyErr_SetString (PyExc_TypeError, "wait_readable(fd, timeout) takes 2 arguments");
      return NULL;
    }
  link.fd = PyLong_AsLong (args[0]);
  timeout = PyFloat_AsDouble (args[1]);
  if (PyErr_Occurred ())
    return NULL;
  Py_BEGIN_ALLOW_THREADS
  ready = poll (&link, 1, (int) (timeout * 1000));
  Py_END_ALLOW_THREADS
  /* An error other than a signal is the read's to report. */
  return PyBool_FromLong (ready > 0 || (ready < 0 && errno != EINTR));
}

/* Each object's flat size as the census charges it: what a list of
 * instances shows and sorts by, without one Python call per object. */
static PyObject *
hs_flat_sizes (PyObject *module,
               PyObject *objects)
{
  PyObject *fast = PySequence_Fast (objects, "flat_sizes: expected a sequence");
  PyObject *sizes = NULL;
  HsTypeTable types;
  Py_ssize_t n;

  if (fast == NULL)
    return NULL;
  if (hs_type_table_init (&types) < 0)
    {
      Py_DECREF (fast);
      return PyErr_NoMemory ();
    }
  n = PySequence_Fast_GET_SIZE (fast);
  sizes = PyList_New (n);
  for (Py_ssize_t i = 0; sizes != NULL && i < n; i++)
    {
      PyObject *obj = PySequence_Fast_GET_ITEM (fast, i);
      Py_ssize_t r = hs_record_for (&types, Py_TYPE (obj));
      const HsTypeRecord *record;
      Py_ssize_t size;
      PyObject *value;

      if (r < 0)
        {
          Py_CLEAR (sizes);
          PyErr_NoMemory ();
          break;
        }
      record = &types.records[r];
      /* No walk is under way: a __sizeof__ of C may be called here. */
      size = record->size_kind == HS_SIZE_DEFERRED ? hs_getsizeof_size (record, obj)
                                                    : hs_record_size (record, obj);
      if (record->values_kind != HS_VALUES_NONE)
        size += hs_values_size (record, obj);
      value = PyLong_FromSsize_t (size);
      if (value == NULL)
        {
          Py_CLEAR (sizes);
          break;
        }
      PyList_SET_ITEM (sizes, i, value);
    }
  hs_type_table_clear (&types);
  Py_DECREF (fast);
  return sizes;
}

typedef struct
{
  Py_ssize_t size;              /* -1: unknown, after every known one */
  uintptr_t  address;
  Py_ssize_t index;
} HsSized;

static int
hs_sized_compare (const void *a,
                  const void *b)
{
  const HsSized *x = a;
  const HsSized *y = b;

  if (x->size != y->size)
    return x->size > y->size ? -1 : 1;
  if (x->address != y->address)
    return x->address < y->address ? -1 : 1;
  return 0;
}

/* The order of an instance list: largest first, then by address. */
static PyObject *
hs_size_order (PyObject *module,
               PyObject *args)
{
  PyObject *sizes, *objects;
  PyObject *order = NULL;
  HsSized *items;
  Py_ssize_t n;

  if (!PyArg_ParseTuple (args, "O!O!:size_order", &PyList_Type, &sizes, &PyList_Type, &objects))
    return NULL;
  n = PyList_GET_SIZE (sizes);
  if (PyList_GET_SIZE (objects) != n)
    {
      PyErr_SetString (PyExc_ValueError, "size_order: sizes and objects differ in length");
      return NULL;
    }
  items = PyMem_RawMalloc ((size_t) (n > 0 ? n : 1) * sizeof (HsSized));
  if (items == NULL)
    return PyErr_NoMemory ();
  for (Py_ssize_t i = 0; i < n; i++)
    {
      PyObject *size = PyList_GET_ITEM (sizes, i);

      items[i].size = size == Py_None ? -1 : PyLong_AsSsize_t (size);
      if (items[i].size == -1 && PyErr_Occurred ())
        goto out;
      items[i].address = (uintptr_t) PyList_GET_ITEM (objects, i);
      items[i].index = i;
    }
  qsort (items, (size_t) n, sizeof (HsSized), hs_sized_compare);
  order = PyList_New (n);
  for (Py_ssize_t i = 0; order != NULL && i < n; i++)
    {
      PyObject *index = PyLong_FromSsize_t (items[i].index);

      if (index == NULL)
        Py_CLEAR (order);
      else
        PyList_SET_ITEM (order, i, index);
    }

out:
  PyMem_RawFree (items);
  return order;
}

PyDoc_STRVAR (hs_size_order_doc,
"size_order(sizes, objects) -> [index, ...]\n\n"
"The positions of `objects` sorted by `sizes` (ints, None for unknown: last),\n"
"largest first, then by address: the order of an instance list.");

PyDoc_STRVAR (hs_flat_sizes_doc,
"flat_sizes(objects) -> [size, ...]\n\n"
"Each object's flat size, as the census charges it (heapscope._census.object_size).");

PyDoc_STRVAR (hs_walk_doc,
"walk(own, codes, held=None) -> [(type, source, count, size), ...]\n\n"
"Walk the heap as heapscope._census.walk_pure does: `own` are objects to\n"
"exclude by identity, `codes` code objects whose frames are excluded,\n"
"`held` dicts and lists whose references are the agent's holds: what only\n"
"they keep alive is excluded too.");

PyDoc_STRVAR (hs_held_only_doc,
"held_only(held, skip_ids) -> [object, ...]\n\n"
"What only the dicts and lists `held` keep alive (as heapscope._census.held_only);\n"
"objects whose ids are in `skip_ids` are not followed.");

PyDoc_STRVAR (hs_deep_size_doc,
"deep_size(objs, mask, exclude, exclude_ids, classify, other_refs) -> int\n\n"
"The deep size of the objects together, as heapscope._sizes.asizeof computes\n"
"it in Python: `mask` is the alignment less one, `classify` and `other_refs`\n"
"are heapscope._sizes._classify and _other_refs.");

PyDoc_STRVAR (hs_deep_sizes_doc,
"deep_sizes(objs, mask, classify, other_refs[, seen, keep]) -> [(size, flat), ...]\n\n"
"Each object's deep size in turn with one seen set, none counted under another\n"
"(heapscope._sizes.sizes_of). With `seen`, a set of ids: one after another, as\n"
"asized's nodes are, each counting what it reaches that is not seen yet (a later\n"
"object included; one already seen is (0, 0)); the ids counted join `seen`, and\n"
"`keep` (a list) gets what must stay alive for them to stay unique.");

PyDoc_STRVAR (hs_collect_doc,
"collect(objects, skip_ids, code_ids, matcher) -> [object, ...]\n\n"
"The objects a census would count, walking from the tracked `objects` (a list,\n"
"gc.get_objects(); None: along the collector's own lists, as a census does,\n"
"without that list), whose type `matcher(type)` answers true for: `skip_ids`\n"
"are the ids of the agent's objects, `code_ids` those of its code objects\n"
"(their frames are the agent's). The matcher is asked once per type, between\n"
"two walks, never during one.");

PyDoc_STRVAR (hs_tree_build_doc,
"tree_build(skip_ids, codes) -> (objects, bytes, unreachable_objects, unreachable_bytes)\n\n"
"Compute the dominator tree of the census's objects and keep it, in place of\n"
"the one kept before: `skip_ids` are the ids of the agent's objects, `codes`\n"
"the ids of its code objects (their frames are the agent's). Returns the\n"
"tree's totals and those of what the roots do not reach.");

PyDoc_STRVAR (hs_tree_drop_doc,
"tree_drop() -> None\n\nForget the kept tree and free its memory.");

PyDoc_STRVAR (hs_tree_totals_doc,
"tree_totals() -> (objects, bytes, unreachable_objects, unreachable_bytes) or None\n\n"
"The kept tree's totals; None when no tree is kept.");

PyDoc_STRVAR (hs_tree_retained_doc,
"tree_retained(objects) -> ([(retained, count) or None, ...], unknown)\n\n"
"Each object's retained size and count in the kept tree, None for one outside\n"
"it; `unknown` counts the objects the tree does not know at all (neither in\n"
"it nor unreachable).");

PyDoc_STRVAR (hs_tree_children_doc,
"tree_children(obj, offset, limit, skip_ids, codes)\n"
"    -> (state, retained, count, total, objects, entries)\n\n"
"The objects `obj` (None: the virtual root) immediately dominates, largest\n"
"retained size first: `total` of them, and of the page [offset, offset + limit)\n"
"the live objects found at their addresses (None where none is found) and\n"
"`entries`, (address, retained, count) each. `state`: 0 in the tree, 1\n"
"unreachable, 2 unknown to the tree.");

PyDoc_STRVAR (hs_tree_sets_doc,
"tree_sets(objects, groups) -> ([state, ...], [(retained, count), ...], unknown)\n\n"
"Each object's place in the kept tree -- 0 in it, 1 in it and referred to from\n"
"outside the graph (a root of the tree), 2 unreachable, 3 unknown to it -- and,\n"
"for each group number 0..max(groups) (-1: in no group), the retained size and\n"
"count of its members together, a member the tree places under another member\n"
"of its group counted once; `unknown` counts the objects the tree does not know.");

/* Along the MRO by identity (PyType_IsSubtype): no metaclass __eq__ or
 * __subclasscheck__ runs. The referrer tree asks it ~10 times per entry. */
static PyObject *
hs_in_mro (PyObject         *module,
           PyObject *const  *args,
           Py_ssize_t        n_args)
{
  if (n_args != 2)
    {
      PyErr_SetString (PyExc_TypeError, "in_mro(cls, base) takes 2 arguments");
      return NULL;
    }
  return PyBool_FromLong (PyType_Check (args[0]) && PyType_Check (args[1]) &&
                          PyType_IsSubtype ((PyTypeObject *) args[0], (PyTypeObject *) args[1]));
}

PyDoc_STRVAR (hs_in_mro_doc,
"in_mro(cls, base) -> bool\n\n"
"Whether `base` is in the MRO of class `cls`, by identity.");

PyDoc_STRVAR (hs_wait_readable_doc,
"wait_readable(fd, timeout) -> bool\n\n"
"True once descriptor `fd` has something to read (bytes, its end, an error),\n"
"False after `timeout` seconds or a signal. Nothing is read.");

PyDoc_STRVAR (hs_mark_take_doc,
"mark_take(time) -> n\n\n"
"Remember the addresses of the n objects the collector tracks now, as the\n"
"mark of the census of `time` (see _marks.c).");

PyDoc_STRVAR (hs_mark_new_doc,
"mark_new(time, objects) -> [made_since, ...] or None\n\n"
"For each object, whether it was made since the mark of `time` (its address\n"
"is not in it); None when there is no such mark.");

static PyMethodDef hs_methods[] = {
  { "walk", (PyCFunction) (void (*) (void)) hs_walk, METH_FASTCALL, hs_walk_doc },
  { "collect", (PyCFunction) (void (*) (void)) hs_collect, METH_FASTCALL, hs_collect_doc },
  { "held_only", (PyCFunction) (void (*) (void)) hs_held_only_py, METH_FASTCALL, hs_held_only_doc },
  { "deep_size", (PyCFunction) (void (*) (void)) hs_deep_size, METH_FASTCALL, hs_deep_size_doc },
  { "deep_sizes", (PyCFunction) (void (*) (void)) hs_deep_sizes, METH_FASTCALL, hs_deep_sizes_doc },
  { "tree_build", (PyCFunction) (void (*) (void)) hs_tree_build, METH_FASTCALL, hs_tree_build_doc },
  { "tree_drop", hs_tree_drop, METH_NOARGS, hs_tree_drop_doc },
  { "tree_totals", hs_tree_totals, METH_NOARGS, hs_tree_totals_doc },
  { "tree_retained", hs_tree_retained, METH_O, hs_tree_retained_doc },
  { "tree_children", hs_tree_children, METH_VARARGS, hs_tree_children_doc },
  { "tree_sets", hs_tree_sets, METH_VARARGS, hs_tree_sets_doc },
  { "flat_sizes", hs_flat_sizes, METH_O, hs_flat_sizes_doc },
  { "size_order", hs_size_order, METH_VARARGS, hs_size_order_doc },
  { "mark_take", hs_mark_take, METH_O, hs_mark_take_doc },
  { "mark_new", hs_mark_new, METH_VARARGS, hs_mark_new_doc },
  { "in_mro", (PyCFunction) (void (*) (void)) hs_in_mro, METH_FASTCALL, hs_in_mro_doc },
  { "wait_readable", (PyCFunction) (void (*) (void)) hs_wait_readable, METH_FASTCALL, hs_wait_readable_doc },
  { NULL, NULL, 0, NULL },
};

static int
hs_exec (PyObject *module)
{
  PyObject *gc;

  if (hs_type_table_prepare () < 0)
    return -1;
  gc = PyImport_ImportModule ("gc");
  if (gc == NULL)
    return -1;
  Py_XSETREF (hs_gc_get_objects, PyObject_GetAttrString (gc, "get_objects"));
  Py_DECREF (gc);
  return hs_gc_get_objects == NULL ? -1 : 0;
}

static PyModuleDef_Slot hs_slots[] = {
  { Py_mod_exec, hs_exec },
  { 0, NULL },
};

static struct PyModuleDef hs_module = {
  PyModuleDef_HEAD_INIT,
  .m_name = "heapscope._accel",
  .m_doc = "The C walks behind heapscope's census, deep sizes and retained sizes "
           "(see heapscope._census, heapscope._sizes, heapscope._refs).",
  .m_size = 0,
  .m_methods = hs_methods,
  .m_slots = hs_slots,
};

PyMODINIT_FUNC
PyInit__accel (void)
{
  return PyModuleDef_Init (&hs_module);
}
