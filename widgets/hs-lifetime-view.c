/* hs-lifetime-view.c — tracked instances as bars from birth to death on the
 * Classes page's time axis, aggregated into density bands when there are
 * more of them than pixel rows
 *
 * Each instance is a row: a bar from its birth (the start of the axis when it
 * was born before tracking) to its death (the end of the axis while it is
 * alive). When a row would be thinner than a pixel, each pixel row holds a
 * band of consecutive instances instead, and each of its pixel columns is
 * shaded by how many of them are alive there: counted once per change with a
 * difference array per band, so 100 000 instances cost one pass. The picture
 * is an image (hs_chart_render_picture), drawn again only when the rows, the
 * axis or the size change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-class-chart.h"
#include "hs-format.h"
#include "hs-instance-row.h"
#include "hs-lifetime-view.h"

#define CAPTION_HEIGHT  22.0
#define AXIS_HEIGHT     22.0
#define MAX_BAR         12.0
#define MARGIN_LEFT     40.0
#define MARGIN_RIGHT    16.0

typedef struct
{
  double  birth;             /* clamped to the axis */
  double  death;
  gint64  class_index;
} Lifetime;

struct _HsLifetimeView
{
  GtkWidget       parent_instance;

  HsClassTracker *tracker;
  gulong          changed_handler;
  GListModel     *model;
  guint           selected;
  double          plot_left;
  double          plot_right;

  /* Read from the model (ensure_rows), laid out for the size. */
  gboolean        rows_valid;
  GArray         *lifetimes;       /* Lifetime, by position */
  double          start;
  double          end;
  int             width;
  int             height;
  graphene_rect_t plot;
  guint           per_row;         /* instances in a pixel row; 1: bars */
  guint           n_rows;
  double          row_height;
  guint           n_columns;
  guint          *live;            /* n_rows × n_columns, when aggregated */

  GskRenderNode  *cached;
};

