/* hs-store.c — a session recorded in a SQLite file, and read back
 *
 * One file per session. The worker thread writes it as data arrives, one
 * durable transaction per sample (WAL, synchronous=FULL), so a crash of the
 * app or the machine loses nothing the window has shown.
 *
 * Censuses are stored as what changed (hs-census-codec.c): a keyframe holds
 * every row, the samples after it only the types whose count or size moved.
 * Any census is rebuilt from its keyframe and at most KEYFRAME_SPACING - 1
 * deltas. Each stored census carries a checksum: SQLite checks its own
 * structure, not the bytes inside a blob, and a scribbled varint would still
 * decode.
 *
 * A writer holds an exclusive flock(2) on the file for as long as it records,
 * which is how a reader knows another Heapscope is still writing it; the lock
 * goes away with the process, so a crashed recording opens normally.
 *
 * A reader treats the file as untrusted: it must hold exactly the tables and
 * indexes a writer makes (a view or trigger would run code of the file's
 * choosing), strings are capped, and nothing is created beside the file. A
 * finished file is opened immutable; one with a write-ahead log but no -shm
 * file beside it is read into memory with the log applied, as SQLite itself
 * would apply it, since SQLite would make a -shm file to do that.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hs-census-codec.h"
#include "hs-console-chunk.h"
#include "hs-launch-spec.h"
#include "hs-class-report.h"
#include "hs-store-private.h"
#include "hs-wire.h"

/* "Heap": PRAGMA application_id tells our files from other SQLite databases. */
#define HS_STORE_APPLICATION_ID 0x48656170
#define KEYFRAME_SPACING 64
/* No value a writer stores is larger (a census, an answer of one frame, a
 * read of console output): SQLite refuses to load a bigger one. */
#define MAX_VALUE_BYTES (2 * HS_FRAME_MAX_LENGTH)
/* Names, labels and launch details are kept to what the agent may send, on
 * the way in and on the way out: a file can hold anything. */
#define MAX_TEXT_BYTES HS_WIRE_MAX_STRING
#define MAX_ARGUMENT_BYTES (128 * 1024)    /* Linux's MAX_ARG_STRLEN */
#define TRUNCATION_MARK "…"
/* Each statement reads a bounded part of a file; one that has run this many
 * virtual machine steps is looping, whatever made it, and is stopped. */
#define PROGRESS_STEPS 1000
#define MAX_PROGRESS_CALLS 1000000
/* SQLite's write-ahead log (https://sqlite.org/fileformat2.html#walformat). */
#define WAL_HEADER_BYTES 32
#define WAL_FRAME_HEADER_BYTES 24
#define WAL_MAGIC 0x377f0682
#define WAL_VERSION 3007000

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
  guint8       *image;             /* the file in memory, when read that way */
  guint         progress_calls;    /* since the current statement was prepared */
  gboolean      interrupted;       /* the progress guard stopped a statement */

  /* Sample ids by position, where the file lacks some; NULL while they run
   * 0, 1, 2… as a writer numbers them. */
  GArray       *sample_ids;

  /* Type names by id: the writer appends, readers load them at open. */
  GPtrArray    *type_names;

  /* Writer only. */
  GHashTable   *type_ids;          /* name → id + 1 */
  GArray       *previous;          /* HsTally by type id: the last census written */
  guint         n_samples;
  guint         keyframe;          /* index of the sample the current chain starts from */
  gsize         keyframe_bytes;
  gsize         bytes_since_keyframe;
  char         *failed;            /* why writing stopped, once it has */
  GHashTable   *class_sizes;       /* instance → size last written (hs-store-classes.c) */
};

G_DEFINE_QUARK (hs-store-error-quark, hs_store_error)

/* The statements that make a file. SQLite keeps each one's text in
 * sqlite_schema, where opening checks them. */
#define SQL_SESSION  "CREATE TABLE session (key TEXT PRIMARY KEY, value)"
#define SQL_ARGUMENT "CREATE TABLE argument (position INTEGER PRIMARY KEY, value TEXT NOT NULL)"
#define SQL_TYPE     "CREATE TABLE type (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"
#define SQL_SAMPLE   "CREATE TABLE sample (id INTEGER PRIMARY KEY, time REAL NOT NULL, elapsed REAL NOT NULL," \
                     "  objects INTEGER NOT NULL, bytes INTEGER NOT NULL, rss INTEGER NOT NULL," \
                     "  vms INTEGER NOT NULL, label TEXT, final INTEGER NOT NULL)"
#define SQL_CENSUS   "CREATE TABLE census (sample INTEGER PRIMARY KEY, keyframe INTEGER NOT NULL, rows BLOB NOT NULL," \
                     "  checksum INTEGER NOT NULL)"
