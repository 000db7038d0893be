/* hs-child-launcher.c — starts a launch spec's child with the agent injected
 *
 * As SysprofSpawnable does for Sysprof: the argv, environment and working
 * folder are gathered from the spec, and the child gets its end of the
 * agent's socket as descriptor 3 (g_subprocess_launcher_take_fd), named in
 * HEAPSCOPE_FD. The caller takes the other end and the output pipes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>

#include "hs-child-launcher.h"

#define CHILD_AGENT_FD 3

struct _HsChildLauncher
{
  GObject       parent_instance;

  HsLaunchSpec *spec;
  char         *bootstrap;
  char         *cwd;
  GPtrArray    *argv;           /* NULL-terminated */
  GHashTable   *environment;    /* name → value, NULL to unset */
  int           agent_fd;
  int           stdout_fd;
  int           stderr_fd;
};

G_DEFINE_FINAL_TYPE (HsChildLauncher, hs_child_launcher, G_TYPE_OBJECT)

static void
close_fd (int *fd)
{
  if (*fd != -1)
    close (*fd);
  *fd = -1;
}

static void
hs_child_launcher_finalize (GObject *object)
{
  HsChildLauncher *self = (HsChildLauncher *) object;

  close_fd (&self->agent_fd);
  close_fd (&self->stdout_fd);
  close_fd (&self->stderr_fd);
  g_clear_pointer (&self->spec, hs_launch_spec_free);
  g_clear_pointer (&self->argv, g_ptr_array_unref);
  g_clear_pointer (&self->environment, g_hash_table_unref);
  g_free (self->bootstrap);
  g_free (self->cwd);
  G_OBJECT_CLASS (hs_child_launcher_parent_class)->finalize (object);
}

static void
hs_child_launcher_class_init (HsChildLauncherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_child_launcher_finalize;
}

static void
hs_child_launcher_init (HsChildLauncher *self)
{
  self->agent_fd = -1;
  self->stdout_fd = -1;
  self->stderr_fd = -1;
  self->argv = g_ptr_array_new_with_free_func (g_free);
  self->environment = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* The folder the child runs in: the spec's, else the script's, or for a
 * module ours (as for `python -m` typed here). */
static char *
resolve_cwd (const HsLaunchSpec *spec)
{
  if (spec->working_directory != NULL && *spec->working_directory != '\0')
    return g_strdup (spec->working_directory);
  if (spec->module)
    return g_get_current_dir ();
  return g_path_get_dirname (spec->script);
}

static gboolean
same_folder (const char *a,
             const char *b)
{
  GStatBuf sa;
  GStatBuf sb;

  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The script as the child is told it: as given when it runs where we do, so
 * that sys.argv[0] is what python would have; else a path from our folder. */
static char *
script_for_child (const char *script,
                  const char *cwd)
{
  if (g_path_is_absolute (script) || same_folder (cwd, "."))
    return g_strdup (script);
  return g_canonicalize_filename (script, NULL);
}

/* The bootstrap runs the script as `python SCRIPT ARGS` would, or the module
 * as `python -m MODULE ARGS`. */
static void
build_argv (HsChildLauncher *self)
{
  const HsLaunchSpec *spec = self->spec;

  g_ptr_array_add (self->argv, g_strdup (spec->interpreter));
  g_ptr_array_add (self->argv, g_strdup (self->bootstrap));
  if (spec->module)
    {
      g_ptr_array_add (self->argv, g_strdup ("-m"));
      g_ptr_array_add (self->argv, g_strdup (spec->script));
    }
  else
    g_ptr_array_add (self->argv, script_for_child (spec->script, self->cwd));
  for (guint i = 0; spec->arguments[i] != NULL; i++)
    g_ptr_array_add (self->argv, g_strdup (spec->arguments[i]));
  g_ptr_array_add (self->argv, NULL);
}

HsChildLauncher *
hs_child_launcher_new (const HsLaunchSpec *spec)
{
  HsChildLauncher *self;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (spec->script != NULL, NULL);

  self = g_object_new (HS_TYPE_CHILD_LAUNCHER, NULL);
  self->spec = hs_launch_spec_copy (spec);
  self->bootstrap = g_build_filename (spec->agent_dir != NULL ? spec->agent_dir : "",
                                     "heapscope_bootstrap.py", NULL);
  self->cwd = resolve_cwd (spec);
  build_argv (self);
  return self;
}

/* Sets @name in the child's environment; a NULL @value removes it. */
void
hs_child_launcher_setenv (HsChildLauncher *self,
                          const char      *name,
                          const char      *value)
{
  g_return_if_fail (HS_IS_CHILD_LAUNCHER (self));
  g_return_if_fail (name != NULL);

  g_hash_table_insert (self->environment, g_strdup (name), g_strdup (value));
}

/* Whether the script and the working folder are there, before anything
 * runs. A module is looked for by the interpreter, which says if it is not
 * found, as python does. */
gboolean
hs_child_launcher_check (HsChildLauncher  *self,
                         GError          **error)
{
  const char *script;
  const char *folder;

  g_return_val_if_fail (HS_IS_CHILD_LAUNCHER (self), FALSE);

  script = self->spec->script;
  folder = self->spec->working_directory;
  if (self->spec->module)
    {
      if (folder != NULL && *folder != '\0' && !g_file_test (folder, G_FILE_TEST_IS_DIR))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("The working folder %s does not exist"), folder);
      else
        return TRUE;
    }
  else if (!g_file_test (script, G_FILE_TEST_EXISTS))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("The script %s does not exist"), script);
  else if (g_file_test (script, G_FILE_TEST_IS_DIR))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                 _("%s is a folder, not a script"), script);
  else if (g_access (script, R_OK) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The script %s cannot be read: %s"), script, g_strerror (saved));
    }
  else if (folder != NULL && *folder != '\0' && !g_file_test (folder, G_FILE_TEST_IS_DIR))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("The working folder %s does not exist"), folder);
  else
    return TRUE;
  return FALSE;
}

