/*
 * The update engine of the linear kinds: one step of any update rule on
 * every weight a row touches, in two passes.
 *
 * check: computes each touched weight's new state without writing it and
 *        verifies it is finite. A sparse row may repeat an index; each
 *        occurrence is its own step (as VW treats hash collisions), so a
 *        repeated index is checked by replaying its occurrences in order
 *        (the LB_SEEN bitset finds repeats; a row repeating an index k
 *        times costs O(k * nnz) to check, a plain row O(nnz)).
 * apply: the same arithmetic, written. Both passes run the one coord_step(),
 *        so what was checked is what is applied, bit for bit.
 *
 * The per-weight state is gathered into a coord: the weight and whatever
 * the rule keeps beside it. Arithmetic is in double whatever sl_real is;
 * storage is sl_real (float builds keep float weights and state).
 */
#include "linear.h"

typedef struct coord {
  double w, s1, s2, l1, f;
} coord;

typedef struct blocks {
  sl_real *w, *s1, *s2, *l1, *anchor, *fisher, *frun;
} blocks;

static blocks blocks_of(sl__linear *L) {
  blocks b;
  b.w = SL__LW(L);
  b.s1 = SL__LBLK(L, LB_S1, sl_real);
  b.s2 = SL__LBLK(L, LB_S2, sl_real);
  b.l1 = SL__LBLK(L, LB_L1, sl_real);
  b.anchor = SL__LBLK(L, LB_ANCHOR, sl_real);
  b.fisher = SL__LBLK(L, LB_FISHER, sl_real);
  b.frun = SL__LBLK(L, LB_FRUN, sl_real);
  return b;
}

static inline void coord_load(const blocks *b, size_t i, coord *k) {
  k->w = b->w[i];
  k->s1 = b->s1 ? b->s1[i] : 0.0;
  k->s2 = b->s2 ? b->s2[i] : 0.0;
  k->l1 = b->l1 ? b->l1[i] : 0.0;
  k->f = b->frun ? b->frun[i] : 0.0;
}

static inline void coord_store(const blocks *b, size_t i, const coord *k) {
  b->w[i] = (sl_real)k->w;
  if (b->s1) b->s1[i] = (sl_real)k->s1;
  if (b->s2) b->s2[i] = (sl_real)k->s2;
  if (b->l1) b->l1[i] = (sl_real)k->l1;
  if (b->frun) b->frun[i] = (sl_real)k->f;
}

/* Rounds the state to what storing it keeps (a no-op when sl_real is double). */
static inline void coord_round(coord *k) {
  k->w = (sl_real)k->w;
  k->s1 = (sl_real)k->s1;
  k->s2 = (sl_real)k->s2;
  k->l1 = (sl_real)k->l1;
  k->f = (sl_real)k->f;
}

/* NaN when any part of the coord is NaN or infinite, else 0. */
static inline double coord_bad(const coord *k) {
  return (k->w - k->w) + (k->s1 - k->s1) + (k->s2 - k->s2) + (k->l1 - k->l1) + (k->f - k->f);
}

