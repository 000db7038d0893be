/* hs-referrers-page.c — why is it alive: a tree rooted at the object
 * inspected, each row an object that refers to its parent row and how;
 * expanding a row asks for its referrers. Path to Root finds the shortest
 * chain to a module, frame, class or sys.modules, opens it in the tree and
 * shows it as a breadcrumb.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-referrers-page.h"
#include "hs-status.h"
#include "hs-text-export.h"

struct _HsReferrersPage
{
  GtkWidget           parent_instance;

  HsSession          *session;
  HsReferrerTree     *tree;
  GCancellable       *path_cancellable;
  GPtrArray          *path;             /* HsReferrerNode, the object first */
  gboolean            path_found;       /* the path reaches a root */
  char               *path_unreached;   /* else why not, when the agent could tell */
  HsTextExport        export;
  GtkTreeListModel   *rows;

  /* Template children. */
  GtkStack           *stack;
  GtkLabel           *title;
  GtkSpinner         *spinner;
  GtkWidget          *path_button;
  GtkLabel           *message;
  GtkWidget          *breadcrumb_scroller;
  GtkWidget          *breadcrumb;
  GtkSingleSelection *selection;
  GtkListView        *list_view;
};

G_DEFINE_FINAL_TYPE (HsReferrersPage, hs_referrers_page, GTK_TYPE_WIDGET)

enum {
  NOTICE,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static const char *
root_icon (HsRootKind root)
{
  switch (root)
    {
    case HS_ROOT_MODULE:
    case HS_ROOT_SYS_MODULES:
      return "package-x-generic-symbolic";
    case HS_ROOT_FRAME:
      return "system-run-symbolic";
    case HS_ROOT_CLASS:
      return "applications-science-symbolic";
    case HS_ROOT_NONE:
    default:
      return NULL;
    }
}

static const char *
root_name (HsRootKind root)
{
  switch (root)
    {
    case HS_ROOT_MODULE:
      return _("module root");
    case HS_ROOT_SYS_MODULES:
      return _("in sys.modules");
    case HS_ROOT_FRAME:
      return _("running frame");
    case HS_ROOT_CLASS:
      return _("class root");
    case HS_ROOT_NONE:
    default:
      return NULL;
    }
}

typedef struct
{
  GtkWidget *expander;
  GtkWidget *icon;
  GtkWidget *spinner;
  GtkWidget *type;
  GtkWidget *text;
  GtkWidget *edge;
  GtkWidget *badge;
} RowWidgets;

static void
on_row_setup (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              HsReferrersPage          *self)
{
  RowWidgets *row = g_new0 (RowWidgets, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  row->expander = gtk_tree_expander_new ();
  row->icon = gtk_image_new ();
  row->spinner = gtk_spinner_new ();
  row->type = gtk_label_new (NULL);
  row->text = gtk_label_new (NULL);
  row->edge = gtk_label_new (NULL);
  row->badge = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->type), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (row->type), 32);
  gtk_label_set_ellipsize (GTK_LABEL (row->type), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (row->text), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->text), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (row->text, TRUE);
  gtk_widget_add_css_class (row->text, "dim-label");
  gtk_widget_add_css_class (row->edge, "hs-edge");
  gtk_widget_add_css_class (row->edge, "caption");
  gtk_widget_add_css_class (row->badge, "hs-badge");
  gtk_widget_add_css_class (row->badge, "caption");
  gtk_box_append (GTK_BOX (box), row->icon);
  gtk_box_append (GTK_BOX (box), row->spinner);
  /* How it holds its parent row comes first after its type: that is the answer. */
  gtk_box_append (GTK_BOX (box), row->type);
  gtk_box_append (GTK_BOX (box), row->edge);
  gtk_box_append (GTK_BOX (box), row->badge);
  gtk_box_append (GTK_BOX (box), row->text);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (row->expander), box);
  gtk_list_item_set_child (list_item, row->expander);
  g_object_set_data_full (G_OBJECT (list_item), "hs-row", row, g_free);
}

