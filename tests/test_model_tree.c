/* Hoeffding tree and Hoeffding adaptive tree: known answers on hand-made
 * streams, invariants on a long one, the byte budget, allocation failures
 * during splits, checkpoints mid-stream and rejected input. The agreement
 * with River example by example is in tests/conformance/test_model_tree_river.py. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"
#include "support/contract.h"
#include "support/testalloc.h"

#define HT SL_MODEL_HOEFFDING_TREE
#define HAT SL_MODEL_HOEFFDING_ADAPTIVE_TREE

/* A SEA-like stream: x in [0, 10)^3, class 1 when x0 + x1 <= theta, with 10% label noise. */
typedef struct stream {
  uint64_t s;
} stream;

static double unif(stream *g) {
  g->s = g->s * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(g->s >> 11) / 9007199254740992.0;
}

static double sea(stream *g, double theta, double *x) {
  int y, i;
  for (i = 0; i < 3; i++) x[i] = 10.0 * unif(g);
  y = x[0] + x[1] <= theta;
  if (unif(g) < 0.1) y = !y;
  return y;
}

static sl_model *tree_new(int kind, size_t n) {
  sl_model *m = NULL;
  cr_assert_eq(sl_model_new(&m, kind, n, NULL), SL_OK);
  return m;
}

static double stat(const sl_model *m, const char *name) {
  double v = -1;
  cr_assert_eq(sl_model_stat(m, name, &v), SL_OK, "stat %s", name);
  return v;
}

/* ---- parameters and bad input --------------------------------------------------- */

Test(tree, parameters_follow_river) {
  sl_model *m = tree_new(HT, 4);
  double v;
  int64_t i;
  const sl_param_info *info;
  int kind;
  cr_assert_eq(sl_model_get_int(m, "grace_period", &i), SL_OK);
  cr_assert_eq(i, 200);
  cr_assert_eq(sl_model_get_double(m, "delta", &v), SL_OK);
  cr_assert_eq(v, 1e-7);
  cr_assert_eq(sl_model_get_double(m, "tau", &v), SL_OK);
  cr_assert_eq(v, 0.05);
  cr_assert_eq(sl_model_get_int(m, "leaf_prediction", &i), SL_OK);
  cr_assert_eq(i, 2, "nba");
  cr_assert_eq(sl_model_get_int(m, "n_splits", &i), SL_OK);
  cr_assert_eq(i, 10);
  cr_assert_eq(sl_model_set_str(m, "split_criterion", "hellinger"), SL_OK);
  cr_assert_eq(sl_model_set_str(m, "split_criterion", "entropy"), SL_ERANGE);
  cr_assert_eq(sl_model_get_double(m, "bootstrap_sampling", &v), SL_EPARAM, "adaptive-only parameter");
  cr_assert_eq(sl_model_kind_from_name("hoeffding_adaptive_tree", &kind), SL_OK);
  cr_assert_eq(kind, HAT);
  cr_assert_eq(sl_model_kind_param(HAT, 17, &info), SL_OK);
  cr_assert_str_eq(info->name, "bootstrap_sampling");
  sl_model_free(m);
}

