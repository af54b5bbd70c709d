/* `streamlearn eval`: progressive (test-then-train) evaluation. Every event
 * is predicted, scored, learned, and its error fed to the drift detector;
 * on a drift the policy runs (nothing, or reset the model). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define BATCH 256
#define PROGRESS_EVERY 1024

typedef struct run {
  cli_eval_opts opts;
  cli_source src;
  cli_metric metric;
  cli_record *rec;
  cli_progress progress;
  sl_model *model;
  sl_drift *drift;
  const char *model_kind, *drift_kind;
  double *X, *y;
  FILE *plot, *save; /* opened before the run, so a bad path fails early */
} run;

/* Sets the class count a classifier needs ("n_classes", "max_classes")
 * from the generator, unless the user set it. */
static void size_classes(run *r, const cli_noun *noun, int kind) {
  static const char *const names[] = {"n_classes", "max_classes"};
  size_t i;
  for (i = 0; i < 2 && r->src.n_classes >= 2; i++) {
    const sl_param_info *p = cli_param_find(noun, kind, names[i]);
    if (p && !cli_sets_has(&r->opts, "model", names[i]))
      sl_model_set_int(r->model, names[i], (int64_t)r->src.n_classes); /* out of range: the default stays */
  }
}

static int make_model(run *r) {
  const cli_noun *noun = cli_noun_find("model");
  const char *name = r->opts.model;
  sl_model_task task;
  sl_status st;
  int kind, rc;
  if (!name) name = r->opts.stream && r->src.n_classes == 0 ? "linear_regression" : "hoeffding_tree";
  if ((rc = cli_kind_lookup(noun, name, &kind)) != CLI_OK) return rc;
  if ((st = sl_model_new(&r->model, (sl_model_kind)kind, r->src.n_features, NULL)) != SL_OK) {
    cli_error("cannot create model '%s': %s", name, sl_strerror(st));
    return CLI_FAIL;
  }
  size_classes(r, noun, kind);
  if ((rc = cli_sets_apply(&r->opts, noun, kind, r->model)) != CLI_OK) return rc;
  sl_model_info(r->model, &task, NULL);
  if (task == SL_TASK_CLASSIFICATION && r->opts.stream && r->src.n_classes == 0) {
    cli_error("model '%s' is a classifier but stream '%s' has a real-valued target (try --model linear_regression)",
              name, r->opts.stream);
    return CLI_USAGE;
  }
  r->model_kind = sl_model_kind_name(kind);
  return cli_metric_init(&r->metric, task == SL_TASK_CLASSIFICATION, r->opts.window);
}

static int make_drift(run *r) {
  const cli_noun *noun = cli_noun_find("drift");
  sl_status st;
  int kind, rc;
  if (!r->opts.drift) return CLI_OK;
  if ((rc = cli_kind_lookup(noun, r->opts.drift, &kind)) != CLI_OK) return rc;
  if ((st = sl_drift_new(&r->drift, (sl_drift_kind)kind, NULL)) != SL_OK) {
    cli_error("cannot create drift detector '%s': %s", r->opts.drift, sl_strerror(st));
    return CLI_FAIL;
  }
  r->drift_kind = sl_drift_kind_name(kind);
  return cli_sets_apply(&r->opts, noun, kind, r->drift);
}

/* --set for a handle this run does not create is a mistake worth naming. */
static int check_set_targets(const cli_eval_opts *o) {
  size_t i;
  for (i = 0; i < o->n_sets; i++) {
    if (strcmp(o->sets[i].handle, "drift") == 0 && !o->drift) {
      cli_error("--set %s: there is no drift detector (add --drift KIND)", o->sets[i].arg);
      return CLI_USAGE;
    }
    if (strcmp(o->sets[i].handle, "stream") == 0 && !o->stream) {
      cli_error("--set %s: the input is a CSV, not a generator (--stream KIND)", o->sets[i].arg);
      return CLI_USAGE;
    }
  }
  return CLI_OK;
}

