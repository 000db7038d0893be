/* _refaccel.c — the heap scans of "why is it alive?", in C (see _refs.py)
 *
 * scan (objects, targets, skip, codes, descend)
 *     One pass over `objects` (gc.get_objects ()), calling each object's
 *     tp_traverse: returns (referrers, indexes), two parallel lists — for each
 *     object X that refers to targets[i], X and i (once per pair).  `skip` is
 *     a set of ids whose objects are neither reported nor followed; a frame
 *     whose code's id is in `codes` is skipped too.  With `descend`, the pass
 *     also walks into referents the collector does not track, as the census
 *     does, so that an untracked container (a tuple of str) is found too.
 *
 * collect (objects, skip, codes, matcher)
 *     The census's walk (tracked roots, untracked referents followed), keeping
 *     the objects whose type `matcher (type)` accepts; matcher is asked once
 *     per type, between two traversals, never inside one.
 *
 * weaken (objects, weak_type)
 *     (refs, addresses) for a listing: refs[i] a weak_type reference to
 *     objects[i], or None where its type has no weak references; addresses,
 *     bytes, the objects' addresses as native words. The references are not
 *     tracked by the collector: the census never meets them as roots.
 *
 * weak_ref (obj, weak_type)
 *     One such reference, or None.
 *
 * let_go (objects, graveyard)
 *     Empties the list `objects`. An object that list alone held goes to
 *     `graveyard`, which the program's main thread empties at its next
 *     instruction (Py_AddPendingCall): freeing a program object may run
 *     its code (__del__, weakref callbacks), which never runs in the agent.
 *
 * instance_dict (obj)
 *     The instance's __dict__ if it exists, else None; never creates one.
 *
 * inline_attributes (obj)
 *     [[name, value], ...] of the attributes an instance keeps in CPython's
 *     inline values (3.11+), read from the class's shared keys without
 *     materializing a __dict__; None when the instance has no valid values.
 *
 * No Python code and no allocation through the object allocator happen inside
 * a traversal: found objects are recorded in C arrays with a new reference
 * each, and the result lists are built afterwards.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>
#include <stdint.h>
#include <string.h>

#include "_inline_values.h"

/* 3.11 and 3.12 make a frame's f_locals dict when it is read, which would
 * change the heap being looked at (and keep the locals it saw alive); the
 * interpreter frame's own slots are read instead. */
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000
# define HS_READ_FRAME_SLOTS 1
# define Py_BUILD_CORE
# include <internal/pycore_frame.h>
# undef Py_BUILD_CORE
# define HS_CO_FAST_CELL 0x40
# define HS_CO_FAST_FREE 0x80
#endif

/* -- a set (or map) of pointers, open addressing --------------------------- */

typedef struct
{
  uintptr_t  *keys;
  Py_ssize_t *values;
  size_t      mask;
  size_t      used;
} PtrTable;

static int
table_init (PtrTable *table,
            size_t    expected,
            int       with_values)
{
  size_t size = 64;

  while (size < expected * 2 + 16)
    size <<= 1;
  table->keys = PyMem_RawCalloc (size, sizeof (uintptr_t));
  table->values = with_values ? PyMem_RawCalloc (size, sizeof (Py_ssize_t)) : NULL;
  table->mask = size - 1;
  table->used = 0;
  if (table->keys == NULL || (with_values && table->values == NULL))
    {
      PyMem_RawFree (table->keys);
      PyMem_RawFree (table->values);
      table->keys = NULL;
      table->values = NULL;
      return -1;
    }
  return 0;
}

static void
table_clear (PtrTable *table)
{
  PyMem_RawFree (table->keys);
  PyMem_RawFree (table->values);
  table->keys = NULL;
  table->values = NULL;
}

static size_t
table_slot (const PtrTable *table,
            uintptr_t       key)
{
  size_t hash = (size_t) (key >> 4) * (size_t) 0x9E3779B97F4A7C15ull;
  size_t slot = hash & table->mask;

  while (table->keys[slot] != 0 && table->keys[slot] != key)
    slot = (slot + 1) & table->mask;
  return slot;
}

