/* hs-why-report.c — why a type's instances are alive, as text: what
 * heapscope --why prints
 *
 * A group's path is written as the referrer tree's text writes a path
 * (hs_object_ref_append_step), by its shape: a dict's key or a list's index
 * is "…", each instance of the group having its own. When the agent followed
 * only some of the instances, counts and sizes are scaled to them all and
 * said to be estimates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "hs-census.h"
#include "hs-why-report.h"

static gboolean
is_sampled (const HsReply *reply)
{
  return reply->sampled < reply->total;
}

/* @value (a count or a size) of some of @reply's instances followed, as an
 * estimate of the same for all of them: scaled by total / sampled when the
 * agent followed only some; as it is when it followed them all. */
gint64
hs_why_estimate (const HsReply *reply,
                 gint64         value)
{
  g_return_val_if_fail (reply != NULL, value);

  if (!is_sampled (reply) || reply->sampled == 0)
    return value;
  return (gint64) llround ((double) value * (double) reply->total / (double) reply->sampled);
}

/* The group's path, one of its instances first, by its shape (a key or an
 * index as "…"): "__main__.Request <- dict [key …] <- module(__main__)
 * [global _CACHE] (root: module)". */
char *
hs_why_group_dup_shape (const HsWhyGroup *group)
{
  g_autofree char *label = NULL;
  GString *out;

  g_return_val_if_fail (group != NULL, NULL);

  label = hs_object_ref_dup_label (group->example);
  out = g_string_new (label);
  for (guint i = 0; i < group->steps->len; i++)
    hs_object_ref_append_step (g_ptr_array_index (group->steps, i), out, FALSE, TRUE);
  /* An instance that is a root itself has no path. */
  if (group->steps->len == 0 && group->example->root != HS_ROOT_NONE)
    {
      g_autofree char *root = g_strdup_printf (_("(root: %s)"), hs_root_kind_to_string (group->example->root));

      g_string_append_printf (out, " %s", root);
    }
  return g_string_free (out, FALSE);
}

/* Why no root holds these instances, as a sentence
 * (hs_unreached_reason_dup_sentence). */
char *
hs_why_unreached_dup_text (const HsWhyUnreached *unreached)
{
  char *text;

  g_return_val_if_fail (unreached != NULL, NULL);

  text = hs_unreached_reason_dup_sentence (unreached->reason, unreached->holders);
  return text != NULL ? text : g_strdup (_("No root was reached"));
}

static char *
format_count (const HsReply *reply,
              gint64         count)
{
  if (!is_sampled (reply))
    return g_strdup_printf ("%lld", (long long) count);
  /* Translators: a number of objects estimated from those followed: "about 3992" */
  return g_strdup_printf (_("about %lld"), (long long) hs_why_estimate (reply, count));
}

static char *
format_bytes (const HsReply *reply,
              gint64         bytes)
{
  g_autofree char *size = hs_format_size (hs_why_estimate (reply, bytes));

  g_strstrip (size);
  if (!is_sampled (reply))
    return g_steal_pointer (&size);
  /* Translators: a size estimated from the objects followed: "about 41.20 KB" */
  return g_strdup_printf (_("about %s"), size);
}

static void
append_heading (GString       *out,
                const HsReply *reply)
{
  gulong n = (gulong) MIN ((guint64) reply->total, G_MAXULONG);

  if (reply->total == 0 && reply->label != NULL)
    g_string_append_printf (out, _("No %s object is alive at the snapshot “%s”.\n"),
                            reply->type_name, reply->label);
  else if (reply->total == 0)
    g_string_append_printf (out, _("No %s object is alive.\n"), reply->type_name);
  else if (!is_sampled (reply) && reply->label != NULL)
    g_string_append_printf (out,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "Why %lld %s object is alive at the snapshot “%s” (all %lld followed):\n",
                                         "Why %lld %s objects are alive at the snapshot “%s” (all %lld followed):\n",
                                         n),
                            (long long) reply->total, reply->type_name, reply->label,
                            (long long) reply->sampled);
  else if (!is_sampled (reply))
    g_string_append_printf (out,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "Why %lld %s object is alive (all %lld followed):\n",
                                         "Why %lld %s objects are alive (all %lld followed):\n",
                                         n),
                            (long long) reply->total, reply->type_name, (long long) reply->sampled);
  else if (reply->label != NULL)
    g_string_append_printf (out,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "Why %lld %s object is alive at the snapshot “%s” (%lld of %lld followed):\n",
                                         "Why %lld %s objects are alive at the snapshot “%s” (%lld of %lld followed):\n",
                                         n),
                            (long long) reply->total, reply->type_name, reply->label,
                            (long long) reply->sampled, (long long) reply->total);
  else
    g_string_append_printf (out,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "Why %lld %s object is alive (%lld of %lld followed):\n",
                                         "Why %lld %s objects are alive (%lld of %lld followed):\n",
                                         n),
                            (long long) reply->total, reply->type_name,
                            (long long) reply->sampled, (long long) reply->total);
}

