/* test-store.c — session files: round trips, damaged files, a full disk, copies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hs-console-chunk.h"
#include "hs-session.h"
#include "hs-store.h"

#define N_SAMPLES 150  /* more than two keyframe spacings */

static char *tmpdir;

static char *
temp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* Census @index of a synthetic run: types come and go, counts move. */
static HsCensus *
make_census (guint index)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (HsCensusRow));
  HsCensus *census;

  for (guint type = 0; type < 60; type++)
    {
      HsCensusRow row;

      /* Type t exists from sample t to sample t + 100. */
      if (index < type || index > type + 100)
        continue;
      row.name = g_strdup_printf ("module%u.Class%u", type % 3, type);
      row.count = type % 5 == 0 ? 7 : (gint64) (index * (type + 1)) % 1000 + 1;
      row.size = row.count * (16 + type) + (type == 7 ? G_GINT64_CONSTANT (1) << 45 : 0);
      g_array_append_val (rows, row);
    }
  census = hs_census_new (rows->len);
  memcpy (census->rows, rows->data, rows->len * sizeof (HsCensusRow));
  census->time = index * 0.5;
  census->elapsed = 0.001 * index;
  census->objects = 1000 + index;
  census->bytes = 50000 + index * 3;
  census->rss = 20 << 20;
  census->vms = 200 << 20;
  census->label = index % 37 == 5 ? g_strdup_printf ("snapshot %u", index) : NULL;
  census->final = index == N_SAMPLES - 1;
  return census;
}

static void
assert_same_rows (HsCensus *expected,
                  HsCensus *actual)
{
  g_assert_cmpuint (actual->n_rows, ==, expected->n_rows);
  for (guint i = 0; i < expected->n_rows; i++)
    {
      const HsCensusRow *row = hs_census_lookup (actual, expected->rows[i].name);

      g_assert_nonnull (row);
      g_assert_cmpint (row->count, ==, expected->rows[i].count);
      g_assert_cmpint (row->size, ==, expected->rows[i].size);
    }
  g_assert_cmpfloat (actual->time, ==, expected->time);
  g_assert_cmpint (actual->objects, ==, expected->objects);
  g_assert_cmpint (actual->bytes, ==, expected->bytes);
  g_assert_cmpstr (actual->label, ==, expected->label);
  g_assert_cmpint (actual->final, ==, expected->final);
}

static HsLaunchSpec *
make_spec (void)
{
  const char *arguments[] = { "--size", "big", "ünïcode", NULL };
  HsLaunchSpec *spec = hs_launch_spec_new ("/usr/bin/python3", "/home/u/leaky.py", arguments);

  spec->working_directory = g_strdup ("/home/u");
  spec->interval = 0.5;
  return spec;
}

