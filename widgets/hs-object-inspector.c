/* hs-object-inspector.c — one object: type, address, flat/basic/item/deep
 * size, its asized(detail=N) breakdown as a tree, and its referents, each of
 * which can be inspected in turn
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-format.h"
#include "hs-object-inspector.h"
#include "hs-object-item.h"
#include "hs-status.h"
#include "hs-wire.h"

/* A node of the breakdown, as a list row. */
#define HS_TYPE_SIZE_ROW (hs_size_row_get_type ())
G_DECLARE_FINAL_TYPE (HsSizeRow, hs_size_row, HS, SIZE_ROW, GObject)

struct _HsSizeRow
{
  GObject           parent_instance;

  HsObjectDetails  *details;    /* owns the node */
  const HsSizeNode *node;
};

G_DEFINE_FINAL_TYPE (HsSizeRow, hs_size_row, G_TYPE_OBJECT)

static void
hs_size_row_finalize (GObject *object)
{
  g_clear_pointer (&HS_SIZE_ROW (object)->details, hs_object_details_unref);
  G_OBJECT_CLASS (hs_size_row_parent_class)->finalize (object);
}

static void
hs_size_row_class_init (HsSizeRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_size_row_finalize;
}

static void
hs_size_row_init (HsSizeRow *self)
{
}

static HsSizeRow *
hs_size_row_new (HsObjectDetails  *details,
                 const HsSizeNode *node)
{
  HsSizeRow *self = g_object_new (HS_TYPE_SIZE_ROW, NULL);

  self->details = hs_object_details_ref (details);
  self->node = node;
  return self;
}

static GListModel *
create_size_children (gpointer item,
                      gpointer user_data)
{
  HsSizeRow *row = item;
  GListStore *children;

  if (row->node->children->len == 0)
    return NULL;
  children = g_list_store_new (HS_TYPE_SIZE_ROW);
  for (guint i = 0; i < row->node->children->len; i++)
    {
      g_autoptr(HsSizeRow) child = hs_size_row_new (row->details, g_ptr_array_index (row->node->children, i));

      g_list_store_append (children, child);
    }
  return G_LIST_MODEL (children);
}

struct _HsObjectInspector
{
  GtkWidget         parent_instance;

  HsSession        *session;
  HsObjectRef      *object;
  HsObjectDetails  *details;
  GCancellable     *cancellable;
  int               detail;

  GtkStack         *stack;
  GtkLabel         *type_label;
  GtkLabel         *address_label;
  GtkLabel         *text_label;
  GtkLabel         *sizes[4];
  GtkLabel         *retained_label;   /* what would be freed with it, when measured */
  GtkWidget        *retained_button;
  GCancellable     *retained_cancellable;
  GtkSpinner       *spinner;
  GtkLabel         *message;
  GtkSpinButton    *detail_spin;
  GListStore       *breakdown_roots;
  GtkTreeListModel *breakdown;
  GListStore       *referents;
  GtkLabel         *referents_title;
  GtkListView      *referents_view;
  GtkWidget        *referents_scroller;
};

G_DEFINE_FINAL_TYPE (HsObjectInspector, hs_object_inspector, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_OBJECT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static const char *size_names[] = { "flat", "basic", "item", "deep" };

static void
drop_referents (HsObjectInspector *self)
{
  g_autoptr(GArray) handles = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->referents)); i++)
    {
      g_autoptr(HsObjectItem) item = g_list_model_get_item (G_LIST_MODEL (self->referents), i);

      g_array_append_val (handles, hs_object_item_get_ref (item)->handle);
    }
  if (self->session != NULL && handles->len > 0)
    hs_session_drop_handles (self->session, (const gint64 *) handles->data, handles->len);
  g_list_store_remove_all (self->referents);
}

static void
set_sizes (HsObjectInspector *self,
           const gint64       values[4])
{
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *text = values[i] >= 0 ? hs_format_bytes (values[i]) : g_strdup ("—");

      gtk_label_set_text (self->sizes[i], text);
    }
}

