/* A key's events in timestamp order (ties: arrival order), shared by the
 * sliding and count kinds: a ring of at most `cap` events, the aggregates
 * with removal, and a min and a max deque (only when those aggregates are
 * on). Sliding: events in (newest - size, newest], at most "max_events";
 * count: the last "count" events. Storage per event: sl_real value (float
 * on MCU builds is enough for a window's raw values), int64 time, seq. */
#include "window_impl.h"

typedef struct sl__ringst {
  uint32_t head, n, seq, pad_;
  sl__deque dq[2]; /* 0: min, 1: max */
} sl__ringst;

static int sl__is_sliding(const sl_window *w) { return w->obj.kind->id == SL_WINDOW_SLIDING; }
static uint32_t sl__ring_cap(const sl_window *w) {
  return (uint32_t)w->obj.param[sl__is_sliding(w) ? SL__WP_KIND1 : SL__WP_KIND0].i;
}
static int sl__has_dq(const sl_window *w, int i) {
  return (w->aggs & (i ? SL_WINDOW_AGG_MAX : SL_WINDOW_AGG_MIN)) != 0;
}
static sl__agg *sl__ring_agg(void *st) { return (sl__agg *)((uint8_t *)st + sizeof(sl__ringst)); }
static sl__ev *sl__ring_buf(const sl_window *w, const void *st) {
  return (sl__ev *)((uint8_t *)st + sizeof(sl__ringst) + w->agg_size);
}
static sl__ev *sl__dq_buf(const sl_window *w, const void *st, int i) {
  uint32_t cap = sl__ring_cap(w);
  return sl__ring_buf(w, st) + cap * (1 + (i && sl__has_dq(w, 0)));
}

static size_t sl__ring_state_size(const sl_window *w) {
  size_t cap = sl__ring_cap(w);
  return sizeof(sl__ringst) + w->agg_size + cap * sizeof(sl__ev) * (1 + (size_t)sl__has_dq(w, 0) + (size_t)sl__has_dq(w, 1));
}

static uint32_t sl__ri(const sl__ringst *r, uint32_t cap, uint32_t i) {
  uint32_t j = r->head + i;
  return j >= cap ? j - cap : j;
}

static void sl__ring_pop(sl_window *w, sl__ringst *r, sl__ev *buf, uint32_t cap) {
  const sl__ev *e = &buf[r->head];
  int i;
  sl__agg_remove(w, sl__ring_agg(r), e->t, (double)e->v);
  for (i = 0; i < 2; i++)
    if (sl__has_dq(w, i)) sl__deque_leave(&r->dq[i], sl__dq_buf(w, r, i), cap, e->seq);
  r->head = r->head + 1 == cap ? 0 : r->head + 1;
  r->n--;
}

static sl_status sl__ring_add(sl_window *w, sl__wkey *k, void *st, int64_t ts, double x) {
  sl__ringst *r = (sl__ringst *)st;
  sl__ev *buf = sl__ring_buf(w, st), e;
  uint32_t cap = sl__ring_cap(w), lo = 0, hi, i;
  int d;
  e.t = ts;
  e.v = (sl_real)x;
  if (sl__is_sliding(w)) {
    int64_t cutoff = k->last_seen - w->obj.param[SL__WP_KIND0].i;
    if (ts <= cutoff) return SL_OK; /* already outside the key's window */
    while (r->n && buf[r->head].t <= cutoff) sl__ring_pop(w, r, buf, cap);
  }
  hi = r->n;
  if (r->n && buf[sl__ri(r, cap, r->n - 1)].t > ts) {
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (buf[sl__ri(r, cap, mid)].t <= ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  } else {
    lo = r->n;
  }
  if (r->n == cap) {
    if (lo == 0) { /* older than every event kept */
      if (sl__is_sliding(w)) w->n_events_dropped++;
      return SL_OK;
    }
    if (sl__is_sliding(w)) w->n_events_dropped++;
    sl__ring_pop(w, r, buf, cap);
    lo--;
  }
  for (i = r->n; i > lo; i--) buf[sl__ri(r, cap, i)] = buf[sl__ri(r, cap, i - 1)];
  e.seq = r->seq++;
  buf[sl__ri(r, cap, lo)] = e;
  r->n++;
  sl__agg_add(w, sl__ring_agg(r), ts, (double)e.v);
  for (d = 0; d < 2; d++)
    if (sl__has_dq(w, d)) sl__deque_offer(&r->dq[d], sl__dq_buf(w, r, d), cap, &e, d);
  return SL_OK;
}

static void sl__ring_query(const sl_window *w, const sl__wkey *k, const void *st, double *out) {
  const sl__ringst *r = (const sl__ringst *)st;
  const sl__ev *buf = sl__ring_buf(w, st), *front = &buf[r->head];
  const sl__ev *back = &buf[sl__ri(r, sl__ring_cap(w), r->n - 1)];
  const int *pos = w->pos;
  int sliding = sl__is_sliding(w);
  (void)k;
  sl__agg_out(w, sl__ring_agg((void *)st), sliding ? (double)w->obj.param[SL__WP_KIND0].i : 0.0, out);
  if (w->aggs & SL_WINDOW_AGG_MIN) out[pos[5]] = (double)sl__deque_front(&r->dq[0], sl__dq_buf(w, st, 0))->v;
  if (w->aggs & SL_WINDOW_AGG_MAX) out[pos[6]] = (double)sl__deque_front(&r->dq[1], sl__dq_buf(w, st, 1))->v;
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
  sl__agg_save(w, sl__ring_agg((void *)st), wr);
  for (i = 0; i < r->n; i++) sl__put_ev(wr, &sl__ring_buf(w, st)[sl__ri(r, cap, i)]);
  for (d = 0; d < 2; d++) {
    const sl__deque *q = &r->dq[d];
    if (!sl__has_dq(w, d)) continue;
    sl__put_u32(wr, q->n);
    for (i = 0; i < q->n; i++) {
      uint32_t j = q->head + i;
      sl__put_ev(wr, &sl__dq_buf(w, st, d)[j >= cap ? j - cap : j]);
    }
  }
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
  for (d = 0; d < 2 && rd->st == SL_OK; d++) {
    sl__deque *q = &r->dq[d];
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

const sl__window_ops sl__ring_ops = {0,    sl__ring_state_size, sl__ring_add,  NULL,         NULL,
                                     sl__ring_n_open, sl__ring_query, sl__ring_save, sl__ring_load};
