/* test-census-model.c — rows update in place with exact items-changed emissions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-census-model.h"

typedef struct { guint position, removed, added; } Emission;

static void
record_emission (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 GArray     *emissions)
{
  Emission emission = { position, removed, added };

  g_array_append_val (emissions, emission);
}

/* "a:1:10 b:2:20" → a census */
static HsCensus *
census_from (const char *spec)
{
  g_auto(GStrv) items = g_strsplit (spec, " ", -1);
  HsCensus *census = hs_census_new (g_strv_length (items));

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (items[i], ":", 3);

      census->rows[i].name = g_strdup (fields[0]);
      census->rows[i].count = g_ascii_strtoll (fields[1], NULL, 10);
      census->rows[i].size = g_ascii_strtoll (fields[2], NULL, 10);
      census->objects += census->rows[i].count;
      census->bytes += census->rows[i].size;
    }
  return census;
}

static void
assert_emissions (GArray         *emissions,
                  const Emission *expected,
                  guint           n_expected)
{
  g_assert_cmpuint (emissions->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      Emission *got = &g_array_index (emissions, Emission, i);
      g_assert_cmpuint (got->position, ==, expected[i].position);
      g_assert_cmpuint (got->removed, ==, expected[i].removed);
      g_assert_cmpuint (got->added, ==, expected[i].added);
    }
  g_array_set_size (emissions, 0);
}

static void
count_updates (HsCensusModel *model,
                      guint         *count)
{
  (*count)++;
}

/* Rows change in place with no items-changed, and one "updated" per census
 * that moved anything; rows that come and go are items-changed. */
static void
test_update_in_place (void)
{
  HsCensusModel *model = hs_census_model_new ();
  g_autoptr(GArray) emissions = g_array_new (FALSE, FALSE, sizeof (Emission));
  g_autoptr(HsCensus) first = census_from ("a:1:10 b:2:20 c:3:30 d:4:40");
  g_autoptr(HsCensus) second = census_from ("a:1:10 b:5:50 c:6:60 d:4:40 e:1:8");
  g_autoptr(HsCensus) third = census_from ("a:1:10 c:6:60 d:9:90 e:1:8");
  g_autoptr(HsTypeStat) b_before = NULL;
  g_autoptr(HsTypeStat) b_after = NULL;
  guint updates = 0;
  HsTypeStat *d;

  g_signal_connect (model, "items-changed", G_CALLBACK (record_emission), emissions);
  g_signal_connect (model, "updated", G_CALLBACK (count_updates), &updates);

  hs_census_model_update (model, first, NULL);
  assert_emissions (emissions, (Emission[]) { { 0, 0, 4 } }, 1);
  g_assert_cmpuint (updates, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 4);

  b_before = g_list_model_get_item (G_LIST_MODEL (model), 1);

  /* b and c change in place, d does not, e is appended. */
  hs_census_model_update (model, second, first);
  assert_emissions (emissions, (Emission[]) { { 4, 0, 1 } }, 1);
  g_assert_cmpuint (updates, ==, 2);
  b_after = g_list_model_get_item (G_LIST_MODEL (model), 1);
  g_assert_true (b_before == b_after);  /* the same row object, changed in place */
  g_assert_cmpint (hs_type_stat_get_count (b_after), ==, 5);
  g_assert_cmpint (hs_type_stat_get_delta_count (b_after), ==, 3);
  g_assert_cmpint (hs_type_stat_get_delta_size (b_after), ==, 30);

  /* Baseline "second" still has b: it stays, at count 0 with its negative Δ. */
  hs_census_model_update (model, third, second);
  g_assert_cmpuint (emissions->len, ==, 0);
  g_assert_cmpuint (updates, ==, 3);
  g_assert_cmpint (hs_type_stat_get_count (b_after), ==, 0);
  g_assert_cmpint (hs_type_stat_get_delta_count (b_after), ==, -5);
  d = hs_census_model_lookup (model, "d");
  g_assert_cmpint (hs_type_stat_get_delta_size (d), ==, 50);

  /* Compared with itself, b is gone from both: removed. d's Δ still changes. */
  hs_census_model_update (model, third, third);
  assert_emissions (emissions, (Emission[]) { { 1, 1, 0 } }, 1);
  g_assert_cmpuint (updates, ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 4);
  g_assert_null (hs_census_model_lookup (model, "b"));

  /* Nothing changed: no emission at all. */
  hs_census_model_update (model, third, third);
  g_assert_cmpuint (emissions->len, ==, 0);
  g_assert_cmpuint (updates, ==, 4);

  g_clear_object (&b_before);
  g_clear_object (&b_after);
  g_signal_handlers_disconnect_by_data (model, emissions);
  g_signal_handlers_disconnect_by_data (model, &updates);
  g_assert_finalize_object (model);
}

