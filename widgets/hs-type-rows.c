/* hs-type-rows.c — a table's rows of types, sorted, changed in place
 *
 * The rows of @source (the Types page's HsTypeStat, the Leaks page's
 * HsLeakSuspect: an HsTypeRowsKind says how to copy them) in @sorter's
 * order, as rows that stay where they are: row i shows whichever type is
 * i-th, and a new order only changes what rows show ("changed" on each row
 * that now shows something else). items-changed is only for rows added or
 * dropped at the end. Its owner calls hs_type_rows_resort() whenever the
 * source's rows or values or the sorter change (and keeps the selection on
 * its type meanwhile).
 *
 * GtkSortListModel says a new order by removing and adding rows; GTK 4.8's
 * list views then make new widgets for every type that moves into view and
 * destroy those of types that leave it, which at each census (or leak
 * ranking) of thousands of churning types was most of the window's work.
 * Here the view binds its widgets to rows once, and the cells shown redraw.
 *
 * GTK 4.8's list views also make widgets for the first 200 rows at once:
 * for a table of 9 columns, 150-200 ms of the main thread. Paced by a
 * widget (hs_type_rows_pace), rows growing under that many are added a few
 * per frame of it instead; what reads all rows (a find, an export) has the
 * rest added at once (hs_type_rows_show_all).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-type-rows.h"

#define PACED_ROWS     200  /* GTK 4.8 list views make widgets for this many rows at once */
#define ROWS_PER_FRAME 8    /* 9 columns of them: frames of 5-8 ms here, 13 at most */

struct _HsTypeRows
{
  GObject               parent_instance;
  const HsTypeRowsKind *kind;
  GListModel           *source;   /* or NULL: no rows */
  GtkSorter            *sorter;
  HsTypeRowsKey         sort_key; /* or NULL: the sorter alone */
  gboolean              sort_descending;
  GPtrArray            *rows;     /* copies of the source's items, in order */
  GPtrArray            *shown;    /* the source items in order, held: what each row shows (once added) */
  GtkWidget            *pacer;    /* weak */
  guint                 tick_id;  /* the pacer's, while rows are still to be added */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HsTypeRows, hs_type_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
hs_type_rows_get_item_type (GListModel *model)
{
  return HS_TYPE_ROWS (model)->kind->item_type ();
}

static guint
hs_type_rows_get_n_items (GListModel *model)
{
  return HS_TYPE_ROWS (model)->rows->len;
}

static gpointer
hs_type_rows_get_item (GListModel *model,
                       guint       position)
{
  HsTypeRows *self = HS_TYPE_ROWS (model);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = hs_type_rows_get_item_type;
  iface->get_n_items = hs_type_rows_get_n_items;
  iface->get_item = hs_type_rows_get_item;
}

static void stop_pacing (HsTypeRows *self);

static void
hs_type_rows_dispose (GObject *object)
{
  HsTypeRows *self = (HsTypeRows *) object;

  stop_pacing (self);
  if (self->pacer != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->pacer), (gpointer *) &self->pacer);
  self->pacer = NULL;
  g_clear_object (&self->source);
  g_clear_object (&self->sorter);
  G_OBJECT_CLASS (hs_type_rows_parent_class)->dispose (object);
}

static void
hs_type_rows_finalize (GObject *object)
{
  HsTypeRows *self = (HsTypeRows *) object;

  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->shown);
  G_OBJECT_CLASS (hs_type_rows_parent_class)->finalize (object);
}

static void
hs_type_rows_class_init (HsTypeRowsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hs_type_rows_dispose;
  object_class->finalize = hs_type_rows_finalize;
}

static void
hs_type_rows_init (HsTypeRows *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->shown = g_ptr_array_new_with_free_func (g_object_unref);
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      sorter)
{
  return gtk_sorter_compare (sorter, *(gpointer *) a, *(gpointer *) b);
}

/* A source item and its sort key, read once before sorting. */
typedef struct
{
  gint64   key;
  gpointer item;
} KeyedItem;

