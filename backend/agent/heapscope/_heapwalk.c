/* _heapwalk.c — the census heap walk in C (heapscope._accel.walk)
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * walk (own, codes) returns the same (type, source, count, size) entries as
 * heapscope._census.walk_pure (own, codes); _census.py documents what is
 * counted, what is excluded and how sizes are charged. The walk:
 *
 *   - disables the collector and goes through its objects: on 3.11, along
 *     its generations' lists themselves, as gc.get_objects () does, without
 *     the list of them it would make (8 bytes an object); elsewhere through
 *     that list;
 *   - counts every such object that is not excluded, and follows tp_traverse
 *     from it into untracked objects, to any depth. Untracked objects --
 *     containers (tuples, dicts of atoms) and atoms, objects of types without
 *     GC support, the bulk of a heap: str, int, float, bytes -- are counted
 *     the first time they are met: a sparse bitmap of addresses (_addrset.h)
 *     remembers them, at 1/128 of the heap it covers;
 *   - aggregates by type in a pointer-keyed table, and by name for functions,
 *     frames and modules, whose Pympler names depend on the object;
 *   - before it lists the roots, adds to the excluded objects what only the
 *     agent's holds keep alive (walk's `held`; held_only below says how).
 *
 * It runs no Python code while it walks: sizes come from the per-type records
 * (_typetable.h), whose one size that may run code, sys.getsizeof, is asked
 * once the walk is over (those objects are held meanwhile). So the heap cannot
 * change under it, and the borrowed pointers it keeps stay valid.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_accel.h"
#include "_addrset.h"
#include "_ptrtable.h"
#include "_traverse.h"
#include "_typetable.h"

typedef struct
{
  PyObject *source;             /* strong reference: a str, or the module */
  Py_ssize_t record;
  Py_ssize_t count;
  Py_ssize_t size;
} HsNamed;

typedef struct
{
  PyObject *object;             /* strong reference, until sized */
  Py_ssize_t record;
  Py_ssize_t named;             /* index in HsWalk.named, or -1 */
  Py_ssize_t extra;             /* inline values, added to the getsizeof result */
} HsDeferred;

/* What the walk does with each object it meets. */
typedef enum
{
  HS_MEET_COUNT,                /* a census: counted in its row */
  HS_MEET_COLLECT,              /* kept in `found` if its type is in `wanted`;
                                 * a type not in `asked` goes to `fresh` */
} HsMeet;

typedef struct
{
  HsMeet     meet;
  HsPtrTable excluded;          /* own objects: never counted, never followed */
  HsPtrTable codes;             /* agent code: its frames are excluded */
  HsAddrSet seen;               /* untracked objects counted (and excluded ones) */

  HsTypeTable types;

  HsNamed *named;
  Py_ssize_t n_named;
  Py_ssize_t named_capacity;

  HsDeferred *deferred;
  Py_ssize_t n_deferred;
  Py_ssize_t deferred_capacity;

  PyObject **stack;
  Py_ssize_t stack_len;
  Py_ssize_t stack_capacity;

  /* HS_MEET_COLLECT */
  HsPtrTable asked;             /* the types the matcher was asked about, held */
  HsPtrTable wanted;            /* those it wants */
  PyObject **fresh;             /* types met, not asked yet (held by `asked`) */
  Py_ssize_t n_fresh;
  Py_ssize_t fresh_capacity;
  PyObject **found;             /* objects of wanted types, borrowed */
  Py_ssize_t n_found;
  Py_ssize_t found_capacity;

  int failed;                   /* out of memory: the walk gives up */
} HsWalk;

/* ---- counting ---------------------------------------------------------------- */

static PyObject *
hs_exact_str (PyObject *name)
{
  if (PyUnicode_CheckExact (name))
    {
      Py_INCREF (name);
      return name;
    }
  if (PyUnicode_Check (name))
    return PyUnicode_FromObject (name);       /* a copy, as str.__str__ makes */
  return PyUnicode_FromString ("?");
}

