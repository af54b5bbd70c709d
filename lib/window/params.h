/* Private to lib/window: the parameter rows every window kind's table starts
 * with, in the order of the SL__WP_* enum (window_impl.h). */
#ifndef SL_WINDOW_PARAMS_H
#define SL_WINDOW_PARAMS_H

#include "window_impl.h"

#define SL__F SL_PARAM_FIXED_AFTER_START
#define SL__WINDOW_COMMON_ROWS                                                                                   \
  {"aggregates", SL_PARAM_INT, 5, 1, SL_WINDOW_AGG_ALL, NULL, "OR of SL_WINDOW_AGG_* bits (1 count, 2 sum, 4 mean, ...)", SL__F}, \
  {"allowed_lateness", SL_PARAM_INT, 0, 0, 1e15, NULL, "watermark = newest timestamp - this; older events are late", SL__F}, \
  {"key_cap", SL_PARAM_INT, 100000, 1, 1e9, NULL, "most keys held at once", SL__F},                            \
  {"key_full", SL_PARAM_ENUM, 0, 0, 1, "evict|refuse", "a new key at key_cap evicts the least recently seen, or is refused", 0}, \
  {"key_bytes_max", SL_PARAM_INT, 32, 0, 1024, NULL, "longest byte-string key (0: integer keys only)", SL__F}, \
  {"ttl", SL_PARAM_INT, 0, 0, 1e15, NULL, "a key idle this long behind the watermark is removed (0: never)", SL__F}, \
  {"queue_cap", SL_PARAM_INT, 1024, 1, 1e8, NULL, "closed windows the poll queue holds", SL__F},              \
  {"ewma_halflife", SL_PARAM_DOUBLE, 60000, 1e-9, 1e18, NULL, "time for an event's EWMA weight to halve", SL__F}, \
  {"units_per_second", SL_PARAM_DOUBLE, 1000, 1e-12, 1e18, NULL, "timestamp units in one second (for rate)", 0}, \
  {"ddof", SL_PARAM_INT, 1, 0, 1, NULL, "variance denominator is count - ddof", 0},                          \
  {"quantile_accuracy", SL_PARAM_DOUBLE, 0.01, 1e-4, 0.5, NULL, "relative error bound of quantiles", SL__F}, \
  {"quantile_min", SL_PARAM_DOUBLE, 0.01, 1e-300, 1e300, NULL, "magnitudes below this count as 0 in quantiles", SL__F}, \
  {"quantile_max", SL_PARAM_DOUBLE, 1e4, 1e-300, 1e300, NULL, "magnitudes the quantile sketch resolves up to", SL__F}, \
  {"n_quantiles", SL_PARAM_INT, 3, 1, 4, NULL, "quantile levels reported (quantile_1 ..)", SL__F},          \
  {"quantile_1", SL_PARAM_DOUBLE, 0.5, 0, 1, NULL, "first quantile level", SL__F},                           \
  {"quantile_2", SL_PARAM_DOUBLE, 0.9, 0, 1, NULL, "second quantile level", SL__F},                          \
  {"quantile_3", SL_PARAM_DOUBLE, 0.99, 0, 1, NULL, "third quantile level", SL__F},                          \
  {"quantile_4", SL_PARAM_DOUBLE, 0.999, 0, 1, NULL, "fourth quantile level", SL__F}

#define SL__WINDOW_N_STATS 11

/* The kind descriptor fields every window kind shares after its tables. */
#define SL__WINDOW_KIND(kind_id, kname, params, build, ops)                                                 \
  {SL__HANDLE_WINDOW, kind_id, kname, params, sizeof params / sizeof params[0], sl__window_stats,            \
   SL__WINDOW_N_STATS, sl__window_configure, sl__window_stat, sl__window_save, build, sl__window_destroy, ops}

#endif