/* A row that was already listed and that the baseline lacks has grown from
 * nothing: its Δ is its whole count and size, not 0; one the current census
 * lacks shows its loss. */
static void
test_delta_against_missing_types (void)
{
  HsCensusModel *model = hs_census_model_new ();
  g_autoptr(HsCensus) before = census_from ("a:1:10 gone:3:300");
  g_autoptr(HsCensus) after = census_from ("a:1:10 fresh:5000:280000");
  HsTypeStat *fresh;
  HsTypeStat *gone;

  /* Shown first with no baseline, as the latest sample is. */
  hs_census_model_update (model, after, NULL);
  hs_census_model_update (model, after, before);
  fresh = hs_census_model_lookup (model, "fresh");
  g_assert_nonnull (fresh);
  g_assert_cmpint (hs_type_stat_get_delta_count (fresh), ==, 5000);
  g_assert_cmpint (hs_type_stat_get_delta_size (fresh), ==, 280000);
  gone = hs_census_model_lookup (model, "gone");
  g_assert_nonnull (gone);
  g_assert_cmpint (hs_type_stat_get_count (gone), ==, 0);
  g_assert_cmpint (hs_type_stat_get_delta_count (gone), ==, -3);
  g_assert_cmpint (hs_type_stat_get_delta_size (gone), ==, -300);

  /* The same once more: nothing moves. */
  hs_census_model_update (model, after, before);
  g_assert_cmpint (hs_type_stat_get_delta_count (fresh), ==, 5000);
  g_assert_finalize_object (model);
}

static void
count_changed (HsTypeStat *stat,
               guint      *changes)
{
  (*changes)++;
}

/* "changed" once per change of values, none when nothing moved; a row made
 * to show another type changes once, name and values together. */
static void
test_changed_only_on_change (void)
{
  g_autoptr(HsTypeStat) stat = hs_type_stat_new ("x");
  g_autoptr(HsTypeStat) other = hs_type_stat_new ("y");
  g_autoptr(HsTypeStat) shown = NULL;
  guint changes = 0;

  g_signal_connect (stat, "changed", G_CALLBACK (count_changed), &changes);
  g_assert_true (hs_type_stat_set_values (stat, 3, 30, 0, 0));
  g_assert_false (hs_type_stat_set_values (stat, 3, 30, 0, 0));
  g_assert_true (hs_type_stat_set_values (stat, 3, 31, 0, 0));
  g_assert_cmpuint (changes, ==, 2);

  shown = hs_type_stat_copy (stat);
  g_assert_cmpstr (hs_type_stat_get_name (shown), ==, "x");
  g_assert_cmpint (hs_type_stat_get_size (shown), ==, 31);
  g_signal_handlers_disconnect_by_func (stat, count_changed, &changes);
  changes = 0;
  g_signal_connect (shown, "changed", G_CALLBACK (count_changed), &changes);
  hs_type_stat_assign (shown, stat);
  g_assert_cmpuint (changes, ==, 0);
  /* Another name, the same values; then another name and other values. */
  hs_type_stat_set_values (other, 3, 31, 0, 0);
  hs_type_stat_assign (shown, other);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpstr (hs_type_stat_get_name (shown), ==, "y");
  hs_type_stat_set_values (stat, 7, 70, 1, 10);
  hs_type_stat_assign (shown, stat);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpstr (hs_type_stat_get_name (shown), ==, "x");
  g_assert_cmpint (hs_type_stat_get_count (shown), ==, 7);
  g_assert_cmpint (hs_type_stat_get_delta_size (shown), ==, 10);
}

