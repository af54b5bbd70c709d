/* sl_window dispatch: the kind array, construction, save / load, and the
 * public calls with their argument checks. Event-time work is eventtime.c's. */
#include "window_impl.h"

/* The kinds by public id; a build with SL_KINDS_SELECTED keeps only those
 * named by SL_KIND_WINDOW_<KIND> (lib/core/deps.h), the rest are SL_EKIND. */
static const sl__kind *const sl__window_kinds[SL_WINDOW_COUNT + 1] = {
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_WINDOW_TUMBLING)
    [SL_WINDOW_TUMBLING] = &sl__tumbling_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_WINDOW_HOPPING)
    [SL_WINDOW_HOPPING] = &sl__hopping_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_WINDOW_SLIDING)
    [SL_WINDOW_SLIDING] = &sl__sliding_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_WINDOW_SESSION)
    [SL_WINDOW_SESSION] = &sl__session_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_WINDOW_COUNT)
    [SL_WINDOW_COUNT] = &sl__count_kind,
#endif
};

const sl__handle_class sl__window_class = {"window", SL__HANDLE_WINDOW, sl__window_kinds,
                                           sizeof sl__window_kinds / sizeof sl__window_kinds[0]};

SL__HANDLE_DEFINE(window, sl__window_class)

static const char *const sl__agg_names[11] = {"count", "sum", "mean", "var", "std", "min",
                                              "max",   "first", "last", "ewma", "rate"};

/* "q" and the level in decimal, at most 6 decimals, no trailing zeros. */
static void sl__q_name(char *out, double q) {
  long v = (long)floor(q * 1e6 + 0.5);
  int i, n = 0;
  char frac[7];
  out[n++] = 'q';
  out[n++] = (char)('0' + v / 1000000);
  v %= 1000000;
  for (i = 5; i >= 0; i--, v /= 10) frac[i] = (char)('0' + v % 10);
  for (i = 6; i > 0 && frac[i - 1] == '0'; i--) {
  }
  if (i) {
    out[n++] = '.';
    SL__MEMCPY(out + n, frac, (size_t)i);
    n += i;
  }
  out[n] = '\0';
}

/* What the aggregate states must track for this mask and kind (SL__NEED_*). */
static unsigned sl__window_need(const sl_window *w) {
  unsigned a = w->aggs, need = 0;
  if (a & (SL_WINDOW_AGG_VAR | SL_WINDOW_AGG_STD)) need |= SL__NEED_M2;
  if (a & SL_WINDOW_AGG_EWMA) need |= SL__NEED_EWMA;
  if (a & SL_WINDOW_AGG_QUANTILE) need |= SL__NEED_QUANT;
  if (a & (SL_WINDOW_AGG_MIN | SL_WINDOW_AGG_MAX)) need |= SL__NEED_MINMAX; /* ring kinds: their deques */
  if (sl__wops(w)->emits && (a & (SL_WINDOW_AGG_FIRST | SL_WINDOW_AGG_LAST))) need |= SL__NEED_ENDS;
  if (w->obj.kind->id == SL_WINDOW_SESSION) need |= SL__NEED_ENDS; /* a session's extent */
  return need;
}

void sl__window_layout(sl_window *w) {
  const sl__pval *p = w->obj.param;
  const sl__window_ops *ops = sl__wops(w);
  size_t n = 0;
  int b;
  w->aggs = (unsigned)p[SL__WP_AGGREGATES].i;
  for (b = 0; b < 12; b++) {
    w->pos[b] = (w->aggs >> b) & 1u ? (int)n : -1;
    if ((w->aggs >> b) & 1u) n += b == 11 ? (size_t)p[SL__WP_N_QUANTILES].i : 1;
  }
  w->n_values = n;
  for (b = 0; b < 4; b++) {
    w->q_level[b] = p[SL__WP_Q1 + b].d;
    sl__q_name(w->q_name[b], w->q_level[b]);
  }
  sl__sketch_config(&w->sk, p[SL__WP_Q_ACCURACY].d, p[SL__WP_Q_MIN].d, p[SL__WP_Q_MAX].d);
  w->agg_size = sizeof(sl__agg) + ((w->aggs & SL_WINDOW_AGG_QUANTILE) ? ((size_t)w->sk.m * 4 + 7) / 8 * 8 : 0);
  w->key_room = ((size_t)p[SL__WP_KEY_BYTES_MAX].i + 7) / 8 * 8;
  w->state_size = (ops->state_size(w) + 7) / 8 * 8;
  w->slot_size = (sizeof(sl__wkey) + w->state_size + w->key_room + 63) / 64 * 64;
  w->need = sl__window_need(w);
  w->add = w->need == 0 && ops->add_sums ? ops->add_sums : ops->add;
}

