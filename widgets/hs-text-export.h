/* hs-text-export.h — saving what a page shows as text, to a file the user picks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  HS_TEXT_PLAIN,
  HS_TEXT_CSV,
  HS_TEXT_HTML,
} HsTextFormat;

/* The text to save, made when the user has picked the file; NULL for none. */
typedef char *(*HsTextFunc) (GtkWidget *page);

/* Held by the page; hs_text_export_clear() in its dispose. */
typedef struct
{
  GtkFileChooserNative *chooser;
  GtkWidget            *page;
  HsTextFunc            produce;
} HsTextExport;

void hs_text_export_save  (HsTextExport *self,
                           GtkWidget    *page,
                           const char   *title,
                           const char   *file_name,
                           HsTextFormat  format,
                           HsTextFunc    produce);
void hs_text_export_clear (HsTextExport *self);

G_END_DECLS
