/* The aggregates of one window: count, sum, mean and variance (Welford,
 * with exact removal and Chan's merge), min, max, first, last, a time-decayed
 * mean, and the quantile sketch's bins stored right after the struct. The
 * add / remove templates are in window_impl.h (the push paths inline them). */
#include "window_impl.h"

void sl__agg_reset(const sl_window *w, sl__agg *a) { SL__MEMSET(a, 0, w->agg_size); }

static double sl__halflife(const sl_window *w) { return w->obj.param[SL__WP_EWMA_HALFLIFE].d; }

/* The time-decayed mean is sum(w x) / sum(w) with w = 2^((t - T) / h)
 * relative to the window's newest time T: the normalised ("adjust") EWMA,
 * which does not depend on arrival order. Moving T scales both sums. */
void sl__ewma_add(const sl_window *w, sl__agg *a, int64_t ts, double x) {
  double f;
  if (a->n == 0) {
    a->ew_t = ts;
    a->ew_s = x;
    a->ew_w = 1.0;
  } else if (ts > a->ew_t) {
    f = exp2((double)(a->ew_t - ts) / sl__halflife(w));
    a->ew_s = a->ew_s * f + x;
    a->ew_w = a->ew_w * f + 1.0;
    a->ew_t = ts;
  } else {
    f = exp2((double)(ts - a->ew_t) / sl__halflife(w));
    a->ew_s += x * f;
    a->ew_w += f;
  }
}

void sl__ewma_remove(const sl_window *w, sl__agg *a, int64_t ts, double x) {
  double f = exp2((double)(ts - a->ew_t) / sl__halflife(w));
  a->ew_s -= x * f;
  a->ew_w -= f;
}

void sl__agg_add(const sl_window *w, sl__agg *a, int64_t ts, double x) { sl__agg_add_t(w, a, ts, x, w->need); }

void sl__agg_remove(const sl_window *w, sl__agg *a, int64_t ts, double x) { sl__agg_remove_t(w, a, ts, x, w->need); }

void sl__agg_merge(const sl_window *w, sl__agg *into, const sl__agg *from) {
  double n, delta;
  if (from->n == 0) return;
  if (into->n == 0) {
    SL__MEMCPY(into, from, w->agg_size);
    return;
  }
  if (w->aggs & SL_WINDOW_AGG_EWMA) {
    int64_t t = into->ew_t > from->ew_t ? into->ew_t : from->ew_t;
    double fi = exp2((double)(into->ew_t - t) / sl__halflife(w)), ff = exp2((double)(from->ew_t - t) / sl__halflife(w));
    into->ew_s = into->ew_s * fi + from->ew_s * ff;
    into->ew_w = into->ew_w * fi + from->ew_w * ff;
    into->ew_t = t;
  }
  if (w->aggs & SL_WINDOW_AGG_QUANTILE) {
    uint32_t i, *b = sl__agg_bins(into);
    const uint32_t *c = sl__agg_bins_c(from);
    for (i = 0; i < w->sk.m; i++) b[i] += c[i];
  }
  if (from->min < into->min) into->min = from->min;
  if (from->max > into->max) into->max = from->max;
  if (from->first_ts < into->first_ts) {
    into->first_ts = from->first_ts;
    into->first = from->first;
  }
  if (from->last_ts >= into->last_ts) {
    into->last_ts = from->last_ts;
    into->last = from->last;
  }
  n = into->n + from->n;
  delta = from->mean - into->mean;
  into->m2 += from->m2 + delta * delta * into->n * from->n / n;
  into->mean += delta * from->n / n;
  into->sum += from->sum;
  into->n = n;
}

