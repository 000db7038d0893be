/* hs-instance-row.c — a row of the Classes page's instance table, showing
 * one tracked instance and then another
 *
 * The table's rows stay where they are (HsTypeRows): when instances die or
 * the order changes, a row is made to show another instance ("instance" is
 * notified, and the cells bound through it show the new one's values).
 * GTK 4.8's list views would otherwise make new widgets for every instance
 * that moves into view, at each sample.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-instance-row.h"

struct _HsInstanceRow
{
  GObject            parent_instance;
  HsTrackedInstance *instance;
};

G_DEFINE_FINAL_TYPE (HsInstanceRow, hs_instance_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INSTANCE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
hs_instance_row_dispose (GObject *object)
{
  HsInstanceRow *self = (HsInstanceRow *) object;

  g_clear_object (&self->instance);
  G_OBJECT_CLASS (hs_instance_row_parent_class)->dispose (object);
}

static void
hs_instance_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HsInstanceRow *self = HS_INSTANCE_ROW (object);

  switch (prop_id)
    {
    case PROP_INSTANCE:
      g_value_set_object (value, self->instance);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_instance_row_class_init (HsInstanceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hs_instance_row_dispose;
  object_class->get_property = hs_instance_row_get_property;
  properties [PROP_INSTANCE] =
    g_param_spec_object ("instance", NULL, NULL, HS_TYPE_TRACKED_INSTANCE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_instance_row_init (HsInstanceRow *self)
{
}

HsInstanceRow *
hs_instance_row_new (HsTrackedInstance *instance)
{
  HsInstanceRow *self;

  g_return_val_if_fail (HS_IS_TRACKED_INSTANCE (instance), NULL);

  self = g_object_new (HS_TYPE_INSTANCE_ROW, NULL);
  self->instance = g_object_ref (instance);
  return self;
}

/* Makes @self show @instance; notifies "instance" when it is another. */
void
hs_instance_row_assign (HsInstanceRow     *self,
                        HsTrackedInstance *instance)
{
  g_return_if_fail (HS_IS_INSTANCE_ROW (self));
  g_return_if_fail (HS_IS_TRACKED_INSTANCE (instance));

  if (g_set_object (&self->instance, instance))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_INSTANCE]);
}

HsTrackedInstance *
hs_instance_row_get_instance (HsInstanceRow *self)
{
  g_return_val_if_fail (HS_IS_INSTANCE_ROW (self), NULL);
  return self->instance;
}

HsTrackedInstance *
hs_instance_row_instance_of (gpointer item)
{
  if (HS_IS_INSTANCE_ROW (item))
    return HS_INSTANCE_ROW (item)->instance;
  g_return_val_if_fail (HS_IS_TRACKED_INSTANCE (item), NULL);
  return item;
}

const char *
hs_instance_row_name (gpointer item)
{
  return hs_tracked_instance_get_class_name (hs_instance_row_instance_of (item));
}
