/* hs-pickle.c — a reader of Python pickles that runs nothing
 *
 * The pickle virtual machine without its calls: opcodes that push data build
 * nodes; the ones that would import a name (GLOBAL, STACK_GLOBAL) check it
 * against the short list of what a Pympler dump holds, and the ones that
 * would call it (NEWOBJ, NEWOBJ_EX, REDUCE, BUILD) make an object node that
 * remembers its class, arguments and state. Opcodes that reach outside the
 * data (persistent ids, the extension registry, old-protocol INST and OBJ,
 * out-of-band buffers) are refused.
 *
 * Nodes come from slabs owned by the HsPickle and are freed all at once, so
 * shared and even cyclic values cost nothing to free.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-pickle.h"

#define SLAB_NODES     1024
#define MAX_GLOBAL_LINE 256      /* bytes of GLOBAL's module or name */
#define MAX_SHOWN_NAME  120      /* characters of a refused name in a message */

typedef enum
{
  ROLE_CLASS,           /* NEWOBJ, NEWOBJ_EX, REDUCE make an object of it */
  ROLE_DICT_FACTORY,    /* REDUCE makes an empty dict (collections.defaultdict) */
  ROLE_VALUE,           /* only passed as data (defaultdict's factory) */
} GlobalRole;

typedef struct
{
  const char *module;
  const char *name;
  GlobalRole  role;
} AcceptedGlobal;

/* What Stats.dump_stats writes: the index (a defaultdict of lists) of
 * TrackedObject, each with its Asized sizes, and the Snapshots with their
 * ProcessMemoryInfo (one subclass per platform) and Asized summaries. */
static const AcceptedGlobal accepted_globals[] = {
  { "pympler.classtracker", "TrackedObject", ROLE_CLASS },
  { "pympler.classtracker", "Snapshot", ROLE_CLASS },
  { "pympler.asizeof", "Asized", ROLE_CLASS },
  { "pympler.process", "_ProcessMemoryInfo", ROLE_CLASS },
  { "pympler.process", "_ProcessMemoryInfoProc", ROLE_CLASS },
  { "pympler.process", "_ProcessMemoryInfoPS", ROLE_CLASS },
  { "pympler.process", "_ProcessMemoryInfoResource", ROLE_CLASS },
  { "pympler.process", "_ProcessMemoryInfoWin32", ROLE_CLASS },
  { "collections", "defaultdict", ROLE_DICT_FACTORY },
  { "builtins", "list", ROLE_VALUE },
  { "__builtin__", "list", ROLE_VALUE },       /* protocol 2 names builtins the Python 2 way */
};

#define N_SMALL_INTS 256    /* BININT1's values */

struct _HsPickle
{
  GPtrArray      *slabs;        /* HsPickleValue[SLAB_NODES] */
  guint           slab_used;    /* nodes taken from the last slab */
  gsize           memory;       /* bytes of nodes, items and strings */
  HsPickleValue   none;
  HsPickleValue   true_value;
  HsPickleValue   false_value;
  HsPickleValue   empty_tuple;
  HsPickleValue   small_ints[N_SMALL_INTS];
};

/* One load: the input, the stack, its marks and the memo. */
typedef struct
{
  HsPickle       *pickle;
  const guint8   *data;
  gsize           length;
  gsize           position;
  gsize           opcode_at;    /* where the opcode being run starts, for messages */
  GPtrArray      *stack;
  GArray         *marks;        /* guint: stack lengths */
  GPtrArray      *memo;
} Machine;

G_DEFINE_QUARK (hs-pickle-error-quark, hs_pickle_error)

/* -- Errors -------------------------------------------------------------------- */

static gboolean
damaged (Machine     *machine,
         GError     **error,
         const char  *why)
{
  g_set_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_DAMAGED,
               _("The file is damaged or not a pickle: %s (at byte %lu)"),
               why, (gulong) machine->opcode_at);
  return FALSE;
}

static gboolean
too_large (GError     **error,
           const char  *what)
{
  g_set_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_TOO_LARGE,
               _("The file holds more than Heapscope reads: %s"), what);
  return FALSE;
}

/* A name from the file, fit to show: no control characters, not too long. */
static char *
shown_name (const char *module,
            const char *name)
{
  GString *shown = g_string_new (NULL);
  g_autofree char *joined = NULL;
  guint n = 0;

  /* os.system pickles as posix.system (nt.system on Windows): say what the user knows. */
  if (g_str_equal (module, "posix") || g_str_equal (module, "nt"))
    module = "os";
  joined = g_strconcat (module, ".", name, NULL);
  for (const char *p = joined; *p != '\0' && n < MAX_SHOWN_NAME; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || !g_unichar_isdefined (c))
        g_string_append_c (shown, '?');
      else
        g_string_append_unichar (shown, c);
    }
  if (n == MAX_SHOWN_NAME)
    g_string_append (shown, "…");
  return g_string_free (shown, FALSE);
}

