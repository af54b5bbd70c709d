/*
 * sl_replay: a bounded store of past examples (a replay buffer) to learn
 * from again: FIFO, reservoir, prioritized (sum tree) and class-balanced.
 *
 * A record is a feature row of the buffer's fixed dimension, a target, a
 * weight, an int64 timestamp and a uint64 key. Records live in slots
 * 0 .. size-1; a slot id stays valid until the record in it is replaced.
 * Capacity is a hard cap. A new buffer takes no storage for records: all
 * of it is taken at once by the first add (or by sl_replay_reserve), for
 * the parameters set by then, so setting them after sl_replay_new costs
 * nothing, even on a static arena. From then on adding, sampling and
 * updating priorities never allocate.
 */
#ifndef STREAMLEARN_REPLAY_H
#define STREAMLEARN_REPLAY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_replay sl_replay;

/* Buffer kinds. Names for sl_replay_kind_from_name() in brackets.
 * Every kind has the parameters "capacity" (records held at most) and
 * "seed" (of the sampling RNG), both fixed once data has been added. */
typedef enum sl_replay_kind {
  /* [fifo] the latest `capacity` records; record i (0-based, counting adds
   * since creation or clear) is in slot i mod capacity. */
  SL_REPLAY_FIFO = 0,
  /* [reservoir] a uniform sample of every record added (Vitter's
   * algorithm R): each of the n added is held with probability capacity/n. */
  SL_REPLAY_RESERVOIR = 1,
  /* [prioritized] FIFO storage sampled in proportion to priority^alpha,
   * with importance-sampling weights (Schaul et al. 2016, proportional
   * variant); a sum tree gives O(log capacity) add, sample and update. */
  SL_REPLAY_PRIORITIZED = 2,
  /* [class_balanced] class-balanced reservoir sampling (Chrysakis & Moens
   * 2020): targets are class ids 0 .. n_classes-1 sharing one capacity;
   * rare classes keep all they have seen, the others split the rest
   * evenly (docs/replay.md says exactly how). */
  SL_REPLAY_CLASS_BALANCED = 3
} sl_replay_kind;

/* The slot reported for a record the buffer chose not to keep. */
#define SL_REPLAY_NOT_STORED ((size_t)-1)

/* Creates an empty buffer of `kind` for rows of `n_features` values, with
 * the default parameters, using allocator `a` (NULL: malloc). Only the
 * handle itself is allocated: the record storage waits for the first add
 * or sl_replay_reserve. Set parameters (sl_replay_set_*) before the first
 * add; until the storage is taken, setting them only changes values.
 * @return SL_OK, SL_EINVAL (NULL out, n_features 0 or above 2^30),
 * SL_EKIND, SL_ENOMEM. */
SL_API sl_status sl_replay_new(sl_replay **out, sl_replay_kind kind, size_t n_features, const sl_allocator *a);

/* Takes the buffer's storage now, for the current parameters, so that no
 * later add can fail for memory and nothing after this call allocates
 * (unless a sizing parameter is set again before the first add: that
 * takes new storage, all or nothing). Idempotent: a buffer that already
 * has its storage (reserved, added to, or loaded from a checkpoint of such
 * a buffer) is left as it is. "bytes" then shows the buffer's full size.
 * @return SL_OK, SL_EINVAL (NULL), SL_ENOMEM (the buffer is unchanged and
 * still without storage). */
SL_API sl_status sl_replay_reserve(sl_replay *r);

/* Offers one record: `x` holds `n_features` values. The kind decides
 * whether to keep it and where; `*slot` (may be NULL) receives its slot,
 * or SL_REPLAY_NOT_STORED. A kept record may replace another (the oldest
 * for fifo / prioritized, a random one for reservoir / class_balanced).
 * A prioritized buffer gives a new record the largest priority set so far
 * ("initial_priority" before any). The first add of a buffer not reserved
 * takes its storage (see sl_replay_reserve); after that, allocates nothing.
 * @return SL_OK, SL_EINVAL (NULL, a negative weight, a class_balanced
 * target that is not a class id), SL_EDIM, SL_ENONFINITE, SL_ENOMEM (no
 * memory for the storage at the first add); on error the buffer is
 * unchanged. */
SL_API sl_status sl_replay_add(sl_replay *r, const double *x, size_t n_features, double target, double weight,
                               int64_t timestamp, uint64_t key, size_t *slot);

