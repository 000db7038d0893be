/* main.c — heapscope [OPTION…] [SCRIPT [ARGS…] | FILE.heapscope]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "hs-pympler-import.h"
#include "hs-application.h"
#include "hs-class-stats.h"
#include "hs-headless.h"
#include "hs-store.h"

static void
print_usage (FILE *out)
{
  fprintf (out, "%s",
           _("Usage: heapscope [OPTION…] [SCRIPT [ARGUMENTS…]]\n"
             "       heapscope --report FILE.heapscope [--from WHEN --to WHEN]\n"
             "See where a Python program’s memory goes.\n"
             "\n"
             "  --headless            run SCRIPT with no window and print the census tables\n"
             "  --record FILE         run SCRIPT with no window, record the session to FILE\n"
             "                        and print the census tables\n"
             "  --report FILE         print the census tables of a recorded session\n"
             "  --from WHEN           with --report: diff from the sample WHEN names…\n"
             "  --to WHEN             …to the sample WHEN names (default: the first and last);\n"
             "                        WHEN is a snapshot label, first, last, peak (most\n"
             "                        resident memory) or a time such as 12.5s\n"
             "  --interval SECONDS    time between samples (default 1)\n"
             "  --hold                keep the process at the script’s end, its heap still open\n"
             "                        to questions, until it is stopped (SIGINT, SIGTERM, Stop)\n"
             "  --python PATH         the interpreter to run SCRIPT with (default python3)\n"
             "  --print-pythonpath    print the folder to put on PYTHONPATH to import heapscope\n"
             "                        outside Heapscope, and exit\n"
             "  --version             print the version and exit\n"
             "  --help                print this help and exit\n"
             "\n"
             "Everything after SCRIPT is passed to the script as its arguments.\n"));
  fprintf (out, "%s",
           _("\n"
             "  -m MODULE             run the module MODULE as “python -m MODULE” does, instead\n"
             "                        of a SCRIPT; everything after MODULE is its arguments\n"
             "  --cwd FOLDER          run in FOLDER (default: the current folder, as python)\n"
             "\n"
             "With --headless or --record the script reads heapscope’s standard input, and\n"
             "SIGINT or SIGTERM sent to heapscope is passed on to it; the tables are printed\n"
             "when it ends. In the window its standard input is empty.\n"));
  fprintf (out, "%s",
           _("\n"
             "Tracked classes of a recorded session, with --report (Pympler’s ClassTracker):\n"
             "  --classes             print the summary per snapshot, then every instance\n"
             "  --html FILE           write the report as one HTML page to FILE\n"
             "  --title TEXT          with --html: the page’s title\n"
             "  --sort KEY[,KEY…]     order the instances by classname, name, birth, death,\n"
             "                        size, tsize or repr (size and tsize largest first)\n"
             "  --reverse             in the reverse order\n"
             "  --match TEXT          only the instances of classes whose name contains TEXT\n"
             "  --limit N             only the first N instances; below 1 (such as 0.1), that\n"
             "                        fraction of all the tracked instances\n"
             "\n"
             "Reference graphs of a recorded session, with --report:\n"
             "  --graphs DIR          write each graph as DIR/NN-label.dot and .svg\n"
             "\n"
             "Leaks, with --headless, --record or --report:\n"
             "  --leaks               print the types that kept growing over the run, the\n"
             "                        likeliest leak first (the Leaks page’s ranking)\n"));
  fprintf (out, "%s",
           _("\n"
             "Why objects are alive, with --headless or --record:\n"
             "  --why TYPE            print why the instances of TYPE (a census row such as\n"
             "                        __main__.Request) are alive at the script’s end: their\n"
             "                        paths to a root, grouped, and what each group holds\n"
             "                        alone; may be given more than once\n"
             "  --at LABEL            with --why: when the script calls\n"
             "                        heapscope.snapshot (LABEL), not at its end\n"));
}

/* One of --sort, --limit: the option's value into @options, or the message
 * on stderr and FALSE. */