static void
on_row_bind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             HsReferrersPage          *self)
{
  RowWidgets *row = g_object_get_data (G_OBJECT (list_item), "hs-row");
  GtkTreeListRow *list_row = gtk_list_item_get_item (list_item);
  g_autoptr(HsReferrerNode) node = gtk_tree_list_row_get_item (list_row);
  const HsObjectRef *ref;
  HsReferrerNodeKind kind;
  g_autofree char *edge = NULL;
  g_autofree char *label = NULL;
  const char *icon = NULL;
  const char *badge = NULL;
  g_autofree char *title = NULL;
  gboolean ended;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (row->expander), list_row);
  /* A row whose node was just replaced (its loading row) is bound again soon. */
  if (node == NULL)
    return;
  ref = hs_referrer_node_get_ref (node);
  kind = hs_referrer_node_get_kind (node);
  gtk_widget_remove_css_class (row->type, "heading");
  gtk_widget_remove_css_class (row->type, "error");
  gtk_widget_remove_css_class (row->type, "dim-label");
  gtk_widget_remove_css_class (row->badge, "hs-root");
  gtk_widget_remove_css_class (row->badge, "hs-cycle");
  gtk_widget_set_visible (row->spinner, kind == HS_REFERRER_NODE_LOADING);
  gtk_spinner_set_spinning (GTK_SPINNER (row->spinner), kind == HS_REFERRER_NODE_LOADING);
  /* A type name is cut in its middle; a message is shown whole. */
  gtk_label_set_max_width_chars (GTK_LABEL (row->type), kind == HS_REFERRER_NODE_OBJECT ? 32 : -1);
  gtk_label_set_ellipsize (GTK_LABEL (row->type), kind == HS_REFERRER_NODE_OBJECT ? PANGO_ELLIPSIZE_MIDDLE : PANGO_ELLIPSIZE_END);
  gtk_list_item_set_selectable (list_item, kind == HS_REFERRER_NODE_OBJECT || kind == HS_REFERRER_NODE_MORE);
  gtk_list_item_set_activatable (list_item, kind == HS_REFERRER_NODE_OBJECT ||
                                 (kind == HS_REFERRER_NODE_MORE && hs_referrer_node_can_load_more (node)));

  switch (kind)
    {
    case HS_REFERRER_NODE_OBJECT:
      /* A class by its own name, not its metaclass's ("type"). */
      title = hs_object_ref_dup_title (ref);
      gtk_label_set_text (GTK_LABEL (row->type), title);
      gtk_widget_add_css_class (row->type, "heading");
      gtk_label_set_text (GTK_LABEL (row->text), ref->text);
      gtk_widget_set_tooltip_text (row->text, ref->text);
      edge = hs_object_ref_describe_edge (ref);
      if (hs_referrer_node_is_cycle (node))
        {
          icon = "media-playlist-repeat-symbolic";
          badge = _("cycle");
          gtk_widget_add_css_class (row->badge, "hs-cycle");
          gtk_widget_set_tooltip_text (row->badge, _("Already on the way up from the object: a reference cycle"));
        }
      else if (ref->root != HS_ROOT_NONE && hs_referrer_node_get_depth (node) > 0)
        {
          icon = root_icon (ref->root);
          badge = root_name (ref->root);
          gtk_widget_add_css_class (row->badge, "hs-root");
          gtk_widget_set_tooltip_text (row->badge, _("A root: it is alive without a referrer"));
        }
      break;
    case HS_REFERRER_NODE_LOADING:
      gtk_label_set_text (GTK_LABEL (row->type), _("Looking for referrers…"));
      gtk_widget_add_css_class (row->type, "dim-label");
      gtk_label_set_text (GTK_LABEL (row->text), NULL);
      break;
    case HS_REFERRER_NODE_MORE:
      label = hs_referrer_node_dup_label (node);
      gtk_label_set_text (GTK_LABEL (row->type), label);
      gtk_widget_add_css_class (row->type, "dim-label");
      if (hs_referrer_node_can_load_more (node))
        gtk_label_set_text (GTK_LABEL (row->text), _("Press Enter or double-click to list more"));
      else
        gtk_label_set_text (GTK_LABEL (row->text), _("as many as one request may list are shown"));
      break;
    case HS_REFERRER_NODE_ERROR:
    default:
      /* A question the ended process can no longer answer is no failure. */
      ended = hs_referrer_node_process_ended (node);
      icon = ended ? "dialog-information-symbolic" : "dialog-warning-symbolic";
      gtk_label_set_text (GTK_LABEL (row->type), hs_referrer_node_get_message (node));
      gtk_widget_set_tooltip_text (row->type, hs_referrer_node_get_message (node));
      gtk_widget_add_css_class (row->type, ended ? "dim-label" : "error");
      gtk_label_set_text (GTK_LABEL (row->text), NULL);
      break;
    }
  gtk_image_set_from_icon_name (GTK_IMAGE (row->icon), icon);
  gtk_widget_set_visible (row->icon, icon != NULL);
  gtk_label_set_text (GTK_LABEL (row->edge), edge);
  gtk_widget_set_visible (row->edge, edge != NULL);
  gtk_label_set_text (GTK_LABEL (row->badge), badge);
  gtk_widget_set_visible (row->badge, badge != NULL);
}

