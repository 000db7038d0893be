/* hs-why-view.c — why a type's instances are alive: their paths to a root,
 * grouped by shape, with what each group keeps
 *
 * The agent follows up to SAMPLE instances of the type to a root at once and
 * groups them by the shape of their path ("why", PROTOCOL.md); a row is a
 * group: how many, what they retain together, and the path written as the
 * referrer tree's text writes one, keys and indexes left out. Then the
 * instances no root holds, by reason. A row opens the path of one of its
 * instances, or its graph (signals to the window). The question is asked
 * when the type changes and on Refresh, while the process lives; every
 * handle of the answer shown is held until the next answer replaces it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "hs-format.h"
#include "hs-status.h"
#include "hs-why-report.h"
#include "hs-why-view.h"
#include "hs-wire.h"

#define SAMPLE 1000
#define ROWS_SHOWN 50   /* groups shown; a type every module has can have hundreds */

struct _HsWhyView
{
  GtkWidget     parent_instance;

  HsSession    *session;
  char         *type_name;
  double        since;          /* the baseline's census time, or NAN: all instances */
  HsReply      *reply;
  GArray       *held;           /* gint64: the handles of @reply */
  GCancellable *cancellable;
  const char   *state;
  gboolean      pending;        /* the type changed while the view was not shown */

  /* Template children. */
  GtkLabel     *caption_label;
  GtkSpinner   *spinner;
  GtkStack     *stack;
  HsStatus     *status;
  GtkListBox   *list_box;
};

G_DEFINE_FINAL_TYPE (HsWhyView, hs_why_view, GTK_TYPE_WIDGET)

enum {
  SHOW_PATH,
  SHOW_GRAPH,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

/* -- The answer shown -------------------------------------------------------------- */

static void
hold (HsWhyView         *self,
      const HsObjectRef *object)
{
  if (object != NULL && object->handle > 0)
    g_array_append_val (self->held, object->handle);
}

static void
hold_all (HsWhyView     *self,
          const GPtrArray *objects)
{
  for (guint i = 0; objects != NULL && i < objects->len; i++)
    hold (self, g_ptr_array_index (objects, i));
}

static void
forget_reply (HsWhyView *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, row);
  if (self->session != NULL && self->held->len > 0)
    hs_session_drop_handles (self->session, (const gint64 *) self->held->data, self->held->len);
  g_array_set_size (self->held, 0);
  g_clear_pointer (&self->reply, hs_reply_unref);
}

static void
set_state (HsWhyView  *self,
           const char *state,
           const char *icon_name,
           const char *title,
           const char *text)
{
  self->state = state;
  gtk_spinner_set_spinning (self->spinner, g_str_equal (state, "asking"));
  if (g_str_equal (state, "groups"))
    gtk_stack_set_visible_child_name (self->stack, "groups");
  else
    {
      hs_status_set (self->status, icon_name, title, text);
      gtk_stack_set_visible_child_name (self->stack, "status");
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "why.refresh",
                                 self->type_name != NULL && self->session != NULL
                                 && hs_session_is_live (self->session));
}

static GtkWidget *
new_label (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
new_row_button (const char *icon_name,
                const char *tooltip,
                guint       signal,
                guint       group)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_button_set_has_frame (GTK_BUTTON (button), FALSE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (button), "hs-why-signal", GUINT_TO_POINTER (signal));
  g_object_set_data (G_OBJECT (button), "hs-why-group", GUINT_TO_POINTER (group));
  return button;
}

static void
emit_for_group (HsWhyView *self,
                guint      signal,
                guint      group)
{
  HsWhyGroup *chosen;

  if (self->reply == NULL || group >= self->reply->groups->len)
    return;
  chosen = g_ptr_array_index (self->reply->groups, group);
  g_signal_emit (self, signals [signal], 0, chosen->example);
}

static void
on_row_button_clicked (GtkButton *button,
                       HsWhyView *self)
{
  emit_for_group (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "hs-why-signal")),
                  GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "hs-why-group")));
}

/* "600 instances · 75 %", scaled to them all when only some were followed. */
static char *
format_share (const HsReply *reply,
              gint64         count)
{
  g_autofree char *number = hs_format_count (hs_why_estimate (reply, count));
  double share = reply->sampled > 0 ? 100.0 * (double) count / (double) reply->sampled : 0;

  if (reply->sampled < reply->total)
    /* Translators: an estimated number of objects and their share: "about 3,000 · 75 %" */
    return g_strdup_printf (_("about %s · %.0f %%"), number, share);
  /* Translators: a number of objects and their share of the type: "600 · 75 %" */
  return g_strdup_printf (_("%s · %.0f %%"), number, share);
}

