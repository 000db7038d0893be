/* hs-class-chart.c — tracked classes over time: active instances and total
 * size, stacked or side by side
 *
 * Two panels share the time axis: active instances above, total size below.
 * The series are copied out of the tracker once per sample ("changed"), cut
 * into pixel columns (hs_chart_decimate) and drawn once into an image that is
 * replayed until the size, the data or the choice of classes change; a frame
 * while hovering draws only the hover line, its dots and its label. 50
 * classes × 3 600 samples cost one pass over the points per change, and about
 * one path vertex per class and pixel column.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-class-chart.h"
#include "hs-format.h"

#define MARGIN_LEFT_MIN  40.0
#define MARGIN_RIGHT     16.0
#define PANEL_TITLE      22.0   /* a panel's title, above its plot */
#define PANEL_GAP        10.0
#define AXIS_LABELS      24.0   /* the time labels, below the lower plot */
#define VALUE_TICKS      3
#define MAX_HOVER_LINES  8

/* One class drawn: its points as arrays, and its values on the common grid
 * of samples (0 where it has no point), for stacking. */
typedef struct
{
  HsTrackedClass *tracked;
  GdkRGBA         color;
  guint           n_points;
  double         *times;
  double         *active;
  double         *size;
  double         *grid_active;
  double         *grid_size;
} Series;

struct _HsClassChart
{
  GtkWidget       parent_instance;

  HsClassTracker *tracker;
  gulong          changed_handler;
  GPtrArray      *chosen;          /* HsTrackedClass; empty: every class */
  gboolean        stacked;
  int             marked_sample;

  /* Copied from the tracker (rebuild_series). */
  GPtrArray      *series;          /* Series */
  guint           n_grid;
  guint          *grid_samples;    /* every sample a shown class has a point at */
  double         *grid_times;
  double         *total_active;    /* the shown classes together, per grid point */
  double         *total_size;
  gboolean        has_range;
  double          start;
  double          end;

  /* Laid out for the allocated size (update_layout). */
  int             width;
  int             height;
  double          plot_left;
  double          plot_right;
  graphene_rect_t plots[2];        /* active instances, total size */
  double          tops[2];         /* the value at each plot's top edge */
  char          **ticks[2];

  GskRenderNode  *cached;
  int             hover_index;     /* grid index, or -1 */
  char           *hover_text;
};

