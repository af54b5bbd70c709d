/*
 * scada_telemetry: what a SCADA integrator would copy to put online
 * learning behind a plant's telemetry.
 *
 * Six pumps report temperature, vibration, pressure and motor current once
 * a second. Window features per pump (sliding 60 s mean and std of
 * vibration, 60 s max of temperature, mean of the last 30 pressure
 * readings) join the raw readings; a Hoeffding adaptive tree predicts
 * "fault" for every reading, and the maintenance system confirms or
 * clears each reading five minutes later (the label). From hour 2 a
 * bearing fault develops on pump 3; at hour 3 the plant moves to a higher
 * load (every reading shifts). ADWIN watches the error stream and raises
 * an operator note on drift (drift_policy "alert"; "reset", "consolidate"
 * and "replay" act on the model instead); a logistic regression shadows
 * the tree and is promoted if it does better; snapshots every 5000 labels
 * let the pipeline roll back a model that degrades. Every model change is
 * printed as an audit line. The pipeline checkpoints itself every ten
 * simulated minutes to scada_pipeline.slck (atomically: a crash leaves
 * the old or the new file, never half of one); run the program again and
 * it resumes from that file.
 *
 * Build (from the repository root, after `make`):
 *   cc -O2 -Iinclude examples/scada_telemetry.c build/libstreamlearn.a -lzstd -lm -o scada_telemetry
 * or against an installed library:
 *   cc -O2 examples/scada_telemetry.c $(pkg-config --cflags --libs libstreamlearn) -o scada_telemetry
 * Run: ./scada_telemetry [hours]   (default 4; delete scada_pipeline.slck to start over)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "streamlearn.h"

#define PUMPS 6
#define FIELDS 4 /* temperature, vibration, pressure, current */
#define LABEL_DELAY 300
#define CHECKPOINT_EVERY 600
#define STATE_FILE "scada_pipeline.slck"

enum { TEMPERATURE, VIBRATION, PRESSURE, CURRENT };

/* ---- the simulated plant ------------------------------------------------------ */

static double noise(uint64_t *s) { /* roughly N(0, 1) */
  double u = 0;
  int i;
  for (i = 0; i < 4; i++) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    u += (double)(*s >> 11) * 0x1.0p-53;
  }
  return (u - 2.0) * 1.7320508;
}

/* How far the bearing fault of `pump` has gone at second t (0 = healthy). */
static double fault_level(int pump, int64_t t) { return pump == 3 && t > 7200 ? (double)(t - 7200) / 3600.0 : 0.0; }

/* One reading. Deterministic in (pump, t) so a resumed run sees the same plant. */
static void read_sensors(int pump, int64_t t, double *v) {
  uint64_t s = 0x9e3779b97f4a7c15ull * (uint64_t)(t * PUMPS + pump + 1);
  double f = fault_level(pump, t), load = t >= 10800 ? 1.0 : 0.0;
  v[TEMPERATURE] = 60 + 2 * pump + 8 * load + 6 * f + noise(&s);
  v[VIBRATION] = 0.8 + 0.4 * load + 1.5 * f + 0.15 * noise(&s);
  v[PRESSURE] = 4.0 - 0.3 * f + 0.05 * noise(&s);
  v[CURRENT] = 30 + 5 * load + 3 * f + 0.5 * noise(&s);
}

/* What maintenance confirms: the pump was in fault at that reading. */
static double confirmed_fault(int pump, int64_t t) { return fault_level(pump, t) > 0.25 ? 1.0 : 0.0; }

/* ---- callbacks: alarms and the audit trail ------------------------------------- */

static int on_prediction(const sl_prediction *p, void *user) {
  int64_t *last_alarm = (int64_t *)user;
  if (p->y == 1.0 && p->confidence > 0.9 && p->ts - last_alarm[p->key] >= 900) {
    printf("[%6.2f h] ALARM pump %llu: fault predicted (p = %.2f, model v%llu)\n", (double)p->ts / 3600,
           (unsigned long long)p->key, p->confidence, (unsigned long long)p->model_version);
    last_alarm[p->key] = p->ts;
  }
  return 0;
}

static int on_drift(const sl_pipeline_drift_info *d, void *user) {
  (void)user;
  if (d->state == SL_DRIFT_DETECTED)
    printf("[audit] drift at label %llu (reading %llu), windowed accuracy %.3f: operator, have a look\n",
           (unsigned long long)d->label_index, (unsigned long long)d->event_id, d->metrics->accuracy_window);
  return 0;
}

static int on_model_change(const sl_pipeline_change *c, void *user) {
  static const char *const why[] = {"promoted", "rolled back", "reset", "consolidated", "retrained"};
  (void)user;
  printf("[audit] model v%llu: %s at label %llu (score before %.3f)\n", (unsigned long long)c->version, why[c->reason],
         (unsigned long long)c->label_index, c->score_before);
  return 0;
}