static GtkWidget *
new_group_row (HsWhyView        *self,
               const HsWhyGroup *group,
               guint             index)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *row = gtk_list_box_row_new ();
  g_autofree char *share = format_share (self->reply, group->count);
  g_autofree char *shape = hs_why_group_dup_shape (group);
  g_autofree char *retained = NULL;
  GtkWidget *path_label;
  GtkWidget *button;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 6);
  gtk_widget_set_margin_top (grid, 6);
  gtk_widget_set_margin_bottom (grid, 6);
  gtk_grid_attach (GTK_GRID (grid), new_label (share, "heading"), 0, 0, 1, 1);
  if (group->retained.bytes >= 0)
    {
      g_autofree char *bytes = hs_format_bytes (hs_why_estimate (self->reply, group->retained.bytes));

      /* Translators: what a group of objects keeps alive alone: "retaining 41.2 kB" */
      retained = g_strdup_printf (_("retaining %s"), bytes);
      gtk_grid_attach (GTK_GRID (grid), new_label (retained, "dim-label"), 1, 0, 1, 1);
    }
  path_label = new_label (shape, "hs-why-path");
  gtk_label_set_wrap (GTK_LABEL (path_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (path_label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (path_label, TRUE);
  gtk_grid_attach (GTK_GRID (grid), path_label, 0, 1, 3, 1);

  button = new_row_button ("find-location-symbolic", _("Show the Path of One of Them"), SHOW_PATH, index);
  g_signal_connect (button, "clicked", G_CALLBACK (on_row_button_clicked), self);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_grid_attach (GTK_GRID (grid), button, 2, 0, 1, 1);
  button = new_row_button ("network-workgroup-symbolic", _("Show One of Them as a Graph"), SHOW_GRAPH, index);
  g_signal_connect (button, "clicked", G_CALLBACK (on_row_button_clicked), self);
  gtk_grid_attach (GTK_GRID (grid), button, 3, 0, 1, 1);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), grid);
  g_object_set_data (G_OBJECT (row), "hs-why-group", GUINT_TO_POINTER (index));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, shape, -1);
  return row;
}

static GtkWidget *
new_unreached_row (HsWhyView            *self,
                   const HsWhyUnreached *unreached)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *row = gtk_list_box_row_new ();
  g_autofree char *share = format_share (self->reply, unreached->count);
  g_autofree char *reason = hs_why_unreached_dup_text (unreached);
  GtkWidget *label;

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), new_label (share, "heading"));
  label = new_label (reason, NULL);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (row), "hs-why-group", GUINT_TO_POINTER (G_MAXUINT));
  return row;
}

/* The groups past ROWS_SHOWN, counted in one row. */
static GtkWidget *
new_more_row (HsWhyView     *self,
              const HsReply *reply)
{
  GtkWidget *row = gtk_list_box_row_new ();
  guint more = reply->groups->len - ROWS_SHOWN;
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "… and %u more path",
                                                        "… and %u more paths", more), more);
  GtkWidget *label = new_label (text, "dim-label");

  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (row), "hs-why-group", GUINT_TO_POINTER (G_MAXUINT));
  return row;
}

static void
update_caption (HsWhyView *self)
{
  g_autofree char *text = NULL;
  g_autofree char *sampled = NULL;
  g_autofree char *total = NULL;

  if (self->reply == NULL || self->reply->total == 0)
    {
      gtk_label_set_text (self->caption_label, self->type_name != NULL ? self->type_name : "");
      return;
    }
  sampled = hs_format_count (self->reply->sampled);
  total = hs_format_count (self->reply->total);
  if (self->reply->sampled < self->reply->total)
    /* Translators: "__main__.Request · 1,000 of 4,000 followed to a root in 0.31 s" */
    text = g_strdup_printf (_("%s · %s of %s followed to a root in %.2f s"), self->type_name,
                            sampled, total, self->reply->elapsed);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s followed to a root in %.2f s",
                                         "%s · all %s followed to a root in %.2f s", self->reply->total),
                            self->type_name, total, self->reply->elapsed);
  if (!isnan (self->reply->since))
    {
      g_autofree char *older = hs_format_count (self->reply->older);
      char *with_older = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "%s · made since the baseline, %s older left out",
                                                       "%s · made since the baseline, %s older left out",
                                                       (gulong) MIN ((guint64) self->reply->older, G_MAXULONG)),
                                          text, older);

      g_free (text);
      text = with_older;
    }
  gtk_label_set_text (self->caption_label, text);
}