static Py_ssize_t
hs_named_index (HsWalk       *walk,
                Py_ssize_t    record_index,
                PyObject     *obj)
{
  HsTypeRecord *record = &walk->types.records[record_index];
  PyObject *source;
  PyObject *found;
  PyObject *index;
  Py_ssize_t n;

  switch (record->naming)
    {
    case HS_NAME_FUNCTION:
      source = hs_exact_str (((PyFunctionObject *) obj)->func_name);
      break;
    case HS_NAME_FRAME:
      {
        PyCodeObject *code = PyFrame_GetCode ((PyFrameObject *) obj);

        source = hs_exact_str (code->co_name);
        Py_DECREF (code);
      }
      break;
    case HS_NAME_MODULE:
      source = obj;
      Py_INCREF (source);
      break;
    case HS_NAME_NONE:
    default:
      return -1;
    }
  if (source == NULL)
    return -2;

  if (record->names == NULL && (record->names = PyDict_New ()) == NULL)
    goto fail;
  found = PyDict_GetItemWithError (record->names, source);
  if (found != NULL)
    {
      Py_DECREF (source);
      return PyLong_AsSsize_t (found);
    }
  if (PyErr_Occurred ())
    goto fail;

  if (hs_grow ((void **) &walk->named, &walk->named_capacity,
               walk->n_named + 1, sizeof (HsNamed)) < 0)
    goto fail;
  n = walk->n_named;
  index = PyLong_FromSsize_t (n);
  if (index == NULL || PyDict_SetItem (record->names, source, index) < 0)
    {
      Py_XDECREF (index);
      goto fail;
    }
  Py_DECREF (index);
  walk->named[n].source = source;         /* takes the reference */
  walk->named[n].record = record_index;
  walk->named[n].count = 0;
  walk->named[n].size = 0;
  walk->n_named++;
  return n;

fail:
  Py_DECREF (source);
  return -2;
}

static void
hs_account (HsWalk   *walk,
            PyObject *obj)
{
  Py_ssize_t r = hs_record_for (&walk->types, Py_TYPE (obj));
  HsTypeRecord *record;
  Py_ssize_t size;
  Py_ssize_t extra;
  Py_ssize_t named = -1;

  if (r < 0)
    {
      walk->failed = 1;
      return;
    }
  record = &walk->types.records[r];
  extra = record->values_kind != HS_VALUES_NONE ? hs_values_size (record, obj) : 0;

  if (record->naming != HS_NAME_NONE)
    {
      named = hs_named_index (walk, r, obj);
      if (named < 0)
        {
          PyErr_Clear ();
          walk->failed = 1;
          return;
        }
      record = &walk->types.records[r];
    }

  if (record->size_kind == HS_SIZE_DEFERRED)
    {
      if (hs_grow ((void **) &walk->deferred, &walk->deferred_capacity,
                   walk->n_deferred + 1, sizeof (HsDeferred)) < 0)
        {
          walk->failed = 1;
          return;
        }
      Py_INCREF (obj);
      walk->deferred[walk->n_deferred].object = obj;
      walk->deferred[walk->n_deferred].record = r;
      walk->deferred[walk->n_deferred].named = named;
      walk->deferred[walk->n_deferred].extra = extra;
      walk->n_deferred++;
      return;                   /* counted when sized, after the walk */
    }

  size = hs_record_size (record, obj) + extra;
  if (named >= 0)
    {
      walk->named[named].count++;
      walk->named[named].size += size;
    }
  else
    {
      record->count++;
      record->size += size;
    }
}

static void
hs_meet (HsWalk   *walk,
         PyObject *obj)
{
  PyTypeObject *type = Py_TYPE (obj);
  int added;

  switch (walk->meet)
    {
    case HS_MEET_COUNT:
      hs_account (walk, obj);
      break;
    case HS_MEET_COLLECT:
      if (hs_ptr_table_contains (&walk->wanted, type))
        {
          if (hs_grow ((void **) &walk->found, &walk->found_capacity,
                       walk->n_found + 1, sizeof (PyObject *)) < 0)
            walk->failed = 1;
          else
            walk->found[walk->n_found++] = obj;
          break;
        }
      added = hs_ptr_table_add (&walk->asked, type, 0);
      if (added == 0)
        break;
      if (added > 0)
        Py_INCREF (type);       /* no other type may take its address meanwhile */
      if (added < 0 || hs_grow ((void **) &walk->fresh, &walk->fresh_capacity,
                                walk->n_fresh + 1, sizeof (PyObject *)) < 0)
        walk->failed = 1;
      else
        walk->fresh[walk->n_fresh++] = (PyObject *) type;
      break;
    }
}

