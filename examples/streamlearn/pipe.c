/* `eval` through sl_pipeline: the options only the pipeline has (window
 * features, a label delay, replay and consolidate policies). Each row is
 * an event (id: its 1-based number; key: the --key column's value, else
 * one key; time: the --time column, else the event number) whose raw
 * fields are the input's features but the key and time columns. Its label
 * is pushed --label-delay accepted events later (0: right after the
 * prediction, prequential), the ones still waiting at the end in order.
 * Metrics, drifts and model changes are the pipeline's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef CLI_NO_PIPELINE

#define BATCH 256
#define PROGRESS_EVERY 1024
#define NO_FIELD ((size_t)-1)

typedef struct pipe_run {
  cli_run *c;
  sl_pipeline *p;
  /* Owned by p, which never replaces them: valid until sl_pipeline_free.
   * --dump-features queries them after each push, as the pipeline does. */
  sl_window *win[CLI_MAX_WINDOWS];
  size_t key_field, time_field; /* NO_FIELD: none */
  size_t *raw;                  /* the raw fields given to the model */
  size_t n_raw;
  /* The delay line: (id, label) of the last label_delay + 1 events. */
  uint64_t *wait_id;
  double *wait_y;
  size_t wait_cap, wait_head, wait_n;
  uint64_t labelling; /* the event whose label is being pushed */
  int classify;
} pipe_run;

static int pipeline_error(const pipe_run *q, uint64_t event, const char *what, sl_status st) {
  cli_error("event %llu of %s: pipeline %s: %s: %s", (unsigned long long)event, q->c->src.desc, what, sl_strerror(st),
            sl_pipeline_last_error(q->p));
  return CLI_FAIL;
}

/* ---- setup ------------------------------------------------------------------ */

/* --key / --time: the raw field `name`, or NO_FIELD without the option. */
static int column(const pipe_run *q, const char *option, const char *name, size_t *field) {
  *field = NO_FIELD;
  return name ? cli_source_field(&q->c->src, name, option, field) : CLI_OK;
}

/* Every raw field but the key and time columns goes to the model. */
static int add_raw_fields(pipe_run *q) {
  size_t i, n = q->c->src.n_features;
  if (!(q->raw = malloc(n * sizeof *q->raw))) return CLI_FAIL;
  for (i = 0; i < n; i++)
    if (i != q->key_field && i != q->time_field) {
      sl_status st = sl_pipeline_add_raw_feature(q->p, i);
      if (st != SL_OK) return pipeline_error(q, 0, "raw feature", st);
      q->raw[q->n_raw++] = i;
    }
  return CLI_OK;
}

/* Window `i` of the options, its --set values applied, joins the layout. */
static int add_window(pipe_run *q, size_t i) {
  const cli_window_spec *spec = &q->c->opts.windows[i];
  const cli_noun *noun = cli_noun_find("window");
  char what[96];
  sl_window *w;
  sl_status st;
  size_t field;
  int rc;
  snprintf(what, sizeof what, "--window %s", spec->arg);
  if ((rc = cli_source_field(&q->c->src, spec->field, what, &field)) != CLI_OK) return rc;
  if ((st = sl_window_new(&w, (sl_window_kind)spec->kind, spec->aggregates, NULL)) != SL_OK) {
    cli_error("%s: %s", what, sl_strerror(st));
    return CLI_FAIL;
  }
  if ((rc = cli_sets_apply(&q->c->opts, noun, spec->kind, w, (int)i)) != CLI_OK) {
    sl_window_free(w);
    return rc;
  }
  if ((st = sl_pipeline_add_window_feature(q->p, w, field)) != SL_OK) {
    sl_window_free(w);
    if (st == SL_EKIND)
      cli_error("%s: a %s window emits closed windows and cannot be a feature (use sliding or count)", what,
                sl_window_kind_name(spec->kind));
    else
      cli_error("%s: %s", what, sl_strerror(st));
    return CLI_USAGE;
  }
  q->win[i] = w;
  return CLI_OK;
}

