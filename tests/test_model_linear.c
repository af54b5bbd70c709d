/* Linear kinds: hand-computed first steps for every optimizer and kind,
 * invariants (dense = sparse, batch = loop, no allocation on the hot path),
 * refusals that leave the model untouched, divergence rolled back, the
 * checkpoint contract and allocation failures. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"
#include "support/real.h"
#include "core/deps.h" /* sl_real, SL__REAL_MAX: what the weights are stored in */
#include "support/contract.h"
#include "support/testalloc.h"

/* A model of `kind` over `d` features with "name=value" settings (NULL-terminated). */
static sl_model *make(sl_model_kind kind, size_t d, const char *const *set) {
  sl_model *m = NULL;
  cr_assert_eq(sl_model_new(&m, kind, d, NULL), SL_OK);
  for (; set && *set; set += 2)
    cr_assert_eq(sl_model_set_str(m, set[0], set[1]), SL_OK, "%s=%s: %s", set[0], set[1], sl_model_last_error(m));
  return m;
}

/* Weights then intercepts, into w (cap 64). Returns the count. */
static size_t weights(const sl_model *m, double *w) {
  size_t n = 0;
  cr_assert_eq(sl_model_weights(m, w, 64, &n), SL_OK);
  return n;
}


/* The largest value sl_real holds over the largest double: 1 in the double
 * build, so the overflow tests below use their literal values there. */
#define REAL_SCALE (SL__REAL_MAX / DBL_MAX)

static void assert_near(double got, double want, double rel, const char *what) {
  cr_assert(fabs(got - want) <= REAL_REL(rel, 4) * fabs(want) + 1e-300, "%s: got %.17g, want %.17g", what, got, want);
}

/* The whole saved state, for "unchanged" checks. */
static size_t snapshot(const sl_model *m, unsigned char *buf, size_t cap) {
  size_t len = 0;
  cr_assert_eq(sl_model_save_mem(m, 0, buf, cap, &len), SL_OK);
  return len;
}

static const double X12[2] = {1.0, 2.0};

/* ---- parameters ------------------------------------------------------------- */

Test(linear_params, river_defaults_and_checks) {
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 2, NULL);
  double v;
  int64_t i;
  cr_assert_eq(sl_model_get_double(m, "lr", &v), SL_OK);
  cr_assert_eq(v, 0.01);
  cr_assert_eq(sl_model_get_double(m, "intercept_lr", &v), SL_OK);
  cr_assert_eq(v, 0.01);
  cr_assert_eq(sl_model_get_double(m, "l2", &v), SL_OK);
  cr_assert_eq(v, 0.0);
  cr_assert_eq(sl_model_get_double(m, "clip_gradient", &v), SL_OK);
  cr_assert_eq(v, 1e12);
  cr_assert_eq(sl_model_get_int(m, "optimizer", &i), SL_OK);
  cr_assert_eq(i, 0, "sgd");
  cr_assert_eq(sl_model_set_str(m, "optimizer", "vw"), SL_OK);
  cr_assert_eq(sl_model_set_double(m, "l2", 0.1), SL_ERANGE, "vw takes no l2");
  cr_assert_eq(sl_model_get_double(m, "l2", &v), SL_OK);
  cr_assert_eq(v, 0.0, "refused value rolled back");
  cr_assert_eq(sl_model_set_str(m, "optimizer", "nesterov"), SL_ERANGE);
  cr_assert_eq(sl_model_set_str(m, "optimizer", "adam"), SL_OK);
  cr_assert_eq(sl_model_learn(m, X12, 2, 1.0, 1.0), SL_OK);
  cr_assert_eq(sl_model_set_str(m, "optimizer", "sgd"), SL_ESTATE, "sizes the state: fixed after data");
  cr_assert_eq(sl_model_set_double(m, "lr", 0.5), SL_OK, "the rate may change any time");
  sl_model_free(m);
}

