/* test-store.c — session files: round trips, damaged files, a full disk, copies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hs-census-codec.h"
#include "hs-console-chunk.h"
#include "hs-garbage-report.h"
#include "hs-headless.h"
#include "hs-session.h"
#include "hs-store.h"
#include "hs-wire.h"

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

/* A small graph, laid out by hand, with a description long enough to fill
 * most of a page of the file. */
static HsRefGraph *
make_graph (const char *label)
{
  HsRefGraph *graph = hs_ref_graph_new ();
  g_autofree char *long_text = g_strnfill (3000, 'x');

  for (guint i = 0; i < 2; i++)
    {
      HsObjectRef *object = hs_object_ref_new ();

      object->handle = 10 + i;
      object->type_name = g_strdup (i == 0 ? "__main__.Order" : "dict");
      object->text = g_strdup (i == 0 ? "Order at 0x10 (id=3)" : long_text);
      object->flat = 56 + i;
      hs_ref_graph_add_node (graph, object, 1000 + i, i == 0 ? HS_GRAPH_NODE_ASKED : 0);
      hs_ref_graph_node (graph, i)->x = 30 + 100 * i;
      hs_ref_graph_node (graph, i)->y = 20;
      hs_ref_graph_node (graph, i)->width = 80;
      hs_ref_graph_node (graph, i)->height = 36;
      hs_ref_graph_node (graph, i)->placed = TRUE;
    }
  hs_ref_graph_add_edge (graph, 1, 0, HS_EDGE_KEY, "'order'", 0);
  graph->label = g_strdup (label);
  graph->width = 200;
  graph->height = 60;
  return graph;
}

static char *
graph_text (const char *label)
{
  g_autoptr(HsRefGraph) graph = make_graph (label);
  g_autoptr(JsonNode) node = hs_ref_graph_to_json (graph);

  return json_to_string (node, FALSE);
}

