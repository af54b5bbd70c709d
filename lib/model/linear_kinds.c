/*
 * The gradient-trained linear kinds: parameter tables (River's names and
 * defaults: LinearRegression / LogisticRegression default to SGD(0.01),
 * intercept_lr 0.01, no regularization), specs and descriptors. Their
 * state and step are shared (linear.c, linear_learn.c, linear_step.c).
 */
#include "linear.h"

static const sl_param_info linreg_params[] = {
    SL__LINEAR_COMMON_PARAMS,
    {"loss", SL_PARAM_ENUM, 0, 0, 1, "squared|huber", "regression loss", 0},
    {"epsilon", SL_PARAM_DOUBLE, 0.1, 0, 1e12, NULL, "huber: residual beyond which the loss is linear", 0},
};
static const sl_param_info binary_params[] = {SL__LINEAR_COMMON_PARAMS};
static const sl_param_info softmax_params[] = {
    SL__LINEAR_COMMON_PARAMS,
    {"n_classes", SL_PARAM_INT, 2, 2, 65536, NULL, "number of classes (labels 0 .. n_classes-1)",
     SL_PARAM_FIXED_AFTER_START},
};
static const sl_param_info ewc_params[] = {SL__LINEAR_COMMON_PARAMS, SL__EWC_PARAMS};

static const char *const lin_stats[] = {SL__LINEAR_STATS};
static const char *const ewc_stats[] = {SL__LINEAR_STATS, SL__EWC_STATS};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ops of a gradient kind: task, predict_proba, loss (-1: the `loss`
 * parameter), index of n_classes, index of the EWC parameters. */
#define GRADIENT_OPS(task, proba, loss, n_out_param, ewc_param)                                              \
  {{task, 1, sl__linear_max_classes, sl__linear_learn, sl__linear_predict, proba, sl__linear_reset,         \
    sl__linear_dense_step},                                                                                \
   {loss, 0, n_out_param, ewc_param, LP_STANDARDIZE},                                                      \
   sl__linear_grad_step}
#define REG SL_TASK_REGRESSION
#define CLF SL_TASK_CLASSIFICATION
#define PROBA sl__linear_predict_proba

static const sl__linear_ops linreg_ops = GRADIENT_OPS(REG, NULL, -1, -1, -1);
static const sl__linear_ops logreg_ops = GRADIENT_OPS(CLF, PROBA, SL__LOSS_LOG, -1, -1);
static const sl__linear_ops softmax_ops = GRADIENT_OPS(CLF, PROBA, SL__LOSS_CROSS_ENTROPY, LP_EXTRA, -1);
static const sl__linear_ops svm_ops = GRADIENT_OPS(CLF, PROBA, SL__LOSS_HINGE, -1, -1);
static const sl__linear_ops ewc_linear_ops = GRADIENT_OPS(REG, NULL, SL__LOSS_SQUARED, -1, LP_EXTRA);
static const sl__linear_ops ewc_logistic_ops = GRADIENT_OPS(CLF, PROBA, SL__LOSS_LOG, -1, LP_EXTRA);

SL__LINEAR_BUILD(linreg_build, sl__linear_regression_kind)
SL__LINEAR_BUILD(logreg_build, sl__logistic_regression_kind)
SL__LINEAR_BUILD(softmax_build, sl__softmax_regression_kind)
SL__LINEAR_BUILD(svm_build, sl__linear_svm_kind)
SL__LINEAR_BUILD(ewc_linear_build, sl__ewc_linear_kind)
SL__LINEAR_BUILD(ewc_logistic_build, sl__ewc_logistic_kind)

#define LINEAR_KIND(id, name, params, stats, build, ops)                                                     \
  {SL__HANDLE_MODEL, id,      name,          params, N_OF(params), stats, N_OF(stats), sl__linear_configure,  \
   sl__linear_stat,  sl__linear_save, build, sl__linear_destroy, &(ops)}

const sl__kind sl__linear_regression_kind =
    LINEAR_KIND(SL_MODEL_LINEAR_REGRESSION, "linear_regression", linreg_params, lin_stats, linreg_build, linreg_ops);
const sl__kind sl__logistic_regression_kind = LINEAR_KIND(SL_MODEL_LOGISTIC_REGRESSION, "logistic_regression",
                                                          binary_params, lin_stats, logreg_build, logreg_ops);
const sl__kind sl__softmax_regression_kind = LINEAR_KIND(SL_MODEL_SOFTMAX_REGRESSION, "softmax_regression",
                                                         softmax_params, lin_stats, softmax_build, softmax_ops);
const sl__kind sl__linear_svm_kind =
    LINEAR_KIND(SL_MODEL_LINEAR_SVM, "linear_svm", binary_params, lin_stats, svm_build, svm_ops);
const sl__kind sl__ewc_linear_kind =
    LINEAR_KIND(SL_MODEL_EWC_LINEAR, "ewc_linear", ewc_params, ewc_stats, ewc_linear_build, ewc_linear_ops);
const sl__kind sl__ewc_logistic_kind =
    LINEAR_KIND(SL_MODEL_EWC_LOGISTIC, "ewc_logistic", ewc_params, ewc_stats, ewc_logistic_build, ewc_logistic_ops);
