/* hs-instances-view.c — the instances of one type: address, flat size and a
 * short description, largest first (or by deep size), paged in as scrolled
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
  GtkWidget           parent_instance;

  HsSession          *session;
  char               *type_name;
  gboolean            by_deep_size;
  HsInstanceList     *list;

  GtkLabel           *title;
  GtkToggleButton    *deep_toggle;
  GtkWidget          *busy_box;
  GtkSpinner         *spinner;
  GtkStack           *stack;
  GtkColumnView      *column_view;
  GtkSingleSelection *selection;
  HsStatus           *status;
};

G_DEFINE_FINAL_TYPE (HsInstancesView, hs_instances_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

typedef enum
{
  CELL_ADDRESS,
  CELL_FLAT,
  CELL_TEXT,
} CellKind;

static void
update_cell (GtkListItem *list_item)
{
  CellKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "cell-kind"));
  HsObjectItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const HsObjectRef *ref = item != NULL ? hs_object_item_get_ref (item) : NULL;
  g_autofree char *text = NULL;

  if (ref == NULL)
    {
      /* A placeholder until its page arrives. */
      gtk_label_set_text (GTK_LABEL (label), kind == CELL_TEXT ? _("Loading…") : "");
      gtk_widget_add_css_class (label, "dim-label");
      return;
    }
  gtk_widget_remove_css_class (label, "dim-label");
  switch (kind)
    {
    case CELL_ADDRESS:
      text = g_strdup_printf ("0x%llx", (unsigned long long) ref->address);
      break;
    case CELL_FLAT:
      text = hs_format_bytes (ref->flat);
      break;
    case CELL_TEXT:
      text = g_strdup (ref->text);
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_label_set_text (GTK_LABEL (label), text);
  if (kind == CELL_TEXT)
    gtk_widget_set_tooltip_text (label, text);
}

static void
on_item_loaded (HsObjectItem *item,
                GParamSpec   *pspec,
                GtkListItem  *list_item)
{
  update_cell (list_item);
}

static void
on_cell_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  CellKind kind = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), kind == CELL_FLAT ? 1 : 0);
  if (kind == CELL_TEXT)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  else
    gtk_widget_add_css_class (label, "numeric");
  if (kind == CELL_ADDRESS)
    gtk_widget_add_css_class (label, "monospace");
  g_object_set_data (G_OBJECT (list_item), "cell-kind", user_data);
  gtk_list_item_set_child (list_item, label);
}

static void
on_cell_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  HsObjectItem *item = gtk_list_item_get_item (list_item);

  update_cell (list_item);
  g_signal_connect_object (item, "notify::loaded", G_CALLBACK (on_item_loaded), list_item, 0);
}

static void
on_cell_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  HsObjectItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_func (item, on_item_loaded, list_item);
}

static void
add_column (HsInstancesView *self,
            CellKind         kind,
            const char      *title,
            int              width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "unbind", G_CALLBACK (on_cell_unbind), GINT_TO_POINTER (kind));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (column, width);
  else
    gtk_column_view_column_set_expand (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
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

static void
update_state (HsInstancesView *self)
{
  const GError *error = self->list != NULL ? hs_instance_list_get_error (self->list) : NULL;
  gboolean loading = self->list != NULL && hs_instance_list_get_loading (self->list);
  g_autofree char *title = NULL;

  gtk_widget_set_visible (self->busy_box, loading);
  gtk_spinner_set_spinning (self->spinner, loading);

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
                 _("Turn the deep size order off, or on again, to ask again"));
  else if (error != NULL && g_error_matches (error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED))
    show_status (self, "status", "document-open-recent-symbolic",
                 hs_session_is_read_only (self->session) ? _("Not Listed in This Recording")
                                                          : _("Not Listed Before the Process Ended"),
                 error->message);
  else if (error != NULL)
    show_status (self, "status", "dialog-warning-symbolic", _("Instances Not Available"), error->message);
  else if (loading)
    show_status (self, "status", "content-loading-symbolic",
                 self->by_deep_size ? _("Measuring Deep Sizes…") : _("Listing Instances…"), NULL);
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
  if (self->session != NULL && self->type_name != NULL)
    {
      self->list = hs_instance_list_new (self->session, self->type_name, self->by_deep_size);
      g_signal_connect (self->list, "notify::loading", G_CALLBACK (on_list_notify), self);
      g_signal_connect (self->list, "notify::error", G_CALLBACK (on_list_notify), self);
    }
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->list));
  update_state (self);
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

static void
on_deep_toggled (GtkToggleButton *button,
                 HsInstancesView *self)
{
  hs_instances_view_set_by_deep_size (self, gtk_toggle_button_get_active (button));
}

static void
on_cancel (GtkButton       *button,
           HsInstancesView *self)
{
  if (self->list != NULL)
    hs_instance_list_cancel (self->list);
}

static void
hs_instances_view_dispose (GObject *object)
{
  HsInstancesView *self = (HsInstancesView *) object;
  GtkWidget *child;

  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
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
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hsinstancesview");

  /* The HsObjectRef of the selected instance, once its page has arrived. */
  properties [PROP_SELECTED] =
    g_param_spec_pointer ("selected", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_instances_view_init (HsInstancesView *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  gtk_widget_add_css_class (header, "toolbar");
  self->title = GTK_LABEL (gtk_label_new (_("Instances")));
  gtk_label_set_xalign (self->title, 0);
  gtk_label_set_ellipsize (self->title, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->title), TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->title), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "heading");
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->title));

  self->busy_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_tooltip_text (cancel, _("Stop Listing"));
  g_signal_connect (cancel, "clicked", G_CALLBACK (on_cancel), self);
  gtk_box_append (GTK_BOX (self->busy_box), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (self->busy_box), cancel);
  gtk_widget_set_visible (self->busy_box, FALSE);
  gtk_box_append (GTK_BOX (header), self->busy_box);

  self->deep_toggle = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_Deep Size")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->deep_toggle),
                               _("Order by deep size: the object and all it alone refers to (may be slow)"));
  g_signal_connect (self->deep_toggle, "toggled", G_CALLBACK (on_deep_toggled), self);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->deep_toggle));
  gtk_widget_set_parent (header, GTK_WIDGET (self));

  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_column_separators (self->column_view, FALSE);
  gtk_column_view_set_reorderable (self->column_view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "data-table");
  add_column (self, CELL_ADDRESS, _("Address"), 140);
  add_column (self, CELL_FLAT, _("Flat Size"), 90);
  add_column (self, CELL_TEXT, _("Description"), -1);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (on_selected), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->column_view));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, scroller, "list");
  self->status = HS_STATUS (hs_status_new (FALSE));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->status), "status");
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));
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

  if (!g_set_object (&self->session, session))
    return;
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

void
hs_instances_view_set_by_deep_size (HsInstancesView *self,
                                    gboolean         by_deep_size)
{
  g_return_if_fail (HS_IS_INSTANCES_VIEW (self));

  if (gtk_toggle_button_get_active (self->deep_toggle) != by_deep_size)
    {
      gtk_toggle_button_set_active (self->deep_toggle, by_deep_size);
      return;
    }
  if (self->by_deep_size == by_deep_size)
    return;
  self->by_deep_size = by_deep_size;
  reload (self);
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
