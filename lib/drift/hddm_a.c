/*
 * HDDM_A, the Hoeffding drift detection method on averages (Frias-Blanco et
 * al. 2015, algorithm 1), on a stream of 0 / 1 errors as River has it: the
 * global mean z of everything seen and a cut point x_min (the prefix whose
 * mean plus Hoeffding bound was lowest); when z has risen above x_min by more
 * than the bound for the two sample sizes at drift_confidence, drift; at
 * warning_confidence, a warning. With two_sided_test, also a cut point
 * x_max for decreases. As River's HDDM_A, operation for operation in double;
 * the detector restarts on the value after a drift.
 */
#include "drift_impl.h"

enum { HA_DRIFT_CONF, HA_WARNING_CONF, HA_TWO_SIDED };

static const sl_param_info ha_params[] = {
    {"drift_confidence", SL_PARAM_DOUBLE, 0.001, 1e-300, 1, NULL, "confidence of the drift test", 0},
    {"warning_confidence", SL_PARAM_DOUBLE, 0.005, 1e-300, 1, NULL, "confidence of the warning test", 0},
    {"two_sided_test", SL_PARAM_BOOL, 0, 0, 1, NULL, "also watch for a decrease of the mean", 0},
};

static const char *const ha_stats[] = {"n", "mean"};

typedef struct sl__hddm_a {
  sl_drift base;
  sl__river_mean z, x_min, x_max; /* global mean; the cut points (n == 0: not yet set) */
} sl__hddm_a;

static void ha_reset(sl_drift *d) {
  sl__hddm_a *h = (sl__hddm_a *)d;
  h->z.n = h->z.mean = 0.0;
  h->x_min = h->x_max = h->z;
}

static double ha_hoeffding(double n, double confidence) { return sqrt(1.0 / (2 * n) * log(1.0 / confidence)); }

/* Has the mean of `hi` exceeded that of `lo` (lo older, a prefix of the
 * stream, or the other way for decreases) beyond the bound? `cut` is the
 * prefix. */
static int ha_changed(const sl__river_mean *z, const sl__river_mean *cut, double hi, double lo, double confidence) {
  double m, eps;
  if (cut->n == z->n) return 0;
  m = (z->n - cut->n) / cut->n * (1.0 / z->n);
  eps = sqrt(m / 2 * log(2.0 / confidence));
  return hi - lo >= eps;
}

static sl_drift_state ha_update(sl_drift *d, double x) {
  sl__hddm_a *h = (sl__hddm_a *)d;
  const sl__pval *prm = d->obj.param;
  double dc = prm[HA_DRIFT_CONF].d, wc = prm[HA_WARNING_CONF].d, eps_z, eps_x;
  sl_drift_state s;
  if (d->state == SL_DRIFT_DETECTED) ha_reset(d);
  sl__river_mean_push(&h->z, x);
  if (h->x_min.n == 0.0) h->x_min = h->z;
  if (h->x_max.n == 0.0) h->x_max = h->z;
  eps_z = ha_hoeffding(h->z.n, dc);
  eps_x = ha_hoeffding(h->x_min.n, dc);
  if (h->x_min.mean + eps_x >= h->z.mean + eps_z) h->x_min = h->z;
  eps_x = ha_hoeffding(h->x_max.n, dc);
  if (h->x_max.mean - eps_x <= h->z.mean - eps_z) h->x_max = h->z;
  if (ha_changed(&h->z, &h->x_min, h->z.mean, h->x_min.mean, dc))
    s = SL_DRIFT_DETECTED;
  else if (ha_changed(&h->z, &h->x_min, h->z.mean, h->x_min.mean, wc))
    s = SL_DRIFT_WARNING;
  else
    s = SL_DRIFT_NONE;
  if (prm[HA_TWO_SIDED].i && s != SL_DRIFT_DETECTED) {
    if (ha_changed(&h->z, &h->x_max, h->x_max.mean, h->z.mean, dc))
      s = SL_DRIFT_DETECTED;
    else if (ha_changed(&h->z, &h->x_max, h->x_max.mean, h->z.mean, wc))
      s = SL_DRIFT_WARNING;
  }
  return s;
}

static double ha_stat(const sl__object *o, size_t i) {
  const sl__hddm_a *h = (const sl__hddm_a *)o;
  return i == 0 ? h->z.n : h->z.mean;
}

static sl_status ha_save(const sl__object *o, sl__writer *w) {
  const sl__hddm_a *h = (const sl__hddm_a *)o;
  sl__drift_save_head(&h->base, w);
  sl__river_mean_save(&h->z, w);
  sl__river_mean_save(&h->x_min, w);
  sl__river_mean_save(&h->x_max, w);
  return SL_OK;
}

static sl_status ha_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  sl_drift *d = NULL;
  sl__hddm_a *h;
  sl_status st = sl__drift_create(&d, &sl__hddm_a_kind, sizeof(sl__hddm_a), params, a);
  *out = (sl__object *)d;
  if (st != SL_OK) return st;
  (void)args;
  h = (sl__hddm_a *)d;
  ha_reset(d);
  if (!r) return SL_OK;
  sl__drift_load_head(d, r);
  sl__river_mean_load(&h->z, r);
  sl__river_mean_load(&h->x_min, r);
  sl__river_mean_load(&h->x_max, r);
  /* Means of 0 / 1 errors lie in [0, 1]. */
  sl__expect(r, h->x_min.n <= h->z.n && h->x_max.n <= h->z.n && h->z.mean >= 0.0 && h->z.mean <= 1.0 &&
                    h->x_min.mean >= 0.0 && h->x_min.mean <= 1.0 && h->x_max.mean >= 0.0 && h->x_max.mean <= 1.0);
  return r->st;
}

static void ha_destroy(sl__object *o) { sl__object_delete(o, sizeof(sl__hddm_a)); }

static const sl__drift_ops ha_ops = {SL__DRIFT_BINARY, ha_update, ha_reset};

const sl__kind sl__hddm_a_kind = {
    SL__HANDLE_DRIFT, SL_DRIFT_HDDM_A, "hddm_a", ha_params, sizeof ha_params / sizeof ha_params[0],
    ha_stats, sizeof ha_stats / sizeof ha_stats[0], NULL, ha_stat, ha_save, ha_build, ha_destroy, &ha_ops,
};
