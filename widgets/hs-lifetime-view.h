/* hs-lifetime-view.h — tracked instances as bars from birth to death on the
 * Classes page's time axis, aggregated into density bands when there are
 * more of them than pixel rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-class-tracker.h"

G_BEGIN_DECLS

#define HS_TYPE_LIFETIME_VIEW (hs_lifetime_view_get_type ())
G_DECLARE_FINAL_TYPE (HsLifetimeView, hs_lifetime_view, HS, LIFETIME_VIEW, GtkWidget)

/* Properties: "tracker" (the time axis), "model" (HsTrackedInstance or
 * HsInstanceRow, one row each, in order; hs_lifetime_view_rows_changed()
 * says when rows show other instances), "selected" (a position, or GTK_INVALID_LIST_POSITION),
 * "plot-left" and "plot-right" (to line up with the chart above; see
 * HsClassChart). Signal: "instance-activated" (guint position), on a click. */
GtkWidget  *hs_lifetime_view_new                   (void);
void        hs_lifetime_view_set_tracker           (HsLifetimeView *self,
                                                    HsClassTracker *tracker);
void        hs_lifetime_view_set_model             (HsLifetimeView *self,
                                                    GListModel     *model);
void        hs_lifetime_view_rows_changed          (HsLifetimeView *self);
void        hs_lifetime_view_set_selected          (HsLifetimeView *self,
                                                    guint           position);
double      hs_lifetime_view_x_for_time            (HsLifetimeView *self,
                                                    double          time);
/* Whether bars would be thinner than a pixel, so that each pixel row is a
 * band of several instances, shaded by how many of them are alive. */
gboolean    hs_lifetime_view_get_aggregated        (HsLifetimeView *self);
guint       hs_lifetime_view_get_instances_per_row (HsLifetimeView *self);
guint       hs_lifetime_view_get_n_rows            (HsLifetimeView *self);
/* How many instances of @row are alive at @time, as drawn. */
guint       hs_lifetime_view_get_live_count        (HsLifetimeView *self,
                                                    guint           row,
                                                    double          time);
/* The position of the instance drawn at (@x, @y), or GTK_INVALID_LIST_POSITION. */
guint       hs_lifetime_view_instance_at           (HsLifetimeView *self,
                                                    double          x,
                                                    double          y);

G_END_DECLS
