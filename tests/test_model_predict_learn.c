/* sl_model_predict_learn / sl_model_predict_proba_learn against predict
 * then learn, bit for bit, for every kind; the fused finiteness check of
 * the linear kinds (a bad value anywhere is found, nothing is written; an
 * overflowing score from finite values is not mistaken for bad input); the
 * plain SGD path against the general update engine; learn_many's checks
 * before any row is learned. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"

#define D 6
#define STEPS 1500

/* A model of `kind` with "name=value" settings (NULL-terminated). */
static sl_model *make(sl_model_kind kind, size_t d, const char *const *set) {
  sl_model *m = NULL;
  cr_assert_eq(sl_model_new(&m, kind, d, NULL), SL_OK);
  for (; set && *set; set += 2)
    cr_assert_eq(sl_model_set_str(m, set[0], set[1]), SL_OK, "%s=%s: %s", set[0], set[1], sl_model_last_error(m));
  return m;
}

static void assert_same_state(const sl_model *a, const sl_model *b, const char *what) {
  size_t na = 0, nb = 0;
  unsigned char *ba, *bb;
  cr_assert_eq(sl_model_save_mem(a, 0, NULL, 0, &na), SL_EBUFFER);
  cr_assert_eq(sl_model_save_mem(b, 0, NULL, 0, &nb), SL_EBUFFER);
  ba = malloc(na);
  bb = malloc(nb);
  cr_assert_eq(sl_model_save_mem(a, 0, ba, na, &na), SL_OK);
  cr_assert_eq(sl_model_save_mem(b, 0, bb, nb, &nb), SL_OK);
  cr_assert(na == nb && memcmp(ba, bb, na) == 0, "%s: the two models differ", what);
  free(ba);
  free(bb);
}

static uint64_t rng_state;
static double uniform(void) { /* xorshift64, in [-1, 1) */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (double)(rng_state >> 11) / 4503599627370496.0 - 1.0;
}

/* One row of the test stream, with a label fitting the model's task and
 * classes, and now and then a huge value (overflows, refused steps). */
static void stream_row(size_t i, sl_model_task task, int64_t classes, double *x, double *y, double *w) {
  size_t j;
  for (j = 0; j < D; j++) x[j] = uniform() * (double)(j + 1);
  if (i % 97 == 13) x[i % D] = 1e200;
  if (task == SL_TASK_CLASSIFICATION)
    *y = (double)((x[0] + x[1] > 0 ? 1 : 0) + (classes > 2 && x[2] > 1.0 ? 1 : 0));
  else
    *y = 3.0 * x[0] - x[1] + 0.1 * uniform();
  *w = i % 5 == 0 ? 0.5 : 1.0;
}

/* Model a learns by predict then learn, model b by predict_learn (and the
 * proba forms when `proba`): every status, prediction and the final state
 * must agree bit for bit. */
static void same_as_two_calls(sl_model_kind kind, const char *const *set, int proba) {
  sl_model *a = make(kind, D, set), *b = make(kind, D, set);
  sl_model_task task;
  int64_t classes = 2;
  double x[D], y, w, pa[4], pb[4], allocs0, allocs1;
  size_t i;
  sl_model_info(a, &task, NULL);
  sl_model_get_int(a, "n_classes", &classes);
  rng_state = 0x9e3779b97f4a7c15ull;
  sl_model_stat(b, "allocations", &allocs0);
  for (i = 0; i < STEPS; i++) {
    sl_status sa, sb, la;
    stream_row(i, task, classes, x, &y, &w);
    memset(pa, 0, sizeof pa);
    memset(pb, 0, sizeof pb);
    if (proba) {
      sa = sl_model_predict_proba(a, x, D, pa, 4);
      la = sl_model_learn(a, x, D, y, w);
      sb = sl_model_predict_proba_learn(b, x, D, y, w, pb, 4);
    } else {
      sa = sl_model_predict(a, x, D, pa);
      la = sl_model_learn(a, x, D, y, w);
      sb = sl_model_predict_learn(b, x, D, y, w, pb);
    }
    cr_assert_eq(sa, SL_OK, "%s step %zu: %s", sl_model_kind_name(kind), i, sl_model_last_error(a));
    cr_assert_eq(sb, la, "%s step %zu: predict_learn %d, learn %d", sl_model_kind_name(kind), i, sb, la);
    cr_assert(memcmp(pa, pb, sizeof pa) == 0, "%s step %zu: predictions differ (%.17g vs %.17g)",
              sl_model_kind_name(kind), i, pa[0], pb[0]);
  }
  sl_model_stat(b, "allocations", &allocs1);
  if (kind != SL_MODEL_HOEFFDING_TREE && kind != SL_MODEL_HOEFFDING_ADAPTIVE_TREE)
    cr_assert_eq(allocs1, allocs0, "predict_learn allocated");
  assert_same_state(a, b, sl_model_kind_name(kind));
  sl_model_free(a);
  sl_model_free(b);
}

