/*
 * Private to lib/model: the machinery every linear kind shares (linear,
 * logistic, softmax regression, linear SVM, passive-aggressive, EWC).
 *
 * A linear model holds n_out weight vectors over n_features inputs plus one
 * intercept per output. Every per-weight array (weights, optimiser state,
 * L1 ledger, EWC anchor / Fisher) is a "block" allocated at creation, sized
 * from the parameters, and re-laid out by `configure` when a parameter that
 * changes the layout is set; learn / predict allocate nothing.
 *
 * A learn step is: scores -> loss gradient per output -> per-weight update.
 * The update runs twice over the touched weights: a check pass computes every
 * new value without writing and verifies it is finite, then an apply pass
 * writes. A diverging step is refused with the model untouched and no copy
 * of the weight vector is ever made.
 */
#ifndef SL_MODEL_LINEAR_H
#define SL_MODEL_LINEAR_H

#include "model_impl.h"

/* ---- parameters shared by the gradient kinds (linear, logistic, softmax,
 * SVM, EWC): indices into o->param, in the order of every such kind's table.
 * Kind-specific parameters follow from LP_EXTRA. */
enum {
  LP_OPTIMIZER,
  LP_LR,
  LP_SCHEDULE,
  LP_POWER_T,
  LP_ALPHA,
  LP_BETA1,
  LP_BETA2,
  LP_EPS,
  LP_FTRL_ALPHA,
  LP_FTRL_BETA,
  LP_FTRL_L1,
  LP_FTRL_L2,
  LP_L1,
  LP_L2,
  LP_INTERCEPT_INIT,
  LP_INTERCEPT_LR,
  LP_CLIP,
  LP_STANDARDIZE,
  LP_EXTRA
};

/* Table rows for the shared parameters, in LP_* order (linear_kinds.c). */
#define SL__LINEAR_COMMON_PARAMS                                                                               \
  {"optimizer", SL_PARAM_ENUM, 0, 0, 4, "sgd|adagrad|adam|ftrl|vw", "weight update rule",                      \
   SL_PARAM_FIXED_AFTER_START},                                                                                \
      {"lr", SL_PARAM_DOUBLE, 0.01, 0, 1e6, NULL, "learning rate of sgd / adagrad / adam / vw (eta0)", 0},     \
      {"learning_rate", SL_PARAM_ENUM, 0, 0, 2, "constant|invscaling|optimal",                                 \
       "schedule of lr over steps t (scikit-learn's SGD schedules)", 0},                                       \
      {"power_t", SL_PARAM_DOUBLE, 0.5, 0, 10, NULL, "invscaling: lr / (t + 1)^power_t", 0},                   \
      {"alpha", SL_PARAM_DOUBLE, 1e-4, 1e-12, 1e6, NULL, "optimal: 1 / (alpha (t0 + t))", 0},                  \
      {"beta1", SL_PARAM_DOUBLE, 0.9, 0, 0.999999999, NULL, "adam: decay of the first moment", 0},             \
      {"beta2", SL_PARAM_DOUBLE, 0.999, 0, 0.999999999, NULL, "adam: decay of the second moment", 0},          \
      {"eps", SL_PARAM_DOUBLE, 1e-8, 0, 1, NULL, "adam / adagrad: denominator guard", 0},                      \
      {"ftrl_alpha", SL_PARAM_DOUBLE, 0.05, 1e-12, 1e6, NULL, "ftrl: per-coordinate rate scale", 0},           \
      {"ftrl_beta", SL_PARAM_DOUBLE, 1.0, 0, 1e6, NULL, "ftrl: rate smoothing", 0},                            \
      {"ftrl_l1", SL_PARAM_DOUBLE, 0.0, 0, 1e6, NULL, "ftrl: L1 strength (exact zeros)", 0},                   \
      {"ftrl_l2", SL_PARAM_DOUBLE, 1.0, 0, 1e6, NULL, "ftrl: L2 strength", 0},                                 \
      {"l1", SL_PARAM_DOUBLE, 0.0, 0, 1e6, NULL, "L1 by cumulative penalty (Tsuruoka 2009), as River", 0},     \
      {"l2", SL_PARAM_DOUBLE, 0.0, 0, 1e6, NULL, "L2: adds l2 * w to each touched weight's gradient", 0},      \
      {"intercept_init", SL_PARAM_DOUBLE, 0.0, -1e12, 1e12, NULL, "intercept before any data", 0},             \
      {"intercept_lr", SL_PARAM_DOUBLE, 0.01, 0, 1e6, NULL, "intercept step size (0: intercept frozen)", 0},   \
      {"clip_gradient", SL_PARAM_DOUBLE, 1e12, 0, 1e308, NULL, "bound on |loss gradient| per example", 0},     \
      {"standardize", SL_PARAM_BOOL, 0, 0, 1, NULL, "standardize dense inputs online (running mean / var)",     \
       SL_PARAM_FIXED_AFTER_START}

