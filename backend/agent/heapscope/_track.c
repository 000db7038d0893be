/* _track.c — births and deaths of tracked classes' instances, in C (see _tracker.py)
 *
 * A tracked class gets two of its type slots replaced: tp_alloc, which records
 * a birth after the class's own allocator returns, and tp_free, which records
 * the death before memory is given back.  Both are per type and never inherited
 * by a Python subclass (type_new sets them), so every subclass is hooked too:
 * those that exist when tracking starts, and new ones as their metaclass's
 * tp_init runs (see hs_type_init).  Nothing of the program is wrapped or
 * replaced at the Python level, no weak reference is made, and an untracked
 * instance costs nothing.
 *
 * The bookkeeping is C memory, outside the heap the census counts: a dense
 * array of 32-byte records for the live tracked instances, found by address
 * through an open-addressing table of 32-bit slots, and two logs (births and
 * deaths since the last drain).  A death removes the record at once, so a new
 * object at the same address is a new instance.  Creation stacks (trace) are
 * interned as bytes keys of one dict, which _tracker hands to the census as
 * the agent's own.
 *
 * configure (origin)               times are seconds since `origin` (monotonic)
 * hook (cls, class_index, births)  replace cls's slots; births: record new instances
 * stop_births (cls)                births of cls no longer recorded (detach)
 * set_trace (class_index, on)      record creation stacks for that class's births
 * hook_metatype (metatype)         hook the metatype's tp_init (new subclasses)
 * adopt (obj, class_index, before) track one object; returns its id, 0 if tracked
 * tracked_id (obj)                 the object's id, 0 when untracked
 * object_of (id)                   the live object tracked under id, or None
 * drain ()                         (births, deaths, traces) since the last drain
 * live ()                          [(id, class_index, obj)] of live instances, by id
 * untrack_all ()                   forget every instance, restore every slot: the ids
 * footprint ()                     (live instances, bytes of bookkeeping)
 * containers ()                    the Python objects this module keeps
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "_ptrtable.h"

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
# define HS_INTERNAL_FRAMES 1
# define Py_BUILD_CORE
# include <internal/pycore_frame.h>
# undef Py_BUILD_CORE
#endif

#define HS_EMPTY_SLOT 0u
#define HS_MAX_TRACE_FRAMES 48

typedef struct
{
  uintptr_t address;
  uint64_t  id;
  double    birth;          /* seconds since the origin; NAN: before tracking */
  uint32_t  class_index;
  uint32_t  trace;          /* 0: no stack recorded */
} HsRecord;

typedef struct
{
  uint64_t id;
  double   time;
} HsDeath;

typedef struct
{
  PyTypeObject *type;
  allocfunc     orig_alloc;
  freefunc      orig_free;
  int           class_index;  /* births are recorded under it; -1: none */
  PyObject     *watch;        /* a weak reference to the type: its going ends the hook */
} HsHook;

typedef struct
{
  PyTypeObject *metatype;
  initproc      orig_init;
} HsInitHook;

static double hs_origin;
static uint64_t hs_next_id = 1;

static HsRecord *hs_records;          /* live tracked instances, dense */
static size_t hs_n_records, hs_records_cap;
static uint32_t *hs_slots;            /* record index + 1, by address hash */
static size_t hs_slots_cap;           /* a power of 2, or 0 */

static HsRecord *hs_births;           /* since the last drain */
static size_t hs_n_births, hs_births_cap;
static HsDeath *hs_deaths;
static size_t hs_n_deaths, hs_deaths_cap;

static HsHook *hs_hooks;
static size_t hs_n_hooks, hs_hooks_cap;
static size_t hs_n_birth_hooks;       /* hooks with class_index >= 0 */
static HsInitHook *hs_init_hooks;     /* kept for the life of the process */
static size_t hs_n_init_hooks, hs_init_hooks_cap;

static uint8_t *hs_traced_classes;    /* class_index -> record stacks */
static size_t hs_n_traced_classes;

static PyObject *hs_type_gone;        /* the callback of the hooks' weak references */
static PyObject *hs_trace_ids;        /* dict: bytes stack -> int id */
static PyObject *hs_new_traces;       /* list of bytes stacks since the last drain */

static int
hs_as_int (PyObject *value)
{
  long number = PyLong_AsLong (value);

  if (number == -1 && PyErr_Occurred ())
    return -1;
  if (number < -1 || number > INT32_MAX)
    {
      PyErr_SetString (PyExc_ValueError, "class index out of range");
      return -1;
    }
  return (int) number;
}

static double
hs_now (void)
{
  struct timespec now;

  clock_gettime (CLOCK_MONOTONIC, &now);
  return (double) now.tv_sec + (double) now.tv_nsec / 1e9 - hs_origin;
}

