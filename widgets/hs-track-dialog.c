/* hs-track-dialog.c — asks what Pympler's track_class / track_object take,
 * asks the agent, and says in place why it refused
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-track-dialog.h"

struct _HsTrackDialog
{
  GtkWindow       parent_instance;

  HsSession      *session;
  char           *type_name;
  gint64          handle;
  char           *name;           /* the request's, while it is read */
  GCancellable   *cancellable;    /* while the agent is asked */

  /* Template children. */
  GtkWidget      *track_button;
  GtkSpinner     *spinner;
  GtkStack       *message_stack;
  GtkLabel       *intro;
  GtkEntry       *name_entry;
  GtkSpinButton  *level_spin;
  GtkSwitch      *trace_switch;
  GtkSwitch      *keep_switch;
  GtkLabel       *error_label;
};

G_DEFINE_FINAL_TYPE (HsTrackDialog, hs_track_dialog, GTK_TYPE_WINDOW)

enum {
  TRACKED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void
set_busy (HsTrackDialog *self,
          gboolean       busy)
{
  gtk_widget_set_sensitive (self->track_button, !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
show_error (HsTrackDialog *self,
            const char    *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_stack_set_visible_child_name (self->message_stack, message != NULL ? "error" : "intro");
}

static void
on_tracked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HsTrackDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hs_session_track_finish (HS_SESSION (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  if (error != NULL)
    {
      show_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals [TRACKED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

void
hs_track_dialog_track (HsTrackDialog *self)
{
  HsTrackRequest request;

  g_return_if_fail (HS_IS_TRACK_DIALOG (self));

  if (self->cancellable != NULL || self->session == NULL)
    return;
  show_error (self, NULL);
  set_busy (self, TRUE);
  hs_track_dialog_get_request (self, &request);
  self->cancellable = g_cancellable_new ();
  hs_session_track_async (self->session, &request, self->cancellable, on_tracked, g_object_ref (self));
}

static void
on_track_clicked (GtkButton     *button,
                  HsTrackDialog *self)
{
  hs_track_dialog_track (self);
}

static void
on_cancel_clicked (GtkButton     *button,
                   HsTrackDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
hs_track_dialog_dispose (GObject *object)
{
  HsTrackDialog *self = (HsTrackDialog *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_TRACK_DIALOG);
  G_OBJECT_CLASS (hs_track_dialog_parent_class)->dispose (object);
}

static void
hs_track_dialog_finalize (GObject *object)
{
  HsTrackDialog *self = (HsTrackDialog *) object;

  g_free (self->type_name);
  g_free (self->name);
  G_OBJECT_CLASS (hs_track_dialog_parent_class)->finalize (object);
}

static void
hs_track_dialog_class_init (HsTrackDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_track_dialog_dispose;
  object_class->finalize = hs_track_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-track-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HsTrackDialog, track_button);
  gtk_widget_class_bind_template_child (widget_class, HsTrackDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, HsTrackDialog, message_stack);
  gtk_widget_class_bind_template_child (widget_class, HsTrackDialog, intro);
  gtk_widget_class_bind_template_child (widget_class, HsTrackDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, HsTrackDialog, level_spin);
  gtk_widget_class_bind_template_child (widget_class, HsTrackDialog, trace_switch);
  gtk_widget_class_bind_template_child (widget_class, HsTrackDialog, keep_switch);
  gtk_widget_class_bind_template_child (widget_class, HsTrackDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_track_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * HsTrackDialog::tracked:
   *
   * The agent tracks it now; the dialog closes.
   */
  signals [TRACKED] =
    g_signal_new ("tracked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hs_track_dialog_init (HsTrackDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->track_button);
}

HsTrackDialog *
hs_track_dialog_new (GtkWindow  *parent,
                     HsSession  *session,
                     const char *type_name,
                     gint64      handle,
                     const char *default_name)
{
  HsTrackDialog *self;
  g_autofree char *intro = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HS_IS_SESSION (session), NULL);
  g_return_val_if_fail (type_name != NULL || handle != 0, NULL);

  self = g_object_new (HS_TYPE_TRACK_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->type_name = g_strdup (type_name);
  self->handle = handle;
  gtk_entry_set_placeholder_text (self->name_entry, default_name != NULL ? default_name : type_name);
  if (type_name != NULL)
    /* Translators: %s is a Python class */
    intro = g_strdup_printf (_("Every instance of %s and of its subclasses is counted and measured at each snapshot, from those alive now on."),
                             type_name);
  else
    intro = g_strdup (_("This object is measured at each snapshot until it is freed."));
  gtk_label_set_text (self->intro, intro);
  gtk_window_set_title (GTK_WINDOW (self), type_name != NULL ? _("Track Class") : _("Track Object"));
  return self;
}

void
hs_track_dialog_get_request (HsTrackDialog  *self,
                             HsTrackRequest *request)
{
  g_return_if_fail (HS_IS_TRACK_DIALOG (self));
  g_return_if_fail (request != NULL);

  g_free (self->name);
  self->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));
  request->type_name = self->type_name;
  request->handle = self->type_name != NULL ? 0 : self->handle;
  request->name = *self->name != '\0' ? self->name : NULL;
  request->level = gtk_spin_button_get_value_as_int (self->level_spin);
  request->keep = gtk_switch_get_active (self->keep_switch);
  request->trace = gtk_switch_get_active (self->trace_switch);
}

const char *
hs_track_dialog_get_error (HsTrackDialog *self)
{
  g_return_val_if_fail (HS_IS_TRACK_DIALOG (self), NULL);

  return g_str_equal (gtk_stack_get_visible_child_name (self->message_stack), "error")
         ? gtk_label_get_text (self->error_label) : NULL;
}

gboolean
hs_track_dialog_get_busy (HsTrackDialog *self)
{
  g_return_val_if_fail (HS_IS_TRACK_DIALOG (self), FALSE);
  return self->cancellable != NULL;
}
