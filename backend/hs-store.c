/* hs-store.c — a session recorded in a SQLite file, and read back
 *
 * One file per session. The worker thread writes it as data arrives, one
 * durable transaction per sample (WAL, synchronous=FULL), so a crash of the
 * app or the machine loses nothing the window has shown.
 *
 * Censuses are stored as what changed: a keyframe holds every row, the samples
 * after it only the types whose count or size moved, packed as varints. Any
 * census is rebuilt from its keyframe and at most KEYFRAME_SPACING - 1 deltas.
 * Since schema 2 a delta's size is stored as what the count change does not
 * explain (objects of one type mostly share one size, so it is usually 0),
 * and the packed rows are deflated.
 * Each packed census carries a checksum: SQLite checks its own structure, not
 * the bytes inside a blob, and a scribbled varint would still decode.
 *
 * A writer holds an exclusive flock(2) on the file for as long as it records,
 * which is how a reader knows another Heapscope is still writing it; the lock
 * goes away with the process, so a crashed recording opens normally.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hs-console-chunk.h"
#include "hs-store.h"
#include "hs-worker.h"

/* "Heap": PRAGMA application_id tells our files from other SQLite databases. */
#define HS_STORE_APPLICATION_ID 0x48656170
#define KEYFRAME_SPACING 64
#define MAX_VARINT_BYTES 10
/* Schema 2 blobs start with one of these. */
#define BLOB_PACKED   0
#define BLOB_DEFLATED 1
/* No census unpacks to more: 200 000 rows of three 10-byte varints, twice over. */
#define MAX_PACKED_BYTES (12 * 1024 * 1024)

struct _HsStore
{
  sqlite3      *db;
  char         *path;
  char         *display_name;
  gboolean      writable;
  gboolean      recording;         /* created by hs_store_create(): finish the file on close */
  gint64        schema_version;
  int           lock_fd;
  GMutex        mutex;

  /* Type names by id: the writer appends, readers load them at open. */
  GPtrArray    *type_names;

  /* Writer only. */
  GHashTable   *type_ids;          /* name → id + 1 */
  GArray       *previous;          /* Tally by type id: the last census written */
  guint         n_samples;
  guint         keyframe;          /* index of the sample the current chain starts from */
  gsize         keyframe_bytes;
  gsize         bytes_since_keyframe;
  char         *failed;            /* why writing stopped, once it has */
};

typedef struct
{
  gint64 count;
  gint64 size;
} Tally;

G_DEFINE_QUARK (hs-store-error-quark, hs_store_error)

static const char schema_sql[] =
  "CREATE TABLE session (key TEXT PRIMARY KEY, value);"
  "CREATE TABLE argument (position INTEGER PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE type (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
  "CREATE TABLE sample (id INTEGER PRIMARY KEY, time REAL NOT NULL, elapsed REAL NOT NULL,"
  "  objects INTEGER NOT NULL, bytes INTEGER NOT NULL, rss INTEGER NOT NULL,"
  "  vms INTEGER NOT NULL, label TEXT, final INTEGER NOT NULL);"
  "CREATE TABLE census (sample INTEGER PRIMARY KEY, keyframe INTEGER NOT NULL, rows BLOB NOT NULL,"
  "  checksum INTEGER NOT NULL);"
  "CREATE TABLE console (id INTEGER PRIMARY KEY, stream INTEGER NOT NULL, text BLOB NOT NULL);"
  /* Schema 2: what the app asked the agent while browsing, and the answers. */
  "CREATE TABLE reply (id INTEGER PRIMARY KEY, request TEXT NOT NULL, reply TEXT NOT NULL);"
  "CREATE INDEX reply_by_request ON reply (request);";

/* Errors */

typedef enum
{
  OP_CREATE,
  OP_OPEN,
  OP_CHECK,
  OP_READ,
  OP_WRITE,
  OP_SAVE,
} Operation;

/* Whole sentences, one per operation, for translators: the file, then why. */
static const char *
failure_format (Operation operation)
{
  switch (operation)
    {
    case OP_CREATE:
      return _("Could not create “%s”: %s");
    case OP_OPEN:
      return _("Could not open “%s”: %s");
    case OP_CHECK:
      return _("Could not check “%s”: %s");
    case OP_READ:
      return _("Could not read “%s”: %s");
    case OP_WRITE:
      return _("Could not write to “%s”: %s");
    case OP_SAVE:
      return _("Could not save “%s”: %s");
    default:
      g_assert_not_reached ();
    }
}

static gboolean
set_sqlite_error (HsStore     *self,
                  GError     **error,
                  Operation    doing)
{
  int code = sqlite3_errcode (self->db);
  int primary = code & 0xff;

  if (primary == SQLITE_NOTADB)
    g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_NOT_A_SESSION,
                 _("“%s” is not a Heapscope session"), self->display_name);
  else if (primary == SQLITE_CORRUPT)
    g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_DAMAGED,
                 _("“%s” is damaged: %s"), self->display_name, sqlite3_errmsg (self->db));
  else if (primary == SQLITE_FULL)
    g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                 failure_format (doing), self->display_name, _("the disk is full"));
  else
    g_set_error (error, HS_STORE_ERROR,
                 self->writable ? HS_STORE_ERROR_IO : HS_STORE_ERROR_DAMAGED,
                 failure_format (doing), self->display_name, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
damaged (HsStore     *self,
         GError     **error,
         const char  *what)
{
  g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_DAMAGED,
               _("“%s” is damaged: %s"), self->display_name, what);
  return FALSE;
}

/* Varints: LEB128, with zigzag for signed deltas. */

static void
put_uvarint (GByteArray *out,
             guint64     value)
{
  guint8 byte;

  do
    {
      byte = value & 0x7f;
      value >>= 7;
      if (value != 0)
        byte |= 0x80;
      g_byte_array_append (out, &byte, 1);
    }
  while (value != 0);
}

static void
put_svarint (GByteArray *out,
             gint64      value)
{
  put_uvarint (out, ((guint64) value << 1) ^ (guint64) (value >> 63));
}