static int
hs_grow (void   **array,
         size_t  *cap,
         size_t   needed,
         size_t   item_size)
{
  size_t new_cap;
  void *grown;

  if (needed <= *cap)
    return 0;
  new_cap = *cap ? *cap + *cap / 2 : 64;
  if (new_cap < needed)
    new_cap = needed;
  grown = realloc (*array, new_cap * item_size);
  if (grown == NULL)
    return -1;
  *array = grown;
  *cap = new_cap;
  return 0;
}

/* -- the address table -------------------------------------------------------- */

/* The agent's one address hash (_ptrtable.h); this table is its own because
 * it removes entries, which HsPtrTable never does. */
static size_t
hs_slot_of (uintptr_t address)
{
  return hs_ptr_hash (address) & (hs_slots_cap - 1);
}

static size_t
hs_find_slot (uintptr_t address)
{
  size_t slot;

  if (hs_slots_cap == 0)
    return SIZE_MAX;
  for (slot = hs_slot_of (address); hs_slots[slot] != HS_EMPTY_SLOT;
       slot = (slot + 1) & (hs_slots_cap - 1))
    if (hs_records[hs_slots[slot] - 1].address == address)
      return slot;
  return SIZE_MAX;
}

static void
hs_place (size_t record_index)
{
  size_t slot = hs_slot_of (hs_records[record_index].address);

  while (hs_slots[slot] != HS_EMPTY_SLOT)
    slot = (slot + 1) & (hs_slots_cap - 1);
  hs_slots[slot] = (uint32_t) record_index + 1;
}

static int
hs_rehash (size_t cap)
{
  uint32_t *slots = calloc (cap, sizeof (uint32_t));

  if (slots == NULL)
    return -1;
  free (hs_slots);
  hs_slots = slots;
  hs_slots_cap = cap;
  for (size_t i = 0; i < hs_n_records; i++)
    hs_place (i);
  return 0;
}

/* Linear probing with backward-shift deletion: no tombstones to age. */
static void
hs_clear_slot (size_t hole)
{
  size_t slot = hole;

  hs_slots[hole] = HS_EMPTY_SLOT;
  for (;;)
    {
      size_t home;

      slot = (slot + 1) & (hs_slots_cap - 1);
      if (hs_slots[slot] == HS_EMPTY_SLOT)
        return;
      home = hs_slot_of (hs_records[hs_slots[slot] - 1].address);
      /* The entry may move back to the hole if its home is not in (hole, slot]. */
      if ((slot > hole && (home <= hole || home > slot))
          || (slot < hole && home <= hole && home > slot))
        {
          hs_slots[hole] = hs_slots[slot];
          hs_slots[slot] = HS_EMPTY_SLOT;
          hole = slot;
        }
    }
}

static int
hs_add_record (const HsRecord *record)
{
  if (hs_n_records >= UINT32_MAX - 1)
    return -1;
  if (hs_grow ((void **) &hs_records, &hs_records_cap, hs_n_records + 1, sizeof (HsRecord)) < 0)
    return -1;
  if ((hs_n_records + 1) * 10 > hs_slots_cap * 7
      && hs_rehash (hs_slots_cap ? hs_slots_cap * 2 : 1024) < 0)
    return -1;
  hs_records[hs_n_records] = *record;
  hs_place (hs_n_records);
  hs_n_records++;
  return 0;
}

static void
hs_remove_record (size_t slot)
{
  size_t index = hs_slots[slot] - 1;
  size_t last = hs_n_records - 1;

  hs_clear_slot (slot);
  if (index != last)
    {
      size_t moved = hs_find_slot (hs_records[last].address);

      hs_records[index] = hs_records[last];
      hs_slots[moved] = (uint32_t) index + 1;
    }
  hs_n_records--;
}

/* -- hooks -------------------------------------------------------------------- */

static PyObject *hs_alloc (PyTypeObject *type, Py_ssize_t n_items);

/* The hook of `type`, or of its nearest base: a type made by PyType_FromSpec
 * on a tracked base inherits the replaced slot. */
static HsHook *
hs_hook_of (PyTypeObject *type)
{
  for (PyTypeObject *t = type; t != NULL; t = t->tp_base)
    for (size_t i = 0; i < hs_n_hooks; i++)
      if (hs_hooks[i].type == t)
        return &hs_hooks[i];
  return NULL;
}

typedef struct
{
  char   *data;
  size_t  length;
  size_t  cap;
} HsStackText;

