/* sl_window: the handle contract, known answers for each kind, watermark and
 * lateness, session merging, TTL, the key cap, the poll path, checkpoints. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpoint.h"
#include "streamlearn.h"
#include "support/contract.h"
#include "support/testalloc.h"

/* ---- a recorder of emitted windows ------------------------------------------- */

typedef struct rec {
  uint64_t key;
  int64_t start, end;
  double v[SL_WINDOW_MAX_VALUES];
} rec;

typedef struct sink {
  rec r[256];
  int n;
  int late;
  int64_t late_ts;
  int evicted, expired;
  uint64_t removed_key;
  int stop_after; /* on_window returns non-zero after this many (0: never) */
} sink;

static int on_window(const sl_window_key *k, int64_t start, int64_t end, const double *v, size_t nv, void *u) {
  sink *s = (sink *)u;
  cr_assert_lt(s->n, 256);
  s->r[s->n].key = k->id;
  s->r[s->n].start = start;
  s->r[s->n].end = end;
  memcpy(s->r[s->n].v, v, nv * sizeof *v);
  s->n++;
  return s->stop_after && s->n % s->stop_after == 0;
}

static int on_late(const sl_window_key *k, int64_t ts, double v, int64_t wm, void *u) {
  sink *s = (sink *)u;
  (void)k, (void)v, (void)wm;
  s->late++;
  s->late_ts = ts;
  return 0;
}

static int on_evict(const sl_window_key *k, int64_t last_seen, sl_window_removal why, void *u) {
  sink *s = (sink *)u;
  (void)last_seen;
  if (why == SL_WINDOW_EVICTED) s->evicted++;
  else s->expired++;
  s->removed_key = k->id;
  return 0;
}

static sl_window *make(sl_window_kind kind, unsigned aggs, sink *s) {
  sl_window *w;
  cr_assert_eq(sl_window_new(&w, kind, aggs, NULL), SL_OK);
  if (s) {
    memset(s, 0, sizeof *s);
    cr_assert_eq(sl_window_set_callbacks(w, on_window, on_late, on_evict, s), SL_OK);
  }
  return w;
}

/* ---- the shared calls ---------------------------------------------------------- */

Test(window_handle, parameters_names_and_layout) {
  sl_window *w;
  const sl_param_info *info;
  const char *name;
  int kind;
  int64_t iv;
  w = make(SL_WINDOW_HOPPING, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_QUANTILE, NULL);
  cr_assert_eq(sl_window_n_values(w), 5);
  cr_assert_eq(sl_window_value_name(w, 0, &name), SL_OK);
  cr_assert_str_eq(name, "count");
  cr_assert_eq(sl_window_value_name(w, 1, &name), SL_OK);
  cr_assert_str_eq(name, "mean");
  cr_assert_eq(sl_window_value_name(w, 3, &name), SL_OK);
  cr_assert_str_eq(name, "q0.9");
  cr_assert_eq(sl_window_value_name(w, 4, &name), SL_OK);
  cr_assert_str_eq(name, "q0.99");
  cr_assert_eq(sl_window_value_name(w, 5, &name), SL_ENOTFOUND);
  cr_assert_eq(sl_window_set_int(w, "n_quantiles", 1), SL_OK);
  cr_assert_eq(sl_window_n_values(w), 3, "layout follows the parameters");
  cr_assert_eq(sl_window_get_int(w, "aggregates", &iv), SL_OK);
  cr_assert_eq(iv, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_QUANTILE);
  cr_assert_eq(sl_window_set_int(w, "slide", 70000), SL_ERANGE, "slide beyond size");
  cr_assert_eq(sl_window_set_double(w, "quantile_min", 1e5), SL_ERANGE, "q_min above q_max");
  cr_assert_eq(sl_window_set_str(w, "key_full", "refuse"), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "size", 0), SL_ERANGE);
  cr_assert_eq(sl_window_kind_of(w, &kind), SL_OK);
  cr_assert_eq(kind, SL_WINDOW_HOPPING);
  cr_assert_str_eq(sl_window_kind_name(SL_WINDOW_SESSION), "session");
  cr_assert_eq(sl_window_kind_from_name("count", &kind), SL_OK);
  cr_assert_eq(kind, SL_WINDOW_COUNT);
  cr_assert_eq(sl_window_kind_param(SL_WINDOW_SESSION, 18, &info), SL_OK);
  cr_assert_str_eq(info->name, "gap");
  cr_assert_eq(sl_window_push(w, 1, 10, 1.0), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "size", 5), SL_ESTATE, "sizes are fixed after data");
  sl_window_free(w);
}