/* What the garbage watch saw once, in the file's format. */
static char *
garbage_text (void)
{
  g_autofree char *name = g_strnfill (1000, 'y');
  g_autofree char *message = g_strdup_printf ("{\"type\": \"garbage\", \"id\": 0, \"time\": 2.5, \"dropped\": 0, "
                                              "\"cost\": 0.001, \"collections\": [{\"time\": 2.4, \"generation\": 2, "
                                              "\"objects\": 200, \"bytes\": 11200, \"cycles\": 100, \"with_del\": 0, "
                                              "\"uncollectable\": 0, \"cost\": 0.001, \"types\": [[\"__main__.%s\", 200, 11200]], "
                                              "\"graphs\": []}]}", name);
  g_autoptr(JsonNode) root = json_from_string (message, NULL);
  g_autoptr(HsGarbageReport) report = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  report = hs_garbage_report_parse (json_node_get_object (root), &error);
  g_assert_no_error (error);
  node = hs_garbage_report_to_json (report);
  return json_to_string (node, FALSE);
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
  /* A graph shown and what the garbage watch saw: every table holds data. */
  {
    g_autofree char *graph = graph_text ("What refers to Order");
    g_autofree char *garbage = garbage_text ();

    g_assert_true (hs_store_put_graph (store, 1, graph, &error));
    g_assert_true (hs_store_append_garbage (store, garbage, &error));
  }
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
  /* A damaged graph or garbage report is left out, and the window says so. */
  if (hs_session_get_unreadable_graphs (session) > 0 || hs_session_get_unreadable_garbage (session) > 0)
    return TRUE;
  g_assert_cmpuint (hs_session_get_n_graphs (session), ==, 1);
  g_assert_cmpuint (hs_garbage_log_get_collections (hs_session_get_garbage_log (session)), ==, 1);
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
  sqlite3_bind_int64 (statement, 2, hs_census_codec_checksum (blob, length));
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

  /* Recording keeps the reserved file itself: its name is never free while
   * another run started in the same second looks for one. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HsStore) store = NULL;
    g_autofree char *third = NULL;
    struct stat reserved, recording;

    g_assert_cmpint (g_stat (first, &reserved), ==, 0);
    store = hs_store_create (first, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_stat (first, &recording), ==, 0);
    g_assert_cmpuint (recording.st_ino, ==, reserved.st_ino);
    g_assert_cmpuint (recording.st_mode & 0777, ==, 0600);
    third = hs_store_autosave_path ("/home/u/leaky.py", when);
    g_assert_true (g_str_has_suffix (third, "-3.heapscope"));
  }
}

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @path's folder, sorted, as one string. */
static char *
list_folder (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* A file whose schema has SQLite run the file's own SQL is refused as it is
 * opened, naming what is wrong, and never hangs. Each case runs in a
 * subprocess with a deadline, as a loop could not be stopped otherwise. */
static void
test_hostile_schema (void)
{
  static const struct { const char *name; const char *sql; const char *says; } cases[] = {
    /* SELECT count(*) FROM sample would never end. */
    { "sample-view", "DROP TABLE sample;"
      "CREATE VIEW sample (id, time, elapsed, objects, bytes, rss, vms, label, final) AS"
      " WITH RECURSIVE r (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r)"
      " SELECT n, 0.0, 0.0, 0, 0, 0, 0, NULL, 0 FROM r;", "view, “sample”" },
    { "loop-view", "CREATE VIEW loop AS WITH RECURSIVE r (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r)"
      " SELECT n FROM r;", "view, “loop”" },
    { "trigger", "CREATE TRIGGER again AFTER INSERT ON console BEGIN INSERT INTO console VALUES (NULL, 0, '');"
      " END;", "trigger, “again”" },
    { "extra-table", "CREATE TABLE notes (text);", "“notes”" },
    { "extra-index", "CREATE INDEX sample_by_time ON sample (time);", "“sample_by_time”" },
    { "altered-table", "ALTER TABLE sample ADD COLUMN note TEXT DEFAULT 'x';", "“sample” is not as" },
    { "virtual-table", "CREATE VIRTUAL TABLE series USING rtree (id, x0, x1);", "“series”" },
  };
  g_autofree char *pristine = temp_path ("hostile-pristine.heapscope");
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  record_session (pristine, 3);
  g_assert_true (g_file_get_contents (pristine, &contents, &length, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("hostile-%s.heapscope", cases[i].name);
      g_autofree char *path = temp_path (name);
      g_autoptr(GError) error = NULL;
      g_autoptr(HsSession) session = NULL;

      write_bytes (path, contents, length);
      exec_sql (path, cases[i].sql);
      g_test_message ("%s", cases[i].name);
      session = hs_session_load (path, &error);
      g_assert_null (session);
      g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_DAMAGED);
      g_assert_nonnull (strstr (error->message, name));
      g_assert_nonnull (strstr (error->message, cases[i].says));
    }

  /* A newer file's version is read only from a session table as this
   * version writes it. */
  {
    g_autofree char *path = temp_path ("hostile-newer.heapscope");
    g_autoptr(GError) error = NULL;
    g_autoptr(HsStore) store = NULL;

    record_session (path, 3);
    exec_sql (path, "DROP TABLE session;"
                    "CREATE VIEW session (key, value) AS WITH RECURSIVE r (n) AS"
                    " (SELECT 0 UNION ALL SELECT n + 1 FROM r) SELECT 'k' || n, n FROM r;"
                    "PRAGMA user_version = 99;");
    store = hs_store_open (path, &error);
    g_assert_null (store);
    g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_NEWER);
  }
}

static HsCensus *
census_named (const char *name,
              const char *label)
{
  HsCensus *census = hs_census_new (2);

  census->rows[0] = (HsCensusRow) { g_strdup (name), 3, 300 };
  census->rows[1] = (HsCensusRow) { g_strdup ("builtins.int"), 10, 280 };
  census->objects = 13;
  census->bytes = 580;
  census->label = g_strdup (label);
  return census;
}

static gboolean
is_terminal_safe (const char *text)
{
  for (const guint8 *p = (const guint8 *) text; *p != '\0'; p++)
    if ((*p < 0x20 && *p != '\n') || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
      return FALSE;
  return g_utf8_validate (text, -1, NULL);
}

/* What a file or a child says reaches a terminal with its control
 * characters shown, not acted on: OSC 52 would set the clipboard. */
static void
test_escaped_report (void)
{
  static const char clipboard[] = "evil\033]52;c;cm0gLXJmIH4=\007";
  static const char csi[] = "csi\302\233" "2J";       /* U+009B, C1 CSI */
  g_autofree char *path = temp_path ("escapes.heapscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = hs_store_create (path, &error);
  g_autoptr(HsSession) session = NULL;
  g_autofree char *report = NULL;
  g_autofree char *between = NULL;
  g_autofree char *escaped = NULL;
  HsSample *from;
  HsSample *to;

  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(HsCensus) census = census_named (i == 2 ? clipboard : csi,
                                                 i == 0 ? "start\033[31m" : i == 2 ? "end\r\x7f" : NULL);
      census->time = i;
      g_assert_true (hs_store_append_census (store, census, NULL, &error));
    }
  g_assert_true (hs_store_write_outcome (store, HS_SESSION_STATE_FAILED, 0, 0, "no \033[2Jpython", NULL, &error));
  g_clear_pointer (&store, hs_store_close);

  session = hs_session_load (path, &error);
  g_assert_no_error (error);
  report = hs_session_format_report (session, NULL, NULL);
  g_test_message ("%s", report);
  g_assert_true (is_terminal_safe (report));
  g_assert_nonnull (strstr (report, "evil\\x1b]52;c;cm0gLXJmIH4=\\x07"));
  g_assert_nonnull (strstr (report, "csi\\u009b2J"));
  g_assert_nonnull (strstr (report, "Failed to start: no \\x1b[2Jpython"));

  from = hs_session_find_snapshot (session, "start\033[31m");
  to = hs_session_find_snapshot (session, "end\r\x7f");
  g_assert_nonnull (from);
  g_assert_nonnull (to);
  between = hs_session_format_report (session, from, to);
  g_assert_true (is_terminal_safe (between));
  g_assert_nonnull (strstr (between, "start\\x1b[31m"));
  g_assert_nonnull (strstr (between, "end\\x0d\\x7f"));

  escaped = hs_escape_for_terminal ("tab\there, new\nline, bad \377 byte, ünïcode");
  g_assert_cmpstr (escaped, ==, "tab\\x09here, new\\x0aline, bad \357\277\275 byte, ünïcode");
}

static void
assert_capped (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpuint (strlen (text), <=, HS_WIRE_MAX_STRING);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (g_str_has_suffix (text, "…"));
}

/* A name or label is kept to what the agent may send, whether it comes to
 * be written or is found in a file; cut short, it says so. */
static void
test_long_strings (void)
{
  g_autofree char *path = temp_path ("long-strings.heapscope");
  g_autofree char *long_name = NULL;
  g_autofree char *long_label = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = hs_store_create (path, &error);
  g_autoptr(HsStore) reader = NULL;
  g_autoptr(HsRecording) recording = NULL;
  g_autoptr(HsCensus) census = NULL;
  const HsCensusRow *row = NULL;
  GString *name = g_string_new ("m.");

  /* Two-byte characters, so the cut has to find a character's start. */
  while (name->len < 10000)
    g_string_append (name, "é");
  long_name = g_string_free (name, FALSE);
  long_label = g_strnfill (10000, 'l');

  g_assert_no_error (error);
  {
    g_autoptr(HsCensus) written = census_named (long_name, long_label);
    g_assert_true (hs_store_append_census (store, written, NULL, &error));
    g_assert_true (hs_store_append_census (store, written, NULL, &error));
  }
  g_clear_pointer (&store, hs_store_close);

  reader = hs_store_open (path, &error);
  g_assert_no_error (error);
  census = hs_store_read_census (reader, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (census->n_rows, ==, 2);
  for (guint i = 0; i < census->n_rows; i++)
    if (g_str_has_prefix (census->rows[i].name, "m."))
      row = &census->rows[i];
  assert_capped (row->name);
  g_assert_cmpint (row->count, ==, 3);
  assert_capped (census->label);
  g_clear_pointer (&census, hs_census_unref);
  g_clear_pointer (&reader, hs_store_close);

  /* Written by something else: ten megabytes each, read back capped. */
  {
    g_autofree char *sql = NULL;

    sql = g_strdup_printf ("UPDATE type SET name = name || hex (zeroblob (5000000)) WHERE name LIKE 'm.%%';"
                           "UPDATE sample SET label = hex (zeroblob (5000000));"
                           "INSERT OR REPLACE INTO session VALUES ('script', hex (zeroblob (5000000)));"
                           "INSERT INTO argument VALUES (7, hex (zeroblob (5000000)));");
    exec_sql (path, sql);
  }
  reader = hs_store_open (path, &error);
  g_assert_no_error (error);
  recording = hs_store_read_recording (reader, &error);
  g_assert_no_error (error);
  assert_capped (recording->spec->script);
  g_assert_cmpuint (strlen (recording->spec->arguments[0]), <=, 128 * 1024);
  assert_capped (((HsCensus *) g_ptr_array_index (recording->samples, 0))->label);
  census = hs_store_read_census (reader, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < census->n_rows; i++)
    if (g_str_has_prefix (census->rows[i].name, "m."))
      assert_capped (census->rows[i].name);
}

/* Samples missing from the middle of a file: the rest are all there, each
 * with its own census, and the report says some are missing. */
static void
test_sample_gaps (void)
{
  static const struct { const char *name; const char *sql; guint n_left; guint64 n_missing; } cases[] = {
    /* 0…9 and 13…15: counted 13, the last three would be left out. */
    { "gap-hides", "DELETE FROM sample WHERE id BETWEEN 10 AND 12;", 13, 3 },
    /* 0…9 and 11…15: counted 15, the eleventh would be "missing". */
    { "gap-of-one", "DELETE FROM sample WHERE id = 10;", 15, 1 },
    /* 2…15 */
    { "gap-first", "DELETE FROM sample WHERE id < 2;", 14, 2 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *name = g_strdup_printf ("%s.heapscope", cases[c].name);
      g_autofree char *path = temp_path (name);
      g_autoptr(GError) error = NULL;
      g_autoptr(HsSession) session = NULL;
      g_autofree char *report = NULL;
      g_autofree char *warning = NULL;
      GListModel *samples;
      guint64 missing = 0;

      record_session (path, 16);
      exec_sql (path, cases[c].sql);
      session = hs_session_load (path, &error);
      g_assert_no_error (error);
      samples = hs_session_get_samples (session);
      g_assert_cmpuint (g_list_model_get_n_items (samples), ==, cases[c].n_left);
      g_assert_cmpuint (hs_session_get_missing_samples (session), ==, cases[c].n_missing);
      g_object_get (session, "missing-samples", &missing, NULL);
      g_assert_cmpuint (missing, ==, cases[c].n_missing);

      /* Each sample has its own census: the time tells which. */
      for (guint i = 0; i < g_list_model_get_n_items (samples); i++)
        {
          g_autoptr(HsSample) sample = g_list_model_get_item (samples, i);
          g_autoptr(HsCensus) expected = NULL;

          g_assert_true (hs_session_load_rows (session, sample, &error));
          g_assert_no_error (error);
          expected = make_census ((guint) (hs_sample_get_time (sample) * 2));
          assert_same_rows (expected, hs_sample_get_census (sample));
        }

      report = hs_session_format_report (session, NULL, NULL);
      warning = g_strdup_printf ("%" G_GUINT64_FORMAT " sample%s %s missing", cases[c].n_missing,
                                 cases[c].n_missing == 1 ? "" : "s", cases[c].n_missing == 1 ? "is" : "are");
      g_assert_nonnull (strstr (report, warning));
    }
}

/* Opening a file read-only leaves its folder as it was: no -shm or -wal. */
static void
test_no_files_beside (void)
{
  g_autofree char *folder = g_build_filename (tmpdir, "beside", NULL);
  g_autofree char *path = g_build_filename (folder, "closed.heapscope", NULL);
  g_autofree char *wal_marked = g_build_filename (folder, "wal-marked.heapscope", NULL);
  g_autofree char *live = g_build_filename (folder, "live.heapscope", NULL);
  g_autofree char *crashed = g_build_filename (folder, "crashed.heapscope", NULL);
  g_autofree char *killed = g_build_filename (folder, "killed.heapscope", NULL);
  g_autofree char *live_wal = g_strconcat (live, "-wal", NULL);
  g_autofree char *live_shm = g_strconcat (live, "-shm", NULL);
  g_autofree char *crashed_wal = g_strconcat (crashed, "-wal", NULL);
  g_autofree char *killed_wal = g_strconcat (killed, "-wal", NULL);
  g_autofree char *killed_shm = g_strconcat (killed, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) writer = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  const char *paths[4];

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  record_session (path, 20);
  record_session (wal_marked, 20);
  /* Left marked for a log: as when the writer could not switch it back. */
  exec_sql (wal_marked, "PRAGMA journal_mode = WAL;");

  /* What a crash leaves: the file and its log, samples only in the log;
   * with SQLite's shared memory too when the writer was killed, without it
   * when the file and its log were copied elsewhere. */
  writer = hs_store_create (live, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 70; i++)
    {
      g_autoptr(HsCensus) census = make_census (i);
      g_assert_true (hs_store_append_census (writer, census, NULL, &error));
    }
  g_assert_true (g_file_get_contents (live, &contents, &length, NULL));
  write_bytes (crashed, contents, length);
  write_bytes (killed, contents, length);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (live_wal, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 32);
  write_bytes (crashed_wal, contents, length);
  write_bytes (killed_wal, contents, length);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (live_shm, &contents, &length, NULL));
  write_bytes (killed_shm, contents, length);
  g_clear_pointer (&writer, hs_store_close);
  g_remove (live);

  paths[0] = path;
  paths[1] = wal_marked;
  paths[2] = crashed;
  paths[3] = killed;
  before = list_folder (path);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(HsSession) session = hs_session_load (paths[i], &error);
      guint n_samples;

      g_assert_no_error (error);
      n_samples = g_list_model_get_n_items (hs_session_get_samples (session));
      g_assert_cmpuint (n_samples, ==, paths[i] == crashed || paths[i] == killed ? 70 : 20);
      for (guint s = 0; s < n_samples; s += 9)
        {
          g_autoptr(HsSample) sample = g_list_model_get_item (hs_session_get_samples (session), s);
          g_autoptr(HsCensus) expected = make_census (s);

          g_assert_true (hs_session_load_rows (session, sample, &error));
          assert_same_rows (expected, hs_sample_get_census (sample));
        }
    }
  after = list_folder (path);
  g_assert_cmpstr (after, ==, before);

  /* In a folder that cannot be written, where a -shm file could not be made. */
  if (getuid () != 0)
    {
      g_assert_cmpint (g_chmod (folder, 0500), ==, 0);
      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          g_autoptr(HsSession) session = hs_session_load (paths[i], &error);
          g_assert_no_error (error);
          g_assert_nonnull (session);
        }
      g_assert_cmpint (g_chmod (folder, 0700), ==, 0);
    }
}

static guint
file_mode (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_mode & 0777;
}

/* Recordings are for their user's eyes only, whatever the umask lets through. */
static void
test_private_files (void)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, 11, 22, 9, 0, 0);
  g_autofree char *path = hs_store_autosave_path ("private.py", when);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *copy = temp_path ("private-copy.heapscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = NULL;
  g_autoptr(HsCensus) census = make_census (1);
  mode_t saved = umask (022);

  store = hs_store_create (path, &error);
  g_assert_no_error (error);
  g_assert_true (hs_store_append_census (store, census, NULL, &error));
  g_assert_cmpuint (file_mode (path), ==, 0600);
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);

  g_assert_true (hs_store_backup (path, copy, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (copy), ==, 0600);

  g_clear_pointer (&store, hs_store_close);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  umask (saved);
}