static int
hs_push (HsWalk   *walk,
         PyObject *obj)
{
  if (hs_grow ((void **) &walk->stack, &walk->stack_capacity,
               walk->stack_len + 1, sizeof (PyObject *)) < 0)
    {
      walk->failed = 1;
      return -1;
    }
  walk->stack[walk->stack_len++] = obj;
  return 0;
}

static int
hs_visit (PyObject *obj,
          void     *arg)
{
  HsWalk *walk = arg;
  int gc;
  int added;

  if (walk->failed)
    return 0;
  gc = hs_is_gc (obj);
  if (gc && hs_gc_tracked (obj))
    return 0;                   /* tracked: counted as a root */
  added = hs_addr_set_add (&walk->seen, obj);
  if (added <= 0)
    {
      if (added < 0)
        walk->failed = 1;
      return 0;
    }
  if (!gc)
    {
      hs_meet (walk, obj);      /* an atom: nothing to follow */
      return 0;
    }
  if (hs_is_agent_frame (obj, &walk->codes))
    return 0;
  hs_meet (walk, obj);
  if (Py_TYPE (obj)->tp_traverse != NULL)
    hs_push (walk, obj);
  return 0;
}

static void
hs_follow (HsWalk   *walk,
           PyObject *root)
{
  if (!hs_can_traverse (root))
    return;
  Py_TYPE (root)->tp_traverse (root, hs_visit, walk);
  while (walk->stack_len > 0 && !walk->failed)
    {
      PyObject *obj = walk->stack[--walk->stack_len];

      Py_TYPE (obj)->tp_traverse (obj, hs_visit, walk);
    }
}

static void
hs_walk_clear (HsWalk *walk)
{
  for (Py_ssize_t i = 0; i < walk->n_deferred; i++)
    Py_XDECREF (walk->deferred[i].object);
  for (Py_ssize_t i = 0; i < walk->n_named; i++)
    Py_XDECREF (walk->named[i].source);
  PyMem_RawFree (walk->deferred);
  PyMem_RawFree (walk->named);
  hs_type_table_clear (&walk->types);
  PyMem_RawFree (walk->stack);
  for (size_t i = 0; walk->asked.keys != NULL && i <= walk->asked.mask; i++)
    if (walk->asked.keys[i] != 0)
      Py_DECREF ((PyObject *) walk->asked.keys[i]);
  hs_ptr_table_clear (&walk->asked);
  hs_ptr_table_clear (&walk->wanted);
  PyMem_RawFree (walk->fresh);
  PyMem_RawFree (walk->found);
  hs_ptr_table_clear (&walk->excluded);
  hs_ptr_table_clear (&walk->codes);
  hs_addr_set_clear (&walk->seen);
}

/* Size the objects held back during the walk. */
static void
hs_size_deferred (HsWalk *walk)
{
  for (Py_ssize_t i = 0; i < walk->n_deferred; i++)
    {
      HsDeferred *item = &walk->deferred[i];
      HsTypeRecord *record = &walk->types.records[item->record];
      Py_ssize_t size = hs_getsizeof_size (record, item->object) + item->extra;
      if (item->named >= 0)
        {
          walk->named[item->named].count++;
          walk->named[item->named].size += size;
        }
      else
        {
          record->count++;
          record->size += size;
        }
      Py_CLEAR (item->object);
    }
}

static PyObject *
hs_entries (HsWalk *walk)
{
  PyObject *entries = PyList_New (0);

  if (entries == NULL)
    return NULL;
  for (Py_ssize_t i = 0; i < walk->types.n_records; i++)
    {
      HsTypeRecord *record = &walk->types.records[i];
      PyObject *entry;

      if (record->count == 0)
        continue;
      entry = Py_BuildValue ("(OOnn)", (PyObject *) record->type, Py_None,
                             record->count, record->size);
      if (entry == NULL || PyList_Append (entries, entry) < 0)
        goto fail_entry;
      Py_DECREF (entry);
      continue;
    fail_entry:
      Py_XDECREF (entry);
      Py_DECREF (entries);
      return NULL;
    }
  for (Py_ssize_t i = 0; i < walk->n_named; i++)
    {
      HsNamed *named = &walk->named[i];
      PyObject *entry;

      if (named->count == 0)
        continue;
      entry = Py_BuildValue ("(OOnn)", (PyObject *) walk->types.records[named->record].type,
                             named->source, named->count, named->size);
      if (entry == NULL || PyList_Append (entries, entry) < 0)
        {
          Py_XDECREF (entry);
          Py_DECREF (entries);
          return NULL;
        }
      Py_DECREF (entry);
    }
  return entries;
}