static gboolean
get_uvarint (const guint8 **cursor,
             const guint8  *end,
             guint64       *value)
{
  guint64 result = 0;

  for (guint shift = 0; shift < 7 * MAX_VARINT_BYTES; shift += 7)
    {
      guint8 byte;

      if (*cursor >= end)
        return FALSE;
      byte = *(*cursor)++;
      if (shift == 63 && byte > 1)
        return FALSE;
      result |= (guint64) (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        {
          *value = result;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
get_svarint (const guint8 **cursor,
             const guint8  *end,
             gint64        *value)
{
  guint64 zigzag;

  if (!get_uvarint (cursor, end, &zigzag))
    return FALSE;
  *value = (gint64) (zigzag >> 1) ^ -(gint64) (zigzag & 1);
  return TRUE;
}

/* FNV-1a, 32 bits: enough to tell a damaged census from an intact one. */
static gint64
checksum (const guint8 *data,
          gsize         length)
{
  guint32 hash = 2166136261u;

  for (gsize i = 0; i < length; i++)
    {
      hash ^= data[i];
      hash *= 16777619u;
    }
  return hash;
}

/* Opening and closing */

static HsStore *
store_new (const char *path,
           gboolean    writable)
{
  HsStore *self = g_new0 (HsStore, 1);

  self->path = g_strdup (path);
  self->display_name = g_filename_display_basename (path);
  self->writable = writable;
  self->lock_fd = -1;
  self->schema_version = HS_STORE_SCHEMA_VERSION;
  self->type_names = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->mutex);
  return self;
}

static gboolean
exec (HsStore     *self,
      const char  *sql,
      GError     **error,
      Operation    doing)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, doing);
  return TRUE;
}

static sqlite3_stmt *
prepare (HsStore     *self,
         const char  *sql,
         GError     **error,
         Operation    doing)
{
  sqlite3_stmt *statement = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, doing);
      return NULL;
    }
  return statement;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Another Heapscope is recording @path right now. */
static gboolean
is_locked_by_writer (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean locked;

  if (fd < 0)
    return FALSE;
  locked = flock (fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close (fd);
  return locked;
}

static void
remove_database_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (journal);
}

static gboolean
write_setting (HsStore     *self,
               const char  *key,
               GVariant    *value,
               GError     **error);

/* Creates @path (replacing a finished file there) and makes it ready to record. */
HsStore *
hs_store_create (const char  *path,
                 GError     **error)
{
  g_autoptr(HsStore) self = NULL;
  g_autofree char *pragmas = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = store_new (path, TRUE);

  if (is_locked_by_writer (path))
    {
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                   _("“%s” is being recorded by another Heapscope"), self->display_name);
      return NULL;
    }
  remove_database_files (path);

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, OP_CREATE);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, TRUE);

  self->lock_fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (self->lock_fd < 0 || flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                   _("Could not lock “%s”: %s"), self->display_name, g_strerror (saved_errno));
      return NULL;
    }

  pragmas = g_strdup_printf ("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                             "PRAGMA application_id=%d; PRAGMA user_version=%d;",
                             HS_STORE_APPLICATION_ID, HS_STORE_SCHEMA_VERSION);
  if (!exec (self, pragmas, error, OP_CREATE) ||
      !exec (self, "BEGIN", error, OP_CREATE) ||
      !exec (self, schema_sql, error, OP_CREATE) ||
      !write_setting (self, "app_version", g_variant_new_string (PACKAGE_VERSION), error) ||
      !exec (self, "COMMIT", error, OP_CREATE))
    return NULL;

  self->recording = TRUE;
  self->type_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->previous = g_array_new (FALSE, TRUE, sizeof (Tally));
  return g_steal_pointer (&self);
}

static void
finish_recording (HsStore *self)
{
  /* Fold the WAL back into the file so it stands alone; harmless if a reader
   * holds it open and the mode cannot change. */
  sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;", NULL, NULL, NULL);
}

void
hs_store_close (HsStore *self)
{
  if (self == NULL)
    return;

  if (self->db != NULL)
    {
      if (self->recording && self->failed == NULL)
        finish_recording (self);
      sqlite3_close_v2 (self->db);
    }
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_clear_pointer (&self->type_names, g_ptr_array_unref);
  g_clear_pointer (&self->type_ids, g_hash_table_unref);
  g_clear_pointer (&self->previous, g_array_unref);
  g_mutex_clear (&self->mutex);
  g_free (self->failed);
  g_free (self->display_name);
  g_free (self->path);
  g_free (self);
}

