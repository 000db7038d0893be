/* hs-text-export.c — saving what a page shows as text, to a file the user picks
 *
 * The page asks with hs_text_export_save(); once the file is written (off the
 * main thread), the page's "notice" signal says so, or why not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-text-export.h"

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkWidget) page = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  g_autofree char *text = NULL;

  if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    text = g_strdup_printf (_("Saved as %s"), name);
  else
    text = g_strdup_printf (_("Could not save %s: %s"), name, error->message);
  g_signal_emit_by_name (page, "notice", text);
}

static void
on_response (GtkNativeDialog *chooser,
             int              response,
             HsTextExport    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      char *contents = file != NULL ? self->produce (self->page) : NULL;

      if (contents != NULL)
        {
          g_autoptr(GBytes) bytes = g_bytes_new_take (contents, strlen (contents));

          g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                               NULL, on_written, g_object_ref (self->page));
        }
    }
  hs_text_export_clear (self);
}

/* A Save dialog over @page's window, proposing @file_name, for text, CSV or HTML. */
void
hs_text_export_save (HsTextExport *self,
                     GtkWidget    *page,
                     const char   *title,
                     const char   *file_name,
                     HsTextFormat  format,
                     HsTextFunc    produce)
{
  GtkRoot *root = gtk_widget_get_root (page);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  hs_text_export_clear (self);
  self->page = page;
  self->produce = produce;
  self->chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  static const struct { const char *name, *mime_type, *pattern; } formats[] = {
    [HS_TEXT_PLAIN] = { N_("Text Files"), "text/plain", "*.txt" },
    [HS_TEXT_CSV] = { N_("CSV Files"), "text/csv", "*.csv" },
    [HS_TEXT_HTML] = { N_("HTML Pages"), "text/html", "*.html" },
  };

  gtk_file_filter_set_name (filter, _(formats[format].name));
  gtk_file_filter_add_mime_type (filter, formats[format].mime_type);
  gtk_file_filter_add_pattern (filter, formats[format].pattern);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), file_name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Closes the dialog, if one is open, without saving. */
void
hs_text_export_clear (HsTextExport *self)
{
  if (self->chooser == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->chooser, self);
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
}
