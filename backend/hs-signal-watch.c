/* hs-signal-watch.c — SIGINT and SIGTERM, told on the main context, with who sent them
 *
 * g_unix_signal_add() does not say who sent a signal, and that decides
 * whether to pass it on to the script: a terminal's Ctrl+C already reached
 * every process of the foreground job, a `kill` only us. So the handler is
 * our own (SA_SIGINFO): it writes the signal and its origin to a pipe, read
 * on the context that made the watch. One watch at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <glib-unix.h>

#include "hs-signal-watch.h"

static const int watched_signals[] = { SIGINT, SIGTERM };

struct _HsSignalWatch
{
  HsSignalWatchFunc  func;
  gpointer           user_data;
  int                read_fd;
  GSource           *source;
  struct sigaction   previous[G_N_ELEMENTS (watched_signals)];
  gboolean           taken[G_N_ELEMENTS (watched_signals)];
};

/* The pipe's write end, for the handler; -1 without a watch. */
static volatile int signal_pipe = -1;

static void
on_signal (int        signum,
           siginfo_t *info,
           void      *context)
{
  int saved = errno;
  /* The kernel, not kill(2): a terminal's INTR, QUIT or SUSP character. */
  unsigned char message[2] = { signum, info != NULL && info->si_code == SI_KERNEL };

  if (signal_pipe != -1 && write (signal_pipe, message, sizeof message) < 0)
    {
      /* Full: earlier signals wait unread, which is as good. */
    }
  errno = saved;
}

static gboolean
on_pipe_readable (int          fd,
                  GIOCondition condition,
                  gpointer     user_data)
{
  HsSignalWatch *self = user_data;
  unsigned char messages[64];
  gssize n;

  while ((n = read (fd, messages, sizeof messages)) > 0)
    for (gssize i = 0; i + 1 < n; i += 2)
      self->func (messages[i], messages[i + 1], self->user_data);
  return G_SOURCE_CONTINUE;
}

/* Until freed, SIGINT and SIGTERM no longer end the process: @func is called
 * on the thread-default main context instead. A signal ignored when the
 * watch is made stays ignored. */
HsSignalWatch *
hs_signal_watch_new (HsSignalWatchFunc func,
                     gpointer          user_data)
{
  HsSignalWatch *self;
  g_autoptr(GError) error = NULL;
  struct sigaction action = { 0 };
  int fds[2] = { -1, -1 };

  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (signal_pipe == -1, NULL);

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, &error) ||
      !g_unix_set_fd_nonblocking (fds[0], TRUE, &error) ||
      !g_unix_set_fd_nonblocking (fds[1], TRUE, &error))
    {
      g_warning ("Cannot watch for signals: %s", error->message);
      if (fds[0] != -1)
        close (fds[0]);
      if (fds[1] != -1)
        close (fds[1]);
      return NULL;
    }

  self = g_new0 (HsSignalWatch, 1);
  self->func = func;
  self->user_data = user_data;
  self->read_fd = fds[0];
  signal_pipe = fds[1];
  self->source = g_unix_fd_source_new (self->read_fd, G_IO_IN);
  g_source_set_callback (self->source, G_SOURCE_FUNC (on_pipe_readable), self, NULL);
  g_source_attach (self->source, g_main_context_get_thread_default ());

  action.sa_sigaction = on_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (watched_signals); i++)
    {
      /* Ignored by whoever started us (a shell without job control does
       * so for a background job): it stays ignored, for us and the child. */
      sigaction (watched_signals[i], NULL, &self->previous[i]);
      if (self->previous[i].sa_handler == SIG_IGN)
        continue;
      self->taken[i] = sigaction (watched_signals[i], &action, NULL) == 0;
    }
  return self;
}

void
hs_signal_watch_free (HsSignalWatch *self)
{
  int write_fd;

  if (self == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (watched_signals); i++)
    if (self->taken[i])
      sigaction (watched_signals[i], &self->previous[i], NULL);
  write_fd = signal_pipe;
  signal_pipe = -1;
  close (write_fd);
  g_source_destroy (self->source);
  g_source_unref (self->source);
  close (self->read_fd);
  g_free (self);
}
