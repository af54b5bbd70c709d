/* The summary of an `eval` run: an aligned table for people, or one JSON
 * object for programs (--json). Both show the same figures. */
#include "cli.h"

#define TABLE_POSITIONS 20 /* drift positions the table lists before "..." */

static double rate(const cli_summary *s) { return s->seconds > 0 ? (double)s->events / s->seconds : 0.0; }

/* "n at events a, b, c, ..." from the first `stored` of `n` positions. */
static void positions(FILE *f, uint64_t n, const uint64_t *at, uint64_t stored) {
  uint64_t i;
  fprintf(f, "%llu", (unsigned long long)n);
  for (i = 0; i < stored && i < TABLE_POSITIONS; i++)
    fprintf(f, "%s%llu", i ? ", " : " at events ", (unsigned long long)at[i]);
  if (n > i) fputs(", ...", f);
  fputc('\n', f);
}

static uint64_t stored(uint64_t n) { return n < CLI_MAX_MARKS ? n : CLI_MAX_MARKS; }

/* "sliding:x0:mean, count:x1:max" */
static void window_list(FILE *f, const cli_eval_opts *o) {
  size_t i;
  for (i = 0; i < o->n_windows; i++) fprintf(f, "%s%s", i ? ", " : "", o->windows[i].arg);
}

/* The pipeline's rows of the table. */
static void pipeline_table(FILE *f, const cli_summary *s) {
  const cli_eval_opts *o = s->opts;
  fprintf(f, "%-16s %llu features", "pipeline", (unsigned long long)s->n_features);
  if (o->n_windows) {
    fputs(" (windows: ", f);
    window_list(f, o);
    fputc(')', f);
  }
  fprintf(f, "; label delay %llu\n", (unsigned long long)o->label_delay);
  fprintf(f, "%-16s %llu\n", "labels", (unsigned long long)s->labels);
  if (s->late) fprintf(f, "%-16s %llu\n", "late events", (unsigned long long)s->late);
  if (s->unlabelled) fprintf(f, "%-16s %llu\n", "unlabelled", (unsigned long long)s->unlabelled);
}

void cli_report_table(FILE *f, const cli_summary *s) {
  const cli_record *r = s->record;
  const char *metric = cli_metric_label(s->classify);
  fprintf(f, "%-16s %s\n", "input", s->source->desc);
  fprintf(f, "%-16s %s\n", "model", s->model_kind);
  if (s->drift_kind) fprintf(f, "%-16s %s (on drift: %s)\n", "drift detector", s->drift_kind, cli_policy_name(s->opts->on_drift));
  fprintf(f, "%-16s %llu\n", "events", (unsigned long long)s->events);
  if (s->opts->pipeline) pipeline_table(f, s);
  if (s->source->bad_rows) fprintf(f, "%-16s %llu\n", "bad rows skipped", (unsigned long long)s->source->bad_rows);
  fprintf(f, "%-16s %.4f (last %llu events: %.4f)\n", metric, s->value, (unsigned long long)s->opts->metric_window,
          s->windowed);
  if (!s->classify) fprintf(f, "%-16s %.4f\n", "RMSE", s->rmse);
  if (s->drift_kind) {
    fprintf(f, "%-16s ", "drifts");
    positions(f, r->n_drifts, r->drift_at, stored(r->n_drifts));
    if (r->n_warnings) fprintf(f, "%-16s %llu\n", "warnings", (unsigned long long)r->n_warnings);
    if (r->n_resets) fprintf(f, "%-16s %llu\n", s->opts->pipeline ? "model changes" : "model resets",
                             (unsigned long long)r->n_resets);
  }
  if (s->source->n_changes) {
    fprintf(f, "%-16s ", "concept changes");
    positions(f, s->source->n_changes, s->source->changes, s->source->n_changes);
  }
  fprintf(f, "%-16s %.0f bytes\n", "model size", s->model_bytes);
  fprintf(f, "%-16s %.0f events/s (%.3f s)\n", "throughput", rate(s), s->seconds);
}

static void json_positions(FILE *f, const uint64_t *at, uint64_t n) {
  uint64_t i;
  fputc('[', f);
  for (i = 0; i < n; i++) fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)at[i]);
  fputc(']', f);
}

/* `"key": value` members, so each line below reads as the JSON it writes. */
static void member(FILE *f, const char *key) {
  fputs(",\n  ", f);
  cli_json_string(f, key);
  fputs(": ", f);
}

static void number(FILE *f, const char *key, double v) {
  member(f, key);
  cli_json_number(f, v);
}

/* The pipeline's members: the window specs, the delay and its counters. */
static void pipeline_json(FILE *f, const cli_summary *s) {
  size_t i;
  member(f, "windows");
  fputc('[', f);
  for (i = 0; i < s->opts->n_windows; i++) {
    if (i) fputs(", ", f);
    cli_json_string(f, s->opts->windows[i].arg);
  }
  fputc(']', f);
  number(f, "n_features", (double)s->n_features);
  number(f, "label_delay", (double)s->opts->label_delay);
  number(f, "labels", (double)s->labels);
  number(f, "late", (double)s->late);
  number(f, "unlabelled", (double)s->unlabelled);
  number(f, "model_version", (double)s->model_version);
}

void cli_report_json(FILE *f, const cli_summary *s) {
  const cli_record *r = s->record;
  fputs("{\n  \"input\": ", f);
  cli_json_string(f, s->source->desc);
  member(f, "model");
  cli_json_string(f, s->model_kind);
  member(f, "drift");
  if (s->drift_kind) cli_json_string(f, s->drift_kind);
  else fputs("null", f);
  member(f, "on_drift");
  cli_json_string(f, cli_policy_name(s->opts->on_drift));
  member(f, "pipeline");
  fputs(s->opts->pipeline ? "true" : "false", f);
  number(f, "events", (double)s->events);
  number(f, "bad_rows", (double)s->source->bad_rows);
  if (s->opts->pipeline) pipeline_json(f, s);
  member(f, "metric");
  cli_json_string(f, cli_metric_label(s->classify));
  number(f, "value", s->value);
  number(f, "metric_window", (double)s->opts->metric_window);
  number(f, "windowed_value", s->windowed);
  if (!s->classify) number(f, "rmse", s->rmse);
  number(f, "drifts", (double)r->n_drifts);
  member(f, "drift_at");
  json_positions(f, r->drift_at, stored(r->n_drifts));
  number(f, "warnings", (double)r->n_warnings);
  number(f, "resets", (double)r->n_resets);
  member(f, "reset_at");
  json_positions(f, r->reset_at, stored(r->n_resets));
  member(f, "concept_changes");
  json_positions(f, s->source->changes, s->source->n_changes);
  number(f, "model_bytes", s->model_bytes);
  number(f, "drift_bytes", s->drift_bytes);
  number(f, "seconds", s->seconds);
  number(f, "events_per_second", rate(s));
  fputs("\n}\n", f);
}
