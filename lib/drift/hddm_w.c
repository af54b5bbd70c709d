/*
 * HDDM_W, the Hoeffding drift detection method on weighted averages
 * (Frias-Blanco et al. 2015, algorithm 2), on a stream of 0 / 1 errors as
 * River has it: exponentially weighted means (weight lambda) of the whole
 * stream and of what followed a cut point, compared with McDiarmid's bound
 * through their independent bound conditions (ibc, the sum of squared
 * weights). The increase cut point moves where the total's mean plus its
 * bound was lowest; with two_sided_test a decrease cut point watches the
 * other way. As River's HDDM_W, operation for operation in double; the
 * detector restarts on the value after a drift.
 */
#include "drift_impl.h"

enum { HW_DRIFT_CONF, HW_WARNING_CONF, HW_LAMBDA, HW_TWO_SIDED };

static const sl_param_info hw_params[] = {
    {"drift_confidence", SL_PARAM_DOUBLE, 0.001, 1e-300, 1, NULL, "confidence of the drift test", 0},
    {"warning_confidence", SL_PARAM_DOUBLE, 0.005, 1e-300, 1, NULL, "confidence of the warning test", 0},
    {"lambda_val", SL_PARAM_DOUBLE, 0.05, 0, 1, NULL, "weight of the newest value in the moving means", 0},
    {"two_sided_test", SL_PARAM_BOOL, 0, 0, 1, NULL, "also watch for a decrease of the mean", 0},
};

static const char *const hw_stats[] = {"mean"};

/* River's SampleInfo: a weighted mean and its independent bound condition. */
typedef struct sl__hw_sample {
  double ewma, ibc;
  int init;
} sl__hw_sample;

typedef struct sl__hddm_w {
  sl_drift base;
  sl__hw_sample total, s1_incr, s2_incr, s1_decr, s2_decr;
  double incr_cut, decr_cut; /* +inf / -inf until set */
} sl__hddm_w;

static const sl__hw_sample hw_fresh = {0.0, 1.0, 0};

static void hw_reset(sl_drift *d) {
  sl__hddm_w *h = (sl__hddm_w *)d;
  h->total = h->s1_incr = h->s2_incr = h->s1_decr = h->s2_decr = hw_fresh;
  h->incr_cut = HUGE_VAL;
  h->decr_cut = -HUGE_VAL;
}

static void hw_push(sl__hw_sample *s, double x, double lambda) {
  double c = 1 - lambda;
  s->ewma = s->init ? lambda * x + c * s->ewma : x;
  s->init = 1;
  s->ibc = lambda * lambda + pow(c, 2.0) * s->ibc; /* River: (1 - lambda) ** 2, a pow call */
}

static double hw_bound(double ibc, double confidence) { return sqrt(ibc * log(1 / confidence) / 2); }

/* Has `late` (what followed the cut) a mean above `early` beyond the bound? */
static int hw_changed(const sl__hw_sample *early, const sl__hw_sample *late, double confidence) {
  if (!(early->init && late->init)) return 0;
  return late->ewma - early->ewma > hw_bound(early->ibc + late->ibc, confidence);
}

