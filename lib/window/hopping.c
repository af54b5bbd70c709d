/* Hopping windows: [k * slide, k * slide + size); an event belongs to about
 * size / slide of them. The logic is aligned.c's. */
#include "params.h"

static const sl_param_info sl__hopping_params[] = {
    SL__WINDOW_COMMON_ROWS,
    {"size", SL_PARAM_INT, 60000, 1, 1e15, NULL, "window length", SL__F},
    {"slide", SL_PARAM_INT, 10000, 1, 1e15, NULL, "distance between window starts (<= size)", SL__F},
};

static sl_status sl__hopping_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                              const sl_allocator *a) {
  (void)args;
  return sl__window_build(out, &sl__hopping_kind, params, r, a);
}

const sl__kind sl__hopping_kind = SL__WINDOW_KIND(SL_WINDOW_HOPPING, "hopping", sl__hopping_params, sl__hopping_build, &sl__hopping_ops);