static int
table_grow (PtrTable *table)
{
  PtrTable bigger;
  size_t old_size = table->mask + 1;

  if (table_init (&bigger, old_size, table->values != NULL) < 0)
    return -1;
  for (size_t i = 0; i < old_size; i++)
    if (table->keys[i] != 0)
      {
        size_t slot = table_slot (&bigger, table->keys[i]);
        bigger.keys[slot] = table->keys[i];
        if (bigger.values != NULL)
          bigger.values[slot] = table->values[i];
        bigger.used++;
      }
  table_clear (table);
  *table = bigger;
  return 0;
}

/* 1 if added, 0 if already there, -1 on error. */
static int
table_add (PtrTable  *table,
           uintptr_t  key,
           Py_ssize_t value)
{
  size_t slot;

  if ((table->used + 1) * 2 > table->mask + 1 && table_grow (table) < 0)
    return -1;
  slot = table_slot (table, key);
  if (table->keys[slot] == key)
    return 0;
  table->keys[slot] = key;
  if (table->values != NULL)
    table->values[slot] = value;
  table->used++;
  return 1;
}

static int
table_has (const PtrTable *table,
           uintptr_t       key)
{
  return table->keys[table_slot (table, key)] == key;
}

static Py_ssize_t
table_get (const PtrTable *table,
           uintptr_t       key)
{
  size_t slot = table_slot (table, key);

  return table->keys[slot] == key ? table->values[slot] : -1;
}

/* Fill `table` with the ids held by the set (or other iterable) `ids`. */
static int
table_from_ids (PtrTable *table,
                PyObject *ids)
{
  PyObject *iterator;
  PyObject *item;
  Py_ssize_t size = PyObject_Length (ids);

  if (size < 0)
    return -1;
  if (table_init (table, (size_t) size, 0) < 0)
    {
      PyErr_NoMemory ();
      return -1;
    }
  iterator = PyObject_GetIter (ids);
  if (iterator == NULL)
    return -1;
  while ((item = PyIter_Next (iterator)) != NULL)
    {
      void *pointer = PyLong_AsVoidPtr (item);
      Py_DECREF (item);
      if (pointer == NULL && PyErr_Occurred ())
        break;
      if (table_add (table, (uintptr_t) pointer, 0) < 0)
        {
          PyErr_NoMemory ();
          break;
        }
    }
  Py_DECREF (iterator);
  return PyErr_Occurred () ? -1 : 0;
}

/* -- a growing array of new references ------------------------------------ */

typedef struct
{
  PyObject  **items;
  Py_ssize_t *indexes;
  Py_ssize_t  length;
  Py_ssize_t  capacity;
} RefArray;

static int
array_push (RefArray   *array,
            PyObject   *obj,
            Py_ssize_t  index)
{
  if (array->length == array->capacity)
    {
      Py_ssize_t capacity = array->capacity ? array->capacity * 2 : 256;
      PyObject **items = PyMem_RawRealloc (array->items, capacity * sizeof (PyObject *));
      Py_ssize_t *indexes;

      if (items == NULL)
        return -1;
      array->items = items;
      indexes = PyMem_RawRealloc (array->indexes, capacity * sizeof (Py_ssize_t));
      if (indexes == NULL)
        return -1;
      array->indexes = indexes;
      array->capacity = capacity;
    }
  Py_INCREF (obj);
  array->items[array->length] = obj;
  array->indexes[array->length] = index;
  array->length++;
  return 0;
}

static void
array_clear (RefArray *array)
{
  for (Py_ssize_t i = 0; i < array->length; i++)
    Py_DECREF (array->items[i]);
  PyMem_RawFree (array->items);
  PyMem_RawFree (array->indexes);
  memset (array, 0, sizeof *array);
}

/* -- helpers ---------------------------------------------------------------- */

static int
is_tracked (PyObject *obj)
{
#if PY_VERSION_HEX >= 0x03090000
  return PyObject_IS_GC (obj) && PyObject_GC_IsTracked (obj);
#else
  return PyObject_IS_GC (obj) && _PyObject_GC_IS_TRACKED (obj);
#endif
}

