/* Sliding windows: per key, the events in (newest - size, newest], newest
 * being the key's latest timestamp, updated per event and read by query (as
 * River's utils.TimeRolling). At most max_events are kept per key: beyond
 * that the oldest leave early (statistic events_dropped). The logic is
 * ring.c's. */
#include "params.h"

static const sl_param_info sl__sliding_params[] = {
    SL__WINDOW_COMMON_ROWS,
    {"size", SL_PARAM_INT, 60000, 1, 1e15, NULL, "window duration ending at the key's newest event", SL__F},
    {"max_events", SL_PARAM_INT, 1024, 1, 1e7, NULL, "most events a key's window holds", SL__F},
};

static sl_status sl__sliding_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                              const sl_allocator *a) {
  (void)args;
  return sl__window_build(out, &sl__sliding_kind, params, r, a);
}

const sl__kind sl__sliding_kind = SL__WINDOW_KIND(SL_WINDOW_SLIDING, "sliding", sl__sliding_params, sl__sliding_build, &sl__sliding_ops);