static sl_drift_state hw_update(sl_drift *d, double x) {
  sl__hddm_w *h = (sl__hddm_w *)d;
  const sl__pval *prm = d->obj.param;
  double dc = prm[HW_DRIFT_CONF].d, wc = prm[HW_WARNING_CONF].d, lambda = prm[HW_LAMBDA].d, eps;
  sl_drift_state s;
  if (d->state == SL_DRIFT_DETECTED) hw_reset(d);
  hw_push(&h->total, x, lambda);
  eps = hw_bound(h->total.ibc, dc);
  if (h->total.ewma + eps < h->incr_cut) {
    h->incr_cut = h->total.ewma + eps;
    h->s1_incr = h->total;
    h->s2_incr = hw_fresh;
  } else {
    hw_push(&h->s2_incr, x, lambda);
  }
  if (hw_changed(&h->s1_incr, &h->s2_incr, dc))
    s = SL_DRIFT_DETECTED;
  else if (hw_changed(&h->s1_incr, &h->s2_incr, wc))
    s = SL_DRIFT_WARNING;
  else
    s = SL_DRIFT_NONE;
  eps = hw_bound(h->total.ibc, dc);
  if (h->total.ewma - eps > h->decr_cut) {
    h->decr_cut = h->total.ewma - eps;
    h->s1_decr = h->total;
    h->s2_decr = hw_fresh;
  } else {
    hw_push(&h->s2_decr, x, lambda);
  }
  if (prm[HW_TWO_SIDED].i && s != SL_DRIFT_DETECTED) {
    if (hw_changed(&h->s2_decr, &h->s1_decr, dc))
      s = SL_DRIFT_DETECTED;
    else if (hw_changed(&h->s2_decr, &h->s1_decr, wc))
      s = SL_DRIFT_WARNING;
  }
  return s;
}

static double hw_stat(const sl__object *o, size_t i) {
  (void)i;
  return ((const sl__hddm_w *)o)->total.ewma;
}

static void hw_save_sample(const sl__hw_sample *s, sl__writer *w) {
  sl__put_f64(w, s->ewma);
  sl__put_f64(w, s->ibc);
  sl__put_u8(w, (uint8_t)s->init);
}

static void hw_load_sample(sl__hw_sample *s, sl__reader *r) {
  s->ewma = sl__get_finite(r);
  s->ibc = sl__get_finite(r);
  s->init = sl__get_u8(r);
  sl__expect(r, s->init <= 1 && s->ibc >= 0.0 && s->ibc <= 1.0);
}

static sl_status hw_save(const sl__object *o, sl__writer *w) {
  const sl__hddm_w *h = (const sl__hddm_w *)o;
  sl__drift_save_head(&h->base, w);
  hw_save_sample(&h->total, w);
  hw_save_sample(&h->s1_incr, w);
  hw_save_sample(&h->s2_incr, w);
  hw_save_sample(&h->s1_decr, w);
  hw_save_sample(&h->s2_decr, w);
  sl__put_f64(w, h->incr_cut);
  sl__put_f64(w, h->decr_cut);
  return SL_OK;
}

static sl_status hw_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  sl_drift *d = NULL;
  sl__hddm_w *h;
  sl_status st = sl__drift_create(&d, &sl__hddm_w_kind, sizeof(sl__hddm_w), params, a);
  *out = (sl__object *)d;
  if (st != SL_OK) return st;
  (void)args;
  h = (sl__hddm_w *)d;
  hw_reset(d);
  if (!r) return SL_OK;
  sl__drift_load_head(d, r);
  hw_load_sample(&h->total, r);
  hw_load_sample(&h->s1_incr, r);
  hw_load_sample(&h->s2_incr, r);
  hw_load_sample(&h->s1_decr, r);
  hw_load_sample(&h->s2_decr, r);
  h->incr_cut = sl__get_f64(r); /* +inf before the first value */
  h->decr_cut = sl__get_f64(r);
  sl__expect(r, h->incr_cut == h->incr_cut && h->incr_cut > -HUGE_VAL && h->decr_cut == h->decr_cut &&
                    h->decr_cut < HUGE_VAL);
  return r->st;
}

static void hw_destroy(sl__object *o) { sl__object_delete(o, sizeof(sl__hddm_w)); }

static const sl__drift_ops hw_ops = {SL__DRIFT_BINARY, hw_update, hw_reset};

const sl__kind sl__hddm_w_kind = {
    SL__HANDLE_DRIFT, SL_DRIFT_HDDM_W, "hddm_w", hw_params, sizeof hw_params / sizeof hw_params[0],
    hw_stats, sizeof hw_stats / sizeof hw_stats[0], NULL, hw_stat, hw_save, hw_build, hw_destroy, &hw_ops,
};