static int
is_agent_frame (PyObject       *obj,
                const PtrTable *codes)
{
  PyCodeObject *code;
  int agent;

  if (!PyFrame_Check (obj))
    return 0;
#if PY_VERSION_HEX >= 0x03090000
  code = PyFrame_GetCode ((PyFrameObject *) obj);
  agent = table_has (codes, (uintptr_t) code);
  Py_XDECREF (code);
#else
  code = ((PyFrameObject *) obj)->f_code;
  agent = table_has (codes, (uintptr_t) code);
#endif
  return agent;
}

static int
can_traverse (PyObject *obj)
{
  return PyObject_IS_GC (obj) && Py_TYPE (obj)->tp_traverse != NULL;
}

/* -- scan --------------------------------------------------------------------- */

typedef struct
{
  PtrTable   *targets;     /* target pointer -> index */
  PtrTable   *skip;
  PtrTable   *codes;
  PtrTable   *seen;        /* untracked objects already queued (descend) */
  RefArray   *found;
  RefArray   *stack;       /* untracked objects still to traverse (descend) */
  PyObject   *current;
  Py_ssize_t  first_found; /* found entries of `current` start here */
  int         descend;
  int         failed;
} ScanState;

static int
scan_visit (PyObject *obj,
            void     *arg)
{
  ScanState *state = arg;
  Py_ssize_t index;

  if (obj == NULL || state->failed)
    return 0;
  index = table_get (state->targets, (uintptr_t) obj);
  if (index >= 0)
    {
      int known = 0;
      for (Py_ssize_t i = state->first_found; i < state->found->length; i++)
        if (state->found->indexes[i] == index)
          known = 1;
      if (!known && array_push (state->found, state->current, index) < 0)
        state->failed = 1;
    }
  if (state->descend && !is_tracked (obj) && can_traverse (obj) &&
      !table_has (state->skip, (uintptr_t) obj))
    {
      int added = table_add (state->seen, (uintptr_t) obj, 0);
      if (added < 0 || (added > 0 && array_push (state->stack, obj, 0) < 0))
        state->failed = 1;
    }
  return 0;
}

static int
scan_one (ScanState *state,
          PyObject  *obj)
{
  state->current = obj;
  state->first_found = state->found->length;
  Py_TYPE (obj)->tp_traverse (obj, scan_visit, state);
  return state->failed ? -1 : 0;
}

static PyObject *
refaccel_scan (PyObject *self,
               PyObject *args)
{
  PyObject *objects, *targets, *skip_ids, *code_ids;
  int descend;
  PtrTable target_table = { 0 }, skip = { 0 }, codes = { 0 }, seen = { 0 };
  RefArray found = { 0 }, stack = { 0 };
  ScanState state;
  PyObject *referrers = NULL, *indexes = NULL, *result = NULL;
  Py_ssize_t n_objects, n_targets;

  if (!PyArg_ParseTuple (args, "O!O!OOp", &PyList_Type, &objects, &PyList_Type, &targets,
                         &skip_ids, &code_ids, &descend))
    return NULL;
  n_targets = PyList_GET_SIZE (targets);
  if (table_init (&target_table, (size_t) n_targets, 1) < 0 ||
      table_init (&seen, descend ? 4096 : 1, 0) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }
  for (Py_ssize_t i = 0; i < n_targets; i++)
    if (table_add (&target_table, (uintptr_t) PyList_GET_ITEM (targets, i), i) < 0)
      {
        PyErr_NoMemory ();
        goto out;
      }
  if (table_from_ids (&skip, skip_ids) < 0 || table_from_ids (&codes, code_ids) < 0)
    goto out;
  table_add (&skip, (uintptr_t) objects, 0);
  table_add (&skip, (uintptr_t) targets, 0);

  memset (&state, 0, sizeof state);
  state.targets = &target_table;
  state.skip = &skip;
  state.codes = &codes;
  state.seen = &seen;
  state.found = &found;
  state.stack = &stack;
  state.descend = descend;

  /* The list holds every object: none is freed while we look. */
  n_objects = PyList_GET_SIZE (objects);
  for (Py_ssize_t i = 0; i < n_objects && !state.failed; i++)
    {
      PyObject *obj = PyList_GET_ITEM (objects, i);

      if (table_has (&skip, (uintptr_t) obj) || is_agent_frame (obj, &codes) ||
          !can_traverse (obj))
        continue;
      scan_one (&state, obj);
      while (stack.length > 0 && !state.failed)
        {
          PyObject *next = stack.items[--stack.length];
          scan_one (&state, next);
          Py_DECREF (next);
        }
    }
  if (state.failed)
    {
      PyErr_NoMemory ();
      goto out;
    }

  referrers = PyList_New (found.length);
  indexes = PyList_New (found.length);
  if (referrers == NULL || indexes == NULL)
    goto out;
  for (Py_ssize_t i = 0; i < found.length; i++)
    {
      PyObject *index = PyLong_FromSsize_t (found.indexes[i]);
      if (index == NULL)
        goto out;
      PyList_SET_ITEM (indexes, i, index);
      Py_INCREF (found.items[i]);
      PyList_SET_ITEM (referrers, i, found.items[i]);
    }
  result = PyTuple_Pack (2, referrers, indexes);

out:
  Py_XDECREF (referrers);
  Py_XDECREF (indexes);
  array_clear (&found);
  array_clear (&stack);
  table_clear (&target_table);
  table_clear (&skip);
  table_clear (&codes);
  table_clear (&seen);
  return result;
}