Test(window_handle, bad_input_is_refused_and_changes_nothing) {
  sl_window *w = NULL;
  double out[4];
  size_t n;
  uint64_t keys[2] = {1, 2};
  int64_t ts[2] = {1, 2};
  double vals[2] = {1, NAN};
  double stat;
  cr_assert_eq(sl_window_new(NULL, SL_WINDOW_TUMBLING, 1, NULL), SL_EINVAL);
  cr_assert_eq(sl_window_new(&w, (sl_window_kind)9, 1, NULL), SL_EKIND);
  cr_assert_null(w);
  cr_assert_eq(sl_window_new(&w, SL_WINDOW_TUMBLING, 0, NULL), SL_ERANGE);
  cr_assert_eq(sl_window_new(&w, SL_WINDOW_TUMBLING, 1u << 12, NULL), SL_ERANGE);
  cr_assert_eq(sl_window_push(NULL, 1, 1, 1), SL_EINVAL);
  cr_assert_eq(sl_window_poll(NULL, NULL, NULL, NULL, NULL, 0, &n, NULL, NULL), SL_EINVAL);
  cr_assert_eq(sl_window_flush(NULL), SL_EINVAL);
  cr_assert_eq(sl_window_n_values(NULL), 0);
  sl_window_free(NULL);
  w = make(SL_WINDOW_SLIDING, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_SUM, NULL);
  cr_assert_eq(sl_window_push(w, 1, 5, NAN), SL_ENONFINITE);
  cr_assert_eq(sl_window_push(w, 1, 5, INFINITY), SL_ENONFINITE);
  cr_assert_eq(sl_window_push(w, 1, INT64_MAX, 1.0), SL_EINVAL);
  cr_assert_eq(sl_window_push_bytes(w, NULL, 3, 5, 1.0), SL_EINVAL);
  cr_assert_eq(sl_window_push_bytes(w, "x", 0, 5, 1.0), SL_EINVAL);
  cr_assert_eq(sl_window_push_bytes(w, "0123456789012345678901234567890123", 34, 5, 1.0), SL_EINVAL);
  cr_assert_eq(sl_window_push_many(w, keys, ts, vals, 2, &n, NULL), SL_ENONFINITE);
  cr_assert_eq(sl_window_push_many(w, NULL, ts, vals, 2, &n, NULL), SL_EINVAL);
  cr_assert_eq(sl_window_stat(w, "events", &stat), SL_OK);
  cr_assert_eq(stat, 0.0, "nothing was applied");
  cr_assert_eq(sl_window_query(w, 1, out, 4), SL_ENOTFOUND);
  cr_assert_eq(sl_window_push(w, 1, 5, 2.0), SL_OK);
  cr_assert_eq(sl_window_query(w, 1, out, 1), SL_EBUFFER);
  cr_assert_eq(sl_window_query(w, 1, NULL, 4), SL_EINVAL);
  cr_assert_eq(sl_window_query(w, 1, out, 4), SL_OK);
  cr_assert_eq(out[0], 1.0);
  cr_assert_eq(out[1], 2.0);
  sl_window_free(w);
  w = make(SL_WINDOW_TUMBLING, 1, NULL);
  cr_assert_eq(sl_window_push(w, 1, 5, 2.0), SL_OK);
  cr_assert_eq(sl_window_query(w, 1, out, 4), SL_EKIND, "tumbling windows are emitted, not queried");
  sl_window_free(w);
}

/* ---- tumbling and hopping -------------------------------------------------------- */

Test(tumbling, windows_close_at_the_watermark_in_order) {
  sink s;
  sl_window *w = make(SL_WINDOW_TUMBLING, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_SUM | SL_WINDOW_AGG_FIRST | SL_WINDOW_AGG_LAST, &s);
  cr_assert_eq(sl_window_set_int(w, "size", 10), SL_OK);
  cr_assert_eq(sl_window_push(w, 7, 1, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 8, 3, 10.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 7, 9, 2.0), SL_OK);
  cr_assert_eq(s.n, 0);
  cr_assert_eq(sl_window_push(w, 7, 10, 4.0), SL_OK, "watermark 10 closes [0, 10)");
  cr_assert_eq(s.n, 2);
  cr_assert(s.r[0].key == 7 && s.r[0].start == 0 && s.r[0].end == 10, "key 7 first (lower slot on a tie)");
  cr_assert_eq(s.r[0].v[0], 2.0);
  cr_assert_eq(s.r[0].v[1], 3.0);
  cr_assert_eq(s.r[0].v[2], 1.0);
  cr_assert_eq(s.r[0].v[3], 2.0);
  cr_assert(s.r[1].key == 8 && s.r[1].v[1] == 10.0);
  cr_assert_eq(sl_window_push(w, 7, 9, 5.0), SL_ELATE, "lateness 0: behind the newest is late");
  cr_assert_eq(s.late, 1);
  cr_assert_eq(sl_window_push(w, 8, 35, 1.0), SL_OK);
  cr_assert_eq(s.n, 3, "[10, 20) of key 7 closes; empty windows are not emitted");
  cr_assert(s.r[2].key == 7 && s.r[2].start == 10 && s.r[2].v[0] == 1.0);
  cr_assert_eq(sl_window_flush(w), SL_OK);
  cr_assert_eq(s.n, 4);
  cr_assert(s.r[3].key == 8 && s.r[3].start == 30 && s.r[3].end == 40);
  sl_window_free(w);
}

Test(tumbling, negative_timestamps_floor_correctly) {
  sink s;
  sl_window *w = make(SL_WINDOW_TUMBLING, SL_WINDOW_AGG_COUNT, &s);
  cr_assert_eq(sl_window_set_int(w, "size", 10), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, -15, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, -1, 1.0), SL_OK);
  cr_assert_eq(sl_window_flush(w), SL_OK);
  cr_assert_eq(s.n, 2);
  cr_assert(s.r[0].start == -20 && s.r[0].end == -10);
  cr_assert(s.r[1].start == -10 && s.r[1].end == 0);
  sl_window_free(w);
}