/* Offers `n` records in order, as `n` calls of sl_replay_add. `x` holds
 * n rows of `n_features` values (row-major) and `targets` n values;
 * `weights` (NULL: all 1), `timestamps` and `keys` (NULL: all 0) and
 * `slots` (output, NULL: not reported) hold n each. Every record is checked
 * before any is added: on error nothing changed. With n > 0 it takes the
 * storage as sl_replay_add does; n == 0 does nothing.
 * @return as sl_replay_add, the detail naming the bad row. */
SL_API sl_status sl_replay_add_many(sl_replay *r, const double *x, size_t n, size_t n_features,
                                    const double *targets, const double *weights, const int64_t *timestamps,
                                    const uint64_t *keys, size_t *slots);

/* Where sl_replay_sample() writes: each array holds `rows` entries (the
 * features `rows * n_features`, row-major) or is NULL when not wanted.
 * Set struct_size = sizeof(sl_replay_batch); fields may be appended. */
typedef struct sl_replay_batch {
  size_t struct_size;
  size_t rows;        /* rows every non-NULL array can hold */
  size_t n_features;  /* row width of `features`: the buffer's */
  double *features;
  double *targets;
  double *weights;
  int64_t *timestamps;
  uint64_t *keys;
  size_t *slots;      /* for sl_replay_update_priorities and sl_replay_get */
  double *is_weights; /* importance-sampling weights; 1 for uniform kinds */
} sl_replay_batch;

/* Draws `k` records (k <= capacity), with replacement (`replace` non-zero)
 * or as k distinct records (k <= size), into the first k rows of `*batch`.
 * fifo, reservoir and class_balanced draw uniformly over the records held.
 * prioritized draws record i with probability P(i) = m_i / sum_j m_j,
 * m_i = priority_i^alpha (distinct draws: each in turn among the records
 * not yet drawn), and weighs it w_i = (size * P(i))^-beta / max w over the
 * batch. Allocates nothing; advances the buffer's RNG.
 * @return SL_OK, SL_EINVAL (NULL, k above capacity, or above size without
 * replacement, struct_size too small), SL_EBUFFER (batch rows < k), SL_EDIM
 * (batch n_features differs), SL_ESTATE (k > 0 from an empty buffer, or
 * every priority zero); on error the buffer is unchanged. */
SL_API sl_status sl_replay_sample(sl_replay *r, size_t k, int replace, const sl_replay_batch *batch);

/* Prioritized buffers: sets the priority of each of the `n` `slots` (as
 * returned by sampling) to `priorities[i]` + "epsilon"; repeated slots take
 * the last value. A slot whose record was replaced since it was sampled
 * simply gives the new record this priority. O(n log capacity), allocates
 * nothing. @return SL_OK, SL_EINVAL (NULL arrays with n > 0), SL_EKIND
 * (not a prioritized buffer), SL_ENOTFOUND (slot not below size),
 * SL_ENONFINITE, SL_ERANGE (a priority outside [0, 1e15]); every value is
 * checked first: on error nothing changed. */
SL_API sl_status sl_replay_update_priorities(sl_replay *r, const size_t *slots, const double *priorities, size_t n);

/* Reads the record in `slot`: `x` (NULL: skipped) receives `n_features`
 * values; `target`, `weight`, `timestamp`, `key` may each be NULL.
 * @return SL_OK, SL_EINVAL (NULL handle), SL_EDIM, SL_ENOTFOUND (slot not
 * below size). */
SL_API sl_status sl_replay_get(const sl_replay *r, size_t slot, double *x, size_t n_features, double *target,
                               double *weight, int64_t *timestamp, uint64_t *key);

/* Records held now (at most "capacity"). @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_replay_size(const sl_replay *r, size_t *size);

/* Forgets every record (and what reservoir / class_balanced have seen, and
 * the priorities), keeping parameters, storage (taken or not) and the RNG's
 * current state.
 * @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_replay_clear(sl_replay *r);

/* Parameters, statistics, save / load, free: see SL_HANDLE_API in common.h.
 * A checkpoint holds every record, the priorities and the RNG state, so a
 * loaded buffer samples exactly as the saved one would have; a buffer
 * saved with its storage taken is loaded with it, one saved without is
 * loaded without. */
SL_HANDLE_API(replay);

#ifdef __cplusplus
}
#endif

#endif
