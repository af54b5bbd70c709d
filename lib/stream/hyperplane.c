/*
 * Rotating hyperplane (Hulten, Spencer & Domingos 2001; River Hyperplane,
 * MOA HyperplaneGenerator): features uniform in [0, 1), weights uniform at
 * the start, y = 1 when sum w_i x_i >= sum w_i / 2. After each row the
 * first n_drift_features weights move by mag_change in their direction,
 * and each direction turns around with probability sigma. Labels flip with
 * probability noise_percentage. (River tests 0.01 + U <= p, which flips
 * with probability p - 0.01; MOA and this file flip with probability p.)
 * State: the weights and the directions, n_features each.
 */
#include "stream_impl.h"

enum { HP_SEED, HP_N_FEATURES, HP_N_DRIFT, HP_MAG_CHANGE, HP_NOISE, HP_SIGMA };

static const sl_param_info hp_params[] = {
    SL__STREAM_SEED_PARAM("seed"),
    {"n_features", SL_PARAM_INT, 10, 1, 1e6, NULL, "features per row", SL_PARAM_FIXED_AFTER_START},
    {"n_drift_features", SL_PARAM_INT, 2, 0, 1e6, NULL, "leading weights that drift (at most n_features)", 0},
    {"mag_change", SL_PARAM_DOUBLE, 0, 0, 1, NULL, "weight change per row", 0},
    {"noise_percentage", SL_PARAM_DOUBLE, 0.05, 0, 1, NULL, "probability that a label is flipped", 0},
    {"sigma", SL_PARAM_DOUBLE, 0.1, 0, 1, NULL, "probability that a drift direction turns around", 0},
};

static size_t hp_n_features(const sl_stream *s) { return (size_t)s->obj.param[HP_N_FEATURES].i; }
static size_t hp_n_classes(const sl_stream *s) { (void)s; return 2; }
static size_t hp_state_len(const sl_stream *s) { return 2 * hp_n_features(s); }

static void hp_init(sl_stream *s) {
  size_t i, n = hp_n_features(s);
  for (i = 0; i < n; i++) {
    s->buf[i] = sl__rng_uniform(&s->rng);
    s->buf[n + i] = 1.0;
  }
}

static double hp_label(const sl_stream *s, const double *x) {
  size_t i, n = hp_n_features(s);
  double sum_w = 0.0, sum = 0.0;
  for (i = 0; i < n; i++) {
    sum_w += s->buf[i];
    sum += s->buf[i] * x[i];
  }
  return sum >= 0.5 * sum_w;
}

static void hp_row(sl_stream *s, double *x, double *y) {
  const sl__pval *p = s->obj.param;
  size_t i, n = hp_n_features(s), nd = (size_t)p[HP_N_DRIFT].i;
  double *w = s->buf, *dir = s->buf + n, mag = p[HP_MAG_CHANGE].d;
  int label;
  for (i = 0; i < n; i++) x[i] = sl__rng_uniform(&s->rng);
  label = hp_label(s, x) != 0.0;
  if (sl__rng_uniform(&s->rng) < p[HP_NOISE].d) label = !label;
  if (nd > n) nd = n;
  for (i = 0; i < nd; i++) {
    w[i] += dir[i] * mag;
    if (sl__rng_uniform(&s->rng) < p[HP_SIGMA].d) dir[i] = -dir[i];
  }
  *y = label;
}

static sl_status hp_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  (void)args;
  return sl__stream_build(out, &sl__hyperplane_kind, params, r, a);
}

static const sl__stream_ops hp_ops = {hp_n_features, hp_n_classes, NULL, NULL,
                                      hp_state_len, hp_init, hp_row, hp_label};

const sl__kind sl__hyperplane_kind = SL__STREAM_KIND(SL_STREAM_HYPERPLANE, "hyperplane", hp_params, hp_build, hp_ops);
