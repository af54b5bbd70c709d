/* sl_drift: every detector kind against River's answers on fixed streams,
 * and the handle contract (checkpoints, rejected input, allocation failure,
 * reset, parameter constraints) kind by kind. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpoint.h"
#include "streamlearn.h"
#include "support/contract.h"
#include "support/testalloc.h"

#define N_KINDS 7

/* Uniform [0, 1) steps of 0.001 plus `shift` from index `at` on. The same
 * LCG in Python gave the River answers below. */
static void lcg_real(double *x, int n, int at, double shift) {
  uint32_t s = 7;
  int i;
  for (i = 0; i < n; i++) {
    s = s * 1103515245u + 12345u;
    x[i] = ((s >> 16) % 1000) / 1000.0 + (i >= at ? shift : 0.0);
  }
}

/* 0 / 1 errors at rate p0 / 1000 before `at`, p1 / 1000 after. */
static void lcg_binary(double *x, int n, int at, unsigned p0, unsigned p1) {
  uint32_t s = 11;
  int i;
  for (i = 0; i < n; i++) {
    s = s * 1103515245u + 12345u;
    x[i] = ((s >> 16) % 1000) < (i < at ? p0 : p1) ? 1.0 : 0.0;
  }
}

static int is_binary(int kind) {
  return kind == SL_DRIFT_DDM || kind == SL_DRIFT_EDDM || kind == SL_DRIFT_HDDM_A || kind == SL_DRIFT_HDDM_W;
}

/* A stream that exercises `kind`: 0 / 1 errors for binary kinds. */
static void stream_for(int kind, double *x, int n) {
  if (is_binary(kind))
    lcg_binary(x, n, n / 2, 100, 300);
  else
    lcg_real(x, n, n / 2, 0.6);
}

typedef struct answer {
  size_t n_drift, first_drift[4], n_warn, first_warn[3];
} answer;

static void check_answer(sl_drift_kind kind, const char *param, const char *value, const double *x, size_t n,
                         const answer *want) {
  sl_drift *d;
  size_t drift[64], warn[2048], nd, nw, i;
  cr_assert_eq(sl_drift_new(&d, kind, NULL), SL_OK);
  if (param) cr_assert_eq(sl_drift_set_str(d, param, value), SL_OK);
  cr_assert_eq(sl_drift_update_many(d, x, n, drift, 64, &nd, warn, 2048, &nw), SL_OK);
  cr_assert_eq(nd, want->n_drift, "%s: %zu drifts, River %zu", sl_drift_kind_name(kind), nd, want->n_drift);
  for (i = 0; i < nd && i < 4; i++) cr_assert_eq(drift[i], want->first_drift[i], "%s drift %zu", sl_drift_kind_name(kind), i);
  cr_assert_eq(nw, want->n_warn, "%s: %zu warnings, River %zu", sl_drift_kind_name(kind), nw, want->n_warn);
  for (i = 0; i < nw && i < 3; i++) cr_assert_eq(warn[i], want->first_warn[i], "%s warning %zu", sl_drift_kind_name(kind), i);
  sl_drift_free(d);
}

/* River 0.26.1 on the same values (warnings counted where no drift fired). */
Test(drift_kinds, river_answers) {
  static double x[6000];
  static const answer adwin = {1, {2079}, 0, {0}}, adwin1 = {1, {2061}, 0, {0}};
  static const answer ddm = {4, {64, 134, 223, 4558}, 1000, {36, 37, 38}};
  static const answer eddm = {19, {354, 585, 885, 1168}, 656, {3238, 3239, 3240}};
  static const answer hddm_a = {1, {3194}, 36, {1417, 3159, 3160}};
  static const answer hddm_w = {2, {3403, 4025}, 39, {3156, 3157, 3159}};
  lcg_real(x, 4000, 2000, 0.3);
  check_answer(SL_DRIFT_ADWIN, NULL, NULL, x, 4000, &adwin);
  check_answer(SL_DRIFT_ADWIN, "clock", "1", x, 4000, &adwin1);
  lcg_binary(x, 6000, 3000, 100, 300);
  check_answer(SL_DRIFT_DDM, NULL, NULL, x, 6000, &ddm);
  check_answer(SL_DRIFT_EDDM, NULL, NULL, x, 6000, &eddm);
  check_answer(SL_DRIFT_HDDM_A, NULL, NULL, x, 6000, &hddm_a);
  check_answer(SL_DRIFT_HDDM_W, NULL, NULL, x, 6000, &hddm_w);
}