/* One frame as three NUL-ended strings: file, line, function. */
static void
hs_append_frame (HsStackText  *text,
                 PyCodeObject *code,
                 int           line)
{
  const char *file = PyUnicode_AsUTF8 (code->co_filename);
  const char *name = PyUnicode_AsUTF8 (code->co_name);
  char number[24];
  size_t need;

  if (file == NULL || name == NULL)
    {
      PyErr_Clear ();
      file = file ? file : "?";
      name = name ? name : "?";
    }
  snprintf (number, sizeof number, "%d", line);
  need = strlen (file) + strlen (number) + strlen (name) + 3;
  if (hs_grow ((void **) &text->data, &text->cap, text->length + need, 1) < 0)
    return;
  text->length += (size_t) sprintf (text->data + text->length, "%s", file) + 1;
  text->length += (size_t) sprintf (text->data + text->length, "%s", number) + 1;
  text->length += (size_t) sprintf (text->data + text->length, "%s", name) + 1;
}

/* The calling thread's stack, innermost first, interned: its trace id, 0 if
 * none.  On 3.11 the interpreter's frames are read as they are; elsewhere
 * through the frame objects (which the interpreter then keeps until the
 * frames end). */
static uint32_t
hs_capture_trace (void)
{
  HsStackText text = { NULL, 0, 0 };
  PyObject *stack;
  PyObject *known;
  int depth = 0;
  uint32_t id = 0;

  if (hs_trace_ids == NULL)
    return 0;
#ifdef HS_INTERNAL_FRAMES
  for (_PyInterpreterFrame *frame = PyThreadState_Get ()->cframe->current_frame;
       frame != NULL && depth < HS_MAX_TRACE_FRAMES; frame = frame->previous)
    {
      if (_PyFrame_IsIncomplete (frame))
        continue;
      hs_append_frame (&text, frame->f_code,
                       PyCode_Addr2Line (frame->f_code,
                                         _PyInterpreterFrame_LASTI (frame)
                                         * (int) sizeof (_Py_CODEUNIT)));
      depth++;
    }
#else
  {
    PyFrameObject *frame = PyEval_GetFrame ();

    Py_XINCREF (frame);
    while (frame != NULL && depth < HS_MAX_TRACE_FRAMES)
      {
        PyCodeObject *code = PyFrame_GetCode (frame);
        PyFrameObject *back;

        hs_append_frame (&text, code, PyFrame_GetLineNumber (frame));
        Py_DECREF (code);
        back = PyFrame_GetBack (frame);
        Py_DECREF (frame);
        frame = back;
        depth++;
      }
    Py_XDECREF (frame);
  }
#endif
  if (text.data == NULL)
    return 0;
  stack = PyBytes_FromStringAndSize (text.data, (Py_ssize_t) text.length);
  free (text.data);
  if (stack == NULL)
    {
      PyErr_Clear ();
      return 0;
    }
  known = PyDict_GetItemWithError (hs_trace_ids, stack);
  if (known != NULL)
    id = (uint32_t) PyLong_AsUnsignedLong (known);
  else if (!PyErr_Occurred ())
    {
      PyObject *number = PyLong_FromSsize_t (PyDict_GET_SIZE (hs_trace_ids) + 1);

      if (number != NULL && PyDict_SetItem (hs_trace_ids, stack, number) == 0
          && PyList_Append (hs_new_traces, stack) == 0)
        id = (uint32_t) PyDict_GET_SIZE (hs_trace_ids);
      Py_XDECREF (number);
    }
  if (PyErr_Occurred ())
    {
      PyErr_Clear ();
      id = 0;
    }
  Py_DECREF (stack);
  return id;
}

static int
hs_record_birth (PyObject *obj,
                 int       class_index,
                 double    birth,
                 uint32_t  trace)
{
  HsRecord record = {
    .address = (uintptr_t) obj, .id = hs_next_id, .birth = birth,
    .class_index = (uint32_t) class_index, .trace = trace,
  };

  if (hs_grow ((void **) &hs_births, &hs_births_cap, hs_n_births + 1, sizeof (HsRecord)) < 0
      || hs_add_record (&record) < 0)
    return -1;
  hs_births[hs_n_births++] = record;
  hs_next_id++;
  return 0;
}

/* The instance at @address, if tracked, dies now. */
static void
hs_forget_address (uintptr_t address)
{
  size_t slot = hs_find_slot (address);

  if (slot == SIZE_MAX)
    return;
  if (hs_grow ((void **) &hs_deaths, &hs_deaths_cap, hs_n_deaths + 1, sizeof (HsDeath)) == 0)
    {
      hs_deaths[hs_n_deaths].id = hs_records[hs_slots[slot] - 1].id;
      hs_deaths[hs_n_deaths].time = hs_now ();
      hs_n_deaths++;
    }
  hs_remove_record (slot);
}

