/* hs-console-chunk.c — a run of the script's output from one stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/random.h>

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

/* Appends @length bytes of @text without its NUL bytes: a NUL would end the
 * C string, and with it the rest of the output (a terminal shows nothing for
 * it either). The buffer grows by doubling: output arrives in many small
 * pieces, and copying what is pending at each one would cost its square. */
void
hs_console_text_append (HsConsoleText *self,
                        const char    *text,
                        gsize          length)
{
  const char *end = text + length;

  g_return_if_fail (self != NULL);

  while (text < end)
    {
      const char *nul = memchr (text, '\0', end - text);
      gsize piece = (nul != NULL ? nul : end) - text;

      if (self->length + piece + 1 > self->allocated)
        {
          self->allocated = MAX (self->allocated * 2, self->length + piece + 1);
          self->text = g_realloc (self->text, self->allocated);
        }
      memcpy (self->text + self->length, text, piece);
      self->length += piece;
      self->text[self->length] = '\0';
      text += piece + 1;
    }
}

HsConsoleText *
hs_console_text_new (HsConsoleStream  stream,
                     const char      *text,
                     gssize           length)
{
  HsConsoleText *self = g_new0 (HsConsoleText, 1);

  self->stream = stream;
  self->allocated = 1;
  self->text = g_malloc0 (1);
  hs_console_text_append (self, text, length < 0 ? strlen (text) : (gsize) length);
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

/* HsConsoleDemux
 *
 * Everything in the stdout pipe is stdout, except a frame the agent wrote
 * for sys.stderr:
 *
 *     NUL "hs:" TOKEN ":" LENGTH "\n" PAYLOAD
 *
 * with this run's token and LENGTH four lowercase hex digits. A marker can
 * be cut by the end of a read: its start is held until the next one. Bytes
 * that are not a marker (a wrong token, a bad length, a stray NUL) are the
 * program's own stdout text, whoever wrote them.
 */

#define MARKER_PREFIX_LENGTH (4 + HS_CONSOLE_TOKEN_LENGTH + 1)   /* NUL "hs:" TOKEN ":" */
#define MARKER_LENGTH        (MARKER_PREFIX_LENGTH + 4 + 1)      /* … LENGTH "\n" */

struct _HsConsoleDemux
{
  char   token[HS_CONSOLE_TOKEN_LENGTH + 1];
  char   prefix[MARKER_PREFIX_LENGTH];
  char   held[MARKER_LENGTH];    /* the start of a marker, cut off by the end of a read */
  gsize  held_length;
  gsize  payload_left;           /* bytes of the current frame still to come: stderr */
};

typedef enum
{
  MARKER_NO,
  MARKER_PARTIAL,
  MARKER_YES,
} MarkerMatch;

static gboolean
is_lower_hex (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* @token: HS_CONSOLE_TOKEN_LENGTH lowercase hex digits, or NULL for a random one. */
HsConsoleDemux *
hs_console_demux_new (const char *token)
{
  HsConsoleDemux *self;

  if (token != NULL)
    {
      g_return_val_if_fail (strlen (token) == HS_CONSOLE_TOKEN_LENGTH, NULL);
      for (guint i = 0; i < HS_CONSOLE_TOKEN_LENGTH; i++)
        g_return_val_if_fail (is_lower_hex (token[i]), NULL);
    }

  self = g_new0 (HsConsoleDemux, 1);
  if (token != NULL)
    memcpy (self->token, token, HS_CONSOLE_TOKEN_LENGTH);
  else
    {
      guint8 bytes[HS_CONSOLE_TOKEN_LENGTH / 2];

      /* Unguessable, so the program cannot forge stderr by chance. */
      if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
        for (guint i = 0; i < sizeof bytes; i++)
          bytes[i] = g_random_int_range (0, 256);
      for (guint i = 0; i < sizeof bytes; i++)
        g_snprintf (self->token + 2 * i, 3, "%02x", bytes[i]);
    }
  self->token[HS_CONSOLE_TOKEN_LENGTH] = '\0';
  memcpy (self->prefix, "\0hs:", 4);
  memcpy (self->prefix + 4, self->token, HS_CONSOLE_TOKEN_LENGTH);
  self->prefix[MARKER_PREFIX_LENGTH - 1] = ':';
  return self;
}

void
hs_console_demux_free (HsConsoleDemux *self)
{
  g_free (self);
}

const char *
hs_console_demux_get_token (HsConsoleDemux *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->token;
}

/* Whether the @available bytes at @data are a marker, the start of one, or neither. */
static MarkerMatch
match_marker (HsConsoleDemux *self,
              const char     *data,
              gsize           available,
              gsize          *payload)
{
  gsize n = MIN (available, MARKER_LENGTH);

  if (memcmp (data, self->prefix, MIN (n, MARKER_PREFIX_LENGTH)) != 0)
    return MARKER_NO;
  for (gsize i = MARKER_PREFIX_LENGTH; i < n; i++)
    if (i < MARKER_LENGTH - 1 ? !is_lower_hex (data[i]) : data[i] != '\n')
      return MARKER_NO;
  if (n < MARKER_LENGTH)
    return MARKER_PARTIAL;
  *payload = g_ascii_strtoull (data + MARKER_PREFIX_LENGTH, NULL, 16);
  return MARKER_YES;
}

static void
demux_parse (HsConsoleDemux     *self,
             const char         *data,
             gsize               length,
             HsConsoleDemuxFunc  func,
             gpointer            user_data)
{
  gsize pos = 0;

  while (pos < length)
    {
      gsize run;
      gsize scan;

      if (self->payload_left > 0)
        {
          gsize n = MIN (self->payload_left, length - pos);

          func (HS_CONSOLE_STDERR, data + pos, n, user_data);
          self->payload_left -= n;
          pos += n;
          continue;
        }

      /* Plain text up to the next marker, or to the end. */
      run = scan = pos;
      pos = length;
      for (;;)
        {
          const char *nul = memchr (data + scan, '\0', length - scan);
          gsize at;
          gsize payload = 0;
          MarkerMatch match;

          if (nul == NULL)
            {
              func (HS_CONSOLE_STDOUT, data + run, length - run, user_data);
              break;
            }
          at = nul - data;
          match = match_marker (self, nul, length - at, &payload);
          if (match == MARKER_NO)
            {
              scan = at + 1;
              if (scan < length)
                continue;
              func (HS_CONSOLE_STDOUT, data + run, length - run, user_data);
              break;
            }
          if (at > run)
            func (HS_CONSOLE_STDOUT, data + run, at - run, user_data);
          if (match == MARKER_PARTIAL)
            {
              memcpy (self->held, nul, length - at);
              self->held_length = length - at;
            }
          else
            {
              self->payload_left = payload;
              pos = at + MARKER_LENGTH;
            }
          break;
        }
    }
}

/* Calls @func for each run of stdout and stderr in @data, in order. */
void
hs_console_demux_feed (HsConsoleDemux     *self,
                       const char         *data,
                       gsize               length,
                       HsConsoleDemuxFunc  func,
                       gpointer            user_data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  /* A held start of a marker: complete it from @data, a byte or more at a
   * time, until it is decided (parsing it may hold a later start again). */
  while (self->held_length > 0 && length > 0)
    {
      char joined[MARKER_LENGTH];
      gsize joined_length = self->held_length;
      gsize take = MIN (length, MARKER_LENGTH - joined_length);

      memcpy (joined, self->held, joined_length);
      memcpy (joined + joined_length, data, take);
      joined_length += take;
      data += take;
      length -= take;
      self->held_length = 0;
      demux_parse (self, joined, joined_length, func, user_data);
    }
  if (length > 0)
    demux_parse (self, data, length, func, user_data);
}

/* The end of the output: a marker cut short is the program's text after all. */
void
hs_console_demux_finish (HsConsoleDemux     *self,
                         HsConsoleDemuxFunc  func,
                         gpointer            user_data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  if (self->held_length > 0)
    func (HS_CONSOLE_STDOUT, self->held, self->held_length, user_data);
  self->held_length = 0;
  self->payload_left = 0;
}
