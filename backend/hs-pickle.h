/* hs-pickle.h — a reader of Python pickles that runs nothing
 *
 * Understands the data opcodes of protocols 2 to 5 (what Python 3's
 * pickle.dump writes for dicts, lists, tuples, strings, numbers and plain
 * objects) and builds a tree of values from them. A pickle names classes and
 * functions for the unpickler to call; this reader calls none. It accepts
 * only the few names a dump of Pympler's ClassTracker holds (its classes
 * become HS_PICKLE_OBJECT nodes that keep their state dict) and refuses the
 * whole file on any other, with a message naming it. Every size is limited:
 * a hostile file gets an error, never a crash or a huge allocation.
 *
 * All values belong to the HsPickle they were read into and live as long as
 * it does. Nodes may be shared (the pickle's memo; None, booleans, the empty
 * tuple and small integers are made once), and a hostile file can even make
 * a list that holds itself: walk the tree with a depth limit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HS_PICKLE_MAX_INPUT   ((gsize) 256 * 1024 * 1024)  /* bytes of one file */
#define HS_PICKLE_MAX_STRING  (16 * 1024 * 1024)           /* bytes of one string */
#define HS_PICKLE_MAX_MEMORY  ((gsize) 1024 * 1024 * 1024) /* bytes of values, all pickles of one HsPickle */
#define HS_PICKLE_MAX_STACK   (1024 * 1024)                /* the VM's stack and its marks */
#define HS_PICKLE_MAX_MEMO    (8 * 1024 * 1024)            /* memo entries of one pickle */

#define HS_PICKLE_ERROR (hs_pickle_error_quark ())

typedef enum
{
  HS_PICKLE_ERROR_REFUSED,       /* asks to run something, or for a class a dump never holds */
  HS_PICKLE_ERROR_DAMAGED,       /* truncated, or not a pickle */
  HS_PICKLE_ERROR_UNSUPPORTED,   /* a pickle, but of a kind (protocol, opcode) not read here */
  HS_PICKLE_ERROR_TOO_LARGE,     /* beyond a limit above */
} HsPickleError;

typedef enum
{
  HS_PICKLE_NONE,
  HS_PICKLE_BOOL,
  HS_PICKLE_INT,                 /* fits in 64 bits */
  HS_PICKLE_BIG_INT,             /* does not; its value is not kept */
  HS_PICKLE_FLOAT,
  HS_PICKLE_STRING,              /* valid UTF-8 (lone surrogates replaced), NUL-terminated */
  HS_PICKLE_BYTES,
  HS_PICKLE_TUPLE,
  HS_PICKLE_LIST,
  HS_PICKLE_DICT,                /* items: key, value, key, value… in insertion order */
  HS_PICKLE_CLASS,               /* an accepted global, by name */
  HS_PICKLE_OBJECT,              /* an instance of an accepted class, with its state */
} HsPickleKind;

typedef struct _HsPickle      HsPickle;
typedef struct _HsPickleValue HsPickleValue;

struct _HsPickleValue
{
  HsPickleKind    kind;
  guint           n_items;       /* TUPLE, LIST; DICT: twice its pairs; STRING, BYTES: bytes */
  union
  {
    gboolean        boolean;
    gint64          integer;
    double          number;
    char           *string;      /* STRING, BYTES (NUL-terminated too) */
    HsPickleValue **items;       /* TUPLE, LIST, DICT */
    struct
    {
      const char   *module;
      const char   *name;
    } global;                    /* CLASS */
    struct
    {
      const HsPickleValue *klass;   /* its CLASS (the arguments it was made with are not kept) */
      HsPickleValue       *state;   /* a DICT (the slots merged in), or NULL */
    } object;                    /* OBJECT */
  };
  /*< private >*/
  guint           allocated;
};

GQuark               hs_pickle_error_quark      (void);

HsPickle            *hs_pickle_new              (void);
void                 hs_pickle_free             (HsPickle            *self);
/* Reads the pickle that starts at *@offset of @data and moves *@offset past
 * its STOP. Several pickles written one after the other are read by calling
 * again. The value belongs to @self. */
const HsPickleValue *hs_pickle_load             (HsPickle            *self,
                                                 const guint8        *data,
                                                 gsize                length,
                                                 gsize               *offset,
                                                 GError             **error);

/* Reading values; each accepts NULL and answers "no". */
gboolean             hs_pickle_value_is_object  (const HsPickleValue *value,
                                                 const char          *module,
                                                 const char          *name);
/* A DICT's value for the string @key (the last if repeated), or an OBJECT's
 * state's; NULL if none. */
const HsPickleValue *hs_pickle_value_lookup     (const HsPickleValue *value,
                                                 const char          *key);
gboolean             hs_pickle_value_get_int    (const HsPickleValue *value,
                                                 gint64              *integer);
/* An INT, BOOL or FLOAT as a double; FALSE for NaN and infinities. */
gboolean             hs_pickle_value_get_number (const HsPickleValue *value,
                                                 double              *number);
/* A STRING's text, or NULL. */
const char          *hs_pickle_value_get_string (const HsPickleValue *value);
/* A TUPLE's or LIST's items, or NULL (with *@n_items 0). */
HsPickleValue      **hs_pickle_value_get_items  (const HsPickleValue *value,
                                                 guint               *n_items);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsPickle, hs_pickle_free)

G_END_DECLS
