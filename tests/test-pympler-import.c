/* test-pympler-import.c — Pympler's dump files: the restricted pickle reader,
 * the import into a session file, and the classes read back from it
 *
 * The dumps come from tests/scripts/pympler_dump.py: written now when Pympler
 * is installed, else the ones Pympler 1.1 wrote into tests/data (each with
 * the JSON of what it implies, computed by the script from Pympler's data).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "hs-session.h"
#include "test-support.h"
#include "hs-census.h"
#include "hs-class-report.h"
#include "hs-class-tracker.h"
#include "hs-launch-spec.h"
#include "hs-pickle.h"
#include "hs-pympler-import.h"
#include "hs-reply.h"
#include "hs-store.h"

static char *tmpdir;
static GPtrArray *made;       /* paths in tmpdir, removed at the end, last first */

/* -- Helpers ------------------------------------------------------------------- */

static const char *
python (void)
{
  return g_getenv ("HS_TEST_PYTHON") != NULL ? g_getenv ("HS_TEST_PYTHON") : "python3";
}

static gboolean
run_python (const char * const *arguments)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) python ());
  for (guint i = 0; arguments[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) arguments[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (tmpdir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* A path in tmpdir, to be removed at the end. */
static char *
tmp_path (const char *name)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  g_ptr_array_add (made, g_strdup (path));
  return path;
}

static char *
corpus_path (const char *name)
{
  g_autofree char *fuzz = g_path_get_dirname (g_getenv ("HS_TEST_FUZZ_CORPUS"));

  return g_build_filename (fuzz, "pickle-corpus", name, NULL);
}

/* The censuses the dump @name of the fuzz corpus becomes. */
static GPtrArray *
read_corpus_dump (const char *name)
{
  g_autofree char *path = corpus_path (name);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *censuses;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  censuses = hs_pympler_read_bytes ((const guint8 *) contents, length, name, &error);
  g_assert_no_error (error);
  return censuses;
}

/* The dump of @scenario and its expectations, written now if Pympler is here. */
static void
get_scenario (const char  *scenario,
              char       **dump,
              char       **expected)
{
  static int have_pympler = -1;
  g_autofree char *base = g_strconcat ("pympler-", scenario, NULL);
  g_autofree char *dump_name = g_strconcat (base, ".dump", NULL);
  g_autofree char *expected_name = g_strconcat (base, ".json", NULL);

  if (have_pympler < 0)
    {
      const char *arguments[] = { "-c", "import pympler.classtracker", NULL };
      have_pympler = run_python (arguments);
    }
  if (have_pympler)
    {
      g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "pympler_dump.py", NULL);

      *dump = tmp_path (dump_name);
      *expected = tmp_path (expected_name);
      {
        const char *arguments[] = { script, scenario, *dump, *expected, NULL };
        g_assert_true (run_python (arguments));
      }
      g_test_message ("%s: written now by the installed Pympler", dump_name);
    }
  else
    {
      *dump = g_build_filename (g_getenv ("HS_TEST_DATA"), dump_name, NULL);
      *expected = g_build_filename (g_getenv ("HS_TEST_DATA"), expected_name, NULL);
      g_test_message ("%s: Pympler is not installed; the dump Pympler 1.1 wrote", dump_name);
    }
}

static JsonObject *
load_expected (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A scenario's dump imported, the session file read back and applied to a tracker. */
typedef struct
{
  JsonObject     *expected;
  HsRecording    *recording;
  HsClassTracker *tracker;
} Imported;

static void
imported_set_up (Imported      *fixture,
                 gconstpointer  scenario)
{
  g_autofree char *dump = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *session = tmp_path ("imported.heapscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) reader = NULL;

  get_scenario (scenario, &dump, &expected);
  fixture->expected = load_expected (expected);
  g_assert_true (hs_pympler_file_is_dump (dump));
  g_assert_true (hs_pympler_import (dump, session, &error));
  g_assert_no_error (error);
  reader = hs_store_open (session, &error);
  g_assert_no_error (error);
  fixture->recording = hs_store_read_recording (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fixture->recording->state, ==, HS_SESSION_STATE_EXITED);
  g_assert_true (g_str_has_suffix (fixture->recording->spec->script, ".dump"));
  fixture->tracker = hs_class_tracker_new ();
  for (guint i = 0; i < fixture->recording->samples->len; i++)
    {
      HsCensus *census = g_ptr_array_index (fixture->recording->samples, i);

      g_assert_nonnull (census->classes);
      hs_class_tracker_apply (fixture->tracker, i, census->time, census->rss, census->classes);
    }
}

static void
imported_tear_down (Imported      *fixture,
                    gconstpointer  scenario)
{
  g_assert_finalize_object (fixture->tracker);
  hs_recording_free (fixture->recording);
  json_object_unref (fixture->expected);
}

/* Each snapshot's figures of each class are the JSON's. */
static void
assert_snapshots (HsClassTracker *tracker,
                  HsRecording    *recording,
                  JsonObject     *expected)
{
  JsonArray *snapshots = json_object_get_array_member (expected, "snapshots");

  g_assert_cmpuint (recording->samples->len, >=, json_array_get_length (snapshots));
  for (guint i = 0; i < json_array_get_length (snapshots); i++)
    {
      JsonObject *snapshot = json_array_get_object_element (snapshots, i);
      JsonObject *classes = json_object_get_object_member (snapshot, "classes");
      HsCensus *census = g_ptr_array_index (recording->samples, i);
      const char *label = json_object_get_string_member (snapshot, "label");
      g_autoptr(GList) names = json_object_get_members (classes);

      g_assert_cmpstr (census->label, ==, *label != '\0' ? label : NULL);
      g_assert_cmpint (census->rss, >, 0);         /* Linux: Pympler read /proc */
      g_assert_cmpint (census->n_rows, ==, 0);
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonObject *figures = json_object_get_object_member (classes, l->data);
          const HsClassPoint *points;
          guint n_points;

          points = hs_tracked_class_get_points (test_class_named (tracker, l->data), &n_points);
          g_assert_cmpuint (n_points, ==, recording->samples->len);
          g_assert_cmpuint (points[i].sample, ==, i);
          g_assert_cmpfloat (points[i].time, ==, census->time);
          g_assert_cmpint (points[i].active, ==, json_object_get_int_member (figures, "active"));
          g_assert_cmpint (points[i].size, ==, json_object_get_int_member (figures, "size"));
        }
    }
}

static void
assert_refused (const char *bytes,
                gsize       length,
                const char *message)
{
  g_autoptr(HsPickle) pickle = hs_pickle_new ();
  g_autoptr(GError) error = NULL;
  gsize offset = 0;

  g_assert_null (hs_pickle_load (pickle, (const guint8 *) bytes, length, &offset, &error));
  g_assert_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_REFUSED);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
assert_not_read (const char *bytes,
                 gsize       length,
                 int         code)
{
  g_autoptr(HsPickle) pickle = hs_pickle_new ();
  g_autoptr(GError) error = NULL;
  gsize offset = 0;

  g_assert_null (hs_pickle_load (pickle, (const guint8 *) bytes, length, &offset, &error));
  g_assert_error (error, HS_PICKLE_ERROR, code);
}

/* -- The pickle reader --------------------------------------------------------- */

/* The scalars seed: what Python 3.11 wrote for each kind of value, protocol 5 then 2. */
static void
test_values (void)
{
  g_autofree char *path = corpus_path ("scalars");
  g_autofree char *contents = NULL;
  g_autoptr(HsPickle) pickle = hs_pickle_new ();
  g_autoptr(GError) error = NULL;
  gsize length, offset = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  for (guint protocol = 0; protocol < 2; protocol++)
    {
      const HsPickleValue *list = hs_pickle_load (pickle, (const guint8 *) contents, length, &offset, &error);
      static const gint64 integers[] = { 0, 1, -1, 255, 256, 65535, 65536, -2147483648, 2147483647,
                                         G_MAXINT64, G_MININT64 };
      HsPickleValue **items;
      guint n;
      gint64 integer;
      double number;

      g_assert_no_error (error);
      items = hs_pickle_value_get_items (list, &n);
      g_assert_cmpint (list->kind, ==, HS_PICKLE_LIST);
      g_assert_cmpuint (n, ==, protocol == 0 ? 36 : 33);
      for (guint i = 0; i < G_N_ELEMENTS (integers); i++)
        {
          g_assert_true (hs_pickle_value_get_int (items[i], &integer));
          g_assert_cmpint (integer, ==, integers[i]);
        }
      g_assert_cmpint (items[11]->kind, ==, HS_PICKLE_BIG_INT);    /* 2**64 */
      g_assert_cmpint (items[12]->kind, ==, HS_PICKLE_BIG_INT);    /* -2**70 */
      g_assert_cmpint (items[13]->kind, ==, HS_PICKLE_BIG_INT);    /* 2**3000, LONG4 */
      g_assert_true (hs_pickle_value_get_number (items[14], &number));
      g_assert_cmpfloat (number, ==, 0.5);
      g_assert_false (hs_pickle_value_get_number (items[15], &number));   /* inf */
      g_assert_false (hs_pickle_value_get_number (items[16], &number));   /* nan */
      g_assert_true (hs_pickle_value_get_int (items[18], &integer) && integer == 1);
      g_assert_cmpint (items[19]->kind, ==, HS_PICKLE_BOOL);
      g_assert_false (items[19]->boolean);
      g_assert_cmpint (items[20]->kind, ==, HS_PICKLE_NONE);
      g_assert_cmpstr (hs_pickle_value_get_string (items[21]), ==, "");
      g_assert_cmpstr (hs_pickle_value_get_string (items[22]), ==, "é");
      g_assert_cmpstr (hs_pickle_value_get_string (items[23]), ==, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  /* a lone surrogate */
      g_assert_cmpuint (strlen (hs_pickle_value_get_string (items[24])), ==, 300);
      for (guint i = 0; i < 5; i++)
        {
          g_assert_cmpint (items[25 + i]->kind, ==, HS_PICKLE_TUPLE);
          g_assert_cmpuint (items[25 + i]->n_items, ==, i);
        }
      g_assert_cmpint (items[30]->kind, ==, HS_PICKLE_LIST);
      g_assert_cmpint (items[31]->kind, ==, HS_PICKLE_DICT);
      g_assert_cmpstr (hs_pickle_value_get_string (items[32]->items[3]), ==, "four");
      g_assert_cmpint (items[32]->items[2]->kind, ==, HS_PICKLE_TUPLE);
      if (protocol == 0)
        {
          g_assert_cmpint (items[34]->kind, ==, HS_PICKLE_BYTES);
          g_assert_cmpstr (items[34]->string, ==, "bytes");
          g_assert_cmpuint (items[35]->n_items, ==, 300);
        }
    }
  g_assert_cmpuint (offset, ==, length);
}

static void
test_shared (void)
{
  /* l = []; l.append(l): a list that holds itself, by the memo. */
  static const char self_holding[] = "\x80\x04]\x94h\x00" "a.";
  g_autoptr(HsPickle) pickle = hs_pickle_new ();
  g_autoptr(GError) error = NULL;
  gsize offset = 0;
  const HsPickleValue *list = hs_pickle_load (pickle, (const guint8 *) self_holding, sizeof self_holding - 1,
                                              &offset, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (list->n_items, ==, 1);
  g_assert_true (list->items[0] == list);
}

/* Anything but Pympler's classes is refused before it could run. */
static void
test_refused (void)
{
#define REFUSED(bytes, message) assert_refused (bytes, sizeof bytes - 1, message)
  REFUSED ("\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\x04true\x94\x85\x94R\x94.",
           "This file asks to run os.system: refused, nothing was run");
  REFUSED ("\x80\x02" "cbuiltins\neval\nq\x00X\x03\x00\x00\x00" "1+1q\x01\x85q\x02Rq\x03.",
           "This file asks to run builtins.eval: refused, nothing was run");
  REFUSED ("\x80\x04\x8c\nsubprocess\x8c\x05Popen\x93.",
           "This file asks to run subprocess.Popen: refused, nothing was run");
  REFUSED ("\x80\x04\x8c\x14pympler.classtracker\x8c\x0e_ClassObserver\x93.",
           "This file asks to run pympler.classtracker._ClassObserver: refused, nothing was run");
  /* An accepted name, called where it never is in a dump. */
  REFUSED ("\x80\x04\x8c\x08" "builtins\x8c\x04list\x93)R.",
           "This file asks to run builtins.list: refused, nothing was run");
  REFUSED ("\x80\x04\x8c\x0b" "collections\x8c\x0b" "defaultdict\x93\x8c\x01x\x85R.",
           "This file asks to run collections.defaultdict: refused, nothing was run");
  /* Control characters in a name are not printed. */
  REFUSED ("\x80\x04\x8c\x03o\x1bs\x8c\x01x\x93.", "This file asks to run o?s.x: refused, nothing was run");
  REFUSED ("\x80\x02(cos\nsystem\nX\x04\x00\x00\x00truei.", NULL);     /* GLOBAL then INST */
  REFUSED ("\x80\x02(X\x04\x00\x00\x00trueios\nsystem\n.", NULL);      /* INST */
  REFUSED ("\x80\x02\x82\x01.", NULL);                                 /* EXT1 */
  REFUSED ("\x80\x02X\x01\x00\x00\x00" "aQ.", NULL);                   /* BINPERSID */
  REFUSED ("\x80\x05\x97.", NULL);                                     /* NEXT_BUFFER */
#undef REFUSED
}

/* A dump whose object runs a command when Python loads it: Heapscope
 * refuses it, and the command is not run; Python would have run it. */
static void
test_hostile_dump (void)
{
  g_autofree char *dump = tmp_path ("hostile.dump");
  g_autofree char *marker = tmp_path ("payload-ran");
  g_autofree char *session = tmp_path ("hostile.heapscope");
  g_autofree char *command = g_strdup_printf ("touch '%s'", marker);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *make[] = {
    "-c",
    "import os, pickle, sys\n"
    "class Evil:\n"
    "    def __reduce__(self):\n"
    "        return (os.system, (sys.argv[2],))\n"
    "with open(sys.argv[1], 'wb') as f:\n"
    "    pickle.dump({'Order': [Evil()], 'pympler.classtracker': []}, f, protocol=pickle.HIGHEST_PROTOCOL)\n"
    "    pickle.dump([], f, protocol=pickle.HIGHEST_PROTOCOL)\n",
    dump, command, NULL
  };
  const char *load[] = { "-c", "import pickle, sys\npickle.load(open(sys.argv[1], 'rb'))\n", dump, NULL };

  g_assert_true (run_python (make));
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_file_get_contents (dump, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_true (hs_pympler_is_dump ((const guint8 *) contents, length));   /* it looks like one */
  g_assert_true (hs_pympler_file_is_dump (dump));

  g_assert_false (hs_pympler_import (dump, session, &error));
  g_assert_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, "This file asks to run os.system: refused, nothing was run");
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (session, G_FILE_TEST_EXISTS));

  /* The payload is real: Python's own unpickler runs it. */
  g_assert_true (run_python (load));
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));
}

static void
test_limits (void)
{
  g_autoptr(GByteArray) marks = g_byte_array_new ();

  /* A string longer than the file, or than anything read. */
  assert_not_read ("\x80\x04X\xff\x00\x00\x00" "abc.", 12, HS_PICKLE_ERROR_DAMAGED);
  assert_not_read ("\x80\x04\x8d\x00\x00\x00\x00\x00\x01\x00\x00" "abc.", 15, HS_PICKLE_ERROR_TOO_LARGE);
  assert_not_read ("\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\xff.", 13, HS_PICKLE_ERROR_TOO_LARGE);
  assert_not_read ("\x80\x04\x8b\xff\xff\xff\x7f.", 8, HS_PICKLE_ERROR_DAMAGED);           /* LONG4 past the end */
  assert_not_read ("\x80\x04\x8b\xff\xff\xff\xff.", 8, HS_PICKLE_ERROR_DAMAGED);           /* negative length */
  assert_not_read ("\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xff" "N.", 13, HS_PICKLE_ERROR_DAMAGED);   /* FRAME */
  /* The memo: far out of order, or never written. */
  assert_not_read ("\x80\x04Nr\x00\x00\x00\x40.", 9, HS_PICKLE_ERROR_DAMAGED);
  assert_not_read ("\x80\x04j\xff\xff\xff\xff.", 8, HS_PICKLE_ERROR_DAMAGED);
  /* The stack: underflows, a mark crossed, no mark. */
  assert_not_read ("\x80\x04.", 3, HS_PICKLE_ERROR_DAMAGED);
  assert_not_read ("\x80\x04N(a.", 6, HS_PICKLE_ERROR_DAMAGED);
  assert_not_read ("\x80\x04Ne.", 5, HS_PICKLE_ERROR_DAMAGED);
  assert_not_read ("\x80\x04}N(Nu.", 8, HS_PICKLE_ERROR_DAMAGED);        /* a key without a value */
  assert_not_read ("\x80\x04NNa.", 6, HS_PICKLE_ERROR_DAMAGED);          /* appends to None */
  assert_not_read ("\x80\x04})b.", 6, HS_PICKLE_ERROR_DAMAGED);          /* BUILD on a dict */
  /* Old protocols and unknown opcodes. */
  assert_not_read ("\x80\x01N.", 4, HS_PICKLE_ERROR_UNSUPPORTED);
  assert_not_read ("\x80\x06N.", 4, HS_PICKLE_ERROR_UNSUPPORTED);
  assert_not_read ("\x80\x04I1\n.", 6, HS_PICKLE_ERROR_UNSUPPORTED);
  assert_not_read ("\x80\x04\xff.", 4, HS_PICKLE_ERROR_UNSUPPORTED);
  assert_not_read ("(lp0\n.", 6, HS_PICKLE_ERROR_DAMAGED);                /* protocol 0 */

  /* More marks than the stack takes. */
  g_byte_array_append (marks, (const guint8 *) "\x80\x04", 2);
  for (guint i = 0; i <= HS_PICKLE_MAX_STACK; i++)
    g_byte_array_append (marks, (const guint8 *) "(", 1);
  g_byte_array_append (marks, (const guint8 *) ".", 1);
  assert_not_read ((const char *) marks->data, marks->len, HS_PICKLE_ERROR_TOO_LARGE);
}

/* -- The import ---------------------------------------------------------------- */

/* The tutorial's fourth example: two classes, Start, Intermediate, End, a
 * detach, Last; read back from the session file, Pympler's figures. */
static void
test_tutorial (Imported      *fixture,
               gconstpointer  scenario)
{
  HsClassTracker *tracker = fixture->tracker;
  HsTrackedClass *generators, *distributions;
  static const gint64 generators_active[] = { 0, 2, 1, 0 };
  static const gint64 distributions_active[] = { 0, 2, 1, 1 };
  const HsClassPoint *points;
  guint n_points;
  GListModel *instances;
  guint n_dead = 0;

  g_assert_cmpuint (fixture->recording->samples->len, ==, 4);     /* nothing happened after "Last" */
  assert_snapshots (tracker, fixture->recording, fixture->expected);

  /* What the tutorial's print_summary shows as "active". */
  generators = test_class_named (tracker, "RandomNumberGenerator");
  distributions = test_class_named (tracker, "RandDistribution");
  points = hs_tracked_class_get_points (generators, &n_points);
  for (guint i = 0; i < n_points; i++)
    g_assert_cmpint (points[i].active, ==, generators_active[i]);
  points = hs_tracked_class_get_points (distributions, &n_points);
  for (guint i = 0; i < n_points; i++)
    g_assert_cmpint (points[i].active, ==, distributions_active[i]);
  g_assert_cmpint (points[3].size, >, 0);
  g_assert_cmpint (hs_tracked_class_get_born (generators), ==, 2);   /* the third came after the detach */
  g_assert_cmpint (hs_tracked_class_get_born (distributions), ==, 2);
  g_assert_true (hs_tracked_class_get_keep (generators));

  /* Shown at "End": one of each, its average its size. */
  hs_class_tracker_set_shown_sample (tracker, 2);
  g_assert_cmpint (hs_tracked_class_get_count (generators), ==, 1);
  g_assert_cmpint (hs_tracked_class_get_average (generators), ==, hs_tracked_class_get_size (generators));
  g_assert_cmpfloat (hs_tracked_class_get_percent (generators), >, 0);

  /* Every instance is listed, the dead with their death. */
  instances = hs_class_tracker_get_instances (tracker);
  g_assert_cmpuint (g_list_model_get_n_items (instances), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(HsTrackedInstance) instance = g_list_model_get_item (instances, i);

      g_assert_cmpfloat (hs_tracked_instance_get_birth (instance), >=, 0);
      g_assert_true (g_str_has_prefix (hs_tracked_instance_get_text (instance), "<__main__."));
      g_assert_cmpint (hs_tracked_instance_get_address (instance), >, 0);
      g_assert_cmpint (hs_tracked_instance_get_size (instance), >, 0);
      if (!hs_tracked_instance_get_alive (instance))
        {
          n_dead++;
          g_assert_cmpfloat (hs_tracked_instance_get_death (instance), >, hs_tracked_instance_get_birth (instance));
        }
    }
  g_assert_cmpuint (n_dead, ==, 3);
}

/* Resolution level 2 and creation stacks; an instance born before the first
 * snapshot, one born and dead between two, deaths after the last. */
static void
test_detail (Imported      *fixture,
             gconstpointer  scenario)
{
  HsClassTracker *tracker = fixture->tracker;
  HsRecording *recording = fixture->recording;
  JsonObject *expected = fixture->expected;
  JsonArray *traces;
  HsTrackedClass *nodes;
  const HsClassPoint *points;
  guint n_points;
  GListModel *instances;
  gboolean deep_detail = FALSE, short_lived = FALSE;

  /* Three snapshots (the third without a description), and one census more
   * for the deaths after the last. */
  g_assert_cmpuint (recording->samples->len, ==, 4);
  g_assert_null (((HsCensus *) g_ptr_array_index (recording->samples, 3))->label);
  assert_snapshots (tracker, recording, expected);

  nodes = test_class_named (tracker, "__main__.Node");
  g_assert_cmpint (hs_tracked_class_get_level (nodes), ==, 2);
  g_assert_true (hs_tracked_class_get_trace (nodes));
  g_assert_cmpint (hs_tracked_class_get_born (nodes), ==,
                   json_object_get_int_member (json_object_get_object_member (expected, "instances"), "__main__.Node"));
  points = hs_tracked_class_get_points (nodes, &n_points);
  g_assert_cmpint (points[3].active, ==,
                   json_object_get_int_member (json_object_get_object_member (expected, "alive"), "__main__.Node"));

  /* Each instance's creation stack ends where the script made it. */
  traces = json_object_get_array_member (expected, "traces");
  instances = hs_class_tracker_get_instances (tracker);
  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(HsTrackedInstance) instance = g_list_model_get_item (instances, i);
      const HsTrace *trace = hs_class_tracker_get_trace (tracker, hs_tracked_instance_get_trace (instance));
      const HsStackFrame *innermost;
      const HsSizeNode *detail = hs_tracked_instance_get_detail (instance);
      gboolean found = FALSE;

      g_assert_nonnull (trace);
      innermost = &trace->frames[trace->n_frames - 1];
      for (guint k = 0; k < json_array_get_length (traces); k++)
        {
          JsonArray *frame = json_array_get_array_element (traces, k);

          found |= g_str_equal (innermost->file, json_array_get_string_element (frame, 0)) &&
                   innermost->line == json_array_get_int_element (frame, 1) &&
                   g_str_equal (innermost->function, json_array_get_string_element (frame, 2));
        }
      g_assert_true (found);
      g_assert_cmpstr (trace->frames[0].function, ==, "<module>");

      /* Referents itemised two levels down. */
      if (detail != NULL)
        {
          g_assert_cmpint (detail->size, ==, hs_tracked_instance_get_last_size (instance));
          for (guint k = 0; k < detail->children->len; k++)
            deep_detail |= ((HsSizeNode *) g_ptr_array_index (detail->children, k))->children->len > 0;
        }
      if (!hs_tracked_instance_get_alive (instance) && hs_tracked_instance_get_size (instance) == 0)
        short_lived = TRUE;
    }
  g_assert_true (deep_detail);
  g_assert_true (short_lived);
}