const char *
hs_store_get_path (HsStore *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

/* Writing */

static gboolean
write_setting (HsStore     *self,
               const char  *key,
               GVariant    *value,
               GError     **error)
{
  g_autoptr(GVariant) owned G_GNUC_UNUSED = g_variant_ref_sink (value);
  g_autoptr(sqlite3_stmt) statement =
    prepare (self, "INSERT OR REPLACE INTO session (key, value) VALUES (?, ?)", error, OP_WRITE);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    sqlite3_bind_text (statement, 2, g_variant_get_string (value, NULL), -1, SQLITE_TRANSIENT);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    sqlite3_bind_int64 (statement, 2, g_variant_get_int64 (value));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    sqlite3_bind_double (statement, 2, g_variant_get_double (value));
  else
    g_assert_not_reached ();
  if (sqlite3_step (statement) != SQLITE_DONE)
    return set_sqlite_error (self, error, OP_WRITE);
  return TRUE;
}

static gboolean
check_writable (HsStore  *self,
                GError  **error)
{
  g_return_val_if_fail (self->writable, FALSE);

  if (self->failed != NULL)
    {
      g_set_error_literal (error, HS_STORE_ERROR, HS_STORE_ERROR_IO, self->failed);
      return FALSE;
    }
  return exec (self, "BEGIN IMMEDIATE", error, OP_WRITE);
}

/* Ends the transaction check_writable() began; after a failure the store
 * refuses every later write with the same message. */
static gboolean
end_write (HsStore  *self,
           gboolean  ok,
           GError  **error)
{
  if (ok && exec (self, "COMMIT", error, OP_WRITE))
    return TRUE;

  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  if (error != NULL && *error != NULL)
    self->failed = g_strdup ((*error)->message);
  else
    self->failed = g_strdup_printf (_("Could not write to “%s”"), self->display_name);
  return FALSE;
}

gboolean
hs_store_write_launch (HsStore             *self,
                       const HsLaunchSpec  *spec,
                       gint64               started_at,
                       GError             **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;

  ok = write_setting (self, "started_at", g_variant_new_int64 (started_at), error);
  if (ok && spec != NULL)
    {
      ok = write_setting (self, "script", g_variant_new_string (spec->script), error) &&
           write_setting (self, "interpreter", g_variant_new_string (spec->interpreter), error) &&
           write_setting (self, "interval", g_variant_new_double (spec->interval), error) &&
           (spec->working_directory == NULL ||
            write_setting (self, "working_directory", g_variant_new_string (spec->working_directory), error));
      statement = ok ? prepare (self, "INSERT INTO argument (position, value) VALUES (?, ?)", error, OP_WRITE) : NULL;
      ok = statement != NULL;
      for (guint i = 0; ok && spec->arguments != NULL && spec->arguments[i] != NULL; i++)
        {
          sqlite3_bind_int (statement, 1, i);
          sqlite3_bind_text (statement, 2, spec->arguments[i], -1, SQLITE_STATIC);
          ok = sqlite3_step (statement) == SQLITE_DONE || set_sqlite_error (self, error, OP_WRITE);
          sqlite3_reset (statement);
        }
    }
  return end_write (self, ok, error);
}

gboolean
hs_store_write_process (HsStore     *self,
                        gint64       pid,
                        const char  *python_version,
                        gboolean     accelerated,
                        GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;
  ok = (pid <= 0 || write_setting (self, "pid", g_variant_new_int64 (pid), error)) &&
       write_setting (self, "accelerated", g_variant_new_int64 (accelerated), error) &&
       (python_version == NULL ||
        write_setting (self, "python_version", g_variant_new_string (python_version), error));
  return end_write (self, ok, error);
}

gboolean
hs_store_write_outcome (HsStore         *self,
                        HsSessionState   state,
                        int              exit_code,
                        int              term_signal,
                        const char      *failure,
                        const char      *protocol_error,
                        GError         **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;
  ok = write_setting (self, "state", g_variant_new_int64 (state), error) &&
       write_setting (self, "exit_code", g_variant_new_int64 (exit_code), error) &&
       write_setting (self, "term_signal", g_variant_new_int64 (term_signal), error) &&
       write_setting (self, "ended_at", g_variant_new_int64 (g_get_real_time ()), error) &&
       (failure == NULL || write_setting (self, "failure", g_variant_new_string (failure), error)) &&
       (protocol_error == NULL ||
        write_setting (self, "protocol_error", g_variant_new_string (protocol_error), error));
  return end_write (self, ok, error);
}

static gboolean
lookup_or_add_type (HsStore     *self,
                    const char  *name,
                    guint       *id,
                    GError     **error)
{
  gpointer found = g_hash_table_lookup (self->type_ids, name);
  g_autoptr(sqlite3_stmt) statement = NULL;
  char *owned;

  if (found != NULL)
    {
      *id = GPOINTER_TO_UINT (found) - 1;
      return TRUE;
    }

  *id = self->type_names->len;
  statement = prepare (self, "INSERT INTO type (id, name) VALUES (?, ?)", error, OP_WRITE);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int (statement, 1, *id);
  sqlite3_bind_text (statement, 2, name, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    return set_sqlite_error (self, error, OP_WRITE);

  owned = g_strdup (name);
  g_ptr_array_add (self->type_names, owned);
  g_hash_table_insert (self->type_ids, owned, GUINT_TO_POINTER (*id + 1));
  return TRUE;
}

static gboolean
insert_console (HsStore    *self,
                GPtrArray  *texts,
                GError    **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  gboolean ok;

  if (texts == NULL || texts->len == 0)
    return TRUE;
  statement = prepare (self, "INSERT INTO console (stream, text) VALUES (?, ?)", error, OP_WRITE);
  ok = statement != NULL;
  for (guint i = 0; ok && i < texts->len; i++)
    {
      const HsConsoleText *text = g_ptr_array_index (texts, i);

      sqlite3_bind_int (statement, 1, text->stream);
      sqlite3_bind_blob (statement, 2, text->text, strlen (text->text), SQLITE_STATIC);
      ok = sqlite3_step (statement) == SQLITE_DONE || set_sqlite_error (self, error, OP_WRITE);
      sqlite3_reset (statement);
    }
  return ok;
}

/* The size change that @count_change explains: that many objects of the
 * type's mean size before it. 0 where there is no mean, or the product would
 * come near overflowing, so the residual always fits. */
static gint64
explained_size_change (const Tally *before,
                       gint64       count_change)
{
  gint64 explained;

  if (before->count <= 0 ||
      __builtin_mul_overflow (count_change, before->size / before->count, &explained) ||
      explained > G_MAXINT64 / 2 || explained < G_MININT64 / 2)
    return 0;
  return explained;
}

/* A keyframe lists every type present; a delta every type whose tally moved
 * since the previous census. */
static GByteArray *
encode_census (const Tally *current,
               const Tally *previous,
               guint        n_types,
               guint        n_previous,
               gboolean     keyframe)
{
  GByteArray *out = g_byte_array_new ();
  static const Tally zero = { 0, 0 };
  gint64 last_id = -1;

  for (guint id = 0; id < n_types; id++)
    {
      const Tally *now = &current[id];
      const Tally *before = id < n_previous ? &previous[id] : &zero;

      if (keyframe ? (now->count == 0 && now->size == 0)
                   : (now->count == before->count && now->size == before->size))
        continue;

      put_uvarint (out, id - last_id - 1);
      last_id = id;
      if (keyframe)
        {
          put_uvarint (out, now->count);
          put_uvarint (out, now->size);
        }
      else
        {
          gint64 count_change = now->count - before->count;

          put_svarint (out, count_change);
          put_svarint (out, now->size - before->size - explained_size_change (before, count_change));
        }
    }
  return out;
}

/* The stored form of packed rows: a format byte, the packed length, and the
 * rows deflated, or as they are where deflating would not make them smaller. */
static GByteArray *
seal_census (GByteArray *packed)
{
  g_autoptr(GConverter) compressor = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, -1));
  GByteArray *sealed = g_byte_array_sized_new (packed->len / 2 + 16);
  guint8 format = BLOB_DEFLATED;
  gsize header_length;
  gsize bytes_read = 0;
  gsize bytes_written = 0;
  GConverterResult result;

  g_byte_array_append (sealed, &format, 1);
  put_uvarint (sealed, packed->len);
  header_length = sealed->len;

  /* Anything over the packed length is not worth deflating. */
  g_byte_array_set_size (sealed, header_length + packed->len);
  if (packed->len > 0)
    result = g_converter_convert (compressor, packed->data, packed->len,
                                  sealed->data + header_length, packed->len,
                                  G_CONVERTER_INPUT_AT_END, &bytes_read, &bytes_written, NULL);
  else
    result = G_CONVERTER_ERROR;
  if (result == G_CONVERTER_FINISHED && bytes_read == packed->len)
    {
      g_byte_array_set_size (sealed, header_length + bytes_written);
      return sealed;
    }

  sealed->data[0] = BLOB_PACKED;
  if (packed->len > 0)      /* an empty array may have no data at all */
    memcpy (sealed->data + header_length, packed->data, packed->len);
  return sealed;
}

