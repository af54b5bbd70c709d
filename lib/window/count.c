/* Count windows: per key, the last count events in timestamp order (ties by
 * arrival), read by query (as River's utils.Rolling). The logic is ring.c's. */
#include "params.h"

static const sl_param_info sl__count_params[] = {
    SL__WINDOW_COMMON_ROWS,
    {"count", SL_PARAM_INT, 100, 1, 1e7, NULL, "events in a key's window", SL__F},
};

static sl_status sl__count_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                              const sl_allocator *a) {
  (void)args;
  return sl__window_build(out, &sl__count_kind, params, r, a);
}

const sl__kind sl__count_kind = SL__WINDOW_KIND(SL_WINDOW_COUNT, "count", sl__count_params, sl__count_build, &sl__count_ops);
