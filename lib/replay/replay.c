/* sl_replay dispatch: argument checks, the record copies in and out, then
 * the kind's operations. */
#include "replay_impl.h"

/* The kinds by public id; a build with SL_KINDS_SELECTED keeps only those
 * named by SL_KIND_REPLAY_<KIND> (lib/core/deps.h), the rest are SL_EKIND. */
static const sl__kind *const sl__replay_kinds[SL_REPLAY_CLASS_BALANCED + 1] = {
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_REPLAY_FIFO)
    [SL_REPLAY_FIFO] = &sl__fifo_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_REPLAY_RESERVOIR)
    [SL_REPLAY_RESERVOIR] = &sl__reservoir_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_REPLAY_PRIORITIZED)
    [SL_REPLAY_PRIORITIZED] = &sl__prioritized_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_REPLAY_CLASS_BALANCED)
    [SL_REPLAY_CLASS_BALANCED] = &sl__class_balanced_kind,
#endif
};

const sl__handle_class sl__replay_class = {"replay", SL__HANDLE_REPLAY, sl__replay_kinds,
                                           sizeof sl__replay_kinds / sizeof sl__replay_kinds[0]};

SL__HANDLE_DEFINE(replay, sl__replay_class)

static const sl__replay_ops *sl__ops(const sl_replay *r) { return (const sl__replay_ops *)r->obj.kind->ops; }

SL_API sl_status sl_replay_new(sl_replay **out, sl_replay_kind kind, size_t n_features, const sl_allocator *a) {
  sl__object *o;
  sl__replay_args args;
  sl_status st;
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (n_features == 0 || n_features > ((size_t)1 << 30)) return SL_EINVAL;
  args.n_features = n_features;
  st = sl__class_new(&sl__replay_class, (int)kind, &args, a, &o);
  *out = (sl_replay *)o;
  return st;
}

/* ---- storage ------------------------------------------------------------------ */

/* The prepare step, run once: by the first add, or by sl_replay_reserve. */
static sl_status prepare_once(sl_replay *r) { return sl__replay_prepared(r) ? SL_OK : sl__replay_prepare(r); }

SL_API sl_status sl_replay_reserve(sl_replay *r) {
  if (!r) return SL_EINVAL;
  sl__clear_error(&r->obj);
  return prepare_once(r);
}

/* ---- adding ------------------------------------------------------------------ */

/* SL_OK if record `row` can be added, else the status (with detail). */
static sl_status check_record(const sl_replay *r, const double *x, double y, double w, size_t row) {
  size_t i;
  if (!x) return sl__fail(&r->obj, SL_EINVAL, "feature row %z is NULL", row);
  for (i = 0; i < r->n_features; i++)
    if (!sl__finite(x[i])) return sl__fail(&r->obj, SL_ENONFINITE, "row %z, feature %z is NaN or infinite", row, i);
  if (!sl__finite(y)) return sl__fail(&r->obj, SL_ENONFINITE, "target of row %z is NaN or infinite", row);
  if (!sl__finite(w)) return sl__fail(&r->obj, SL_ENONFINITE, "weight of row %z is NaN or infinite", row);
  if (w < 0) return sl__fail(&r->obj, SL_EINVAL, "weight of row %z is negative", row);
  return sl__ops(r)->check_target ? sl__ops(r)->check_target(r, y) : SL_OK;
}

/* Offers one checked record; returns its slot or SL_REPLAY_NOT_STORED. */
static size_t store_record(sl_replay *r, const double *x, double y, double w, int64_t ts, uint64_t key) {
  size_t slot, i, nf = r->n_features;
  sl_real *row;
  r->seen++;
  slot = sl__ops(r)->place(r, y);
  if (slot == SL_REPLAY_NOT_STORED) return slot;
  row = r->x + slot * nf;
  for (i = 0; i < nf; i++) row[i] = (sl_real)x[i];
  r->y[slot] = (sl_real)y;
  r->w[slot] = (sl_real)w;
  r->ts[slot] = ts;
  r->key[slot] = key;
  return slot;
}

SL_API sl_status sl_replay_add(sl_replay *r, const double *x, size_t n_features, double target, double weight,
                               int64_t timestamp, uint64_t key, size_t *slot) {
  sl_status st;
  size_t s;
  if (!r) return SL_EINVAL;
  sl__clear_error(&r->obj);
  if (n_features != r->n_features)
    return sl__fail(&r->obj, SL_EDIM, "row has %z values, the buffer holds %z", n_features, r->n_features);
  if ((st = check_record(r, x, target, weight, 0)) != SL_OK || (st = prepare_once(r)) != SL_OK) return st;
  r->obj.started = 1;
  s = store_record(r, x, target, weight, timestamp, key);
  if (slot) *slot = s;
  return SL_OK;
}

SL_API sl_status sl_replay_add_many(sl_replay *r, const double *x, size_t n, size_t n_features,
                                    const double *targets, const double *weights, const int64_t *timestamps,
                                    const uint64_t *keys, size_t *slots) {
  size_t i;
  sl_status st;
  if (!r) return SL_EINVAL;
  sl__clear_error(&r->obj);
  if (n_features != r->n_features)
    return sl__fail(&r->obj, SL_EDIM, "rows have %z values, the buffer holds %z", n_features, r->n_features);
  if (n && (!x || !targets)) return sl__fail(&r->obj, SL_EINVAL, "feature or target array is NULL");
  for (i = 0; i < n; i++)
    if ((st = check_record(r, x + i * n_features, targets[i], weights ? weights[i] : 1.0, i)) != SL_OK) return st;
  if (!n) return SL_OK;
  if ((st = prepare_once(r)) != SL_OK) return st;
  r->obj.started = 1;
  for (i = 0; i < n; i++) {
    size_t s = store_record(r, x + i * n_features, targets[i], weights ? weights[i] : 1.0,
                            timestamps ? timestamps[i] : 0, keys ? keys[i] : 0);
    if (slots) slots[i] = s;
  }
  return SL_OK;
}