/* Undoes seal_census(): the packed rows of a stored census, or NULL. */
static GBytes *
unseal_census (HsStore      *self,
               const guint8 *blob,
               gsize         length,
               GError      **error)
{
  const guint8 *cursor = blob + 1;
  const guint8 *end = blob + length;
  guint64 packed_length;

  if (self->schema_version < 2)
    return g_bytes_new (blob, length);

  if (length < 2 || !get_uvarint (&cursor, end, &packed_length) || packed_length > MAX_PACKED_BYTES)
    {
      damaged (self, error, _("a census is unreadable"));
      return NULL;
    }
  if (blob[0] == BLOB_PACKED && (guint64) (end - cursor) == packed_length)
    return g_bytes_new (packed_length > 0 ? cursor : NULL, packed_length);
  if (blob[0] == BLOB_DEFLATED)
    {
      g_autoptr(GConverter) decompressor = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
      g_autofree guint8 *packed = g_malloc (packed_length + 1);
      gsize bytes_read = 0;
      gsize bytes_written = 0;

      /* One byte of room over the promised length catches a longer stream. */
      if (g_converter_convert (decompressor, cursor, end - cursor, packed, packed_length + 1,
                               G_CONVERTER_INPUT_AT_END, &bytes_read, &bytes_written, NULL) == G_CONVERTER_FINISHED &&
          bytes_read == (gsize) (end - cursor) && bytes_written == packed_length)
        return g_bytes_new_take (g_steal_pointer (&packed), packed_length);
    }
  damaged (self, error, _("a census is unreadable"));
  return NULL;
}

