/*
 * The `streamlearn` command-line tool: declarations shared by its files.
 *
 *   main.c      subcommand dispatch, --help, --version
 *   util.c      error messages, clock, number parsing, JSON strings, file reading
 *   kinds.c     the handle types (model, drift, stream, ...) and their kind tables
 *   args.c      `eval` options and --set handle.name=value
 *   source.c    rows from a CSV file, standard input or a built-in generator
 *   metric.c    prequential metric, whole-stream and over a sliding window
 *   record.c    the metric series (bounded) and the drift / reset markers
 *   progress.c  the progress line on a terminal
 *   eval.c      the run: setup, the direct test-then-train loop, the summary
 *   features.c  --window KIND:FIELD[:AGGS] specs: kind, field, aggregates
 *   pipe.c      the run through sl_pipeline (windows, label delay, policies)
 *   report.c    the summary: a table or JSON
 *   plot.c      the SVG plot
 *   params.c    `params KIND`
 *   inspect.c   `inspect CHECKPOINT`
 *
 * Every function that can fail prints one message on stderr (cli_error) and
 * returns a CLI_* exit status, so callers only pass the status up.
 */
#ifndef SL_CLI_H
#define SL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <streamlearn.h>

/* Exit statuses. */
enum {
  CLI_OK = 0,    /* success */
  CLI_FAIL = 1,  /* the run failed: missing file, bad data, corrupt checkpoint */
  CLI_USAGE = 2  /* the command line is wrong: unknown option, kind or parameter, bad value */
};

/* ---- util.c ----------------------------------------------------------------- */

/* Prints "streamlearn: <message>\n" on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Monotonic seconds since an arbitrary origin. */
double cli_now(void);

/* Parses a whole decimal unsigned integer (no sign, no trailing text).
 * Returns 0 and the value, or -1. */
int cli_parse_u64(const char *s, uint64_t *out);

/* Writes `s` as a JSON string literal (quotes included). */
void cli_json_string(FILE *f, const char *s);

/* Writes `v` as a JSON number (null when not finite). */
void cli_json_number(FILE *f, double v);

/* Reads the whole file at `path` into a malloc'd buffer. Returns CLI_OK or
 * CLI_FAIL (message printed). */
int cli_read_file(const char *path, unsigned char **data, size_t *len);

/* ---- kinds.c ---------------------------------------------------------------- */

/* One handle type of the library, seen through its kind tables. `set_str`
 * and `last_error` take the handle as void * so one code path sets the
 * parameters of every handle type. */
typedef struct cli_noun {
  const char *noun; /* "model" */
  const char *(*kind_name)(int kind);
  sl_status (*kind_from_name)(const char *name, int *kind);
  sl_status (*kind_param)(int kind, size_t i, const sl_param_info **info);
  sl_status (*set_str)(void *h, const char *name, const char *value);
  const char *(*last_error)(const void *h);
} cli_noun;

/* The handle types this build of the tool knows, and how many. */
const cli_noun *cli_nouns(size_t *n);

/* The handle type named `noun`, or NULL. */
const cli_noun *cli_noun_find(const char *noun);

/* Resolves "noun.kind" or a bare kind name that only one handle type has.
 * `what` names the option for messages. Returns CLI_OK or CLI_USAGE. */
int cli_kind_resolve(const char *spec, const char *what, const cli_noun **noun, int *kind);

/* Resolves kind `name` of handle type `noun`, or prints an error listing the
 * kinds there are. Returns CLI_OK or CLI_USAGE. */
int cli_kind_lookup(const cli_noun *noun, const char *name, int *kind);

/* Row `name` of the parameter table of `kind`, or NULL. */
const sl_param_info *cli_param_find(const cli_noun *noun, int kind, const char *name);

/* ---- args.c ----------------------------------------------------------------- */

#define CLI_MAX_SETS 64

#define CLI_MAX_WINDOWS 32

/* One --set handle.name=value. Points into argv. */
typedef struct cli_set {
  const char *arg;   /* the whole text, for messages */
  const char *value;
  char handle[16];   /* "model", "window" (the digits of "window1" go to index) */
  int index;         /* windowI: I; -1 without digits (every window) */
  char name[64];
} cli_set;

/* --on-drift. The values are sl_pipeline_policy's, in its order. */
typedef enum cli_policy {
  CLI_ON_DRIFT_NOTHING = 0,     /* report the drift, change nothing ("alert" too) */
  CLI_ON_DRIFT_RESET = 1,       /* forget everything the model learned */
  CLI_ON_DRIFT_CONSOLIDATE = 2, /* sl_model_consolidate (EWC kinds; pipeline only) */
  CLI_ON_DRIFT_REPLAY = 3       /* reset, then relearn the replay buffer (pipeline only) */
} cli_policy;

/* The name --on-drift takes for `p` ("nothing", "reset", ...). */
const char *cli_policy_name(cli_policy p);

