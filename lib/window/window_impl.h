/* Private to lib/window: the pieces behind sl_window.
 *
 *   window.c    public entry points, argument checks, the kind array
 *   eventtime.c watermark, closing due windows, TTL expiry, the emit queue
 *   keytable.c  open-addressing key table over chunked per-key slots
 *   timeheap.c  indexed min-heap of (time, slot): window ends, TTL deadlines
 *   agg.c       the aggregate state of one window (add, remove, merge, read)
 *   sketch.c    log-binned quantile sketch with exact removal
 *   mondeque.c  monotonic deque: sliding min / max with removal
 *   ring.c      a key's events in timestamp order (sliding and count kinds)
 *   aligned.c   tumbling and hopping windows (tumbling.c, hopping.c: kinds)
 *   session.c, sliding.c, count.c, params.c
 *
 * The push path is specialised once, when the layout is derived: each kind
 * has an `add` compiled for the general aggregate mask and one compiled for
 * masks that only need the count and the sum (w->add holds the one in use),
 * and the aggregate updates are inline templates over a constant `need`.
 */
#ifndef SL_WINDOW_IMPL_H
#define SL_WINDOW_IMPL_H

#include "../core/object.h"
#include "streamlearn/window.h"

/* Timestamps and durations are kept within +-2^62 so sums never overflow. */
#define SL__TS_LIMIT ((int64_t)1 << 62)
#define SL__NOPOS UINT32_MAX
#define SL__NO_END INT64_MAX

#if defined(__GNUC__)
#define SL__INLINE static inline __attribute__((always_inline))
/* A read hint for the cache; a no-op where the compiler has none. */
#define SL__PREFETCH(p) __builtin_prefetch((p), 1, 3)
#else
#define SL__INLINE static inline
#define SL__PREFETCH(p) ((void)(p))
#endif

/* ---- parameters ------------------------------------------------------------
 * Every kind's table starts with the common rows in this order (params.c
 * stamps them), then the kind's own at SL__WP_KIND0, SL__WP_KIND1. */
enum {
  SL__WP_AGGREGATES,
  SL__WP_LATENESS,
  SL__WP_KEY_CAP,
  SL__WP_KEY_FULL,
  SL__WP_KEY_BYTES_MAX,
  SL__WP_TTL,
  SL__WP_QUEUE_CAP,
  SL__WP_EWMA_HALFLIFE,
  SL__WP_UNITS_PER_SECOND,
  SL__WP_DDOF,
  SL__WP_Q_ACCURACY,
  SL__WP_Q_MIN,
  SL__WP_Q_MAX,
  SL__WP_N_QUANTILES,
  SL__WP_Q1, /* .. SL__WP_Q1 + 3 */
  SL__WP_KIND0 = SL__WP_Q1 + 4,
  SL__WP_KIND1
};
enum { SL__KEY_FULL_EVICT = 0, SL__KEY_FULL_REFUSE = 1 };

#define SL__WINDOW_N_COMMON_PARAMS ((size_t)SL__WP_KIND0)
extern const char *const sl__window_stats[];
/* Checks cross-parameter rules (q_min < q_max) after a change. */
sl_status sl__window_configure(sl__object *o, size_t changed, sl__pval old);
double sl__window_stat(const sl__object *o, size_t i);

/* ---- quantile sketch --------------------------------------------------------
 * Bins of relative width: magnitudes in [q_min * g^j, q_min * g^(j+1)) share
 * bin j, g = (1 + a) / (1 - a), for j < nb; a bin's value is within relative
 * error a of every value in it. Layout: nb negative bins (most negative
 * first), one bin for |x| < q_min, nb positive bins: m = 2 nb + 1 counters.
 * Counts are exact, so removal is exact. */
typedef struct sl__sketch_cfg {
  double q_min, inv_log_g, g, accuracy;
  uint32_t nb, m;
} sl__sketch_cfg;

void sl__sketch_config(sl__sketch_cfg *c, double accuracy, double q_min, double q_max);
uint32_t sl__sketch_bin(const sl__sketch_cfg *c, double x);
/* The value of rank floor(q * (n - 1)) (0-based) among the n counted. */
double sl__sketch_quantile(const sl__sketch_cfg *c, const uint32_t *bins, uint64_t n, double q);
/* Largest magnitude resolved to relative accuracy; larger ones clamp to it. */
double sl__sketch_max(const sl__sketch_cfg *c);