static void
show_message (HsObjectInspector *self,
              const char        *text,
              gboolean           busy,
              gboolean           error)
{
  gtk_label_set_text (self->message, text != NULL ? text : "");
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->message)), text != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message), "error");
}

static void
on_described (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsObjectDetails) details = hs_session_describe_object_finish (HS_SESSION (source), result, &error);
  HsObjectInspector *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HS_OBJECT_INSPECTOR (user_data);
  g_clear_object (&self->cancellable);
  if (details == NULL)
    {
      show_message (self, error->message, FALSE, TRUE);
      return;
    }
  g_clear_pointer (&self->details, hs_object_details_unref);
  self->details = hs_object_details_ref (details);
  {
    gint64 values[4] = { details->object->flat, details->basic, details->item, details->deep };

    set_sizes (self, values);
  }
  gtk_label_set_text (self->text_label, details->object->text);
  if (details->breakdown != NULL)
    {
      g_autoptr(HsSizeRow) root = hs_size_row_new (details, details->breakdown);

      g_list_store_append (self->breakdown_roots, root);
    }
  for (guint i = 0; i < details->referents->len; i++)
    {
      const HsObjectRef *ref = g_ptr_array_index (details->referents, i);
      g_autoptr(HsObjectItem) item = hs_object_item_new (ref);

      hs_session_hold_handles (self->session, &ref->handle, 1);
      g_list_store_append (self->referents, item);
    }
  {
    g_autofree char *title = NULL;

    if (details->n_referents > (gint64) details->referents->len)
      title = g_strdup_printf (_("Refers To (first %u of %lld)"), details->referents->len,
                               (long long) details->n_referents);
    else
      title = g_strdup_printf (_("Refers To (%lld)"), (long long) details->n_referents);
    gtk_label_set_text (self->referents_title, title);
    gtk_widget_set_visible (self->referents_scroller, details->referents->len > 0);
  }
  show_message (self, details->breakdown == NULL ? _("The agent cannot size this object deeply") : NULL, FALSE, FALSE);
}

/* The retained size, not measured yet: it walks the whole heap, so only
 * when asked (or from the tree the agent kept). */
static void
reset_retained (HsObjectInspector *self)
{
  if (self->retained_cancellable != NULL)
    g_cancellable_cancel (self->retained_cancellable);
  g_clear_object (&self->retained_cancellable);
  gtk_label_set_text (self->retained_label, "—");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->retained_label),
                               _("The bytes that would be freed if the object went away: what it holds alone"));
  gtk_widget_set_visible (self->retained_button, TRUE);
  gtk_widget_set_sensitive (self->retained_button, self->session != NULL && hs_session_can_retain (self->session));
}

static void
on_retained (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsReply) reply = hs_session_query_finish (HS_SESSION (source), result, &error);
  HsObjectInspector *self;
  HsRetainedSize size;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HS_OBJECT_INSPECTOR (user_data);
  g_clear_object (&self->retained_cancellable);
  gtk_widget_set_sensitive (self->retained_button, TRUE);
  if (reply == NULL || reply->kind != HS_REPLY_RETAINED || reply->retained->len != 1)
    {
      show_message (self, error != NULL ? error->message : _("The agent did not answer with retained sizes"), FALSE, TRUE);
      return;
    }
  size = g_array_index (reply->retained, HsRetainedSize, 0);
  gtk_widget_set_visible (self->retained_button, FALSE);
  if (size.bytes < 0)
    {
      gtk_label_set_text (self->retained_label, "—");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->retained_label),
                                   _("Not reachable from the program: garbage the collector has not freed yet, or held only by Heapscope"));
      return;
    }
  {
    g_autofree char *bytes = hs_format_bytes (size.bytes);
    g_autofree char *objects = hs_format_count (size.objects);
    g_autofree char *tip = g_strdup_printf (_("%s objects, %.1f %% of the heap: what would be freed if it went away"),
                                            objects, reply->tree.total_bytes > 0
                                            ? 100.0 * size.bytes / reply->tree.total_bytes : 0.0);

    gtk_label_set_text (self->retained_label, bytes);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->retained_label), tip);
  }
}

