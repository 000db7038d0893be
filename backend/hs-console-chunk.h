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
void            hs_console_text_free        (gpointer         text);

G_END_DECLS
