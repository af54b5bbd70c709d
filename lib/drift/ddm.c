/*
 * DDM, the drift detection method of Gama et al. (2004), on a stream of 0 / 1
 * errors: the error rate p and its binomial deviation s = sqrt(p (1 - p) / n)
 * are tracked; the lowest p + s seen after warm_start values is the
 * reference, and p + s beyond p_min + k s_min raises a warning (k =
 * warning_threshold) or a drift (k = drift_threshold). As River's DDM,
 * operation for operation in double (the indices are the conformance
 * contract); the detector restarts on the value after a drift.
 */
#include "drift_impl.h"

enum { DDM_WARM_START, DDM_WARNING, DDM_DRIFT };

static const sl_param_info ddm_params[] = {
    {"warm_start", SL_PARAM_INT, 30, 0, 1e12, NULL, "values seen before a warning or drift can be reported", 0},
    {"warning_threshold", SL_PARAM_DOUBLE, 2.0, 0, 1e6, NULL, "deviations above the minimum that warn", 0},
    {"drift_threshold", SL_PARAM_DOUBLE, 3.0, 0, 1e6, NULL, "deviations above the minimum that signal drift", 0},
};

static const char *const ddm_stats[] = {"n", "error_rate", "p_min", "s_min"};

typedef struct sl__ddm {
  sl_drift base;
  sl__river_mean p;    /* error rate */
  double p_min, s_min; /* the reference point; 0 until set */
  double ps_min;       /* p_min + s_min; +inf until set */
  int warning;         /* River's _warning_detected, kept between values */
} sl__ddm;

static void ddm_reset(sl_drift *d) {
  sl__ddm *m = (sl__ddm *)d;
  m->p.n = m->p.mean = 0.0;
  m->p_min = m->s_min = 0.0;
  m->ps_min = HUGE_VAL;
  m->warning = 0;
}

static sl_drift_state ddm_update(sl_drift *d, double x) {
  sl__ddm *m = (sl__ddm *)d;
  const sl__pval *prm = d->obj.param;
  double p, s;
  if (d->state == SL_DRIFT_DETECTED) ddm_reset(d);
  sl__river_mean_push(&m->p, x);
  p = m->p.mean;
  s = sqrt(p * (1 - p) / m->p.n);
  if (!(m->p.n > (double)prm[DDM_WARM_START].i)) return SL_DRIFT_NONE;
  if (p + s <= m->ps_min) {
    m->p_min = p;
    m->s_min = s;
    m->ps_min = m->p_min + m->s_min;
  }
  m->warning = p + s > m->p_min + prm[DDM_WARNING].d * m->s_min;
  if (p + s > m->p_min + prm[DDM_DRIFT].d * m->s_min) {
    m->warning = 0;
    return SL_DRIFT_DETECTED;
  }
  return m->warning ? SL_DRIFT_WARNING : SL_DRIFT_NONE;
}

static double ddm_stat(const sl__object *o, size_t i) {
  const sl__ddm *m = (const sl__ddm *)o;
  switch (i) {
  case 0: return m->p.n;
  case 1: return m->p.mean;
  case 2: return m->p_min;
  default: return m->s_min;
  }
}

static sl_status ddm_save(const sl__object *o, sl__writer *w) {
  const sl__ddm *m = (const sl__ddm *)o;
  sl__drift_save_head(&m->base, w);
  sl__river_mean_save(&m->p, w);
  sl__put_f64(w, m->p_min);
  sl__put_f64(w, m->s_min);
  sl__put_f64(w, m->ps_min); /* +inf until the warm start ends */
  sl__put_u8(w, (uint8_t)m->warning);
  return SL_OK;
}

static sl_status ddm_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                           const sl_allocator *a) {
  sl_drift *d = NULL;
  sl__ddm *m;
  sl_status st = sl__drift_create(&d, &sl__ddm_kind, sizeof(sl__ddm), params, a);
  *out = (sl__object *)d;
  if (st != SL_OK) return st;
  (void)args;
  m = (sl__ddm *)d;
  ddm_reset(d);
  if (!r) return SL_OK;
  sl__drift_load_head(d, r);
  sl__river_mean_load(&m->p, r);
  m->p_min = sl__get_finite(r);
  m->s_min = sl__get_finite(r);
  m->ps_min = sl__get_f64(r);
  m->warning = sl__get_u8(r);
  sl__expect(r, m->p.mean >= 0.0 && m->p.mean <= 1.0 && m->ps_min == m->ps_min && m->ps_min > -HUGE_VAL &&
                    m->warning <= 1);
  return r->st;
}

static void ddm_destroy(sl__object *o) { sl__object_delete(o, sizeof(sl__ddm)); }

static const sl__drift_ops ddm_ops = {SL__DRIFT_BINARY, ddm_update, ddm_reset};

const sl__kind sl__ddm_kind = {
    SL__HANDLE_DRIFT, SL_DRIFT_DDM, "ddm", ddm_params, sizeof ddm_params / sizeof ddm_params[0],
    ddm_stats, sizeof ddm_stats / sizeof ddm_stats[0], NULL, ddm_stat, ddm_save, ddm_build, ddm_destroy, &ddm_ops,
};
