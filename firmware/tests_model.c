/* sl_model on the target: logistic regression and a Hoeffding tree learn
 * seeded streams on an arena and predict what the host build predicts
 * (firmware/answers_model.h), within the float build's tolerance. */
#include "answers_model.h"
#include "core/rng.h"
#include "fw_test.h"

#define FW_D 3       /* features */
#define FW_TRAIN 1200 /* examples learned */
#define FW_TEST 40   /* examples predicted afterwards */
#define FW_ROWS (FW_TRAIN + FW_TEST)
/* Logistic weights are float on the target: after 1200 steps they stay
 * within this (relative) of the host's doubles (measured: 2e-7). */
#define FW_LINEAR_TOL 1e-5

static double X[FW_ROWS][FW_D], Y[FW_ROWS];

/* A separable stream: x ~ N(0, 1)^3, y = [1.5 x0 - 2 x1 + 0.5 x2 + 0.3 > 0]. */
static void separable_stream(void) {
  sl__rng r;
  int i, j;
  sl__rng_seed(&r, 7);
  for (i = 0; i < FW_ROWS; i++) {
    for (j = 0; j < FW_D; j++) X[i][j] = sl__rng_normal(&r);
    Y[i] = 1.5 * X[i][0] - 2.0 * X[i][1] + 0.5 * X[i][2] + 0.3 > 0.0 ? 1.0 : 0.0;
  }
}

/* Two classes: 1 where x0 > 0.6 or x1 > 0.7, with 5% of labels flipped;
 * x ~ U(0, 1)^2. */
static void threshold_stream(void) {
  sl__rng r;
  int i;
  sl__rng_seed(&r, 11);
  for (i = 0; i < FW_ROWS; i++) {
    X[i][0] = sl__rng_uniform(&r);
    X[i][1] = sl__rng_uniform(&r);
    X[i][2] = 0.0;
    Y[i] = X[i][0] > 0.6 || X[i][1] > 0.7 ? 1.0 : 0.0;
    if (sl__rng_uniform(&r) < 0.05) Y[i] = 1.0 - Y[i];
  }
}

static int learn_rows(sl_model *m, int from, int to) {
  int i;
  for (i = from; i < to; i++) FW_CHECK(sl_model_learn(m, X[i], FW_D, Y[i], 1.0) == SL_OK);
  return 0;
}

/* P(y = 1) of the test rows into `p`; the share of them predicted right. */
static int predict_test(sl_model *m, double *p, double *accuracy) {
  int i, right = 0;
  for (i = 0; i < FW_TEST; i++) {
    double proba[2], y;
    FW_CHECK(sl_model_predict_proba(m, X[FW_TRAIN + i], FW_D, proba, 2) == SL_OK);
    FW_CHECK(sl_model_predict(m, X[FW_TRAIN + i], FW_D, &y) == SL_OK);
    FW_CHECK(y == (proba[1] > proba[0] ? 1.0 : 0.0));
    p[i] = proba[1];
    right += y == Y[FW_TRAIN + i];
  }
  *accuracy = (double)right / FW_TEST;
  return 0;
}

static sl_status new_logistic(sl_model **m, sl_allocator *a) {
  sl_status st = sl_model_new(m, SL_MODEL_LOGISTIC_REGRESSION, FW_D, a);
  if (st == SL_OK) st = sl_model_set_double(*m, "lr", 0.1);
  if (st == SL_OK) st = sl_model_set_double(*m, "intercept_lr", 0.1);
  return st;
}

static int params_fit(void) {
  FW_CHECK_PARAMS_FIT(model);
  return 0;
}

/* Learns the separable stream on an arena; no call after creation takes
 * arena memory; the weights and the test probabilities are the host's. */
static int logistic_on_arena(void) {
  sl_allocator *a = fw_arena();
  sl_model *m = NULL;
  double p[FW_TEST], w[FW_D + 1], acc, nan_row[FW_D] = {0.0, 0.0, 0.0};
  size_t used, used_after, n;
  separable_stream();
  FW_CHECK_TARGET(sl_model_new(&m, SL_MODEL_LOGISTIC_REGRESSION, FW_D, NULL) == SL_EINVAL); /* no malloc */
  FW_CHECK(new_logistic(&m, a) == SL_OK);
  FW_CHECK(sl_arena_usage(a, &used, NULL) == SL_OK);
  if (learn_rows(m, 0, FW_TRAIN)) return 1;
  if (predict_test(m, p, &acc)) return 1;
  FW_CHECK(sl_arena_usage(a, &used_after, NULL) == SL_OK && used_after == used);
  FW_CHECK(acc >= 0.95);
  FW_CHECK(sl_model_weights(m, w, FW_D + 1, &n) == SL_OK && n == FW_D + 1);
  FW_EXPECT(logistic_weights, w, n, FW_LINEAR_TOL);
  FW_EXPECT(logistic_proba, p, FW_TEST, FW_LINEAR_TOL);
  nan_row[1] = NAN;
  FW_CHECK(sl_model_learn(m, nan_row, FW_D, 1.0, 1.0) == SL_ENONFINITE);
  FW_CHECK(sl_model_learn(m, X[0], FW_D - 1, 1.0, 1.0) == SL_EDIM);
  FW_CHECK(sl_model_learn(m, X[0], FW_D, 0.5, 1.0) == SL_EINVAL);
  FW_CHECK(sl_model_weights(m, p, FW_D + 1, &n) == SL_OK && n == FW_D + 1);
  FW_CHECK(p[0] == w[0] && p[1] == w[1] && p[2] == w[2] && p[3] == w[3]); /* refused calls changed nothing */
  sl_model_free(m);
  return 0;
}