G_DEFINE_FINAL_TYPE (HsClassChart, hs_class_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TRACKER,
  PROP_STACKED,
  PROP_PLOT_LEFT,
  PROP_PLOT_RIGHT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

enum {
  SAMPLE_ACTIVATED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

enum { PANEL_ACTIVE, PANEL_SIZE };

/* The Adwaita palette's strong colours, in an order where neighbours differ. */
void
hs_class_chart_color (gint64   class_index,
                      GdkRGBA *color)
{
  static const GdkRGBA palette[] = {
    { 0.208, 0.518, 0.894, 1 },  /* blue 3 */
    { 0.902, 0.380, 0.000, 1 },  /* orange 4 */
    { 0.180, 0.761, 0.494, 1 },  /* green 4 */
    { 0.569, 0.255, 0.675, 1 },  /* purple 3 */
    { 0.878, 0.106, 0.141, 1 },  /* red 3 */
    { 0.961, 0.761, 0.067, 1 },  /* yellow 4 */
    { 0.596, 0.416, 0.267, 1 },  /* brown 3 */
    { 0.110, 0.443, 0.847, 1 },  /* blue 5 */
    { 0.200, 0.820, 0.478, 1 },  /* green 3 */
    { 0.753, 0.110, 0.157, 1 },  /* red 4 */
  };

  g_return_if_fail (color != NULL);

  *color = palette[(guint64) MAX (class_index - 1, 0) % G_N_ELEMENTS (palette)];
}

void
hs_chart_decimate (const double  *times,
                   const double  *values,
                   guint          n_points,
                   double         start,
                   double         end,
                   HsChartColumn *columns,
                   guint          n_columns)
{
  double span = end - start;

  g_return_if_fail (columns != NULL || n_columns == 0);
  g_return_if_fail ((times != NULL && values != NULL) || n_points == 0);

  memset (columns, 0, n_columns * sizeof *columns);
  if (n_columns == 0 || !(span > 0))
    return;
  for (guint i = 0; i < n_points; i++)
    {
      double position = (times[i] - start) / span * n_columns;
      HsChartColumn *column;
      guint c;

      if (!(position >= 0) || position > n_columns)
        continue;
      c = MIN ((guint) position, n_columns - 1);
      column = &columns[c];
      if (!column->any)
        {
          column->first = column->min = column->max = values[i];
          column->any = TRUE;
        }
      column->min = MIN (column->min, values[i]);
      column->max = MAX (column->max, values[i]);
      column->last = values[i];
    }
}

gboolean
hs_class_chart_time_range (HsClassTracker *tracker,
                           double         *start,
                           double         *end)
{
  GListModel *classes;
  gboolean any = FALSE;

  g_return_val_if_fail (tracker == NULL || HS_IS_CLASS_TRACKER (tracker), FALSE);
  g_return_val_if_fail (start != NULL && end != NULL, FALSE);

  *start = 0;
  *end = 1;
  if (tracker == NULL)
    return FALSE;
  classes = hs_class_tracker_get_classes (tracker);
  for (guint i = 0; i < g_list_model_get_n_items (classes); i++)
    {
      g_autoptr(HsTrackedClass) tracked = g_list_model_get_item (classes, i);
      guint n_points;
      const HsClassPoint *points = hs_tracked_class_get_points (tracked, &n_points);

      if (n_points == 0)
        continue;
      if (!any || points[0].time < *start)
        *start = points[0].time;
      if (!any || points[n_points - 1].time > *end)
        *end = points[n_points - 1].time;
      any = TRUE;
    }
  /* One sample is drawn in the middle of a second. */
  if (any && !(*end > *start))
    {
      *start = MAX (*start - 0.5, 0);
      *end = *start + 1;
    }
  return any;
}

static void
series_free (gpointer data)
{
  Series *series = data;

  g_clear_object (&series->tracked);
  g_free (series->times);
  g_free (series->active);
  g_free (series->size);
  g_free (series->grid_active);
  g_free (series->grid_size);
  g_free (series);
}

static void
clear_series (HsClassChart *self)
{
  g_ptr_array_set_size (self->series, 0);
  g_clear_pointer (&self->grid_samples, g_free);
  g_clear_pointer (&self->grid_times, g_free);
  g_clear_pointer (&self->total_active, g_free);
  g_clear_pointer (&self->total_size, g_free);
  self->n_grid = 0;
}

static Series *
series_new (HsTrackedClass *tracked)
{
  Series *series = g_new0 (Series, 1);
  const HsClassPoint *points = hs_tracked_class_get_points (tracked, &series->n_points);

  series->tracked = g_object_ref (tracked);
  hs_class_chart_color (hs_tracked_class_get_index (tracked), &series->color);
  series->times = g_new (double, MAX (series->n_points, 1));
  series->active = g_new (double, MAX (series->n_points, 1));
  series->size = g_new (double, MAX (series->n_points, 1));
  for (guint i = 0; i < series->n_points; i++)
    {
      series->times[i] = points[i].time;
      series->active[i] = points[i].active;
      series->size[i] = points[i].size;
    }
  return series;
}

/* The samples any shown class has a point at, in order, and every series'
 * values on them. */
static void
build_grid (HsClassChart *self)
{
  g_autofree int *grid_of_sample = NULL;
  g_autofree double *time_of_sample = NULL;
  guint n_samples = 0;

  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      guint n_points;
      const HsClassPoint *points = hs_tracked_class_get_points (series->tracked, &n_points);

      for (guint i = 0; i < n_points; i++)
        n_samples = MAX (n_samples, points[i].sample + 1);
    }
  grid_of_sample = g_new (int, MAX (n_samples, 1));
  time_of_sample = g_new0 (double, MAX (n_samples, 1));
  for (guint i = 0; i < n_samples; i++)
    grid_of_sample[i] = -1;
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      guint n_points;
      const HsClassPoint *points = hs_tracked_class_get_points (series->tracked, &n_points);

      for (guint i = 0; i < n_points; i++)
        {
          grid_of_sample[points[i].sample] = 0;
          time_of_sample[points[i].sample] = points[i].time;
        }
    }
  self->grid_samples = g_new (guint, MAX (n_samples, 1));
  self->grid_times = g_new (double, MAX (n_samples, 1));
  for (guint i = 0; i < n_samples; i++)
    if (grid_of_sample[i] == 0)
      {
        grid_of_sample[i] = self->n_grid;
        self->grid_samples[self->n_grid] = i;
        self->grid_times[self->n_grid] = time_of_sample[i];
        self->n_grid++;
      }

  self->total_active = g_new0 (double, MAX (self->n_grid, 1));
  self->total_size = g_new0 (double, MAX (self->n_grid, 1));
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      guint n_points;
      const HsClassPoint *points = hs_tracked_class_get_points (series->tracked, &n_points);

      series->grid_active = g_new0 (double, MAX (self->n_grid, 1));
      series->grid_size = g_new0 (double, MAX (self->n_grid, 1));
      for (guint i = 0; i < n_points; i++)
        {
          int g = grid_of_sample[points[i].sample];

          series->grid_active[g] = points[i].active;
          series->grid_size[g] = points[i].size;
          self->total_active[g] += points[i].active;
          self->total_size[g] += points[i].size;
        }
    }
}

static void update_layout (HsClassChart *self);

