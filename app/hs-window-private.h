/* hs-window-private.h — what the main window's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-banner.h"
#include "hs-classes-page.h"
#include "hs-garbage-page.h"
#include "hs-graph-page.h"
#include "hs-instances-view.h"
#include "hs-leaks-page.h"
#include "hs-retained-page.h"
#include "hs-object-inspector.h"
#include "hs-overview-page.h"
#include "hs-recent-list.h"
#include "hs-referrers-page.h"
#include "hs-text-export.h"
#include "hs-window.h"

G_BEGIN_DECLS

/* Where a Leaks page suspect leads (hs-window-leaks.c). */
typedef enum
{
  HS_LEAK_FOLLOW_INSTANCES,
  HS_LEAK_FOLLOW_REFERRERS,
  HS_LEAK_FOLLOW_GRAPH,
} HsLeakFollow;

struct _HsWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  HsSession            *session;
  gboolean              recording_listed;
  gboolean              close_confirmed;    /* the user chose Stop and Close */

  /* Template children. */
  AdwToastOverlay      *toasts;
  GtkStack             *main_stack;
  GtkSpinner           *opening_spinner;
  AdwViewStack         *pages;
  HsOverviewPage       *overview_page;
  HsTypesPage          *types_page;
  HsInstancesView      *instances_view;
  HsObjectInspector    *inspector;
  HsReferrersPage      *referrers_page;
  HsClassesPage        *classes_page;
  HsGraphPage          *graph_page;
  HsGarbagePage        *garbage_page;
  GSimpleAction        *watch_garbage;    /* win.watch-garbage: its state is the log's */
  HsTextExport          classes_export;   /* hs-text-export.h */
  HsLeaksPage          *leaks_page;
  HsInstanceList       *leak_list;        /* instances listed for a suspect, awaited */
  HsLeakFollow          leak_follow;      /* and what to show of the first */
  HsRetainedPage       *retained_page;
  HsConsoleView        *console_view;
  AdwStatusPage        *empty_page;
  HsRecentList         *recent_list;
  HsBanner             *recorded_banner;
  HsBanner             *record_error_banner;
  HsBanner             *failure_banner;
  gboolean              stop_asked;       /* the run ends because the user stopped it */
  GtkWidget            *status_bar;
  GtkLabel             *state_label;
  GtkLabel             *process_label;
  GtkLabel             *command_label;
  GtkWidget            *stop_button;
  GtkWidget            *snapshot_button;
  GtkWidget            *interval_button;
  GtkSpinButton        *interval_spin;
  GtkToggleButton      *pause_button;
  GtkWidget            *switcher_title;

  AdwStatusPage        *opening_page;   /* while a session file is read */

  /* Opening a session file. */
  GCancellable         *open_cancellable;
  char                 *view_before_opening;
  GtkWindow            *opener;             /* weak: the window the user opened from */
  GtkFileChooserNative *chooser;
};

void _hs_window_class_files_init (HsWindowClass *klass);
void _hs_window_class_leaks_init (HsWindowClass *klass);
void _hs_window_leaks_set_session (HsWindow     *self,
                                   HsSession    *session);
void _hs_window_leaks_dispose    (HsWindow      *self);
void _hs_window_files_init       (HsWindow      *self);
void _hs_window_files_dispose    (HsWindow      *self);
void _hs_window_set_session      (HsWindow      *self,
                                  HsSession     *session);
void _hs_window_toast            (HsWindow      *self,
                                  const char    *text);
void _hs_window_update_actions   (HsWindow      *self);
void _hs_window_open_launch_dialog (HsWindow    *self,
                                    const char  *script);

G_END_DECLS