static int
compare_keyed (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  const KeyedItem *x = a;
  const KeyedItem *y = b;
  HsTypeRows *self = data;

  if (x->key != y->key)
    return (x->key < y->key) != self->sort_descending ? -1 : 1;
  /* Equal keys: the sorter's later columns decide, as it would. */
  return gtk_sorter_compare (self->sorter, x->item, y->item);
}

/* @order in the sorter's order, its key read once per item: the sorter's
 * own comparisons go through GTK's sorter chain and the value's accessor
 * for each of the n log n of them (2 ms at each census of 5 000 types). */
static void
sort_by_key (HsTypeRows *self,
             GPtrArray  *order)
{
  g_autofree KeyedItem *keyed = g_new (KeyedItem, MAX (order->len, 1));

  for (guint i = 0; i < order->len; i++)
    keyed[i] = (KeyedItem) { self->sort_key (g_ptr_array_index (order, i)), g_ptr_array_index (order, i) };
  g_qsort_with_data (keyed, order->len, sizeof (KeyedItem), compare_keyed, self);   /* stable */
  for (guint i = 0; i < order->len; i++)
    order->pdata[i] = keyed[i].item;
}

static void
stop_pacing (HsTypeRows *self)
{
  if (self->tick_id != 0 && self->pacer != NULL)
    gtk_widget_remove_tick_callback (self->pacer, self->tick_id);
  self->tick_id = 0;
}

/* How many rows to have now, @n in all: a few more per frame while under
 * PACED_ROWS and the pacer has frames (it is realized), else all. */
static guint
rows_wanted (HsTypeRows *self,
             guint       n)
{
  guint len = self->rows->len;

  if (n <= len || len >= PACED_ROWS || n - len <= ROWS_PER_FRAME ||
      self->pacer == NULL || !gtk_widget_get_realized (self->pacer))
    return n;
  return len + ROWS_PER_FRAME;
}

/* Adds rows for the next @target - len items in order. */
static void
add_rows (HsTypeRows *self,
          guint       target)
{
  guint len = self->rows->len;

  for (guint i = len; i < target; i++)
    g_ptr_array_add (self->rows, self->kind->copy (g_ptr_array_index (self->shown, i)));
  if (target > len)
    g_list_model_items_changed (G_LIST_MODEL (self), len, 0, target - len);
}

static gboolean
on_pacer_tick (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  HsTypeRows *self = user_data;

  add_rows (self, rows_wanted (self, self->shown->len));
  if (self->rows->len < self->shown->len)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* Rows of @source's items (@kind's), shown in @sorter's order (ties in the
 * source's order). Takes @source (or NULL: no rows yet), as GTK's list
 * models do; refs @sorter. */
HsTypeRows *
hs_type_rows_new (const HsTypeRowsKind *kind,
                  GListModel           *source,
                  GtkSorter            *sorter)
{
  HsTypeRows *self;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (source == NULL || G_IS_LIST_MODEL (source), NULL);
  g_return_val_if_fail (GTK_IS_SORTER (sorter), NULL);

  self = g_object_new (HS_TYPE_TYPE_ROWS, NULL);
  self->kind = kind;
  self->source = source;
  self->sorter = g_object_ref (sorter);
  hs_type_rows_resort (self);
  return self;
}

/* Shows @source's items (NULL: none) from now on, in order; refs @source. */
void
hs_type_rows_set_source (HsTypeRows *self,
                         GListModel *source)
{
  g_return_if_fail (HS_IS_TYPE_ROWS (self));
  g_return_if_fail (source == NULL || G_IS_LIST_MODEL (source));

  if (source == self->source)
    return;
  g_set_object (&self->source, source);
  hs_type_rows_resort (self);
}