/* PyGC_Disable/Enable arrived in 3.10; go through the gc module before.
 * Shared with _dominators.c (declared in _accel.h). */
#if PY_VERSION_HEX < 0x030A0000
static int
hs_gc_call (const char *name)
{
  PyObject *gc = PyImport_ImportModule ("gc");
  PyObject *result;
  int enabled = 0;

  if (gc == NULL)
    return 0;
  result = PyObject_CallMethod (gc, "isenabled", NULL);
  if (result != NULL)
    enabled = PyObject_IsTrue (result) == 1;
  Py_XDECREF (result);
  result = PyObject_CallMethod (gc, name, NULL);
  Py_XDECREF (result);
  Py_DECREF (gc);
  PyErr_Clear ();
  return enabled;
}


int
hs_gc_disable (void)
{
  return hs_gc_call ("disable");
}

void
hs_gc_enable (void)
{
  hs_gc_call ("enable");
}
#else
int
hs_gc_disable (void)
{
  return PyGC_Disable ();
}

void
hs_gc_enable (void)
{
  PyGC_Enable ();
}
#endif

/* ---- what only the agent holds -------------------------------------------- */

/* The agent holds some of the program's objects strongly (the objects the
 * app shows that have no weak references, the ones it hands to the main
 * thread to free), each once, in a few containers of its own. A census must
 * count what it would count if the agent let go of them: not an object the
 * program dropped, nor what hangs from it alone.
 *
 * Letting go is played out on reference counts, without touching them: each
 * reference a holder makes takes one off its target's count, and an object
 * left with none would be freed: each reference it makes is taken off in
 * turn. What ends with no reference left is excluded like the agent's own
 * objects. An object in a reference cycle keeps its count, as it would keep
 * its memory until the collector runs: it is counted, as uncollected garbage
 * is. The play stops at HS_HELD_MAX_NODES objects met; what it did not reach
 * keeps its references, so a census can only count more, never fewer, of
 * the program's objects. */

#define HS_HELD_MAX_NODES (1 << 22)

typedef struct
{
  PyObject   *obj;              /* borrowed: no code runs meanwhile */
  Py_ssize_t  refs;             /* references left */
  int         agent;            /* a holder: its references are the agent's */
} HsHeldNode;

typedef struct
{
  HsPtrTable  index;            /* object -> index in nodes */
  HsHeldNode *nodes;
  Py_ssize_t  n_nodes;
  Py_ssize_t  nodes_capacity;
  Py_ssize_t *freed;            /* nodes left with no reference, not yet traversed */
  Py_ssize_t  n_freed;
  Py_ssize_t  freed_capacity;
  int         failed;
} HsHeld;

/* The index of a new node for `obj`, or -1. */
static Py_ssize_t
hs_held_add (HsHeld     *held,
             PyObject   *obj,
             Py_ssize_t  refs)
{
  Py_ssize_t n = held->n_nodes;

  if (hs_grow ((void **) &held->nodes, &held->nodes_capacity, n + 1, sizeof (HsHeldNode)) < 0
      || hs_ptr_table_add (&held->index, obj, n) < 0)
    goto fail;
  held->nodes[n].obj = obj;
  held->nodes[n].refs = refs;
  held->nodes[n].agent = 0;
  held->n_nodes++;
  return n;

fail:
  held->failed = 1;
  return -1;
}