static void
hs_free (void *memory)
{
  PyTypeObject *type = Py_TYPE ((PyObject *) memory);
  HsHook *hook = hs_hook_of (type);

  hs_forget_address ((uintptr_t) memory);
  if (hook != NULL)
    hook->orig_free (memory);
  else if (PyType_IS_GC (type))
    PyObject_GC_Del (memory);
  else
    PyObject_Free (memory);
}

/* Replace the slots of `type`, watched by a weak reference: a class that goes
 * away takes its hook with it (see hs_type_gone_py). */
static HsHook *
hs_install_hook (PyTypeObject *type,
                 int           class_index)
{
  PyObject *watch = PyWeakref_NewRef ((PyObject *) type, hs_type_gone);
  HsHook *hook;

  if (watch == NULL)
    return NULL;
  if (hs_grow ((void **) &hs_hooks, &hs_hooks_cap, hs_n_hooks + 1, sizeof (HsHook)) < 0)
    {
      Py_DECREF (watch);
      PyErr_NoMemory ();
      return NULL;
    }
  hook = &hs_hooks[hs_n_hooks++];
  hook->type = type;
  hook->orig_alloc = type->tp_alloc;
  hook->orig_free = type->tp_free;
  hook->class_index = class_index;
  hook->watch = watch;
  type->tp_alloc = hs_alloc;
  type->tp_free = hs_free;
  if (class_index >= 0)
    hs_n_birth_hooks++;
  return hook;
}

static void
hs_remove_hook (HsHook *hook)
{
  PyTypeObject *type = hook->type;
  PyObject *watch = hook->watch;

  if (type->tp_alloc == hs_alloc)
    type->tp_alloc = hook->orig_alloc;
  if (type->tp_free == hs_free)
    type->tp_free = hook->orig_free;
  if (hook->class_index >= 0)
    hs_n_birth_hooks--;
  *hook = hs_hooks[--hs_n_hooks];
  Py_XDECREF (watch);
}

static PyObject *
hs_alloc (PyTypeObject *type,
          Py_ssize_t    n_items)
{
  HsHook *hook = hs_hook_of (type);
  PyObject *obj;
  uint32_t trace = 0;
  int class_index;

  if (hook == NULL)
    return PyType_GenericAlloc (type, n_items);
  class_index = hook->class_index;
  obj = hook->orig_alloc (type, n_items);
  if (obj == NULL || class_index < 0)
    return obj;
  /* The stack first: interning it may allocate, and so collect, and so free
   * tracked objects, which must not happen between finding and adding. */
  if ((size_t) class_index < hs_n_traced_classes && hs_traced_classes[class_index])
    trace = hs_capture_trace ();
  /* An instance still listed at this address was freed by a path that
   * bypassed tp_free (a C extension calling PyObject_GC_Del itself): its
   * death is now, at the latest. */
  hs_forget_address ((uintptr_t) obj);
  (void) hs_record_birth (obj, class_index, hs_now (), trace);
  return obj;
}

static int
hs_type_init (PyObject *self,
              PyObject *args,
              PyObject *kwds)
{
  initproc orig = NULL;
  int result;

  for (PyTypeObject *t = Py_TYPE (self); t != NULL && orig == NULL; t = t->tp_base)
    for (size_t i = 0; i < hs_n_init_hooks; i++)
      if (hs_init_hooks[i].metatype == t)
        {
          orig = hs_init_hooks[i].orig_init;
          break;
        }
  result = orig ? orig (self, args, kwds) : 0;
  if (result < 0 || hs_n_birth_hooks == 0 || !PyType_Check (self))
    return result;
  /* A new class: if a class of its MRO is tracked for births, so is it, under
   * the same tracked class. */
  {
    PyTypeObject *cls = (PyTypeObject *) self;
    PyObject *mro = cls->tp_mro;
    int class_index = -1;

    if (!(cls->tp_flags & Py_TPFLAGS_HEAPTYPE) || cls->tp_alloc == hs_alloc
        || mro == NULL || !PyTuple_Check (mro))
      return result;
    for (Py_ssize_t k = 1; k < PyTuple_GET_SIZE (mro) && class_index < 0; k++)
      for (size_t i = 0; i < hs_n_hooks; i++)
        if ((PyObject *) hs_hooks[i].type == PyTuple_GET_ITEM (mro, k)
            && hs_hooks[i].class_index >= 0)
          {
            class_index = hs_hooks[i].class_index;
            break;
          }
    if (class_index >= 0 && hs_install_hook (cls, class_index) == NULL)
      PyErr_Clear ();     /* untracked then; the class itself is made */
  }
  return result;
}