/* Shows the source's rows again, in order. */
void
hs_type_rows_resort (HsTypeRows *self)
{
  guint n;
  guint old_len;
  GPtrArray *order;

  g_return_if_fail (HS_IS_TYPE_ROWS (self));

  n = self->source != NULL ? g_list_model_get_n_items (self->source) : 0;
  old_len = self->rows->len;
  order = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (order, g_list_model_get_item (self->source, i));
  /* Merge sorts: stable. */
  if (gtk_sorter_get_order (self->sorter) != GTK_SORTER_ORDER_NONE)
    {
      if (self->sort_key != NULL)
        sort_by_key (self, order);
      else
        g_ptr_array_sort_with_data (order, compare_rows, self->sorter);
    }

  for (guint i = 0; i < MIN (n, old_len); i++)
    {
      gpointer source_row = g_ptr_array_index (order, i);

      /* shown holds an item for every row: rows never outnumber it. */
      if (self->kind->refresh != NULL && g_ptr_array_index (self->shown, i) == source_row)
        self->kind->refresh (g_ptr_array_index (self->rows, i), source_row);
      else
        self->kind->assign (g_ptr_array_index (self->rows, i), source_row);
    }
  g_ptr_array_unref (self->shown);
  self->shown = order;
  if (n < old_len)
    {
      g_ptr_array_remove_range (self->rows, n, old_len - n);
      g_list_model_items_changed (G_LIST_MODEL (self), n, old_len - n, 0);
    }
  add_rows (self, rows_wanted (self, n));
  if (self->rows->len < n && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (self->pacer, on_pacer_tick, self, NULL);
  else if (self->rows->len == n)
    stop_pacing (self);
}

/* The sorter orders by @key first (NULL: unknown), largest first when
 * @descending: the rows are then sorted by it, read once per row, and by
 * the sorter only between rows of equal keys. Its owner says so each time
 * the sorter changes, before the rows are sorted again. */
void
hs_type_rows_set_sort_key (HsTypeRows    *self,
                           HsTypeRowsKey  key,
                           gboolean       descending)
{
  g_return_if_fail (HS_IS_TYPE_ROWS (self));

  self->sort_key = key;
  self->sort_descending = descending;
}

/* Rows are added a few per frame of @widget (NULL: all at once) while there
 * are fewer than a list view makes widgets for at once. */
void
hs_type_rows_pace (HsTypeRows *self,
                   GtkWidget  *widget)
{
  g_return_if_fail (HS_IS_TYPE_ROWS (self));
  g_return_if_fail (widget == NULL || GTK_IS_WIDGET (widget));

  hs_type_rows_show_all (self);
  if (self->pacer != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->pacer), (gpointer *) &self->pacer);
  self->pacer = widget;
  if (widget != NULL)
    g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &self->pacer);
}

/* Adds at once the rows still to be added. */
void
hs_type_rows_show_all (HsTypeRows *self)
{
  g_return_if_fail (HS_IS_TYPE_ROWS (self));

  stop_pacing (self);
  add_rows (self, self->shown->len);
}

/* Whether rows are still being added, a few per frame of the pacer. */
gboolean
hs_type_rows_is_adding (HsTypeRows *self)
{
  g_return_val_if_fail (HS_IS_TYPE_ROWS (self), FALSE);
  return self->rows->len < self->shown->len;
}

/* The position of the row showing @name (added now if it was still to be),
 * or GTK_INVALID_LIST_POSITION. */
guint
hs_type_rows_find (HsTypeRows *self,
                   const char *name)
{
  g_return_val_if_fail (HS_IS_TYPE_ROWS (self), GTK_INVALID_LIST_POSITION);

  for (guint i = 0; i < self->rows->len; i++)
    if (g_strcmp0 (self->kind->name (g_ptr_array_index (self->rows, i)), name) == 0)
      return i;
  /* A row still to be added: added now, with those before it. */
  for (guint i = self->rows->len; i < self->shown->len; i++)
    if (g_strcmp0 (self->kind->name (g_ptr_array_index (self->shown, i)), name) == 0)
      {
        add_rows (self, i + 1);
        return i;
      }
  return GTK_INVALID_LIST_POSITION;
}
