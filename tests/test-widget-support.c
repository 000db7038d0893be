/* test-widget-support.c — what the widget tests share: GTK started as the
 * app starts it, waiting for draws and paints, pictures of what is shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <time.h>
#include <adwaita.h>

#include "test-widget-support.h"

gboolean
test_widgets_init (int    *argc,
                   char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return FALSE;
    }
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  return TRUE;
}

void
test_load_app_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

void
test_wait_for_draw (GtkWidget *widget)
{
  gtk_test_widget_wait_for_draw (widget);
  gdk_display_sync (gtk_widget_get_display (widget));
}

static void
on_after_paint_seen (GdkFrameClock *clock,
                     gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

void
test_wait_for_paint (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_seen), &painted);

  gtk_widget_queue_draw (widget);
  test_wait_until (is_true, &painted);
  g_signal_handler_disconnect (clock, handler);
  gdk_display_sync (gtk_widget_get_display (widget));
}

/* On X11 a frame's paint can be put off while the surface waits for the
 * last one to be shown (after-paint still comes): until a paint has drawn
 * the window, its paintable is empty, so wait for paints until it is not. */
GdkTexture *
test_render_widget (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  for (guint paints = 0; paints < 20; paints++)
    {
      g_autoptr(GdkPaintable) paintable = NULL;
      g_autoptr(GskRenderNode) node = NULL;
      GtkSnapshot *snapshot;

      test_wait_for_paint (widget);
      paintable = gtk_widget_paintable_new (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      if ((node = gtk_snapshot_free_to_node (snapshot)) != NULL)
        return gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                            &GRAPHENE_RECT_INIT (0, 0, width, height));
    }
  g_error ("the widget was never painted");
}

GtkWidget *
test_find_widget (GtkWidget       *root,
                  TestWidgetMatch  match,
                  gconstpointer    data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
test_is_for_action (GtkWidget     *widget,
                    gconstpointer  action)
{
  return GTK_IS_ACTIONABLE (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

void
test_collect_inscriptions (GtkWidget  *widget,
                           GHashTable *cells)
{
  if (GTK_IS_INSCRIPTION (widget))
    g_hash_table_add (cells, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    test_collect_inscriptions (child, cells);
}

void
test_save_png (GtkWidget  *widget,
               const char *name)
{
  g_autoptr(GdkTexture) texture = test_render_widget (widget);
  g_autofree char *path = g_build_filename (g_getenv ("HS_BUILD_ROOT") ?: ".", name, NULL);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

gint64
test_thread_cpu_time (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * G_GINT64_CONSTANT (1000000) + now.tv_nsec / 1000;
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 first = *(const gint64 *) a;
  gint64 second = *(const gint64 *) b;

  return (first > second) - (first < second);
}

void
test_sort_times (GArray *times)
{
  g_array_sort (times, compare_times);
}

typedef struct
{
  GListModel *model;
  guint       n;
} ItemsWanted;

static gboolean
has_n_items (gpointer data)
{
  ItemsWanted *wanted = data;

  return g_list_model_get_n_items (wanted->model) == wanted->n;
}

void
test_wait_for_n_items (GListModel *model,
                       guint       n)
{
  ItemsWanted wanted = { model, n };

  test_wait_until (has_n_items, &wanted);
}