/* One step of weight i (output c) for input value x. */
static SL__ALWAYS_INLINE void coord_step(const sl__lin_step *s, const blocks *b, size_t i, size_t c, double x, coord *k) {
  double g, gl = s->g[c] * x, r, n2;
  switch (s->opt) {
  case SL__OPT_SGD:
    g = gl + s->l2 * k->w;
    k->w -= s->lr * g;
    break;
  case SL__OPT_ADAGRAD:
    g = gl + s->l2 * k->w;
    k->s1 += g * g;
    k->w -= s->lr / sqrt(k->s1 + s->eps) * g;
    break;
  case SL__OPT_ADAM:
    g = gl + s->l2 * k->w;
    k->s1 = s->beta1 * k->s1 + (1.0 - s->beta1) * g;
    k->s2 = s->beta2 * k->s2 + (1.0 - s->beta2) * g * g;
    k->w -= s->lr * k->s1 / (sqrt(k->s2) + s->eps);
    break;
  case SL__OPT_FTRL: /* FTRL-Proximal (McMahan et al. 2013): z in s1, n in s2 */
    g = gl + s->l2 * k->w;
    n2 = k->s2 + g * g;
    k->s1 += g - (sqrt(n2) - sqrt(k->s2)) / s->f_alpha * k->w;
    k->s2 = n2;
    if (fabs(k->s1) <= s->f_l1)
      k->w = 0.0;
    else
      k->w = -(k->s1 - (k->s1 < 0 ? -s->f_l1 : s->f_l1)) / ((s->f_beta + sqrt(n2)) / s->f_alpha + s->f_l2);
    break;
  case SL__OPT_VW: /* adaptive (G in s1), normalized (largest |x| in s2); g = invariant update */
    if (x == 0.0) return;
    k->s1 += s->vw_gsq * x * x;
    if (fabs(x) > k->s2) {
      if (k->s2 > 0) k->w *= k->s2 / fabs(x); /* as if the new scale had been the scale all along */
      k->s2 = fabs(x);
    }
    r = k->s1 > 0 ? 1.0 / (sqrt(k->s1) * k->s2) : 0.0;
    k->w += gl * r;
    break;
  default: /* passive-aggressive: g = tau * y */
    k->w += gl;
    return;
  }
  if (s->l1_total > 0) { /* River's cumulative L1: clip toward zero by what the weight still owes */
    double before = k->w;
    if (before > 0)
      k->w = fmax(0.0, before - (s->l1_total + k->l1));
    else if (before < 0)
      k->w = fmin(0.0, before + (s->l1_total - k->l1));
    k->l1 += k->w - before;
  }
  if (s->ewc > 0 && b->fisher[i] > 0) { /* proximal step on lambda/2 F (w - w*)^2: stable for any lambda */
    double h = s->ewc * b->fisher[i];
    k->w = (k->w + h * b->anchor[i]) / (1.0 + h);
  }
  if (s->fisher) {
    double gf = s->lg[c] * x;
    k->f += (gf * gf - k->f) * s->f_rate;
  }
}

/* The row as (index, value) pairs: the standardized copy, the dense row, or the sparse pairs. */
typedef struct pairs {
  const double *dense;
  const uint32_t *idx;
  const double *val;
  size_t n;
} pairs;

static pairs pairs_of(const sl__linear *L, const sl__row *x) {
  pairs p;
  p.idx = x->dense ? NULL : x->idx;
  p.val = x->val;
  p.dense = x->dense;
  p.n = x->dense ? L->base.n_features : x->nnz;
  if (x->dense && L->blk[LB_Z].p) p.dense = SL__LBLK(L, LB_Z, const double);
  return p;
}

#define PAIR_INDEX(p, k) ((p).idx ? (size_t)(p).idx[k] : (k))
#define PAIR_VALUE(p, k) ((p).idx ? (p).val[k] : (p).dense[k])

/* Replays occurrences 0..k of index j (a repeated index) for output c; NaN if not finite. */
static double replay_bad(const sl__lin_step *s, const blocks *b, const pairs *p, size_t k, size_t n_out, size_t c) {
  size_t j = p->idx[k], m, i = j * n_out + c;
  coord st;
  coord_load(b, i, &st);
  for (m = 0; m <= k; m++)
    if (p->idx[m] == j) {
      coord_step(s, b, i, c, p->val[m], &st);
      coord_round(&st);
    }
  return coord_bad(&st);
}

/* The common case gets its own loops: plain SGD on a dense row of a
 * one-output model, the same arithmetic as coord_step's SGD case. */
static int plain_sgd(const sl__linear *L, const sl__lin_step *s, const sl__row *x) {
  return s->opt == SL__OPT_SGD && L->n_out == 1 && x->dense && s->l1_total == 0 && s->ewc == 0 && !s->fisher;
}