G_DEFINE_FINAL_TYPE (HsLifetimeView, hs_lifetime_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TRACKER,
  PROP_MODEL,
  PROP_SELECTED,
  PROP_PLOT_LEFT,
  PROP_PLOT_RIGHT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

enum {
  INSTANCE_ACTIVATED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void
invalidate (HsLifetimeView *self)
{
  self->rows_valid = FALSE;
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
hs_lifetime_view_x_for_time (HsLifetimeView *self,
                             double          time)
{
  g_return_val_if_fail (HS_IS_LIFETIME_VIEW (self), 0);

  return self->plot.origin.x + (time - self->start) / (self->end - self->start) * self->plot.size.width;
}

static guint
column_for_time (HsLifetimeView *self,
                 double          time)
{
  double position = (time - self->start) / (self->end - self->start) * self->n_columns;

  return (guint) CLAMP (position, 0, self->n_columns - 1);
}

static void
read_lifetimes (HsLifetimeView *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;

  g_array_set_size (self->lifetimes, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (self->model, i);
      HsTrackedInstance *instance = hs_instance_row_instance_of (item);
      Lifetime *lifetime = &g_array_index (self->lifetimes, Lifetime, i);
      double birth = hs_tracked_instance_get_birth (instance);
      double death = hs_tracked_instance_get_death (instance);

      lifetime->birth = birth < self->start ? self->start : MIN (birth, self->end);
      lifetime->death = death < 0 ? self->end : CLAMP (death, lifetime->birth, self->end);
      lifetime->class_index = hs_tracked_instance_get_class_index (instance);
    }
}

/* Per band, per pixel column: the instances alive. */
static void
count_live (HsLifetimeView *self)
{
  g_autofree int *change = g_new (int, self->n_columns + 1);

  g_clear_pointer (&self->live, g_free);
  self->live = g_new0 (guint, (gsize) self->n_rows * self->n_columns);
  for (guint row = 0; row < self->n_rows; row++)
    {
      guint first = row * self->per_row;
      guint last = MIN (first + self->per_row, self->lifetimes->len);
      int running = 0;

      memset (change, 0, (self->n_columns + 1) * sizeof *change);
      for (guint i = first; i < last; i++)
        {
          const Lifetime *lifetime = &g_array_index (self->lifetimes, Lifetime, i);

          change[column_for_time (self, lifetime->birth)]++;
          change[column_for_time (self, lifetime->death) + 1]--;
        }
      for (guint c = 0; c < self->n_columns; c++)
        {
          running += change[c];
          self->live[(gsize) row * self->n_columns + c] = (guint) MAX (running, 0);
        }
    }
}

static void
ensure_rows (HsLifetimeView *self)
{
  double plot_h;
  guint n;

  if (self->rows_valid)
    return;
  self->rows_valid = TRUE;
  hs_class_chart_time_range (self->tracker, &self->start, &self->end);
  read_lifetimes (self);
  self->plot = GRAPHENE_RECT_INIT (self->plot_left, CAPTION_HEIGHT,
                                   MAX (MIN (self->plot_right, self->width - 4) - self->plot_left, 10),
                                   MAX (self->height - CAPTION_HEIGHT - AXIS_HEIGHT, 4));
  plot_h = floor (self->plot.size.height);
  n = self->lifetimes->len;
  self->n_columns = (guint) MAX (1, self->plot.size.width);
  self->per_row = n > plot_h ? (guint) ceil (n / plot_h) : 1;
  self->n_rows = n > 0 ? (n + self->per_row - 1) / self->per_row : 0;
  self->row_height = self->per_row > 1 ? 1 : (n > 0 ? MIN (floor (plot_h / n), MAX_BAR + 2) : 0);
  if (self->per_row > 1)
    count_live (self);
  else
    g_clear_pointer (&self->live, g_free);
}

static void
draw_bars (HsLifetimeView *self,
           cairo_t        *cr)
{
  double gap = self->row_height >= 4 ? 1 : 0;

  for (guint i = 0; i < self->lifetimes->len; i++)
    {
      const Lifetime *lifetime = &g_array_index (self->lifetimes, Lifetime, i);
      double x0 = hs_lifetime_view_x_for_time (self, lifetime->birth);
      double x1 = hs_lifetime_view_x_for_time (self, lifetime->death);
      double y = self->plot.origin.y + i * self->row_height;
      GdkRGBA color;

      hs_class_chart_color (lifetime->class_index, &color);
      cairo_rectangle (cr, x0, y, MAX (x1 - x0, 1), self->row_height - gap);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_fill (cr);
    }
}

/* A pixel per band and column, its colour's opacity the share alive, scaled
 * onto the plot as it is. */
static void
draw_bands (HsLifetimeView *self,
            cairo_t        *cr)
{
  cairo_surface_t *bands = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, self->n_columns, self->n_rows);
  guint32 *pixels = (guint32 *) cairo_image_surface_get_data (bands);
  int stride = cairo_image_surface_get_stride (bands) / 4;

  for (guint row = 0; row < self->n_rows; row++)
    {
      const Lifetime *first = &g_array_index (self->lifetimes, Lifetime, row * self->per_row);
      guint in_row = MIN (self->per_row, self->lifetimes->len - row * self->per_row);
      GdkRGBA color;

      hs_class_chart_color (first->class_index, &color);
      for (guint c = 0; c < self->n_columns; c++)
        {
          guint live = self->live[(gsize) row * self->n_columns + c];
          /* Any alive shows; all alive is the full colour. */
          double alpha = live == 0 ? 0 : 0.25 + 0.75 * live / (double) in_row;

          pixels[row * stride + c] = ((guint32) (alpha * 255) << 24) |
                                     ((guint32) (color.red * alpha * 255) << 16) |
                                     ((guint32) (color.green * alpha * 255) << 8) |
                                     (guint32) (color.blue * alpha * 255);
        }
    }
  cairo_surface_mark_dirty (bands);
  cairo_save (cr);
  cairo_translate (cr, self->plot.origin.x, self->plot.origin.y);
  cairo_scale (cr, self->plot.size.width / self->n_columns, 1);
  cairo_set_source_surface (cr, bands, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (bands);
}

/* The caption; @brief leaves out how bands are shaded, for a narrow view. */
static char *
describe_rows (HsLifetimeView *self,
               gboolean        brief)
{
  g_autofree char *count = hs_format_count (self->lifetimes->len);

  if (self->per_row > 1 && brief)
    /* Translators: the caption of a narrow lifetime view when it bands instances together */
    return g_strdup_printf (_("%s instances, %u to a row"), count, self->per_row);
  if (self->per_row > 1)
    /* Translators: the caption of the lifetime view when it bands instances together */
    return g_strdup_printf (_("%s instances, %u to a row, shaded by how many live"), count, self->per_row);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s instance", "%s instances", self->lifetimes->len), count);
}

static void
draw_picture (gpointer  data,
              cairo_t  *cr)
{
  HsLifetimeView *self = data;
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, _("Lifetimes"));
  g_autofree char *caption = describe_rows (self, FALSE);
  GdkRGBA foreground;
  int text_w, text_h, title_w, room;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &foreground);
  G_GNUC_END_IGNORE_DEPRECATIONS
  pango_cairo_update_layout (cr, layout);
  cairo_set_source_rgba (cr, foreground.red, foreground.green, foreground.blue, 0.8);
  cairo_move_to (cr, self->plot.origin.x, 2);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_pixel_size (layout, &title_w, &text_h);
  /* The caption keeps to the right of the title, shortened if need be. */
  room = MAX (0, (int) self->plot.size.width - title_w - 12);
  pango_layout_set_text (layout, caption, -1);
  pango_layout_get_pixel_size (layout, &text_w, &text_h);
  if (text_w > room)
    {
      g_free (caption);
      caption = describe_rows (self, TRUE);
      pango_layout_set_text (layout, caption, -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
    }
  if (text_w > room)
    {
      pango_layout_set_width (layout, room * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
    }
  cairo_set_source_rgba (cr, foreground.red, foreground.green, foreground.blue, 0.6);
  cairo_move_to (cr, self->plot.origin.x + self->plot.size.width - text_w, 2);
  pango_cairo_show_layout (cr, layout);
  pango_layout_set_width (layout, -1);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);

  cairo_set_source_rgba (cr, foreground.red, foreground.green, foreground.blue, 0.05);
  cairo_rectangle (cr, self->plot.origin.x, self->plot.origin.y, self->plot.size.width, self->plot.size.height);
  cairo_fill (cr);
  if (self->per_row > 1)
    draw_bands (self, cr);
  else
    draw_bars (self, cr);
  if (self->tracker != NULL && self->lifetimes->len > 0)
    hs_chart_draw_time_axis (cr, layout, &foreground, self->start, self->end,
                             self->plot.origin.x, self->plot.origin.x + self->plot.size.width,
                             self->plot.origin.y + self->plot.size.height + 4, self->width);
}

static void
snapshot_selected (HsLifetimeView *self,
                   GtkSnapshot    *snapshot)
{
  const Lifetime *lifetime;
  double x0, x1, y, h;
  GdkRGBA foreground;
  GskRoundedRect outline;

  if (self->selected >= self->lifetimes->len)
    return;
  lifetime = &g_array_index (self->lifetimes, Lifetime, self->selected);
  x0 = hs_lifetime_view_x_for_time (self, lifetime->birth);
  x1 = hs_lifetime_view_x_for_time (self, lifetime->death);
  y = self->plot.origin.y + (self->selected / self->per_row) * self->row_height;
  h = MAX (self->row_height, 3);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &foreground);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (x0 - 1, y - 1, MAX (x1 - x0, 1) + 2, h + 1), 0);
  gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 1.5, 1.5, 1.5, 1.5 },
                              (GdkRGBA[4]) { foreground, foreground, foreground, foreground });
}

