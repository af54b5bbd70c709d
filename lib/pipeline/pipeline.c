/* sl_pipeline dispatch: the one kind, its parameters and statistics, the
 * setup calls (attach handles, layout, callbacks) and the check-and-allocate
 * step of the first push. The event and label loop is loop.c's. */
#include "pipeline_impl.h"

#define FIXED SL_PARAM_FIXED_AFTER_START

static const sl_param_info pipeline_params[] = {
    {"pending_cap", SL_PARAM_INT, 4096, 1, 16777216, NULL,
     "predictions waiting for labels; one is dropped when this many later events arrived", FIXED},
    {"label_ttl", SL_PARAM_INT, 0, 0, 4.6e18, NULL,
     "drop a pending prediction this far behind the newest event time (0: never)", 0},
    {"metric_fading", SL_PARAM_DOUBLE, 1, 0, 1, NULL, "fading factor of the faded metrics (1: whole stream)", 0},
    {"metric_window", SL_PARAM_INT, 1000, 1, 10000000, NULL, "labels in the windowed metrics", FIXED},
    {"drift_policy", SL_PARAM_ENUM, SL_PIPELINE_ALERT, 0, 3, "alert|reset|consolidate|replay",
     "what a detected drift does to the champion", FIXED},
    {"replay_k", SL_PARAM_INT, 0, 0, 65536, NULL, "replay records learned with each label (0: none)", FIXED},
    {"promote_margin", SL_PARAM_DOUBLE, 0.01, 0, 1e15, NULL,
     "score the challenger must beat the champion's by to be promoted", 0},
    {"promote_min_labels", SL_PARAM_INT, 500, 1, 1e15, NULL, "labels since the last model change before a promotion",
     0},
    {"snapshot_every", SL_PARAM_INT, 0, 0, 1e15, NULL, "labels between snapshots of the champion (0: none, no rollback)",
     0},
    {"snapshots", SL_PARAM_INT, 4, 1, 64, NULL, "snapshots kept (a ring)", FIXED},
    {"rollback_threshold", SL_PARAM_DOUBLE, 0.05, 0, 1e15, NULL,
     "roll back when the score is this far below the best snapshot's", 0},
};

/* Statistics: the metric doubles of sl_pipeline_metrics, the counters,
 * then the rest. */
#define SL__METRIC_STATS                                                                                       \
  "accuracy", "log_loss", "mae", "rmse", "accuracy_window", "log_loss_window", "mae_window", "rmse_window",   \
      "challenger_accuracy_window", "challenger_log_loss_window", "challenger_mae_window",                     \
      "challenger_rmse_window"
#define SL__N_METRIC_STATS 12
#define SL__PC_NAME(id, name) name,
#define M(f) offsetof(sl_pipeline_metrics, f)
static const size_t metric_offset[SL__N_METRIC_STATS] = {
    M(accuracy),        M(log_loss),       M(mae),         M(rmse),
    M(accuracy_window), M(log_loss_window), M(mae_window), M(rmse_window),
    M(challenger_accuracy_window), M(challenger_log_loss_window), M(challenger_mae_window),
    M(challenger_rmse_window)};
#undef M

static const char *const pipeline_stats[] = {
    SL__METRIC_STATS, SL__PIPELINE_COUNTERS(SL__PC_NAME) "pending", "n_raw", "n_features", "handle_allocations", "handle_bytes",
    "latency_features_p50", "latency_features_p99", "latency_features_p999", "latency_predict_p50",
    "latency_predict_p99", "latency_predict_p999", "latency_learn_p50", "latency_learn_p99", "latency_learn_p999",
};

static const sl__kind *const sl__pipeline_kinds[] = {[SL_PIPELINE_DEFAULT] = &sl__pipeline_default_kind};

const sl__handle_class sl__pipeline_class = {"pipeline", SL__HANDLE_PIPELINE, sl__pipeline_kinds,
                                             sizeof sl__pipeline_kinds / sizeof sl__pipeline_kinds[0]};

SL__HANDLE_DEFINE(pipeline, sl__pipeline_class)

/* ---- metrics and statistics ----------------------------------------------------- */

