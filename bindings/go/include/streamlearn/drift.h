/*
 * sl_drift: one change detector watching a stream of values (an error, a
 * loss, a feature) and saying none / warning / drift.
 */
#ifndef STREAMLEARN_DRIFT_H
#define STREAMLEARN_DRIFT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_drift sl_drift;

/* Detector kinds. Names for sl_drift_kind_from_name() in brackets. */
typedef enum sl_drift_kind {
  SL_DRIFT_ADWIN = 0,        /* [adwin] adaptive windowing, Bifet & Gavalda 2007 */
  SL_DRIFT_PAGE_HINKLEY = 1, /* [page_hinkley] Page 1954, fading two-sided CUSUM */
  SL_DRIFT_DDM = 2,          /* [ddm] Gama et al. 2004, binary errors */
  SL_DRIFT_EDDM = 3,         /* [eddm] Baena-Garcia et al. 2006, binary errors */
  SL_DRIFT_HDDM_A = 4,       /* [hddm_a] Frias-Blanco et al. 2015, averages */
  SL_DRIFT_HDDM_W = 5,       /* [hddm_w] Frias-Blanco et al. 2015, weighted averages */
  SL_DRIFT_KSWIN = 6         /* [kswin] Raab et al. 2020, Kolmogorov-Smirnov window */
} sl_drift_kind;

typedef enum sl_drift_state {
  SL_DRIFT_NONE = 0,
  SL_DRIFT_WARNING = 1,
  SL_DRIFT_DETECTED = 2
} sl_drift_state;

/* Creates a detector of `kind` with its default parameters (River's), using
 * allocator `a` (NULL: malloc). Change parameters with sl_drift_set_*()
 * before the first update. @return SL_OK, SL_EINVAL, SL_EKIND, SL_ENOMEM. */
SL_API sl_status sl_drift_new(sl_drift **out, sl_drift_kind kind, const sl_allocator *a);

/* Feeds one value; `*state` (may be NULL) receives the detector's state
 * after it. After a drift the detector restarts on the next value.
 * Allocates nothing. @return SL_OK, SL_EINVAL (NULL handle, or a binary
 * detector given a value other than 0 / 1), SL_ENONFINITE; on error the
 * detector is unchanged. */
SL_API sl_status sl_drift_update(sl_drift *d, double x, sl_drift_state *state);

/* Feeds `n` values in one call. Indices (0-based within `x`) where drift
 * fired go to `drift_at` (up to `drift_cap`), warnings to `warn_at` (up to
 * `warn_cap`; may be NULL with cap 0); `*n_drift` / `*n_warn` (may be NULL)
 * receive the full counts even beyond the caps. All values are checked
 * before any is applied: on error nothing changed. */
SL_API sl_status sl_drift_update_many(sl_drift *d, const double *x, size_t n, size_t *drift_at, size_t drift_cap,
                                      size_t *n_drift, size_t *warn_at, size_t warn_cap, size_t *n_warn);

/* The state after the latest update. @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_drift_state_of(const sl_drift *d, sl_drift_state *state);

/* Forgets everything seen, keeping the parameters. @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_drift_reset(sl_drift *d);

/* Parameters, statistics, save / load, free: see SL_HANDLE_API in common.h. */
SL_HANDLE_API(drift);

#ifdef __cplusplus
}
#endif

#endif