/* EWC parameters, from the kind's spec.ewc_param on (ewc.c). */
enum { EWC_LAMBDA, EWC_FISHER, EWC_DECAY, EWC_GAMMA };
enum { EWC_FISHER_MEAN, EWC_FISHER_EMA };

#define SL__EWC_PARAMS                                                                                          \
  {"ewc_lambda", SL_PARAM_DOUBLE, 1.0, 0, 1e12, NULL, "EWC strength: loss + lambda/2 sum F_i (w_i - w*_i)^2", 0}, \
      {"fisher", SL_PARAM_ENUM, EWC_FISHER_EMA, 0, 1, "mean|ema",                                              \
       "running Fisher: mean of squared gradients since consolidate, or exponential (near the anchor)", 0},   \
      {"fisher_decay", SL_PARAM_DOUBLE, 0.999, 0, 0.999999999, NULL, "ema: weight kept by the old Fisher", 0}, \
      {"gamma", SL_PARAM_DOUBLE, 1.0, 0, 1, NULL, "online EWC: F* = gamma F* + F at each consolidate", 0}

/* Update rules. The first five are the `optimizer` choices in order. */
typedef enum sl__lin_opt {
  SL__OPT_SGD,
  SL__OPT_ADAGRAD,
  SL__OPT_ADAM,
  SL__OPT_FTRL,
  SL__OPT_VW,
  SL__OPT_PA /* passive-aggressive: w += tau * x, no state */
} sl__lin_opt;

/* Losses (loss.c). Gradients are d loss / d raw score, River's conventions. */
typedef enum sl__loss {
  SL__LOSS_SQUARED, /* (p - y)^2 */
  SL__LOSS_HUBER,   /* River's Huber(epsilon) */
  SL__LOSS_LOG,     /* binary log loss, y in {0, 1} */
  SL__LOSS_HINGE,   /* max(0, 1 - y' p), y' = 2y - 1 */
  SL__LOSS_CROSS_ENTROPY
} sl__loss;

/* What differs between the linear kinds, fixed per kind. */
typedef struct sl__linear_spec {
  int loss;           /* sl__loss, or -1: the `loss` parameter at LP_EXTRA (squared|huber) */
  int pa;             /* passive-aggressive kind: own table (PA_* indices), own update */
  int n_out_param;    /* index of `n_classes` (softmax), or -1 for one output */
  int ewc_param;      /* index of the first EWC parameter, or -1 */
  int standardize;    /* index of `standardize` */
} sl__linear_spec;

struct sl__linear;
/* A linear kind's ops: the model vtable, its spec, and its step: the learn
 * after the scores (sl__linear_begin), which are in LB_OUT. */
typedef struct sl__linear_ops {
  sl__model_ops ops;
  sl__linear_spec spec;
  sl_status (*step)(struct sl__linear *L, const sl__row *x, const sl__row *xr, double y, double w);
} sl__linear_ops;

/* Schedules of `learning_rate`, in the order of its choices. */
enum { SL__SCHED_CONSTANT, SL__SCHED_INVSCALING, SL__SCHED_OPTIMAL };

/* What a learn reads from the parameters, derived once by configure (and at
 * build) instead of on every example. */
typedef struct sl__lin_cache {
  int plain;   /* the common case: sgd, constant rate, one output, no l1 / l2 / standardize / EWC */
  int clf;     /* classification kind */
  int loss;    /* sl__loss (gradient kinds) */
  double heps; /* huber epsilon */
  double lr;   /* plain: the constant rate */
  double ilr;  /* intercept_lr */
  double clip; /* clip_gradient */
} sl__lin_cache;

