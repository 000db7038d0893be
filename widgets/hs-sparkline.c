/* hs-sparkline.c — a series over time, small enough for a table row: a
 * tracked class's total size, or any points given
 *
 * The points are cut into the sparkline's pixel columns as the Classes
 * chart cuts them (hs_chart_decimate): a row costs its width, not its points.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-class-chart.h"
#include "hs-sparkline.h"

struct _HsSparkline
{
  GtkWidget       parent_instance;

  HsTrackedClass *tracked;
  gulong          points_handler;
  double         *times;     /* hs_sparkline_set_points () */
  double         *values;
  guint           n_points;
};

G_DEFINE_FINAL_TYPE (HsSparkline, hs_sparkline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TRACKED_CLASS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
hs_sparkline_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  HsSparkline *self = HS_SPARKLINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  const double *times;
  const double *values;
  g_autofree double *tracked_times = NULL;
  g_autofree double *tracked_sizes = NULL;
  g_autofree HsChartColumn *columns = NULL;
  guint n_points = 0;
  double lowest = 0;
  double highest = 1;
  double range;
  gboolean started = FALSE;
  GdkRGBA color;
  cairo_t *cr;

  if (width < 2 || height < 2)
    return;
  if (self->tracked != NULL)
    {
      const HsClassPoint *points = hs_tracked_class_get_points (self->tracked, &n_points);

      tracked_times = g_new (double, MAX (n_points, 1));
      tracked_sizes = g_new (double, MAX (n_points, 1));
      for (guint i = 0; i < n_points; i++)
        {
          tracked_times[i] = points[i].time;
          tracked_sizes[i] = points[i].size;
          highest = MAX (highest, tracked_sizes[i]);
        }
      times = tracked_times;
      values = tracked_sizes;
      hs_class_chart_color (hs_tracked_class_get_index (self->tracked), &color);
    }
  else
    {
      n_points = self->n_points;
      times = self->times;
      values = self->values;
      if (n_points > 0)
        lowest = highest = values[0];
      for (guint i = 0; i < n_points; i++)
        {
          lowest = MIN (lowest, values[i]);
          highest = MAX (highest, values[i]);
        }
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
      G_GNUC_END_IGNORE_DEPRECATIONS
    }
  if (n_points == 0)
    return;
  range = highest > lowest ? highest - lowest : 1;
  columns = g_new (HsChartColumn, width);
  hs_chart_decimate (times, values, n_points, times[0],
                     n_points > 1 && times[n_points - 1] > times[0] ? times[n_points - 1] : times[0] + 1,
                     columns, width);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (int c = 0; c < width; c++)
    {
      double top = 1.5;
      double span = height - 3;

      if (!columns[c].any)
        continue;
      if (!started)
        cairo_move_to (cr, c + 0.5, top + span - (columns[c].first - lowest) / range * span);
      cairo_line_to (cr, c + 0.5, top + span - (columns[c].min - lowest) / range * span);
      cairo_line_to (cr, c + 0.5, top + span - (columns[c].max - lowest) / range * span);
      cairo_line_to (cr, c + 0.5, top + span - (columns[c].last - lowest) / range * span);
      started = TRUE;
    }
  if (n_points == 1)
    cairo_rel_line_to (cr, width - 1, 0);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
on_points_changed (HsTrackedClass *tracked,
                   GParamSpec     *pspec,
                   HsSparkline    *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
hs_sparkline_dispose (GObject *object)
{
  hs_sparkline_set_tracked_class (HS_SPARKLINE (object), NULL);
  G_OBJECT_CLASS (hs_sparkline_parent_class)->dispose (object);
}

static void
hs_sparkline_finalize (GObject *object)
{
  HsSparkline *self = HS_SPARKLINE (object);

  g_free (self->times);
  g_free (self->values);
  G_OBJECT_CLASS (hs_sparkline_parent_class)->finalize (object);
}

static void
hs_sparkline_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TRACKED_CLASS:
      g_value_set_object (value, HS_SPARKLINE (object)->tracked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_sparkline_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_TRACKED_CLASS:
      hs_sparkline_set_tracked_class (HS_SPARKLINE (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_sparkline_class_init (HsSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_sparkline_dispose;
  object_class->finalize = hs_sparkline_finalize;
  object_class->get_property = hs_sparkline_get_property;
  object_class->set_property = hs_sparkline_set_property;
  widget_class->snapshot = hs_sparkline_snapshot;
  gtk_widget_class_set_css_name (widget_class, "hssparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PRESENTATION);

  properties [PROP_TRACKED_CLASS] =
    g_param_spec_object ("tracked-class", NULL, NULL, HS_TYPE_TRACKED_CLASS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_sparkline_init (HsSparkline *self)
{
  gtk_widget_set_size_request (GTK_WIDGET (self), 80, 18);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

GtkWidget *
hs_sparkline_new (void)
{
  return g_object_new (HS_TYPE_SPARKLINE, NULL);
}

void
hs_sparkline_set_tracked_class (HsSparkline    *self,
                                HsTrackedClass *tracked)
{
  g_return_if_fail (HS_IS_SPARKLINE (self));
  g_return_if_fail (tracked == NULL || HS_IS_TRACKED_CLASS (tracked));

  if (self->tracked == tracked)
    return;
  if (self->tracked != NULL)
    g_clear_signal_handler (&self->points_handler, self->tracked);
  g_set_object (&self->tracked, tracked);
  if (tracked != NULL)
    self->points_handler = g_signal_connect (tracked, "notify::points-changed",
                                             G_CALLBACK (on_points_changed), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TRACKED_CLASS]);
}

HsTrackedClass *
hs_sparkline_get_tracked_class (HsSparkline *self)
{
  g_return_val_if_fail (HS_IS_SPARKLINE (self), NULL);
  return self->tracked;
}

void
hs_sparkline_set_points (HsSparkline  *self,
                         const double *times,
                         const double *values,
                         guint         n_points)
{
  g_return_if_fail (HS_IS_SPARKLINE (self));
  g_return_if_fail (n_points == 0 || (times != NULL && values != NULL));

  hs_sparkline_set_tracked_class (self, NULL);
  g_free (self->times);
  g_free (self->values);
  self->times = n_points > 0 ? g_memdup2 (times, sizeof (double) * n_points) : NULL;
  self->values = n_points > 0 ? g_memdup2 (values, sizeof (double) * n_points) : NULL;
  self->n_points = n_points;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