Test(hopping, each_event_in_size_over_slide_windows) {
  sink s;
  int i;
  sl_window *w = make(SL_WINDOW_HOPPING, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_MAX, &s);
  cr_assert_eq(sl_window_set_int(w, "slide", 10), SL_OK, "lower slide first: slide <= size always");
  cr_assert_eq(sl_window_set_int(w, "size", 30), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 25, 3.0), SL_OK);
  cr_assert_eq(sl_window_flush(w), SL_OK);
  cr_assert_eq(s.n, 3);
  for (i = 0; i < 3; i++) {
    cr_assert_eq(s.r[i].start, (i * 10));
    cr_assert_eq(s.r[i].end, (i * 10) + 30);
    cr_assert_eq(s.r[i].v[1], 3.0);
  }
  sl_window_free(w);
}

Test(tumbling, out_of_order_within_lateness_is_placed) {
  sink s;
  sl_window *w = make(SL_WINDOW_TUMBLING, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_FIRST | SL_WINDOW_AGG_LAST, &s);
  int64_t wm;
  cr_assert_eq(sl_window_set_int(w, "size", 10), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "allowed_lateness", 5), SL_OK);
  cr_assert_eq(sl_window_watermark(w, &wm), SL_OK);
  cr_assert_eq(wm, INT64_MIN);
  cr_assert_eq(sl_window_push(w, 1, 8, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 12, 2.0), SL_OK);
  cr_assert_eq(sl_window_watermark(w, &wm), SL_OK);
  cr_assert_eq(wm, 7);
  cr_assert_eq(sl_window_push(w, 1, 7, 3.0), SL_OK, "at the watermark: in time");
  cr_assert_eq(sl_window_push(w, 1, 6, 3.0), SL_ELATE);
  cr_assert_eq(s.late_ts, 6);
  cr_assert_eq(sl_window_push(w, 1, 14, 4.0), SL_OK);
  cr_assert_eq(s.n, 0, "watermark 9 < 10");
  cr_assert_eq(sl_window_push(w, 1, 15, 5.0), SL_OK);
  cr_assert_eq(s.n, 1);
  cr_assert_eq(s.r[0].v[0], 2.0);
  cr_assert_eq(s.r[0].v[1], 3.0, "first = earliest timestamp (7), not first arrived");
  cr_assert_eq(s.r[0].v[2], 1.0);
  sl_window_free(w);
}

/* ---- sessions -------------------------------------------------------------------- */

Test(session, gap_splits_and_a_bridge_merges) {
  sink s;
  sl_window *w = make(SL_WINDOW_SESSION, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_SUM | SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_VAR, &s);
  cr_assert_eq(sl_window_set_int(w, "gap", 10), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "allowed_lateness", 100), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 0, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 5, 2.0), SL_OK);  /* [0, 15) */
  cr_assert_eq(sl_window_push(w, 1, 30, 3.0), SL_OK); /* [30, 40) */
  cr_assert_eq(sl_window_push(w, 1, 21, 4.0), SL_OK); /* [21, 31) joins [30, 40): [21, 40) */
  cr_assert_eq(sl_window_push(w, 1, 60, 9.0), SL_OK); /* [60, 70) */
  cr_assert_eq(sl_window_push(w, 1, 13, 5.0), SL_OK); /* [13, 23) bridges [0,15) and [21,40): [0, 40) */
  cr_assert_eq(s.n, 0);
  cr_assert_eq(sl_window_push(w, 1, 140, 0.0), SL_OK); /* watermark 40 closes [0, 40) */
  cr_assert_eq(s.n, 1);
  cr_assert(s.r[0].start == 0 && s.r[0].end == 40);
  cr_assert_eq(s.r[0].v[0], 5.0);
  cr_assert_eq(s.r[0].v[1], 15.0);
  cr_assert_float_eq(s.r[0].v[2], 3.0, 1e-12);
  cr_assert_float_eq(s.r[0].v[3], 2.5, 1e-12, "sample variance of 1..5 after merges");
  cr_assert_eq(sl_window_flush(w), SL_OK);
  cr_assert_eq(s.n, 3);
  cr_assert(s.r[1].start == 60 && s.r[1].end == 70 && s.r[1].v[0] == 1.0);
  cr_assert(s.r[2].start == 140 && s.r[2].end == 150);
  sl_window_free(w);
}

Test(session, exactly_gap_apart_is_two_sessions) {
  sink s;
  sl_window *w = make(SL_WINDOW_SESSION, SL_WINDOW_AGG_COUNT, &s);
  cr_assert_eq(sl_window_set_int(w, "gap", 10), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 0, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 9, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 19, 1.0), SL_OK);
  cr_assert_eq(s.n, 1, "[0, 19) closed when 19 arrived");
  cr_assert(s.r[0].end == 19 && s.r[0].v[0] == 2.0);
  sl_window_free(w);
}

/* ---- sliding and count -------------------------------------------------------------- */