/* ---- setting up ----------------------------------------------------------------- */

static void check(sl_status st, const char *what) {
  if (st != SL_OK) {
    fprintf(stderr, "%s: %s\n", what, sl_strerror(st));
    exit(1);
  }
}

static void add_window(sl_pipeline *p, sl_window_kind kind, unsigned aggs, const char *size_param, int64_t size,
                       size_t field) {
  sl_window *w;
  check(sl_window_new(&w, kind, aggs, NULL), "window");
  check(sl_window_set_int(w, size_param, size), "window size");
  check(sl_pipeline_add_window_feature(p, w, field), "window feature"); /* the pipeline owns it now */
}

static sl_pipeline *new_pipeline(void) {
  sl_pipeline *p;
  sl_model *m;
  sl_drift *d;
  size_t n_features;
  check(sl_pipeline_new(&p, FIELDS, NULL), "pipeline");
  /* timestamps are seconds here: windows and label_ttl use the same unit */
  add_window(p, SL_WINDOW_SLIDING, SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_STD, "size", 60, VIBRATION);
  add_window(p, SL_WINDOW_SLIDING, SL_WINDOW_AGG_MAX, "size", 60, TEMPERATURE);
  add_window(p, SL_WINDOW_COUNT, SL_WINDOW_AGG_MEAN, "count", 30, PRESSURE);
  check(sl_pipeline_n_features(p, &n_features), "layout"); /* 4 raw + 4 window values */
  check(sl_model_new(&m, SL_MODEL_HOEFFDING_ADAPTIVE_TREE, n_features, NULL), "model");
  check(sl_model_set_int(m, "max_classes", 2), "classes");
  check(sl_pipeline_set_model(p, m), "set model");
  check(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), "detector");
  check(sl_pipeline_set_drift(p, d), "set detector");
  check(sl_model_new(&m, SL_MODEL_LOGISTIC_REGRESSION, n_features, NULL), "challenger");
  check(sl_model_set_int(m, "standardize", 1), "standardize");
  check(sl_pipeline_set_challenger(p, m), "set challenger");
  check(sl_pipeline_set_str(p, "drift_policy", "alert"), "policy");
  check(sl_pipeline_set_int(p, "snapshot_every", 5000), "snapshots");
  check(sl_pipeline_set_int(p, "label_ttl", 2 * LABEL_DELAY), "ttl");
  check(sl_pipeline_set_int(p, "metric_window", 2000), "window");
  return p;
}

int main(int argc, char **argv) {
  int64_t hours = argc > 1 ? atol(argv[1]) : 4, t, start = 0, last_alarm[PUMPS] = {0};
  unsigned flags = sl_has_compression() ? SL_SAVE_COMPRESS : 0;
  sl_pipeline_callbacks cb = {sizeof cb, on_prediction, NULL, on_drift, on_model_change, last_alarm};
  sl_pipeline_metrics m;
  sl_pipeline *p = NULL;
  double events;
  if (sl_pipeline_load_file(&p, STATE_FILE, NULL) == SL_OK) {
    sl_pipeline_stat(p, "events", &events);
    start = (int64_t)events / PUMPS; /* one reading per pump per second */
    printf("resumed from %s at %.2f h\n", STATE_FILE, (double)start / 3600);
  } else {
    p = new_pipeline();
  }
  check(sl_pipeline_set_callbacks(p, &cb), "callbacks"); /* callbacks are not in checkpoints */
  for (t = start; t < hours * 3600; t++) {
    int pump;
    for (pump = 0; pump < PUMPS; pump++) {
      double v[FIELDS];
      sl_event ev = {sizeof ev, 0, 0, 0, v, FIELDS};
      read_sensors(pump, t, v);
      ev.id = (uint64_t)(t * PUMPS + pump); /* the reading's id, for its label */
      ev.key = (uint64_t)pump;
      ev.ts = t;
      check(sl_pipeline_push(p, &ev, NULL), "push");
      if (t >= LABEL_DELAY) /* maintenance confirms the reading of five minutes ago */
        check(sl_pipeline_push_label(p, ev.id - LABEL_DELAY * PUMPS, confirmed_fault(pump, t - LABEL_DELAY)),
              "label");
    }
    if ((t + 1) % CHECKPOINT_EVERY == 0) check(sl_pipeline_save_file(p, STATE_FILE, flags), "checkpoint");
  }
  m.struct_size = sizeof m;
  check(sl_pipeline_read_metrics(p, &m), "metrics");
  printf("%llu readings, %llu labels, model v%llu: accuracy %.4f (last 2000 labels %.4f, challenger %.4f)\n",
         (unsigned long long)m.events, (unsigned long long)m.labels, (unsigned long long)m.model_version, m.accuracy,
         m.accuracy_window, m.challenger_accuracy_window);
  sl_pipeline_free(p);
  return 0;
}
