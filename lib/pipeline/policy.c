/* What a label can change beyond learning: the drift policy, challenger
 * promotion, snapshots of the champion and rollback to them. Every change
 * goes through model_changed(): new version, audit callback. */
#include "pipeline_impl.h"

/* ---- the audit trail ---------------------------------------------------------- */

static void model_changed(sl_pipeline *p, sl_pipeline_reason why, double before, double reference) {
  static const int counter[] = {SL__PC_PROMOTIONS, SL__PC_ROLLBACKS, SL__PC_RESETS, SL__PC_CONSOLIDATIONS,
                                SL__PC_RETRAINS};
  p->cnt[SL__PC_VERSION]++;
  p->cnt[counter[why]]++;
  p->cnt[SL__PC_SINCE_CHANGE] = 0;
  if (p->cb.on_model_change) {
    sl_pipeline_metrics m;
    sl_pipeline_change c;
    sl__pipeline_fill_metrics(p, &m);
    c.struct_size = sizeof c;
    c.version = p->cnt[SL__PC_VERSION];
    c.reason = why;
    c.label_index = p->cnt[SL__PC_LABELS];
    c.score_before = before;
    c.score_reference = reference;
    c.metrics = &m;
    p->in_callback = 1;
    p->cb.on_model_change(&c, p->cb.user);
    p->in_callback = 0;
  }
}

static double champion_score(const sl_pipeline *p) { return sl__metric_score(&p->met[0], p->task); }

/* ---- snapshots ------------------------------------------------------------------ */

void sl__snaps_clear(sl_pipeline *p) {
  size_t i;
  for (i = 0; i < p->n_snap; i++) p->snap[i].len = 0;
}

void sl__snaps_free(sl_pipeline *p) {
  size_t i;
  for (i = 0; p->snap && i < p->n_snap; i++) sl__free(&p->obj.mem, p->snap[i].buf, p->snap[i].cap);
  sl__free(&p->obj.mem, p->snap, p->n_snap * sizeof *p->snap);
  p->snap = NULL;
  p->n_snap = p->snap_next = 0;
}

/* Copies the champion into the next slot; the slot's block grows (with a
 * quarter to spare) only when the model outgrew it. A failed allocation
 * skips this snapshot (counted in "snapshots_failed"). */
static void take_snapshot(sl_pipeline *p) {
  sl__snap *s = &p->snap[p->snap_next];
  sl__writer w;
  SL__MEMSET(&w, 0, sizeof w);
  sl__object_save_payload(&p->model[0]->obj, &w);
  if (w.st != SL_OK) return;
  if (s->cap < w.n) {
    size_t want = (size_t)w.n + (size_t)w.n / 4;
    uint8_t *b = (uint8_t *)sl__alloc(&p->obj.mem, want);
    if (!b) {
      p->cnt[SL__PC_SNAP_FAILED]++;
      return;
    }
    sl__free(&p->obj.mem, s->buf, s->cap);
    s->buf = b;
    s->cap = want;
  }
  SL__MEMSET(&w, 0, sizeof w);
  w.mem = s->buf;
  w.cap = s->cap;
  sl__object_save_payload(&p->model[0]->obj, &w);
  if (w.st != SL_OK) return;
  s->len = (size_t)w.n;
  s->score = champion_score(p);
  s->version = p->cnt[SL__PC_VERSION];
  s->label = p->cnt[SL__PC_LABELS];
  p->snap_next = (p->snap_next + 1) % p->n_snap;
  p->cnt[SL__PC_SNAPSHOTS]++;
}

/* The used slot with the best score, or NULL. */
static sl__snap *best_snapshot(sl_pipeline *p) {
  sl__snap *best = NULL;
  size_t i;
  for (i = 0; i < p->n_snap; i++)
    if (p->snap[i].len && (!best || p->snap[i].score > best->score)) best = &p->snap[i];
  return best;
}

/* Replaces the champion by snapshot `s`, which is used up (a model that
 * fails again is not brought back again and again). */
static sl_status roll_back(sl_pipeline *p, sl__snap *s, double live) {
  sl__object *o = NULL;
  sl__reader r;
  sl_status st;
  r.p = s->buf;
  r.left = s->len;
  r.st = SL_OK;
  r.depth = 0;
  st = sl__object_load_payload(&o, &sl__model_class, &r, &p->obj.mem.a);
  if (st != SL_OK) return sl__fail(&p->obj, st, "rollback: cannot load the snapshot of label %l", (int64_t)s->label);
  sl_model_free(p->model[0]);
  p->model[0] = (sl_model *)o;
  s->len = 0;
  model_changed(p, SL_PIPELINE_ROLLED_BACK, live, s->score);
  return SL_OK;
}

