/* fuzz-session.c — the session loader on arbitrary files
 *
 * Every input is written to a file and opened as a recorded session; when it
 * opens, every census is read and the report printed to memory. Nothing may
 * crash, hang or leak, whatever the bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "hs-headless.h"
#include "hs-session.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static char *
input_path (void)
{
  static char *path;

  if (path == NULL)
    {
      g_autofree char *folder = g_dir_make_tmp ("hs-fuzz-session-XXXXXX", NULL);
      path = g_build_filename (folder, "input.heapscope", NULL);
    }
  return path;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *path = input_path ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(HsSession) session = NULL;
  g_autoptr(GError) error = NULL;

  g_unlink (wal);
  g_unlink (shm);
  if (!g_file_set_contents (path, (const char *) data, size, NULL))
    return 0;

  session = hs_session_load (path, &error);
  if (session == NULL)
    {
      g_assert_true (error->domain == HS_STORE_ERROR);
      return 0;
    }

  for (guint i = 0; i < g_list_model_get_n_items (hs_session_get_samples (session)); i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (hs_session_get_samples (session), i);

      if (!hs_session_load_rows (session, sample, &error))
        {
          g_assert_true (error->domain == HS_STORE_ERROR);
          return 0;
        }
    }
  g_free (hs_session_format_report (session, NULL, NULL));
  return 0;
}
