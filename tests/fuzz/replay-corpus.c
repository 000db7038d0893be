/* replay-corpus.c — run a fuzz target over a corpus directory, as a normal test
 *
 * Without libFuzzer, every fuzz target links this driver: each file of the
 * committed corpus is one TAP subtest (GLib's fuzzing/ arrangement). The corpus
 * folder is the first argument, or $HS_FUZZ_CORPUS.
 *
 * A second argument N adds, for each file, a subtest that runs N mutants of
 * it: bits flipped, bytes and words set to edge values, ranges erased,
 * repeated, copied over or cut off. The mutants come from a fixed seed, so a
 * run is the same every time, and the input that makes one fail is written
 * to a file the failure names.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define MAX_MUTANT_BYTES (1024 * 1024)

static guint n_mutants;
static char *crash_path;

/* The input being run, for the crash handler. */
static const guint8 *current_data;
static volatile gsize current_size;
static char current_name[256];

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

/* Async-signal-safe: saves the input that failed and says which it was. */
static void
on_crash (int signal_number)
{
  int fd = open (crash_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

  if (fd >= 0)
    {
      gsize written = 0;

      while (written < current_size)
        {
          ssize_t n = write (fd, current_data + written, current_size - written);

          if (n <= 0 && errno != EINTR)
            break;
          if (n > 0)
            written += n;
        }
      close (fd);
    }
  if (write (STDERR_FILENO, current_name, strlen (current_name)) < 0 ||
      write (STDERR_FILENO, crash_path, strlen (crash_path)) < 0 ||
      write (STDERR_FILENO, "\n", 1) < 0)
    {
      /* Nothing more can be said. */
    }
  signal (signal_number, SIG_DFL);
  raise (signal_number);
}

static guint32
interesting_word (GRand *rand)
{
  static const guint32 words[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                   0x7fffffff, 0x80000000, 0xffffffff, 0x377f0682, 0x48656170 };

  return g_rand_boolean (rand) ? words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))] : g_rand_int (rand);
}

/* One to three of libFuzzer's simpler mutations, mostly ones that keep
 * every byte where it was: a file whose pages shift is just unreadable. */
static void
mutate (GRand      *rand,
        GByteArray *data)
{
  guint n = g_rand_int_range (rand, 1, 4);

  for (guint i = 0; i < n; i++)
    {
      guint length = data->len;
      guint at = length > 0 ? g_rand_int_range (rand, 0, length) : 0;
      guint span = length > 0 ? g_rand_int_range (rand, 1, MIN (length - at, 4096) + 1) : 0;

      static const guint8 kinds[] = { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 7, 7, 7, 5, 3, 4, 6 };

      switch (kinds[g_rand_int_range (rand, 0, sizeof kinds)])
        {
        case 0:   /* flip a bit */
          if (length > 0)
            data->data[at] ^= 1 << g_rand_int_range (rand, 0, 8);
          break;
        case 1:   /* an edge value in a byte */
          if (length > 0)
            data->data[at] = interesting_word (rand);
          break;
        case 2:   /* an edge value in a big-endian word, as SQLite stores them */
          if (length >= 4)
            {
              guint32 word = interesting_word (rand);

              at = MIN (at, length - 4);
              data->data[at] = word >> 24;
              data->data[at + 1] = word >> 16;
              data->data[at + 2] = word >> 8;
              data->data[at + 3] = word;
            }
          break;
        case 3:   /* erase a range */
          if (length > 0)
            g_byte_array_remove_range (data, at, span);
          break;
        case 4:   /* repeat a range */
          if (length > 0 && length + span <= MAX_MUTANT_BYTES)
            {
              g_byte_array_set_size (data, length + span);
              memmove (data->data + at + span, data->data + at, length - at);
            }
          break;
        case 5:   /* copy a range over another */
          if (length > 0)
            {
              guint to = g_rand_int_range (rand, 0, length);

              memmove (data->data + to, data->data + at, MIN (span, length - to));
            }
          break;
        case 6:   /* cut off the end */
          if (length > 0)
            g_byte_array_set_size (data, at);
          break;
        default:  /* random bytes in a range */
          for (guint j = 0; j < span && at + j < length; j++)
            data->data[at + j] = g_rand_int (rand);
          break;
        }
    }
}

static void
mutate_file (gconstpointer path)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = g_path_get_basename (path);
  gsize length;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_mutants; i++)
    {
      /* One seed per file and mutant, so each is made again on its own. */
      g_autoptr(GRand) rand = g_rand_new_with_seed (g_str_hash (name) ^ (i * 2654435761u));
      g_autoptr(GByteArray) data = g_byte_array_sized_new (length + 1);

      g_byte_array_append (data, (const guint8 *) contents, length);
      mutate (rand, data);
      g_snprintf (current_name, sizeof current_name, "mutant %u of %s failed, saved as ", i, name);
      current_data = data->data;
      current_size = data->len;
      LLVMFuzzerTestOneInput (data->data, data->len);
      current_size = 0;
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *corpus;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *program = g_path_get_basename (argv[0]);
  const char *name;

  g_test_init (&argc, &argv, NULL);
  corpus = argc > 1 ? argv[1] : g_getenv ("HS_FUZZ_CORPUS");
  n_mutants = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 0;
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
  if (n_mutants > 0)
    {
      g_autofree char *crash_name = g_strconcat (program, "-crash", NULL);

      crash_path = g_build_filename (g_get_tmp_dir (), crash_name, NULL);
      signal (SIGABRT, on_crash);
      signal (SIGSEGV, on_crash);
      signal (SIGBUS, on_crash);
      signal (SIGFPE, on_crash);
      signal (SIGILL, on_crash);
      for (guint i = 0; i < names->len; i++)
        {
          const char *file = g_ptr_array_index (names, i);
          g_autofree char *test_path = g_strdup_printf ("/hs/fuzz/mutants/%s", file);

          g_test_add_data_func_full (test_path, g_build_filename (corpus, file, NULL), mutate_file, g_free);
        }
    }
  return g_test_run ();
}
