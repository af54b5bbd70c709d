/*
 * sl_window: per-key aggregates over event-time windows, with a watermark.
 *
 * Events are (key, timestamp, value). Keys are 64-bit integers or byte
 * strings (up to the "key_bytes_max" parameter); each key has its own
 * windows. Timestamps are int64 in any unit, milliseconds recommended: the
 * "units_per_second" parameter (default 1000) only matters for the rate
 * aggregate. All durations (size, slide, gap, lateness, ttl, half-life) are
 * in the same unit.
 *
 * Event time. The watermark is the newest timestamp seen (over all keys)
 * minus "allowed_lateness". An event older than the watermark is late: it
 * gets SL_ELATE, the on_late callback, and changes nothing. Events within
 * the lateness are placed in the windows their timestamp belongs to, in
 * whatever order they arrive.
 *
 * Kinds (Flink's window semantics):
 *   tumbling  [k*size, (k+1)*size) windows, one per event
 *   hopping   [k*slide, k*slide + size): each event in size/slide windows
 *   session   [first ts, last ts + gap): an event within `gap` of a session
 *             joins it; an event that bridges two sessions merges them
 *   sliding   the events of a key in (newest - size, newest], newest being
 *             the key's latest timestamp; updated per event, read by query
 *   count     the key's last `count` events in timestamp order; read by query
 * Tumbling, hopping and session windows close when the watermark reaches
 * their end (end <= watermark) and are emitted once, in order of end (then
 * start): through the on_window callback when one is set, else into a
 * bounded queue read with sl_window_poll(). Windows without events are not
 * emitted.
 *
 * Aggregates are chosen at creation as a bit mask (SL_WINDOW_AGG_*); a
 * window's result is an array of doubles in bit order, the quantile bit
 * contributing "n_quantiles" values. sl_window_n_values() and
 * sl_window_value_name() describe that layout (for a feature vector, or a
 * binding's column names).
 *
 * Parameters are checked when set, against each other too: "slide" may not
 * exceed "size", "quantile_min" must stay below "quantile_max". Set them in
 * an order that keeps the rule at every step (raise "size" before "slide",
 * lower "slide" before "size"); a refused value gets SL_ERANGE and changes
 * nothing.
 *
 * Memory is bounded by the parameters: at most "key_cap" keys, each with a
 * fixed-size state; "bytes_per_key" (a statistic) gives the size. Per-key
 * states come from chunks (up to 256 keys, 1 MiB) allocated when a new key needs
 * one; the key table doubles when half full. Nothing allocates on a push to
 * an existing key, on poll or on query.
 */
#ifndef STREAMLEARN_WINDOW_H
#define STREAMLEARN_WINDOW_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_window sl_window;

/* Window kinds. Names for sl_window_kind_from_name() in brackets. */
typedef enum sl_window_kind {
  SL_WINDOW_TUMBLING = 0, /* [tumbling] fixed, non-overlapping windows of "size" */
  SL_WINDOW_HOPPING = 1,  /* [hopping] windows of "size" starting every "slide" */
  SL_WINDOW_SLIDING = 2,  /* [sliding] the last "size" time units of each key */
  SL_WINDOW_SESSION = 3,  /* [session] bursts separated by at least "gap" */
  SL_WINDOW_COUNT = 4     /* [count] the last "count" events of each key */
} sl_window_kind;

