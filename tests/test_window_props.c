/* sl_window property tests: seeded random streams (out-of-order within the
 * lateness, late events beyond it, keys that come, go and expire), every
 * emitted or queried window checked against a brute-force recomputation of
 * every aggregate from the accepted events. Each stream is cut by a save /
 * load halfway, and the emitting kinds run again through the poll queue,
 * which must give the same windows in the same order. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"

#define N_EVENTS 3000
#define N_KEYS 64
#define NV 14 /* every aggregate, 3 quantile levels */

typedef struct ev {
  uint64_t key;
  int64_t ts;
  double v;
  int seq;
} ev;

typedef struct cfg {
  sl_window_kind kind;
  int64_t size, slide, gap, count, lateness, ttl;
  unsigned seed;
} cfg;

typedef struct win {
  uint64_t key;
  int64_t start, end, wm; /* wm: watermark when emitted (INT64_MAX: by flush) */
  double v[NV];
} win;

static const double LEVELS[3] = {0.5, 0.9, 0.99};
static const double HALFLIFE = 20, ACCURACY = 0.01;

static unsigned rnd(unsigned *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

/* ---- brute force ------------------------------------------------------------------ */

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Checks `got` (the library's values, SL_WINDOW_AGG_ALL layout) against the
 * events `e[0..n)` of one window. */
static void check_values(const char *what, const ev *const *e, int n, double duration, int count_rate,
                         const double *got) {
  double sum = 0, mean, var = 0, mn = INFINITY, mx = -INFINITY, ws = 0, ww = 0, tol;
  double *sorted = malloc((size_t)n * sizeof *sorted);
  const ev *first = e[0], *last = e[0];
  int64_t tmax = e[0]->ts, tmin = e[0]->ts;
  int i;
  cr_assert_gt(n, 0, "%s: empty window", what);
  for (i = 0; i < n; i++) {
    sum += e[i]->v;
    if (e[i]->v < mn) mn = e[i]->v;
    if (e[i]->v > mx) mx = e[i]->v;
    if (e[i]->ts < first->ts || (e[i]->ts == first->ts && e[i]->seq < first->seq)) first = e[i];
    if (e[i]->ts > last->ts || (e[i]->ts == last->ts && e[i]->seq > last->seq)) last = e[i];
    if (e[i]->ts > tmax) tmax = e[i]->ts;
    if (e[i]->ts < tmin) tmin = e[i]->ts;
    sorted[i] = e[i]->v;
  }
  mean = sum / n;
  for (i = 0; i < n; i++) {
    double w = exp2((double)(e[i]->ts - tmax) / HALFLIFE);
    var += (e[i]->v - mean) * (e[i]->v - mean);
    ws += w * e[i]->v;
    ww += w;
  }
  var = n > 1 ? var / (n - 1) : 0;
  tol = 1e-9 * (1 + fabs(sum));
  cr_assert_eq(got[0], (double)n, "%s: count %g vs %d", what, got[0], n);
  cr_assert_float_eq(got[1], sum, tol, "%s: sum %.17g vs %.17g", what, got[1], sum);
  cr_assert_float_eq(got[2], mean, 1e-9 * (1 + fabs(mean)), "%s: mean", what);
  cr_assert_float_eq(got[3], var, 1e-8 * (1 + var), "%s: var %.17g vs %.17g", what, got[3], var);
  cr_assert_float_eq(got[4], sqrt(var), 1e-8 * (1 + sqrt(var)), "%s: std", what);
  cr_assert_eq(got[5], mn, "%s: min %g vs %g", what, got[5], mn);
  cr_assert_eq(got[6], mx, "%s: max %g vs %g", what, got[6], mx);
  cr_assert_eq(got[7], first->v, "%s: first %g vs %g", what, got[7], first->v);
  cr_assert_eq(got[8], last->v, "%s: last %g vs %g", what, got[8], last->v);
  cr_assert_float_eq(got[9], ws / ww, 1e-7 * (1 + fabs(ws / ww)), "%s: ewma %.17g vs %.17g", what, got[9], ws / ww);
  if (count_rate)
    cr_assert_float_eq(got[10], tmax > tmin ? (n - 1) * 1000.0 / (double)(tmax - tmin) : 0.0, 1e-9, "%s: rate", what);
  else
    cr_assert_float_eq(got[10], n * 1000.0 / duration, 1e-9, "%s: rate", what);
  qsort(sorted, (size_t)n, sizeof *sorted, cmp_d);
  for (i = 0; i < 3; i++) {
    double exact = sorted[(int)floor(LEVELS[i] * (n - 1))];
    double bound = fabs(exact) < 0.01 ? 0.01 : ACCURACY * fabs(exact) * (1 + 1e-9);
    cr_assert_leq(fabs(got[11 + i] - exact), bound, "%s: q%g %g vs %g", what, LEVELS[i], got[11 + i], exact);
  }
  free(sorted);
}

/* ---- driving a stream ---------------------------------------------------------------- */

typedef struct removal {
  uint64_t key;
  int64_t last_seen;
} removal;

typedef struct model {
  ev acc[N_EVENTS];
  int n_acc;
  int64_t newest, wm;
  int since[N_KEYS]; /* first accepted index of the key's current life; -1: absent */
  int64_t last[N_KEYS];
  removal removed[N_EVENTS]; /* reported by on_evict during the current push */
  int n_removed, expired;
  win out[8 * N_EVENTS];
  int n_out;
  int flushing;
} model;

static int on_window(const sl_window_key *k, int64_t start, int64_t end, const double *v, size_t nv, void *u) {
  model *m = (model *)u;
  win *o = &m->out[m->n_out++];
  cr_assert_lt(m->n_out, 8 * N_EVENTS);
  cr_assert_eq(nv, (size_t)NV);
  o->key = k->id;
  o->start = start;
  o->end = end;
  o->wm = m->flushing ? INT64_MAX : m->wm;
  memcpy(o->v, v, sizeof o->v);
  return 0;
}

static int on_evict(const sl_window_key *k, int64_t last_seen, sl_window_removal why, void *u) {
  model *m = (model *)u;
  cr_assert_eq(why, SL_WINDOW_EXPIRED, "no key is evicted below the cap");
  cr_assert_leq(last_seen, m->wm, "expired before its ttl");
  m->removed[m->n_removed].key = k->id;
  m->removed[m->n_removed++].last_seen = last_seen;
  return 0;
}

static sl_window *make(const cfg *c, model *m, int queue) {
  sl_window *w;
  cr_assert_eq(sl_window_new(&w, c->kind, SL_WINDOW_AGG_ALL, NULL), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "allowed_lateness", c->lateness), SL_OK);
  cr_assert_eq(sl_window_set_int(w, "ttl", c->ttl), SL_OK);
  cr_assert_eq(sl_window_set_double(w, "ewma_halflife", HALFLIFE), SL_OK);
  cr_assert_eq(sl_window_set_double(w, "quantile_max", 100), SL_OK);
  if (c->kind == SL_WINDOW_HOPPING) cr_assert_eq(sl_window_set_int(w, "slide", c->slide), SL_OK);
  if (c->size) cr_assert_eq(sl_window_set_int(w, "size", c->size), SL_OK);
  if (c->gap) cr_assert_eq(sl_window_set_int(w, "gap", c->gap), SL_OK);
  if (c->count) cr_assert_eq(sl_window_set_int(w, "count", c->count), SL_OK);
  if (queue) cr_assert_eq(sl_window_set_int(w, "queue_cap", 3), SL_OK);
  cr_assert_eq(sl_window_set_callbacks(w, queue ? NULL : on_window, NULL, on_evict, m), SL_OK);
  return w;
}

/* Moves what the queue holds into the model's output. */
static void drain_queue(sl_window *w, model *m) {
  uint64_t k[3];
  int64_t s[3], e[3];
  double v[3 * NV];
  size_t n, i;
  do {
    cr_assert_eq(sl_window_poll(w, k, s, e, v, 3, &n, NULL, NULL), SL_OK);
    for (i = 0; i < n; i++) {
      win *o = &m->out[m->n_out++];
      o->key = k[i];
      o->start = s[i];
      o->end = e[i];
      o->wm = m->flushing ? INT64_MAX : m->wm;
      memcpy(o->v, v + i * NV, sizeof o->v);
    }
  } while (n);
}

/* Save, load, continue with the loaded handle. */
static sl_window *reload(sl_window *w, model *m, int queue) {
  sl_window *l;
  size_t len;
  unsigned char *buf;
  cr_assert_eq(sl_window_save_mem(w, 0, NULL, 0, &len), SL_EBUFFER);
  buf = malloc(len);
  cr_assert_eq(sl_window_save_mem(w, 0, buf, len, &len), SL_OK);
  cr_assert_eq(sl_window_load_mem(&l, buf, len, NULL), SL_OK, "%s", sl_window_last_error(w));
  free(buf);
  sl_window_free(w);
  cr_assert_eq(sl_window_set_callbacks(l, queue ? NULL : on_window, NULL, on_evict, m), SL_OK);
  return l;
}

/* The key's current window, by brute force: sliding (newest - size, newest],
 * count the last `count` by (ts, arrival). */
static int ring_window(const cfg *c, const model *m, uint64_t key, const ev **out) {
  int i, n = 0;
  for (i = m->since[key]; i < m->n_acc; i++) {
    const ev *e = &m->acc[i];
    if (e->key != key) continue;
    if (c->kind == SL_WINDOW_SLIDING && e->ts <= m->last[key] - c->size) continue;
    out[n++] = e;
  }
  while (c->kind == SL_WINDOW_COUNT && n > c->count) { /* drop the smallest (ts, seq) */
    int lo = 0, j;
    for (j = 1; j < n; j++)
      if (out[j]->ts < out[lo]->ts || (out[j]->ts == out[lo]->ts && out[j]->seq < out[lo]->seq)) lo = j;
    out[lo] = out[--n];
  }
  return n;
}

/* Queried kinds: keys idle for ttl behind the new watermark leave, and the
 * library must have reported exactly those. */
static void model_expire(const cfg *c, model *m) {
  int k, r, found;
  for (k = 0; k < N_KEYS; k++) {
    if (m->since[k] < 0 || m->last[k] + c->ttl > m->wm) continue;
    for (r = 0, found = 0; r < m->n_removed; r++) found |= m->removed[r].key == (uint64_t)k;
    cr_assert(found, "key %d should have expired (last %lld, watermark %lld)", k, (long long)m->last[k],
              (long long)m->wm);
    m->since[k] = -1;
    m->expired++;
  }
  for (r = 0; r < m->n_removed; r++) cr_assert_lt(m->since[m->removed[r].key], 0, "expired a key the model keeps");
}

/* Runs the seeded stream; returns the model with every emitted window. */
static model *run(const cfg *c, int queue) {
  model *m = calloc(1, sizeof *m);
  const ev **buf = malloc(N_EVENTS * sizeof *buf);
  unsigned s = c->seed;
  int i, emits = c->kind != SL_WINDOW_SLIDING && c->kind != SL_WINDOW_COUNT;
  int64_t t = 1000;
  sl_window *w;
  double stat;
  for (i = 0; i < N_KEYS; i++) m->since[i] = -1;
  m->newest = m->wm = INT64_MIN;
  w = make(c, m, queue);
  for (i = 0; i < N_EVENTS; i++) {
    uint64_t key = (uint64_t)((i / 400) * 3 + rnd(&s) % 6); /* keys come and go */
    double v = ((int)(rnd(&s) % 401) - 200) / 4.0;
    int64_t ts;
    int late;
    sl_status st;
    t += rnd(&s) % 4;
    if (rnd(&s) % 50 == 0) t += 60; /* a jump: closes windows, expires keys */
    ts = t - (int64_t)(rnd(&s) % (unsigned)(c->lateness + 4));
    if (i == N_EVENTS / 2) w = reload(w, m, queue);
    late = ts < m->wm;
    if (!late && ts > m->newest) {
      m->newest = ts;
      m->wm = ts - c->lateness;
    }
    m->n_removed = 0;
    st = sl_window_push(w, key, ts, v);
    while (st == SL_EFULL && queue) {
      drain_queue(w, m);
      st = sl_window_push(w, key, ts, v);
    }
    cr_assert_eq(st, late ? SL_ELATE : SL_OK, "event %d: %s (%s)", i, sl_status_name(st), sl_window_last_error(w));
    if (queue) drain_queue(w, m);
    if (late) continue;
    m->acc[m->n_acc] = (ev){key, ts, v, i};
    if (m->since[key] < 0) {
      m->since[key] = m->n_acc;
      m->last[key] = ts;
    } else if (ts > m->last[key]) {
      m->last[key] = ts;
    }
    m->n_acc++;
    if (!emits) {
      double got[NV];
      char what[64];
      int n;
      model_expire(c, m);
      n = ring_window(c, m, key, buf);
      cr_assert_eq(sl_window_query(w, key, got, NV), SL_OK);
      snprintf(what, sizeof what, "event %d key %llu", i, (unsigned long long)key);
      check_values(what, buf, n, (double)c->size, c->kind == SL_WINDOW_COUNT, got);
    } else {
      m->expired += m->n_removed;
    }
  }
  m->flushing = 1;
  m->n_removed = 0;
  if (queue) {
    while (sl_window_flush(w) == SL_EFULL) drain_queue(w, m);
    drain_queue(w, m);
  } else {
    cr_assert_eq(sl_window_flush(w), SL_OK);
  }
  m->expired += m->n_removed;
  cr_assert_eq(sl_window_stat(w, "events_dropped", &stat), SL_OK);
  cr_assert_eq(stat, 0.0);
  cr_assert_eq(sl_window_stat(w, "keys_expired", &stat), SL_OK);
  cr_assert_eq(stat, (double)m->expired);
  cr_assert_gt(m->expired, 0, "the stream should expire some keys");
  sl_window_free(w);
  free(buf);
  return m;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int64_t floordiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* Windows the accepted events make: distinct (key, index) for aligned kinds,
 * gaps of at least `gap` between a key's sorted timestamps for sessions. */
static int expected_windows(const cfg *c, const model *m) {
  int64_t *x = malloc(8 * N_EVENTS * sizeof *x);
  int n = 0, a, count = 0;
  for (a = 0; a < m->n_acc; a++) {
    const ev *e = &m->acc[a];
    int64_t idx;
    if (c->kind == SL_WINDOW_SESSION) {
      x[n++] = (int64_t)e->key * 100000000 + e->ts;
      continue;
    }
    for (idx = floordiv(e->ts - c->size, c->slide) + 1; idx <= floordiv(e->ts, c->slide); idx++)
      x[n++] = (int64_t)e->key * 100000000 + idx;
  }
  qsort(x, (size_t)n, sizeof *x, cmp_i64);
  for (a = 0; a < n; a++) {
    if (c->kind == SL_WINDOW_SESSION)
      count += a == 0 || x[a] / 100000000 != x[a - 1] / 100000000 || x[a] - x[a - 1] >= c->gap;
    else
      count += a == 0 || x[a] != x[a - 1];
  }
  free(x);
  return count;
}

/* Every emitted window: bounds, order, due time, values; then completeness. */
static void check_emitted(const cfg *c, const model *m) {
  const ev **buf = malloc(N_EVENTS * sizeof *buf);
  int i, j;
  for (i = 0; i < m->n_out; i++) {
    const win *o = &m->out[i];
    char what[96];
    int n = 0;
    int64_t hi = INT64_MIN;
    snprintf(what, sizeof what, "window %d key %llu [%lld, %lld)", i, (unsigned long long)o->key,
             (long long)o->start, (long long)o->end);
    if (i) cr_assert_geq(o->end, m->out[i - 1].end, "%s: out of order", what);
    cr_assert_leq(o->end, o->wm, "%s: emitted before the watermark reached its end", what);
    for (j = 0; j < i; j++)
      cr_assert(!(m->out[j].key == o->key && m->out[j].start == o->start), "%s: emitted twice", what);
    for (j = 0; j < m->n_acc; j++) {
      const ev *e = &m->acc[j];
      if (e->key != o->key) continue;
      if (e->ts >= o->start && e->ts < o->end) {
        buf[n++] = e;
        if (e->ts > hi) hi = e->ts;
      }
      if (c->kind == SL_WINDOW_SESSION)
        cr_assert(!(e->ts > o->start - c->gap && e->ts < o->start), "%s: should have merged %lld", what,
                  (long long)e->ts);
    }
    if (c->kind == SL_WINDOW_SESSION) {
      cr_assert_eq(o->end, hi + c->gap, "%s: a session ends gap after its last event", what);
      cr_assert(n > 0 && buf[0] != NULL);
    } else {
      cr_assert_eq(o->end - o->start, c->size, "%s", what);
      cr_assert_eq(((o->start % c->slide) + c->slide) % c->slide, 0, "%s: not aligned", what);
    }
    check_values(what, buf, n, (double)(o->end - o->start), 0, o->v);
  }
  cr_assert_eq(m->n_out, expected_windows(c, m), "emitted %d windows", m->n_out);
  free(buf);
}

static void property(const cfg *c) {
  int emits = c->kind != SL_WINDOW_SLIDING && c->kind != SL_WINDOW_COUNT, i;
  model *a = run(c, 0), *b;
  if (!emits) {
    free(a);
    return;
  }
  check_emitted(c, a);
  cr_assert_gt(a->n_out, 100, "the stream should close many windows");
  b = run(c, 1);
  cr_assert_eq(a->n_out, b->n_out, "poll path: %d windows, callback: %d", b->n_out, a->n_out);
  for (i = 0; i < a->n_out; i++) {
    const win *x = &a->out[i], *y = &b->out[i];
    cr_assert(x->key == y->key && x->start == y->start && x->end == y->end &&
                  memcmp(x->v, y->v, sizeof x->v) == 0,
              "poll path differs at window %d", i);
  }
  free(a);
  free(b);
}

Test(window_property, tumbling) {
  cfg c = {SL_WINDOW_TUMBLING, 25, 25, 0, 0, 10, 40, 11u};
  property(&c);
}

Test(window_property, hopping) {
  cfg c = {SL_WINDOW_HOPPING, 30, 10, 0, 0, 10, 40, 12u};
  property(&c);
}

Test(window_property, session) {
  cfg c = {SL_WINDOW_SESSION, 0, 0, 8, 0, 15, 40, 13u};
  property(&c);
}

Test(window_property, sliding) {
  cfg c = {SL_WINDOW_SLIDING, 40, 0, 0, 0, 10, 50, 14u};
  property(&c);
}

Test(window_property, count) {
  cfg c = {SL_WINDOW_COUNT, 0, 0, 0, 7, 10, 50, 15u};
  property(&c);
}

Test(window_property, sliding_without_lateness) {
  cfg c = {SL_WINDOW_SLIDING, 15, 0, 0, 0, 0, 30, 16u};
  property(&c);
}