Test(tree, bad_input_is_refused_and_changes_nothing) {
  sl_model *m = tree_new(HT, 3), *lin = NULL;
  double x[3] = {1, 2, 3}, p[4], y, nan_x[3] = {1, NAN, 3}, bad_nom[3] = {1.5, 2, 3};
  size_t nom[1] = {0}, out_of_range[1] = {3};
  cr_assert_eq(sl_model_set_nominal(m, out_of_range, 1), SL_EDIM);
  cr_assert_eq(sl_model_set_nominal(m, NULL, 1), SL_EINVAL);
  cr_assert_eq(sl_model_set_nominal(NULL, nom, 1), SL_EINVAL);
  cr_assert_eq(sl_model_set_nominal(m, nom, 1), SL_OK);
  cr_assert_eq(sl_model_learn(m, x, 2, 0, 1), SL_EDIM);
  cr_assert_eq(sl_model_learn(m, nan_x, 3, 0, 1), SL_ENONFINITE);
  cr_assert_eq(sl_model_learn(m, x, 3, 8, 1), SL_EINVAL, "label past max_classes (8)");
  cr_assert_eq(sl_model_learn(m, x, 3, 0.5, 1), SL_EINVAL);
  cr_assert_eq(sl_model_learn(m, x, 3, 0, -1), SL_EINVAL);
  cr_assert_eq(sl_model_learn(m, bad_nom, 3, 0, 1), SL_EINVAL, "nominal value not an index");
  cr_assert_neq(strstr(sl_model_last_error(m), "nominal"), NULL);
  bad_nom[0] = 32;
  cr_assert_eq(sl_model_learn(m, bad_nom, 3, 0, 1), SL_EINVAL, "nominal value past max_nominal_values");
  cr_assert_eq(stat(m, "weight_seen"), 0.0);
  cr_assert_eq(stat(m, "nodes"), 0.0, "nothing was learned");
  cr_assert_eq(sl_model_predict(m, x, 3, &y), SL_OK);
  cr_assert_eq(y, 0.0, "an empty tree predicts class 0");
  cr_assert_eq(sl_model_predict_proba(m, x, 3, p, 4), SL_OK);
  cr_assert(p[0] == 0 && p[1] == 0);
  cr_assert_eq(sl_model_predict_proba(m, x, 3, NULL, 4), SL_EINVAL);
  cr_assert_eq(sl_model_learn_sparse(m, NULL, NULL, 0, 0, 1), SL_EKIND);
  cr_assert_eq(sl_model_learn(m, x, 3, 1, 1), SL_OK);
  cr_assert_eq(sl_model_set_nominal(m, nom, 1), SL_ESTATE);
  cr_assert_eq(sl_model_set_int(m, "max_classes", 4), SL_ESTATE);
  cr_assert_eq(sl_model_set_int(m, "grace_period", 50), SL_OK, "grace_period may change mid-stream");
  cr_assert_eq(sl_model_new(&lin, SL_MODEL_LOGISTIC_REGRESSION, 3, NULL), SL_OK);
  cr_assert_eq(sl_model_set_nominal(lin, nom, 1), SL_EKIND);
  {
    int kind;
    size_t depth, feat;
    double v;
    cr_assert_eq(sl_model_tree_node(lin, 0, &kind, &depth, &feat, &v), SL_EKIND);
    cr_assert_eq(sl_model_tree_node(m, 0, &kind, &depth, &feat, &v), SL_OK);
    cr_assert_eq(kind, 0);
    cr_assert_eq(v, 1.0);
    cr_assert_eq(sl_model_tree_node(m, 1, &kind, &depth, &feat, &v), SL_ENOTFOUND);
    cr_assert_eq(sl_model_tree_node(m, 0, NULL, &depth, &feat, &v), SL_EINVAL);
  }
  sl_model_free(lin);
  sl_model_free(m);
}

/* ---- known answers ------------------------------------------------------------------ */

Test(tree, numeric_split_at_the_first_gaussian_candidate) {
  /* Class 0 at x0 = 0, class 1 at x0 = 1, x1 constant: every candidate of x0
   * separates the classes (merit 1 bit), the first (min + (max - min) / 11)
   * wins the tie, x1 offers none; the bound is beaten by an infinite margin
   * at the first attempt, after grace_period = 10 examples. */
  sl_model *m = tree_new(HT, 2);
  double x[2], y, p[2], v;
  int i, kind;
  size_t depth, feat;
  cr_assert_eq(sl_model_set_int(m, "grace_period", 10), SL_OK);
  for (i = 0; i < 10; i++) {
    x[0] = i % 2;
    x[1] = 5.0;
    cr_assert_eq(stat(m, "nodes"), i ? 1.0 : 0.0, "no split before example %d", i);
    cr_assert_eq(sl_model_learn(m, x, 2, i % 2, 1), SL_OK);
  }
  cr_assert_eq(stat(m, "nodes"), 3.0);
  cr_assert_eq(stat(m, "depth"), 1.0);
  cr_assert_eq(sl_model_tree_node(m, 0, &kind, &depth, &feat, &v), SL_OK);
  cr_assert_eq(kind, 1, "numeric split");
  cr_assert_eq(feat, 0);
  cr_assert_eq(v, 1.0 / 11.0);
  cr_assert_eq(sl_model_tree_node(m, 1, &kind, &depth, &feat, &v), SL_OK);
  cr_assert(kind == 0 && depth == 1 && v == 5.0, "left leaf holds the five class-0 examples");
  x[0] = 0.05;
  cr_assert_eq(sl_model_predict_proba(m, x, 2, p, 2), SL_OK);
  cr_assert(p[0] == 1.0 && p[1] == 0.0);
  x[0] = 0.9;
  cr_assert_eq(sl_model_predict(m, x, 2, &y), SL_OK);
  cr_assert_eq(y, 1.0);
  sl_model_free(m);
}