#define SQL_CONSOLE  "CREATE TABLE console (id INTEGER PRIMARY KEY, stream INTEGER NOT NULL, text BLOB NOT NULL)"
/* Schema 2: what the app asked the agent while browsing, and the answers. */
#define SQL_REPLY    "CREATE TABLE reply (id INTEGER PRIMARY KEY, request TEXT NOT NULL, reply TEXT NOT NULL)"
#define SQL_REPLY_BY_REQUEST "CREATE INDEX reply_by_request ON reply (request)"
/* Schema 3: what the census said of tracked classes (hs-store-classes.c). */
#define SQL_TRACKED_REPORT "CREATE TABLE tracked_report (sample INTEGER PRIMARY KEY, report TEXT NOT NULL)"
/* Schema 4: the reference graphs shown, each as far as it was explored, laid out. */
#define SQL_GRAPH    "CREATE TABLE graph (id INTEGER PRIMARY KEY, graph TEXT NOT NULL)"
/* Schema 4: what the garbage watch saw, report by report (hs_garbage_report_to_json). */
#define SQL_GARBAGE  "CREATE TABLE garbage (id INTEGER PRIMARY KEY, report TEXT NOT NULL)"

static const char schema_sql[] =
  SQL_SESSION ";" SQL_ARGUMENT ";" SQL_TYPE ";" SQL_SAMPLE ";" SQL_CENSUS ";" SQL_CONSOLE ";"
  SQL_REPLY ";" SQL_REPLY_BY_REQUEST ";" SQL_TRACKED_REPORT ";" SQL_GRAPH ";" SQL_GARBAGE ";";

/* Everything sqlite_schema may list, by the schema version that added it. */
static const struct
{
  const char *type;
  const char *name;
  const char *table;
  const char *sql;           /* NULL for the index SQLite makes for a text key */
  gint64      since;
} schema_objects[] = {
  { "table", "session", "session", SQL_SESSION, 1 },
  { "index", "sqlite_autoindex_session_1", "session", NULL, 1 },
  { "table", "argument", "argument", SQL_ARGUMENT, 1 },
  { "table", "type", "type", SQL_TYPE, 1 },
  { "table", "sample", "sample", SQL_SAMPLE, 1 },
  { "table", "census", "census", SQL_CENSUS, 1 },
  { "table", "console", "console", SQL_CONSOLE, 1 },
  { "table", "reply", "reply", SQL_REPLY, 2 },
  { "index", "reply_by_request", "reply", SQL_REPLY_BY_REQUEST, 2 },
  { "table", "tracked_report", "tracked_report", SQL_TRACKED_REPORT, 3 },
  { "table", "graph", "graph", SQL_GRAPH, 4 },
  { "table", "garbage", "garbage", SQL_GARBAGE, 4 },
};

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

/* The errno of the failed call behind an I/O error. SQLite keeps it with the
 * file, the database's or its log's; sqlite3_system_errno() has often lost
 * it by the time the error is reported. */
static int
last_errno (HsStore *self)
{
  sqlite3_file *log = NULL;
  int value = 0;

  if (sqlite3_file_control (self->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &log) == SQLITE_OK &&
      log != NULL && log->pMethods != NULL &&
      log->pMethods->xFileControl (log, SQLITE_FCNTL_LAST_ERRNO, &value) == SQLITE_OK && value != 0)
    return value;
  if (sqlite3_file_control (self->db, "main", SQLITE_FCNTL_LAST_ERRNO, &value) == SQLITE_OK && value != 0)
    return value;
  return sqlite3_system_errno (self->db);
}

static gboolean
set_sqlite_error (HsStore     *self,
                  GError     **error,
                  Operation    doing)
{
  int code = sqlite3_errcode (self->db);
  int primary = code & 0xff;
  /* SQLite reports only ENOSPC as SQLITE_FULL; a write past the file size
   * limit or the quota is a plain I/O error, with the reason in errno. */
  int system_errno = primary == SQLITE_IOERR ? last_errno (self) : 0;

  if (primary == SQLITE_NOTADB)
    g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_NOT_A_SESSION,
                 _("“%s” is not a Heapscope session"), self->display_name);
  else if (primary == SQLITE_CORRUPT)
    g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_DAMAGED,
                 _("“%s” is damaged: %s"), self->display_name, sqlite3_errmsg (self->db));
  else if (primary == SQLITE_FULL || system_errno == ENOSPC)
    g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                 failure_format (doing), self->display_name, _("the disk is full"));
  else if (system_errno == EFBIG)
    g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                 failure_format (doing), self->display_name, _("the file size limit (ulimit -f) was reached"));
  else if (system_errno == EDQUOT)
    g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                 failure_format (doing), self->display_name, _("the disk quota is used up"));
  else if (primary == SQLITE_INTERRUPT && self->interrupted)
    g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_DAMAGED,
                 _("“%s” is damaged: reading it did not come to an end"), self->display_name);
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

/* @text as valid UTF-8 of at most @limit bytes: longer text is cut at a
 * character and ends with TRUNCATION_MARK. Only what is kept is looked at,
 * so a name of 10 MB costs no more than a short one once read. */
