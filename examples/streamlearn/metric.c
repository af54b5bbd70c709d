/* Prequential metric: each prediction is scored before the model learns
 * the event. Accuracy for classifiers, mean absolute error (and RMSE) for
 * regressors; over the whole stream and over the last `window` events (a
 * ring of per-event scores, its sum recomputed once per lap so rounding
 * cannot accumulate). */
#include <math.h>
#include <stdlib.h>

#include "cli.h"

int cli_metric_init(cli_metric *m, int classify, uint64_t window) {
  m->classify = classify;
  m->n = 0;
  m->total = m->total_sq = m->ring_sum = 0.0;
  m->window = window;
  m->ring = calloc((size_t)window, sizeof *m->ring);
  if (!m->ring) {
    cli_error("out of memory for a window of %llu events", (unsigned long long)window);
    return CLI_FAIL;
  }
  return CLI_OK;
}

void cli_metric_add(cli_metric *m, double prediction, double y) {
  double err = prediction - y;
  double score = m->classify ? (double)(prediction == y) : fabs(err);
  size_t slot = (size_t)(m->n % m->window);
  m->total += score;
  m->total_sq += err * err;
  m->ring_sum += score - m->ring[slot];
  m->ring[slot] = score;
  m->n++;
  if (slot == m->window - 1) {
    uint64_t i;
    m->ring_sum = 0.0;
    for (i = 0; i < m->window; i++) m->ring_sum += m->ring[i];
  }
}

double cli_metric_value(const cli_metric *m) { return m->n ? m->total / (double)m->n : 0.0; }

double cli_metric_windowed(const cli_metric *m) {
  uint64_t n = m->n < m->window ? m->n : m->window;
  return n ? m->ring_sum / (double)n : 0.0;
}

double cli_metric_rmse(const cli_metric *m) { return m->n ? sqrt(m->total_sq / (double)m->n) : 0.0; }

const char *cli_metric_label(int classify) { return classify ? "accuracy" : "MAE"; }

void cli_metric_free(cli_metric *m) {
  free(m->ring);
  m->ring = NULL;
}