/* A group: how many, their share of those followed, what they hold alone,
 * and the path of one of them. */
static void
append_group (GString          *out,
              const HsReply    *reply,
              const HsWhyGroup *group)
{
  g_autofree char *count = format_count (reply, group->count);
  g_autofree char *shape = hs_why_group_dup_shape (group);
  int percent = (int) llround (100.0 * (double) group->count / (double) reply->sampled);

  if (group->retained.bytes >= 0)
    {
      g_autofree char *retained = format_bytes (reply, group->retained.bytes);

      /* Translators: a group of the objects asked about, held through the
       * same path: "406 (67 %), retaining 41.20 KB, held through:" */
      g_string_append_printf (out, _("  %s (%d %%), retaining %s, held through:\n"), count, percent, retained);
    }
  else
    /* Translators: as "406 (67 %), retaining 41.20 KB, held through:" when
     * what they hold alone is not known */
    g_string_append_printf (out, _("  %s (%d %%), held through:\n"), count, percent);

  g_string_append_printf (out, "    %s\n", shape);
}

static void
append_unreached (GString              *out,
                  const HsReply        *reply,
                  const HsWhyUnreached *part)
{
  g_autofree char *count = format_count (reply, part->count);
  g_autofree char *why = hs_unreached_reason_dup_phrase (part->reason, part->holders);

  if (why != NULL)
    /* Translators: followed objects no root holds, and why: "2 no root
     * reached: garbage the collector has not freed yet" */
    g_string_append_printf (out, _("  %s no root reached: %s\n"), count, why);
  else
    g_string_append_printf (out, _("  %s no root reached\n"), count);
}

/* @reply, an HS_REPLY_WHY, as text: a heading, then each group of the
 * instances followed with its share, what it holds alone and its path to a
 * root, then those no root holds, by reason:
 *
 *   Why 606 __main__.Request objects are alive (all 606 followed):
 *     406 (67 %), retaining 41.20 KB, held through:
 *       __main__.Request <- dict [key …] <- module(__main__) [global _CACHE] (root: module)
 *     2 no root reached: garbage the collector has not freed yet
 */
char *
hs_why_format (const HsReply *reply)
{
  GString *out;

  g_return_val_if_fail (reply != NULL, NULL);
  g_return_val_if_fail (reply->kind == HS_REPLY_WHY, NULL);

  out = g_string_new (NULL);
  append_heading (out, reply);
  if (!isnan (reply->since))
    /* Translators: under the heading of a report on the survivors since a baseline */
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                              "  Only those made since the baseline: %lld older one left out.\n",
                                              "  Only those made since the baseline: %lld older ones left out.\n",
                                              (gulong) MIN ((guint64) reply->older, G_MAXULONG)),
                            (long long) reply->older);
  for (guint i = 0; i < MIN (reply->groups->len, HS_WHY_GROUPS_SHOWN); i++)
    append_group (out, reply, g_ptr_array_index (reply->groups, i));
  /* The long tail of a type every module has (dict, int) says nothing. */
  if (reply->groups->len > HS_WHY_GROUPS_SHOWN)
    {
      guint more = reply->groups->len - HS_WHY_GROUPS_SHOWN;
      gint64 objects = 0;
      g_autofree char *count = NULL;

      for (guint i = HS_WHY_GROUPS_SHOWN; i < reply->groups->len; i++)
        objects += ((HsWhyGroup *) g_ptr_array_index (reply->groups, i))->count;
      count = format_count (reply, objects);
      /* Translators: "… and 120 more paths, 406 objects" */
      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "  … and %u more path, %s objects\n",
                                                "  … and %u more paths, %s objects\n", more),
                              more, count);
    }
  for (guint i = 0; i < reply->unreached->len; i++)
    append_unreached (out, reply, g_ptr_array_index (reply->unreached, i));
  return g_string_free (out, FALSE);
}