Test(predict_learn, equals_predict_then_learn_for_every_kind) {
  static const char *const sgd[] = {NULL};
  static const char *const huber_l2[] = {"loss", "huber", "l2", "0.01", NULL};
  static const char *const adam_std[] = {"optimizer", "adam", "standardize", "true", NULL};
  static const char *const vw[] = {"optimizer", "vw", "lr", "0.5", NULL};
  static const char *const ftrl_l1[] = {"optimizer", "ftrl", "l1", "0.001", NULL};
  static const char *const soft3[] = {"n_classes", "3", "optimizer", "adagrad", NULL};
  static const char *const pa2[] = {"mode", "pa2", NULL};
  static const char *const ewc[] = {"ewc_lambda", "5", NULL};
  static const char *const tree[] = {"grace_period", "50", "max_classes", "2", NULL};
  static const char *const tree_nb[] = {"grace_period", "40", "leaf_prediction", "nb", NULL};
  same_as_two_calls(SL_MODEL_LINEAR_REGRESSION, sgd, 0);
  same_as_two_calls(SL_MODEL_LINEAR_REGRESSION, huber_l2, 0);
  same_as_two_calls(SL_MODEL_LINEAR_REGRESSION, adam_std, 0);
  same_as_two_calls(SL_MODEL_LINEAR_REGRESSION, vw, 0);
  same_as_two_calls(SL_MODEL_LOGISTIC_REGRESSION, sgd, 0);
  same_as_two_calls(SL_MODEL_LOGISTIC_REGRESSION, ftrl_l1, 1);
  same_as_two_calls(SL_MODEL_SOFTMAX_REGRESSION, soft3, 0);
  same_as_two_calls(SL_MODEL_SOFTMAX_REGRESSION, soft3, 1);
  same_as_two_calls(SL_MODEL_LINEAR_SVM, sgd, 1);
  same_as_two_calls(SL_MODEL_PA_CLASSIFIER, sgd, 0);
  same_as_two_calls(SL_MODEL_PA_REGRESSOR, pa2, 0);
  same_as_two_calls(SL_MODEL_EWC_LINEAR, ewc, 0);
  same_as_two_calls(SL_MODEL_EWC_LOGISTIC, ewc, 1);
  same_as_two_calls(SL_MODEL_HOEFFDING_TREE, tree, 0);
  same_as_two_calls(SL_MODEL_HOEFFDING_TREE, tree_nb, 1);
  same_as_two_calls(SL_MODEL_HOEFFDING_ADAPTIVE_TREE, tree, 0);
  same_as_two_calls(SL_MODEL_HOEFFDING_ADAPTIVE_TREE, tree, 1);
}

/* ---- refusals ------------------------------------------------------------------ */

static size_t snapshot(const sl_model *m, unsigned char *buf, size_t cap) {
  size_t len = 0;
  cr_assert_eq(sl_model_save_mem(m, 0, buf, cap, &len), SL_OK);
  return len;
}

/* Every bad argument of predict_learn: its status, *prediction untouched,
 * the model unchanged. */
