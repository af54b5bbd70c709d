/* Checkpoint helpers for sl__river_mean (drift_impl.h), shared by the
 * detectors built on River's running mean. */
#include "drift_impl.h"

void sl__river_mean_save(const sl__river_mean *m, sl__writer *w) {
  sl__put_f64(w, m->n);
  sl__put_f64(w, m->mean);
}

void sl__river_mean_load(sl__river_mean *m, sl__reader *r) {
  m->n = sl__get_finite(r);
  m->mean = sl__get_finite(r);
  sl__expect(r, m->n >= 0.0 && m->n == floor(m->n));
}
