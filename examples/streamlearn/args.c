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
        "  --on-drift POLICY   nothing (default): report only; reset: reset the model\n"
        "  --set H.NAME=VALUE  a parameter of handle H (model, drift or stream), checked\n"
        "                      against its table; repeatable. See `streamlearn params KIND`.\n"
        "\n"
        "output:\n"
        "  --json              print the summary as JSON\n"
        "  --plot FILE.svg     draw the windowed metric with drifts and resets marked\n"
        "  --window N          events in the windowed metric (default 1000)\n"
        "  --save FILE         write the final model's checkpoint\n"
        "  --progress, --no-progress\n"
        "                      progress line on stderr (default: when stderr is a terminal)\n"
        "\n"
        "example:\n"
        "  streamlearn eval --stream sea --set stream.switch_every=25000 --events 100000 \\\n"
        "      --model hoeffding_tree --drift adwin --plot sea.svg\n",
        f);
}

/* Records one --set; its handle must be one `eval` creates. */
static int add_set(cli_eval_opts *o, const char *arg) {
  const char *dot = strchr(arg, '.'), *eq = strchr(arg, '=');
  cli_set *s;
  size_t hlen, nlen;
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
  memcpy(s->handle, arg, hlen);
  s->handle[hlen] = '\0';
  memcpy(s->name, dot + 1, nlen);
  s->name[nlen] = '\0';
  if (strcmp(s->handle, "model") && strcmp(s->handle, "drift") && strcmp(s->handle, "stream")) {
    cli_error("--set '%s': eval sets parameters of model, drift or stream, not '%s'", arg, s->handle);
    return CLI_USAGE;
  }
  s->arg = arg;
  s->value = eq + 1;
  o->n_sets++;
  return CLI_OK;
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

/* A count option (--events, --window): a whole number >= min. */
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
      {"--save", offsetof(cli_eval_opts, save)},
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
  if ((r = value_opt(argc, argv, i, "--window", &v)) != 0) return r < 0 || count_opt("--window", v, 1, &o->window) ? -1 : 1;
  if ((r = value_opt(argc, argv, i, "--on-drift", &v)) != 0) {
    if (r < 0) return -1;
    if (strcmp(v, "nothing") == 0) o->on_drift = CLI_ON_DRIFT_NOTHING;
    else if (strcmp(v, "reset") == 0) o->on_drift = CLI_ON_DRIFT_RESET;
    else {
      cli_error("option --on-drift: '%s' is not a policy (nothing or reset)", v);
      return -1;
    }
    return 1;
  }
  return 0;
}

int cli_eval_parse(int argc, char **argv, cli_eval_opts *o) {
  int i, r;
  memset(o, 0, sizeof *o);
  o->window = 1000;
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
  return CLI_OK;
}

int cli_sets_has(const cli_eval_opts *o, const char *noun, const char *name) {
  size_t i;
  for (i = 0; i < o->n_sets; i++)
    if (strcmp(o->sets[i].handle, noun) == 0 && strcmp(o->sets[i].name, name) == 0) return 1;
  return 0;
}

int cli_sets_apply(const cli_eval_opts *o, const cli_noun *noun, int kind, void *h) {
  size_t i;
  for (i = 0; i < o->n_sets; i++) {
    const cli_set *s = &o->sets[i];
    const sl_param_info *p;
    sl_status st;
    if (strcmp(s->handle, noun->noun) != 0) continue;
    if (!(p = cli_param_find(noun, kind, s->name))) {
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