static void
show_reply (HsWhyView *self,
            HsReply   *reply)
{
  forget_reply (self);
  self->reply = hs_reply_ref (reply);
  for (guint i = 0; i < MIN (reply->groups->len, ROWS_SHOWN); i++)
    {
      HsWhyGroup *group = g_ptr_array_index (reply->groups, i);

      hold (self, group->example);
      hold_all (self, group->steps);
      gtk_list_box_append (self->list_box, new_group_row (self, group, i));
    }
  if (reply->groups->len > ROWS_SHOWN)
    gtk_list_box_append (self->list_box, new_more_row (self, reply));
  for (guint i = 0; i < reply->unreached->len; i++)
    {
      HsWhyUnreached *unreached = g_ptr_array_index (reply->unreached, i);

      hold (self, unreached->example);
      hold_all (self, unreached->holders);
      gtk_list_box_append (self->list_box, new_unreached_row (self, unreached));
    }
  if (self->session != NULL && self->held->len > 0)
    hs_session_hold_handles (self->session, (const gint64 *) self->held->data, self->held->len);
  update_caption (self);
  if (reply->total == 0)
    {
      g_autofree char *text = g_strdup_printf (_("No instance of %s is alive now."), self->type_name);

      set_state (self, "none", "emblem-ok-symbolic", _("None Alive"), text);
      return;
    }
  set_state (self, "groups", NULL, NULL, NULL);
}

/* -- Asking ------------------------------------------------------------------------- */

static void
show_ended (HsWhyView *self)
{
  set_state (self, "ended", "media-playback-stop-symbolic", _("The Process Has Ended"),
             _("What holds the instances can be asked while the script runs. To ask about its final heap, "
               "run it with Keep Process at Exit."));
}

static void
on_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HsWhyView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsReply) reply = hs_session_query_finish (HS_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (reply != NULL)
    show_reply (self, reply);
  else if (g_error_matches (error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED))
    show_ended (self);
  else
    set_state (self, "error", "dialog-warning-symbolic", _("Could Not Follow the Instances"), error->message);
}

/* Asks only when shown: a question stops the program a moment. */
static void
ask (HsWhyView *self)
{
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *text = NULL;

  self->pending = !gtk_widget_get_mapped (GTK_WIDGET (self));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  forget_reply (self);
  update_caption (self);
  if (self->type_name == NULL)
    {
      set_state (self, "none", "find-location-symbolic", _("Why Are They Alive?"),
                 _("Select a type: its instances are followed to a root, grouped by the path that holds them."));
      return;
    }
  if (self->session == NULL || !hs_session_is_live (self->session))
    {
      show_ended (self);
      return;
    }
  if (!hs_session_can_why (self->session))
    {
      set_state (self, "error", "dialog-warning-symbolic", _("Could Not Follow the Instances"),
                 _("This agent cannot follow instances to a root."));
      return;
    }
  if (self->pending)
    {
      set_state (self, "asking", "content-loading-symbolic", _("Following the Instances…"), NULL);
      gtk_spinner_set_spinning (self->spinner, FALSE);
      return;
    }
  text = g_strdup_printf (_("Following the instances of %s to a root, one level of referrers at a time."),
                          self->type_name);
  set_state (self, "asking", "content-loading-symbolic", _("Following the Instances…"), text);
  self->cancellable = g_cancellable_new ();
  request = hs_session_why_request (self->session, self->type_name, SAMPLE, HS_WHY_AT_NOW, NULL);
  if (!isnan (self->since))
    hs_wire_why_request_set_since (request, self->since);
  hs_session_query_async (self->session, request, self->cancellable, on_answered, g_object_ref (self));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ask (HS_WHY_VIEW (widget));
}

static void
on_row_activated (GtkListBox    *list_box,
                  GtkListBoxRow *row,
                  HsWhyView     *self)
{
  emit_for_group (self, SHOW_PATH, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "hs-why-group")));
}

static void
on_map (GtkWidget *widget,
        HsWhyView *self)
{
  if (self->pending)
    ask (self);
}

