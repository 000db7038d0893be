/* hs-type-rows.h — a table's rows of types, sorted, changed in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What the rows are: their item type, a new row showing what a source item
 * shows, a row made to show another (emitting its "changed" signal when
 * anything differs), the name of the type a row (or a source item) shows,
 * and optionally a row made to show again the source item it showed last
 * (its values alone: a source item whose type never changes, as the census
 * model's). */
typedef struct
{
  GType        (*item_type) (void);
  gpointer     (*copy)      (gpointer source);
  void         (*assign)    (gpointer row,
                             gpointer source);
  const char * (*name)      (gpointer row);
  void         (*refresh)   (gpointer row,
                             gpointer source);
} HsTypeRowsKind;

/* A row's value that the sorter orders by first. */
typedef gint64 (*HsTypeRowsKey) (gpointer source);

#define HS_TYPE_TYPE_ROWS (hs_type_rows_get_type ())
G_DECLARE_FINAL_TYPE (HsTypeRows, hs_type_rows, HS, TYPE_ROWS, GObject)

HsTypeRows *hs_type_rows_new        (const HsTypeRowsKind *kind,
                                     GListModel           *source,
                                     GtkSorter            *sorter);
void        hs_type_rows_set_source (HsTypeRows           *self,
                                     GListModel           *source);
void        hs_type_rows_set_sort_key (HsTypeRows         *self,
                                       HsTypeRowsKey       key,
                                       gboolean            descending);
void        hs_type_rows_resort     (HsTypeRows           *self);
guint       hs_type_rows_find       (HsTypeRows           *self,
                                     const char           *name);
void        hs_type_rows_pace       (HsTypeRows           *self,
                                     GtkWidget            *widget);
void        hs_type_rows_show_all   (HsTypeRows           *self);
gboolean    hs_type_rows_is_adding  (HsTypeRows           *self);

G_END_DECLS
