/* sl_model dispatch: argument checks (NULL, dimension, finiteness, labels),
 * then the kind's operations. */
#include "model_impl.h"

/* The kinds by public id; a build with SL_KINDS_SELECTED keeps only those
 * named by SL_KIND_MODEL_<KIND> (lib/core/deps.h), the rest are SL_EKIND. */
static const sl__kind *const sl__model_kinds[SL_MODEL_HOEFFDING_ADAPTIVE_TREE + 1] = {
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_MODEL_LINEAR_REGRESSION)
    [SL_MODEL_LINEAR_REGRESSION] = &sl__linear_regression_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_MODEL_LOGISTIC_REGRESSION)
    [SL_MODEL_LOGISTIC_REGRESSION] = &sl__logistic_regression_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_MODEL_SOFTMAX_REGRESSION)
    [SL_MODEL_SOFTMAX_REGRESSION] = &sl__softmax_regression_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_MODEL_LINEAR_SVM)
    [SL_MODEL_LINEAR_SVM] = &sl__linear_svm_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_MODEL_PA_CLASSIFIER)
    [SL_MODEL_PA_CLASSIFIER] = &sl__pa_classifier_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_MODEL_PA_REGRESSOR)
    [SL_MODEL_PA_REGRESSOR] = &sl__pa_regressor_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_MODEL_EWC_LINEAR)
    [SL_MODEL_EWC_LINEAR] = &sl__ewc_linear_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_MODEL_EWC_LOGISTIC)
    [SL_MODEL_EWC_LOGISTIC] = &sl__ewc_logistic_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_MODEL_HOEFFDING_TREE)
    [SL_MODEL_HOEFFDING_TREE] = &sl__hoeffding_tree_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_MODEL_HOEFFDING_ADAPTIVE_TREE)
    [SL_MODEL_HOEFFDING_ADAPTIVE_TREE] = &sl__hoeffding_adaptive_tree_kind,
#endif
};

const sl__handle_class sl__model_class = {"model", SL__HANDLE_MODEL, sl__model_kinds,
                                          sizeof sl__model_kinds / sizeof sl__model_kinds[0]};

SL__HANDLE_DEFINE(model, sl__model_class)

#define SL__MAX_FEATURES ((size_t)1 << 30)

static const sl__model_ops *sl__ops(const sl_model *m) { return (const sl__model_ops *)m->obj.kind->ops; }

sl_status sl__model_create(sl_model **out, const sl__kind *k, size_t size, size_t n_features,
                           const sl__pval *params, const sl_allocator *a) {
  sl__object *o = NULL;
  sl_status st;
  *out = NULL;
  if (n_features == 0 || n_features > SL__MAX_FEATURES) return SL_ECORRUPT;
  st = sl__object_new(&o, size, k, params, a);
  if (st != SL_OK) return st;
  *out = (sl_model *)o;
  (*out)->n_features = n_features;
  return SL_OK;
}

void sl__model_save_head(const sl_model *m, sl__writer *w) { sl__put_u64(w, m->n_features); }

size_t sl__model_load_head(sl__reader *r) {
  uint64_t n = sl__get_u64(r);
  return sl__expect(r, n >= 1 && n <= SL__MAX_FEATURES) ? (size_t)n : 0;
}

SL_API sl_status sl_model_new(sl_model **out, sl_model_kind kind, size_t n_features, const sl_allocator *a) {
  sl__object *o;
  sl__model_args args;
  sl_status st;
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (n_features == 0 || n_features > SL__MAX_FEATURES) return SL_EINVAL;
  args.n_features = n_features;
  st = sl__class_new(&sl__model_class, (int)kind, &args, a, &o);
  *out = (sl_model *)o;
  return st;
}

SL_API sl_status sl_model_info(const sl_model *m, sl_model_task *task, size_t *n_features) {
  if (!m) return SL_EINVAL;
  if (task) *task = sl__ops(m)->task;
  if (n_features) *n_features = m->n_features;
  return SL_OK;
}

/* ---- checks ------------------------------------------------------------------ */

/* 1 when x[0..n) are all finite: x - x is 0 for a finite value and NaN for
 * NaN or an infinity, and NaN survives any sum. Four sums keep the adds
 * independent. */
static int sl__all_finite(const double *x, size_t n) {
  double a = 0.0, b = 0.0, c = 0.0, d = 0.0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    a += x[i] - x[i];
    b += x[i + 1] - x[i + 1];
    c += x[i + 2] - x[i + 2];
    d += x[i + 3] - x[i + 3];
  }
  for (; i < n; i++) a += x[i] - x[i];
  return a + b + c + d == 0.0;
}

sl_status sl__model_check_finite(const sl_model *m, const double *x, size_t row) {
  size_t i = 0;
  if (SL__LIKELY(sl__all_finite(x, m->n_features))) return SL_OK;
  while (sl__finite(x[i])) i++;
  return sl__fail(&m->obj, SL_ENONFINITE, "row %z, feature %z is NaN or infinite", row, i);
}