static char *
capped_text (const char *text,
             gsize       limit)
{
  gsize length = strnlen (text, limit + 1);
  g_autofree char *valid = g_utf8_make_valid (text, MIN (length, limit));
  gsize keep = limit - strlen (TRUNCATION_MARK);
  const char *end;
  GString *capped;

  /* Invalid bytes become U+FFFD, three bytes each: the text can grow. */
  if (length <= limit && strlen (valid) <= limit)
    return g_steal_pointer (&valid);
  end = valid + MIN (keep, strlen (valid));
  while (end > valid && (*end & 0xc0) == 0x80)
    end--;
  capped = g_string_new_len (valid, end - valid);
  g_string_append (capped, TRUNCATION_MARK);
  return g_string_free (capped, FALSE);
}

/* Opening and closing */

static HsStore *
store_new (const char *path,
           gboolean    writable)
{
  HsStore *self = g_new0 (HsStore, 1);

  self->path = g_strdup (path);
  self->display_name = path != NULL ? g_filename_display_basename (path) : NULL;
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
  self->progress_calls = 0;
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

  self->progress_calls = 0;
  if (sqlite3_prepare_v2 (self->db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, doing);
      return NULL;
    }
  return statement;
}

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

/* What SQLite keeps beside a database: its -wal, -shm and -journal. */
static void
remove_files_beside (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (journal);
}

static void
remove_database_files (const char *path)
{
  g_unlink (path);
  remove_files_beside (path);
}

/* The empty regular file of ours at @path, opened (its -wal, -shm and
 * -journal removed), or -1. */
static int
take_placeholder (const char *path)
{
  struct stat info;
  int fd = g_open (path, O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  if (fstat (fd, &info) != 0 || !S_ISREG (info.st_mode) || info.st_size != 0 ||
      info.st_uid != getuid () || fchmod (fd, 0600) != 0)
    {
      close (fd);
      return -1;
    }
  remove_files_beside (path);
  return fd;
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
  /* The empty file hs_store_autosave_path() made holds the name: it is
   * kept, not removed and made again, or a run started meanwhile could take
   * the same name. Anything else there is a finished file, replaced. */
  self->lock_fd = take_placeholder (path);
  if (self->lock_fd < 0)
    {
      remove_database_files (path);
      /* Made here rather than by SQLite, to be private to the user: a census
       * tells about the script's data, and SQLite gives the -wal and -shm
       * files the mode of the database. */
      self->lock_fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    }
  if (self->lock_fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                   failure_format (OP_CREATE), self->display_name, g_strerror (saved_errno));
      return NULL;
    }
  if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                   _("Could not lock “%s”: %s"), self->display_name, g_strerror (saved_errno));
      return NULL;
    }

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, OP_CREATE);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, TRUE);

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
  self->previous = g_array_new (FALSE, TRUE, sizeof (HsTally));
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
  /* SQLite reads a deserialized file in place: freed only once closed. */
  g_free (self->image);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_clear_pointer (&self->sample_ids, g_array_unref);
  g_clear_pointer (&self->type_names, g_ptr_array_unref);
  g_clear_pointer (&self->type_ids, g_hash_table_unref);
  g_clear_pointer (&self->previous, g_array_unref);
  g_clear_pointer (&self->class_sizes, g_hash_table_unref);
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
    sqlite3_bind_text (statement, 2, capped_text (g_variant_get_string (value, NULL), MAX_TEXT_BYTES), -1, g_free);
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
            write_setting (self, "working_directory", g_variant_new_string (spec->working_directory), error)) &&
           (!spec->module || write_setting (self, "module", g_variant_new_int64 (1), error)) &&
           (!spec->hold || write_setting (self, "hold", g_variant_new_int64 (1), error));
      statement = ok ? prepare (self, "INSERT INTO argument (position, value) VALUES (?, ?)", error, OP_WRITE) : NULL;
      ok = statement != NULL;
      for (guint i = 0; ok && spec->arguments != NULL && spec->arguments[i] != NULL; i++)
        {
          sqlite3_bind_int (statement, 1, i);
          sqlite3_bind_text (statement, 2, capped_text (spec->arguments[i], MAX_ARGUMENT_BYTES), -1, g_free);
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
  g_autofree char *capped = strlen (name) > MAX_TEXT_BYTES ? capped_text (name, MAX_TEXT_BYTES) : NULL;
  g_autoptr(sqlite3_stmt) statement = NULL;
  gpointer found;
  char *owned;

  /* Names cut to the same text are one type. */
  if (capped != NULL)
    name = capped;
  found = g_hash_table_lookup (self->type_ids, name);
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
      sqlite3_bind_blob (statement, 2, text->text, text->length, SQLITE_STATIC);
      ok = sqlite3_step (statement) == SQLITE_DONE || set_sqlite_error (self, error, OP_WRITE);
      sqlite3_reset (statement);
    }
  return ok;
}

/* The packed rows of a stored census, or NULL (with @error) if it is not one. */
static GBytes *
unseal_census (HsStore      *self,
               const guint8 *blob,
               gsize         length,
               GError      **error)
{
  GBytes *packed = hs_census_codec_unseal (blob, length, self->schema_version);

  if (packed == NULL)
    damaged (self, error, _("a census is unreadable"));
  return packed;
}

