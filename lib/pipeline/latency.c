/* Log-bucket latency histograms (the HdrHistogram idea, small): values
 * below 2^5 ns exactly, above that 32 buckets per power of two (about 3%
 * apart), up to 2^44 ns; larger values land in the last bucket. */
#include "pipeline_impl.h"

static unsigned top_bit(uint64_t v) { /* v > 0 */
#if defined(__GNUC__)
  return 63u - (unsigned)__builtin_clzll(v);
#else
  unsigned b = 0;
  while (v >>= 1) b++;
  return b;
#endif
}

static size_t bucket(uint64_t v) {
  unsigned e;
  size_t i;
  if (v < SL__HIST_SUB) return (size_t)v;
  e = top_bit(v);
  i = (size_t)(e - SL__HIST_SUB_BITS + 1) * SL__HIST_SUB + (size_t)((v >> (e - SL__HIST_SUB_BITS)) & (SL__HIST_SUB - 1));
  return i < SL__HIST_N ? i : SL__HIST_N - 1;
}

/* The middle of bucket i. */
static double middle(size_t i) {
  size_t row = i / SL__HIST_SUB, sub = i % SL__HIST_SUB;
  double width;
  if (row == 0) return (double)i;
  width = ldexp(1.0, (int)row - 1);
  return ((double)(SL__HIST_SUB + sub) + 0.5) * width;
}

void sl__hist_add(sl__hist *h, uint64_t ns) {
  h->b[bucket(ns)]++;
  h->n++;
}

double sl__hist_quantile(const sl__hist *h, double q) {
  uint64_t want, seen = 0;
  size_t i;
  if (!h->n) return 0.0;
  want = (uint64_t)ceil(q * (double)h->n);
  if (want < 1) want = 1;
  for (i = 0; i < SL__HIST_N; i++) {
    seen += h->b[i];
    if (seen >= want) return middle(i);
  }
  return middle(SL__HIST_N - 1);
}