static gboolean
refuse_global (GError     **error,
               const char  *module,
               const char  *name)
{
  g_autofree char *shown = shown_name (module, name);

  g_set_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_REFUSED,
               _("This file asks to run %s: refused, nothing was run"), shown);
  return FALSE;
}

static gboolean
refuse_opcode (Machine     *machine,
               GError     **error,
               const char  *what)
{
  g_set_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_REFUSED,
               _("This file asks for %s (at byte %lu): refused, nothing was run"),
               what, (gulong) machine->opcode_at);
  return FALSE;
}

static gboolean
unsupported (Machine     *machine,
             GError     **error,
             guint8       opcode)
{
  g_set_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_UNSUPPORTED,
               _("The file is a pickle Heapscope does not read: opcode 0x%02x at byte %lu"),
               opcode, (gulong) machine->opcode_at);
  return FALSE;
}

/* -- Nodes --------------------------------------------------------------------- */

HsPickle *
hs_pickle_new (void)
{
  HsPickle *self = g_new0 (HsPickle, 1);

  self->slabs = g_ptr_array_new ();
  self->slab_used = SLAB_NODES;
  self->none.kind = HS_PICKLE_NONE;
  self->true_value.kind = HS_PICKLE_BOOL;
  self->true_value.boolean = TRUE;
  self->false_value.kind = HS_PICKLE_BOOL;
  self->false_value.boolean = FALSE;
  self->empty_tuple.kind = HS_PICKLE_TUPLE;
  for (guint i = 0; i < N_SMALL_INTS; i++)
    {
      self->small_ints[i].kind = HS_PICKLE_INT;
      self->small_ints[i].integer = i;
    }
  return self;
}

void
hs_pickle_free (HsPickle *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->slabs->len; i++)
    {
      HsPickleValue *slab = g_ptr_array_index (self->slabs, i);
      guint used = i + 1 == self->slabs->len ? self->slab_used : SLAB_NODES;

      for (guint k = 0; k < used; k++)
        switch (slab[k].kind)
          {
          case HS_PICKLE_STRING:
          case HS_PICKLE_BYTES:
            g_free (slab[k].string);
            break;
          case HS_PICKLE_TUPLE:
          case HS_PICKLE_LIST:
          case HS_PICKLE_DICT:
            g_free (slab[k].items);
            break;
          default:
            break;
          }
      g_free (slab);
    }
  g_ptr_array_unref (self->slabs);
  g_free (self);
}

/* Counts @bytes more against the limit of the values' memory. */
static gboolean
charge (Machine  *machine,
        gsize     bytes,
        GError  **error)
{
  HsPickle *self = machine->pickle;

  if (bytes > HS_PICKLE_MAX_MEMORY - self->memory)
    return too_large (error, _("its values would take too much memory"));
  self->memory += bytes;
  return TRUE;
}

static HsPickleValue *
new_node (Machine       *machine,
          HsPickleKind   kind,
          GError       **error)
{
  HsPickle *self = machine->pickle;
  HsPickleValue *node;

  if (!charge (machine, sizeof (HsPickleValue), error))
    return NULL;
  if (self->slab_used == SLAB_NODES)
    {
      g_ptr_array_add (self->slabs, g_new0 (HsPickleValue, SLAB_NODES));
      self->slab_used = 0;
    }
  node = &((HsPickleValue *) g_ptr_array_index (self->slabs, self->slabs->len - 1))[self->slab_used++];
  node->kind = kind;
  return node;
}

/* Room for @more items in a container node. */
static gboolean
reserve_items (Machine        *machine,
               HsPickleValue  *node,
               gsize           more,
               GError        **error)
{
  gsize wanted = (gsize) node->n_items + more;
  gsize allocated;

  if (wanted <= node->allocated)
    return TRUE;
  if (wanted > G_MAXUINT / 2)
    return too_large (error, _("too many items in one list, tuple or dict"));
  allocated = MAX (wanted, MAX (4, (gsize) node->allocated * 2));
  allocated = MIN (allocated, (gsize) G_MAXUINT / 2);
  if (!charge (machine, (allocated - node->allocated) * sizeof (HsPickleValue *), error))
    return FALSE;
  node->items = g_renew (HsPickleValue *, node->items, allocated);
  node->allocated = (guint) allocated;
  return TRUE;
}

static HsPickleValue *
new_container (Machine              *machine,
               HsPickleKind          kind,
               HsPickleValue * const *items,
               gsize                 n_items,
               GError              **error)
{
  HsPickleValue *node = new_node (machine, kind, error);

  if (node == NULL || !reserve_items (machine, node, n_items, error))
    return NULL;
  if (n_items > 0)
    memcpy (node->items, items, n_items * sizeof (HsPickleValue *));
  node->n_items = (guint) n_items;
  return node;
}

