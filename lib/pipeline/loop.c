/* The hot path: an event becomes features and predictions and waits in the
 * pending table; a label scores it, feeds the detector and the policy, and
 * the models learn it. Allocates nothing (see pipeline.h for the rare
 * exceptions, all in the handles or the policy). */
#include "pipeline_impl.h"

#define SL__TS_MAX ((int64_t)1 << 62)
/* Errors beyond this count as this much, so metric sums stay finite. */
#define SL__ERR_CAP 1e150

static uint64_t now(const sl_pipeline *p) { return p->clock ? p->clock(p->clock_user) : 0; }

static void time_stage(sl_pipeline *p, int stage, uint64_t from, uint64_t to) {
  if (p->clock) sl__hist_add(&p->lat[stage], to >= from ? to - from : 0);
}

/* Offset in a pending row of model `role`'s prediction (its probabilities follow). */
static size_t role_at(const sl_pipeline *p, int role) { return p->n_features + (size_t)role * (1 + p->n_classes); }

static void describe(const sl_pipeline *p, size_t slot, sl_prediction *out) {
  const double *row = sl__pending_row(&p->pend, slot);
  double y = row[role_at(p, 0)];
  out->struct_size = sizeof *out;
  out->id = p->pend.id[slot];
  out->key = p->pend.key[slot];
  out->ts = p->pend.ts[slot];
  out->y = y;
  out->confidence = p->task == SL_TASK_CLASSIFICATION && y >= 0 && y < (double)p->n_classes
                        ? row[role_at(p, 0) + 1 + (size_t)y]
                        : NAN;
  out->challenger_y = p->model[1] ? row[role_at(p, 1)] : NAN;
  out->model_version = p->cnt[SL__PC_VERSION];
}

static void drop(sl_pipeline *p, size_t slot, sl_pipeline_expiry why) {
  if (p->cb.on_expired) {
    sl_prediction pr;
    describe(p, slot, &pr);
    p->in_callback = 1;
    p->cb.on_expired(&pr, why, p->cb.user);
    p->in_callback = 0;
  }
  p->cnt[why == SL_PIPELINE_TTL ? SL__PC_EXPIRED : SL__PC_EVICTED]++;
  sl__pending_remove(&p->pend, slot);
}

/* Prediction and class probabilities of model `role` on p->x into `at`. */
static void predict(sl_pipeline *p, int role, double *at) {
  sl_model *m = p->model[role];
  size_t nc = p->n_classes;
  sl_model_predict(m, p->x, p->n_features, at);
  if (!nc) return;
  if (sl_model_predict_proba(m, p->x, p->n_features, at + 1, nc) != SL_OK) {
    SL__MEMSET(at + 1, 0, nc * sizeof *at); /* a kind without probabilities: all on its answer */
    if (at[0] >= 0 && at[0] < (double)nc) at[1 + (size_t)at[0]] = 1.0;
  }
}

static sl_status check_event(sl_pipeline *p, int64_t ts, const double *values, size_t n_values) {
  size_t i;
  if (!values) return sl__fail(&p->obj, SL_EINVAL, "event values are NULL");
  if (n_values != p->lay.n_raw)
    return sl__fail(&p->obj, SL_EDIM, "event has %z values, the pipeline takes %z", n_values, p->lay.n_raw);
  if (ts <= -SL__TS_MAX || ts >= SL__TS_MAX) return sl__fail(&p->obj, SL_EINVAL, "timestamp beyond +-2^62");
  for (i = 0; i < n_values; i++)
    if (!sl__finite(values[i])) return sl__fail(&p->obj, SL_ENONFINITE, "raw value %z is NaN or infinite", i);
  return SL_OK;
}

/* One checked event. */
static sl_status push_one(sl_pipeline *p, uint64_t id, uint64_t key, int64_t ts, const double *values,
                          sl_prediction *pr) {
  uint64_t t0, t1, t2;
  int64_t ttl = p->obj.param[SL__PP_LABEL_TTL].i;
  size_t slot, head;
  double *row;
  sl_status st;
  if (sl__pending_find(&p->pend, id) != SL__PEND_NONE)
    return sl__fail(&p->obj, SL_EDUP, "event id %l is already pending", (int64_t)id);
  if (sl__layout_check_late(&p->lay, ts) != SL_OK) {
    p->cnt[SL__PC_LATE]++;
    return sl__fail(&p->obj, SL_ELATE, "event time %l is behind a window's watermark", ts);
  }
  t0 = now(p);
  if ((st = sl__layout_features(&p->lay, key, ts, values, p->x, &p->cnt[SL__PC_NONFINITE])) != SL_OK)
    return sl__fail(&p->obj, st, "a window refused the event: %s", sl_strerror(st));
  t1 = now(p);
  while (p->pend.n == p->pend.cap) drop(p, sl__pending_oldest(&p->pend), SL_PIPELINE_EVICTED);
  slot = sl__pending_append(&p->pend, id, key, ts, p->parity);
  row = sl__pending_row(&p->pend, slot);
  SL__MEMCPY(row, p->x, p->n_features * sizeof *row);
  predict(p, 0, row + role_at(p, 0));
  if (p->model[1]) predict(p, 1, row + role_at(p, 1));
  t2 = now(p);
  time_stage(p, SL__STAGE_FEATURES, t0, t1);
  time_stage(p, SL__STAGE_PREDICT, t1, t2);
  p->cnt[SL__PC_EVENTS]++;
  if (!p->has_newest || ts > p->newest) p->newest = ts;
  p->has_newest = 1;
  describe(p, slot, pr);
  while (ttl && (head = sl__pending_oldest(&p->pend)) != slot && p->pend.ts[head] < p->newest - ttl)
    drop(p, head, SL_PIPELINE_TTL);
  if (p->cb.on_prediction) {
    int stop;
    p->in_callback = 1;
    stop = p->cb.on_prediction(pr, p->cb.user);
    p->in_callback = 0;
    if (stop) return sl__fail(&p->obj, SL_ECALLBACK, "on_prediction asked to stop");
  }
  return SL_OK;
}

