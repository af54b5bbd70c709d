/*
 * Reservoir replay: a uniform random sample of every record offered
 * (Vitter 1985, algorithm R). The first `capacity` records fill the slots
 * in order; record number n (1-based) after that replaces slot j, j
 * uniform in [0, n), when j < capacity, so each of the n records seen is
 * held with probability capacity / n. Sampling is uniform.
 */
#include "replay_impl.h"

static const sl_param_info reservoir_params[] = {SL__REPLAY_COMMON_PARAMS};
static const char *const reservoir_stats[] = {SL__REPLAY_COMMON_STATS};

static size_t reservoir_place(sl_replay *r, double target) {
  uint64_t j;
  (void)target;
  if (r->size < r->capacity) return r->size++;
  j = sl__rng_below(&r->rng, r->seen);
  return j < r->capacity ? (size_t)j : SL_REPLAY_NOT_STORED;
}

static sl_status reservoir_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                                 const sl_allocator *a) {
  sl_replay *rp = NULL;
  sl_status st = sl__replay_create(&rp, &sl__reservoir_kind, params, r, args, a);
  *out = (sl__object *)rp;
  if (st == SL_OK && r) sl__expect(r, rp->head == 0);
  return st;
}

static const sl__replay_ops reservoir_ops = {sizeof(sl_replay), reservoir_place, sl__replay_draw_uniform, NULL, NULL, NULL, NULL, NULL};

const sl__kind sl__reservoir_kind = {
    SL__HANDLE_REPLAY, SL_REPLAY_RESERVOIR, "reservoir", reservoir_params,
    sizeof reservoir_params / sizeof reservoir_params[0], reservoir_stats,
    sizeof reservoir_stats / sizeof reservoir_stats[0], sl__replay_configure, sl__replay_stat, sl__replay_save_plain,
    reservoir_build, sl__replay_destroy, &reservoir_ops,
};