gboolean
hs_store_append_census (HsStore    *self,
                        HsCensus   *census,
                        GPtrArray  *console,
                        GError    **error)
{
  g_autoptr(GArray) current = g_array_new (FALSE, TRUE, sizeof (HsTally));
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
      HsTally *tally;
      guint id;

      ok = lookup_or_add_type (self, row->name, &id, error);
      if (!ok)
        break;
      if (id >= current->len)
        g_array_set_size (current, id + 1);
      tally = &g_array_index (current, HsTally, id);
      tally->count += MAX (row->count, 0);
      tally->size += MAX (row->size, 0);
    }
  g_array_set_size (current, self->type_names->len);

  keyframe = self->n_samples == 0 ||
             self->n_samples - self->keyframe >= KEYFRAME_SPACING ||
             self->bytes_since_keyframe > self->keyframe_bytes;
  packed = hs_census_codec_encode ((HsTally *) current->data, (HsTally *) self->previous->data,
                          current->len, self->previous->len, keyframe);
  blob = hs_census_codec_seal (packed);

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
        sqlite3_bind_text (sample, 8, capped_text (census->label, MAX_TEXT_BYTES), -1, g_free);
      sqlite3_bind_int (sample, 9, census->final);
      ok = sqlite3_step (sample) == SQLITE_DONE || set_sqlite_error (self, error, OP_WRITE);
    }
  if (ok && census->classes != NULL)
    ok = _hs_store_write_classes (self, self->n_samples, census->classes, error);
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
      sqlite3_bind_int64 (rows, 4, hs_census_codec_checksum (blob->data, blob->len));
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

/* @id numbers the graph in the session (1, 2, …); writing it again replaces
 * it with its next state. @graph is hs_ref_graph_to_json's text. */
gboolean
hs_store_put_graph (HsStore     *self,
                    gint64       id,
                    const char  *graph,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (id > 0 && graph != NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;
  statement = prepare (self, "INSERT OR REPLACE INTO graph (id, graph) VALUES (?, ?)", error, OP_WRITE);
  ok = statement != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (statement, 1, id);
      sqlite3_bind_text (statement, 2, graph, -1, SQLITE_STATIC);
      ok = sqlite3_step (statement) == SQLITE_DONE || set_sqlite_error (self, error, OP_WRITE);
    }
  return end_write (self, ok, error);
}

gboolean
hs_store_append_garbage (HsStore     *self,
                         const char  *report,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  if (!check_writable (self, error))
    return FALSE;
  statement = prepare (self, "INSERT INTO garbage (report) VALUES (?)", error, OP_WRITE);
  ok = statement != NULL;
  if (ok)
    {
      sqlite3_bind_text (statement, 1, report, -1, SQLITE_STATIC);
      ok = sqlite3_step (statement) == SQLITE_DONE || set_sqlite_error (self, error, OP_WRITE);
    }
  return end_write (self, ok, error);
}

/* Reading */

/* The texts of a table added in schema 4 (graph, garbage), in id order;
 * @what names one of them when it is damaged. */
static GPtrArray *
read_texts (HsStore     *self,
            const char  *sql,
            const char  *what,
            GError     **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) statement = NULL;
  int step;

  if (self->schema_version < 4)
    return g_steal_pointer (&texts);
  statement = prepare (self, sql, error, OP_READ);
  if (statement == NULL)
    return NULL;
  while ((step = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (statement, 0);

      if (text == NULL)
        {
          _hs_store_damaged (self, error, what);
          return NULL;
        }
      g_ptr_array_add (texts, g_strdup (text));
    }
  if (step != SQLITE_DONE)
    {
      set_sqlite_error (self, error, OP_READ);
      return NULL;
    }
  return g_steal_pointer (&texts);
}

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
      g_ptr_array_add (self->type_names, capped_text (name, MAX_TEXT_BYTES));
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
            g_autofree char *text = capped_text ((const char *) sqlite3_column_text (statement, 1), MAX_TEXT_BYTES);
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

/* Whether sqlite_schema may list this object in a file of this schema version. */
static gboolean
is_schema_object (HsStore    *self,
                  const char *type,
                  const char *name,
                  const char *table,
                  const char *sql)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema_objects); i++)
    if (schema_objects[i].since <= self->schema_version &&
        g_strcmp0 (type, schema_objects[i].type) == 0 &&
        g_strcmp0 (name, schema_objects[i].name) == 0 &&
        g_strcmp0 (table, schema_objects[i].table) == 0 &&
        g_strcmp0 (sql, schema_objects[i].sql) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_schema_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema_objects); i++)
    if (g_strcmp0 (name, schema_objects[i].name) == 0)
      return TRUE;
  return FALSE;
}

/* The file holds the tables and indexes a writer makes, as it makes them,
 * and nothing else: a view, a trigger or a table of another shape would have
 * SQLite run what the file says when it is read, a query that never ends. */