/* ---- construction, save, load -------------------------------------------------- */

void sl__window_destroy(sl__object *o) {
  sl__window_unready((sl_window *)o);
  sl__object_delete(o, sizeof(sl_window));
}

static void sl__save_key(const sl_window *w, const sl__wkey *k, sl__writer *wr) {
  int i;
  sl__put_u64(wr, k->id);
  sl__put_i64(wr, k->last_seen);
  sl__put_u16(wr, k->key_len);
  sl__put_bytes(wr, sl__key_bytes(&w->keys, k), k->key_len);
  for (i = 0; i < 2; i++) {
    sl__put_u8(wr, k->heap_pos[i] != SL__NOPOS);
    sl__put_i64(wr, k->heap_pos[i] != SL__NOPOS ? sl__heap_time(&w->heap[i], k) : 0);
  }
  sl__wops(w)->save(w, sl__wstate_c(k), wr);
}

sl_status sl__window_save(const sl__object *o, sl__writer *wr) {
  const sl_window *w = (const sl_window *)o;
  const uint64_t counters[7] = {w->n_events,  w->n_late,          w->n_emitted,       w->n_expired,
                                w->n_evicted, w->n_windows_dropped, w->n_events_dropped};
  size_t i;
  sl__put_u8(wr, (uint8_t)w->ready);
  if (!w->ready) return SL_OK;
  sl__put_i64(wr, w->newest);
  sl__put_i64(wr, w->watermark);
  sl__put_u8(wr, (uint8_t)w->backlog);
  sl__put_u8(wr, (uint8_t)w->flushing);
  for (i = 0; i < 7; i++) sl__put_u64(wr, counters[i]);
  sl__put_u64(wr, w->keys.cursor);
  sl__put_u64(wr, w->keys.tab_cap);
  sl__put_u64(wr, w->heap[0].cap);
  sl__put_u64(wr, w->heap[1].cap);
  sl__put_u64(wr, w->keys.hw);
  sl__put_u32(wr, w->keys.free_head);
  for (i = 0; i < w->keys.hw && wr->st == SL_OK; i++) {
    const sl__wkey *k = sl__keytab_slot(&w->keys, (uint32_t)i);
    sl__put_u8(wr, k->live);
    if (k->live)
      sl__save_key(w, k, wr);
    else
      sl__put_u32(wr, k->next_free);
  }
  sl__put_u64(wr, w->q_n);
  for (i = 0; i < w->q_n; i++) {
    uint64_t id;
    int64_t start, end;
    const double *v;
    const uint8_t *kb;
    size_t klen, j;
    sl__queue_read(w, i, &id, &start, &end, &v, &kb, &klen);
    sl__put_u64(wr, id);
    sl__put_i64(wr, start);
    sl__put_i64(wr, end);
    sl__put_u16(wr, (uint16_t)klen);
    sl__put_bytes(wr, kb, klen);
    for (j = 0; j < w->n_values; j++) sl__put_f64(wr, v[j]);
  }
  return wr->st;
}

/* Reads a live key into slot `k`; `heap_t[i]` receives the time it is
 * filed under in heap i, or SL__NO_END when it is not in that heap. */
