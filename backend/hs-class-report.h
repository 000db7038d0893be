/* hs-class-report.h — what one census says about tracked classes (PROTOCOL.md, "Classes")
 *
 * The agent reports, with every census once anything is tracked, the tracked
 * classes as they are now and what happened since the census before: births,
 * deaths, creation stacks first seen, and the size of every live tracked
 * instance at this census.  A report is immutable once parsed and belongs to
 * its HsCensus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hs-types.h"

G_BEGIN_DECLS

#define HS_CLASS_REPORT_MAX_CLASSES   10000
#define HS_CLASS_REPORT_MAX_ENTRIES   4000000   /* births, deaths, sizes in one report */
#define HS_CLASS_REPORT_MAX_FRAMES    64        /* frames of one creation stack */
#define HS_CLASS_REPORT_MAX_LEVEL     16

typedef struct
{
  gint64    index;            /* the agent's number for it, >= 1 */
  char     *name;             /* as the user named it (Pympler's classname) */
  char     *type_name;        /* the census row name of its class */
  gboolean  is_object;        /* tracked by track_object, not track_class */
  int       level;            /* resolution level: how deep referents are itemised */
  gboolean  keep;             /* keep a dead instance's data */
  gboolean  trace;            /* creation stacks recorded */
  gboolean  active;           /* births still recorded (not detached) */
} HsTrackedClassInfo;

typedef struct
{
  gint64  instance;           /* >= 1, never reused in a run */
  gint64  class_index;
  gint64  address;
  double  birth;              /* seconds since the agent started; < 0: before tracking */
  gint64  trace;              /* 0: no stack */
} HsBirth;

typedef struct
{
  gint64  instance;
  double  time;
} HsDeath;

typedef struct
{
  gint64  instance;
  gint64  size;               /* deep, as Pympler's snapshot sizes it */
  gint64  flat;
  char   *text;               /* the first time an instance is measured, else NULL */
  HsSizeNode *detail;         /* referents itemised (resolution level > 0), or NULL */
} HsInstanceSize;

typedef struct
{
  char   *file;
  gint64  line;
  char   *function;
} HsStackFrame;

typedef struct
{
  gint64        trace;        /* >= 1 */
  HsStackFrame *frames;       /* outermost first */
  guint         n_frames;
} HsTrace;

struct _HsClassReport
{
  HsTrackedClassInfo *classes;
  guint               n_classes;
  HsBirth            *births;
  guint               n_births;
  HsDeath            *deaths;
  guint               n_deaths;
  gint64             *dropped;      /* instances no longer tracked (detach_all) */
  guint               n_dropped;
  HsTrace            *traces;
  guint               n_traces;
  HsInstanceSize     *sizes;        /* the live tracked instances at this census */
  guint               n_sizes;
};

HsClassReport            *hs_class_report_parse        (JsonObject          *object,
                                                        GError             **error);
void                      hs_class_report_free         (HsClassReport       *self);
const HsTrackedClassInfo *hs_class_report_find_class   (const HsClassReport *self,
                                                        gint64               index);
char                     *hs_trace_format              (const HsTrace       *trace);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsClassReport, hs_class_report_free)

G_END_DECLS
