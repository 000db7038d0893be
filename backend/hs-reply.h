/* hs-reply.h — the agent's answers about single objects: instances of a type,
 * an object's sizes and referents, its referrers, its path to a root
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
} HsReplyKind;

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
  HsRefGraph  *graph;        /* GRAPH: its nodes and edges, not laid out; the
                              * label the script gave it, when it pushed it */
  char        *filename;     /* GRAPH: where the script asked it written, or NULL */
  GArray      *retained;     /* HsRetainedSize. DOMINATORS: of each of @items;
                              * RETAINED: of each object asked, in order */
  HsRetainedSize whole;      /* DOMINATORS: of the object they are in (the heap's
                              * reachable part for the root) */
  HsHeapTree   tree;         /* DOMINATORS, RETAINED */

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
char        *hs_object_ref_dup_title (const HsObjectRef *self);
const char  *hs_root_kind_to_string  (HsRootKind         kind);
char        *hs_edge_describe        (HsEdgeKind         kind,
                                      const char        *name,
                                      gint64             index);

HsSizeNode  *hs_size_node_new        (void);
void         hs_size_node_free       (HsSizeNode        *self);
HsSizeNode  *hs_size_node_copy       (const HsSizeNode  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsReply, hs_reply_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsObjectRef, hs_object_ref_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsSizeNode, hs_size_node_free)

G_END_DECLS
