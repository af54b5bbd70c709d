/* sl_replay: the sampling is what it claims. Chi-square tests at fixed
 * seeds (so each run is the same run) against the distribution each kind
 * promises, the importance weights against their formula, the sum tree's
 * invariants, and the class-balanced shares. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"
#include "replay/sum_tree.h"

/* Relative agreement to expect of values the library keeps as sl_real
 * (masses, sums): float in an SL_REAL_FLOAT build. */
#define REAL_TOL (sizeof(sl_real) == sizeof(double) ? 1e-12 : 1e-5)

/* Critical value of chi-square with `df` degrees of freedom at p = 0.001
 * (Wilson-Hilferty; within 1% of the table for df >= 5). */
static double chi2_crit(int df) {
  double a = 2.0 / (9.0 * df), t = 1.0 - a + 3.0902 * sqrt(a);
  return df * t * t * t;
}

static double chi2(const double *observed, const double *expected, int n) {
  double s = 0;
  int i;
  for (i = 0; i < n; i++) s += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  return s;
}

static sl_replay *make(sl_replay_kind kind, int64_t capacity, int64_t seed) {
  sl_replay *r = NULL;
  cr_assert_eq(sl_replay_new(&r, kind, 1, NULL), SL_OK);
  cr_assert_eq(sl_replay_set_int(r, "capacity", capacity), SL_OK);
  cr_assert_eq(sl_replay_set_int(r, "seed", seed), SL_OK);
  return r;
}

static void add(sl_replay *r, double target, uint64_t key) {
  double x = (double)key;
  cr_assert_eq(sl_replay_add(r, &x, 1, target, 1, 0, key, NULL), SL_OK, "%s", sl_replay_last_error(r));
}

static sl_replay_batch slots_batch(size_t *slots, double *isw, uint64_t *keys, size_t rows) {
  sl_replay_batch b;
  memset(&b, 0, sizeof b);
  b.struct_size = sizeof b;
  b.rows = rows;
  b.n_features = 1;
  b.slots = slots;
  b.is_weights = isw;
  b.keys = keys;
  return b;
}

/* ---- reservoir: every record seen is held with probability C / N ------------- */

/* Over many seeds, how often each of N records ends up held. */
static void check_inclusion_uniform(sl_replay_kind kind) {
  enum { C = 10, N = 50, RUNS = 4000 };
  double count[N] = {0}, expect[N];
  int run, i;
  for (run = 0; run < RUNS; run++) {
    sl_replay *r = make(kind, C, run);
    if (kind == SL_REPLAY_CLASS_BALANCED) cr_assert_eq(sl_replay_set_int(r, "n_classes", 1), SL_OK);
    for (i = 0; i < N; i++) add(r, 0, (uint64_t)i);
    for (i = 0; i < C; i++) {
      uint64_t key;
      cr_assert_eq(sl_replay_get(r, (size_t)i, NULL, 0, NULL, NULL, NULL, &key), SL_OK);
      count[key] += 1;
    }
    sl_replay_free(r);
  }
  for (i = 0; i < N; i++) expect[i] = (double)RUNS * C / N;
  cr_assert_lt(chi2(count, expect, N), chi2_crit(N - 1), "inclusion is not uniform (chi2 %.1f)",
               chi2(count, expect, N));
}

Test(replay_reservoir, inclusion_is_uniform_over_everything_seen) { check_inclusion_uniform(SL_REPLAY_RESERVOIR); }

Test(replay_class_balanced, one_class_is_a_plain_reservoir) { check_inclusion_uniform(SL_REPLAY_CLASS_BALANCED); }

/* ---- uniform draws ----------------------------------------------------------- */

