/* Private to lib/model: the per-kind operations behind sl_model. */
#ifndef SL_MODEL_IMPL_H
#define SL_MODEL_IMPL_H

#include "../core/object.h"
#include "streamlearn/model.h"

/* Keeps a rarely taken path out of its caller, so the common path pays no
 * setup for it. */
#if defined(__GNUC__)
#define SL__NOINLINE __attribute__((noinline))
#else
#define SL__NOINLINE
#endif

/* Inlined even where the compiler would not, so a call with constant
 * arguments becomes its own specialised code. */
#if defined(__GNUC__)
#define SL__ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define SL__ALWAYS_INLINE inline
#endif

/* One input row, dense (`dense` != NULL, n_features values) or sparse
 * (`idx` / `val`, `nnz` pairs, indices already checked < n_features).
 * Values are already checked finite. */
typedef struct sl__row {
  const double *dense;
  const uint32_t *idx;
  const double *val;
  size_t nnz;
} sl__row;

typedef struct sl__model_ops {
  sl_model_task task;
  int sparse; /* accepts sparse rows */
  /* Largest class index + 1 that learn accepts now (classifiers). */
  size_t (*max_classes)(const sl_model *m);
  /* Learn a checked example. Return SL_OK or a status with the model
   * unchanged (e.g. SL_ENONFINITE after rolling a diverging update back). */
  sl_status (*learn)(sl_model *m, const sl__row *x, double y, double w);
  /* Regression value or most probable class. */
  void (*predict)(sl_model *m, const sl__row *x, double *y);
  /* Probabilities into p[0..n) (zeros past the known classes); NULL for regression. */
  void (*predict_proba)(sl_model *m, const sl__row *x, double *p, size_t n);
  void (*reset)(sl_model *m);
  /* Optional fused dense path (NULL: model.c checks every value of the row,
   * then calls predict and learn). Called with a dense row whose pointer and
   * length are checked but whose values are not yet checked finite, and with
   * y / w checked when `learn`: predicts into *pred when pred != NULL, then
   * learns when `learn`, with exactly the results of predict then learn. A
   * NaN or infinite value must be found before anything is written (the
   * model, *pred) and reported by sl__model_check_finite's status. */
  sl_status (*dense_step)(sl_model *m, const double *x, double *pred, int learn, double y, double w);
} sl__model_ops;

/* The head of every model; kinds extend it (struct { sl_model base; ... }). */
struct sl_model {
  sl__object obj;
  size_t n_features;
};

extern const sl__handle_class sl__model_class;

/* Creates the handle of kind `k` with `size` bytes (the kind's struct). */
sl_status sl__model_create(sl_model **out, const sl__kind *k, size_t size, size_t n_features,
                           const sl__pval *params, const sl_allocator *a);

/* SL_OK when x[0..n_features) are all finite, else SL_ENONFINITE with the
 * detail naming row `row` and the first bad feature. */
sl_status sl__model_check_finite(const sl_model *m, const double *x, size_t row);

/* Saves / loads n_features, the head of every model payload. */
void sl__model_save_head(const sl_model *m, sl__writer *w);
size_t sl__model_load_head(sl__reader *r);

/* The `args` of a model kind's build on sl_model_new (on load, NULL: the
 * dimension comes from the payload head). */
typedef struct sl__model_args {
  size_t n_features;
} sl__model_args;

/* Linear kinds (linear_kinds.c, pa.c). */
extern const sl__kind sl__linear_regression_kind, sl__logistic_regression_kind, sl__softmax_regression_kind,
    sl__linear_svm_kind, sl__pa_classifier_kind, sl__pa_regressor_kind, sl__ewc_linear_kind, sl__ewc_logistic_kind;

/* Tree kinds (hoeffding_tree.c, hoeffding_adaptive_tree.c, htree_*.c). */
extern const sl__kind sl__hoeffding_tree_kind, sl__hoeffding_adaptive_tree_kind;

#endif