/* Pointer and length of a dense row (its values: sl__model_check_finite). */
static sl_status sl__check_shape(const sl_model *m, const double *x, size_t n) {
  if (!x) return sl__fail(&m->obj, SL_EINVAL, "input row is NULL");
  if (n != m->n_features) return sl__fail(&m->obj, SL_EDIM, "row has %z values, the model takes %z", n, m->n_features);
  return SL_OK;
}

static sl_status sl__check_sparse(const sl_model *m, const uint32_t *idx, const double *val, size_t nnz) {
  size_t i;
  if (!sl__ops(m)->sparse) return sl__fail(&m->obj, SL_EKIND, "kind '%s' takes dense rows only", m->obj.kind->name);
  if (nnz && (!idx || !val)) return sl__fail(&m->obj, SL_EINVAL, "index or value array is NULL");
  for (i = 0; i < nnz; i++) {
    if (idx[i] >= m->n_features)
      return sl__fail(&m->obj, SL_EDIM, "index %u is past the model's %z weights", (unsigned)idx[i], m->n_features);
    if (!sl__finite(val[i])) return sl__fail(&m->obj, SL_ENONFINITE, "value %z is NaN or infinite", i);
  }
  return SL_OK;
}

static inline sl_status sl__check_target(const sl_model *m, double y, double w, size_t row) {
  const sl__model_ops *ops = sl__ops(m);
  if (SL__UNLIKELY((y - y) + (w - w) != 0.0)) /* NaN unless both are finite */
    return sl__fail(&m->obj, SL_ENONFINITE, "row %z: target or weight is NaN or infinite", row);
  if (w < 0) return sl__fail(&m->obj, SL_EINVAL, "row %z: negative weight", row);
  /* In range first, so the cast that tests for a whole number is defined. */
  if (ops->task == SL_TASK_CLASSIFICATION &&
      !(y >= 0 && y < (double)ops->max_classes(m) && (double)(uint64_t)y == y))
    return sl__fail(&m->obj, SL_EINVAL, "row %z: label is not a class index below %z", row, ops->max_classes(m));
  return SL_OK;
}

/* The outcome of a learn: the model has started, or the refusal has a detail. */
static sl_status sl__learned(sl_model *m, sl_status st) {
  if (st == SL_OK) m->obj.started = 1;
  else if (!m->obj.err[0]) sl__fail(&m->obj, st, "the update was refused and rolled back");
  return st;
}

/* Predict (pred != NULL) and / or learn one dense row whose shape and target
 * are checked, for a kind without a fused path: check the values, then
 * predict and learn. */
static SL__NOINLINE sl_status sl__dense_checked(sl_model *m, const double *x, double *pred, int learn, double y,
                                                double w) {
  sl__row r = {x, NULL, NULL, 0};
  sl_status st;
  if ((st = sl__model_check_finite(m, x, 0)) != SL_OK) return st;
  if (pred) sl__ops(m)->predict(m, &r, pred);
  return learn ? sl__ops(m)->learn(m, &r, y, w) : SL_OK;
}

/* The same through the kind's fused path when it has one. */
static sl_status sl__dense(sl_model *m, const double *x, double *pred, int learn, double y, double w) {
  const sl__model_ops *ops = sl__ops(m);
  sl_status st = ops->dense_step ? ops->dense_step(m, x, pred, learn, y, w) : sl__dense_checked(m, x, pred, learn, y, w);
  return learn ? sl__learned(m, st) : st;
}

/* The arrays and the row length of a batch. */
static sl_status sl__check_batch(const sl_model *m, const double *X, size_t rows, size_t n, const void *out) {
  if (rows && (!X || !out)) return sl__fail(&m->obj, SL_EINVAL, "X or y is NULL");
  if (rows && n != m->n_features) return sl__fail(&m->obj, SL_EDIM, "rows have %z values, the model takes %z", n, m->n_features);
  return SL_OK;
}

/* Every value of X finite; the row of the first bad one otherwise. */
static sl_status sl__check_rows(const sl_model *m, const double *X, size_t rows) {
  size_t i, n = m->n_features;
  if (SL__LIKELY(sl__all_finite(X, rows * n))) return SL_OK; /* rows * n values are in memory: no overflow */
  for (i = 0; sl__all_finite(X + i * n, n); i++) continue;
  return sl__model_check_finite(m, X + i * n, i);
}

/* ---- learn / predict --------------------------------------------------------------- */

SL_API sl_status sl_model_learn(sl_model *m, const double *x, size_t n, double y, double w) {
  sl_status st;
  if (!m) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if ((st = sl__check_shape(m, x, n)) != SL_OK || (st = sl__check_target(m, y, w, 0)) != SL_OK) return st;
  return sl__dense(m, x, NULL, 1, y, w);
}

SL_API sl_status sl_model_predict_learn(sl_model *m, const double *x, size_t n, double y, double w,
                                        double *prediction) {
  sl_status st;
  if (!m || !prediction) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if ((st = sl__check_shape(m, x, n)) != SL_OK || (st = sl__check_target(m, y, w, 0)) != SL_OK) return st;
  return sl__dense(m, x, prediction, 1, y, w);
}