/* The per-weight blocks. Sizes follow from the parameters (lin_layout). */
enum {
  LB_W,      /* sl_real weights, feature-major: w[j * n_out + c] */
  LB_S1,     /* sl_real: adagrad G, adam m, ftrl z, vw G */
  LB_S2,     /* sl_real: adam v, ftrl n, vw N (largest |x|) */
  LB_L1,     /* sl_real: L1 penalty already applied per weight (l1 > 0) */
  LB_MEAN,   /* double per feature: running mean (standardize) */
  LB_VAR,    /* double per feature: running variance (standardize) */
  LB_Z,      /* double per feature: scratch, the standardized row */
  LB_ANCHOR, /* sl_real: EWC anchor w* */
  LB_FISHER, /* sl_real: EWC consolidated Fisher F* */
  LB_FRUN,   /* sl_real: EWC running Fisher estimate of the current task */
  LB_B,      /* double per output: intercepts (double: River conformance) */
  LB_OUT,    /* double per output: scratch, scores then loss gradients */
  LB_SEEN,   /* bytes: one bit per feature, zero between calls (repeated sparse indices) */
  LB_N
};

typedef struct sl__linbuf {
  void *p;
  size_t bytes;
} sl__linbuf;

typedef struct sl__linear {
  sl_model base;
  size_t n_out;           /* outputs: 1, or the classes of a softmax */
  size_t n_w;             /* n_features * n_out */
  sl__linbuf blk[LB_N];
  uint64_t t;             /* optimizer steps taken (River's n_iterations) */
  double l1_total;        /* L1 penalty every weight should have received so far */
  double sc_n;            /* standardize: rows seen */
  double vw_weight;       /* vw: sum of example weights */
  double vw_norm;         /* vw: sum of weighted normalized squared norms */
  double fisher_n;        /* EWC: learns folded into the running Fisher since the last consolidate */
  uint64_t consolidations;
  sl__lin_cache c;
} sl__linear;

#define SL__LW(L) ((sl_real *)(L)->blk[LB_W].p)

/* C99 restrict: a weight block never overlaps the caller's row. */
#if defined(__cplusplus)
#define SL__RESTRICT
#else
#define SL__RESTRICT restrict
#endif
#define SL__LBLK(L, b, T) ((T *)(L)->blk[b].p)

static inline const sl__linear_ops *sl__lin_ops(const sl_model *m) { return (const sl__linear_ops *)m->obj.kind->ops; }
static inline const sl__linear_spec *sl__lin_spec(const sl_model *m) { return &sl__lin_ops(m)->spec; }

/* ---- linear.c: state, prediction, persistence ---------------------------- */

sl_status sl__linear_build(sl__object **out, const sl__kind *k, const sl__pval *params, sl__reader *r,
                           const void *args, const sl_allocator *a);
void sl__linear_destroy(sl__object *o);
sl_status sl__linear_configure(sl__object *o, size_t changed, sl__pval old);
sl_status sl__linear_save(const sl__object *o, sl__writer *w);
double sl__linear_stat(const sl__object *o, size_t i);
void sl__linear_reset(sl_model *m);
size_t sl__linear_max_classes(const sl_model *m);
void sl__linear_predict(sl_model *m, const sl__row *x, double *y);
/* The prediction from the scores `s`: the value, or the class. */
double sl__linear_output(const sl__linear *L, const double *s);
/* sl__model_ops.dense_step of every linear kind: the scores once, for the
 * prediction and the learn; their finiteness tells whether x needs checking. */
sl_status sl__linear_dense_step(sl_model *m, const double *x, double *pred, int learn, double y, double w);
void sl__linear_predict_proba(sl_model *m, const sl__row *x, double *p, size_t n);
/* The loss of the kind (resolving the `loss` parameter). */
int sl__linear_loss(const sl_model *m);
/* Scores of every output into `out`: the row standardized with the current
 * statistics when `standardize` is on, unless `raw` (a row already
 * standardized). */
void sl__linear_scores(const sl__linear *L, const sl__row *x, int raw, double *out);
/* Standardize: the row transformed with the statistics updated by it (what
 * River's StandardScaler does in a pipeline's learn), into LB_Z. Nothing
 * else is written; 0 when a statistic would become non-finite. */
int sl__linear_standardize_learn(sl__linear *L, const double *x);
/* Commits the statistics sl__linear_standardize_learn computed. */
void sl__linear_standardize_commit(sl__linear *L, const double *x);

/* ---- linear_step.c: the check-then-apply update engine ------------------- */