/* The replay buffer of --replay KIND (fifo for --on-drift replay). */
static int add_replay(pipe_run *q, size_t n_features) {
  const cli_eval_opts *o = &q->c->opts;
  const cli_noun *noun = cli_noun_find("replay");
  sl_replay *b;
  sl_status st;
  int kind, rc;
  if (!o->replay && o->on_drift != CLI_ON_DRIFT_REPLAY) return CLI_OK;
  if ((rc = cli_kind_lookup(noun, o->replay ? o->replay : "fifo", &kind)) != CLI_OK) return rc;
  if ((st = sl_replay_new(&b, (sl_replay_kind)kind, n_features, NULL)) != SL_OK) {
    cli_error("cannot create replay buffer '%s': %s", sl_replay_kind_name(kind), sl_strerror(st));
    return CLI_FAIL;
  }
  if ((rc = cli_sets_apply(o, noun, kind, b, -1)) != CLI_OK || (st = sl_pipeline_set_replay(q->p, b)) != SL_OK) {
    sl_replay_free(b);
    return rc != CLI_OK ? rc : pipeline_error(q, 0, "replay", st);
  }
  return CLI_OK;
}

/* The champion and the detector, made for the layout's size. */
static int add_models(pipe_run *q, size_t n_features) {
  sl_model *m = NULL;
  sl_drift *d = NULL;
  sl_status st;
  int rc;
  if ((rc = cli_make_model(q->c, n_features, &m, &q->classify)) != CLI_OK ||
      (st = sl_pipeline_set_model(q->p, m)) != SL_OK) {
    sl_model_free(m);
    return rc != CLI_OK ? rc : pipeline_error(q, 0, "model", st);
  }
  if ((rc = cli_make_drift(q->c, &d)) != CLI_OK || (d && (st = sl_pipeline_set_drift(q->p, d)) != SL_OK)) {
    sl_drift_free(d);
    return rc != CLI_OK ? rc : pipeline_error(q, 0, "drift", st);
  }
  return add_replay(q, n_features);
}

/* --on-drift, --metric-window, room for the delayed labels, then --set. */
static int set_params(pipe_run *q) {
  const cli_eval_opts *o = &q->c->opts;
  int64_t cap = 0;
  sl_pipeline_set_int(q->p, "drift_policy", (int64_t)o->on_drift);
  sl_pipeline_set_int(q->p, "metric_window", (int64_t)o->metric_window); /* in range: parse checked >= 1 */
  sl_pipeline_get_int(q->p, "pending_cap", &cap);
  if (o->label_delay >= (uint64_t)cap && !cli_sets_has(o, "pipeline", "pending_cap") &&
      sl_pipeline_set_int(q->p, "pending_cap", (int64_t)o->label_delay + 1) != SL_OK) {
    cli_error("--label-delay %llu: the pipeline cannot hold that many pending predictions (%s)",
              (unsigned long long)o->label_delay, sl_pipeline_last_error(q->p));
    return CLI_USAGE;
  }
  return cli_sets_apply(o, cli_noun_find("pipeline"), SL_PIPELINE_DEFAULT, q->p, -1);
}

/* ---- callbacks: drifts and model changes go to the record ------------------- */

static int on_drift(const sl_pipeline_drift_info *d, void *user) {
  pipe_run *q = (pipe_run *)user;
  if (d->state == SL_DRIFT_WARNING) q->c->rec->n_warnings++;
  else cli_record_drift(q->c->rec, d->event_id);
  return 0;
}

static int on_change(const sl_pipeline_change *ch, void *user) {
  pipe_run *q = (pipe_run *)user;
  (void)ch;
  cli_record_reset(q->c->rec, q->labelling);
  return 0;
}

static int build(pipe_run *q) {
  cli_run *c = q->c;
  sl_pipeline_callbacks cb;
  size_t i, n = 0;
  sl_status st;
  int rc;
  if ((st = sl_pipeline_new(&q->p, c->src.n_features, NULL)) != SL_OK) {
    cli_error("cannot create the pipeline: %s", sl_strerror(st));
    return CLI_FAIL;
  }
  if ((rc = column(q, "--key", c->opts.key, &q->key_field)) != CLI_OK ||
      (rc = column(q, "--time", c->opts.time, &q->time_field)) != CLI_OK || (rc = add_raw_fields(q)) != CLI_OK)
    return rc;
  for (i = 0; i < c->opts.n_windows; i++)
    if ((rc = add_window(q, i)) != CLI_OK) return rc;
  sl_pipeline_n_features(q->p, &n); /* >= 1: --key and --time come with a window */
  if ((rc = add_models(q, n)) != CLI_OK || (rc = set_params(q)) != CLI_OK) return rc;
  memset(&cb, 0, sizeof cb);
  cb.struct_size = sizeof cb;
  cb.on_drift = on_drift;
  cb.on_model_change = on_change;
  cb.user = q;
  sl_pipeline_set_callbacks(q->p, &cb);
  q->wait_cap = (size_t)c->opts.label_delay + 1;
  q->wait_id = malloc(q->wait_cap * sizeof *q->wait_id);
  q->wait_y = malloc(q->wait_cap * sizeof *q->wait_y);
  if (!q->wait_id || !q->wait_y || (uint64_t)q->wait_cap != c->opts.label_delay + 1) {
    cli_error("out of memory for a label delay of %llu events", (unsigned long long)c->opts.label_delay);
    return CLI_FAIL;
  }
  return CLI_OK;
}

