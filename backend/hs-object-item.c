/* hs-object-item.c — one object of the child, as a list row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-object-item.h"

struct _HsObjectItem
{
  GObject      parent_instance;

  HsObjectRef *ref;
};

G_DEFINE_FINAL_TYPE (HsObjectItem, hs_object_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
hs_object_item_finalize (GObject *object)
{
  g_clear_pointer (&HS_OBJECT_ITEM (object)->ref, hs_object_ref_free);
  G_OBJECT_CLASS (hs_object_item_parent_class)->finalize (object);
}

static void
hs_object_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, HS_OBJECT_ITEM (object)->ref != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_object_item_class_init (HsObjectItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_object_item_finalize;
  object_class->get_property = hs_object_item_get_property;

  properties [PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_object_item_init (HsObjectItem *self)
{
}

/* @ref: copied; NULL for a placeholder. */
HsObjectItem *
hs_object_item_new (const HsObjectRef *ref)
{
  HsObjectItem *self = g_object_new (HS_TYPE_OBJECT_ITEM, NULL);

  if (ref != NULL)
    self->ref = hs_object_ref_copy (ref);
  return self;
}

/* NULL while the row is a placeholder. */
const HsObjectRef *
hs_object_item_get_ref (HsObjectItem *self)
{
  g_return_val_if_fail (HS_IS_OBJECT_ITEM (self), NULL);
  return self->ref;
}

gboolean
hs_object_item_get_loaded (HsObjectItem *self)
{
  g_return_val_if_fail (HS_IS_OBJECT_ITEM (self), FALSE);
  return self->ref != NULL;
}

/* Fills a placeholder in place, so the rows showing it follow "notify::loaded". */
void
hs_object_item_set_ref (HsObjectItem      *self,
                        const HsObjectRef *ref)
{
  gboolean was_loaded;

  g_return_if_fail (HS_IS_OBJECT_ITEM (self));

  was_loaded = self->ref != NULL;
  g_clear_pointer (&self->ref, hs_object_ref_free);
  if (ref != NULL)
    self->ref = hs_object_ref_copy (ref);
  if (was_loaded != (ref != NULL) || ref != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOADED]);
}