/* Aggregate bits, in output order. */
#define SL_WINDOW_AGG_COUNT (1u << 0)    /* number of events */
#define SL_WINDOW_AGG_SUM (1u << 1)      /* sum of values */
#define SL_WINDOW_AGG_MEAN (1u << 2)     /* arithmetic mean */
#define SL_WINDOW_AGG_VAR (1u << 3)      /* variance, denominator n - "ddof" (0 when n <= ddof) */
#define SL_WINDOW_AGG_STD (1u << 4)      /* square root of the variance */
#define SL_WINDOW_AGG_MIN (1u << 5)      /* smallest value */
#define SL_WINDOW_AGG_MAX (1u << 6)      /* largest value */
#define SL_WINDOW_AGG_FIRST (1u << 7)    /* value of the earliest timestamp (ties: first arrived) */
#define SL_WINDOW_AGG_LAST (1u << 8)     /* value of the latest timestamp (ties: last arrived) */
#define SL_WINDOW_AGG_EWMA (1u << 9)     /* mean weighted 2^-(t_newest - t)/"ewma_halflife" */
#define SL_WINDOW_AGG_RATE (1u << 10)    /* events per second over the window's duration */
#define SL_WINDOW_AGG_QUANTILE (1u << 11) /* "n_quantiles" values at levels "quantile_1".. */
#define SL_WINDOW_AGG_ALL 0xfffu
/* Most values one window result can hold (every aggregate, 4 quantiles). */
#define SL_WINDOW_MAX_VALUES 15

/* Why a key left the table (sl_window_evict_cb). */
typedef enum sl_window_removal {
  SL_WINDOW_EXPIRED = 0, /* idle for "ttl" (in event time) */
  SL_WINDOW_EVICTED = 1  /* the least recently seen of a sample, to make room at "key_cap" */
} sl_window_removal;

/* A key as callbacks see it: `bytes` is NULL for an integer key (`id` is
 * the key); for a byte-string key `bytes` / `len` are the key and `id` its
 * sl_hash_bytes(bytes, len, 0). Valid during the callback only. */
typedef struct sl_window_key {
  uint64_t id;
  const void *bytes;
  size_t len;
} sl_window_key;

/* A closed window: its key, [start, end), and sl_window_n_values() values.
 * Return 0 to go on, non-zero to stop (the call then returns SL_ECALLBACK
 * and the windows not yet delivered stay queued for the next call). */
typedef int (*sl_window_cb)(const sl_window_key *key, int64_t start, int64_t end, const double *values,
                            size_t n_values, void *user);
/* A late event, refused. The return value is ignored. */
typedef int (*sl_window_late_cb)(const sl_window_key *key, int64_t ts, double value, int64_t watermark, void *user);
/* A key removed from the table; its unclosed windows are dropped with it.
 * The return value is ignored. */
typedef int (*sl_window_evict_cb)(const sl_window_key *key, int64_t last_seen, sl_window_removal why, void *user);

/* Creates a window handle of `kind` computing the aggregates in
 * `aggregates` (a non-empty OR of SL_WINDOW_AGG_*, stored as the
 * "aggregates" parameter), with default parameters, using allocator `a`
 * (NULL: malloc). Set parameters with sl_window_set_*() before the first
 * push. @return SL_OK, SL_EINVAL (NULL `out`), SL_EKIND, SL_ERANGE (empty
 * or unknown aggregate bits), SL_ENOMEM. */
SL_API sl_status sl_window_new(sl_window **out, sl_window_kind kind, unsigned aggregates, const sl_allocator *a);

/* Sets the callbacks (each may be NULL) and the pointer they receive. With
 * on_window NULL, closed windows go to the poll queue. Keeps what is
 * already queued. @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_window_set_callbacks(sl_window *w, sl_window_cb on_window, sl_window_late_cb on_late,
                                         sl_window_evict_cb on_evict, void *user);

/* Adds one event for integer key `key`. Windows the new watermark closes
 * are emitted first. A new key may evict or expire others (on_evict).
 * Allocates only when the key is new and needs a new chunk or a larger
 * table.
 * Callbacks must not call back into the handle.
 * @return SL_OK; SL_ELATE (ts < watermark; on_late called, nothing else
 * changed); SL_ENONFINITE (NaN / Inf value); SL_EINVAL (NULL handle, or ts
 * beyond +-2^62); SL_EFULL (nothing changed: closed windows wait for
 * sl_window_poll, or a flush is unfinished, or "key_cap" is reached with
 * "key_full" = refuse); SL_ECALLBACK (the event was added, but on_window
 * asked to stop: the rest are delivered by the next call, or, if on_window
 * stops again before this event could go in, the event was not added);
 * SL_ENOMEM (a new key could not be stored: nothing changed). */
SL_API sl_status sl_window_push(sl_window *w, uint64_t key, int64_t ts, double value);

