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

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

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

  /* The values are read-only and not notified one by one: "changed" says
   * they moved. */
  properties [PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_COUNT] =
    g_param_spec_int64 ("count", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_DELTA_COUNT] =
    g_param_spec_int64 ("delta-count", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_DELTA_SIZE] =
    g_param_spec_int64 ("delta-size", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HsTypeStat::changed:
   *
   * The values moved. One signal, not a notification per property: a census
   * changes thousands of rows, and the few cells shown redraw on it.
   */
  signals [CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
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

/* Returns TRUE when anything changed, and then emits "changed". */
gboolean
hs_type_stat_set_values (HsTypeStat *self,
                         gint64      count,
                         gint64      size,
                         gint64      delta_count,
                         gint64      delta_size)
{
  g_return_val_if_fail (HS_IS_TYPE_STAT (self), FALSE);

  if (self->count == count && self->size == size &&
      self->delta_count == delta_count && self->delta_size == delta_size)
    return FALSE;
  self->count = count;
  self->size = size;
  self->delta_count = delta_count;
  self->delta_size = delta_size;
  g_signal_emit (self, signals [CHANGED], 0);
  return TRUE;
}

/* Makes @self, which shows @source's type already, show its values. */
void
hs_type_stat_refresh (HsTypeStat *self,
                      HsTypeStat *source)
{
  g_return_if_fail (HS_IS_TYPE_STAT (source));

  hs_type_stat_set_values (self, source->count, source->size, source->delta_count, source->delta_size);
}

/* A row showing what @source shows. */
HsTypeStat *
hs_type_stat_copy (HsTypeStat *source)
{
  HsTypeStat *self;

  g_return_val_if_fail (HS_IS_TYPE_STAT (source), NULL);

  self = hs_type_stat_new (source->name);
  self->count = source->count;
  self->size = source->size;
  self->delta_count = source->delta_count;
  self->delta_size = source->delta_size;
  return self;
}

/* Makes @self show what @source shows, name included; emits "changed" when
 * anything differs. */
void
hs_type_stat_assign (HsTypeStat *self,
                     HsTypeStat *source)
{
  gboolean renamed;

  g_return_if_fail (HS_IS_TYPE_STAT (self));
  g_return_if_fail (HS_IS_TYPE_STAT (source));

  renamed = g_strcmp0 (self->name, source->name) != 0;
  if (renamed)
    {
      g_free (self->name);
      self->name = g_strdup (source->name);
    }
  if (!hs_type_stat_set_values (self, source->count, source->size, source->delta_count, source->delta_size) &&
      renamed)
    g_signal_emit (self, signals [CHANGED], 0);
}
