/* hs-cell.c — what the tables' cells share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-cell.h"

/* The whole text of a cell, asked for only when the pointer rests on it:
 * a tooltip set as a row is bound costs X round trips for every row. */
static gboolean
on_query_tooltip (GtkInscription *cell,
                  int             x,
                  int             y,
                  gboolean        keyboard_mode,
                  GtkTooltip     *tooltip)
{
  const char *text = gtk_inscription_get_text (cell);

  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* A cell whose text may be cut tells it whole in a tooltip. */
void
hs_cell_show_full_text (GtkInscription *cell)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (cell), TRUE);
  g_signal_connect (cell, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}