static void
on_measure_retained (GtkButton         *button,
                     HsObjectInspector *self)
{
  g_autoptr(JsonNode) request = NULL;

  if (self->object == NULL || self->session == NULL || !hs_session_can_retain (self->session))
    return;
  reset_retained (self);
  request = hs_wire_retained_request (&self->object->handle, 1, FALSE);
  self->retained_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (self->retained_button, FALSE);
  hs_session_query_async (self->session, request, self->retained_cancellable, on_retained, self);
}

static void
ask (HsObjectInspector *self)
{
  gint64 unknown[4] = { -1, -1, -1, -1 };

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->details, hs_object_details_unref);
  g_list_store_remove_all (self->breakdown_roots);
  drop_referents (self);
  gtk_label_set_text (self->referents_title, _("Refers To"));

  if (self->object == NULL || self->session == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "object");
  {
    g_autofree char *address = g_strdup_printf ("0x%llx", (unsigned long long) self->object->address);

    gtk_label_set_text (self->type_label, self->object->type_name);
    gtk_label_set_text (self->address_label, address);
    gtk_label_set_text (self->text_label, self->object->text);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->text_label), self->object->text);
  }
  unknown[0] = self->object->flat;
  set_sizes (self, unknown);
  reset_retained (self);
  show_message (self, _("Measuring…"), TRUE, FALSE);
  self->cancellable = g_cancellable_new ();
  hs_session_describe_object_async (self->session, self->object->handle, self->detail,
                                    self->cancellable, on_described, self);
}

static void
on_detail_changed (GtkSpinButton     *spin,
                   HsObjectInspector *self)
{
  hs_object_inspector_set_detail (self, gtk_spin_button_get_value_as_int (spin));
}

static void
on_referent_activate (GtkListView       *view,
                      guint              position,
                      HsObjectInspector *self)
{
  hs_object_inspector_activate_referent (self, position);
}

static void
on_size_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *size = gtk_label_new (NULL);
  GtkWidget *flat = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_label_set_xalign (GTK_LABEL (size), 1);
  gtk_label_set_xalign (GTK_LABEL (flat), 1);
  gtk_label_set_width_chars (GTK_LABEL (size), 10);
  gtk_label_set_width_chars (GTK_LABEL (flat), 14);
  gtk_widget_add_css_class (size, "numeric");
  gtk_widget_add_css_class (flat, "numeric");
  gtk_widget_add_css_class (flat, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), size);
  gtk_box_append (GTK_BOX (box), flat);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
}

static void
on_size_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  HsSizeRow *size_row = gtk_tree_list_row_get_item (row);
  GtkWidget *name = gtk_widget_get_first_child (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander)));
  GtkWidget *size = gtk_widget_get_next_sibling (name);
  GtkWidget *flat = gtk_widget_get_next_sibling (size);
  g_autofree char *size_text = hs_format_bytes (size_row->node->size);
  g_autofree char *flat_bytes = hs_format_bytes (size_row->node->flat);
  g_autofree char *flat_text = g_strdup_printf (_("flat %s"), flat_bytes);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_text (GTK_LABEL (name), size_row->node->name);
  gtk_widget_set_tooltip_text (name, size_row->node->name);
  gtk_label_set_text (GTK_LABEL (size), size_text);
  gtk_label_set_text (GTK_LABEL (flat), flat_text);
  g_object_unref (size_row);
}

static void
on_size_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item)), NULL);
}

