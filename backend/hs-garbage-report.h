/* hs-garbage-report.h — what the garbage watch saw in the collections since
 * its last push (PROTOCOL.md, "Garbage watch")
 *
 * While the watch is on, the agent summarises what each collection freed in
 * reference cycles: how many objects, their flat sizes, how many cycles,
 * how many define __del__, how many the collector could not free, per type,
 * and a few of the cycles as small reference graphs. The objects themselves
 * are gone: the graphs' nodes have no handles. A report is immutable once
 * parsed and shared by reference.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hs-ref-graph.h"

G_BEGIN_DECLS

#define HS_GARBAGE_REPORT_MAX_COLLECTIONS  1000  /* in one push */
#define HS_GARBAGE_REPORT_MAX_TYPES        200   /* per collection */
#define HS_GARBAGE_REPORT_MAX_GRAPHS       5     /* cycles drawn per collection */
#define HS_GARBAGE_REPORT_MAX_GRAPH_NODES  50
#define HS_GARBAGE_REPORT_MAX_GRAPH_EDGES  (HS_GARBAGE_REPORT_MAX_GRAPH_NODES * HS_GARBAGE_REPORT_MAX_GRAPH_NODES)
#define HS_GARBAGE_REPORT_MAX_GENERATION   2

typedef struct _HsGarbageReport HsGarbageReport;

typedef struct
{
  char     *name;             /* named as the census names types */
  gint64    count;
  gint64    bytes;            /* flat sizes, the census's rule */
} HsGarbageType;

typedef struct
{
  HsRefGraph *graph;          /* not laid out; handles 0; cycles marked */
  gboolean   *has_del;        /* per node: its class defines __del__ */
} HsGarbageGraph;

typedef struct
{
  double          time;       /* seconds since the agent started */
  int             generation; /* 0, 1 or 2 */
  gint64          objects;    /* found unreachable */
  gint64          bytes;
  gint64          cycles;     /* -1: not counted (too many objects) */
  gint64          with_del;   /* objects whose class defines __del__ */
  gint64          uncollectable; /* left in gc.garbage: legacy finalizers */
  double          cost;       /* seconds the watch took in this collection */
  HsGarbageType  *types;      /* largest bytes first */
  guint           n_types;
  HsGarbageGraph *graphs;
  guint           n_graphs;
} HsGarbageSummary;

struct _HsGarbageReport
{
  double            time;     /* of the push */
  HsGarbageSummary *collections;   /* in the order they ran */
  guint             n_collections;
  gint64            dropped;  /* collections summarised but not sent: the buffer was full */
  double            cost;     /* seconds in the watch's callbacks since the last push */
  /*< private >*/
  gatomicrefcount   ref_count;
};

#define HS_TYPE_GARBAGE_REPORT (hs_garbage_report_get_type ())

GType            hs_garbage_report_get_type (void) G_GNUC_CONST;
/* The "garbage" message (its "type" and "id" are not looked at), every part
 * checked: HS_WIRE_ERROR_INVALID naming the member, after "Collection N: "
 * (and "Graph N: ", "Node N: ", "Edge N: ") where it is in one. */
HsGarbageReport *hs_garbage_report_parse    (JsonObject             *message,
                                             GError                **error);
HsGarbageReport *hs_garbage_report_ref      (HsGarbageReport        *self);
void             hs_garbage_report_unref    (HsGarbageReport        *self);
/* The message again, as the agent sent it (pushed, id 0), for keeping in a
 * session file: hs_garbage_report_parse reads it back. */
JsonNode        *hs_garbage_report_to_json  (const HsGarbageReport  *self);

/* A copy of @graph to lay out and show: the nodes whose class defines
 * __del__ say so at the end of their text ("… · defines __del__"). */
HsRefGraph      *hs_garbage_graph_dup_for_display (const HsGarbageGraph *graph);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsGarbageReport, hs_garbage_report_unref)

G_END_DECLS
