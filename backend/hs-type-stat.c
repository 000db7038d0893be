/* hs-type-stat.c — one row of the Types page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-type-stat.h"

struct _HsTypeStat
{
  GObject  parent_instance;
  char    *name;
  gint64   count;
  gint64   size;
  gint64   delta_count;
  gint64   delta_size;
};

G_DEFINE_FINAL_TYPE (HsTypeStat, hs_type_stat, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_COUNT,
  PROP_SIZE,
  PROP_DELTA_COUNT,
  PROP_DELTA_SIZE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];
static guint notify_signal;

static void
hs_type_stat_finalize (GObject *object)
{
  HsTypeStat *self = (HsTypeStat *) object;

  g_free (self->name);
  G_OBJECT_CLASS (hs_type_stat_parent_class)->finalize (object);
}

static void
hs_type_stat_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HsTypeStat *self = HS_TYPE_STAT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_COUNT:
      g_value_set_int64 (value, self->count);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    case PROP_DELTA_COUNT:
      g_value_set_int64 (value, self->delta_count);
      break;
    case PROP_DELTA_SIZE:
      g_value_set_int64 (value, self->delta_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_type_stat_class_init (HsTypeStatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_type_stat_finalize;
  object_class->get_property = hs_type_stat_get_property;

  properties [PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_COUNT] =
    g_param_spec_int64 ("count", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_DELTA_COUNT] =
    g_param_spec_int64 ("delta-count", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_DELTA_SIZE] =
    g_param_spec_int64 ("delta-size", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
  notify_signal = g_signal_lookup ("notify", G_TYPE_OBJECT);
}

static void
hs_type_stat_init (HsTypeStat *self)
{
}

HsTypeStat *
hs_type_stat_new (const char *name)
{
  HsTypeStat *self = g_object_new (HS_TYPE_TYPE_STAT, NULL);

  self->name = g_strdup (name);
  return self;
}

const char *
hs_type_stat_get_name (HsTypeStat *self)
{
  g_return_val_if_fail (HS_IS_TYPE_STAT (self), NULL);
  return self->name;
}

gint64
hs_type_stat_get_count (HsTypeStat *self)
{
  g_return_val_if_fail (HS_IS_TYPE_STAT (self), 0);
  return self->count;
}

gint64
hs_type_stat_get_size (HsTypeStat *self)
{
  g_return_val_if_fail (HS_IS_TYPE_STAT (self), 0);
  return self->size;
}

gint64
hs_type_stat_get_delta_count (HsTypeStat *self)
{
  g_return_val_if_fail (HS_IS_TYPE_STAT (self), 0);
  return self->delta_count;
}

gint64
hs_type_stat_get_delta_size (HsTypeStat *self)
{
  g_return_val_if_fail (HS_IS_TYPE_STAT (self), 0);
  return self->delta_size;
}

/* Returns TRUE when anything changed; notifies only what changed. The caller
 * (the census model) emits items-changed, which is what the list widgets watch. */
gboolean
hs_type_stat_set_values (HsTypeStat *self,
                         gint64      count,
                         gint64      size,
                         gint64      delta_count,
                         gint64      delta_size)
{
  gint64 *fields[] = { &self->count, &self->size, &self->delta_count, &self->delta_size };
  gint64 values[] = { count, size, delta_count, delta_size };
  guint props[] = { PROP_COUNT, PROP_SIZE, PROP_DELTA_COUNT, PROP_DELTA_SIZE };
  gboolean changed = FALSE;
  gboolean watched;

  g_return_val_if_fail (HS_IS_TYPE_STAT (self), FALSE);

  /* Thousands of rows change at each census, and only the few a view shows
   * are watched: the others change without a notification (each costs
   * GObject a lock and a signal emission). */
  watched = g_signal_handler_find (self, G_SIGNAL_MATCH_ID, notify_signal, 0, NULL, NULL, NULL) != 0;
  if (watched)
    g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (*fields[i] == values[i])
        continue;
      *fields[i] = values[i];
      if (watched)
        g_object_notify_by_pspec (G_OBJECT (self), properties[props[i]]);
      changed = TRUE;
    }
  if (watched)
    g_object_thaw_notify (G_OBJECT (self));
  return changed;
}
