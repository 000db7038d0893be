/* test-census-codec.c — a census as the session file stores it, on its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-census-codec.h"

/* Encodes @current against @previous, seals, unseals and applies it to a copy
 * of @previous; returns the tallies read back. */
static GArray *
round_trip (GArray   *current,
            GArray   *previous,
            gboolean  keyframe)
{
  g_autoptr(GByteArray) packed = hs_census_codec_encode ((HsTally *) current->data,
                                                         previous != NULL ? (HsTally *) previous->data : NULL,
                                                         current->len, previous != NULL ? previous->len : 0,
                                                         keyframe);
  g_autoptr(GByteArray) sealed = hs_census_codec_seal (packed);
  g_autoptr(GBytes) unsealed = hs_census_codec_unseal (sealed->data, sealed->len, 2);
  GArray *read = g_array_new (FALSE, TRUE, sizeof (HsTally));
  const guint8 *rows;
  gsize length;
  gsize offset = 0;
  gint64 last_id = -1;

  g_assert_nonnull (unsealed);
  g_assert_cmpuint (g_bytes_get_size (unsealed), ==, packed->len);
  if (previous != NULL && !keyframe)
    g_array_append_vals (read, previous->data, previous->len);
  rows = g_bytes_get_data (unsealed, &length);
  g_assert_cmpint (hs_census_codec_apply (read, rows, length, &offset, &last_id, current->len, keyframe, 2),
                   ==, HS_CENSUS_CODEC_OK);
  g_assert_cmpuint (offset, ==, length);
  return read;
}

static void
assert_same_tallies (GArray *got,
                     GArray *want)
{
  for (guint id = 0; id < MAX (got->len, want->len); id++)
    {
      HsTally none = { 0, 0 };
      const HsTally *a = id < got->len ? &g_array_index (got, HsTally, id) : &none;
      const HsTally *b = id < want->len ? &g_array_index (want, HsTally, id) : &none;

      g_assert_cmpint (a->count, ==, b->count);
      g_assert_cmpint (a->size, ==, b->size);
    }
}

/* A keyframe and 63 deltas over types that come, go and change, with sizes
 * a count change explains and some it does not, up to the largest values. */
static void
test_round_trip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GArray) previous = NULL;

  for (guint step = 0; step < 64; step++)
    {
      guint n_types = 200 + step * 10;
      g_autoptr(GArray) current = g_array_new (FALSE, TRUE, sizeof (HsTally));
      g_autoptr(GArray) read = NULL;

      g_array_set_size (current, n_types);
      for (guint id = 0; id < n_types; id++)
        {
          HsTally *tally = &g_array_index (current, HsTally, id);
          const HsTally *before = previous != NULL && id < previous->len ? &g_array_index (previous, HsTally, id) : NULL;

          if (before != NULL && g_rand_int_range (rand, 0, 4) != 0)
            *tally = *before;     /* most types do not move */
          else if (g_rand_int_range (rand, 0, 8) == 0)
            *tally = (HsTally) { 0, 0 };
          else
            {
              tally->count = g_rand_int_range (rand, 1, 100000);
              tally->size = tally->count * 56 + g_rand_int_range (rand, 0, 3) * 8;
            }
        }
      g_array_index (current, HsTally, 0) = (HsTally) { G_MAXINT64, G_MAXINT64 };
      g_array_index (current, HsTally, 1) = (HsTally) { 1, G_MAXINT64 };

      read = round_trip (current, previous, step == 0);
      assert_same_tallies (read, current);
      g_clear_pointer (&previous, g_array_unref);
      previous = g_array_ref (current);
    }
}

/* Rows that do not deflate are stored as they are; an empty census is a blob too. */
static void
test_seal_keeps_what_does_not_deflate (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GByteArray) noise = g_byte_array_new ();
  g_autoptr(GByteArray) sealed = NULL;
  g_autoptr(GByteArray) empty = g_byte_array_new ();
  g_autoptr(GByteArray) sealed_empty = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GBytes) back_empty = NULL;

  for (guint i = 0; i < 4096; i++)
    {
      guint8 byte = g_rand_int (rand);
      g_byte_array_append (noise, &byte, 1);
    }
  sealed = hs_census_codec_seal (noise);
  g_assert_cmpuint (sealed->data[0], ==, 0);   /* packed, not deflated */
  back = hs_census_codec_unseal (sealed->data, sealed->len, 2);
  g_assert_nonnull (back);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), noise->data, noise->len);

  sealed_empty = hs_census_codec_seal (empty);
  back_empty = hs_census_codec_unseal (sealed_empty->data, sealed_empty->len, 2);
  g_assert_nonnull (back_empty);
  g_assert_cmpuint (g_bytes_get_size (back_empty), ==, 0);
}