void sl__pipeline_fill_metrics(const sl_pipeline *p, sl_pipeline_metrics *m) {
  double f[4], w[4], cf[4], cw[4];
  SL__MEMSET(m, 0, sizeof *m);
  m->struct_size = sizeof *m;
  m->events = p->cnt[SL__PC_EVENTS];
  m->labels = p->cnt[SL__PC_LABELS];
  m->model_version = p->cnt[SL__PC_VERSION];
  f[0] = f[1] = f[2] = f[3] = w[0] = w[1] = w[2] = w[3] = NAN;
  cw[0] = cw[1] = cw[2] = cw[3] = NAN;
  if (p->ready) {
    sl__metric_read(&p->met[0], p->task, f, w);
    if (p->model[1]) sl__metric_read(&p->met[1], p->task, cf, cw);
  }
  m->accuracy = f[0];
  m->log_loss = f[1];
  m->mae = f[2];
  m->rmse = f[3];
  m->accuracy_window = w[0];
  m->log_loss_window = w[1];
  m->mae_window = w[2];
  m->rmse_window = w[3];
  m->challenger_accuracy_window = cw[0];
  m->challenger_log_loss_window = cw[1];
  m->challenger_mae_window = cw[2];
  m->challenger_rmse_window = cw[3];
}

/* Allocation calls (bytes = 0) or bytes held (bytes = 1) of the pipeline and every handle it holds. */
static double sum_handles(const sl_pipeline *p, int bytes) {
  const void *h[5];
  double n = 0;
  size_t k;
  h[0] = p;
  h[1] = p->model[0];
  h[2] = p->model[1];
  h[3] = p->drift;
  h[4] = p->replay;
  for (k = 0; k < 5 + p->lay.n_win; k++) {
    const sl__object *o = (const sl__object *)(k < 5 ? h[k] : p->lay.win[k - 5].w);
    if (o) n += bytes ? (double)o->mem.bytes : (double)o->mem.allocations;
  }
  return n;
}

static double pipeline_stat(const sl__object *o, size_t i) {
  const sl_pipeline *p = (const sl_pipeline *)o;
  if (i < SL__N_METRIC_STATS) {
    sl_pipeline_metrics m;
    sl__pipeline_fill_metrics(p, &m);
    return *(const double *)((const char *)&m + metric_offset[i]);
  }
  i -= SL__N_METRIC_STATS;
  if (i < SL__PC_N) return (double)p->cnt[i];
  i -= SL__PC_N;
  switch (i) {
  case 0: return (double)p->pend.n_live;
  case 1: return (double)p->lay.n_raw;
  case 2: return (double)sl__layout_size(&p->lay);
  case 3: return sum_handles(p, 0);
  case 4: return sum_handles(p, 1);
  default: {
    static const double q[3] = {0.5, 0.99, 0.999};
    i -= 5;
    return sl__hist_quantile(&p->lat[i / 3], q[i % 3]);
  }
  }
}

/* ---- construction and teardown ------------------------------------------------- */

size_t sl__pipeline_stride(const sl_pipeline *p) {
  return p->n_features + (1 + p->n_classes) * (p->model[1] ? 2u : 1u);
}

void sl__pipeline_release(sl_pipeline *p) {
  sl__mem *m = &p->obj.mem;
  sl__pending_free(&p->pend, m);
  sl__metric_free(&p->met[0], m);
  sl__metric_free(&p->met[1], m);
  sl__snaps_free(p);
  sl__free(m, p->x, p->n_features * sizeof *p->x);
  sl__free(m, p->row, p->n_features * sizeof *p->row);
  sl__free(m, p->batch.features, p->batch.rows * p->n_features * sizeof(double));
  sl__free(m, p->batch.targets, p->batch.rows * sizeof(double));
  sl__free(m, p->batch.is_weights, p->batch.rows * sizeof(double));
  p->x = p->row = NULL;
  SL__MEMSET(&p->batch, 0, sizeof p->batch);
  p->ready = 0;
}

static void pipeline_destroy(sl__object *o) {
  sl_pipeline *p = (sl_pipeline *)o;
  sl__pipeline_release(p);
  sl__layout_free(&p->lay, &o->mem);
  sl_model_free(p->model[0]);
  sl_model_free(p->model[1]);
  sl_drift_free(p->drift);
  sl_replay_free(p->replay);
  sl__object_delete(o, sizeof(sl_pipeline));
}

