/* hs-window-leaks.c — the main window's Leaks page: from a suspect to its
 * instances, or to the referrers or the graph of its first instance; from a
 * group of its why view to the path or the graph of one of its instances
 *
 * Show Instances selects the type on the Types page, which lists its
 * instances below. Referrers and Show Graph do the same without leaving the
 * Leaks page, wait for the instances to be listed, select the first, and
 * then show its referrers or its graph: the page the user asked for, reached
 * the way a click on the instance would reach it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hs-window-private.h"

/* Selects @type_name on the Types page and scrolls to it; FALSE if the
 * table does not show it. */
static gboolean
select_type_row (HsWindow   *self,
                 const char *type_name)
{
  GtkColumnView *view = hs_types_page_get_column_view (self->types_page);
  guint position = hs_types_page_find_row (self->types_page, type_name);

  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_selection_model_select_item (gtk_column_view_get_model (view), position, TRUE);
  /* The column view's list, a child of it, has the action. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_activate_action (child, "list.scroll-to-item", "u", position))
      break;
  return TRUE;
}

/* The Types page selects @type_name (clearing a filter that hides it), and
 * the instances view lists its instances. */
static void
show_type (HsWindow   *self,
           const char *type_name)
{
  if (!select_type_row (self, type_name))
    {
      hs_types_page_set_filter_text (self->types_page, "");
      select_type_row (self, type_name);
    }
  /* A type the table does not show (a census of before the leak) is listed all the same. */
  hs_instances_view_set_type_name (self->instances_view, type_name);
}

static void
stop_following (HsWindow *self)
{
  if (self->leak_list == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->leak_list, self);
  g_clear_object (&self->leak_list);
}

/* Once the instances are listed: the first one's referrers, or its graph. */
static void
follow_first_instance (HsWindow *self)
{
  g_autoptr(HsInstanceList) list = NULL;
  const HsObjectRef *object;
  const GError *error;
  g_autofree char *text = NULL;

  if (self->leak_list == NULL || hs_instance_list_get_loading (self->leak_list))
    return;
  list = g_object_ref (self->leak_list);
  stop_following (self);
  /* The user chose another type meanwhile. */
  if (list != hs_instances_view_get_list (self->instances_view))
    return;

  error = hs_instance_list_get_error (list);
  if (error != NULL)
    {
      _hs_window_toast (self, error->message);
      return;
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (list)) == 0)
    {
      text = g_strdup_printf (_("No instance of %s is alive any more"), hs_instance_list_get_type_name (list));
      _hs_window_toast (self, text);
      return;
    }
  hs_instances_view_select (self->instances_view, 0);
  object = hs_instances_view_get_selected (self->instances_view);
  if (object == NULL)
    {
      hs_window_show_page (self, "types");
      return;
    }
  /* The inspector, and the referrer tree after it, follow the selection;
   * this says it again in case the first instance was selected already. */
  hs_object_inspector_set_object (self->inspector, object);
  if (self->leak_follow == HS_LEAK_FOLLOW_GRAPH)
    {
      hs_graph_page_show_object (self->graph_page, object);
      hs_window_show_page (self, "graph");
    }
  else
    hs_window_show_page (self, "referrers");
}

static void
on_leak_list_loading (HsInstanceList *list,
                      GParamSpec     *pspec,
                      HsWindow       *self)
{
  follow_first_instance (self);
}

static void
follow (HsWindow     *self,
        const char   *type_name,
        HsLeakFollow  what)
{
  HsInstanceList *list;

  if (self->session == NULL)
    return;
  stop_following (self);
  show_type (self, type_name);
  if (what == HS_LEAK_FOLLOW_INSTANCES)
    {
      hs_window_show_page (self, "types");
      return;
    }
  list = hs_instances_view_get_list (self->instances_view);
  if (list == NULL)
    return;
  self->leak_follow = what;
  self->leak_list = g_object_ref (list);
  g_signal_connect (list, "notify::loading", G_CALLBACK (on_leak_list_loading), self);
  g_signal_connect (list, "notify::error", G_CALLBACK (on_leak_list_loading), self);
  follow_first_instance (self);
}

static void
on_leak_show_instances (HsLeaksPage *page,
                        const char  *type_name,
                        HsWindow    *self)
{
  follow (self, type_name, HS_LEAK_FOLLOW_INSTANCES);
}

static void
on_leak_show_referrers (HsLeaksPage *page,
                        const char  *type_name,
                        HsWindow    *self)
{
  follow (self, type_name, HS_LEAK_FOLLOW_REFERRERS);
}

static void
on_leak_show_graph (HsLeaksPage *page,
                    const char  *type_name,
                    HsWindow    *self)
{
  follow (self, type_name, HS_LEAK_FOLLOW_GRAPH);
}

/* A group of the why view: the path of one of its instances, found on the
 * Referrers page as Path to Root finds it. */
static void
on_leak_show_path (HsLeaksPage       *page,
                   const HsObjectRef *object,
                   HsWindow          *self)
{
  stop_following (self);
  hs_object_inspector_set_object (self->inspector, object);
  hs_referrers_page_set_object (self->referrers_page, object);
  hs_window_show_page (self, "referrers");
  hs_referrers_page_find_path (self->referrers_page);
}

static void
on_leak_show_object_graph (HsLeaksPage       *page,
                           const HsObjectRef *object,
                           HsWindow          *self)
{
  stop_following (self);
  hs_object_inspector_set_object (self->inspector, object);
  hs_graph_page_show_object (self->graph_page, object);
  hs_window_show_page (self, "graph");
}

static void
on_leaks_notice (HsLeaksPage *page,
                 const char  *text,
                 HsWindow    *self)
{
  _hs_window_toast (self, text);
}

void
_hs_window_class_leaks_init (HsWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (HS_TYPE_LEAKS_PAGE);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, leaks_page);
  gtk_widget_class_bind_template_callback (widget_class, on_leak_show_instances);
  gtk_widget_class_bind_template_callback (widget_class, on_leak_show_referrers);
  gtk_widget_class_bind_template_callback (widget_class, on_leak_show_graph);
  gtk_widget_class_bind_template_callback (widget_class, on_leak_show_path);
  gtk_widget_class_bind_template_callback (widget_class, on_leak_show_object_graph);
  gtk_widget_class_bind_template_callback (widget_class, on_leaks_notice);
}

void
_hs_window_leaks_set_session (HsWindow  *self,
                              HsSession *session)
{
  stop_following (self);
  hs_leaks_page_set_session (self->leaks_page, session);
}

void
_hs_window_leaks_dispose (HsWindow *self)
{
  stop_following (self);
}
