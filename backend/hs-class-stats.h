/* hs-class-stats.h — the tracked classes of a session as Pympler's
 * classtracker_stats presents them: ConsoleStats' print_summary and
 * print_stats, and an HtmlStats-style report in one self-contained file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-class-tracker.h"

G_BEGIN_DECLS

/* Pympler's sort_stats criteria.  size and tsize sort descending (the largest
 * first), the others ascending. */
typedef enum
{
  HS_CLASS_SORT_CLASSNAME,    /* the name the class was tracked under */
  HS_CLASS_SORT_NAME,         /* the class's qualified name (Pympler: the same as classname) */
  HS_CLASS_SORT_BIRTH,
  HS_CLASS_SORT_DEATH,        /* the living after the dead */
  HS_CLASS_SORT_SIZE,         /* the largest measured size */
  HS_CLASS_SORT_TSIZE,        /* the size in the sample where the tracked total peaked */
  HS_CLASS_SORT_REPR,
  HS_CLASS_SORT_N_KEYS
} HsClassSortKey;

/* Which instances print_stats shows and in what order; the console and the
 * HTML report read the same options. */
typedef struct
{
  HsClassSortKey  keys[HS_CLASS_SORT_N_KEYS];
  guint           n_keys;     /* 0: Pympler's default, every key in its order */
  gboolean        reverse;    /* the sorted list reversed, as reverse_order () */
  char           *match;      /* a substring of the class name, or NULL for all */
  double          limit;      /* 0: all; < 1: that fraction of all tracked
                               * instances; else that many */
} HsClassStatsOptions;

/* "size,birth": the keys, most significant first.  An unknown key is a
 * G_OPTION_ERROR_BAD_VALUE whose message lists the valid ones. */
gboolean    hs_class_stats_options_set_sort  (HsClassStatsOptions  *self,
                                              const char           *keys,
                                              GError              **error);
/* "25" (a count) or "0.1" (a fraction of the total). */
gboolean    hs_class_stats_options_set_limit (HsClassStatsOptions  *self,
                                              const char           *text,
                                              GError              **error);
void        hs_class_stats_options_set_match (HsClassStatsOptions  *self,
                                              const char           *match);
void        hs_class_stats_options_clear     (HsClassStatsOptions  *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsClassStatsOptions, hs_class_stats_options_clear)

typedef struct _HsClassStats HsClassStats;

/* @samples: the session's HsCensus, by sample position (an HsRecording's
 * samples), for their labels, times, resident memory and census totals;
 * @tracker was filled from the same samples. */
HsClassStats *hs_class_stats_new             (HsClassTracker            *tracker,
                                              GPtrArray                 *samples);
void          hs_class_stats_free            (HsClassStats              *self);
gboolean      hs_class_stats_has_classes     (HsClassStats              *self);

/* The HsTrackedInstance that print_stats shows, in its order. */
GPtrArray    *hs_class_stats_select          (HsClassStats              *self,
                                              const HsClassStatsOptions *options);
/* ConsoleStats.print_summary (): every class at every sample that measured
 * them.  Names from the profiled program are made safe for a terminal. */
char         *hs_class_stats_format_summary  (HsClassStats              *self);
/* ConsoleStats.print_stats (): print_object () of each selected instance. */
char         *hs_class_stats_format_stats    (HsClassStats              *self,
                                              const HsClassStatsOptions *options);
/* One HTML page with inline CSS and SVG, no scripts: the summary per sample,
 * the time-space chart, and a section per class (the selected instances). */
char         *hs_class_stats_format_html     (HsClassStats              *self,
                                              const HsClassStatsOptions *options,
                                              const char                *title);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsClassStats, hs_class_stats_free)

G_END_DECLS
