/*
 * Elastic weight consolidation for the linear learner (Kirkpatrick et al.
 * 2017), in its online form (Schwarz et al. 2018): the objective is
 *   loss + lambda/2 sum_i F*_i (w_i - w*_i)^2
 * with the diagonal Fisher estimated online from squared loss gradients
 * (the empirical Fisher), by default an exponential average that tracks the
 * Fisher near the current weights, and consolidated with decay gamma:
 *   consolidate: F* = gamma F* + F_run, w* = w, F_run = 0.
 *
 * EWC is a hook on the shared learner, not a learner of its own: after the
 * optimizer's step each touched weight takes the proximal step of the
 * penalty with the schedule's rate lr_t (linear_step.c),
 *   w = (w + lr_t lambda F*_i w*_i) / (1 + lr_t lambda F*_i),
 * which is stable for any lambda (lambda -> inf pins w at w*) and is the
 * identity for lambda = 0, so an EWC kind with lambda 0 learns exactly as
 * its plain kind.
 */
#include "linear.h"

/* The running Fisher's rate: 1 / n gives the mean since the last
 * consolidate; `ema` takes at least 1 - fisher_decay, so after about
 * 1 / (1 - fisher_decay) learns it weighs the recent gradients, those near
 * the weights that consolidate will anchor (Kirkpatrick et al. take F at
 * the anchor w*; the mean over a task is dominated by its first, untrained
 * rows). Before that it is the mean, so a short task is not biased toward
 * the zero the estimate starts from. */
void sl__ewc_step_init(const sl__linear *L, double lr_t, sl__lin_step *s) {
  const sl__pval *p = L->base.obj.param + sl__lin_spec(&L->base)->ewc_param;
  double ema_rate = p[EWC_FISHER].i == EWC_FISHER_EMA ? 1.0 - p[EWC_DECAY].d : 0.0;
  if (p[EWC_LAMBDA].d > 0) s->ewc = lr_t * p[EWC_LAMBDA].d;
  s->fisher = 1;
  s->f_rate = 1.0 / (L->fisher_n + 1.0);
  if (s->f_rate < ema_rate) s->f_rate = ema_rate;
}

void sl__ewc_after_learn(sl__linear *L) { L->fisher_n += 1.0; }

SL_API sl_status sl_model_consolidate(sl_model *m) {
  sl__linear *L = (sl__linear *)m;
  sl_real *w, *a, *f, *fr;
  double gamma, bad = 0.0;
  size_t i;
  if (!m) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if (m->obj.kind->configure != sl__linear_configure || sl__lin_spec(m)->ewc_param < 0)
    return sl__fail(&m->obj, SL_EKIND, "kind '%s' has no EWC penalty to consolidate", m->obj.kind->name);
  gamma = m->obj.param[sl__lin_spec(m)->ewc_param + EWC_GAMMA].d;
  w = SL__LW(L);
  a = SL__LBLK(L, LB_ANCHOR, sl_real);
  f = SL__LBLK(L, LB_FISHER, sl_real);
  fr = SL__LBLK(L, LB_FRUN, sl_real);
  for (i = 0; i < L->n_w; i++) {
    sl_real v = (sl_real)(gamma * f[i] + fr[i]);
    bad += v - v;
  }
  if (bad != 0.0) return sl__fail(&m->obj, SL_ENONFINITE, "the consolidated Fisher would overflow");
  for (i = 0; i < L->n_w; i++) {
    f[i] = (sl_real)(gamma * f[i] + fr[i]);
    fr[i] = 0;
    a[i] = w[i];
  }
  L->fisher_n = 0.0;
  L->consolidations++;
  return SL_OK;
}
