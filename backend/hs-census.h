/* hs-census.h — one census of a child's heap: rows of type, count, total size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-types.h"

G_BEGIN_DECLS

struct _HsCensusRow
{
  char   *name;
  gint64  count;
  gint64  size;
};

/* Immutable once built; shared between the worker and the main thread by reference. */
struct _HsCensus
{
  char        *label;       /* snapshot label, or NULL for a periodic sample */
  gboolean     final;       /* the census taken when the script's __main__ ended */
  double       time;        /* seconds since the agent started */
  double       elapsed;     /* seconds the census took inside the child */
  gint64       objects;
  gint64       bytes;
  gint64       rss;
  gint64       vms;
  HsCensusRow *rows;
  guint        n_rows;
  HsClassReport *classes;   /* tracked classes, or NULL when nothing was ever tracked */

  /*< private >*/
  GHashTable  *index_by_name;
};

HsCensus          *hs_census_new           (guint           n_rows);
HsCensus          *hs_census_new_with_figures (const HsCensus *figures,
                                               guint           n_rows);
HsCensus          *hs_census_ref           (HsCensus       *self);
void               hs_census_unref         (HsCensus       *self);
const HsCensusRow *hs_census_lookup        (HsCensus       *self,
                                            const char     *name);
void               hs_census_index         (HsCensus       *self);
HsCensusRow       *hs_census_diff          (HsCensus       *from,
                                            HsCensus       *to,
                                            guint          *n_rows);
void               hs_census_rows_free     (HsCensusRow    *rows,
                                            guint           n_rows);
void               hs_census_rows_sort_by_size (HsCensusRow *rows,
                                                guint        n_rows);
char              *hs_census_format_table  (const HsCensusRow *rows,
                                            guint              n_rows,
                                            guint              limit);
char              *hs_format_size          (gint64          bytes);
/* The round step (1, 2, 5 × 10^n) of an axis over @range in about @ticks parts. */
double             hs_format_nice_step     (double          range,
                                            int             ticks);

char              *hs_census_format_csv    (const HsCensusRow *rows,
                                            const HsCensusRow *deltas,
                                            guint              n_rows);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsCensus, hs_census_unref)

G_END_DECLS
