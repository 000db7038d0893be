/* hs-class-tracker.h — the tracked classes of a session and their instances (main thread)
 *
 * What the Classes page shows: every tracked class with its active count and
 * total size at each sample that measured it, and every tracked instance with
 * its birth, death, creation stack and sizes.  A live session feeds it the
 * "classes" report of each census (hs_class_tracker_apply); a reopened one
 * fills it from the file (hs_class_tracker_load).  Both end the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-class-report.h"

G_BEGIN_DECLS

/* One sample's figures for a class. */
typedef struct
{
  guint   sample;             /* the sample's position in the session */
  double  time;               /* seconds since the agent started */
  gint64  active;             /* live instances measured */
  gint64  size;               /* their total size, bytes */
} HsClassPoint;

#define HS_TYPE_TRACKED_CLASS (hs_tracked_class_get_type ())
G_DECLARE_FINAL_TYPE (HsTrackedClass, hs_tracked_class, HS, TRACKED_CLASS, GObject)

/* Properties: "index", "name", "type-name", "is-object", "level", "keep",
 * "trace", "active" (births still recorded), "born" (instances ever seen);
 * and the figures at the shown sample: "count", "size", "average",
 * "percent" (of the process's RSS then), and "points-changed" notifies when
 * a sample was added. */
gint64              hs_tracked_class_get_index     (HsTrackedClass *self);
const char         *hs_tracked_class_get_name      (HsTrackedClass *self);
const char         *hs_tracked_class_get_type_name (HsTrackedClass *self);
gboolean            hs_tracked_class_get_is_object (HsTrackedClass *self);
int                 hs_tracked_class_get_level     (HsTrackedClass *self);
gboolean            hs_tracked_class_get_keep      (HsTrackedClass *self);
gboolean            hs_tracked_class_get_trace     (HsTrackedClass *self);
gboolean            hs_tracked_class_get_active    (HsTrackedClass *self);
gint64              hs_tracked_class_get_born      (HsTrackedClass *self);
gint64              hs_tracked_class_get_count     (HsTrackedClass *self);
gint64              hs_tracked_class_get_size      (HsTrackedClass *self);
gint64              hs_tracked_class_get_average   (HsTrackedClass *self);
double              hs_tracked_class_get_percent   (HsTrackedClass *self);
/* In sample order; valid until the next sample is applied. */
const HsClassPoint *hs_tracked_class_get_points    (HsTrackedClass *self,
                                                    guint          *n_points);

#define HS_TYPE_TRACKED_INSTANCE (hs_tracked_instance_get_type ())
G_DECLARE_FINAL_TYPE (HsTrackedInstance, hs_tracked_instance, HS, TRACKED_INSTANCE, GObject)

/* Properties: "instance", "class-index", "class-name" (Pympler's classname),
 * "address", "birth" (seconds; < 0 before tracking), "death" (< 0 while
 * alive), "alive", "text" (Pympler's repr: the safe description), "size"
 * (the largest measured), "tsize" (the size in the sample where the tracked
 * total was largest), "last-size", "trace" (trace id, 0 if none). */
gint64              hs_tracked_instance_get_instance    (HsTrackedInstance *self);
gint64              hs_tracked_instance_get_class_index (HsTrackedInstance *self);
const char         *hs_tracked_instance_get_class_name  (HsTrackedInstance *self);
gint64              hs_tracked_instance_get_address     (HsTrackedInstance *self);
double              hs_tracked_instance_get_birth       (HsTrackedInstance *self);
double              hs_tracked_instance_get_death       (HsTrackedInstance *self);
gboolean            hs_tracked_instance_get_alive       (HsTrackedInstance *self);
const char         *hs_tracked_instance_get_text        (HsTrackedInstance *self);
gint64              hs_tracked_instance_get_size        (HsTrackedInstance *self);
gint64              hs_tracked_instance_get_tsize       (HsTrackedInstance *self);
gint64              hs_tracked_instance_get_last_size   (HsTrackedInstance *self);
gint64              hs_tracked_instance_get_trace       (HsTrackedInstance *self);

/* Where the instance's measured size changed: it kept @size from @sample on,
 * until the next change or its death. */
typedef struct
{
  guint   sample;
  gint64  size;
} HsSizeChange;

const HsSizeChange *hs_tracked_instance_get_sizes       (HsTrackedInstance *self,
                                                         guint             *n_changes);
/* The referents itemised to the resolution level at the last measure, or NULL. */
const HsSizeNode   *hs_tracked_instance_get_detail      (HsTrackedInstance *self);
/* The size at @sample: 0 before birth, after death, or where not measured. */
gint64              hs_tracked_instance_get_size_at     (HsTrackedInstance *self,
                                                         guint              sample);

#define HS_TYPE_CLASS_TRACKER (hs_class_tracker_get_type ())
G_DECLARE_FINAL_TYPE (HsClassTracker, hs_class_tracker, HS, CLASS_TRACKER, GObject)

/* Signals: "changed" (once per applied sample or load: redraw charts). */
HsClassTracker     *hs_class_tracker_new              (void);
/* HsTrackedClass items, in the order they were first tracked. */
GListModel         *hs_class_tracker_get_classes      (HsClassTracker      *self);
/* HsTrackedInstance items, in birth order (instances from before tracking first). */
GListModel         *hs_class_tracker_get_instances    (HsClassTracker      *self);
HsTrackedClass     *hs_class_tracker_find_class       (HsClassTracker      *self,
                                                       gint64               index);
const HsTrace      *hs_class_tracker_get_trace        (HsClassTracker      *self,
                                                       gint64               trace);
/* The sample whose tracked total was largest (Pympler's tsize), or -1. */
int                 hs_class_tracker_get_peak_sample  (HsClassTracker      *self);
guint               hs_class_tracker_get_n_samples    (HsClassTracker      *self);
/* Times of the samples that measured tracked classes, by sample position. */
double              hs_class_tracker_get_sample_time  (HsClassTracker      *self,
                                                       guint                sample);

/* The label of a snapshot that measured tracked classes (the chart marks it). */
void                hs_class_tracker_set_sample_label (HsClassTracker      *self,
                                                       guint                sample,
                                                       const char          *label);
const char         *hs_class_tracker_get_sample_label (HsClassTracker      *self,
                                                       guint                sample);

/* The report of the census at @sample; @rss is the process's then. */
void                hs_class_tracker_apply            (HsClassTracker      *self,
                                                       guint                sample,
                                                       double               time,
                                                       gint64               rss,
                                                       const HsClassReport *report);
/* The figures of every class at @sample become the "count", "size"… properties. */
void                hs_class_tracker_set_shown_sample (HsClassTracker      *self,
                                                       int                  sample);

G_END_DECLS
