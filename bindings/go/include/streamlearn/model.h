/*
 * sl_model: one online learner. Learns one example at a time (or a batch in
 * one call), predicts at any time, never allocates on learn / predict
 * (a Hoeffding tree allocates only when it splits, within its byte budget).
 *
 * Targets: regression kinds take any finite y; classifiers take the class
 * index as a double (0, 1, 2, ...; binary kinds 0 / 1).
 */
#ifndef STREAMLEARN_MODEL_H
#define STREAMLEARN_MODEL_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_model sl_model;

/* Model kinds. Names for sl_model_kind_from_name() in brackets. */
typedef enum sl_model_kind {
  SL_MODEL_LINEAR_REGRESSION = 0,      /* [linear_regression] squared or Huber loss */
  SL_MODEL_LOGISTIC_REGRESSION = 1,    /* [logistic_regression] binary, log loss */
  SL_MODEL_SOFTMAX_REGRESSION = 2,     /* [softmax_regression] multiclass, cross-entropy */
  SL_MODEL_LINEAR_SVM = 3,             /* [linear_svm] binary, hinge loss */
  SL_MODEL_PA_CLASSIFIER = 4,          /* [pa_classifier] passive-aggressive, binary */
  SL_MODEL_PA_REGRESSOR = 5,           /* [pa_regressor] passive-aggressive, epsilon-insensitive */
  SL_MODEL_EWC_LINEAR = 6,             /* [ewc_linear] linear regression + EWC penalty */
  SL_MODEL_EWC_LOGISTIC = 7,           /* [ewc_logistic] logistic regression + EWC penalty */
  SL_MODEL_HOEFFDING_TREE = 8,         /* [hoeffding_tree] VFDT classifier */
  SL_MODEL_HOEFFDING_ADAPTIVE_TREE = 9 /* [hoeffding_adaptive_tree] HAT classifier */
} sl_model_kind;

typedef enum sl_model_task {
  SL_TASK_REGRESSION = 0,
  SL_TASK_CLASSIFICATION = 1
} sl_model_task;

/* Creates a model of `kind` over `n_features` inputs (fixed for the model's
 * life) with default parameters. @return SL_OK, SL_EINVAL (NULL out,
 * n_features 0 or above 2^30), SL_EKIND, SL_ENOMEM. */
SL_API sl_status sl_model_new(sl_model **out, sl_model_kind kind, size_t n_features, const sl_allocator *a);

/* The model's task and input dimension. @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_model_info(const sl_model *m, sl_model_task *task, size_t *n_features);

/* Learns one example `x` (`n` values, must equal the model's n_features)
 * with target `y` and weight `w` (>= 0; 1 is the usual). Allocates nothing.
 * @return SL_OK, SL_EINVAL (NULL, negative weight, a class label that is not
 * a valid index), SL_EDIM, SL_ENONFINITE (x, y or w), SL_ENONFINITE also when
 * the update itself would make the model non-finite: the update is then
 * rolled back. On any error the model is unchanged. */
SL_API sl_status sl_model_learn(sl_model *m, const double *x, size_t n, double y, double w);

/* The prequential step in one call: predicts for `x` into `*prediction` (as
 * sl_model_predict: the value, or the class index), then learns (x, y, w)
 * (as sl_model_learn). Results are bit for bit those of the two calls in
 * turn; a linear model reads x and computes its scores once. Every argument
 * is checked first: on a refused argument nothing is written and the model
 * is unchanged. When the update itself is refused (SL_ENONFINITE, a
 * diverging step rolled back) `*prediction` holds the prediction.
 * Allocates only as sl_model_learn does (a tree that splits). @return the
 * statuses of sl_model_learn, SL_EINVAL also for a NULL `prediction`. */
SL_API sl_status sl_model_predict_learn(sl_model *m, const double *x, size_t n, double y, double w,
                                        double *prediction);

/* Same with class probabilities (as sl_model_predict_proba) into
 * `proba[0..n_proba)` before learning. @return the statuses of
 * sl_model_learn and sl_model_predict_proba (SL_EKIND for regression). */
