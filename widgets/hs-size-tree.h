/* hs-size-tree.h — an asized() breakdown as an expandable list: each
 * referent with its deep size, its flat size and its share of the whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-reply.h"

G_BEGIN_DECLS

#define HS_TYPE_SIZE_TREE (hs_size_tree_get_type ())
G_DECLARE_FINAL_TYPE (HsSizeTree, hs_size_tree, HS, SIZE_TREE, GtkWidget)

GtkWidget  *hs_size_tree_new      (void);
/* Shows a copy of @root (NULL: nothing), its first levels expanded. */
void        hs_size_tree_set_root (HsSizeTree       *self,
                                   const HsSizeNode *root);
/* The rows as shown: a GtkTreeListModel whose items' items are the nodes
 * (hs_size_tree_row_get_node). */
GListModel *hs_size_tree_get_rows (HsSizeTree       *self);
const HsSizeNode *hs_size_tree_row_get_node (gpointer row_item);

G_END_DECLS
