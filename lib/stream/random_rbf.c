/*
 * Random radial basis functions (River RandomRBF / RandomRBFDrift, MOA
 * RandomRBFGenerator / RandomRBFGeneratorDrift). The model RNG
 * (seed_model) draws n_centroids centroids: a centre uniform in the unit
 * cube, a class, a spread and a weight, all uniform. A row picks a centroid
 * with probability proportional to its weight, a direction uniform in
 * [-1, 1]^n and a distance N(0, 1) * spread, and takes the centroid's class.
 * With change_speed > 0 the first n_drift_centroids centres move by
 * change_speed along a random unit vector before each row, bouncing off
 * the faces of the cube. (River re-seeds the model RNG for the speeds, so
 * its speed vectors repeat the first centres' coordinates; here the model
 * RNG continues, as in MOA.)
 * State (doubles): centres [n_centroids x n_features], classes, spreads,
 * cumulative weights [n_centroids each], speeds [n_drift x n_features].
 */
#include "stream_impl.h"

enum { RBF_SEED, RBF_SEED_MODEL, RBF_N_CLASSES, RBF_N_FEATURES, RBF_N_CENTROIDS, RBF_CHANGE_SPEED, RBF_N_DRIFT };

static const sl_param_info rbf_params[] = {
    SL__STREAM_SEED_PARAM("seed_sample"),
    {"seed_model", SL_PARAM_INT, 1, 0, 9007199254740991.0, NULL, "seed of the centroids",
     SL_PARAM_FIXED_AFTER_START},
    {"n_classes", SL_PARAM_INT, 2, 2, 1e6, NULL, "classes", SL_PARAM_FIXED_AFTER_START},
    {"n_features", SL_PARAM_INT, 10, 1, 1e4, NULL, "features per row", SL_PARAM_FIXED_AFTER_START},
    {"n_centroids", SL_PARAM_INT, 50, 1, 1e5, NULL, "centroids", SL_PARAM_FIXED_AFTER_START},
    {"change_speed", SL_PARAM_DOUBLE, 0, 0, 1, NULL, "distance a drifting centre moves per row", 0},
    {"n_drift_centroids", SL_PARAM_INT, 50, 0, 1e5, NULL, "centroids that drift (at most n_centroids)",
     SL_PARAM_FIXED_AFTER_START},
};

typedef struct rbf_view {
  size_t nf, nc, nd;
  double *centre, *label, *spread, *cum, *speed;
} rbf_view;

static rbf_view rbf_layout(const sl_stream *s) {
  const sl__pval *p = s->obj.param;
  rbf_view v;
  v.nf = (size_t)p[RBF_N_FEATURES].i;
  v.nc = (size_t)p[RBF_N_CENTROIDS].i;
  v.nd = (size_t)p[RBF_N_DRIFT].i < v.nc ? (size_t)p[RBF_N_DRIFT].i : v.nc;
  v.centre = s->buf;
  v.label = v.centre ? v.centre + v.nc * v.nf : NULL;
  v.spread = v.label ? v.label + v.nc : NULL;
  v.cum = v.spread ? v.spread + v.nc : NULL;
  v.speed = v.cum ? v.cum + v.nc : NULL;
  return v;
}

static size_t rbf_n_features(const sl_stream *s) { return (size_t)s->obj.param[RBF_N_FEATURES].i; }
static size_t rbf_n_classes(const sl_stream *s) { return (size_t)s->obj.param[RBF_N_CLASSES].i; }

static size_t rbf_state_len(const sl_stream *s) {
  rbf_view v = rbf_layout(s);
  return v.nc * (v.nf + 3) + v.nd * v.nf;
}

static void rbf_init(sl_stream *s) {
  rbf_view v = rbf_layout(s);
  sl__rng model;
  size_t i, j;
  double total = 0.0;
  sl__rng_seed(&model, (uint64_t)s->obj.param[RBF_SEED_MODEL].i);
  for (i = 0; i < v.nc; i++) {
    for (j = 0; j < v.nf; j++) v.centre[i * v.nf + j] = sl__rng_uniform(&model);
    v.label[i] = (double)sl__rng_below(&model, (uint64_t)s->obj.param[RBF_N_CLASSES].i);
    v.spread[i] = sl__rng_uniform(&model);
    total += sl__rng_uniform(&model);
    v.cum[i] = total;
  }
  for (i = 0; i < v.nd; i++) {
    double *sp = v.speed + i * v.nf, norm = 0.0;
    for (j = 0; j < v.nf; j++) {
      sp[j] = sl__rng_uniform(&model);
      norm += sp[j] * sp[j];
    }
    norm = sqrt(norm);
    for (j = 0; j < v.nf; j++) sp[j] = norm > 0 ? sp[j] / norm : 0.0;
  }
}

/* The first centroid whose cumulative weight exceeds `val` (River's linear
 * scan, by bisection). */
static size_t rbf_pick(const double *cum, size_t n, double val) {
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cum[mid] > val) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

static void rbf_row(sl_stream *s, double *x, double *y) {
  rbf_view v = rbf_layout(s);
  double speed = s->obj.param[RBF_CHANGE_SPEED].d, mag = 0.0, scale;
  const double *c;
  size_t i, j, k;
  if (speed > 0.0)
    for (i = 0; i < v.nd; i++)
      for (j = 0; j < v.nf; j++) {
        double *cj = &v.centre[i * v.nf + j], *sj = &v.speed[i * v.nf + j];
        *cj += *sj * speed;
        if (*cj > 1.0 || *cj < 0.0) {
          *cj = *cj > 1.0 ? 1.0 : 0.0;
          *sj = -*sj;
        }
      }
  k = rbf_pick(v.cum, v.nc, sl__rng_uniform(&s->rng) * v.cum[v.nc - 1]);
  for (j = 0; j < v.nf; j++) {
    x[j] = 2.0 * sl__rng_uniform(&s->rng) - 1.0;
    mag += x[j] * x[j];
  }
  mag = sqrt(mag);
  scale = sl__rng_normal(&s->rng) * v.spread[k];
  scale = mag > 0.0 ? scale / mag : 0.0;
  c = v.centre + k * v.nf;
  for (j = 0; j < v.nf; j++) x[j] = c[j] + x[j] * scale;
  *y = v.label[k];
}

static sl_status rbf_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                           const sl_allocator *a) {
  (void)args;
  return sl__stream_build(out, &sl__random_rbf_kind, params, r, a);
}

static const sl__stream_ops rbf_ops = {rbf_n_features, rbf_n_classes, NULL, NULL,
                                       rbf_state_len, rbf_init, rbf_row, NULL};

const sl__kind sl__random_rbf_kind =
    SL__STREAM_KIND(SL_STREAM_RANDOM_RBF, "random_rbf", rbf_params, rbf_build, rbf_ops);
