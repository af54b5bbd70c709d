/* sl_drift: the shared handle contract, and each detector against known answers. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"
#include "support/contract.h"
#include "support/testalloc.h"

/* ---- the shared calls, exercised on Page-Hinkley ------------------------------ */

Test(drift_handle, parameters_by_name_with_checks) {
  sl_drift *d;
  const sl_param_info *info;
  double v;
  int64_t iv;
  int kind;
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, NULL), SL_OK);
  cr_assert_eq(sl_drift_get_double(d, "threshold", &v), SL_OK);
  cr_assert_eq(v, 50.0);
  cr_assert_eq(sl_drift_set_double(d, "threshold", 20), SL_OK);
  cr_assert_eq(sl_drift_get_double(d, "threshold", &v), SL_OK);
  cr_assert_eq(v, 20.0);
  cr_assert_eq(sl_drift_set_double(d, "no_such", 1), SL_EPARAM);
  cr_assert_neq(strstr(sl_drift_last_error(d), "no_such"), NULL);
  cr_assert_eq(sl_drift_set_double(d, "alpha", 1.5), SL_ERANGE);
  cr_assert_eq(sl_drift_set_double(d, "alpha", NAN), SL_ENONFINITE);
  cr_assert_eq(sl_drift_set_double(d, "min_instances", 2.5), SL_ETYPE);
  cr_assert_eq(sl_drift_set_double(d, "mode", 1), SL_ETYPE, "an enum is set by name or index");
  cr_assert_eq(sl_drift_set_str(d, "mode", "up"), SL_OK);
  cr_assert_eq(sl_drift_get_int(d, "mode", &iv), SL_OK);
  cr_assert_eq(iv, 0);
  cr_assert_eq(sl_drift_set_str(d, "mode", "sideways"), SL_ERANGE);
  cr_assert_eq(sl_drift_set_str(d, "delta", "1e-3"), SL_OK);
  cr_assert_eq(sl_drift_get_double(d, "delta", &v), SL_OK);
  cr_assert_eq(v, 1e-3);
  cr_assert_eq(sl_drift_set_int(d, "mode", 2), SL_OK);
  cr_assert_eq(sl_drift_set_str(d, "threshold", "abc"), SL_ETYPE);
  cr_assert_eq(sl_drift_get_int(d, "threshold", &iv), SL_ETYPE);
  cr_assert_eq(sl_drift_get_double(d, "threshold", &v), SL_OK);
  cr_assert_eq(v, 20.0, "failed sets left the value alone");
  cr_assert_eq(sl_drift_kind_of(d, &kind), SL_OK);
  cr_assert_eq(kind, SL_DRIFT_PAGE_HINKLEY);
  cr_assert_str_eq(sl_drift_kind_name(SL_DRIFT_PAGE_HINKLEY), "page_hinkley");
  cr_assert_eq(sl_drift_kind_from_name("page_hinkley", &kind), SL_OK);
  cr_assert_eq(sl_drift_kind_from_name("nope", &kind), SL_EKIND);
  cr_assert_eq(sl_drift_kind_param(SL_DRIFT_PAGE_HINKLEY, 0, &info), SL_OK);
  cr_assert_str_eq(info->name, "min_instances");
  cr_assert_eq(sl_drift_kind_param(SL_DRIFT_PAGE_HINKLEY, 99, &info), SL_ENOTFOUND);
  cr_assert_eq(sl_drift_kind_param(99, 0, &info), SL_EKIND);
  sl_drift_free(d);
}

Test(drift_handle, null_and_bad_arguments) {
  sl_drift *d = NULL;
  sl_drift_state s;
  double xs[3] = {1, NAN, 2};
  size_t nd = 7;
  cr_assert_eq(sl_drift_new(NULL, SL_DRIFT_PAGE_HINKLEY, NULL), SL_EINVAL);
  cr_assert_eq(sl_drift_new(&d, (sl_drift_kind)99, NULL), SL_EKIND);
  cr_assert_null(d);
  cr_assert_eq(sl_drift_update(NULL, 1.0, &s), SL_EINVAL);
  cr_assert_eq(sl_drift_set_double(NULL, "delta", 1), SL_EINVAL);
  cr_assert_str_eq(sl_drift_last_error(NULL), "");
  sl_drift_free(NULL);
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, NULL), SL_OK);
  cr_assert_eq(sl_drift_update(d, INFINITY, &s), SL_ENONFINITE);
  cr_assert_eq(sl_drift_update_many(d, xs, 3, NULL, 0, &nd, NULL, 0, NULL), SL_ENONFINITE);
  cr_assert_eq(nd, 7, "nothing reported on error");
  cr_assert_eq(sl_drift_update_many(d, NULL, 3, NULL, 0, NULL, NULL, 0, NULL), SL_EINVAL);
  {
    double n;
    cr_assert_eq(sl_drift_stat(d, "n", &n), SL_OK);
    cr_assert_eq(n, 0.0, "rejected values were not counted");
  }
  sl_drift_free(d);
}

