/* hs-census-codec.h — a census as the session file stores it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A type's count and total size, indexed by the file's type id. */
typedef struct
{
  gint64 count;
  gint64 size;
} HsTally;

typedef enum
{
  HS_CENSUS_CODEC_OK,
  HS_CENSUS_CODEC_UNREADABLE,    /* not a census: bad varints, overflow, bad blob */
  HS_CENSUS_CODEC_UNKNOWN_TYPE,  /* a row names a type id past the ones known */
  HS_CENSUS_CODEC_NEGATIVE,      /* a tally went below zero */
} HsCensusCodecStatus;

/* Packed rows over 12 MiB are not a census. */
#define HS_CENSUS_CODEC_MAX_PACKED (12 * 1024 * 1024)

GByteArray          *hs_census_codec_encode   (const HsTally *current,
                                               const HsTally *previous,
                                               guint          n_types,
                                               guint          n_previous,
                                               gboolean       keyframe);
GByteArray          *hs_census_codec_seal     (GByteArray    *packed);
GBytes              *hs_census_codec_unseal   (const guint8  *blob,
                                               gsize          length,
                                               guint          schema_version);
HsCensusCodecStatus  hs_census_codec_apply    (GArray        *tallies,
                                               const guint8  *packed,
                                               gsize          length,
                                               gsize         *offset,
                                               gint64        *last_id,
                                               guint          n_types,
                                               gboolean       keyframe,
                                               guint          schema_version);
gint64               hs_census_codec_checksum (const guint8  *data,
                                               gsize          length);

G_END_DECLS