Test(drift_kinds, kswin_sees_an_obvious_shift_and_not_a_constant) {
  static double x[1000];
  sl_drift *d;
  size_t at[8], nd;
  double p;
  int i;
  for (i = 0; i < 1000; i++) x[i] = i < 500 ? 0.25 : 10.0 + i % 7;
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_KSWIN, NULL), SL_OK);
  cr_assert_eq(sl_drift_update_many(d, x, 500, at, 8, &nd, NULL, 0, NULL), SL_OK);
  cr_assert_eq(nd, 0, "a constant stream never drifts");
  cr_assert_eq(sl_drift_stat(d, "p_value", &p), SL_OK);
  cr_assert_eq(p, 1.0);
  cr_assert_eq(sl_drift_update_many(d, x + 500, 500, at, 8, &nd, NULL, 0, NULL), SL_OK);
  cr_assert_geq(nd, 1);
  /* scipy: ks_2samp of 30 equal values against 16 of them and 14 others
   * gives p = 0.0025 <= 0.005; with 13 others p = 0.0065: the 14th new value */
  cr_assert_eq(at[0], 13, "first drift %zu values after the shift", at[0]);
  sl_drift_free(d);
}

Test(drift_kinds, kswin_same_seed_same_answers_other_seed_differs) {
  static double x[20000];
  size_t a[256], b[256], c[256], na, nb, nc;
  sl_drift *d;
  int i;
  lcg_real(x, 20000, 20000, 0);
  for (i = 0; i < 20000; i++) x[i] += (i / 2000) % 2 ? 0.3 : 0.0;
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_KSWIN, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "seed", 5), SL_OK);
  sl_drift_update_many(d, x, 20000, a, 256, &na, NULL, 0, NULL);
  sl_drift_reset(d);
  sl_drift_update_many(d, x, 20000, b, 256, &nb, NULL, 0, NULL);
  cr_assert(na == nb && memcmp(a, b, na * sizeof a[0]) == 0, "reset re-seeds");
  sl_drift_free(d);
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_KSWIN, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "seed", 6), SL_OK);
  sl_drift_update_many(d, x, 20000, c, 256, &nc, NULL, 0, NULL);
  cr_assert(nc != na || memcmp(a, c, na * sizeof a[0]) != 0, "another seed, other subsamples");
  sl_drift_free(d);
}

/* ---- the contract, for every kind ------------------------------------------ */

Test(drift_kinds, checkpoint_contract_fresh_and_mid_stream) {
  static double x[3000];
  int kind;
  for (kind = 0; kind < N_KINDS; kind++) {
    sl_drift *d;
    cr_assert_eq(sl_drift_new(&d, (sl_drift_kind)kind, NULL), SL_OK);
    CHECK_CHECKPOINT_CONTRACT(drift, d);
    stream_for(kind, x, 3000);
    cr_assert_eq(sl_drift_update_many(d, x, 1700, NULL, 0, NULL, NULL, 0, NULL), SL_OK);
    CHECK_CHECKPOINT_CONTRACT(drift, d);
    sl_drift_free(d);
  }
}

/* The saved bytes of `d` (the whole observable state). */
static unsigned char *saved(const sl_drift *d, size_t *len) {
  unsigned char *buf;
  cr_assert_eq(sl_drift_save_mem(d, 0, NULL, 0, len), SL_EBUFFER);
  buf = malloc(*len);
  cr_assert_eq(sl_drift_save_mem(d, 0, buf, *len, len), SL_OK);
  return buf;
}