/* -- The stack ----------------------------------------------------------------- */

static guint
stack_floor (Machine *machine)
{
  return machine->marks->len > 0 ? g_array_index (machine->marks, guint, machine->marks->len - 1) : 0;
}

static gboolean
push (Machine        *machine,
      HsPickleValue  *value,
      GError        **error)
{
  if (value == NULL)
    return FALSE;     /* making it failed, and said why */
  if (machine->stack->len >= HS_PICKLE_MAX_STACK)
    return too_large (error, _("too deep a stack"));
  g_ptr_array_add (machine->stack, value);
  return TRUE;
}

static HsPickleValue *
pop (Machine  *machine,
     GError  **error)
{
  if (machine->stack->len <= stack_floor (machine))
    {
      damaged (machine, error, _("the stack runs out"));
      return NULL;
    }
  return g_ptr_array_steal_index (machine->stack, machine->stack->len - 1);
}

static HsPickleValue *
top (Machine  *machine,
     GError  **error)
{
  if (machine->stack->len <= stack_floor (machine))
    {
      damaged (machine, error, _("the stack runs out"));
      return NULL;
    }
  return g_ptr_array_index (machine->stack, machine->stack->len - 1);
}

/* The items above the last mark, which is taken away; they stay on the
 * stack until drop_marked() (the caller copies them first). */
static gboolean
take_mark (Machine  *machine,
           guint    *first,
           GError  **error)
{
  if (machine->marks->len == 0)
    return damaged (machine, error, _("no mark to go back to"));
  *first = g_array_index (machine->marks, guint, machine->marks->len - 1);
  g_array_set_size (machine->marks, machine->marks->len - 1);
  return TRUE;
}

static void
drop_marked (Machine *machine,
             guint    first)
{
  g_ptr_array_set_size (machine->stack, first);
}

/* -- Input --------------------------------------------------------------------- */

static gboolean
read_bytes (Machine        *machine,
            gsize           n,
            const guint8  **bytes,
            GError        **error)
{
  if (n > machine->length - machine->position)
    return damaged (machine, error, _("it ends too early"));
  *bytes = machine->data + machine->position;
  machine->position += n;
  return TRUE;
}

static gboolean
read_unsigned (Machine  *machine,
               guint     width,
               guint64  *value,
               GError  **error)
{
  const guint8 *bytes = NULL;

  if (!read_bytes (machine, width, &bytes, error))
    return FALSE;
  *value = 0;
  for (guint i = width; i > 0; i--)
    *value = (*value << 8) | bytes[i - 1];
  return TRUE;
}

/* A line of GLOBAL (protocols 0 to 3): up to the newline. */
static char *
read_line (Machine  *machine,
           GError  **error)
{
  const guint8 *start = machine->data + machine->position;
  gsize available = MIN (machine->length - machine->position, (gsize) MAX_GLOBAL_LINE + 1);
  const guint8 *end = memchr (start, '\n', available);

  if (end == NULL)
    {
      damaged (machine, error, _("a name that does not end"));
      return NULL;
    }
  machine->position += (end - start) + 1;
  if (!g_utf8_validate ((const char *) start, end - start, NULL) || memchr (start, '\0', end - start))
    {
      damaged (machine, error, _("a name that is not text"));
      return NULL;
    }
  return g_strndup ((const char *) start, end - start);
}

/* -- Values -------------------------------------------------------------------- */

static HsPickleValue *
new_int (Machine  *machine,
         gint64    value,
         GError  **error)
{
  HsPickleValue *node;

  if (value >= 0 && value < N_SMALL_INTS)
    return &machine->pickle->small_ints[value];
  node = new_node (machine, HS_PICKLE_INT, error);
  if (node != NULL)
    node->integer = value;
  return node;
}

/* LONG1 and LONG4: little-endian two's complement of @n bytes. */
static HsPickleValue *
new_long (Machine       *machine,
          const guint8  *bytes,
          gsize          n,
          GError       **error)
{
  guint64 value = 0;
  gboolean negative = n > 0 && (bytes[n - 1] & 0x80) != 0;

  /* Bytes past the eighth must only extend the sign of the eighth. */
  for (gsize i = 8; i < n; i++)
    if (bytes[i] != (negative ? 0xff : 0x00))
      return new_node (machine, HS_PICKLE_BIG_INT, error);
  if (n > 8 && ((bytes[7] & 0x80) != 0) != negative)
    return new_node (machine, HS_PICKLE_BIG_INT, error);
  for (gsize i = MIN (n, 8); i > 0; i--)
    value = (value << 8) | bytes[i - 1];
  if (negative && n < 8)
    value |= G_MAXUINT64 << (8 * n);
  return new_int (machine, (gint64) value, error);
}

