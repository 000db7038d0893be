/* hs-console-view.h — the script's stdout and stderr, in order, stderr marked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HS_TYPE_CONSOLE_VIEW (hs_console_view_get_type ())
G_DECLARE_FINAL_TYPE (HsConsoleView, hs_console_view, HS, CONSOLE_VIEW, GtkWidget)

GtkWidget *hs_console_view_new       (void);
void       hs_console_view_set_model (HsConsoleView *self,
                                      GListModel    *chunks);
char      *hs_console_view_dup_text  (HsConsoleView *self);

G_END_DECLS
