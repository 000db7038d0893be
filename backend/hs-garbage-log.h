/* hs-garbage-log.h — what the garbage watch saw over a run (main thread)
 *
 * Every collection that freed something in cycles, as a list, and the run's
 * totals. A live session applies each "garbage" report as it comes; a
 * reopened one applies the reports its file kept, and both end the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-garbage-report.h"

G_BEGIN_DECLS

/* The list keeps this many collections; older ones leave it (the totals
 * still count them). */
#define HS_GARBAGE_LOG_MAX_COLLECTIONS 100000

#define HS_TYPE_GARBAGE_COLLECTION (hs_garbage_collection_get_type ())
G_DECLARE_FINAL_TYPE (HsGarbageCollection, hs_garbage_collection, HS, GARBAGE_COLLECTION, GObject)

/* One collection, immutable. Properties (read-only): "index" (its place in
 * the run, from 0), "time" (seconds since the agent started), "generation",
 * "objects", "bytes", "cycles" (-1: not counted), "with-del",
 * "uncollectable", "cost" (seconds). */
guint                  hs_garbage_collection_get_index         (HsGarbageCollection *self);
double                 hs_garbage_collection_get_time          (HsGarbageCollection *self);
int                    hs_garbage_collection_get_generation    (HsGarbageCollection *self);
gint64                 hs_garbage_collection_get_objects       (HsGarbageCollection *self);
gint64                 hs_garbage_collection_get_bytes         (HsGarbageCollection *self);
gint64                 hs_garbage_collection_get_cycles        (HsGarbageCollection *self);
gint64                 hs_garbage_collection_get_with_del      (HsGarbageCollection *self);
gint64                 hs_garbage_collection_get_uncollectable (HsGarbageCollection *self);
double                 hs_garbage_collection_get_cost          (HsGarbageCollection *self);
/* Per type, largest bytes first; valid while @self lives. */
const HsGarbageType   *hs_garbage_collection_get_types         (HsGarbageCollection *self,
                                                                guint               *n_types);
/* Up to HS_GARBAGE_REPORT_MAX_GRAPHS of its cycles, not laid out; valid
 * while @self lives. */
const HsGarbageGraph  *hs_garbage_collection_get_graphs        (HsGarbageCollection *self,
                                                                guint               *n_graphs);
const HsGarbageGraph  *hs_garbage_collection_get_graph         (HsGarbageCollection *self,
                                                                guint                graph);

#define HS_TYPE_GARBAGE_LOG (hs_garbage_log_get_type ())
G_DECLARE_FINAL_TYPE (HsGarbageLog, hs_garbage_log, HS, GARBAGE_LOG, GObject)

/* A GListModel of HsGarbageCollection, in the order they ran: one
 * items-changed per applied report (and one more before it when the oldest
 * leave a full list).
 * Properties: "n-items"; the run's totals, read-only: "collections",
 * "objects", "bytes", "cycles" (of the collections that counted them),
 * "uncounted" (collections that did not count their cycles), "with-del",
 * "uncollectable", "cost" (seconds in the watch's callbacks, as the agent
 * measured them), "dropped" (collections the agent could not send); and
 * "watching" (read-write: whether the watch is on, set by the session).
 * Totals change together, notified after items-changed. */
HsGarbageLog          *hs_garbage_log_new              (void);
void                   hs_garbage_log_apply            (HsGarbageLog          *self,
                                                        const HsGarbageReport *report);
gboolean               hs_garbage_log_get_watching     (HsGarbageLog          *self);
void                   hs_garbage_log_set_watching     (HsGarbageLog          *self,
                                                        gboolean               watching);
gint64                 hs_garbage_log_get_collections  (HsGarbageLog          *self);
gint64                 hs_garbage_log_get_objects      (HsGarbageLog          *self);
gint64                 hs_garbage_log_get_bytes        (HsGarbageLog          *self);
gint64                 hs_garbage_log_get_cycles       (HsGarbageLog          *self);
gint64                 hs_garbage_log_get_uncounted    (HsGarbageLog          *self);
gint64                 hs_garbage_log_get_with_del     (HsGarbageLog          *self);
gint64                 hs_garbage_log_get_uncollectable (HsGarbageLog         *self);
double                 hs_garbage_log_get_cost         (HsGarbageLog          *self);
gint64                 hs_garbage_log_get_dropped      (HsGarbageLog          *self);

G_END_DECLS
