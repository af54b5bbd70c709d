/*
 * FIFO replay: a ring of the latest `capacity` records. Record i (counting
 * adds from 0 since creation or clear) goes to slot i mod capacity, the
 * oldest record is the one replaced, and sampling is uniform.
 */
#include "replay_impl.h"

static const sl_param_info fifo_params[] = {SL__REPLAY_COMMON_PARAMS};
static const char *const fifo_stats[] = {SL__REPLAY_COMMON_STATS};

static size_t fifo_place(sl_replay *r, double target) {
  (void)target;
  return sl__replay_ring_place(r);
}

static sl_status fifo_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                            const sl_allocator *a) {
  sl_replay *rp = NULL;
  sl_status st = sl__replay_create(&rp, &sl__fifo_kind, params, r, args, a);
  *out = (sl__object *)rp;
  return st;
}

static const sl__replay_ops fifo_ops = {sizeof(sl_replay), fifo_place, sl__replay_draw_uniform, NULL, NULL, NULL, NULL, NULL};

const sl__kind sl__fifo_kind = {
    SL__HANDLE_REPLAY, SL_REPLAY_FIFO, "fifo", fifo_params, sizeof fifo_params / sizeof fifo_params[0],
    fifo_stats, sizeof fifo_stats / sizeof fifo_stats[0], sl__replay_configure, sl__replay_stat, sl__replay_save_plain,
    fifo_build, sl__replay_destroy, &fifo_ops,
};