/* -- collect ------------------------------------------------------------------ */

typedef struct
{
  PtrTable *skip;
  PtrTable *seen;
  RefArray *pending;    /* untracked referents met in this traversal */
  int       failed;
} CollectState;

static int
collect_visit (PyObject *obj,
               void     *arg)
{
  CollectState *state = arg;
  int added;

  if (obj == NULL || state->failed || is_tracked (obj) ||
      table_has (state->skip, (uintptr_t) obj))
    return 0;
  added = table_add (state->seen, (uintptr_t) obj, 0);
  if (added < 0 || (added > 0 && array_push (state->pending, obj, 0) < 0))
    state->failed = 1;
  return 0;
}

/* 1 to keep objects of `type`, 0 not to, -1 on error; asks `matcher` once per type. */
static int
decide (PyObject *matcher,
        PtrTable *decisions,
        PyObject *type)
{
  Py_ssize_t known = table_get (decisions, (uintptr_t) type);
  PyObject *answer;
  int keep;

  if (known >= 0)
    return (int) known;
  answer = PyObject_CallFunctionObjArgs (matcher, type, NULL);
  if (answer == NULL)
    return -1;
  keep = PyObject_IsTrue (answer);
  Py_DECREF (answer);
  if (keep < 0)
    return -1;
  if (table_add (decisions, (uintptr_t) type, keep) < 0)
    {
      PyErr_NoMemory ();
      return -1;
    }
  return keep;
}