static gboolean
check_schema (HsStore  *self,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) statement =
    prepare (self, "SELECT type, name, tbl_name, sql FROM sqlite_schema", error, OP_CHECK);
  int step;

  if (statement == NULL)
    return FALSE;
  while ((step = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (statement, 0);
      const char *name = (const char *) sqlite3_column_text (statement, 1);
      g_autofree char *shown = NULL;
      g_autofree char *what = NULL;

      if (is_schema_object (self, type, name, (const char *) sqlite3_column_text (statement, 2),
                            (const char *) sqlite3_column_text (statement, 3)))
        continue;

      shown = capped_text (name != NULL ? name : "", 100);
      if (g_strcmp0 (type, "view") == 0)
        what = g_strdup_printf (_("it defines a view, “%s”, which Heapscope never writes"), shown);
      else if (g_strcmp0 (type, "trigger") == 0)
        what = g_strdup_printf (_("it defines a trigger, “%s”, which Heapscope never writes"), shown);
      else if (is_schema_name (name))
        what = g_strdup_printf (_("“%s” is not as Heapscope writes it"), shown);
      else
        what = g_strdup_printf (_("it holds “%s”, which Heapscope never writes"), shown);
      return damaged (self, error, what);
    }
  if (step != SQLITE_DONE)
    return set_sqlite_error (self, error, OP_CHECK);
  return TRUE;
}

/* The version of Heapscope that wrote a newer file, if its session table is
 * one this version knows how to read. */
static char *
read_newer_app_version (HsStore *self)
{
  g_autoptr(sqlite3_stmt) statement =
    prepare (self, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'session'", NULL, OP_CHECK);
  g_autoptr(GHashTable) settings = NULL;

  if (statement == NULL || sqlite3_step (statement) != SQLITE_ROW ||
      g_strcmp0 ((const char *) sqlite3_column_text (statement, 0), SQL_SESSION) != 0)
    return NULL;
  g_clear_pointer (&statement, sqlite3_finalize);
  settings = read_settings (self, NULL);
  return setting_string (settings, "app_version");
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
      g_autofree char *version = read_newer_app_version (self);
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_NEWER,
                   _("“%s” was made by a newer Heapscope (version %s); this is version %s"),
                   self->display_name, version != NULL ? version : _("unknown"), PACKAGE_VERSION);
      return FALSE;
    }
  if (schema_version < 1)
    return damaged (self, error, _("it has no schema version"));
  self->schema_version = schema_version;

  if (!check_schema (self, error))
    return FALSE;

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

static int
on_progress (void *data)
{
  HsStore *self = data;

  if (++self->progress_calls <= MAX_PROGRESS_CALLS)
    return 0;
  self->interrupted = TRUE;
  return 1;
}

/* A reader runs nothing the file defines, loads no value larger than a
 * writer stores, and stops a statement that does not end. */
static gboolean
finish_open (HsStore  *self,
             GError  **error)
{
  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  sqlite3_limit (self->db, SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES);
  sqlite3_progress_handler (self->db, PROGRESS_STEPS, on_progress, self);

  return check_identity (self, error) && load_type_names (self, error);
}

static guint32
get_be32 (const guint8 *bytes)
{
  return (guint32) bytes[0] << 24 | (guint32) bytes[1] << 16 | (guint32) bytes[2] << 8 | bytes[3];
}

static guint32
get_le32 (const guint8 *bytes)
{
  return (guint32) bytes[3] << 24 | (guint32) bytes[2] << 16 | (guint32) bytes[1] << 8 | bytes[0];
}

static void
put_be32 (guint8  *bytes,
          guint32  value)
{
  bytes[0] = value >> 24;
  bytes[1] = value >> 16;
  bytes[2] = value >> 8;
  bytes[3] = value;
}

/* The log's running checksum: pairs of 32-bit words, in the byte order its
 * magic number names. */
static void
log_checksum (gboolean      big_endian,
              const guint8 *data,
              gsize         length,
              guint32       sum[2])
{
  for (gsize i = 0; i + 8 <= length; i += 8)
    {
      sum[0] += (big_endian ? get_be32 (data + i) : get_le32 (data + i)) + sum[1];
      sum[1] += (big_endian ? get_be32 (data + i + 4) : get_le32 (data + i + 4)) + sum[0];
    }
}

/* Applies what write-ahead log @log committed to the file's bytes @image, as
 * SQLite does when it opens a file whose writer crashed: frames count up to
 * the first one whose salt or checksum is wrong, and the last commit before
 * it ends what is applied. A log that does not check out is left out, as
 * SQLite leaves it. Returns the image, which may have moved. */