gboolean
hs_store_append_census (HsStore    *self,
                        HsCensus   *census,
                        GPtrArray  *console,
                        GError    **error)
{
  g_autoptr(GArray) current = g_array_new (FALSE, TRUE, sizeof (Tally));
  g_autoptr(GByteArray) packed = NULL;
  g_autoptr(GByteArray) blob = NULL;
  g_autoptr(sqlite3_stmt) sample = NULL;
  g_autoptr(sqlite3_stmt) rows = NULL;
  guint n_types_before = self->type_names->len;
  gboolean keyframe;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (census != NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;

  ok = insert_console (self, console, error);
  for (guint i = 0; ok && i < census->n_rows; i++)
    {
      const HsCensusRow *row = &census->rows[i];
      Tally *tally;
      guint id;

      ok = lookup_or_add_type (self, row->name, &id, error);
      if (!ok)
        break;
      if (id >= current->len)
        g_array_set_size (current, id + 1);
      tally = &g_array_index (current, Tally, id);
      tally->count += MAX (row->count, 0);
      tally->size += MAX (row->size, 0);
    }
  g_array_set_size (current, self->type_names->len);

  keyframe = self->n_samples == 0 ||
             self->n_samples - self->keyframe >= KEYFRAME_SPACING ||
             self->bytes_since_keyframe > self->keyframe_bytes;
  packed = encode_census ((Tally *) current->data, (Tally *) self->previous->data,
                          current->len, self->previous->len, keyframe);
  blob = seal_census (packed);

  if (ok)
    {
      sample = prepare (self, "INSERT INTO sample (id, time, elapsed, objects, bytes, rss, vms, label, final)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error, OP_WRITE);
      ok = sample != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int (sample, 1, self->n_samples);
      sqlite3_bind_double (sample, 2, census->time);
      sqlite3_bind_double (sample, 3, census->elapsed);
      sqlite3_bind_int64 (sample, 4, census->objects);
      sqlite3_bind_int64 (sample, 5, census->bytes);
      sqlite3_bind_int64 (sample, 6, census->rss);
      sqlite3_bind_int64 (sample, 7, census->vms);
      if (census->label != NULL)
        sqlite3_bind_text (sample, 8, census->label, -1, SQLITE_STATIC);
      sqlite3_bind_int (sample, 9, census->final);
      ok = sqlite3_step (sample) == SQLITE_DONE || set_sqlite_error (self, error, OP_WRITE);
    }
  if (ok)
    {
      rows = prepare (self, "INSERT INTO census (sample, keyframe, rows, checksum) VALUES (?, ?, ?, ?)",
                      error, OP_WRITE);
      ok = rows != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int (rows, 1, self->n_samples);
      sqlite3_bind_int (rows, 2, keyframe ? self->n_samples : self->keyframe);
      sqlite3_bind_blob (rows, 3, blob->data, blob->len, SQLITE_STATIC);
      sqlite3_bind_int64 (rows, 4, checksum (blob->data, blob->len));
      ok = sqlite3_step (rows) == SQLITE_DONE || set_sqlite_error (self, error, OP_WRITE);
    }

  if (!end_write (self, ok, error))
    {
      /* The transaction is gone, and with it the types it added. */
      for (guint id = n_types_before; id < self->type_names->len; id++)
        g_hash_table_remove (self->type_ids, g_ptr_array_index (self->type_names, id));
      g_ptr_array_set_size (self->type_names, n_types_before);
      return FALSE;
    }

  if (keyframe)
    {
      self->keyframe = self->n_samples;
      self->keyframe_bytes = blob->len;
      self->bytes_since_keyframe = 0;
    }
  else
    self->bytes_since_keyframe += blob->len;
  self->n_samples++;
  g_array_unref (self->previous);
  self->previous = g_steal_pointer (&current);
  return TRUE;
}

gboolean
hs_store_append_console (HsStore    *self,
                         GPtrArray  *texts,
                         GError    **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (texts->len == 0)
    return TRUE;
  if (!check_writable (self, error))
    return FALSE;
  return end_write (self, insert_console (self, texts, error), error);
}

/* @request is the request as the app sent it, without its id: the key a
 * reopened session looks the answer up by. */
gboolean
hs_store_append_reply (HsStore     *self,
                       const char  *request,
                       const char  *reply,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (request != NULL && reply != NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;
  statement = prepare (self, "INSERT INTO reply (request, reply) VALUES (?, ?)", error, OP_WRITE);
  ok = statement != NULL;
  if (ok)
    {
      sqlite3_bind_text (statement, 1, request, -1, SQLITE_STATIC);
      sqlite3_bind_text (statement, 2, reply, -1, SQLITE_STATIC);
      ok = sqlite3_step (statement) == SQLITE_DONE || set_sqlite_error (self, error, OP_WRITE);
    }
  return end_write (self, ok, error);
}

/* Reading */

static gboolean
load_type_names (HsStore  *self,
                 GError  **error)
{
  g_autoptr(sqlite3_stmt) statement =
    prepare (self, "SELECT id, name FROM type WHERE id >= ? ORDER BY id", error, OP_READ);
  int step;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, self->type_names->len);
  while ((step = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (statement, 1);

      if (sqlite3_column_int64 (statement, 0) != self->type_names->len || name == NULL)
        return damaged (self, error, _("the type table has gaps"));
      g_ptr_array_add (self->type_names, g_strdup (name));
    }
  if (step != SQLITE_DONE)
    return set_sqlite_error (self, error, OP_READ);
  return TRUE;
}

static gboolean
query_int (HsStore     *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = prepare (self, sql, error, OP_READ);

  if (statement == NULL)
    return FALSE;
  if (sqlite3_step (statement) != SQLITE_ROW)
    return set_sqlite_error (self, error, OP_READ);
  *value = sqlite3_column_int64 (statement, 0);
  return TRUE;
}

/* The session table in one query: key → GVariant ("s", "x" or "d"); values of
 * other types are left out, so a damaged value reads as missing. */
static GHashTable *
read_settings (HsStore  *self,
               GError  **error)
{
  g_autoptr(GHashTable) settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) g_variant_unref);
  g_autoptr(sqlite3_stmt) statement = prepare (self, "SELECT key, value FROM session", error, OP_READ);
  int step;

  if (statement == NULL)
    return NULL;
  while ((step = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (statement, 0);
      GVariant *value = NULL;

      if (key == NULL)
        continue;
      switch (sqlite3_column_type (statement, 1))
        {
        case SQLITE_TEXT:
          {
            g_autofree char *text = g_utf8_make_valid ((const char *) sqlite3_column_text (statement, 1), -1);
            value = g_variant_new_string (text);
          }
          break;
        case SQLITE_INTEGER:
          value = g_variant_new_int64 (sqlite3_column_int64 (statement, 1));
          break;
        case SQLITE_FLOAT:
          value = g_variant_new_double (sqlite3_column_double (statement, 1));
          break;
        default:
          continue;
        }
      g_hash_table_replace (settings, g_strdup (key), g_variant_ref_sink (value));
    }
  if (step != SQLITE_DONE)
    {
      set_sqlite_error (self, error, OP_READ);
      return NULL;
    }
  return g_steal_pointer (&settings);
}

static GVariant *
lookup_setting (GHashTable         *settings,
                const char         *key,
                const GVariantType *type)
{
  GVariant *value = settings != NULL ? g_hash_table_lookup (settings, key) : NULL;

  return value != NULL && g_variant_is_of_type (value, type) ? value : NULL;
}

static char *
setting_string (GHashTable *settings,
                const char *key)
{
  GVariant *value = lookup_setting (settings, key, G_VARIANT_TYPE_STRING);

  return value != NULL ? g_variant_dup_string (value, NULL) : NULL;
}

static gint64
setting_int (GHashTable *settings,
             const char *key,
             gint64      fallback)
{
  GVariant *value = lookup_setting (settings, key, G_VARIANT_TYPE_INT64);

  return value != NULL ? g_variant_get_int64 (value) : fallback;
}

static double
setting_double (GHashTable *settings,
                const char *key,
                double      fallback)
{
  GVariant *value = lookup_setting (settings, key, G_VARIANT_TYPE_DOUBLE);

  return value != NULL ? g_variant_get_double (value) : fallback;
}

static gboolean
check_identity (HsStore  *self,
                GError  **error)
{
  gint64 application_id = 0;
  gint64 schema_version = 0;

  if (!query_int (self, "PRAGMA application_id", &application_id, error))
    return FALSE;
  if (application_id != HS_STORE_APPLICATION_ID)
    {
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_NOT_A_SESSION,
                   _("“%s” is not a Heapscope session"), self->display_name);
      return FALSE;
    }

  if (!query_int (self, "PRAGMA user_version", &schema_version, error))
    return FALSE;
  if (schema_version > HS_STORE_SCHEMA_VERSION)
    {
      g_autoptr(GHashTable) settings = read_settings (self, NULL);
      g_autofree char *version = setting_string (settings, "app_version");
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_NEWER,
                   _("“%s” was made by a newer Heapscope (version %s); this is version %s"),
                   self->display_name, version != NULL ? version : _("unknown"), PACKAGE_VERSION);
      return FALSE;
    }
  if (schema_version < 1)
    return damaged (self, error, _("it has no schema version"));
  self->schema_version = schema_version;

  {
    g_autoptr(sqlite3_stmt) statement = prepare (self, "PRAGMA quick_check(1)", error, OP_CHECK);

    if (statement == NULL)
      return FALSE;
    if (sqlite3_step (statement) != SQLITE_ROW)
      return set_sqlite_error (self, error, OP_CHECK);
    if (g_strcmp0 ((const char *) sqlite3_column_text (statement, 0), "ok") != 0)
      return damaged (self, error, (const char *) sqlite3_column_text (statement, 0));
  }
  return TRUE;
}

