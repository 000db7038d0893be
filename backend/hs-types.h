/* hs-types.h — forward declarations shared by the backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HsCensus      HsCensus;
typedef struct _HsClassReport HsClassReport;
typedef struct _HsCensusRow   HsCensusRow;
typedef struct _HsHello       HsHello;
typedef struct _HsMessage     HsMessage;
typedef struct _HsLaunchSpec  HsLaunchSpec;
typedef struct _HsStore       HsStore;
typedef struct _HsRecording   HsRecording;
typedef struct _HsReply       HsReply;
typedef struct _HsObjectRef   HsObjectRef;
typedef struct _HsSizeNode    HsSizeNode;
typedef struct _HsGarbageReport HsGarbageReport;

typedef enum
{
  HS_SESSION_STATE_IDLE,
  HS_SESSION_STATE_STARTING,
  HS_SESSION_STATE_RUNNING,
  HS_SESSION_STATE_EXITED,
  HS_SESSION_STATE_SIGNALED,
  HS_SESSION_STATE_FAILED,
} HsSessionState;

typedef enum
{
  HS_CONSOLE_STDOUT,
  HS_CONSOLE_STDERR,
} HsConsoleStream;

typedef struct
{
  HsConsoleStream  stream;
  char            *text;       /* no NUL inside */
  gsize            length;
  gsize            allocated;
} HsConsoleText;

G_END_DECLS