Test(linear_params, layout_follows_parameters_before_data) {
  sl_model *m = make(SL_MODEL_SOFTMAX_REGRESSION, 4, NULL);
  double a, b;
  size_t n;
  cr_assert_eq(sl_model_stat(m, "bytes", &a), SL_OK);
  cr_assert_eq(sl_model_set_str(m, "optimizer", "adam"), SL_OK);
  cr_assert_eq(sl_model_stat(m, "bytes", &b), SL_OK);
  cr_assert_eq(b - a, 2.0 * 4 * 2 * sizeof(sl_real), "adam keeps m and v per weight");
  cr_assert_eq(sl_model_set_int(m, "n_classes", 5), SL_OK);
  cr_assert_eq(sl_model_weights(m, NULL, 0, &n), SL_EBUFFER);
  cr_assert_eq(n, 5 * (4 + 1));
  cr_assert_eq(sl_model_set_str(m, "optimizer", "vw"), SL_ERANGE, "vw is for one output");
  sl_model_free(m);
}

/* ---- first steps by hand: x = (1, 2), y = 3 (or class 1) ---------------------------- */

Test(linear_known, sgd_two_steps) {
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 2, NULL);
  double w[64], y;
  /* step 1: score 0, dloss = 2 (0 - 3) = -6: w = 0.01 * 6 * x, b = 0.06 */
  cr_assert_eq(sl_model_learn(m, X12, 2, 3.0, 1.0), SL_OK);
  weights(m, w);
  assert_near(w[0], 0.06, 1e-15, "w0");
  assert_near(w[1], 0.12, 1e-15, "w1");
  assert_near(w[2], 0.06, 1e-15, "b");
  /* step 2: score 0.36, dloss -5.28 */
  cr_assert_eq(sl_model_learn(m, X12, 2, 3.0, 1.0), SL_OK);
  weights(m, w);
  assert_near(w[0], 0.1128, 1e-14, "w0");
  assert_near(w[1], 0.2256, 1e-14, "w1");
  assert_near(w[2], 0.1128, 1e-14, "b");
  cr_assert_eq(sl_model_predict(m, X12, 2, &y), SL_OK);
  assert_near(y, 0.1128 * 6, 1e-14, "prediction");
  sl_model_free(m);
}

Test(linear_known, sgd_l2_l1_weight_and_schedules) {
  const char *const l2[] = {"l2", "0.5", NULL};
  const char *const l1[] = {"l1", "0.1", NULL};
  const char *const inv[] = {"learning_rate", "invscaling", NULL};
  const char *const opt[] = {"learning_rate", "optimal", NULL};
  sl_model *m;
  double w[64];
  /* L2 enters the gradient: with w = 0 the first step is plain; the second adds 0.5 w */
  m = make(SL_MODEL_LINEAR_REGRESSION, 2, l2);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  assert_near(w[0], 0.06 - 0.01 * (-5.28 * 1 + 0.5 * 0.06), 1e-14, "l2 w0");
  sl_model_free(m);
  /* River's cumulative L1: after the step, clip by l1 * lr = 0.001 */
  m = make(SL_MODEL_LINEAR_REGRESSION, 2, l1);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  assert_near(w[0], 0.059, 1e-14, "l1 w0");
  assert_near(w[1], 0.119, 1e-14, "l1 w1");
  /* step 2: sgd to 0.059 + 0.01 * 5.286, then clip by 0.002 less the 0.001 already taken */
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  assert_near(w[0], 0.059 + 0.05286 - 0.001, 1e-13, "l1 w0, step 2");
  sl_model_free(m);
  /* sample weight 2 doubles the loss gradient */
  m = make(SL_MODEL_LINEAR_REGRESSION, 2, NULL);
  sl_model_learn(m, X12, 2, 3.0, 2.0);
  weights(m, w);
  assert_near(w[1], 0.24, 1e-15, "weighted");
  sl_model_free(m);
  /* invscaling: the second step runs at lr / sqrt(2) */
  m = make(SL_MODEL_LINEAR_REGRESSION, 2, inv);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  assert_near(w[0], 0.06 + 0.01 / sqrt(2.0) * 5.28, 1e-14, "invscaling w0");
  sl_model_free(m);
  /* optimal, alpha 1e-4: eta0 = 10, t0 = 1000, first rate 1 / (1e-4 * 1000) = 10 */
  m = make(SL_MODEL_LINEAR_REGRESSION, 2, opt);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  assert_near(w[0], 10 * 6.0, 1e-12, "optimal w0");
  sl_model_free(m);
}