/* Everything a per-weight step needs besides the weight's own state. */
typedef struct sl__lin_step {
  int opt;            /* sl__lin_opt */
  const double *g;    /* per output: loss gradient (gradient rules) or the step to add times x (vw, pa) */
  const double *lg;   /* per output: loss gradient, for the running Fisher (EWC) */
  double lr;          /* sgd / adagrad: lr_t; adam: bias-corrected lr_t */
  double l2, beta1, beta2, eps;
  double f_alpha, f_beta, f_l1, f_l2; /* ftrl */
  double vw_gsq;      /* vw: squared loss derivative times the example weight */
  double l1_total;    /* > 0: River's cumulative L1 after this step */
  double ewc;         /* > 0: lr_t * lambda, the EWC proximal step */
  int fisher;         /* accumulate the running Fisher (EWC kinds) */
  double f_rate;      /* its update: F += (g^2 - F) * f_rate */
} sl__lin_step;

/* 1 when every weight the step touches stays finite, else 0. Writes nothing
 * (the LB_SEEN bits it uses are back to zero on return). */
int sl__lin_check(sl__linear *L, const sl__lin_step *s, const sl__row *x);
/* Applies the step to every touched weight. */
void sl__lin_apply(sl__linear *L, const sl__lin_step *s, const sl__row *x);

/* ---- loss.c --------------------------------------------------------------------- */

/* d loss / d score for target y (classes as 0 / 1 for binary losses). */
double sl__loss_gradient(int loss, double huber_eps, double y, double score);
/* River's clamped logistic function. */
double sl__sigmoid(double x);
/* VW's importance-invariant update (Karampatziakis & Langford 2011) for
 * squared, log and hinge loss: the change of the score per unit of
 * pred_per_update; other losses take the first-order step -gradient * scale. */
double sl__loss_invariant_update(int loss, double huber_eps, double y, double score, double scale,
                                 double pred_per_update);

/* ---- optimizer.c ------------------------------------------------------------------- */

/* The learning rate of the schedule at step t. */
double sl__lin_rate(const sl__pval *p, uint64_t t);
/* Fills the optimizer part of a step for the gradient kinds (opt, lr, betas,
 * ftrl constants, l2, l1_total) at the model's current step count. */
void sl__lin_step_init(const sl__linear *L, sl__lin_step *s);

/* ---- linear_learn.c ------------------------------------------------------------------- */

/* sl__model_ops.learn of every linear kind: sl__linear_begin, then the kind's step. */
sl_status sl__linear_learn(sl_model *m, const sl__row *x, double y, double w);
/* The step of the gradient kinds (all but PA). */
sl_status sl__linear_grad_step(sl__linear *L, const sl__row *x, const sl__row *xr, double y, double w);
/* The start of every linear learn: standardizes a dense row when asked
 * (into LB_Z, statistics not yet committed; sparse rows are refused then)
 * and puts the scores in LB_OUT. `*xr` is the row the step must use. */
sl_status sl__linear_begin(sl__linear *L, const sl__row *x, sl__row *xr);
/* The end of every linear learn: the step with its weight gradients (or
 * steps) in s->g and the intercept changes in LB_OUT[n_out..2 n_out) is
 * checked, then applied with the statistics; SL_ENONFINITE with nothing
 * changed when anything would leave the finite range. */
sl_status sl__linear_finish(sl__linear *L, const sl__lin_step *s, const sl__row *x, const sl__row *xr);

/* ---- linear_step.c, VW ------------------------------------------------------------------ */

/* VW's first pass (adaptive, normalized, invariant): from the loss
 * derivative at `score`, fills s->vw_gsq and *g0 (the invariant update
 * times the normalization, to multiply by x * rate per weight) and the new
 * totals. Writes nothing to the model. Returns 0 when the step is null. */
int sl__vw_prepare(const sl__linear *L, const sl__row *x, double score, double y, double w, int loss,
                   double huber_eps, double lr, sl__lin_step *s, double *g0, double *tot_w, double *tot_norm);

/* ---- ewc.c ------------------------------------------------------------------------------ */

/* Fills the EWC part of a step (prox strength, Fisher accumulation). */
void sl__ewc_step_init(const sl__linear *L, double lr_t, sl__lin_step *s);
/* After an applied step: counts the learn into the running Fisher. */
void sl__ewc_after_learn(sl__linear *L);

/* ---- kinds ------------------------------------------------------------------------------ */

/* Statistics every linear kind reports (sl__linear_stat), then EWC's. */
#define SL__LINEAR_STATS "steps", "intercept", "weight_norm"
#define SL__EWC_STATS "consolidations", "penalty"

/* Defines `fn`, the sl__kind.build of linear kind `kind`. */
#define SL__LINEAR_BUILD(fn, kind)                                                                           \
  static sl_status fn(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,             \
                      const sl_allocator *a) {                                                               \
    return sl__linear_build(out, &(kind), params, r, args, a);                                               \
  }

#endif
