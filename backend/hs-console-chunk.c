/* hs-console-chunk.c — a run of the script's output from one stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-console-chunk.h"

struct _HsConsoleChunk
{
  GObject   parent_instance;
  gboolean  is_stderr;
  char     *text;
};

G_DEFINE_FINAL_TYPE (HsConsoleChunk, hs_console_chunk, G_TYPE_OBJECT)

static void
hs_console_chunk_finalize (GObject *object)
{
  g_free (HS_CONSOLE_CHUNK (object)->text);
  G_OBJECT_CLASS (hs_console_chunk_parent_class)->finalize (object);
}

static void
hs_console_chunk_class_init (HsConsoleChunkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_console_chunk_finalize;
}

static void
hs_console_chunk_init (HsConsoleChunk *self)
{
}

/* Text that is not UTF-8 is shown with replacement characters, never dropped. */
HsConsoleChunk *
hs_console_chunk_new (gboolean    is_stderr,
                      const char *text)
{
  HsConsoleChunk *self = g_object_new (HS_TYPE_CONSOLE_CHUNK, NULL);

  self->is_stderr = is_stderr;
  self->text = g_utf8_make_valid (text, -1);
  return self;
}

gboolean
hs_console_chunk_is_stderr (HsConsoleChunk *self)
{
  g_return_val_if_fail (HS_IS_CONSOLE_CHUNK (self), FALSE);
  return self->is_stderr;
}

const char *
hs_console_chunk_get_text (HsConsoleChunk *self)
{
  g_return_val_if_fail (HS_IS_CONSOLE_CHUNK (self), NULL);
  return self->text;
}

/* HsConsoleText: output as it travels from the worker, before it becomes a chunk. */

HsConsoleText *
hs_console_text_new (HsConsoleStream  stream,
                     const char      *text,
                     gssize           length)
{
  HsConsoleText *self = g_new0 (HsConsoleText, 1);

  self->stream = stream;
  self->text = length < 0 ? g_strdup (text) : g_strndup (text, length);
  return self;
}

void
hs_console_text_free (gpointer text)
{
  HsConsoleText *self = text;

  if (self == NULL)
    return;
  g_free (self->text);
  g_free (self);
}