static gboolean
set_class_option (HsClassStatsOptions *options,
                  const char          *option,
                  const char          *value)
{
  g_autoptr(GError) error = NULL;
  gboolean valid = g_str_equal (option, "--sort")
                   ? hs_class_stats_options_set_sort (options, value, &error)
                   : hs_class_stats_options_set_limit (options, value, &error);

  if (!valid)
    g_printerr ("heapscope: %s: %s\n", option, error->message);
  return valid;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HsApplication) application = NULL;
  g_autoptr(HsLaunchSpec) spec = NULL;
  const char *interpreter = "python3";
  const char *working_directory = NULL;
  gboolean module = FALSE;
  gboolean headless = FALSE;
  gboolean hold = FALSE;
  const char *record_path = NULL;
  const char *report_path = NULL;
  const char *from_label = NULL;
  const char *to_label = NULL;
  gboolean classes = FALSE;
  gboolean leaks = FALSE;
  g_autoptr(GPtrArray) why_types = g_ptr_array_new ();
  const char *why_label = NULL;
  const char *html_path = NULL;
  const char *graphs_dir = NULL;
  const char *title = NULL;
  g_auto(HsClassStatsOptions) class_options = { 0 };
  gboolean class_options_given = FALSE;
  double interval = 1.0;
  int first_script_arg = argc;
  char *app_argv[] = { argv[0], NULL };

  /* Writing past the file size limit (ulimit -f) would kill us without a
   * word; ignored, the write fails with EFBIG and recording stops saying why,
   * as on a full disk. */
  signal (SIGXFSZ, SIG_IGN);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Our options come before the script; everything after it belongs to the script. */
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--headless") == 0)
        headless = TRUE;
      else if (strcmp (argv[i], "--leaks") == 0)
        leaks = TRUE;
      else if (strcmp (argv[i], "--hold") == 0)
        hold = TRUE;
      else if (strcmp (argv[i], "--why") == 0 && i + 1 < argc)
        g_ptr_array_add (why_types, argv[++i]);
      else if (strcmp (argv[i], "--at") == 0 && i + 1 < argc)
        why_label = argv[++i];
      else if (strcmp (argv[i], "--record") == 0 && i + 1 < argc)
        record_path = argv[++i];
      else if (strcmp (argv[i], "--report") == 0 && i + 1 < argc)
        report_path = argv[++i];
      else if (strcmp (argv[i], "--from") == 0 && i + 1 < argc)
        from_label = argv[++i];
      else if (strcmp (argv[i], "--to") == 0 && i + 1 < argc)
        to_label = argv[++i];
      else if (strcmp (argv[i], "--classes") == 0)
        classes = TRUE;
      else if (strcmp (argv[i], "--html") == 0 && i + 1 < argc)
        html_path = argv[++i];
      else if (strcmp (argv[i], "--graphs") == 0 && i + 1 < argc)
        graphs_dir = argv[++i];
      else if (strcmp (argv[i], "--title") == 0 && i + 1 < argc)
        title = argv[++i];
      else if ((strcmp (argv[i], "--sort") == 0 || strcmp (argv[i], "--limit") == 0) && i + 1 < argc)
        {
          if (!set_class_option (&class_options, argv[i], argv[i + 1]))
            return 2;
          class_options_given = TRUE;
          i++;
        }
      else if (strcmp (argv[i], "--match") == 0 && i + 1 < argc)
        {
          hs_class_stats_options_set_match (&class_options, argv[++i]);
          class_options_given = TRUE;
        }
      else if (strcmp (argv[i], "--reverse") == 0)
        class_options.reverse = class_options_given = TRUE;
      else if (strcmp (argv[i], "--interval") == 0 && i + 1 < argc)
        {
          char *end = NULL;

          interval = g_ascii_strtod (argv[++i], &end);
          if (end == argv[i] || *end != '\0' || !(interval >= 0.1 && interval <= 3600))
            {
              g_printerr (_("heapscope: --interval wants a number of seconds between 0.1 and 3600, not “%s”\n"), argv[i]);
              return 2;
            }
        }
      else if (strcmp (argv[i], "--python") == 0 && i + 1 < argc)
        interpreter = argv[++i];
      else if (strcmp (argv[i], "--cwd") == 0 && i + 1 < argc)
        working_directory = argv[++i];
      else if (strcmp (argv[i], "-m") == 0 && i + 1 < argc)
        {
          /* As python: the module's name, then its arguments. */
          module = TRUE;
          first_script_arg = i + 1;
          break;
        }
      else if (strcmp (argv[i], "--version") == 0)
        {
          printf ("heapscope %s\n", PACKAGE_VERSION);
          return 0;
        }
      else if (strcmp (argv[i], "--print-pythonpath") == 0)
        {
          /* PYTHONPATH=$(heapscope --print-pythonpath) python3 script.py:
           * `import heapscope` outside Heapscope, its markers no-ops. */
          printf ("%s\n", hs_launch_spec_default_agent_dir ());
          return 0;
        }
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          print_usage (stdout);
          return 0;
        }
      else if (argv[i][0] == '-' && argv[i][1] != '\0')
        {
          g_printerr (_("heapscope: unknown option %s\n"), argv[i]);
          print_usage (stderr);
          return 2;
        }
      else
        {
          first_script_arg = i;
          break;
        }
    }

  if (class_options_given && !classes && html_path == NULL)
    {
      g_printerr (_("heapscope: --sort, --reverse, --match and --limit go with --classes or --html\n"));
      return 2;
    }
  if (title != NULL && html_path == NULL)
    {
      g_printerr (_("heapscope: --title goes with --html\n"));
      return 2;
    }
  if ((classes || html_path != NULL || graphs_dir != NULL) && report_path == NULL)
    {
      g_printerr (_("heapscope: --classes, --html and --graphs go with --report\n"));
      return 2;
    }
  if (why_label != NULL && why_types->len == 0)
    {
      g_printerr (_("heapscope: --at goes with --why\n"));
      return 2;
    }
  /* The question is asked of the running script: a recording has no agent to ask. */
  if (why_types->len > 0 && (report_path != NULL || (!headless && record_path == NULL)))
    {
      g_printerr (_("heapscope: --why goes with --headless or --record\n"));
      return 2;
    }
  if (report_path != NULL)
    {
      if (first_script_arg < argc || headless || hold || record_path != NULL)
        {
          g_printerr (_("heapscope: --report reads a recorded session; it runs no script\n"));
          return 2;
        }
      if (leaks)
        {
          if (graphs_dir != NULL || classes || html_path != NULL || from_label != NULL || to_label != NULL)
            {
              g_printerr (_("heapscope: --leaks prints the leak suspects alone; it goes with --report only\n"));
              return 2;
            }
          return hs_headless_report_leaks (report_path);
        }
      if (graphs_dir != NULL)
        {
          if (classes || html_path != NULL || from_label != NULL || to_label != NULL)
            {
              g_printerr (_("heapscope: --graphs writes the graphs alone; it goes with --report only\n"));
              return 2;
            }
          return hs_headless_write_graphs (report_path, graphs_dir);
        }
      if (classes || html_path != NULL)
        {
          if (from_label != NULL || to_label != NULL)
            {
              g_printerr (_("heapscope: --from and --to diff censuses; they do not go with --classes or --html\n"));
              return 2;
            }
          return hs_headless_report_classes (report_path, &class_options, classes, html_path, title);
        }
      return hs_headless_report (report_path, from_label, to_label);
    }
  if (from_label != NULL || to_label != NULL)
    {
      g_printerr (_("heapscope: --from and --to go with --report\n"));
      return 2;
    }
  if (leaks && !headless && record_path == NULL)
    {
      g_printerr (_("heapscope: --leaks goes with --headless, --record or --report\n"));
      return 2;
    }

  /* A session file (or a Pympler dump, imported as one) is reopened in the
   * window, not run. */
  if (first_script_arg < argc &&
      (g_str_has_suffix (argv[first_script_arg], HS_STORE_SUFFIX) ||
       hs_pympler_file_is_dump (argv[first_script_arg])) &&
      !module && !headless && record_path == NULL)
    {
      application = hs_application_new ();
      for (int i = first_script_arg; i < argc; i++)
        hs_application_open_file (application, argv[i]);
      return g_application_run (G_APPLICATION (application), 1, app_argv);
    }

  if (first_script_arg < argc)
    {
      spec = hs_launch_spec_new (interpreter, argv[first_script_arg],
                                 (const char * const *) &argv[first_script_arg + 1]);
      spec->interval = interval;
      spec->module = module;
      spec->hold = hold;
      /* As python runs it: where it is called from, unless --cwd says. */
      spec->working_directory = working_directory != NULL ? g_canonicalize_filename (working_directory, NULL)
                                                          : g_get_current_dir ();
    }

  if (headless || record_path != NULL)
    {
      if (spec == NULL)
        {
          g_printerr (record_path != NULL ? _("heapscope: --record needs a script to run\n")
                                          : _("heapscope: --headless needs a script to run\n"));
          return 2;
        }
      g_ptr_array_add (why_types, NULL);
      return hs_headless_run (spec, record_path, leaks, (const char * const *) why_types->pdata, why_label);
    }

  application = hs_application_new ();
  if (spec != NULL)
    hs_application_set_initial_launch (application, spec);
  return g_application_run (G_APPLICATION (application), 1, app_argv);
}