/* ---- reading ----------------------------------------------------------------- */

/* Copies the record in `slot` out; any pointer may be NULL. */
static void read_record(const sl_replay *r, size_t slot, double *x, double *y, double *w, int64_t *ts,
                        uint64_t *key) {
  if (x) {
    const sl_real *row = r->x + slot * r->n_features;
    size_t i;
    for (i = 0; i < r->n_features; i++) x[i] = (double)row[i];
  }
  if (y) *y = (double)r->y[slot];
  if (w) *w = (double)r->w[slot];
  if (ts) *ts = r->ts[slot];
  if (key) *key = r->key[slot];
}

SL_API sl_status sl_replay_get(const sl_replay *r, size_t slot, double *x, size_t n_features, double *target,
                               double *weight, int64_t *timestamp, uint64_t *key) {
  if (!r) return SL_EINVAL;
  sl__clear_error(&r->obj);
  if (slot >= r->size) return sl__fail(&r->obj, SL_ENOTFOUND, "slot %z is not below the size %z", slot, r->size);
  if (x && n_features != r->n_features)
    return sl__fail(&r->obj, SL_EDIM, "row has room for %z values, the buffer holds %z", n_features, r->n_features);
  read_record(r, slot, x, target, weight, timestamp, key);
  return SL_OK;
}

SL_API sl_status sl_replay_size(const sl_replay *r, size_t *size) {
  if (!r || !size) return SL_EINVAL;
  *size = r->size;
  return SL_OK;
}

/* ---- sampling ---------------------------------------------------------------- */

/* The batch fields this version reads: all of them up to is_weights. */
#define BATCH_V1_SIZE (offsetof(sl_replay_batch, is_weights) + sizeof(double *))

static sl_status check_sample(const sl_replay *r, size_t k, int replace, const sl_replay_batch *b) {
  if (!b) return sl__fail(&r->obj, SL_EINVAL, "batch is NULL");
  if (b->struct_size < BATCH_V1_SIZE) return sl__fail(&r->obj, SL_EINVAL, "batch struct_size is too small");
  if (k > r->capacity) return sl__fail(&r->obj, SL_EINVAL, "%z draws asked, above the capacity %z", k, r->capacity);
  if (!replace && k > r->size)
    return sl__fail(&r->obj, SL_EINVAL, "%z distinct draws asked from %z records", k, r->size);
  if (k > b->rows) return sl__fail(&r->obj, SL_EBUFFER, "%z draws asked, the batch holds %z rows", k, b->rows);
  if (b->features && b->n_features != r->n_features)
    return sl__fail(&r->obj, SL_EDIM, "batch rows have %z values, the buffer holds %z", b->n_features, r->n_features);
  if (k && !r->size) return sl__fail(&r->obj, SL_ESTATE, "the buffer is empty");
  return SL_OK;
}

SL_API sl_status sl_replay_sample(sl_replay *r, size_t k, int replace, const sl_replay_batch *batch) {
  sl_status st;
  size_t i, nf;
  if (!r) return SL_EINVAL;
  sl__clear_error(&r->obj);
  if ((st = check_sample(r, k, replace, batch)) != SL_OK || k == 0) return st;
  if ((st = sl__ops(r)->draw(r, k, replace, batch->is_weights)) != SL_OK) return st;
  nf = r->n_features;
  for (i = 0; i < k; i++) {
    size_t s = r->picked[i];
    read_record(r, s, batch->features ? batch->features + i * nf : NULL, batch->targets ? batch->targets + i : NULL,
                batch->weights ? batch->weights + i : NULL, batch->timestamps ? batch->timestamps + i : NULL,
                batch->keys ? batch->keys + i : NULL);
    if (batch->slots) batch->slots[i] = s;
  }
  return SL_OK;
}

SL_API sl_status sl_replay_update_priorities(sl_replay *r, const size_t *slots, const double *priorities, size_t n) {
  size_t i;
  if (!r) return SL_EINVAL;
  sl__clear_error(&r->obj);
  if (!sl__ops(r)->update) return sl__fail(&r->obj, SL_EKIND, "kind '%s' has no priorities", r->obj.kind->name);
  if (n && (!slots || !priorities)) return sl__fail(&r->obj, SL_EINVAL, "slot or priority array is NULL");
  for (i = 0; i < n; i++) {
    if (slots[i] >= r->size)
      return sl__fail(&r->obj, SL_ENOTFOUND, "slot %z (entry %z) is not below the size %z", slots[i], i, r->size);
    if (!sl__finite(priorities[i])) return sl__fail(&r->obj, SL_ENONFINITE, "priority %z is NaN or infinite", i);
    if (!(priorities[i] >= 0 && priorities[i] <= SL__REPLAY_MAX_PRIORITY))
      return sl__fail(&r->obj, SL_ERANGE, "priority %z is outside [0, 1e15]", i);
  }
  sl__ops(r)->update(r, slots, priorities, n);
  return SL_OK;
}

SL_API sl_status sl_replay_clear(sl_replay *r) {
  if (!r) return SL_EINVAL;
  r->size = 0;
  r->head = 0;
  r->seen = 0;
  if (sl__replay_prepared(r) && sl__ops(r)->clear) sl__ops(r)->clear(r);
  return SL_OK;
}