/* ---- the loop ------------------------------------------------------------------ */

/* The event of row `x` (number `event`). A key is the bits of the --key
 * value (equal values, one key); a time must be a whole number. */
static int make_event(const pipe_run *q, const double *x, uint64_t event, sl_event *ev) {
  memset(ev, 0, sizeof *ev);
  ev->struct_size = sizeof *ev;
  ev->id = event;
  ev->values = x;
  ev->n_values = q->c->src.n_features;
  ev->ts = (int64_t)event;
  if (q->key_field != NO_FIELD) {
    double k = x[q->key_field] == 0 ? 0.0 : x[q->key_field]; /* -0 and 0: one key */
    memcpy(&ev->key, &k, sizeof ev->key);
  }
  if (q->time_field != NO_FIELD) {
    double t = x[q->time_field];
    if (!(fabs(t) <= 4611686018427387904.0) || t != floor(t)) {
      cli_error("event %llu of %s: time %g (column %s) is not a whole number within +-2^62",
                (unsigned long long)event, q->c->src.desc, t, q->c->opts.time);
      return CLI_FAIL;
    }
    ev->ts = (int64_t)t;
  }
  return CLI_OK;
}

/* Pushes the oldest waiting label. A label whose prediction expired
 * (pending_cap, label_ttl) is counted by the pipeline, not an error. */
static int give_label(pipe_run *q) {
  sl_status st;
  q->labelling = q->wait_id[q->wait_head];
  st = sl_pipeline_push_label(q->p, q->labelling, q->wait_y[q->wait_head]);
  q->wait_head = (q->wait_head + 1) % q->wait_cap;
  q->wait_n--;
  return st == SL_OK || st == SL_ENOTFOUND ? CLI_OK : pipeline_error(q, q->labelling, "label", st);
}

/* --dump-features: the event, its features as the model got them (a
 * non-finite window value shows as such; the model got 0), the prediction
 * and the label. */
static void dump_header(const pipe_run *q) {
  FILE *f = q->c->dump;
  size_t i, j;
  const char *name;
  fputs("event", f);
  for (i = 0; i < q->n_raw; i++) {
    fputc(',', f);
    cli_source_field_name(f, &q->c->src, q->raw[i]);
  }
  for (i = 0; i < q->c->opts.n_windows; i++)
    for (j = 0; sl_window_value_name(q->win[i], j, &name) == SL_OK; j++) fprintf(f, ",w%zu.%s", i, name);
  fputs(",prediction,y\n", f);
}

static void dump_row(const pipe_run *q, const sl_event *ev, const sl_prediction *pred, double y) {
  FILE *f = q->c->dump;
  double values[SL_WINDOW_MAX_VALUES];
  size_t i, j;
  fprintf(f, "%llu", (unsigned long long)ev->id);
  for (i = 0; i < q->n_raw; i++) fprintf(f, ",%.17g", ev->values[q->raw[i]]);
  for (i = 0; i < q->c->opts.n_windows; i++) {
    size_t n = sl_window_n_values(q->win[i]);
    sl_window_query(q->win[i], ev->key, values, SL_WINDOW_MAX_VALUES);
    for (j = 0; j < n; j++) fprintf(f, ",%.17g", values[j]);
  }
  fprintf(f, ",%.17g,%.17g\n", pred->y, y);
}

/* The windowed metric after `event`, for the plot (none before a label). */
static void record(pipe_run *q, uint64_t event) {
  sl_pipeline_metrics m;
  double v;
  if (!cli_record_due(q->c->rec, event)) return;
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  sl_pipeline_read_metrics(q->p, &m);
  v = q->classify ? m.accuracy_window : m.mae_window;
  if (isfinite(v)) cli_record_point(q->c->rec, event, v);
}