/* A write past the file size limit says so, as a full disk does. */
static void
test_file_size_limit (void)
{
  g_autofree char *path = temp_path ("limited.heapscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = hs_store_create (path, &error);
  struct rlimit saved, limit;

  g_assert_no_error (error);
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limit = saved;
  limit.rlim_cur = 128 * 1024;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  for (guint i = 0; i < 100000 && error == NULL; i++)
    {
      g_autoptr(HsCensus) census = hs_census_new (300);

      for (guint row = 0; row < 300; row++)
        census->rows[row] = (HsCensusRow) { g_strdup_printf ("type_%u_%u", i, row), 1, 100 };
      hs_store_append_census (store, census, NULL, &error);
    }
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "limited.heapscope"));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "file size limit"));
}

/* A session read from bytes in memory, with or without its log, is the one
 * read from the file. */
static void
test_open_bytes (void)
{
  g_autofree char *path = temp_path ("bytes.heapscope");
  g_autofree char *live = temp_path ("bytes-live.heapscope");
  g_autofree char *live_wal = g_strconcat (live, "-wal", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *log = NULL;
  gsize length;
  gsize log_length;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) writer = NULL;

  record_session (path, N_SAMPLES);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  {
    g_autoptr(GBytes) bytes = g_bytes_new (contents, length);
    g_autoptr(HsStore) store = hs_store_open_bytes (bytes, NULL, "memory.heapscope", &error);
    g_autoptr(HsSession) session = NULL;
    g_autoptr(HsCensus) census = NULL;
    g_autoptr(HsCensus) expected = make_census (N_SAMPLES - 1);

    g_assert_no_error (error);
    g_assert_null (hs_store_get_path (store));
    g_assert_false (hs_store_is_being_written (store));
    census = hs_store_read_census (store, N_SAMPLES - 1, &error);
    g_assert_no_error (error);
    assert_same_rows (expected, census);
    session = hs_session_load_store (g_steal_pointer (&store), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), ==, N_SAMPLES);
  }
  g_clear_pointer (&contents, g_free);

  /* Damage is named after the name given. */
  {
    g_autoptr(GBytes) bytes = g_bytes_new_static ("not a session", 13);
    g_autoptr(HsStore) store = hs_store_open_bytes (bytes, NULL, "memory.heapscope", &error);

    g_assert_null (store);
    g_assert_error (error, HS_STORE_ERROR, HS_STORE_ERROR_NOT_A_SESSION);
    g_assert_nonnull (strstr (error->message, "memory.heapscope"));
    g_clear_error (&error);
  }

  writer = hs_store_create (live, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(HsCensus) census = make_census (i);
      g_assert_true (hs_store_append_census (writer, census, NULL, &error));
    }
  g_assert_true (g_file_get_contents (live, &contents, &length, NULL));
  g_assert_true (g_file_get_contents (live_wal, &log, &log_length, NULL));
  g_clear_pointer (&writer, hs_store_close);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (contents, length);
    g_autoptr(GBytes) log_bytes = g_bytes_new (log, log_length);
    g_autoptr(HsStore) store = hs_store_open_bytes (bytes, log_bytes, "crashed.heapscope", &error);
    g_autoptr(HsRecording) recording = NULL;
    g_autoptr(HsCensus) census = NULL;
    g_autoptr(HsCensus) expected = make_census (29);

    g_assert_no_error (error);
    recording = hs_store_read_recording (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (recording->n_samples, ==, 30);
    census = hs_store_read_census (store, 29, &error);
    g_assert_no_error (error);
    assert_same_rows (expected, census);
  }
  /* A log cut short: its last commit is what counts. */
  {
    g_autoptr(GBytes) bytes = g_bytes_new (contents, length);
    g_autoptr(GBytes) log_bytes = g_bytes_new (log, log_length - 100);
    g_autoptr(HsStore) store = hs_store_open_bytes (bytes, log_bytes, "cut.heapscope", &error);
    g_autoptr(HsRecording) recording = NULL;

    g_assert_no_error (error);
    recording = hs_store_read_recording (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (recording->n_samples, ==, 29);
  }
}

