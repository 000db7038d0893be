/* hs-why-view.h — why a type's instances are alive: their paths to a root,
 * grouped by shape, with what each group keeps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-session.h"

G_BEGIN_DECLS

#define HS_TYPE_WHY_VIEW (hs_why_view_get_type ())
G_DECLARE_FINAL_TYPE (HsWhyView, hs_why_view, HS, WHY_VIEW, GtkWidget)

/* Signals: "show-path", "show-graph" (an HsObjectRef: one instance of the
 * group chosen, whose path or graph the window shows). */
GtkWidget     *hs_why_view_new           (void);
void           hs_why_view_set_session   (HsWhyView   *self,
                                          HsSession   *session);
/* The type whose instances are followed, asked about at once while the
 * session is live; NULL for none. */
void           hs_why_view_set_type_name (HsWhyView   *self,
                                          const char  *type_name);
void           hs_why_view_set_since     (HsWhyView   *self,
                                          double       since);
const char    *hs_why_view_get_type_name (HsWhyView   *self);
/* "none" (no type), "asking", "ended" (the process is gone: nothing to
 * ask), "error", "groups" (the answer is shown). */
const char    *hs_why_view_get_state     (HsWhyView   *self);
/* The answer shown, or NULL. */
HsReply       *hs_why_view_get_reply     (HsWhyView   *self);
GtkListBox    *hs_why_view_get_list_box  (HsWhyView   *self);
/* The answer as heapscope --why prints it; NULL when there is none. */
char          *hs_why_view_dup_text      (HsWhyView   *self);

G_END_DECLS
