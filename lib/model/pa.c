/*
 * Passive-aggressive learning (Crammer et al. 2006): after each example the
 * weights move the least that brings its loss to zero (PA), capped by C
 * (PA-I), or softened by C (PA-II):
 *   tau = loss / |x|^2,  min(C, loss / |x|^2),  loss / (|x|^2 + 1 / (2C))
 *   w += tau * d * x,  b += tau * d (when learn_intercept)
 * Classifier: hinge loss max(0, 1 - d score), d = +1 / -1 for class 1 / 0.
 * Regressor: epsilon-insensitive loss max(0, |y - score| - eps), d = sign(y - score).
 * |x|^2 leaves the intercept out, as River. A sample weight w scales C (w = 1
 * is River's algorithm; w = 0 learns nothing). On a sparse row repeating an
 * index, |x|^2 sums the squares of the pairs.
 */
#include "linear.h"

enum { PA_C, PA_MODE, PA_INTERCEPT, PA_STANDARDIZE, PA_EPS };
enum { PA_MODE_PA, PA_MODE_PA1, PA_MODE_PA2 };

#define PA_COMMON_PARAMS                                                                                   \
  {"C", SL_PARAM_DOUBLE, 1.0, 1e-12, 1e12, NULL, "aggressiveness (PA-I cap, PA-II softness)", 0},          \
      {"mode", SL_PARAM_ENUM, PA_MODE_PA1, 0, 2, "pa|pa1|pa2", "PA, PA-I or PA-II (River's mode 0 / 1 / 2)", 0}, \
      {"learn_intercept", SL_PARAM_BOOL, 1, 0, 1, NULL, "learn an intercept", 0},                         \
      {"standardize", SL_PARAM_BOOL, 0, 0, 1, NULL, "standardize dense inputs online (running mean / var)", \
       SL_PARAM_FIXED_AFTER_START}

static const sl_param_info pa_clf_params[] = {PA_COMMON_PARAMS};
static const sl_param_info pa_reg_params[] = {
    PA_COMMON_PARAMS,
    {"eps", SL_PARAM_DOUBLE, 0.1, 0, 1e12, NULL, "residual tolerated without an update", 0},
};
static const char *const pa_stats[] = {SL__LINEAR_STATS};

static double sq_norm(const sl__linear *L, const sl__row *x) {
  double s = 0.0;
  size_t k;
  if (x->dense)
    for (k = 0; k < L->base.n_features; k++) s += x->dense[k] * x->dense[k];
  else
    for (k = 0; k < x->nnz; k++) s += x->val[k] * x->val[k];
  return s;
}

static sl_status pa_step(sl__linear *L, const sl__row *x, const sl__row *xr, double y, double w) {
  const sl__pval *p = L->base.obj.param;
  double *g = SL__LBLK(L, LB_OUT, double), score = g[0], loss, d, norm, tau = 0.0, C = p[PA_C].d * w;
  sl__lin_step s;
  if (L->c.clf) {
    d = y == 1.0 ? 1.0 : -1.0;
    loss = fmax(0.0, 1.0 - d * score);
  } else {
    d = y > score ? 1.0 : y < score ? -1.0 : 0.0;
    loss = fmax(0.0, fabs(y - score) - p[PA_EPS].d);
  }
  norm = sq_norm(L, xr);
  if (w > 0) switch (p[PA_MODE].i) {
    case PA_MODE_PA: tau = norm > 0 ? loss / norm : 0.0; break;
    case PA_MODE_PA1: tau = norm > 0 ? fmin(C, loss / norm) : 0.0; break;
    default: tau = loss / (norm + 0.5 / C); break;
    }
  g[0] = tau * d;
  g[1] = p[PA_INTERCEPT].i ? g[0] : 0.0;
  SL__MEMSET(&s, 0, sizeof s);
  s.opt = SL__OPT_PA;
  s.g = s.lg = g;
  return sl__linear_finish(L, &s, x, xr);
}

#define PA_OPS(task)                                                                                       \
  {{task, 1, sl__linear_max_classes, sl__linear_learn, sl__linear_predict, PA_PROBA_##task, sl__linear_reset, \
    sl__linear_dense_step},                                                                                \
   {-1, 1, -1, -1, PA_STANDARDIZE},                                                                        \
   pa_step}
#define PA_PROBA_SL_TASK_CLASSIFICATION sl__linear_predict_proba
#define PA_PROBA_SL_TASK_REGRESSION NULL

static const sl__linear_ops pa_clf_ops = PA_OPS(SL_TASK_CLASSIFICATION);
static const sl__linear_ops pa_reg_ops = PA_OPS(SL_TASK_REGRESSION);

SL__LINEAR_BUILD(pa_clf_build, sl__pa_classifier_kind)
SL__LINEAR_BUILD(pa_reg_build, sl__pa_regressor_kind)

const sl__kind sl__pa_classifier_kind = {
    SL__HANDLE_MODEL, SL_MODEL_PA_CLASSIFIER, "pa_classifier", pa_clf_params,
    sizeof pa_clf_params / sizeof pa_clf_params[0], pa_stats, sizeof pa_stats / sizeof pa_stats[0],
    sl__linear_configure, sl__linear_stat, sl__linear_save, pa_clf_build, sl__linear_destroy, &pa_clf_ops,
};
const sl__kind sl__pa_regressor_kind = {
    SL__HANDLE_MODEL, SL_MODEL_PA_REGRESSOR, "pa_regressor", pa_reg_params,
    sizeof pa_reg_params / sizeof pa_reg_params[0], pa_stats, sizeof pa_stats / sizeof pa_stats[0],
    sl__linear_configure, sl__linear_stat, sl__linear_save, pa_reg_build, sl__linear_destroy, &pa_reg_ops,
};