static HsPickleValue *
new_string (Machine       *machine,
            HsPickleKind   kind,
            guint          width,
            GError       **error)
{
  guint64 n;
  const guint8 *bytes = NULL;
  HsPickleValue *node;

  if (!read_unsigned (machine, width, &n, error))
    return NULL;
  if (n > HS_PICKLE_MAX_STRING)
    {
      too_large (error, _("too long a string"));
      return NULL;
    }
  if (!read_bytes (machine, n, &bytes, error) || !charge (machine, n + 1, error) ||
      !(node = new_node (machine, kind, error)))
    return NULL;
  if (kind == HS_PICKLE_STRING && !g_utf8_validate_len ((const char *) bytes, n, NULL))
    {
      /* Python writes lone surrogates as they are (surrogatepass). */
      node->string = g_utf8_make_valid ((const char *) bytes, n);
      node->n_items = strlen (node->string);
    }
  else
    {
      node->string = g_malloc (n + 1);
      memcpy (node->string, bytes, n);
      node->string[n] = '\0';
      node->n_items = (guint) n;
    }
  return node;
}

static HsPickleValue *
new_global (Machine     *machine,
            const char  *module,
            const char  *name,
            GError     **error)
{
  HsPickleValue *node;

  for (guint i = 0; i < G_N_ELEMENTS (accepted_globals); i++)
    if (g_str_equal (accepted_globals[i].module, module) && g_str_equal (accepted_globals[i].name, name))
      {
        if (!(node = new_node (machine, HS_PICKLE_CLASS, error)))
          return NULL;
        /* The table's own strings: nothing to free, and global_of() finds the entry by them. */
        node->global.module = accepted_globals[i].module;
        node->global.name = accepted_globals[i].name;
        return node;
      }
  refuse_global (error, module, name);
  return NULL;
}

static const AcceptedGlobal *
global_of (const HsPickleValue *value)
{
  if (value->kind != HS_PICKLE_CLASS)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (accepted_globals); i++)
    if (accepted_globals[i].module == value->global.module && accepted_globals[i].name == value->global.name)
      return &accepted_globals[i];
  return NULL;
}

/* NEWOBJ, NEWOBJ_EX, REDUCE: what calling @callable with @args would make. */
static HsPickleValue *
new_object (Machine        *machine,
            HsPickleValue  *callable,
            HsPickleValue  *args,
            gboolean        reduce,
            GError        **error)
{
  const AcceptedGlobal *global = global_of (callable);
  HsPickleValue *node;

  if (global == NULL)
    {
      damaged (machine, error, _("it makes an object of something that is not a class"));
      return NULL;
    }
  if (args->kind != HS_PICKLE_TUPLE)
    {
      damaged (machine, error, _("it makes an object with arguments that are not a tuple"));
      return NULL;
    }
  if (reduce && global->role == ROLE_DICT_FACTORY)
    {
      /* defaultdict(factory): a dict; the factory is not called, nor kept. */
      if (args->n_items > 1 ||
          (args->n_items == 1 && args->items[0]->kind != HS_PICKLE_CLASS && args->items[0]->kind != HS_PICKLE_NONE))
        {
          refuse_global (error, global->module, global->name);
          return NULL;
        }
      return new_container (machine, HS_PICKLE_DICT, NULL, 0, error);
    }
  if (global->role != ROLE_CLASS)
    {
      refuse_global (error, global->module, global->name);
      return NULL;
    }
  if (!(node = new_node (machine, HS_PICKLE_OBJECT, error)))
    return NULL;
  node->object.klass = callable;
  return node;
}

/* BUILD: the object takes @state, a dict or (dict or None, slots dict or None). */
static gboolean
build (Machine        *machine,
       HsPickleValue  *object,
       HsPickleValue  *state,
       GError        **error)
{
  HsPickleValue *parts[2] = { state, NULL };
  HsPickleValue *merged;

  if (object->kind != HS_PICKLE_OBJECT)
    return damaged (machine, error, _("it sets the state of something that is not an object"));
  if (state->kind == HS_PICKLE_TUPLE && state->n_items == 2)
    {
      parts[0] = state->items[0];
      parts[1] = state->items[1];
    }
  merged = object->object.state;
  /* The usual case, one dict for a fresh object: it is the state. */
  if (merged == NULL && parts[0]->kind == HS_PICKLE_DICT && (parts[1] == NULL || parts[1]->kind == HS_PICKLE_NONE))
    {
      object->object.state = parts[0];
      return TRUE;
    }
  if (merged == NULL && parts[0]->kind == HS_PICKLE_NONE && parts[1] != NULL && parts[1]->kind == HS_PICKLE_DICT)
    {
      object->object.state = parts[1];
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL || parts[i]->kind == HS_PICKLE_NONE)
        continue;
      if (parts[i]->kind != HS_PICKLE_DICT)
        return damaged (machine, error, _("an object's state is not a dict"));
      if (merged == NULL && !(merged = new_container (machine, HS_PICKLE_DICT, NULL, 0, error)))
        return FALSE;
      if (!reserve_items (machine, merged, parts[i]->n_items, error))
        return FALSE;
      /* The state may be the very dict being grown: its items move after reserving. */
      if (parts[i]->n_items > 0)
        memmove (merged->items + merged->n_items, parts[i]->items, parts[i]->n_items * sizeof (HsPickleValue *));
      merged->n_items += parts[i]->n_items;
    }
  object->object.state = merged;
  return TRUE;
}