Test(linear_known, adagrad_adam_ftrl_first_steps) {
  const char *const ada[] = {"optimizer", "adagrad", "lr", "0.1", NULL};
  const char *const adam[] = {"optimizer", "adam", "lr", "0.1", NULL};
  const char *const ftrl[] = {"optimizer", "ftrl", NULL};
  sl_model *m;
  double w[64];
  /* AdaGrad: G = g^2, w = -lr g / sqrt(G + eps) ~ lr for each weight */
  m = make(SL_MODEL_LINEAR_REGRESSION, 2, ada);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  assert_near(w[0], 0.1 * 6 / sqrt(36 + 1e-8), 1e-15, "adagrad w0");
  assert_near(w[1], 0.1 * 12 / sqrt(144 + 1e-8), 1e-15, "adagrad w1");
  assert_near(w[2], 0.06, 1e-15, "intercept is plain SGD at intercept_lr");
  sl_model_free(m);
  /* Adam: rate 0.1 sqrt(1 - .999) / (1 - .9); m = 0.1 g, v = 0.001 g^2 */
  m = make(SL_MODEL_LINEAR_REGRESSION, 2, adam);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  {
    double lr = 0.1 * sqrt(1 - 0.999) / (1 - 0.9);
    assert_near(w[0], lr * 0.6 / (sqrt(0.036) + 1e-8), 1e-14, "adam w0");
    assert_near(w[1], lr * 1.2 / (sqrt(0.144) + 1e-8), 1e-14, "adam w1");
    assert_near(w[0], 0.1, 1e-6, "adam's first step is about lr");
  }
  sl_model_free(m);
  /* FTRL-Proximal (alpha .05, beta 1, l2 1): z = g, n = g^2, w = -z / ((1 + |g|) / .05 + 1) */
  m = make(SL_MODEL_LINEAR_REGRESSION, 2, ftrl);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  assert_near(w[0], 6.0 / 141.0, 1e-15, "ftrl w0");
  assert_near(w[1], 12.0 / 261.0, 1e-15, "ftrl w1");
  sl_model_free(m);
}

Test(linear_known, ftrl_l1_gives_exact_zeros) {
  const char *const ftrl[] = {"optimizer", "ftrl", "ftrl_l1", "7", NULL};
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 2, ftrl);
  double w[64];
  /* |z| = 6 <= 7 for the first weight, 12 > 7 for the second */
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  cr_assert_eq(w[0], 0.0);
  assert_near(w[1], (12.0 - 7.0) / 261.0, 1e-15, "ftrl shrunk w1");
  sl_model_free(m);
}

Test(linear_known, vw_first_step) {
  const char *const vw[] = {"optimizer", "vw", "lr", "0.5", "intercept_lr", "0", NULL};
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 2, vw);
  double w[64], ppu, mult, h, upd, y;
  /* gsq = 36: G = (36, 144), N = (1, 2), rates 1/6 and 1/24, pred_per_update
   * 1/6 + 4/24 = 1/3; normalized norm 2 over weight 1: mult = sqrt(1/2). */
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  mult = sqrt(0.5);
  ppu = mult / 3.0;
  h = 0.5 * ppu;
  upd = 3.0 * (1.0 - exp(-2.0 * h)) / ppu * mult;
  assert_near(w[0], upd / 6.0, 1e-14, "vw w0");
  assert_near(w[1], upd * 2.0 / 24.0, 1e-14, "vw w1");
  /* invariant: the score moves toward y by 1 - e^(-2h) of the gap, never past */
  sl_model_predict(m, X12, 2, &y);
  assert_near(y, 3.0 * (1.0 - exp(-2.0 * h)), 1e-14, "vw score");
  sl_model_free(m);
}

Test(linear_known, vw_never_overshoots_even_with_a_huge_rate) {
  const char *const vw[] = {"optimizer", "vw", "lr", "1000", "intercept_lr", "0", NULL};
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 2, vw);
  double y;
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  sl_model_predict(m, X12, 2, &y);
  cr_assert(y > 2.999 && y <= 3.0, "score %g", y);
  sl_model_free(m);
}

