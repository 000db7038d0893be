/* hs-console-chunk.h — a run of the script's output from one stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hs-types.h"

G_BEGIN_DECLS

#define HS_TYPE_CONSOLE_CHUNK (hs_console_chunk_get_type ())
G_DECLARE_FINAL_TYPE (HsConsoleChunk, hs_console_chunk, HS, CONSOLE_CHUNK, GObject)

HsConsoleChunk *hs_console_chunk_new        (gboolean        is_stderr,
                                             const char     *text);
gboolean        hs_console_chunk_is_stderr  (HsConsoleChunk *self);
const char     *hs_console_chunk_get_text   (HsConsoleChunk *self);

HsConsoleText  *hs_console_text_new         (HsConsoleStream  stream,
                                             const char      *text,
                                             gssize           length);
void            hs_console_text_append      (HsConsoleText   *self,
                                             const char      *text,
                                             gsize            length);
void            hs_console_text_free        (gpointer         text);

/* HsConsoleDemux: splits the stdout pipe into the stdout and framed stderr
 * the agent writes there (backend/PROTOCOL.md, "Console"). */
typedef struct _HsConsoleDemux HsConsoleDemux;

typedef void (*HsConsoleDemuxFunc) (HsConsoleStream  stream,
                                    const char      *data,
                                    gsize            length,
                                    gpointer         user_data);

#define HS_CONSOLE_TOKEN_LENGTH 32

HsConsoleDemux *hs_console_demux_new        (const char          *token);
void            hs_console_demux_free       (HsConsoleDemux      *self);
const char     *hs_console_demux_get_token  (HsConsoleDemux      *self);
void            hs_console_demux_feed       (HsConsoleDemux      *self,
                                             const char          *data,
                                             gsize                length,
                                             HsConsoleDemuxFunc   func,
                                             gpointer             user_data);
void            hs_console_demux_finish     (HsConsoleDemux      *self,
                                             HsConsoleDemuxFunc   func,
                                             gpointer             user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsConsoleDemux, hs_console_demux_free)

G_END_DECLS
