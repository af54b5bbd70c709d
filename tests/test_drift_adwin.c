/* ADWIN's window against the values it was given: the width never exceeds
 * what was seen since the restart, the rows stay within their cap, and the
 * mean and variance are those of exactly the last `width` values. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "streamlearn.h"

static double stat(const sl_drift *d, const char *name) {
  double v;
  cr_assert_eq(sl_drift_stat(d, name, &v), SL_OK, "%s", name);
  return v;
}

/* Feeds x and checks the window after every value. */
static size_t check_window(sl_drift *d, const double *x, size_t n, double max_rows) {
  size_t i, since = 0, drifts = 0;
  sl_drift_state prev = SL_DRIFT_NONE, s;
  for (i = 0; i < n; i++) {
    double w, mean, var, m = 0, v = 0;
    size_t k, wi;
    if (prev == SL_DRIFT_DETECTED) since = 0; /* restarted on this value */
    cr_assert_eq(sl_drift_update(d, x[i], &s), SL_OK);
    since++;
    w = stat(d, "width");
    mean = stat(d, "mean");
    var = stat(d, "variance");
    cr_assert(w >= 1 && w <= (double)since && w == floor(w), "width %g after %zu values", w, since);
    cr_assert(stat(d, "rows") <= max_rows);
    wi = (size_t)w;
    for (k = i + 1 - wi; k <= i; k++) m += x[k];
    m /= w;
    for (k = i + 1 - wi; k <= i; k++) v += (x[k] - m) * (x[k] - m);
    v /= w;
    cr_assert(fabs(mean - m) <= 1e-9 * (1 + fabs(m)), "mean %.17g, window holds %.17g (at %zu)", mean, m, i);
    cr_assert(fabs(var - v) <= 1e-7 * (1 + v), "variance %.17g, window holds %.17g (at %zu)", var, v, i);
    if (s == SL_DRIFT_DETECTED) drifts++;
    prev = s;
  }
  return drifts;
}

static void make_stream(double *x, size_t n) {
  uint32_t s = 3;
  size_t i;
  for (i = 0; i < n; i++) {
    s = s * 1103515245u + 12345u;
    x[i] = ((s >> 16) % 1000) / 250.0 + (double)((i / 1500) % 3); /* steps every 1500 */
  }
}

Test(adwin, window_is_the_last_width_values) {
  static double x[6000];
  sl_drift *d;
  size_t drifts;
  make_stream(x, 6000);
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "clock", 1), SL_OK);
  drifts = check_window(d, x, 6000, 32);
  cr_assert_geq(drifts, 2, "the steps are found");
  cr_assert_eq(stat(d, "n_detections"), (double)drifts, "n_detections counts across restarts");
  sl_drift_free(d);
}

Test(adwin, row_cap_makes_the_window_slide) {
  static double x[3000];
  sl_drift *d;
  size_t i;
  for (i = 0; i < 3000; i++) x[i] = (double)(i % 17) / 4.0; /* no drift: the window only grows */
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "max_rows", 4), SL_OK);
  check_window(d, x, 3000, 4);
  /* four rows of at most 5 summaries of 1, 2, 4, 8 values */
  cr_assert_leq(stat(d, "width"), 5.0 * (1 + 2 + 4 + 8));
  cr_assert_geq(stat(d, "width"), 4.0 * (1 + 2 + 4 + 8));
  cr_assert_eq(stat(d, "rows"), 4);
  sl_drift_free(d);
}

Test(adwin, one_bucket_a_row_keeps_the_window_exact) {
  static double x[4000];
  sl_drift *d;
  make_stream(x, 4000);
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "max_buckets", 1), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "clock", 1), SL_OK);
  check_window(d, x, 4000, 32);
  sl_drift_free(d);
}

Test(adwin, constant_stream_never_drifts_and_memory_is_fixed) {
  sl_drift *d;
  double bytes, rows;
  size_t i;
  sl_drift_state s;
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), SL_OK);
  bytes = stat(d, "bytes");
  for (i = 0; i < 200000; i++) {
    cr_assert_eq(sl_drift_update(d, 0.1, &s), SL_OK);
    cr_assert_eq(s, SL_DRIFT_NONE);
  }
  rows = stat(d, "rows");
  cr_assert_eq(stat(d, "width"), 200000);
  cr_assert(rows >= 15 && rows <= 16, "O(log W) rows: %g", rows);
  cr_assert_eq(stat(d, "bytes"), bytes, "rows are allocated at creation");
  sl_drift_free(d);
}