Test(drift_kinds, load_in_the_middle_changes_nothing_after) {
  static double x[12000];
  int kind, i;
  for (kind = 0; kind < N_KINDS; kind++) {
    sl_drift *d, *e;
    unsigned char *buf, *b1, *b2;
    size_t len, l1, l2;
    stream_for(kind, x, 12000);
    cr_assert_eq(sl_drift_new(&d, (sl_drift_kind)kind, NULL), SL_OK);
    sl_drift_update_many(d, x, 5003, NULL, 0, NULL, NULL, 0, NULL);
    buf = saved(d, &len);
    cr_assert_eq(sl_drift_load_mem(&e, buf, len, NULL), SL_OK);
    for (i = 5003; i < 12000; i++) {
      sl_drift_state a, b;
      cr_assert_eq(sl_drift_update(d, x[i], &a), SL_OK);
      cr_assert_eq(sl_drift_update(e, x[i], &b), SL_OK);
      cr_assert_eq(a, b, "%s diverged at %d", sl_drift_kind_name(kind), i);
    }
    b1 = saved(d, &l1);
    b2 = saved(e, &l2);
    cr_assert(l1 == l2 && memcmp(b1, b2, l1) == 0, "%s: states differ at the end", sl_drift_kind_name(kind));
    free(buf);
    free(b1);
    free(b2);
    sl_drift_free(d);
    sl_drift_free(e);
  }
}

/* Finite values near the top of the double range overflow ADWIN's and
 * Page-Hinkley's sums to infinity or NaN (as River's); the state they leave
 * must still save and load back identically (found by fuzz_load: such a
 * checkpoint was refused as corrupt). */
Test(drift_kinds, overflowed_sums_still_checkpoint) {
  static const double scale[] = {1e308, 1e200};
  int kind, k, i;
  for (kind = 0; kind < N_KINDS; kind++) {
    if (is_binary(kind)) continue;
    for (k = 0; k < 2; k++) {
      sl_drift *d, *e;
      unsigned char *b1, *b2;
      size_t l1, l2;
      cr_assert_eq(sl_drift_new(&d, (sl_drift_kind)kind, NULL), SL_OK);
      for (i = 0; i < 500; i++) cr_assert_eq(sl_drift_update(d, (i & 1 ? 1 : -1) * scale[k] * (i < 250 ? 1 : 0.5), NULL), SL_OK);
      b1 = saved(d, &l1);
      cr_assert_eq(sl_drift_load_mem(&e, b1, l1, NULL), SL_OK, "%s at scale %g", sl_drift_kind_name(kind), scale[k]);
      cr_assert_eq(sl_drift_update(e, 1.0, NULL), SL_OK);
      cr_assert_eq(sl_drift_update(d, 1.0, NULL), SL_OK);
      free(b1);
      b1 = saved(d, &l1);
      b2 = saved(e, &l2);
      cr_assert(l1 == l2 && memcmp(b1, b2, l1) == 0, "%s: the loaded detector went its own way", sl_drift_kind_name(kind));
      free(b1);
      free(b2);
      sl_drift_free(d);
      sl_drift_free(e);
    }
  }
}

/* An EDDM checkpoint (valid checksum) whose mean distance between errors
 * is beyond the values seen is refused: a few more errors overflowed its
 * squared deviations to infinity, and that state's checkpoint no longer
 * loaded (found by fuzz_load). */
Test(drift_kinds, eddm_distances_beyond_the_values_seen_are_corrupt) {
  static double x[400];
  sl_drift *d, *e = NULL;
  unsigned char *b, *at = NULL;
  double mean, huge = 1e300;
  size_t len, i;
  uint32_t crc;
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_EDDM, NULL), SL_OK);
  stream_for(SL_DRIFT_EDDM, x, 400);
  cr_assert_eq(sl_drift_update_many(d, x, 400, NULL, 0, NULL, NULL, 0, NULL), SL_OK);
  cr_assert_eq(sl_drift_stat(d, "distance_mean", &mean), SL_OK);
  b = saved(d, &len);
  for (i = SL__CKPT_HEADER; i + 8 <= len - SL__CKPT_TRAILER && !at; i++)
    if (memcmp(b + i, &mean, 8) == 0) at = b + i; /* stored as an f64 (little-endian hosts) */
  cr_assert_not_null(at);
  memcpy(at, &huge, 8);
  crc = sl__crc32c(0, b + SL__CKPT_HEADER, len - SL__CKPT_HEADER - SL__CKPT_TRAILER);
  for (i = 0; i < 4; i++) b[len - 4 + i] = (unsigned char)(crc >> (8 * i));
  cr_assert_eq(sl_drift_load_mem(&e, b, len, NULL), SL_ECORRUPT);
  cr_assert_null(e);
  free(b);
  sl_drift_free(d);
}