SL_API sl_status sl_model_learn_many(sl_model *m, const double *X, size_t rows, size_t n, const double *y,
                                     const double *w) {
  const sl__model_ops *ops;
  size_t i;
  sl_status st;
  if (!m) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if ((st = sl__check_batch(m, X, rows, n, y)) != SL_OK || (st = sl__check_rows(m, X, rows)) != SL_OK) return st;
  for (i = 0; i < rows; i++)
    if ((st = sl__check_target(m, y[i], w ? w[i] : 1.0, i)) != SL_OK) return st;
  ops = sl__ops(m);
  for (i = 0; i < rows; i++) {
    sl__row r = {X + i * n, NULL, NULL, 0};
    if ((st = sl__learned(m, ops->learn(m, &r, y[i], w ? w[i] : 1.0))) != SL_OK)
      return sl__fail(&m->obj, st, "row %z refused (rows before it were learned): %s", i, sl_strerror(st));
  }
  return SL_OK;
}

SL_API sl_status sl_model_predict(sl_model *m, const double *x, size_t n, double *y) {
  sl_status st;
  if (!m || !y) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if ((st = sl__check_shape(m, x, n)) != SL_OK) return st;
  return sl__dense(m, x, y, 0, 0.0, 0.0);
}

SL_API sl_status sl_model_predict_many(sl_model *m, const double *X, size_t rows, size_t n, double *y) {
  const sl__model_ops *ops;
  size_t i;
  sl_status st;
  if (!m) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if ((st = sl__check_batch(m, X, rows, n, y)) != SL_OK || (st = sl__check_rows(m, X, rows)) != SL_OK) return st;
  ops = sl__ops(m);
  for (i = 0; i < rows; i++) {
    sl__row r = {X + i * n, NULL, NULL, 0};
    ops->predict(m, &r, &y[i]);
  }
  return SL_OK;
}

static sl_status sl__proba(sl_model *m, const sl__row *r, double *proba, size_t n_proba) {
  if (!proba || n_proba == 0) return sl__fail(&m->obj, SL_EINVAL, "probability buffer is NULL or empty");
  if (!sl__ops(m)->predict_proba) return sl__fail(&m->obj, SL_EKIND, "a regression model has no class probabilities");
  sl__ops(m)->predict_proba(m, r, proba, n_proba);
  return SL_OK;
}

SL_API sl_status sl_model_predict_proba(sl_model *m, const double *x, size_t n, double *proba, size_t n_proba) {
  sl__row r = {x, NULL, NULL, 0};
  sl_status st;
  if (!m) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if ((st = sl__check_shape(m, x, n)) != SL_OK || (st = sl__model_check_finite(m, x, 0)) != SL_OK) return st;
  return sl__proba(m, &r, proba, n_proba);
}

SL_API sl_status sl_model_predict_proba_learn(sl_model *m, const double *x, size_t n, double y, double w,
                                              double *proba, size_t n_proba) {
  sl__row r = {x, NULL, NULL, 0};
  sl_status st;
  if (!m) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if ((st = sl__check_shape(m, x, n)) != SL_OK || (st = sl__check_target(m, y, w, 0)) != SL_OK ||
      (st = sl__model_check_finite(m, x, 0)) != SL_OK || (st = sl__proba(m, &r, proba, n_proba)) != SL_OK)
    return st;
  return sl__learned(m, sl__ops(m)->learn(m, &r, y, w));
}

SL_API sl_status sl_model_learn_sparse(sl_model *m, const uint32_t *idx, const double *val, size_t nnz, double y,
                                       double w) {
  sl__row r = {NULL, idx, val, nnz};
  sl_status st;
  if (!m) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if ((st = sl__check_sparse(m, idx, val, nnz)) != SL_OK || (st = sl__check_target(m, y, w, 0)) != SL_OK) return st;
  return sl__learned(m, sl__ops(m)->learn(m, &r, y, w));
}

SL_API sl_status sl_model_predict_sparse(sl_model *m, const uint32_t *idx, const double *val, size_t nnz,
                                         double *y) {
  sl__row r = {NULL, idx, val, nnz};
  sl_status st;
  if (!m || !y) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if ((st = sl__check_sparse(m, idx, val, nnz)) != SL_OK) return st;
  sl__ops(m)->predict(m, &r, y);
  return SL_OK;
}

SL_API sl_status sl_model_predict_proba_sparse(sl_model *m, const uint32_t *idx, const double *val, size_t nnz,
                                               double *proba, size_t n_proba) {
  sl__row r = {NULL, idx, val, nnz};
  sl_status st;
  if (!m) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if ((st = sl__check_sparse(m, idx, val, nnz)) != SL_OK) return st;
  return sl__proba(m, &r, proba, n_proba);
}

SL_API sl_status sl_model_reset(sl_model *m) {
  if (!m) return SL_EINVAL;
  sl__ops(m)->reset(m);
  return SL_OK;
}