Test(sliding, matches_time_rolling_and_removes_exactly) {
  sl_window *w = make(SL_WINDOW_SLIDING, SL_WINDOW_AGG_ALL & ~SL_WINDOW_AGG_QUANTILE & ~SL_WINDOW_AGG_EWMA, NULL);
  double out[SL_WINDOW_MAX_VALUES];
  cr_assert_eq(sl_window_set_int(w, "size", 3), SL_OK);
  /* River's TimeRolling(Mean, 3 days) doc example: 1, 3, 5, 9 */
  cr_assert_eq(sl_window_push(w, 1, 1, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 2, 5.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 3, 9.0), SL_OK);
  cr_assert_eq(sl_window_query(w, 1, out, SL_WINDOW_MAX_VALUES), SL_OK);
  cr_assert_float_eq(out[2], 5.0, 1e-12);
  cr_assert_eq(sl_window_push(w, 1, 4, 13.0), SL_OK);
  cr_assert_eq(sl_window_query(w, 1, out, SL_WINDOW_MAX_VALUES), SL_OK);
  cr_assert_eq(out[0], 3.0);
  cr_assert_float_eq(out[1], 27.0, 1e-12);
  cr_assert_float_eq(out[2], 9.0, 1e-12);
  cr_assert_float_eq(out[3], 16.0, 1e-12);
  cr_assert_float_eq(out[4], 4.0, 1e-12);
  cr_assert_eq(out[5], 5.0, "min after 1 left");
  cr_assert_eq(out[6], 13.0);
  cr_assert_eq(out[7], 5.0);
  cr_assert_eq(out[8], 13.0);
  cr_assert_float_eq(out[9], 3.0 * 1000 / 3, 1e-9, "rate: 3 events per 3 ms");
  sl_window_free(w);
}

Test(count, last_n_by_timestamp) {
  sl_window *w = make(SL_WINDOW_COUNT, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_MIN | SL_WINDOW_AGG_MAX | SL_WINDOW_AGG_FIRST, NULL);
  double out[4];
  cr_assert_eq(sl_window_set_int(w, "count", 3), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "allowed_lateness", 100), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 10, 5.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 20, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 30, 7.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 15, 9.0), SL_OK, "evicts ts 10; 15 is among the last 3");
  cr_assert_eq(sl_window_query(w, 1, out, 4), SL_OK);
  cr_assert(out[0] == 3 && out[1] == 1.0 && out[2] == 9.0 && out[3] == 9.0);
  cr_assert_eq(sl_window_push(w, 1, 5, -100.0), SL_OK, "older than all three: not in the window");
  cr_assert_eq(sl_window_query(w, 1, out, 4), SL_OK);
  cr_assert(out[1] == 1.0 && out[3] == 9.0);
  cr_assert_eq(sl_window_push(w, 1, 40, 0.0), SL_OK);
  cr_assert_eq(sl_window_query(w, 1, out, 4), SL_OK);
  cr_assert(out[1] == 0.0 && out[2] == 7.0 && out[3] == 1.0);
  sl_window_free(w);
}

Test(sliding, byte_keys_are_distinct_from_integer_keys) {
  sl_window *w = make(SL_WINDOW_SLIDING, SL_WINDOW_AGG_SUM, NULL);
  double out;
  uint64_t id = sl_hash_bytes("ab", 2, 0);
  cr_assert_eq(sl_window_push_bytes(w, "ab", 2, 1, 1.0), SL_OK);
  cr_assert_eq(sl_window_push_bytes(w, "ba", 2, 1, 10.0), SL_OK);
  cr_assert_eq(sl_window_push(w, id, 1, 100.0), SL_OK);
  cr_assert_eq(sl_window_push_bytes(w, "ab", 2, 2, 2.0), SL_OK);
  cr_assert_eq(sl_window_query_bytes(w, "ab", 2, &out, 1), SL_OK);
  cr_assert_eq(out, 3.0);
  cr_assert_eq(sl_window_query(w, id, &out, 1), SL_OK);
  cr_assert_eq(out, 100.0);
  cr_assert_eq(sl_window_query_bytes(w, "abc", 3, &out, 1), SL_ENOTFOUND);
  sl_window_free(w);
}

/* ---- keys: TTL and the cap ------------------------------------------------------------- */

Test(keys, idle_keys_expire_after_ttl_in_event_time) {
  sink s;
  double keys;
  sl_window *w = make(SL_WINDOW_SLIDING, SL_WINDOW_AGG_COUNT, &s);
  cr_assert_eq(sl_window_set_int(w, "ttl", 100), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 0, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 2, 50, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 2, 99, 1.0), SL_OK);
  cr_assert_eq(s.expired, 0);
  cr_assert_eq(sl_window_push(w, 2, 100, 1.0), SL_OK);
  cr_assert_eq(s.expired, 1);
  cr_assert_eq(s.removed_key, 1);
  cr_assert_eq(sl_window_stat(w, "keys", &keys), SL_OK);
  cr_assert_eq(keys, 1.0);
  cr_assert_eq(sl_window_push(w, 1, 120, 1.0), SL_OK, "an expired key comes back fresh");
  cr_assert_eq(sl_window_push(w, 3, 200, 1.0), SL_OK);
  cr_assert_eq(s.expired, 2, "key 2 (last 100) expired at 200, key 1 (120) not yet");
  sl_window_free(w);
}

