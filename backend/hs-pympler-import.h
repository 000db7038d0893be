/* hs-pympler-import.h — a dump of Pympler's ClassTracker, made a session file
 *
 * Stats.dump_stats writes two pickles: the tracked objects by class name,
 * then the snapshots. Importing reads them with the restricted reader of
 * hs-pickle.h (nothing in the file is run) and writes a session file with
 * one census per snapshot, each carrying the class report of that moment,
 * which opens like any recorded session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-store.h"

G_BEGIN_DECLS

/* How much of a file's start hs_pympler_is_dump() wants to see. */
#define HS_PYMPLER_HEAD_BYTES 4096

/* Whether a file that starts with @head looks like a dump: a pickle (PROTO
 * at byte 0) that names Pympler's classes early on. A session file is SQLite
 * and never does. */
gboolean   hs_pympler_is_dump           (const guint8         *head,
                                         gsize                 length);
/* The same for the file at @path; FALSE if it cannot be read. */
gboolean   hs_pympler_file_is_dump      (const char           *path);

/* Writes the session file @session_path (replacing it) from the dump at
 * @dump_path. The dump is read and checked whole before the file is made;
 * a file made and then not finished is removed. */
gboolean   hs_pympler_import            (const char           *dump_path,
                                         const char           *session_path,
                                         GError              **error);

/* The censuses (HsCensus, with their class reports) the dump in @data
 * becomes, as hs_pympler_import() writes them; @name is the dump's, for
 * messages. */
GPtrArray *hs_pympler_read_bytes        (const guint8         *data,
                                         gsize                 length,
                                         const char           *name,
                                         GError              **error);

/* Imports into the user's cache folder; returns the session file's path. */
char      *hs_pympler_import_to_cache   (const char           *dump_path,
                                         GError              **error);
/* Opens the session file at @path, or, when it is a Pympler dump, the
 * session file it is imported into first (hs_pympler_import_to_cache): what
 * reopening a file and --report do with whichever the user gives. */
HsStore   *hs_pympler_open_store        (const char           *path,
                                         GError              **error);

G_END_DECLS
