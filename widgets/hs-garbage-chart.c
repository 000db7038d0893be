/* hs-garbage-chart.c — how many objects each collection freed, over time
 *
 * The chart keeps the few numbers it draws (time, objects, generation) in
 * arrays that follow the model's items-changed, so neither drawing nor a
 * tooltip walks 100 000 GObjects. The static picture is recorded once into
 * a render node, as the other charts do; only the mark is drawn per frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "hs-format.h"
#include "hs-garbage-chart.h"

#define MARGIN_TOP     26.0
#define MARGIN_BOTTOM  24.0
#define MARGIN_RIGHT   14.0
#define MARGIN_LEFT    10.0
#define PICK_DISTANCE   4.0
#define N_GENERATIONS   (HS_GARBAGE_REPORT_MAX_GENERATION + 1)

typedef struct
{
  double  time;
  gint64  objects;
  guint8  generation;
} Point;

struct _HsGarbageChart
{
  GtkWidget            parent_instance;

  GListModel          *model;
  GArray              *points;      /* Point, as the model's items */
  HsGarbageCollection *marked;
  GskRenderNode       *cached;

  /* Where the last picture put things. */
  double               plot_x, plot_y, plot_w, plot_h;
  double               start, span; /* seconds at plot_x, and across plot_w */
  double               top;         /* objects at plot_y */
  double               bar_width;
};

G_DEFINE_FINAL_TYPE (HsGarbageChart, hs_garbage_chart, GTK_TYPE_WIDGET)