Test(drift_kinds, bad_values_are_rejected_and_change_nothing) {
  static double x[400];
  static const double bad[] = {NAN, INFINITY, -INFINITY};
  int kind;
  size_t k;
  for (kind = 0; kind < N_KINDS; kind++) {
    sl_drift *d;
    unsigned char *before, *after;
    size_t lb, la, nd = 99;
    double batch[3] = {0, 1, 0};
    sl_drift_state s;
    stream_for(kind, x, 400);
    cr_assert_eq(sl_drift_new(&d, (sl_drift_kind)kind, NULL), SL_OK);
    sl_drift_update_many(d, x, 400, NULL, 0, NULL, NULL, 0, NULL);
    sl_drift_state_of(d, &s);
    before = saved(d, &lb);
    for (k = 0; k < 3; k++) {
      cr_assert_eq(sl_drift_update(d, bad[k], NULL), SL_ENONFINITE);
      batch[2] = bad[k];
      cr_assert_eq(sl_drift_update_many(d, batch, 3, NULL, 0, &nd, NULL, 0, NULL), SL_ENONFINITE);
    }
    if (is_binary(kind)) {
      batch[2] = 0.5;
      cr_assert_eq(sl_drift_update(d, -1.0, NULL), SL_EINVAL);
      cr_assert_eq(sl_drift_update_many(d, batch, 3, NULL, 0, &nd, NULL, 0, NULL), SL_EINVAL);
      cr_assert_eq(sl_drift_update(d, 2.0, NULL), SL_EINVAL);
      cr_assert_neq(strstr(sl_drift_last_error(d), "0 / 1"), NULL);
    } else {
      cr_assert_eq(sl_drift_update(d, 0.5, NULL), SL_OK, "real-valued kinds take any finite value");
      sl_drift_free(d);
      free(before);
      continue;
    }
    cr_assert_eq(nd, 99, "no count reported on error");
    after = saved(d, &la);
    cr_assert(la == lb && memcmp(before, after, la) == 0, "%s changed on rejected input", sl_drift_kind_name(kind));
    free(before);
    free(after);
    sl_drift_free(d);
  }
}

Test(drift_kinds, rejected_non_finite_leaves_real_kinds_unchanged) {
  static double x[400];
  static const int real_kinds[] = {SL_DRIFT_ADWIN, SL_DRIFT_PAGE_HINKLEY, SL_DRIFT_KSWIN};
  size_t k;
  for (k = 0; k < 3; k++) {
    sl_drift *d;
    unsigned char *before, *after;
    size_t lb, la;
    double batch[2] = {1.0, NAN};
    stream_for(real_kinds[k], x, 400);
    cr_assert_eq(sl_drift_new(&d, (sl_drift_kind)real_kinds[k], NULL), SL_OK);
    sl_drift_update_many(d, x, 400, NULL, 0, NULL, NULL, 0, NULL);
    before = saved(d, &lb);
    cr_assert_eq(sl_drift_update(d, NAN, NULL), SL_ENONFINITE);
    cr_assert_eq(sl_drift_update_many(d, batch, 2, NULL, 0, NULL, NULL, 0, NULL), SL_ENONFINITE);
    after = saved(d, &la);
    cr_assert(la == lb && memcmp(before, after, la) == 0);
    free(before);
    free(after);
    sl_drift_free(d);
  }
}

static sl_status lifecycle(const sl_allocator *a, void *ctx) {
  static double x[800];
  int kind = *(const int *)ctx;
  sl_drift *d = NULL, *e = NULL;
  unsigned char buf[8192];
  size_t len;
  sl_status st;
  stream_for(kind, x, 800);
  if ((st = sl_drift_new(&d, (sl_drift_kind)kind, a)) != SL_OK) return st;
  if (kind == SL_DRIFT_KSWIN || kind == SL_DRIFT_ADWIN)
    st = sl_drift_set_int(d, kind == SL_DRIFT_KSWIN ? "window_size" : "max_rows", kind == SL_DRIFT_KSWIN ? 64 : 40);
  if (st == SL_OK) st = sl_drift_update_many(d, x, 800, NULL, 0, NULL, NULL, 0, NULL);
  if (st == SL_OK) st = sl_drift_save_mem(d, 0, buf, sizeof buf, &len);
  if (st == SL_OK) st = sl_drift_load_mem(&e, buf, len, a);
  sl_drift_free(e);
  sl_drift_free(d);
  return st;
}