static void
invalidate_picture (HsClassChart *self)
{
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
rebuild_series (HsClassChart *self)
{
  clear_series (self);
  self->has_range = hs_class_chart_time_range (self->tracker, &self->start, &self->end);
  if (self->tracker != NULL && self->chosen->len > 0)
    {
      for (guint i = 0; i < self->chosen->len; i++)
        g_ptr_array_add (self->series, series_new (g_ptr_array_index (self->chosen, i)));
    }
  else if (self->tracker != NULL)
    {
      GListModel *classes = hs_class_tracker_get_classes (self->tracker);

      for (guint i = 0; i < g_list_model_get_n_items (classes); i++)
        {
          g_autoptr(HsTrackedClass) tracked = g_list_model_get_item (classes, i);

          g_ptr_array_add (self->series, series_new (tracked));
        }
    }
  build_grid (self);
  self->hover_index = -1;
  g_clear_pointer (&self->hover_text, g_free);
  update_layout (self);
  invalidate_picture (self);
}

static void
on_tracker_changed (HsClassTracker *tracker,
                    HsClassChart   *self)
{
  rebuild_series (self);
}

/* Value axis: round steps from 0 to at least the largest value. */
static char **
count_axis (double  max_count,
            double *top)
{
  double step = MAX (1, hs_format_nice_step (MAX (max_count, 1), VALUE_TICKS));
  guint n = (guint) MAX (1, ceil (MAX (max_count, 1) / step - 1e-9));
  char **labels = g_new0 (char *, n + 2);

  for (guint i = 0; i <= n; i++)
    labels[i] = hs_format_count ((gint64) (i * step));
  *top = n * step;
  return labels;
}

static double
largest_value (HsClassChart *self,
               guint         panel)
{
  double largest = 0;

  if (self->stacked)
    {
      const double *totals = panel == PANEL_ACTIVE ? self->total_active : self->total_size;

      for (guint g = 0; g < self->n_grid; g++)
        largest = MAX (largest, totals[g]);
      return largest;
    }
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      const double *values = panel == PANEL_ACTIVE ? series->active : series->size;

      for (guint i = 0; i < series->n_points; i++)
        largest = MAX (largest, values[i]);
    }
  return largest;
}

static double
widest_text (PangoLayout  *layout,
             char        **texts)
{
  int widest = 0;

  for (guint i = 0; texts[i] != NULL; i++)
    {
      int text_w, text_h;

      pango_layout_set_text (layout, texts[i], -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      widest = MAX (widest, text_w);
    }
  return widest;
}

/* The axes and plots for the allocated size; a view lined up below follows
 * plot-left and plot-right. */
static void
update_layout (HsClassChart *self)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  double old_left = self->plot_left;
  double old_right = self->plot_right;
  double plot_h;

  for (guint p = 0; p < 2; p++)
    g_clear_pointer (&self->ticks[p], g_strfreev);
  self->ticks[PANEL_ACTIVE] = count_axis (largest_value (self, PANEL_ACTIVE), &self->tops[PANEL_ACTIVE]);
  self->ticks[PANEL_SIZE] = hs_format_byte_axis (largest_value (self, PANEL_SIZE), VALUE_TICKS,
                                                 &self->tops[PANEL_SIZE]);
  self->plot_left = MAX (MARGIN_LEFT_MIN,
                         ceil (MAX (widest_text (layout, self->ticks[0]), widest_text (layout, self->ticks[1]))) + 16);
  self->plot_right = MAX (self->width - MARGIN_RIGHT, self->plot_left + 10);
  plot_h = MAX ((self->height - 2 * PANEL_TITLE - PANEL_GAP - AXIS_LABELS) / 2, 10);
  self->plots[PANEL_ACTIVE] = GRAPHENE_RECT_INIT (self->plot_left, PANEL_TITLE,
                                                  self->plot_right - self->plot_left, plot_h);
  self->plots[PANEL_SIZE] = GRAPHENE_RECT_INIT (self->plot_left, 2 * PANEL_TITLE + PANEL_GAP + plot_h,
                                                self->plot_right - self->plot_left, plot_h);
  if (old_left != self->plot_left)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PLOT_LEFT]);
  if (old_right != self->plot_right)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PLOT_RIGHT]);
}

double
hs_class_chart_x_for_time (HsClassChart *self,
                           double        time)
{
  g_return_val_if_fail (HS_IS_CLASS_CHART (self), 0);

  return self->plot_left + (time - self->start) / (self->end - self->start) * (self->plot_right - self->plot_left);
}

static double
y_for_value (HsClassChart *self,
             guint         panel,
             double        value)
{
  const graphene_rect_t *plot = &self->plots[panel];

  return plot->origin.y + plot->size.height - value / MAX (self->tops[panel], 1) * plot->size.height;
}