enum {
  COLLECTION_ACTIVATED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

void
hs_garbage_chart_color (int      generation,
                        GdkRGBA *color)
{
  /* Adwaita blue 3, purple 3, orange 4. */
  static const GdkRGBA colors[N_GENERATIONS] = {
    { 0.208, 0.518, 0.894, 1 },
    { 0.569, 0.255, 0.675, 1 },
    { 0.902, 0.380, 0.000, 1 },
  };

  *color = colors[CLAMP (generation, 0, N_GENERATIONS - 1)];
}

static void
invalidate (HsGarbageChart *self)
{
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* -- Geometry -------------------------------------------------------------- */

static double
x_for_time (HsGarbageChart *self,
            double          time)
{
  return self->plot_x + (time - self->start) / self->span * self->plot_w;
}

static double
y_for_objects (HsGarbageChart *self,
               double          objects)
{
  return self->plot_y + self->plot_h - objects / self->top * self->plot_h;
}

/* "10 s", "1:30", "1:02:00" for an axis step of @step seconds. */
static char *
format_tick (double time,
             double step)
{
  long whole = lround (time);

  if (step < 60)
    return g_strdup_printf (_("%g s"), fabs (time) < step / 1000 ? 0.0 : round (time * 1000) / 1000);
  if (whole < 3600)
    return g_strdup_printf ("%ld:%02ld", whole / 60, whole % 60);
  return g_strdup_printf ("%ld:%02ld:%02ld", whole / 3600, (whole / 60) % 60, whole % 60);
}

/* The axes' ranges and the plot's place in a @width × @height widget. */
static void
measure (HsGarbageChart *self,
         PangoLayout    *layout,
         double          width,
         double          height)
{
  double first = G_MAXDOUBLE, last = -G_MAXDOUBLE;
  gint64 largest = 1;
  double step;
  double widest = 0;
  double pad;

  for (guint i = 0; i < self->points->len; i++)
    {
      const Point *point = &g_array_index (self->points, Point, i);

      first = MIN (first, point->time);
      last = MAX (last, point->time);
      largest = MAX (largest, point->objects);
    }
  if (self->points->len == 0)
    first = last = 0;
  pad = MAX ((last - first) * 0.02, 0.5);
  /* Times count from the program's start: the axis never goes below 0 s. */
  self->start = MAX (first - pad, 0);
  self->span = last + pad - self->start;

  step = hs_format_nice_step ((double) largest, 3);
  self->top = MAX (ceil ((double) largest / step - 1e-9) * step, 1);
  for (double value = 0; value <= self->top + step / 2; value += step)
    {
      g_autofree char *text = hs_format_count ((gint64) value);
      int text_w;

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &text_w, NULL);
      widest = MAX (widest, text_w);
    }
  self->plot_x = MARGIN_LEFT + ceil (widest) + 8;
  self->plot_y = MARGIN_TOP;
  self->plot_w = MAX (width - self->plot_x - MARGIN_RIGHT, 10);
  self->plot_h = MAX (height - MARGIN_TOP - MARGIN_BOTTOM, 10);
  self->bar_width = CLAMP (floor (self->plot_w / MAX (self->points->len, 1) / 2), 2, 6);
}

/* -- Drawing --------------------------------------------------------------- */

static void
draw_axes (HsGarbageChart *self,
           cairo_t        *cr,
           PangoLayout    *layout,
           const GdkRGBA  *foreground)
{
  double step = hs_format_nice_step (self->top, 3);
  double time_step;

  cairo_set_line_width (cr, 1);
  for (double value = 0; value <= self->top + step / 2; value += step)
    {
      double y = floor (y_for_objects (self, value)) + 0.5;
      g_autofree char *text = hs_format_count ((gint64) value);
      int text_w, text_h;

      cairo_set_source_rgba (cr, foreground->red, foreground->green, foreground->blue, value == 0 ? 0.3 : 0.12);
      cairo_move_to (cr, self->plot_x, y);
      cairo_line_to (cr, self->plot_x + self->plot_w, y);
      cairo_stroke (cr);
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      cairo_set_source_rgba (cr, foreground->red, foreground->green, foreground->blue, 0.6);
      cairo_move_to (cr, self->plot_x - 8 - text_w, y - text_h / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  if (self->points->len == 0)
    return;
  time_step = hs_format_nice_step (self->span, MAX (2, (int) (self->plot_w / 110)));
  if (time_step >= 60)
    time_step = ceil (time_step / 60) * 60;
  for (double t = ceil (self->start / time_step) * time_step; t <= self->start + self->span; t += time_step)
    {
      double x = x_for_time (self, t);
      g_autofree char *text = NULL;
      int text_w, text_h;

      if (t < 0)
        continue;
      text = format_tick (t, time_step);
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      if (x - text_w / 2.0 < self->plot_x - 8 || x + text_w / 2.0 > self->plot_x + self->plot_w + MARGIN_RIGHT)
        continue;
      cairo_set_source_rgba (cr, foreground->red, foreground->green, foreground->blue, 0.3);
      cairo_move_to (cr, floor (x) + 0.5, self->plot_y + self->plot_h);
      cairo_line_to (cr, floor (x) + 0.5, self->plot_y + self->plot_h + 4);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, foreground->red, foreground->green, foreground->blue, 0.6);
      cairo_move_to (cr, x - text_w / 2.0, self->plot_y + self->plot_h + 5);
      pango_cairo_show_layout (cr, layout);
    }
}

/* A bar per pixel column and generation: the tallest of the collections
 * drawn there, the tallest bar behind the others. */
static void
draw_bars (HsGarbageChart *self,
           cairo_t        *cr)
{
  guint n_columns = (guint) ceil (self->plot_w) + 1;
  g_autofree gint64 *tallest = g_new0 (gint64, (gsize) n_columns * N_GENERATIONS);
  GdkRGBA colors[N_GENERATIONS];
  double base = y_for_objects (self, 0);

  for (int g = 0; g < N_GENERATIONS; g++)
    hs_garbage_chart_color (g, &colors[g]);
  for (guint i = 0; i < self->points->len; i++)
    {
      const Point *point = &g_array_index (self->points, Point, i);
      double x = x_for_time (self, point->time) - self->plot_x;
      guint column = (guint) CLAMP (floor (x), 0, n_columns - 1);
      gint64 *slot = &tallest[column * N_GENERATIONS + point->generation];

      *slot = MAX (*slot, MAX (point->objects, 1));
    }
  for (guint column = 0; column < n_columns; column++)
    {
      gint64 *heights = &tallest[column * N_GENERATIONS];
      double x = self->plot_x + column + 0.5 - self->bar_width / 2;

      for (guint drawn = 0; drawn < N_GENERATIONS; drawn++)
        {
          int next = -1;

          for (int g = 0; g < N_GENERATIONS; g++)
            if (heights[g] > 0 && (next < 0 || heights[g] > heights[next]))
              next = g;
          if (next < 0)
            break;
          /* At least a pixel and a half: one object still shows. */
          cairo_rectangle (cr, x, MIN (y_for_objects (self, heights[next]), base - 1.5), self->bar_width,
                           base - MIN (y_for_objects (self, heights[next]), base - 1.5));
          gdk_cairo_set_source_rgba (cr, &colors[next]);
          cairo_fill (cr);
          heights[next] = 0;
        }
    }
}

static void
draw_legend (HsGarbageChart *self,
             cairo_t        *cr,
             PangoLayout    *layout,
             const GdkRGBA  *foreground,
             double          width)
{
  const char *names[N_GENERATIONS] = { _("Generation 0"), _("Generation 1"), _("Generation 2") };
  double x = width - MARGIN_RIGHT;

  for (int g = N_GENERATIONS - 1; g >= 0; g--)
    {
      GdkRGBA color;
      int text_w, text_h;

      pango_layout_set_text (layout, names[g], -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      x -= text_w;
      cairo_set_source_rgba (cr, foreground->red, foreground->green, foreground->blue, 0.8);
      cairo_move_to (cr, x, 4);
      pango_cairo_show_layout (cr, layout);
      x -= 16;
      hs_garbage_chart_color (g, &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, x, 4 + text_h / 2.0 - 5, 10, 10);
      cairo_fill (cr);
      x -= 16;
    }

  /* Translators: the chart's title, top left */
  pango_layout_set_text (layout, _("Objects freed per collection"), -1);
  cairo_set_source_rgba (cr, foreground->red, foreground->green, foreground->blue, 0.8);
  cairo_move_to (cr, self->plot_x, 4);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_chart (HsGarbageChart *self,
            cairo_t        *cr,
            double          width,
            double          height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);
  GdkRGBA foreground;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &foreground);
  measure (self, layout, width, height);
  draw_axes (self, cr, layout, &foreground);
  draw_bars (self, cr);
  draw_legend (self, cr, layout, &foreground, width);
  g_object_unref (layout);
}

static int
position_of_marked (HsGarbageChart *self)
{
  guint position;

  if (self->marked == NULL || self->model == NULL || self->points->len == 0)
    return -1;
  /* Collections are numbered in the order they ran, as the model holds them. */
  {
    g_autoptr(HsGarbageCollection) first = g_list_model_get_item (self->model, 0);

    if (hs_garbage_collection_get_index (self->marked) < hs_garbage_collection_get_index (first))
      return -1;
    position = hs_garbage_collection_get_index (self->marked) - hs_garbage_collection_get_index (first);
  }
  return position < self->points->len ? (int) position : -1;
}

static void
hs_garbage_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  HsGarbageChart *self = HS_GARBAGE_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int marked;

  if (width < 20 || height < 20)
    return;
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

  if ((marked = position_of_marked (self)) >= 0)
    {
      const Point *point = &g_array_index (self->points, Point, marked);
      double x = x_for_time (self, point->time);
      GdkRGBA accent = { 0.208, 0.518, 0.894, 1 };
      GdkRGBA band;

      gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color", &accent);
      band = accent;
      band.alpha = 0.2;
      gtk_snapshot_append_color (snapshot, &band,
                                 &GRAPHENE_RECT_INIT (floor (x) + 0.5 - self->bar_width / 2 - 3, self->plot_y,
                                                      self->bar_width + 6, self->plot_h));
      gtk_snapshot_append_color (snapshot, &accent,
                                 &GRAPHENE_RECT_INIT (floor (x) + 0.5 - self->bar_width / 2 - 3, self->plot_y - 3,
                                                      self->bar_width + 6, 3));
    }
}

/* -- Finding collections ----------------------------------------------------- */

int
hs_garbage_chart_collection_at (HsGarbageChart *self,
                                double          x,
                                double          y)
{
  guint low = 0, high;
  int best = -1;
  double best_distance = G_MAXDOUBLE;

  g_return_val_if_fail (HS_IS_GARBAGE_CHART (self), -1);

  if (self->points->len == 0 || self->plot_w <= 0 || self->span <= 0 ||
      y < self->plot_y - 4 || y > self->plot_y + self->plot_h + 4)
    return -1;
  /* The first collection at or after the leftmost time in reach; times
   * only grow along the model. */
  high = self->points->len;
  {
    double from = self->start + (x - self->plot_x - PICK_DISTANCE - self->bar_width / 2) / self->plot_w * self->span;

    while (low < high)
      {
        guint middle = low + (high - low) / 2;

        if (g_array_index (self->points, Point, middle).time < from)
          low = middle + 1;
        else
          high = middle;
      }
  }
  for (guint i = low; i < self->points->len; i++)
    {
      const Point *point = &g_array_index (self->points, Point, i);
      double distance = fabs (floor (x_for_time (self, point->time)) + 0.5 - x);

      if (distance > PICK_DISTANCE + self->bar_width / 2)
        {
          if (x_for_time (self, point->time) > x)
            break;
          continue;
        }
      /* Of those in reach, the nearest, then the tallest. */
      if (distance < best_distance - 0.5 ||
          (distance < best_distance + 0.5 && best >= 0 &&
           point->objects > g_array_index (self->points, Point, best).objects))
        {
          best = (int) i;
          best_distance = MIN (distance, best_distance);
        }
    }
  return best;
}

gboolean
hs_garbage_chart_collection_point (HsGarbageChart *self,
                                   guint           position,
                                   double         *x,
                                   double         *y)
{
  const Point *point;

  g_return_val_if_fail (HS_IS_GARBAGE_CHART (self), FALSE);

  if (position >= self->points->len || self->plot_w <= 0 || self->span <= 0)
    return FALSE;
  point = &g_array_index (self->points, Point, position);
  *x = floor (x_for_time (self, point->time)) + 0.5;
  *y = (y_for_objects (self, point->objects) + y_for_objects (self, 0)) / 2;
  *y = MIN (*y, y_for_objects (self, 0) - 1);
  return TRUE;
}

char *
hs_garbage_chart_describe (HsGarbageChart *self,
                           guint           position)
{
  g_autoptr(HsGarbageCollection) collection = NULL;
  g_autofree char *time = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *cycles = NULL;
  g_autofree char *count = NULL;
  gint64 n_cycles;

  g_return_val_if_fail (HS_IS_GARBAGE_CHART (self), NULL);

  if (self->model == NULL || !(collection = g_list_model_get_item (self->model, position)))
    return NULL;
  time = hs_garbage_format_time (hs_garbage_collection_get_time (collection));
  objects = hs_format_count (hs_garbage_collection_get_objects (collection));
  bytes = hs_format_bytes (hs_garbage_collection_get_bytes (collection));
  n_cycles = hs_garbage_collection_get_cycles (collection);
  count = hs_format_count (n_cycles);
  cycles = n_cycles < 0 ? g_strdup (_("cycles not counted"))
                        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s cycle", "%s cycles", (gulong) n_cycles),
                                           count);
  /* Translators: a collection's time and generation, then what it freed: "3,000 objects (234 KB), 100 cycles" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · generation %d\n%s object (%s), %s",
                                       "%s · generation %d\n%s objects (%s), %s",
                                       (gulong) hs_garbage_collection_get_objects (collection)),
                          time, hs_garbage_collection_get_generation (collection), objects, bytes, cycles);
}

static gboolean
hs_garbage_chart_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard,
                                GtkTooltip *tooltip)
{
  HsGarbageChart *self = HS_GARBAGE_CHART (widget);
  int position = keyboard ? position_of_marked (self) : hs_garbage_chart_collection_at (self, x, y);
  g_autofree char *text = NULL;
  double bar_x, bar_y;

  if (position < 0 || (text = hs_garbage_chart_describe (self, position)) == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  /* Another bar under the pointer asks again. */
  if (hs_garbage_chart_collection_point (self, position, &bar_x, &bar_y))
    gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { (int) floor (bar_x - self->bar_width / 2 - PICK_DISTANCE),
                                                         (int) self->plot_y,
                                                         (int) ceil (self->bar_width + 2 * PICK_DISTANCE),
                                                         (int) ceil (self->plot_h) });
  return TRUE;
}