/* ---- aggregates of one window ------------------------------------------------
 * Kept in double whatever sl_real is: variance by Welford with removal and
 * sums need the precision for exactness against the conformance references.
 * Followed in memory by the sketch's m uint32 bins when quantiles are on.
 * n and sum come first: a count / sum / mean window touches only them. */
typedef struct sl__agg {
  double n, sum, mean, m2, min, max;
  double first, last;      /* values at first_ts / last_ts */
  int64_t first_ts, last_ts;
  double ew_s, ew_w;       /* sum of w*x and of w, w = 2^((t - ew_t) / halflife) */
  int64_t ew_t;
} sl__agg;

/* What an aggregate state tracks beyond count and sum (w->need), from the
 * mask and the kind: the ring kinds read min / max from their deques and
 * first / last from the ring, sessions always need their first / last times. */
#define SL__NEED_M2 1u     /* Welford mean and m2: var, std */
#define SL__NEED_EWMA 2u
#define SL__NEED_QUANT 4u  /* sketch bins */
#define SL__NEED_MINMAX 8u /* min, max */
#define SL__NEED_ENDS 16u  /* first, last and their times */

/* ---- key slots ---------------------------------------------------------------
 * Slot layout: sl__wkey (32 bytes), the kind's state (state_size), the key
 * bytes (key_bytes_max, rounded to 8; cold, so last). Slots are 64-byte
 * aligned and their size a multiple of 64, so the header and the first 32
 * bytes of the state (a ring's counters, an aggregate's count and sum) share
 * one cache line. */
typedef struct sl__wkey {
  uint64_t id;          /* the integer key, or sl_hash_bytes of the bytes */
  int64_t last_seen;    /* newest timestamp of the key */
  uint32_t heap_pos[2]; /* position in each heap, SL__NOPOS when out */
  uint32_t next_free;   /* free list link while not live */
  uint16_t key_len;     /* 0: integer key */
  uint8_t live;
  uint8_t pad_[1];
} sl__wkey;

typedef struct sl__keyent {
  uint32_t tag;  /* hash >> 32 */
  uint32_t slot; /* slot + 1; 0 = empty */
} sl__keyent;

typedef struct sl__keytab {
  sl__keyent *tab;
  size_t tab_cap; /* power of two */
  uint8_t **chunks; /* 64-byte aligned; the block as allocated is stored just before */
  size_t n_chunks, max_chunks, chunk_slots, slot_size;
  unsigned chunk_shift; /* chunk_slots = 2^chunk_shift */
  size_t key_off;       /* offset of the key bytes in a slot */
  size_t hw;         /* slots ever handed out: [0, hw) exist */
  size_t n_live;
  uint32_t free_head; /* SL__NOPOS when empty */
  size_t cursor;      /* eviction sampling position */
} sl__keytab;

/* ---- heaps --------------------------------------------------------------------
 * Min-heap of (time, slot), ties by slot, so pops are in one total order
 * whatever the layout. Each key's position is kept in its slot header. */
typedef struct sl__heapent {
  int64_t t;
  uint32_t slot;
} sl__heapent;

typedef struct sl__heap {
  sl__heapent *e;
  size_t n, cap;
  int which; /* index into sl__wkey.heap_pos */
} sl__heap;

enum { SL__HEAP_CLOSE = 0, SL__HEAP_TTL = 1 };

/* ---- the handle ------------------------------------------------------------ */

typedef struct sl__window_ops sl__window_ops;
/* A kind's add (see sl__window_ops.add). */
typedef int (*sl__add_fn)(sl_window *w, sl__wkey *k, void *st, int64_t ts, double x);

struct sl_window {
  sl__object obj;
  sl_window_cb on_window;
  sl_window_late_cb on_late;
  sl_window_evict_cb on_evict;
  void *user;
  int ready; /* structures built (first push or load) */
  /* layout, derived from the parameters when ready */
  unsigned aggs;
  unsigned need;  /* SL__NEED_* */
  sl__add_fn add; /* the kind's add for this mask */
  size_t n_values;
  int pos[12];      /* output index of each aggregate bit, -1 if off */
  size_t agg_size;  /* sl__agg plus sketch bins */
  size_t key_room;  /* key bytes in a slot */
  size_t state_size; /* rounded to 8 */
  size_t slot_size;  /* header, state, key bytes; a multiple of 64 */
  sl__sketch_cfg sk;
  double q_level[4];
  char q_name[4][16];
  /* event time */
  int64_t newest, watermark;
  int backlog;  /* due windows not yet emitted */
  int flushing; /* a flush has windows left to emit */
  sl__keytab keys;
  sl__wkey *hint;     /* key of the latest push (checked before use), or NULL */
  uint32_t hint_slot;
  sl__heap heap[2];
  /* emit queue: a ring of fixed-size records */
  uint8_t *q;
  size_t q_cap, q_head, q_n, q_rec;
  /* statistics */
  uint64_t n_events, n_late, n_emitted, n_expired, n_evicted, n_windows_dropped, n_events_dropped;
  double scratch[SL_WINDOW_MAX_VALUES];
};