static void
on_referent_setup (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *type = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);
  GtkWidget *size = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (type), 0);
  gtk_label_set_width_chars (GTK_LABEL (type), 12);
  gtk_label_set_max_width_chars (GTK_LABEL (type), 24);
  gtk_label_set_ellipsize (GTK_LABEL (type), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (type, "heading");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_add_css_class (size, "numeric");
  gtk_widget_add_css_class (size, "dim-label");
  gtk_box_append (GTK_BOX (box), type);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), size);
  gtk_list_item_set_child (list_item, box);
}

static void
on_referent_bind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  const HsObjectRef *ref = hs_object_item_get_ref (gtk_list_item_get_item (list_item));
  GtkWidget *type = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));
  GtkWidget *text = gtk_widget_get_next_sibling (type);
  GtkWidget *size = gtk_widget_get_next_sibling (text);
  g_autofree char *flat = hs_format_bytes (ref->flat);

  gtk_label_set_text (GTK_LABEL (type), ref->type_name);
  gtk_label_set_text (GTK_LABEL (text), ref->text);
  gtk_widget_set_tooltip_text (text, ref->text);
  gtk_label_set_text (GTK_LABEL (size), flat);
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
hs_object_inspector_dispose (GObject *object)
{
  HsObjectInspector *self = (HsObjectInspector *) object;
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->retained_cancellable != NULL)
    g_cancellable_cancel (self->retained_cancellable);
  g_clear_object (&self->retained_cancellable);
  if (self->referents != NULL)
    drop_referents (self);
  if (self->object != NULL && self->session != NULL)
    hs_session_drop_handles (self->session, &self->object->handle, 1);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->breakdown);
  g_clear_object (&self->referents);
  g_clear_pointer (&self->details, hs_object_details_unref);
  g_clear_pointer (&self->object, hs_object_ref_free);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (hs_object_inspector_parent_class)->dispose (object);
}

