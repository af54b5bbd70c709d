/* Event time: the watermark, lateness, closing due windows in order of end
 * (the close heap), expiring idle keys (the TTL heap), evicting at the key
 * cap, and the emit queue behind sl_window_poll(). */
#include "window_impl.h"

/* Queue record: id, start, end, key length (u64 each), key bytes, values. */
size_t sl__queue_rec_size(const sl_window *w) { return 4 * sizeof(uint64_t) + w->key_room + w->n_values * sizeof(double); }

static uint8_t *sl__queue_rec(const sl_window *w, size_t i) {
  size_t j = w->q_head + i;
  return w->q + (j >= w->q_cap ? j - w->q_cap : j) * w->q_rec;
}

void sl__queue_read(const sl_window *w, size_t i, uint64_t *id, int64_t *start, int64_t *end, const double **vals,
                    const uint8_t **kb, size_t *klen) {
  const uint8_t *p = sl__queue_rec(w, i);
  uint64_t h[4];
  SL__MEMCPY(h, p, sizeof h);
  *id = h[0];
  *start = (int64_t)h[1];
  *end = (int64_t)h[2];
  *klen = (size_t)h[3];
  *kb = p + sizeof h;
  *vals = (const double *)(p + sizeof h + w->key_room);
}

static void sl__queue_push(sl_window *w, const sl__wkey *k, int64_t start, int64_t end, const double *vals) {
  uint8_t *p = sl__queue_rec(w, w->q_n);
  uint64_t h[4];
  h[0] = k->id;
  h[1] = (uint64_t)start;
  h[2] = (uint64_t)end;
  h[3] = k->key_len;
  SL__MEMCPY(p, h, sizeof h);
  SL__MEMCPY(p + sizeof h, sl__key_bytes(&w->keys, k), k->key_len);
  SL__MEMCPY(p + sizeof h + w->key_room, vals, w->n_values * sizeof(double));
  w->q_n++;
}

void sl__window_keyview(const sl_window *w, const sl__wkey *k, sl_window_key *out) {
  out->id = k->id;
  out->bytes = k->key_len ? (const void *)sl__key_bytes(&w->keys, k) : NULL;
  out->len = k->key_len;
}

/* Takes a key out: heaps, table; its open windows are counted as dropped. */
static void sl__window_drop_key(sl_window *w, uint32_t slot, sl_window_removal why) {
  sl__wkey *k = sl__keytab_slot(&w->keys, slot);
  if (w->on_evict) {
    sl_window_key kv;
    sl__window_keyview(w, k, &kv);
    w->on_evict(&kv, k->last_seen, why, w->user);
  }
  if (sl__wops(w)->emits) w->n_windows_dropped += sl__wops(w)->n_open(w, sl__wstate(k));
  sl__heap_remove(&w->heap[SL__HEAP_CLOSE], &w->keys, slot);
  sl__heap_remove(&w->heap[SL__HEAP_TTL], &w->keys, slot);
  sl__keytab_remove(&w->keys, slot);
  if (why == SL_WINDOW_EXPIRED)
    w->n_expired++;
  else
    w->n_evicted++;
}

/* Closes due windows in order of (end, slot) while there is somewhere to put them. */
static sl_status sl__close_due(sl_window *w) {
  sl__heap *h = &w->heap[SL__HEAP_CLOSE];
  const sl__window_ops *ops = sl__wops(w);
  int64_t t, start, end, actual;
  uint32_t slot;
  while (sl__heap_top(h, &t, &slot) && (w->flushing || t <= w->watermark)) {
    sl__wkey *k = sl__keytab_slot(&w->keys, slot);
    void *st = sl__wstate(k);
    actual = ops->next_end(w, st);
    if (actual != t) { /* the key's earliest end moved later: reorder, emit nothing yet */
      sl__heap_set(h, &w->keys, slot, actual);
      continue;
    }
    if (!w->on_window && w->q_n == w->q_cap) {
      w->backlog = 1;
      return SL_EFULL;
    }
    ops->close_first(w, st, &start, &end, w->scratch);
    actual = ops->next_end(w, st);
    if (actual == SL__NO_END)
      sl__heap_remove(h, &w->keys, slot);
    else
      sl__heap_set(h, &w->keys, slot, actual);
    w->n_emitted++;
    if (w->on_window) {
      sl_window_key kv;
      sl__window_keyview(w, k, &kv);
      if (w->on_window(&kv, start, end, w->scratch, w->n_values, w->user) != 0) {
        w->backlog = 1;
        return SL_ECALLBACK;
      }
    } else {
      sl__queue_push(w, k, start, end, w->scratch);
    }
  }
  w->backlog = 0;
  if (!h->n) w->flushing = 0;
  return SL_OK;
}