/* One row: push the event, queue its label, give the label due. A late
 * event (behind a window's watermark) is skipped: the pipeline counts it. */
static int step(pipe_run *q, const double *x, double y, uint64_t event) {
  sl_event ev;
  sl_prediction pred;
  sl_status st;
  int rc;
  if ((rc = make_event(q, x, event, &ev)) != CLI_OK) return rc;
  memset(&pred, 0, sizeof pred);
  pred.struct_size = sizeof pred;
  if ((st = sl_pipeline_push(q->p, &ev, &pred)) == SL_ELATE) return CLI_OK;
  if (st != SL_OK) return pipeline_error(q, event, "push", st);
  if (q->c->dump) dump_row(q, &ev, &pred, y);
  q->wait_id[(q->wait_head + q->wait_n) % q->wait_cap] = event;
  q->wait_y[(q->wait_head + q->wait_n) % q->wait_cap] = y;
  q->wait_n++;
  if (q->wait_n == q->wait_cap && (rc = give_label(q)) != CLI_OK) return rc;
  record(q, event);
  return CLI_OK;
}

static int loop(pipe_run *q) {
  cli_run *c = q->c;
  uint64_t event = 0;
  size_t got, i;
  int rc;
  if (c->dump) dump_header(q);
  while ((rc = cli_source_next(&c->src, c->X, c->y, BATCH, &got)) == CLI_OK && got > 0) {
    for (i = 0; i < got; i++)
      if ((rc = step(q, c->X + i * c->src.n_features, c->y[i], ++event)) != CLI_OK) return rc;
    if (event % PROGRESS_EVERY < BATCH) {
      sl_pipeline_metrics m;
      memset(&m, 0, sizeof m);
      m.struct_size = sizeof m;
      sl_pipeline_read_metrics(q->p, &m);
      cli_progress_update(&c->progress, event, cli_source_progress(&c->src), cli_metric_label(q->classify),
                          q->classify ? m.accuracy_window : m.mae_window);
    }
  }
  while (rc == CLI_OK && q->wait_n) rc = give_label(q);
  return rc;
}

/* The summary's figures, from the pipeline's metrics and statistics. */
static void summarize(const pipe_run *q) {
  cli_summary *s = &q->c->sum;
  sl_pipeline_metrics m;
  const sl_model *champion = NULL;
  const sl_drift *drift = NULL;
  double late = 0, expired = 0, evicted = 0;
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  sl_pipeline_read_metrics(q->p, &m);
  sl_pipeline_handles(q->p, &champion, NULL, &drift, NULL);
  sl_pipeline_stat(q->p, "late", &late);
  sl_pipeline_stat(q->p, "expired", &expired);
  sl_pipeline_stat(q->p, "evicted", &evicted);
  s->classify = q->classify;
  s->value = q->classify ? m.accuracy : m.mae;
  s->windowed = q->classify ? m.accuracy_window : m.mae_window;
  s->rmse = m.rmse;
  s->events = m.events;
  s->labels = m.labels;
  s->model_version = m.model_version;
  s->late = (uint64_t)late;
  s->unlabelled = (uint64_t)(expired + evicted);
  sl_pipeline_n_features(q->p, &q->c->sum.n_features);
  sl_model_stat(champion, "bytes", &s->model_bytes);
  if (drift) sl_drift_stat(drift, "bytes", &s->drift_bytes);
}

int cli_pipe_run(cli_run *c) {
  pipe_run q;
  int rc;
  memset(&q, 0, sizeof q);
  q.c = c;
  if ((rc = build(&q)) == CLI_OK && (rc = loop(&q)) == CLI_OK) {
    const sl_model *champion = NULL;
    summarize(&q);
    sl_pipeline_handles(q.p, &champion, NULL, NULL, NULL);
    if (c->save) rc = cli_save_model(c, champion);
  }
  sl_pipeline_free(q.p);
  free(q.raw);
  free(q.wait_id);
  free(q.wait_y);
  return rc;
}
#else
int cli_pipe_run(cli_run *c) {
  (void)c;
  cli_error("eval: this build has no pipeline module (--window, --label-delay, --replay, --dump-features, "
            "--pipeline and --on-drift consolidate / replay need it)");
  return CLI_USAGE;
}
#endif
