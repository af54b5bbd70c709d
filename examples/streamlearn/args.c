/* Options of `streamlearn eval`, and --set handle.name=value checked against
 * the library's parameter tables. */
#include <string.h>

#include "cli.h"

void cli_eval_usage(FILE *f) {
  fputs("usage: streamlearn eval (--csv FILE --target NAME | --stream KIND [--events N]) [options]\n"
        "\n"
        "Progressive (test-then-train) evaluation: each event is predicted, scored,\n"
        "then learned. Prints a summary: the metric (accuracy or MAE), the drifts\n"
        "found, the model's size and the throughput.\n"
        "\n"
        "input (one of):\n"
        "  --csv FILE          numeric CSV with a header row; '-' reads standard input\n"
        "  --target NAME       the CSV column to predict (default: the last column)\n"
        "  --skip-bad-rows     skip malformed CSV rows (counted) instead of stopping\n"
        "  --stream KIND       built-in generator: sea, agrawal, hyperplane, random_rbf,\n"
        "                      stagger, led, sine, friedman, concept_drift\n"
        "  --events N          events to run (generator default 100000; CSV: at most N)\n"
        "\n"
        "learning:\n"
        "  --model KIND        model kind (default hoeffding_tree; linear_regression for a\n"
        "                      regression generator)\n"
        "  --drift KIND        drift detector on the model's errors (default none)\n"
        "  --on-drift POLICY   nothing (default; alias alert): report only; reset: reset the\n"
        "                      model; replay, consolidate: the pipeline's policies\n"
        "  --set H.NAME=VALUE  a parameter of handle H (model, drift, stream, window,\n"
        "                      windowI, replay, pipeline), checked against its table;\n"
        "                      repeatable. See `streamlearn params KIND`.\n"
        "\n"
        "pipeline (any of these runs the events through sl_pipeline):\n"
        "  --window KIND:FIELD[:AGGS]\n"
        "                      window features: a sliding or count window over raw field\n"
        "                      FIELD (CSV column, or x0, x1, ... of a generator), with\n"
        "                      aggregates AGGS (comma list; default mean); repeatable.\n"
        "                      --set window.NAME=V sets every window, windowI.NAME=V the\n"
        "                      I-th (from 0)\n"
        "  --key COLUMN        CSV column keying the windows (default: one key)\n"
        "  --time COLUMN       CSV column of whole event times (default: the event number)\n"
        "  --label-delay N     each label is given N events after its event (default 0)\n"
        "  --replay KIND       replay buffer (default fifo with --on-drift replay)\n"
        "  --pipeline          use the pipeline without any of the above\n"
        "  --dump-features FILE\n"
        "                      write each event's features and prediction as CSV\n"
        "\n"
        "output:\n"
        "  --json              print the summary as JSON\n"
        "  --plot FILE.svg     draw the windowed metric with drifts and resets marked\n"
        "  --metric-window N   events in the windowed metric (default 1000)\n"
        "  --save FILE         write the final model's checkpoint\n"
        "  --progress, --no-progress\n"
        "                      progress line on stderr (default: when stderr is a terminal)\n"
        "\n"
        "examples:\n"
        "  streamlearn eval --stream sea --set stream.switch_every=25000 --events 100000 \\\n"
        "      --model hoeffding_tree --drift adwin --plot sea.svg\n"
        "  streamlearn eval --csv data.csv --target y --key sensor --time ts \\\n"
        "      --window sliding:temp:mean,std --set window.size=60000 --label-delay 10\n",
        f);
}

/* The handle types --set may name; only window takes an index. */
static int known_handle(const char *handle, int index) {
  static const char *const handles[] = {"model", "drift", "stream", "window", "replay", "pipeline"};
  size_t i;
  if (index >= 0) return strcmp(handle, "window") == 0;
  for (i = 0; i < sizeof handles / sizeof handles[0]; i++)
    if (strcmp(handle, handles[i]) == 0) return 1;
  return 0;
}