/* Entry checks every push call shares; sets the pipeline up on the first. */
static sl_status enter(sl_pipeline *p) {
  sl__clear_error(&p->obj);
  if (p->in_callback) return sl__fail(&p->obj, SL_ESTATE, "a callback cannot push into its pipeline");
  return sl__pipeline_ready(p);
}

SL_API sl_status sl_pipeline_push(sl_pipeline *p, const sl_event *ev, sl_prediction *out) {
  sl_prediction pr;
  sl_status st;
  if (!p) return SL_EINVAL;
  if (!ev || ev->struct_size < sizeof *ev) return sl__fail(&p->obj, SL_EINVAL, "event is NULL or struct_size too small");
  if (out && out->struct_size < sizeof(size_t)) return sl__fail(&p->obj, SL_EINVAL, "prediction struct_size not set");
  if ((st = check_event(p, ev->ts, ev->values, ev->n_values)) != SL_OK || (st = enter(p)) != SL_OK) return st;
  st = push_one(p, ev->id, ev->key, ev->ts, ev->values, &pr);
  if (out && (st == SL_OK || st == SL_ECALLBACK)) {
    size_t size = out->struct_size;
    SL__MEMCPY(out, &pr, size < sizeof pr ? size : sizeof pr);
    out->struct_size = size;
  }
  return st;
}

SL_API sl_status sl_pipeline_push_many(sl_pipeline *p, size_t n, const uint64_t *ids, const uint64_t *keys,
                                       const int64_t *ts, const double *values, double *y, size_t *n_done,
                                       size_t *n_late) {
  size_t i, late = 0, nr;
  sl_status st = SL_OK;
  if (n_done) *n_done = 0;
  if (n_late) *n_late = 0;
  if (!p) return SL_EINVAL;
  if (n && (!ids || !keys || !ts || !values)) return sl__fail(&p->obj, SL_EINVAL, "NULL array with n > 0");
  if ((st = enter(p)) != SL_OK) return st;
  nr = p->lay.n_raw;
  for (i = 0; i < n; i++) {
    sl_prediction pr;
    pr.y = NAN;
    st = check_event(p, ts[i], values + i * nr, nr);
    if (st == SL_OK) st = push_one(p, ids[i], keys[i], ts[i], values + i * nr, &pr);
    if (y && (st == SL_OK || st == SL_ECALLBACK || st == SL_ELATE)) y[i] = pr.y;
    if (st == SL_ELATE) {
      late++;
      st = SL_OK;
      continue;
    }
    if (st != SL_OK) break;
  }
  if (n_done) *n_done = st == SL_ECALLBACK ? i + 1 : i;
  if (n_late) *n_late = late;
  return st;
}

/* ---- labels ---------------------------------------------------------------------- */

static sl_status check_label(sl_pipeline *p, double y) {
  int i;
  if (!sl__finite(y)) return sl__fail(&p->obj, SL_ENONFINITE, "label is NaN or infinite");
  if (p->task != SL_TASK_CLASSIFICATION) return SL_OK;
  for (i = 0; i < 2; i++) {
    const sl_model *m = p->model[i];
    if (m && (y < 0 || y != floor(y) || y >= (double)((const sl__model_ops *)m->obj.kind->ops)->max_classes(m)))
      return sl__fail(&p->obj, SL_EINVAL, "label is not a class index the %s accepts", i ? "challenger" : "model");
  }
  return SL_OK;
}