static void sl__load_key(sl_window *w, sl__wkey *k, sl__reader *r, int64_t heap_t[2]) {
  uint8_t *kb = sl__key_bytes(&w->keys, k);
  int i;
  k->id = sl__get_u64(r);
  k->last_seen = sl__get_i64(r);
  k->key_len = sl__get_u16(r);
  if (!sl__expect(r, k->key_len <= w->obj.param[SL__WP_KEY_BYTES_MAX].i)) return;
  sl__get_bytes(r, kb, k->key_len);
  if (k->key_len) sl__expect(r, k->id == sl_hash_bytes(kb, k->key_len, 0));
  sl__expect(r, k->last_seen > -SL__TS_LIMIT && k->last_seen < SL__TS_LIMIT);
  for (i = 0; i < 2; i++) {
    uint8_t in = sl__get_u8(r);
    int64_t t = sl__get_i64(r);
    heap_t[i] = in ? t : SL__NO_END;
    sl__expect(r, in <= 1);
  }
  sl__wops(w)->load(w, sl__wstate(k), r);
  if (sl__wops(w)->emits) /* a key with open windows waits in the close heap */
    sl__expect(r, (heap_t[0] != SL__NO_END) == (sl__wops(w)->n_open(w, sl__wstate(k)) > 0));
  else
    sl__expect(r, heap_t[0] == SL__NO_END);
  sl__expect(r, (heap_t[1] != SL__NO_END) == (w->obj.param[SL__WP_TTL].i > 0));
}

static sl_status sl__load_keys(sl_window *w, sl__reader *r) {
  sl__keytab *t = &w->keys;
  size_t key_cap = (size_t)w->obj.param[SL__WP_KEY_CAP].i, i, n_free = 0, tab_cap, hcap[2];
  uint32_t s;
  sl_status st;
  t->cursor = (size_t)sl__get_count(r, key_cap);
  tab_cap = (size_t)sl__get_count(r, (uint64_t)1 << 32);
  hcap[0] = (size_t)sl__get_count(r, key_cap);
  hcap[1] = (size_t)sl__get_count(r, key_cap);
  t->hw = (size_t)sl__get_count(r, key_cap);
  t->free_head = sl__get_u32(r);
  if (!sl__expect(r, tab_cap >= 16 && (tab_cap & (tab_cap - 1)) == 0)) return r->st;
  sl__free(&w->obj.mem, t->tab, t->tab_cap * sizeof *t->tab);
  t->tab_cap = 0;
  if (!(t->tab = (sl__keyent *)sl__alloc_array(&w->obj.mem, tab_cap, sizeof *t->tab))) return SL_ENOMEM;
  t->tab_cap = tab_cap;
  for (i = 0; i < 2; i++)
    if ((st = sl__heap_reserve(&w->heap[i], &w->obj.mem, hcap[i])) != SL_OK) return st;
  if ((st = sl__keytab_reserve(t, &w->obj.mem, t->hw)) != SL_OK) return st == SL_EFULL ? SL_ECORRUPT : st;
  for (i = 0; i < t->hw && r->st == SL_OK; i++) {
    sl__wkey *k = sl__keytab_slot(t, (uint32_t)i);
    int64_t heap_t[2];
    int h;
    SL__MEMSET(k, 0, t->slot_size);
    k->live = sl__get_u8(r);
    k->heap_pos[0] = k->heap_pos[1] = SL__NOPOS;
    if (!sl__expect(r, k->live <= 1)) break;
    if (!k->live) {
      k->next_free = sl__get_u32(r);
      continue;
    }
    sl__load_key(w, k, r, heap_t);
    if (r->st == SL_OK && sl__keytab_find(t, sl__key_hash(k->id, k->key_len != 0), k->id,
                                          k->key_len ? sl__key_bytes(t, k) : NULL, k->key_len) != SL__NOPOS)
      r->st = SL_ECORRUPT; /* the same key twice */
    if (r->st == SL_OK && (st = sl__keytab_enter(t, &w->obj.mem, (uint32_t)i)) != SL_OK) return st;
    for (h = 0; h < 2 && r->st == SL_OK; h++) /* filed in slot order, as the keys were */
      if (heap_t[h] != SL__NO_END && sl__expect(r, w->heap[h].n < w->heap[h].cap))
        sl__heap_set(&w->heap[h], t, (uint32_t)i, heap_t[h]);
  }
  if (r->st != SL_OK) return r->st;
  sl__expect(r, t->tab_cap == tab_cap);
  for (s = t->free_head; s != SL__NOPOS && r->st == SL_OK; s = sl__keytab_slot(t, s)->next_free)
    if (!sl__expect(r, s < t->hw && !sl__keytab_slot(t, s)->live && ++n_free <= t->hw)) break;
  sl__expect(r, n_free + t->n_live == t->hw);
  return r->st;
}