/* One event: predict, score, learn, watch. `event` is its 1-based number. */
static int step(run *r, const double *x, double y, uint64_t event) {
  size_t n = r->src.n_features;
  double pred;
  sl_status st;
  if ((st = sl_model_predict(r->model, x, n, &pred)) == SL_OK) {
    cli_metric_add(&r->metric, pred, y);
    st = sl_model_learn(r->model, x, n, y, 1.0);
  }
  if (st != SL_OK) {
    cli_error("event %llu of %s: model %s: %s: %s", (unsigned long long)event, r->src.desc, r->model_kind,
              sl_strerror(st), sl_model_last_error(r->model));
    return CLI_FAIL;
  }
  if (r->drift) {
    sl_drift_state ds, before;
    double err = r->metric.classify ? (double)(pred != y) : (pred > y ? pred - y : y - pred);
    sl_drift_state_of(r->drift, &before);
    if ((st = sl_drift_update(r->drift, err, &ds)) != SL_OK) {
      cli_error("event %llu: drift %s: %s: %s", (unsigned long long)event, r->drift_kind, sl_strerror(st),
                sl_drift_last_error(r->drift));
      return CLI_FAIL;
    }
    if (ds == SL_DRIFT_WARNING && before != SL_DRIFT_WARNING) r->rec->n_warnings++;
    if (ds == SL_DRIFT_DETECTED) {
      cli_record_drift(r->rec, event);
      if (r->opts.on_drift == CLI_ON_DRIFT_RESET) {
        sl_model_reset(r->model);
        cli_record_reset(r->rec, event);
      }
    }
  }
  cli_record_point(r->rec, event, cli_metric_windowed(&r->metric));
  return CLI_OK;
}

static int loop(run *r) {
  uint64_t event = 0;
  size_t got, i;
  int rc;
  while ((rc = cli_source_next(&r->src, r->X, r->y, BATCH, &got)) == CLI_OK && got > 0) {
    for (i = 0; i < got; i++)
      if ((rc = step(r, r->X + i * r->src.n_features, r->y[i], ++event)) != CLI_OK) return rc;
    if (event % PROGRESS_EVERY < BATCH)
      cli_progress_update(&r->progress, event, cli_source_progress(&r->src), cli_metric_name(&r->metric),
                          cli_metric_windowed(&r->metric));
  }
  return rc;
}

static int write_file(void *user, const void *buf, size_t len) {
  return fwrite(buf, 1, len, (FILE *)user) == len ? 0 : -1;
}

static int save_model(const run *r) {
  sl_status st = sl_model_save(r->model, 0, write_file, r->save);
  if (st == SL_OK && fflush(r->save) != 0) st = SL_EIO;
  if (st != SL_OK) {
    cli_error("cannot save the model to '%s': %s", r->opts.save, sl_strerror(st));
    return CLI_FAIL;
  }
  return CLI_OK;
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

/* Prints the summary, writes the plot and the checkpoint. */
static int finish(run *r, double seconds) {
  cli_summary s;
  memset(&s, 0, sizeof s);
  s.opts = &r->opts;
  s.source = &r->src;
  s.metric = &r->metric;
  s.record = r->rec;
  s.model_kind = r->model_kind;
  s.drift_kind = r->drift_kind;
  s.events = r->metric.n;
  s.seconds = seconds;
  sl_model_stat(r->model, "bytes", &s.model_bytes);
  if (r->drift) sl_drift_stat(r->drift, "bytes", &s.drift_bytes);
  if (r->opts.json) cli_report_json(stdout, &s);
  else cli_report_table(stdout, &s);
  if (r->plot && cli_plot_svg(r->plot, r->opts.plot, &s) != CLI_OK) return CLI_FAIL;
  if (r->save) return save_model(r);
  return CLI_OK;
}

static int setup(run *r) {
  int rc;
  if ((rc = check_set_targets(&r->opts)) != CLI_OK || (rc = cli_source_open(&r->src, &r->opts)) != CLI_OK ||
      (rc = make_model(r)) != CLI_OK || (rc = make_drift(r)) != CLI_OK ||
      (rc = open_output(r->opts.plot, &r->plot)) != CLI_OK || (rc = open_output(r->opts.save, &r->save)) != CLI_OK)
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
  run r;
  double t0;
  int rc;
  memset(&r, 0, sizeof r);
  if ((rc = cli_eval_parse(argc, argv, &r.opts)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
  if ((rc = setup(&r)) == CLI_OK) {
    cli_progress_init(&r.progress, r.opts.progress);
    t0 = cli_now();
    rc = loop(&r);
    cli_progress_done(&r.progress);
    if (rc == CLI_OK && r.metric.n == 0) {
      cli_error("%s has no rows", r.src.desc);
      rc = CLI_FAIL;
    }
    if (rc == CLI_OK) rc = finish(&r, cli_now() - t0);
  }
  free(r.X);
  free(r.y);
  free(r.rec);
  cli_metric_free(&r.metric);
  sl_model_free(r.model);
  sl_drift_free(r.drift);
  cli_source_close(&r.src);
  rc = close_output(r.plot, r.opts.plot, rc);
  return close_output(r.save, r.opts.save, rc);
}