static void
on_row_unbind (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               HsReferrersPage          *self)
{
  RowWidgets *row = g_object_get_data (G_OBJECT (list_item), "hs-row");

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (row->expander), NULL);
}

static GtkTreeListRow *
selected_row (HsReferrersPage *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
on_activate (GtkListView     *view,
             guint            position,
             HsReferrersPage *self)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), position);

  g_autoptr(HsReferrerNode) node = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  if (node != NULL && hs_referrer_node_get_kind (node) == HS_REFERRER_NODE_MORE)
    hs_referrer_node_load_more (node);
  else if (row != NULL && gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

/* Right or + opens the selected row, Left or - closes it (or goes to its parent). */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HsReferrersPage       *self)
{
  GtkTreeListRow *row = selected_row (self);

  if (row == NULL)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_plus:
    case GDK_KEY_KP_Add:
      gtk_tree_list_row_set_expanded (row, TRUE);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      if (gtk_tree_list_row_get_expanded (row))
        gtk_tree_list_row_set_expanded (row, FALSE);
      else
        {
          g_autoptr(GtkTreeListRow) parent = gtk_tree_list_row_get_parent (row);

          if (parent != NULL)
            gtk_single_selection_set_selected (self->selection, gtk_tree_list_row_get_position (parent));
        }
      return TRUE;
    default:
      return FALSE;
    }
}

static void
show_message (HsReferrersPage *self,
              const char      *text,
              gboolean         error)
{
  gtk_label_set_text (self->message, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), text != NULL);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message), "error");
}

static guint
find_row (HsReferrersPage *self,
          HsReferrerNode  *node)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      g_autoptr(HsReferrerNode) item = gtk_tree_list_row_get_item (row);

      if (item == node)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
select_node (HsReferrersPage *self,
             HsReferrerNode  *node)
{
  guint position = find_row (self, node);

  if (position == GTK_INVALID_LIST_POSITION)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

static void
on_crumb_clicked (GtkButton       *button,
                  HsReferrersPage *self)
{
  select_node (self, g_object_get_data (G_OBJECT (button), "hs-node"));
}

static void
clear_breadcrumb (HsReferrersPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->breadcrumb)))
    gtk_box_remove (GTK_BOX (self->breadcrumb), child);
  gtk_widget_set_visible (self->breadcrumb_scroller, FALSE);
  g_clear_pointer (&self->path, g_ptr_array_unref);
  self->path_found = FALSE;
  g_clear_pointer (&self->path_unreached, g_free);
}

