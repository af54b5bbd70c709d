/* Session windows (Flink): an event at t stands for [t, t + gap); sessions
 * that overlap merge, so a session is [first ts, last ts + gap) and an
 * event that bridges two sessions merges them. Closed when the watermark
 * reaches last ts + gap. A key holds its sessions sorted and disjoint: at
 * most floor(lateness / gap) + 2 are open, plus one for sessions waiting on
 * a full poll queue. */
#include "params.h"

typedef struct sl__sest {
  uint32_t n, pad_;
} sl__sest;

static int64_t sl__gap(const sl_window *w) { return w->obj.param[SL__WP_KIND0].i; }
static size_t sl__se_cap(const sl_window *w) { return (size_t)(w->obj.param[SL__WP_LATENESS].i / sl__gap(w)) + 3; }
static sl__agg *sl__se_agg(const sl_window *w, void *st, size_t i) {
  return (sl__agg *)((uint8_t *)st + sizeof(sl__sest) + i * w->agg_size);
}

static size_t sl__se_state_size(const sl_window *w) { return sizeof(sl__sest) + sl__se_cap(w) * w->agg_size; }

static int sl__se_add(sl_window *w, sl__wkey *k, void *st, int64_t ts, double x) {
  sl__sest *s = (sl__sest *)st;
  int64_t gap = sl__gap(w);
  size_t a = 0, b, i;
  (void)k;
  while (a < s->n && sl__se_agg(w, st, a)->last_ts + gap <= ts) a++; /* sessions ending before ts */
  for (b = a; b < s->n && sl__se_agg(w, st, b)->first_ts < ts + gap; b++) {
  }
  if (a == b) { /* a new session at a */
    if (s->n == sl__se_cap(w)) return SL_EFULL; /* defensive: pushes stop while sessions wait */
    SL__MEMMOVE(sl__se_agg(w, st, a + 1), sl__se_agg(w, st, a), (s->n - a) * w->agg_size);
    sl__agg_reset(w, sl__se_agg(w, st, a));
    s->n++;
    b = a + 1;
  }
  for (i = a + 1; i < b; i++) sl__agg_merge(w, sl__se_agg(w, st, a), sl__se_agg(w, st, i));
  sl__agg_add(w, sl__se_agg(w, st, a), ts, x);
  if (b > a + 1) {
    SL__MEMMOVE(sl__se_agg(w, st, a + 1), sl__se_agg(w, st, b), (s->n - b) * w->agg_size);
    s->n -= (uint32_t)(b - a - 1);
  }
  return a == 0; /* the earliest session may be new */
}

static int64_t sl__se_next_end(const sl_window *w, const void *st) {
  const sl__sest *s = (const sl__sest *)st;
  return s->n ? sl__se_agg(w, (void *)st, 0)->last_ts + sl__gap(w) : SL__NO_END;
}

static void sl__se_close_first(sl_window *w, void *st, int64_t *start, int64_t *end, double *out) {
  sl__sest *s = (sl__sest *)st;
  const sl__agg *g = sl__se_agg(w, st, 0);
  *start = g->first_ts;
  *end = g->last_ts + sl__gap(w);
  sl__agg_out(w, g, (double)(*end - *start), out);
  s->n--;
  SL__MEMMOVE(sl__se_agg(w, st, 0), sl__se_agg(w, st, 1), s->n * w->agg_size);
}

static size_t sl__se_n_open(const sl_window *w, const void *st) {
  (void)w;
  return ((const sl__sest *)st)->n;
}

static void sl__se_save(const sl_window *w, const void *st, sl__writer *wr) {
  const sl__sest *s = (const sl__sest *)st;
  uint32_t i;
  sl__put_u32(wr, s->n);
  for (i = 0; i < s->n; i++) sl__agg_save(w, sl__se_agg(w, (void *)st, i), wr);
}

static void sl__se_load(const sl_window *w, void *st, sl__reader *r) {
  sl__sest *s = (sl__sest *)st;
  uint32_t i;
  s->n = sl__get_u32(r);
  if (!sl__expect(r, s->n <= sl__se_cap(w))) return;
  for (i = 0; i < s->n && r->st == SL_OK; i++) {
    const sl__agg *g = sl__se_agg(w, st, i);
    sl__agg_load(w, sl__se_agg(w, st, i), r);
    sl__expect(r, g->n >= 1 && g->first_ts <= g->last_ts && g->first_ts > -SL__TS_LIMIT && g->last_ts < SL__TS_LIMIT &&
                      (i == 0 || g->first_ts >= sl__se_agg(w, st, i - 1)->last_ts + sl__gap(w)));
  }
}

static const sl__window_ops sl__se_ops = {1,           sl__se_state_size, sl__se_add,  NULL, sl__se_next_end, sl__se_close_first,
                                          sl__se_n_open, NULL,            sl__se_save, sl__se_load, NULL};

static const sl_param_info sl__session_params[] = {
    SL__WINDOW_COMMON_ROWS,
    {"gap", SL_PARAM_INT, 30000, 1, 1e15, NULL, "inactivity that ends a session", SL__F},
};

static sl_status sl__session_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                                   const sl_allocator *a) {
  (void)args;
  return sl__window_build(out, &sl__session_kind, params, r, a);
}

const sl__kind sl__session_kind =
    SL__WINDOW_KIND(SL_WINDOW_SESSION, "session", sl__session_params, sl__session_build, &sl__se_ops);
