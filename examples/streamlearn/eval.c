/* `streamlearn eval`: progressive (test-then-train) evaluation. The run's
 * setup and summary, and the direct loop: every event is predicted, scored,
 * learned, and its error fed to the drift detector; on a drift the policy
 * runs (nothing, or reset the model). The options that need the pipeline
 * (windows, label delay, replay) run through pipe.c instead. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define BATCH 256
#define PROGRESS_EVERY 1024

/* The direct loop's own state beside the shared run. */
typedef struct run {
  cli_run *c;
  cli_metric metric;
  sl_model *model;
  sl_drift *drift;
} run;

/* Sets the class count a classifier needs ("n_classes", "max_classes")
 * from the generator, unless the user set it. */
static void size_classes(const cli_run *r, const cli_noun *noun, int kind, sl_model *m) {
  static const char *const names[] = {"n_classes", "max_classes"};
  size_t i;
  for (i = 0; i < 2 && r->src.n_classes >= 2; i++) {
    const sl_param_info *p = cli_param_find(noun, kind, names[i]);
    if (p && !cli_sets_has(&r->opts, "model", names[i]))
      sl_model_set_int(m, names[i], (int64_t)r->src.n_classes); /* out of range: the default stays */
  }
}

int cli_make_model(cli_run *r, size_t n_features, sl_model **m, int *classify) {
  const cli_noun *noun = cli_noun_find("model");
  const char *name = r->opts.model;
  sl_model_task task;
  sl_status st;
  int kind, rc;
  if (!name) name = r->opts.stream && r->src.n_classes == 0 ? "linear_regression" : "hoeffding_tree";
  if ((rc = cli_kind_lookup(noun, name, &kind)) != CLI_OK) return rc;
  if ((st = sl_model_new(m, (sl_model_kind)kind, n_features, NULL)) != SL_OK) {
    cli_error("cannot create model '%s' for %zu features: %s", name, n_features, sl_strerror(st));
    return CLI_FAIL;
  }
  size_classes(r, noun, kind, *m);
  if ((rc = cli_sets_apply(&r->opts, noun, kind, *m, -1)) != CLI_OK) return rc;
  sl_model_info(*m, &task, NULL);
  if (task == SL_TASK_CLASSIFICATION && r->opts.stream && r->src.n_classes == 0) {
    cli_error("model '%s' is a classifier but stream '%s' has a real-valued target (try --model linear_regression)",
              name, r->opts.stream);
    return CLI_USAGE;
  }
  r->model_kind = sl_model_kind_name(kind);
  *classify = task == SL_TASK_CLASSIFICATION;
  return CLI_OK;
}

int cli_make_drift(cli_run *r, sl_drift **d) {
  const cli_noun *noun = cli_noun_find("drift");
  sl_status st;
  int kind, rc;
  *d = NULL;
  if (!r->opts.drift) return CLI_OK;
  if ((rc = cli_kind_lookup(noun, r->opts.drift, &kind)) != CLI_OK) return rc;
  if ((st = sl_drift_new(d, (sl_drift_kind)kind, NULL)) != SL_OK) {
    cli_error("cannot create drift detector '%s': %s", r->opts.drift, sl_strerror(st));
    return CLI_FAIL;
  }
  r->drift_kind = sl_drift_kind_name(kind);
  return cli_sets_apply(&r->opts, noun, kind, *d, -1);
}

/* Why a --set names a handle this run does not create, or NULL. */
static const char *missing_handle(const cli_eval_opts *o, const cli_set *s) {
  if (strcmp(s->handle, "drift") == 0 && !o->drift) return "there is no drift detector (add --drift KIND)";
  if (strcmp(s->handle, "stream") == 0 && !o->stream) return "the input is a CSV, not a generator (--stream KIND)";
  if (strcmp(s->handle, "window") == 0 && (s->index < 0 ? o->n_windows == 0 : (size_t)s->index >= o->n_windows))
    return s->index < 0 ? "there is no window (add --window KIND:FIELD)" : "there is no window of that index";
  if (strcmp(s->handle, "replay") == 0 && !o->replay && o->on_drift != CLI_ON_DRIFT_REPLAY)
    return "there is no replay buffer (add --replay KIND or --on-drift replay)";
  if (strcmp(s->handle, "pipeline") == 0 && !o->pipeline) return "the run is not through the pipeline (add --pipeline)";
  if (strcmp(s->handle, "pipeline") == 0 && strcmp(s->name, "drift_policy") == 0) return "use --on-drift";
  return NULL;
}

