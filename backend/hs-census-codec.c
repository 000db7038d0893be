/* hs-census-codec.c — a census as the session file stores it
 *
 * A census is stored as what changed: a keyframe lists every type present, a
 * delta every type whose tally moved since the census before. Each row is
 * the gap from the previous row's type id and two numbers, as varints
 * (LEB128; zigzag for a delta's signed changes). Since schema 2 a delta's
 * size is stored as what the count change does not explain (objects of one
 * type mostly share one size, so it is usually 0), and the packed rows are
 * sealed: a format byte, the packed length, the rows deflated (or as they are
 * where deflating would not make them smaller).
 *
 * Nothing here knows SQLite: the store keeps the blobs, their checksums and
 * the type names, and this file is tested and fuzzed on its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "hs-census-codec.h"

#define MAX_VARINT_BYTES 10

#define BLOB_PACKED   0
#define BLOB_DEFLATED 1

static void
put_uvarint (GByteArray *out,
             guint64     value)
{
  guint8 byte;

  do
    {
      byte = value & 0x7f;
      value >>= 7;
      if (value != 0)
        byte |= 0x80;
      g_byte_array_append (out, &byte, 1);
    }
  while (value != 0);
}

static void
put_svarint (GByteArray *out,
             gint64      value)
{
  put_uvarint (out, ((guint64) value << 1) ^ (guint64) (value >> 63));
}

static gboolean
get_uvarint (const guint8 **cursor,
             const guint8  *end,
             guint64       *value)
{
  guint64 result = 0;

  for (guint shift = 0; shift < 7 * MAX_VARINT_BYTES; shift += 7)
    {
      guint8 byte;

      if (*cursor >= end)
        return FALSE;
      byte = *(*cursor)++;
      if (shift == 63 && byte > 1)
        return FALSE;
      result |= (guint64) (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        {
          *value = result;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
get_svarint (const guint8 **cursor,
             const guint8  *end,
             gint64        *value)
{
  guint64 zigzag;

  if (!get_uvarint (cursor, end, &zigzag))
    return FALSE;
  *value = (gint64) (zigzag >> 1) ^ -(gint64) (zigzag & 1);
  return TRUE;
}

/* FNV-1a, 32 bits: enough to tell a damaged census from an intact one. */
gint64
hs_census_codec_checksum (const guint8 *data,
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

/* The size change that @count_change explains: that many objects of the
 * type's mean size before it. 0 where there is no mean, or the product would
 * come near overflowing, so the residual always fits. */
static gint64
explained_size_change (const HsTally *before,
                       gint64         count_change)
{
  gint64 explained;

  if (before->count <= 0 ||
      __builtin_mul_overflow (count_change, before->size / before->count, &explained) ||
      explained > G_MAXINT64 / 2 || explained < G_MININT64 / 2)
    return 0;
  return explained;
}

/* The packed rows of @current (@n_types tallies) against @previous. */
GByteArray *
hs_census_codec_encode (const HsTally *current,
                        const HsTally *previous,
                        guint          n_types,
                        guint          n_previous,
                        gboolean       keyframe)
{
  GByteArray *out = g_byte_array_new ();
  static const HsTally zero = { 0, 0 };
  gint64 last_id = -1;

  for (guint id = 0; id < n_types; id++)
    {
      const HsTally *now = &current[id];
      const HsTally *before = id < n_previous ? &previous[id] : &zero;

      if (keyframe ? (now->count == 0 && now->size == 0)
                   : (now->count == before->count && now->size == before->size))
        continue;

      put_uvarint (out, id - last_id - 1);
      last_id = id;
      if (keyframe)
        {
          put_uvarint (out, now->count);
          put_uvarint (out, now->size);
        }
      else
        {
          gint64 count_change = now->count - before->count;

          put_svarint (out, count_change);
          put_svarint (out, now->size - before->size - explained_size_change (before, count_change));
        }
    }
  return out;
}

/* The stored form of packed rows. */
GByteArray *
hs_census_codec_seal (GByteArray *packed)
{
  g_autoptr(GConverter) compressor = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, -1));
  GByteArray *sealed = g_byte_array_sized_new (packed->len / 2 + 16);
  guint8 format = BLOB_DEFLATED;
  gsize header_length;
  gsize bytes_read = 0;
  gsize bytes_written = 0;
  GConverterResult result;

  g_byte_array_append (sealed, &format, 1);
  put_uvarint (sealed, packed->len);
  header_length = sealed->len;

  /* Anything over the packed length is not worth deflating. */
  g_byte_array_set_size (sealed, header_length + packed->len);
  if (packed->len > 0)
    result = g_converter_convert (compressor, packed->data, packed->len,
                                  sealed->data + header_length, packed->len,
                                  G_CONVERTER_INPUT_AT_END, &bytes_read, &bytes_written, NULL);
  else
    result = G_CONVERTER_ERROR;
  if (result == G_CONVERTER_FINISHED && bytes_read == packed->len)
    {
      g_byte_array_set_size (sealed, header_length + bytes_written);
      return sealed;
    }

  sealed->data[0] = BLOB_PACKED;
  if (packed->len > 0)      /* an empty array may have no data at all */
    memcpy (sealed->data + header_length, packed->data, packed->len);
  return sealed;
}

