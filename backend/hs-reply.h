/* hs-reply.h — the agent's answers about single objects: instances of a type,
 * an object's sizes and referents, its referrers, its path to a root; and
 * why the instances of a type are alive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-types.h"

G_BEGIN_DECLS

#define HS_REPLY_ERROR (hs_reply_error_quark ())

typedef enum
{
  HS_REPLY_ERROR_STALE,      /* the handle's object no longer exists */
  HS_REPLY_ERROR_ENDED,      /* the process has ended, or the question was never asked of it */
  HS_REPLY_ERROR_FAILED,     /* the agent could not answer; the message says why */
  HS_REPLY_ERROR_NOT_REACHED, /* asked for a moment of the script (a snapshot, its
                               * end) that never came */
} HsReplyError;

/* How a referrer holds the object below it. */
typedef enum
{
  HS_EDGE_NONE,
  HS_EDGE_ATTRIBUTE,
  HS_EDGE_KEY,
  HS_EDGE_INDEX,
  HS_EDGE_CLOSURE,
  HS_EDGE_LOCAL,
  HS_EDGE_GLOBAL,
  HS_EDGE_CLASS_ATTRIBUTE,
  HS_EDGE_REFERENT,
  HS_EDGE_DICT_KEY,
  HS_EDGE_MEMBER,
} HsEdgeKind;

/* Why an object is a root: what keeps it alive without a referrer. */
typedef enum
{
  HS_ROOT_NONE,
  HS_ROOT_MODULE,
  HS_ROOT_FRAME,
  HS_ROOT_CLASS,
  HS_ROOT_SYS_MODULES,
} HsRootKind;

typedef enum
{
  HS_REPLY_INSTANCES,
  HS_REPLY_OBJECT,
  HS_REPLY_REFERRERS,
  HS_REPLY_PATH,
  HS_REPLY_TRACK,            /* track-class, track-object, detach-class, detach-all */
  HS_REPLY_GRAPH,            /* a reference graph around objects (hs-ref-graph.h) */
  HS_REPLY_DOMINATORS,       /* what an object (or the heap) holds alone, largest first */
  HS_REPLY_RETAINED,         /* the retained sizes of objects */
  HS_REPLY_WHY,              /* why a type's instances are alive: their paths, grouped */
} HsReplyKind;

/* Why no root holds an object: a path reply that found none, or a why
 * reply's instances that reach none. */
typedef enum
{
  HS_UNREACHED_UNKNOWN,      /* the agent cannot tell (it runs without its C part) */
  HS_UNREACHED_GARBAGE,      /* in a reference cycle, or held by one, not freed yet */
  HS_UNREACHED_HELD_FROM_C,  /* reached only from objects C code holds (holders) */
  HS_UNREACHED_AGENT,        /* only the agent's handle keeps it: the program let it go */
} HsUnreachedReason;

/* When a why request is answered. */
typedef enum
{
  HS_WHY_AT_NOW,
  HS_WHY_AT_SNAPSHOT,        /* when the script calls heapscope.snapshot (label) */
  HS_WHY_AT_FINAL,           /* once the script's __main__ has ended */
} HsWhyAt;

/* Which size a list of instances is sorted by, largest first. */
typedef enum
{
  HS_INSTANCE_ORDER_FLAT,     /* the object alone */
  HS_INSTANCE_ORDER_DEEP,     /* and all it refers to: the agent's "sizes" */
  HS_INSTANCE_ORDER_RETAINED, /* what would be freed if it went away: "dominators" */
} HsInstanceOrder;

typedef struct _HsRefGraph HsRefGraph;

struct _HsObjectRef
{
  gint64      handle;
  char       *type_name;     /* named as the census names types */
  gint64      address;
  gint64      flat;          /* bytes */
  char       *text;          /* a short description, safe to show */
  HsEdgeKind  edge;          /* how this object refers to the one it was found from */
  char       *edge_name;     /* attribute, key, variable name; the dict's slot of a
                              * dict key; the referrer's type of a referent; or NULL */
  gint64      edge_index;    /* HS_EDGE_INDEX */
  HsRootKind  root;
  char       *name;          /* the dotted name of a class, module or function
                              * ("__main__.Registry"), when the agent gives it; or NULL */
  char       *known;         /* a holder from C code: what Python knows it as
                              * ("signal handler for SIGUSR1"), or NULL */
  gint64      deep;          /* an instance in deep order: its deep size; else -1 */
  gint64      retained;      /* an instance in retained order: what it holds alone,
                              * bytes; -1 outside the tree, or in another order */
};

/* A node of an asized(detail=N) breakdown. */
struct _HsSizeNode
{
  char       *name;
  gint64      size;          /* deep; -1 when unknown */
  gint64      flat;          /* -1 when unknown */
  GPtrArray  *children;      /* HsSizeNode */
};

/* What would be freed with an object: its dominated set in the heap's
 * dominator tree. */
typedef struct
{
  gint64 bytes;              /* -1: the object is not in the tree (unreachable) */
  gint64 objects;
} HsRetainedSize;

/* The dominator tree an answer comes from, as the agent computed it. */
typedef struct
{
  gint64 total_objects;      /* what the tree holds: the heap reachable from its roots */
  gint64 total_bytes;
  gint64 unreachable_objects; /* garbage and what only the agent held, left out */
  gint64 unreachable_bytes;
  double computed_at;        /* seconds since the epoch */
  double elapsed;            /* seconds the agent took for it; 0 when it was kept */
} HsHeapTree;

