/* hs-garbage-log.c — what the garbage watch saw over a run
 *
 * A collection is a view of its summary in the report that brought it: it
 * keeps the report alive, nothing is copied.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-garbage-log.h"

/* -- HsGarbageCollection -------------------------------------------------- */

struct _HsGarbageCollection
{
  GObject                 parent_instance;

  HsGarbageReport        *report;
  const HsGarbageSummary *summary;   /* in @report */
  guint                   index;
};

enum
{
  COLLECTION_PROP_0,
  COLLECTION_PROP_INDEX,
  COLLECTION_PROP_TIME,
  COLLECTION_PROP_GENERATION,
  COLLECTION_PROP_OBJECTS,
  COLLECTION_PROP_BYTES,
  COLLECTION_PROP_CYCLES,
  COLLECTION_PROP_WITH_DEL,
  COLLECTION_PROP_UNCOLLECTABLE,
  COLLECTION_PROP_COST,
  N_COLLECTION_PROPS
};

static GParamSpec *collection_props[N_COLLECTION_PROPS];

G_DEFINE_FINAL_TYPE (HsGarbageCollection, hs_garbage_collection, G_TYPE_OBJECT)

static void
hs_garbage_collection_finalize (GObject *object)
{
  HsGarbageCollection *self = HS_GARBAGE_COLLECTION (object);

  g_clear_pointer (&self->report, hs_garbage_report_unref);
  G_OBJECT_CLASS (hs_garbage_collection_parent_class)->finalize (object);
}