struct sl__window_ops {
  int emits; /* 1: closes windows (close heap); 0: read by query */
  size_t (*state_size)(const sl_window *w);
  /* A checked, in-time event for key `k` (k->last_seen not yet raised to
   * ts). Returns 0, 1 when the key's earliest open window may have an
   * earlier end than before (emitting kinds: the close heap is checked),
   * or SL_EFULL with nothing changed when the key's window slots are taken
   * by windows waiting for the poll queue. `add` serves every mask,
   * `add_sums` only masks with need == 0 (NULL: use `add`). */
  sl__add_fn add, add_sums;
  /* End of the earliest open window, SL__NO_END when none (emitting kinds). */
  int64_t (*next_end)(const sl_window *w, const void *st);
  /* Writes the earliest open window's values and bounds, and forgets it. */
  void (*close_first)(sl_window *w, void *st, int64_t *start, int64_t *end, double *out);
  /* Open windows held (dropped when the key is evicted). */
  size_t (*n_open)(const sl_window *w, const void *st);
  /* The current window's values (queried kinds). */
  void (*query)(const sl_window *w, const sl__wkey *k, const void *st, double *out);
  void (*save)(const sl_window *w, const void *st, sl__writer *wr);
  /* Reads and validates a state (a bad one marks `r` corrupt). */
  void (*load)(const sl_window *w, void *st, sl__reader *r);
  /* Asks the cache for what the next add will touch beyond the slot's first
   * 128 bytes (push_many's lookahead); NULL when nothing is worth it. */
  void (*prefetch)(const sl_window *w, const void *st);
};

extern const sl__handle_class sl__window_class;
extern const sl__kind sl__tumbling_kind, sl__hopping_kind, sl__sliding_kind, sl__session_kind, sl__count_kind;
extern const sl__window_ops sl__tumbling_ops, sl__hopping_ops, sl__sliding_ops, sl__count_ops;

static inline const sl__window_ops *sl__wops(const sl_window *w) {
  return (const sl__window_ops *)w->obj.kind->ops;
}
static inline void *sl__wstate(sl__wkey *k) { return k + 1; }
static inline const void *sl__wstate_c(const sl__wkey *k) { return k + 1; }
static inline int64_t sl__floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Kind construction shared by the five kinds (window.c). */
sl_status sl__window_build(sl__object **out, const sl__kind *k, const sl__pval *params, sl__reader *r,
                           const sl_allocator *a);
/* Derives the layout (values, sizes, sketch) from the parameters. */
void sl__window_layout(sl_window *w);
/* Cross-parameter rules; SL_OK or SL_ERANGE with detail. */
sl_status sl__window_check(const sl__object *o);
void sl__window_destroy(sl__object *o);
sl_status sl__window_save(const sl__object *o, sl__writer *w);

/* agg.c */
void sl__agg_reset(const sl_window *w, sl__agg *a);
/* The general add / remove: sl__agg_add_t / sl__agg_remove_t with w->need. */
void sl__agg_add(const sl_window *w, sl__agg *a, int64_t ts, double x);
void sl__agg_remove(const sl_window *w, sl__agg *a, int64_t ts, double x);
void sl__agg_merge(const sl_window *w, sl__agg *into, const sl__agg *from);
void sl__ewma_add(const sl_window *w, sl__agg *a, int64_t ts, double x);
void sl__ewma_remove(const sl_window *w, sl__agg *a, int64_t ts, double x);
/* Values in output order; `duration` (time units) is the rate's denominator. */
void sl__agg_out(const sl_window *w, const sl__agg *a, double duration, double *out);
void sl__agg_save(const sl_window *w, const sl__agg *a, sl__writer *wr);
void sl__agg_load(const sl_window *w, sl__agg *a, sl__reader *r);
static inline uint32_t *sl__agg_bins(sl__agg *a) { return (uint32_t *)(a + 1); }
static inline const uint32_t *sl__agg_bins_c(const sl__agg *a) { return (const uint32_t *)(a + 1); }