static void
hs_lifetime_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  HsLifetimeView *self = HS_LIFETIME_VIEW (widget);

  if (self->width <= 0 || self->height <= 0)
    return;
  ensure_rows (self);
  if (self->cached == NULL)
    self->cached = hs_chart_render_picture (widget, self->width, self->height, draw_picture, self);
  gtk_snapshot_append_node (snapshot, self->cached);
  snapshot_selected (self, snapshot);
}

static void
hs_lifetime_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  HsLifetimeView *self = HS_LIFETIME_VIEW (widget);

  if (width == self->width && height == self->height)
    return;
  self->width = width;
  self->height = height;
  invalidate (self);
}

static void
hs_lifetime_view_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (hs_lifetime_view_parent_class)->css_changed (widget, change);
  invalidate (HS_LIFETIME_VIEW (widget));
}

guint
hs_lifetime_view_instance_at (HsLifetimeView *self,
                              double          x,
                              double          y)
{
  guint row;
  double time;

  g_return_val_if_fail (HS_IS_LIFETIME_VIEW (self), GTK_INVALID_LIST_POSITION);

  ensure_rows (self);
  if (self->n_rows == 0 || y < self->plot.origin.y || self->row_height <= 0)
    return GTK_INVALID_LIST_POSITION;
  row = (guint) ((y - self->plot.origin.y) / self->row_height);
  if (row >= self->n_rows)
    return GTK_INVALID_LIST_POSITION;
  if (self->per_row == 1)
    return row;
  /* In a band: the first instance alive at that time, else its first. */
  time = self->start + (x - self->plot.origin.x) / self->plot.size.width * (self->end - self->start);
  for (guint i = row * self->per_row; i < MIN ((row + 1) * self->per_row, self->lifetimes->len); i++)
    {
      const Lifetime *lifetime = &g_array_index (self->lifetimes, Lifetime, i);

      if (lifetime->birth <= time && time <= lifetime->death)
        return i;
    }
  return row * self->per_row;
}