SL_API sl_status sl_pipeline_new(sl_pipeline **out, size_t n_raw, const sl_allocator *a) {
  sl__object *o = NULL;
  sl_status st;
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (n_raw == 0 || n_raw > SL__MAX_RAW) return SL_EINVAL;
  st = sl__kind_build(&sl__pipeline_default_kind, NULL, NULL, &n_raw, a, &o);
  *out = (sl_pipeline *)o;
  return st;
}

/* ---- the first push: check the setup, allocate the tables --------------------- */

static const char *task_name(sl_model_task t) { return t == SL_TASK_CLASSIFICATION ? "classifier" : "regressor"; }

static sl_status check_setup(sl_pipeline *p) {
  const sl__pval *prm = p->obj.param;
  size_t i, nf;
  sl_model_task t1;
  int kind;
  if (!p->model[0]) return sl__fail(&p->obj, SL_ESTATE, "no model: attach one with sl_pipeline_set_model");
  nf = sl__layout_size(&p->lay);
  for (i = 0; i < 2; i++) {
    size_t n;
    if (!p->model[i]) continue;
    sl_model_info(p->model[i], &t1, &n);
    if (n != nf)
      return sl__fail(&p->obj, SL_EDIM, "%s takes %z features, the layout makes %z", i ? "challenger" : "model", n, nf);
    if (i && t1 != p->task)
      return sl__fail(&p->obj, SL_EKIND, "the challenger is a %s, the model a %s", task_name(t1), task_name(p->task));
    if (i == 0) p->task = t1;
  }
  if (p->drift && p->task == SL_TASK_REGRESSION &&
      ((const sl__drift_ops *)p->drift->obj.kind->ops)->input == SL__DRIFT_BINARY)
    return sl__fail(&p->obj, SL_EKIND, "detector '%s' takes 0 / 1 errors; a regressor's are real",
                    p->drift->obj.kind->name);
  if (p->replay) {
    if (p->replay->n_features != nf)
      return sl__fail(&p->obj, SL_EDIM, "replay rows have %z values, the layout makes %z", p->replay->n_features, nf);
    sl_replay_kind_of(p->replay, &kind);
    if (kind == SL_REPLAY_CLASS_BALANCED && p->task == SL_TASK_REGRESSION)
      return sl__fail(&p->obj, SL_EKIND, "a class_balanced buffer needs a classifier");
    if ((size_t)prm[SL__PP_REPLAY_K].i > p->replay->capacity)
      return sl__fail(&p->obj, SL_ERANGE, "replay_k is above the buffer's capacity");
  }
  if (prm[SL__PP_DRIFT_POLICY].i == SL_PIPELINE_CONSOLIDATE) {
    sl_model_kind_of(p->model[0], &kind);
    if (kind != SL_MODEL_EWC_LINEAR && kind != SL_MODEL_EWC_LOGISTIC)
      return sl__fail(&p->obj, SL_EKIND, "drift_policy consolidate needs an EWC model");
  }
  if (prm[SL__PP_DRIFT_POLICY].i == SL_PIPELINE_REPLAY && !p->replay)
    return sl__fail(&p->obj, SL_ESTATE, "drift_policy replay needs a replay buffer");
  return SL_OK;
}

static sl_status allocate(sl_pipeline *p) {
  sl__mem *m = &p->obj.mem;
  size_t k = p->replay ? (size_t)p->obj.param[SL__PP_REPLAY_K].i : 0, nf = p->n_features;
  sl_status st;
  p->x = (double *)sl__alloc_array(m, nf, sizeof *p->x);
  p->row = (double *)sl__alloc_array(m, nf, sizeof *p->row);
  if (!p->x || !p->row) return SL_ENOMEM;
  if (k) {
    p->batch.struct_size = sizeof p->batch;
    p->batch.rows = k;
    p->batch.n_features = nf;
    p->batch.features = (double *)sl__alloc_array(m, k * nf, sizeof(double));
    p->batch.targets = (double *)sl__alloc_array(m, k, sizeof(double));
    p->batch.is_weights = (double *)sl__alloc_array(m, k, sizeof(double));
    if (!p->batch.features || !p->batch.targets || !p->batch.is_weights) return SL_ENOMEM;
  }
  if ((st = sl__pending_init(&p->pend, m, (size_t)p->obj.param[SL__PP_PENDING_CAP].i, sl__pipeline_stride(p))) !=
      SL_OK)
    return st;
  if ((st = sl__metric_init(&p->met[0], m, (size_t)p->obj.param[SL__PP_METRIC_WINDOW].i)) != SL_OK) return st;
  if (p->model[1] && (st = sl__metric_init(&p->met[1], m, (size_t)p->obj.param[SL__PP_METRIC_WINDOW].i)) != SL_OK)
    return st;
  p->n_snap = (size_t)p->obj.param[SL__PP_SNAPSHOTS].i;
  if (!(p->snap = (sl__snap *)sl__alloc_array(m, p->n_snap, sizeof *p->snap))) return SL_ENOMEM;
  return SL_OK;
}

