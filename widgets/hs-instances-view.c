/* hs-instances-view.c — the instances of one type: address, flat size and a
 * short description, largest first by flat, deep or retained size (with a
 * column for the latter two), paged in as scrolled
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-format.h"
#include "hs-instances-view.h"
#include "hs-status.h"

struct _HsInstancesView
{
  GtkWidget            parent_instance;

  HsSession           *session;
  char                *type_name;
  HsInstanceOrder      order;
  HsInstanceList      *list;
  double               listed_at;   /* seconds into the run the list came; < 0: not yet */
  GtkSingleSelection  *selection;

  /* Template children. */
  GtkLabel            *title;
  GtkLabel            *listed_at_label;
  GtkWidget           *list_again_button;
  GtkToggleButton     *flat_toggle;
  GtkToggleButton     *deep_toggle;
  GtkToggleButton     *retained_toggle;
  GtkWidget           *busy_box;
  GtkSpinner          *spinner;
  GtkStack            *stack;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *size_column;
  HsStatus            *status;
};

G_DEFINE_FINAL_TYPE (HsInstancesView, hs_instances_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/* The cells' closures (hs-instances-view-*-cell.ui), evaluated again when
 * a placeholder row's page arrives: its instance, or NULL until then. */
static const HsObjectRef *
cell_ref (GtkListItem *list_item)
{
  HsObjectItem *item = gtk_list_item_get_item (list_item);

  return item != NULL ? hs_object_item_get_ref (item) : NULL;
}

static char *
format_address (GtkListItem *list_item,
                gboolean     loaded)
{
  const HsObjectRef *ref = cell_ref (list_item);

  return ref != NULL ? g_strdup_printf ("0x%llx", (unsigned long long) ref->address) : NULL;
}

static char *
format_flat_size (GtkListItem *list_item,
                  gboolean     loaded)
{
  const HsObjectRef *ref = cell_ref (list_item);

  return ref != NULL ? hs_format_bytes (ref->flat) : NULL;
}

/* The size the list is in order of: an instance has its deep or its
 * retained size, the other -1; neither, one outside the dominator tree. */
static char *
format_ordered_size (GtkListItem *list_item,
                     gboolean     loaded)
{
  const HsObjectRef *ref = cell_ref (list_item);

  if (ref == NULL)
    return NULL;
  if (ref->retained >= 0)
    return hs_format_bytes (ref->retained);
  if (ref->deep >= 0)
    return hs_format_bytes (ref->deep);
  return g_strdup ("—");
}

static char *
ordered_size_tooltip (GtkListItem *list_item,
                      gboolean     loaded)
{
  const HsObjectRef *ref = cell_ref (list_item);

  if (ref == NULL || ref->retained >= 0 || ref->deep >= 0)
    return NULL;
  return g_strdup (_("Not reachable from the program: garbage the collector has not freed yet, or held only by Heapscope"));
}

static char *
describe (GtkListItem *list_item,
          gboolean     loaded)
{
  const HsObjectRef *ref = cell_ref (list_item);

  return g_strdup (ref != NULL ? ref->text : _("Loading…"));
}

static char *
describe_in_full (GtkListItem *list_item,
                  gboolean     loaded)
{
  const HsObjectRef *ref = cell_ref (list_item);

  return ref != NULL ? g_strdup (ref->text) : NULL;
}

static GStrv
description_css_classes (GtkListItem *list_item,
                         gboolean     loaded)
{
  const char *placeholder[] = { "dim-label", NULL };

  return g_strdupv (cell_ref (list_item) != NULL ? NULL : (char **) placeholder);
}

static void
show_status (HsInstancesView *self,
             const char      *name,
             const char      *icon,
             const char      *title,
             const char      *text)
{
  hs_status_set (self->status, icon, title, text);
  gtk_stack_set_visible_child_name (self->stack, name);
}

/* Seconds into the run now, or -1 when the run's start is unknown. */
static double
run_time (HsSession *session)
{
  gint64 started = hs_session_get_started_at (session);

  return started > 0 ? MAX (g_get_real_time () - started, 0) / (double) G_USEC_PER_SEC : -1;
}

/* A list is of the heap when it came: say when, and offer to list again
 * while the program runs. */
static void
update_listed_at (HsInstancesView *self,
                  gboolean         loading,
                  const GError    *error)
{
  gboolean listed = self->list != NULL && !loading && error == NULL;

  if (listed && self->listed_at < 0 && hs_session_is_live (self->session))
    {
      g_autofree char *when = NULL;
      g_autofree char *text = NULL;

      self->listed_at = run_time (self->session);
      if (self->listed_at >= 0)
        {
          when = hs_format_duration (self->listed_at);
          /* Translators: when a list of instances was made, "Listed at 12.4 s" into the run */
          text = g_strdup_printf (_("Listed at %s"), when);
          gtk_label_set_text (self->listed_at_label, text);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->listed_at_label), listed && self->listed_at >= 0);
  gtk_widget_set_visible (self->list_again_button,
                          listed && self->session != NULL && hs_session_is_live (self->session));
}

static void
update_state (HsInstancesView *self)
{
  const GError *error = self->list != NULL ? hs_instance_list_get_error (self->list) : NULL;
  gboolean loading = self->list != NULL && hs_instance_list_get_loading (self->list);
  g_autofree char *title = NULL;

  gtk_widget_set_visible (self->busy_box, loading);
  gtk_spinner_set_spinning (self->spinner, loading);
  update_listed_at (self, loading, error);

  if (self->type_name == NULL)
    {
      gtk_label_set_text (self->title, _("Instances"));
      show_status (self, "status", "view-list-symbolic", _("No Type Selected"),
                   _("Select a type to list its instances"));
      return;
    }
  /* Without an answer there is no count to give: "0 Instances" would be wrong. */
  if (loading || error != NULL)
    title = g_strdup_printf (_("Instances of %s"), self->type_name);
  else
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
      g_autofree char *count = hs_format_count (n);

      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s Instance of %s", "%s Instances of %s", n),
                               count, self->type_name);
    }
  gtk_label_set_text (self->title, title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title), title);

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_status (self, "status", "process-stop-symbolic", _("Listing Cancelled"),
                 _("Choose the order again to ask again"));
  else if (error != NULL && g_error_matches (error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED))
    show_status (self, "status", "document-open-recent-symbolic",
                 hs_session_is_read_only (self->session) ? _("Not Listed in This Recording")
                                                          : _("Not Listed Before the Process Ended"),
                 error->message);
  else if (error != NULL)
    show_status (self, "status", "dialog-warning-symbolic", _("Instances Not Available"), error->message);
  else if (loading)
    show_status (self, "status", "content-loading-symbolic",
                 self->order == HS_INSTANCE_ORDER_DEEP ? _("Measuring Deep Sizes…")
                 : self->order == HS_INSTANCE_ORDER_RETAINED ? _("Computing Retained Sizes…")
                 : _("Listing Instances…"), NULL);
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0)
    show_status (self, "status", "edit-find-symbolic", _("No Instances"),
                 _("None of this type is alive any more"));
  else
    gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