static PyObject *
refaccel_collect (PyObject *self,
                  PyObject *args)
{
  PyObject *objects, *skip_ids, *code_ids, *matcher;
  PtrTable skip = { 0 }, codes = { 0 }, seen = { 0 }, decisions = { 0 };
  RefArray kept = { 0 }, pending = { 0 }, todo = { 0 };
  CollectState state;
  PyObject *result = NULL;
  Py_ssize_t n_objects;

  if (!PyArg_ParseTuple (args, "O!OOO", &PyList_Type, &objects, &skip_ids, &code_ids, &matcher))
    return NULL;
  if (table_from_ids (&skip, skip_ids) < 0 || table_from_ids (&codes, code_ids) < 0)
    goto out;
  if (table_init (&seen, 4096, 0) < 0 || table_init (&decisions, 256, 1) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }
  table_add (&skip, (uintptr_t) objects, 0);
  memset (&state, 0, sizeof state);
  state.skip = &skip;
  state.seen = &seen;
  state.pending = &pending;

  n_objects = PyList_GET_SIZE (objects);
  for (Py_ssize_t i = 0; i < n_objects; i++)
    {
      PyObject *root = PyList_GET_ITEM (objects, i);

      if (table_has (&skip, (uintptr_t) root) || is_agent_frame (root, &codes))
        continue;
      if (array_push (&todo, root, 0) < 0)
        {
          PyErr_NoMemory ();
          goto out;
        }
      while (todo.length > 0)
        {
          PyObject *obj = todo.items[--todo.length];
          int keep = is_agent_frame (obj, &codes) ? 0 : decide (matcher, &decisions,
                                                                 (PyObject *) Py_TYPE (obj));

          if (keep < 0 || (keep > 0 && array_push (&kept, obj, 0) < 0))
            {
              Py_DECREF (obj);
              if (!PyErr_Occurred ())
                PyErr_NoMemory ();
              goto out;
            }
          if (!is_agent_frame (obj, &codes) && can_traverse (obj))
            {
              Py_TYPE (obj)->tp_traverse (obj, collect_visit, &state);
              if (state.failed)
                {
                  Py_DECREF (obj);
                  PyErr_NoMemory ();
                  goto out;
                }
              /* `pending` holds new references; hand them over to `todo`. */
              for (Py_ssize_t k = 0; k < pending.length; k++)
                {
                  if (array_push (&todo, pending.items[k], 0) < 0)
                    {
                      Py_DECREF (obj);
                      PyErr_NoMemory ();
                      goto out;
                    }
                }
              array_clear (&pending);
            }
          Py_DECREF (obj);
        }
    }

  result = PyList_New (kept.length);
  if (result == NULL)
    goto out;
  for (Py_ssize_t i = 0; i < kept.length; i++)
    {
      Py_INCREF (kept.items[i]);
      PyList_SET_ITEM (result, i, kept.items[i]);
    }

out:
  array_clear (&kept);
  array_clear (&pending);
  array_clear (&todo);
  table_clear (&skip);
  table_clear (&codes);
  table_clear (&seen);
  table_clear (&decisions);
  return result;
}

/* -- weak references for listings ---------------------------------------------- */

static int
supports_weakrefs (PyObject *obj)
{
  return Py_TYPE (obj)->tp_weaklistoffset != 0;
}

/* A new weak_type reference to `obj`, untracked, or a new reference to None. */
static PyObject *
make_weak (PyObject *obj,
           PyObject *weak_type)
{
  PyObject *ref;

  if (!supports_weakrefs (obj))
    Py_RETURN_NONE;
  ref = PyObject_CallFunctionObjArgs (weak_type, obj, NULL);
  if (ref == NULL)
    {
      PyErr_Clear ();
      Py_RETURN_NONE;
    }
  /* Only the agent's containers hold it, and it refers to nothing the
   * collector must see (no callback): out of gc.get_objects (), so no census
   * or scan meets it. */
  if (PyObject_IS_GC (ref) && is_tracked (ref))
    PyObject_GC_UnTrack (ref);
  return ref;
}

static PyObject *
refaccel_weaken (PyObject *self,
                 PyObject *args)
{
  PyObject *objects, *weak_type, *refs, *addresses, *result;
  Py_ssize_t n;
  uintptr_t *words;

  if (!PyArg_ParseTuple (args, "O!O", &PyList_Type, &objects, &weak_type))
    return NULL;
  n = PyList_GET_SIZE (objects);
  refs = PyList_New (n);
  addresses = PyBytes_FromStringAndSize (NULL, n * (Py_ssize_t) sizeof (uintptr_t));
  if (refs == NULL || addresses == NULL)
    goto fail;
  words = (uintptr_t *) PyBytes_AS_STRING (addresses);
  for (Py_ssize_t i = 0; i < n; i++)
    {
      PyObject *obj = PyList_GET_ITEM (objects, i);

      words[i] = (uintptr_t) obj;
      PyList_SET_ITEM (refs, i, make_weak (obj, weak_type));
    }
  result = PyTuple_Pack (2, refs, addresses);
  Py_DECREF (refs);
  Py_DECREF (addresses);
  return result;

fail:
  Py_XDECREF (refs);
  Py_XDECREF (addresses);
  return NULL;
}