/* Undoes hs_census_codec_seal(): the packed rows of a stored census, or NULL
 * when the blob is not one. Schema 1 stored the packed rows as they are. */
GBytes *
hs_census_codec_unseal (const guint8 *blob,
                        gsize         length,
                        guint         schema_version)
{
  const guint8 *cursor = blob + 1;
  const guint8 *end = blob + length;
  guint64 packed_length;

  if (schema_version < 2)
    return g_bytes_new (blob, length);

  if (length < 2 || !get_uvarint (&cursor, end, &packed_length) || packed_length > HS_CENSUS_CODEC_MAX_PACKED)
    return NULL;
  if (blob[0] == BLOB_PACKED && (guint64) (end - cursor) == packed_length)
    return g_bytes_new (packed_length > 0 ? cursor : NULL, packed_length);
  if (blob[0] == BLOB_DEFLATED)
    {
      g_autoptr(GConverter) decompressor = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
      g_autofree guint8 *packed = g_malloc (packed_length + 1);
      gsize bytes_read = 0;
      gsize bytes_written = 0;

      /* One byte of room over the promised length catches a longer stream. */
      if (g_converter_convert (decompressor, cursor, end - cursor, packed, packed_length + 1,
                               G_CONVERTER_INPUT_AT_END, &bytes_read, &bytes_written, NULL) == G_CONVERTER_FINISHED &&
          bytes_read == (gsize) (end - cursor) && bytes_written == packed_length)
        return g_bytes_new_take (g_steal_pointer (&packed), packed_length);
    }
  return NULL;
}

/* Applies the packed rows from *@offset on to @tallies (HsTally by type id,
 * grown as rows name higher ids), a keyframe's as they are, a delta's on top.
 * A row naming an id of @n_types or more stops with UNKNOWN_TYPE, *@offset
 * and *@last_id at that row: the caller may learn more type names and apply
 * the rest. */
HsCensusCodecStatus
hs_census_codec_apply (GArray       *tallies,
                       const guint8 *packed,
                       gsize         length,
                       gsize        *offset,
                       gint64       *last_id,
                       guint         n_types,
                       gboolean      keyframe,
                       guint         schema_version)
{
  const guint8 *end;

  if (length == 0)
    return HS_CENSUS_CODEC_OK;     /* no rows; @packed may be NULL */
  end = packed + length;
  while (*offset < length)
    {
      const guint8 *cursor = packed + *offset;
      guint64 gap;
      gint64 id;
      gint64 count;
      gint64 size;
      HsTally *tally;

      if (!get_uvarint (&cursor, end, &gap) || gap >= G_MAXUINT32)
        return HS_CENSUS_CODEC_UNREADABLE;
      id = *last_id + (gint64) gap + 1;
      if (id >= n_types)
        return HS_CENSUS_CODEC_UNKNOWN_TYPE;

      if (tallies->len < n_types)
        g_array_set_size (tallies, n_types);
      tally = &g_array_index (tallies, HsTally, id);

      if (keyframe)
        {
          guint64 absolute_count;
          guint64 absolute_size;

          if (!get_uvarint (&cursor, end, &absolute_count) || !get_uvarint (&cursor, end, &absolute_size) ||
              absolute_count > G_MAXINT64 || absolute_size > G_MAXINT64)
            return HS_CENSUS_CODEC_UNREADABLE;
          tally->count = absolute_count;
          tally->size = absolute_size;
        }
      else
        {
          if (!get_svarint (&cursor, end, &count) || !get_svarint (&cursor, end, &size))
            return HS_CENSUS_CODEC_UNREADABLE;
          if (schema_version >= 2 &&
              __builtin_add_overflow (size, explained_size_change (tally, count), &size))
            return HS_CENSUS_CODEC_UNREADABLE;
          if (__builtin_add_overflow (tally->count, count, &tally->count) ||
              __builtin_add_overflow (tally->size, size, &tally->size))
            return HS_CENSUS_CODEC_UNREADABLE;
        }
      if (tally->count < 0 || tally->size < 0)
        return HS_CENSUS_CODEC_NEGATIVE;
      *last_id = id;
      *offset = cursor - packed;
    }
  return HS_CENSUS_CODEC_OK;
}
