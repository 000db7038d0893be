/* fuzz-census-codec.c — a stored census, as read from a file, on arbitrary bytes
 *
 * The first byte picks the schema version and whether the rows are a
 * keyframe; the rest is the blob. Whatever is read must survive a round
 * trip: encoded again as a keyframe and applied, it gives the same tallies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-census-codec.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define N_TYPES 4096

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GArray) tallies = g_array_new (FALSE, TRUE, sizeof (HsTally));
  g_autoptr(GArray) again = g_array_new (FALSE, TRUE, sizeof (HsTally));
  g_autoptr(GBytes) packed = NULL;
  g_autoptr(GByteArray) encoded = NULL;
  g_autoptr(GByteArray) sealed = NULL;
  g_autoptr(GBytes) unsealed = NULL;
  guint schema_version;
  gboolean keyframe;
  const guint8 *rows;
  gsize length;
  gsize offset = 0;
  gint64 last_id = -1;

  if (size < 1)
    return 0;
  schema_version = (data[0] & 1) ? 2 : 1;
  keyframe = (data[0] & 2) != 0;
  packed = hs_census_codec_unseal (data + 1, size - 1, schema_version);
  if (packed == NULL)
    return 0;
  rows = g_bytes_get_data (packed, &length);
  if (hs_census_codec_apply (tallies, rows, length, &offset, &last_id, N_TYPES, keyframe, schema_version)
      != HS_CENSUS_CODEC_OK)
    return 0;

  encoded = hs_census_codec_encode ((HsTally *) tallies->data, NULL, tallies->len, 0, TRUE);
  sealed = hs_census_codec_seal (encoded);
  unsealed = hs_census_codec_unseal (sealed->data, sealed->len, 2);
  g_assert_nonnull (unsealed);
  rows = g_bytes_get_data (unsealed, &length);
  offset = 0;
  last_id = -1;
  g_assert_cmpint (hs_census_codec_apply (again, rows, length, &offset, &last_id, N_TYPES, TRUE, 2),
                   ==, HS_CENSUS_CODEC_OK);
  for (guint id = 0; id < tallies->len; id++)
    {
      const HsTally *want = &g_array_index (tallies, HsTally, id);
      HsTally none = { 0, 0 };
      const HsTally *got = id < again->len ? &g_array_index (again, HsTally, id) : &none;

      g_assert_cmpint (got->count, ==, want->count);
      g_assert_cmpint (got->size, ==, want->size);
    }
  return 0;
}
