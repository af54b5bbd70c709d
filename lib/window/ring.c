/* A key's events in timestamp order (ties: arrival order), shared by the
 * sliding and count kinds: a ring of at most `cap` events, the aggregates
 * with removal, and a min and a max deque (only when those aggregates are
 * on). Sliding: events in (newest - size, newest], at most "max_events";
 * count: the last "count" events. Storage per event: sl_real value (float
 * on MCU builds is enough for a window's raw values), int64 time, seq. */
#include "window_impl.h"

typedef struct sl__ringst {
  uint32_t head, n, seq, pad_;
} sl__ringst;

/* State layout: the counters, the aggregates (their count and sum in the
 * slot's first cache line), the min and max deques' counters, the ring of
 * `cap` events, then each deque's buffer of `cap` events when asked. */
static int sl__is_sliding(const sl_window *w) { return w->obj.kind->id == SL_WINDOW_SLIDING; }
static uint32_t sl__ring_cap(const sl_window *w) {
  return (uint32_t)w->obj.param[sl__is_sliding(w) ? SL__WP_KIND1 : SL__WP_KIND0].i;
}
static int sl__has_dq(const sl_window *w, int i) {
  return (w->aggs & (i ? SL_WINDOW_AGG_MAX : SL_WINDOW_AGG_MIN)) != 0;
}
static sl__agg *sl__ring_agg(const void *st) { return (sl__agg *)((uint8_t *)st + sizeof(sl__ringst)); }
static sl__deque *sl__ring_dq(const sl_window *w, const void *st) {
  return (sl__deque *)((uint8_t *)st + sizeof(sl__ringst) + w->agg_size);
}
static sl__ev *sl__ring_buf(const sl_window *w, const void *st) {
  return (sl__ev *)((uint8_t *)st + sizeof(sl__ringst) + w->agg_size + 2 * sizeof(sl__deque));
}
static sl__ev *sl__dq_buf(const sl_window *w, const void *st, int i) {
  uint32_t cap = sl__ring_cap(w);
  return sl__ring_buf(w, st) + cap * (1 + (i && sl__has_dq(w, 0)));
}

static size_t sl__ring_state_size(const sl_window *w) {
  size_t cap = sl__ring_cap(w);
  return sizeof(sl__ringst) + w->agg_size + 2 * sizeof(sl__deque) +
         cap * sizeof(sl__ev) * (1 + (size_t)sl__has_dq(w, 0) + (size_t)sl__has_dq(w, 1));
}

static uint32_t sl__ri(const sl__ringst *r, uint32_t cap, uint32_t i) {
  uint32_t j = r->head + i;
  return j >= cap ? j - cap : j;
}

/* The ring kinds' aggregates never track min / max / first / last (the
 * deques and the ring give those): `need` without SL__NEED_MINMAX, which
 * here means "keep the deques". */
#define SL__RING_AGG_NEED(need) ((need) & ~(SL__NEED_MINMAX | SL__NEED_ENDS))

SL__INLINE void sl__ring_pop(sl_window *w, sl__ringst *r, sl__ev *buf, uint32_t cap, unsigned need) {
  const sl__ev *e = &buf[r->head];
  int i;
  sl__agg_remove_t(w, sl__ring_agg(r), e->t, (double)e->v, SL__RING_AGG_NEED(need));
  if (need & SL__NEED_MINMAX)
    for (i = 0; i < 2; i++)
      if (sl__has_dq(w, i)) sl__deque_leave(&sl__ring_dq(w, r)[i], sl__dq_buf(w, r, i), cap, e->seq);
  r->head = r->head + 1 == cap ? 0 : r->head + 1;
  r->n--;
}

/* Every event leaves at once (a sliding key idle for longer than `size`):
 * the state sequential pops would leave, without reading the events. */
SL__INLINE void sl__ring_clear(sl_window *w, sl__ringst *r, unsigned need) {
  sl__deque *dq = sl__ring_dq(w, r);
  if (SL__RING_AGG_NEED(need))
    sl__agg_reset(w, sl__ring_agg(r));
  else
    sl__ring_agg(r)->n = sl__ring_agg(r)->sum = 0.0;
  if (need & SL__NEED_MINMAX) dq[0].n = dq[1].n = 0;
  r->n = 0;
}

/* The add of both ring kinds, compiled per kind (`sliding`) and per
 * aggregate class (`need`: w->need, or 0 for count / sum / mean / first /
 * last / rate masks). */