static void
hs_object_inspector_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_OBJECT:
      g_value_set_pointer (value, HS_OBJECT_INSPECTOR (object)->object);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_object_inspector_class_init (HsObjectInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_object_inspector_dispose;
  object_class->get_property = hs_object_inspector_get_property;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hsobjectinspector");

  /* The HsObjectRef inspected, or NULL. */
  properties [PROP_OBJECT] =
    g_param_spec_pointer ("object", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static GtkWidget *
create_empty (void)
{
  GtkWidget *status = hs_status_new (FALSE);

  hs_status_set (HS_STATUS (status), "edit-find-symbolic", _("No Object Selected"),
                 _("Select an instance to see its sizes and what it refers to"));
  return status;
}

static GtkWidget *
create_object_view (HsObjectInspector *self)
{
  static const char *size_titles[] = { N_("Flat"), N_("Basic"), N_("Item"), N_("Deep") };
  static const char *size_tips[] = {
    N_("sys.getsizeof: the object alone"),
    N_("The object's fixed part, as asizeof.basicsize"),
    N_("The size of one item, as asizeof.itemsize"),
    N_("The object and everything it refers to, as asizeof.asizeof"),
  };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *message_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *breakdown_header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *detail_label = gtk_label_new_with_mnemonic (_("_Detail"));
  GtkWidget *breakdown_scroller = gtk_scrolled_window_new ();
  GtkWidget *referents_scroller = gtk_scrolled_window_new ();
  GtkListItemFactory *factory;
  GtkNoSelection *no_selection;
  GtkSingleSelection *referent_selection;
  GtkWidget *breakdown_view;
  GtkWidget *view;

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  self->type_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->type_label), "title-4");
  gtk_label_set_ellipsize (self->type_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_selectable (self->type_label, TRUE);
  self->address_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->address_label), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (self->address_label), "dim-label");
  gtk_label_set_selectable (self->address_label, TRUE);
  gtk_box_append (GTK_BOX (title_box), GTK_WIDGET (self->type_label));
  gtk_box_append (GTK_BOX (title_box), GTK_WIDGET (self->address_label));
  {
    /* The window's action: the dialog needs a parent and the session's agent. */
    GtkWidget *track = gtk_button_new_with_mnemonic (_("_Track…"));

    gtk_actionable_set_action_name (GTK_ACTIONABLE (track), "win.track-object");
    gtk_widget_set_tooltip_text (track, _("Track This Object: its size at every sample, its death"));
    gtk_widget_set_hexpand (track, TRUE);
    gtk_widget_set_halign (track, GTK_ALIGN_END);
    gtk_widget_add_css_class (track, "flat");
    gtk_box_append (GTK_BOX (title_box), track);
  }
  {
    GtkWidget *graph = gtk_button_new_with_mnemonic (_("_Graph"));

    gtk_actionable_set_action_name (GTK_ACTIONABLE (graph), "win.show-graph");
    gtk_widget_set_tooltip_text (graph, _("Show the Objects Around It as a Graph (Ctrl+G)"));
    gtk_widget_add_css_class (graph, "flat");
    gtk_box_append (GTK_BOX (title_box), graph);
  }
  gtk_box_append (GTK_BOX (box), title_box);

  self->text_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->text_label, 0);
  gtk_label_set_ellipsize (self->text_label, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->text_label), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->text_label));

  /* Columns as wide as a size ("999.99 KB"), not as the Retained one with its
   * button: the inspector then leaves the instances beside it their room. */
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  for (guint i = 0; i < 4; i++)
    {
      GtkWidget *name = gtk_label_new (_(size_titles[i]));
      GtkWidget *value = gtk_label_new ("—");

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_width_chars (GTK_LABEL (value), 8);
      gtk_widget_add_css_class (name, "caption");
      gtk_widget_add_css_class (name, "dim-label");
      gtk_widget_add_css_class (value, "numeric");
      gtk_widget_add_css_class (value, "title-4");
      gtk_widget_set_tooltip_text (name, _(size_tips[i]));
      gtk_widget_set_tooltip_text (value, _(size_tips[i]));
      gtk_grid_attach (GTK_GRID (grid), name, i, 0, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, i, 1, 1, 1);
      self->sizes[i] = GTK_LABEL (value);
    }
  {
    GtkWidget *name = gtk_label_new (_("Retained"));
    GtkWidget *value_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    gtk_label_set_xalign (GTK_LABEL (name), 0);
    gtk_widget_add_css_class (name, "caption");
    gtk_widget_add_css_class (name, "dim-label");
    self->retained_label = GTK_LABEL (gtk_label_new ("—"));
    gtk_label_set_xalign (self->retained_label, 0);
    gtk_widget_add_css_class (GTK_WIDGET (self->retained_label), "numeric");
    gtk_widget_add_css_class (GTK_WIDGET (self->retained_label), "title-4");
    self->retained_button = gtk_button_new_with_mnemonic (_("_Measure"));
    gtk_widget_set_tooltip_text (self->retained_button,
                                 _("Measure what it holds alone: the whole heap is walked once, in the program"));
    gtk_widget_add_css_class (self->retained_button, "flat");
    gtk_widget_set_valign (self->retained_button, GTK_ALIGN_CENTER);
    g_signal_connect (self->retained_button, "clicked", G_CALLBACK (on_measure_retained), self);
    gtk_box_append (GTK_BOX (value_box), GTK_WIDGET (self->retained_label));
    gtk_box_append (GTK_BOX (value_box), self->retained_button);
    gtk_grid_attach (GTK_GRID (grid), name, 4, 0, 1, 1);
    gtk_grid_attach (GTK_GRID (grid), value_box, 4, 1, 1, 1);
  }
  gtk_widget_set_margin_top (grid, 6);
  gtk_box_append (GTK_BOX (box), grid);

  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->message, 0);
  gtk_label_set_wrap (self->message, TRUE);
  gtk_box_append (GTK_BOX (message_box), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (message_box), GTK_WIDGET (self->message));
  gtk_box_append (GTK_BOX (box), message_box);

  /* Breakdown: asized(detail=N). */
  gtk_widget_set_margin_top (breakdown_header, 6);
  {
    GtkWidget *label = heading (_("Size Breakdown"));

    gtk_widget_set_hexpand (label, TRUE);
    gtk_box_append (GTK_BOX (breakdown_header), label);
  }
  self->detail_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 8, 1));
  gtk_spin_button_set_value (self->detail_spin, self->detail);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->detail_spin), _("How many levels of referents the breakdown shows, as asized(detail=N)"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (detail_label), GTK_WIDGET (self->detail_spin));
  gtk_widget_add_css_class (detail_label, "dim-label");
  g_signal_connect (self->detail_spin, "value-changed", G_CALLBACK (on_detail_changed), self);
  gtk_box_append (GTK_BOX (breakdown_header), detail_label);
  gtk_box_append (GTK_BOX (breakdown_header), GTK_WIDGET (self->detail_spin));
  gtk_box_append (GTK_BOX (box), breakdown_header);

  self->breakdown_roots = g_list_store_new (HS_TYPE_SIZE_ROW);
  self->breakdown = gtk_tree_list_model_new (G_LIST_MODEL (self->breakdown_roots), FALSE, TRUE,
                                             create_size_children, NULL, NULL);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_size_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_size_bind), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_size_unbind), NULL);
  no_selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->breakdown)));
  breakdown_view = gtk_list_view_new (GTK_SELECTION_MODEL (no_selection), factory);
  gtk_widget_add_css_class (breakdown_view, "hs-compact-list");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (breakdown_scroller), breakdown_view);
  gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (breakdown_scroller), TRUE);
  gtk_widget_set_vexpand (breakdown_scroller, TRUE);
  gtk_box_append (GTK_BOX (box), breakdown_scroller);

  /* Referents: activate one to inspect it. */
  self->referents_title = GTK_LABEL (heading (_("Refers To")));
  gtk_widget_set_margin_top (GTK_WIDGET (self->referents_title), 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->referents_title));
  self->referents = g_list_store_new (HS_TYPE_OBJECT_ITEM);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_referent_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_referent_bind), NULL);
  referent_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->referents)));
  gtk_single_selection_set_autoselect (referent_selection, FALSE);
  self->referents_view = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (referent_selection), factory));
  gtk_list_view_set_single_click_activate (self->referents_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->referents_view), "hs-compact-list");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->referents_view), _("Click an object to inspect it"));
  g_signal_connect (self->referents_view, "activate", G_CALLBACK (on_referent_activate), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (referents_scroller), GTK_WIDGET (self->referents_view));
  self->referents_scroller = referents_scroller;
  gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (referents_scroller), TRUE);
  gtk_widget_set_vexpand (referents_scroller, TRUE);
  gtk_box_append (GTK_BOX (box), referents_scroller);

  /* Short of room, the whole view scrolls, each list keeping a few rows:
   * its fixed parts would otherwise hold the Types table above to a few rows. */
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (breakdown_scroller), 48);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (referents_scroller), 48);
  view = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (view), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (view), box);
  return view;
}

