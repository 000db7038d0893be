/* hs-leak-suspects.h — which types grow steadily over a run, ranked: the
 * suspects of a leak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hs-census.h"

G_BEGIN_DECLS

/* A type must rise in at least HS_LEAK_MIN_SAMPLES - 1 steps: fewer
 * censuses can show no suspect. */
#define HS_LEAK_MIN_SAMPLES 4
/* The sparkline of a suspect keeps at most this many points. */
#define HS_LEAK_MAX_POINTS 128

#define HS_TYPE_LEAK_SUSPECT (hs_leak_suspect_get_type ())
G_DECLARE_FINAL_TYPE (HsLeakSuspect, hs_leak_suspect, HS, LEAK_SUSPECT, GObject)

/* One type that grew steadily; a ranking's are not changed after, rows of a
 * view may be (hs_leak_suspect_assign). Properties (read-only): "name",
 * "rank" (from 1), "count" and "size" (in the last census), "delta-count" and
 * "delta-size" (since the first census scanned), "count-rate" and
 * "size-rate" (per minute over the scan), "rises" and "falls" (steps of the
 * series that made it a suspect: its count, else its size), "steps",
 * "score" (what it is ranked by). hs_leak_suspect_get_by_size(): only its
 * size grew steadily, not its count. */
/* Rows that stay where they are while rankings come (HsTypeRows): a copy,
 * and a row made to show another suspect (it emits "changed"). */
HsLeakSuspect *hs_leak_suspect_copy            (HsLeakSuspect *source);
void           hs_leak_suspect_assign          (HsLeakSuspect *self,
                                                HsLeakSuspect *source);
const char    *hs_leak_suspect_get_name        (HsLeakSuspect *self);
guint          hs_leak_suspect_get_rank        (HsLeakSuspect *self);
gint64         hs_leak_suspect_get_count       (HsLeakSuspect *self);
gint64         hs_leak_suspect_get_size        (HsLeakSuspect *self);
gint64         hs_leak_suspect_get_delta_count (HsLeakSuspect *self);
gint64         hs_leak_suspect_get_delta_size  (HsLeakSuspect *self);
double         hs_leak_suspect_get_count_rate  (HsLeakSuspect *self);
double         hs_leak_suspect_get_size_rate   (HsLeakSuspect *self);
guint          hs_leak_suspect_get_rises       (HsLeakSuspect *self);
guint          hs_leak_suspect_get_falls       (HsLeakSuspect *self);
guint          hs_leak_suspect_get_steps       (HsLeakSuspect *self);
double         hs_leak_suspect_get_score       (HsLeakSuspect *self);
gboolean       hs_leak_suspect_get_by_size     (HsLeakSuspect *self);
/* Its count over the scan (its size, by_size), at most HS_LEAK_MAX_POINTS
 * points (the last census of each stretch of the run); @times in seconds
 * since the agent started. Valid while @self lives. */
const double  *hs_leak_suspect_get_points      (HsLeakSuspect *self,
                                                const double **times,
                                                guint         *n_points);

/* The series of every type over consecutive censuses, fed one census at a
 * time, in order; any thread, one at a time. Memory: a few numbers and
 * HS_LEAK_MAX_POINTS points per type, whatever the length of the run. */
typedef struct _HsLeakScan HsLeakScan;

HsLeakScan    *hs_leak_scan_new                (void);
void           hs_leak_scan_free               (HsLeakScan        *self);
/* A type absent from @rows counts 0 objects, 0 bytes in this census. */
void           hs_leak_scan_add                (HsLeakScan        *self,
                                                double             time,
                                                const HsCensusRow *rows,
                                                guint              n_rows);
guint          hs_leak_scan_get_n_samples      (HsLeakScan        *self);
guint          hs_leak_scan_get_n_types        (HsLeakScan        *self);
/* Seconds from the first census to the last. */
double         hs_leak_scan_get_duration       (HsLeakScan        *self);
/* The suspects (HsLeakSuspect), most likely first; empty before two
 * censuses. */
GPtrArray     *hs_leak_scan_rank               (HsLeakScan        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsLeakScan, hs_leak_scan_free)

G_END_DECLS