static void
on_released (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             HsGarbageChart  *self)
{
  int position = hs_garbage_chart_collection_at (self, x, y);

  if (position >= 0)
    g_signal_emit (self, signals [COLLECTION_ACTIVATED], 0, (guint) position);
}

/* -- The model --------------------------------------------------------------- */

static void
on_items_changed (GListModel     *model,
                  guint           position,
                  guint           removed,
                  guint           added,
                  HsGarbageChart *self)
{
  g_array_remove_range (self->points, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(HsGarbageCollection) collection = g_list_model_get_item (model, position + i);
      Point point = {
        hs_garbage_collection_get_time (collection),
        hs_garbage_collection_get_objects (collection),
        (guint8) CLAMP (hs_garbage_collection_get_generation (collection), 0, N_GENERATIONS - 1),
      };

      g_array_insert_val (self->points, position + i, point);
    }
  invalidate (self);
}

static void
hs_garbage_chart_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  g_clear_pointer (&HS_GARBAGE_CHART (widget)->cached, gsk_render_node_unref);
}

static void
hs_garbage_chart_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (hs_garbage_chart_parent_class)->css_changed (widget, change);
  invalidate (HS_GARBAGE_CHART (widget));
}

static void
hs_garbage_chart_dispose (GObject *object)
{
  HsGarbageChart *self = HS_GARBAGE_CHART (object);

  hs_garbage_chart_set_model (self, NULL);
  g_clear_object (&self->marked);
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  G_OBJECT_CLASS (hs_garbage_chart_parent_class)->dispose (object);
}