/* ---- drift ------------------------------------------------------------------------ */

static void report_drift(sl_pipeline *p, sl_drift_state s, sl_pipeline_policy action, uint64_t event_id) {
  sl_pipeline_metrics m;
  sl_pipeline_drift_info d;
  if (!p->cb.on_drift) return;
  sl__pipeline_fill_metrics(p, &m);
  d.struct_size = sizeof d;
  d.label_index = p->cnt[SL__PC_LABELS];
  d.event_id = event_id;
  d.state = s;
  d.action = action;
  d.metrics = &m;
  p->in_callback = 1;
  p->cb.on_drift(&d, p->cb.user);
  p->in_callback = 0;
}

/* Reset, then learn every record of the replay buffer, in slot order. */
static void retrain(sl_pipeline *p) {
  sl_model *m = p->model[0];
  size_t size = 0, i;
  sl_model_reset(m);
  sl_replay_size(p->replay, &size);
  for (i = 0; i < size; i++) {
    double y, w;
    sl_replay_get(p->replay, i, p->row, p->n_features, &y, &w, NULL, NULL);
    if (sl_model_learn(m, p->row, p->n_features, y, w) != SL_OK) p->cnt[SL__PC_LEARN_REJECTED]++;
  }
}

sl_status sl__policy_drift(sl_pipeline *p, double served_err, uint64_t event_id) {
  sl_pipeline_policy action = (sl_pipeline_policy)p->obj.param[SL__PP_DRIFT_POLICY].i;
  sl_drift_state s;
  double before;
  if (!p->drift) return SL_OK;
  /* A value the detector refuses (a non-finite regression error) is skipped. */
  if (sl_drift_update(p->drift, served_err, &s) != SL_OK) return SL_OK;
  if (s == SL_DRIFT_WARNING && p->last_state != SL_DRIFT_WARNING) {
    p->cnt[SL__PC_WARNINGS]++;
    report_drift(p, s, SL_PIPELINE_ALERT, event_id);
  }
  p->last_state = (uint8_t)s;
  if (s != SL_DRIFT_DETECTED) return SL_OK;
  p->cnt[SL__PC_DRIFTS]++;
  report_drift(p, s, action, event_id);
  before = champion_score(p);
  switch (action) {
  case SL_PIPELINE_RESET:
    sl_model_reset(p->model[0]);
    sl__snaps_clear(p);
    model_changed(p, SL_PIPELINE_WAS_RESET, before, NAN);
    break;
  case SL_PIPELINE_CONSOLIDATE:
    if (sl_model_consolidate(p->model[0]) == SL_OK) model_changed(p, SL_PIPELINE_CONSOLIDATED, before, NAN);
    else p->cnt[SL__PC_LEARN_REJECTED]++;
    break;
  case SL_PIPELINE_REPLAY:
    retrain(p);
    sl__snaps_clear(p);
    model_changed(p, SL_PIPELINE_RETRAINED, before, NAN);
    break;
  default: break;
  }
  return SL_OK;
}

/* ---- after learning ---------------------------------------------------------------- */

sl_status sl__policy_after_label(sl_pipeline *p) {
  const sl__pval *prm = p->obj.param;
  uint64_t since = p->cnt[SL__PC_SINCE_CHANGE], every = (uint64_t)prm[SL__PP_SNAPSHOT_EVERY].i;
  uint64_t window = (uint64_t)prm[SL__PP_METRIC_WINDOW].i;
  sl__snap *best;
  double live;
  if (p->model[1] && since >= (uint64_t)prm[SL__PP_PROMOTE_MIN_LABELS].i) {
    double champ = champion_score(p), chal = sl__metric_score(&p->met[1], p->task);
    if (chal > champ + prm[SL__PP_PROMOTE_MARGIN].d) {
      sl_model *m = p->model[0];
      sl__metric t = p->met[0];
      p->model[0] = p->model[1];
      p->model[1] = m;
      p->met[0] = p->met[1];
      p->met[1] = t;
      p->parity ^= 1u;
      sl__snaps_clear(p); /* they hold the other model */
      model_changed(p, SL_PIPELINE_PROMOTED, champ, chal);
      return SL_OK;
    }
  }
  if (!every || since < window) return SL_OK;
  if (p->cnt[SL__PC_LABELS] % every == 0) take_snapshot(p);
  live = champion_score(p);
  best = best_snapshot(p);
  if (best && best->score - live > prm[SL__PP_ROLLBACK_THRESHOLD].d) return roll_back(p, best, live);
  return SL_OK;
}