Test(replay_uniform, draws_with_and_without_replacement_are_uniform) {
  enum { N = 20, K = 5, CALLS = 20000 };
  sl_replay *r = make(SL_REPLAY_FIFO, N, 3);
  double all[N] = {0}, first[N] = {0}, expect_all[N], expect_first[N];
  size_t slots[N];
  sl_replay_batch b = slots_batch(slots, NULL, NULL, N);
  int i, c;
  for (i = 0; i < N; i++) add(r, 0, (uint64_t)i);
  for (c = 0; c < CALLS; c++) {
    cr_assert_eq(sl_replay_sample(r, K, 0, &b), SL_OK);
    for (i = 0; i < K; i++) {
      int j;
      for (j = 0; j < i; j++) cr_assert_neq(slots[i], slots[j], "distinct draws repeated slot %zu", slots[i]);
      all[slots[i]] += 1;
    }
    first[slots[0]] += 1;
  }
  for (i = 0; i < N; i++) {
    expect_all[i] = (double)CALLS * K / N;
    expect_first[i] = (double)CALLS / N;
  }
  cr_assert_lt(chi2(all, expect_all, N), chi2_crit(N - 1), "distinct draws not uniform");
  cr_assert_lt(chi2(first, expect_first, N), chi2_crit(N - 1), "the order of distinct draws is not uniform");
  memset(all, 0, sizeof all);
  for (c = 0; c < CALLS; c++) {
    cr_assert_eq(sl_replay_sample(r, N, 1, &b), SL_OK);
    for (i = 0; i < N; i++) all[slots[i]] += 1;
  }
  for (i = 0; i < N; i++) expect_all[i] = CALLS;
  cr_assert_lt(chi2(all, expect_all, N), chi2_crit(N - 1), "draws with replacement not uniform");
  cr_assert_eq(sl_replay_sample(r, N, 0, &b), SL_OK);
  memset(all, 0, sizeof all);
  for (i = 0; i < N; i++) all[slots[i]] += 1;
  for (i = 0; i < N; i++) cr_assert_eq(all[i], 1, "k = size distinct draws are a permutation");
  sl_replay_free(r);
}

/* ---- prioritized -------------------------------------------------------------- */

/* A prioritized buffer of N records with priority i + 1 for slot i. */
static sl_replay *prioritized(int n, double alpha, double beta, double *mass) {
  sl_replay *r = make(SL_REPLAY_PRIORITIZED, n, 11);
  size_t slots[64];
  double pr[64];
  int i;
  cr_assert_eq(sl_replay_set_double(r, "alpha", alpha), SL_OK);
  cr_assert_eq(sl_replay_set_double(r, "beta", beta), SL_OK);
  cr_assert_eq(sl_replay_set_double(r, "epsilon", 0), SL_OK);
  for (i = 0; i < n; i++) {
    add(r, 0, (uint64_t)i);
    slots[i] = (size_t)i;
    pr[i] = i + 1;
    mass[i] = pow(pr[i], alpha);
  }
  cr_assert_eq(sl_replay_update_priorities(r, slots, pr, (size_t)n), SL_OK);
  return r;
}

Test(replay_prioritized, draws_follow_priority_to_the_alpha) {
  enum { N = 20, CALLS = 10000 };
  double mass[N], count[N] = {0}, expect[N], total = 0, tm;
  size_t slots[N];
  sl_replay_batch b = slots_batch(slots, NULL, NULL, N);
  sl_replay *r = prioritized(N, 0.6, 0.4, mass);
  int i, c;
  for (i = 0; i < N; i++) total += mass[i];
  cr_assert_eq(sl_replay_stat(r, "total_mass", &tm), SL_OK);
  cr_assert_float_eq(tm, total, REAL_TOL * total);
  for (c = 0; c < CALLS; c++) {
    cr_assert_eq(sl_replay_sample(r, N, 1, &b), SL_OK);
    for (i = 0; i < N; i++) count[slots[i]] += 1;
  }
  for (i = 0; i < N; i++) expect[i] = (double)CALLS * N * mass[i] / total;
  cr_assert_lt(chi2(count, expect, N), chi2_crit(N - 1), "frequencies do not follow p^alpha (chi2 %.1f)",
               chi2(count, expect, N));
  /* and they are not uniform: the test can tell the two apart */
  for (i = 0; i < N; i++) expect[i] = (double)CALLS;
  cr_assert_gt(chi2(count, expect, N), 10 * chi2_crit(N - 1));
  sl_replay_free(r);
}