static HsHook *
hs_exact_hook (PyTypeObject *type)
{
  for (size_t i = 0; i < hs_n_hooks; i++)
    if (hs_hooks[i].type == type)
      return &hs_hooks[i];
  return NULL;
}

static int
hs_check_heap_type (PyObject *cls)
{
  if (!PyType_Check (cls))
    {
      PyErr_Format (PyExc_TypeError, "only classes can be tracked, not %.200s objects",
                    Py_TYPE (cls)->tp_name);
      return -1;
    }
  if (!(((PyTypeObject *) cls)->tp_flags & Py_TPFLAGS_HEAPTYPE))
    {
      PyErr_Format (PyExc_TypeError,
                    "%.200s is defined in C; only classes defined in Python can be tracked",
                    ((PyTypeObject *) cls)->tp_name);
      return -1;
    }
  return 0;
}

static PyObject *
hs_hook_py (PyObject         *module,
            PyObject *const  *args,
            Py_ssize_t        nargs)
{
  PyTypeObject *cls;
  HsHook *hook;
  int class_index;
  int births;

  if (nargs != 3)
    return PyErr_Format (PyExc_TypeError, "hook() takes 3 arguments");
  if (hs_check_heap_type (args[0]) < 0)
    return NULL;
  cls = (PyTypeObject *) args[0];
  class_index = hs_as_int (args[1]);
  births = PyObject_IsTrue (args[2]);
  if ((class_index == -1 && PyErr_Occurred ()) || births < 0)
    return NULL;
  hook = hs_exact_hook (cls);
  if (hook == NULL && (hook = hs_install_hook (cls, -1)) == NULL)
    return NULL;
  if (births && hook->class_index < 0)
    hs_n_birth_hooks++;
  else if (!births && hook->class_index >= 0)
    hs_n_birth_hooks--;
  hook->class_index = births ? class_index : -1;
  Py_RETURN_NONE;
}

static PyObject *
hs_stop_births_py (PyObject *module,
                   PyObject *cls)
{
  HsHook *hook = PyType_Check (cls) ? hs_exact_hook ((PyTypeObject *) cls) : NULL;

  if (hook != NULL && hook->class_index >= 0)
    {
      hook->class_index = -1;
      hs_n_birth_hooks--;
    }
  Py_RETURN_NONE;
}

static PyObject *
hs_type_gone_py (PyObject *module,
                 PyObject *watch)
{
  for (size_t i = 0; i < hs_n_hooks; i++)
    if (hs_hooks[i].watch == watch)
      {
        hs_remove_hook (&hs_hooks[i]);
        break;
      }
  Py_RETURN_NONE;
}

static PyObject *
hs_hook_metatype_py (PyObject *module,
                     PyObject *metatype)
{
  PyTypeObject *type;

  if (!PyType_Check (metatype) || !PyType_IsSubtype ((PyTypeObject *) metatype, &PyType_Type))
    return PyErr_Format (PyExc_TypeError, "hook_metatype() takes a metaclass");
  type = (PyTypeObject *) metatype;
  if (type->tp_init == hs_type_init || type->tp_init == NULL)
    Py_RETURN_NONE;
  if (hs_grow ((void **) &hs_init_hooks, &hs_init_hooks_cap, hs_n_init_hooks + 1,
               sizeof (HsInitHook)) < 0)
    return PyErr_NoMemory ();
  hs_init_hooks[hs_n_init_hooks].metatype = type;
  hs_init_hooks[hs_n_init_hooks].orig_init = type->tp_init;
  hs_n_init_hooks++;
  /* Kept for good: a metaclass made later copies this slot from its base.
   * The entry holds no reference: the saved functions are CPython's own
   * (type_init, slot_tp_init), valid even if the metaclass goes away. */
  type->tp_init = hs_type_init;
  Py_RETURN_NONE;
}

static PyObject *
hs_set_trace_py (PyObject         *module,
                 PyObject *const  *args,
                 Py_ssize_t        nargs)
{
  int class_index, on;

  if (nargs != 2)
    return PyErr_Format (PyExc_TypeError, "set_trace() takes 2 arguments");
  class_index = hs_as_int (args[0]);
  on = PyObject_IsTrue (args[1]);
  if ((class_index == -1 && PyErr_Occurred ()) || on < 0)
    return NULL;
  if (class_index < 0)
    return PyErr_Format (PyExc_ValueError, "negative class index");
  if ((size_t) class_index >= hs_n_traced_classes)
    {
      size_t cap = hs_n_traced_classes;

      if (hs_grow ((void **) &hs_traced_classes, &cap, (size_t) class_index + 1, 1) < 0)
        return PyErr_NoMemory ();
      memset (hs_traced_classes + hs_n_traced_classes, 0, cap - hs_n_traced_classes);
      hs_n_traced_classes = cap;
    }
  hs_traced_classes[class_index] = (uint8_t) on;
  Py_RETURN_NONE;
}