/* Records a complete synthetic session to @path. */
static void
record_session (const char *path,
                guint       n_samples)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsLaunchSpec) spec = make_spec ();
  g_autoptr(HsStore) store = hs_store_create (path, &error);
  g_autoptr(GPtrArray) console = g_ptr_array_new_with_free_func (hs_console_text_free);

  g_assert_no_error (error);
  g_assert_true (hs_store_write_launch (store, spec, G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC, &error));
  g_assert_true (hs_store_write_process (store, 4242, "3.11.2", TRUE, &error));
  for (guint i = 0; i < n_samples; i++)
    {
      g_autoptr(HsCensus) census = make_census (i);
      g_assert_true (hs_store_append_census (store, census, NULL, &error));
      g_assert_no_error (error);
    }
  g_ptr_array_add (console, hs_console_text_new (HS_CONSOLE_STDOUT, "loading…\n", -1));
  g_ptr_array_add (console, hs_console_text_new (HS_CONSOLE_STDERR, "Traceback: boom\n", -1));
  g_assert_true (hs_store_append_console (store, console, &error));
  g_assert_true (hs_store_write_outcome (store, HS_SESSION_STATE_EXITED, 3, 0, NULL, "bad frame", &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  g_autofree char *path = temp_path ("round-trip.heapscope");
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = NULL;
  g_autoptr(HsRecording) recording = NULL;

  record_session (path, N_SAMPLES);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));  /* closed: the file stands alone */

  store = hs_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (hs_store_is_being_written (store));
  recording = hs_store_read_recording (store, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (recording->spec->script, ==, "/home/u/leaky.py");
  g_assert_cmpstr (recording->spec->interpreter, ==, "/usr/bin/python3");
  g_assert_cmpstr (recording->spec->working_directory, ==, "/home/u");
  g_assert_cmpuint (g_strv_length (recording->spec->arguments), ==, 3);
  g_assert_cmpstr (recording->spec->arguments[2], ==, "ünïcode");
  g_assert_cmpfloat (recording->spec->interval, ==, 0.5);
  g_assert_cmpstr (recording->python_version, ==, "3.11.2");
  g_assert_cmpstr (recording->app_version, ==, PACKAGE_VERSION);
  g_assert_cmpint (recording->pid, ==, 4242);
  g_assert_true (recording->accelerated);
  g_assert_cmpint (recording->started_at, ==, G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC);
  g_assert_cmpint (recording->ended_at, >, 0);
  g_assert_cmpint (recording->state, ==, HS_SESSION_STATE_EXITED);
  g_assert_cmpint (recording->exit_code, ==, 3);
  g_assert_cmpstr (recording->protocol_error, ==, "bad frame");
  g_assert_cmpuint (recording->n_samples, ==, N_SAMPLES);
  g_assert_cmpfloat (recording->duration, ==, (N_SAMPLES - 1) * 0.5);
  g_assert_cmpuint (recording->samples->len, ==, N_SAMPLES);
  g_assert_cmpuint (recording->console->len, ==, 2);
  g_assert_cmpstr (((HsConsoleText *) g_ptr_array_index (recording->console, 0))->text, ==, "loading…\n");
  g_assert_cmpint (((HsConsoleText *) g_ptr_array_index (recording->console, 1))->stream, ==, HS_CONSOLE_STDERR);

  /* Every census, keyframe or delta, comes back exactly. */
  for (guint i = 0; i < N_SAMPLES; i++)
    {
      g_autoptr(HsCensus) expected = make_census (i);
      g_autoptr(HsCensus) actual = hs_store_read_census (store, i, &error);

      g_assert_no_error (error);
      assert_same_rows (expected, actual);
      g_assert_cmpstr (((HsCensus *) g_ptr_array_index (recording->samples, i))->label, ==, expected->label);
    }
  g_assert_null (hs_store_read_census (store, N_SAMPLES, &error));
  g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_DAMAGED);
}

/* The session model over a recorded file: rows are read on demand. */
static void
test_session_load (void)
{
  g_autofree char *path = temp_path ("session-load.heapscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(HsSample) middle = NULL;
  g_autoptr(HsCensus) expected = make_census (60);
  g_autofree char *status = NULL;
  HsCensusModel *model;

  record_session (path, N_SAMPLES);
  session = hs_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (hs_session_is_read_only (session));
  g_assert_false (hs_session_is_live (session));
  g_assert_true (hs_session_is_over (session));
  g_assert_cmpstr (hs_session_get_file (session), ==, path);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 3);
  status = hs_session_dup_status_text (session);
  g_assert_cmpstr (status, ==, "Exited with code 3");
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), ==, N_SAMPLES);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_snapshots (session)), ==, 4);
  g_assert_nonnull (hs_session_find_snapshot (session, "snapshot 79"));
  g_assert_null (hs_session_find_snapshot (session, "snapshot 80"));
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_console (session)), ==, 2);

  /* The latest census is there at once, compared with the one before. */
  model = hs_session_get_census_model (session);
  g_assert_false (hs_session_get_loading (session));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 0);

  /* Another sample is read in a thread. */
  middle = g_list_model_get_item (hs_session_get_samples (session), 60);
  g_assert_false (hs_sample_has_rows (middle));
  hs_session_set_shown_sample (session, middle);
  g_assert_true (hs_session_get_loading (session));
  while (hs_session_get_loading (session))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (hs_sample_has_rows (middle));
  assert_same_rows (expected, hs_sample_get_census (middle));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >=, expected->n_rows);
}