static void
hs_object_inspector_init (HsObjectInspector *self)
{
  self->detail = 2;
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, create_empty (), "empty");
  gtk_stack_add_named (self->stack, create_object_view (self), "object");
  gtk_stack_set_visible_child_name (self->stack, "empty");
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));
}

GtkWidget *
hs_object_inspector_new (void)
{
  return g_object_new (HS_TYPE_OBJECT_INSPECTOR, NULL);
}

void
hs_object_inspector_set_session (HsObjectInspector *self,
                                 HsSession         *session)
{
  g_return_if_fail (HS_IS_OBJECT_INSPECTOR (self));

  if (self->session == session)
    return;
  hs_object_inspector_set_object (self, NULL);
  g_set_object (&self->session, session);
}

/* Inspects @object (copied; NULL for none), asking the agent for its sizes. */
void
hs_object_inspector_set_object (HsObjectInspector *self,
                                const HsObjectRef *object)
{
  g_return_if_fail (HS_IS_OBJECT_INSPECTOR (self));

  if (self->object == NULL && object == NULL)
    return;
  if (self->object != NULL && object != NULL && self->object->handle == object->handle)
    return;
  if (object != NULL && self->session != NULL)
    hs_session_hold_handles (self->session, &object->handle, 1);
  if (self->object != NULL && self->session != NULL)
    hs_session_drop_handles (self->session, &self->object->handle, 1);
  g_clear_pointer (&self->object, hs_object_ref_free);
  if (object != NULL)
    self->object = hs_object_ref_copy (object);
  ask (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_OBJECT]);
}

