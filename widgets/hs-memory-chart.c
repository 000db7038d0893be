/* hs-memory-chart.c — RSS and census bytes over time, with snapshot markers
 *
 * The static picture is recorded once into a render node and replayed until
 * the size or the data change, as Sysprof's charts do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "hs-format.h"
#include "hs-memory-chart.h"
#include "hs-sample.h"

#define MARGIN_LEFT_MIN 40.0
#define MARGIN_RIGHT   16.0
#define MARGIN_TOP     28.0
#define MARGIN_BOTTOM  28.0

struct _HsMemoryChart
{
  GtkWidget      parent_instance;
  GListModel    *samples;
  GskRenderNode *cached;
};

G_DEFINE_FINAL_TYPE (HsMemoryChart, hs_memory_chart, GTK_TYPE_WIDGET)

static void
invalidate (HsMemoryChart *self)
{
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Snapshot labels go in lanes: above the plot, then along its top edge. A
 * label takes the first place, right or left of its line, that overlaps no
 * label already placed in that lane; with none free, only the line is drawn. */
#define LABEL_LANES 3

typedef struct
{
  double right_end[LABEL_LANES];  /* rightmost x taken in each lane */
} LabelLanes;

static gboolean
place_label (LabelLanes *lanes,
             double      line_x,
             double      label_w,
             double      plot_x,
             double      plot_right,
             double      legend_left,
             guint      *lane_out,
             double     *x_out)
{
  for (guint lane = 0; lane < LABEL_LANES; lane++)
    {
      double limit = lane == 0 ? legend_left : plot_right;
      double candidates[] = { line_x + 3, line_x - 3 - label_w };

      for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
        {
          double x = candidates[c];

          if (x < plot_x - (lane == 0 ? MARGIN_LEFT_MIN : 0) || x + label_w > limit)
            continue;
          if (x < lanes->right_end[lane] + 6)
            continue;
          lanes->right_end[lane] = x + label_w;
          *lane_out = lane;
          *x_out = x;
          return TRUE;
        }
    }
  return FALSE;
}

static void
draw_series (cairo_t    *cr,
             GListModel *samples,
             const char *property,
             double      x0,
             double      y0,
             double      width,
             double      height,
             double      max_time,
             double      max_bytes)
{
  guint n = g_list_model_get_n_items (samples);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (samples, i);
      gint64 bytes;
      double x, y;

      g_object_get (sample, property, &bytes, NULL);
      x = x0 + (max_time > 0 ? hs_sample_get_time (sample) / max_time : 0) * width;
      y = y0 + height - (bytes / max_bytes) * height;
      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  if (n == 1)
    cairo_rel_line_to (cr, 1, 0);
  cairo_stroke (cr);
}