/* Records one --set; its handle must be one `eval` creates. */
static int add_set(cli_eval_opts *o, const char *arg) {
  const char *dot = strchr(arg, '.'), *eq = strchr(arg, '=');
  cli_set *s;
  size_t hlen, nlen, digits;
  if (o->n_sets == CLI_MAX_SETS) {
    cli_error("more than %d --set options", CLI_MAX_SETS);
    return CLI_USAGE;
  }
  if (!eq || !dot || dot > eq) {
    cli_error("--set '%s': expected HANDLE.NAME=VALUE, e.g. model.grace_period=100", arg);
    return CLI_USAGE;
  }
  s = &o->sets[o->n_sets];
  hlen = (size_t)(dot - arg);
  nlen = (size_t)(eq - dot - 1);
  if (hlen >= sizeof s->handle || nlen == 0 || nlen >= sizeof s->name) {
    cli_error("--set '%s': expected HANDLE.NAME=VALUE, e.g. model.grace_period=100", arg);
    return CLI_USAGE;
  }
  for (digits = 0; digits < hlen && arg[hlen - 1 - digits] >= '0' && arg[hlen - 1 - digits] <= '9'; digits++) {
  }
  s->index = -1;
  if (digits) {
    uint64_t v;
    char num[16];
    memcpy(num, arg + hlen - digits, digits);
    num[digits] = '\0';
    if (cli_parse_u64(num, &v) != 0 || v >= CLI_MAX_WINDOWS) {
      cli_error("--set '%s': window index %s is not below %d", arg, num, CLI_MAX_WINDOWS);
      return CLI_USAGE;
    }
    s->index = (int)v;
  }
  memcpy(s->handle, arg, hlen - digits);
  s->handle[hlen - digits] = '\0';
  memcpy(s->name, dot + 1, nlen);
  s->name[nlen] = '\0';
  if (!known_handle(s->handle, s->index)) {
    cli_error("--set '%s': eval sets parameters of model, drift, stream, window (windowI), replay or pipeline, "
              "not '%.*s'", arg, (int)hlen, arg);
    return CLI_USAGE;
  }
  s->arg = arg;
  s->value = eq + 1;
  o->n_sets++;
  return CLI_OK;
}

const char *cli_policy_name(cli_policy p) {
  static const char *const names[] = {"nothing", "reset", "consolidate", "replay"};
  return names[p];
}

/* --on-drift POLICY. */
static int policy_opt(const char *v, cli_eval_opts *o) {
  int p;
  if (strcmp(v, "alert") == 0) v = "nothing";
  for (p = CLI_ON_DRIFT_NOTHING; p <= CLI_ON_DRIFT_REPLAY; p++)
    if (strcmp(v, cli_policy_name((cli_policy)p)) == 0) {
      o->on_drift = (cli_policy)p;
      return CLI_OK;
    }
  cli_error("option --on-drift: '%s' is not a policy (nothing, alert, reset, consolidate or replay)", v);
  return CLI_USAGE;
}

/* --window KIND:FIELD[:AGGS]. */
static int window_opt(const char *v, cli_eval_opts *o) {
  if (o->n_windows == CLI_MAX_WINDOWS) {
    cli_error("more than %d --window options", CLI_MAX_WINDOWS);
    return CLI_USAGE;
  }
  return cli_window_spec_parse(v, &o->windows[o->n_windows++]);
}

/* If argv[*i] is option `name`, points `*value` at its value ("--name V" or
 * "--name=V"), advances *i past it and returns 1; a missing value is an error
 * (returns -1). Otherwise returns 0. */
static int value_opt(int argc, char **argv, int *i, const char *name, const char **value) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0) return 0;
  if (a[n] == '=') {
    *value = a + n + 1;
    return 1;
  }
  if (a[n] != '\0') return 0;
  if (*i + 1 >= argc) {
    cli_error("option %s needs a value", name);
    return -1;
  }
  *value = argv[++*i];
  return 1;
}

/* A count option (--events, --metric-window, --label-delay): a whole number >= min. */
static int count_opt(const char *name, const char *text, uint64_t min, uint64_t *out) {
  if (cli_parse_u64(text, out) != 0 || *out < min) {
    cli_error("option %s: '%s' is not a whole number >= %llu", name, text, (unsigned long long)min);
    return CLI_USAGE;
  }
  return CLI_OK;
}

/* Parses one option that takes a value; returns 1 (consumed), 0 (not this
 * kind of option) or -1 (error printed). */
static int parse_value_option(int argc, char **argv, int *i, cli_eval_opts *o) {
  static const struct {
    const char *name;
    size_t offset;
  } text_opts[] = {
      {"--csv", offsetof(cli_eval_opts, csv)},     {"--target", offsetof(cli_eval_opts, target)},
      {"--stream", offsetof(cli_eval_opts, stream)}, {"--model", offsetof(cli_eval_opts, model)},
      {"--drift", offsetof(cli_eval_opts, drift)},   {"--plot", offsetof(cli_eval_opts, plot)},
      {"--save", offsetof(cli_eval_opts, save)},     {"--replay", offsetof(cli_eval_opts, replay)},
      {"--key", offsetof(cli_eval_opts, key)},       {"--time", offsetof(cli_eval_opts, time)},
      {"--dump-features", offsetof(cli_eval_opts, dump)},
  };
  const char *v;
  size_t k;
  int r;
  for (k = 0; k < sizeof text_opts / sizeof text_opts[0]; k++) {
    if ((r = value_opt(argc, argv, i, text_opts[k].name, &v)) == 0) continue;
    if (r < 0) return -1;
    if (!*v) {
      cli_error("option %s: empty value", text_opts[k].name);
      return -1;
    }
    *(const char **)((char *)o + text_opts[k].offset) = v;
    return 1;
  }
  if ((r = value_opt(argc, argv, i, "--set", &v)) != 0) return r < 0 || add_set(o, v) ? -1 : 1;
  if ((r = value_opt(argc, argv, i, "--events", &v)) != 0) return r < 0 || count_opt("--events", v, 1, &o->events) ? -1 : 1;
  if ((r = value_opt(argc, argv, i, "--metric-window", &v)) != 0)
    return r < 0 || count_opt("--metric-window", v, 1, &o->metric_window) ? -1 : 1;
  if ((r = value_opt(argc, argv, i, "--label-delay", &v)) != 0)
    return r < 0 || count_opt("--label-delay", v, 0, &o->label_delay) ? -1 : 1;
  if ((r = value_opt(argc, argv, i, "--window", &v)) != 0) return r < 0 || window_opt(v, o) ? -1 : 1;
  if ((r = value_opt(argc, argv, i, "--on-drift", &v)) != 0) return r < 0 || policy_opt(v, o) ? -1 : 1;
  return 0;
}

