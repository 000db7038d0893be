/* hs-child-launcher.h — starts a launch spec's child with the agent injected
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-launch-spec.h"

G_BEGIN_DECLS

#define HS_TYPE_CHILD_LAUNCHER (hs_child_launcher_get_type ())
G_DECLARE_FINAL_TYPE (HsChildLauncher, hs_child_launcher, HS, CHILD_LAUNCHER, GObject)

HsChildLauncher    *hs_child_launcher_new               (const HsLaunchSpec  *spec);
void                hs_child_launcher_setenv            (HsChildLauncher     *self,
                                                         const char          *name,
                                                         const char          *value);
gboolean            hs_child_launcher_check             (HsChildLauncher     *self,
                                                         GError             **error);
GSubprocess        *hs_child_launcher_spawn             (HsChildLauncher     *self,
                                                         GError             **error);
int                 hs_child_launcher_steal_agent_fd    (HsChildLauncher     *self);
int                 hs_child_launcher_steal_stdout_fd   (HsChildLauncher     *self);
int                 hs_child_launcher_steal_stderr_fd   (HsChildLauncher     *self);

G_END_DECLS
