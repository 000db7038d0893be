/* hs-census-model.c — the rows of the Types page, updated in place
 *
 * A new census changes rows where they are: each row notifies the values that
 * moved, and the model emits "values-changed" once, not items-changed, so a
 * view rebinds nothing and re-sorts once (a census of thousands of types
 * would otherwise cost the window one re-sort and rebind per run of changed
 * rows). items-changed is for rows that come and go.
 * A type that vanished stays listed (count 0) while the baseline still has it,
 * so its negative Δ remains visible; otherwise its row is removed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-census-model.h"

struct _HsCensusModel
{
  GObject     parent_instance;
  GPtrArray  *rows;          /* HsTypeStat */
  GHashTable *index_by_name; /* name → HsTypeStat (borrowed from rows) */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HsCensusModel, hs_census_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

enum {
  VALUES_CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static GType
hs_census_model_get_item_type (GListModel *model)
{
  return HS_TYPE_TYPE_STAT;
}

static guint
hs_census_model_get_n_items (GListModel *model)
{
  return HS_CENSUS_MODEL (model)->rows->len;
}

static gpointer
hs_census_model_get_item (GListModel *model,
                          guint       position)
{
  HsCensusModel *self = HS_CENSUS_MODEL (model);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = hs_census_model_get_item_type;
  iface->get_n_items = hs_census_model_get_n_items;
  iface->get_item = hs_census_model_get_item;
}

static void
hs_census_model_finalize (GObject *object)
{
  HsCensusModel *self = (HsCensusModel *) object;

  g_clear_pointer (&self->index_by_name, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (hs_census_model_parent_class)->finalize (object);
}

static void
hs_census_model_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HsCensusModel *self = HS_CENSUS_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rows->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_census_model_class_init (HsCensusModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_census_model_finalize;
  object_class->get_property = hs_census_model_get_property;

  properties [PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Rows kept their places but values moved: a sorted view sorts again. */
  signals [VALUES_CHANGED] =
    g_signal_new ("values-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hs_census_model_init (HsCensusModel *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->index_by_name = g_hash_table_new (g_str_hash, g_str_equal);
}

HsCensusModel *
hs_census_model_new (void)
{
  return g_object_new (HS_TYPE_CENSUS_MODEL, NULL);
}

HsTypeStat *
hs_census_model_lookup (HsCensusModel *self,
                        const char    *name)
{
  g_return_val_if_fail (HS_IS_CENSUS_MODEL (self), NULL);

  return g_hash_table_lookup (self->index_by_name, name);
}

/* Removes the rows at @gone (ascending positions). A few runs are removed
 * one emission each, from the last; many scattered ones (thousands of types
 * churning) in one emission over the span they cover: each emission costs
 * the views above a pass of their own. */
#define REMOVAL_RUNS_APART 8

static void
remove_rows (HsCensusModel *self,
             GArray        *gone)
{
  guint n_runs = 0;
  guint first;
  guint end;

  for (guint i = 0; i < gone->len; i++)
    if (i == 0 || g_array_index (gone, guint, i) != g_array_index (gone, guint, i - 1) + 1)
      n_runs++;
  for (guint i = gone->len; i-- > 0;)
    g_hash_table_remove (self->index_by_name,
                         hs_type_stat_get_name (g_ptr_array_index (self->rows, g_array_index (gone, guint, i))));
  if (n_runs <= REMOVAL_RUNS_APART)
    {
      /* From the last run: the positions of those before stay right. */
      for (guint i = gone->len; i > 0;)
        {
          guint last = i - 1;
          guint start = last;

          while (start > 0 && g_array_index (gone, guint, start - 1) + 1 == g_array_index (gone, guint, start))
            start--;
          g_ptr_array_remove_range (self->rows, g_array_index (gone, guint, start), last - start + 1);
          g_list_model_items_changed (G_LIST_MODEL (self), g_array_index (gone, guint, start), last - start + 1, 0);
          i = start;
        }
      return;
    }
  first = g_array_index (gone, guint, 0);
  end = g_array_index (gone, guint, gone->len - 1) + 1;
  for (guint i = gone->len; i-- > 0;)
    g_ptr_array_remove_index (self->rows, g_array_index (gone, guint, i));
  g_list_model_items_changed (G_LIST_MODEL (self), first, end - first, end - first - gone->len);
}

/* Shows @current against @baseline (NULL: no deltas; @current NULL: empty). */
void
hs_census_model_update (HsCensusModel *self,
                        HsCensus      *current,
                        HsCensus      *baseline)
{
  guint old_len = self->rows->len;
  gboolean values_changed = FALSE;
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_if_fail (HS_IS_CENSUS_MODEL (self));

  /* Existing rows: update in place, or note as gone. */
  for (guint position = 0; position < self->rows->len; position++)
    {
      HsTypeStat *stat = g_ptr_array_index (self->rows, position);
      const char *name = hs_type_stat_get_name (stat);
      const HsCensusRow *now = current != NULL ? hs_census_lookup (current, name) : NULL;
      const HsCensusRow *before = baseline != NULL ? hs_census_lookup (baseline, name) : NULL;
      gint64 count = now != NULL ? now->count : 0;
      gint64 size = now != NULL ? now->size : 0;

      if (now == NULL && before == NULL)
        {
          g_array_append_val (gone, position);
          continue;
        }

      /* A type the baseline lacks grew from nothing: its Δ is all of it. */
      values_changed |= hs_type_stat_set_values (stat, count, size,
                                                 baseline != NULL ? count - (before != NULL ? before->count : 0) : 0,
                                                 baseline != NULL ? size - (before != NULL ? before->size : 0) : 0);
    }
  /* Re-sorted before rows come or go: a sorted view inserts rows (new ones,
   * and those a removal over a span gives back) by comparing them with rows
   * already in the new order. */
  if (values_changed)
    g_signal_emit (self, signals [VALUES_CHANGED], 0);
  remove_rows (self, gone);

  /* New types, then types only the baseline has, appended in one emission. */
  {
    guint appended_at = self->rows->len;
    HsCensus *sources[] = { current, baseline };

    for (guint s = 0; s < G_N_ELEMENTS (sources); s++)
      {
        if (sources[s] == NULL)
          continue;
        for (guint i = 0; i < sources[s]->n_rows; i++)
          {
            const HsCensusRow *row = &sources[s]->rows[i];
            const HsCensusRow *now = s == 0 ? row : (current != NULL ? hs_census_lookup (current, row->name) : NULL);
            const HsCensusRow *before = baseline != NULL ? hs_census_lookup (baseline, row->name) : NULL;
            gint64 count = now != NULL ? now->count : 0;
            gint64 size = now != NULL ? now->size : 0;
            HsTypeStat *stat;

            if (g_hash_table_contains (self->index_by_name, row->name))
              continue;
            stat = hs_type_stat_new (row->name);
            hs_type_stat_set_values (stat, count, size,
                                     baseline != NULL ? count - (before != NULL ? before->count : 0) : 0,
                                     baseline != NULL ? size - (before != NULL ? before->size : 0) : 0);
            g_ptr_array_add (self->rows, stat);
            g_hash_table_insert (self->index_by_name, (char *) hs_type_stat_get_name (stat), stat);
          }
      }
    if (self->rows->len > appended_at)
      g_list_model_items_changed (G_LIST_MODEL (self), appended_at, 0, self->rows->len - appended_at);
  }

  if (self->rows->len != old_len)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ITEMS]);
}