static void
draw_chart (HsMemoryChart *self,
            cairo_t       *cr,
            double         width,
            double         height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n = self->samples != NULL ? g_list_model_get_n_items (self->samples) : 0;
  double plot_x;
  double plot_y = MARGIN_TOP;
  double plot_w;
  double plot_h = MAX (height - MARGIN_TOP - MARGIN_BOTTOM, 10);
  double max_time = 0;
  double max_bytes = 1;
  double legend_left;
  g_auto(GStrv) ticks = NULL;
  guint n_ticks;
  double widest_label = 0;
  LabelLanes lanes;
  GdkRGBA foreground;
  PangoLayout *layout;
  const GdkRGBA rss_color = { 0.21, 0.52, 0.89, 1 };    /* Adwaita blue 3 */
  const GdkRGBA census_color = { 0.90, 0.38, 0.0, 1 };  /* Adwaita orange 4 */

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &foreground);
  layout = gtk_widget_create_pango_layout (widget, NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (self->samples, i);
      gint64 rss, bytes;

      g_object_get (sample, "rss", &rss, "bytes", &bytes, NULL);
      max_time = MAX (max_time, hs_sample_get_time (sample));
      max_bytes = MAX (max_bytes, MAX (rss, bytes));
    }
  ticks = hs_format_byte_axis (max_bytes, 4, &max_bytes);
  n_ticks = g_strv_length (ticks);

  /* The plot starts right of the widest value label, so none is cut. */
  for (guint i = 0; i < n_ticks; i++)
    {
      int text_w, text_h;

      pango_layout_set_text (layout, ticks[i], -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      widest_label = MAX (widest_label, text_w);
    }
  plot_x = MAX (MARGIN_LEFT_MIN, ceil (widest_label) + 16);
  plot_w = MAX (width - plot_x - MARGIN_RIGHT, 10);

  /* Grid and axis labels, evenly from 0 to the top. */
  cairo_set_line_width (cr, 1);
  for (guint i = 0; i < n_ticks; i++)
    {
      double y = floor (plot_y + plot_h - ((double) i / MAX (n_ticks - 1, 1)) * plot_h) + 0.5;
      int text_w, text_h;

      cairo_set_source_rgba (cr, foreground.red, foreground.green, foreground.blue, 0.12);
      cairo_move_to (cr, plot_x, y);
      cairo_line_to (cr, plot_x + plot_w, y);
      cairo_stroke (cr);

      pango_layout_set_text (layout, ticks[i], -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      cairo_set_source_rgba (cr, foreground.red, foreground.green, foreground.blue, 0.6);
      cairo_move_to (cr, plot_x - 8 - text_w, y - text_h / 2.0);
      pango_cairo_show_layout (cr, layout);
    }
  if (max_time > 0)
    {
      double time_step = hs_format_nice_step (max_time, 6);

      for (double t = 0; t <= max_time + time_step / 100; t += time_step)
        {
          double x = plot_x + (t / max_time) * plot_w;
          g_autofree char *text = g_strdup_printf (_("%g s"), t);
          int text_w, text_h;

          pango_layout_set_text (layout, text, -1);
          pango_layout_get_pixel_size (layout, &text_w, &text_h);
          cairo_set_source_rgba (cr, foreground.red, foreground.green, foreground.blue, 0.6);
          cairo_move_to (cr, x - text_w / 2.0, plot_y + plot_h + 6);
          pango_cairo_show_layout (cr, layout);
        }
    }

  /* Where the legend starts, so that no marker label runs into it. */
  {
    const char *names[] = { _("Resident memory (RSS)"), _("Objects counted by the census") };

    legend_left = plot_x + plot_w;
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        int text_w, text_h;

        pango_layout_set_text (layout, names[i], -1);
        pango_layout_get_pixel_size (layout, &text_w, &text_h);
        legend_left -= text_w + 18 + 16;
      }
  }

  /* Snapshot markers. */
  for (guint lane = 0; lane < LABEL_LANES; lane++)
    lanes.right_end[lane] = -G_MAXDOUBLE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (self->samples, i);
      const char *label = hs_sample_get_label (sample);
      double x;
      double label_x;
      guint lane;
      int label_w, label_h;
      static const double dashes[] = { 4, 3 };

      if (label == NULL)
        continue;
      x = floor (plot_x + (max_time > 0 ? hs_sample_get_time (sample) / max_time : 0) * plot_w) + 0.5;
      cairo_set_source_rgba (cr, foreground.red, foreground.green, foreground.blue, 0.5);
      cairo_set_dash (cr, dashes, 2, 0);
      cairo_move_to (cr, x, plot_y);
      cairo_line_to (cr, x, plot_y + plot_h);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      pango_layout_set_text (layout, *label != '\0' ? label : _("snapshot"), -1);
      pango_layout_get_pixel_size (layout, &label_w, &label_h);
      if (place_label (&lanes, x, label_w, plot_x, plot_x + plot_w, legend_left, &lane, &label_x))
        {
          cairo_move_to (cr, label_x, lane == 0 ? plot_y - 18 : plot_y + 2 + (lane - 1) * (label_h + 2));
          pango_cairo_show_layout (cr, layout);
        }
    }

  if (n > 0)
    {
      cairo_set_line_width (cr, 2);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      gdk_cairo_set_source_rgba (cr, &rss_color);
      draw_series (cr, self->samples, "rss", plot_x, plot_y, plot_w, plot_h, max_time, max_bytes);
      gdk_cairo_set_source_rgba (cr, &census_color);
      draw_series (cr, self->samples, "bytes", plot_x, plot_y, plot_w, plot_h, max_time, max_bytes);
    }

  /* Legend, top right. */
  {
    const char *names[] = { _("Resident memory (RSS)"), _("Objects counted by the census") };
    const GdkRGBA *colors[] = { &rss_color, &census_color };
    double x = plot_x + plot_w;

    for (int i = 1; i >= 0; i--)
      {
        int text_w, text_h;

        pango_layout_set_text (layout, names[i], -1);
        pango_layout_get_pixel_size (layout, &text_w, &text_h);
        x -= text_w;
        cairo_set_source_rgba (cr, foreground.red, foreground.green, foreground.blue, 0.8);
        cairo_move_to (cr, x, 4);
        pango_cairo_show_layout (cr, layout);
        x -= 18;
        gdk_cairo_set_source_rgba (cr, colors[i]);
        cairo_rectangle (cr, x, 4 + text_h / 2.0 - 2, 12, 4);
        cairo_fill (cr);
        x -= 16;
      }
  }

  g_object_unref (layout);
}

