/*
 * EDDM, the early drift detection method of Baena-Garcia et al. (2006), on a
 * stream of 0 / 1 errors: it follows the distance between consecutive
 * errors, its mean p' and deviation s'. The largest p' + 2 s' seen is the
 * reference; once more than warm_start errors were seen, a level
 * (p' + 2 s') / max below alpha warns and below beta signals drift (the
 * distances shrink when errors come closer). As River's EDDM, operation for
 * operation in double; like River, a warning stays raised until an error
 * updates it, and the detector restarts on the value after a drift.
 */
#include "drift_impl.h"

enum { EDDM_WARM_START, EDDM_ALPHA, EDDM_BETA };

static const sl_param_info eddm_params[] = {
    {"warm_start", SL_PARAM_INT, 30, 0, 1e12, NULL, "values and errors seen before a warning or drift", 0},
    {"alpha", SL_PARAM_DOUBLE, 0.95, 0, 1, NULL, "level below which a warning is raised (>= beta)", 0},
    {"beta", SL_PARAM_DOUBLE, 0.9, 0, 1, NULL, "level below which drift is signalled (<= alpha)", 0},
};

static const char *const eddm_stats[] = {"n", "n_errors", "distance_mean", "distance_std", "p2s_max"};

typedef struct sl__eddm {
  sl_drift base;
  uint64_t n, n_errors, last_error; /* values seen, errors seen, index of the latest error */
  sl__river_mean dist;              /* distances between errors */
  double dist_m2;                   /* River's stats.Var: sum of squared deviations */
  double p2s_max;                   /* -1 until the first error after warm_start */
  int warning;
} sl__eddm;

static void eddm_reset(sl_drift *d) {
  sl__eddm *e = (sl__eddm *)d;
  e->n = e->n_errors = e->last_error = 0;
  e->dist.n = e->dist.mean = e->dist_m2 = 0.0;
  e->p2s_max = -1.0;
  e->warning = 0;
}

/* Sample deviation of the distances (River: Var(ddof=1).get() ** 0.5, and
 * ** is pow, which is not always sqrt to the last bit). */
static double eddm_std(const sl__eddm *e) {
  double v = e->dist.n > 1.0 ? e->dist_m2 / (e->dist.n - 1.0) : 0.0;
  return pow(v, 0.5);
}

static sl_drift_state eddm_update(sl_drift *d, double x) {
  sl__eddm *e = (sl__eddm *)d;
  const sl__pval *prm = d->obj.param;
  if (d->state == SL_DRIFT_DETECTED) eddm_reset(d);
  e->n++;
  if (x == 1.0) {
    double dist = (double)(e->n - e->last_error), old = e->dist.mean;
    e->n_errors++;
    sl__river_mean_push(&e->dist, dist);
    e->dist_m2 += (dist - old) * (dist - e->dist.mean);
    e->last_error = e->n;
    if (e->n > (uint64_t)prm[EDDM_WARM_START].i) {
      double p2s = e->dist.mean + 2 * eddm_std(e);
      if (p2s > e->p2s_max) {
        e->p2s_max = p2s;
      } else if (e->n_errors > (uint64_t)prm[EDDM_WARM_START].i) {
        double level = p2s / e->p2s_max;
        if (level < prm[EDDM_BETA].d) return SL_DRIFT_DETECTED;
        e->warning = level < prm[EDDM_ALPHA].d;
      }
    }
  }
  return e->warning ? SL_DRIFT_WARNING : SL_DRIFT_NONE;
}

static double eddm_stat(const sl__object *o, size_t i) {
  const sl__eddm *e = (const sl__eddm *)o;
  switch (i) {
  case 0: return (double)e->n;
  case 1: return (double)e->n_errors;
  case 2: return e->dist.mean;
  case 3: return eddm_std(e);
  default: return e->p2s_max;
  }
}

/* alpha >= beta, as River requires. */
static sl_status eddm_configure(sl__object *o, size_t changed, sl__pval old) {
  (void)changed;
  (void)old;
  if (o->param[EDDM_ALPHA].d < o->param[EDDM_BETA].d)
    return sl__fail(o, SL_ERANGE, "'alpha' must be >= 'beta'");
  return SL_OK;
}

static sl_status eddm_save(const sl__object *o, sl__writer *w) {
  const sl__eddm *e = (const sl__eddm *)o;
  sl__drift_save_head(&e->base, w);
  sl__put_u64(w, e->n);
  sl__put_u64(w, e->n_errors);
  sl__put_u64(w, e->last_error);
  sl__river_mean_save(&e->dist, w);
  sl__put_f64(w, e->dist_m2);
  sl__put_f64(w, e->p2s_max);
  sl__put_u8(w, (uint8_t)e->warning);
  return SL_OK;
}

static sl_status eddm_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                            const sl_allocator *a) {
  sl_drift *d = NULL;
  sl__eddm *e;
  sl_status st = sl__drift_create(&d, &sl__eddm_kind, sizeof(sl__eddm), params, a);
  *out = (sl__object *)d;
  if (st != SL_OK) return st;
  (void)args;
  e = (sl__eddm *)d;
  eddm_reset(d);
  if (!r) return SL_OK;
  sl__drift_load_head(d, r);
  e->n = sl__get_u64(r);
  e->n_errors = sl__get_u64(r);
  e->last_error = sl__get_u64(r);
  sl__river_mean_load(&e->dist, r);
  e->dist_m2 = sl__get_finite(r);
  e->p2s_max = sl__get_finite(r);
  e->warning = sl__get_u8(r);
  sl__expect(r, e->n_errors <= e->n && e->last_error <= e->n && e->dist.n == (double)e->n_errors &&
                    e->dist_m2 >= 0.0 && e->warning <= 1 && d->obj.param[EDDM_ALPHA].d >= d->obj.param[EDDM_BETA].d);
  /* Distances lie in [1, n], so their mean does, their squared deviations
   * sum to less than count * n^2, and the reference is -1 or at least 1:
   * further errors cannot overflow a state that keeps to these (the bounds
   * leave room for rounding). */
  sl__expect(r, e->dist.n == 0.0 ? e->dist.mean == 0.0 && e->dist_m2 == 0.0
                                 : e->dist.mean >= 0.5 && e->dist.mean <= 2.0 * (double)e->n &&
                                       e->dist_m2 <= 4.0 * e->dist.n * (double)e->n * (double)e->n);
  sl__expect(r, e->p2s_max == -1.0 || (e->p2s_max >= 0.5 && e->p2s_max <= 4.0 * (double)e->n));
  return r->st;
}

static void eddm_destroy(sl__object *o) { sl__object_delete(o, sizeof(sl__eddm)); }

static const sl__drift_ops eddm_ops = {SL__DRIFT_BINARY, eddm_update, eddm_reset};

const sl__kind sl__eddm_kind = {
    SL__HANDLE_DRIFT, SL_DRIFT_EDDM, "eddm", eddm_params, sizeof eddm_params / sizeof eddm_params[0],
    eddm_stats, sizeof eddm_stats / sizeof eddm_stats[0], eddm_configure, eddm_stat, eddm_save, eddm_build,
    eddm_destroy, &eddm_ops,
};
