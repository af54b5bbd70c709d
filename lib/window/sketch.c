/* Quantile sketch over log-spaced bins (the DDSketch mapping of Masson et
 * al. 2019, with a fixed range instead of collapsing): every value in a bin
 * is within relative error `accuracy` of the bin's value, and counts are
 * exact integers, so a value can be removed exactly. Values with magnitude
 * below q_min land in the zero bin (absolute error < q_min); magnitudes above
 * sl__sketch_max() clamp to the last bin. */
#include "window_impl.h"

void sl__sketch_config(sl__sketch_cfg *c, double accuracy, double q_min, double q_max) {
  double lg, nb;
  c->accuracy = accuracy;
  c->g = (1.0 + accuracy) / (1.0 - accuracy);
  lg = log(c->g);
  c->inv_log_g = 1.0 / lg;
  c->q_min = q_min;
  nb = ceil(log(q_max / q_min) * c->inv_log_g);
  c->nb = (nb >= 1 && nb <= (double)(1u << 21)) ? (uint32_t)nb : 0;
  c->m = 2 * c->nb + 1;
}

double sl__sketch_max(const sl__sketch_cfg *c) { return c->q_min * pow(c->g, (double)c->nb); }

uint32_t sl__sketch_bin(const sl__sketch_cfg *c, double x) {
  double mag = fabs(x), j;
  uint32_t b;
  if (mag < c->q_min) return c->nb;
  j = floor(log(mag / c->q_min) * c->inv_log_g);
  b = j >= (double)c->nb ? c->nb - 1 : (j < 0 ? 0 : (uint32_t)j); /* j < 0 only by rounding at q_min */
  return x < 0 ? c->nb - 1 - b : c->nb + 1 + b;
}

/* The value standing for magnitude bin j: 2 g^(j+1) q_min / (1 + g), within
 * relative error (g - 1) / (g + 1) = accuracy of both bin edges. */
static double sl__sketch_rep(const sl__sketch_cfg *c, uint32_t j) {
  return c->q_min * pow(c->g, (double)j) * 2.0 * c->g / (1.0 + c->g);
}

double sl__sketch_quantile(const sl__sketch_cfg *c, const uint32_t *bins, uint64_t n, double q) {
  uint64_t rank, cum = 0;
  uint32_t b;
  if (n == 0) return 0.0;
  rank = (uint64_t)floor(q * (double)(n - 1));
  for (b = 0; b < c->m; b++) {
    cum += bins[b];
    if (cum > rank) break;
  }
  if (b >= c->m) b = c->m - 1; /* defensive: counts summed below n */
  if (b < c->nb) return -sl__sketch_rep(c, c->nb - 1 - b);
  if (b == c->nb) return 0.0;
  return sl__sketch_rep(c, b - c->nb - 1);
}
