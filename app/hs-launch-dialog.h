/* hs-launch-dialog.h — choose a script, its arguments, folder and interpreter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hs-launch-spec.h"

G_BEGIN_DECLS

#define HS_TYPE_LAUNCH_DIALOG (hs_launch_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HsLaunchDialog, hs_launch_dialog, HS, LAUNCH_DIALOG, AdwWindow)

HsLaunchDialog *hs_launch_dialog_new        (GtkWindow      *parent,
                                             const char     *script);
HsLaunchSpec   *hs_launch_dialog_build_spec (HsLaunchDialog *self,
                                             GError        **error);

G_END_DECLS