static void nominal_stream(sl_model *m, int n) {
  double x[2];
  int i;
  for (i = 0; i < n; i++) {
    x[0] = i % 3; /* class 1 exactly at value 2 */
    x[1] = 1.0;
    cr_assert_eq(sl_model_learn(m, x, 2, i % 3 == 2, 1), SL_OK);
  }
}

Test(tree, nominal_multiway_and_binary_splits) {
  sl_model *m = tree_new(HT, 2);
  size_t nom[1] = {0}, depth, feat;
  int kind;
  double v, x[2] = {7, 1}, y;
  cr_assert_eq(sl_model_set_nominal(m, nom, 1), SL_OK);
  cr_assert_eq(sl_model_set_int(m, "grace_period", 12), SL_OK);
  nominal_stream(m, 12);
  cr_assert_eq(sl_model_tree_node(m, 0, &kind, &depth, &feat, &v), SL_OK);
  cr_assert_eq(kind, 3, "multiway split: perfect, and binary ties do not replace it");
  cr_assert_eq(v, 3.0, "one branch per value seen");
  cr_assert_eq(sl_model_predict(m, x, 2, &y), SL_OK, "an unseen value follows the most common path");
  x[0] = 2;
  cr_assert_eq(sl_model_predict(m, x, 2, &y), SL_OK);
  cr_assert_eq(y, 1.0);
  x[0] = 5; /* learning an unseen value grows a branch for it */
  cr_assert_eq(sl_model_learn(m, x, 2, 0, 1), SL_OK);
  cr_assert_eq(sl_model_tree_node(m, 0, &kind, &depth, &feat, &v), SL_OK);
  cr_assert_eq(v, 4.0);
  sl_model_free(m);

  m = tree_new(HT, 2);
  cr_assert_eq(sl_model_set_nominal(m, nom, 1), SL_OK);
  cr_assert_eq(sl_model_set_int(m, "grace_period", 12), SL_OK);
  cr_assert_eq(sl_model_set_int(m, "binary_split", 1), SL_OK);
  nominal_stream(m, 12);
  cr_assert_eq(sl_model_tree_node(m, 0, &kind, &depth, &feat, &v), SL_OK);
  cr_assert_eq(kind, 2, "nominal binary split");
  cr_assert_eq(v, 2.0, "on the value that isolates class 1");
  sl_model_free(m);
}

Test(tree, classes_may_appear_mid_stream_and_max_depth_holds) {
  sl_model *m = tree_new(HT, 3);
  stream g = {7};
  double x[3], p[4], y;
  int i;
  cr_assert_eq(sl_model_set_int(m, "max_depth", 2), SL_OK);
  cr_assert_eq(sl_model_set_int(m, "grace_period", 50), SL_OK);
  for (i = 0; i < 20000; i++) {
    y = sea(&g, 7, x);
    if (i >= 5000 && x[2] > 8) y = 2; /* a third class from example 5000 on */
    cr_assert_eq(sl_model_learn(m, x, 3, y, 1), SL_OK);
  }
  cr_assert_leq(stat(m, "depth"), 2.0);
  cr_assert_gt(stat(m, "nodes"), 1.0);
  x[0] = x[1] = 1;
  x[2] = 9.5;
  cr_assert_eq(sl_model_predict_proba(m, x, 3, p, 4), SL_OK);
  cr_assert_gt(p[2], 0.0, "class 2 is known");
  cr_assert_eq(p[3], 0.0);
  sl_model_free(m);
}

/* ---- invariants --------------------------------------------------------------------- */

