/* Private to lib/drift: the per-kind operations behind sl_drift. */
#ifndef SL_DRIFT_IMPL_H
#define SL_DRIFT_IMPL_H

#include "../core/object.h"
#include "streamlearn/drift.h"

/* What values a detector accepts. */
typedef enum sl__drift_input {
  SL__DRIFT_REAL = 0,  /* any finite value */
  SL__DRIFT_BINARY = 1 /* 0 or 1 (an error indicator) */
} sl__drift_input;

typedef struct sl__drift_ops {
  sl__drift_input input;
  /* Feeds a checked value and returns the new state. */
  sl_drift_state (*update)(sl_drift *d, double x);
  /* Back to the freshly created state, parameters kept. */
  void (*reset)(sl_drift *d);
} sl__drift_ops;

/* The head of every detector; kinds extend it (struct { sl_drift base; ... }). */
struct sl_drift {
  sl__object obj;
  sl_drift_state state;
};

extern const sl__handle_class sl__drift_class;

/* Creates the handle of kind `k` with `size` bytes (the kind's struct), with
 * `params` (or defaults when NULL); the kind then allocates its own blocks. */
sl_status sl__drift_create(sl_drift **out, const sl__kind *k, size_t size, const sl__pval *params,
                           const sl_allocator *a);

/* The state field saved and restored for every detector. */
void sl__drift_save_head(const sl_drift *d, sl__writer *w);
void sl__drift_load_head(sl_drift *d, sl__reader *r);

/* River's stats.Mean with unit weights, operation for operation (the
 * binary detectors' drift indices depend on its rounding). */
typedef struct sl__river_mean {
  double n, mean;
} sl__river_mean;

static inline void sl__river_mean_push(sl__river_mean *m, double x) {
  m->n += 1.0;
  m->mean += (1.0 / m->n) * (x - m->mean);
}

/* Saves / loads a running mean; a load checks n is a whole number >= 0. */
void sl__river_mean_save(const sl__river_mean *m, sl__writer *w);
void sl__river_mean_load(sl__river_mean *m, sl__reader *r);

extern const sl__kind sl__adwin_kind, sl__page_hinkley_kind, sl__ddm_kind, sl__eddm_kind, sl__hddm_a_kind,
    sl__hddm_w_kind, sl__kswin_kind;

#endif