/* APPEND, APPENDS, SETITEM, SETITEMS: @n items from the stack at @first onto @target. */
static gboolean
extend (Machine        *machine,
        HsPickleValue  *target,
        HsPickleKind    kind,
        guint           first,
        guint           n,
        GError        **error)
{
  if (target->kind != kind)
    return damaged (machine, error, kind == HS_PICKLE_LIST ? _("it appends to something that is not a list")
                                                          : _("it sets an item of something that is not a dict"));
  if (kind == HS_PICKLE_DICT && n % 2 != 0)
    return damaged (machine, error, _("a key without a value"));
  if (!reserve_items (machine, target, n, error))
    return FALSE;
  if (n > 0)
    memcpy (target->items + target->n_items, machine->stack->pdata + first, n * sizeof (HsPickleValue *));
  target->n_items += n;
  drop_marked (machine, first);
  return TRUE;
}

/* -- The machine --------------------------------------------------------------- */

enum
{
  OP_MARK = '(', OP_STOP = '.', OP_POP = '0', OP_POP_MARK = '1', OP_DUP = '2',
  OP_BININT = 'J', OP_BININT1 = 'K', OP_BININT2 = 'M', OP_NONE = 'N',
  OP_PERSID = 'P', OP_BINPERSID = 'Q', OP_REDUCE = 'R', OP_BINUNICODE = 'X',
  OP_APPEND = 'a', OP_BUILD = 'b', OP_GLOBAL = 'c', OP_DICT = 'd', OP_EMPTY_DICT = '}',
  OP_APPENDS = 'e', OP_BINGET = 'h', OP_INST = 'i', OP_LONG_BINGET = 'j', OP_LIST = 'l',
  OP_EMPTY_LIST = ']', OP_OBJ = 'o', OP_BINPUT = 'q', OP_LONG_BINPUT = 'r', OP_SETITEM = 's',
  OP_TUPLE = 't', OP_EMPTY_TUPLE = ')', OP_SETITEMS = 'u', OP_BINFLOAT = 'G',
  OP_BINBYTES = 'B', OP_SHORT_BINBYTES = 'C',
  OP_PROTO = 0x80, OP_NEWOBJ = 0x81, OP_EXT1 = 0x82, OP_EXT2 = 0x83, OP_EXT4 = 0x84,
  OP_TUPLE1 = 0x85, OP_TUPLE2 = 0x86, OP_TUPLE3 = 0x87, OP_NEWTRUE = 0x88, OP_NEWFALSE = 0x89,
  OP_LONG1 = 0x8a, OP_LONG4 = 0x8b, OP_SHORT_BINUNICODE = 0x8c, OP_BINUNICODE8 = 0x8d,
  OP_BINBYTES8 = 0x8e, OP_NEWOBJ_EX = 0x92, OP_STACK_GLOBAL = 0x93, OP_MEMOIZE = 0x94,
  OP_FRAME = 0x95, OP_NEXT_BUFFER = 0x97, OP_READONLY_BUFFER = 0x98,
};

static gboolean
memo_put (Machine  *machine,
          guint64   index,
          GError  **error)
{
  HsPickleValue *value = top (machine, error);

  if (value == NULL)
    return FALSE;
  /* Python numbers its memo in order; anything else is not from Python. */
  if (index > machine->memo->len)
    return damaged (machine, error, _("the memo is out of order"));
  if (index == machine->memo->len)
    {
      if (machine->memo->len >= HS_PICKLE_MAX_MEMO)
        return too_large (error, _("too many remembered values"));
      g_ptr_array_add (machine->memo, value);
    }
  else
    machine->memo->pdata[index] = value;
  return TRUE;
}

static gboolean
memo_get (Machine  *machine,
          guint     width,
          GError  **error)
{
  guint64 index;

  if (!read_unsigned (machine, width, &index, error))
    return FALSE;
  if (index >= machine->memo->len)
    return damaged (machine, error, _("it refers to a value it never remembered"));
  return push (machine, g_ptr_array_index (machine->memo, index), error);
}