const HsObjectRef *
hs_object_inspector_get_object (HsObjectInspector *self)
{
  g_return_val_if_fail (HS_IS_OBJECT_INSPECTOR (self), NULL);
  return self->object;
}

/* The agent's answer, once it has come. */
HsObjectDetails *
hs_object_inspector_get_reply (HsObjectInspector *self)
{
  g_return_val_if_fail (HS_IS_OBJECT_INSPECTOR (self), NULL);
  return self->details;
}

/* How deep the breakdown goes, as asized(detail=@detail). */
void
hs_object_inspector_set_detail (HsObjectInspector *self,
                                int                detail)
{
  g_return_if_fail (HS_IS_OBJECT_INSPECTOR (self));

  if (gtk_spin_button_get_value_as_int (self->detail_spin) != detail)
    {
      gtk_spin_button_set_value (self->detail_spin, detail);
      return;
    }
  if (self->detail == detail)
    return;
  self->detail = detail;
  ask (self);
}

/* The breakdown's rows as shown: a GtkTreeListModel of its nodes. */
GListModel *
hs_object_inspector_get_breakdown (HsObjectInspector *self)
{
  g_return_val_if_fail (HS_IS_OBJECT_INSPECTOR (self), NULL);
  return G_LIST_MODEL (self->breakdown);
}

/* HsObjectItem for each referent. */
GListModel *
hs_object_inspector_get_referents (HsObjectInspector *self)
{
  g_return_val_if_fail (HS_IS_OBJECT_INSPECTOR (self), NULL);
  return G_LIST_MODEL (self->referents);
}

/* Inspects the referent at @position, as clicking it does. */
void
hs_object_inspector_activate_referent (HsObjectInspector *self,
                                       guint              position)
{
  g_autoptr(HsObjectItem) item = NULL;
  g_autoptr(HsObjectRef) ref = NULL;

  g_return_if_fail (HS_IS_OBJECT_INSPECTOR (self));

  item = g_list_model_get_item (G_LIST_MODEL (self->referents), position);
  if (item == NULL)
    return;
  /* Inspecting it empties the list that holds it. */
  ref = hs_object_ref_copy (hs_object_item_get_ref (item));
  ref->edge = HS_EDGE_NONE;
  g_clear_pointer (&ref->edge_name, g_free);
  hs_object_inspector_set_object (self, ref);
}

void
hs_object_inspector_measure_retained (HsObjectInspector *self)
{
  g_return_if_fail (HS_IS_OBJECT_INSPECTOR (self));
  on_measure_retained (NULL, self);
}

/* "flat", "basic", "item", "deep" or "retained", as shown. */
const char *
hs_object_inspector_get_size_text (HsObjectInspector *self,
                                   const char        *which)
{
  g_return_val_if_fail (HS_IS_OBJECT_INSPECTOR (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (size_names); i++)
    if (g_strcmp0 (which, size_names[i]) == 0)
      return gtk_label_get_text (self->sizes[i]);
  if (g_strcmp0 (which, "retained") == 0)
    return gtk_label_get_text (self->retained_label);
  return NULL;
}

/* What is said in place of the sizes: an error, "Measuring…", or "". */
const char *
hs_object_inspector_get_message (HsObjectInspector *self)
{
  g_return_val_if_fail (HS_IS_OBJECT_INSPECTOR (self), NULL);
  return gtk_label_get_text (self->message);
}
