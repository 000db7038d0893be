/* hs-settings.c — the app's GSettings, when its schema is installed
 *
 * Settings are kept by the desktop's backend (dconf) when a D-Bus session is
 * there to write through. Without one (a bare X server, SSH, a container)
 * dconf cannot save, and GLib's memory backend forgets at exit: the recent
 * sessions and launch choices would silently not persist. Then they go to a
 * key file of the app's own, $XDG_CONFIG_HOME/heapscope/settings.ini.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "hs-settings.h"

/* Whether the session bus answers; asked once. */
static gboolean
session_bus_reachable (void)
{
  static gsize reachable = 0;

  if (g_once_init_enter (&reachable))
    {
      g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

      g_once_init_leave (&reachable, bus != NULL ? 2 : 1);
    }
  return reachable == 2;
}

/* The backend settings are saved with: NULL for GLib's default, the key file
 * when the default could not save. One for the process, so that every
 * GSettings of the app sees the others' changes. */
static GSettingsBackend *
settings_backend (void)
{
  static GSettingsBackend *backend = NULL;
  static gsize chosen = 0;

  if (g_once_init_enter (&chosen))
    {
      /* A backend chosen by name (the tests' memory backend) is the user's choice. */
      if (g_getenv ("GSETTINGS_BACKEND") == NULL && !session_bus_reachable ())
        {
          g_autofree char *folder = g_build_filename (g_get_user_config_dir (), "heapscope", NULL);
          g_autofree char *file = g_build_filename (folder, "settings.ini", NULL);

          if (g_mkdir_with_parents (folder, 0700) == 0)
            backend = g_keyfile_settings_backend_new (file, "/", "heapscope");
        }
      g_once_init_leave (&chosen, 1);
    }
  return backend;
}

/* NULL when the schema is not installed (an uninstalled build run without
 * GSETTINGS_SCHEMA_DIR): the app then works, it just remembers nothing. */
GSettings *
hs_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL || !(schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)))
    return NULL;
  return g_settings_new_full (schema, settings_backend (), NULL);
}

/* Where settings are saved when no session bus is there; NULL otherwise. */
const char *
hs_settings_get_fallback_file (void)
{
  static char *file = NULL;

  if (settings_backend () == NULL)
    return NULL;
  if (file == NULL)
    file = g_build_filename (g_get_user_config_dir (), "heapscope", "settings.ini", NULL);
  return file;
}