static void check_invariants(sl_model *m, const double *x, int n_classes) {
  double p[8], s = 0, y;
  int c, best = 0;
  cr_assert_eq(sl_model_predict_proba(m, x, 3, p, 8), SL_OK);
  cr_assert_eq(sl_model_predict(m, x, 3, &y), SL_OK);
  for (c = 0; c < 8; c++) {
    cr_assert(p[c] >= 0 && p[c] <= 1 + 1e-12, "p[%d] = %g", c, p[c]);
    s += p[c];
    if (p[c] > p[best]) best = c;
  }
  for (c = n_classes; c < 8; c++) cr_assert_eq(p[c], 0.0);
  cr_assert(fabs(s - 1.0) < 1e-9, "probabilities sum to %.17g", s);
  cr_assert_eq((int)y, best, "predict is the first most probable class");
  cr_assert_eq(stat(m, "nodes"), stat(m, "branches") + stat(m, "leaves"));
  cr_assert_geq(stat(m, "active_leaves") + stat(m, "inactive_leaves"), stat(m, "leaves"), "alternates add leaves");
}

static void invariants_on(int kind, const char *pred) {
  sl_model *m = tree_new(kind, 3);
  stream g = {11};
  double x[3], y;
  long i, ok = 0;
  cr_assert_eq(sl_model_set_str(m, "leaf_prediction", pred), SL_OK);
  for (i = 0; i < 30000; i++) {
    y = sea(&g, i < 15000 ? 8 : 11, x);
    if (i > 0) check_invariants(m, x, 2);
    {
      double yp;
      sl_model_predict(m, x, 3, &yp);
      ok += yp == y;
    }
    cr_assert_eq(sl_model_learn(m, x, 3, y, 1), SL_OK);
  }
  cr_assert_gt(stat(m, "nodes"), 1.0);
 cr_assert_gt((double)ok / 30000, 0.75, "%s %s accuracy %.3f", sl_model_kind_name(kind), pred, (double)ok / 30000);
  cr_assert_eq(sl_model_reset(m), SL_OK);
  cr_assert_eq(stat(m, "nodes"), 0.0);
  cr_assert_eq(sl_model_predict(m, x, 3, &y), SL_OK);
  cr_assert_eq(y, 0.0);
  sl_model_free(m);
}

Test(tree, invariants_mc) { invariants_on(HT, "mc"); }
Test(tree, invariants_nb) { invariants_on(HT, "nb"); }
Test(tree, invariants_nba) { invariants_on(HT, "nba"); }
Test(adaptive_tree, invariants_nba) { invariants_on(HAT, "nba"); }
Test(adaptive_tree, invariants_mc) { invariants_on(HAT, "mc"); }

/* ---- the byte budget -------------------------------------------------------------------- */

Test(tree, budget_is_respected_on_a_long_stream) {
  sl_model *m = tree_new(HT, 3);
  stream g = {3};
  double x[3], y, budget = 0.04, most = 0; /* MiB */
  long i, ok = 0, n = 1000000;
  double inactive_seen = 0;
  cr_assert_eq(sl_model_set_double(m, "max_size", budget), SL_OK);
  cr_assert_eq(sl_model_set_int(m, "max_classes", 2), SL_OK);
  cr_assert_eq(sl_model_set_int(m, "grace_period", 50), SL_OK);
  cr_assert_eq(sl_model_set_double(m, "delta", 0.01), SL_OK);
  cr_assert_eq(sl_model_set_int(m, "memory_estimate_period", 20000), SL_OK);
  for (i = 0; i < n; i++) {
    double yp;
    y = sea(&g, (i / 100000) % 2 ? 7 : 12, x); /* concept changes keep the tree growing */
    if (i >= n - 100000) {
      sl_model_predict(m, x, 3, &yp);
      ok += yp == y;
    }
    cr_assert_eq(sl_model_learn(m, x, 3, y, 1), SL_OK);
    if (i % 1000 == 0) {
      double b = stat(m, "bytes"), in = stat(m, "inactive_leaves");
      cr_assert_leq(b, budget * 1048576.0, "bytes %.0f over budget at %ld", b, i);
      if (b > most) most = b;
      if (in > inactive_seen) inactive_seen = in;
    }
  }
  cr_assert_gt(inactive_seen, 0.0, "the budget forced leaves to stop learning");
  cr_assert_gt(most, 0.8 * budget * 1048576.0, "the budget was used");
  /* an unbounded tree scores 0.72 here: the concept flips every 100000 examples */
  cr_assert_gt((double)ok / 100000, 0.7, "still learning under the budget (%.3f)", (double)ok / 100000);
  /* room returns: leaves learn again */
  {
    double before = stat(m, "active_leaves");
    cr_assert_eq(sl_model_set_double(m, "max_size", 100), SL_OK);
    cr_assert_gt(stat(m, "active_leaves"), before);
    cr_assert_eq(stat(m, "inactive_leaves"), 0.0);
  }
  sl_model_free(m);
}