static void
write_bytes (const char *path,
             const void *data,
             gsize       length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

static void
assert_open_fails (const char *path,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = hs_session_load (path, &error);
  g_autofree char *name = g_path_get_basename (path);

  g_assert_null (session);
  g_assert_error (error, HS_STORE_ERROR, code);
  g_assert_nonnull (strstr (error->message, name));
}

static void
test_not_a_session (void)
{
  g_autofree char *text = temp_path ("notes.heapscope");
  g_autofree char *empty = temp_path ("empty.heapscope");
  g_autofree char *other = temp_path ("other.heapscope");
  g_autofree char *missing = temp_path ("missing.heapscope");
  sqlite3 *db;

  write_bytes (text, "Not a database, just some notes.\n", 33);
  assert_open_fails (text, HS_STORE_ERROR_NOT_A_SESSION);
  write_bytes (empty, "", 0);
  assert_open_fails (empty, HS_STORE_ERROR_NOT_A_SESSION);
  assert_open_fails (tmpdir, HS_STORE_ERROR_NOT_A_SESSION);
  assert_open_fails (missing, HS_STORE_ERROR_IO);

  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_open_fails (other, HS_STORE_ERROR_NOT_A_SESSION);
}

static void
test_newer_schema (void)
{
  g_autofree char *path = temp_path ("newer.heapscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = NULL;
  sqlite3 *db;

  record_session (path, 3);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99;"
                                 "UPDATE session SET value = '7.1' WHERE key = 'app_version';",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = hs_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_NEWER);
  g_assert_nonnull (strstr (error->message, "newer Heapscope (version 7.1)"));
}

/* A damaged file gives an error at open or when a census is read, naming the
 * file; never a crash, and never wrong rows passed off as right. Returns
 * whether the damage was reported (damage in unused space is harmless). */
static gboolean
damage_reported (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = hs_session_load (path, &error);
  g_autofree char *name = g_path_get_basename (path);

  if (session == NULL)
    {
      g_assert_true (error->domain == HS_STORE_ERROR);
      g_assert_nonnull (strstr (error->message, name));
      return TRUE;
    }
  for (guint i = 0; i < g_list_model_get_n_items (hs_session_get_samples (session)); i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (hs_session_get_samples (session), i);
      g_autoptr(HsCensus) expected = make_census (i);

      if (!hs_session_load_rows (session, sample, &error))
        {
          g_assert_true (error->domain == HS_STORE_ERROR);
          g_assert_nonnull (strstr (error->message, name));
          return TRUE;
        }
      assert_same_rows (expected, hs_sample_get_census (sample));
    }
  return FALSE;
}

static void
test_truncated (void)
{
  g_autofree char *path = temp_path ("whole.heapscope");
  g_autofree char *contents = NULL;
  gsize length;

  record_session (path, N_SAMPLES);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  for (guint cut = 1; cut < 8; cut++)
    {
      g_autofree char *name = g_strdup_printf ("truncated-%u.heapscope", cut);
      g_autofree char *truncated = temp_path (name);

      write_bytes (truncated, contents, length * cut / 8);
      g_assert_true (damage_reported (truncated));
    }
}

static void
test_corrupted (void)
{
  g_autofree char *path = temp_path ("pristine.heapscope");
  g_autofree char *contents = NULL;
  gsize length;
  guint reported = 0;
  guint pages = 0;

  record_session (path, N_SAMPLES);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* Scribble over each page after the first in turn. */
  for (gsize offset = 4096 + 100; offset < length; offset += 4096)
    {
      g_autofree char *name = g_strdup_printf ("corrupted-%zu.heapscope", offset / 4096);
      g_autofree char *corrupted = temp_path (name);
      g_autofree char *copy = g_memdup2 (contents, length);

      memset (copy + offset, 0xa5, MIN (700, length - offset));
      write_bytes (corrupted, copy, length);
      reported += damage_reported (corrupted);
      pages++;
    }
  g_test_message ("%u of %u scribbled pages reported", reported, pages);
  g_assert_cmpuint (reported, >=, pages / 2);
}

/* FNV-1a, as the store checksums a census blob. */
static gint64
blob_checksum (const guint8 *data,
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

/* Replaces the stored census of sample @index with @blob, checksum and all. */
static void
replace_census_blob (const char   *path,
                     guint         index,
                     const guint8 *blob,
                     gsize         length)
{
  sqlite3 *db;
  sqlite3_stmt *statement;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE census SET rows = ?, checksum = ? WHERE sample = ?",
                                       -1, &statement, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (statement, 1, blob, length, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (statement, 2, blob_checksum (blob, length));
  sqlite3_bind_int (statement, 3, index);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (statement);
  sqlite3_close (db);
}

/* A blob that passes its checksum but does not unpack is damage, named as such. */
static void
test_damaged_blob (void)
{
  /* format byte, packed length (uvarint), body */
  static const guint8 not_deflate[] = { 1, 6, 0xff, 0xff, 0xff, 0xff };
  static const guint8 unknown_format[] = { 9, 3, 0, 2, 0 };
  static const guint8 short_raw[] = { 0, 5, 0, 2, 0 };
  static const guint8 huge_length[] = { 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x03, 0x00 };
  /* raw DEFLATE of { 0, 2, 0 } (a stored block), promising 2 bytes, then 9 */
  static const guint8 deflate_longer[] = { 1, 2, 0x01, 0x03, 0x00, 0xfc, 0xff, 0, 2, 0 };
  static const guint8 deflate_shorter[] = { 1, 9, 0x01, 0x03, 0x00, 0xfc, 0xff, 0, 2, 0 };
  static const struct { const char *name; const guint8 *blob; gsize length; } cases[] = {
    { "not-deflate", not_deflate, sizeof not_deflate },
    { "unknown-format", unknown_format, sizeof unknown_format },
    { "short-raw", short_raw, sizeof short_raw },
    { "huge-length", huge_length, sizeof huge_length },
    { "deflate-longer", deflate_longer, sizeof deflate_longer },
    { "deflate-shorter", deflate_shorter, sizeof deflate_shorter },
  };
  g_autofree char *pristine = temp_path ("blob-pristine.heapscope");
  g_autofree char *contents = NULL;
  gsize length;

  record_session (pristine, 10);
  g_assert_true (g_file_get_contents (pristine, &contents, &length, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("blob-%s.heapscope", cases[i].name);
      g_autofree char *path = temp_path (name);
      g_autoptr(GError) error = NULL;
      g_autoptr(HsStore) store = NULL;
      g_autoptr(HsCensus) census = NULL;

      write_bytes (path, contents, length);
      replace_census_blob (path, 5, cases[i].blob, cases[i].length);
      store = hs_store_open (path, &error);
      g_assert_no_error (error);
      census = hs_store_read_census (store, 4, &error);
      g_assert_no_error (error);
      g_clear_pointer (&census, hs_census_unref);
      census = hs_store_read_census (store, 5, &error);
      g_assert_null (census);
      g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_DAMAGED);
      g_assert_nonnull (strstr (error->message, name));
    }
}

/* Deltas whose size changes the count changes explain take next to no room:
 * the residuals are zeros, and the packed rows are deflated. */
static void
test_compact_deltas (void)
{
  enum { N_TYPES = 2000, N_DELTAS = 60 };
  g_autofree char *path = temp_path ("compact.heapscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = hs_store_create (path, &error);
  g_autoptr(HsStore) reader = NULL;
  g_autoptr(HsCensus) last = NULL;
  sqlite3 *db;
  sqlite3_stmt *statement;
  gint64 delta_bytes;

  g_assert_no_error (error);
  /* The last census comes twice: a delta with nothing in it. */
  for (guint sample = 0; sample <= N_DELTAS + 1; sample++)
    {
      g_autoptr(HsCensus) census = hs_census_new (N_TYPES);

      for (guint type = 0; type < N_TYPES; type++)
        {
          gint64 count = 1000 + type + MIN (sample, N_DELTAS) * (type % 7);

          census->rows[type] = (HsCensusRow) { g_strdup_printf ("m.Class%u", type), count, count * (16 + type % 300) };
        }
      g_assert_true (hs_store_append_census (store, census, NULL, &error));
    }
  g_clear_pointer (&store, hs_store_close);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT sum(length(rows)) FROM census WHERE sample BETWEEN 1 AND 60",
                                       -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  delta_bytes = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);
  sqlite3_close (db);
  /* Packed as varints alone, each delta would take about 4 bytes a type. */
  g_test_message ("%d deltas of %d types: %" G_GINT64_FORMAT " bytes", N_DELTAS, N_TYPES, delta_bytes);
  g_assert_cmpint (delta_bytes, <, N_DELTAS * N_TYPES / 4);

  reader = hs_store_open (path, &error);
  g_assert_no_error (error);
  last = hs_store_read_census (reader, N_DELTAS + 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (last->n_rows, ==, N_TYPES);
  for (guint type = 0; type < N_TYPES; type++)
    {
      g_autofree char *name = g_strdup_printf ("m.Class%u", type);
      const HsCensusRow *row = hs_census_lookup (last, name);
      gint64 count = 1000 + type + N_DELTAS * (type % 7);

      g_assert_nonnull (row);
      g_assert_cmpint (row->count, ==, count);
      g_assert_cmpint (row->size, ==, count * (16 + type % 300));
    }
}

/* Files written before deltas were deflated (schema 1) still read back whole. */
static void
test_schema_1 (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("HS_TEST_DATA"), "schema-1.heapscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = NULL;
  g_autoptr(HsRecording) recording = NULL;
  sqlite3 *db;
  sqlite3_stmt *statement;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (statement, 0), ==, 1);
  sqlite3_finalize (statement);
  sqlite3_close (db);

  store = hs_store_open (path, &error);
  g_assert_no_error (error);
  recording = hs_store_read_recording (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recording->samples->len, >, 2);
  for (guint i = 0; i < recording->samples->len; i++)
    {
      g_autoptr(HsCensus) census = hs_store_read_census (store, i, &error);
      gint64 objects = 0;
      gint64 bytes = 0;

      g_assert_no_error (error);
      for (guint r = 0; r < census->n_rows; r++)
        {
          objects += census->rows[r].count;
          bytes += census->rows[r].size;
        }
      /* The agent sends each census's totals as the sums of its rows. */
      g_assert_cmpint (objects, ==, census->objects);
      g_assert_cmpint (bytes, ==, census->bytes);
    }
}

static void
test_being_written (void)
{
  g_autofree char *path = temp_path ("live.heapscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) writer = hs_store_create (path, &error);
  g_autoptr(HsStore) reader = NULL;
  g_autoptr(HsStore) second_writer = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(HsCensus) census = make_census (1);
  g_autofree char *status = NULL;

  g_assert_no_error (error);
  g_assert_true (hs_store_write_launch (writer, NULL, g_get_real_time (), &error));
  g_assert_true (hs_store_append_census (writer, census, NULL, &error));

  reader = hs_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (hs_store_is_being_written (reader));

  session = hs_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (hs_session_is_being_written_elsewhere (session));
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), ==, 1);
  status = hs_session_dup_status_text (session);
  g_assert_cmpstr (status, ==, "Still being recorded by another Heapscope");

  second_writer = hs_store_create (path, &error);
  g_assert_null (second_writer);
  g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO);

  g_clear_pointer (&writer, hs_store_close);
  g_assert_false (hs_store_is_being_written (reader));
}

/* A disk that fills up mid-run: the write fails cleanly, later writes say so,
 * and the file keeps every sample written before. */
static void
test_disk_full (void)
{
  g_autofree char *path = temp_path ("full.heapscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = hs_store_create (path, &error);
  g_autoptr(HsStore) reader = NULL;
  g_autoptr(HsRecording) recording = NULL;
  struct rlimit saved, limit;
  guint written = 0;

  g_assert_no_error (error);
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limit = saved;
  limit.rlim_cur = 256 * 1024;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  for (guint i = 0; i < 100000 && error == NULL; i++)
    {
      g_autoptr(HsCensus) census = hs_census_new (300);

      for (guint row = 0; row < 300; row++)
        census->rows[row] = (HsCensusRow) { g_strdup_printf ("type_%u_%u", i, row), 1, 100 };
      if (hs_store_append_census (store, census, NULL, &error))
        written++;
    }
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO);
  g_assert_cmpuint (written, >, 0);
  g_clear_error (&error);

  /* It stays stopped, with the same reason. */
  {
    g_autoptr(HsCensus) census = make_census (1);
    g_assert_false (hs_store_append_census (store, census, NULL, &error));
    g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO);
    g_clear_error (&error);
  }
  g_clear_pointer (&store, hs_store_close);

  reader = hs_store_open (path, &error);
  g_assert_no_error (error);
  recording = hs_store_read_recording (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recording->n_samples, ==, written);
  for (guint i = 0; i < written; i += 7)
    {
      g_autoptr(HsCensus) census = hs_store_read_census (reader, i, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (census->n_rows, ==, 300);
    }
}

/* Save As while the session is still being recorded. */
static void
test_backup_while_recording (void)
{
  g_autofree char *path = temp_path ("recording.heapscope");
  g_autofree char *copy = temp_path ("copy.heapscope");
  g_autofree char *copy_wal = g_strconcat (copy, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) writer = hs_store_create (path, &error);
  g_autoptr(HsStore) reader = NULL;
  g_autoptr(HsRecording) recording = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < 70; i++)
    {
      g_autoptr(HsCensus) census = make_census (i);
      g_assert_true (hs_store_append_census (writer, census, NULL, &error));
    }

  g_assert_true (hs_store_backup (path, copy, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (copy_wal, G_FILE_TEST_EXISTS));

  /* The recording goes on, the copy is what was there. */
  {
    g_autoptr(HsCensus) census = make_census (70);
    g_assert_true (hs_store_append_census (writer, census, NULL, &error));
  }
  reader = hs_store_open (copy, &error);
  g_assert_no_error (error);
  g_assert_false (hs_store_is_being_written (reader));
  recording = hs_store_read_recording (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recording->n_samples, ==, 70);
  {
    g_autoptr(HsCensus) expected = make_census (69);
    g_autoptr(HsCensus) actual = hs_store_read_census (reader, 69, &error);
    g_assert_no_error (error);
    assert_same_rows (expected, actual);
  }

  /* A copy onto a folder that does not exist fails and leaves nothing behind. */
  {
    g_autofree char *nowhere = temp_path ("no/such/folder/x.heapscope");
    g_assert_false (hs_store_backup (path, nowhere, NULL, &error));
    g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO);
  }
}