sl_status sl__pipeline_ready(sl_pipeline *p) {
  sl_status st;
  size_t i;
  if (p->ready) return SL_OK;
  if ((st = check_setup(p)) != SL_OK) return st;
  p->n_features = sl__layout_size(&p->lay);
  p->n_classes = 0;
  if (p->task == SL_TASK_CLASSIFICATION)
    for (i = 0; i < 2; i++)
      if (p->model[i]) {
        size_t c = ((const sl__model_ops *)p->model[i]->obj.kind->ops)->max_classes(p->model[i]);
        if (c > p->n_classes) p->n_classes = c > SL__MAX_PROBA ? SL__MAX_PROBA : c;
      }
  /* The replay buffer takes its storage now, so no label allocates. */
  if ((st = allocate(p)) != SL_OK || (p->replay && (st = sl_replay_reserve(p->replay)) != SL_OK)) {
    sl__pipeline_release(p);
    return sl__fail(&p->obj, st, "cannot allocate the pipeline's tables");
  }
  p->ready = 1;
  p->obj.started = 1;
  if (!p->cnt[SL__PC_VERSION]) p->cnt[SL__PC_VERSION] = 1;
  return SL_OK;
}

/* ---- setup calls -------------------------------------------------------------- */

/* SL_OK when the pipeline may still be set up; `h` must not be attached already. */
static sl_status setup_check(sl_pipeline *p, const void *h) {
  size_t i;
  sl__clear_error(&p->obj);
  if (p->ready || p->obj.started)
    return sl__fail(&p->obj, SL_ESTATE, "handles and layout are fixed once events flowed");
  if (!h) return SL_OK;
  if (h == (const void *)p->model[0] || h == (const void *)p->model[1] || h == (const void *)p->drift ||
      h == (const void *)p->replay)
    return sl__fail(&p->obj, SL_EDUP, "this handle is already attached");
  for (i = 0; i < p->lay.n_win; i++)
    if (h == (const void *)p->lay.win[i].w) return sl__fail(&p->obj, SL_EDUP, "this window is already attached");
  return SL_OK;
}

static sl_status attach_model(sl_pipeline *p, sl_model *m, int role) {
  sl_status st;
  if (!p) return SL_EINVAL;
  if (m == p->model[role] && m) return SL_OK;
  if ((st = setup_check(p, m)) != SL_OK) return st;
  if (!m && role == 0) return sl__fail(&p->obj, SL_EINVAL, "model is NULL");
  sl_model_free(p->model[role]);
  p->model[role] = m;
  return SL_OK;
}

SL_API sl_status sl_pipeline_set_model(sl_pipeline *p, sl_model *m) { return attach_model(p, m, 0); }

SL_API sl_status sl_pipeline_set_challenger(sl_pipeline *p, sl_model *m) { return attach_model(p, m, 1); }

SL_API sl_status sl_pipeline_set_drift(sl_pipeline *p, sl_drift *d) {
  sl_status st;
  if (!p) return SL_EINVAL;
  if (d && d == p->drift) return SL_OK;
  if ((st = setup_check(p, d)) != SL_OK) return st;
  sl_drift_free(p->drift);
  p->drift = d;
  return SL_OK;
}

SL_API sl_status sl_pipeline_set_replay(sl_pipeline *p, sl_replay *r) {
  sl_status st;
  if (!p) return SL_EINVAL;
  if (r && r == p->replay) return SL_OK;
  if ((st = setup_check(p, r)) != SL_OK) return st;
  sl_replay_free(p->replay);
  p->replay = r;
  return SL_OK;
}

