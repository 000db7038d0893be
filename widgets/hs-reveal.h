/* hs-reveal.h — show a file in the file manager, selected
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void hs_reveal_file (GtkWindow  *parent,
                     const char *path);

G_END_DECLS