Test(replay_prioritized, importance_weights_match_the_formula) {
  enum { N = 30, K = 30 };
  double betas[] = {0.0, 0.4, 1.0};
  size_t slots[K], bi;
  double isw[K];
  for (bi = 0; bi < 3; bi++) {
    double mass[N], total = 0, maxw = 0, want[K];
    sl_replay_batch b = slots_batch(slots, isw, NULL, K);
    sl_replay *r = prioritized(N, 0.7, betas[bi], mass);
    int i;
    for (i = 0; i < N; i++) total += mass[i];
    cr_assert_eq(sl_replay_sample(r, K, 1, &b), SL_OK);
    for (i = 0; i < K; i++) {
      want[i] = pow(N * mass[slots[i]] / total, -betas[bi]); /* (N * P(i))^-beta */
      if (want[i] > maxw) maxw = want[i];
    }
    for (i = 0; i < K; i++)
      cr_assert_float_eq(isw[i], want[i] / maxw, REAL_TOL, "beta %g, draw %d: %.17g vs %.17g", betas[bi], i, isw[i],
                         want[i] / maxw);
    cr_assert_eq(sl_replay_sample(r, 12, 0, &b), SL_OK);
    maxw = 0;
    for (i = 0; i < 12; i++) {
      want[i] = pow(N * mass[slots[i]] / total, -betas[bi]);
      if (want[i] > maxw) maxw = want[i];
    }
    for (i = 0; i < 12; i++) cr_assert_float_eq(isw[i], want[i] / maxw, REAL_TOL, "distinct draws");
    sl_replay_free(r);
  }
}

Test(replay_prioritized, distinct_draws_take_each_in_turn_and_restore_the_tree) {
  enum { N = 12, CALLS = 20000 };
  double mass[N], first[N] = {0}, expect[N], total = 0, before, after;
  size_t slots[N];
  sl_replay_batch b = slots_batch(slots, NULL, NULL, N);
  sl_replay *r = prioritized(N, 1.0, 0.4, mass);
  int i, j, c;
  for (i = 0; i < N; i++) total += mass[i];
  cr_assert_eq(sl_replay_stat(r, "total_mass", &before), SL_OK);
  for (c = 0; c < CALLS; c++) {
    cr_assert_eq(sl_replay_sample(r, 4, 0, &b), SL_OK);
    for (i = 0; i < 4; i++)
      for (j = 0; j < i; j++) cr_assert_neq(slots[i], slots[j]);
    first[slots[0]] += 1;
  }
  cr_assert_eq(sl_replay_stat(r, "total_mass", &after), SL_OK);
  cr_assert_eq(before, after, "masses put back exactly");
  for (i = 0; i < N; i++) expect[i] = (double)CALLS * mass[i] / total;
  cr_assert_lt(chi2(first, expect, N), chi2_crit(N - 1), "the first of distinct draws follows P(i)");
  cr_assert_eq(sl_replay_sample(r, N, 0, &b), SL_OK, "all of them");
  sl_replay_free(r);
}

Test(replay_prioritized, new_records_get_the_largest_priority_and_evict_the_oldest) {
  sl_replay *r = make(SL_REPLAY_PRIORITIZED, 4, 5);
  size_t s = 1, slot;
  double p = 9, mp, tm;
  int i;
  cr_assert_eq(sl_replay_set_double(r, "alpha", 0.5), SL_OK);
  cr_assert_eq(sl_replay_set_double(r, "epsilon", 0), SL_OK);
  for (i = 0; i < 4; i++) add(r, 0, (uint64_t)i);
  cr_assert_eq(sl_replay_update_priorities(r, &s, &p, 1), SL_OK);
  cr_assert_eq(sl_replay_stat(r, "max_priority", &mp), SL_OK);
  cr_assert_eq(mp, 9);
  cr_assert_eq(sl_replay_stat(r, "total_mass", &tm), SL_OK);
  cr_assert_float_eq(tm, 3 + 3, 10 * REAL_TOL, "three of mass 1, one of 9^0.5");
  add(r, 0, 4); /* replaces slot 0 (mass 1) with mass 3 */
  cr_assert_eq(sl_replay_stat(r, "total_mass", &tm), SL_OK);
  cr_assert_float_eq(tm, 2 + 3 + 3, 10 * REAL_TOL);
  add(r, 0, 5); /* replaces slot 1 (mass 3) with mass 3 */
  add(r, 0, 6);
  cr_assert_eq(sl_replay_add(r, &p, 1, 0, 1, 0, 7, &slot), SL_OK);
  cr_assert_eq(slot, 3, "ring order");
  cr_assert_eq(sl_replay_stat(r, "total_mass", &tm), SL_OK);
  cr_assert_float_eq(tm, 12, 10 * REAL_TOL);
  cr_assert_eq(sl_replay_clear(r), SL_OK);
  cr_assert_eq(sl_replay_stat(r, "total_mass", &tm), SL_OK);
  cr_assert_eq(tm, 0);
  cr_assert_eq(sl_replay_stat(r, "max_priority", &mp), SL_OK);
  cr_assert_eq(mp, 1, "back to initial_priority");
  sl_replay_free(r);
}