static PyObject *
refaccel_weak_ref (PyObject *self,
                   PyObject *args)
{
  PyObject *obj, *weak_type;

  if (!PyArg_ParseTuple (args, "OO", &obj, &weak_type))
    return NULL;
  return make_weak (obj, weak_type);
}

/* -- letting go without running the program's code ---------------------------- */

static PyObject *graveyard;     /* the list given to let_go (a strong reference) */
static int graveyard_scheduled;

/* In the main thread, between two instructions of the program: free what
 * only the graveyard held. */
static int
empty_graveyard (void *unused)
{
  PyObject **items;
  Py_ssize_t n;

  graveyard_scheduled = 0;
  if (graveyard == NULL || (n = PyList_GET_SIZE (graveyard)) == 0)
    return 0;
  items = PyMem_RawMalloc ((size_t) n * sizeof (PyObject *));
  if (items == NULL)
    return 0;                   /* tried again at the next let_go */
  for (Py_ssize_t i = 0; i < n; i++)
    {
      items[i] = PyList_GET_ITEM (graveyard, i);
      Py_INCREF (items[i]);
    }
  /* Out of the list first: code run by a finalizer (or a census in the
   * agent, once it gets the interpreter) sees an empty graveyard. */
  if (PyList_SetSlice (graveyard, 0, n, NULL) < 0)
    PyErr_Clear ();
  for (Py_ssize_t i = 0; i < n; i++)
    Py_DECREF (items[i]);
  PyMem_RawFree (items);
  return 0;
}

static PyObject *
refaccel_let_go (PyObject *self,
                 PyObject *args)
{
  PyObject *objects, *yard;
  Py_ssize_t n;

  if (!PyArg_ParseTuple (args, "O!O!", &PyList_Type, &objects, &PyList_Type, &yard))
    return NULL;
  if (graveyard == NULL)
    {
      Py_INCREF (yard);
      graveyard = yard;
    }
  n = PyList_GET_SIZE (objects);
  for (Py_ssize_t i = 0; i < n; i++)
    {
      PyObject *obj = PyList_GET_ITEM (objects, i);

      /* Held by `objects` alone: freeing it would run its finalizers here. */
      if (Py_REFCNT (obj) == 1 && PyList_Append (graveyard, obj) < 0)
        return NULL;
    }
  if (PyList_SetSlice (objects, 0, n, NULL) < 0)
    return NULL;
  if (PyList_GET_SIZE (graveyard) > 0 && !graveyard_scheduled
      && Py_AddPendingCall (empty_graveyard, NULL) == 0)
    graveyard_scheduled = 1;
  Py_RETURN_NONE;
}

/* -- instance attributes without a __dict__ ---------------------------------- */

static PyObject *
refaccel_instance_dict (PyObject *self,
                        PyObject *obj)
{
  PyTypeObject *type = Py_TYPE (obj);
  PyObject *dict = NULL;

#if PY_VERSION_HEX >= 0x030B0000
  if (type->tp_flags & Py_TPFLAGS_MANAGED_DICT)
    dict = hs_managed_dict (obj);
  else
#endif
  if (type->tp_dictoffset != 0)
    {
      Py_ssize_t offset = type->tp_dictoffset;

      if (offset < 0)
        {
          Py_ssize_t length = Py_SIZE (obj);
          if (length < 0)
            length = -length;
          offset += (Py_ssize_t) _PyObject_VAR_SIZE (type, length);
        }
      dict = *(PyObject **) ((char *) obj + offset);
    }
  if (dict == NULL || !PyDict_Check (dict))
    Py_RETURN_NONE;
  Py_INCREF (dict);
  return dict;
}