/* In the child, between fork and exec: async-signal-safe calls only.
 *
 * The child must not outlive us, even when we are killed with SIGKILL. The
 * kernel sends PR_SET_PDEATHSIG's signal when the thread that forked ends,
 * not the process: hs_child_launcher_spawn() is called on the worker's
 * thread, which ends only once the child is reaped (or with the process). */
static void
child_setup (gpointer user_data)
{
  pid_t parent = GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* Gone before the line above: no signal will come. */
  if (getppid () != parent)
    _exit (127);
}

static int
dup_pipe (GInputStream *pipe)
{
  int fd = dup (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (pipe)));

  if (fd != -1)
    g_unix_set_fd_nonblocking (fd, TRUE, NULL);
  return fd;
}

/* Starts the child. Its end of the agent's socket, and its output pipes
 * (unless it writes to our terminal), wait here for the caller to take.
 * Call it on a thread that lives until the child is reaped (child_setup()). */
GSubprocess *
hs_child_launcher_spawn (HsChildLauncher  *self,
                         GError          **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) spawn_error = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_NONE;
  GSubprocess *process;
  GHashTableIter iter;
  const char *name;
  const char *value;
  g_autofree char *fd_text = g_strdup_printf ("%d", CHILD_AGENT_FD);
  int fds[2];

  g_return_val_if_fail (HS_IS_CHILD_LAUNCHER (self), NULL);
  g_return_val_if_fail (self->agent_fd == -1, NULL);

  if (!g_file_test (self->bootstrap, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The Heapscope agent is missing: %s was not found"), self->bootstrap);
      return NULL;
    }

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the agent's socket: %s"), g_strerror (saved));
      return NULL;
    }

  if (!self->spec->inherit_stdio)
    flags |= G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  /* Otherwise /dev/null: a script that reads stdin in the window gets its
   * end at once instead of waiting for a terminal that is not there. */
  if (self->spec->inherit_stdin)
    flags |= G_SUBPROCESS_FLAGS_STDIN_INHERIT;
  launcher = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_set_cwd (launcher, self->cwd);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, GINT_TO_POINTER (getpid ()), NULL);
  g_hash_table_iter_init (&iter, self->environment);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &value))
    {
      if (value != NULL)
        g_subprocess_launcher_setenv (launcher, name, value, TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, name);
    }
  g_subprocess_launcher_setenv (launcher, "HEAPSCOPE_FD", fd_text, TRUE);
  /* The agent holds the process at the script's end (PROTOCOL.md, "Held at exit"). */
  if (self->spec->hold)
    g_subprocess_launcher_setenv (launcher, "HEAPSCOPE_HOLD", "1", TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "HEAPSCOPE_HOLD");
  g_subprocess_launcher_take_fd (launcher, fds[1], CHILD_AGENT_FD);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) self->argv->pdata, &spawn_error);
  if (process == NULL)
    {
      g_set_error (error, spawn_error->domain, spawn_error->code,
                   _("Could not start %s: %s"), self->spec->interpreter, spawn_error->message);
      close (fds[0]);
      return NULL;
    }

  self->agent_fd = fds[0];
  if (!self->spec->inherit_stdio)
    {
      self->stdout_fd = dup_pipe (g_subprocess_get_stdout_pipe (process));
      self->stderr_fd = dup_pipe (g_subprocess_get_stderr_pipe (process));
    }
  return process;
}

/* The app's end of the agent's socket; -1 before the child is spawned. */
int
hs_child_launcher_steal_agent_fd (HsChildLauncher *self)
{
  g_return_val_if_fail (HS_IS_CHILD_LAUNCHER (self), -1);

  return g_steal_fd (&self->agent_fd);
}

/* The read end of the child's stdout, non-blocking; -1 when it writes to our terminal. */
int
hs_child_launcher_steal_stdout_fd (HsChildLauncher *self)
{
  g_return_val_if_fail (HS_IS_CHILD_LAUNCHER (self), -1);

  return g_steal_fd (&self->stdout_fd);
}

int
hs_child_launcher_steal_stderr_fd (HsChildLauncher *self)
{
  g_return_val_if_fail (HS_IS_CHILD_LAUNCHER (self), -1);

  return g_steal_fd (&self->stderr_fd);
}
