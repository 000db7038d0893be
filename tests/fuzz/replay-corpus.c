/* replay-corpus.c — run a fuzz target over a corpus directory, as a normal test
 *
 * Without libFuzzer, every fuzz target links this driver: each file of the
 * committed corpus is one TAP subtest (GLib's fuzzing/ arrangement). The corpus
 * folder is the first argument, or $HS_FUZZ_CORPUS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
replay_file (gconstpointer path)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
}

int
main (int   argc,
      char *argv[])
{
  const char *corpus;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_test_init (&argc, &argv, NULL);
  corpus = argc > 1 ? argv[1] : g_getenv ("HS_FUZZ_CORPUS");
  g_assert_nonnull (corpus);
  dir = g_dir_open (corpus, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >, 0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *test_path = g_strdup_printf ("/hs/fuzz/%s", file);

      g_test_add_data_func_full (test_path, g_build_filename (corpus, file, NULL), replay_file, g_free);
    }
  return g_test_run ();
}
