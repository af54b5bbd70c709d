/* The pipeline's checkpoint payload and its one constructor.
 *
 * After the parameters (the object layer's): n_raw; the chosen raw fields;
 * the window features (field, then the window as a nested payload); a
 * byte saying which of model, challenger, detector, replay buffer follow,
 * and each as a nested payload; the ready byte; when ready: the class
 * probabilities kept per prediction (derived, checked), role parity,
 * last detector state, newest event time, the counters, the pending
 * table, the metrics per role, and the snapshot ring (each snapshot a
 * model payload, checked by loading it). Not saved: callbacks, the clock,
 * the latency histograms. */
#include "pipeline_impl.h"

enum { HAS_MODEL = 1, HAS_CHALLENGER = 2, HAS_DRIFT = 4, HAS_REPLAY = 8 };

static void save_snapshots(const sl_pipeline *p, sl__writer *w) {
  size_t i;
  sl__put_u64(w, p->snap_next);
  for (i = 0; i < p->n_snap; i++) {
    const sl__snap *s = &p->snap[i];
    sl__put_u8(w, s->len != 0);
    if (!s->len) continue;
    sl__put_f64(w, s->score);
    sl__put_u64(w, s->version);
    sl__put_u64(w, s->label);
    sl__put_u64(w, s->len);
    sl__put_bytes(w, s->buf, s->len);
  }
}

sl_status sl__pipeline_save(const sl__object *o, sl__writer *w) {
  const sl_pipeline *p = (const sl_pipeline *)o;
  const void *nested[4];
  size_t i;
  sl__put_u64(w, p->lay.n_raw);
  sl__put_u64(w, p->lay.n_sel);
  for (i = 0; i < p->lay.n_sel; i++) sl__put_u64(w, p->lay.raw[i]);
  sl__put_u64(w, p->lay.n_win);
  for (i = 0; i < p->lay.n_win; i++) {
    sl__put_u64(w, p->lay.win[i].field);
    sl__object_save_payload(&p->lay.win[i].w->obj, w);
  }
  nested[0] = p->model[0];
  nested[1] = p->model[1];
  nested[2] = p->drift;
  nested[3] = p->replay;
  sl__put_u8(w, (uint8_t)((nested[0] ? HAS_MODEL : 0) | (nested[1] ? HAS_CHALLENGER : 0) |
                          (nested[2] ? HAS_DRIFT : 0) | (nested[3] ? HAS_REPLAY : 0)));
  for (i = 0; i < 4; i++)
    if (nested[i]) sl__object_save_payload((const sl__object *)nested[i], w);
  sl__put_u8(w, (uint8_t)p->ready);
  if (!p->ready) return w->st;
  sl__put_u64(w, p->n_classes);
  sl__put_u8(w, p->parity);
  sl__put_u8(w, p->last_state);
  sl__put_u8(w, p->has_newest);
  sl__put_i64(w, p->newest);
  for (i = 0; i < SL__PC_N; i++) sl__put_u64(w, p->cnt[i]);
  sl__pending_save(&p->pend, w);
  sl__metric_save(&p->met[0], w);
  if (p->model[1]) sl__metric_save(&p->met[1], w);
  save_snapshots(p, w);
  return w->st;
}

/* ---- load ------------------------------------------------------------------------ */

/* A nested handle of class `c`; SL_ECORRUPT for anything but SL_ENOMEM. */
static sl_status load_nested(sl__object **out, const sl__handle_class *c, sl__reader *r, const sl_allocator *a) {
  sl_status st = sl__object_load_payload(out, c, r, a);
  if (st == SL_OK || st == SL_ENOMEM) return st;
  if (r->st == SL_OK) r->st = SL_ECORRUPT;
  return SL_ECORRUPT;
}

static sl_status load_layout(sl_pipeline *p, sl__reader *r) {
  const sl_allocator *a = &p->obj.mem.a;
  size_t n, i;
  sl_status st;
  p->lay.n_raw = (size_t)sl__get_count(r, SL__MAX_RAW);
  if (!sl__expect(r, p->lay.n_raw >= 1)) return r->st;
  n = (size_t)sl__get_count(r, SL__MAX_RAW_FEATURES);
  for (i = 0; i < n && r->st == SL_OK; i++) {
    size_t f = (size_t)sl__get_count(r, p->lay.n_raw - 1);
    if (r->st == SL_OK && (st = sl__layout_add_raw(&p->lay, &p->obj.mem, f)) != SL_OK) return st;
  }
  n = (size_t)sl__get_count(r, SL__MAX_WINDOWS);
  for (i = 0; i < n && r->st == SL_OK; i++) {
    size_t f = (size_t)sl__get_count(r, p->lay.n_raw - 1);
    sl__object *w = NULL;
    int kind = -1;
    if (r->st != SL_OK) break;
    if ((st = load_nested(&w, &sl__window_class, r, a)) != SL_OK) return st;
    sl_window_kind_of((sl_window *)w, &kind);
    if (!sl__expect(r, kind == SL_WINDOW_SLIDING || kind == SL_WINDOW_COUNT) ||
        (st = sl__layout_add_window(&p->lay, &p->obj.mem, (sl_window *)w, f)) != SL_OK) {
      sl__object_free(w);
      return r->st != SL_OK ? r->st : st;
    }
  }
  return r->st;
}