static void refusals_on(sl_model_kind kind, const char *const *set) {
  sl_model *m = make(kind, D, set);
  unsigned char before[8192], after[8192];
  double x[D] = {0.5, -1, 2, 0.25, 1, -0.5}, p = 42.0, pr[2] = {42.0, 42.0};
  size_t n0, n1, j;
  int t;
  for (t = 0; t < 20; t++) cr_assert_eq(sl_model_learn(m, x, D, (double)(t % 2), 1.0), SL_OK);
  n0 = snapshot(m, before, sizeof before);
  for (j = 0; j < D; j++) {
    double bad[3] = {NAN, INFINITY, -INFINITY};
    int v;
    for (v = 0; v < 3; v++) {
      double save = x[j];
      x[j] = bad[v];
      cr_assert_eq(sl_model_predict_learn(m, x, D, 1.0, 1.0, &p), SL_ENONFINITE, "feature %zu", j);
      cr_assert_eq(sl_model_predict_proba_learn(m, x, D, 1.0, 1.0, pr, 2), SL_ENONFINITE);
      cr_assert_eq(sl_model_learn(m, x, D, 1.0, 1.0), SL_ENONFINITE);
      cr_assert_eq(sl_model_predict(m, x, D, &p), SL_ENONFINITE);
      cr_assert_neq(strstr(sl_model_last_error(m), "feature"), NULL, "%s", sl_model_last_error(m));
      x[j] = save;
    }
  }
  cr_assert_eq(sl_model_predict_learn(m, x, D, 1.0, 1.0, NULL), SL_EINVAL);
  cr_assert_eq(sl_model_predict_learn(NULL, x, D, 1.0, 1.0, &p), SL_EINVAL);
  cr_assert_eq(sl_model_predict_learn(m, NULL, D, 1.0, 1.0, &p), SL_EINVAL);
  cr_assert_eq(sl_model_predict_learn(m, x, D + 1, 1.0, 1.0, &p), SL_EDIM);
  cr_assert_eq(sl_model_predict_learn(m, x, D, 1e9, 1.0, &p), SL_EINVAL, "label beyond the classes");
  cr_assert_eq(sl_model_predict_learn(m, x, D, 0.5, 1.0, &p), SL_EINVAL, "fractional label");
  cr_assert_eq(sl_model_predict_learn(m, x, D, 1.0, -1.0, &p), SL_EINVAL);
  cr_assert_eq(sl_model_predict_learn(m, x, D, NAN, 1.0, &p), SL_ENONFINITE);
  cr_assert_eq(sl_model_predict_proba_learn(m, x, D, 1.0, 1.0, NULL, 2), SL_EINVAL);
  cr_assert_eq(sl_model_predict_proba_learn(m, x, D, 1.0, 1.0, pr, 0), SL_EINVAL);
  cr_assert_eq(sl_model_predict_proba_learn(m, x, D, 1.0, INFINITY, pr, 2), SL_ENONFINITE);
  cr_assert(p == 42.0 && pr[0] == 42.0 && pr[1] == 42.0, "a refused call wrote its output");
  n1 = snapshot(m, after, sizeof after);
  cr_assert(n0 == n1 && memcmp(before, after, n0) == 0, "a refused call changed the model");
  sl_model_free(m);
}

Test(predict_learn, bad_arguments_write_nothing) {
  static const char *const std[] = {"standardize", "true", NULL};
  static const char *const tree[] = {"grace_period", "5", NULL};
  refusals_on(SL_MODEL_LOGISTIC_REGRESSION, NULL);
  refusals_on(SL_MODEL_LOGISTIC_REGRESSION, std);
  refusals_on(SL_MODEL_PA_CLASSIFIER, NULL);
  refusals_on(SL_MODEL_HOEFFDING_TREE, tree);
}

/* A weight of 0 meets an infinity (0 * inf is NaN): still found. A score
 * that overflows from finite values is no input error: predict returns it,
 * and learn refuses the step it leads to. (Weights in float range, so the
 * test holds in SL_REAL_FLOAT builds too.) */
Test(predict_learn, fused_check_finds_infinity_behind_a_zero_weight_and_lets_overflow_through) {
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 3, NULL);
  double w[4] = {0.0, 1e30, 1e30, 0.0}, x[3] = {INFINITY, 1.0, 1.0}, big[3] = {0.0, 1e300, 1e300}, p = 0;
  cr_assert_eq(sl_model_set_weights(m, w, 4), SL_OK);
  cr_assert_eq(sl_model_predict(m, x, 3, &p), SL_ENONFINITE);
  cr_assert_neq(strstr(sl_model_last_error(m), "feature 0"), NULL, "%s", sl_model_last_error(m));
  cr_assert_eq(sl_model_predict(m, big, 3, &p), SL_OK, "%s", sl_model_last_error(m));
  cr_assert(isinf(p) && p > 0, "the overflowing score is the prediction: %g", p);
  cr_assert_eq(sl_model_predict_learn(m, big, 3, 0.0, 1.0, &p), SL_ENONFINITE, "the step diverges");
  cr_assert_neq(strstr(sl_model_last_error(m), "diverged"), NULL, "%s", sl_model_last_error(m));
  cr_assert(isinf(p), "the prediction is still written");
  sl_model_free(m);
}

/* ---- the plain SGD path ----------------------------------------------------------- */

/* invscaling with power_t 0 is the constant rate (lr / 1) through the
 * general engine: the plain path must match it bit for bit, including rows
 * so large that the plain path's bound fails and its check pass runs: for
 * the regression the step then overflows and is refused, for the
 * classifiers (|gradient| <= 1) it is finite and applied. */
