/* hs-status.h — an icon, a title and a line of text, centred: what a view
 * shows when it has nothing else to show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HS_TYPE_STATUS (hs_status_get_type ())
G_DECLARE_FINAL_TYPE (HsStatus, hs_status, HS, STATUS, GtkWidget)

GtkWidget  *hs_status_new      (gboolean    large);
void        hs_status_set      (HsStatus   *self,
                                const char *icon_name,
                                const char *title,
                                const char *text);
const char *hs_status_get_text (HsStatus   *self);

G_END_DECLS