SL_API sl_status sl_pipeline_add_raw_feature(sl_pipeline *p, size_t field) {
  sl_status st;
  if (!p) return SL_EINVAL;
  if ((st = setup_check(p, NULL)) != SL_OK) return st;
  if (field >= p->lay.n_raw) return sl__fail(&p->obj, SL_EDIM, "field %z is past the %z raw values", field, p->lay.n_raw);
  st = sl__layout_add_raw(&p->lay, &p->obj.mem, field);
  return st == SL_OK ? st : sl__fail(&p->obj, st, "cannot add raw feature %z", field);
}

SL_API sl_status sl_pipeline_add_window_feature(sl_pipeline *p, sl_window *w, size_t raw_field) {
  sl_status st;
  int kind;
  if (!p) return SL_EINVAL;
  if (!w) return sl__fail(&p->obj, SL_EINVAL, "window is NULL");
  if ((st = setup_check(p, w)) != SL_OK) return st;
  sl_window_kind_of(w, &kind);
  if (kind != SL_WINDOW_SLIDING && kind != SL_WINDOW_COUNT)
    return sl__fail(&p->obj, SL_EKIND, "window features are sliding or count windows, not '%s'",
                    sl_window_kind_name(kind));
  if (raw_field >= p->lay.n_raw)
    return sl__fail(&p->obj, SL_EDIM, "field %z is past the %z raw values", raw_field, p->lay.n_raw);
  st = sl__layout_add_window(&p->lay, &p->obj.mem, w, raw_field);
  return st == SL_OK ? st : sl__fail(&p->obj, st, "cannot add the window");
}

SL_API sl_status sl_pipeline_n_features(const sl_pipeline *p, size_t *n) {
  if (!p || !n) return SL_EINVAL;
  *n = sl__layout_size(&p->lay);
  return SL_OK;
}

SL_API sl_status sl_pipeline_set_callbacks(sl_pipeline *p, const sl_pipeline_callbacks *cb) {
  if (!p) return SL_EINVAL;
  SL__MEMSET(&p->cb, 0, sizeof p->cb);
  if (!cb) return SL_OK;
  if (cb->struct_size < sizeof(size_t) + sizeof(sl_pipeline_prediction_cb))
    return sl__fail(&p->obj, SL_EINVAL, "callbacks struct_size is too small");
  SL__MEMCPY(&p->cb, cb, cb->struct_size < sizeof p->cb ? cb->struct_size : sizeof p->cb);
  if (cb->struct_size < sizeof p->cb) p->cb.user = NULL; /* an older caller's struct ends before it */
  return SL_OK;
}

SL_API sl_status sl_pipeline_set_clock(sl_pipeline *p, sl_clock_fn clock, void *user) {
  if (!p) return SL_EINVAL;
  p->clock = clock;
  p->clock_user = user;
  return SL_OK;
}

SL_API sl_status sl_pipeline_read_metrics(const sl_pipeline *p, sl_pipeline_metrics *m) {
  sl_pipeline_metrics all;
  if (!p || !m || m->struct_size < sizeof(size_t)) return SL_EINVAL;
  sl__pipeline_fill_metrics(p, &all);
  all.struct_size = m->struct_size;
  SL__MEMCPY(m, &all, m->struct_size < sizeof all ? m->struct_size : sizeof all);
  return SL_OK;
}

SL_API sl_status sl_pipeline_handles(const sl_pipeline *p, const sl_model **champion, const sl_model **challenger,
                                     const sl_drift **drift, const sl_replay **replay) {
  if (!p) return SL_EINVAL;
  if (champion) *champion = p->model[0];
  if (challenger) *challenger = p->model[1];
  if (drift) *drift = p->drift;
  if (replay) *replay = p->replay;
  return SL_OK;
}

const sl__kind sl__pipeline_default_kind = {
    SL__HANDLE_PIPELINE, SL_PIPELINE_DEFAULT, "default", pipeline_params,
    sizeof pipeline_params / sizeof pipeline_params[0], pipeline_stats, sizeof pipeline_stats / sizeof pipeline_stats[0],
    NULL, pipeline_stat, sl__pipeline_save, sl__pipeline_build, pipeline_destroy, NULL,
};