/* --set for a handle this run does not create is a mistake worth naming. */
static int check_set_targets(const cli_eval_opts *o) {
  size_t i;
  const char *why;
  for (i = 0; i < o->n_sets; i++)
    if ((why = missing_handle(o, &o->sets[i])) != NULL) {
      cli_error("--set %s: %s", o->sets[i].arg, why);
      return CLI_USAGE;
    }
  return CLI_OK;
}

/* One event: predict, score, learn, watch. `event` is its 1-based number. */
static int step(run *r, const double *x, double y, uint64_t event) {
  cli_run *c = r->c;
  size_t n = c->src.n_features;
  double pred;
  sl_status st;
  if ((st = sl_model_predict(r->model, x, n, &pred)) == SL_OK) {
    cli_metric_add(&r->metric, pred, y);
    st = sl_model_learn(r->model, x, n, y, 1.0);
  }
  if (st != SL_OK) {
    cli_error("event %llu of %s: model %s: %s: %s", (unsigned long long)event, c->src.desc, c->model_kind,
              sl_strerror(st), sl_model_last_error(r->model));
    return CLI_FAIL;
  }
  if (r->drift) {
    sl_drift_state ds, before;
    double err = r->metric.classify ? (double)(pred != y) : (pred > y ? pred - y : y - pred);
    sl_drift_state_of(r->drift, &before);
    if ((st = sl_drift_update(r->drift, err, &ds)) != SL_OK) {
      cli_error("event %llu: drift %s: %s: %s", (unsigned long long)event, c->drift_kind, sl_strerror(st),
                sl_drift_last_error(r->drift));
      return CLI_FAIL;
    }
    if (ds == SL_DRIFT_WARNING && before != SL_DRIFT_WARNING) c->rec->n_warnings++;
    if (ds == SL_DRIFT_DETECTED) {
      cli_record_drift(c->rec, event);
      if (c->opts.on_drift == CLI_ON_DRIFT_RESET) {
        sl_model_reset(r->model);
        cli_record_reset(c->rec, event);
      }
    }
  }
  cli_record_point(c->rec, event, cli_metric_windowed(&r->metric));
  return CLI_OK;
}

static int loop(run *r) {
  cli_run *c = r->c;
  uint64_t event = 0;
  size_t got, i;
  int rc;
  while ((rc = cli_source_next(&c->src, c->X, c->y, BATCH, &got)) == CLI_OK && got > 0) {
    for (i = 0; i < got; i++)
      if ((rc = step(r, c->X + i * c->src.n_features, c->y[i], ++event)) != CLI_OK) return rc;
    if (event % PROGRESS_EVERY < BATCH)
      cli_progress_update(&c->progress, event, cli_source_progress(&c->src), cli_metric_label(r->metric.classify),
                          cli_metric_windowed(&r->metric));
  }
  return rc;
}

static int write_file(void *user, const void *buf, size_t len) {
  return fwrite(buf, 1, len, (FILE *)user) == len ? 0 : -1;
}

int cli_save_model(const cli_run *r, const sl_model *m) {
  sl_status st = sl_model_save(m, 0, write_file, r->save);
  if (st == SL_OK && fflush(r->save) != 0) st = SL_EIO;
  if (st != SL_OK) {
    cli_error("cannot save the model to '%s': %s", r->opts.save, sl_strerror(st));
    return CLI_FAIL;
  }
  return CLI_OK;
}

/* The direct loop: River's progressive validation, the model and the
 * detector driven by hand. Fills the summary and saves the model. */