void sl__agg_out(const sl_window *w, const sl__agg *a, double duration, double *out) {
  const int *pos = w->pos;
  double ddof = (double)w->obj.param[SL__WP_DDOF].i, var = a->n > ddof ? a->m2 / (a->n - ddof) : 0.0;
  unsigned aggs = w->aggs;
  if (aggs & SL_WINDOW_AGG_COUNT) out[pos[0]] = a->n;
  if (aggs & SL_WINDOW_AGG_SUM) out[pos[1]] = a->sum;
  if (aggs & SL_WINDOW_AGG_MEAN) out[pos[2]] = (w->need & SL__NEED_M2) ? a->mean : a->sum / a->n;
  if (aggs & SL_WINDOW_AGG_VAR) out[pos[3]] = var;
  if (aggs & SL_WINDOW_AGG_STD) out[pos[4]] = sqrt(var);
  if (aggs & SL_WINDOW_AGG_MIN) out[pos[5]] = a->min;
  if (aggs & SL_WINDOW_AGG_MAX) out[pos[6]] = a->max;
  if (aggs & SL_WINDOW_AGG_FIRST) out[pos[7]] = a->first;
  if (aggs & SL_WINDOW_AGG_LAST) out[pos[8]] = a->last;
  if (aggs & SL_WINDOW_AGG_EWMA) out[pos[9]] = a->ew_w > 0 ? a->ew_s / a->ew_w : 0.0;
  if (aggs & SL_WINDOW_AGG_RATE)
    out[pos[10]] = duration > 0 ? a->n * w->obj.param[SL__WP_UNITS_PER_SECOND].d / duration : 0.0;
  if (aggs & SL_WINDOW_AGG_QUANTILE) {
    int i, nq = (int)w->obj.param[SL__WP_N_QUANTILES].i;
    for (i = 0; i < nq; i++)
      out[pos[11] + i] = sl__sketch_quantile(&w->sk, sl__agg_bins_c(a), (uint64_t)a->n, w->q_level[i]);
  }
}

void sl__agg_save(const sl_window *w, const sl__agg *a, sl__writer *wr) {
  const double f[] = {a->n, a->sum, a->mean, a->m2, a->min, a->max, a->first, a->last, a->ew_s, a->ew_w};
  size_t i;
  for (i = 0; i < sizeof f / sizeof f[0]; i++) sl__put_f64(wr, f[i]);
  sl__put_i64(wr, a->first_ts);
  sl__put_i64(wr, a->last_ts);
  sl__put_i64(wr, a->ew_t);
  if (w->aggs & SL_WINDOW_AGG_QUANTILE) {
    const uint32_t *b = sl__agg_bins_c(a);
    uint32_t j, nz = 0;
    for (j = 0; j < w->sk.m; j++) nz += b[j] != 0;
    sl__put_u32(wr, nz); /* sparse: (bin, count) pairs */
    for (j = 0; j < w->sk.m; j++)
      if (b[j]) {
        sl__put_u32(wr, j);
        sl__put_u32(wr, b[j]);
      }
  }
}

/* The count and the values kept (extremes, first, last) are finite; the
 * sums are taken as saved, infinite or NaN too: finite values near the top
 * of the double range overflow them, and such a state must load. */
void sl__agg_load(const sl_window *w, sl__agg *a, sl__reader *r) {
  double *f[] = {&a->n, &a->sum, &a->mean, &a->m2, &a->min, &a->max, &a->first, &a->last, &a->ew_s, &a->ew_w};
  static const uint8_t finite[] = {1, 0, 0, 0, 1, 1, 1, 1, 0, 0};
  size_t i;
  for (i = 0; i < sizeof f / sizeof f[0]; i++) *f[i] = finite[i] ? sl__get_finite(r) : sl__get_f64(r);
  a->first_ts = sl__get_i64(r);
  a->last_ts = sl__get_i64(r);
  a->ew_t = sl__get_i64(r);
  sl__expect(r, a->n >= 0 && a->n == floor(a->n) && a->n < 4294967296.0 && !(a->m2 < 0));
  if (w->aggs & SL_WINDOW_AGG_QUANTILE) {
    uint32_t *b = sl__agg_bins(a), nz = sl__get_u32(r), j;
    uint64_t total = 0;
    int64_t prev = -1;
    if (!sl__expect(r, nz <= w->sk.m)) return;
    for (j = 0; j < nz && r->st == SL_OK; j++) {
      uint32_t bin = sl__get_u32(r), c = sl__get_u32(r);
      if (!sl__expect(r, (int64_t)bin > prev && bin < w->sk.m && c > 0)) return;
      b[bin] = c;
      total += c;
      prev = bin;
    }
    sl__expect(r, (double)total == a->n); /* a->n may be out of range when already corrupt */
  }
}