static sl_status load_handles(sl_pipeline *p, sl__reader *r) {
  static const sl__handle_class *const cls[4] = {&sl__model_class, &sl__model_class, &sl__drift_class,
                                                  &sl__replay_class};
  sl__object *h[4] = {NULL, NULL, NULL, NULL};
  uint8_t has = sl__get_u8(r);
  sl_status st = SL_OK;
  int i;
  if (!sl__expect(r, has <= 15 && ((has & HAS_MODEL) || !(has & HAS_CHALLENGER)))) return r->st;
  for (i = 0; i < 4 && st == SL_OK; i++)
    if (has & (1u << i)) st = load_nested(&h[i], cls[i], r, &p->obj.mem.a);
  /* attached as loaded, so the pipeline frees them on failure */
  p->model[0] = (sl_model *)h[0];
  p->model[1] = (sl_model *)h[1];
  p->drift = (sl_drift *)h[2];
  p->replay = (sl_replay *)h[3];
  return st;
}

/* A snapshot must load as a model of the pipeline's dimension and task. */
static sl_status check_snapshot(sl_pipeline *p, const sl__snap *s, sl__reader *r) {
  sl__object *o = NULL;
  sl__reader sr;
  sl_status st;
  size_t n = 0;
  sl_model_task t = SL_TASK_REGRESSION;
  sr.p = s->buf;
  sr.left = s->len;
  sr.st = SL_OK;
  sr.depth = r->depth;
  if ((st = load_nested(&o, &sl__model_class, &sr, &p->obj.mem.a)) != SL_OK) return st == SL_ENOMEM ? st : SL_ECORRUPT;
  sl_model_info((sl_model *)o, &t, &n);
  sl__object_free(o);
  sl__expect(r, sr.left == 0 && n == p->n_features && t == p->task);
  return r->st;
}

static sl_status load_snapshots(sl_pipeline *p, sl__reader *r) {
  size_t i;
  sl_status st;
  p->snap_next = (size_t)sl__get_count(r, p->n_snap - 1);
  for (i = 0; i < p->n_snap && r->st == SL_OK; i++) {
    sl__snap *s = &p->snap[i];
    uint8_t used = sl__get_u8(r);
    size_t len;
    if (!sl__expect(r, used <= 1) || !used) continue;
    s->score = sl__get_finite(r);
    s->version = sl__get_u64(r);
    s->label = sl__get_u64(r);
    len = (size_t)sl__get_count(r, r->left);
    if (!sl__expect(r, len > 0 && s->version >= 1 && s->version <= p->cnt[SL__PC_VERSION] &&
                           s->label <= p->cnt[SL__PC_LABELS]))
      break;
    if (!(s->buf = (uint8_t *)sl__alloc(&p->obj.mem, len))) return SL_ENOMEM;
    s->cap = s->len = len;
    sl__get_bytes(r, s->buf, len);
    if (r->st == SL_OK && (st = check_snapshot(p, s, r)) != SL_OK) return st;
  }
  return r->st;
}

static sl_status load_state(sl_pipeline *p, sl__reader *r) {
  sl_status st;
  size_t i;
  uint8_t ready;
  if ((st = load_layout(p, r)) != SL_OK || (st = load_handles(p, r)) != SL_OK) return st;
  ready = sl__get_u8(r);
  if (!sl__expect(r, ready <= 1) || !ready) return r->st;
  if ((st = sl__pipeline_ready(p)) != SL_OK) return st == SL_ENOMEM ? st : SL_ECORRUPT;
  if (!sl__expect(r, sl__get_u64(r) == p->n_classes)) return r->st;
  p->parity = sl__get_u8(r);
  p->last_state = sl__get_u8(r);
  p->has_newest = sl__get_u8(r);
  p->newest = sl__get_i64(r);
  for (i = 0; i < SL__PC_N; i++) p->cnt[i] = sl__get_u64(r);
  if (!sl__expect(r, p->parity <= (p->model[1] ? 1 : 0) && p->last_state <= SL_DRIFT_DETECTED &&
                         p->has_newest <= 1 && p->newest > -((int64_t)1 << 62) && p->newest < ((int64_t)1 << 62) &&
                         p->cnt[SL__PC_VERSION] >= 1 && p->cnt[SL__PC_LABELS] <= p->cnt[SL__PC_EVENTS]))
    return r->st;
  sl__pending_load(&p->pend, r);
  sl__metric_load(&p->met[0], r);
  if (p->model[1]) sl__metric_load(&p->met[1], r);
  if (r->st != SL_OK) return r->st;
  return load_snapshots(p, r);
}

sl_status sl__pipeline_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                             const sl_allocator *a) {
  sl_status st = sl__object_new(out, sizeof(sl_pipeline), &sl__pipeline_default_kind, params, a);
  sl_pipeline *p = (sl_pipeline *)*out;
  if (st != SL_OK) return st;
  if (!r) {
    p->lay.n_raw = *(const size_t *)args;
    return SL_OK;
  }
  return load_state(p, r);
}