/* Scores the prediction at `at` against y: err and loss (see metrics.c). */
static void score(const sl_pipeline *p, const double *at, double y, double *err, double *loss) {
  if (p->task == SL_TASK_CLASSIFICATION) {
    double pt = y < (double)p->n_classes ? at[1 + (size_t)y] : 0.0;
    if (pt < 1e-15) pt = 1e-15; /* River's LogLoss clamps the same way */
    if (pt > 1 - 1e-15) pt = 1 - 1e-15;
    *err = at[0] != y;
    *loss = -log(pt);
  } else {
    double e = fabs(at[0] - y);
    *err = e < SL__ERR_CAP ? e : SL__ERR_CAP;
    *loss = *err * *err < SL__ERR_CAP ? *err * *err : SL__ERR_CAP;
  }
}

/* The model in `role` learns x, y, then the replay batch when there is one. */
static void learn(sl_pipeline *p, int role, double y, size_t batch_rows) {
  sl_model *m = p->model[role];
  if (sl_model_learn(m, p->x, p->n_features, y, 1.0) != SL_OK) p->cnt[SL__PC_LEARN_REJECTED]++;
  if (batch_rows && sl_model_learn_many(m, p->batch.features, batch_rows, p->n_features, p->batch.targets,
                                        p->batch.is_weights) != SL_OK)
    p->cnt[SL__PC_LEARN_REJECTED]++;
}

static sl_status label_one(sl_pipeline *p, uint64_t id, double y) {
  const sl__pval *prm = p->obj.param;
  size_t slot = sl__pending_find(&p->pend, id), k = 0, size = 0;
  const double *row;
  double err[2], loss[2];
  int swapped, role;
  uint64_t t0;
  int64_t ts;
  uint64_t key;
  sl_status st;
  if (slot == SL__PEND_NONE) {
    p->cnt[SL__PC_UNMATCHED]++;
    return sl__fail(&p->obj, SL_ENOTFOUND, "no pending prediction for event id %l", (int64_t)id);
  }
  if ((st = check_label(p, y)) != SL_OK) return st;
  t0 = now(p);
  row = sl__pending_row(&p->pend, slot);
  ts = p->pend.ts[slot];
  key = p->pend.key[slot];
  swapped = ((p->pend.flag[slot] & SL__PEND_PARITY) != 0) != (p->parity != 0);
  SL__MEMCPY(p->x, row, p->n_features * sizeof *p->x);
  for (role = 0; role < (p->model[1] ? 2 : 1); role++) {
    score(p, row + role_at(p, role), y, &err[role], &loss[role]);
    sl__metric_push(&p->met[swapped ? 1 - role : role], err[role], loss[role], prm[SL__PP_METRIC_FADING].d);
  }
  sl__pending_remove(&p->pend, slot);
  p->cnt[SL__PC_LABELS]++;
  sl__policy_drift(p, err[0], id);
  if (p->replay) {
    if (sl_replay_add(p->replay, p->x, p->n_features, y, 1.0, ts, key, NULL) != SL_OK)
      p->cnt[SL__PC_LEARN_REJECTED]++;
    k = (size_t)prm[SL__PP_REPLAY_K].i;
    sl_replay_size(p->replay, &size);
    if (k && (!size || sl_replay_sample(p->replay, k, 1, &p->batch) != SL_OK)) k = 0;
  }
  learn(p, 0, y, k);
  if (p->model[1]) learn(p, 1, y, k);
  p->cnt[SL__PC_SINCE_CHANGE]++;
  st = sl__policy_after_label(p);
  time_stage(p, SL__STAGE_LEARN, t0, now(p));
  return st;
}

SL_API sl_status sl_pipeline_push_label(sl_pipeline *p, uint64_t id, double y) {
  if (!p) return SL_EINVAL;
  sl__clear_error(&p->obj);
  if (p->in_callback) return sl__fail(&p->obj, SL_ESTATE, "a callback cannot push into its pipeline");
  if (!p->ready) return sl__fail(&p->obj, SL_ESTATE, "no event was pushed yet");
  return label_one(p, id, y);
}

SL_API sl_status sl_pipeline_push_labels(sl_pipeline *p, size_t n, const uint64_t *ids, const double *y,
                                         size_t *n_done, size_t *n_unmatched) {
  size_t i, unmatched = 0;
  sl_status st = SL_OK;
  if (n_done) *n_done = 0;
  if (n_unmatched) *n_unmatched = 0;
  if (!p) return SL_EINVAL;
  sl__clear_error(&p->obj);
  if (n && (!ids || !y)) return sl__fail(&p->obj, SL_EINVAL, "NULL array with n > 0");
  if (p->in_callback) return sl__fail(&p->obj, SL_ESTATE, "a callback cannot push into its pipeline");
  if (!p->ready) return n ? sl__fail(&p->obj, SL_ESTATE, "no event was pushed yet") : SL_OK;
  for (i = 0; i < n; i++) {
    st = label_one(p, ids[i], y[i]);
    if (st == SL_ENOTFOUND) {
      unmatched++;
      st = SL_OK;
      continue;
    }
    if (st != SL_OK) break;
  }
  if (n_done) *n_done = i;
  if (n_unmatched) *n_unmatched = unmatched;
  return st;
}