/* Types that come and go make one items-changed per census: a single run
 * gone, just that run; rows gone here and there, or gone and new together,
 * the span from the first row gone on. The rows left are the ones that
 * stay, in their order. */
static void
test_scattered_removals (void)
{
  g_autoptr(HsCensusModel) model = hs_census_model_new ();
  g_autoptr(GArray) emissions = g_array_new (FALSE, FALSE, sizeof (Emission));
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GString) kept = g_string_new (NULL);
  g_autoptr(HsCensus) first = NULL;
  g_autoptr(HsCensus) second = NULL;
  g_autoptr(HsCensus) third = NULL;
  g_autoptr(HsCensus) every = NULL;
  g_autoptr(HsCensus) odd = NULL;
  g_autoptr(HsCensus) fourth = NULL;
  g_autoptr(HsCensus) fifth = NULL;
  const Emission runs[] = { { 1, 5, 2 } };
  const Emission one_run[] = { { 1, 1, 0 } };
  const Emission gone_and_new[] = { { 1, 1, 2 } };
  const Emission span[] = { { 0, 40, 20 } };

  first = census_from ("a:1:1 b:1:1 c:1:1 d:1:1 e:1:1 f:1:1");
  hs_census_model_update (model, first, NULL);
  g_signal_connect (model, "items-changed", G_CALLBACK (record_emission), emissions);
  second = census_from ("a:1:1 c:1:1 f:1:1");
  hs_census_model_update (model, second, NULL);
  assert_emissions (emissions, runs, G_N_ELEMENTS (runs));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_assert_nonnull (hs_census_model_lookup (model, "f"));
  g_assert_null (hs_census_model_lookup (model, "b"));
  fourth = census_from ("a:1:1 f:1:1");
  hs_census_model_update (model, fourth, NULL);
  assert_emissions (emissions, one_run, G_N_ELEMENTS (one_run));
  fifth = census_from ("a:1:1 g:1:1 h:1:1");
  hs_census_model_update (model, fifth, NULL);
  assert_emissions (emissions, gone_and_new, G_N_ELEMENTS (gone_and_new));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);

  /* 40 types, then every other one gone. */
  for (guint i = 0; i < 40; i++)
    {
      g_string_append_printf (all, "%st%02u:1:1", i > 0 ? " " : "", i);
      if (i % 2 == 1)
        g_string_append_printf (kept, "%st%02u:1:1", kept->len > 0 ? " " : "", i);
    }
  third = census_from ("a:1:1");
  hs_census_model_update (model, third, NULL);
  every = census_from (all->str);
  hs_census_model_update (model, every, NULL);
  g_array_set_size (emissions, 0);
  odd = census_from (kept->str);
  hs_census_model_update (model, odd, NULL);
  assert_emissions (emissions, span, G_N_ELEMENTS (span));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 20);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(HsTypeStat) stat = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autofree char *name = g_strdup_printf ("t%02u", 2 * i + 1);

      g_assert_cmpstr (hs_type_stat_get_name (stat), ==, name);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hs/census-model/update-in-place", test_update_in_place);
  g_test_add_func ("/hs/census-model/scattered-removals", test_scattered_removals);
  g_test_add_func ("/hs/census-model/delta-against-missing-types", test_delta_against_missing_types);
  g_test_add_func ("/hs/census-model/changed-only-on-change", test_changed_only_on_change);

  return g_test_run ();
}
