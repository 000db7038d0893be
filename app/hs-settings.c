/* hs-settings.c — the app's GSettings, when its schema is installed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-settings.h"

/* NULL when the schema is not installed (an uninstalled build run without
 * GSETTINGS_SCHEMA_DIR): the app then works, it just remembers nothing. */
GSettings *
hs_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL || !(schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)))
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}