Test(keys, ttl_waits_for_open_windows) {
  sink s;
  sl_window *w = make(SL_WINDOW_TUMBLING, SL_WINDOW_AGG_COUNT, &s);
  cr_assert_eq(sl_window_set_int(w, "size", 100), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "ttl", 10), SL_OK);
  cr_assert_eq(sl_window_push(w, 1, 0, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 2, 50, 1.0), SL_OK);
  cr_assert_eq(s.expired, 0, "key 1 idle, but its window [0, 100) is open");
  cr_assert_eq(sl_window_push(w, 2, 100, 1.0), SL_OK);
  cr_assert_eq(s.n, 2);
  cr_assert_eq(s.expired, 1, "expired once its window was emitted");
  cr_assert_eq(s.r[0].v[0], 1.0);
  sl_window_free(w);
}

Test(keys, the_cap_evicts_the_least_recently_seen_or_refuses) {
  sink s;
  double v;
  int i;
  sl_window *w = make(SL_WINDOW_SLIDING, SL_WINDOW_AGG_COUNT, &s);
  cr_assert_eq(sl_window_set_int(w, "key_cap", 4), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "allowed_lateness", 1000), SL_OK);
  for (i = 0; i < 4; i++) cr_assert_eq(sl_window_push(w, (uint64_t)i, 100 + i, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 0, 200, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 9, 201, 1.0), SL_OK);
  cr_assert_eq(s.evicted, 1);
  cr_assert_eq(s.removed_key, 1, "key 1 was seen least recently");
  cr_assert_eq(sl_window_query(w, 1, &v, 1), SL_ENOTFOUND);
  cr_assert_eq(sl_window_set_str(w, "key_full", "refuse"), SL_OK);
  cr_assert_eq(sl_window_push(w, 10, 202, 1.0), SL_EFULL);
  cr_assert_eq(sl_window_push(w, 9, 202, 1.0), SL_OK, "known keys still go in");
  cr_assert_eq(sl_window_stat(w, "keys_evicted", &v), SL_OK);
  cr_assert_eq(v, 1.0);
  sl_window_free(w);
}

/* ---- the poll path ------------------------------------------------------------------------ */

Test(poll, queue_fills_then_pushes_wait_for_poll) {
  sl_window *w = make(SL_WINDOW_TUMBLING, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_SUM, NULL);
  uint64_t keys[8];
  int64_t st[8], en[8];
  double vals[16];
  size_t n, lens[8];
  uint8_t kb[8 * 32];
  int i;
  cr_assert_eq(sl_window_set_int(w, "size", 10), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "queue_cap", 2), SL_OK);
  for (i = 0; i < 3; i++) cr_assert_eq(sl_window_push(w, (uint64_t)i, 5, (double)i), SL_OK);
  cr_assert_eq(sl_window_push_bytes(w, "k", 1, 5, 7.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 0, 15, 1.0), SL_OK, "closes 4 windows; 2 fit the queue");
  cr_assert_eq(sl_window_push(w, 0, 16, 1.0), SL_EFULL, "windows wait: nothing changes");
  cr_assert_eq(sl_window_poll(w, keys, st, en, vals, 8, &n, kb, lens), SL_OK);
  cr_assert_eq(n, 2);
  cr_assert(keys[0] == 0 && st[0] == 0 && en[0] == 10 && vals[1] == 0.0);
  cr_assert(keys[1] == 1 && vals[3] == 1.0 && lens[1] == 0);
  cr_assert_eq(sl_window_poll(w, keys, st, en, vals, 8, &n, kb, lens), SL_OK);
  cr_assert_eq(n, 2, "the rest were closed once there was room");
  cr_assert(keys[0] == 2 && lens[1] == 1 && kb[32] == 'k' && vals[3] == 7.0);
  cr_assert_eq(keys[1], sl_hash_bytes("k", 1, 0));
  cr_assert_eq(sl_window_push(w, 0, 16, 1.0), SL_OK);
  cr_assert_eq(sl_window_flush(w), SL_OK);
  cr_assert_eq(sl_window_poll(w, keys, st, en, vals, 8, &n, NULL, NULL), SL_OK);
  cr_assert(n == 1 && st[0] == 10 && vals[0] == 2.0);
  sl_window_free(w);
}

Test(poll, a_stopping_callback_resumes_on_the_next_call) {
  sink s;
  sl_window *w = make(SL_WINDOW_TUMBLING, SL_WINDOW_AGG_COUNT, &s);
  int i;
  s.stop_after = 2;
  cr_assert_eq(sl_window_set_int(w, "size", 10), SL_OK);
  for (i = 0; i < 5; i++) cr_assert_eq(sl_window_push(w, (uint64_t)i, 5, 1.0), SL_OK);
  cr_assert_eq(sl_window_push(w, 9, 20, 1.0), SL_ECALLBACK, "the event went in; delivery stopped");
  cr_assert_eq(s.n, 2);
  cr_assert_eq(sl_window_push(w, 9, 20, 1.0), SL_ECALLBACK, "resumes, stops again at 4");
  cr_assert_eq(s.n, 4);
  s.stop_after = 0;
  cr_assert_eq(sl_window_push(w, 9, 20, 1.0), SL_OK);
  cr_assert_eq(s.n, 5);
  cr_assert_eq(sl_window_flush(w), SL_OK);
  cr_assert_eq(s.n, 6);
  cr_assert_eq(s.r[5].v[0], 2.0, "key 9 got the first stopped push and the last one");
  sl_window_free(w);
}