Test(linear_known, classifiers_first_steps) {
  const char *const soft[] = {"n_classes", "3", NULL};
  sl_model *m;
  double w[64], p[4];
  /* logistic: dloss = -1 / (1 + e^0) = -0.5 */
  m = make(SL_MODEL_LOGISTIC_REGRESSION, 2, NULL);
  sl_model_learn(m, X12, 2, 1.0, 1.0);
  weights(m, w);
  assert_near(w[0], 0.005, 1e-15, "logistic w0");
  assert_near(w[1], 0.01, 1e-15, "logistic w1");
  assert_near(w[2], 0.005, 1e-15, "logistic b");
  cr_assert_eq(sl_model_predict_proba(m, X12, 2, p, 4), SL_OK);
  assert_near(p[1], 1.0 / (1.0 + exp(-0.03)), 1e-15, "p1");
  assert_near(p[0] + p[1], 1.0, 1e-15, "sum");
  cr_assert_eq(p[2], 0.0);
  cr_assert_eq(p[3], 0.0);
  sl_model_free(m);
  /* SVM: hinge, y' = 1, score 0 <= 1: dloss = -1 */
  m = make(SL_MODEL_LINEAR_SVM, 2, NULL);
  sl_model_learn(m, X12, 2, 1.0, 1.0);
  weights(m, w);
  assert_near(w[1], 0.02, 1e-15, "svm w1");
  sl_model_free(m);
  /* softmax, 3 classes, y = 2: p = 1/3, gradient (1/3, 1/3, -2/3) */
  m = make(SL_MODEL_SOFTMAX_REGRESSION, 2, soft);
  sl_model_learn(m, X12, 2, 2.0, 1.0);
  weights(m, w);
  assert_near(w[0], -0.01 / 3.0, 1e-14, "class 0 w0");
  assert_near(w[2 * 2 + 1], 0.01 * 2.0 / 3.0 * 2.0, 1e-14, "class 2 w1");
  assert_near(w[6 + 2], 0.01 * 2.0 / 3.0, 1e-14, "class 2 intercept");
  cr_assert_eq(sl_model_predict_proba(m, X12, 2, p, 4), SL_OK);
  assert_near(p[0] + p[1] + p[2], 1.0, 1e-15, "softmax sums to 1");
  cr_assert(p[2] > p[0] && p[3] == 0.0);
  {
    double c;
    cr_assert_eq(sl_model_predict(m, X12, 2, &c), SL_OK);
    cr_assert_eq(c, 2.0);
  }
  cr_assert_eq(sl_model_learn(m, X12, 2, 3.0, 1.0), SL_EINVAL, "label past n_classes");
  sl_model_free(m);
}

Test(linear_known, passive_aggressive_modes) {
  const char *const pa0[] = {"mode", "pa", NULL};
  const char *const pa2[] = {"mode", "pa2", "C", "0.5", NULL};
  sl_model *m;
  double w[64];
  /* PA-I, C 1: hinge loss 1, |x|^2 5: tau = 0.2 */
  m = make(SL_MODEL_PA_CLASSIFIER, 2, NULL);
  sl_model_learn(m, X12, 2, 1.0, 1.0);
  weights(m, w);
  assert_near(w[0], 0.2, 1e-15, "pa1 w0");
  assert_near(w[1], 0.4, 1e-15, "pa1 w1");
  assert_near(w[2], 0.2, 1e-15, "pa1 b");
  sl_model_free(m);
  /* regressor PA: loss |3 - 0| - 0.1 = 2.9, tau = 2.9 / 5 */
  m = make(SL_MODEL_PA_REGRESSOR, 2, pa0);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  assert_near(w[1], 2.0 * 0.58, 1e-15, "pa w1");
  sl_model_free(m);
  /* PA-II, C 0.5: tau = 2.9 / (5 + 1) */
  m = make(SL_MODEL_PA_REGRESSOR, 2, pa2);
  sl_model_learn(m, X12, 2, 3.0, 1.0);
  weights(m, w);
  assert_near(w[0], 2.9 / 6.0, 1e-15, "pa2 w0");
  sl_model_free(m);
}