static void
set_source_alpha (cairo_t       *cr,
                  const GdkRGBA *color,
                  double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
draw_axes (HsClassChart  *self,
           cairo_t       *cr,
           PangoLayout   *layout,
           const GdkRGBA *foreground)
{
  const char *titles[] = { _("Active Instances"), _("Total Size") };

  cairo_set_line_width (cr, 1);
  for (guint p = 0; p < 2; p++)
    {
      const graphene_rect_t *plot = &self->plots[p];
      guint n_ticks = g_strv_length (self->ticks[p]);

      set_source_alpha (cr, foreground, 0.8);
      pango_layout_set_text (layout, titles[p], -1);
      cairo_move_to (cr, plot->origin.x, plot->origin.y - PANEL_TITLE + 2);
      pango_cairo_show_layout (cr, layout);
      for (guint i = 0; i < n_ticks; i++)
        {
          double y = floor (plot->origin.y + plot->size.height -
                            (double) i / MAX (n_ticks - 1, 1) * plot->size.height) + 0.5;
          int text_w, text_h;

          set_source_alpha (cr, foreground, 0.12);
          cairo_move_to (cr, plot->origin.x, y);
          cairo_line_to (cr, plot->origin.x + plot->size.width, y);
          cairo_stroke (cr);
          pango_layout_set_text (layout, self->ticks[p][i], -1);
          pango_layout_get_pixel_size (layout, &text_w, &text_h);
          set_source_alpha (cr, foreground, 0.6);
          cairo_move_to (cr, plot->origin.x - 8 - text_w, y - text_h / 2.0);
          pango_cairo_show_layout (cr, layout);
        }
    }

  if (self->has_range)
    hs_chart_draw_time_axis (cr, layout, foreground, self->start, self->end, self->plot_left, self->plot_right,
                             self->plots[PANEL_SIZE].origin.y + self->plots[PANEL_SIZE].size.height + 6,
                             self->width);
}

/* Side by side: each class from 0, a line through its columns' extremes. */
static void
draw_lines (HsClassChart  *self,
            cairo_t       *cr,
            guint          panel,
            HsChartColumn *columns,
            guint          n_columns)
{
  const graphene_rect_t *plot = &self->plots[panel];
  double column_w = plot->size.width / n_columns;

  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      gboolean started = FALSE;
      double last_y = NAN;

      hs_chart_decimate (series->times, panel == PANEL_ACTIVE ? series->active : series->size,
                         series->n_points, self->start, self->end, columns, n_columns);
      for (guint c = 0; c < n_columns; c++)
        {
          double x = plot->origin.x + (c + 0.5) * column_w;
          double ys[4];

          if (!columns[c].any)
            continue;
          ys[0] = y_for_value (self, panel, columns[c].first);
          ys[1] = y_for_value (self, panel, columns[c].min);
          ys[2] = y_for_value (self, panel, columns[c].max);
          ys[3] = y_for_value (self, panel, columns[c].last);
          for (guint k = 0; k < 4; k++)
            {
              if (!started)
                cairo_move_to (cr, x, ys[k]);
              else if (ys[k] != last_y || k == 0)
                cairo_line_to (cr, x, ys[k]);
              started = TRUE;
              last_y = ys[k];
            }
        }
      if (series->n_points == 1)
        cairo_rel_line_to (cr, 1, 0);
      gdk_cairo_set_source_rgba (cr, &series->color);
      cairo_stroke (cr);
    }
}

/* The grid points drawn when stacked: all of them when they fit, else, per
 * pixel column, the one where the classes shown are largest together. */
static guint
stacked_points (HsClassChart *self,
                guint         panel,
                guint        *chosen,
                guint         n_columns)
{
  const double *totals = panel == PANEL_ACTIVE ? self->total_active : self->total_size;
  double span = self->end - self->start;
  int last_column = -1;
  guint n = 0;

  for (guint g = 0; g < self->n_grid; g++)
    {
      int column = self->n_grid <= n_columns ? (int) g
        : (int) MIN ((self->grid_times[g] - self->start) / span * n_columns, n_columns - 1);

      if (column != last_column)
        {
          chosen[n++] = g;
          last_column = column;
        }
      else if (totals[g] > totals[chosen[n - 1]])
        chosen[n - 1] = g;
    }
  return n;
}