static sl_status sl__load_queue(sl_window *w, sl__reader *r) {
  size_t n = (size_t)sl__get_count(r, w->q_cap), i, j;
  for (i = 0; i < n && r->st == SL_OK; i++) {
    uint8_t *p = w->q + i * w->q_rec;
    uint64_t h[4];
    h[0] = sl__get_u64(r);
    h[1] = (uint64_t)sl__get_i64(r);
    h[2] = (uint64_t)sl__get_i64(r);
    h[3] = sl__get_u16(r);
    if (!sl__expect(r, h[3] <= w->key_room)) break;
    SL__MEMCPY(p, h, sizeof h);
    sl__get_bytes(r, p + sizeof h, (size_t)h[3]);
    for (j = 0; j < w->n_values; j++) {
      double v = sl__get_finite(r);
      SL__MEMCPY(p + sizeof h + w->key_room + j * sizeof v, &v, sizeof v);
    }
  }
  w->q_n = n;
  sl__expect(r, n == 0 || sl__wops(w)->emits);
  return r->st;
}

static sl_status sl__load_state(sl_window *w, sl__reader *r) {
  uint64_t *counters[7] = {&w->n_events,  &w->n_late,          &w->n_emitted,       &w->n_expired,
                           &w->n_evicted, &w->n_windows_dropped, &w->n_events_dropped};
  sl_status st;
  size_t i;
  if (!sl__get_u8(r)) return r->st;
  if ((st = sl__window_ready(w)) != SL_OK) return st;
  w->newest = sl__get_i64(r);
  w->watermark = sl__get_i64(r);
  w->backlog = sl__get_u8(r);
  w->flushing = sl__get_u8(r);
  for (i = 0; i < 7; i++) *counters[i] = sl__get_u64(r);
  sl__expect(r, w->backlog <= 1 && w->flushing <= 1 && w->watermark <= w->newest);
  if (r->st != SL_OK) return r->st;
  if ((st = sl__load_keys(w, r)) != SL_OK) return st;
  return sl__load_queue(w, r);
}

sl_status sl__window_build(sl__object **out, const sl__kind *k, const sl__pval *params, sl__reader *r,
                           const sl_allocator *a) {
  sl_window *w;
  sl_status st = sl__object_new(out, sizeof(sl_window), k, params, a);
  if (st != SL_OK) return st;
  w = (sl_window *)*out;
  w->heap[0].which = SL__HEAP_CLOSE;
  w->heap[1].which = SL__HEAP_TTL;
  w->newest = w->watermark = INT64_MIN;
  if (sl__window_check(*out) != SL_OK) return SL_ECORRUPT; /* defaults pass: only a payload can fail */
  sl__window_layout(w);
  return r ? sl__load_state(w, r) : SL_OK;
}

/* ---- public calls --------------------------------------------------------------- */

SL_API sl_status sl_window_new(sl_window **out, sl_window_kind kind, unsigned aggregates, const sl_allocator *a) {
  sl__object *o;
  sl_status st;
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (!sl__class_kind(&sl__window_class, (int)kind)) return SL_EKIND;
  if (aggregates == 0 || aggregates > SL_WINDOW_AGG_ALL) return SL_ERANGE;
  if ((st = sl__class_new(&sl__window_class, (int)kind, NULL, a, &o)) != SL_OK) return st;
  o->param[SL__WP_AGGREGATES].i = aggregates;
  sl__window_layout((sl_window *)o);
  *out = (sl_window *)o;
  return SL_OK;
}

