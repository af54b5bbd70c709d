/* EWC kinds: lambda 0 is the plain learner bit for bit, a huge lambda pins
 * the weights at the anchor, the Fisher estimate matches its closed form,
 * online consolidation with gamma, and less forgetting than plain SGD. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "streamlearn.h"
#include "support/real.h"
#include "core/deps.h" /* sl_real: what the Fishers are stored in */


static sl_model *make(sl_model_kind kind, size_t d, const char *const *set) {
  sl_model *m = NULL;
  cr_assert_eq(sl_model_new(&m, kind, d, NULL), SL_OK);
  for (; set && *set; set += 2)
    cr_assert_eq(sl_model_set_str(m, set[0], set[1]), SL_OK, "%s=%s: %s", set[0], set[1], sl_model_last_error(m));
  return m;
}

static double rnd(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return ((*s >> 8) & 0xffff) / 32768.0 - 1.0;
}

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

Test(ewc, lambda_zero_is_the_plain_learner_bit_for_bit) {
  const char *const opts[] = {"sgd", "adam", "adagrad", "vw"};
  size_t o;
  for (o = 0; o < 4; o++) {
    const char *const set[] = {"optimizer", opts[o], "l2", o == 3 ? "0" : "0.01", NULL};
    const char *const ewc_set[] = {"optimizer", opts[o], "l2", o == 3 ? "0" : "0.01", "ewc_lambda", "0", NULL};
    sl_model *plain = make(SL_MODEL_LOGISTIC_REGRESSION, 4, set), *ewc = make(SL_MODEL_EWC_LOGISTIC, 4, ewc_set);
    sl_model *lin = make(SL_MODEL_LINEAR_REGRESSION, 4, set), *ewl = make(SL_MODEL_EWC_LINEAR, 4, ewc_set);
    double x[4], a[5], b[5];
    size_t n;
    unsigned s = 21;
    int i, j;
    for (i = 0; i < 500; i++) {
      for (j = 0; j < 4; j++) x[j] = rnd(&s);
      cr_assert_eq(sl_model_learn(plain, x, 4, x[0] - x[2] > 0.1, 1.0), SL_OK);
      cr_assert_eq(sl_model_learn(ewc, x, 4, x[0] - x[2] > 0.1, 1.0), SL_OK);
      cr_assert_eq(sl_model_learn(lin, x, 4, 2 * x[1] - x[3], 1.0), SL_OK);
      cr_assert_eq(sl_model_learn(ewl, x, 4, 2 * x[1] - x[3], 1.0), SL_OK);
      if (i % 100 == 50) {
        cr_assert_eq(sl_model_consolidate(ewc), SL_OK);
        cr_assert_eq(sl_model_consolidate(ewl), SL_OK);
      }
      sl_model_weights(plain, a, 5, &n);
      sl_model_weights(ewc, b, 5, &n);
      cr_assert_eq(memcmp(a, b, sizeof a), 0, "%s logistic differs at %d", opts[o], i);
      sl_model_weights(lin, a, 5, &n);
      sl_model_weights(ewl, b, 5, &n);
      cr_assert_eq(memcmp(a, b, sizeof a), 0, "%s linear differs at %d", opts[o], i);
    }
    sl_model_free(plain);
    sl_model_free(ewc);
    sl_model_free(lin);
    sl_model_free(ewl);
  }
}

Test(ewc, a_huge_lambda_keeps_the_weights_at_the_anchor) {
  const char *const set[] = {"lr", "0.05", NULL};
  sl_model *m = make(SL_MODEL_EWC_LINEAR, 3, set);
  double x[3], anchor[4], w[4], pen;
  size_t n;
  unsigned s = 5;
  int i, j;
  for (i = 0; i < 3000; i++) {
    for (j = 0; j < 3; j++) x[j] = rnd(&s);
    sl_model_learn(m, x, 3, x[0] + x[1] - x[2], 1.0);
  }
  cr_assert_eq(sl_model_consolidate(m), SL_OK);
  sl_model_weights(m, anchor, 4, &n);
  cr_assert(fabs(anchor[0] - 1.0) < 0.05, "task A learned (w0 %g)", anchor[0]);
  cr_assert_eq(sl_model_set_double(m, "ewc_lambda", 1e12), SL_OK);
  for (i = 0; i < 3000; i++) {
    for (j = 0; j < 3; j++) x[j] = rnd(&s);
    cr_assert_eq(sl_model_learn(m, x, 3, -x[0] - x[1] + x[2], 1.0), SL_OK);
  }
  sl_model_weights(m, w, 4, &n);
  for (j = 0; j < 3; j++) cr_assert(fabs(w[j] - anchor[j]) < 1e-6, "w%d moved %g -> %g", j, anchor[j], w[j]);
  cr_assert_eq(sl_model_stat(m, "penalty", &pen), SL_OK);
  cr_assert_lt(pen, 1e-6 * 1e12);
  sl_model_free(m);
}

/* The running Fisher of a logistic model held still (lr 0) at weights w0 is
 * the mean over the rows of (sigmoid(w0.x + b) - y)^2 x_i^2 (ema: the
 * mean over the first 1 / (1 - decay) rows, then an exponential average). It is read back
 * through the penalty statistic: with the weights at anchor + e_i the
 * penalty is lambda/2 F_i. Each of the 60 rows rounds the stored running
 * Fisher once (the tolerance of a float build; two tasks: 120). */