/* A blob that is not a sealed census is refused, never half read. */
static void
test_unseal_refuses_damage (void)
{
  g_autoptr(GByteArray) packed = g_byte_array_new ();
  g_autoptr(GByteArray) sealed = NULL;
  g_autoptr(GByteArray) copy = NULL;
  const guint8 unknown_format[] = { 7, 1, 0 };
  const guint8 too_long[] = { 0, 0xff, 0xff, 0xff, 0x7f };
  const guint8 short_packed[] = { 0, 4, 1, 2 };

  for (guint i = 0; i < 1000; i++)
    g_byte_array_append (packed, (const guint8 *) "\x01\x02\x03", 3);
  sealed = hs_census_codec_seal (packed);
  g_assert_cmpuint (sealed->data[0], ==, 1);   /* deflated */

  g_assert_null (hs_census_codec_unseal (sealed->data, sealed->len - 1, 2));     /* cut */
  copy = g_byte_array_new ();
  g_byte_array_append (copy, sealed->data, sealed->len);
  g_byte_array_append (copy, (const guint8 *) "x", 1);
  g_assert_null (hs_census_codec_unseal (copy->data, copy->len, 2));             /* trailing bytes */
  copy->data[1] ^= 0x01;
  g_assert_null (hs_census_codec_unseal (copy->data, copy->len - 1, 2));         /* wrong length */
  g_assert_null (hs_census_codec_unseal (unknown_format, sizeof unknown_format, 2));
  g_assert_null (hs_census_codec_unseal (too_long, sizeof too_long, 2));          /* over the cap */
  g_assert_null (hs_census_codec_unseal (short_packed, sizeof short_packed, 2));
  g_assert_null (hs_census_codec_unseal (short_packed, 1, 2));
}

static HsCensusCodecStatus
apply_bytes (GArray       *tallies,
             const guint8 *rows,
             gsize         length,
             guint         n_types,
             gboolean      keyframe)
{
  gsize offset = 0;
  gint64 last_id = -1;

  return hs_census_codec_apply (tallies, rows, length, &offset, &last_id, n_types, keyframe, 2);
}

/* Rows that name a type not known yet stop where they are, and go on once
 * more types are known; bad rows are unreadable or negative. */
static void
test_apply (void)
{
  /* type 0: 3 objects, 30 B; type 5 (gap 4): 1 object, 8 B */
  const guint8 keyframe[] = { 0, 3, 30, 4, 1, 8 };
  /* type 0: -4 objects: below zero */
  const guint8 negative[] = { 0, 7, 0 };
  /* a varint of eleven bytes */
  const guint8 long_varint[] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0 };
  /* count + 1 with G_MAXINT64 already there */
  const guint8 overflow[] = { 0, 2, 0 };
  g_autoptr(GArray) tallies = g_array_new (FALSE, TRUE, sizeof (HsTally));
  gsize offset = 0;
  gint64 last_id = -1;

  g_assert_cmpint (hs_census_codec_apply (tallies, keyframe, sizeof keyframe, &offset, &last_id, 3, TRUE, 2),
                   ==, HS_CENSUS_CODEC_UNKNOWN_TYPE);
  g_assert_cmpuint (offset, ==, 3);
  g_assert_cmpint (last_id, ==, 0);
  g_assert_cmpint (hs_census_codec_apply (tallies, keyframe, sizeof keyframe, &offset, &last_id, 6, TRUE, 2),
                   ==, HS_CENSUS_CODEC_OK);
  g_assert_cmpint (g_array_index (tallies, HsTally, 0).count, ==, 3);
  g_assert_cmpint (g_array_index (tallies, HsTally, 5).size, ==, 8);

  g_assert_cmpint (apply_bytes (tallies, keyframe, 4, 6, TRUE), ==, HS_CENSUS_CODEC_UNREADABLE);   /* cut */
  g_assert_cmpint (apply_bytes (tallies, negative, sizeof negative, 6, FALSE), ==, HS_CENSUS_CODEC_NEGATIVE);
  g_assert_cmpint (apply_bytes (tallies, long_varint, sizeof long_varint, 6, TRUE), ==, HS_CENSUS_CODEC_UNREADABLE);
  g_array_index (tallies, HsTally, 0) = (HsTally) { G_MAXINT64, 0 };
  g_assert_cmpint (apply_bytes (tallies, overflow, sizeof overflow, 6, FALSE), ==, HS_CENSUS_CODEC_UNREADABLE);
  g_assert_cmpint (apply_bytes (tallies, NULL, 0, 6, FALSE), ==, HS_CENSUS_CODEC_OK);
}

/* Schema 1 stored packed rows as they are, with plain size changes. */
static void
test_schema_1 (void)
{
  /* type 0 at 2 objects and 100 B; +1 object and +50 B */
  const guint8 delta[] = { 0, 2, 100 };
  g_autoptr(GArray) tallies = g_array_new (FALSE, TRUE, sizeof (HsTally));
  g_autoptr(GBytes) rows = hs_census_codec_unseal (delta, sizeof delta, 1);
  gsize offset = 0;
  gint64 last_id = -1;

  g_assert_cmpmem (g_bytes_get_data (rows, NULL), g_bytes_get_size (rows), delta, sizeof delta);
  g_array_set_size (tallies, 1);
  g_array_index (tallies, HsTally, 0) = (HsTally) { 2, 100 };
  g_assert_cmpint (hs_census_codec_apply (tallies, delta, sizeof delta, &offset, &last_id, 1, FALSE, 1),
                   ==, HS_CENSUS_CODEC_OK);
  g_assert_cmpint (g_array_index (tallies, HsTally, 0).count, ==, 3);
  g_assert_cmpint (g_array_index (tallies, HsTally, 0).size, ==, 150);   /* nothing "explained" in schema 1 */
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/census-codec/round-trip", test_round_trip);
  g_test_add_func ("/census-codec/seal-keeps-what-does-not-deflate", test_seal_keeps_what_does_not_deflate);
  g_test_add_func ("/census-codec/unseal-refuses-damage", test_unseal_refuses_damage);
  g_test_add_func ("/census-codec/apply", test_apply);
  g_test_add_func ("/census-codec/schema-1", test_schema_1);
  return g_test_run ();
}