static PyObject *
hs_adopt_py (PyObject         *module,
             PyObject *const  *args,
             Py_ssize_t        nargs)
{
  int class_index, before;
  uint32_t trace = 0;

  if (nargs != 3)
    return PyErr_Format (PyExc_TypeError, "adopt() takes 3 arguments");
  class_index = hs_as_int (args[1]);
  before = PyObject_IsTrue (args[2]);
  if ((class_index == -1 && PyErr_Occurred ()) || before < 0)
    return NULL;
  if (hs_find_slot ((uintptr_t) args[0]) != SIZE_MAX)
    return PyLong_FromLong (0);
  if (hs_exact_hook (Py_TYPE (args[0])) == NULL)
    return PyErr_Format (PyExc_ValueError, "the object's class is not hooked");
  if (!before && (size_t) class_index < hs_n_traced_classes && hs_traced_classes[class_index])
    trace = hs_capture_trace ();
  if (hs_record_birth (args[0], class_index, before ? NAN : hs_now (), trace) < 0)
    return PyErr_NoMemory ();
  return PyLong_FromUnsignedLongLong (hs_next_id - 1);
}

static PyObject *
hs_object_of_py (PyObject *module,
                 PyObject *id_object)
{
  unsigned long long id = PyLong_AsUnsignedLongLong (id_object);

  if (id == (unsigned long long) -1 && PyErr_Occurred ())
    return NULL;
  for (size_t i = 0; i < hs_n_records; i++)
    if (hs_records[i].id == id && Py_REFCNT ((PyObject *) hs_records[i].address) > 0)
      return Py_NewRef ((PyObject *) hs_records[i].address);
  Py_RETURN_NONE;
}

static PyObject *
hs_tracked_id_py (PyObject *module,
                  PyObject *obj)
{
  size_t slot = hs_find_slot ((uintptr_t) obj);

  if (slot == SIZE_MAX)
    return PyLong_FromLong (0);
  return PyLong_FromUnsignedLongLong (hs_records[hs_slots[slot] - 1].id);
}

static PyObject *
hs_trace_tuple (PyObject *stack)
{
  const char *data = PyBytes_AS_STRING (stack);
  const char *end = data + PyBytes_GET_SIZE (stack);
  PyObject *frames = PyList_New (0);

  /* Stored innermost first; given outermost first, as Pympler's traces. */
  while (frames != NULL && data < end)
    {
      const char *file = data;
      const char *line = file + strlen (file) + 1;
      const char *name = line + strlen (line) + 1;
      PyObject *frame;

      data = name + strlen (name) + 1;
      frame = Py_BuildValue ("(sls)", file, atol (line), name);
      if (frame == NULL || PyList_Insert (frames, 0, frame) < 0)
        Py_CLEAR (frames);
      Py_XDECREF (frame);
    }
  if (frames == NULL)
    return NULL;
  Py_SETREF (frames, PyList_AsTuple (frames));
  return frames;
}

/* A list of `n` new references (stolen); NULL if one of them is. */
static PyObject *
hs_list_of (int n,
            ...)
{
  PyObject *list = PyList_New (n);
  va_list items;

  va_start (items, n);
  for (int i = 0; i < n; i++)
    {
      PyObject *item = va_arg (items, PyObject *);

      if (list != NULL && item != NULL)
        PyList_SET_ITEM (list, i, item);
      else
        {
          Py_XDECREF (item);
          Py_CLEAR (list);
        }
    }
  va_end (items);
  return list;
}