static guint8 *
apply_log (guint8       *image,
           gsize        *length,
           const guint8 *log,
           gsize         log_length)
{
  guint32 sum[2] = { 0, 0 };
  guint32 page_size;
  guint32 n_pages = 0;
  gboolean big_endian;
  gsize frame_bytes;
  gsize committed = 0;
  gsize new_length;

  if (log_length < WAL_HEADER_BYTES || (get_be32 (log) & ~1u) != WAL_MAGIC || get_be32 (log + 4) != WAL_VERSION)
    return image;
  page_size = get_be32 (log + 8);
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0)
    return image;
  /* The file's own page size, where it has a header: 1 stands for 65536. */
  if (*length >= 100 && (guint32) (image[16] << 8 | image[17]) != (page_size == 65536 ? 1u : page_size))
    return image;
  big_endian = (get_be32 (log) & 1) != 0;
  log_checksum (big_endian, log, 24, sum);
  if (sum[0] != get_be32 (log + 24) || sum[1] != get_be32 (log + 28))
    return image;

  frame_bytes = WAL_FRAME_HEADER_BYTES + page_size;
  for (gsize offset = WAL_HEADER_BYTES; log_length - offset >= frame_bytes; offset += frame_bytes)
    {
      const guint8 *frame = log + offset;

      if (get_be32 (frame) == 0 || memcmp (frame + 8, log + 16, 8) != 0)
        break;
      log_checksum (big_endian, frame, 8, sum);
      log_checksum (big_endian, frame + WAL_FRAME_HEADER_BYTES, page_size, sum);
      if (sum[0] != get_be32 (frame + 16) || sum[1] != get_be32 (frame + 20))
        break;
      if (get_be32 (frame + 4) != 0)
        {
          committed = offset + frame_bytes;
          n_pages = get_be32 (frame + 4);
        }
    }
  /* Every page comes from the file or the log: a bigger count is a lie. */
  if (committed == 0 || (guint64) n_pages * page_size > (guint64) *length + log_length)
    return image;

  new_length = (gsize) n_pages * page_size;
  if (new_length > *length)
    {
      image = g_realloc (image, new_length);
      memset (image + *length, 0, new_length - *length);
    }
  *length = new_length;
  for (gsize offset = WAL_HEADER_BYTES; offset < committed; offset += frame_bytes)
    {
      guint32 page = get_be32 (log + offset);

      if (page <= n_pages)
        memcpy (image + (gsize) (page - 1) * page_size, log + offset + WAL_FRAME_HEADER_BYTES, page_size);
    }
  /* A log's writer need not keep the header's page count, which counts only
   * where the "valid for" number matches the change counter: make both true. */
  if (new_length >= 100)
    {
      put_be32 (image + 28, n_pages);
      memcpy (image + 92, image + 24, 4);
    }
  return image;
}

/* Reads @image, @length bytes in memory that the store now owns, with @log
 * applied to it if not NULL. */