static void
fill_breadcrumb (HsReferrersPage *self)
{
  for (guint i = 0; i < self->path->len; i++)
    {
      HsReferrerNode *node = g_ptr_array_index (self->path, i);
      g_autofree char *label = hs_referrer_node_dup_label (node);
      GtkWidget *button = gtk_button_new_with_label (label);
      const HsObjectRef *ref = hs_referrer_node_get_ref (node);
      g_autofree char *edge = hs_object_ref_describe_edge (ref);
      g_autofree char *tip = edge != NULL ? g_strdup_printf ("%s — %s", ref->text, edge) : g_strdup (ref->text);

      if (i > 0)
        {
          GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

          gtk_widget_add_css_class (arrow, "dim-label");
          gtk_box_append (GTK_BOX (self->breadcrumb), arrow);
        }
      gtk_widget_add_css_class (button, "flat");
      if (i == self->path->len - 1 && ref->root != HS_ROOT_NONE)
        gtk_widget_add_css_class (button, "hs-root");
      gtk_widget_set_tooltip_text (button, tip);
      g_object_set_data_full (G_OBJECT (button), "hs-node", g_object_ref (node), g_object_unref);
      g_signal_connect (button, "clicked", G_CALLBACK (on_crumb_clicked), self);
      gtk_box_append (GTK_BOX (self->breadcrumb), button);
    }
  gtk_widget_set_visible (self->breadcrumb_scroller, TRUE);
}

static void
on_path_found (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  g_autofree char *unreached = NULL;
  g_autoptr(GPtrArray) nodes = hs_referrer_tree_find_path_finish (HS_REFERRER_TREE (source), result, &found,
                                                                  &unreached, &error);
  HsReferrersPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HS_REFERRERS_PAGE (user_data);
  g_clear_object (&self->path_cancellable);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  if (nodes == NULL)
    {
      show_message (self, error->message, TRUE);
      return;
    }
  /* Open the chain, each row's referrers having been asked for on the way. */
  for (guint i = 0; i + 1 < nodes->len; i++)
    {
      guint position = find_row (self, g_ptr_array_index (nodes, i));
      g_autoptr(GtkTreeListRow) row = position != GTK_INVALID_LIST_POSITION
        ? g_list_model_get_item (G_LIST_MODEL (self->rows), position) : NULL;

      if (row != NULL)
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
  self->path = g_steal_pointer (&nodes);
  self->path_found = found;
  self->path_unreached = g_steal_pointer (&unreached);
  fill_breadcrumb (self);
  select_node (self, g_ptr_array_index (self->path, self->path->len - 1));
  /* Why no root holds it, when the agent can tell: garbage, held from C, let go. */
  if (found)
    show_message (self, NULL, FALSE);
  else if (self->path_unreached != NULL)
    show_message (self, self->path_unreached, FALSE);
  else
    show_message (self, _("No root was reached: the chain ends where the search stopped"), FALSE);
}

static gboolean
collect_expanded (HsReferrerNode *node,
                  gpointer        user_data)
{
  return g_hash_table_contains (user_data, node);
}

static void
copy_text_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HsReferrersPage *self = HS_REFERRERS_PAGE (widget);
  g_autofree char *text = hs_referrers_page_dup_report (self);

  if (text == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  g_signal_emit (self, signals [NOTICE], 0, _("Referrer tree copied"));
}

static void
save_text_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HsReferrersPage *self = HS_REFERRERS_PAGE (widget);

  hs_text_export_save (&self->export, widget, _("Save Referrer Tree"), "referrers.txt", HS_TEXT_PLAIN,
                       (HsTextFunc) hs_referrers_page_dup_report);
}

static void
path_to_root_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  hs_referrers_page_find_path (HS_REFERRERS_PAGE (widget));
}

static void
update_actions (HsReferrersPage *self)
{
  gboolean has_tree = self->tree != NULL;
  gboolean read_only = self->session != NULL && hs_session_is_read_only (self->session);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "referrers.path-to-root", has_tree);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "referrers.copy-text", has_tree);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "referrers.save-text", has_tree);
  gtk_widget_set_tooltip_text (self->path_button,
                               read_only ? _("The script has ended: only a path found while it ran can be shown (Ctrl+Shift+P)")
                                         : _("Find the shortest chain of referrers to a root (Ctrl+Shift+P)"));
}

