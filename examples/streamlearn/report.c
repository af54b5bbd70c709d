/* The summary of an `eval` run: an aligned table for people, or one JSON
 * object for programs (--json). Both show the same figures. */
#include "cli.h"

#define TABLE_POSITIONS 20 /* drift positions the table lists before "..." */

static const char *policy_name(cli_policy p) { return p == CLI_ON_DRIFT_RESET ? "reset" : "nothing"; }

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

void cli_report_table(FILE *f, const cli_summary *s) {
  const cli_record *r = s->record;
  const char *metric = cli_metric_name(s->metric);
  fprintf(f, "%-16s %s\n", "input", s->source->desc);
  fprintf(f, "%-16s %s\n", "model", s->model_kind);
  if (s->drift_kind) fprintf(f, "%-16s %s (on drift: %s)\n", "drift detector", s->drift_kind, policy_name(s->opts->on_drift));
  fprintf(f, "%-16s %llu\n", "events", (unsigned long long)s->events);
  if (s->source->bad_rows) fprintf(f, "%-16s %llu\n", "bad rows skipped", (unsigned long long)s->source->bad_rows);
  fprintf(f, "%-16s %.4f (last %llu events: %.4f)\n", metric, cli_metric_value(s->metric),
          (unsigned long long)s->opts->window, cli_metric_windowed(s->metric));
  if (!s->metric->classify) fprintf(f, "%-16s %.4f\n", "RMSE", cli_metric_rmse(s->metric));
  if (s->drift_kind) {
    fprintf(f, "%-16s ", "drifts");
    positions(f, r->n_drifts, r->drift_at, stored(r->n_drifts));
    if (r->n_warnings) fprintf(f, "%-16s %llu\n", "warnings", (unsigned long long)r->n_warnings);
    if (r->n_resets) fprintf(f, "%-16s %llu\n", "model resets", (unsigned long long)r->n_resets);
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
  cli_json_string(f, policy_name(s->opts->on_drift));
  number(f, "events", (double)s->events);
  number(f, "bad_rows", (double)s->source->bad_rows);
  member(f, "metric");
  cli_json_string(f, cli_metric_name(s->metric));
  number(f, "value", cli_metric_value(s->metric));
  number(f, "window", (double)s->opts->window);
  number(f, "windowed_value", cli_metric_windowed(s->metric));
  if (!s->metric->classify) number(f, "rmse", cli_metric_rmse(s->metric));
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