Test(drift_kinds, every_allocation_failure_is_clean) {
  int kind;
  for (kind = 0; kind < N_KINDS; kind++) cr_assert_gt(test_alloc_sweep(lifecycle, &kind), 0);
}

Test(drift_kinds, updates_allocate_nothing) {
  static double x[20000];
  int kind;
  for (kind = 0; kind < N_KINDS; kind++) {
    sl_drift *d;
    double before, after, bytes0, bytes1;
    stream_for(kind, x, 20000);
    cr_assert_eq(sl_drift_new(&d, (sl_drift_kind)kind, NULL), SL_OK);
    sl_drift_stat(d, "allocations", &before);
    sl_drift_stat(d, "bytes", &bytes0);
    sl_drift_update_many(d, x, 20000, NULL, 0, NULL, NULL, 0, NULL);
    sl_drift_stat(d, "allocations", &after);
    sl_drift_stat(d, "bytes", &bytes1);
    cr_assert_eq(before, after, "%s allocated on update", sl_drift_kind_name(kind));
    cr_assert_eq(bytes0, bytes1);
    sl_drift_free(d);
  }
}

Test(drift_kinds, reset_behaves_as_new) {
  static double x[6000];
  int kind;
  for (kind = 0; kind < N_KINDS; kind++) {
    sl_drift *d, *fresh;
    size_t a[512], b[512], na, nb, wa, wb;
    stream_for(kind, x, 6000);
    cr_assert_eq(sl_drift_new(&d, (sl_drift_kind)kind, NULL), SL_OK);
    cr_assert_eq(sl_drift_new(&fresh, (sl_drift_kind)kind, NULL), SL_OK);
    sl_drift_update_many(d, x, 2500, NULL, 0, NULL, NULL, 0, NULL);
    cr_assert_eq(sl_drift_reset(d), SL_OK);
    sl_drift_update_many(d, x, 6000, a, 512, &na, NULL, 0, &wa);
    sl_drift_update_many(fresh, x, 6000, b, 512, &nb, NULL, 0, &wb);
    cr_assert(na == nb && wa == wb && memcmp(a, b, (na < 512 ? na : 512) * sizeof a[0]) == 0,
              "%s: reset differs from new", sl_drift_kind_name(kind));
    sl_drift_free(d);
    sl_drift_free(fresh);
  }
  cr_assert_eq(sl_drift_reset(NULL), SL_EINVAL);
}

Test(drift_kinds, names_and_parameter_constraints) {
  sl_drift *d;
  int kind;
  static const char *names[N_KINDS] = {"adwin", "page_hinkley", "ddm", "eddm", "hddm_a", "hddm_w", "kswin"};
  for (kind = 0; kind < N_KINDS; kind++) {
    int back;
    cr_assert_str_eq(sl_drift_kind_name(kind), names[kind]);
    cr_assert_eq(sl_drift_kind_from_name(names[kind], &back), SL_OK);
    cr_assert_eq(back, kind);
  }
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_EDDM, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_double(d, "beta", 0.96), SL_ERANGE, "beta above alpha");
  cr_assert_eq(sl_drift_set_double(d, "alpha", 0.97), SL_OK);
  cr_assert_eq(sl_drift_set_double(d, "beta", 0.96), SL_OK);
  sl_drift_free(d);
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_KSWIN, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "stat_size", 51), SL_ERANGE, "window_size 100 < 2 * 51");
  cr_assert_eq(sl_drift_set_int(d, "window_size", 59), SL_ERANGE);
  cr_assert_eq(sl_drift_set_int(d, "window_size", 200), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "stat_size", 100), SL_OK);
  cr_assert_eq(sl_drift_update(d, 1.0, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "window_size", 300), SL_ESTATE);
  cr_assert_eq(sl_drift_set_int(d, "seed", 3), SL_ESTATE);
  cr_assert_eq(sl_drift_set_double(d, "alpha", 0.01), SL_OK, "alpha may change in flight");
  sl_drift_free(d);
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "max_buckets", 0), SL_ERANGE);
  cr_assert_eq(sl_drift_update(d, 1.0, NULL), SL_OK);
  cr_assert_eq(sl_drift_set_int(d, "max_rows", 8), SL_ESTATE);
  cr_assert_eq(sl_drift_set_int(d, "clock", 7), SL_OK);
  sl_drift_free(d);
}
