/* hs-class-chart.h — tracked classes over time: active instances and total
 * size, stacked or side by side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-class-tracker.h"

G_BEGIN_DECLS

/* What the chart shows at one sample: the one nearest a point on the time axis. */
typedef struct
{
  guint   sample;             /* the sample's position in the session */
  double  time;               /* seconds since the agent started */
  gint64  active;             /* the classes shown, together */
  gint64  size;
} HsClassChartHit;

#define HS_TYPE_CLASS_CHART (hs_class_chart_get_type ())
G_DECLARE_FINAL_TYPE (HsClassChart, hs_class_chart, HS, CLASS_CHART, GtkWidget)

/* Properties: "tracker", "stacked", "plot-left" and "plot-right" (where the
 * time axis starts and ends, in pixels from the left edge: a view below lines
 * up with it). Signals: "sample-activated" (guint sample), on a click. */
GtkWidget      *hs_class_chart_new              (void);
void            hs_class_chart_set_tracker      (HsClassChart    *self,
                                                 HsClassTracker  *tracker);
HsClassTracker *hs_class_chart_get_tracker      (HsClassChart    *self);
/* The classes drawn, in the tracker's order; none: all of them. */
void            hs_class_chart_set_classes      (HsClassChart    *self,
                                                 HsTrackedClass **classes,
                                                 guint            n_classes);
void            hs_class_chart_set_stacked      (HsClassChart    *self,
                                                 gboolean         stacked);
gboolean        hs_class_chart_get_stacked      (HsClassChart    *self);
/* The sample marked as the one shown everywhere, or -1. */
void            hs_class_chart_set_marked_sample (HsClassChart   *self,
                                                  int             sample);
double          hs_class_chart_get_plot_left    (HsClassChart    *self);
double          hs_class_chart_get_plot_right   (HsClassChart    *self);
/* Where @time is drawn, in pixels from the left edge. */
double          hs_class_chart_x_for_time       (HsClassChart    *self,
                                                 double           time);
/* The sample nearest @x, as hovering and clicking find it. */
gboolean        hs_class_chart_value_at         (HsClassChart    *self,
                                                 double           x,
                                                 HsClassChartHit *hit);
/* What pointer motion and a click do at @x (the controllers call these). */
void            hs_class_chart_hover            (HsClassChart    *self,
                                                 double           x);
void            hs_class_chart_unhover          (HsClassChart    *self);
void            hs_class_chart_activate_at      (HsClassChart    *self,
                                                 double           x);
/* The label drawn at the hovered sample, or NULL when nothing is hovered. */
const char     *hs_class_chart_get_hover_text   (HsClassChart    *self);

/* The time axis of the Classes page: the first to the last sample that
 * measured tracked classes; FALSE when there is none. */
gboolean        hs_class_chart_time_range       (HsClassTracker  *tracker,
                                                 double          *start,
                                                 double          *end);
/* A class's colour in the chart, the table and the lifetime view. */
void            hs_class_chart_color            (gint64           class_index,
                                                 GdkRGBA         *color);

/* A series cut into @n_columns pixel columns over [@start, @end): per column,
 * the first, least, greatest and last value of the points in it, and whether
 * any point fell in it. Charts draw these, never every point. */
typedef struct
{
  double   first;
  double   min;
  double   max;
  double   last;
  gboolean any;
} HsChartColumn;

void            hs_chart_decimate               (const double    *times,
                                                 const double    *values,
                                                 guint            n_points,
                                                 double           start,
                                                 double           end,
                                                 HsChartColumn   *columns,
                                                 guint            n_columns);

/* What a chart draws once and replays: @draw into an image of @width ×
 * @height (in the widget's scale), as a render node that the widget's
 * renderer draws without drawing it again: a texture, or under the cairo
 * renderer a cairo node painting the image (which copies a texture's pixels
 * on every frame). */
typedef void (*HsChartDrawFunc) (gpointer  data,
                                 cairo_t  *cr);

GskRenderNode  *hs_chart_render_picture         (GtkWidget       *widget,
                                                 int              width,
                                                 int              height,
                                                 HsChartDrawFunc  draw,
                                                 gpointer         data);
/* The labels of a time axis from @start to @end over [@left, @right], at @y. */
void            hs_chart_draw_time_axis         (cairo_t         *cr,
                                                 PangoLayout     *layout,
                                                 const GdkRGBA   *foreground,
                                                 double           start,
                                                 double           end,
                                                 double           left,
                                                 double           right,
                                                 double           y,
                                                 double           width);

G_END_DECLS