/* Same for a byte-string key of `len` bytes (1 <= len <= "key_bytes_max",
 * else SL_EINVAL). The bytes are copied. A byte key never equals an integer
 * key. */
SL_API sl_status sl_window_push_bytes(sl_window *w, const void *key, size_t len, int64_t ts, double value);

/* Adds `n` events with integer keys, in order, stopping at the first that
 * fails with anything but SL_ELATE. `*n_done` (may be NULL) receives how
 * many were consumed: added, or refused as late (`*n_late`, may be NULL,
 * counts those). When on_window stops delivery (SL_ECALLBACK), the event
 * during which it stopped is counted in `*n_done` if it went in first, and
 * not if it was still waiting for earlier windows to be delivered, so the
 * caller resumes at keys + *n_done either way. All values are checked
 * first: a NaN / Inf anywhere returns SL_ENONFINITE with nothing applied.
 * With many keys it fetches the memory of the coming events ahead, so it
 * is the faster way to add a batch. Returns the status of the event that
 * stopped it, else SL_OK. */
SL_API sl_status sl_window_push_many(sl_window *w, const uint64_t *keys, const int64_t *ts, const double *values,
                                     size_t n, size_t *n_done, size_t *n_late);

/* Reads the current window of integer key `key` (sliding and count kinds)
 * into `out` (`cap` >= sl_window_n_values()). Allocates nothing.
 * @return SL_OK, SL_ENOTFOUND (no such key), SL_EKIND (tumbling, hopping,
 * session: their results are emitted), SL_EBUFFER (`cap` too small),
 * SL_EINVAL. */
SL_API sl_status sl_window_query(const sl_window *w, uint64_t key, double *out, size_t cap);

/* Same for a byte-string key. */
SL_API sl_status sl_window_query_bytes(const sl_window *w, const void *key, size_t len, double *out, size_t cap);

/* The callback-free path: moves up to `cap` closed windows, oldest first,
 * out of the queue into flat arrays (row i: keys[i], starts[i], ends[i],
 * values[i * n_values ..]). For byte-string keys keys[i] is the key's id;
 * their bytes go to `key_bytes` (row i at i * "key_bytes_max") and lengths
 * to `key_lens` (0 for integer keys) when those are not NULL. After making
 * room, closes windows that were waiting for it. `*n` receives the count.
 * @return SL_OK, SL_EINVAL (NULL arrays with cap > 0). */
SL_API sl_status sl_window_poll(sl_window *w, uint64_t *keys, int64_t *starts, int64_t *ends, double *values,
                                size_t cap, size_t *n, uint8_t *key_bytes, size_t *key_lens);

/* End of stream: closes every open tumbling, hopping and session window
 * regardless of the watermark and emits them (callback or queue). Events
 * may follow; a later event opens new windows. @return SL_OK, SL_EFULL
 * (the queue filled: poll, then flush again), SL_ECALLBACK, SL_EINVAL. */
SL_API sl_status sl_window_flush(sl_window *w);

/* Number of values in one window result (0 for a NULL handle); it follows
 * "aggregates" and "n_quantiles". */
SL_API size_t sl_window_n_values(const sl_window *w);

/* Name of value `i` ("count", "mean", "q0.99", ...; static or handle-owned
 * storage, valid while the handle lives and its parameters stay).
 * @return SL_OK, SL_ENOTFOUND (i too large), SL_EINVAL. */
SL_API sl_status sl_window_value_name(const sl_window *w, size_t i, const char **name);

/* The current watermark (INT64_MIN before the first event).
 * @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_window_watermark(const sl_window *w, int64_t *watermark);

/* Parameters, statistics, save / load, free: see SL_HANDLE_API in common.h.
 * Statistics: keys, events, late, windows_emitted, queued, keys_expired,
 * keys_evicted, windows_dropped, events_dropped (sliding: beyond
 * "max_events"), bytes_per_key, quantile_max (largest magnitude the
 * quantile sketch resolves). */
SL_HANDLE_API(window);

#ifdef __cplusplus
}
#endif

#endif
