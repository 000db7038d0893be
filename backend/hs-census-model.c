/* hs-census-model.c — the rows of the Types page, updated in place
 *
 * A new census changes rows where they are: each row that moved says so
 * ("changed"), not items-changed, so a view rebinds nothing (a census of
 * thousands of types would otherwise cost the window a rebind per run of
 * changed rows). Rows that come and go make one items-changed per census,
 * and "updated" closes every update that moved anything: a sorted view
 * sorts once, there.
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
  UPDATED,
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

  /* An update moved values, rows or both; emitted once, last (after any
   * items-changed): a sorted view sorts again. */
  signals [UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
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

/* Drops the rows at @gone (ascending positions) in one pass: thousands of
 * types churning leave gaps all over. */
static void
drop_rows (HsCensusModel *self,
           GArray        *gone)
{
  GPtrArray *kept;
  guint next_gone = 0;

  if (gone->len == 0)
    return;
  kept = g_ptr_array_new_full (self->rows->len - gone->len, g_object_unref);
  for (guint position = 0; position < self->rows->len; position++)
    {
      HsTypeStat *stat = g_ptr_array_index (self->rows, position);

      if (next_gone < gone->len && g_array_index (gone, guint, next_gone) == position)
        {
          /* Its name is the key: out of the index before the row goes. */
          g_hash_table_remove (self->index_by_name, hs_type_stat_get_name (stat));
          next_gone++;
          continue;
        }
      g_ptr_array_add (kept, g_object_ref (stat));
    }
  g_ptr_array_unref (self->rows);
  self->rows = kept;
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
  /* Which census rows already have a row here: only the others are looked
   * up again (thousands of names hashed per census otherwise). */
  g_autofree guint8 *current_shown = NULL;
  g_autofree guint8 *baseline_shown = NULL;

  g_return_if_fail (HS_IS_CENSUS_MODEL (self));

  if (current != NULL)
    current_shown = g_new0 (guint8, current->n_rows + 1);
  if (baseline != NULL)
    baseline_shown = g_new0 (guint8, baseline->n_rows + 1);

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
      if (now != NULL)
        current_shown[now - current->rows] = TRUE;
      if (before != NULL)
        baseline_shown[before - baseline->rows] = TRUE;

      /* A type the baseline lacks grew from nothing: its Δ is all of it. */
      values_changed |= hs_type_stat_set_values (stat, count, size,
                                                 baseline != NULL ? count - (before != NULL ? before->count : 0) : 0,
                                                 baseline != NULL ? size - (before != NULL ? before->size : 0) : 0);
    }
  drop_rows (self, gone);

  /* New types, then types only the baseline has, appended. */
  {
    HsCensus *sources[] = { current, baseline };
    guint8 *shown[] = { current_shown, baseline_shown };

    for (guint s = 0; s < G_N_ELEMENTS (sources); s++)
      {
        if (sources[s] == NULL)
          continue;
        for (guint i = 0; i < sources[s]->n_rows; i++)
          {
            const HsCensusRow *row = &sources[s]->rows[i];
            const HsCensusRow *now;
            const HsCensusRow *before;
            gint64 count;
            gint64 size;
            HsTypeStat *stat;

            /* A type of the baseline not yet shown is not in the current
             * census: it would have been shown with it. */
            if (shown[s][i] || g_hash_table_contains (self->index_by_name, row->name))
              continue;
            now = s == 0 ? row : NULL;
            before = s == 1 ? row : (baseline != NULL ? hs_census_lookup (baseline, row->name) : NULL);
            if (before != NULL)
              baseline_shown[before - baseline->rows] = TRUE;
            count = now != NULL ? now->count : 0;
            size = now != NULL ? now->size : 0;
            stat = hs_type_stat_new (row->name);
            hs_type_stat_set_values (stat, count, size,
                                     baseline != NULL ? count - (before != NULL ? before->count : 0) : 0,
                                     baseline != NULL ? size - (before != NULL ? before->size : 0) : 0);
            g_ptr_array_add (self->rows, stat);
            g_hash_table_insert (self->index_by_name, (char *) hs_type_stat_get_name (stat), stat);
          }
      }
  }

  /* One emission for all that came and went: from the first row gone (or
   * the first appended) on, rows are replaced. Each emission costs the views
   * above a pass of their own. */
  {
    guint first = gone->len > 0 ? g_array_index (gone, guint, 0) : old_len;
    guint removed = old_len - first;
    guint added = self->rows->len - first;

    /* One run of rows gone and none new: just that run. */
    if (gone->len > 0 && self->rows->len + gone->len == old_len &&
        g_array_index (gone, guint, gone->len - 1) - first + 1 == gone->len)
      {
        removed = gone->len;
        added = 0;
      }
    if (removed > 0 || added > 0)
      g_list_model_items_changed (G_LIST_MODEL (self), first, removed, added);
    if (values_changed || removed > 0 || added > 0)
      g_signal_emit (self, signals [UPDATED], 0);
  }

  if (self->rows->len != old_len)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ITEMS]);
}