HsStore *
hs_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(HsStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = store_new (path, FALSE);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                   _("“%s” does not exist"), self->display_name);
      return NULL;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_NOT_A_SESSION,
                   _("“%s” is not a Heapscope session"), self->display_name);
      return NULL;
    }
  if (g_access (path, R_OK) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                   _("“%s” cannot be read: %s"), self->display_name, g_strerror (saved_errno));
      return NULL;
    }

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, OP_OPEN);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, TRUE);

  if (!check_identity (self, error) || !load_type_names (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
hs_store_is_being_written (HsStore *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return !self->writable && is_locked_by_writer (self->path);
}

void
hs_recording_free (HsRecording *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->spec, hs_launch_spec_free);
  g_free (self->app_version);
  g_free (self->python_version);
  g_free (self->failure);
  g_free (self->protocol_error);
  g_clear_pointer (&self->samples, g_ptr_array_unref);
  g_clear_pointer (&self->console, g_ptr_array_unref);
  g_free (self);
}

static char **
read_arguments (HsStore  *self,
                GError  **error)
{
  g_autoptr(GPtrArray) arguments = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) statement =
    prepare (self, "SELECT value FROM argument ORDER BY position", error, OP_READ);
  int step;

  if (statement == NULL)
    return NULL;
  while ((step = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *value = (const char *) sqlite3_column_text (statement, 0);
      g_ptr_array_add (arguments, g_utf8_make_valid (value != NULL ? value : "", -1));
    }
  if (step != SQLITE_DONE)
    {
      set_sqlite_error (self, error, OP_READ);
      return NULL;
    }
  g_ptr_array_add (arguments, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&arguments), FALSE);
}

static HsRecording *
read_launch (HsStore  *self,
             GError  **error)
{
  g_autoptr(HsRecording) recording = g_new0 (HsRecording, 1);
  g_autoptr(GHashTable) settings = NULL;
  g_auto(GStrv) arguments = NULL;
  g_autofree char *script = NULL;
  g_autofree char *interpreter = NULL;
  gint64 n_samples = 0;
  gint64 state;

  if (!(settings = read_settings (self, error)) || !(arguments = read_arguments (self, error)))
    return NULL;
  script = setting_string (settings, "script");
  interpreter = setting_string (settings, "interpreter");

  recording->spec = hs_launch_spec_new (interpreter != NULL ? interpreter : "",
                                        script != NULL ? script : "",
                                        (const char * const *) arguments);
  recording->spec->working_directory = setting_string (settings, "working_directory");
  recording->spec->interval = setting_double (settings, "interval", 1.0);
  recording->app_version = setting_string (settings, "app_version");
  recording->python_version = setting_string (settings, "python_version");
  recording->pid = setting_int (settings, "pid", 0);
  recording->accelerated = setting_int (settings, "accelerated", 0) != 0;
  recording->started_at = setting_int (settings, "started_at", 0);
  recording->ended_at = setting_int (settings, "ended_at", 0);
  state = setting_int (settings, "state", HS_SESSION_STATE_RUNNING);
  recording->state = state >= HS_SESSION_STATE_RUNNING && state <= HS_SESSION_STATE_FAILED
                     ? (HsSessionState) state : HS_SESSION_STATE_RUNNING;
  recording->exit_code = (int) CLAMP (setting_int (settings, "exit_code", 0), 0, 255);
  recording->term_signal = (int) CLAMP (setting_int (settings, "term_signal", 0), 0, 128);
  recording->failure = setting_string (settings, "failure");
  recording->protocol_error = setting_string (settings, "protocol_error");

  if (!query_int (self, "SELECT count(*) FROM sample", &n_samples, error))
    return NULL;
  recording->n_samples = (guint) MIN (n_samples, G_MAXUINT);
  if (n_samples > 0)
    {
      g_autoptr(sqlite3_stmt) last = prepare (self, "SELECT max(time) FROM sample", error, OP_READ);

      if (last == NULL)
        return NULL;
      if (sqlite3_step (last) == SQLITE_ROW)
        recording->duration = sqlite3_column_double (last, 0);
    }
  return g_steal_pointer (&recording);
}

static HsCensus *
census_from_row (sqlite3_stmt *statement,
                 guint         n_rows)
{
  HsCensus *census = hs_census_new (n_rows);
  const char *label = (const char *) sqlite3_column_text (statement, 7);

  census->time = sqlite3_column_double (statement, 1);
  census->elapsed = sqlite3_column_double (statement, 2);
  census->objects = sqlite3_column_int64 (statement, 3);
  census->bytes = sqlite3_column_int64 (statement, 4);
  census->rss = sqlite3_column_int64 (statement, 5);
  census->vms = sqlite3_column_int64 (statement, 6);
  census->label = label != NULL ? g_utf8_make_valid (label, -1) : NULL;
  census->final = sqlite3_column_int (statement, 8) != 0;
  return census;
}

#define SAMPLE_COLUMNS "id, time, elapsed, objects, bytes, rss, vms, label, final"

static GPtrArray *
read_samples (HsStore  *self,
              guint     n_samples,
              GError  **error)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_census_unref);
  g_autoptr(sqlite3_stmt) statement =
    prepare (self, "SELECT " SAMPLE_COLUMNS " FROM sample WHERE id < ? ORDER BY id", error, OP_READ);
  int step;

  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, n_samples);
  while ((step = sqlite3_step (statement)) == SQLITE_ROW)
    {
      if (sqlite3_column_int64 (statement, 0) != samples->len)
        {
          damaged (self, error, _("samples are missing"));
          return NULL;
        }
      g_ptr_array_add (samples, census_from_row (statement, 0));
    }
  if (step != SQLITE_DONE)
    {
      set_sqlite_error (self, error, OP_READ);
      return NULL;
    }
  return g_steal_pointer (&samples);
}

