/* hs-console-view.c — the script's stdout and stderr, in order, stderr marked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-console-chunk.h"
#include "hs-console-view.h"

struct _HsConsoleView
{
  GtkWidget      parent_instance;
  GListModel    *chunks;
  GtkWidget     *scroller;
  GtkTextView   *text_view;
  GtkTextBuffer *buffer;
  GtkTextTag    *stderr_tag;
};

G_DEFINE_FINAL_TYPE (HsConsoleView, hs_console_view, GTK_TYPE_WIDGET)

static gboolean
is_scrolled_to_end (HsConsoleView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));

  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - 4;
}

static void
append_chunks (HsConsoleView *self,
               guint          from)
{
  guint n = g_list_model_get_n_items (self->chunks);
  gboolean follow = is_scrolled_to_end (self);
  GtkTextIter end;

  for (guint i = from; i < n; i++)
    {
      g_autoptr(HsConsoleChunk) chunk = g_list_model_get_item (self->chunks, i);

      gtk_text_buffer_get_end_iter (self->buffer, &end);
      if (hs_console_chunk_is_stderr (chunk))
        gtk_text_buffer_insert_with_tags (self->buffer, &end, hs_console_chunk_get_text (chunk), -1,
                                          self->stderr_tag, NULL);
      else
        gtk_text_buffer_insert (self->buffer, &end, hs_console_chunk_get_text (chunk), -1);
    }

  if (follow)
    {
      GtkTextMark *mark = gtk_text_buffer_get_insert (self->buffer);

      gtk_text_buffer_get_end_iter (self->buffer, &end);
      gtk_text_buffer_place_cursor (self->buffer, &end);
      gtk_text_view_scroll_mark_onscreen (self->text_view, mark);
    }
}

/* The model only ever grows at its end. */
static void
on_chunks_changed (GListModel    *chunks,
                   guint          position,
                   guint          removed,
                   guint          added,
                   HsConsoleView *self)
{
  if (removed > 0)
    {
      gtk_text_buffer_set_text (self->buffer, "", 0);
      append_chunks (self, 0);
      return;
    }
  append_chunks (self, position);
}

static void
hs_console_view_dispose (GObject *object)
{
  HsConsoleView *self = (HsConsoleView *) object;

  hs_console_view_set_model (self, NULL);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (hs_console_view_parent_class)->dispose (object);
}

static void
hs_console_view_class_init (HsConsoleViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_console_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hsconsoleview");
}

static void
hs_console_view_init (HsConsoleView *self)
{
  self->text_view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_editable (self->text_view, FALSE);
  gtk_text_view_set_cursor_visible (self->text_view, FALSE);
  gtk_text_view_set_monospace (self->text_view, TRUE);
  gtk_text_view_set_wrap_mode (self->text_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (self->text_view, 12);
  gtk_text_view_set_right_margin (self->text_view, 12);
  gtk_text_view_set_top_margin (self->text_view, 12);
  gtk_text_view_set_bottom_margin (self->text_view, 12);
  self->buffer = gtk_text_view_get_buffer (self->text_view);
  self->stderr_tag = gtk_text_buffer_create_tag (self->buffer, "stderr",
                                                 "foreground", "#e01b24",
                                                 NULL);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->text_view));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
hs_console_view_new (void)
{
  return g_object_new (HS_TYPE_CONSOLE_VIEW, NULL);
}

void
hs_console_view_set_model (HsConsoleView *self,
                           GListModel    *chunks)
{
  g_return_if_fail (HS_IS_CONSOLE_VIEW (self));

  if (self->chunks == chunks)
    return;
  if (self->chunks != NULL)
    g_signal_handlers_disconnect_by_func (self->chunks, on_chunks_changed, self);
  g_set_object (&self->chunks, chunks);
  gtk_text_buffer_set_text (self->buffer, "", 0);
  if (self->chunks != NULL)
    {
      g_signal_connect (self->chunks, "items-changed", G_CALLBACK (on_chunks_changed), self);
      append_chunks (self, 0);
    }
}

char *
hs_console_view_dup_text (HsConsoleView *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (HS_IS_CONSOLE_VIEW (self), NULL);

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}
