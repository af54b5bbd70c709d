/* sl_drift dispatch: argument checks, then the kind's operations. */
#include "drift_impl.h"

/* The kinds by public id; a build with SL_KINDS_SELECTED keeps only those
 * named by SL_KIND_DRIFT_<KIND> (lib/core/deps.h), the rest are SL_EKIND. */
static const sl__kind *const sl__drift_kinds[SL_DRIFT_KSWIN + 1] = {
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_DRIFT_ADWIN)
    [SL_DRIFT_ADWIN] = &sl__adwin_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_DRIFT_PAGE_HINKLEY)
    [SL_DRIFT_PAGE_HINKLEY] = &sl__page_hinkley_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_DRIFT_DDM)
    [SL_DRIFT_DDM] = &sl__ddm_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_DRIFT_EDDM)
    [SL_DRIFT_EDDM] = &sl__eddm_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_DRIFT_HDDM_A)
    [SL_DRIFT_HDDM_A] = &sl__hddm_a_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_DRIFT_HDDM_W)
    [SL_DRIFT_HDDM_W] = &sl__hddm_w_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_DRIFT_KSWIN)
    [SL_DRIFT_KSWIN] = &sl__kswin_kind,
#endif
};

const sl__handle_class sl__drift_class = {"drift", SL__HANDLE_DRIFT, sl__drift_kinds,
                                          sizeof sl__drift_kinds / sizeof sl__drift_kinds[0]};

SL__HANDLE_DEFINE(drift, sl__drift_class)

static const sl__drift_ops *sl__ops(const sl_drift *d) { return (const sl__drift_ops *)d->obj.kind->ops; }

sl_status sl__drift_create(sl_drift **out, const sl__kind *k, size_t size, const sl__pval *params,
                           const sl_allocator *a) {
  sl__object *o = NULL;
  sl_status st = sl__object_new(&o, size, k, params, a);
  *out = (sl_drift *)o;
  return st;
}

void sl__drift_save_head(const sl_drift *d, sl__writer *w) { sl__put_u8(w, (uint8_t)d->state); }

void sl__drift_load_head(sl_drift *d, sl__reader *r) {
  uint8_t s = sl__get_u8(r);
  d->state = sl__expect(r, s <= SL_DRIFT_DETECTED) ? (sl_drift_state)s : SL_DRIFT_NONE;
}

SL_API sl_status sl_drift_new(sl_drift **out, sl_drift_kind kind, const sl_allocator *a) {
  sl__object *o;
  sl_status st;
  if (!out) return SL_EINVAL;
  st = sl__class_new(&sl__drift_class, (int)kind, NULL, a, &o);
  *out = (sl_drift *)o;
  return st;
}

/* SL_OK if `x` is acceptable for the detector, else the status (with detail). */
static sl_status sl__drift_check(const sl_drift *d, double x) {
  if (!sl__finite(x)) return sl__fail(&d->obj, SL_ENONFINITE, "value is NaN or infinite");
  if (sl__ops(d)->input == SL__DRIFT_BINARY && x != 0.0 && x != 1.0)
    return sl__fail(&d->obj, SL_EINVAL, "detector '%s' takes 0 / 1 error indicators", d->obj.kind->name);
  return SL_OK;
}

SL_API sl_status sl_drift_update(sl_drift *d, double x, sl_drift_state *state) {
  sl_status st;
  if (!d) return SL_EINVAL;
  if ((st = sl__drift_check(d, x)) != SL_OK) return st;
  d->obj.started = 1;
  d->state = sl__ops(d)->update(d, x);
  if (state) *state = d->state;
  return SL_OK;
}

SL_API sl_status sl_drift_update_many(sl_drift *d, const double *x, size_t n, size_t *drift_at, size_t drift_cap,
                                      size_t *n_drift, size_t *warn_at, size_t warn_cap, size_t *n_warn) {
  sl_drift_state (*update)(sl_drift *, double);
  size_t i, nd = 0, nw = 0;
  sl_status st;
  if (!d) return SL_EINVAL;
  if ((!x && n) || (!drift_at && drift_cap) || (!warn_at && warn_cap))
    return sl__fail(&d->obj, SL_EINVAL, "NULL array with a non-zero size");
  for (i = 0; i < n; i++)
    if ((st = sl__drift_check(d, x[i])) != SL_OK) return sl__fail(&d->obj, st, "value %z is invalid", i);
  update = sl__ops(d)->update;
  if (n) d->obj.started = 1;
  for (i = 0; i < n; i++) {
    sl_drift_state s = update(d, x[i]);
    d->state = s;
    if (s == SL_DRIFT_DETECTED) {
      if (nd < drift_cap) drift_at[nd] = i;
      nd++;
    } else if (s == SL_DRIFT_WARNING) {
      if (nw < warn_cap) warn_at[nw] = i;
      nw++;
    }
  }
  if (n_drift) *n_drift = nd;
  if (n_warn) *n_warn = nw;
  return SL_OK;
}

SL_API sl_status sl_drift_state_of(const sl_drift *d, sl_drift_state *state) {
  if (!d || !state) return SL_EINVAL;
  *state = d->state;
  return SL_OK;
}

SL_API sl_status sl_drift_reset(sl_drift *d) {
  if (!d) return SL_EINVAL;
  sl__ops(d)->reset(d);
  d->state = SL_DRIFT_NONE;
  return SL_OK;
}