static PyObject *
hs_drain_py (PyObject *module,
             PyObject *unused)
{
  PyObject *births = NULL, *deaths = NULL, *traces = NULL, *result = NULL;
  size_t n_births = hs_n_births, n_deaths = hs_n_deaths;
  HsRecord *born = hs_births;
  HsDeath *died = hs_deaths;
  PyObject *new_traces = hs_new_traces;

  /* Take the logs first: making the lists may collect, and free tracked objects. */
  hs_births = NULL;
  hs_n_births = hs_births_cap = 0;
  hs_deaths = NULL;
  hs_n_deaths = hs_deaths_cap = 0;
  hs_new_traces = PyList_New (0);
  if (hs_new_traces == NULL)
    {
      hs_new_traces = new_traces;
      new_traces = NULL;
    }
  births = PyList_New ((Py_ssize_t) n_births);
  deaths = PyList_New ((Py_ssize_t) n_deaths);
  if (births == NULL || deaths == NULL)
    goto out;
  /* Lists, as the census message takes them. */
  for (size_t i = 0; i < n_births; i++)
    {
      PyObject *item = hs_list_of (5, PyLong_FromUnsignedLongLong (born[i].id),
                                   PyLong_FromUnsignedLong (born[i].class_index),
                                   PyLong_FromUnsignedLongLong (born[i].address),
                                   isnan (born[i].birth) ? Py_NewRef (Py_None)
                                                         : PyFloat_FromDouble (born[i].birth),
                                   PyLong_FromUnsignedLong (born[i].trace));
      if (item == NULL)
        goto out;
      PyList_SET_ITEM (births, (Py_ssize_t) i, item);
    }
  for (size_t i = 0; i < n_deaths; i++)
    {
      PyObject *item = hs_list_of (2, PyLong_FromUnsignedLongLong (died[i].id),
                                   PyFloat_FromDouble (died[i].time));

      if (item == NULL)
        goto out;
      PyList_SET_ITEM (deaths, (Py_ssize_t) i, item);
    }
  traces = PyList_New (0);
  if (traces == NULL)
    goto out;
  if (new_traces != NULL)
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE (new_traces); i++)
      {
        PyObject *stack = PyList_GET_ITEM (new_traces, i);
        PyObject *id = PyDict_GetItemWithError (hs_trace_ids, stack);
        PyObject *frames = id ? hs_trace_tuple (stack) : NULL;
        PyObject *item = frames ? Py_BuildValue ("(ON)", id, frames) : NULL;

        if (item == NULL || PyList_Append (traces, item) < 0)
          {
            Py_XDECREF (item);
            if (!PyErr_Occurred ())
              PyErr_SetString (PyExc_RuntimeError, "a trace went missing");
            goto out;
          }
        Py_DECREF (item);
      }
  result = PyTuple_Pack (3, births, deaths, traces);
out:
  free (born);
  free (died);
  Py_XDECREF (new_traces);
  Py_XDECREF (births);
  Py_XDECREF (deaths);
  Py_XDECREF (traces);
  return result;
}

static int
hs_compare_ids (const void *a,
                const void *b)
{
  uint64_t x = ((const HsRecord *) a)->id, y = ((const HsRecord *) b)->id;

  return (x > y) - (x < y);
}

static PyObject *
hs_live_py (PyObject *module,
            PyObject *unused)
{
  HsRecord *copy;
  PyObject **objects;
  size_t n = 0;
  PyObject *result;

  copy = malloc ((hs_n_records ? hs_n_records : 1) * sizeof (HsRecord));
  objects = malloc ((hs_n_records ? hs_n_records : 1) * sizeof (PyObject *));
  if (copy == NULL || objects == NULL)
    {
      free (copy);
      free (objects);
      return PyErr_NoMemory ();
    }
  if (hs_n_records > 0)
    memcpy (copy, hs_records, hs_n_records * sizeof (HsRecord));
  qsort (copy, hs_n_records, sizeof (HsRecord), hs_compare_ids);
  /* References first, nothing allocated meanwhile: an object being
   * deallocated (reference count 0, its __del__ running other code) is
   * skipped, never revived. */
  for (size_t i = 0; i < hs_n_records; i++)
    {
      PyObject *obj = (PyObject *) copy[i].address;

      if (Py_REFCNT (obj) > 0)
        {
          objects[n] = Py_NewRef (obj);
          copy[n] = copy[i];
          n++;
        }
    }
  result = PyList_New ((Py_ssize_t) n);
  for (size_t i = 0; i < n && result != NULL; i++)
    {
      PyObject *item = PyTuple_New (3);
      PyObject *id = PyLong_FromUnsignedLongLong (copy[i].id);
      PyObject *index = PyLong_FromUnsignedLong (copy[i].class_index);

      if (item == NULL || id == NULL || index == NULL)
        {
          Py_XDECREF (item);
          Py_XDECREF (id);
          Py_XDECREF (index);
          Py_CLEAR (result);
          break;
        }
      PyTuple_SET_ITEM (item, 0, id);
      PyTuple_SET_ITEM (item, 1, index);
      PyTuple_SET_ITEM (item, 2, Py_NewRef (objects[i]));
      PyList_SET_ITEM (result, (Py_ssize_t) i, item);
    }
  for (size_t i = 0; i < n; i++)
    Py_DECREF (objects[i]);
  free (copy);
  free (objects);
  return result;
}