/* The tutorial written again with protocols 2 to 4 is the same. */
static void
test_protocols (void)
{
  g_autoptr(GPtrArray) reference = NULL;

  for (guint protocol = 5; protocol >= 2; protocol--)
    {
      g_autofree char *name = g_strdup_printf ("tutorial-protocol-%u", protocol);
      g_autofree char *path = corpus_path (name);
      g_autoptr(GPtrArray) censuses = read_corpus_dump (name);

      g_assert_true (hs_pympler_file_is_dump (path));
      if (reference == NULL)
        {
          reference = g_steal_pointer (&censuses);
          continue;
        }
      g_assert_cmpuint (censuses->len, ==, reference->len);
      for (guint i = 0; i < censuses->len; i++)
        {
          const HsClassReport *got = ((HsCensus *) g_ptr_array_index (censuses, i))->classes;
          const HsClassReport *want = ((HsCensus *) g_ptr_array_index (reference, i))->classes;

          g_assert_cmpfloat (((HsCensus *) g_ptr_array_index (censuses, i))->time, ==,
                             ((HsCensus *) g_ptr_array_index (reference, i))->time);
          g_assert_cmpuint (got->n_births, ==, want->n_births);
          g_assert_cmpuint (got->n_deaths, ==, want->n_deaths);
          g_assert_cmpuint (got->n_sizes, ==, want->n_sizes);
          for (guint k = 0; k < got->n_sizes; k++)
            g_assert_cmpint (got->sizes[k].size, ==, want->sizes[k].size);
        }
    }
}