static GPtrArray *
read_console (HsStore  *self,
              GError  **error)
{
  g_autoptr(GPtrArray) console = g_ptr_array_new_with_free_func (hs_console_text_free);
  g_autoptr(sqlite3_stmt) statement =
    prepare (self, "SELECT stream, text FROM console ORDER BY id", error, OP_READ);
  int step;

  if (statement == NULL)
    return NULL;
  while ((step = sqlite3_step (statement)) == SQLITE_ROW)
    {
      HsConsoleStream stream = sqlite3_column_int (statement, 0) == HS_CONSOLE_STDERR
                               ? HS_CONSOLE_STDERR : HS_CONSOLE_STDOUT;
      const char *text = sqlite3_column_blob (statement, 1);

      g_ptr_array_add (console, hs_console_text_new (stream, text != NULL ? text : "",
                                                     sqlite3_column_bytes (statement, 1)));
    }
  if (step != SQLITE_DONE)
    {
      set_sqlite_error (self, error, OP_READ);
      return NULL;
    }
  return g_steal_pointer (&console);
}

/* Reads in one transaction, so a file still being written gives a consistent picture. */
HsRecording *
hs_store_read_recording (HsStore  *self,
                         GError  **error)
{
  g_autoptr(HsRecording) recording = NULL;
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (!exec (self, "BEGIN", error, OP_READ))
    return NULL;
  if ((recording = read_launch (self, error)) != NULL &&
      (recording->samples = read_samples (self, recording->n_samples, error)) != NULL)
    recording->console = read_console (self, error);
  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  if (recording == NULL || recording->samples == NULL || recording->console == NULL)
    return NULL;
  return g_steal_pointer (&recording);
}

HsRecording *
hs_store_read_summary (HsStore  *self,
                       GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  return read_launch (self, error);
}

static gboolean
apply_census_rows (HsStore      *self,
                   GArray       *tallies,
                   const guint8 *cursor,
                   const guint8 *end,
                   gboolean      keyframe,
                   GError      **error)
{
  gint64 last_id = -1;

  while (cursor < end)
    {
      guint64 gap;
      gint64 count;
      gint64 size;
      Tally *tally;

      if (!get_uvarint (&cursor, end, &gap) || gap >= G_MAXUINT32)
        return damaged (self, error, _("a census is unreadable"));
      last_id += (gint64) gap + 1;
      if (last_id >= self->type_names->len)
        {
          /* The file may have grown since it was opened. */
          if (!load_type_names (self, error))
            return FALSE;
          if (last_id >= self->type_names->len)
            return damaged (self, error, _("a census names an unknown type"));
        }

      if (tallies->len < self->type_names->len)
        g_array_set_size (tallies, self->type_names->len);
      tally = &g_array_index (tallies, Tally, last_id);

      if (keyframe)
        {
          guint64 absolute_count;
          guint64 absolute_size;

          if (!get_uvarint (&cursor, end, &absolute_count) || !get_uvarint (&cursor, end, &absolute_size) ||
              absolute_count > G_MAXINT64 || absolute_size > G_MAXINT64)
            return damaged (self, error, _("a census is unreadable"));
          tally->count = absolute_count;
          tally->size = absolute_size;
        }
      else
        {
          if (!get_svarint (&cursor, end, &count) || !get_svarint (&cursor, end, &size))
            return damaged (self, error, _("a census is unreadable"));
          if (self->schema_version >= 2 &&
              __builtin_add_overflow (size, explained_size_change (tally, count), &size))
            return damaged (self, error, _("a census is unreadable"));
          if (__builtin_add_overflow (tally->count, count, &tally->count) ||
              __builtin_add_overflow (tally->size, size, &tally->size))
            return damaged (self, error, _("a census is unreadable"));
        }
      if (tally->count < 0 || tally->size < 0)
        return damaged (self, error, _("a census has negative counts"));
    }
  return TRUE;
}

/* Rebuilds census @index from its keyframe and the deltas after it. */
HsCensus *
hs_store_read_census (HsStore  *self,
                      guint     index,
                      GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) chain = NULL;
  g_autoptr(sqlite3_stmt) figures = NULL;
  g_autoptr(GArray) tallies = g_array_new (FALSE, TRUE, sizeof (Tally));
  g_autoptr(HsCensus) header = NULL;
  gint64 keyframe = -1;
  gint64 expected;
  HsCensus *census;
  guint n_rows = 0;
  int step;

  g_return_val_if_fail (self != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  figures = prepare (self, "SELECT " SAMPLE_COLUMNS ", (SELECT keyframe FROM census WHERE sample = ?1)"
                           " FROM sample WHERE id = ?1", error, OP_READ);
  if (figures == NULL)
    return NULL;
  sqlite3_bind_int64 (figures, 1, index);
  step = sqlite3_step (figures);
  if (step == SQLITE_DONE)
    {
      damaged (self, error, _("a sample is missing"));
      return NULL;
    }
  if (step != SQLITE_ROW)
    {
      set_sqlite_error (self, error, OP_READ);
      return NULL;
    }
  header = census_from_row (figures, 0);
  if (sqlite3_column_type (figures, 9) == SQLITE_INTEGER)
    keyframe = sqlite3_column_int64 (figures, 9);
  if (keyframe < 0 || keyframe > index || index - keyframe > 4 * KEYFRAME_SPACING)
    {
      damaged (self, error, _("a census has no keyframe"));
      return NULL;
    }

  chain = prepare (self, "SELECT sample, keyframe, rows, checksum FROM census"
                         " WHERE sample BETWEEN ? AND ? ORDER BY sample", error, OP_READ);
  if (chain == NULL)
    return NULL;
  sqlite3_bind_int64 (chain, 1, keyframe);
  sqlite3_bind_int64 (chain, 2, index);
  expected = keyframe;
  while ((step = sqlite3_step (chain)) == SQLITE_ROW)
    {
      static const guint8 no_rows[1];
      const guint8 *blob = sqlite3_column_blob (chain, 2);
      int n_bytes = sqlite3_column_bytes (chain, 2);
      g_autoptr(GBytes) packed = NULL;
      const guint8 *rows;
      gsize n_rows_bytes;

      /* An empty blob comes back as NULL. */
      if (blob == NULL)
        blob = no_rows;

      if (sqlite3_column_int64 (chain, 0) != expected || sqlite3_column_int64 (chain, 1) != keyframe)
        {
          damaged (self, error, _("a census chain is broken"));
          return NULL;
        }
      if (sqlite3_column_int64 (chain, 3) != checksum (blob, n_bytes))
        {
          damaged (self, error, _("a census does not match its checksum"));
          return NULL;
        }
      packed = unseal_census (self, blob, n_bytes, error);
      if (packed == NULL)
        return NULL;
      rows = g_bytes_get_data (packed, &n_rows_bytes);
      if (rows == NULL)
        rows = no_rows;
      if (!apply_census_rows (self, tallies, rows, rows + n_rows_bytes, expected == keyframe, error))
        return NULL;
      expected++;
    }
  if (step != SQLITE_DONE)
    {
      set_sqlite_error (self, error, OP_READ);
      return NULL;
    }
  if (expected != (gint64) index + 1)
    {
      damaged (self, error, _("a census chain is broken"));
      return NULL;
    }

  for (guint id = 0; id < tallies->len; id++)
    if (g_array_index (tallies, Tally, id).count != 0 || g_array_index (tallies, Tally, id).size != 0)
      n_rows++;

  census = hs_census_new_with_figures (header, n_rows);
  n_rows = 0;
  for (guint id = 0; id < tallies->len; id++)
    {
      const Tally *tally = &g_array_index (tallies, Tally, id);

      if (tally->count == 0 && tally->size == 0)
        continue;
      census->rows[n_rows].name = g_strdup (g_ptr_array_index (self->type_names, id));
      census->rows[n_rows].count = tally->count;
      census->rows[n_rows].size = tally->size;
      n_rows++;
    }
  return census;
}