/* Removes keys idle for ttl behind the watermark, once their windows are closed. */
static void sl__expire_due(sl_window *w) {
  sl__heap *h = &w->heap[SL__HEAP_TTL];
  int64_t t, ttl = w->obj.param[SL__WP_TTL].i;
  uint32_t slot;
  while (sl__heap_top(h, &t, &slot) && t <= w->watermark) {
    sl__wkey *k = sl__keytab_slot(&w->keys, slot);
    int64_t due = k->last_seen + ttl;
    if (sl__wops(w)->emits) {
      int64_t end = sl__wops(w)->next_end(w, sl__wstate(k)); /* > watermark: closing is done */
      if (end != SL__NO_END && end > due) due = end;
    }
    if (due > w->watermark)
      sl__heap_set(h, &w->keys, slot, due);
    else
      sl__window_drop_key(w, slot, SL_WINDOW_EXPIRED);
  }
}

sl_status sl__window_drain(sl_window *w) {
  sl_status st = sl__close_due(w);
  if (st == SL_OK && w->obj.param[SL__WP_TTL].i > 0) sl__expire_due(w);
  return st;
}

void sl__window_unready(sl_window *w) {
  sl__keytab_free(&w->keys, &w->obj.mem);
  sl__heap_free(&w->heap[0], &w->obj.mem);
  sl__heap_free(&w->heap[1], &w->obj.mem);
  sl__free(&w->obj.mem, w->q, w->q_cap * w->q_rec);
  w->q = NULL;
  w->q_cap = w->q_n = w->q_head = 0;
  w->hint = NULL;
  w->ready = 0;
}

sl_status sl__window_ready(sl_window *w) {
  sl_status st;
  if (w->ready) return SL_OK;
  st = sl__keytab_init(&w->keys, &w->obj.mem, (size_t)w->obj.param[SL__WP_KEY_CAP].i, w->slot_size,
                       sizeof(sl__wkey) + w->state_size);
  if (st == SL_OK && sl__wops(w)->emits) {
    w->q_rec = sl__queue_rec_size(w);
    w->q = (uint8_t *)sl__alloc_array(&w->obj.mem, (size_t)w->obj.param[SL__WP_QUEUE_CAP].i, w->q_rec);
    if (!w->q)
      st = SL_ENOMEM;
    else
      w->q_cap = (size_t)w->obj.param[SL__WP_QUEUE_CAP].i;
  }
  if (st != SL_OK) {
    sl__window_unready(w);
    return st;
  }
  w->ready = 1;
  return SL_OK;
}

/* Heap room for one more key, grown geometrically up to key_cap. */
static sl_status sl__heaps_room(sl_window *w) {
  size_t need = w->keys.n_live + 1, cap = (size_t)w->obj.param[SL__WP_KEY_CAP].i, want;
  int i;
  for (i = 0; i < 2; i++) {
    sl__heap *h = &w->heap[i];
    if (need <= h->cap) continue;
    if (i == SL__HEAP_CLOSE ? !sl__wops(w)->emits : w->obj.param[SL__WP_TTL].i == 0) continue;
    want = h->cap * 2 > 64 ? h->cap * 2 : 64;
    if (want > cap) want = cap;
    if (sl__heap_reserve(h, &w->obj.mem, want) != SL_OK) return SL_ENOMEM;
  }
  return SL_OK;
}

/* The slot of the event's key, created when new (evicting at the cap). */
static sl_status sl__key_slot(sl_window *w, uint64_t id, const void *bytes, size_t len, int64_t ts, uint32_t *slot) {
  uint64_t hash = sl__key_hash(id, bytes != NULL);
  sl__wkey *k;
  sl_status st;
  *slot = sl__keytab_find(&w->keys, hash, id, bytes, len);
  if (*slot != SL__NOPOS) return SL_OK;
  if (w->keys.n_live >= (size_t)w->obj.param[SL__WP_KEY_CAP].i) {
    if (w->obj.param[SL__WP_KEY_FULL].i == SL__KEY_FULL_REFUSE)
      return sl__fail(&w->obj, SL_EFULL, "key_cap (%l) keys held and key_full is refuse",
                      w->obj.param[SL__WP_KEY_CAP].i);
    sl__window_drop_key(w, sl__keytab_victim(&w->keys), SL_WINDOW_EVICTED);
  } else if (sl__heaps_room(w) != SL_OK) {
    return sl__fail(&w->obj, SL_ENOMEM, "no memory for a new key");
  }
  if ((st = sl__keytab_insert(&w->keys, &w->obj.mem, hash, slot)) != SL_OK)
    return sl__fail(&w->obj, st, "no memory for a new key");
  k = sl__keytab_slot(&w->keys, *slot);
  k->id = id;
  k->key_len = (uint16_t)(bytes ? len : 0);
  k->last_seen = ts;
  if (bytes) SL__MEMCPY(sl__key_bytes(&w->keys, k), bytes, len);
  return SL_OK;
}

/* Refuses a late event: counted, reported to on_late. */
static sl_status sl__late(sl_window *w, uint64_t id, const void *bytes, size_t len, int64_t ts, double x) {
  w->n_late++;
  if (w->on_late) {
    sl_window_key kv;
    kv.id = id;
    kv.bytes = bytes;
    kv.len = bytes ? len : 0;
    w->on_late(&kv, ts, x, w->watermark, w->user);
  }
  return sl__fail(&w->obj, SL_ELATE, "timestamp %l is behind the watermark %l", ts, w->watermark);
}

