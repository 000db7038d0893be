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
 * index_build (skip_ids, code_ids), index_scan (targets, skip_ids, code_ids),
 * index_intact (), index_drop (), thread_times ()
 *     The referrer index: scan's answer for tracked targets without a pass
 *     over the heap, while the program waits ("the referrer index" below).
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
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "_addrset.h"
#include "_inline_values.h"
#include "_ptrtable.h"
#include "_traverse.h"

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

/* atexit's registry is in the interpreter's state, which 3.11 gives no
 * Python way to list: read for "held from C code" to name its holders. */
#ifdef HS_GC_LISTS
# define HS_READ_ATEXIT 1
#endif

/* Fill `table` with the ids held by the set (or other iterable) `ids`. */
static int
table_from_ids (HsPtrTable *table,
                PyObject   *ids)
{
  Py_ssize_t size = PyObject_Length (ids);

  if (size < 0)
    return -1;
  if (hs_ptr_table_init (table, (size_t) size, 0) < 0)
    {
      PyErr_NoMemory ();
      return -1;
    }
  return hs_ptr_table_add_ids (table, ids);
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

/* -- scan --------------------------------------------------------------------- */

typedef struct
{
  HsPtrTable *targets;     /* target pointer -> index */
  HsPtrTable *skip;
  HsPtrTable *codes;
  HsPtrTable *seen;        /* untracked objects already queued (descend) */
  RefArray   *found;
  RefArray   *stack;       /* untracked objects still to traverse (descend) */
  PyObject   *current;
  PyObject  **last;        /* per target: the object it was last found in */
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
  index = hs_ptr_table_lookup (state->targets, obj);
  /* Once per pair: every object is traversed once, so the object a target was
   * last found in tells a repeat (a list holding it twice) in O(1), however
   * many targets one object holds. */
  if (index >= 0 && state->last[index] != state->current)
    {
      state->last[index] = state->current;
      if (array_push (state->found, state->current, index) < 0)
        state->failed = 1;
    }
  if (state->descend && !hs_is_tracked (obj) && hs_can_traverse (obj) &&
      !hs_ptr_table_contains (state->skip, obj))
    {
      int added = hs_ptr_table_add (state->seen, obj, 0);
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
  Py_TYPE (obj)->tp_traverse (obj, scan_visit, state);
  return state->failed ? -1 : 0;
}

/* (referrers, indexes), the lists a scan answers, from what it found. */
static PyObject *
scan_result (const RefArray *found)
{
  PyObject *referrers = PyList_New (found->length);
  PyObject *indexes = PyList_New (found->length);
  PyObject *result = NULL;

  if (referrers == NULL || indexes == NULL)
    goto out;
  for (Py_ssize_t i = 0; i < found->length; i++)
    {
      PyObject *index = PyLong_FromSsize_t (found->indexes[i]);

      if (index == NULL)
        goto out;
      PyList_SET_ITEM (indexes, i, index);
      Py_INCREF (found->items[i]);
      PyList_SET_ITEM (referrers, i, found->items[i]);
    }
  result = PyTuple_Pack (2, referrers, indexes);

out:
  Py_XDECREF (referrers);
  Py_XDECREF (indexes);
  return result;
}

static PyObject *
refaccel_scan (PyObject *self,
               PyObject *args)
{
  PyObject *objects, *targets, *skip_ids, *code_ids;
  int descend;
  HsPtrTable target_table = { 0 }, skip = { 0 }, codes = { 0 }, seen = { 0 };
  RefArray found = { 0 }, stack = { 0 };
  PyObject **last = NULL;
  ScanState state;
  PyObject *result = NULL;
  Py_ssize_t n_objects, n_targets;

  if (!PyArg_ParseTuple (args, "O!O!OOp", &PyList_Type, &objects, &PyList_Type, &targets,
                         &skip_ids, &code_ids, &descend))
    return NULL;
  n_targets = PyList_GET_SIZE (targets);
  last = PyMem_RawCalloc (n_targets > 0 ? (size_t) n_targets : 1, sizeof (PyObject *));
  if (last == NULL ||
      hs_ptr_table_init (&target_table, (size_t) n_targets, 1) < 0 ||
      hs_ptr_table_init (&seen, descend ? 4096 : 1, 0) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }
  for (Py_ssize_t i = 0; i < n_targets; i++)
    if (hs_ptr_table_add (&target_table, PyList_GET_ITEM (targets, i), i) < 0)
      {
        PyErr_NoMemory ();
        goto out;
      }
  if (table_from_ids (&skip, skip_ids) < 0 || table_from_ids (&codes, code_ids) < 0)
    goto out;
  hs_ptr_table_add (&skip, objects, 0);
  hs_ptr_table_add (&skip, targets, 0);

  memset (&state, 0, sizeof state);
  state.targets = &target_table;
  state.skip = &skip;
  state.codes = &codes;
  state.seen = &seen;
  state.found = &found;
  state.stack = &stack;
  state.last = last;
  state.descend = descend;

  /* The list holds every object: none is freed while we look. */
  n_objects = PyList_GET_SIZE (objects);
  for (Py_ssize_t i = 0; i < n_objects && !state.failed; i++)
    {
      PyObject *obj = PyList_GET_ITEM (objects, i);

      if (hs_ptr_table_contains (&skip, obj) || hs_is_agent_frame (obj, &codes) ||
          !hs_can_traverse (obj))
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
    PyErr_NoMemory ();
  else
    result = scan_result (&found);

out:
  array_clear (&found);
  array_clear (&stack);
  PyMem_RawFree (last);
  hs_ptr_table_clear (&target_table);
  hs_ptr_table_clear (&skip);
  hs_ptr_table_clear (&codes);
  hs_ptr_table_clear (&seen);
  return result;
}

/* -- the referrer index ----------------------------------------------------------- */

/* Which objects the collector tracks refer to which objects it knows of,
 * kept between requests so that a scan for tracked targets need not traverse
 * the heap: addresses and numbers only, never references (the index keeps
 * nothing alive). A scan looks its targets up and traverses the referrers it
 * names alone: what it reports refers to a target now.
 *
 * An address is followed only while its memory holds an object: a hook on
 * the object allocator (installed with the first index, a pass-through
 * without one) sees every block freed, and notes the referrers among them as
 * dead, never to be followed again. (A list, dict or tuple that dies goes to
 * its type's free list, its memory kept, its count 0.) What the index cannot
 * know is a reference made since it was built; when to build it again is
 * _refs.py's to say.
 *
 * Kept: the distinct referents' addresses, ascending, each with the range of
 * its referrers' numbers (4 bytes a reference), each referrer's address by
 * number, and the referrers' addresses as a bitmap (_addrset.h) for the hook,
 * with the dead ones in another. Built: one traversal of the tracked objects,
 * the pairs (referent, referrer) radix-sorted by referent; an object that
 * refers to nothing the collector knows is no referrer. */

/* Makes room for `needed` items in a PyMem_Raw array; -1 when out of memory. */
static int
index_grow (void   **array,
            size_t  *capacity,
            size_t   needed,
            size_t   item_size)
{
  size_t size = *capacity ? *capacity : 4096;
  void *grown;

  if (needed <= *capacity)
    return 0;
  while (size < needed)
    size *= 2;
  grown = PyMem_RawRealloc (*array, size * item_size);
  if (grown == NULL)
    return -1;
  *array = grown;
  *capacity = size;
  return 0;
}

#ifdef HS_GC_LISTS

typedef struct
{
  uintptr_t referent;
  uint32_t  owner;
} IndexPair;

static struct
{
  uintptr_t *referents;         /* distinct, ascending */
  uint32_t  *starts;            /* n_referents + 1 positions in `owners_of` */
  uint32_t  *owners_of;         /* referrer numbers, by referent */
  uintptr_t *owners;            /* referrer number -> address */
  size_t     n_referents;
  size_t     n_owners;
  size_t     n_pairs;
  HsAddrSet  owner_set;         /* the referrers' addresses */
  HsAddrSet  dead_set;          /* those freed since it was built */
  int        watched;           /* the hook looks at frees */
  int        intact;            /* kept, and every death noted */
} ref_index;

/* -- the allocator hook -- */

static PyMemAllocatorEx base_allocator;
static int hook_installed;

/* Notes the referrer in @block, if any, as dead. The block of an object the
 * collector knows starts with its header, after the two words of 3.11's
 * managed __dict__ for instances of Python classes: its object is 16 or 32
 * bytes in, and only its own object can be there. (The sets' memory is the
 * raw domain's: no call comes back here.) */
static inline void
index_note_free (void *block)
{
  char *after_header;
  char *after_dict;

  if (!ref_index.watched || block == NULL)
    return;
  after_header = (char *) block + sizeof (PyGC_Head);
  after_dict = after_header + 2 * sizeof (PyObject *);
  if (hs_addr_set_contains (&ref_index.owner_set, after_header)
      && hs_addr_set_add (&ref_index.dead_set, after_header) < 0)
    ref_index.intact = 0;
  if (hs_addr_set_contains (&ref_index.owner_set, after_dict)
      && hs_addr_set_add (&ref_index.dead_set, after_dict) < 0)
    ref_index.intact = 0;
}

static void *
hook_malloc (void   *ctx,
             size_t  size)
{
  return base_allocator.malloc (base_allocator.ctx, size);
}

static void *
hook_calloc (void   *ctx,
             size_t  n,
             size_t  size)
{
  return base_allocator.calloc (base_allocator.ctx, n, size);
}

static void *
hook_realloc (void   *ctx,
              void   *block,
              size_t  size)
{
  index_note_free (block);
  return base_allocator.realloc (base_allocator.ctx, block, size);
}

static void
hook_free (void *ctx,
           void *block)
{
  index_note_free (block);
  base_allocator.free (base_allocator.ctx, block);
}

/* Whether the hook sees the object allocator's frees: installed once (a hook
 * put over it, tracemalloc's, keeps it in the chain; one that replaced it
 * again does not), never twice (it would call itself). */
static int
hook_in_place (void)
{
  PyMemAllocatorEx current;

  if (!hook_installed)
    {
      PyMemAllocatorEx hook = { NULL, hook_malloc, hook_calloc, hook_realloc, hook_free };

      PyMem_GetAllocator (PYMEM_DOMAIN_OBJ, &base_allocator);
      PyMem_SetAllocator (PYMEM_DOMAIN_OBJ, &hook);
      hook_installed = 1;
    }
  PyMem_GetAllocator (PYMEM_DOMAIN_OBJ, &current);
  return current.free == hook_free;
}

typedef struct
{
  IndexPair *pairs;
  size_t     n_pairs;
  size_t     pairs_capacity;
  uintptr_t *owners;
  size_t     n_owners;
  size_t     owners_capacity;
  int        failed;
} IndexBuild;

static void
index_drop (void)
{
  ref_index.watched = 0;
  PyMem_RawFree (ref_index.referents);
  PyMem_RawFree (ref_index.starts);
  PyMem_RawFree (ref_index.owners_of);
  PyMem_RawFree (ref_index.owners);
  hs_addr_set_clear (&ref_index.owner_set);
  hs_addr_set_clear (&ref_index.dead_set);
  memset (&ref_index, 0, sizeof ref_index);
}

static int
index_visit (PyObject *obj,
             void     *arg)
{
  IndexBuild *build = arg;

  if (obj == NULL || build->failed || !hs_is_gc (obj))
    return 0;                   /* an atom is never a tracked target */
  if (build->n_pairs >= UINT32_MAX
      || index_grow ((void **) &build->pairs, &build->pairs_capacity,
                  build->n_pairs + 1, sizeof (IndexPair)) < 0)
    {
      build->failed = 1;
      return 0;
    }
  build->pairs[build->n_pairs].referent = (uintptr_t) obj;
  build->pairs[build->n_pairs].owner = (uint32_t) build->n_owners;
  build->n_pairs++;
  return 0;
}

#define INDEX_PAIR_ADDRESS(pair) ((pair).referent)
HS_DEFINE_ADDRESS_SORT (index_sort, IndexPair, INDEX_PAIR_ADDRESS)

/* From the sorted pairs, the kept arrays; -1 when out of memory. */
static int
index_keep (IndexBuild *build)
{
  size_t n = build->n_pairs;
  size_t distinct = 0;

  for (size_t i = 0; i < n; i++)
    if (i == 0 || build->pairs[i].referent != build->pairs[i - 1].referent)
      distinct++;
  ref_index.referents = PyMem_RawMalloc ((distinct ? distinct : 1) * sizeof (uintptr_t));
  ref_index.starts = PyMem_RawMalloc ((distinct + 1) * sizeof (uint32_t));
  ref_index.owners_of = PyMem_RawMalloc ((n ? n : 1) * sizeof (uint32_t));
  if (ref_index.referents == NULL || ref_index.starts == NULL || ref_index.owners_of == NULL)
    return -1;
  distinct = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (i == 0 || build->pairs[i].referent != build->pairs[i - 1].referent)
        {
          ref_index.referents[distinct] = build->pairs[i].referent;
          ref_index.starts[distinct] = (uint32_t) i;
          distinct++;
        }
      ref_index.owners_of[i] = build->pairs[i].owner;
    }
  ref_index.starts[distinct] = (uint32_t) n;
  ref_index.n_referents = distinct;
  ref_index.n_pairs = n;
  ref_index.owners = build->owners;     /* taken over */
  ref_index.n_owners = build->n_owners;
  build->owners = NULL;
  if (hs_addr_set_init (&ref_index.owner_set) < 0 || hs_addr_set_init (&ref_index.dead_set) < 0)
    return -1;
  for (size_t i = 0; i < ref_index.n_owners; i++)
    if (hs_addr_set_add (&ref_index.owner_set, (void *) ref_index.owners[i]) < 0)
      return -1;
  return 0;
}

static void
index_add_owner (IndexBuild       *build,
                 PyObject         *obj,
                 const HsPtrTable *skip,
                 const HsPtrTable *codes)
{
  size_t before;

  if (hs_ptr_table_contains (skip, obj) || hs_is_agent_frame (obj, codes) || !hs_can_traverse (obj))
    return;
  if (build->n_owners >= UINT32_MAX
      || index_grow ((void **) &build->owners, &build->owners_capacity,
                     build->n_owners + 1, sizeof (uintptr_t)) < 0)
    {
      build->failed = 1;
      return;
    }
  before = build->n_pairs;
  Py_TYPE (obj)->tp_traverse (obj, index_visit, build);
  if (build->n_pairs > before)
    build->owners[build->n_owners++] = (uintptr_t) obj;
}

/* index_build (skip_ids, code_ids) -> pairs, or None where the collector's
 * lists cannot be read (scans then traverse the heap each time). */
static PyObject *
refaccel_index_build (PyObject         *self,
                      PyObject *const  *args,
                      Py_ssize_t        nargs)
{
  PyObject *skip_ids, *code_ids;
  HsPtrTable skip = { 0 }, codes = { 0 };
  IndexBuild build;
  struct _gc_runtime_state *state;
  PyObject *result = NULL;
  int gc_was_enabled;

  if (nargs != 2)
    {
      PyErr_SetString (PyExc_TypeError, "index_build() takes 2 arguments (skip_ids, code_ids)");
      return NULL;
    }
  skip_ids = args[0];
  code_ids = args[1];
  index_drop ();
  memset (&build, 0, sizeof build);
  if (!hook_in_place ())
    Py_RETURN_NONE;
  if (table_from_ids (&skip, skip_ids) < 0 || table_from_ids (&codes, code_ids) < 0)
    goto out;
  gc_was_enabled = PyGC_Disable ();
  state = hs_gc_lists ();
  /* No code runs from here to the end of the walk: the lists stay as they are. */
  for (int g = 0; state != NULL && g < NUM_GENERATIONS && !build.failed; g++)
    {
      PyGC_Head *head = &state->generations[g].head;

      for (PyGC_Head *gc = _PyGCHead_NEXT (head); gc != head && !build.failed; gc = _PyGCHead_NEXT (gc))
        index_add_owner (&build, (PyObject *) (gc + 1), &skip, &codes);
    }
  if (gc_was_enabled)
    PyGC_Enable ();
  if (state == NULL)
    {
      result = Py_None;
      Py_INCREF (result);
      goto out;
    }
  if (build.failed || index_sort (build.pairs, build.n_pairs) < 0 || index_keep (&build) < 0)
    {
      index_drop ();
      PyErr_NoMemory ();
      goto out;
    }
  /* From here on, a referrer freed breaks it. */
  ref_index.intact = 1;
  ref_index.watched = 1;
  result = PyLong_FromSize_t (ref_index.n_pairs);

out:
  PyMem_RawFree (build.pairs);
  PyMem_RawFree (build.owners);
  hs_ptr_table_clear (&skip);
  hs_ptr_table_clear (&codes);
  return result;
}

/* The position of `address` among the index's referents, or -1. */
static Py_ssize_t
index_find (uintptr_t address)
{
  size_t low = 0, high = ref_index.n_referents;

  while (low < high)
    {
      size_t middle = low + (high - low) / 2;

      if (ref_index.referents[middle] < address)
        low = middle + 1;
      else
        high = middle;
    }
  return low < ref_index.n_referents && ref_index.referents[low] == address ? (Py_ssize_t) low : -1;
}

static int
number_compare (const void *a,
                const void *b)
{
  uint32_t x = *(const uint32_t *) a;
  uint32_t y = *(const uint32_t *) b;

  return x < y ? -1 : x > y;
}

/* index_scan (targets, skip_ids, code_ids) -> (referrers, indexes) as scan
 * answers for tracked targets, or None when no index is kept. */
static PyObject *
refaccel_index_scan (PyObject *self,
                     PyObject *args)
{
  PyObject *targets, *skip_ids, *code_ids;
  HsPtrTable target_table = { 0 }, skip = { 0 }, codes = { 0 };
  RefArray found = { 0 };
  PyObject **last = NULL;
  uint32_t *named = NULL;
  size_t n_named = 0, named_capacity = 0;
  ScanState scan;
  PyObject *result = NULL;
  Py_ssize_t n_targets;

  if (!PyArg_ParseTuple (args, "O!OO", &PyList_Type, &targets, &skip_ids, &code_ids))
    return NULL;
  if (!ref_index.intact)
    Py_RETURN_NONE;
  n_targets = PyList_GET_SIZE (targets);
  last = PyMem_RawCalloc (n_targets > 0 ? (size_t) n_targets : 1, sizeof (PyObject *));
  if (last == NULL || hs_ptr_table_init (&target_table, (size_t) n_targets, 1) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }
  if (table_from_ids (&skip, skip_ids) < 0 || table_from_ids (&codes, code_ids) < 0)
    goto out;
  hs_ptr_table_add (&skip, targets, 0);

  /* The numbers of the referrers the index names, in its order, once each. */
  for (Py_ssize_t i = 0; i < n_targets; i++)
    {
      PyObject *target = PyList_GET_ITEM (targets, i);
      Py_ssize_t at = index_find ((uintptr_t) target);

      if (hs_ptr_table_add (&target_table, target, i) < 0)
        {
          PyErr_NoMemory ();
          goto out;
        }
      for (uint32_t k = at < 0 ? 0 : ref_index.starts[at]; at >= 0 && k < ref_index.starts[at + 1]; k++)
        {
          if (index_grow ((void **) &named, &named_capacity, n_named + 1, sizeof (uint32_t)) < 0)
            {
              PyErr_NoMemory ();
              goto out;
            }
          named[n_named++] = ref_index.owners_of[k];
        }
    }
  if (n_named > 1)
    qsort (named, n_named, sizeof (uint32_t), number_compare);

  memset (&scan, 0, sizeof scan);
  scan.targets = &target_table;
  scan.skip = &skip;
  scan.codes = &codes;
  scan.found = &found;
  scan.last = last;
  /* Each that has not died holds the object it held when the index was
   * built, or one made since in its place (a list, dict or tuple the type's
   * free list handed out again): traversed, and reported if it refers to a
   * target. One on a free list is dead but its memory is not given back:
   * its count says so. Nothing runs meanwhile. */
  for (size_t i = 0; i < n_named && !scan.failed; i++)
    {
      PyObject *obj;

      if (i > 0 && named[i] == named[i - 1])
        continue;
      obj = (PyObject *) ref_index.owners[named[i]];
      if (hs_addr_set_contains (&ref_index.dead_set, obj) || Py_REFCNT (obj) == 0)
        continue;
      if (hs_ptr_table_contains (&skip, obj) || hs_is_agent_frame (obj, &codes) || !hs_can_traverse (obj))
        continue;
      scan_one (&scan, obj);
    }
  if (scan.failed)
    PyErr_NoMemory ();
  else
    result = scan_result (&found);

out:
  array_clear (&found);
  PyMem_RawFree (last);
  PyMem_RawFree (named);
  hs_ptr_table_clear (&target_table);
  hs_ptr_table_clear (&skip);
  hs_ptr_table_clear (&codes);
  return result;
}

/* Whether the kept index may be used: built, and the hook still sees the frees. */
static PyObject *
refaccel_index_intact (PyObject *self,
                       PyObject *unused)
{
  return PyBool_FromLong (ref_index.intact && hook_in_place ());
}

static PyObject *
refaccel_index_drop (PyObject *self,
                     PyObject *unused)
{
  index_drop ();
  Py_RETURN_NONE;
}

#else  /* no index: scans traverse the heap */

static PyObject *
refaccel_index_build (PyObject         *self,
                      PyObject *const  *args,
                      Py_ssize_t        nargs)
{
  Py_RETURN_NONE;
}

static PyObject *
refaccel_index_scan (PyObject *self,
                     PyObject *args)
{
  Py_RETURN_NONE;
}

static PyObject *
refaccel_index_intact (PyObject *self,
                       PyObject *unused)
{
  Py_RETURN_FALSE;
}

static PyObject *
refaccel_index_drop (PyObject *self,
                     PyObject *unused)
{
  Py_RETURN_NONE;
}

#endif

/* The CPU time of every thread of the process but the caller's, as bytes
 * ((thread id, nanoseconds) pairs by thread id): equal twice, and nothing
 * but the caller ran in between. */
static PyObject *
refaccel_thread_times (PyObject *self,
                       PyObject *unused)
{
  DIR *tasks = opendir ("/proc/self/task");
  struct dirent *entry;
  int64_t *pairs = NULL;
  size_t n = 0, capacity = 0;
  pid_t me = (pid_t) syscall (SYS_gettid);
  PyObject *result;

  if (tasks == NULL)
    return PyErr_SetFromErrno (PyExc_OSError);
  while ((entry = readdir (tasks)) != NULL)
    {
      pid_t tid = (pid_t) atoi (entry->d_name);
      struct timespec spent = { 0, -1 };
      size_t at;

      if (tid <= 0 || tid == me)
        continue;
      /* The kernel's per-thread CPU clock (what pthread_getcpuclockid makes). */
      if (clock_gettime ((clockid_t) ((~(unsigned) tid) << 3 | 6), &spent) < 0)
        spent.tv_sec = -1;
      if (index_grow ((void **) &pairs, &capacity, n + 1, 2 * sizeof (int64_t)) < 0)
        {
          closedir (tasks);
          PyMem_RawFree (pairs);
          return PyErr_NoMemory ();
        }
      for (at = n; at > 0 && pairs[2 * (at - 1)] > tid; at--)
        {
          pairs[2 * at] = pairs[2 * (at - 1)];
          pairs[2 * at + 1] = pairs[2 * (at - 1) + 1];
        }
      pairs[2 * at] = tid;
      pairs[2 * at + 1] = (int64_t) spent.tv_sec * 1000000000 + spent.tv_nsec;
      n++;
    }
  closedir (tasks);
  result = PyBytes_FromStringAndSize ((const char *) pairs, (Py_ssize_t) (n * 2 * sizeof (int64_t)));
  PyMem_RawFree (pairs);
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
  if (hs_is_tracked (ref))
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
#if PY_VERSION_HEX >= 0x030A0000
  /* No collection while the references are made: each would go through the
   * lists given and made here, 200 000 objects at a time, and their
   * allocations start one every 700 (half of a first page's time). Nor does
   * one run a finalizer of the program's in this thread. */
  int gc_was_enabled = PyGC_Disable ();
#endif
  for (Py_ssize_t i = 0; i < n; i++)
    {
      PyObject *obj = PyList_GET_ITEM (objects, i);

      words[i] = (uintptr_t) obj;
      PyList_SET_ITEM (refs, i, make_weak (obj, weak_type));
    }
#if PY_VERSION_HEX >= 0x030A0000
  if (gc_was_enabled)
    PyGC_Enable ();
#endif
  /* It holds only untracked references and None: no cycle goes through it,
   * and kept with the listing it would make every full collection of the
   * program's go through it. */
  PyObject_GC_UnTrack (refs);
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

#ifdef HS_READ_FRAME_SLOTS
/* The locals of an interpreter frame as a new dict {name: value}, read from
 * its slots (cells read through); None where f_locals must be used instead. */
static PyObject *
iframe_locals (struct _PyInterpreterFrame *frame)
{
  PyCodeObject *code = frame->f_code;
  PyObject *result;
  Py_ssize_t n;

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
}
#endif

/* A frame object's locals: see iframe_locals. */
static PyObject *
refaccel_frame_locals (PyObject *self,
                       PyObject *arg)
{
#ifdef HS_READ_FRAME_SLOTS
  if (!PyFrame_Check (arg))
    Py_RETURN_NONE;
  return iframe_locals (((PyFrameObject *) arg)->f_frame);
#else
  Py_RETURN_NONE;
#endif
}

/* A paused generator's, coroutine's or async generator's locals, read from
 * the interpreter frame it embeds (gi_frame would make a frame object, and
 * its f_locals a dict that keeps what it saw alive); None when it has no
 * frame any more (finished, or running: a running frame is read as a
 * thread's), or the slots cannot be read. */
static PyObject *
refaccel_generator_locals (PyObject *self,
                           PyObject *arg)
{
#ifdef HS_READ_FRAME_SLOTS
  PyGenObject *gen;

  if (!PyGen_Check (arg) && !PyCoro_CheckExact (arg) && !PyAsyncGen_CheckExact (arg))
    Py_RETURN_NONE;
  gen = (PyGenObject *) arg;
  if (gen->gi_frame_state != FRAME_CREATED && gen->gi_frame_state != FRAME_SUSPENDED)
    Py_RETURN_NONE;
  return iframe_locals ((struct _PyInterpreterFrame *) gen->gi_iframe);
#else
  Py_RETURN_NONE;
#endif
}

#ifdef HS_READ_ATEXIT
/* Appends the tuple Py_BuildValue (format, ...) makes to the list `found`;
 * -1 with an exception set when it cannot. */
static int
append_built (PyObject   *found,
              const char *format,
              ...)
{
  PyObject *entry;
  va_list arguments;
  int result;

  va_start (arguments, format);
  entry = Py_VaBuildValue (format, arguments);
  va_end (arguments);
  if (entry == NULL)
    return -1;
  result = PyList_Append (found, entry);
  Py_DECREF (entry);
  return result;
}
#endif

/* [(func, args, kwargs), ...]: the callbacks atexit holds, args and kwargs
 * None when not given; None where the registry cannot be read. */
static PyObject *
refaccel_atexit_callbacks (PyObject *self,
                           PyObject *unused)
{
#ifdef HS_READ_ATEXIT
  struct atexit_state *state = &PyInterpreterState_Get ()->atexit;
  PyObject *found = PyList_New (0);

  if (found == NULL)
    return NULL;
  for (int i = 0; i < state->ncallbacks; i++)
    {
      atexit_callback *callback = state->callbacks[i];

      if (callback == NULL)
        continue;                 /* unregistered */
      if (append_built (found, "(OOO)", callback->func,
                        callback->args != NULL ? callback->args : Py_None,
                        callback->kwargs != NULL ? callback->kwargs : Py_None) < 0)
        {
          Py_DECREF (found);
          return NULL;
        }
    }
  return found;
#else
  Py_RETURN_NONE;
#endif
}

/* [(what, item, container), ...]: the interpreter's own lists and dicts of
 * Python objects (codecs' search functions, sys.addaudithook's hooks...),
 * held from C; None where they cannot be read. */
static PyObject *
refaccel_interpreter_holders (PyObject *self,
                              PyObject *unused)
{
#ifdef HS_READ_ATEXIT
  PyInterpreterState *interpreter = PyInterpreterState_Get ();
  const struct { const char *what; const char *item; PyObject *container; } held[] = {
    { "codecs search functions", "codecs search function", interpreter->codec_search_path },
    { "codecs search cache", "codecs search cache entry", interpreter->codec_search_cache },
    { "codecs error handlers", "codecs error handler", interpreter->codec_error_registry },
    { "sys.addaudithook hooks", "sys.addaudithook hook", interpreter->audit_hooks },
  };
  PyObject *found = PyList_New (0);

  if (found == NULL)
    return NULL;
  for (size_t i = 0; i < sizeof held / sizeof held[0]; i++)
    if (held[i].container != NULL
        && append_built (found, "(ssO)", held[i].what, held[i].item, held[i].container) < 0)
      {
        Py_DECREF (found);
        return NULL;
      }
  return found;
#else
  Py_RETURN_NONE;
#endif
}

static PyMethodDef refaccel_methods[] = {
  { "scan", refaccel_scan, METH_VARARGS, "Objects referring to any of the targets." },
  { "index_build", (PyCFunction) (void (*) (void)) refaccel_index_build, METH_FASTCALL,
    "Build the referrer index (skip_ids, code_ids); its size, or None where it cannot be." },
  { "index_scan", refaccel_index_scan, METH_VARARGS,
    "scan's answer for tracked targets from an intact index (targets, skip_ids, code_ids), or None." },
  { "index_drop", refaccel_index_drop, METH_NOARGS, "Forget the referrer index." },
  { "index_intact", refaccel_index_intact, METH_NOARGS,
    "Whether the referrer index is kept and none of its referrers was freed since it was built." },
  { "thread_times", refaccel_thread_times, METH_NOARGS,
    "The CPU time of every other thread of the process, as bytes to compare." },
  { "weaken", refaccel_weaken, METH_VARARGS, "Untracked weak references and addresses of a listing." },
  { "weak_ref", refaccel_weak_ref, METH_VARARGS, "An untracked weak reference, or None." },
  { "let_go", refaccel_let_go, METH_VARARGS, "Empty a list; what it alone held is freed in the main thread." },
  { "instance_dict", refaccel_instance_dict, METH_O, "An existing instance __dict__, or None." },
  { "frame_locals", refaccel_frame_locals, METH_O, "A frame's locals as a new dict, or None." },
  { "generator_locals", refaccel_generator_locals, METH_O,
    "A paused generator's or coroutine's locals as a new dict, or None." },
  { "inline_attributes", refaccel_inline_attributes, METH_O,
    "[[name, value], ...] of inline values, or None." },
  { "atexit_callbacks", refaccel_atexit_callbacks, METH_NOARGS,
    "[(func, args, kwargs), ...] atexit holds, or None." },
  { "interpreter_holders", refaccel_interpreter_holders, METH_NOARGS,
    "[(what, item, container), ...] the interpreter holds, or None." },
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
