/* The run's memory for the plot and the summary, bounded whatever the
 * stream's length: at most CLI_MAX_POINTS metric points (when full, every
 * other point goes and the step doubles) and CLI_MAX_MARKS positions of
 * drifts and of resets (counted beyond that). */
#include <string.h>

#include "cli.h"

void cli_record_init(cli_record *r, uint64_t step) {
  memset(r, 0, sizeof *r);
  r->step = step ? step : 1;
}

int cli_record_due(const cli_record *r, uint64_t event) { return event % r->step == 0; }

void cli_record_point(cli_record *r, uint64_t event, double value) {
  if (!cli_record_due(r, event)) return;
  if (r->n_points == CLI_MAX_POINTS) {
    size_t i, kept = 0;
    r->step *= 2;
    for (i = 0; i < r->n_points; i++)
      if (r->at[i] % r->step == 0) {
        r->at[kept] = r->at[i];
        r->value[kept++] = r->value[i];
      }
    r->n_points = kept;
    if (event % r->step != 0) return;
  }
  r->at[r->n_points] = event;
  r->value[r->n_points++] = value;
}

void cli_record_drift(cli_record *r, uint64_t event) {
  if (r->n_drifts < CLI_MAX_MARKS) r->drift_at[r->n_drifts] = event;
  r->n_drifts++;
}

void cli_record_reset(cli_record *r, uint64_t event) {
  if (r->n_resets < CLI_MAX_MARKS) r->reset_at[r->n_resets] = event;
  r->n_resets++;
}