/* ---- the sum tree ---------------------------------------------------------------- */

static void check_tree(const sl__sum_tree *t, size_t n) {
  size_t j;
  double s = 0;
  for (j = 1; j < t->leaves; j++)
    cr_assert_eq(t->node[j], t->node[2 * j] + t->node[2 * j + 1], "node %zu is not the sum of its children", j);
  for (j = 0; j < n; j++) s += t->node[t->leaves + j];
  for (j = n; j < t->leaves; j++) cr_assert_eq(t->node[t->leaves + j], 0, "padding leaf %zu", j);
  cr_assert_float_eq(sl__sum_tree_total(t), s, 1e3 * REAL_TOL * s, "total is the sum of the leaves");
}

Test(replay_sum_tree, invariants_hold_after_random_updates) {
  enum { N = 1000 };
  static sl_real node[2048];
  static double mass[N], prefix[N + 1];
  sl__sum_tree t;
  unsigned s = 99;
  int round, i;
  cr_assert_eq(sl__sum_tree_nodes(N), 2048);
  cr_assert_eq(sl__sum_tree_nodes(1), 2);
  sl__sum_tree_init(&t, node, N);
  check_tree(&t, N);
  for (round = 0; round < 50; round++) {
    for (i = 0; i < 300; i++) {
      size_t leaf;
      double m;
      s = s * 1103515245u + 12345u;
      leaf = (s >> 8) % N;
      s = s * 1103515245u + 12345u;
      m = (s >> 16) % 4 == 0 ? 0.0 : ((s >> 8) % 10000) / 100.0;
      mass[leaf] = (double)(sl_real)m;
      sl__sum_tree_set(&t, leaf, (sl_real)m);
    }
    check_tree(&t, N);
    for (i = 0; i < N; i++) cr_assert_eq(sl__sum_tree_get(&t, (size_t)i), mass[i]);
  }
  /* find: the leaf whose prefix interval holds u, never an empty one */
  prefix[0] = 0;
  for (i = 0; i < N; i++) prefix[i + 1] = prefix[i] + mass[i];
  for (i = 0; i < 20000; i++) {
    double total = sl__sum_tree_total(&t), u;
    size_t leaf;
    s = s * 1103515245u + 12345u;
    u = (i < 2 ? (i == 0 ? 0.0 : nextafter(total, 0)) : (s >> 4) / 268435456.0 * total);
    leaf = sl__sum_tree_find(&t, (sl_real)u);
    cr_assert_lt(leaf, (size_t)N);
    cr_assert_gt(mass[leaf], 0, "u = %.17g found the empty leaf %zu", u, leaf);
    cr_assert(prefix[leaf] <= u * (1 + 1e3 * REAL_TOL) && u <= prefix[leaf + 1] * (1 + 1e3 * REAL_TOL),
              "u = %.17g outside leaf %zu's [%.17g, %.17g)", u, leaf, prefix[leaf], prefix[leaf + 1]);
  }
  /* rebuilding from the leaves gives the very same tree */
  {
    static sl_real copy[2048];
    sl__sum_tree t2 = t;
    memcpy(copy, node, sizeof copy);
    t2.node = copy;
    for (i = 1; i < 1024; i++) copy[i] = -1;
    sl__sum_tree_rebuild(&t2);
    cr_assert_eq(memcmp(copy, node, sizeof copy), 0);
  }
}

Test(replay_sum_tree, find_never_lands_on_an_empty_leaf_at_the_edges) {
  static sl_real node[16];
  sl__sum_tree t;
  int i;
  sl__sum_tree_init(&t, node, 5);
  cr_assert_eq(t.leaves, 8);
  sl__sum_tree_set(&t, 1, (sl_real)0.1);
  sl__sum_tree_set(&t, 2, (sl_real)0.2);
  sl__sum_tree_set(&t, 4, (sl_real)1e-17);
  for (i = 0; i < 3; i++) {
    double u = i == 0 ? 0.0 : i == 1 ? nextafter((double)sl__sum_tree_total(&t), 0) : (double)sl__sum_tree_total(&t);
    size_t leaf = sl__sum_tree_find(&t, (sl_real)u);
    cr_assert(leaf == 1 || leaf == 2 || leaf == 4, "u = %.17g gave leaf %zu", u, leaf);
  }
  cr_assert_eq(sl__sum_tree_find(&t, (sl_real)0.15), 2);
  cr_assert_eq(sl__sum_tree_find(&t, (sl_real)0.05), 1);
}