static void
hs_garbage_chart_finalize (GObject *object)
{
  g_array_unref (HS_GARBAGE_CHART (object)->points);
  G_OBJECT_CLASS (hs_garbage_chart_parent_class)->finalize (object);
}

static void
hs_garbage_chart_class_init (HsGarbageChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_garbage_chart_dispose;
  object_class->finalize = hs_garbage_chart_finalize;
  widget_class->snapshot = hs_garbage_chart_snapshot;
  widget_class->size_allocate = hs_garbage_chart_size_allocate;
  widget_class->css_changed = hs_garbage_chart_css_changed;
  widget_class->query_tooltip = hs_garbage_chart_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "hsgarbagechart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  signals [COLLECTION_ACTIVATED] =
    g_signal_new ("collection-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
hs_garbage_chart_init (HsGarbageChart *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->points = g_array_new (FALSE, FALSE, sizeof (Point));
  self->span = 1;
  self->top = 1;
  gtk_widget_set_size_request (GTK_WIDGET (self), 300, 120);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Objects freed per collection"), -1);
}

GtkWidget *
hs_garbage_chart_new (void)
{
  return g_object_new (HS_TYPE_GARBAGE_CHART, NULL);
}

void
hs_garbage_chart_set_model (HsGarbageChart *self,
                            GListModel     *collections)
{
  g_return_if_fail (HS_IS_GARBAGE_CHART (self));
  g_return_if_fail (collections == NULL || G_IS_LIST_MODEL (collections));

  if (self->model == collections)
    return;
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_array_set_size (self->points, 0);
  g_set_object (&self->model, collections);
  if (collections != NULL)
    {
      g_signal_connect (collections, "items-changed", G_CALLBACK (on_items_changed), self);
      on_items_changed (collections, 0, 0, g_list_model_get_n_items (collections), self);
    }
  invalidate (self);
}

void
hs_garbage_chart_set_marked (HsGarbageChart      *self,
                             HsGarbageCollection *collection)
{
  g_return_if_fail (HS_IS_GARBAGE_CHART (self));
  g_return_if_fail (collection == NULL || HS_IS_GARBAGE_COLLECTION (collection));

  if (g_set_object (&self->marked, collection))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* -- Numbers as the garbage views show them ------------------------------------ */

char *
hs_garbage_format_time (double seconds)
{
  long hundredths;

  if (!(seconds >= 0))
    seconds = 0;
  if (seconds < 60)
    return g_strdup_printf (_("%.2f s"), seconds);
  hundredths = lround (MIN (seconds, (double) G_MAXINT32) * 100);
  if (hundredths < 360000)
    return g_strdup_printf ("%ld:%02ld.%02ld", hundredths / 6000, (hundredths / 100) % 60, hundredths % 100);
  return g_strdup_printf ("%ld:%02ld:%02ld", hundredths / 360000, (hundredths / 6000) % 60, (hundredths / 100) % 60);
}

char *
hs_garbage_format_cost (double seconds)
{
  if (!(seconds >= 0))
    seconds = 0;
  if (seconds < 0.001)
    return g_strdup_printf (_("%.0f µs"), seconds * 1e6);
  if (seconds < 0.1)
    return g_strdup_printf (_("%.1f ms"), seconds * 1e3);
  return g_strdup_printf (_("%.2f s"), seconds);
}