/* ---- quantiles --------------------------------------------------------------------------- */

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

Test(quantile, error_within_the_stated_bound_on_a_sliding_window) {
  static double vals[5000], sorted[400];
  double out[4], acc = 0.01;
  const double lv[3] = {0.5, 0.9, 0.99};
  unsigned seed = 7;
  int i, j, q;
  sl_window *w = make(SL_WINDOW_COUNT, SL_WINDOW_AGG_QUANTILE, NULL);
  cr_assert_eq(sl_window_set_int(w, "count", 400), SL_OK);
  cr_assert_eq(sl_window_set_double(w, "quantile_max", 1e5), SL_OK);
  for (i = 0; i < 5000; i++) {
    seed = seed * 1103515245u + 12345u;
    vals[i] = (((seed >> 8) % 2000000) / 1000.0 - 500.0) * (i > 2500 ? 10 : 1); /* sign changes, a shift */
    cr_assert_eq(sl_window_push(w, 1, i, vals[i]), SL_OK);
    if (i % 97 != 0 || i < 400) continue;
    memcpy(sorted, vals + i - 399, sizeof sorted);
    qsort(sorted, 400, sizeof *sorted, cmp_d);
    cr_assert_eq(sl_window_query(w, 1, out, 4), SL_OK);
    for (q = 0; q < 3; q++) {
      double exact = sorted[(int)floor(lv[q] * 399)];
      double bound = fabs(exact) < 0.01 ? 0.01 : acc * fabs(exact) * (1 + 1e-9);
      cr_assert_leq(fabs(out[q] - exact), bound, "q%g at %d: %g vs %g", lv[q], i, out[q], exact);
    }
  }
  (void)j;
  sl_window_free(w);
}

/* ---- checkpoints and allocation failures ------------------------------------------------- */

/* A stream with late events and keys coming back; polls only when the queue
 * is full, so checkpoints carry queued windows. */
static void feed(sl_window *w, int from, int to) {
  uint64_t k[4];
  int64_t s[4], e[4];
  double v[4 * SL_WINDOW_MAX_VALUES];
  size_t n;
  int i;
  for (i = from; i <= to; i++) {
    sl_status st = i == to ? sl_window_push_bytes(w, "bytes-key", 9, to * 3, 1.5)
                           : sl_window_push(w, (uint64_t)(i * 7 % 13), i * 3 - (i * 5 % 11), (i * 37 % 101) / 7.0);
    if (st == SL_EFULL) {
      cr_assert_eq(sl_window_poll(w, k, s, e, v, 4, &n, NULL, NULL), SL_OK);
      i--;
      continue;
    }
    cr_assert(st == SL_OK || st == SL_ELATE, "push %d: %s", i, sl_status_name(st));
  }
}

static sl_window *configured(sl_window_kind kind, const sl_allocator *a) {
  sl_window *w = NULL;
  if (sl_window_new(&w, kind, SL_WINDOW_AGG_ALL, a) != SL_OK) return NULL;
  sl_window_set_int(w, "allowed_lateness", 9);
  sl_window_set_int(w, "ttl", 40);
  sl_window_set_int(w, "key_cap", 10);
  sl_window_set_int(w, "queue_cap", 4);
  sl_window_set_double(w, "quantile_max", 100);
  sl_window_set_double(w, "ewma_halflife", 5);
  if (kind == SL_WINDOW_HOPPING) cr_assert_eq(sl_window_set_int(w, "slide", 5), SL_OK);
  if (kind == SL_WINDOW_SESSION) sl_window_set_int(w, "gap", 6);
  else if (kind == SL_WINDOW_COUNT) sl_window_set_int(w, "count", 5);
  else cr_assert_eq(sl_window_set_int(w, "size", 20), SL_OK);
  if (kind == SL_WINDOW_SLIDING) sl_window_set_int(w, "max_events", 6);
  return w;
}

/* Runs the rest of a stream on two handles and requires the same results. */
static void same_future(sl_window *a, sl_window *b) {
  int i;
  for (i = 200; i < 400; i++) {
    uint64_t k = (uint64_t)(i * 7 % 13), ka[4], kb[4];
    int64_t ts = i * 3 - (i * 5 % 11), sa[4], sb[4], ea[4], eb[4];
    double v = (i * 37 % 101) / 7.0, qa[SL_WINDOW_MAX_VALUES * 4], qb[SL_WINDOW_MAX_VALUES * 4];
    size_t na, nb;
    sl_status x = sl_window_push(a, k, ts, v), y = sl_window_push(b, k, ts, v);
    cr_assert_eq(x, y, "push %d: %s vs %s", i, sl_status_name(x), sl_status_name(y));
    x = sl_window_query(a, k, qa, SL_WINDOW_MAX_VALUES);
    y = sl_window_query(b, k, qb, SL_WINDOW_MAX_VALUES);
    cr_assert_eq(x, y);
    if (x == SL_OK) cr_assert(memcmp(qa, qb, sl_window_n_values(a) * sizeof(double)) == 0, "query %d differs", i);
    cr_assert_eq(sl_window_poll(a, ka, sa, ea, qa, 4, &na, NULL, NULL), SL_OK);
    cr_assert_eq(sl_window_poll(b, kb, sb, eb, qb, 4, &nb, NULL, NULL), SL_OK);
    cr_assert_eq(na, nb);
    cr_assert(memcmp(ka, kb, na * 8) == 0 && memcmp(sa, sb, na * 8) == 0 && memcmp(ea, eb, na * 8) == 0);
    cr_assert(memcmp(qa, qb, na * sl_window_n_values(a) * sizeof(double)) == 0, "emitted values differ at %d", i);
  }
}

