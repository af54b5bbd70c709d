/* Tumbling windows: [k * size, (k + 1) * size), one per event. The logic is
 * aligned.c's (hopping with slide = size). */
#include "params.h"

static const sl_param_info sl__tumbling_params[] = {
    SL__WINDOW_COMMON_ROWS,
    {"size", SL_PARAM_INT, 60000, 1, 1e15, NULL, "window length", SL__F},
};

static sl_status sl__tumbling_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                              const sl_allocator *a) {
  (void)args;
  return sl__window_build(out, &sl__tumbling_kind, params, r, a);
}

const sl__kind sl__tumbling_kind = SL__WINDOW_KIND(SL_WINDOW_TUMBLING, "tumbling", sl__tumbling_params, sl__tumbling_build, &sl__tumbling_ops);