static gboolean
hs_lifetime_view_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard_mode,
                                GtkTooltip *tooltip)
{
  HsLifetimeView *self = HS_LIFETIME_VIEW (widget);
  guint position = hs_lifetime_view_instance_at (self, x, y);
  g_autoptr(GObject) item = NULL;
  HsTrackedInstance *instance;
  g_autofree char *birth = NULL;
  g_autofree char *death = NULL;
  g_autofree char *text = NULL;

  if (position == GTK_INVALID_LIST_POSITION || self->model == NULL ||
      !(item = g_list_model_get_item (self->model, position)))
    return FALSE;
  instance = hs_instance_row_instance_of (item);
  birth = hs_tracked_instance_get_birth (instance) < 0 ? g_strdup (_("before tracking"))
                                                        : hs_format_duration (hs_tracked_instance_get_birth (instance));
  death = hs_tracked_instance_get_death (instance) < 0 ? g_strdup (_("alive"))
                                                        : hs_format_duration (hs_tracked_instance_get_death (instance));
  /* Translators: an instance's class and description, then when it was born and died */
  text = g_strdup_printf (_("%s %s\nBorn %s, died %s"), hs_tracked_instance_get_class_name (instance),
                          hs_tracked_instance_get_text (instance) != NULL ? hs_tracked_instance_get_text (instance) : "",
                          birth, death);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_released (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             HsLifetimeView  *self)
{
  guint position = hs_lifetime_view_instance_at (self, x, y);

  if (position != GTK_INVALID_LIST_POSITION)
    g_signal_emit (self, signals [INSTANCE_ACTIVATED], 0, position);
}

/* The rows show other instances (or the same in another order). */
void
hs_lifetime_view_rows_changed (HsLifetimeView *self)
{
  g_return_if_fail (HS_IS_LIFETIME_VIEW (self));
  invalidate (self);
}

static void
on_items_changed (GListModel     *model,
                  guint           position,
                  guint           removed,
                  guint           added,
                  HsLifetimeView *self)
{
  invalidate (self);
}

static void
on_tracker_changed (HsClassTracker *tracker,
                    HsLifetimeView *self)
{
  invalidate (self);
}

static void
hs_lifetime_view_dispose (GObject *object)
{
  HsLifetimeView *self = (HsLifetimeView *) object;

  hs_lifetime_view_set_model (self, NULL);
  hs_lifetime_view_set_tracker (self, NULL);
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  G_OBJECT_CLASS (hs_lifetime_view_parent_class)->dispose (object);
}

static void
hs_lifetime_view_finalize (GObject *object)
{
  HsLifetimeView *self = (HsLifetimeView *) object;

  g_array_unref (self->lifetimes);
  g_free (self->live);
  G_OBJECT_CLASS (hs_lifetime_view_parent_class)->finalize (object);
}

static void
hs_lifetime_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HsLifetimeView *self = HS_LIFETIME_VIEW (object);

  switch (prop_id)
    {
    case PROP_TRACKER:
      g_value_set_object (value, self->tracker);
      break;
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_SELECTED:
      g_value_set_uint (value, self->selected);
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
set_plot_edge (HsLifetimeView *self,
               double         *edge,
               double          value,
               guint           prop_id)
{
  if (*edge == value)
    return;
  *edge = value;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [prop_id]);
}

static void
hs_lifetime_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HsLifetimeView *self = HS_LIFETIME_VIEW (object);

  switch (prop_id)
    {
    case PROP_TRACKER:
      hs_lifetime_view_set_tracker (self, g_value_get_object (value));
      break;
    case PROP_MODEL:
      hs_lifetime_view_set_model (self, g_value_get_object (value));
      break;
    case PROP_SELECTED:
      hs_lifetime_view_set_selected (self, g_value_get_uint (value));
      break;
    case PROP_PLOT_LEFT:
      set_plot_edge (self, &self->plot_left, g_value_get_double (value), prop_id);
      break;
    case PROP_PLOT_RIGHT:
      set_plot_edge (self, &self->plot_right, g_value_get_double (value), prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_lifetime_view_class_init (HsLifetimeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_lifetime_view_dispose;
  object_class->finalize = hs_lifetime_view_finalize;
  object_class->get_property = hs_lifetime_view_get_property;
  object_class->set_property = hs_lifetime_view_set_property;
  widget_class->snapshot = hs_lifetime_view_snapshot;
  widget_class->size_allocate = hs_lifetime_view_size_allocate;
  widget_class->css_changed = hs_lifetime_view_css_changed;
  widget_class->query_tooltip = hs_lifetime_view_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "hslifetimeview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  properties [PROP_TRACKER] =
    g_param_spec_object ("tracker", NULL, NULL, HS_TYPE_CLASS_TRACKER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_SELECTED] =
    g_param_spec_uint ("selected", NULL, NULL, 0, G_MAXUINT, GTK_INVALID_LIST_POSITION,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_PLOT_LEFT] =
    g_param_spec_double ("plot-left", NULL, NULL, 0, G_MAXDOUBLE, MARGIN_LEFT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Where the axis ends; beyond the width: the width less a margin. */
  properties [PROP_PLOT_RIGHT] =
    g_param_spec_double ("plot-right", NULL, NULL, 0, G_MAXDOUBLE, G_MAXDOUBLE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HsLifetimeView::instance-activated:
   * @position: the position in the model of the instance clicked
   */
  signals [INSTANCE_ACTIVATED] =
    g_signal_new ("instance-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
hs_lifetime_view_init (HsLifetimeView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->lifetimes = g_array_new (FALSE, FALSE, sizeof (Lifetime));
  self->selected = GTK_INVALID_LIST_POSITION;
  self->plot_left = MARGIN_LEFT;
  self->plot_right = G_MAXDOUBLE;
  self->per_row = 1;
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 300, 120);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Lifetimes of the tracked instances"), -1);
}

GtkWidget *
hs_lifetime_view_new (void)
{
  return g_object_new (HS_TYPE_LIFETIME_VIEW, NULL);
}

void
hs_lifetime_view_set_tracker (HsLifetimeView *self,
                              HsClassTracker *tracker)
{
  g_return_if_fail (HS_IS_LIFETIME_VIEW (self));
  g_return_if_fail (tracker == NULL || HS_IS_CLASS_TRACKER (tracker));

  if (self->tracker == tracker)
    return;
  if (self->tracker != NULL)
    g_clear_signal_handler (&self->changed_handler, self->tracker);
  g_set_object (&self->tracker, tracker);
  if (tracker != NULL)
    self->changed_handler = g_signal_connect (tracker, "changed", G_CALLBACK (on_tracker_changed), self);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TRACKER]);
}

void
hs_lifetime_view_set_model (HsLifetimeView *self,
                            GListModel     *model)
{
  g_return_if_fail (HS_IS_LIFETIME_VIEW (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MODEL]);
}

void
hs_lifetime_view_set_selected (HsLifetimeView *self,
                               guint           position)
{
  g_return_if_fail (HS_IS_LIFETIME_VIEW (self));

  if (self->selected == position)
    return;
  self->selected = position;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SELECTED]);
}

gboolean
hs_lifetime_view_get_aggregated (HsLifetimeView *self)
{
  g_return_val_if_fail (HS_IS_LIFETIME_VIEW (self), FALSE);

  ensure_rows (self);
  return self->per_row > 1;
}

guint
hs_lifetime_view_get_instances_per_row (HsLifetimeView *self)
{
  g_return_val_if_fail (HS_IS_LIFETIME_VIEW (self), 1);

  ensure_rows (self);
  return self->per_row;
}

guint
hs_lifetime_view_get_n_rows (HsLifetimeView *self)
{
  g_return_val_if_fail (HS_IS_LIFETIME_VIEW (self), 0);

  ensure_rows (self);
  return self->n_rows;
}

guint
hs_lifetime_view_get_live_count (HsLifetimeView *self,
                                 guint           row,
                                 double          time)
{
  guint column;

  g_return_val_if_fail (HS_IS_LIFETIME_VIEW (self), 0);

  ensure_rows (self);
  if (row >= self->n_rows)
    return 0;
  column = column_for_time (self, time);
  if (self->live != NULL)
    return self->live[(gsize) row * self->n_columns + column];
  {
    const Lifetime *lifetime = &g_array_index (self->lifetimes, Lifetime, row);

    return column_for_time (self, lifetime->birth) <= column && column <= column_for_time (self, lifetime->death);
  }
}
