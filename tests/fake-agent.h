/* fake-agent.h — a small heap served over a socketpair, for tests of what
 * asks the agent about objects: the test's main loop answers the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-session.h"

G_BEGIN_DECLS

/* The heap:
 *
 *   1 str 'target'  ← 2 list [index 0], 6 Holder [attribute name]
 *   2 list          ← 3 dict [key items], 5 list [index 1]
 *   5 list          ← 2 list [index 0]                 (2 ↔ 5: a cycle)
 *   3 dict          ← 4 module(__main__) [attribute __dict__], a root
 *   6 Holder        ← 3 dict [key holder]
 *   7 int           ← 250 tuples (100 are listed)
 *
 *   30 Node, 31 Request, 33 Dropped: no root holds them (garbage; held
 *                    from C code by 32 function on_exit, a signal handler;
 *                    only the agent holds it)
 *
 * Instances of "str": 1000, handle 1 first; of "__main__.Empty": none; any
 * other type: the handle is stale. Path from 1: 1, 2, 3, 4; from 20: 20,
 * 21, 22; from any other, none (with a reason for 30, 31 and 33). */
typedef struct _FakeAgent FakeAgent;

FakeAgent  *fake_agent_start          (HsSession  *session,
                                       const char *record_path);
void        fake_agent_end            (FakeAgent  *self);
void        fake_agent_free           (FakeAgent  *self);
guint       fake_agent_count          (FakeAgent  *self,
                                       const char *type);
gboolean    fake_agent_was_released   (FakeAgent  *self,
                                       gint64      handle);
void        fake_agent_hold_deep      (FakeAgent  *self,
                                       gboolean    hold);
gint64      fake_agent_last_offset    (FakeAgent  *self);
gboolean    fake_agent_saw_cancel     (FakeAgent  *self);
gboolean    fake_agent_last_repr      (FakeAgent  *self);
gboolean    fake_agent_wait           (gboolean  (*condition) (gpointer),
                                       gpointer    data);

G_END_DECLS
