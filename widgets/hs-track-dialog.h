/* hs-track-dialog.h — asks what Pympler's track_class / track_object take,
 * asks the agent, and says in place why it refused
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-session.h"

G_BEGIN_DECLS

#define HS_TYPE_TRACK_DIALOG (hs_track_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HsTrackDialog, hs_track_dialog, HS, TRACK_DIALOG, GtkWindow)

/* Tracks the class named @type_name (a census row name), or, when it is
 * NULL, the object with @handle; @default_name is the name shown when none
 * is given. Track sends the request (hs_session_track_async): on success
 * the dialog emits "tracked" and closes; a refusal ("dict is defined in C…")
 * shows in the dialog, which stays open. */
HsTrackDialog *hs_track_dialog_new         (GtkWindow      *parent,
                                            HsSession      *session,
                                            const char     *type_name,
                                            gint64          handle,
                                            const char     *default_name);
/* The request as filled in; its strings belong to the dialog. */
void           hs_track_dialog_get_request (HsTrackDialog  *self,
                                            HsTrackRequest *request);
/* Presses Track, as a click does. */
void           hs_track_dialog_track       (HsTrackDialog  *self);
/* What the agent said, or NULL. */
const char    *hs_track_dialog_get_error   (HsTrackDialog  *self);
gboolean       hs_track_dialog_get_busy    (HsTrackDialog  *self);

G_END_DECLS