static gboolean
tuple_of_top (Machine  *machine,
              guint     n,
              GError  **error)
{
  HsPickleValue *tuple;

  if (machine->stack->len - stack_floor (machine) < n)
    return damaged (machine, error, _("the stack runs out"));
  tuple = new_container (machine, HS_PICKLE_TUPLE, (HsPickleValue **) machine->stack->pdata + machine->stack->len - n,
                         n, error);
  if (tuple == NULL)
    return FALSE;
  g_ptr_array_set_size (machine->stack, machine->stack->len - n);
  return push (machine, tuple, error);
}

/* TUPLE, LIST, DICT: the items above the mark become one. */
static gboolean
container_of_marked (Machine       *machine,
                     HsPickleKind   kind,
                     GError       **error)
{
  HsPickleValue *container;
  guint first, n;

  if (!take_mark (machine, &first, error))
    return FALSE;
  if (kind == HS_PICKLE_DICT && (machine->stack->len - first) % 2 != 0)
    return damaged (machine, error, _("a key without a value"));
  n = machine->stack->len - first;
  container = new_container (machine, kind, n > 0 ? (HsPickleValue **) machine->stack->pdata + first : NULL,
                             n, error);
  if (container == NULL)
    return FALSE;
  drop_marked (machine, first);
  return push (machine, container, error);
}

static gboolean
stack_global (Machine  *machine,
              GError  **error)
{
  HsPickleValue *name = pop (machine, error);
  HsPickleValue *module = name != NULL ? pop (machine, error) : NULL;

  if (module == NULL)
    return FALSE;
  if (module->kind != HS_PICKLE_STRING || name->kind != HS_PICKLE_STRING)
    return damaged (machine, error, _("it names a class with something that is not text"));
  return push (machine, new_global (machine, module->string, name->string, error), error);
}

static gboolean
global (Machine  *machine,
        GError  **error)
{
  g_autofree char *module = read_line (machine, error);
  g_autofree char *name = module != NULL ? read_line (machine, error) : NULL;

  if (name == NULL)
    return FALSE;
  return push (machine, new_global (machine, module, name, error), error);
}