/* Followed instances of a why reply whose paths to a root have one shape:
 * the same types, edge kinds and names step by step, and the same root. */
typedef struct
{
  gint64          count;     /* of the instances followed */
  HsRetainedSize  retained;  /* what they hold alone, together; bytes -1 when unknown */
  HsObjectRef    *example;   /* one of them */
  GPtrArray      *steps;     /* HsObjectRef: @example's path, as a PATH reply's items */
} HsWhyGroup;

/* Followed instances of a why reply that no root holds, for one reason. */
typedef struct
{
  HsUnreachedReason  reason;
  gint64             count;
  HsObjectRef       *example;
  GPtrArray         *holders;  /* HsObjectRef with known: what holds them from C */
} HsWhyUnreached;

/* Immutable once parsed; shared by reference. */
struct _HsReply
{
  HsReplyKind  kind;
  gint64       total;        /* INSTANCES, REFERRERS, OBJECT (referents): how many there are */
  gint64       offset;       /* INSTANCES: where @items starts */
  gint64       list_handle;  /* INSTANCES: the agent's list, to page through and release */
  GPtrArray   *items;        /* HsObjectRef: instances, referrers, referents; PATH: the
                              * referrer of the object, then each referrer of the one
                              * before, the root last */
  HsObjectRef *object;       /* OBJECT: the object itself */
  gint64       basic;        /* OBJECT */
  gint64       item;         /* OBJECT */
  gint64       deep;         /* OBJECT; -1 when the agent cannot size deeply */
  HsSizeNode  *breakdown;    /* OBJECT; NULL when the agent cannot size deeply */
  gboolean     found;        /* PATH: FALSE when no root was reached */
  HsUnreachedReason reason;  /* PATH: why, when no root was reached */
  GPtrArray   *holders;      /* HsObjectRef with known. PATH: what holds the object
                              * from C code (HS_UNREACHED_HELD_FROM_C), nearest first */
  HsRefGraph  *graph;        /* GRAPH: its nodes and edges, not laid out; the
                              * label the script gave it, when it pushed it */
  char        *filename;     /* GRAPH: where the script asked it written, or NULL */
  GArray      *retained;     /* HsRetainedSize. DOMINATORS: of each of @items;
                              * RETAINED: of each object asked, in order */
  HsRetainedSize whole;      /* DOMINATORS: of the object they are in (the heap's
                              * reachable part for the root) */
  HsHeapTree   tree;         /* DOMINATORS, RETAINED */
  char        *type_name;    /* WHY: the census row asked about; @total counts its instances */
  char        *label;        /* WHY: the snapshot it was answered at, or NULL */
  gint64       sampled;      /* WHY: how many of the instances were followed */
  double       since;        /* WHY: the census time the instances are the survivors
                              * since (@total counts those only), or NAN for all */
  gint64       older;        /* WHY: the instances left out, made before @since */
  double       elapsed;      /* WHY: seconds the agent took */
  GPtrArray   *groups;       /* HsWhyGroup. WHY: the largest first */
  GPtrArray   *unreached;    /* HsWhyUnreached. WHY: the largest first */

  /*< private >*/
  gatomicrefcount ref_count;
};

GQuark       hs_reply_error_quark    (void);

HsReply     *hs_reply_new            (HsReplyKind        kind);
HsReply     *hs_reply_ref            (HsReply           *self);
void         hs_reply_unref          (HsReply           *self);

HsObjectRef *hs_object_ref_new       (void);
HsObjectRef *hs_object_ref_copy      (const HsObjectRef *self);
void         hs_object_ref_free      (HsObjectRef       *self);
char        *hs_object_ref_describe_edge (const HsObjectRef *self);
char        *hs_object_ref_describe_edge_shape (const HsObjectRef *self);
char        *hs_object_ref_dup_title (const HsObjectRef *self);
char        *hs_object_ref_dup_label (const HsObjectRef *self);
void         hs_object_ref_append_step (const HsObjectRef *self,
                                        GString           *out,
                                        gboolean           cycle,
                                        gboolean           shape);
const char  *hs_root_kind_to_string  (HsRootKind         kind);
char        *hs_edge_describe        (HsEdgeKind         kind,
                                      const char        *name,
                                      gint64             index);
char        *hs_unreached_reason_dup_sentence (HsUnreachedReason  reason,
                                               GPtrArray         *holders);
char        *hs_unreached_reason_dup_phrase   (HsUnreachedReason  reason,
                                               GPtrArray         *holders);

HsWhyGroup     *hs_why_group_new      (void);
void            hs_why_group_free     (HsWhyGroup     *self);
HsWhyUnreached *hs_why_unreached_new  (void);
void            hs_why_unreached_free (HsWhyUnreached *self);

HsSizeNode  *hs_size_node_new        (void);
void         hs_size_node_free       (HsSizeNode        *self);
HsSizeNode  *hs_size_node_copy       (const HsSizeNode  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsReply, hs_reply_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsObjectRef, hs_object_ref_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsSizeNode, hs_size_node_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsWhyGroup, hs_why_group_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsWhyUnreached, hs_why_unreached_free)

G_END_DECLS