/* tp_traverse visit: a reference of a holder, or of an object being let go. */
static int
hs_held_count (PyObject *obj,
               void     *arg)
{
  HsHeld *held = arg;
  Py_ssize_t i;

  if (obj == NULL || held->failed)
    return 0;
  i = hs_ptr_table_lookup (&held->index, obj);
  if (i < 0)
    {
      if (held->n_nodes >= HS_HELD_MAX_NODES)
        return 0;               /* not reached: it keeps this reference */
      i = hs_held_add (held, obj, Py_REFCNT (obj));
      if (i < 0)
        return 0;
    }
  if (held->nodes[i].agent)
    return 0;
  if (--held->nodes[i].refs == 0)
    {
      if (hs_grow ((void **) &held->freed, &held->freed_capacity,
                   held->n_freed + 1, sizeof (Py_ssize_t)) < 0)
        {
          held->failed = 1;
          return 0;
        }
      held->freed[held->n_freed++] = i;
    }
  return 0;
}

/* What only the `holders` (dicts, lists: each reference they make is one the
 * agent holds) keep alive, as a new array of borrowed pointers (*n_dead of
 * them). Objects in `skip` (the agent's own) are not followed. NULL with an
 * exception set on failure. */
static PyObject **
hs_held_only (const HsPtrTable *skip,
              PyObject         *holders,
              Py_ssize_t       *n_dead)
{
  HsHeld held;
  PyObject *fast;
  PyObject **dead = NULL;
  Py_ssize_t n_holders;
  int result = -1;

  memset (&held, 0, sizeof held);
  fast = PySequence_Fast (holders, "held: expected a sequence");
  if (fast == NULL || hs_ptr_table_init (&held.index, 512, 1) < 0)
    goto out;
  n_holders = PySequence_Fast_GET_SIZE (fast);
  for (Py_ssize_t i = 0; i < n_holders && !held.failed; i++)
    {
      PyObject *holder = PySequence_Fast_GET_ITEM (fast, i);
      Py_ssize_t index;

      if ((!PyDict_Check (holder) && !PyList_Check (holder))
          || hs_ptr_table_contains (&held.index, holder))
        continue;
      index = hs_held_add (&held, holder, 0);
      if (index >= 0)
        held.nodes[index].agent = 1;
    }
  for (Py_ssize_t i = 0; i < n_holders && !held.failed; i++)
    {
      PyObject *holder = PySequence_Fast_GET_ITEM (fast, i);

      if (PyDict_Check (holder) || PyList_Check (holder))
        Py_TYPE (holder)->tp_traverse (holder, hs_held_count, &held);
    }
  while (held.n_freed > 0 && !held.failed)
    {
      PyObject *obj = held.nodes[held.freed[--held.n_freed]].obj;

      if (hs_can_traverse (obj) && (skip->used == 0 || !hs_ptr_table_contains (skip, obj)))
        Py_TYPE (obj)->tp_traverse (obj, hs_held_count, &held);
    }
  if (held.failed)
    goto out;

  dead = PyMem_RawMalloc ((size_t) (held.n_nodes + 1) * sizeof (PyObject *));
  if (dead == NULL)
    goto out;
  *n_dead = 0;
  for (Py_ssize_t i = 0; i < held.n_nodes; i++)
    if (!held.nodes[i].agent && held.nodes[i].refs == 0)
      dead[(*n_dead)++] = held.nodes[i].obj;
  result = 0;

out:
  if (result < 0 && !PyErr_Occurred ())
    PyErr_NoMemory ();
  Py_XDECREF (fast);
  hs_ptr_table_clear (&held.index);
  PyMem_RawFree (held.nodes);
  PyMem_RawFree (held.freed);
  return result < 0 ? NULL : dead;
}

/* Adds to walk->excluded what only the `holders` keep alive. */
static int
hs_exclude_held (HsWalk   *walk,
                 PyObject *holders)
{
  Py_ssize_t n_dead = 0;
  PyObject **dead = hs_held_only (&walk->excluded, holders, &n_dead);

  if (dead == NULL)
    return -1;
  for (Py_ssize_t i = 0; i < n_dead; i++)
    if (hs_ptr_table_add (&walk->excluded, dead[i], 0) < 0
        || hs_addr_set_add (&walk->seen, dead[i]) < 0)
      {
        PyMem_RawFree (dead);
        PyErr_NoMemory ();
        return -1;
      }
  PyMem_RawFree (dead);
  return 0;
}