/* ---- allocation failures ------------------------------------------------------------------ */

typedef struct lifecycle {
  int kind;
} lifecycle;

static sl_status tree_lifecycle(const sl_allocator *a, void *ctx) {
  const lifecycle *lc = (const lifecycle *)ctx;
  sl_model *m = NULL, *e = NULL;
  stream g = {5};
  size_t nom[1] = {2}, len = 0;
  unsigned char *buf = NULL;
  double x[3], failures;
  sl_status st;
  int i;
  if ((st = sl_model_new(&m, lc->kind, 3, a)) != SL_OK) return st;
  if ((st = sl_model_set_int(m, "grace_period", 50)) != SL_OK || (st = sl_model_set_int(m, "max_nominal_values", 4)) != SL_OK ||
      (st = sl_model_set_nominal(m, nom, 1)) != SL_OK) {
    sl_model_free(m);
    return st;
  }
  for (i = 0; i < 3000 && st == SL_OK; i++) {
    double y = sea(&g, 9, x);
    x[2] = floor(x[2] / 2.5);
    st = sl_model_learn(m, x, 3, y, 1);
  }
  sl_model_stat(m, "split_failures", &failures);
  if (st == SL_OK && failures > 0) st = SL_ENOMEM; /* absorbed: the tree kept working */
  if (st == SL_OK && sl_model_save_mem(m, 0, NULL, 0, &len) == SL_EBUFFER && (buf = malloc(len))) {
    st = sl_model_save_mem(m, 0, buf, len, &len);
    if (st == SL_OK) st = sl_model_load_mem(&e, buf, len, a);
  }
  free(buf);
  sl_model_free(e);
  sl_model_free(m);
  return st;
}

Test(tree, every_allocation_failure_is_clean) {
  lifecycle lc = {HT};
  cr_assert_gt(test_alloc_sweep(tree_lifecycle, &lc), 10);
}

Test(adaptive_tree, every_allocation_failure_is_clean) {
  lifecycle lc = {HAT};
  cr_assert_gt(test_alloc_sweep(tree_lifecycle, &lc), 10);
}

/* A refused allocation during a split leaves the tree as it was: same
 * nodes, learning goes on, the split comes later. */
Test(tree, a_failed_split_leaves_the_tree_as_it_was) {
  long k;
  for (k = 0; k < 40; k++) {
    test_alloc ta;
    sl_model *m = NULL;
    stream g = {9};
    double x[3], y, fails = 0;
    int i;
    test_alloc_init(&ta);
    cr_assert_eq(sl_model_new(&m, HT, 3, &ta.a), SL_OK);
    sl_model_set_int(m, "grace_period", 50);
    y = sea(&g, 9, x);
    cr_assert_eq(sl_model_learn(m, x, 3, y, 1), SL_OK, "the root leaf");
    test_alloc_fail_at(&ta, k);
    for (i = 0; i < 4000; i++) {
      double nodes_before = stat(m, "nodes"), f;
      y = sea(&g, 9, x);
      cr_assert_eq(sl_model_learn(m, x, 3, y, 1), SL_OK, "learn failed (allocation %ld)", k);
      f = stat(m, "split_failures");
      if (f > fails && nodes_before > 0) cr_assert_eq(stat(m, "nodes"), nodes_before, "half a split");
      fails = f;
      cr_assert_eq(sl_model_predict(m, x, 3, &y), SL_OK);
    }
    cr_assert_gt(stat(m, "nodes"), 1.0, "the tree grew after the failure (allocation %ld)", k);
    sl_model_free(m);
    cr_assert_eq(ta.live_blocks, 0);
    cr_assert_eq(ta.bad_free, 0);
  }
}

/* ---- checkpoints ---------------------------------------------------------------------------- */

