/* hs-cell.h — what the tables' cells share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void hs_cell_show_full_text (GtkInscription *cell);

G_END_DECLS