PyObject *
hs_held_only_py (PyObject         *module,
                 PyObject *const  *args,
                 Py_ssize_t        nargs)
{
  HsPtrTable skip;
  PyObject *result;
  PyObject **dead;
  Py_ssize_t n_dead = 0;

  if (nargs != 2)
    {
      PyErr_SetString (PyExc_TypeError, "held_only() takes exactly 2 arguments (held, skip_ids)");
      return NULL;
    }
  if (hs_ptr_table_init (&skip, 512, 0) < 0)
    return PyErr_NoMemory ();
  if (hs_ptr_table_add_ids (&skip, args[1]) < 0)
    {
      hs_ptr_table_clear (&skip);
      return NULL;
    }
  /* No Python object is made, and so no collection runs, until the answer. */
  dead = hs_held_only (&skip, args[0], &n_dead);
  hs_ptr_table_clear (&skip);
  if (dead == NULL)
    return NULL;
  result = PyList_New (n_dead);
  if (result != NULL)
    for (Py_ssize_t i = 0; i < n_dead; i++)
      {
        Py_INCREF (dead[i]);
        PyList_SET_ITEM (result, i, dead[i]);
      }
  PyMem_RawFree (dead);
  return result;
}


/* Counts a root and what hangs from it alone. */
static void
hs_walk_root (HsWalk   *walk,
              PyObject *root)
{
  if (hs_ptr_table_contains (&walk->excluded, root) || hs_is_agent_frame (root, &walk->codes))
    return;
  hs_meet (walk, root);
  hs_follow (walk, root);
}

static void
hs_walk_list (HsWalk   *walk,
              PyObject *roots)
{
  for (Py_ssize_t i = 0, n = PyList_GET_SIZE (roots); i < n && !walk->failed; i++)
    hs_walk_root (walk, PyList_GET_ITEM (roots, i));
}

/* Walks from every object gc.get_objects () lists; -1 with an exception set
 * if it could not list them. */
static int
hs_walk_listed_roots (HsWalk *walk)
{
  /* Called with a non-NULL argument array, as Python code calls it: with
   * NULL, the argument parser would create its keyword tuple on first use,
   * an object the census would then find on the heap. */
  PyObject *no_args[1] = { NULL };
  PyObject *roots = PyObject_Vectorcall (hs_gc_get_objects, no_args, 0, NULL);

  if (roots == NULL || !PyList_Check (roots))
    {
      if (roots != NULL)
        PyErr_SetString (PyExc_TypeError, "gc.get_objects() did not return a list");
      Py_XDECREF (roots);
      return -1;
    }
  hs_walk_list (walk, roots);
  Py_DECREF (roots);
  return 0;
}

/* Walks from every object the collector tracks, in the generations
 * gc.get_objects () lists; -1 with an exception set on failure. */
static int
hs_walk_roots (HsWalk *walk)
{
#ifdef HS_GC_LISTS
  struct _gc_runtime_state *state = hs_gc_lists ();

  if (state == NULL)
    return hs_walk_listed_roots (walk);
  for (int g = 0; g < NUM_GENERATIONS && !walk->failed; g++)
    {
      PyGC_Head *head = &state->generations[g].head;
      /* Counting may make objects of the walk's own (the name tables), which
       * join the youngest list at its end: the walk stops where it ended. */
      PyGC_Head *last = _PyGCHead_PREV (head);

      if (last == head)
        continue;
      for (PyGC_Head *gc = _PyGCHead_NEXT (head); !walk->failed; gc = _PyGCHead_NEXT (gc))
        {
          hs_walk_root (walk, (PyObject *) (gc + 1));
          if (gc == last)
            break;
        }
    }
  return 0;
#else
  return hs_walk_listed_roots (walk);
#endif
}

/* Marks the excluded objects met: never counted when met as referents. */
static int
hs_walk_seen_excluded (HsWalk *walk)
{
  for (size_t i = 0; i <= walk->excluded.mask; i++)
    if (walk->excluded.keys[i] != 0 && hs_addr_set_add (&walk->seen, (void *) walk->excluded.keys[i]) < 0)
      return -1;
  return 0;
}