/* One --window KIND:FIELD[:AGGS], its kind and aggregates checked when
 * parsed (features.c); the field is resolved once the input is open. */
typedef struct cli_window_spec {
  const char *arg;     /* the whole text, for messages */
  int kind;            /* sl_window_kind */
  char field[64];      /* the raw field's name */
  unsigned aggregates; /* SL_WINDOW_AGG_* bits */
} cli_window_spec;

/* Parses `arg` into `w`. Returns CLI_OK or CLI_USAGE (message printed). */
int cli_window_spec_parse(const char *arg, cli_window_spec *w);

typedef struct cli_eval_opts {
  const char *csv;    /* file, or "-" for standard input; NULL: generator */
  const char *target; /* CSV target column; NULL: the last column */
  const char *stream; /* generator kind */
  const char *model;
  const char *drift;  /* NULL: none */
  const char *plot;   /* SVG path or NULL */
  const char *save;   /* model checkpoint path or NULL */
  const char *replay; /* replay buffer kind (pipeline path) or NULL */
  const char *key;    /* CSV column keying the windows; NULL: one key */
  const char *time;   /* CSV column of event times; NULL: the event number */
  const char *dump;   /* --dump-features CSV path or NULL */
  uint64_t events;    /* rows to run; 0: all of the CSV */
  uint64_t metric_window; /* events of the windowed metric */
  uint64_t label_delay;   /* labels go in this many events after their event */
  cli_policy on_drift;
  int pipeline;       /* run through sl_pipeline (set by the options that need it) */
  cli_window_spec windows[CLI_MAX_WINDOWS];
  size_t n_windows;
  int json;
  int skip_bad_rows;
  int progress; /* -1 auto (a terminal), 0 never, 1 always */
  cli_set sets[CLI_MAX_SETS];
  size_t n_sets;
} cli_eval_opts;

/* Parses the options of `streamlearn eval` (argv[0] is "eval"). Returns
 * CLI_OK, CLI_USAGE (message printed), or -1 when --help was shown. */
int cli_eval_parse(int argc, char **argv, cli_eval_opts *o);

/* Applies every --set for handle type `noun` to handle `h` of kind `kind`;
 * `index` >= 0 numbers the handle among several of its type (windowI: the
 * sets naming that index and those naming none apply), else -1.
 * Returns CLI_OK or CLI_USAGE (message printed). */
int cli_sets_apply(const cli_eval_opts *o, const cli_noun *noun, int kind, void *h, int index);

/* 1 when a --set names handle type `noun` and parameter `name`. */
int cli_sets_has(const cli_eval_opts *o, const char *noun, const char *name);

/* Prints the help of `streamlearn eval`. */
void cli_eval_usage(FILE *f);

/* ---- source.c ----------------------------------------------------------------- */

#define CLI_MAX_CHANGES 64

typedef struct cli_source {
  sl_stream *stream; /* generator, or NULL */
  sl_csv *csv;       /* CSV reader, or NULL */
  FILE *file;        /* the CSV file (stdin for "-") */
  const char *path;
  uint64_t file_size; /* 0: unknown (a pipe) */
  uint64_t bytes_read;
  int skip_bad_rows;
  uint64_t bad_rows;
  uint64_t limit;    /* rows to give at most; 0: no limit */
  uint64_t rows;     /* rows given so far */
  size_t n_features;
  size_t n_classes;  /* 0: regression or unknown (CSV) */
  size_t target_col; /* CSV: the target's column */
  char desc[160];    /* "sea (generator)", "data.csv, target y" */
  uint64_t changes[CLI_MAX_CHANGES]; /* known concept changes (event numbers) */
  size_t n_changes;
} cli_source;

/* Opens the source the options name and applies the stream.* settings.
 * Returns CLI_OK, CLI_FAIL or CLI_USAGE (message printed). */
int cli_source_open(cli_source *s, const cli_eval_opts *o);

/* Gives up to `rows` rows into X (rows x n_features) and y; `*got` is 0 at
 * the end. Returns CLI_OK or CLI_FAIL (message printed). */
int cli_source_next(cli_source *s, double *X, double *y, size_t rows, size_t *got);

/* The index of raw field `name` (a CSV column other than the target, or
 * x0, x1, ... of a generator); `what` names the option for messages.
 * Returns CLI_OK or CLI_USAGE (message printed). */
int cli_source_field(const cli_source *s, const char *name, const char *what, size_t *index);

/* Writes the name of raw field `i` to `f`. */
void cli_source_field_name(FILE *f, const cli_source *s, size_t i);

/* How far the source is, in [0, 1], or -1 when its size is unknown. */
double cli_source_progress(const cli_source *s);

void cli_source_close(cli_source *s);

/* ---- metric.c ----------------------------------------------------------------- */

/* Prequential metric: accuracy (classification) or MAE and RMSE
 * (regression), over the whole stream and over the last `window` events. */