/* Stacked: each class a band on top of the ones before it. */
static void
draw_stacked (HsClassChart *self,
              cairo_t      *cr,
              guint         panel,
              guint         n_columns)
{
  g_autofree guint *chosen = g_new (guint, MAX (MIN (self->n_grid, n_columns + 1), 1));
  guint n = stacked_points (self, panel, chosen, n_columns);
  g_autofree double *below = g_new0 (double, MAX (n, 1));
  g_autofree double *above = g_new0 (double, MAX (n, 1));
  g_autofree double *xs = g_new (double, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    xs[i] = hs_class_chart_x_for_time (self, self->grid_times[chosen[i]]);
  cairo_set_line_width (cr, 1);
  for (guint s = 0; s < self->series->len && n > 0; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      const double *values = panel == PANEL_ACTIVE ? series->grid_active : series->grid_size;

      for (guint i = 0; i < n; i++)
        {
          below[i] = above[i];
          above[i] += values[chosen[i]];
        }
      cairo_move_to (cr, xs[0], y_for_value (self, panel, above[0]));
      for (guint i = 1; i < n; i++)
        cairo_line_to (cr, xs[i], y_for_value (self, panel, above[i]));
      if (n == 1)
        cairo_rel_line_to (cr, 1, 0);
      for (guint i = n; i-- > 0;)
        cairo_line_to (cr, xs[i] + (n == 1 ? 1 : 0), y_for_value (self, panel, below[i]));
      cairo_close_path (cr);
      set_source_alpha (cr, &series->color, 0.55);
      cairo_fill (cr);

      cairo_move_to (cr, xs[0], y_for_value (self, panel, above[0]));
      for (guint i = 1; i < n; i++)
        cairo_line_to (cr, xs[i], y_for_value (self, panel, above[i]));
      gdk_cairo_set_source_rgba (cr, &series->color);
      cairo_stroke (cr);
    }
}

/* A dashed line through both plots at the sample of grid point @g. */
static double
draw_sample_rule (HsClassChart  *self,
                  cairo_t       *cr,
                  guint          g,
                  const GdkRGBA *foreground,
                  double         alpha,
                  const double   dashes[2])
{
  double x = floor (hs_class_chart_x_for_time (self, self->grid_times[g])) + 0.5;

  set_source_alpha (cr, foreground, alpha);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, dashes, 2, 0);
  for (guint p = 0; p < 2; p++)
    {
      cairo_move_to (cr, x, self->plots[p].origin.y);
      cairo_line_to (cr, x, self->plots[p].origin.y + self->plots[p].size.height);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  return x;
}

static void
draw_marked_sample (HsClassChart  *self,
                    cairo_t       *cr,
                    const GdkRGBA *foreground)
{
  static const double dashes[] = { 4, 3 };

  if (self->marked_sample < 0 || self->tracker == NULL)
    return;
  for (guint g = 0; g < self->n_grid; g++)
    if (self->grid_samples[g] == (guint) self->marked_sample)
      {
        draw_sample_rule (self, cr, g, foreground, 0.55, dashes);
        return;
      }
}

/* The snapshots taken while classes were tracked: a dashed line through both
 * plots, the label above the first where it does not run into another. */
static void
draw_snapshot_markers (HsClassChart  *self,
                       cairo_t       *cr,
                       PangoLayout   *layout,
                       const GdkRGBA *foreground)
{
  static const double dashes[] = { 2, 3 };
  double label_end = -G_MAXDOUBLE;

  if (self->tracker == NULL || !self->has_range)
    return;
  for (guint g = 0; g < self->n_grid; g++)
    {
      const char *label = hs_class_tracker_get_sample_label (self->tracker, self->grid_samples[g]);
      double x;
      int text_w, text_h;

      if (label == NULL)
        continue;
      x = draw_sample_rule (self, cr, g, foreground, 0.35, dashes);
      pango_layout_set_text (layout, *label != '\0' ? label : _("snapshot"), -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      if (x + 3 > label_end && x + 3 + text_w <= self->plot_right)
        {
          set_source_alpha (cr, foreground, 0.7);
          cairo_move_to (cr, x + 3, self->plots[0].origin.y + 1);
          pango_cairo_show_layout (cr, layout);
          label_end = x + 3 + text_w + 6;
        }
    }
}

/* The shown classes' names, top right, when they fit right of the first
 * title; else how many there are (the table gives their colours). */
static void
draw_legend (HsClassChart  *self,
             cairo_t       *cr,
             PangoLayout   *layout,
             const GdkRGBA *foreground)
{
  double left_limit = self->plot_left + 160;
  double x = self->plot_right;
  double needed = 0;
  int text_w, text_h;

  for (guint s = 0; s < self->series->len; s++)
    {
      pango_layout_set_text (layout, hs_tracked_class_get_name (((Series *) g_ptr_array_index (self->series, s))->tracked), -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      needed += text_w + 28;
    }
  if (self->series->len == 0)
    return;
  if (self->plot_right - needed < left_limit)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u class", "%u classes",
                                                            self->series->len), self->series->len);

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      set_source_alpha (cr, foreground, 0.6);
      cairo_move_to (cr, self->plot_right - text_w, 2);
      pango_cairo_show_layout (cr, layout);
      return;
    }
  for (guint s = self->series->len; s-- > 0;)
    {
      Series *series = g_ptr_array_index (self->series, s);

      pango_layout_set_text (layout, hs_tracked_class_get_name (series->tracked), -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      x -= text_w;
      set_source_alpha (cr, foreground, 0.8);
      cairo_move_to (cr, x, 2);
      pango_cairo_show_layout (cr, layout);
      x -= 14;
      gdk_cairo_set_source_rgba (cr, &series->color);
      cairo_rectangle (cr, x, 2 + text_h / 2.0 - 4, 8, 8);
      cairo_fill (cr);
      x -= 14;
    }
}

static void
draw_picture (gpointer  data,
              cairo_t  *cr)
{
  HsClassChart *self = data;
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  guint n_columns = (guint) MAX (1, self->plot_right - self->plot_left);
  g_autofree HsChartColumn *columns = g_new (HsChartColumn, n_columns);
  GdkRGBA foreground;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &foreground);
  G_GNUC_END_IGNORE_DEPRECATIONS
  pango_cairo_update_layout (cr, layout);
  draw_axes (self, cr, layout, &foreground);
  for (guint p = 0; p < 2 && self->has_range; p++)
    {
      const graphene_rect_t *plot = &self->plots[p];

      cairo_save (cr);
      cairo_rectangle (cr, plot->origin.x - 2, plot->origin.y - 2, plot->size.width + 4, plot->size.height + 4);
      cairo_clip (cr);
      if (self->stacked)
        draw_stacked (self, cr, p, n_columns);
      else
        draw_lines (self, cr, p, columns, n_columns);
      cairo_restore (cr);
    }
  draw_snapshot_markers (self, cr, layout, &foreground);
  draw_marked_sample (self, cr, &foreground);
  draw_legend (self, cr, layout, &foreground);
}