/* Adds x at ts, tracking what `need` (a constant where the caller is a
 * specialised path) asks beyond n and sum. */
SL__INLINE void sl__agg_add_t(const sl_window *w, sl__agg *a, int64_t ts, double x, unsigned need) {
  if (need & SL__NEED_EWMA) sl__ewma_add(w, a, ts, x);
  if (need & SL__NEED_QUANT) sl__agg_bins(a)[sl__sketch_bin(&w->sk, x)]++;
  if (need & (SL__NEED_ENDS | SL__NEED_MINMAX)) {
    if (a->n == 0) {
      a->min = a->max = a->first = a->last = x;
      a->first_ts = a->last_ts = ts;
    } else {
      if ((need & SL__NEED_ENDS) && ts < a->first_ts) {
        a->first_ts = ts;
        a->first = x;
      }
      if ((need & SL__NEED_ENDS) && ts >= a->last_ts) {
        a->last_ts = ts;
        a->last = x;
      }
      if ((need & SL__NEED_MINMAX) && x < a->min) a->min = x;
      if ((need & SL__NEED_MINMAX) && x > a->max) a->max = x;
    }
  }
  a->n += 1.0;
  a->sum += x;
  if (need & SL__NEED_M2) {
    double delta = x - a->mean;
    a->mean += delta / a->n;
    a->m2 += delta * (x - a->mean);
  }
}

/* Removes a value added before (the kinds that remove read min, max, first
 * and last from their deques and ring, so those are not restored). The last
 * value out resets the state: with need == 0 only n and sum, the fields
 * such a state never writes. */
SL__INLINE void sl__agg_remove_t(const sl_window *w, sl__agg *a, int64_t ts, double x, unsigned need) {
  double delta;
  if (a->n <= 1.0) {
    if (need)
      sl__agg_reset(w, a);
    else
      a->n = a->sum = 0.0;
    return;
  }
  if (need & SL__NEED_EWMA) sl__ewma_remove(w, a, ts, x);
  if (need & SL__NEED_QUANT) sl__agg_bins(a)[sl__sketch_bin(&w->sk, x)]--;
  a->n -= 1.0;
  a->sum -= x;
  if (need & SL__NEED_M2) {
    delta = x - a->mean;
    a->mean -= delta / a->n;
    a->m2 -= delta * (x - a->mean);
    if (a->m2 < 0) a->m2 = 0; /* rounding when the rest are all equal */
  }
}

/* keytable.c */
/* Slots of `slot_size` bytes (a multiple of 64) whose key bytes start at `key_off`. */
sl_status sl__keytab_init(sl__keytab *t, sl__mem *m, size_t key_cap, size_t slot_size, size_t key_off);
void sl__keytab_free(sl__keytab *t, sl__mem *m);
static inline sl__wkey *sl__keytab_slot(const sl__keytab *t, uint32_t s) {
  return (sl__wkey *)(t->chunks[s >> t->chunk_shift] + (size_t)(s & (t->chunk_slots - 1)) * t->slot_size);
}
static inline uint8_t *sl__key_bytes(const sl__keytab *t, const sl__wkey *k) { return (uint8_t *)k + t->key_off; }

/* The table hash of a key: a multiply-shift mixer (odd 64-bit multiplier,
 * high half folded into the low half, so the low bits that pick the table
 * position depend on every bit of the key). Byte keys (`id` = their
 * sl_hash_bytes) are offset so they never share a hash chain by design with
 * the integer key of the same value. */
static inline uint64_t sl__key_hash(uint64_t id, int is_bytes) {
  uint64_t h = (id ^ (is_bytes ? 0x27d4eb2f165667c5ull : 0)) * 0x9e3779b97f4a7c15ull;
  return h ^ (h >> 32);
}
static inline const sl__keyent *sl__keytab_home(const sl__keytab *t, uint64_t hash) {
  return &t->tab[(size_t)hash & (t->tab_cap - 1)];
}