SL_API sl_status sl_window_set_callbacks(sl_window *w, sl_window_cb on_window, sl_window_late_cb on_late,
                                         sl_window_evict_cb on_evict, void *user) {
  if (!w) return SL_EINVAL;
  w->on_window = on_window;
  w->on_late = on_late;
  w->on_evict = on_evict;
  w->user = user;
  return SL_OK;
}

/* Checks shared by every push. */
static sl_status sl__check_event(const sl_window *w, int64_t ts, double value) {
  sl__clear_error(&w->obj);
  if (!sl__finite(value)) return sl__fail(&w->obj, SL_ENONFINITE, "value is NaN or infinite");
  if (ts <= -SL__TS_LIMIT || ts >= SL__TS_LIMIT) return sl__fail(&w->obj, SL_EINVAL, "timestamp beyond +-2^62");
  return SL_OK;
}

SL_API sl_status sl_window_push(sl_window *w, uint64_t key, int64_t ts, double value) {
  sl_status st;
  if (!w) return SL_EINVAL;
  if ((st = sl__check_event(w, ts, value)) != SL_OK) return st;
  return sl__window_push(w, key, NULL, 0, ts, value);
}

SL_API sl_status sl_window_push_bytes(sl_window *w, const void *key, size_t len, int64_t ts, double value) {
  sl_status st;
  if (!w) return SL_EINVAL;
  if ((st = sl__check_event(w, ts, value)) != SL_OK) return st;
  if (!key || len == 0 || len > (size_t)w->obj.param[SL__WP_KEY_BYTES_MAX].i)
    return sl__fail(&w->obj, SL_EINVAL, "byte key must be 1..key_bytes_max (%l) bytes",
                    w->obj.param[SL__WP_KEY_BYTES_MAX].i);
  return sl__window_push(w, sl_hash_bytes(key, len, 0), key, len, ts, value);
}

SL_API sl_status sl_window_push_many(sl_window *w, const uint64_t *keys, const int64_t *ts, const double *values,
                                     size_t n, size_t *n_done, size_t *n_late) {
  size_t i, late = 0;
  sl_status st = SL_OK;
  int ahead;
  if (!w) return SL_EINVAL;
  sl__clear_error(&w->obj);
  if (n && (!keys || !ts || !values)) return sl__fail(&w->obj, SL_EINVAL, "NULL array with n > 0");
  for (i = 0; i < n; i++)
    if ((st = sl__check_event(w, ts[i], values[i])) != SL_OK) return sl__fail(&w->obj, st, "event %z is invalid", i);
  ahead = sl__window_lookahead_pays(w);
  for (i = 0; i < n; i++) {
    uint64_t added = w->n_events;
    if (ahead) sl__window_prefetch(w, keys, n, i);
    st = sl__window_push(w, keys[i], NULL, 0, ts[i], values[i]);
    if (st == SL_OK) continue;
    if (st == SL_ELATE) {
      late++;
      st = SL_OK;
      continue;
    }
    if (st == SL_ECALLBACK && w->n_events != added) i++; /* it went in; delivery stopped after */
    break;
  }
  if (n_done) *n_done = i;
  if (n_late) *n_late = late;
  return st;
}

static sl_status sl__query(const sl_window *w, uint64_t id, const void *bytes, size_t len, double *out, size_t cap) {
  uint32_t slot;
  const sl__wkey *k;
  if (sl__wops(w)->emits)
    return sl__fail(&w->obj, SL_EKIND, "'%s' windows are emitted when they close, not queried", w->obj.kind->name);
  if (cap < w->n_values) return sl__fail(&w->obj, SL_EBUFFER, "query needs %z values, buffer has %z", w->n_values, cap);
  if (!w->ready) return sl__fail(&w->obj, SL_ENOTFOUND, "no such key");
  slot = sl__keytab_find(&w->keys, sl__key_hash(id, bytes != NULL), id, bytes, len);
  if (slot == SL__NOPOS) return sl__fail(&w->obj, SL_ENOTFOUND, "no such key");
  k = sl__keytab_slot(&w->keys, slot);
  sl__wops(w)->query(w, k, sl__wstate_c(k), out);
  return SL_OK;
}