PyObject *
hs_walk (PyObject         *module,
         PyObject *const  *args,
         Py_ssize_t        nargs)
{
  HsWalk walk;
  PyObject *entries = NULL;
  int gc_was_enabled;

  if (nargs != 2 && nargs != 3)
    {
      PyErr_SetString (PyExc_TypeError, "walk() takes 2 or 3 arguments (own, codes, held)");
      return NULL;
    }

  memset (&walk, 0, sizeof (walk));
  if (hs_ptr_table_init (&walk.excluded, 512, 0) < 0 || hs_ptr_table_init (&walk.codes, 128, 0) < 0
      || hs_addr_set_init (&walk.seen) < 0 || hs_type_table_init (&walk.types) < 0)
    {
      hs_walk_clear (&walk);
      return PyErr_NoMemory ();
    }

  /* An own object is in `seen` too: not counted when met as a referent. */
  if (hs_ptr_table_add_objects (&walk.excluded, args[0]) < 0
      || hs_ptr_table_add_objects (&walk.codes, args[1]) < 0)
    {
      hs_walk_clear (&walk);
      return NULL;
    }
  if (hs_walk_seen_excluded (&walk) < 0)
    {
      hs_walk_clear (&walk);
      return PyErr_NoMemory ();
    }

  /* No collection (and so no finalizer, no Python code) while we walk. */
  gc_was_enabled = hs_gc_disable ();
  /* Before the roots are listed: their list would add a reference to each. */
  if (nargs == 3 && args[2] != Py_None && hs_exclude_held (&walk, args[2]) < 0)
    goto out;
  if (hs_walk_roots (&walk) < 0)
    goto out;
  if (gc_was_enabled)
    {
      hs_gc_enable ();
      gc_was_enabled = 0;
    }

  if (walk.failed)
    {
      if (!PyErr_Occurred ())
        PyErr_NoMemory ();
      goto out;
    }
  hs_size_deferred (&walk);
  entries = hs_entries (&walk);

out:
  if (gc_was_enabled)
    hs_gc_enable ();
  hs_walk_clear (&walk);
  return entries;
}

/* Asks `matcher` about `type` (held in walk->asked already): into
 * walk->wanted if it wants it. 1 if it does, 0 if not, -1 with an exception
 * set on failure. */
static int
hs_collect_ask (HsWalk   *walk,
                PyObject *matcher,
                PyObject *type)
{
  PyObject *answer = PyObject_CallOneArg (matcher, type);
  int keep;

  if (answer == NULL)
    return -1;
  keep = PyObject_IsTrue (answer);
  Py_DECREF (answer);
  if (keep > 0 && hs_ptr_table_add (&walk->wanted, type, 0) < 0)
    {
      PyErr_NoMemory ();
      return -1;
    }
  return keep;
}

/* Asks `matcher` about every type of the process: object's subclasses, and
 * theirs, as type.__subclasses__ lists them (type's own method: a metaclass
 * may define another, which is the program's code). -1 with an exception set
 * on failure. */
static int
hs_collect_ask_all (HsWalk   *walk,
                    PyObject *matcher)
{
  PyObject *subclasses_of = PyDict_GetItemString (PyType_Type.tp_dict, "__subclasses__");
  PyObject *stack;
  int result = -1;

  if (subclasses_of == NULL)
    {
      PyErr_SetString (PyExc_RuntimeError, "type.__subclasses__ is missing");
      return -1;
    }
  stack = PyList_New (0);
  if (stack == NULL)
    return -1;
  if (PyList_Append (stack, (PyObject *) &PyBaseObject_Type) < 0)
    goto out;
  if (hs_ptr_table_add (&walk->asked, &PyBaseObject_Type, 0) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }
  Py_INCREF (&PyBaseObject_Type);
  if (hs_collect_ask (walk, matcher, (PyObject *) &PyBaseObject_Type) < 0)
    goto out;
  while (PyList_GET_SIZE (stack) > 0)
    {
      Py_ssize_t last = PyList_GET_SIZE (stack) - 1;
      PyObject *type = PyList_GET_ITEM (stack, last);
      PyObject *subclasses;

      Py_INCREF (type);
      if (PyList_SetSlice (stack, last, last + 1, NULL) < 0)
        {
          Py_DECREF (type);
          goto out;
        }
      subclasses = PyObject_CallOneArg (subclasses_of, type);
      Py_DECREF (type);
      if (subclasses == NULL || !PyList_Check (subclasses))
        {
          Py_XDECREF (subclasses);
          goto out;
        }
      for (Py_ssize_t i = 0; i < PyList_GET_SIZE (subclasses); i++)
        {
          PyObject *subclass = PyList_GET_ITEM (subclasses, i);
          int added = hs_ptr_table_add (&walk->asked, subclass, 0);

          if (added == 0)
            continue;
          if (added < 0)
            PyErr_NoMemory ();
          else
            Py_INCREF (subclass);
          if (added < 0 || hs_collect_ask (walk, matcher, subclass) < 0
              || PyList_Append (stack, subclass) < 0)
            {
              Py_DECREF (subclasses);
              goto out;
            }
        }
      Py_DECREF (subclasses);
    }
  result = 0;

out:
  Py_DECREF (stack);
  return result;
}

