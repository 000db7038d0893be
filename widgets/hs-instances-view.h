/* hs-instances-view.h — the instances of the type chosen on the Types page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-instance-list.h"

G_BEGIN_DECLS

#define HS_TYPE_INSTANCES_VIEW (hs_instances_view_get_type ())
G_DECLARE_FINAL_TYPE (HsInstancesView, hs_instances_view, HS, INSTANCES_VIEW, GtkWidget)

GtkWidget         *hs_instances_view_new              (void);
void               hs_instances_view_set_session      (HsInstancesView *self,
                                                       HsSession       *session);
void               hs_instances_view_set_type_name    (HsInstancesView *self,
                                                       const char      *type_name);
void               hs_instances_view_set_order        (HsInstancesView *self,
                                                       HsInstanceOrder  order);
HsInstanceOrder    hs_instances_view_get_order        (HsInstancesView *self);
HsInstanceList    *hs_instances_view_get_list         (HsInstancesView *self);
GtkColumnView     *hs_instances_view_get_column_view  (HsInstancesView *self);
void               hs_instances_view_select           (HsInstancesView *self,
                                                       guint            position);
const HsObjectRef *hs_instances_view_get_selected     (HsInstancesView *self);
const char        *hs_instances_view_get_state        (HsInstancesView *self);
const char        *hs_instances_view_get_message      (HsInstancesView *self);
const char        *hs_instances_view_get_title        (HsInstancesView *self);

G_END_DECLS