static int direct(cli_run *c) {
  run r;
  int rc, classify = 0;
  memset(&r, 0, sizeof r);
  r.c = c;
  if ((rc = cli_make_model(c, c->src.n_features, &r.model, &classify)) == CLI_OK &&
      (rc = cli_make_drift(c, &r.drift)) == CLI_OK &&
      (rc = cli_metric_init(&r.metric, classify, c->opts.metric_window)) == CLI_OK && (rc = loop(&r)) == CLI_OK) {
    cli_summary *s = &c->sum;
    s->classify = classify;
    s->value = cli_metric_value(&r.metric);
    s->windowed = cli_metric_windowed(&r.metric);
    s->rmse = cli_metric_rmse(&r.metric);
    s->events = r.metric.n;
    sl_model_stat(r.model, "bytes", &s->model_bytes);
    if (r.drift) sl_drift_stat(r.drift, "bytes", &s->drift_bytes);
    if (c->save) rc = cli_save_model(c, r.model);
  }
  cli_metric_free(&r.metric);
  sl_model_free(r.model);
  sl_drift_free(r.drift);
  return rc;
}

/* Opens an output file named by an option, or leaves *f NULL without one. */
static int open_output(const char *path, FILE **f) {
  if (path && !(*f = fopen(path, "wb"))) {
    cli_error("cannot write '%s': %s", path, strerror(errno));
    return CLI_FAIL;
  }
  return CLI_OK;
}

/* Closes an output file; a failure turns an OK status into CLI_FAIL. */
static int close_output(FILE *f, const char *path, int rc) {
  if (f && fclose(f) != 0 && rc == CLI_OK) {
    cli_error("cannot write '%s': %s", path, strerror(errno));
    return CLI_FAIL;
  }
  return rc;
}

/* Prints the summary and writes the plot. */
static int finish(cli_run *r, double seconds) {
  cli_summary *s = &r->sum;
  s->opts = &r->opts;
  s->source = &r->src;
  s->record = r->rec;
  s->model_kind = r->model_kind;
  s->drift_kind = r->drift_kind;
  s->seconds = seconds;
  if (r->opts.json) cli_report_json(stdout, s);
  else cli_report_table(stdout, s);
  if (r->plot && cli_plot_svg(r->plot, r->opts.plot, s) != CLI_OK) return CLI_FAIL;
  return CLI_OK;
}

static int setup(cli_run *r) {
  int rc;
  if ((rc = check_set_targets(&r->opts)) != CLI_OK || (rc = cli_source_open(&r->src, &r->opts)) != CLI_OK ||
      (rc = open_output(r->opts.plot, &r->plot)) != CLI_OK || (rc = open_output(r->opts.save, &r->save)) != CLI_OK ||
      (rc = open_output(r->opts.dump, &r->dump)) != CLI_OK)
    return rc;
  r->X = malloc(BATCH * r->src.n_features * sizeof *r->X);
  r->y = malloc(BATCH * sizeof *r->y);
  r->rec = malloc(sizeof *r->rec);
  if (!r->X || !r->y || !r->rec) {
    cli_error("out of memory");
    return CLI_FAIL;
  }
  cli_record_init(r->rec, r->src.limit ? (r->src.limit + 999) / 1000 : 1);
  return CLI_OK;
}

int cli_eval(int argc, char **argv) {
  cli_run r;
  double t0;
  int rc;
  memset(&r, 0, sizeof r);
  if ((rc = cli_eval_parse(argc, argv, &r.opts)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
  if ((rc = setup(&r)) == CLI_OK) {
    cli_progress_init(&r.progress, r.opts.progress);
    t0 = cli_now();
    rc = r.opts.pipeline ? cli_pipe_run(&r) : direct(&r);
    cli_progress_done(&r.progress);
    if (rc == CLI_OK && r.sum.events == 0) {
      cli_error("%s has no rows", r.src.desc);
      rc = CLI_FAIL;
    }
    if (rc == CLI_OK) rc = finish(&r, cli_now() - t0);
  }
  free(r.X);
  free(r.y);
  free(r.rec);
  cli_source_close(&r.src);
  rc = close_output(r.plot, r.opts.plot, rc);
  rc = close_output(r.dump, r.opts.dump, rc);
  return close_output(r.save, r.opts.save, rc);
}