/* The graphs shown are kept, each in its latest state, laid out; a damaged
 * one is left out and counted, the others still read back. */
static void
test_graphs (void)
{
  g_autofree char *path = temp_path ("graphs.heapscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsLaunchSpec) spec = make_spec ();
  g_autoptr(HsStore) store = hs_store_create (path, &error);
  g_autoptr(HsSession) session = NULL;
  g_autofree char *first_state = graph_text ("first state");
  g_autofree char *next_state = graph_text ("what refers to Order");
  HsRefGraph *loaded;

  g_assert_no_error (error);
  g_assert_true (hs_store_write_launch (store, spec, G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC, &error));
  g_assert_true (hs_store_put_graph (store, 1, first_state, &error));
  g_assert_true (hs_store_put_graph (store, 2, "{\"nodes\": 7}", &error));
  /* The next state of graph 1 replaces the first. */
  g_assert_true (hs_store_put_graph (store, 1, next_state, &error));
  g_assert_true (hs_store_write_outcome (store, HS_SESSION_STATE_EXITED, 0, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&store, hs_store_close);

  session = hs_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hs_session_get_n_graphs (session), ==, 1);
  g_assert_cmpuint (hs_session_get_unreadable_graphs (session), ==, 1);
  loaded = hs_session_get_graph (session, 0);
  g_assert_cmpstr (loaded->label, ==, "what refers to Order");
  g_assert_cmpuint (loaded->nodes->len, ==, 2);
  g_assert_cmpuint (loaded->edges->len, ==, 1);
  g_assert_cmpstr (hs_ref_graph_node (loaded, 0)->object->type_name, ==, "__main__.Order");
  g_assert_cmpint (hs_ref_graph_node (loaded, 0)->deep, ==, 1000);
  g_assert_true (hs_ref_graph_node (loaded, 0)->flags & HS_GRAPH_NODE_ASKED);
  g_assert_cmpfloat_with_epsilon (hs_ref_graph_node (loaded, 1)->x, 130, 0.01);
  g_assert_cmpstr (hs_ref_graph_edge (loaded, 0)->name, ==, "'order'");
  g_assert_cmpint (hs_ref_graph_edge (loaded, 0)->kind, ==, HS_EDGE_KEY);
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
  g_test_add_func ("/store/hostile-schema", test_hostile_schema);
  g_test_add_func ("/store/escaped-report", test_escaped_report);
  g_test_add_func ("/store/long-strings", test_long_strings);
  g_test_add_func ("/store/sample-gaps", test_sample_gaps);
  g_test_add_func ("/store/no-files-beside", test_no_files_beside);
  g_test_add_func ("/store/private-files", test_private_files);
  g_test_add_func ("/store/file-size-limit", test_file_size_limit);
  g_test_add_func ("/store/open-bytes", test_open_bytes);
  g_test_add_func ("/store/graphs", test_graphs);
  status = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (status == 0 && system (command) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return status;
}