/* ---- invariants ------------------------------------------------------------------ */

static const char *const OPTIMIZERS[] = {"sgd", "adagrad", "adam", "ftrl", "vw"};

/* A fixed pseudo-random stream. */
static double rnd(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return ((*s >> 8) & 0xffff) / 32768.0 - 1.0;
}

Test(linear_invariants, sparse_rows_learn_exactly_as_dense_rows) {
  size_t o;
  for (o = 0; o < 5; o++) {
    const char *const set[] = {"optimizer", OPTIMIZERS[o], "l1", "0.001", NULL};
    sl_model *a = make(SL_MODEL_LOGISTIC_REGRESSION, 6, set), *b = make(SL_MODEL_LOGISTIC_REGRESSION, 6, set);
    uint32_t idx[6] = {0, 1, 2, 3, 4, 5};
    double x[6], wa[64], wb[64], ya, yb;
    unsigned s = 7;
    int i, j;
    for (i = 0; i < 300; i++) {
      for (j = 0; j < 6; j++) x[j] = j == 3 ? 0.0 : rnd(&s);
      cr_assert_eq(sl_model_learn(a, x, 6, x[0] + x[1] > 0, 1.0), SL_OK);
      cr_assert_eq(sl_model_learn_sparse(b, idx, x, 6, x[0] + x[1] > 0, 1.0), SL_OK);
    }
    weights(a, wa);
    weights(b, wb);
    cr_assert_eq(memcmp(wa, wb, 7 * sizeof(double)), 0, "%s: sparse and dense differ", OPTIMIZERS[o]);
    sl_model_predict_sparse(b, idx, x, 6, &yb);
    sl_model_predict(a, x, 6, &ya);
    cr_assert_eq(ya, yb);
    sl_model_free(a);
    sl_model_free(b);
  }
}

Test(linear_invariants, learn_many_is_a_loop_of_learn_and_nothing_allocates) {
  const char *const set[] = {"optimizer", "adam", "standardize", "true", NULL};
  sl_model *a = make(SL_MODEL_LINEAR_REGRESSION, 3, set), *b = make(SL_MODEL_LINEAR_REGRESSION, 3, set);
  static double X[200 * 3], Y[200], P[200];
  double wa[64], wb[64], allocs0, allocs1;
  unsigned s = 3;
  int i;
  for (i = 0; i < 200 * 3; i++) X[i] = rnd(&s) * 10 + 5;
  for (i = 0; i < 200; i++) Y[i] = X[3 * i] - 2 * X[3 * i + 2];
  sl_model_stat(a, "allocations", &allocs0);
  for (i = 0; i < 200; i++) cr_assert_eq(sl_model_learn(a, X + 3 * i, 3, Y[i], 1.0), SL_OK);
  cr_assert_eq(sl_model_predict_many(a, X, 200, 3, P), SL_OK);
  sl_model_stat(a, "allocations", &allocs1);
  cr_assert_eq(allocs0, allocs1, "learn / predict allocated");
  cr_assert_eq(sl_model_learn_many(b, X, 200, 3, Y, NULL), SL_OK);
  weights(a, wa);
  weights(b, wb);
  cr_assert_eq(memcmp(wa, wb, 4 * sizeof(double)), 0);
  sl_model_free(a);
  sl_model_free(b);
}

Test(linear_invariants, standardized_learning_converges_on_badly_scaled_inputs) {
  const char *const set[] = {"standardize", "true", "lr", "0.05", NULL};
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 2, set);
  uint32_t i0 = 0;
  double v0 = 1.0, x[2], y, err = 0;
  unsigned s = 11;
  int i;
  for (i = 0; i < 5000; i++) {
    x[0] = 1000 + 100 * rnd(&s);
    x[1] = 0.001 * rnd(&s);
    cr_assert_eq(sl_model_learn(m, x, 2, 0.01 * x[0] + 3000 * x[1], 1.0), SL_OK);
  }
  for (i = 0; i < 100; i++) {
    x[0] = 1000 + 100 * rnd(&s);
    x[1] = 0.001 * rnd(&s);
    sl_model_predict(m, x, 2, &y);
    err += fabs(y - (0.01 * x[0] + 3000 * x[1]));
  }
  cr_assert_lt(err / 100, 0.05, "mean abs error %g", err / 100);
  cr_assert_eq(sl_model_learn_sparse(m, &i0, &v0, 1, 1.0, 1.0), SL_ESTATE, "statistics come from dense rows");
  sl_model_free(m);
}