Test(predict_learn, plain_sgd_path_equals_the_general_engine) {
  static const sl_model_kind kinds[] = {SL_MODEL_LINEAR_REGRESSION, SL_MODEL_LOGISTIC_REGRESSION,
                                        SL_MODEL_LINEAR_SVM};
  static const char *const lrs[] = {"0.01", "0.7", "0.7"};
  size_t k, i;
  for (k = 0; k < 3; k++) {
    const char *const plain[] = {"lr", lrs[k], "clip_gradient", "1e250", NULL};
    const char *const general[] = {"lr", lrs[k], "clip_gradient", "1e250", "learning_rate", "invscaling",
                                   "power_t", "0", NULL};
    sl_model *a = make(kinds[k], D, plain), *b = make(kinds[k], D, general);
    sl_model_task task;
    size_t refused = 0;
    double wa[D + 1], wb[D + 1];
    sl_model_info(a, &task, NULL);
    rng_state = 12345;
    for (i = 0; i < STEPS; i++) {
      double x[D], y, w, pa, pb;
      sl_status sa, sb;
      stream_row(i, task, 2, x, &y, &w);
      if (i % 211 == 7) x[0] = 1.5e308;
      sa = sl_model_predict_learn(a, x, D, y, w, &pa);
      sb = sl_model_predict_learn(b, x, D, y, w, &pb);
      cr_assert_eq(sa, sb, "kind %zu step %zu", k, i);
      cr_assert(memcmp(&pa, &pb, sizeof pa) == 0, "kind %zu step %zu: %.17g vs %.17g", k, i, pa, pb);
      refused += sa != SL_OK;
    }
    if (task == SL_TASK_REGRESSION) cr_assert_gt(refused, 0, "the stream should include refused steps");
    cr_assert_eq(sl_model_weights(a, wa, D + 1, &i), SL_OK);
    cr_assert_eq(sl_model_weights(b, wb, D + 1, &i), SL_OK);
    cr_assert(memcmp(wa, wb, sizeof wa) == 0, "kind %zu: weights differ", k);
    sl_model_free(a);
    sl_model_free(b);
  }
}

/* ---- learn_many ---------------------------------------------------------------------- */

Test(predict_learn, learn_many_checks_every_row_before_learning_any) {
  sl_model *m = make(SL_MODEL_LOGISTIC_REGRESSION, 3, NULL);
  unsigned char before[4096], after[4096];
  double X[8 * 3], y[8], w[8];
  size_t i, n0, n1;
  for (i = 0; i < 24; i++) X[i] = (double)(i % 5) - 2.0;
  for (i = 0; i < 8; i++) {
    y[i] = (double)(i % 2);
    w[i] = 1.0;
  }
  n0 = snapshot(m, before, sizeof before);
  X[5 * 3 + 2] = NAN;
  cr_assert_eq(sl_model_learn_many(m, X, 8, 3, y, w), SL_ENONFINITE);
  cr_assert_neq(strstr(sl_model_last_error(m), "row 5, feature 2"), NULL, "%s", sl_model_last_error(m));
  X[5 * 3 + 2] = 0.0;
  X[7 * 3] = -INFINITY;
  cr_assert_eq(sl_model_learn_many(m, X, 8, 3, y, w), SL_ENONFINITE, "the last row");
  cr_assert_neq(strstr(sl_model_last_error(m), "row 7, feature 0"), NULL, "%s", sl_model_last_error(m));
  X[7 * 3] = 0.0;
  y[3] = 2.0;
  cr_assert_eq(sl_model_learn_many(m, X, 8, 3, y, w), SL_EINVAL);
  cr_assert_neq(strstr(sl_model_last_error(m), "row 3"), NULL, "%s", sl_model_last_error(m));
  y[3] = 1.0;
  w[6] = -1.0;
  cr_assert_eq(sl_model_learn_many(m, X, 8, 3, y, w), SL_EINVAL);
  w[6] = 1.0;
  cr_assert_eq(sl_model_learn_many(m, X, 8, 4, y, w), SL_EDIM);
  cr_assert_eq(sl_model_learn_many(m, NULL, 8, 3, y, w), SL_EINVAL);
  cr_assert_eq(sl_model_predict_many(m, X, 8, 2, y), SL_EDIM);
  n1 = snapshot(m, after, sizeof after);
  cr_assert(n0 == n1 && memcmp(before, after, n0) == 0, "a refused batch changed the model");
  cr_assert_eq(sl_model_learn_many(m, X, 8, 3, y, w), SL_OK);
  cr_assert_eq(sl_model_learn_many(m, X, 0, 3, NULL, NULL), SL_OK, "an empty batch");
  sl_model_free(m);
}