/* Runs one opcode; *@result is set by STOP. */
static gboolean
step (Machine         *machine,
      HsPickleValue  **result,
      GError         **error)
{
  HsPickle *pickle = machine->pickle;
  const guint8 *bytes = NULL;
  guint64 n;
  guint8 opcode;
  guint first;

  machine->opcode_at = machine->position;
  if (!read_bytes (machine, 1, &bytes, error))
    return FALSE;
  opcode = bytes[0];

  switch (opcode)
    {
    case OP_PROTO:
      if (!read_bytes (machine, 1, &bytes, error))
        return FALSE;
      if (bytes[0] < 2 || bytes[0] > 5)
        {
          g_set_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_UNSUPPORTED,
                       _("The file is a pickle of protocol %u; Heapscope reads protocols 2 to 5"), bytes[0]);
          return FALSE;
        }
      return TRUE;

    case OP_FRAME:
      /* Frames only group opcodes for reading ahead. */
      if (!read_unsigned (machine, 8, &n, error))
        return FALSE;
      if (n > machine->length - machine->position)
        return damaged (machine, error, _("it ends too early"));
      return TRUE;

    case OP_STOP:
      if (!(*result = pop (machine, error)))
        return FALSE;
      return TRUE;

    case OP_MARK:
      if (machine->marks->len >= HS_PICKLE_MAX_STACK)
        return too_large (error, _("too deep a stack"));
      first = machine->stack->len;
      g_array_append_val (machine->marks, first);
      return TRUE;

    case OP_POP:
      if (machine->stack->len > stack_floor (machine))
        return pop (machine, error) != NULL;
      return take_mark (machine, &first, error);      /* as Python: POP on an empty frame drops the mark */

    case OP_POP_MARK:
      if (!take_mark (machine, &first, error))
        return FALSE;
      drop_marked (machine, first);
      return TRUE;

    case OP_DUP:
      {
        HsPickleValue *value = top (machine, error);
        return value != NULL && push (machine, value, error);
      }

    case OP_NONE:
      return push (machine, &pickle->none, error);
    case OP_NEWTRUE:
      return push (machine, &pickle->true_value, error);
    case OP_NEWFALSE:
      return push (machine, &pickle->false_value, error);

    case OP_BININT:
      return read_unsigned (machine, 4, &n, error) &&
             push (machine, new_int (machine, (gint32) (guint32) n, error), error);
    case OP_BININT1:
      return read_unsigned (machine, 1, &n, error) && push (machine, new_int (machine, (gint64) n, error), error);
    case OP_BININT2:
      return read_unsigned (machine, 2, &n, error) && push (machine, new_int (machine, (gint64) n, error), error);

    case OP_LONG1:
    case OP_LONG4:
      if (!read_unsigned (machine, opcode == OP_LONG1 ? 1 : 4, &n, error))
        return FALSE;
      if (opcode == OP_LONG4 && (n & 0x80000000u) != 0)
        return damaged (machine, error, _("a number of negative length"));
      return read_bytes (machine, n, &bytes, error) && push (machine, new_long (machine, bytes, n, error), error);

    case OP_BINFLOAT:
      {
        union { guint64 bits; double number; } value = { 0 };
        HsPickleValue *node;

        if (!read_bytes (machine, 8, &bytes, error))
          return FALSE;
        for (guint i = 0; i < 8; i++)
          value.bits = (value.bits << 8) | bytes[i];      /* big-endian */
        if (!(node = new_node (machine, HS_PICKLE_FLOAT, error)))
          return FALSE;
        node->number = value.number;
        return push (machine, node, error);
      }

    case OP_SHORT_BINUNICODE:
      return push (machine, new_string (machine, HS_PICKLE_STRING, 1, error), error);
    case OP_BINUNICODE:
      return push (machine, new_string (machine, HS_PICKLE_STRING, 4, error), error);
    case OP_BINUNICODE8:
      return push (machine, new_string (machine, HS_PICKLE_STRING, 8, error), error);
    case OP_SHORT_BINBYTES:
      return push (machine, new_string (machine, HS_PICKLE_BYTES, 1, error), error);
    case OP_BINBYTES:
      return push (machine, new_string (machine, HS_PICKLE_BYTES, 4, error), error);
    case OP_BINBYTES8:
      return push (machine, new_string (machine, HS_PICKLE_BYTES, 8, error), error);

    case OP_EMPTY_TUPLE:
      return push (machine, &pickle->empty_tuple, error);
    case OP_TUPLE1:
    case OP_TUPLE2:
    case OP_TUPLE3:
      return tuple_of_top (machine, opcode - OP_TUPLE1 + 1, error);
    case OP_TUPLE:
      return container_of_marked (machine, HS_PICKLE_TUPLE, error);
    case OP_EMPTY_LIST:
      return push (machine, new_container (machine, HS_PICKLE_LIST, NULL, 0, error), error);
    case OP_LIST:
      return container_of_marked (machine, HS_PICKLE_LIST, error);
    case OP_EMPTY_DICT:
      return push (machine, new_container (machine, HS_PICKLE_DICT, NULL, 0, error), error);
    case OP_DICT:
      return container_of_marked (machine, HS_PICKLE_DICT, error);

    case OP_APPEND:
    case OP_SETITEM:
      {
        guint count = opcode == OP_APPEND ? 1 : 2;
        HsPickleValue *target;

        if (machine->stack->len - stack_floor (machine) < count + 1)
          return damaged (machine, error, _("the stack runs out"));
        target = g_ptr_array_index (machine->stack, machine->stack->len - count - 1);
        return extend (machine, target, opcode == OP_APPEND ? HS_PICKLE_LIST : HS_PICKLE_DICT,
                       machine->stack->len - count, count, error);
      }

    case OP_APPENDS:
    case OP_SETITEMS:
      if (!take_mark (machine, &first, error))
        return FALSE;
      if (first == 0 || first <= stack_floor (machine))
        return damaged (machine, error, _("the stack runs out"));
      return extend (machine, g_ptr_array_index (machine->stack, first - 1),
                     opcode == OP_APPENDS ? HS_PICKLE_LIST : HS_PICKLE_DICT,
                     first, machine->stack->len - first, error);

    case OP_MEMOIZE:
      return memo_put (machine, machine->memo->len, error);
    case OP_BINPUT:
    case OP_LONG_BINPUT:
      return read_unsigned (machine, opcode == OP_BINPUT ? 1 : 4, &n, error) && memo_put (machine, n, error);
    case OP_BINGET:
      return memo_get (machine, 1, error);
    case OP_LONG_BINGET:
      return memo_get (machine, 4, error);

    case OP_GLOBAL:
      return global (machine, error);
    case OP_STACK_GLOBAL:
      return stack_global (machine, error);

    case OP_NEWOBJ:
    case OP_REDUCE:
      {
        HsPickleValue *args = pop (machine, error);
        HsPickleValue *callable = args != NULL ? pop (machine, error) : NULL;

        return callable != NULL &&
               push (machine, new_object (machine, callable, args, opcode == OP_REDUCE, error), error);
      }

    case OP_NEWOBJ_EX:
      {
        HsPickleValue *kwargs = pop (machine, error);
        HsPickleValue *args = kwargs != NULL ? pop (machine, error) : NULL;
        HsPickleValue *callable = args != NULL ? pop (machine, error) : NULL;

        if (callable == NULL)
          return FALSE;
        if (kwargs->kind != HS_PICKLE_DICT)
          return damaged (machine, error, _("it makes an object with keywords that are not a dict"));
        return push (machine, new_object (machine, callable, args, FALSE, error), error);
      }

    case OP_BUILD:
      {
        HsPickleValue *state = pop (machine, error);
        HsPickleValue *object = state != NULL ? top (machine, error) : NULL;

        return object != NULL && build (machine, object, state, error);
      }

    case OP_PERSID:
    case OP_BINPERSID:
      return refuse_opcode (machine, error, _("an object kept outside the file (a persistent id)"));
    case OP_EXT1:
    case OP_EXT2:
    case OP_EXT4:
      return refuse_opcode (machine, error, _("a class from the extension registry"));
    case OP_INST:
    case OP_OBJ:
      return refuse_opcode (machine, error, _("a call written the old way (INST, OBJ)"));
    case OP_NEXT_BUFFER:
    case OP_READONLY_BUFFER:
      return refuse_opcode (machine, error, _("a buffer kept outside the file"));

    default:
      return unsupported (machine, error, opcode);
    }
}