Test(linear_invariants, hashing_trick) {
  /* feature names hashed into 2^16 weights: sl_hash_bytes() % n_features */
  const char *const pos[] = {"free", "winner", "cash", "offer"}, *const neg[] = {"meeting", "report", "lunch", "notes"};
  sl_model *m = make(SL_MODEL_LOGISTIC_REGRESSION, 1u << 16, NULL);
  uint32_t idx[2];
  double val[2] = {1, 1}, y;
  int i;
  for (i = 0; i < 400; i++) {
    const char *const *words = i % 2 ? pos : neg;
    idx[0] = (uint32_t)(sl_hash_bytes(words[i % 4], strlen(words[i % 4]), 0) % (1u << 16));
    idx[1] = (uint32_t)(sl_hash_bytes(words[(i + 1) % 4], strlen(words[(i + 1) % 4]), 0) % (1u << 16));
    cr_assert_eq(sl_model_learn_sparse(m, idx, val, 2, i % 2, 1.0), SL_OK);
  }
  idx[0] = (uint32_t)(sl_hash_bytes("cash", 4, 0) % (1u << 16));
  sl_model_predict_sparse(m, idx, val, 1, &y);
  cr_assert_eq(y, 1.0);
  idx[0] = (uint32_t)(sl_hash_bytes("lunch", 5, 0) % (1u << 16));
  sl_model_predict_sparse(m, idx, val, 1, &y);
  cr_assert_eq(y, 0.0);
  sl_model_free(m);
}

/* ---- refusals leave the model as it was --------------------------------------------------- */

Test(linear_refusals, bad_input_changes_nothing) {
  sl_model *m = make(SL_MODEL_LOGISTIC_REGRESSION, 2, NULL), *t = NULL;
  unsigned char before[4096], after[4096];
  double bad[2] = {1.0, NAN}, w[3] = {1, 2, 3};
  uint32_t idx[2] = {0, 2};
  size_t n0, n1;
  sl_model_learn(m, X12, 2, 1.0, 1.0);
  n0 = snapshot(m, before, sizeof before);
  cr_assert_eq(sl_model_learn(m, bad, 2, 1.0, 1.0), SL_ENONFINITE);
  cr_assert_eq(sl_model_learn(m, X12, 3, 1.0, 1.0), SL_EDIM);
  cr_assert_eq(sl_model_learn(m, X12, 2, 2.0, 1.0), SL_EINVAL, "binary label 2");
  cr_assert_eq(sl_model_learn(m, X12, 2, 0.5, 1.0), SL_EINVAL, "fractional label");
  cr_assert_eq(sl_model_learn(m, X12, 2, 1.0, -1.0), SL_EINVAL);
  cr_assert_eq(sl_model_learn(m, X12, 2, 1.0, INFINITY), SL_ENONFINITE);
  cr_assert_eq(sl_model_learn(m, NULL, 2, 1.0, 1.0), SL_EINVAL);
  cr_assert_eq(sl_model_learn_sparse(m, idx, X12, 2, 1.0, 1.0), SL_EDIM, "index 2 of 2");
  cr_assert_eq(sl_model_set_weights(m, w, 2), SL_EDIM);
  w[1] = NAN;
  cr_assert_eq(sl_model_set_weights(m, w, 3), SL_ENONFINITE);
  cr_assert_eq(sl_model_weights(m, w, 2, &n1), SL_EBUFFER);
  cr_assert_eq(n1, 3);
  cr_assert_eq(sl_model_weights(NULL, w, 3, &n1), SL_EINVAL);
  cr_assert_eq(sl_model_consolidate(m), SL_EKIND, "not an EWC kind");
  n1 = snapshot(m, after, sizeof after);
  cr_assert(n0 == n1 && memcmp(before, after, n0) == 0, "a refused call changed the model");
  cr_assert_eq(sl_model_new(&t, SL_MODEL_LINEAR_REGRESSION, 0, NULL), SL_EINVAL);
  sl_model_free(m);
}