static PyObject *
hs_untrack_all_py (PyObject *module,
                   PyObject *unused)
{
  PyObject *ids = PyList_New ((Py_ssize_t) hs_n_records);

  if (ids == NULL)
    return NULL;
  for (size_t i = 0; i < hs_n_records; i++)
    {
      PyObject *id = PyLong_FromUnsignedLongLong (hs_records[i].id);

      if (id == NULL)
        {
          Py_DECREF (ids);
          return NULL;
        }
      PyList_SET_ITEM (ids, (Py_ssize_t) i, id);
    }
  hs_n_records = 0;
  if (hs_slots_cap)
    memset (hs_slots, 0, hs_slots_cap * sizeof (uint32_t));
  while (hs_n_hooks > 0)
    hs_remove_hook (&hs_hooks[hs_n_hooks - 1]);
  return ids;
}

static PyObject *
hs_footprint_py (PyObject *module,
                 PyObject *unused)
{
  size_t bytes = hs_records_cap * sizeof (HsRecord) + hs_slots_cap * sizeof (uint32_t)
                 + hs_births_cap * sizeof (HsRecord) + hs_deaths_cap * sizeof (HsDeath);

  return Py_BuildValue ("(nn)", (Py_ssize_t) hs_n_records, (Py_ssize_t) bytes);
}

static PyObject *
hs_containers_py (PyObject *module,
                  PyObject *unused)
{
  PyObject *found = Py_BuildValue ("[OOO]", hs_trace_ids, hs_new_traces, hs_type_gone);

  for (size_t i = 0; found != NULL && i < hs_n_hooks; i++)
    if (PyList_Append (found, hs_hooks[i].watch) < 0)
      Py_CLEAR (found);
  return found;
}

static PyObject *
hs_configure_py (PyObject *module,
                 PyObject *origin)
{
  double value = PyFloat_AsDouble (origin);

  if (value == -1.0 && PyErr_Occurred ())
    return NULL;
  hs_origin = value;
  Py_RETURN_NONE;
}

static PyMethodDef hs_methods[] = {
  { "configure", hs_configure_py, METH_O, "configure(origin): times are seconds since origin" },
  { "hook", (PyCFunction) (void (*) (void)) hs_hook_py, METH_FASTCALL,
    "hook(cls, class_index, births): replace cls's tp_alloc and tp_free" },
  { "stop_births", hs_stop_births_py, METH_O, "stop_births(cls): no more births recorded" },
  { "hook_metatype", hs_hook_metatype_py, METH_O, "hook_metatype(meta): see new subclasses" },
  { "set_trace", (PyCFunction) (void (*) (void)) hs_set_trace_py, METH_FASTCALL,
    "set_trace(class_index, on): record creation stacks" },
  { "adopt", (PyCFunction) (void (*) (void)) hs_adopt_py, METH_FASTCALL,
    "adopt(obj, class_index, before): track one object; its id, 0 if tracked" },
  { "tracked_id", hs_tracked_id_py, METH_O, "tracked_id(obj): id, 0 when untracked" },
  { "object_of", hs_object_of_py, METH_O, "object_of(id): the live tracked object, or None" },
  { "drain", hs_drain_py, METH_NOARGS, "drain(): (births, deaths, traces) since last" },
  { "live", hs_live_py, METH_NOARGS, "live(): [(id, class_index, obj)] by id" },
  { "untrack_all", hs_untrack_all_py, METH_NOARGS, "untrack_all(): forget everything" },
  { "footprint", hs_footprint_py, METH_NOARGS, "footprint(): (live, bytes)" },
  { "containers", hs_containers_py, METH_NOARGS, "containers(): this module's objects" },
  { NULL, NULL, 0, NULL },
};

static int
hs_exec (PyObject *module)
{
  static PyMethodDef type_gone_def = {
    "_type_gone", hs_type_gone_py, METH_O, "a hooked class went away",
  };

  if (hs_trace_ids == NULL)
    {
      hs_type_gone = PyCFunction_New (&type_gone_def, NULL);
      if (hs_type_gone == NULL)
        return -1;
      hs_trace_ids = PyDict_New ();
      hs_new_traces = PyList_New (0);
      if (hs_trace_ids == NULL || hs_new_traces == NULL)
        return -1;
    }
  return 0;
}

static PyModuleDef_Slot hs_slots_def[] = {
  { Py_mod_exec, hs_exec },
  { 0, NULL },
};

static struct PyModuleDef hs_module = {
  PyModuleDef_HEAD_INIT,
  .m_name = "heapscope._track",
  .m_doc = "Births and deaths of tracked classes' instances (see _tracker.py).",
  .m_size = 0,
  .m_methods = hs_methods,
  .m_slots = hs_slots_def,
};

PyMODINIT_FUNC
PyInit__track (void)
{
  return PyModuleDef_Init (&hs_module);
}
