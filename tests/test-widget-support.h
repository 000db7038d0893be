/* test-widget-support.h — what the widget tests share: GTK started as the
 * app starts it, waiting for draws and paints, pictures of what is shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "test-support.h"

G_BEGIN_DECLS

/* gtk_test_init, then libadwaita, with animations off: revealers and stacks
 * land at once, nothing waits on an animation's clock. FALSE, after a TAP
 * plan that skips every test, when there is no display. */
gboolean    test_widgets_init   (int         *argc,
                                 char      ***argv);
/* The app's style sheet, for a widget shown without the application. */
void        test_load_app_style (void);
/* Until @widget has been drawn, and the X server has caught up. */
void        test_wait_for_draw  (GtkWidget   *widget);
/* Until the frame clock has run one more paint, with a draw of @widget
 * queued. */
void        test_wait_for_paint (GtkWidget   *widget);
/* Until @model has @n items: a table adds its first rows a few per frame. */
void        test_wait_for_n_items (GListModel *model,
                                   guint       n);
/* Adds every GtkInscription under @widget (a table's cells) to @cells. */
/* The first of @root and its descendants, depth first, that @match
 * accepts with @data. */
typedef gboolean (*TestWidgetMatch) (GtkWidget     *widget,
                                     gconstpointer  data);
GtkWidget  *test_find_widget    (GtkWidget       *root,
                                 TestWidgetMatch  match,
                                 gconstpointer    data);
/* A TestWidgetMatch: a button (or switch) for the action named @action. */
gboolean    test_is_for_action  (GtkWidget       *widget,
                                 gconstpointer    action);
void        test_collect_inscriptions (GtkWidget  *widget,
                                       GHashTable *cells);
/* What @widget shows, at its size, as its window's renderer draws it. */
GdkTexture *test_render_widget  (GtkWidget   *widget);
/* Saves test_render_widget (@widget) as @name in the build folder
 * (HS_BUILD_ROOT, else the current one), for a person to look at. */
void        test_save_png       (GtkWidget   *widget,
                                 const char  *name);

/* The calling thread's CPU time, in µs: what a busy machine does not stretch. */
gint64      test_thread_cpu_time (void);
/* Sorts @times (gint64) from the shortest. */
void        test_sort_times     (GArray      *times);

G_END_DECLS
