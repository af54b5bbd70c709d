/* sl_window's specialised push paths: a handle whose mask needs only the
 * count and the sum (count / sum / mean / rate, and first / last on the ring
 * kinds) runs its own compiled add. Each such path is run against the
 * general one (every aggregate) on the same seeded stream, with the
 * out-of-order, late, evicting and expiring cases the stream brings, cut by
 * a save / load; and push_many's count when a callback stops delivery. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"
#include "support/contract.h"

#define N_EVENTS 4000
#define MAX_WIN 4096

typedef struct win {
  uint64_t key;
  int64_t start, end;
  double v[SL_WINDOW_MAX_VALUES];
} win;

typedef struct sink {
  win w[MAX_WIN];
  int n;
} sink;

static int on_window(const sl_window_key *k, int64_t start, int64_t end, const double *v, size_t nv, void *u) {
  sink *s = (sink *)u;
  cr_assert_lt(s->n, MAX_WIN);
  s->w[s->n].key = k->id;
  s->w[s->n].start = start;
  s->w[s->n].end = end;
  memcpy(s->w[s->n].v, v, nv * sizeof *v);
  s->n++;
  return 0;
}

static sl_window *make(sl_window_kind kind, unsigned aggs, sink *s) {
  sl_window *w = NULL;
  cr_assert_eq(sl_window_new(&w, kind, aggs, NULL), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "allowed_lateness", 20), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "ttl", 300), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "key_cap", 12), SL_OK);
  if (kind == SL_WINDOW_COUNT)
    cr_assert_eq(sl_window_set_int(w, "count", 7), SL_OK);
  else
    cr_assert_eq(sl_window_set_int(w, "size", 50), SL_OK);
  if (kind == SL_WINDOW_SLIDING) cr_assert_eq(sl_window_set_int(w, "max_events", 9), SL_OK);
  cr_assert_eq(sl_window_set_callbacks(w, on_window, NULL, NULL, s), SL_OK);
  return w;
}

static sl_window *reload(sl_window *w, sink *s) {
  sl_window *c = NULL;
  size_t len = 0;
  unsigned char *buf;
  CHECK_CHECKPOINT_CONTRACT(window, w);
  cr_assert_eq(sl_window_save_mem(w, 0, NULL, 0, &len), SL_EBUFFER);
  buf = malloc(len);
  cr_assert_eq(sl_window_save_mem(w, 0, buf, len, &len), SL_OK);
  cr_assert_eq(sl_window_load_mem(&c, buf, len, NULL), SL_OK);
  cr_assert_eq(sl_window_set_callbacks(c, on_window, NULL, NULL, s), SL_OK);
  free(buf);
  sl_window_free(w);
  return c;
}

/* `got` in the `sums` layout against `all` in the SL_WINDOW_AGG_ALL layout:
 * the same count, sum, first, last and rate bits; the mean (sum / n here,
 * Welford's there) within rounding. */
static void same(const char *what, int i, unsigned sums, const double *got, const double *all) {
  int b, j = 0; /* bit b is column b of the full layout */
  for (b = 0; b < 11; b++) {
    if (!(sums & (1u << b))) continue;
    if (b == 2)
      cr_assert_float_eq(got[j], all[b], 1e-12 * (1 + fabs(all[b])), "%s %d: mean %.17g vs %.17g", what, i, got[j],
                         all[b]);
    else
      cr_assert_eq(got[j], all[b], "%s %d: value %d %.17g vs %.17g", what, i, b, got[j], all[b]);
    j++;
  }
}