/* The key's slot, or SL__NOPOS. `bytes` NULL for an integer key (`id`). */
static inline uint32_t sl__keytab_find(const sl__keytab *t, uint64_t hash, uint64_t id, const void *bytes, size_t len) {
  size_t mask = t->tab_cap - 1, i = (size_t)hash & mask;
  uint32_t tag = (uint32_t)(hash >> 32);
  for (;; i = (i + 1) & mask) {
    const sl__keyent *e = &t->tab[i];
    const sl__wkey *k;
    if (!e->slot) return SL__NOPOS;
    if (e->tag != tag) continue;
    k = sl__keytab_slot(t, e->slot - 1);
    if (k->id == id && k->key_len == (bytes ? len : 0) && (!bytes || SL__MEMCMP(sl__key_bytes(t, k), bytes, len) == 0))
      return e->slot - 1;
  }
}
/* A zeroed live slot for a new key, entered in the table; makes room first
 * (a chunk, a larger table). SL_ENOMEM leaves everything unchanged. */
sl_status sl__keytab_insert(sl__keytab *t, sl__mem *m, uint64_t hash, uint32_t *slot);
/* Takes the key out of the table and frees its slot. */
void sl__keytab_remove(sl__keytab *t, uint32_t slot);
/* The least recently seen of up to 16 live slots sampled from a rotating cursor. */
uint32_t sl__keytab_victim(sl__keytab *t);
/* Makes slots [0, hw) exist (load); SL_ENOMEM. */
sl_status sl__keytab_reserve(sl__keytab *t, sl__mem *m, size_t hw);
/* Enters a live slot built by load into the table. */
sl_status sl__keytab_enter(sl__keytab *t, sl__mem *m, uint32_t slot);

/* timeheap.c */
sl_status sl__heap_reserve(sl__heap *h, sl__mem *m, size_t cap);
void sl__heap_free(sl__heap *h, sl__mem *m);
/* Inserts the key or moves its entry to time t. */
void sl__heap_set(sl__heap *h, const sl__keytab *kt, uint32_t slot, int64_t t);
void sl__heap_remove(sl__heap *h, const sl__keytab *kt, uint32_t slot);
static inline int sl__heap_top(const sl__heap *h, int64_t *t, uint32_t *slot) {
  if (!h->n) return 0;
  *t = h->e[0].t;
  *slot = h->e[0].slot;
  return 1;
}
/* The time the key is filed under (it must be in the heap). */
static inline int64_t sl__heap_time(const sl__heap *h, const sl__wkey *k) { return h->e[k->heap_pos[h->which]].t; }

/* eventtime.c */
/* Adds a checked event (ts within limits, value finite) for the key. */
sl_status sl__window_push(sl_window *w, uint64_t id, const void *bytes, size_t len, int64_t ts, double x);
/* push_many's cache lookahead: whether the key count makes it pay, and the
 * prefetches to issue before adding event i of keys[0..n). */
int sl__window_lookahead_pays(const sl_window *w);
void sl__window_prefetch(const sl_window *w, const uint64_t *keys, size_t n, size_t i);
/* Emits what is due (or everything when flushing) as far as the queue and
 * the callback allow. SL_OK, SL_EFULL (queue full), SL_ECALLBACK. */
sl_status sl__window_drain(sl_window *w);
/* Builds the structures the first push needs; SL_ENOMEM, SL_ERANGE. */
sl_status sl__window_ready(sl_window *w);
void sl__window_unready(sl_window *w);
/* Reads a queued record. */
void sl__queue_read(const sl_window *w, size_t i, uint64_t *id, int64_t *start, int64_t *end, const double **vals,
                    const uint8_t **kb, size_t *klen);
size_t sl__queue_rec_size(const sl_window *w);
/* A key's callback view. */
void sl__window_keyview(const sl_window *w, const sl__wkey *k, sl_window_key *out);

/* mondeque.c: entries of the ring, kept with values strictly monotone. */
typedef struct sl__ev {
  int64_t t;
  sl_real v;
  uint32_t seq; /* arrival number within the key: ties in t go by it */
} sl__ev;
typedef struct sl__deque {
  uint32_t head, n;
} sl__deque;
/* Offers event e (placed after every entry with t <= e.t); `want_max`
 * keeps a max deque, else a min deque. */
void sl__deque_offer(sl__deque *d, sl__ev *buf, uint32_t cap, const sl__ev *e, int want_max);
/* Drops the front if it is the event `seq` (the ring's oldest, leaving). */
void sl__deque_leave(sl__deque *d, sl__ev *buf, uint32_t cap, uint32_t seq);
static inline const sl__ev *sl__deque_front(const sl__deque *d, const sl__ev *buf) { return &buf[d->head]; }

#endif
