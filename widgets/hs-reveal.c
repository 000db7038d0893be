/* hs-reveal.c — show a file in the file manager, selected
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "hs-reveal.h"

typedef struct
{
  GtkWindow *parent;  /* weak */
  char      *path;
} RevealRequest;

static void
reveal_request_free (RevealRequest *request)
{
  g_clear_weak_pointer (&request->parent);
  g_free (request->path);
  g_free (request);
}

/* No file manager answers on the bus (another desktop, a sandbox without the
 * portal): open the folder that holds the file instead. */
static void
show_folder (RevealRequest *request)
{
  g_autofree char *folder = g_path_get_dirname (request->path);
  g_autoptr(GFile) file = g_file_new_for_path (folder);
  g_autofree char *uri = g_file_get_uri (file);

  gtk_show_uri (request->parent, uri, GDK_CURRENT_TIME);
}

static void
on_show_items (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  RevealRequest *request = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_debug ("FileManager1.ShowItems failed: %s", error->message);
      show_folder (request);
    }
  reveal_request_free (request);
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  RevealRequest *request = user_data;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  const char *uris[2] = { NULL, NULL };

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      show_folder (request);
      reveal_request_free (request);
      return;
    }

  file = g_file_new_for_path (request->path);
  uri = g_file_get_uri (file);
  uris[0] = uri;
  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""),
                          NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
                          on_show_items, request);
}

/* Asks the file manager (org.freedesktop.FileManager1) to show @path selected
 * in its folder; falls back to opening the folder. */
void
hs_reveal_file (GtkWindow  *parent,
                const char *path)
{
  RevealRequest *request;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (path != NULL);

  request = g_new0 (RevealRequest, 1);
  g_set_weak_pointer (&request->parent, parent);
  request->path = g_strdup (path);
  g_bus_get (G_BUS_TYPE_SESSION, NULL, on_bus, request);
}
