/* hs-banner.h — a message across the top of the window, until it no longer holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HS_TYPE_BANNER (hs_banner_get_type ())
G_DECLARE_FINAL_TYPE (HsBanner, hs_banner, HS, BANNER, GtkWidget)

GtkWidget  *hs_banner_new          (const char *icon_name);
void        hs_banner_set_title    (HsBanner   *self,
                                    const char *title);
const char *hs_banner_get_title    (HsBanner   *self);
void        hs_banner_set_button   (HsBanner   *self,
                                    const char *label,
                                    const char *detailed_action);
GtkButton  *hs_banner_get_button   (HsBanner   *self);
void        hs_banner_set_revealed (HsBanner   *self,
                                    gboolean    revealed);
gboolean    hs_banner_get_revealed (HsBanner   *self);

G_END_DECLS