static sl_status ph_lifecycle(const sl_allocator *a, void *ctx) {
  sl_drift *d = NULL, *e = NULL;
  unsigned char buf[1024];
  size_t len;
  sl_status st;
  int i;
  (void)ctx;
  if ((st = sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, a)) != SL_OK) return st;
  for (i = 0; i < 50; i++) sl_drift_update(d, i % 3, NULL);
  st = sl_drift_save_mem(d, 0, buf, sizeof buf, &len);
  if (st == SL_OK) st = sl_drift_load_mem(&e, buf, len, a);
  sl_drift_free(e);
  sl_drift_free(d);
  return st;
}

Test(drift_handle, every_allocation_failure_is_clean) { cr_assert_gt(test_alloc_sweep(ph_lifecycle, NULL), 0); }

/* ---- Page-Hinkley ------------------------------------------------------------- */

/* A straight reimplementation of River's PageHinkley.update, for the known answer. */
static long ph_reference_first_drift(const double *x, long n) {
  double mean = 0, si = 0, sd = 0, mi = INFINITY, md = -1;
  long i, cnt = 0;
  for (i = 0; i < n; i++) {
    double dev;
    cnt++;
    mean += (x[i] - mean) / cnt;
    dev = x[i] - mean;
    si = 0.9999 * si + dev - 0.005;
    sd = 0.9999 * sd + dev + 0.005;
    if (si < mi) mi = si;
    if (sd > md) md = sd;
    if (cnt >= 30 && (si - mi > 50 || md - sd > 50)) return i;
  }
  return -1;
}

Test(page_hinkley, detects_a_mean_shift_where_the_recurrence_says) {
  static double x[2000];
  sl_drift *d;
  size_t at[8], nd;
  long i, want;
  unsigned s = 1;
  for (i = 0; i < 2000; i++) {
    s = s * 1103515245u + 12345u;
    x[i] = (i < 1000 ? 0.0 : 5.0) + ((s >> 16) % 100) / 100.0;
  }
  want = ph_reference_first_drift(x, 2000);
  cr_assert(want > 1000 && want < 1030, "reference finds the shift (%ld)", want);
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, NULL), SL_OK);
  cr_assert_eq(sl_drift_update_many(d, x, 2000, at, 8, &nd, NULL, 0, NULL), SL_OK);
  cr_assert_geq(nd, 1);
  cr_assert_eq((long)at[0], want);
  sl_drift_free(d);
}

Test(page_hinkley, mode_up_ignores_a_decrease) {
  sl_drift *d;
  size_t nd;
  static double x[3000];
  int i;
  for (i = 0; i < 3000; i++) x[i] = i < 1000 ? 10.0 : 0.0;
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_str(d, "mode", "up"), SL_OK);
  cr_assert_eq(sl_drift_update_many(d, x, 3000, NULL, 0, &nd, NULL, 0, NULL), SL_OK);
  cr_assert_eq(nd, 0);
  cr_assert_eq(sl_drift_reset(d), SL_OK);
  cr_assert_eq(sl_drift_set_str(d, "mode", "down"), SL_OK);
  cr_assert_eq(sl_drift_update_many(d, x, 3000, NULL, 0, &nd, NULL, 0, NULL), SL_OK);
  cr_assert_geq(nd, 1);
  sl_drift_free(d);
}

Test(page_hinkley, checkpoint_contract_and_exact_resume) {
  sl_drift *d, *e;
  unsigned char buf[1024];
  size_t len;
  int i;
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, NULL), SL_OK);
  CHECK_CHECKPOINT_CONTRACT(drift, d); /* fresh: min_inc is +inf */
  for (i = 0; i < 500; i++) sl_drift_update(d, (i * 37 % 11) / 10.0, NULL);
  CHECK_CHECKPOINT_CONTRACT(drift, d);
  cr_assert_eq(sl_drift_save_mem(d, 0, buf, sizeof buf, &len), SL_OK);
  cr_assert_eq(sl_drift_load_mem(&e, buf, len, NULL), SL_OK);
  for (i = 0; i < 3000; i++) {
    sl_drift_state a, b;
    double x = i < 1500 ? 0.3 : 4.0;
    sl_drift_update(d, x, &a);
    sl_drift_update(e, x, &b);
    cr_assert_eq(a, b, "diverged at %d", i);
  }
  sl_drift_free(d);
  sl_drift_free(e);
}
