/* hs-instance-list.h — the instances of one type, paged in from the agent as
 * rows are looked at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-object-item.h"
#include "hs-session.h"

G_BEGIN_DECLS

#define HS_INSTANCE_LIST_PAGE_SIZE 200
/* How long a page no row uses keeps its handles (scrolling back is free). */
#define HS_INSTANCE_LIST_RELEASE_DELAY_MS 1000

#define HS_TYPE_INSTANCE_LIST (hs_instance_list_get_type ())
G_DECLARE_FINAL_TYPE (HsInstanceList, hs_instance_list, HS, INSTANCE_LIST, GObject)

HsInstanceList  *hs_instance_list_new            (HsSession       *session,
                                                 const char      *type_name,
                                                 HsInstanceOrder  order);
const char      *hs_instance_list_get_type_name  (HsInstanceList  *self);
HsInstanceOrder  hs_instance_list_get_order      (HsInstanceList  *self);
gboolean         hs_instance_list_get_loading    (HsInstanceList  *self);
const GError    *hs_instance_list_get_error      (HsInstanceList  *self);
guint            hs_instance_list_get_n_requests (HsInstanceList  *self);
void             hs_instance_list_cancel         (HsInstanceList  *self);

G_END_DECLS