static void
hs_memory_chart_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  HsMemoryChart *self = HS_MEMORY_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (self->cached == NULL)
    {
      GtkSnapshot *recorder = gtk_snapshot_new ();
      cairo_t *cr = gtk_snapshot_append_cairo (recorder, &GRAPHENE_RECT_INIT (0, 0, width, height));

      draw_chart (self, cr, width, height);
      cairo_destroy (cr);
      self->cached = gtk_snapshot_free_to_node (recorder);
    }
  if (self->cached != NULL)
    gtk_snapshot_append_node (snapshot, self->cached);
}

static void
hs_memory_chart_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  g_clear_pointer (&HS_MEMORY_CHART (widget)->cached, gsk_render_node_unref);
}

static void
hs_memory_chart_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (hs_memory_chart_parent_class)->css_changed (widget, change);
  invalidate (HS_MEMORY_CHART (widget));
}

static void
on_samples_changed (GListModel    *model,
                    guint          position,
                    guint          removed,
                    guint          added,
                    HsMemoryChart *self)
{
  invalidate (self);
}

static void
hs_memory_chart_dispose (GObject *object)
{
  HsMemoryChart *self = (HsMemoryChart *) object;

  hs_memory_chart_set_samples (self, NULL);
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  G_OBJECT_CLASS (hs_memory_chart_parent_class)->dispose (object);
}

static void
hs_memory_chart_class_init (HsMemoryChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_memory_chart_dispose;
  widget_class->snapshot = hs_memory_chart_snapshot;
  widget_class->size_allocate = hs_memory_chart_size_allocate;
  widget_class->css_changed = hs_memory_chart_css_changed;
  gtk_widget_class_set_css_name (widget_class, "hsmemorychart");
}

static void
hs_memory_chart_init (HsMemoryChart *self)
{
  gtk_widget_set_size_request (GTK_WIDGET (self), 300, 180);
}

GtkWidget *
hs_memory_chart_new (void)
{
  return g_object_new (HS_TYPE_MEMORY_CHART, NULL);
}

void
hs_memory_chart_set_samples (HsMemoryChart *self,
                             GListModel    *samples)
{
  g_return_if_fail (HS_IS_MEMORY_CHART (self));

  if (self->samples == samples)
    return;
  if (self->samples != NULL)
    g_signal_handlers_disconnect_by_func (self->samples, on_samples_changed, self);
  g_set_object (&self->samples, samples);
  if (self->samples != NULL)
    g_signal_connect (self->samples, "items-changed", G_CALLBACK (on_samples_changed), self);
  invalidate (self);
}