const HsPickleValue *
hs_pickle_load (HsPickle      *self,
                const guint8  *data,
                gsize          length,
                gsize         *offset,
                GError       **error)
{
  Machine machine = { 0 };
  HsPickleValue *result = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (offset != NULL && *offset <= length, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  machine.pickle = self;
  machine.data = data;
  machine.length = length;
  machine.position = *offset;
  machine.opcode_at = *offset;

  if (length > HS_PICKLE_MAX_INPUT)
    {
      too_large (error, _("the file is too large"));
      return NULL;
    }
  /* Protocols 2 to 5 start with PROTO. */
  if (length - *offset < 2 || data[*offset] != OP_PROTO)
    {
      damaged (&machine, error, _("it does not start as a pickle does"));
      return NULL;
    }

  machine.stack = g_ptr_array_new ();
  machine.marks = g_array_new (FALSE, FALSE, sizeof (guint));
  machine.memo = g_ptr_array_new ();
  while (ok && result == NULL)
    ok = step (&machine, &result, error);
  g_ptr_array_unref (machine.stack);
  g_array_unref (machine.marks);
  g_ptr_array_unref (machine.memo);

  if (!ok)
    return NULL;
  *offset = machine.position;
  return result;
}

/* -- Reading values ------------------------------------------------------------ */

gboolean
hs_pickle_value_is_object (const HsPickleValue *value,
                           const char          *module,
                           const char          *name)
{
  return value != NULL && value->kind == HS_PICKLE_OBJECT &&
         g_str_equal (value->object.klass->global.module, module) &&
         g_str_equal (value->object.klass->global.name, name);
}

const HsPickleValue *
hs_pickle_value_lookup (const HsPickleValue *value,
                        const char          *key)
{
  const HsPickleValue *found = NULL;

  if (value != NULL && value->kind == HS_PICKLE_OBJECT)
    value = value->object.state;
  if (value == NULL || value->kind != HS_PICKLE_DICT)
    return NULL;
  for (guint i = 0; i + 1 < value->n_items; i += 2)
    if (value->items[i]->kind == HS_PICKLE_STRING && g_str_equal (value->items[i]->string, key))
      found = value->items[i + 1];
  return found;
}

gboolean
hs_pickle_value_get_int (const HsPickleValue *value,
                         gint64              *integer)
{
  if (value == NULL)
    return FALSE;
  if (value->kind == HS_PICKLE_INT)
    *integer = value->integer;
  else if (value->kind == HS_PICKLE_BOOL)
    *integer = value->boolean;
  else
    return FALSE;
  return TRUE;
}

gboolean
hs_pickle_value_get_number (const HsPickleValue *value,
                            double              *number)
{
  gint64 integer;

  if (value != NULL && value->kind == HS_PICKLE_FLOAT)
    {
      if (!isfinite (value->number))
        return FALSE;
      *number = value->number;
      return TRUE;
    }
  if (!hs_pickle_value_get_int (value, &integer))
    return FALSE;
  *number = (double) integer;
  return TRUE;
}

const char *
hs_pickle_value_get_string (const HsPickleValue *value)
{
  return value != NULL && value->kind == HS_PICKLE_STRING ? value->string : NULL;
}

HsPickleValue **
hs_pickle_value_get_items (const HsPickleValue *value,
                           guint               *n_items)
{
  if (value == NULL || (value->kind != HS_PICKLE_TUPLE && value->kind != HS_PICKLE_LIST))
    {
      *n_items = 0;
      return NULL;
    }
  *n_items = value->n_items;
  return value->items;
}
