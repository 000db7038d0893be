/* fuzz-session.c — the session loader on arbitrary files
 *
 * Every input is opened as a recorded session, from memory: a temporary file
 * would cost a write and an fsync for each input. Where the input holds a
 * write-ahead log header at a page boundary, what follows is read as the log
 * a crash left beside the file (seeds are a file and its log, concatenated).
 * When it opens, every census is read and the report printed to memory.
 * Nothing may crash, hang or leak, whatever the bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hs-headless.h"
#include "hs-session.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Where a log starts: its magic number at a multiple of the smallest page size. */
static gsize
find_log (const guint8 *data,
          gsize         size)
{
  static const guint8 magic[] = { 0x37, 0x7f, 0x06 };

  for (gsize offset = 512; offset + 4 <= size; offset += 512)
    if (memcmp (data + offset, magic, sizeof magic) == 0 && (data[offset + 3] & 0xfe) == 0x82)
      return offset;
  return size;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  gsize log_offset = find_log (data, size);
  g_autoptr(GBytes) database = g_bytes_new_static (data, log_offset);
  g_autoptr(GBytes) log = log_offset < size ? g_bytes_new_static (data + log_offset, size - log_offset) : NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(GError) error = NULL;
  HsStore *store;

  store = hs_store_open_bytes (database, log, "input.heapscope", &error);
  if (store != NULL)
    session = hs_session_load_store (store, &error);
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