/* Options that only the pipeline path has turn it on; those that only
 * mean something there need it. */
static int check_pipeline(cli_eval_opts *o) {
  static const char *const needs_csv[] = {"--key", "--time"};
  const char *given[2];
  size_t k;
  given[0] = o->key;
  given[1] = o->time;
  for (k = 0; k < 2; k++)
    if (given[k] && !o->csv) {
      cli_error("eval: %s names a CSV column; it needs --csv", needs_csv[k]);
      return CLI_USAGE;
    }
  if (o->n_windows || o->label_delay || o->replay || o->dump || o->on_drift >= CLI_ON_DRIFT_CONSOLIDATE)
    o->pipeline = 1;
  if ((o->key || o->time) && !o->n_windows) {
    cli_error("eval: --key and --time place events in windows; add --window KIND:FIELD");
    return CLI_USAGE;
  }
  return CLI_OK;
}

int cli_eval_parse(int argc, char **argv, cli_eval_opts *o) {
  int i, r;
  memset(o, 0, sizeof *o);
  o->metric_window = 1000;
  o->progress = -1;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      cli_eval_usage(stdout);
      return -1;
    }
    if (strcmp(a, "--json") == 0) o->json = 1;
    else if (strcmp(a, "--skip-bad-rows") == 0) o->skip_bad_rows = 1;
    else if (strcmp(a, "--progress") == 0) o->progress = 1;
    else if (strcmp(a, "--no-progress") == 0) o->progress = 0;
    else if (strcmp(a, "--pipeline") == 0) o->pipeline = 1;
    else if ((r = parse_value_option(argc, argv, &i, o)) < 0) return CLI_USAGE;
    else if (r == 0) {
      cli_error("eval: unknown option '%s' (see streamlearn eval --help)", a);
      return CLI_USAGE;
    }
  }
  if (!o->csv == !o->stream) {
    cli_error("eval: give exactly one input, --csv FILE or --stream KIND");
    return CLI_USAGE;
  }
  if (o->target && !o->csv) {
    cli_error("eval: --target names a CSV column; it needs --csv");
    return CLI_USAGE;
  }
  if (o->drift && strcmp(o->drift, "none") == 0) o->drift = NULL;
  return check_pipeline(o);
}

int cli_sets_has(const cli_eval_opts *o, const char *noun, const char *name) {
  size_t i;
  for (i = 0; i < o->n_sets; i++)
    if (strcmp(o->sets[i].handle, noun) == 0 && strcmp(o->sets[i].name, name) == 0) return 1;
  return 0;
}

int cli_sets_apply(const cli_eval_opts *o, const cli_noun *noun, int kind, void *h, int index) {
  size_t i;
  for (i = 0; i < o->n_sets; i++) {
    const cli_set *s = &o->sets[i];
    const sl_param_info *p;
    sl_status st;
    if (strcmp(s->handle, noun->noun) != 0 || (s->index >= 0 && s->index != index)) continue;
    if (!(p = cli_param_find(noun, kind, s->name))) {
      if (index >= 0)
        cli_error("--set %s: %s%d is a '%s' window, which has no parameter '%s' (see: streamlearn params %s.%s)",
                  s->arg, noun->noun, index, noun->kind_name(kind), s->name, noun->noun, noun->kind_name(kind));
      else
        cli_error("--set %s: %s kind '%s' has no parameter '%s' (see: streamlearn params %s.%s)", s->arg,
                  noun->noun, noun->kind_name(kind), s->name, noun->noun, noun->kind_name(kind));
      return CLI_USAGE;
    }
    if ((st = noun->set_str(h, s->name, s->value)) != SL_OK) {
      const char *detail = noun->last_error(h);
      if (st == SL_ERANGE && p->type != SL_PARAM_ENUM)
        cli_error("--set %s: out of range [%g, %g]", s->arg, p->min_value, p->max_value);
      else
        cli_error("--set %s: %s%s%s", s->arg, sl_strerror(st), *detail ? ": " : "", detail);
      return CLI_USAGE;
    }
  }
  return CLI_OK;
}