static void
hs_garbage_collection_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HsGarbageCollection *self = HS_GARBAGE_COLLECTION (object);
  const HsGarbageSummary *summary = self->summary;

  switch (prop_id)
    {
    case COLLECTION_PROP_INDEX: g_value_set_uint (value, self->index); break;
    case COLLECTION_PROP_TIME: g_value_set_double (value, summary->time); break;
    case COLLECTION_PROP_GENERATION: g_value_set_int (value, summary->generation); break;
    case COLLECTION_PROP_OBJECTS: g_value_set_int64 (value, summary->objects); break;
    case COLLECTION_PROP_BYTES: g_value_set_int64 (value, summary->bytes); break;
    case COLLECTION_PROP_CYCLES: g_value_set_int64 (value, summary->cycles); break;
    case COLLECTION_PROP_WITH_DEL: g_value_set_int64 (value, summary->with_del); break;
    case COLLECTION_PROP_UNCOLLECTABLE: g_value_set_int64 (value, summary->uncollectable); break;
    case COLLECTION_PROP_COST: g_value_set_double (value, summary->cost); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_garbage_collection_class_init (HsGarbageCollectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = hs_garbage_collection_finalize;
  object_class->get_property = hs_garbage_collection_get_property;

  collection_props[COLLECTION_PROP_INDEX] = g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0, flags);
  collection_props[COLLECTION_PROP_TIME] = g_param_spec_double ("time", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  collection_props[COLLECTION_PROP_GENERATION] =
    g_param_spec_int ("generation", NULL, NULL, 0, HS_GARBAGE_REPORT_MAX_GENERATION, 0, flags);
  collection_props[COLLECTION_PROP_OBJECTS] = g_param_spec_int64 ("objects", NULL, NULL, 0, G_MAXINT64, 0, flags);
  collection_props[COLLECTION_PROP_BYTES] = g_param_spec_int64 ("bytes", NULL, NULL, 0, G_MAXINT64, 0, flags);
  collection_props[COLLECTION_PROP_CYCLES] = g_param_spec_int64 ("cycles", NULL, NULL, -1, G_MAXINT64, 0, flags);
  collection_props[COLLECTION_PROP_WITH_DEL] = g_param_spec_int64 ("with-del", NULL, NULL, 0, G_MAXINT64, 0, flags);
  collection_props[COLLECTION_PROP_UNCOLLECTABLE] =
    g_param_spec_int64 ("uncollectable", NULL, NULL, 0, G_MAXINT64, 0, flags);
  collection_props[COLLECTION_PROP_COST] = g_param_spec_double ("cost", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  g_object_class_install_properties (object_class, N_COLLECTION_PROPS, collection_props);
}

static void
hs_garbage_collection_init (HsGarbageCollection *self)
{
}

static HsGarbageCollection *
hs_garbage_collection_new (const HsGarbageReport *report,
                           guint                  position,
                           guint                  index)
{
  HsGarbageCollection *self = g_object_new (HS_TYPE_GARBAGE_COLLECTION, NULL);

  self->report = hs_garbage_report_ref ((HsGarbageReport *) report);
  self->summary = &report->collections[position];
  self->index = index;
  return self;
}

#define GETTER(type, name, expression) \
  type \
  hs_garbage_collection_get_##name (HsGarbageCollection *self) \
  { \
    g_return_val_if_fail (HS_IS_GARBAGE_COLLECTION (self), 0); \
    return expression; \
  }

GETTER (guint, index, self->index)
GETTER (double, time, self->summary->time)
GETTER (int, generation, self->summary->generation)
GETTER (gint64, objects, self->summary->objects)
GETTER (gint64, bytes, self->summary->bytes)
GETTER (gint64, cycles, self->summary->cycles)
GETTER (gint64, with_del, self->summary->with_del)
GETTER (gint64, uncollectable, self->summary->uncollectable)
GETTER (double, cost, self->summary->cost)
#undef GETTER

const HsGarbageType *
hs_garbage_collection_get_types (HsGarbageCollection *self,
                                 guint               *n_types)
{
  g_return_val_if_fail (HS_IS_GARBAGE_COLLECTION (self), NULL);
  g_return_val_if_fail (n_types != NULL, NULL);

  *n_types = self->summary->n_types;
  return self->summary->types;
}

const HsGarbageGraph *
hs_garbage_collection_get_graphs (HsGarbageCollection *self,
                                  guint               *n_graphs)
{
  g_return_val_if_fail (HS_IS_GARBAGE_COLLECTION (self), NULL);
  g_return_val_if_fail (n_graphs != NULL, NULL);

  *n_graphs = self->summary->n_graphs;
  return self->summary->graphs;
}

const HsGarbageGraph *
hs_garbage_collection_get_graph (HsGarbageCollection *self,
                                 guint                graph)
{
  g_return_val_if_fail (HS_IS_GARBAGE_COLLECTION (self), NULL);

  return graph < self->summary->n_graphs ? &self->summary->graphs[graph] : NULL;
}

/* -- HsGarbageLog --------------------------------------------------------- */

struct _HsGarbageLog
{
  GObject     parent_instance;

  GPtrArray  *collections;     /* HsGarbageCollection, oldest first */
  guint       next_index;
  gboolean    watching;
  gint64      objects;
  gint64      bytes;
  gint64      cycles;
  gint64      uncounted;
  gint64      with_del;
  gint64      uncollectable;
  double      cost;
  gint64      dropped;
};

enum
{
  PROP_0,
  PROP_N_ITEMS,
  PROP_WATCHING,
  PROP_COLLECTIONS,
  PROP_OBJECTS,
  PROP_BYTES,
  PROP_CYCLES,
  PROP_UNCOUNTED,
  PROP_WITH_DEL,
  PROP_UNCOLLECTABLE,
  PROP_COST,
  PROP_DROPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
hs_garbage_log_get_item_type (GListModel *model)
{
  return HS_TYPE_GARBAGE_COLLECTION;
}

static guint
hs_garbage_log_get_n_items (GListModel *model)
{
  return HS_GARBAGE_LOG (model)->collections->len;
}

static gpointer
hs_garbage_log_get_item (GListModel *model,
                         guint       position)
{
  HsGarbageLog *self = HS_GARBAGE_LOG (model);

  if (position >= self->collections->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->collections, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = hs_garbage_log_get_item_type;
  iface->get_n_items = hs_garbage_log_get_n_items;
  iface->get_item = hs_garbage_log_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (HsGarbageLog, hs_garbage_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
hs_garbage_log_finalize (GObject *object)
{
  HsGarbageLog *self = HS_GARBAGE_LOG (object);

  g_ptr_array_unref (self->collections);
  G_OBJECT_CLASS (hs_garbage_log_parent_class)->finalize (object);
}

static void
hs_garbage_log_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HsGarbageLog *self = HS_GARBAGE_LOG (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS: g_value_set_uint (value, self->collections->len); break;
    case PROP_WATCHING: g_value_set_boolean (value, self->watching); break;
    case PROP_COLLECTIONS: g_value_set_int64 (value, self->next_index); break;
    case PROP_OBJECTS: g_value_set_int64 (value, self->objects); break;
    case PROP_BYTES: g_value_set_int64 (value, self->bytes); break;
    case PROP_CYCLES: g_value_set_int64 (value, self->cycles); break;
    case PROP_UNCOUNTED: g_value_set_int64 (value, self->uncounted); break;
    case PROP_WITH_DEL: g_value_set_int64 (value, self->with_del); break;
    case PROP_UNCOLLECTABLE: g_value_set_int64 (value, self->uncollectable); break;
    case PROP_COST: g_value_set_double (value, self->cost); break;
    case PROP_DROPPED: g_value_set_int64 (value, self->dropped); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_garbage_log_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_WATCHING:
      hs_garbage_log_set_watching (HS_GARBAGE_LOG (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_garbage_log_class_init (HsGarbageLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = hs_garbage_log_finalize;
  object_class->get_property = hs_garbage_log_get_property;
  object_class->set_property = hs_garbage_log_set_property;

  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_WATCHING] =
    g_param_spec_boolean ("watching", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COLLECTIONS] = g_param_spec_int64 ("collections", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_OBJECTS] = g_param_spec_int64 ("objects", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_BYTES] = g_param_spec_int64 ("bytes", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CYCLES] = g_param_spec_int64 ("cycles", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_UNCOUNTED] = g_param_spec_int64 ("uncounted", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_WITH_DEL] = g_param_spec_int64 ("with-del", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_UNCOLLECTABLE] = g_param_spec_int64 ("uncollectable", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_COST] = g_param_spec_double ("cost", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_DROPPED] = g_param_spec_int64 ("dropped", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_garbage_log_init (HsGarbageLog *self)
{
  self->collections = g_ptr_array_new_with_free_func (g_object_unref);
}

HsGarbageLog *
hs_garbage_log_new (void)
{
  return g_object_new (HS_TYPE_GARBAGE_LOG, NULL);
}

/* Adds @delta to a total, remembering to notify it when it changed. */
static void
add_to (gint64   *total,
        gint64    delta,
        gboolean *changed)
{
  if (delta == 0)
    return;
  *total = (gint64) MIN ((guint64) *total + (guint64) delta, (guint64) G_MAXINT64);
  *changed = TRUE;
}

void
hs_garbage_log_apply (HsGarbageLog          *self,
                      const HsGarbageReport *report)
{
  gboolean changed[N_PROPS] = { FALSE, };
  guint position;
  guint overflow;

  g_return_if_fail (HS_IS_GARBAGE_LOG (self));
  g_return_if_fail (report != NULL);

  /* The oldest leave a full list first, in one change of their own. */
  overflow = self->collections->len + report->n_collections;
  overflow = overflow > HS_GARBAGE_LOG_MAX_COLLECTIONS ? overflow - HS_GARBAGE_LOG_MAX_COLLECTIONS : 0;
  overflow = MIN (overflow, self->collections->len);
  if (overflow > 0)
    {
      g_ptr_array_remove_range (self->collections, 0, overflow);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, overflow, 0);
    }

  position = self->collections->len;
  for (guint i = 0; i < report->n_collections; i++)
    {
      const HsGarbageSummary *summary = &report->collections[i];

      add_to (&self->objects, summary->objects, &changed[PROP_OBJECTS]);
      add_to (&self->bytes, summary->bytes, &changed[PROP_BYTES]);
      if (summary->cycles >= 0)
        add_to (&self->cycles, summary->cycles, &changed[PROP_CYCLES]);
      else
        add_to (&self->uncounted, 1, &changed[PROP_UNCOUNTED]);
      add_to (&self->with_del, summary->with_del, &changed[PROP_WITH_DEL]);
      add_to (&self->uncollectable, summary->uncollectable, &changed[PROP_UNCOLLECTABLE]);
      /* Past the cap, a report this size would only leave again. */
      if (i + HS_GARBAGE_LOG_MAX_COLLECTIONS >= report->n_collections)
        g_ptr_array_add (self->collections, hs_garbage_collection_new (report, i, self->next_index));
      self->next_index++;
    }
  changed[PROP_COLLECTIONS] = report->n_collections > 0;
  add_to (&self->dropped, report->dropped, &changed[PROP_DROPPED]);
  if (report->cost > 0)
    {
      self->cost += report->cost;
      changed[PROP_COST] = TRUE;
    }

  if (self->collections->len != position || overflow > 0)
    {
      changed[PROP_N_ITEMS] = TRUE;
      if (self->collections->len != position)
        g_list_model_items_changed (G_LIST_MODEL (self), position, 0, self->collections->len - position);
    }
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < N_PROPS; i++)
    if (changed[i])
      g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
hs_garbage_log_get_watching (HsGarbageLog *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_LOG (self), FALSE);
  return self->watching;
}

void
hs_garbage_log_set_watching (HsGarbageLog *self,
                             gboolean      watching)
{
  g_return_if_fail (HS_IS_GARBAGE_LOG (self));

  watching = !!watching;
  if (self->watching == watching)
    return;
  self->watching = watching;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCHING]);
}

#define TOTAL(type, name, expression) \
  type \
  hs_garbage_log_get_##name (HsGarbageLog *self) \
  { \
    g_return_val_if_fail (HS_IS_GARBAGE_LOG (self), 0); \
    return expression; \
  }

TOTAL (gint64, collections, self->next_index)
TOTAL (gint64, objects, self->objects)
TOTAL (gint64, bytes, self->bytes)
TOTAL (gint64, cycles, self->cycles)
TOTAL (gint64, uncounted, self->uncounted)
TOTAL (gint64, with_del, self->with_del)
TOTAL (gint64, uncollectable, self->uncollectable)
TOTAL (double, cost, self->cost)
TOTAL (gint64, dropped, self->dropped)
#undef TOTAL