/* 1 when the watermark has reached a window end or a TTL deadline. */
static int sl__due(const sl_window *w) {
  const sl__heap *c = &w->heap[SL__HEAP_CLOSE], *t = &w->heap[SL__HEAP_TTL];
  return (c->n && c->e[0].t <= w->watermark) || (t->n && t->e[0].t <= w->watermark);
}

sl_status sl__window_push(sl_window *w, uint64_t id, const void *bytes, size_t len, int64_t ts, double x) {
  sl__wkey *k = w->hint;
  uint32_t slot = w->hint_slot;
  sl_status st;
  int r;
  if (SL__UNLIKELY(!w->ready) && (st = sl__window_ready(w)) != SL_OK)
    return sl__fail(&w->obj, st, "no memory for the key table");
  w->obj.started = 1;
  if (SL__UNLIKELY(ts < w->watermark)) return sl__late(w, id, bytes, len, ts, x);
  if (SL__UNLIKELY(w->backlog | w->flushing)) {
    st = sl__close_due(w);
    if (w->backlog || w->flushing)
      return sl__fail(&w->obj, st, "closed windows wait for %s", st == SL_EFULL ? "sl_window_poll" : "the callback");
  }
  /* The hint: the same integer key as the push before (no hashing). */
  if (bytes || !k || k->id != id || !k->live || k->key_len) {
    if ((st = sl__key_slot(w, id, bytes, len, ts, &slot)) != SL_OK) return st;
    k = sl__keytab_slot(&w->keys, slot);
    w->hint = k;
    w->hint_slot = slot;
  }
  r = w->add(w, k, sl__wstate(k), ts, x);
  if (SL__UNLIKELY(r < 0)) return sl__fail(&w->obj, (sl_status)r, "the key's window slots are full");
  if (ts > k->last_seen) k->last_seen = ts;
  if (r) { /* the key's earliest window may end sooner: refile it in the close heap */
    sl__heap *h = &w->heap[SL__HEAP_CLOSE];
    int64_t end = sl__wops(w)->next_end(w, sl__wstate(k));
    if (k->heap_pos[SL__HEAP_CLOSE] == SL__NOPOS || end < sl__heap_time(h, k)) sl__heap_set(h, &w->keys, slot, end);
  }
  if (w->obj.param[SL__WP_TTL].i > 0 && k->heap_pos[SL__HEAP_TTL] == SL__NOPOS)
    sl__heap_set(&w->heap[SL__HEAP_TTL], &w->keys, slot, k->last_seen + w->obj.param[SL__WP_TTL].i);
  w->n_events++;
  if (ts > w->newest) {
    w->newest = ts;
    w->watermark = ts - w->obj.param[SL__WP_LATENESS].i;
    if (sl__due(w) && (st = sl__window_drain(w)) == SL_ECALLBACK)
      return sl__fail(&w->obj, st, "on_window stopped the delivery");
  }
  return SL_OK;
}

/* push_many's lookahead. With many keys a push waits on memory: the table
 * entry, then the key's slot, then (ring kinds) the events it reads or
 * writes. While event i is added, the table entry of event i + 2 * SL__AHEAD,
 * the slot of event i + SL__AHEAD and the kind's lines of event
 * i + SL__AHEAD / 2 are fetched, so the misses of several events overlap.
 * Slots are found by tag alone, unverified: a wrong guess only costs a
 * useless fetch. */
#define SL__AHEAD 8
/* Below this many keys the table and slots stay in cache: no lookahead. */
#define SL__AHEAD_MIN_KEYS 16384

int sl__window_lookahead_pays(const sl_window *w) { return w->ready && w->keys.n_live >= SL__AHEAD_MIN_KEYS; }

/* The slot whose table entry first matches the tag of integer key `id`, or NULL. */
static const uint8_t *sl__slot_guess(const sl__keytab *t, uint64_t id) {
  uint64_t h = sl__key_hash(id, 0);
  size_t mask = t->tab_cap - 1, j = (size_t)h & mask;
  const sl__keyent *e;
  for (e = &t->tab[j]; e->slot && e->tag != (uint32_t)(h >> 32); e = &t->tab[j = (j + 1) & mask]) {
  }
  return e->slot ? (const uint8_t *)sl__keytab_slot(t, e->slot - 1) : NULL;
}

void sl__window_prefetch(const sl_window *w, const uint64_t *keys, size_t n, size_t i) {
  const sl__keytab *t = &w->keys;
  const sl__window_ops *ops = sl__wops(w);
  const uint8_t *k;
  if (i + 2 * SL__AHEAD < n) SL__PREFETCH(sl__keytab_home(t, sl__key_hash(keys[i + 2 * SL__AHEAD], 0)));
  if (i + SL__AHEAD < n && (k = sl__slot_guess(t, keys[i + SL__AHEAD])) != NULL) {
    SL__PREFETCH(k);
    SL__PREFETCH(k + 64);
  }
  if (ops->prefetch && i + SL__AHEAD / 2 < n && (k = sl__slot_guess(t, keys[i + SL__AHEAD / 2])) != NULL)
    ops->prefetch(w, k + sizeof(sl__wkey));
}