SL_API sl_status sl_model_predict_proba_learn(sl_model *m, const double *x, size_t n, double y, double w,
                                              double *proba, size_t n_proba);

/* Learns `rows` examples, row-major in `X` (rows x n), targets `y`, weights
 * `w` (NULL: all 1). Every row is checked before any is learned: on error
 * nothing was learned and the detail names the row. */
SL_API sl_status sl_model_learn_many(sl_model *m, const double *X, size_t rows, size_t n, const double *y,
                                     const double *w);

/* Predicts for `x`: the value (regression) or the most probable class index
 * (classification) into `*y`. Allocates nothing. @return SL_OK, SL_EINVAL,
 * SL_EDIM, SL_ENONFINITE. */
SL_API sl_status sl_model_predict(sl_model *m, const double *x, size_t n, double *y);

/* Predicts `rows` rows of `X` into `y` (rows values). */
SL_API sl_status sl_model_predict_many(sl_model *m, const double *X, size_t rows, size_t n, double *y);

/* Class probabilities for `x` into `proba` (`n_proba` slots; classes beyond
 * the model's known ones get 0, so any n_proba >= 1 is accepted; the first
 * min(n_proba, classes) sum to 1 when n_proba covers all classes).
 * @return SL_OK, SL_EINVAL, SL_EDIM, SL_ENONFINITE, SL_EKIND (regression). */
SL_API sl_status sl_model_predict_proba(sl_model *m, const double *x, size_t n, double *proba, size_t n_proba);

/* Forgets everything learned, keeping the parameters. */
SL_API sl_status sl_model_reset(sl_model *m);

/* ---- sparse input (linear kinds): (index, value) pairs over the model's
 * n_features weights, e.g. 2^bits with feature names hashed by
 * sl_hash_bytes() modulo n_features (the hashing trick). Indices must be
 * < n_features (else SL_EDIM); repeats add up. Trees return SL_EKIND. */
SL_API sl_status sl_model_learn_sparse(sl_model *m, const uint32_t *idx, const double *val, size_t nnz, double y,
                                       double w);
SL_API sl_status sl_model_predict_sparse(sl_model *m, const uint32_t *idx, const double *val, size_t nnz,
                                         double *y);
SL_API sl_status sl_model_predict_proba_sparse(sl_model *m, const uint32_t *idx, const double *val, size_t nnz,
                                               double *proba, size_t n_proba);

/* ---- linear kinds --------------------------------------------------------- */

/* Linear, logistic and softmax regression, linear SVM, passive-aggressive
 * and the EWC kinds: one weight vector per output over n_features inputs,
 * plus one intercept per output. Parameters follow River's names and
 * defaults (see sl_model_kind_param and docs/models-linear.md): `optimizer`
 * sgd|adagrad|adam|ftrl|vw, `lr`, `learning_rate` constant|invscaling|optimal,
 * `l1`, `l2`, `intercept_lr`, `clip_gradient`, `standardize`, ...
 * Dense and sparse rows both work; with `standardize` on, the statistics
 * are learned from dense rows only (a sparse learn is SL_ESTATE). */

/* Copies the weights into `out`: for each output (class) in turn its
 * n_features weights, then the n_out intercepts. `*n` receives the count,
 * n_out * (n_features + 1), also on SL_EBUFFER, so out = NULL, cap = 0
 * asks the size. With `standardize` on the weights are over standardized
 * inputs. @return SL_OK, SL_EINVAL (NULL m or n, NULL out with cap > 0),
 * SL_EBUFFER (cap < *n), SL_EKIND (a kind without weights: trees). */
SL_API sl_status sl_model_weights(const sl_model *m, double *out, size_t cap, size_t *n);

/* Sets the weights and intercepts from `w` (`n` values, the layout of
 * sl_model_weights): a warm start, or a model trained elsewhere. Optimizer
 * state is kept. @return SL_OK, SL_EINVAL (NULL), SL_EDIM (n is not the
 * model's count), SL_ENONFINITE (a value NaN, infinite, or beyond the
 * storage type), SL_ESTATE (optimizer ftrl, which derives its weights from
 * its accumulators), SL_EKIND (not a linear kind). On error nothing changed. */