static void
test_empty_tracker (void)
{
  g_autoptr(GPtrArray) censuses = read_corpus_dump ("empty-tracker");

  g_assert_cmpuint (censuses->len, ==, 1);
  g_assert_cmpuint (((HsCensus *) g_ptr_array_index (censuses, 0))->classes->n_classes, ==, 0);
}

/* Cut anywhere, the tutorial's dump is an error, never a crash; whole, it reads. */
static void
test_truncated (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("HS_TEST_DATA"), "pympler-tutorial.dump", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) whole = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  for (gsize cut = 0; cut < length; cut++)
    {
      g_autoptr(GError) cut_error = NULL;
      g_autoptr(GPtrArray) censuses = hs_pympler_read_bytes ((const guint8 *) contents, cut, "cut", &cut_error);

      g_assert_null (censuses);
      g_assert_error (cut_error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_DAMAGED);
    }
  whole = hs_pympler_read_bytes ((const guint8 *) contents, length, "whole", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (whole->len, ==, 4);
}

static void
test_not_a_dump (void)
{
  g_autofree char *garbage = tmp_path ("garbage.dump");
  g_autofree char *empty = tmp_path ("empty.dump");
  g_autofree char *missing = tmp_path ("missing.dump");
  g_autofree char *session = tmp_path ("not-a-dump.heapscope");
  g_autofree char *other_session = tmp_path ("a-session.heapscope");
  g_autofree char *one_pickle = tmp_path ("one-pickle.dump");
  g_autofree char *tutorial = corpus_path ("tutorial-protocol-5");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  static const char not_a_pickle[] = "\x80\x04\x95 this is not what Pympler writes";

  g_assert_true (g_file_set_contents (garbage, not_a_pickle, sizeof not_a_pickle - 1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  {
    g_autoptr(HsStore) store = hs_store_create (other_session, &error);
    g_assert_no_error (error);
  }

  /* Only the first of the two pickles. */
  g_file_get_contents (tutorial, &contents, &length, &error);
  g_assert_no_error (error);
  {
    g_autoptr(HsPickle) pickle = hs_pickle_new ();
    gsize offset = 0;

    g_assert_nonnull (hs_pickle_load (pickle, (const guint8 *) contents, length, &offset, &error));
    g_assert_true (g_file_set_contents (one_pickle, contents, offset, NULL));
  }

  const char *paths[] = { garbage, empty, other_session, one_pickle, tmpdir };
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) import_error = NULL;

      g_assert_false (hs_pympler_import (paths[i], session, &import_error));
      g_assert_nonnull (import_error);
      g_test_message ("%s: %s", paths[i], import_error->message);
      g_assert_false (g_file_test (session, G_FILE_TEST_EXISTS));
    }
  g_assert_false (hs_pympler_import (missing, session, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  /* Telling a dump from a session file. */
  g_assert_false (hs_pympler_file_is_dump (other_session));
  g_assert_false (hs_pympler_file_is_dump (empty));
  g_assert_false (hs_pympler_file_is_dump (missing));
  g_assert_false (hs_pympler_file_is_dump (garbage));
  g_assert_true (hs_pympler_is_dump ((const guint8 *) "\x80\x04pympler.", 10));
  g_assert_false (hs_pympler_is_dump ((const guint8 *) "\x80\x09pympler.", 10));
  g_assert_false (hs_pympler_is_dump ((const guint8 *) "\x80\x04pympler", 9));
}

/* Opening a dump: into the cache, then a session like any (the session's
 * loader runs this in its thread). */
static void
test_import_to_cache (void)
{
  g_autofree char *dump = g_build_filename (g_getenv ("HS_TEST_DATA"), "pympler-tutorial.dump", NULL);
  g_autofree char *folder = g_build_filename (tmpdir, "cache", "heapscope", "pympler", NULL);     /* see main () */
  g_autofree char *session = NULL;
  g_autofree char *again = NULL;
  g_autofree char *basename = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = NULL;
  g_autoptr(HsRecording) recording = NULL;

  session = hs_pympler_import_to_cache (dump, &error);
  g_assert_no_error (error);
  g_ptr_array_add (made, g_strdup (session));
  g_assert_true (g_str_has_prefix (session, folder));
  basename = g_path_get_basename (session);
  g_assert_true (g_str_has_prefix (basename, "pympler-tutorial-"));     /* then a checksum of the path */
  g_assert_true (g_str_has_suffix (basename, HS_STORE_SUFFIX));
  store = hs_store_open (session, &error);
  g_assert_no_error (error);
  recording = hs_store_read_recording (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recording->samples->len, ==, 4);
  g_assert_cmpstr (((HsCensus *) g_ptr_array_index (recording->samples, 0))->label, ==, "Start");

  /* The same dump goes to the same file, made again. */
  again = hs_pympler_import_to_cache (dump, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, session);

  /* Reopening the dump itself (Open…, a drop, `heapscope FILE`, --report)
   * gives that session, with its classes. */
  {
    g_autoptr(HsSession) reopened = hs_session_load (dump, &error);
    GListModel *classes;

    g_assert_no_error (error);
    g_assert_true (hs_session_is_read_only (reopened));
    classes = hs_class_tracker_get_classes (hs_session_get_class_tracker (reopened));
    g_assert_cmpuint (g_list_model_get_n_items (classes), ==, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = g_dir_make_tmp ("hs-pympler-XXXXXX", NULL);
  made = g_ptr_array_new_with_free_func (g_free);
  {
    g_autofree char *cache = tmp_path ("cache");
    g_autofree char *ours = tmp_path ("cache/heapscope");
    g_autofree char *imports = tmp_path ("cache/heapscope/pympler");

    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pympler-import/pickle/values", test_values);
  g_test_add_func ("/pympler-import/pickle/shared", test_shared);
  g_test_add_func ("/pympler-import/pickle/refused", test_refused);
  g_test_add_func ("/pympler-import/pickle/limits", test_limits);
  g_test_add_func ("/pympler-import/hostile-dump", test_hostile_dump);
  g_test_add ("/pympler-import/tutorial", Imported, "tutorial", imported_set_up, test_tutorial, imported_tear_down);
  g_test_add ("/pympler-import/detail", Imported, "detail", imported_set_up, test_detail, imported_tear_down);
  g_test_add_func ("/pympler-import/protocols", test_protocols);
  g_test_add_func ("/pympler-import/empty-tracker", test_empty_tracker);
  g_test_add_func ("/pympler-import/truncated", test_truncated);
  g_test_add_func ("/pympler-import/not-a-dump", test_not_a_dump);
  g_test_add_func ("/pympler-import/import-to-cache", test_import_to_cache);
  status = g_test_run ();
  for (guint i = made->len; i > 0; i--)
    g_remove (g_ptr_array_index (made, i - 1));
  g_rmdir (tmpdir);
  g_ptr_array_unref (made);
  return status;
}