int sl__lin_check(sl__linear *L, const sl__lin_step *s, const sl__row *x) {
  pairs p = pairs_of(L, x);
  uint8_t *seen = SL__LBLK(L, LB_SEEN, uint8_t);
  size_t k, c, n_out = L->n_out;
  double bad = 0.0;
  blocks b;
  if (plain_sgd(L, s, x)) {
    const double g = s->g[0], lr = s->lr, l2 = s->l2;
    const sl_real *w = SL__LW(L);
    for (k = 0; k < p.n; k++) {
      double v = (sl_real)(w[k] - lr * (g * p.dense[k] + l2 * w[k]));
      bad += v - v;
    }
    return bad == 0.0;
  }
  b = blocks_of(L);
  for (k = 0; k < p.n; k++) {
    size_t j = PAIR_INDEX(p, k);
    double v = PAIR_VALUE(p, k);
    int repeat = 0;
    if (p.idx) {
      repeat = (seen[j >> 3] >> (j & 7)) & 1;
      seen[j >> 3] |= (uint8_t)(1u << (j & 7));
    }
    for (c = 0; c < n_out; c++) {
      if (repeat) {
        bad += replay_bad(s, &b, &p, k, n_out, c);
      } else {
        coord st;
        coord_load(&b, j * n_out + c, &st);
        coord_step(s, &b, j * n_out + c, c, v, &st);
        coord_round(&st);
        bad += coord_bad(&st);
      }
    }
  }
  if (p.idx)
    for (k = 0; k < p.n; k++) seen[p.idx[k] >> 3] = 0;
  return bad == 0.0;
}

void sl__lin_apply(sl__linear *L, const sl__lin_step *s, const sl__row *x) {
  pairs p = pairs_of(L, x);
  size_t k, c, n_out = L->n_out;
  blocks b;
  if (plain_sgd(L, s, x)) {
    const double g = s->g[0], lr = s->lr, l2 = s->l2;
    sl_real *w = SL__LW(L);
    for (k = 0; k < p.n; k++) w[k] = (sl_real)(w[k] - lr * (g * p.dense[k] + l2 * w[k]));
    return;
  }
  b = blocks_of(L);
  for (k = 0; k < p.n; k++) {
    size_t j = PAIR_INDEX(p, k);
    double v = PAIR_VALUE(p, k);
    for (c = 0; c < n_out; c++) {
      coord st;
      coord_load(&b, j * n_out + c, &st);
      coord_step(s, &b, j * n_out + c, c, v, &st);
      coord_store(&b, j * n_out + c, &st);
    }
  }
}

int sl__vw_prepare(const sl__linear *L, const sl__row *x, double score, double y, double w, int loss,
                   double huber_eps, double lr, sl__lin_step *s, double *g0, double *tot_w, double *tot_norm) {
  const sl_real *G = SL__LBLK(L, LB_S1, const sl_real), *N = SL__LBLK(L, LB_S2, const sl_real);
  pairs p = pairs_of(L, x);
  double d = sl__loss_gradient(loss, huber_eps, y, score), ppu = 0.0, norm_x = 0.0, mult = 1.0;
  size_t k;
  s->vw_gsq = d * d * w;
  if (s->vw_gsq == 0.0) return 0;
  for (k = 0; k < p.n; k++) {
    size_t j = PAIR_INDEX(p, k);
    double v = PAIR_VALUE(p, k), g2, n;
    if (v == 0.0) continue;
    g2 = G[j] + s->vw_gsq * v * v;
    n = fabs(v) > N[j] ? fabs(v) : N[j];
    norm_x += v * v / (n * n);
    if (g2 > 0) ppu += v * v / (sqrt(g2) * n);
  }
  *tot_w = L->vw_weight + w;
  *tot_norm = L->vw_norm + w * norm_x;
  if (*tot_norm > 0) mult = sqrt(*tot_w / *tot_norm); /* few- vs many-feature rows get alike steps */
  ppu *= mult;
  *g0 = sl__loss_invariant_update(loss, huber_eps, y, score, lr * w, ppu) * mult;
  return 1;
}