/* One walk keeping the objects of the wanted types; -1 with an exception set
 * on failure. */
static int
hs_collect_walk (HsWalk   *walk,
                 PyObject *objects)
{
  int gc_was_enabled;

  walk->n_found = 0;
  hs_addr_set_clear (&walk->seen);
  if (hs_addr_set_init (&walk->seen) < 0 || hs_walk_seen_excluded (walk) < 0)
    {
      PyErr_NoMemory ();
      return -1;
    }
  gc_was_enabled = hs_gc_disable ();
  if (objects != Py_None)
    hs_walk_list (walk, objects);
  else if (hs_walk_roots (walk) < 0)
    walk->failed = 1;
  if (gc_was_enabled)
    hs_gc_enable ();
  if (walk->failed)
    {
      if (!PyErr_Occurred ())
        PyErr_NoMemory ();
      return -1;
    }
  return 0;
}

PyObject *
hs_collect (PyObject         *module,
            PyObject *const  *args,
            Py_ssize_t        nargs)
{
  HsWalk walk;
  PyObject *objects;
  PyObject *matcher;
  PyObject *result = NULL;
  int again = 0;

  if (nargs != 4 || (!PyList_Check (args[0]) && args[0] != Py_None))
    {
      PyErr_SetString (PyExc_TypeError, "collect() takes 4 arguments (objects: list or None, skip_ids, code_ids, matcher)");
      return NULL;
    }
  objects = args[0];
  matcher = args[3];
  memset (&walk, 0, sizeof (walk));
  walk.meet = HS_MEET_COLLECT;
  if (hs_ptr_table_init (&walk.excluded, 512, 0) < 0 || hs_ptr_table_init (&walk.codes, 128, 0) < 0
      || hs_ptr_table_init (&walk.asked, 4096, 0) < 0 || hs_ptr_table_init (&walk.wanted, 64, 0) < 0)
    {
      hs_walk_clear (&walk);
      return PyErr_NoMemory ();
    }
  if (hs_ptr_table_add_ids (&walk.excluded, args[1]) < 0 || hs_ptr_table_add_ids (&walk.codes, args[2]) < 0)
    goto out;
  if (hs_ptr_table_add (&walk.excluded, objects, 0) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }

  /* The matcher (which runs code) is asked before the walk, about every type
   * there is; a walk runs none. A type it did not know (one no
   * type.__subclasses__ lists) is asked about after, and, if wanted, a second
   * walk collects its objects too. */
  if (hs_collect_ask_all (&walk, matcher) < 0 || hs_collect_walk (&walk, objects) < 0)
    goto out;
  for (Py_ssize_t i = 0; i < walk.n_fresh; i++)
    {
      int keep = hs_collect_ask (&walk, matcher, walk.fresh[i]);

      if (keep < 0)
        goto out;
      again |= keep;
    }
  if (again && hs_collect_walk (&walk, objects) < 0)
    goto out;

  result = PyList_New (walk.n_found);
  if (result != NULL)
    for (Py_ssize_t i = 0; i < walk.n_found; i++)
      {
        Py_INCREF (walk.found[i]);
        PyList_SET_ITEM (result, i, walk.found[i]);
      }

out:
  hs_walk_clear (&walk);
  return result;
}
