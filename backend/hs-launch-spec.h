/* hs-launch-spec.h — what to run: the interpreter, the script or module, its arguments and folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hs-types.h"

G_BEGIN_DECLS

struct _HsLaunchSpec
{
  char      *interpreter;        /* "python3", or a path */
  char      *script;             /* a path; with @module, a module's name */
  char     **arguments;
  char      *working_directory;  /* NULL: the script's folder (a module's: ours) */
  char      *agent_dir;
  double     interval;           /* seconds between periodic samples */
  gboolean   module;             /* run @script as `python -m` runs a module */
  gboolean   inherit_stdio;      /* headless: the script writes to our terminal */
  gboolean   inherit_stdin;      /* headless, recording: it reads ours; else /dev/null */
  gboolean   hold;               /* keep the process at the script's end, until stopped */
};

HsLaunchSpec *hs_launch_spec_new              (const char         *interpreter,
                                               const char         *script,
                                               const char * const *arguments);
HsLaunchSpec *hs_launch_spec_copy             (const HsLaunchSpec *self);
void          hs_launch_spec_free             (HsLaunchSpec       *self);
char         *hs_launch_spec_get_command_line (const HsLaunchSpec *self);
const char   *hs_launch_spec_default_agent_dir (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsLaunchSpec, hs_launch_spec_free)

G_END_DECLS
