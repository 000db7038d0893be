/* hs-size-tree.c — an asized() breakdown as an expandable list: each
 * referent with its deep size, its flat size and its share of the whole
 *
 * The tree is a copy, shared by its rows (a reference-counted box): what
 * it was copied from may be replaced at the next measure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-format.h"
#include "hs-size-tree.h"

/* The copied tree, owned by every row made from it. */
typedef struct
{
  HsSizeNode *root;
} SharedTree;

static void
shared_tree_clear (gpointer data)
{
  g_clear_pointer (&((SharedTree *) data)->root, hs_size_node_free);
}

#define HS_TYPE_SIZE_TREE_ROW (hs_size_tree_row_get_type ())
G_DECLARE_FINAL_TYPE (HsSizeTreeRow, hs_size_tree_row, HS, SIZE_TREE_ROW, GObject)

struct _HsSizeTreeRow
{
  GObject           parent_instance;

  SharedTree       *tree;
  const HsSizeNode *node;
};

G_DEFINE_FINAL_TYPE (HsSizeTreeRow, hs_size_tree_row, G_TYPE_OBJECT)

static void
hs_size_tree_row_finalize (GObject *object)
{
  g_rc_box_release_full (HS_SIZE_TREE_ROW (object)->tree, shared_tree_clear);
  G_OBJECT_CLASS (hs_size_tree_row_parent_class)->finalize (object);
}

static void
hs_size_tree_row_class_init (HsSizeTreeRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_size_tree_row_finalize;
}

static void
hs_size_tree_row_init (HsSizeTreeRow *self)
{
}

static HsSizeTreeRow *
hs_size_tree_row_new (SharedTree       *tree,
                      const HsSizeNode *node)
{
  HsSizeTreeRow *self = g_object_new (HS_TYPE_SIZE_TREE_ROW, NULL);

  self->tree = g_rc_box_acquire (tree);
  self->node = node;
  return self;
}

const HsSizeNode *
hs_size_tree_row_get_node (gpointer row_item)
{
  g_return_val_if_fail (HS_IS_SIZE_TREE_ROW (row_item), NULL);
  return HS_SIZE_TREE_ROW (row_item)->node;
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  HsSizeTreeRow *row = item;
  GListStore *children;

  if (row->node->children->len == 0)
    return NULL;
  children = g_list_store_new (HS_TYPE_SIZE_TREE_ROW);
  for (guint i = 0; i < row->node->children->len; i++)
    {
      g_autoptr(HsSizeTreeRow) child = hs_size_tree_row_new (row->tree, g_ptr_array_index (row->node->children, i));

      g_list_store_append (children, child);
    }
  return G_LIST_MODEL (children);
}

struct _HsSizeTree
{
  GtkWidget         parent_instance;

  GListStore       *roots;
  GtkTreeListModel *rows;
  gint64            total;
};

G_DEFINE_FINAL_TYPE (HsSizeTree, hs_size_tree, GTK_TYPE_WIDGET)

static void
on_setup (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          HsSizeTree               *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_inscription_new (NULL);
  GtkWidget *size = gtk_inscription_new (NULL);
  GtkWidget *share = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (name), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (name), 8);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (size), 1);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (size), 9);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (share), 1);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (share), 5);
  gtk_widget_add_css_class (size, "numeric");
  gtk_widget_add_css_class (share, "numeric");
  gtk_widget_add_css_class (share, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), size);
  gtk_box_append (GTK_BOX (box), share);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
}

/* A referent: its name, deep size (flat size as its tooltip) and share of
 * the whole, as Pympler's print_stats lists referents. */
static void
on_bind (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         HsSizeTree               *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  HsSizeTreeRow *tree_row = gtk_tree_list_row_get_item (row);
  const HsSizeNode *node = tree_row->node;
  GtkWidget *name = gtk_widget_get_first_child (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander)));
  GtkWidget *size = gtk_widget_get_next_sibling (name);
  GtkWidget *share = gtk_widget_get_next_sibling (size);
  g_autofree char *size_text = node->size >= 0 ? hs_format_bytes (node->size) : g_strdup ("—");
  g_autofree char *share_text = node->size >= 0 && self->total > 0
    ? g_strdup_printf ("%.0f %%", 100.0 * node->size / self->total) : g_strdup ("");

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_inscription_set_text (GTK_INSCRIPTION (name), node->name);
  gtk_inscription_set_text (GTK_INSCRIPTION (size), size_text);
  gtk_inscription_set_text (GTK_INSCRIPTION (share), share_text);
  g_object_unref (tree_row);
}

static void
on_unbind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           HsSizeTree               *self)
{
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item)), NULL);
}

static void
hs_size_tree_dispose (GObject *object)
{
  HsSizeTree *self = (HsSizeTree *) object;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->rows);
  g_clear_object (&self->roots);
  G_OBJECT_CLASS (hs_size_tree_parent_class)->dispose (object);
}

static void
hs_size_tree_class_init (HsSizeTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_size_tree_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hssizetree");
}

static void
hs_size_tree_init (HsSizeTree *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkNoSelection *selection;
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *view;

  self->roots = g_list_store_new (HS_TYPE_SIZE_TREE_ROW);
  self->rows = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->roots)), FALSE, TRUE,
                                        create_children, NULL, NULL);
  g_signal_connect (factory, "setup", G_CALLBACK (on_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_unbind), self);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  view = gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory);
  gtk_widget_add_css_class (view, "hs-compact-list");
  /* Grows with the tree up to a point, then scrolls within the pane. */
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 260);
  gtk_widget_set_parent (scroller, GTK_WIDGET (self));
}

GtkWidget *
hs_size_tree_new (void)
{
  return g_object_new (HS_TYPE_SIZE_TREE, NULL);
}

void
hs_size_tree_set_root (HsSizeTree       *self,
                       const HsSizeNode *root)
{
  SharedTree *tree;
  g_autoptr(HsSizeTreeRow) row = NULL;

  g_return_if_fail (HS_IS_SIZE_TREE (self));

  g_list_store_remove_all (self->roots);
  self->total = root != NULL ? root->size : 0;
  if (root == NULL)
    return;
  tree = g_rc_box_new0 (SharedTree);
  tree->root = hs_size_node_copy (root);
  row = hs_size_tree_row_new (tree, tree->root);
  g_rc_box_release_full (tree, shared_tree_clear);
  g_list_store_append (self->roots, row);
}

GListModel *
hs_size_tree_get_rows (HsSizeTree *self)
{
  g_return_val_if_fail (HS_IS_SIZE_TREE (self), NULL);
  return G_LIST_MODEL (self->rows);
}