static void fisher_case(const char *mode, double decay) {
  const char *const set[] = {"lr", "0", "intercept_lr", "0", "fisher", mode, "ewc_lambda", "2", NULL};
  sl_model *m = make(SL_MODEL_EWC_LOGISTIC, 3, set);
  double w0[4] = {0.5, -0.3, 0.8, 0.2}, X[60][3], Y[60], F[3] = {0, 0, 0}, w[4], pen;
  unsigned s = 99;
  int i, j;
  cr_assert_eq(sl_model_set_double(m, "fisher_decay", decay), SL_OK);
  cr_assert_eq(sl_model_set_weights(m, w0, 4), SL_OK);
  for (i = 0; i < 60; i++) {
    double z = w0[3];
    for (j = 0; j < 3; j++) z += w0[j] * (X[i][j] = rnd(&s) * 2);
    Y[i] = rnd(&s) > 0 ? 1.0 : 0.0;
    cr_assert_eq(sl_model_learn(m, X[i], 3, Y[i], 1.0), SL_OK);
    for (j = 0; j < 3; j++) {
      double g = (sigmoid(z) - Y[i]) * X[i][j];
      double rate = 1.0 / (i + 1); /* the mean; ema: the mean until 1 / (i + 1) falls below 1 - decay */
      if (strcmp(mode, "ema") == 0 && rate < 1 - decay) rate = 1 - decay;
      F[j] += (g * g - F[j]) * rate;
    }
  }
  cr_assert_eq(sl_model_consolidate(m), SL_OK);
  cr_assert_eq(sl_model_stat(m, "penalty", &pen), SL_OK);
  cr_assert_eq(pen, 0.0, "at the anchor the penalty is zero");
  for (j = 0; j < 3; j++) {
    memcpy(w, w0, sizeof w);
    w[j] += 1.0;
    sl_model_set_weights(m, w, 4);
    sl_model_stat(m, "penalty", &pen);
    cr_assert(fabs(pen - F[j]) <= REAL_REL(1e-12, 60) * F[j], "%s F%d: %.17g vs closed form %.17g", mode, j, pen, F[j]);
  }
  /* online EWC: a second consolidation adds the new task's Fisher to gamma times the old */
  cr_assert_eq(sl_model_set_double(m, "gamma", 0.5), SL_OK);
  sl_model_set_weights(m, w0, 4);
  for (i = 0; i < 60; i++) sl_model_learn(m, X[i], 3, Y[i], 1.0);
  cr_assert_eq(sl_model_consolidate(m), SL_OK);
  w0[0] += 1.0;
  sl_model_set_weights(m, w0, 4);
  sl_model_stat(m, "penalty", &pen);
  {
    double want = 1.5 * F[0]; /* the running Fisher restarted from zero on the same rows: F again */
    double consol;
    cr_assert(fabs(pen - want) <= REAL_REL(1e-12, 120) * want, "%s gamma: %.17g vs %.17g", mode, pen, want);
    sl_model_stat(m, "consolidations", &consol);
    cr_assert_eq(consol, 2.0);
  }
  sl_model_free(m);
}

Test(ewc, fisher_matches_the_closed_form) {
  fisher_case("mean", 0.999);
  fisher_case("ema", 0.9);
}

Test(ewc, forgets_less_than_plain_sgd) {
  /* Task 1: y = [x0 > 0]; task 2: y = [x1 > 0]. Accuracy on task 1 after task 2. */
  const char *const set[] = {"lr", "0.1", "intercept_lr", "0", NULL};
  const char *const ewc_set[] = {"lr", "0.1", "intercept_lr", "0", "ewc_lambda", "50", NULL};
  sl_model *plain = make(SL_MODEL_LOGISTIC_REGRESSION, 4, set), *ewc = make(SL_MODEL_EWC_LOGISTIC, 4, ewc_set);
  double x[4], acc_plain = 0, acc_ewc = 0, y;
  unsigned s = 8;
  int i, j, t;
  for (t = 0; t < 2; t++) {
    for (i = 0; i < 3000; i++) {
      for (j = 0; j < 4; j++) x[j] = rnd(&s);
      sl_model_learn(plain, x, 4, x[t] > 0, 1.0);
      sl_model_learn(ewc, x, 4, x[t] > 0, 1.0);
    }
    cr_assert_eq(sl_model_consolidate(ewc), SL_OK);
  }
  for (i = 0; i < 2000; i++) {
    for (j = 0; j < 4; j++) x[j] = rnd(&s);
    sl_model_predict(plain, x, 4, &y);
    acc_plain += (y == (x[0] > 0)) / 2000.0;
    sl_model_predict(ewc, x, 4, &y);
    acc_ewc += (y == (x[0] > 0)) / 2000.0;
  }
  cr_assert_gt(acc_ewc, acc_plain + 0.05, "task-1 accuracy: EWC %g, plain %g", acc_ewc, acc_plain);
  sl_model_free(plain);
  sl_model_free(ewc);
}

Test(ewc, consolidate_checks_its_argument) {
  sl_model *m = make(SL_MODEL_LINEAR_REGRESSION, 2, NULL), *e = make(SL_MODEL_EWC_LINEAR, 2, NULL);
  const char *const ftrl[] = {"optimizer", "ftrl", NULL};
  cr_assert_eq(sl_model_consolidate(NULL), SL_EINVAL);
  cr_assert_eq(sl_model_consolidate(m), SL_EKIND);
  cr_assert_eq(sl_model_consolidate(e), SL_OK, "before any data: anchor 0, F 0");
  cr_assert_eq(sl_model_set_str(e, ftrl[0], ftrl[1]), SL_ERANGE, "ftrl recomputes its weights: no EWC");
  sl_model_free(m);
  sl_model_free(e);
}