static void checkpoint_kind(sl_window_kind kind) {
  sl_window *w = configured(kind, NULL), *c;
  unsigned char *buf;
  size_t len;
  cr_assert_not_null(w);
  CHECK_CHECKPOINT_CONTRACT(window, w); /* fresh: no structures yet */
  feed(w, 0, 200);
  CHECK_CHECKPOINT_CONTRACT(window, w);
  cr_assert_eq(sl_window_save_mem(w, 0, NULL, 0, &len), SL_EBUFFER);
  buf = malloc(len);
  cr_assert_eq(sl_window_save_mem(w, 0, buf, len, &len), SL_OK);
  cr_assert_eq(sl_window_load_mem(&c, buf, len, NULL), SL_OK);
  same_future(w, c);
  free(buf);
  sl_window_free(c);
  sl_window_free(w);
}

/* Loads `w`'s checkpoint with the first 8 bytes of its payload equal to
 * `was` replaced by `now` (the checksum made valid again): a hostile file,
 * not a damaged one. Returns the load's status. */
static sl_status load_tampered(const sl_window *w, const void *was, const void *now) {
  sl_window *c = NULL;
  unsigned char *buf, *at = NULL;
  size_t len, i;
  uint32_t crc;
  sl_status st;
  cr_assert_eq(sl_window_save_mem(w, 0, NULL, 0, &len), SL_EBUFFER);
  buf = malloc(len);
  cr_assert_eq(sl_window_save_mem(w, 0, buf, len, &len), SL_OK);
  for (i = SL__CKPT_HEADER; i + 8 <= len - SL__CKPT_TRAILER && !at; i++)
    if (memcmp(buf + i, was, 8) == 0) at = buf + i;
  cr_assert_not_null(at, "the value to tamper with is in the checkpoint");
  memcpy(at, now, 8);
  crc = sl__crc32c(0, buf + SL__CKPT_HEADER, len - SL__CKPT_HEADER - SL__CKPT_TRAILER);
  for (i = 0; i < 4; i++) buf[len - 4 + i] = (unsigned char)(crc >> (8 * i)); /* little-endian hosts */
  st = sl_window_load_mem(&c, buf, len, NULL);
  cr_assert(st == SL_OK || !c);
  sl_window_free(c);
  free(buf);
  return st;
}

/* A window's event count far beyond 2^32 in a checkpoint with a valid
 * checksum is refused, without converting it to an integer first (found
 * by fuzz_load: UBSan flagged the conversion of 8.8e199 to uint64_t; clang's
 * -fsanitize=undefined catches it here, gcc's leaves float-cast-overflow out). */
Test(checkpoint, huge_count_beside_a_quantile_sketch_is_corrupt) {
  sl_window *w;
  const double n7 = 7.0, huge = 8.79831e199; /* the count is stored as an f64 */
  int64_t i;
  cr_assert_eq(sl_window_new(&w, SL_WINDOW_TUMBLING, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_QUANTILE, NULL), SL_OK);
  for (i = 0; i < 7; i++) cr_assert_eq(sl_window_push(w, 1, i, 0.5), SL_OK);
  cr_assert_eq(load_tampered(w, &n7, &huge), SL_ECORRUPT);
  sl_window_free(w);
}

/* Finite values near the top of the double range overflow a window's sums
 * to infinity or NaN; the state must still save and load back identically
 * (found by fuzz_load: such a checkpoint was refused as corrupt). */
Test(checkpoint, overflowed_sums_still_checkpoint) {
  int k, i;
  for (k = SL_WINDOW_TUMBLING; k <= SL_WINDOW_COUNT; k++) {
    sl_window *w, *c = NULL;
    unsigned char *b1, *b2;
    size_t l1, l2;
    cr_assert_eq(sl_window_new(&w, (sl_window_kind)k, SL_WINDOW_AGG_ALL, NULL), SL_OK);
    for (i = 0; i < 6; i++) cr_assert_eq(sl_window_push(w, 1, i, (i % 3 ? 1 : -1) * 1e308), SL_OK);
    cr_assert_eq(sl_window_save_mem(w, 0, NULL, 0, &l1), SL_EBUFFER);
    b1 = malloc(l1);
    cr_assert_eq(sl_window_save_mem(w, 0, b1, l1, &l1), SL_OK);
    cr_assert_eq(sl_window_load_mem(&c, b1, l1, NULL), SL_OK, "%s", sl_window_kind_name(k));
    cr_assert_eq(sl_window_save_mem(c, 0, NULL, 0, &l2), SL_EBUFFER);
    b2 = malloc(l2);
    cr_assert_eq(sl_window_save_mem(c, 0, b2, l2, &l2), SL_OK);
    cr_assert(l1 == l2 && memcmp(b1, b2, l1) == 0, "%s saves differently once loaded", sl_window_kind_name(k));
    free(b1);
    free(b2);
    sl_window_free(c);
    sl_window_free(w);
  }
}

