/* The progress line on stderr: events, events per second, the current
 * (windowed) metric and, when the input's size is known, the share done and
 * the time left. Drawn over itself with '\r', at most five times a second,
 * and only when stderr is a terminal unless asked. */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "cli.h"

#define LINE_WIDTH 78

void cli_progress_init(cli_progress *p, int mode) {
  p->on = mode < 0 ? isatty(STDERR_FILENO) : mode;
  p->start = cli_now();
  p->last = p->start - 1.0; /* the first update draws at once */
  p->drawn = 0;
}

void cli_progress_update(cli_progress *p, uint64_t events, double fraction, const char *metric, double value) {
  double now, elapsed, rate;
  int n;
  if (!p->on) return;
  now = cli_now();
  if (now - p->last < 0.2) return;
  p->last = now;
  elapsed = now - p->start;
  rate = elapsed > 0 ? (double)events / elapsed : 0.0;
  n = fprintf(stderr, "\r%llu events  %.0f events/s  %s %.4f", (unsigned long long)events, rate, metric, value);
  if (fraction > 0 && fraction <= 1)
    n += fprintf(stderr, "  %3.0f%%  ETA %.0fs", 100.0 * fraction, elapsed * (1.0 - fraction) / fraction);
  fprintf(stderr, "%*s", n < LINE_WIDTH ? LINE_WIDTH - n : 0, "");
  fflush(stderr);
  p->drawn = 1;
}

void cli_progress_done(cli_progress *p) {
  if (!p->drawn) return;
  fprintf(stderr, "\r%*s\r", LINE_WIDTH, "");
  fflush(stderr);
  p->drawn = 0;
}
