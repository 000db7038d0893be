/* hs-sample.c — one census taken during a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-sample.h"

struct _HsSample
{
  GObject   parent_instance;
  guint     index;
  HsCensus *census;    /* the figures always; the rows only when has_rows */
  gboolean  has_rows;
};

G_DEFINE_FINAL_TYPE (HsSample, hs_sample, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INDEX,
  PROP_LABEL,
  PROP_TITLE,
  PROP_TIME,
  PROP_OBJECTS,
  PROP_BYTES,
  PROP_RSS,
  PROP_VMS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
hs_sample_finalize (GObject *object)
{
  HsSample *self = (HsSample *) object;

  g_clear_pointer (&self->census, hs_census_unref);
  G_OBJECT_CLASS (hs_sample_parent_class)->finalize (object);
}

static void
hs_sample_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HsSample *self = HS_SAMPLE (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->census->label);
      break;
    case PROP_TITLE:
      g_value_take_string (value, hs_sample_dup_title (self));
      break;
    case PROP_TIME:
      g_value_set_double (value, self->census->time);
      break;
    case PROP_OBJECTS:
      g_value_set_int64 (value, self->census->objects);
      break;
    case PROP_BYTES:
      g_value_set_int64 (value, self->census->bytes);
      break;
    case PROP_RSS:
      g_value_set_int64 (value, self->census->rss);
      break;
    case PROP_VMS:
      g_value_set_int64 (value, self->census->vms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_sample_class_init (HsSampleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hs_sample_finalize;
  object_class->get_property = hs_sample_get_property;

  properties [PROP_INDEX] = g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties [PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);
  properties [PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties [PROP_TIME] = g_param_spec_double ("time", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties [PROP_OBJECTS] = g_param_spec_int64 ("objects", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties [PROP_BYTES] = g_param_spec_int64 ("bytes", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties [PROP_RSS] = g_param_spec_int64 ("rss", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties [PROP_VMS] = g_param_spec_int64 ("vms", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_sample_init (HsSample *self)
{
}

HsSample *
hs_sample_new (guint     index,
               HsCensus *census)
{
  HsSample *self;

  g_return_val_if_fail (census != NULL, NULL);

  self = g_object_new (HS_TYPE_SAMPLE, NULL);
  self->index = index;
  self->census = hs_census_ref (census);
  self->has_rows = TRUE;
  return self;
}

/* A sample of a reopened session: @header has the figures and label; the rows
 * are read from the file when needed and given with hs_sample_set_census(). */
HsSample *
hs_sample_new_without_rows (guint     index,
                            HsCensus *header)
{
  HsSample *self = hs_sample_new (index, header);

  self->has_rows = FALSE;
  return self;
}

/* Lets the rows go, keeping the figures: they can be read back from the
 * session file, which holds them. */
void
hs_sample_drop_rows (HsSample *self)
{
  HsCensus *figures;

  g_return_if_fail (HS_IS_SAMPLE (self));

  if (!self->has_rows)
    return;
  figures = hs_census_new_with_figures (self->census, 0);
  hs_census_unref (self->census);
  self->census = figures;
  self->has_rows = FALSE;
}

gboolean
hs_sample_has_rows (HsSample *self)
{
  g_return_val_if_fail (HS_IS_SAMPLE (self), FALSE);
  return self->has_rows;
}

void
hs_sample_set_census (HsSample *self,
                      HsCensus *census)
{
  g_return_if_fail (HS_IS_SAMPLE (self));
  g_return_if_fail (census != NULL);

  if (census == self->census)
    return;
  hs_census_unref (self->census);
  self->census = hs_census_ref (census);
  self->has_rows = TRUE;
}

guint
hs_sample_get_index (HsSample *self)
{
  g_return_val_if_fail (HS_IS_SAMPLE (self), 0);
  return self->index;
}

/* The rows are valid only when hs_sample_has_rows(). */
HsCensus *
hs_sample_get_census (HsSample *self)
{
  g_return_val_if_fail (HS_IS_SAMPLE (self), NULL);
  return self->census;
}

const char *
hs_sample_get_label (HsSample *self)
{
  g_return_val_if_fail (HS_IS_SAMPLE (self), NULL);
  return self->census->label;
}

double
hs_sample_get_time (HsSample *self)
{
  g_return_val_if_fail (HS_IS_SAMPLE (self), 0);
  return self->census->time;
}

/* "after load (12.0 s)" for a snapshot, "Sample 4 (3.0 s)" otherwise. */
char *
hs_sample_dup_title (HsSample *self)
{
  g_return_val_if_fail (HS_IS_SAMPLE (self), NULL);

  if (self->census->label != NULL && *self->census->label != '\0')
    return g_strdup_printf (_("%s (%.1f s)"), self->census->label, self->census->time);
  if (self->census->label != NULL)
    return g_strdup_printf (_("Snapshot at %.1f s"), self->census->time);
  return g_strdup_printf (_("Sample %u (%.1f s)"), self->index + 1, self->census->time);
}