GskRenderNode *
hs_chart_render_picture (GtkWidget       *widget,
                         int              width,
                         int              height,
                         HsChartDrawFunc  draw,
                         gpointer         data)
{
  int scale = gtk_widget_get_scale_factor (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderNode *node;
  cairo_t *cr;

  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  draw (data, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (native != NULL && GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (native)))
    {
      /* GTK 4.8's cairo renderer copies a texture's pixels into a new
       * surface on every frame it draws it; a cairo node that paints the
       * finished image is one blit. */
      node = gsk_cairo_node_new (&bounds);
      cr = gsk_cairo_node_get_draw_context (node);
      cairo_set_source_surface (cr, surface, 0, 0);
      /* Scaled only while a zoom settles (GL filters textures so too) */
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
      cairo_paint (cr);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
      return node;
    }
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * height * scale,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  texture = gdk_memory_texture_new (width * scale, height * scale, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  return gsk_texture_node_new (texture, &bounds);
}

void
hs_chart_draw_time_axis (cairo_t       *cr,
                         PangoLayout   *layout,
                         const GdkRGBA *foreground,
                         double         start,
                         double         end,
                         double         left,
                         double         right,
                         double         y,
                         double         width)
{
  double step = hs_format_nice_step (end - start, MAX (2, (int) ((right - left) / 90)));
  double right_end = -G_MAXDOUBLE;

  if (!(end > start) || !(right > left))
    return;
  for (double t = ceil (start / step - 1e-9) * step; t <= end + step / 100; t += step)
    {
      double x = left + (t - start) / (end - start) * (right - left);
      /* Not "-0 s": a step's multiple that is all but 0 is 0. */
      g_autofree char *text = g_strdup_printf (_("%g s"), fabs (t) < step / 1000 ? 0.0 : t);
      int text_w, text_h;

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      x = CLAMP (x - text_w / 2.0, 0, width - text_w);
      if (x < right_end + 8)
        continue;
      right_end = x + text_w;
      cairo_set_source_rgba (cr, foreground->red, foreground->green, foreground->blue, foreground->alpha * 0.6);
      cairo_move_to (cr, x, y);
      pango_cairo_show_layout (cr, layout);
    }
}

/* The hover: a line, a dot per class, a label; only these are drawn per frame. */
static void
snapshot_hover (HsClassChart *self,
                GtkSnapshot  *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double x = floor (hs_class_chart_x_for_time (self, self->grid_times[self->hover_index]));
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, self->hover_text);
  GdkRGBA foreground;
  GdkRGBA line;
  int text_w, text_h;
  double box_x, box_y;
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &foreground);
  G_GNUC_END_IGNORE_DEPRECATIONS
  line = foreground;
  line.alpha *= 0.7;
  for (guint p = 0; p < 2; p++)
    gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (x, self->plots[p].origin.y,
                                                                      1, self->plots[p].size.height));

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 4, 0, 9, self->height));
  for (guint p = 0; p < 2; p++)
    {
      double stacked_value = 0;

      for (guint s = 0; s < self->series->len; s++)
        {
          Series *series = g_ptr_array_index (self->series, s);
          double value = (p == PANEL_ACTIVE ? series->grid_active : series->grid_size)[self->hover_index];

          stacked_value += value;
          cairo_arc (cr, x + 0.5, y_for_value (self, p, self->stacked ? stacked_value : value), 3, 0, 2 * G_PI);
          gdk_cairo_set_source_rgba (cr, &series->color);
          cairo_fill (cr);
        }
    }
  cairo_destroy (cr);

  pango_layout_get_pixel_size (layout, &text_w, &text_h);
  box_x = x + 12 + text_w + 16 > self->width ? x - 12 - text_w - 16 : x + 12;
  box_y = self->plots[PANEL_ACTIVE].origin.y + 4;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (box_x - 1, box_y - 1, text_w + 18, text_h + 14));
  cairo_rectangle (cr, box_x + 0.5, box_y + 0.5, text_w + 16, text_h + 12);
  cairo_set_source_rgba (cr, 1 - foreground.red, 1 - foreground.green, 1 - foreground.blue, 0.92);
  cairo_fill_preserve (cr);
  set_source_alpha (cr, &foreground, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  set_source_alpha (cr, &foreground, 1);
  cairo_move_to (cr, box_x + 8, box_y + 6);
  pango_cairo_show_layout (cr, layout);
  cairo_destroy (cr);
}

static void
hs_class_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  HsClassChart *self = HS_CLASS_CHART (widget);

  if (self->width <= 0 || self->height <= 0)
    return;
  if (self->cached == NULL)
    self->cached = hs_chart_render_picture (widget, self->width, self->height, draw_picture, self);
  gtk_snapshot_append_node (snapshot, self->cached);
  if (self->hover_index >= 0 && self->hover_index < (int) self->n_grid && self->hover_text != NULL)
    snapshot_hover (self, snapshot);
}

static void
hs_class_chart_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  HsClassChart *self = HS_CLASS_CHART (widget);

  if (width == self->width && height == self->height && self->cached != NULL)
    return;
  self->width = width;
  self->height = height;
  update_layout (self);
  g_clear_pointer (&self->cached, gsk_render_node_unref);
}

static void
hs_class_chart_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (hs_class_chart_parent_class)->css_changed (widget, change);
  invalidate_picture (HS_CLASS_CHART (widget));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           HsClassChart             *self)
{
  hs_class_chart_hover (self, x);
}

static void
on_leave (GtkEventControllerMotion *controller,
          HsClassChart             *self)
{
  hs_class_chart_unhover (self);
}

static void
on_released (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             HsClassChart    *self)
{
  hs_class_chart_activate_at (self, x);
}