SL_API sl_status sl_window_query(const sl_window *w, uint64_t key, double *out, size_t cap) {
  if (!w) return SL_EINVAL;
  sl__clear_error(&w->obj);
  if (!out) return sl__fail(&w->obj, SL_EINVAL, "output is NULL");
  return sl__query(w, key, NULL, 0, out, cap);
}

SL_API sl_status sl_window_query_bytes(const sl_window *w, const void *key, size_t len, double *out, size_t cap) {
  if (!w) return SL_EINVAL;
  sl__clear_error(&w->obj);
  if (!out || !key || len == 0 || len > (size_t)w->obj.param[SL__WP_KEY_BYTES_MAX].i)
    return sl__fail(&w->obj, SL_EINVAL, "NULL output, or key not 1..key_bytes_max bytes");
  return sl__query(w, sl_hash_bytes(key, len, 0), key, len, out, cap);
}

SL_API sl_status sl_window_poll(sl_window *w, uint64_t *keys, int64_t *starts, int64_t *ends, double *values,
                                size_t cap, size_t *n, uint8_t *key_bytes, size_t *key_lens) {
  size_t i, take;
  if (!w) return SL_EINVAL;
  sl__clear_error(&w->obj);
  if (!n || (cap && (!keys || !starts || !ends || (!values && w->n_values))))
    return sl__fail(&w->obj, SL_EINVAL, "NULL count, or NULL arrays with cap > 0");
  take = cap < w->q_n ? cap : w->q_n;
  for (i = 0; i < take; i++) {
    const double *v;
    const uint8_t *kb;
    size_t klen;
    sl__queue_read(w, i, &keys[i], &starts[i], &ends[i], &v, &kb, &klen);
    SL__MEMCPY(values + i * w->n_values, v, w->n_values * sizeof *v);
    if (key_lens) key_lens[i] = klen;
    if (key_bytes && klen) SL__MEMCPY(key_bytes + i * (size_t)w->obj.param[SL__WP_KEY_BYTES_MAX].i, kb, klen);
  }
  if (take) {
    w->q_head = (w->q_head + take) % w->q_cap;
    w->q_n -= take;
  }
  *n = take;
  if (w->backlog || w->flushing) sl__window_drain(w);
  return SL_OK;
}

SL_API sl_status sl_window_flush(sl_window *w) {
  sl_status st;
  if (!w) return SL_EINVAL;
  sl__clear_error(&w->obj);
  if (!w->ready || !sl__wops(w)->emits) return SL_OK;
  w->flushing = 1;
  st = sl__window_drain(w);
  if (st == SL_EFULL) return sl__fail(&w->obj, st, "the poll queue is full: poll, then flush again");
  if (st == SL_ECALLBACK) return sl__fail(&w->obj, st, "on_window stopped the flush");
  return st;
}

SL_API size_t sl_window_n_values(const sl_window *w) { return w ? w->n_values : 0; }

SL_API sl_status sl_window_value_name(const sl_window *w, size_t i, const char **name) {
  int b;
  if (!w || !name) return SL_EINVAL;
  for (b = 0; b < 12; b++) {
    size_t width = b == 11 ? (size_t)w->obj.param[SL__WP_N_QUANTILES].i : 1;
    if (w->pos[b] < 0) continue;
    if (i < (size_t)w->pos[b] + width) {
      *name = b == 11 ? w->q_name[i - (size_t)w->pos[b]] : sl__agg_names[b];
      return SL_OK;
    }
  }
  return SL_ENOTFOUND;
}

SL_API sl_status sl_window_watermark(const sl_window *w, int64_t *watermark) {
  if (!w || !watermark) return SL_EINVAL;
  *watermark = w->watermark;
  return SL_OK;
}