static void
on_session_state (HsSession  *session,
                  GParamSpec *pspec,
                  HsWhyView  *self)
{
  /* An answer shown stays: it was true of the heap it was asked about. */
  if (!hs_session_is_live (session) && self->reply == NULL && self->type_name != NULL
      && self->cancellable == NULL)
    show_ended (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "why.refresh",
                                 self->type_name != NULL && hs_session_is_live (session));
}

/* -- GObject ------------------------------------------------------------------------ */

static void
hs_why_view_dispose (GObject *object)
{
  HsWhyView *self = HS_WHY_VIEW (object);
  GtkWidget *child;

  hs_why_view_set_session (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_WHY_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (hs_why_view_parent_class)->dispose (object);
}

static void
hs_why_view_finalize (GObject *object)
{
  HsWhyView *self = HS_WHY_VIEW (object);

  g_free (self->type_name);
  g_array_unref (self->held);
  G_OBJECT_CLASS (hs_why_view_parent_class)->finalize (object);
}

static void
hs_why_view_class_init (HsWhyViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_why_view_dispose;
  object_class->finalize = hs_why_view_finalize;
  gtk_widget_class_set_css_name (widget_class, "hswhyview");

  signals [SHOW_PATH] =
    g_signal_new ("show-path", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals [SHOW_GRAPH] =
    g_signal_new ("show-graph", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  g_type_ensure (HS_TYPE_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-why-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HsWhyView, caption_label);
  gtk_widget_class_bind_template_child (widget_class, HsWhyView, spinner);
  gtk_widget_class_bind_template_child (widget_class, HsWhyView, stack);
  gtk_widget_class_bind_template_child (widget_class, HsWhyView, status);
  gtk_widget_class_bind_template_child (widget_class, HsWhyView, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_install_action (widget_class, "why.refresh", NULL, refresh_action);
}

static void
hs_why_view_init (HsWhyView *self)
{
  self->held = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->since = NAN;
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (on_map), self);
  ask (self);
}

/* -- Public ------------------------------------------------------------------------- */

GtkWidget *
hs_why_view_new (void)
{
  return g_object_new (HS_TYPE_WHY_VIEW, NULL);
}

void
hs_why_view_set_session (HsWhyView *self,
                         HsSession *session)
{
  g_return_if_fail (HS_IS_WHY_VIEW (self));
  g_return_if_fail (session == NULL || HS_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  forget_reply (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  g_clear_pointer (&self->type_name, g_free);
  if (session != NULL)
    g_signal_connect (session, "notify::state", G_CALLBACK (on_session_state), self);
  if (self->stack != NULL)
    ask (self);
}

void
hs_why_view_set_type_name (HsWhyView  *self,
                           const char *type_name)
{
  g_return_if_fail (HS_IS_WHY_VIEW (self));

  if (g_strcmp0 (self->type_name, type_name) == 0)
    return;
  g_free (self->type_name);
  self->type_name = g_strdup (type_name);
  ask (self);
}

/* Only the instances made since the census of agent time @since (the
 * leak's baseline) are followed, when the agent remembers it; NAN: all. */
void
hs_why_view_set_since (HsWhyView *self,
                       double     since)
{
  g_return_if_fail (HS_IS_WHY_VIEW (self));

  if (self->since == since || (isnan (self->since) && isnan (since)))
    return;
  self->since = since;
  if (self->type_name != NULL)
    ask (self);
}

const char *
hs_why_view_get_type_name (HsWhyView *self)
{
  g_return_val_if_fail (HS_IS_WHY_VIEW (self), NULL);
  return self->type_name;
}

const char *
hs_why_view_get_state (HsWhyView *self)
{
  g_return_val_if_fail (HS_IS_WHY_VIEW (self), NULL);
  return self->state;
}

HsReply *
hs_why_view_get_reply (HsWhyView *self)
{
  g_return_val_if_fail (HS_IS_WHY_VIEW (self), NULL);
  return self->reply;
}

GtkListBox *
hs_why_view_get_list_box (HsWhyView *self)
{
  g_return_val_if_fail (HS_IS_WHY_VIEW (self), NULL);
  return self->list_box;
}

char *
hs_why_view_dup_text (HsWhyView *self)
{
  g_return_val_if_fail (HS_IS_WHY_VIEW (self), NULL);
  return self->reply != NULL ? hs_why_format (self->reply) : NULL;
}