/* The last answer recorded for @request; NULL without an error if it was
 * never asked (or the file predates recorded answers). */
char *
hs_store_lookup_reply (HsStore     *self,
                       const char  *request,
                       GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) statement = NULL;
  int step;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (self->schema_version < 2)
    return NULL;
  locker = g_mutex_locker_new (&self->mutex);
  statement = prepare (self, "SELECT reply FROM reply WHERE request = ? ORDER BY id DESC LIMIT 1",
                       error, OP_READ);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, request, -1, SQLITE_STATIC);
  step = sqlite3_step (statement);
  if (step == SQLITE_ROW && sqlite3_column_type (statement, 0) == SQLITE_TEXT)
    return g_strdup ((const char *) sqlite3_column_text (statement, 0));
  if (step == SQLITE_ROW)
    damaged (self, error, _("a recorded answer is not text"));
  else if (step != SQLITE_DONE)
    set_sqlite_error (self, error, OP_READ);
  return NULL;
}

/* Copying */

/* SQLite's online backup into a temporary file beside @destination_path, then
 * a rename: a reader never sees half a file, and @source_path may be in the
 * middle of being recorded. */
gboolean
hs_store_backup (const char    *source_path,
                 const char    *destination_path,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(HsStore) source = NULL;
  g_autoptr(HsStore) destination = NULL;
  g_autofree char *dirname = NULL;
  g_autofree char *template = NULL;
  sqlite3_backup *backup;
  gboolean ok = TRUE;
  int fd;
  int step;

  g_return_val_if_fail (source_path != NULL, FALSE);
  g_return_val_if_fail (destination_path != NULL, FALSE);

  if (!(source = hs_store_open (source_path, error)))
    return FALSE;

  dirname = g_path_get_dirname (destination_path);
  template = g_build_filename (dirname, ".heapscope-save-XXXXXX", NULL);
  fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_basename (destination_path);
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                   _("Could not save “%s”: %s"), name, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  destination = store_new (template, TRUE);
  g_free (destination->display_name);
  destination->display_name = g_filename_display_basename (destination_path);
  if (sqlite3_open_v2 (template, &destination->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    ok = set_sqlite_error (destination, error, OP_SAVE);

  g_mutex_lock (&source->mutex);
  backup = ok ? sqlite3_backup_init (destination->db, "main", source->db, "main") : NULL;
  if (ok && backup == NULL)
    ok = set_sqlite_error (destination, error, OP_SAVE);
  while (ok && (step = sqlite3_backup_step (backup, 256)) != SQLITE_DONE)
    {
      if (step != SQLITE_OK && step != SQLITE_BUSY && step != SQLITE_LOCKED)
        ok = set_sqlite_error (destination, error, OP_SAVE);
      else if (g_cancellable_set_error_if_cancelled (cancellable, error))
        ok = FALSE;
      else if (step != SQLITE_OK)
        g_usleep (10000);
    }
  if (backup != NULL && sqlite3_backup_finish (backup) != SQLITE_OK && ok)
    ok = set_sqlite_error (destination, error, OP_SAVE);
  g_mutex_unlock (&source->mutex);

  ok = ok && exec (destination, "PRAGMA journal_mode=DELETE", error, OP_SAVE);
  g_clear_pointer (&destination, hs_store_close);

  if (ok && g_rename (template, destination_path) != 0)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_basename (destination_path);
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                   _("Could not save “%s”: %s"), name, g_strerror (saved_errno));
      ok = FALSE;
    }
  if (!ok)
    remove_database_files (template);
  return ok;
}

/* $XDG_DATA_HOME/heapscope/sessions/<script>-<date>.heapscope, made unique
 * and reserved; the folder is created if needed. */
char *
hs_store_autosave_path (const char *script,
                        GDateTime  *started)
{
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "heapscope", "sessions", NULL);
  g_autofree char *basename = g_path_get_basename (script != NULL && *script != '\0' ? script : "session");
  g_autofree char *stamp = g_date_time_format (started, "%Y-%m-%d-%H%M%S");
  char *dot = strrchr (basename, '.');

  if (dot != NULL && dot != basename)
    *dot = '\0';
  g_mkdir_with_parents (folder, 0700);

  for (guint attempt = 1; ; attempt++)
    {
      g_autofree char *name = attempt == 1
        ? g_strdup_printf ("%s-%s" HS_STORE_SUFFIX, basename, stamp)
        : g_strdup_printf ("%s-%s-%u" HS_STORE_SUFFIX, basename, stamp, attempt);
      char *path = g_build_filename (folder, name, NULL);
      int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      /* The empty file holds the name until hs_store_create() replaces it, so
       * two runs started in the same second get two files. Any error other
       * than a taken name is for hs_store_create() to report. */
      if (fd >= 0)
        close (fd);
      if (fd >= 0 || errno != EEXIST)
        return path;
      g_free (path);
    }
}