on_list_notify (HsInstanceList  *list,
                GParamSpec      *pspec,
                HsInstancesView *self)
{
  update_state (self);
}

static void
reload (HsInstancesView *self)
{
  if (self->list != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->list, self);
      hs_instance_list_cancel (self->list);
    }
  g_clear_object (&self->list);
  self->listed_at = -1;
  if (self->session != NULL && self->type_name != NULL)
    {
      self->list = hs_instance_list_new (self->session, self->type_name, self->order);
      g_signal_connect (self->list, "notify::loading", G_CALLBACK (on_list_notify), self);
      g_signal_connect (self->list, "notify::error", G_CALLBACK (on_list_notify), self);
    }
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->list));
  update_state (self);
}

static void
on_list_again (GtkButton       *button,
               HsInstancesView *self)
{
  reload (self);
}

static void
on_item_filled (HsObjectItem    *item,
                GParamSpec      *pspec,
                HsInstancesView *self)
{
  g_signal_handlers_disconnect_by_func (item, on_item_filled, self);
  if (gtk_single_selection_get_selected_item (self->selection) == (gpointer) item)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SELECTED]);
}

/* A placeholder selected is shown once its page arrives. */
static void
on_selected (GtkSingleSelection *selection,
             GParamSpec         *pspec,
             HsInstancesView    *self)
{
  HsObjectItem *item = gtk_single_selection_get_selected_item (selection);

  if (item != NULL && !hs_object_item_get_loaded (item))
    g_signal_connect_object (item, "notify::loaded", G_CALLBACK (on_item_filled), self, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SELECTED]);
}

static GtkToggleButton *
order_toggle (HsInstancesView *self,
              HsInstanceOrder  order)
{
  return order == HS_INSTANCE_ORDER_DEEP ? self->deep_toggle
         : order == HS_INSTANCE_ORDER_RETAINED ? self->retained_toggle
         : self->flat_toggle;
}

