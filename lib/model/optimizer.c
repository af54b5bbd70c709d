/*
 * Learning-rate schedules and the per-example constants of each update rule.
 * The per-weight arithmetic itself is in linear_step.c.
 *
 * Schedules (scikit-learn's SGD, River's optim.schedulers), step t from 0:
 *   constant    lr
 *   invscaling  lr / (t + 1)^power_t
 *   optimal     1 / (alpha (t0 + t)), t0 = 1 / (alpha eta0), eta0 = alpha^-1/4
 *               (Bottou's heuristic: River and scikit-learn divide eta0 by
 *               max(1, dloss(-eta0, 1)), which is 1 for every loss here).
 */
#include "linear.h"

double sl__lin_rate(const sl__pval *p, uint64_t t) {
  double alpha, eta0;
  switch (p[LP_SCHEDULE].i) {
  case SL__SCHED_INVSCALING: return p[LP_LR].d / pow((double)t + 1.0, p[LP_POWER_T].d);
  case SL__SCHED_OPTIMAL:
    alpha = p[LP_ALPHA].d;
    eta0 = sqrt(1.0 / sqrt(alpha));
    return 1.0 / (alpha * (1.0 / (eta0 * alpha) + (double)t));
  default: return p[LP_LR].d;
  }
}

void sl__lin_step_init(const sl__linear *L, sl__lin_step *s) {
  const sl__pval *p = L->base.obj.param;
  double lr_t = sl__lin_rate(p, L->t), tp1 = (double)L->t + 1.0;
  SL__MEMSET(s, 0, sizeof *s);
  s->opt = (int)p[LP_OPTIMIZER].i;
  s->lr = lr_t;
  s->l2 = p[LP_L2].d;
  s->eps = p[LP_EPS].d;
  switch (s->opt) {
  case SL__OPT_ADAM:
    s->beta1 = p[LP_BETA1].d;
    s->beta2 = p[LP_BETA2].d;
    /* Both bias corrections folded into the rate, as River's Adam does. */
    s->lr = lr_t * sqrt(1.0 - pow(s->beta2, tp1)) / (1.0 - pow(s->beta1, tp1));
    break;
  case SL__OPT_FTRL:
    s->f_alpha = p[LP_FTRL_ALPHA].d;
    s->f_beta = p[LP_FTRL_BETA].d;
    s->f_l1 = p[LP_FTRL_L1].d;
    s->f_l2 = p[LP_FTRL_L2].d;
    break;
  default: break;
  }
  /* River adds l1 times the rate of the next step to the total after each step. */
  if (p[LP_L1].d > 0) s->l1_total = L->l1_total + p[LP_L1].d * sl__lin_rate(p, L->t + 1);
}
