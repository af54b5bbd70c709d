/*
 * Friedman #1 regression (Friedman 1991, "Multivariate adaptive regression
 * splines"; River Friedman / FriedmanDrift): ten features uniform in [0, 1),
 * y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4 + N(0, 1); x5..x9
 * are irrelevant. drift_type (Ikonomovska et al. 2011, as River's
 * FriedmanDrift; row index 0-based):
 *   lea  local expanding abrupt: from position_1, two regions of the input
 *        space get other functions; the regions grow at position_2 and 3;
 *   gra  global recurring abrupt: between position_1 and position_2 the
 *        features are permuted, then the first concept returns;
 *   gsg  global slow gradual: at position_1 and position_2 the concept moves
 *        to a new function, mixing old and new 50/50 for transition_window rows.
 * Positions that do not increase leave the concepts between them empty.
 */
#include "stream_impl.h"

enum { FR_SEED, FR_DRIFT_TYPE, FR_POS1, FR_POS2, FR_POS3, FR_WINDOW };
enum { FR_NONE, FR_LEA, FR_GRA, FR_GSG };

static const sl_param_info fr_params[] = {
    SL__STREAM_SEED_PARAM("seed"),
    {"drift_type", SL_PARAM_ENUM, FR_NONE, 0, 3, "none|lea|gra|gsg", "kind of drift (none: Friedman #1)", 0},
    {"position_1", SL_PARAM_INT, 50000, 0, 1e15, NULL, "row of the first drift", 0},
    {"position_2", SL_PARAM_INT, 100000, 0, 1e15, NULL, "row of the second drift", 0},
    {"position_3", SL_PARAM_INT, 150000, 0, 1e15, NULL, "row of the third drift (lea only)", 0},
    {"transition_window", SL_PARAM_INT, 10000, 0, 1e15, NULL, "rows over which a gsg drift mixes concepts", 0},
};

static const double pi = 3.14159265358979323846;

/* 10 sin(pi xa xb) + 20 (xc - 0.5)^2 + 10 xd + 5 xe: the concept, and its
 * permutations in the gra / gsg drifts. */
static double fr_base(const double *x, int a, int b, int c, int d, int e) {
  return 10.0 * sin(pi * x[a] * x[b]) + 20.0 * (x[c] - 0.5) * (x[c] - 0.5) + 10.0 * x[d] + 5.0 * x[e];
}

static double fr_lea(const double *x, uint64_t i, const sl__pval *p) {
  uint64_t p1 = (uint64_t)p[FR_POS1].i, p2 = (uint64_t)p[FR_POS2].i, p3 = (uint64_t)p[FR_POS3].i;
  int r1 = 0, r2 = 0;
  if (i >= p1) {
    r1 = x[1] < 0.3 && x[2] < 0.3 && (i >= p3 || x[3] > 0.7) && (i >= p2 || x[4] < 0.3);
    r2 = x[1] > 0.7 && x[2] > 0.7 && (i >= p3 || x[3] < 0.3) && (i >= p2 || x[4] > 0.7);
  }
  if (r1) return 10.0 * x[0] * x[1] + 20.0 * (x[2] - 0.5) + 10.0 * x[3] + 5.0 * x[4];
  if (r2) return 10.0 * cos(x[0] * x[1]) + 20.0 * (x[2] - 0.5) + exp(x[3]) + 5.0 * x[4] * x[4];
  return 10.0 * sin(pi * x[0] * x[1]) + 20.0 * (x[2] - 0.5) * (x[2] - 0.5) + 10.0 * x[3] + 5.0 * x[4];
}

/* Concept 0, 1, 2 of the gsg drift. */
static double fr_gsg_concept(const double *x, int c) {
  return c == 0 ? fr_base(x, 0, 1, 2, 3, 4) : c == 1 ? fr_base(x, 3, 4, 1, 0, 2) : fr_base(x, 1, 4, 3, 2, 0);
}

/* The noise-free target of the next row. With an RNG, a gsg transition
 * mixes old and new concept by a fair coin; without, it gives the new one. */
static double fr_target(const sl_stream *s, const double *x, sl__rng *g) {
  const sl__pval *p = s->obj.param;
  uint64_t i = s->pos, p1 = (uint64_t)p[FR_POS1].i, p2 = (uint64_t)p[FR_POS2].i, w = (uint64_t)p[FR_WINDOW].i;
  switch (p[FR_DRIFT_TYPE].i) {
  case FR_LEA: return fr_lea(x, i, p);
  case FR_GRA: return (i < p1 || i >= p2) ? fr_base(x, 0, 1, 2, 3, 4) : fr_base(x, 3, 5, 1, 0, 2);
  case FR_GSG:
    if (i < p1) return fr_gsg_concept(x, 0);
    if (i < p2) return fr_gsg_concept(x, (g && i < p1 + w && sl__rng_below(g, 2)) ? 0 : 1);
    return fr_gsg_concept(x, (g && i < p2 + w && sl__rng_below(g, 2)) ? 1 : 2);
  default: return fr_base(x, 0, 1, 2, 3, 4);
  }
}

static void fr_row(sl_stream *s, double *x, double *y) {
  int j;
  for (j = 0; j < 10; j++) x[j] = sl__rng_uniform(&s->rng);
  *y = fr_target(s, x, &s->rng) + sl__rng_normal(&s->rng);
}

static double fr_label(const sl_stream *s, const double *x) { return fr_target(s, x, NULL); }

static size_t fr_n_features(const sl_stream *s) { (void)s; return 10; }
static size_t fr_n_classes(const sl_stream *s) { (void)s; return 0; }

static sl_status fr_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  (void)args;
  return sl__stream_build(out, &sl__friedman_kind, params, r, a);
}

static const sl__stream_ops fr_ops = {fr_n_features, fr_n_classes, NULL, NULL, NULL, NULL, fr_row, fr_label};

const sl__kind sl__friedman_kind = SL__STREAM_KIND(SL_STREAM_FRIEDMAN, "friedman", fr_params, fr_build, fr_ops);