/* Saves after half the stream, refuses every truncation, loads a copy into
 * the same arena; original and copy then learn the rest and predict the
 * same bits, which are the uninterrupted run's (the host's answers). */
static int logistic_checkpoint(void) {
  static uint8_t ck[768];
  sl_allocator *a = fw_arena();
  sl_model *m = NULL, *c = NULL;
  double p[FW_TEST], q[FW_TEST], acc;
  size_t len = 0, cut;
  int i;
  separable_stream();
  FW_CHECK(new_logistic(&m, a) == SL_OK);
  if (learn_rows(m, 0, FW_TRAIN / 2)) return 1;
  FW_CHECK(sl_model_save_mem(m, 0, NULL, 0, &len) == SL_EBUFFER && len <= sizeof ck);
  FW_CHECK(sl_model_save_mem(m, 0, ck, sizeof ck, &len) == SL_OK);
  for (cut = 0; cut < len; cut++) {
    FW_CHECK(sl_model_load_mem(&c, ck, cut, a) == SL_ECORRUPT);
    FW_CHECK(c == NULL);
  }
  ck[len / 2] ^= 0x10;
  FW_CHECK(sl_model_load_mem(&c, ck, len, a) == SL_ECORRUPT);
  ck[len / 2] ^= 0x10;
  FW_CHECK(sl_model_load_mem(&c, ck, len, a) == SL_OK);
  if (learn_rows(m, FW_TRAIN / 2, FW_TRAIN) || learn_rows(c, FW_TRAIN / 2, FW_TRAIN)) return 1;
  if (predict_test(m, p, &acc) || predict_test(c, q, &acc)) return 1;
  for (i = 0; i < FW_TEST; i++) FW_CHECK(p[i] == q[i]);
  FW_EXPECT(logistic_proba_resumed, q, FW_TEST, FW_LINEAR_TOL);
  sl_model_free(c);
  sl_model_free(m);
  return 0;
}

/* A Hoeffding tree with a small memory budget learns the threshold stream:
 * the same tree as the host (its statistics exactly; the tree's observers
 * keep doubles on the target too) and the same probabilities. */
static int hoeffding_tree_on_arena(void) {
  static const char *const stats[] = {"depth", "nodes", "leaves", "active_leaves", "weight_seen"};
  sl_allocator *a = fw_arena();
  sl_model *m = NULL;
  double p[FW_TEST], s[sizeof stats / sizeof stats[0]], acc;
  size_t i;
  threshold_stream();
  FW_CHECK(sl_model_new(&m, SL_MODEL_HOEFFDING_TREE, FW_D, a) == SL_OK);
  FW_CHECK(sl_model_set_int(m, "grace_period", 50) == SL_OK);
  FW_CHECK(sl_model_set_double(m, "delta", 1e-3) == SL_OK); /* splits within 1200 examples */
  FW_CHECK(sl_model_set_int(m, "max_classes", 2) == SL_OK);
  FW_CHECK(sl_model_set_double(m, "max_size", 0.01) == SL_OK); /* MiB: about 10 KB */
  if (learn_rows(m, 0, FW_TRAIN)) return 1;
  if (predict_test(m, p, &acc)) return 1;
  FW_CHECK(acc >= 0.85);
  for (i = 0; i < sizeof stats / sizeof stats[0]; i++) FW_CHECK(sl_model_stat(m, stats[i], &s[i]) == SL_OK);
  FW_CHECK(s[0] >= 2.0); /* split twice */
  FW_EXPECT(tree_stats, s, sizeof stats / sizeof stats[0], 0.0);
  FW_EXPECT(tree_proba, p, FW_TEST, 1e-6);
  sl_model_free(m);
  return 0;
}

static const fw_test model_tests[] = {
    {"params_fit", params_fit},
    {"logistic_on_arena", logistic_on_arena},
    {"logistic_checkpoint", logistic_checkpoint},
    {"hoeffding_tree_on_arena", hoeffding_tree_on_arena},
};
FW_SUITE(model, model_tests);
