/* hs-signal-watch.h — SIGINT and SIGTERM, told on the main context, with who sent them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HsSignalWatch HsSignalWatch;

/* @from_terminal: the terminal sent it (Ctrl+C), to its whole foreground
 * job, our children included; else a process sent it to us (kill). */
typedef void (*HsSignalWatchFunc) (int       signum,
                                   gboolean  from_terminal,
                                   gpointer  user_data);

HsSignalWatch *hs_signal_watch_new  (HsSignalWatchFunc  func,
                                     gpointer           user_data);
void           hs_signal_watch_free (HsSignalWatch     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsSignalWatch, hs_signal_watch_free)

G_END_DECLS
