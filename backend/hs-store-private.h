/* hs-store-private.h — what the parts of the session store kept in files of
 * their own (hs-store-classes.c) use of hs-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "hs-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* A statement of a write (in the transaction hs_store_append_* opened) or of a
 * read (under the store's lock); NULL with @error set on failure. */
sqlite3_stmt *_hs_store_prepare_write (HsStore     *self,
                                       const char  *sql,
                                       GError     **error);
sqlite3_stmt *_hs_store_prepare_read  (HsStore     *self,
                                       const char  *sql,
                                       GError     **error);
/* FALSE, with @error saying why the last statement failed. */
gboolean      _hs_store_write_failed  (HsStore     *self,
                                       GError     **error);
gboolean      _hs_store_read_failed   (HsStore     *self,
                                       GError     **error);
gboolean      _hs_store_damaged       (HsStore     *self,
                                       GError     **error,
                                       const char  *what);
gint64        _hs_store_schema_version (HsStore    *self);
/* The id of the sample at @index in the file (see sample_id in hs-store.c). */
gint64        _hs_store_sample_id     (HsStore     *self,
                                       guint        index);
/* Writer only: instance → the size last written for it (hs-store-classes.c). */
GHashTable   *_hs_store_class_sizes   (HsStore     *self);

/* hs-store-classes.c */
gboolean      _hs_store_write_classes (HsStore             *self,
                                       gint64               sample_id,
                                       const HsClassReport *report,
                                       GError             **error);
gboolean      _hs_store_read_classes  (HsStore             *self,
                                       GPtrArray           *samples,
                                       GError             **error);

G_END_DECLS
