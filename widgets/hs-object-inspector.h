/* hs-object-inspector.h — one object: its sizes, its asized() breakdown and
 * what it refers to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-session.h"

G_BEGIN_DECLS

#define HS_TYPE_OBJECT_INSPECTOR (hs_object_inspector_get_type ())
G_DECLARE_FINAL_TYPE (HsObjectInspector, hs_object_inspector, HS, OBJECT_INSPECTOR, GtkWidget)

GtkWidget         *hs_object_inspector_new            (void);
void               hs_object_inspector_set_session    (HsObjectInspector *self,
                                                       HsSession         *session);
void               hs_object_inspector_set_object     (HsObjectInspector *self,
                                                       const HsObjectRef *object);
const HsObjectRef *hs_object_inspector_get_object     (HsObjectInspector *self);
HsObjectDetails   *hs_object_inspector_get_reply      (HsObjectInspector *self);
void               hs_object_inspector_set_detail     (HsObjectInspector *self,
                                                       int                detail);
GListModel        *hs_object_inspector_get_breakdown  (HsObjectInspector *self);
GListModel        *hs_object_inspector_get_referents  (HsObjectInspector *self);
void               hs_object_inspector_activate_referent (HsObjectInspector *self,
                                                          guint              position);
/* Asks what the object retains (the Measure button); the "retained" size
 * text shows it when the answer comes. */
void               hs_object_inspector_measure_retained (HsObjectInspector *self);
const char        *hs_object_inspector_get_size_text  (HsObjectInspector *self,
                                                       const char        *which);
const char        *hs_object_inspector_get_message    (HsObjectInspector *self);

G_END_DECLS
