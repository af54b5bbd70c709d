/*
 * Page-Hinkley test (Page 1954), the fading two-sided form River uses:
 * cumulative deviations from the running mean, forgotten at rate alpha;
 * drift when a cumulative sum departs from its extreme by more than the
 * threshold, after min_instances values. No warning zone.
 */
#include "drift_impl.h"

enum { PH_MIN_INSTANCES, PH_DELTA, PH_THRESHOLD, PH_ALPHA, PH_MODE };
enum { PH_MODE_UP, PH_MODE_DOWN, PH_MODE_BOTH };

static const sl_param_info ph_params[] = {
    {"min_instances", SL_PARAM_INT, 30, 1, 1e9, NULL, "values seen before a drift can be reported", 0},
    {"delta", SL_PARAM_DOUBLE, 0.005, 0, 1e12, NULL, "magnitude of change tolerated per value", 0},
    {"threshold", SL_PARAM_DOUBLE, 50, 0, 1e15, NULL, "cumulative deviation that signals drift (lambda)", 0},
    {"alpha", SL_PARAM_DOUBLE, 0.9999, 0, 1, NULL, "forgetting factor of the cumulative sums", 0},
    {"mode", SL_PARAM_ENUM, PH_MODE_BOTH, 0, 2, "up|down|both", "watch increases, decreases or both", 0},
};

static const char *const ph_stats[] = {"n", "mean", "sum_increase", "sum_decrease"};

typedef struct sl__ph {
  sl_drift base;
  uint64_t n;
  double mean, sum_inc, sum_dec, min_inc, max_dec;
} sl__ph;

static void ph_reset(sl_drift *d) {
  sl__ph *p = (sl__ph *)d;
  p->n = 0;
  p->mean = p->sum_inc = p->sum_dec = 0.0;
  p->min_inc = HUGE_VAL;
  p->max_dec = -1.0; /* as River: a decrease test starts against -1 */
}

static sl_drift_state ph_update(sl_drift *d, double x) {
  sl__ph *p = (sl__ph *)d;
  const sl__pval *prm = d->obj.param;
  double dev, alpha = prm[PH_ALPHA].d, delta = prm[PH_DELTA].d, thr = prm[PH_THRESHOLD].d;
  int up, down;
  if (d->state == SL_DRIFT_DETECTED) ph_reset(d);
  p->n++;
  p->mean += (x - p->mean) / (double)p->n;
  dev = x - p->mean;
  p->sum_inc = alpha * p->sum_inc + dev - delta;
  p->sum_dec = alpha * p->sum_dec + dev + delta;
  if (p->sum_inc < p->min_inc) p->min_inc = p->sum_inc;
  if (p->sum_dec > p->max_dec) p->max_dec = p->sum_dec;
  if (p->n < (uint64_t)prm[PH_MIN_INSTANCES].i) return SL_DRIFT_NONE;
  up = p->sum_inc - p->min_inc > thr;
  down = p->max_dec - p->sum_dec > thr;
  switch (prm[PH_MODE].i) {
  case PH_MODE_UP: return up ? SL_DRIFT_DETECTED : SL_DRIFT_NONE;
  case PH_MODE_DOWN: return down ? SL_DRIFT_DETECTED : SL_DRIFT_NONE;
  default: return (up || down) ? SL_DRIFT_DETECTED : SL_DRIFT_NONE;
  }
}

static double ph_stat(const sl__object *o, size_t i) {
  const sl__ph *p = (const sl__ph *)o;
  switch (i) {
  case 0: return (double)p->n;
  case 1: return p->mean;
  case 2: return p->sum_inc;
  default: return p->sum_dec;
  }
}

static sl_status ph_save(const sl__object *o, sl__writer *w) {
  const sl__ph *p = (const sl__ph *)o;
  sl__drift_save_head(&p->base, w);
  sl__put_u64(w, p->n);
  sl__put_f64(w, p->mean);
  sl__put_f64(w, p->sum_inc);
  sl__put_f64(w, p->sum_dec);
  sl__put_f64(w, p->min_inc); /* +inf before the first value */
  sl__put_f64(w, p->max_dec);
  return SL_OK;
}

static sl_status ph_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  sl_drift *d = NULL;
  sl__ph *p;
  sl_status st = sl__drift_create(&d, &sl__page_hinkley_kind, sizeof(sl__ph), params, a);
  *out = (sl__object *)d;
  if (st != SL_OK) return st;
  (void)args;
  p = (sl__ph *)d;
  ph_reset(d);
  if (!r) return SL_OK;
  sl__drift_load_head(d, r);
  p->n = sl__get_u64(r);
  /* Taken as saved, infinite or NaN too: finite values near the top of the
   * double range overflow the sums, in River as here, and such a state must
   * load. The extremes only ever take a sum's value when it is smaller
   * (larger), so they are never NaN. */
  p->mean = sl__get_f64(r);
  p->sum_inc = sl__get_f64(r);
  p->sum_dec = sl__get_f64(r);
  p->min_inc = sl__get_f64(r);
  p->max_dec = sl__get_f64(r);
  sl__expect(r, p->min_inc == p->min_inc && p->max_dec == p->max_dec);
  return r->st;
}

static void ph_destroy(sl__object *o) { sl__object_delete(o, sizeof(sl__ph)); }

static const sl__drift_ops ph_ops = {SL__DRIFT_REAL, ph_update, ph_reset};

const sl__kind sl__page_hinkley_kind = {
    SL__HANDLE_DRIFT, SL_DRIFT_PAGE_HINKLEY, "page_hinkley", ph_params, sizeof ph_params / sizeof ph_params[0],
    ph_stats, sizeof ph_stats / sizeof ph_stats[0], NULL, ph_stat, ph_save, ph_build, ph_destroy, &ph_ops,
};
