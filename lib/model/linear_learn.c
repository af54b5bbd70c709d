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

/* w -= lr (g x) over d weights, two per iteration, which compilers turn
 * into one vector operation (restrict: the weights never overlap the row). */
static void sgd_apply(sl_real *SL__RESTRICT w, const double *SL__RESTRICT x, size_t d, double lr, double g) {
  size_t k;
  for (k = 0; k < d / 2; k++) {
    w[2 * k] = (sl_real)(w[2 * k] - lr * (g * x[2 * k]));
    w[2 * k + 1] = (sl_real)(w[2 * k + 1] - lr * (g * x[2 * k + 1]));
  }
  if (d & 1) w[d - 1] = (sl_real)(w[d - 1] - lr * (g * x[d - 1]));
}

static inline double bigger(double a, double b) { return a > b ? a : b; }

/* sum w_k x_k in order; with `wmax` (specialised away when NULL) also
 * max |w_k| and max |x_k|, each in two lanes so that the chain of
 * dependent maxima is no slower than the chain of adds. */
static SL__ALWAYS_INLINE double plain_score(const sl_real *w, const double *x, size_t d, double *wmax, double *xmax) {
  double s = 0.0, wm0 = 0.0, wm1 = 0.0, xm0 = 0.0, xm1 = 0.0;
  size_t k;
  for (k = 0; k + 2 <= d; k += 2) {
    s += w[k] * x[k];
    s += w[k + 1] * x[k + 1];
    if (wmax) {
      wm0 = bigger(wm0, fabs(w[k]));
      wm1 = bigger(wm1, fabs(w[k + 1]));
      xm0 = bigger(xm0, fabs(x[k]));
      xm1 = bigger(xm1, fabs(x[k + 1]));
    }
  }
  if (k < d) {
    s += w[k] * x[k];
    wm0 = bigger(wm0, fabs(w[k]));
    xm0 = bigger(xm0, fabs(x[k]));
  }
  if (wmax) {
    *wmax = bigger(wm0, wm1);
    *xmax = bigger(xm0, xm1);
  }
  return s;
}

/* The common case (L->c.plain: sgd at a constant rate, one output, no l1 /
 * l2 / standardize / EWC) on a dense row, in one function: the score, the
 * prediction, then the general path's step with its constants read from the
 * cache (an l2 of 0 would add a signed zero that changes no bit).
 *
 * When learning, the score loop also finds max |w| and max |x|: then |new w| <= max |w| +
 * |lr g| max |x| (up to a few roundings), and when that bound is far inside
 * the storage type's range no weight can overflow, so the check pass is
 * skipped; otherwise it runs as in the general path. */
static sl_status plain_dense(sl__linear *L, const double *x, double *pred, int learn, double y, double w) {
  sl_real *wt = SL__LW(L);
  double *b = SL__LBLK(L, LB_B, double), s, score, wmax = 0.0, xmax = 0.0, g, nb, bad;
  const double lr = L->c.lr;
  size_t k, d = L->base.n_features;
  sl_status st;
  s = learn ? plain_score(wt, x, d, &wmax, &xmax) : plain_score(wt, x, d, NULL, NULL);
  s += b[0];
  score = s;
  /* NaN or infinite x makes the score NaN or infinite (see general_dense) */
  if (SL__UNLIKELY(!sl__finite(s)) && (st = sl__model_check_finite(&L->base, x, 0)) != SL_OK) return st;
  if (pred) *pred = sl__linear_output(L, &score);
  if (!learn) return SL_OK;
  g = clamp(sl__loss_gradient(L->c.loss, L->c.heps, y, s) * w, L->c.clip);
  nb = b[0] + -L->c.ilr * g;
  bad = (g - g) + (nb - nb);
  if (!(wmax + fabs(lr * g) * xmax < 0.5 * SL__REAL_MAX))
    for (k = 0; k < d; k++) {
      double v = (sl_real)(wt[k] - lr * (g * x[k]));
      bad += v - v;
    }
  if (bad != 0.0)
    return sl__fail(&L->base.obj, SL_ENONFINITE, "the update diverged (non-finite result) and was not applied");
  sgd_apply(wt, x, d, lr, g);
  b[0] = nb;
  L->t++;
  return SL_OK;
}