/* Left and Right step through the samples, as clicking them does. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HsClassChart          *self)
{
  int step = keyval == GDK_KEY_Left ? -1 : keyval == GDK_KEY_Right ? 1 : 0;
  int g = -1;

  if (step == 0 || self->n_grid == 0)
    return FALSE;
  for (guint i = 0; i < self->n_grid; i++)
    if ((int) self->grid_samples[i] == self->marked_sample)
      g = i;
  g = g < 0 ? (step > 0 ? 0 : (int) self->n_grid - 1) : CLAMP (g + step, 0, (int) self->n_grid - 1);
  hs_class_chart_activate_at (self, hs_class_chart_x_for_time (self, self->grid_times[g]));
  return TRUE;
}

static void
hs_class_chart_dispose (GObject *object)
{
  HsClassChart *self = (HsClassChart *) object;

  hs_class_chart_set_tracker (self, NULL);
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  G_OBJECT_CLASS (hs_class_chart_parent_class)->dispose (object);
}

static void
hs_class_chart_finalize (GObject *object)
{
  HsClassChart *self = (HsClassChart *) object;

  clear_series (self);
  g_ptr_array_unref (self->series);
  g_ptr_array_unref (self->chosen);
  for (guint p = 0; p < 2; p++)
    g_strfreev (self->ticks[p]);
  g_free (self->hover_text);
  G_OBJECT_CLASS (hs_class_chart_parent_class)->finalize (object);
}

static void
hs_class_chart_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HsClassChart *self = HS_CLASS_CHART (object);

  switch (prop_id)
    {
    case PROP_TRACKER:
      g_value_set_object (value, self->tracker);
      break;
    case PROP_STACKED:
      g_value_set_boolean (value, self->stacked);
      break;
    case PROP_PLOT_LEFT:
      g_value_set_double (value, self->plot_left);
      break;
    case PROP_PLOT_RIGHT:
      g_value_set_double (value, self->plot_right);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_class_chart_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HsClassChart *self = HS_CLASS_CHART (object);

  switch (prop_id)
    {
    case PROP_TRACKER:
      hs_class_chart_set_tracker (self, g_value_get_object (value));
      break;
    case PROP_STACKED:
      hs_class_chart_set_stacked (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_class_chart_class_init (HsClassChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_class_chart_dispose;
  object_class->finalize = hs_class_chart_finalize;
  object_class->get_property = hs_class_chart_get_property;
  object_class->set_property = hs_class_chart_set_property;
  widget_class->snapshot = hs_class_chart_snapshot;
  widget_class->size_allocate = hs_class_chart_size_allocate;
  widget_class->css_changed = hs_class_chart_css_changed;
  gtk_widget_class_set_css_name (widget_class, "hsclasschart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  properties [PROP_TRACKER] =
    g_param_spec_object ("tracker", NULL, NULL, HS_TYPE_CLASS_TRACKER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Each class on top of the ones before it, or each from 0. */
  properties [PROP_STACKED] =
    g_param_spec_boolean ("stacked", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_PLOT_LEFT] =
    g_param_spec_double ("plot-left", NULL, NULL, 0, G_MAXDOUBLE, MARGIN_LEFT_MIN,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_PLOT_RIGHT] =
    g_param_spec_double ("plot-right", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HsClassChart::sample-activated:
   * @sample: the position in the session of the sample clicked (the nearest one)
   */
  signals [SAMPLE_ACTIVATED] =
    g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
hs_class_chart_init (HsClassChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->chosen = g_ptr_array_new_with_free_func (g_object_unref);
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->stacked = TRUE;
  self->marked_sample = -1;
  self->hover_index = -1;
  self->plot_left = MARGIN_LEFT_MIN;

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 300, 220);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Tracked classes over time"), -1);
  build_grid (self);
}

GtkWidget *
hs_class_chart_new (void)
{
  return g_object_new (HS_TYPE_CLASS_CHART, NULL);
}

void
hs_class_chart_set_tracker (HsClassChart   *self,
                            HsClassTracker *tracker)
{
  g_return_if_fail (HS_IS_CLASS_CHART (self));
  g_return_if_fail (tracker == NULL || HS_IS_CLASS_TRACKER (tracker));

  if (self->tracker == tracker)
    return;
  if (self->tracker != NULL)
    g_clear_signal_handler (&self->changed_handler, self->tracker);
  g_ptr_array_set_size (self->chosen, 0);
  g_set_object (&self->tracker, tracker);
  if (tracker != NULL)
    self->changed_handler = g_signal_connect (tracker, "changed", G_CALLBACK (on_tracker_changed), self);
  self->marked_sample = -1;
  rebuild_series (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TRACKER]);
}

HsClassTracker *
hs_class_chart_get_tracker (HsClassChart *self)
{
  g_return_val_if_fail (HS_IS_CLASS_CHART (self), NULL);
  return self->tracker;
}

void
hs_class_chart_set_classes (HsClassChart    *self,
                            HsTrackedClass **classes,
                            guint            n_classes)
{
  g_return_if_fail (HS_IS_CLASS_CHART (self));

  g_ptr_array_set_size (self->chosen, 0);
  for (guint i = 0; i < n_classes; i++)
    g_ptr_array_add (self->chosen, g_object_ref (classes[i]));
  rebuild_series (self);
}

void
hs_class_chart_set_stacked (HsClassChart *self,
                            gboolean      stacked)
{
  g_return_if_fail (HS_IS_CLASS_CHART (self));

  stacked = !!stacked;
  if (self->stacked == stacked)
    return;
  self->stacked = stacked;
  update_layout (self);
  invalidate_picture (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STACKED]);
}

gboolean
hs_class_chart_get_stacked (HsClassChart *self)
{
  g_return_val_if_fail (HS_IS_CLASS_CHART (self), FALSE);
  return self->stacked;
}

