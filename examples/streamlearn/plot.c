/* The --plot SVG, written directly (no plotting library): the windowed
 * metric over events as a line, drifts as red vertical lines, model resets
 * as triangles under them, known concept changes of a generator as grey
 * dashed lines. Markers carry class and data-event attributes and a
 * <title> (the browser's tooltip), so tests and scripts can read them. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "cli.h"

#define W 960.0
#define H 400.0
#define LEFT 70.0
#define RIGHT 20.0
#define TOP 48.0
#define BOTTOM 52.0

typedef struct frame {
  double x_max, y_lo, y_hi;
} frame;

static double px(const frame *fr, double event) { return LEFT + (W - LEFT - RIGHT) * event / fr->x_max; }
static double py(const frame *fr, double v) { return H - BOTTOM - (H - TOP - BOTTOM) * (v - fr->y_lo) / (fr->y_hi - fr->y_lo); }

/* A round step (1, 2 or 5 times a power of ten) giving about `n` ticks over `span`. */
static double nice_step(double span, int n) {
  double raw = span / n, p = pow(10.0, floor(log10(raw))), m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void xml_text(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '<') fputs("&lt;", f);
    else if (*s == '>') fputs("&gt;", f);
    else if (*s == '&') fputs("&amp;", f);
    else if (*s == '"') fputs("&quot;", f);
    else fputc(*s, f);
  }
}

/* The y range: accuracy up to 1 from a round value under the lowest point;
 * an error from 0 to a round value over the highest. */
static frame make_frame(const cli_summary *s) {
  const cli_record *r = s->record;
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  frame fr;
  size_t i;
  for (i = 0; i < r->n_points; i++) {
    if (r->value[i] < lo) lo = r->value[i];
    if (r->value[i] > hi) hi = r->value[i];
  }
  fr.x_max = s->events > 0 ? (double)s->events : 1.0;
  if (s->classify) {
    fr.y_hi = 1.0;
    fr.y_lo = r->n_points ? floor((lo - 0.02) * 10.0) / 10.0 : 0.0;
    if (fr.y_lo < 0) fr.y_lo = 0;
  } else {
    double step;
    fr.y_lo = 0.0;
    fr.y_hi = r->n_points && hi > 0 ? hi * 1.1 : 1.0;
    step = nice_step(fr.y_hi, 5);
    fr.y_hi = ceil(fr.y_hi / step) * step;
  }
  if (fr.y_hi <= fr.y_lo) fr.y_hi = fr.y_lo + 1.0;
  return fr;
}

static void axes(FILE *f, const frame *fr, const cli_summary *s) {
  double step, v;
  step = nice_step(fr->y_hi - fr->y_lo, 5);
  for (v = ceil(fr->y_lo / step) * step; v <= fr->y_hi + step * 1e-9; v += step) {
    fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n", LEFT,
            py(fr, v), W - RIGHT, py(fr, v));
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", LEFT - 6, py(fr, v) + 4, v);
  }
  step = nice_step(fr->x_max, 6);
  for (v = 0; v <= fr->x_max + step * 1e-9; v += step)
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n", px(fr, v), H - BOTTOM + 18, v);
  fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>\n", LEFT, TOP,
          W - LEFT - RIGHT, H - TOP - BOTTOM);
  fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">events</text>\n", (LEFT + W - RIGHT) / 2, H - 12);
  fprintf(f, "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\">%s, last %llu events</text>\n",
          (TOP + H - BOTTOM) / 2, cli_metric_label(s->classify), (unsigned long long)s->opts->metric_window);
}

static void title(FILE *f, const cli_summary *s) {
  fputs("<text x=\"70\" y=\"20\" font-size=\"15\" font-weight=\"bold\">", f);
  xml_text(f, s->model_kind);
  fputs(" on ", f);
  xml_text(f, s->source->desc);
  if (s->drift_kind) {
    fputs(", drift detector ", f);
    xml_text(f, s->drift_kind);
    if (s->opts->on_drift != CLI_ON_DRIFT_NOTHING) fprintf(f, ", %s on drift", cli_policy_name(s->opts->on_drift));
  }
  fprintf(f, "</text>\n<text x=\"70\" y=\"38\">%s %.4f over %llu events; %llu drifts</text>\n",
          cli_metric_label(s->classify), s->value, (unsigned long long)s->events,
          (unsigned long long)s->record->n_drifts);
}

