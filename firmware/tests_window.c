/* sl_window on the target: a sliding mean per key through an arena, checked
 * against a brute-force mean computed here and against the host build
 * (firmware/answers_window.h). */
#include <stdio.h>

#include "answers_window.h"
#include "core/rng.h"
#include "fw_test.h"

#define FW_KEYS 5
#define FW_EVENTS 600
#define FW_SIZE 100 /* window duration, in timestamp units */
#define FW_AGGS (SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_MAX)
/* Window sums are float on the target. */
#define FW_WINDOW_TOL 1e-5

static uint64_t K[FW_EVENTS];
static int64_t T[FW_EVENTS];
static double V[FW_EVENTS];

/* Event i: a random key of FW_KEYS at time 2 i (+0 or 1), value
 * key + N(0, 1) * (key + 1). */
static void keyed_stream(void) {
  sl__rng r;
  int i;
  sl__rng_seed(&r, 99);
  for (i = 0; i < FW_EVENTS; i++) {
    K[i] = sl__rng_below(&r, FW_KEYS);
    T[i] = 2 * (int64_t)i + (int64_t)sl__rng_below(&r, 2);
    V[i] = (double)K[i] + sl__rng_normal(&r) * (double)(K[i] + 1);
  }
}

/* Count, mean and max of `key` over (newest - FW_SIZE, newest] after the
 * first `n` events, newest being the key's latest timestamp. */
static void brute_force(uint64_t key, int n, double out[3]) {
  int64_t newest = INT64_MIN;
  double sum = 0.0, count = 0.0, max = -HUGE_VAL;
  int i;
  for (i = 0; i < n; i++)
    if (K[i] == key && T[i] > newest) newest = T[i];
  for (i = 0; i < n; i++)
    if (K[i] == key && T[i] > newest - FW_SIZE) {
      count += 1.0;
      sum += V[i];
      if (V[i] > max) max = V[i];
    }
  out[0] = count;
  out[1] = sum / count;
  out[2] = max;
}

static sl_status new_sliding(sl_window **w, sl_allocator *a) {
  sl_status st = sl_window_new(w, SL_WINDOW_SLIDING, FW_AGGS, a);
  if (st == SL_OK) st = sl_window_set_int(*w, "size", FW_SIZE);
  if (st == SL_OK) st = sl_window_set_int(*w, "max_events", 64);
  if (st == SL_OK) st = sl_window_set_int(*w, "key_cap", 8);
  return st;
}

static int push_events(sl_window *w, int from, int to) {
  int i;
  for (i = from; i < to; i++) FW_CHECK(sl_window_push(w, K[i], T[i], V[i]) == SL_OK);
  return 0;
}

/* Every key's window after `n` events: the brute force's within float
 * tolerance; the means go to `means` for the host comparison. */
static int check_keys(const sl_window *w, int n, double *means) {
  uint64_t key;
  for (key = 0; key < FW_KEYS; key++) {
    double got[3], want[3];
    FW_CHECK(sl_window_query(w, key, got, 3) == SL_OK);
    brute_force(key, n, want);
    FW_CHECK(got[0] == want[0]);
    FW_CHECK(fabs(got[1] - want[1]) <= FW_WINDOW_TOL * (fabs(want[1]) > 1.0 ? fabs(want[1]) : 1.0));
    FW_CHECK(fabs(got[2] - want[2]) <= FW_WINDOW_TOL * (fabs(want[2]) > 1.0 ? fabs(want[2]) : 1.0));
    means[key] = got[1];
  }
  return 0;
}

static int params_fit(void) {
  FW_CHECK_PARAMS_FIT(window);
  return 0;
}

/* Pushes the stream, checking every key at four points; once every key
 * has its state, pushes take nothing more from the arena. */
static int sliding_mean_on_arena(void) {
  static double means[4 * FW_KEYS];
  sl_allocator *a = fw_arena();
  sl_window *w = NULL;
  double out[3], held, per_key;
  size_t used, used_after;
  int part;
  keyed_stream();
  FW_CHECK_TARGET(sl_window_new(&w, SL_WINDOW_SLIDING, FW_AGGS, NULL) == SL_EINVAL); /* no malloc */
  FW_CHECK(new_sliding(&w, a) == SL_OK);
  FW_CHECK(sl_window_n_values(w) == 3);
  for (part = 0; part < 4; part++) {
    int to = (part + 1) * FW_EVENTS / 4;
    if (push_events(w, part * FW_EVENTS / 4, to)) return 1;
    if (check_keys(w, to, means + part * FW_KEYS)) return 1;
    if (part == 0) FW_CHECK(sl_arena_usage(a, &used, NULL) == SL_OK);
  }
  FW_CHECK(sl_arena_usage(a, &used_after, NULL) == SL_OK && used_after == used);
  FW_CHECK(sl_window_stat(w, "bytes", &held) == SL_OK && sl_window_stat(w, "bytes_per_key", &per_key) == SL_OK);
  printf("  sliding, %d keys: %u bytes held, %u per key\n", FW_KEYS, (unsigned)held, (unsigned)per_key);
  FW_EXPECT(sliding_means, means, 4 * FW_KEYS, FW_WINDOW_TOL);
  FW_CHECK(sl_window_query(w, FW_KEYS, out, 3) == SL_ENOTFOUND);
  FW_CHECK(sl_window_query(w, 0, out, 2) == SL_EBUFFER);
  FW_CHECK(sl_window_push(w, 0, T[0], 1.0) == SL_ELATE);
  FW_CHECK(sl_window_push(w, 0, T[FW_EVENTS - 1], NAN) == SL_ENONFINITE);
  sl_window_free(w);
  return 0;
}

/* Saves after half the stream and loads a copy into the same arena: both
 * then push the rest and answer every query with the same bits. */
static int sliding_checkpoint(void) {
  static uint8_t ck[4096];
  static double m1[FW_KEYS], m2[FW_KEYS];
  sl_allocator *a = fw_arena();
  sl_window *w = NULL, *c = NULL;
  size_t len = 0, cut;
  int i;
  keyed_stream();
  FW_CHECK(new_sliding(&w, a) == SL_OK);
  if (push_events(w, 0, FW_EVENTS / 2)) return 1;
  FW_CHECK(sl_window_save_mem(w, 0, NULL, 0, &len) == SL_EBUFFER && len <= sizeof ck);
  FW_CHECK(sl_window_save_mem(w, 0, ck, sizeof ck, &len) == SL_OK);
  for (cut = 0; cut < len; cut += 5) FW_CHECK(sl_window_load_mem(&c, ck, cut, a) == SL_ECORRUPT && c == NULL);
  FW_CHECK(sl_window_load_mem(&c, ck, len, a) == SL_OK);
  if (push_events(w, FW_EVENTS / 2, FW_EVENTS) || push_events(c, FW_EVENTS / 2, FW_EVENTS)) return 1;
  if (check_keys(w, FW_EVENTS, m1) || check_keys(c, FW_EVENTS, m2)) return 1;
  for (i = 0; i < FW_KEYS; i++) FW_CHECK(m1[i] == m2[i]);
  sl_window_free(c);
  sl_window_free(w);
  return 0;
}

static const fw_test window_tests[] = {
    {"params_fit", params_fit},
    {"sliding_mean_on_arena", sliding_mean_on_arena},
    {"sliding_checkpoint", sliding_checkpoint},
};
FW_SUITE(window, window_tests);
