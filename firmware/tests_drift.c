/* sl_drift on the target: Page-Hinkley on an arena, no malloc anywhere. */
#include <stdio.h>

#include "core/rng.h"
#include "fw_test.h"

#define FW_SHIFT_AT 600 /* values before the mean moves from 0 to 3 */
#define FW_N 1200
/* Where the default detector flags the shift in the host build (double,
 * glibc): the float build must agree, since Page-Hinkley keeps doubles. */
#define FW_DETECTED_AT 616

/* Value i of a seeded stream: N(0, 1), then N(3, 1) from FW_SHIFT_AT. */
static void fill_stream(double *x) {
  sl__rng r;
  int i;
  sl__rng_seed(&r, 2024);
  for (i = 0; i < FW_N; i++) x[i] = sl__rng_normal(&r) + (i >= FW_SHIFT_AT ? 3.0 : 0.0);
}

/* Index of the first drift from value `from` on, or -1. */
static int first_drift(sl_drift *d, const double *x, int from) {
  int i;
  for (i = from; i < FW_N; i++) {
    sl_drift_state s;
    if (sl_drift_update(d, x[i], &s) != SL_OK) return -2;
    if (s == SL_DRIFT_DETECTED) return i;
  }
  return -1;
}

static int page_hinkley_on_arena(void) {
  static double x[FW_N];
  sl_allocator *a = fw_arena();
  sl_drift *d = NULL;
  size_t used;
  double n;
  int at;
  fill_stream(x);
  FW_CHECK(a != NULL);
  FW_CHECK_TARGET(sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, NULL) == SL_EINVAL); /* no default allocator */
  FW_CHECK_TARGET(d == NULL);
  FW_CHECK(sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, a) == SL_OK);
  at = first_drift(d, x, 0);
  FW_CHECK(at == FW_DETECTED_AT);
  FW_CHECK(sl_drift_stat(d, "n", &n) == SL_OK && n == (double)(at + 1));
  FW_CHECK(sl_drift_update(d, HUGE_VAL, NULL) == SL_ENONFINITE);
  sl_drift_free(d);
  FW_CHECK(sl_arena_usage(a, &used, NULL) == SL_OK && used == 0);
  return 0;
}

/* Save in the middle of the stream, load into the same arena, and both
 * copies flag the shift at the same value. */
static int page_hinkley_checkpoint(void) {
  static double x[FW_N];
  static uint8_t ck[512];
  sl_allocator *a = fw_arena();
  sl_drift *d = NULL, *e = NULL;
  size_t len = 0, cut;
  int at_d, at_e;
  fill_stream(x);
  FW_CHECK(sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, a) == SL_OK);
  FW_CHECK(sl_drift_set_str(d, "mode", "up") == SL_OK);
  FW_CHECK(first_drift(d, x, 0) == FW_DETECTED_AT);
  FW_CHECK(sl_drift_reset(d) == SL_OK);
  {
    int i;
    for (i = 0; i < FW_SHIFT_AT / 2; i++) FW_CHECK(sl_drift_update(d, x[i], NULL) == SL_OK);
  }
  FW_CHECK(sl_drift_save_mem(d, 0, NULL, 0, &len) == SL_EBUFFER && len <= sizeof ck);
  FW_CHECK(sl_drift_save_mem(d, 0, ck, sizeof ck, &len) == SL_OK);
  FW_CHECK_TARGET(sl_drift_save_mem(d, SL_SAVE_COMPRESS, ck, sizeof ck, &len) == SL_ENOTSUP); /* no zstd */
  FW_CHECK(sl_drift_save_mem(d, 0, ck, sizeof ck, &len) == SL_OK);
  for (cut = 0; cut < len; cut++) {
    FW_CHECK(sl_drift_load_mem(&e, ck, cut, a) == SL_ECORRUPT);
    FW_CHECK(e == NULL);
  }
  FW_CHECK(sl_drift_load_mem(&e, ck, len, a) == SL_OK);
  at_d = first_drift(d, x, FW_SHIFT_AT / 2);
  at_e = first_drift(e, x, FW_SHIFT_AT / 2);
  FW_CHECK(at_d == FW_DETECTED_AT && at_e == FW_DETECTED_AT);
  sl_drift_free(e);
  sl_drift_free(d);
  return 0;
}

/* Every detector kind with its defaults runs the stream on a fresh arena;
 * prints the arena's high water mark per kind (the figure that sizes a
 * firmware arena, docs/firmware.md). Binary detectors get x > 1.5. */
static int every_kind_on_arena(void) {
  static double x[FW_N];
  int kind, i, n_kinds = 0;
  fill_stream(x);
  for (kind = 0; kind <= SL_DRIFT_KSWIN; kind++) {
    sl_allocator *a;
    sl_drift *d = NULL;
    size_t high = 0;
    int binary;
    if (!sl_drift_kind_name(kind)) continue; /* left out by SL_KINDS_SELECTED */
    a = fw_arena();
    n_kinds++;
    FW_CHECK(sl_drift_new(&d, (sl_drift_kind)kind, a) == SL_OK);
    binary = sl_drift_update(d, 0.5, NULL) == SL_EINVAL;
    for (i = 0; i < FW_N; i++)
      FW_CHECK(sl_drift_update(d, binary ? (x[i] > 1.5 ? 1.0 : 0.0) : x[i], NULL) == SL_OK);
    FW_CHECK(sl_arena_usage(a, NULL, &high) == SL_OK);
    printf("  %-12s %5u bytes of arena after %d values\n", sl_drift_kind_name(kind), (unsigned)high, FW_N);
    sl_drift_free(d);
  }
  FW_CHECK(n_kinds >= 1);
  return 0;
}

static int params_fit(void) {
  FW_CHECK_PARAMS_FIT(drift);
  return 0;
}

static const fw_test drift_tests[] = {
    {"params_fit", params_fit},
    {"page_hinkley_on_arena", page_hinkley_on_arena},
    {"page_hinkley_checkpoint", page_hinkley_checkpoint},
    {"every_kind_on_arena", every_kind_on_arena},
};
FW_SUITE(drift, drift_tests);