void
hs_class_chart_set_marked_sample (HsClassChart *self,
                                  int           sample)
{
  g_return_if_fail (HS_IS_CLASS_CHART (self));

  if (self->marked_sample == sample)
    return;
  self->marked_sample = sample;
  invalidate_picture (self);
}

double
hs_class_chart_get_plot_left (HsClassChart *self)
{
  g_return_val_if_fail (HS_IS_CLASS_CHART (self), 0);
  return self->plot_left;
}

double
hs_class_chart_get_plot_right (HsClassChart *self)
{
  g_return_val_if_fail (HS_IS_CLASS_CHART (self), 0);
  return self->plot_right;
}

static int
nearest_grid_point (HsClassChart *self,
                    double        x)
{
  double time;
  guint low = 0;
  guint high;

  if (self->n_grid == 0 || self->plot_right <= self->plot_left)
    return -1;
  time = self->start + (x - self->plot_left) / (self->plot_right - self->plot_left) * (self->end - self->start);
  high = self->n_grid - 1;
  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (self->grid_times[middle] < time)
        low = middle + 1;
      else
        high = middle;
    }
  if (low > 0 && time - self->grid_times[low - 1] <= self->grid_times[low] - time)
    low--;
  return (int) low;
}

gboolean
hs_class_chart_value_at (HsClassChart    *self,
                         double           x,
                         HsClassChartHit *hit)
{
  int g;

  g_return_val_if_fail (HS_IS_CLASS_CHART (self), FALSE);
  g_return_val_if_fail (hit != NULL, FALSE);

  if ((g = nearest_grid_point (self, x)) < 0)
    return FALSE;
  hit->sample = self->grid_samples[g];
  hit->time = self->grid_times[g];
  hit->active = (gint64) self->total_active[g];
  hit->size = (gint64) self->total_size[g];
  return TRUE;
}

static gint
compare_by_size_at (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  int g = GPOINTER_TO_INT (user_data);
  const Series *first = *(Series * const *) a;
  const Series *second = *(Series * const *) b;

  return (second->grid_size[g] > first->grid_size[g]) - (second->grid_size[g] < first->grid_size[g]);
}

/* "At 12.5 s", then the largest classes there: "Node: 120 instances, 14 KB". */
static char *
describe_grid_point (HsClassChart *self,
                     int           g)
{
  g_autoptr(GPtrArray) order = g_ptr_array_sized_new (self->series->len);
  g_autofree char *time = hs_format_duration (self->grid_times[g]);
  GString *text = g_string_new (NULL);
  guint n_shown = 0;

  g_string_append_printf (text, _("At %s"), time);
  for (guint s = 0; s < self->series->len; s++)
    g_ptr_array_add (order, g_ptr_array_index (self->series, s));
  g_ptr_array_sort_with_data (order, compare_by_size_at, GINT_TO_POINTER (g));
  for (guint s = 0; s < order->len; s++)
    {
      Series *series = g_ptr_array_index (order, s);
      g_autofree char *count = hs_format_count ((gint64) series->grid_active[g]);
      g_autofree char *bytes = hs_format_bytes ((gint64) series->grid_size[g]);

      if (n_shown == MAX_HOVER_LINES)
        {
          guint rest = order->len - s;

          g_string_append_c (text, '\n');
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "and %u more class",
                                                     "and %u more classes", rest), rest);
          break;
        }
      g_string_append_c (text, '\n');
      /* Translators: a class at one time: its name, its active instances and their size */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s: %s instance, %s", "%s: %s instances, %s",
                                                 (gulong) series->grid_active[g]),
                              hs_tracked_class_get_name (series->tracked), count, bytes);
      n_shown++;
    }
  if (order->len > 1)
    {
      g_autofree char *count = hs_format_count ((gint64) self->total_active[g]);
      g_autofree char *bytes = hs_format_bytes ((gint64) self->total_size[g]);

      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Together: %s instances, %s"), count, bytes);
    }
  return g_string_free (text, FALSE);
}

void
hs_class_chart_hover (HsClassChart *self,
                      double        x)
{
  int g;

  g_return_if_fail (HS_IS_CLASS_CHART (self));

  g = nearest_grid_point (self, x);
  if (g == self->hover_index)
    return;
  self->hover_index = g;
  g_clear_pointer (&self->hover_text, g_free);
  if (g >= 0)
    self->hover_text = describe_grid_point (self, g);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hs_class_chart_unhover (HsClassChart *self)
{
  g_return_if_fail (HS_IS_CLASS_CHART (self));

  if (self->hover_index < 0)
    return;
  self->hover_index = -1;
  g_clear_pointer (&self->hover_text, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
hs_class_chart_get_hover_text (HsClassChart *self)
{
  g_return_val_if_fail (HS_IS_CLASS_CHART (self), NULL);
  return self->hover_text;
}

/* Marks the sample nearest @x and says so: the window shows it everywhere. */
void
hs_class_chart_activate_at (HsClassChart *self,
                            double        x)
{
  HsClassChartHit hit;

  g_return_if_fail (HS_IS_CLASS_CHART (self));

  if (!hs_class_chart_value_at (self, x, &hit))
    return;
  hs_class_chart_set_marked_sample (self, (int) hit.sample);
  g_signal_emit (self, signals [SAMPLE_ACTIVATED], 0, hit.sample);
}