typedef struct cli_metric {
  int classify;
  uint64_t n;
  double total;    /* correct predictions, or sum of |error| */
  double total_sq; /* sum of squared errors */
  double *ring;    /* per-event score of the last `window` events */
  uint64_t window;
  double ring_sum;
} cli_metric;

int cli_metric_init(cli_metric *m, int classify, uint64_t window);
void cli_metric_add(cli_metric *m, double prediction, double y);
double cli_metric_value(const cli_metric *m);    /* whole stream */
double cli_metric_windowed(const cli_metric *m); /* last `window` events */
double cli_metric_rmse(const cli_metric *m);
const char *cli_metric_label(int classify); /* "accuracy" or "MAE" */
void cli_metric_free(cli_metric *m);

/* ---- record.c ----------------------------------------------------------------- */

#define CLI_MAX_POINTS 2048
#define CLI_MAX_MARKS 4096

/* What the plot and the summary need from a run, in bounded memory: the
 * windowed metric at most CLI_MAX_POINTS times (every `step` events; the
 * step doubles and every other point goes when full), and the first
 * CLI_MAX_MARKS drift and reset positions (the counts go on). */
typedef struct cli_record {
  uint64_t step;
  size_t n_points;
  uint64_t at[CLI_MAX_POINTS];
  double value[CLI_MAX_POINTS];
  uint64_t n_drifts, n_warnings, n_resets;
  uint64_t drift_at[CLI_MAX_MARKS];
  uint64_t reset_at[CLI_MAX_MARKS];
} cli_record;

/* Starts with a point every `step` events (>= 1). */
void cli_record_init(cli_record *r, uint64_t step);
/* 1 when cli_record_point would keep a point at `event`. */
int cli_record_due(const cli_record *r, uint64_t event);
/* Called after every event (1-based number `event`). */
void cli_record_point(cli_record *r, uint64_t event, double value);
void cli_record_drift(cli_record *r, uint64_t event);
void cli_record_reset(cli_record *r, uint64_t event);

/* ---- progress.c --------------------------------------------------------------- */

typedef struct cli_progress {
  int on;
  double start, last;
  int drawn;
} cli_progress;

/* `mode`: -1 on when stderr is a terminal, 0 never, 1 always. */
void cli_progress_init(cli_progress *p, int mode);
/* Redraws the line at most a few times a second. `fraction` -1: unknown. */
void cli_progress_update(cli_progress *p, uint64_t events, double fraction, const char *metric, double value);
/* Clears the line. */
void cli_progress_done(cli_progress *p);

/* ---- eval.c / pipe.c / report.c / plot.c -------------------------------------- */

/* Everything the summary reports. */
typedef struct cli_summary {
  const cli_eval_opts *opts;
  const cli_source *source;
  const cli_record *record;
  const char *model_kind;
  const char *drift_kind; /* NULL: none */
  int classify;
  double value, windowed, rmse; /* the metric: whole stream, last metric_window, RMSE */
  uint64_t events;
  double seconds;
  double model_bytes;
  double drift_bytes;
  /* pipeline path only */
  size_t n_features;
  uint64_t labels, late, unlabelled, model_version;
} cli_summary;

/* One eval run: what the direct loop (eval.c) and the pipeline (pipe.c)
 * share. */
typedef struct cli_run {
  cli_eval_opts opts;
  cli_source src;
  cli_record *rec;
  cli_progress progress;
  cli_summary sum;
  const char *model_kind, *drift_kind;
  double *X, *y; /* a batch of rows */
  FILE *plot, *save, *dump; /* opened before the run, so a bad path fails early */
} cli_run;

/* Creates model `r->opts.model` (or the default) for `n_features` with its
 * --set values into `*m`; sets r->model_kind and `*classify`.
 * Returns CLI_OK, CLI_FAIL or CLI_USAGE (message printed). */
int cli_make_model(cli_run *r, size_t n_features, sl_model **m, int *classify);

/* Creates the drift detector (`*d` NULL without --drift); sets r->drift_kind. */
int cli_make_drift(cli_run *r, sl_drift **d);

/* Writes `m`'s checkpoint to the --save file. Returns CLI_OK or CLI_FAIL. */
int cli_save_model(const cli_run *r, const sl_model *m);

/* The pipeline path: runs the whole stream, fills r->sum (but seconds) and
 * writes the --save checkpoint. Returns CLI_OK, CLI_FAIL or CLI_USAGE. */
int cli_pipe_run(cli_run *r);

int cli_eval(int argc, char **argv);
void cli_report_table(FILE *f, const cli_summary *s);
void cli_report_json(FILE *f, const cli_summary *s);
/* Writes the SVG plot to `f` (opened on `path`, named in messages).
 * Returns CLI_OK or CLI_FAIL. */
int cli_plot_svg(FILE *f, const char *path, const cli_summary *s);

/* ---- params.c / inspect.c ------------------------------------------------------ */

int cli_params(int argc, char **argv);
int cli_inspect(int argc, char **argv);

#endif
