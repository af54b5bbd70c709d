/*
 * One learn step of the linear kinds: the shared start and finish, and the
 * gradient kinds' step (linear, logistic, softmax, SVM, EWC), in River's
 * order: scores, loss gradient times the example weight clipped to
 * clip_gradient, intercept -= intercept_lr * gradient, weights by the
 * optimizer (+ L2 in the gradient, + cumulative L1, + EWC proximal step).
 */
#include "linear.h"

sl_status sl__linear_begin(sl__linear *L, const sl__row *x, sl__row *xr) {
  *xr = *x;
  if (L->blk[LB_MEAN].p) {
    if (!x->dense)
      return sl__fail(&L->base.obj, SL_ESTATE, "'standardize' learns from dense rows; sparse learn is refused");
    if (!sl__linear_standardize_learn(L, x->dense))
      return sl__fail(&L->base.obj, SL_ENONFINITE, "the standardization statistics would overflow");
    xr->dense = SL__LBLK(L, LB_Z, const double);
  }
  sl__linear_scores(L, xr, 1, SL__LBLK(L, LB_OUT, double));
  return SL_OK;
}

sl_status sl__linear_finish(sl__linear *L, const sl__lin_step *s, const sl__row *x, const sl__row *xr) {
  double *b = SL__LBLK(L, LB_B, double), *db = SL__LBLK(L, LB_OUT, double) + L->n_out, bad = 0.0;
  size_t c;
  for (c = 0; c < L->n_out; c++) bad += (s->g[c] - s->g[c]) + (b[c] + db[c]) - (b[c] + db[c]);
  if (bad != 0.0 || !sl__lin_check(L, s, xr))
    return sl__fail(&L->base.obj, SL_ENONFINITE, "the update diverged (non-finite result) and was not applied");
  sl__lin_apply(L, s, xr);
  for (c = 0; c < L->n_out; c++) b[c] += db[c];
  if (L->blk[LB_MEAN].p) sl__linear_standardize_commit(L, x->dense);
  L->t++;
  return SL_OK;
}

static double clamp(double v, double lim) { return v > lim ? lim : v < -lim ? -lim : v; }

/* Softmax of the scores, then cross-entropy gradients (p_c - [c == y]), with
 * River's clamping of p into [1e-15, 1 - 1e-15]. */
static void softmax_gradient(double *g, size_t n, size_t y) {
  double mx = g[0], tot = 0.0;
  size_t c;
  for (c = 1; c < n; c++)
    if (g[c] > mx) mx = g[c];
  for (c = 0; c < n; c++) tot += (g[c] = exp(g[c] - mx));
  for (c = 0; c < n; c++) {
    double p = g[c] / tot;
    p = p < 1e-15 ? 1e-15 : p > 1.0 - 1e-15 ? 1.0 - 1e-15 : p;
    g[c] = p - (c == y ? 1.0 : 0.0);
  }
}

sl_status sl__linear_learn(sl_model *m, const sl__row *x, double y, double w) {
  sl__linear *L = (sl__linear *)m;
  const sl__pval *p = m->obj.param;
  const sl__linear_spec *sp = sl__lin_spec(m);
  double *g = SL__LBLK(L, LB_OUT, double), *db = g + L->n_out, score, tot_w = 0.0, tot_norm = 0.0;
  double lg0, lr_t = sl__lin_rate(p, L->t), ilr = p[LP_INTERCEPT_LR].d, clip = p[LP_CLIP].d;
  int loss = sl__linear_loss(m);
  double heps = loss == SL__LOSS_HUBER ? p[LP_EXTRA + 1].d : 0.0;
  sl__lin_step s;
  sl__row xr;
  size_t c;
  int vw_live = 0;
  sl_status st;
  if ((st = sl__linear_begin(L, x, &xr)) != SL_OK) return st;
  score = g[0];
  if (L->n_out > 1)
    softmax_gradient(g, L->n_out, (size_t)y);
  else
    g[0] = sl__loss_gradient(loss, heps, y, g[0]);
  for (c = 0; c < L->n_out; c++) {
    g[c] = clamp(g[c] * w, clip);
    db[c] = -ilr * g[c];
  }
  lg0 = g[0];
  sl__lin_step_init(L, &s);
  s.g = g;
  s.lg = L->n_out > 1 ? g : &lg0;
  if (sp->ewc_param >= 0) sl__ewc_step_init(L, lr_t, &s);
  if (s.opt == SL__OPT_VW) {
    vw_live = sl__vw_prepare(L, &xr, score, y, w, loss, heps, lr_t, &s, &g[0], &tot_w, &tot_norm);
    if (!vw_live) { /* zero loss derivative: VW leaves every weight and total as it is */
      s.opt = SL__OPT_PA;
      g[0] = 0.0;
    }
  }
  if ((st = sl__linear_finish(L, &s, x, &xr)) != SL_OK) return st;
  if (s.l1_total > 0) L->l1_total = s.l1_total;
  if (vw_live) {
    L->vw_weight = tot_w;
    L->vw_norm = tot_norm;
  }
  if (sp->ewc_param >= 0) sl__ewc_after_learn(L);
  return SL_OK;
}