SL__INLINE int sl__ring_add_t(sl_window *w, sl__wkey *k, void *st, int64_t ts, double x, unsigned need, int sliding) {
  sl__ringst *r = (sl__ringst *)st;
  sl__ev *buf = sl__ring_buf(w, st), e;
  uint32_t cap = (uint32_t)w->obj.param[sliding ? SL__WP_KIND1 : SL__WP_KIND0].i, lo, hi, i;
  int d;
  e.t = ts;
  e.v = (sl_real)x;
  if (sliding) {
    int64_t cutoff = (ts > k->last_seen ? ts : k->last_seen) - w->obj.param[SL__WP_KIND0].i;
    if (ts <= cutoff) return 0; /* already outside the key's window */
    if (r->n && k->last_seen <= cutoff) /* every event is at or before last_seen */
      sl__ring_clear(w, r, need);
    else
      while (r->n && buf[r->head].t <= cutoff) sl__ring_pop(w, r, buf, cap, need);
  }
  lo = r->n;
  if (r->n && buf[sl__ri(r, cap, r->n - 1)].t > ts) { /* out of order: after every event with t <= ts */
    lo = 0;
    hi = r->n;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (buf[sl__ri(r, cap, mid)].t <= ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  }
  if (r->n == cap) {
    if (sliding) w->n_events_dropped++;
    if (lo == 0) return 0; /* older than every event kept */
    sl__ring_pop(w, r, buf, cap, need);
    lo--;
  }
  for (i = r->n; i > lo; i--) buf[sl__ri(r, cap, i)] = buf[sl__ri(r, cap, i - 1)];
  e.seq = r->seq++;
  buf[sl__ri(r, cap, lo)] = e;
  r->n++;
  sl__agg_add_t(w, sl__ring_agg(r), ts, (double)e.v, SL__RING_AGG_NEED(need));
  if (need & SL__NEED_MINMAX)
    for (d = 0; d < 2; d++)
      if (sl__has_dq(w, d)) sl__deque_offer(&sl__ring_dq(w, r)[d], sl__dq_buf(w, r, d), cap, &e, d);
  return 0;
}

#define SL__RING_ADD(name, need, sliding)                                             \
  static int name(sl_window *w, sl__wkey *k, void *st, int64_t ts, double x) {        \
    return sl__ring_add_t(w, k, st, ts, x, need, sliding);                            \
  }
SL__RING_ADD(sl__sliding_add, w->need, 1)
SL__RING_ADD(sl__sliding_add_sums, 0, 1)
SL__RING_ADD(sl__count_add, w->need, 0)
SL__RING_ADD(sl__count_add_sums, 0, 0)

static void sl__ring_query(const sl_window *w, const sl__wkey *k, const void *st, double *out) {
  const sl__ringst *r = (const sl__ringst *)st;
  const sl__ev *buf = sl__ring_buf(w, st), *front = &buf[r->head];
  const sl__ev *back = &buf[sl__ri(r, sl__ring_cap(w), r->n - 1)];
  const int *pos = w->pos;
  int sliding = sl__is_sliding(w);
  (void)k;
  sl__agg_out(w, sl__ring_agg(st), sliding ? (double)w->obj.param[SL__WP_KIND0].i : 0.0, out);
  if (w->aggs & SL_WINDOW_AGG_MIN) out[pos[5]] = (double)sl__deque_front(&sl__ring_dq(w, st)[0], sl__dq_buf(w, st, 0))->v;
  if (w->aggs & SL_WINDOW_AGG_MAX) out[pos[6]] = (double)sl__deque_front(&sl__ring_dq(w, st)[1], sl__dq_buf(w, st, 1))->v;
  if (w->aggs & SL_WINDOW_AGG_FIRST) out[pos[7]] = (double)front->v;
  if (w->aggs & SL_WINDOW_AGG_LAST) out[pos[8]] = (double)back->v;
  if ((w->aggs & SL_WINDOW_AGG_RATE) && !sliding) /* count: events per second between the first and last */
    out[pos[10]] = back->t > front->t ? (double)(r->n - 1) * w->obj.param[SL__WP_UNITS_PER_SECOND].d /
                                            (double)(back->t - front->t)
                                      : 0.0;
}

static size_t sl__ring_n_open(const sl_window *w, const void *st) {
  (void)w;
  (void)st;
  return 0;
}

static void sl__put_ev(sl__writer *wr, const sl__ev *e) {
  sl__put_i64(wr, e->t);
  sl__put_f64(wr, (double)e->v);
  sl__put_u32(wr, e->seq);
}

static void sl__get_ev(sl__reader *rd, sl__ev *e) {
  e->t = sl__get_i64(rd);
  e->v = (sl_real)sl__get_finite(rd);
  e->seq = sl__get_u32(rd);
}

/* Saved in logical order (head not stored), so a loaded state saves alike. */
static void sl__ring_save(const sl_window *w, const void *st, sl__writer *wr) {
  const sl__ringst *r = (const sl__ringst *)st;
  uint32_t cap = sl__ring_cap(w), i;
  int d;
  sl__put_u32(wr, r->seq);
  sl__put_u32(wr, r->n);
  sl__agg_save(w, sl__ring_agg(st), wr);
  for (i = 0; i < r->n; i++) sl__put_ev(wr, &sl__ring_buf(w, st)[sl__ri(r, cap, i)]);
  for (d = 0; d < 2; d++) {
    const sl__deque *q = &sl__ring_dq(w, st)[d];
    if (!sl__has_dq(w, d)) continue;
    sl__put_u32(wr, q->n);
    for (i = 0; i < q->n; i++) {
      uint32_t j = q->head + i;
      sl__put_ev(wr, &sl__dq_buf(w, st, d)[j >= cap ? j - cap : j]);
    }
  }
}

/* The loaded sketch must count exactly the ring's events, since every
 * later removal decrements the bin of the value leaving: take each event's
 * count off its bin, check all bins are then empty, and put them back. */
static void sl__ring_check_bins(const sl_window *w, void *st, sl__reader *rd) {
  const sl__ringst *r = (const sl__ringst *)st;
  const sl__ev *buf = sl__ring_buf(w, st);
  uint32_t *bins = sl__agg_bins(sl__ring_agg(st)), i, taken = 0, b;
  for (; taken < r->n; taken++) {
    b = sl__sketch_bin(&w->sk, (double)buf[taken].v);
    if (!sl__expect(rd, bins[b] > 0)) break;
    bins[b]--;
  }
  for (b = 0; b < w->sk.m && rd->st == SL_OK; b++) sl__expect(rd, bins[b] == 0);
  for (i = 0; i < taken; i++) bins[sl__sketch_bin(&w->sk, (double)buf[i].v)]++;
}

static void sl__ring_load(const sl_window *w, void *st, sl__reader *rd) {
  sl__ringst *r = (sl__ringst *)st;
  uint32_t cap = sl__ring_cap(w), i;
  sl__ev *buf = sl__ring_buf(w, st);
  int d;
  r->seq = sl__get_u32(rd);
  r->n = sl__get_u32(rd);
  if (!sl__expect(rd, r->n >= 1 && r->n <= cap)) return;
  sl__agg_load(w, sl__ring_agg(st), rd);
  sl__expect(rd, sl__ring_agg(st)->n == (double)r->n);
  for (i = 0; i < r->n && rd->st == SL_OK; i++) {
    sl__get_ev(rd, &buf[i]);
    sl__expect(rd, i == 0 || buf[i].t >= buf[i - 1].t);
  }
  if (rd->st == SL_OK && (w->need & SL__NEED_QUANT)) sl__ring_check_bins(w, st, rd);
  for (d = 0; d < 2 && rd->st == SL_OK; d++) {
    sl__deque *q = &sl__ring_dq(w, st)[d];
    sl__ev *qb = sl__dq_buf(w, st, d);
    if (!sl__has_dq(w, d)) continue;
    q->n = sl__get_u32(rd);
    if (!sl__expect(rd, q->n >= 1 && q->n <= r->n)) return;
    for (i = 0; i < q->n && rd->st == SL_OK; i++) {
      sl__get_ev(rd, &qb[i]);
      sl__expect(rd, i == 0 || qb[i].t >= qb[i - 1].t);
    }
  }
}

/* The oldest event (it may leave) and the place after the newest (an
 * in-order event goes there). */
static void sl__ring_prefetch(const sl_window *w, const void *st) {
  const sl__ringst *r = (const sl__ringst *)st;
  const sl__ev *buf = sl__ring_buf(w, st);
  SL__PREFETCH(&buf[r->head]);
  SL__PREFETCH(&buf[sl__ri(r, sl__ring_cap(w), r->n)]);
}

const sl__window_ops sl__sliding_ops = {0,    sl__ring_state_size, sl__sliding_add, sl__sliding_add_sums, NULL, NULL,
                                        sl__ring_n_open, sl__ring_query, sl__ring_save, sl__ring_load, sl__ring_prefetch};
const sl__window_ops sl__count_ops = {0,    sl__ring_state_size, sl__count_add, sl__count_add_sums, NULL, NULL,
                                      sl__ring_n_open, sl__ring_query, sl__ring_save, sl__ring_load, sl__ring_prefetch};
