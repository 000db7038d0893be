/* hs-cell.c — what the tables' cells share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hs-cell.h"

/* The whole text of a cell that cuts it, asked for only when the pointer
 * rests on it: a tooltip set as a row is bound costs X round trips for
 * every row. */
static gboolean
on_query_tooltip (GtkInscription *cell,
                  int             x,
                  int             y,
                  gboolean        keyboard_mode,
                  GtkTooltip     *tooltip)
{
  const char *text = gtk_inscription_get_text (cell);
  g_autoptr(PangoLayout) layout = NULL;
  int width;

  if (text == NULL || *text == '\0')
    return FALSE;
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (cell), text);
  pango_layout_get_pixel_size (layout, &width, NULL);
  if (width <= gtk_widget_get_width (GTK_WIDGET (cell)) && strchr (text, '\n') == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* A cell whose text may be cut tells it whole in a tooltip when it is. */
void
hs_cell_show_full_text (GtkInscription *cell)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (cell), TRUE);
  g_signal_connect (cell, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}