/* Weights near the top of sl_real's range (1e300 in the double build), so a
 * step overflows whichever type stores them. */
Test(linear_refusals, a_diverging_update_is_rolled_back) {
  const char *const set[] = {"lr", "1e6", NULL};
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 2, set);
  unsigned char before[4096], after[4096];
  double w[3] = {1e300 * REAL_SCALE, 1e300 * REAL_SCALE, 0}, x[2] = {1e10, 1e10};
  size_t n0, n1;
  cr_assert_eq(sl_model_set_double(m, "clip_gradient", 1e300 * REAL_SCALE), SL_OK);
  cr_assert_eq(sl_model_set_weights(m, w, 3), SL_OK);
  n0 = snapshot(m, before, sizeof before);
  cr_assert_eq(sl_model_learn(m, x, 2, 0.0, 1.0), SL_ENONFINITE);
  cr_assert_neq(strstr(sl_model_last_error(m), "diverged"), NULL, "%s", sl_model_last_error(m));
  n1 = snapshot(m, after, sizeof after);
  cr_assert(n0 == n1 && memcmp(before, after, n0) == 0, "the refused update left traces");
  sl_model_free(m);
}

/* Each occurrence of a repeated sparse index is its own step: here each one
 * alone stays finite from the stored weight, but the second, applied after
 * the first, overflows. The check replays the occurrences and refuses.
 * (Values in units of sl_real's range: the literals in the double build.) */
Test(linear_refusals, a_repeated_sparse_index_diverging_late_is_rolled_back) {
  const char *const set[] = {"lr", "1e6", "intercept_lr", "0", NULL};
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 4, set);
  unsigned char before[4096], after[4096];
  double w[5] = {1.7920e308 * REAL_SCALE, 0, 0, 0, -1.7976e308 * REAL_SCALE}, val[2] = {0.5, 0.5}, got[64];
  uint32_t idx[2] = {0, 0};
  size_t n0, n1;
  cr_assert_eq(sl_model_set_double(m, "clip_gradient", 1e300 * REAL_SCALE), SL_OK);
  cr_assert_eq(sl_model_set_weights(m, w, 5), SL_OK);
  n0 = snapshot(m, before, sizeof before);
  cr_assert_eq(sl_model_learn_sparse(m, idx, val, 2, 0.0, 1.0), SL_ENONFINITE);
  n1 = snapshot(m, after, sizeof after);
  cr_assert(n0 == n1 && memcmp(before, after, n0) == 0);
  cr_assert_eq(sl_model_learn_sparse(m, idx, val, 1, 0.0, 1.0), SL_OK, "one occurrence alone is fine");
  weights(m, got);
  assert_near(got[0], 1.7970e308 * REAL_SCALE, 1e-12, "stepped by 5e305 (times REAL_SCALE)");
  sl_model_free(m);
}

/* ---- persistence ----------------------------------------------------------------------------- */

static const sl_model_kind ALL_KINDS[] = {SL_MODEL_LINEAR_REGRESSION, SL_MODEL_LOGISTIC_REGRESSION,
                                          SL_MODEL_SOFTMAX_REGRESSION, SL_MODEL_LINEAR_SVM,
                                          SL_MODEL_PA_CLASSIFIER, SL_MODEL_PA_REGRESSOR,
                                          SL_MODEL_EWC_LINEAR, SL_MODEL_EWC_LOGISTIC};

static void feed(sl_model *m, int n, unsigned seed) {
  double x[3];
  unsigned s = seed;
  int i, j;
  for (i = 0; i < n; i++) {
    for (j = 0; j < 3; j++) x[j] = rnd(&s);
    cr_assert_eq(sl_model_learn(m, x, 3, x[0] > x[1], 1.0), SL_OK, "%s", sl_model_last_error(m));
  }
}