/* ---- class-balanced shares --------------------------------------------------------- */

/* Holds per class; also checks every slot's target is a class id. */
static void class_counts(const sl_replay *r, size_t *held, int n_classes) {
  size_t size, i;
  memset(held, 0, sizeof *held * (size_t)n_classes);
  cr_assert_eq(sl_replay_size(r, &size), SL_OK);
  for (i = 0; i < size; i++) {
    double y;
    cr_assert_eq(sl_replay_get(r, i, NULL, 0, &y, NULL, NULL, NULL), SL_OK);
    held[(size_t)y]++;
  }
}

Test(replay_class_balanced, rare_classes_keep_all_and_the_rest_split_evenly) {
  enum { C = 300, K = 4 };
  static const double share[K] = {0.80, 0.15, 0.048, 0.002};
  sl_replay *r = make(SL_REPLAY_CLASS_BALANCED, C, 21);
  size_t held[K], seen[K] = {0}, i, mx = 0, mn = C;
  unsigned s = 5;
  int n;
  cr_assert_eq(sl_replay_set_int(r, "n_classes", K), SL_OK);
  for (n = 0; n < 20000; n++) {
    double u;
    int c = 0;
    s = s * 1103515245u + 12345u;
    u = (s >> 8) / 16777216.0;
    while (c < K - 1 && u >= share[c]) u -= share[c++];
    seen[c]++;
    add(r, c, (uint64_t)n);
  }
  class_counts(r, held, K);
  cr_assert_lt(seen[3], C / K, "class 3 is rare (%zu seen)", seen[3]);
  cr_assert_eq(held[3], seen[3], "a class below its share keeps every record seen");
  for (i = 0; i < 3; i++) {
    cr_assert_gt(seen[i], C / K);
    if (held[i] > mx) mx = held[i];
    if (held[i] < mn) mn = held[i];
  }
  cr_assert_leq(mx - mn, 1, "the other classes split the rest evenly: %zu %zu %zu", held[0], held[1], held[2]);
  cr_assert_eq(held[0] + held[1] + held[2] + held[3], C);
  {
    double lc;
    cr_assert_eq(sl_replay_stat(r, "largest_class_count", &lc), SL_OK);
    cr_assert_eq(lc, (double)mx);
  }
  sl_replay_free(r);
}

Test(replay_class_balanced, within_a_class_every_record_is_equally_likely) {
  /* Class 0 floods, class 1 comes every 10th record: class 1 is kept in
   * full, class 0's share is a reservoir over class 0's records. */
  enum { C = 20, N = 200, RUNS = 3000 };
  double count[N] = {0}, expect[N];
  int n0 = 0, run, i, k = 0;
  for (i = 0; i < N; i++) n0 += i % 10 != 9;
  for (run = 0; run < RUNS; run++) {
    sl_replay *r = make(SL_REPLAY_CLASS_BALANCED, C, run);
    size_t held[2];
    for (i = 0; i < N; i++) add(r, i % 10 == 9, (uint64_t)i);
    class_counts(r, held, 2);
    cr_assert_eq(held[1], 20 / 2, "the rare class took half the capacity");
    for (i = 0; i < C; i++) {
      uint64_t key;
      double y;
      cr_assert_eq(sl_replay_get(r, (size_t)i, NULL, 0, &y, NULL, NULL, &key), SL_OK);
      if (y == 0) count[key] += 1;
    }
    sl_replay_free(r);
  }
  for (i = 0; i < N; i++)
    if (i % 10 != 9) {
      count[k] = count[i];
      expect[k++] = (double)RUNS * (C / 2) / n0;
    }
  cr_assert_lt(chi2(count, expect, k), chi2_crit(k - 1), "class 0 inclusion not uniform (chi2 %.1f)",
               chi2(count, expect, k));
}
