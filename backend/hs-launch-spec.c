/* hs-launch-spec.c — what to run: the interpreter, the script or module, its arguments and folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-launch-spec.h"

HsLaunchSpec *
hs_launch_spec_new (const char         *interpreter,
                    const char         *script,
                    const char * const *arguments)
{
  HsLaunchSpec *self = g_new0 (HsLaunchSpec, 1);

  self->interpreter = g_strdup (interpreter != NULL && *interpreter != '\0' ? interpreter : "python3");
  self->script = g_strdup (script);
  self->arguments = arguments != NULL ? g_strdupv ((char **) arguments) : g_new0 (char *, 1);
  self->interval = 1.0;
  return self;
}

HsLaunchSpec *
hs_launch_spec_copy (const HsLaunchSpec *self)
{
  HsLaunchSpec *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = hs_launch_spec_new (self->interpreter, self->script, (const char * const *) self->arguments);
  copy->working_directory = g_strdup (self->working_directory);
  copy->agent_dir = g_strdup (self->agent_dir);
  copy->interval = self->interval;
  copy->module = self->module;
  copy->inherit_stdio = self->inherit_stdio;
  copy->inherit_stdin = self->inherit_stdin;
  copy->hold = self->hold;
  return copy;
}

void
hs_launch_spec_free (HsLaunchSpec *self)
{
  if (self == NULL)
    return;
  g_free (self->interpreter);
  g_free (self->script);
  g_strfreev (self->arguments);
  g_free (self->working_directory);
  g_free (self->agent_dir);
  g_free (self);
}

/* "python3 script.py arg…" (or "python3 -m module arg…"), quoted for a
 * shell, for display. */
char *
hs_launch_spec_get_command_line (const HsLaunchSpec *self)
{
  GString *line;
  g_autofree char *interpreter = NULL;
  g_autofree char *script = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  line = g_string_new (NULL);
  interpreter = g_shell_quote (self->interpreter);
  script = g_shell_quote (self->script);
  g_string_append_printf (line, "%s %s%s", interpreter, self->module ? "-m " : "", script);
  for (guint i = 0; self->arguments[i] != NULL; i++)
    {
      g_autofree char *quoted = g_shell_quote (self->arguments[i]);
      g_string_append_printf (line, " %s", quoted);
    }
  return g_string_free (line, FALSE);
}

/* Where the agent is: $HS_AGENT_DIR (a build directory's backend/agent), or
 * where it was installed. The folder holds the `heapscope` package, which
 * any Python may import from there. */
const char *
hs_launch_spec_default_agent_dir (void)
{
  const char *dir = g_getenv ("HS_AGENT_DIR");

  return dir != NULL && *dir != '\0' ? dir : HS_AGENT_DIR;
}