static void differential(sl_window_kind kind, unsigned sums) {
  static sink sa, sb;
  sl_window *a, *b;
  unsigned seed = 2463534242u;
  int64_t t = 0;
  int i;
  memset(&sa, 0, sizeof sa);
  memset(&sb, 0, sizeof sb);
  a = make(kind, sums, &sa);
  b = make(kind, SL_WINDOW_AGG_ALL, &sb);
  for (i = 0; i < N_EVENTS; i++) {
    uint64_t key;
    int64_t ts;
    double v, qa[SL_WINDOW_MAX_VALUES], qb[SL_WINDOW_MAX_VALUES];
    sl_status x, y;
    seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
    key = seed % 16; /* 16 keys over a cap of 12: evictions */
    t += seed % 7 == 0 ? 150 : (int64_t)(seed % 3); /* gaps: expiry, idle sliding keys */
    ts = t - (int64_t)(seed >> 8) % 30;             /* out of order, sometimes late */
    v = (double)((seed >> 4) % 2001) / 8.0 - 125.0;
    if (i == N_EVENTS / 2) a = reload(a, &sa);
    x = sl_window_push(a, key, ts, v);
    y = sl_window_push(b, key, ts, v);
    cr_assert_eq(x, y, "push %d: %s vs %s", i, sl_status_name(x), sl_status_name(y));
    if (kind == SL_WINDOW_TUMBLING) continue;
    x = sl_window_query(a, key, qa, SL_WINDOW_MAX_VALUES);
    y = sl_window_query(b, key, qb, SL_WINDOW_MAX_VALUES);
    cr_assert_eq(x, y);
    if (x == SL_OK) same("query", i, sums, qa, qb);
  }
  cr_assert_eq(sl_window_flush(a), SL_OK);
  cr_assert_eq(sl_window_flush(b), SL_OK);
  cr_assert_eq(sa.n, sb.n, "%d vs %d windows", sa.n, sb.n);
  if (kind == SL_WINDOW_TUMBLING) cr_assert_gt(sa.n, 100);
  for (i = 0; i < sa.n; i++) {
    cr_assert(sa.w[i].key == sb.w[i].key && sa.w[i].start == sb.w[i].start && sa.w[i].end == sb.w[i].end,
              "window %d differs", i);
    same("window", i, sums, sa.w[i].v, sb.w[i].v);
  }
  sl_window_free(a);
  sl_window_free(b);
}

#define RING_SUMS                                                                                     \
  (SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_SUM | SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_FIRST | SL_WINDOW_AGG_LAST | \
   SL_WINDOW_AGG_RATE)
#define ALIGNED_SUMS (SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_SUM | SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_RATE)

Test(window_classes, sliding_sums_match_the_general_path) { differential(SL_WINDOW_SLIDING, RING_SUMS); }
Test(window_classes, count_sums_match_the_general_path) { differential(SL_WINDOW_COUNT, RING_SUMS); }
Test(window_classes, tumbling_sums_match_the_general_path) { differential(SL_WINDOW_TUMBLING, ALIGNED_SUMS); }
Test(window_classes, sliding_mean_alone_matches) { differential(SL_WINDOW_SLIDING, SL_WINDOW_AGG_MEAN); }

/* ---- push_many when on_window stops ------------------------------------------------------ */

typedef struct stopper {
  int delivered, stop_every;
  double last_count;
} stopper;

static int stop_cb(const sl_window_key *k, int64_t start, int64_t end, const double *v, size_t nv, void *u) {
  stopper *s = (stopper *)u;
  (void)k, (void)start, (void)end, (void)nv;
  s->last_count = v[0];
  s->delivered++;
  return s->stop_every && s->delivered % s->stop_every == 0;
}

Test(window_classes, push_many_counts_the_event_that_went_in_before_a_stop) {
  stopper s = {0, 2, 0};
  sl_window *w = NULL;
  uint64_t keys[3] = {9, 9, 9};
  int64_t ts[3] = {20, 21, 22};
  double vals[3] = {1, 1, 1};
  size_t done = 99, late = 99;
  int i;
  cr_assert_eq(sl_window_new(&w, SL_WINDOW_TUMBLING, SL_WINDOW_AGG_COUNT, NULL), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "size", 10), SL_OK);
  cr_assert_eq(sl_window_set_callbacks(w, stop_cb, NULL, NULL, &s), SL_OK);
  for (i = 0; i < 5; i++) cr_assert_eq(sl_window_push(w, (uint64_t)i, 5, 1.0), SL_OK);
  /* ts 20 goes in and closes five windows; delivery stops after two */
  cr_assert_eq(sl_window_push_many(w, keys, ts, vals, 3, &done, &late), SL_ECALLBACK);
  cr_assert(done == 1 && late == 0 && s.delivered == 2, "done %zu, delivered %d", done, s.delivered);
  /* resuming at 21: the waiting windows come first and stop again before it goes in */
  cr_assert_eq(sl_window_push_many(w, keys + done, ts + done, vals + done, 2, &done, &late), SL_ECALLBACK);
  cr_assert(done == 0 && s.delivered == 4, "done %zu, delivered %d", done, s.delivered);
  s.stop_every = 0;
  cr_assert_eq(sl_window_push_many(w, keys + 1, ts + 1, vals + 1, 2, &done, &late), SL_OK);
  cr_assert(done == 2 && s.delivered == 5);
  cr_assert_eq(sl_window_flush(w), SL_OK);
  cr_assert(s.delivered == 6 && s.last_count == 3.0, "key 9 holds 20, 21, 22 once each: %g", s.last_count);
  sl_window_free(w);
}
