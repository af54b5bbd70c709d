/* Tumbling and hopping windows: [i * slide, i * slide + size) for integer i
 * (tumbling: slide = size), aligned to timestamp 0. A key holds its open
 * windows sorted by i; an event joins every window containing it. Open
 * windows have end > watermark and start <= newest, so at most
 * B = ceil((lateness + size) / slide) exist; twice that leaves room for
 * windows waiting on a full poll queue (pushes stop until it is polled). */
#include "window_impl.h"

typedef struct sl__alst {
  uint32_t n, pad_;
} sl__alst;

static int64_t sl__size(const sl_window *w) { return w->obj.param[SL__WP_KIND0].i; }
static int64_t sl__slide(const sl_window *w) {
  return w->obj.kind->id == SL_WINDOW_HOPPING ? w->obj.param[SL__WP_KIND1].i : sl__size(w);
}
static size_t sl__al_cap(const sl_window *w) {
  int64_t span = w->obj.param[SL__WP_LATENESS].i + sl__size(w), slide = sl__slide(w);
  return 2 * (size_t)((span + slide - 1) / slide);
}
static size_t sl__al_ent(const sl_window *w) { return sizeof(int64_t) + w->agg_size; }
static int64_t *sl__al_idx(const sl_window *w, void *st, size_t i) {
  return (int64_t *)((uint8_t *)st + sizeof(sl__alst) + i * sl__al_ent(w));
}
static sl__agg *sl__al_agg(const sl_window *w, void *st, size_t i) { return (sl__agg *)(sl__al_idx(w, st, i) + 1); }

static size_t sl__al_state_size(const sl_window *w) { return sizeof(sl__alst) + sl__al_cap(w) * sl__al_ent(w); }

/* Joins the event to every window containing it, opening the missing ones.
 * Compiled per kind (`tumbling`: slide = size) and aggregate class (`need`). */
SL__INLINE int sl__al_add_t(sl_window *w, void *st, int64_t ts, double x, unsigned need, int tumbling) {
  sl__alst *s = (sl__alst *)st;
  int64_t size = sl__size(w), slide = tumbling ? size : w->obj.param[SL__WP_KIND1].i, lo, hi, i;
  size_t j = 0, missing = 0, ent = sl__al_ent(w);
  if (tumbling && s->n) { /* the common case: the key's newest window */
    int64_t start = *sl__al_idx(w, st, s->n - 1) * size;
    if (ts >= start && ts < start + size) {
      sl__agg_add_t(w, sl__al_agg(w, st, s->n - 1), ts, x, need);
      return 0;
    }
  }
  lo = sl__floordiv(ts - size, slide) + 1;
  hi = sl__floordiv(ts, slide);
  for (i = lo; i <= hi; i++) {
    while (j < s->n && *sl__al_idx(w, st, j) < i) j++;
    if (j == s->n || *sl__al_idx(w, st, j) != i) missing++;
  }
  if (s->n + missing > sl__al_cap(w)) return SL_EFULL; /* defensive: pushes stop while windows wait */
  for (i = lo, j = 0; i <= hi; i++) {
    while (j < s->n && *sl__al_idx(w, st, j) < i) j++;
    if (j == s->n || *sl__al_idx(w, st, j) != i) {
      SL__MEMMOVE(sl__al_idx(w, st, j + 1), sl__al_idx(w, st, j), (s->n - j) * ent);
      *sl__al_idx(w, st, j) = i;
      sl__agg_reset(w, sl__al_agg(w, st, j));
      s->n++;
    }
    sl__agg_add_t(w, sl__al_agg(w, st, j), ts, x, need);
  }
  return missing && *sl__al_idx(w, st, 0) == lo; /* opened the earliest window */
}

static int sl__tumbling_add(sl_window *w, sl__wkey *k, void *st, int64_t ts, double x) {
  (void)k;
  return sl__al_add_t(w, st, ts, x, w->need, 1);
}
static int sl__tumbling_add_sums(sl_window *w, sl__wkey *k, void *st, int64_t ts, double x) {
  (void)k;
  return sl__al_add_t(w, st, ts, x, 0, 1);
}
static int sl__hopping_add(sl_window *w, sl__wkey *k, void *st, int64_t ts, double x) {
  (void)k;
  return sl__al_add_t(w, st, ts, x, w->need, 0);
}

static int64_t sl__al_next_end(const sl_window *w, const void *st) {
  const sl__alst *s = (const sl__alst *)st;
  return s->n ? *sl__al_idx(w, (void *)st, 0) * sl__slide(w) + sl__size(w) : SL__NO_END;
}

static void sl__al_close_first(sl_window *w, void *st, int64_t *start, int64_t *end, double *out) {
  sl__alst *s = (sl__alst *)st;
  *start = *sl__al_idx(w, st, 0) * sl__slide(w);
  *end = *start + sl__size(w);
  sl__agg_out(w, sl__al_agg(w, st, 0), (double)sl__size(w), out);
  s->n--;
  SL__MEMMOVE(sl__al_idx(w, st, 0), sl__al_idx(w, st, 1), s->n * sl__al_ent(w));
}

static size_t sl__al_n_open(const sl_window *w, const void *st) {
  (void)w;
  return ((const sl__alst *)st)->n;
}

static void sl__al_save(const sl_window *w, const void *st, sl__writer *wr) {
  const sl__alst *s = (const sl__alst *)st;
  uint32_t i;
  sl__put_u32(wr, s->n);
  for (i = 0; i < s->n; i++) {
    sl__put_i64(wr, *sl__al_idx(w, (void *)st, i));
    sl__agg_save(w, sl__al_agg(w, (void *)st, i), wr);
  }
}

static void sl__al_load(const sl_window *w, void *st, sl__reader *r) {
  sl__alst *s = (sl__alst *)st;
  /* A push opens window i only for a timestamp in [i * slide, i * slide +
   * size) within +-2^62: a larger index would overflow i * slide. */
  int64_t lim = (SL__TS_LIMIT + sl__size(w)) / sl__slide(w) + 1;
  uint32_t i;
  s->n = sl__get_u32(r);
  if (!sl__expect(r, s->n <= sl__al_cap(w))) return;
  for (i = 0; i < s->n && r->st == SL_OK; i++) {
    int64_t idx = sl__get_i64(r);
    *sl__al_idx(w, st, i) = idx;
    sl__expect(r, idx > -lim && idx < lim && (i == 0 || idx > *sl__al_idx(w, st, i - 1)));
    sl__agg_load(w, sl__al_agg(w, st, i), r);
    sl__expect(r, sl__al_agg(w, st, i)->n >= 1);
  }
}

/* The key's newest window, where an in-order event goes. */
static void sl__al_prefetch(const sl_window *w, const void *st) {
  uint32_t n = ((const sl__alst *)st)->n;
  const uint8_t *e = (const uint8_t *)sl__al_idx(w, (void *)st, n ? n - 1 : 0);
  SL__PREFETCH(e);
  SL__PREFETCH(e + 64);
}

const sl__window_ops sl__tumbling_ops = {1,           sl__al_state_size, sl__tumbling_add, sl__tumbling_add_sums,
                                         sl__al_next_end, sl__al_close_first, sl__al_n_open, NULL, sl__al_save, sl__al_load,
                                         sl__al_prefetch};
const sl__window_ops sl__hopping_ops = {1,           sl__al_state_size, sl__hopping_add, NULL,
                                        sl__al_next_end, sl__al_close_first, sl__al_n_open, NULL, sl__al_save, sl__al_load,
                                        sl__al_prefetch};