/* A tumbling or hopping window's index whose start (index * slide) is
 * beyond the timestamp range is refused: pushes computed index * size and
 * overflowed (found by fuzz_load under UBSan). */
Test(checkpoint, window_index_beyond_the_timestamp_range_is_corrupt) {
  sl_window_kind kinds[2] = {SL_WINDOW_TUMBLING, SL_WINDOW_HOPPING};
  int k;
  for (k = 0; k < 2; k++) {
    sl_window *w;
    const int64_t idx = 123456789, far = (int64_t)1 << 60, edge = ((int64_t)1 << 62) / 10000;
    cr_assert_eq(sl_window_new(&w, kinds[k], SL_WINDOW_AGG_SUM, NULL), SL_OK);
    cr_assert_eq(sl_window_set_int(w, "size", 10000), SL_OK);
    if (kinds[k] == SL_WINDOW_HOPPING) cr_assert_eq(sl_window_set_int(w, "slide", 10000), SL_OK);
    cr_assert_eq(sl_window_push(w, 1, idx * 10000 + 5, 1.0), SL_OK);
    cr_assert_eq(load_tampered(w, &idx, &far), SL_ECORRUPT);
    cr_assert_eq(load_tampered(w, &idx, &edge), SL_OK, "the last window a push can open");
    sl_window_free(w);
  }
}

Test(checkpoint, tumbling) { checkpoint_kind(SL_WINDOW_TUMBLING); }
Test(checkpoint, hopping) { checkpoint_kind(SL_WINDOW_HOPPING); }
Test(checkpoint, sliding) { checkpoint_kind(SL_WINDOW_SLIDING); }
Test(checkpoint, session) { checkpoint_kind(SL_WINDOW_SESSION); }
Test(checkpoint, count) { checkpoint_kind(SL_WINDOW_COUNT); }

Test(checkpoint, inspect_names_the_handle_and_kind) {
  sl_window *w = configured(SL_WINDOW_SESSION, NULL);
  sl_checkpoint_info info;
  unsigned char buf[8192];
  size_t len;
  feed(w, 0, 10);
  cr_assert_eq(sl_window_save_mem(w, 0, buf, sizeof buf, &len), SL_OK);
  cr_assert_eq(sl_checkpoint_inspect(buf, len, &info), SL_OK);
  cr_assert_str_eq(info.handle_type, "window");
  cr_assert_eq(info.kind, SL_WINDOW_SESSION);
  sl_window_free(w);
}

static sl_status lifecycle(const sl_allocator *a, void *ctx) {
  sl_window_kind kind = *(const sl_window_kind *)ctx;
  sl_window *w = configured(kind, a), *c = NULL;
  unsigned char *buf;
  size_t len = 0;
  sl_status st = SL_OK;
  int i;
  if (!w) return SL_ENOMEM;
  for (i = 0; i < 120 && st != SL_ENOMEM; i++) {
    st = sl_window_push(w, (uint64_t)(i % 17), i * 2, i);
    if (i % 10 == 0) {
      size_t n;
      uint64_t k[4];
      int64_t s[4], e[4];
      double v[4 * SL_WINDOW_MAX_VALUES];
      sl_window_poll(w, k, s, e, v, 4, &n, NULL, NULL);
    }
  }
  if (st == SL_ENOMEM) {
    sl_window_free(w);
    return st;
  }
  sl_window_save_mem(w, 0, NULL, 0, &len);
  buf = malloc(len);
  st = sl_window_save_mem(w, 0, buf, len, &len);
  if (st == SL_OK) st = sl_window_load_mem(&c, buf, len, a);
  free(buf);
  sl_window_free(c);
  sl_window_free(w);
  return st;
}

Test(window_handle, every_allocation_failure_is_clean) {
  sl_window_kind k;
  for (k = SL_WINDOW_TUMBLING; k <= SL_WINDOW_COUNT; k++) cr_assert_gt(test_alloc_sweep(lifecycle, &k), 0);
}

static int count_only(const sl_window_key *k, int64_t start, int64_t end, const double *v, size_t nv, void *u) {
  (void)k, (void)start, (void)end, (void)v, (void)nv;
  ++*(int *)u;
  return 0;
}

Test(window_handle, pushes_to_known_keys_allocate_nothing) {
  int emitted = 0;
  sl_window_kind k;
  for (k = SL_WINDOW_TUMBLING; k <= SL_WINDOW_COUNT; k++) {
    sl_window *w = configured(k, NULL);
    double a0, a1;
    int i;
    sl_window_set_callbacks(w, count_only, NULL, NULL, &emitted);
    sl_window_set_int(w, "ttl", 0);
    for (i = 0; i < 10; i++) sl_window_push(w, (uint64_t)i, i, 1.0);
    cr_assert_eq(sl_window_stat(w, "allocations", &a0), SL_OK);
    for (i = 0; i < 100; i++) sl_window_push(w, (uint64_t)(i % 10), 10 + i, (double)i);
    cr_assert_eq(sl_window_stat(w, "allocations", &a1), SL_OK);
    cr_assert_eq(a0, a1, "kind %d allocated on the hot path", k);
    sl_window_free(w);
  }
}