sl_status sl__linear_grad_step(sl__linear *L, const sl__row *x, const sl__row *xr, double y, double w) {
  const sl__pval *p = L->base.obj.param;
  const sl__linear_spec *sp = sl__lin_spec(&L->base);
  double *g = SL__LBLK(L, LB_OUT, double), *db = g + L->n_out, score = g[0], tot_w = 0.0, tot_norm = 0.0;
  double lg0, lr_t, heps = L->c.heps;
  int loss = L->c.loss;
  sl__lin_step s;
  size_t c;
  int vw_live = 0;
  sl_status st;
  lr_t = sl__lin_rate(p, L->t);
  if (L->n_out > 1)
    softmax_gradient(g, L->n_out, (size_t)y);
  else
    g[0] = sl__loss_gradient(loss, heps, y, g[0]);
  for (c = 0; c < L->n_out; c++) {
    g[c] = clamp(g[c] * w, L->c.clip);
    db[c] = -L->c.ilr * g[c];
  }
  lg0 = g[0];
  sl__lin_step_init(L, &s);
  s.g = g;
  s.lg = L->n_out > 1 ? g : &lg0;
  if (sp->ewc_param >= 0) sl__ewc_step_init(L, lr_t, &s);
  if (s.opt == SL__OPT_VW) {
    vw_live = sl__vw_prepare(L, xr, score, y, w, loss, heps, lr_t, &s, &g[0], &tot_w, &tot_norm);
    if (!vw_live) { /* zero loss derivative: VW leaves every weight and total as it is */
      s.opt = SL__OPT_PA;
      g[0] = 0.0;
    }
  }
  if ((st = sl__linear_finish(L, &s, x, xr)) != SL_OK) return st;
  if (s.l1_total > 0) L->l1_total = s.l1_total;
  if (vw_live) {
    L->vw_weight = tot_w;
    L->vw_norm = tot_norm;
  }
  if (sp->ewc_param >= 0) sl__ewc_after_learn(L);
  return SL_OK;
}

sl_status sl__linear_learn(sl_model *m, const sl__row *x, double y, double w) {
  sl__linear *L = (sl__linear *)m;
  sl__row xr;
  sl_status st;
  if (L->c.plain && x->dense) return plain_dense(L, x->dense, NULL, 1, y, w);
  if ((st = sl__linear_begin(L, x, &xr)) != SL_OK) return st;
  return sl__lin_ops(m)->step(L, x, &xr, y, w);
}

/* The dense step of the other cases: the scores through the general code. */
static SL__NOINLINE sl_status general_dense(sl__linear *L, const double *x, double *pred, int learn, double y, double w) {
  double *s = SL__LBLK(L, LB_OUT, double);
  const sl__row r = {x, NULL, NULL, 0};
  sl_status st;
  if (L->blk[LB_MEAN].p) { /* standardized: predict and learn see different rows, so no sharing */
    if ((st = sl__model_check_finite(&L->base, x, 0)) != SL_OK) return st;
    if (pred) sl__linear_predict(&L->base, &r, pred);
    return learn ? sl__linear_learn(&L->base, &r, y, w) : SL_OK;
  }
  /* A NaN or infinite value of x makes every score NaN or infinite (0 * inf
   * is NaN), so only a non-finite score calls for the check; with finite x
   * it is an overflow, which predict reports as is and learn refuses. */
  sl__linear_scores(L, &r, 1, s);
  if (SL__UNLIKELY(!sl__finite(s[0])) && (st = sl__model_check_finite(&L->base, x, 0)) != SL_OK) return st;
  if (pred) *pred = sl__linear_output(L, s);
  return learn ? sl__lin_ops(&L->base)->step(L, &r, &r, y, w) : SL_OK;
}

sl_status sl__linear_dense_step(sl_model *m, const double *x, double *pred, int learn, double y, double w) {
  sl__linear *L = (sl__linear *)m;
  return L->c.plain ? plain_dense(L, x, pred, learn, y, w) : general_dense(L, x, pred, learn, y, w);
}