static PyObject *
refaccel_inline_attributes (PyObject *self,
                            PyObject *obj)
{
#if PY_VERSION_HEX >= 0x030B0000
  Py_ssize_t count;
  PyObject **values = hs_inline_values (obj, &count);
  const HsDictKeysHead *keys = hs_shared_keys (Py_TYPE (obj));
  PyObject *result;

  if (values == NULL || keys == NULL)
    Py_RETURN_NONE;
  if (keys->dk_nentries < count)
    count = keys->dk_nentries;
  result = PyList_New (0);
  if (result == NULL)
    return NULL;
  for (Py_ssize_t i = 0; i < count; i++)
    {
      PyObject *name = hs_shared_key_name (keys, i);
      PyObject *value = values[i];
      PyObject *pair;

      if (name == NULL || value == NULL)
        continue;
      pair = PyList_New (2);
      if (pair == NULL)
        {
          Py_DECREF (result);
          return NULL;
        }
      Py_INCREF (name);
      Py_INCREF (value);
      PyList_SET_ITEM (pair, 0, name);
      PyList_SET_ITEM (pair, 1, value);
      if (PyList_Append (result, pair) < 0)
        {
          Py_DECREF (pair);
          Py_DECREF (result);
          return NULL;
        }
      Py_DECREF (pair);
    }
  return result;
#else
  Py_RETURN_NONE;
#endif
}

/* The locals of a frame as a new dict {name: value}, read from the frame's
 * slots (cells read through); None where f_locals must be used instead. */
static PyObject *
refaccel_frame_locals (PyObject *self,
                       PyObject *arg)
{
#ifdef HS_READ_FRAME_SLOTS
  struct _PyInterpreterFrame *frame;
  PyCodeObject *code;
  PyObject *result;
  Py_ssize_t n;

  if (!PyFrame_Check (arg))
    Py_RETURN_NONE;
  frame = ((PyFrameObject *) arg)->f_frame;
  code = frame->f_code;
  /* Module and class bodies keep their names in their namespace: that mapping
   * itself, not f_locals, which first writes the frame's cells into it (a
   * metaclass's __prepare__ may have made it a mapping of the program's). */
  if (!(code->co_flags & CO_OPTIMIZED))
    {
      if (frame->f_locals == NULL)
        Py_RETURN_NONE;
      Py_INCREF (frame->f_locals);
      return frame->f_locals;
    }
  n = PyTuple_GET_SIZE (code->co_localsplusnames);
  if (PyBytes_GET_SIZE (code->co_localspluskinds) != n)
    Py_RETURN_NONE;
  result = PyDict_New ();
  if (result == NULL)
    return NULL;
  for (Py_ssize_t i = 0; i < n; i++)
    {
      PyObject *value = frame->localsplus[i];
      unsigned char kind = (unsigned char) PyBytes_AS_STRING (code->co_localspluskinds)[i];

      /* A cell variable holds its cell once the frame has made it. */
      if (value != NULL && (kind & (HS_CO_FAST_CELL | HS_CO_FAST_FREE)) && PyCell_Check (value))
        value = PyCell_GET (value);
      if (value == NULL)
        continue;
      if (PyDict_SetItem (result, PyTuple_GET_ITEM (code->co_localsplusnames, i), value) < 0)
        {
          Py_DECREF (result);
          return NULL;
        }
    }
  return result;
#else
  Py_RETURN_NONE;
#endif
}

static PyMethodDef refaccel_methods[] = {
  { "scan", refaccel_scan, METH_VARARGS, "Objects referring to any of the targets." },
  { "collect", refaccel_collect, METH_VARARGS, "The census's objects whose type matches." },
  { "weaken", refaccel_weaken, METH_VARARGS, "Untracked weak references and addresses of a listing." },
  { "weak_ref", refaccel_weak_ref, METH_VARARGS, "An untracked weak reference, or None." },
  { "let_go", refaccel_let_go, METH_VARARGS, "Empty a list; what it alone held is freed in the main thread." },
  { "instance_dict", refaccel_instance_dict, METH_O, "An existing instance __dict__, or None." },
  { "frame_locals", refaccel_frame_locals, METH_O, "A frame's locals as a new dict, or None." },
  { "inline_attributes", refaccel_inline_attributes, METH_O,
    "[[name, value], ...] of inline values, or None." },
  { NULL, NULL, 0, NULL }
};

static struct PyModuleDef refaccel_module = {
  PyModuleDef_HEAD_INIT, "_refaccel", NULL, -1, refaccel_methods,
  NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC
PyInit__refaccel (void)
{
  return PyModule_Create (&refaccel_module);
}