static gboolean
open_image (HsStore       *self,
            guint8        *image,
            gsize          length,
            const guint8  *log,
            gsize          log_length,
            GError       **error)
{
  if (log != NULL)
    image = apply_log (image, &length, log, log_length);
  /* SQLite keeps no log in memory: bytes 18 and 19 say 1, rollback, not 2, WAL. */
  if (length >= 20 && image[18] == 2)
    image[18] = 1;
  if (length >= 20 && image[19] == 2)
    image[19] = 1;
  self->image = image;

  if (sqlite3_open_v2 (":memory:", &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, OP_OPEN);
  if (length > 0 &&
      sqlite3_deserialize (self->db, "main", image, length, length, SQLITE_DESERIALIZE_READONLY) != SQLITE_OK)
    return set_sqlite_error (self, error, OP_OPEN);
  return TRUE;
}

/* A file with its log and SQLite's shared memory beside it: another
 * Heapscope is recording it, and every sample shows as it lands; or its
 * writer crashed, and SQLite recovers the log into that memory. */
static gboolean
open_shared (HsStore  *self,
             GError  **error)
{
  if (sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, OP_OPEN);
  return TRUE;
}

/* A file nobody writes: SQLite takes no lock and looks for no -wal or -shm
 * file, so it makes none, even for a file still marked as having a log. */
static gboolean
open_immutable (HsStore  *self,
                GError  **error)
{
  g_autofree char *absolute = g_canonicalize_filename (self->path, NULL);
  g_autofree char *uri = g_filename_to_uri (absolute, NULL, NULL);
  g_autofree char *immutable = g_strconcat (uri, "?immutable=1", NULL);

  if (sqlite3_open_v2 (immutable, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, OP_OPEN);
  return TRUE;
}

/* A file with a log of its last samples but no -shm file beside it (a copy
 * of a crashed recording, say): SQLite would make one to apply the log.
 * Applied in memory instead. */
static gboolean
open_with_log (HsStore     *self,
               const char  *log_path,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *image = NULL;
  g_autofree char *log = NULL;
  gsize length = 0;
  gsize log_length = 0;

  if (!g_file_get_contents (self->path, &image, &length, &local_error) ||
      !g_file_get_contents (log_path, &log, &log_length, &local_error))
    {
      g_set_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                   failure_format (OP_READ), self->display_name, local_error->message);
      return FALSE;
    }
  return open_image (self, (guint8 *) g_steal_pointer (&image), length, (const guint8 *) log, log_length, error);
}

/* Opens a session file read-only. It may still be being recorded: then what
 * is read later includes samples recorded since. Nothing is ever created
 * beside the file. Whether a writer holds it is not asked here: looking
 * means opening the file, and closing that descriptor would drop the POSIX
 * locks SQLite holds on it for a writer in this process. */
HsStore *
hs_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(HsStore) self = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *shm_path = NULL;
  GStatBuf log_stat;
  gboolean opened;

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

  log_path = g_strconcat (path, "-wal", NULL);
  shm_path = g_strconcat (path, "-shm", NULL);
  if (g_stat (log_path, &log_stat) != 0 || !S_ISREG (log_stat.st_mode) || log_stat.st_size <= WAL_HEADER_BYTES)
    opened = open_immutable (self, error);
  else if (g_file_test (shm_path, G_FILE_TEST_EXISTS))
    opened = open_shared (self, error);
  else
    opened = open_with_log (self, log_path, error);

  if (!opened || !finish_open (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Opens a session from its bytes, and those of its write-ahead log if it
 * has one, named @name in messages; for files that are not on disk. */
HsStore *
hs_store_open_bytes (GBytes      *database,
                     GBytes      *log,
                     const char  *name,
                     GError     **error)
{
  g_autoptr(HsStore) self = NULL;
  const guint8 *data;
  const guint8 *log_data = NULL;
  gsize length;
  gsize log_length = 0;

  g_return_val_if_fail (database != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = store_new (NULL, FALSE);
  self->display_name = g_strdup (name);
  data = g_bytes_get_data (database, &length);
  if (log != NULL)
    log_data = g_bytes_get_data (log, &log_length);
  if (!open_image (self, g_memdup2 (data, length), length, log_data, log_length, error) ||
      !finish_open (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
hs_store_is_being_written (HsStore *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return !self->writable && self->path != NULL && is_locked_by_writer (self->path);
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
  g_clear_pointer (&self->graphs, g_ptr_array_unref);
  g_clear_pointer (&self->garbage, g_ptr_array_unref);
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
      g_ptr_array_add (arguments, capped_text (value != NULL ? value : "", MAX_ARGUMENT_BYTES));
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
  recording->spec->module = setting_int (settings, "module", 0) != 0;
  recording->spec->hold = setting_int (settings, "hold", 0) != 0;
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
  census->label = label != NULL ? capped_text (label, MAX_TEXT_BYTES) : NULL;
  census->final = sqlite3_column_int (statement, 8) != 0;
  return census;
}

#define SAMPLE_COLUMNS "id, time, elapsed, objects, bytes, rss, vms, label, final"

/* Every sample, in order. A writer numbers them 0, 1, 2…; where numbers are
 * missing, the samples after them are read all the same, the count of those
 * missing is in @n_missing, and census positions map to ids from then on. */
static GPtrArray *
read_samples (HsStore  *self,
              guint64  *n_missing,
              GError  **error)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_census_unref);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(sqlite3_stmt) statement =
    prepare (self, "SELECT " SAMPLE_COLUMNS " FROM sample ORDER BY id", error, OP_READ);
  gint64 expected = 0;
  int step;

  *n_missing = 0;
  if (statement == NULL)
    return NULL;
  while ((step = sqlite3_step (statement)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (statement, 0);

      if (id < expected || id == G_MAXINT64 || samples->len == G_MAXUINT)
        {
          damaged (self, error, _("samples are out of order"));
          return NULL;
        }
      *n_missing += id - expected;
      expected = id + 1;
      g_array_append_val (ids, id);
      g_ptr_array_add (samples, census_from_row (statement, 0));
    }
  if (step != SQLITE_DONE)
    {
      set_sqlite_error (self, error, OP_READ);
      return NULL;
    }

  g_clear_pointer (&self->sample_ids, g_array_unref);
  if (*n_missing > 0)
    self->sample_ids = g_steal_pointer (&ids);
  return g_steal_pointer (&samples);
}

/* The id of the sample at @index, in a file that may lack some: the ones
 * after those read are taken to follow on. */
gint64
_hs_store_sample_id (HsStore *self,
                     guint    index)
{
  GArray *ids = self->sample_ids;
  gint64 last;
  gint64 after;

  if (ids == NULL || ids->len == 0)
    return index;
  if (index < ids->len)
    return g_array_index (ids, gint64, index);
  last = g_array_index (ids, gint64, ids->len - 1);
  after = index - ids->len + 1;
  return last > G_MAXINT64 - after ? G_MAXINT64 : last + after;
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
      (recording->samples = read_samples (self, &recording->n_missing_samples, error)) != NULL &&
      _hs_store_read_classes (self, recording->samples, error))
    recording->console = read_console (self, error);
  if (recording != NULL && recording->console != NULL)
    recording->graphs = read_texts (self, "SELECT graph FROM graph ORDER BY id",
                                    _("a reference graph is unreadable"), error);
  if (recording != NULL && recording->graphs != NULL)
    recording->garbage = read_texts (self, "SELECT report FROM garbage ORDER BY id",
                                     _("a report of collected cycles is unreadable"), error);
  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  if (recording == NULL || recording->samples == NULL || recording->console == NULL ||
      recording->graphs == NULL || recording->garbage == NULL)
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
                   GBytes       *packed,
                   gboolean      keyframe,
                   GError      **error)
{
  gsize length;
  const guint8 *rows = g_bytes_get_data (packed, &length);
  gsize offset = 0;
  gint64 last_id = -1;

  for (;;)
    switch (hs_census_codec_apply (tallies, rows, length, &offset, &last_id, self->type_names->len,
                                   keyframe, self->schema_version))
      {
      case HS_CENSUS_CODEC_OK:
        return TRUE;
      case HS_CENSUS_CODEC_UNKNOWN_TYPE:
        {
          guint known = self->type_names->len;

          /* The file may have grown since it was opened. */
          if (!load_type_names (self, error))
            return FALSE;
          if (self->type_names->len == known)
            return damaged (self, error, _("a census names an unknown type"));
        }
        break;
      case HS_CENSUS_CODEC_NEGATIVE:
        return damaged (self, error, _("a census has negative counts"));
      case HS_CENSUS_CODEC_UNREADABLE:
      default:
        return damaged (self, error, _("a census is unreadable"));
      }
}

/* Rebuilds the census of the sample at @index (its id, unless the file lacks
 * samples before it) from its keyframe and the deltas after it. */
HsCensus *
hs_store_read_census (HsStore  *self,
                      guint     index,
                      GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) chain = NULL;
  g_autoptr(sqlite3_stmt) figures = NULL;
  g_autoptr(GArray) tallies = g_array_new (FALSE, TRUE, sizeof (HsTally));
  g_autoptr(HsCensus) header = NULL;
  gint64 keyframe = -1;
  gint64 expected;
  gint64 wanted;
  HsCensus *census;
  guint n_rows = 0;
  int step;

  g_return_val_if_fail (self != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  wanted = _hs_store_sample_id (self, index);

  figures = prepare (self, "SELECT " SAMPLE_COLUMNS ", (SELECT keyframe FROM census WHERE sample = ?1)"
                           " FROM sample WHERE id = ?1", error, OP_READ);
  if (figures == NULL)
    return NULL;
  sqlite3_bind_int64 (figures, 1, wanted);
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
  if (keyframe < 0 || keyframe > wanted || wanted - keyframe > 4 * KEYFRAME_SPACING)
    {
      damaged (self, error, _("a census has no keyframe"));
      return NULL;
    }

  chain = prepare (self, "SELECT sample, keyframe, rows, checksum FROM census"
                         " WHERE sample BETWEEN ? AND ? ORDER BY sample", error, OP_READ);
  if (chain == NULL)
    return NULL;
  sqlite3_bind_int64 (chain, 1, keyframe);
  sqlite3_bind_int64 (chain, 2, wanted);
  expected = keyframe;
  while ((step = sqlite3_step (chain)) == SQLITE_ROW)
    {
      static const guint8 no_rows[1];
      const guint8 *blob = sqlite3_column_blob (chain, 2);
      int n_bytes = sqlite3_column_bytes (chain, 2);
      g_autoptr(GBytes) packed = NULL;

      /* An empty blob comes back as NULL. */
      if (blob == NULL)
        blob = no_rows;

      if (sqlite3_column_int64 (chain, 0) != expected || sqlite3_column_int64 (chain, 1) != keyframe)
        {
          damaged (self, error, _("a census chain is broken"));
          return NULL;
        }
      if (sqlite3_column_int64 (chain, 3) != hs_census_codec_checksum (blob, n_bytes))
        {
          damaged (self, error, _("a census does not match its checksum"));
          return NULL;
        }
      packed = unseal_census (self, blob, n_bytes, error);
      if (packed == NULL)
        return NULL;
      if (!apply_census_rows (self, tallies, packed, expected == keyframe, error))
        return NULL;
      expected++;
    }
  if (step != SQLITE_DONE)
    {
      set_sqlite_error (self, error, OP_READ);
      return NULL;
    }
  if (expected != wanted + 1)
    {
      damaged (self, error, _("a census chain is broken"));
      return NULL;
    }

  for (guint id = 0; id < tallies->len; id++)
    if (g_array_index (tallies, HsTally, id).count != 0 || g_array_index (tallies, HsTally, id).size != 0)
      n_rows++;

  census = hs_census_new_with_figures (header, n_rows);
  n_rows = 0;
  for (guint id = 0; id < tallies->len; id++)
    {
      const HsTally *tally = &g_array_index (tallies, HsTally, id);

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
  fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);   /* private, as recordings are */
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

/* For the parts in files of their own (hs-store-private.h) */

sqlite3_stmt *
_hs_store_prepare_write (HsStore     *self,
                         const char  *sql,
                         GError     **error)
{
  return prepare (self, sql, error, OP_WRITE);
}

sqlite3_stmt *
_hs_store_prepare_read (HsStore     *self,
                        const char  *sql,
                        GError     **error)
{
  return prepare (self, sql, error, OP_READ);
}

gboolean
_hs_store_write_failed (HsStore  *self,
                        GError  **error)
{
  return set_sqlite_error (self, error, OP_WRITE);
}

gboolean
_hs_store_read_failed (HsStore  *self,
                       GError  **error)
{
  return set_sqlite_error (self, error, OP_READ);
}

gboolean
_hs_store_damaged (HsStore     *self,
                   GError     **error,
                   const char  *what)
{
  return damaged (self, error, what);
}

gint64
_hs_store_schema_version (HsStore *self)
{
  return self->schema_version;
}

GHashTable *
_hs_store_class_sizes (HsStore *self)
{
  if (self->class_sizes == NULL)
    self->class_sizes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  return self->class_sizes;
}