/* The legend, right-aligned, with the entries this plot has. */
static void legend(FILE *f, const cli_summary *s) {
  double x = W - RIGHT, y = 38;
  if (s->source->n_changes) {
    x -= 110;
    fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>"
            "<text x=\"%.0f\" y=\"%.0f\">concept change</text>\n", x, y - 12, x, y + 2, x + 6, y);
  }
  if (s->record->n_resets) {
    x -= 100;
    fprintf(f, "<path d=\"M%.0f %.0f l5 -9 l5 9 z\" fill=\"#ff7f0e\"/><text x=\"%.0f\" y=\"%.0f\">model reset</text>\n",
            x - 5, y + 1, x + 8, y);
  }
  if (s->drift_kind) {
    x -= 105;
    fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#d62728\" stroke-width=\"1.5\"/>"
            "<text x=\"%.0f\" y=\"%.0f\">drift detected</text>\n", x, y - 12, x, y + 2, x + 6, y);
  }
  x -= 90;
  fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#1f6fb4\" stroke-width=\"2\"/>"
          "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", x, y - 4, x + 24, y - 4, x + 30, y, cli_metric_label(s->classify));
}

/* Vertical markers of one class at `n` event positions. */
static void vlines(FILE *f, const frame *fr, const char *cls, const char *what, const char *style, const uint64_t *at,
                   uint64_t n) {
  uint64_t i;
  for (i = 0; i < n; i++)
    fprintf(f,
            "<line class=\"%s\" data-event=\"%llu\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s>"
            "<title>%s at event %llu</title></line>\n",
            cls, (unsigned long long)at[i], px(fr, (double)at[i]), TOP, px(fr, (double)at[i]), H - BOTTOM, style,
            what, (unsigned long long)at[i]);
}

static void markers(FILE *f, const frame *fr, const cli_summary *s) {
  const cli_record *r = s->record;
  uint64_t i, n_resets = r->n_resets < CLI_MAX_MARKS ? r->n_resets : CLI_MAX_MARKS;
  vlines(f, fr, "change", "concept change", "stroke=\"#999\" stroke-dasharray=\"4 3\"", s->source->changes,
         s->source->n_changes);
  vlines(f, fr, "drift", "drift detected", "stroke=\"#d62728\" stroke-width=\"1.5\"", r->drift_at,
         r->n_drifts < CLI_MAX_MARKS ? r->n_drifts : CLI_MAX_MARKS);
  for (i = 0; i < n_resets; i++)
    fprintf(f,
            "<path class=\"reset\" data-event=\"%llu\" d=\"M%.1f %.1f l5 -9 l5 9 z\" fill=\"#ff7f0e\">"
            "<title>model reset at event %llu</title></path>\n",
            (unsigned long long)r->reset_at[i], px(fr, (double)r->reset_at[i]) - 5, H - BOTTOM - 1,
            (unsigned long long)r->reset_at[i]);
}

static void series(FILE *f, const frame *fr, const cli_record *r) {
  size_t i;
  fputs("<polyline class=\"metric\" fill=\"none\" stroke=\"#1f6fb4\" stroke-width=\"1.5\" points=\"", f);
  for (i = 0; i < r->n_points; i++)
    fprintf(f, "%s%.1f,%.1f", i ? " " : "", px(fr, (double)r->at[i]), py(fr, r->value[i]));
  fputs("\"/>\n", f);
}

int cli_plot_svg(FILE *f, const char *path, const cli_summary *s) {
  frame fr;
  fr = make_frame(s);
  fprintf(f,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
          "font-family=\"sans-serif\" font-size=\"12\">\n"
          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
          W, H, W, H);
  title(f, s);
  legend(f, s);
  axes(f, &fr, s);
  markers(f, &fr, s);
  series(f, &fr, s->record);
  fputs("</svg>\n", f);
  if (fflush(f) != 0 || ferror(f)) {
    cli_error("cannot write the plot '%s': %s", path, strerror(errno));
    return CLI_FAIL;
  }
  return CLI_OK;
}