static void
test_autosave_path (void)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, 11, 21, 14, 5, 9);
  g_autofree char *first = hs_store_autosave_path ("/home/u/leaky.py", when);
  g_autofree char *second = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "heapscope", "sessions",
                                                "leaky-2026-11-21-140509.heapscope", NULL);

  g_assert_cmpstr (first, ==, expected);
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));  /* reserved at once */
  second = hs_store_autosave_path ("/home/u/leaky.py", when);
  g_assert_cmpstr (second, !=, first);
  g_assert_true (g_str_has_suffix (second, "-2.heapscope"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = g_dir_make_tmp ("hs-store-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/round-trip", test_round_trip);
  g_test_add_func ("/store/session-load", test_session_load);
  g_test_add_func ("/store/not-a-session", test_not_a_session);
  g_test_add_func ("/store/newer-schema", test_newer_schema);
  g_test_add_func ("/store/truncated", test_truncated);
  g_test_add_func ("/store/corrupted", test_corrupted);
  g_test_add_func ("/store/damaged-blob", test_damaged_blob);
  g_test_add_func ("/store/compact-deltas", test_compact_deltas);
  g_test_add_func ("/store/schema-1", test_schema_1);
  g_test_add_func ("/store/being-written", test_being_written);
  g_test_add_func ("/store/disk-full", test_disk_full);
  g_test_add_func ("/store/backup-while-recording", test_backup_while_recording);
  g_test_add_func ("/store/autosave-path", test_autosave_path);
  status = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (status == 0 && system (command) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return status;
}