static HsInstanceOrder
toggle_order (HsInstancesView *self,
              GtkToggleButton *button)
{
  return button == self->deep_toggle ? HS_INSTANCE_ORDER_DEEP
         : button == self->retained_toggle ? HS_INSTANCE_ORDER_RETAINED
         : HS_INSTANCE_ORDER_FLAT;
}

/* A choice in the group toggles twice: the button that goes off, then the
 * one that comes on, which names the order. */
static void
on_order_toggled (GtkToggleButton *button,
                  HsInstancesView *self)
{
  if (gtk_toggle_button_get_active (button))
    hs_instances_view_set_order (self, toggle_order (self, button));
}

/* Choosing the order shown again (a click on the active button, which
 * stays on) asks again after a cancel or a failure. */
static void
on_order_clicked (GtkButton       *button,
                  HsInstancesView *self)
{
  GtkToggleButton *toggle = GTK_TOGGLE_BUTTON (button);

  if (gtk_toggle_button_get_active (toggle) && toggle_order (self, toggle) == self->order &&
      self->list != NULL && hs_instance_list_get_error (self->list) != NULL)
    reload (self);
}

/* Retained sizes are asked only of an agent that can compute them; the
 * tooltip says why not. */
static void
update_retained_toggle (HsInstancesView *self)
{
  gboolean can = self->session != NULL && hs_session_can_retain (self->session);
  const char *tip;

  if (can || self->session == NULL)
    tip = _("Order by retained size: the bytes that would be freed if the object went away (walks the whole heap)");
  else if (hs_session_is_live (self->session))
    tip = _("This Python cannot compute retained sizes: the agent’s C part is missing");
  else
    tip = _("Retained sizes are computed in a running program: run the script again, or keep its process at exit");
  gtk_widget_set_sensitive (GTK_WIDGET (self->retained_toggle), can);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->retained_toggle), tip);
}

static void
on_cancel (GtkButton       *button,
           HsInstancesView *self)
{
  if (self->list != NULL)
    hs_instance_list_cancel (self->list);
}

/* The column of the size the list is in order of, when not the flat one.
 * Removed rather than hidden: GTK 4.8 keeps a hidden column's width out of
 * the Description column's share, leaving a blank strip on the right. */
static void
show_size_column (HsInstancesView *self,
                  gboolean         shown)
{
  if (shown == (gtk_column_view_column_get_column_view (self->size_column) != NULL))
    return;
  if (shown)
    gtk_column_view_insert_column (self->column_view, 2, self->size_column);
  else
    gtk_column_view_remove_column (self->column_view, self->size_column);
}

static void
hs_instances_view_dispose (GObject *object)
{
  HsInstancesView *self = (HsInstancesView *) object;
  GtkWidget *child;

  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->size_column);    /* the ref init took */
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_INSTANCES_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->session);
  g_clear_pointer (&self->type_name, g_free);
  G_OBJECT_CLASS (hs_instances_view_parent_class)->dispose (object);
}

static void
hs_instances_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_pointer (value, (gpointer) hs_instances_view_get_selected (HS_INSTANCES_VIEW (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_instances_view_class_init (HsInstancesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_instances_view_dispose;
  object_class->get_property = hs_instances_view_get_property;
  gtk_widget_class_set_css_name (widget_class, "hsinstancesview");

  /* The template and the cells name these types. */
  g_type_ensure (HS_TYPE_STATUS);
  g_type_ensure (HS_TYPE_OBJECT_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-instances-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, title);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, listed_at_label);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, list_again_button);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, flat_toggle);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, deep_toggle);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, retained_toggle);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, busy_box);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, spinner);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, stack);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, column_view);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, size_column);
  gtk_widget_class_bind_template_child (widget_class, HsInstancesView, status);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel);
  gtk_widget_class_bind_template_callback (widget_class, on_order_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_order_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_list_again);
  gtk_widget_class_bind_template_callback (widget_class, format_address);
  gtk_widget_class_bind_template_callback (widget_class, format_flat_size);
  gtk_widget_class_bind_template_callback (widget_class, format_ordered_size);
  gtk_widget_class_bind_template_callback (widget_class, ordered_size_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, describe);
  gtk_widget_class_bind_template_callback (widget_class, describe_in_full);
  gtk_widget_class_bind_template_callback (widget_class, description_css_classes);

  /* The HsObjectRef of the selected instance, once its page has arrived. */
  properties [PROP_SELECTED] =
    g_param_spec_pointer ("selected", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_instances_view_init (HsInstancesView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_object_ref (self->size_column);      /* kept while out of the view */
  show_size_column (self, FALSE);

  self->listed_at = -1;
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (on_selected), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  update_retained_toggle (self);
  update_state (self);
}

GtkWidget *
hs_instances_view_new (void)
{
  return g_object_new (HS_TYPE_INSTANCES_VIEW, NULL);
}

void
hs_instances_view_set_session (HsInstancesView *self,
                               HsSession       *session)
{
  g_return_if_fail (HS_IS_INSTANCES_VIEW (self));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      /* Whether it can retain changes with the hello and the end. */
      g_signal_connect_swapped (session, "notify::state", G_CALLBACK (update_retained_toggle), self);
      g_signal_connect_swapped (session, "notify::python-version", G_CALLBACK (update_retained_toggle), self);
      g_signal_connect_swapped (session, "notify::live", G_CALLBACK (update_retained_toggle), self);
      g_signal_connect_swapped (session, "notify::live", G_CALLBACK (update_state), self);
    }
  update_retained_toggle (self);
  g_clear_pointer (&self->type_name, g_free);
  reload (self);
}