static void checkpoint_mid_stream(int kind) {
  sl_model *m = tree_new(kind, 3), *e = NULL;
  stream g = {21};
  size_t nom[1] = {2}, len;
  unsigned char *buf, *b2;
  double x[3], y;
  int i;
  cr_assert_eq(sl_model_set_int(m, "max_nominal_values", 4), SL_OK);
  cr_assert_eq(sl_model_set_nominal(m, nom, 1), SL_OK);
  cr_assert_eq(sl_model_set_int(m, "grace_period", 100), SL_OK);
  CHECK_CHECKPOINT_CONTRACT(model, m);
  for (i = 0; i < 4000; i++) {
    y = sea(&g, i < 2000 ? 8 : 12, x);
    x[2] = floor(x[2] / 2.5);
    sl_model_learn(m, x, 3, y, 1);
  }
  cr_assert_gt(stat(m, "nodes"), 1.0);
  CHECK_CHECKPOINT_CONTRACT(model, m);
  cr_assert_eq(sl_model_save_mem(m, 0, NULL, 0, &len), SL_EBUFFER);
  buf = malloc(len);
  cr_assert_eq(sl_model_save_mem(m, 0, buf, len, &len), SL_OK);
  cr_assert_eq(sl_model_load_mem(&e, buf, len, NULL), SL_OK);
  cr_assert_eq(stat(e, "bytes"), stat(m, "bytes"), "a loaded tree holds the same blocks");
  for (i = 0; i < 6000; i++) {
    double a, b, pa[2], pb[2];
    y = sea(&g, 9, x);
    x[2] = floor(x[2] / 2.5);
    sl_model_predict_proba(m, x, 3, pa, 2);
    sl_model_predict_proba(e, x, 3, pb, 2);
    sl_model_predict(m, x, 3, &a);
    sl_model_predict(e, x, 3, &b);
    cr_assert(a == b && pa[0] == pb[0] && pa[1] == pb[1], "diverged at %d", i);
    sl_model_learn(m, x, 3, y, 1);
    sl_model_learn(e, x, 3, y, 1);
  }
  free(buf);
  cr_assert_eq(sl_model_save_mem(m, 0, NULL, 0, &len), SL_EBUFFER);
  buf = malloc(len);
  b2 = malloc(len);
  cr_assert_eq(sl_model_save_mem(m, 0, buf, len, &len), SL_OK);
  cr_assert_eq(sl_model_save_mem(e, 0, b2, len, &len), SL_OK);
  cr_assert(memcmp(buf, b2, len) == 0, "same state after the same examples");
  free(buf);
  free(b2);
  sl_model_free(e);
  sl_model_free(m);
}

Test(tree, checkpoint_contract_and_exact_resume) { checkpoint_mid_stream(HT); }
Test(adaptive_tree, checkpoint_contract_and_exact_resume) { checkpoint_mid_stream(HAT); }

/* ---- the adaptive tree ------------------------------------------------------------------------ */

Test(adaptive_tree, adapts_to_a_concept_change_faster_than_the_plain_tree) {
  sl_model *ht = tree_new(HT, 3), *hat = tree_new(HAT, 3);
  stream g = {13};
  double x[3], y, a, b;
  long i, ok_ht = 0, ok_hat = 0;
  for (i = 0; i < 40000; i++) {
    y = sea(&g, i < 20000 ? 7 : 13, x);
    if (i >= 20000 && i < 30000) {
      sl_model_predict(ht, x, 3, &a);
      sl_model_predict(hat, x, 3, &b);
      ok_ht += a == y;
      ok_hat += b == y;
    }
    sl_model_learn(ht, x, 3, y, 1);
    sl_model_learn(hat, x, 3, y, 1);
  }
  cr_assert_gt(stat(hat, "alternate_trees"), 0.0);
  cr_assert_gt(ok_hat, ok_ht, "after the change: adaptive %ld vs plain %ld of 10000", ok_hat, ok_ht);
  sl_model_free(ht);
  sl_model_free(hat);
}

Test(adaptive_tree, same_seed_same_tree) {
  sl_model *a = tree_new(HAT, 3), *b = tree_new(HAT, 3);
  stream g = {17};
  double x[3], y, pa, pb;
  int i;
  cr_assert_eq(sl_model_set_int(a, "seed", 5), SL_OK);
  cr_assert_eq(sl_model_set_int(b, "seed", 5), SL_OK);
  for (i = 0; i < 20000; i++) {
    y = sea(&g, 9, x);
    sl_model_learn(a, x, 3, y, 1);
    sl_model_learn(b, x, 3, y, 1);
    sl_model_predict(a, x, 3, &pa);
    sl_model_predict(b, x, 3, &pb);
    cr_assert_eq(pa, pb);
  }
  cr_assert_eq(sl_model_set_int(a, "seed", 6), SL_ESTATE);
  sl_model_free(a);
  sl_model_free(b);
}