static void
hs_referrers_page_dispose (GObject *object)
{
  HsReferrersPage *self = (HsReferrersPage *) object;
  GtkWidget *child;

  if (self->path_cancellable != NULL)
    g_cancellable_cancel (self->path_cancellable);
  g_clear_object (&self->path_cancellable);
  hs_text_export_clear (&self->export);
  g_clear_pointer (&self->path, g_ptr_array_unref);
  g_clear_pointer (&self->path_unreached, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_REFERRERS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  self->rows = NULL;
  g_clear_object (&self->tree);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (hs_referrers_page_parent_class)->dispose (object);
}

static void
hs_referrers_page_class_init (HsReferrersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_referrers_page_dispose;
  gtk_widget_class_set_css_name (widget_class, "hsreferrerspage");

  g_type_ensure (HS_TYPE_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-referrers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HsReferrersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, HsReferrersPage, title);
  gtk_widget_class_bind_template_child (widget_class, HsReferrersPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, HsReferrersPage, path_button);
  gtk_widget_class_bind_template_child (widget_class, HsReferrersPage, message);
  gtk_widget_class_bind_template_child (widget_class, HsReferrersPage, breadcrumb_scroller);
  gtk_widget_class_bind_template_child (widget_class, HsReferrersPage, breadcrumb);
  gtk_widget_class_bind_template_child (widget_class, HsReferrersPage, selection);
  gtk_widget_class_bind_template_child (widget_class, HsReferrersPage, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_row_setup);
  gtk_widget_class_bind_template_callback (widget_class, on_row_bind);
  gtk_widget_class_bind_template_callback (widget_class, on_row_unbind);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_key_pressed);

  gtk_widget_class_install_action (widget_class, "referrers.path-to-root", NULL, path_to_root_action);
  gtk_widget_class_install_action (widget_class, "referrers.copy-text", NULL, copy_text_action);
  gtk_widget_class_install_action (widget_class, "referrers.save-text", NULL, save_text_action);

  /**
   * HsReferrersPage::notice:
   * @text: what happened (a copy or save), for a toast
   */
  signals [NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
hs_referrers_page_init (HsReferrersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

GtkWidget *
hs_referrers_page_new (void)
{
  return g_object_new (HS_TYPE_REFERRERS_PAGE, NULL);
}

void
hs_referrers_page_set_session (HsReferrersPage *self,
                               HsSession       *session)
{
  g_return_if_fail (HS_IS_REFERRERS_PAGE (self));

  if (self->session == session)
    return;
  hs_referrers_page_set_object (self, NULL);
  g_set_object (&self->session, session);
  update_actions (self);
}

/* Roots the tree at @object (NULL: none); nothing is asked until expanded. */
void
hs_referrers_page_set_object (HsReferrersPage   *self,
                              const HsObjectRef *object)
{
  g_return_if_fail (HS_IS_REFERRERS_PAGE (self));

  if (self->path_cancellable != NULL)
    g_cancellable_cancel (self->path_cancellable);
  g_clear_object (&self->path_cancellable);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  clear_breadcrumb (self);
  show_message (self, NULL, FALSE);
  gtk_single_selection_set_model (self->selection, NULL);
  self->rows = NULL;
  g_clear_object (&self->tree);

  if (object != NULL && self->session != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("What keeps %s at 0x%llx alive"),
                                                object->type_name, (unsigned long long) object->address);
      g_autoptr(GtkTreeListModel) rows = NULL;

      self->tree = hs_referrer_tree_new (self->session, object);
      rows = gtk_tree_list_model_new (g_object_ref (hs_referrer_tree_get_roots (self->tree)), FALSE, FALSE,
                                      hs_referrer_node_create_model, NULL, NULL);
      self->rows = rows;
      gtk_single_selection_set_model (self->selection, G_LIST_MODEL (rows));
      gtk_label_set_text (self->title, title);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->title), object->text);
      gtk_stack_set_visible_child_name (self->stack, "tree");
      /* The object's own referrers are what is asked for first. */
      {
        g_autoptr(GtkTreeListRow) root = g_list_model_get_item (G_LIST_MODEL (rows), 0);

        gtk_tree_list_row_set_expanded (root, TRUE);
      }
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");
  update_actions (self);
}

HsReferrerTree *
hs_referrers_page_get_tree (HsReferrersPage *self)
{
  g_return_val_if_fail (HS_IS_REFERRERS_PAGE (self), NULL);
  return self->tree;
}

/* The rows shown, NULL without an object. */
GtkTreeListModel *
hs_referrers_page_get_rows (HsReferrersPage *self)
{
  g_return_val_if_fail (HS_IS_REFERRERS_PAGE (self), NULL);
  return self->rows;
}

GtkListView *
hs_referrers_page_get_list_view (HsReferrersPage *self)
{
  g_return_val_if_fail (HS_IS_REFERRERS_PAGE (self), NULL);
  return self->list_view;
}

/* The box of the path's buttons, the object first, hidden without a path. */
GtkWidget *
hs_referrers_page_get_breadcrumb (HsReferrersPage *self)
{
  g_return_val_if_fail (HS_IS_REFERRERS_PAGE (self), NULL);
  return self->breadcrumb;
}

HsReferrerNode *
hs_referrers_page_get_selected (HsReferrersPage *self)
{
  GtkTreeListRow *row;
  HsReferrerNode *node;

  g_return_val_if_fail (HS_IS_REFERRERS_PAGE (self), NULL);

  row = selected_row (self);
  if (row == NULL)
    return NULL;
  node = gtk_tree_list_row_get_item (row);
  g_object_unref (node);   /* the row keeps it */
  return node;
}

/* Finds the path to a root, opens it in the tree and shows its breadcrumb. */
void
hs_referrers_page_find_path (HsReferrersPage *self)
{
  g_return_if_fail (HS_IS_REFERRERS_PAGE (self));

  if (self->tree == NULL)
    return;
  if (self->path_cancellable != NULL)
    g_cancellable_cancel (self->path_cancellable);
  g_clear_object (&self->path_cancellable);
  clear_breadcrumb (self);
  show_message (self, NULL, FALSE);
  self->path_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  hs_referrer_tree_find_path_async (self->tree, self->path_cancellable, on_path_found, self);
}

gboolean
hs_referrers_page_get_finding (HsReferrersPage *self)
{
  g_return_val_if_fail (HS_IS_REFERRERS_PAGE (self), FALSE);
  return self->path_cancellable != NULL;
}

/* What is said above the tree (a path not found, an error), or "". */
const char *
hs_referrers_page_get_message (HsReferrersPage *self)
{
  g_return_val_if_fail (HS_IS_REFERRERS_PAGE (self), NULL);
  return gtk_label_get_text (self->message);
}

/* The nodes whose rows are expanded. */
static GHashTable *
dup_expanded (HsReferrersPage *self)
{
  GHashTable *expanded = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      if (gtk_tree_list_row_get_expanded (row))
        g_hash_table_add (expanded, gtk_tree_list_row_get_item (row));
    }
  return expanded;
}

/* What Copy and Save as Text write: the path shown in the breadcrumb, if
 * any, and the tree as expanded, a branch a line with each edge and root
 * (hs_referrer_tree_format_report), then in Pympler's layout. */
char *
hs_referrers_page_dup_report (HsReferrersPage *self)
{
  g_autoptr(GHashTable) expanded = NULL;

  g_return_val_if_fail (HS_IS_REFERRERS_PAGE (self), NULL);

  if (self->tree == NULL)
    return NULL;
  expanded = dup_expanded (self);
  return hs_referrer_tree_format_report (self->tree, self->path, self->path_found, self->path_unreached,
                                         collect_expanded, expanded);
}