/* Lists the instances of the census row @type_name (NULL: none). */
void
hs_instances_view_set_type_name (HsInstancesView *self,
                                 const char      *type_name)
{
  g_return_if_fail (HS_IS_INSTANCES_VIEW (self));

  if (g_strcmp0 (self->type_name, type_name) == 0)
    return;
  g_free (self->type_name);
  self->type_name = g_strdup (type_name);
  reload (self);
}

/* Lists the instances largest first by @order's size; deep and retained
 * sizes show in a column of their own. */
void
hs_instances_view_set_order (HsInstancesView *self,
                             HsInstanceOrder  order)
{
  GtkToggleButton *button;

  g_return_if_fail (HS_IS_INSTANCES_VIEW (self));
  g_return_if_fail (order <= HS_INSTANCE_ORDER_RETAINED);

  /* Its toggled handler comes back here, with the button on. */
  button = order_toggle (self, order);
  if (!gtk_toggle_button_get_active (button))
    {
      gtk_toggle_button_set_active (button, TRUE);
      return;
    }
  if (self->order == order)
    return;
  self->order = order;
  show_size_column (self, order != HS_INSTANCE_ORDER_FLAT);
  gtk_column_view_column_set_title (self->size_column,
                                    order == HS_INSTANCE_ORDER_RETAINED ? _("Retained Size") : _("Deep Size"));
  reload (self);
}

HsInstanceOrder
hs_instances_view_get_order (HsInstancesView *self)
{
  g_return_val_if_fail (HS_IS_INSTANCES_VIEW (self), HS_INSTANCE_ORDER_FLAT);
  return self->order;
}

HsInstanceList *
hs_instances_view_get_list (HsInstancesView *self)
{
  g_return_val_if_fail (HS_IS_INSTANCES_VIEW (self), NULL);
  return self->list;
}

GtkColumnView *
hs_instances_view_get_column_view (HsInstancesView *self)
{
  g_return_val_if_fail (HS_IS_INSTANCES_VIEW (self), NULL);
  return self->column_view;
}

void
hs_instances_view_select (HsInstancesView *self,
                          guint            position)
{
  g_return_if_fail (HS_IS_INSTANCES_VIEW (self));

  gtk_single_selection_set_selected (self->selection, position);
}

/* The selected instance, or NULL (nothing selected, or its page not yet here). */
const HsObjectRef *
hs_instances_view_get_selected (HsInstancesView *self)
{
  HsObjectItem *item;

  g_return_val_if_fail (HS_IS_INSTANCES_VIEW (self), NULL);

  item = gtk_single_selection_get_selected_item (self->selection);
  return item != NULL ? hs_object_item_get_ref (item) : NULL;
}

/* "list" or "status": what the view shows in place. */
const char *
hs_instances_view_get_state (HsInstancesView *self)
{
  g_return_val_if_fail (HS_IS_INSTANCES_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/* The status shown in place of the list: "This object no longer exists", … */
const char *
hs_instances_view_get_title (HsInstancesView *self)
{
  g_return_val_if_fail (HS_IS_INSTANCES_VIEW (self), NULL);
  return gtk_label_get_text (self->title);
}

const char *
hs_instances_view_get_message (HsInstancesView *self)
{
  g_return_val_if_fail (HS_IS_INSTANCES_VIEW (self), NULL);
  return hs_status_get_text (self->status);
}