Test(linear_persistence, checkpoint_contract_and_exact_resume_for_every_kind) {
  size_t k;
  for (k = 0; k < sizeof ALL_KINDS / sizeof ALL_KINDS[0]; k++) {
    const char *const adam[] = {"optimizer", "adam", "l1", "0.01", NULL};
    const char *const std[] = {"standardize", "true", NULL};
    int pa = ALL_KINDS[k] == SL_MODEL_PA_CLASSIFIER || ALL_KINDS[k] == SL_MODEL_PA_REGRESSOR;
    sl_model *m = make(ALL_KINDS[k], 3, pa ? std : adam), *e = NULL;
    unsigned char buf[8192];
    size_t len;
    double a[64], b[64];
    CHECK_CHECKPOINT_CONTRACT(model, m);
    feed(m, 50, 5);
    if (ALL_KINDS[k] == SL_MODEL_EWC_LINEAR || ALL_KINDS[k] == SL_MODEL_EWC_LOGISTIC) {
      cr_assert_eq(sl_model_consolidate(m), SL_OK);
      feed(m, 20, 6);
    }
    CHECK_CHECKPOINT_CONTRACT(model, m);
    cr_assert_eq(sl_model_save_mem(m, 0, buf, sizeof buf, &len), SL_OK);
    cr_assert_eq(sl_model_load_mem(&e, buf, len, NULL), SL_OK);
    feed(m, 100, 9);
    feed(e, 100, 9);
    weights(m, a);
    weights(e, b);
    cr_assert_eq(memcmp(a, b, sizeof a), 0, "kind %d: resumed model diverged", (int)ALL_KINDS[k]);
    sl_model_free(m);
    sl_model_free(e);
  }
}

Test(linear_persistence, reset_forgets_and_keeps_parameters) {
  const char *const set[] = {"optimizer", "adagrad", "intercept_init", "2", NULL};
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 3, set), *f = make(SL_MODEL_LINEAR_REGRESSION, 3, set);
  unsigned char a[4096], b[4096];
  size_t na, nb;
  double w[64];
  weights(m, w);
  cr_assert_eq(w[3], 2.0, "intercept_init");
  feed(m, 30, 1);
  cr_assert_eq(sl_model_reset(m), SL_OK);
  feed(m, 10, 2);
  feed(f, 10, 2);
  na = snapshot(m, a, sizeof a);
  nb = snapshot(f, b, sizeof b);
  cr_assert(na == nb && memcmp(a + 32, b + 32, na - 36) == 0, "reset model differs from a fresh one");
  sl_model_free(m);
  sl_model_free(f);
}

static sl_status lifecycle(const sl_allocator *a, void *ctx) {
  sl_model *m = NULL, *e = NULL;
  unsigned char buf[8192];
  size_t len;
  double x[3] = {0.5, -1, 2};
  uint32_t idx[2] = {1, 1};
  sl_status st;
  int i;
  if ((st = sl_model_new(&m, *(const sl_model_kind *)ctx, 3, a)) != SL_OK) return st;
  if (*(const sl_model_kind *)ctx == SL_MODEL_LINEAR_REGRESSION) {
    if ((st = sl_model_set_str(m, "optimizer", "adam")) != SL_OK ||
        (st = sl_model_set_str(m, "standardize", "true")) != SL_OK || (st = sl_model_set_double(m, "l1", 0.1)) != SL_OK) {
      sl_model_free(m);
      return st;
    }
  }
  for (i = 0; i < 20; i++) sl_model_learn(m, x, 3, i % 2, 1.0);
  if (*(const sl_model_kind *)ctx != SL_MODEL_LINEAR_REGRESSION) sl_model_learn_sparse(m, idx, x, 2, 1.0, 1.0);
  st = sl_model_save_mem(m, 0, buf, sizeof buf, &len);
  if (st == SL_OK) st = sl_model_load_mem(&e, buf, len, a);
  sl_model_free(e);
  sl_model_free(m);
  return st;
}

Test(linear_persistence, every_allocation_failure_is_clean) {
  sl_model_kind k[] = {SL_MODEL_LINEAR_REGRESSION, SL_MODEL_SOFTMAX_REGRESSION, SL_MODEL_EWC_LOGISTIC,
                       SL_MODEL_PA_CLASSIFIER};
  size_t i;
  for (i = 0; i < 4; i++) cr_assert_gt(test_alloc_sweep(lifecycle, &k[i]), 0);
}
