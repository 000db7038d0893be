/* hs-object-item.h — one object of the child, as a list row: a reference the
 * agent gave, or a placeholder until its page arrives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-reply.h"

G_BEGIN_DECLS

#define HS_TYPE_OBJECT_ITEM (hs_object_item_get_type ())
G_DECLARE_FINAL_TYPE (HsObjectItem, hs_object_item, HS, OBJECT_ITEM, GObject)

HsObjectItem      *hs_object_item_new        (const HsObjectRef *ref);
const HsObjectRef *hs_object_item_get_ref    (HsObjectItem      *self);
gboolean           hs_object_item_get_loaded (HsObjectItem      *self);
void               hs_object_item_set_ref    (HsObjectItem      *self,
                                              const HsObjectRef *ref);

G_END_DECLS