SL_API sl_status sl_model_set_weights(sl_model *m, const double *w, size_t n);

/* ---- EWC kinds -------------------------------------------------------------- */

/* SL_MODEL_EWC_LINEAR / SL_MODEL_EWC_LOGISTIC learn loss + lambda/2 *
 * sum_i F_i (w_i - w*_i)^2 (elastic weight consolidation, online form of
 * Schwarz et al. 2018). While learning they estimate the diagonal Fisher
 * F_run of the current task from squared loss gradients (`fisher` mean|ema,
 * `fisher_decay`). Parameters `ewc_lambda`, `gamma`. Statistics
 * "consolidations" and "penalty" (the current penalty value). */

/* Closes the current task: F = gamma * F + F_run, anchor w* = the current
 * weights, F_run restarts from zero. Call it at a task boundary (or on a
 * drift signal). Allocates nothing. @return SL_OK, SL_EINVAL (NULL),
 * SL_EKIND (not an EWC kind), SL_ENONFINITE (F would overflow; nothing
 * changed). */
SL_API sl_status sl_model_consolidate(sl_model *m);

/* ---- tree kinds --------------------------------------------------------------- */

/* SL_MODEL_HOEFFDING_TREE / SL_MODEL_HOEFFDING_ADAPTIVE_TREE: River's
 * HoeffdingTreeClassifier / HoeffdingAdaptiveTreeClassifier, parameters by
 * River's names and defaults (grace_period, delta, tau, split_criterion
 * info_gain|gini|hellinger, leaf_prediction mc|nb|nba, nb_threshold,
 * binary_split, merit_preprune, remove_poor_attrs, max_depth, n_splits,
 * max_size in MiB, ...; adaptive: bootstrap_sampling, drift_window_threshold,
 * switch_significance, seed), plus max_classes and max_nominal_values, which
 * size every leaf. Labels are 0 .. max_classes - 1 and may appear at any time.
 * The whole model stays within max_size: when it is reached the least
 * promising leaves stop collecting statistics (they keep predicting) and
 * learn again when room returns. Memory is allocated only when the tree
 * grows; a refused allocation leaves the tree as it was (statistic
 * "split_failures" counts them). Statistics: depth, nodes, branches, leaves,
 * active_leaves, inactive_leaves, weight_seen, split_failures (adaptive:
 * alternate_trees, pruned_alternate_trees, switched_alternate_trees).
 * Predictions of a tree that has learned nothing are class 0 and all-zero
 * probabilities. See docs/models-tree.md. */

/* Declares features `features[0..n)` nominal (the rest are numeric); n = 0
 * makes all numeric. A nominal feature's values are category indices
 * 0 .. max_nominal_values - 1: learning another value is SL_EINVAL, and at
 * prediction an unknown value follows the most common path. Call before
 * the first learn. @return SL_OK, SL_EINVAL (NULL m, NULL features with
 * n > 0), SL_EDIM (an index >= n_features), SL_ESTATE (the model has
 * data), SL_EKIND (not a tree kind). On error nothing changed. */
SL_API sl_status sl_model_set_nominal(sl_model *m, const size_t *features, size_t n);

/* Describes node `i` of a tree in preorder (root 0, then each child's
 * subtree in branch order; alternate subtrees are not listed): `*kind` 0 for
 * a leaf (`*value` = the weight it has seen), 1 numeric split (x[feature] <=
 * value goes to the first child), 2 nominal binary split (x[feature] ==
 * value goes first), 3 nominal multiway split (`*value` = its number of
 * children); `*depth` from the root (0). For inspecting and explaining a
 * tree; O(nodes). @return SL_OK, SL_EINVAL (NULL), SL_ENOTFOUND (i past the
 * last node), SL_EKIND (not a tree kind). */
SL_API sl_status sl_model_tree_node(const sl_model *m, size_t i, int *kind, size_t *depth, size_t *feature,
                                    double *value);

/* Parameters, statistics, save / load, free: see SL_HANDLE_API in common.h. */
SL_HANDLE_API(model);

#ifdef __cplusplus
}
#endif

#endif
