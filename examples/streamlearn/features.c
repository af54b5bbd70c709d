/* --window KIND:FIELD[:AGGS]: a window feature of the pipeline. KIND is a
 * window kind of the library's table (the pipeline itself refuses the
 * kinds that emit closed windows instead of answering a query), FIELD a
 * raw field's name (resolved once the input is open), AGGS a comma list
 * of aggregate names (default: mean). */
#include <string.h>

#include "cli.h"

#ifndef CLI_NO_PIPELINE

/* The aggregate names of the SL_WINDOW_AGG_* bits (the names
 * sl_window_value_name gives them; "quantile" stands for the n_quantiles
 * values q<level>). */
static const struct {
  const char *name;
  unsigned bit;
} aggs[] = {
    {"count", SL_WINDOW_AGG_COUNT}, {"sum", SL_WINDOW_AGG_SUM},     {"mean", SL_WINDOW_AGG_MEAN},
    {"var", SL_WINDOW_AGG_VAR},     {"std", SL_WINDOW_AGG_STD},     {"min", SL_WINDOW_AGG_MIN},
    {"max", SL_WINDOW_AGG_MAX},     {"first", SL_WINDOW_AGG_FIRST}, {"last", SL_WINDOW_AGG_LAST},
    {"ewma", SL_WINDOW_AGG_EWMA},   {"rate", SL_WINDOW_AGG_RATE},   {"quantile", SL_WINDOW_AGG_QUANTILE},
};

#define N_AGGS (sizeof aggs / sizeof aggs[0])

/* Adds the bit of aggregate `name` (`len` bytes) to `*mask`. */
static int add_aggregate(const cli_window_spec *w, const char *name, size_t len, unsigned *mask) {
  size_t i;
  for (i = 0; i < N_AGGS; i++)
    if (strlen(aggs[i].name) == len && strncmp(aggs[i].name, name, len) == 0) {
      *mask |= aggs[i].bit;
      return CLI_OK;
    }
  fprintf(stderr, "streamlearn: --window %s: unknown aggregate '%.*s' (aggregates:", w->arg, (int)len, name);
  for (i = 0; i < N_AGGS; i++) fprintf(stderr, "%s %s", i ? "," : "", aggs[i].name);
  fputs(")\n", stderr);
  return CLI_USAGE;
}

static int bad_spec(const char *arg) {
  cli_error("--window '%s': expected KIND:FIELD[:AGGS], e.g. sliding:x0:mean,std", arg);
  return CLI_USAGE;
}

int cli_window_spec_parse(const char *arg, cli_window_spec *w) {
  const char *c1 = strchr(arg, ':'), *c2, *a;
  char kind[32];
  size_t flen;
  memset(w, 0, sizeof *w);
  w->arg = arg;
  if (!c1 || (size_t)(c1 - arg) >= sizeof kind || c1 == arg) return bad_spec(arg);
  memcpy(kind, arg, (size_t)(c1 - arg));
  kind[c1 - arg] = '\0';
  if (cli_kind_lookup(cli_noun_find("window"), kind, &w->kind) != CLI_OK) return CLI_USAGE;
  c2 = strchr(c1 + 1, ':');
  flen = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
  if (flen == 0 || flen >= sizeof w->field) return bad_spec(arg);
  memcpy(w->field, c1 + 1, flen);
  w->field[flen] = '\0';
  if (!c2) {
    w->aggregates = SL_WINDOW_AGG_MEAN;
    return CLI_OK;
  }
  for (a = c2 + 1;; a++) {
    size_t len = strcspn(a, ",");
    if (len == 0) return bad_spec(arg);
    if (add_aggregate(w, a, len, &w->aggregates) != CLI_OK) return CLI_USAGE;
    a += len;
    if (!*a) return CLI_OK;
  }
}
#else
int cli_window_spec_parse(const char *arg, cli_window_spec *w) {
  (void)w;
  cli_error("--window %s: this build has no pipeline module", arg);
  return CLI_USAGE;
}
#endif
