/* `streamlearn params [KIND]`: a kind's parameter table as the library
 * holds it (sl_X_kind_param), or, without KIND, every kind there is. */
#include <math.h>
#include <string.h>

#include "cli.h"

/* Choice `i` of "a|b|c" into `out`. */
static void choice(const char *choices, long i, char *out, size_t cap) {
  const char *end;
  for (; choices && i > 0; i--)
    if ((choices = strchr(choices, '|')) != NULL) choices++;
  if (!choices || i < 0) {
    snprintf(out, cap, "?");
    return;
  }
  end = strchr(choices, '|');
  snprintf(out, cap, "%.*s", (int)(end ? (size_t)(end - choices) : strlen(choices)), choices);
}

static void format_value(const sl_param_info *p, double v, char *out, size_t cap) {
  switch (p->type) {
  case SL_PARAM_BOOL: snprintf(out, cap, "%s", v != 0 ? "true" : "false"); break;
  case SL_PARAM_ENUM: choice(p->choices, (long)v, out, cap); break;
  case SL_PARAM_INT: snprintf(out, cap, fabs(v) < 1e9 ? "%.0f" : "%g", v); break;
  default: snprintf(out, cap, "%g", v); break;
  }
}

static const char *type_name(sl_param_type t) {
  switch (t) {
  case SL_PARAM_DOUBLE: return "real";
  case SL_PARAM_INT: return "int";
  case SL_PARAM_BOOL: return "bool";
  default: return "enum";
  }
}

/* The range column: the choices of an enum, else [min, max]. */
static void format_range(const sl_param_info *p, char *out, size_t cap) {
  char lo[32], hi[32];
  if (p->type == SL_PARAM_ENUM) snprintf(out, cap, "%s", p->choices ? p->choices : "");
  else if (p->type == SL_PARAM_BOOL) snprintf(out, cap, "true|false");
  else {
    format_value(p, p->min_value, lo, sizeof lo);
    format_value(p, p->max_value, hi, sizeof hi);
    snprintf(out, cap, "[%s, %s]", lo, hi);
  }
}

static void show_kind(const cli_noun *noun, int kind) {
  const sl_param_info *p;
  char def[64], range[160];
  size_t i, n = 0, wname = 4, wrange = 5;
  for (; noun->kind_param(kind, n, &p) == SL_OK; n++) {
    format_range(p, range, sizeof range);
    if (strlen(p->name) > wname) wname = strlen(p->name);
    if (strlen(range) > wrange) wrange = strlen(range);
  }
  printf("%s.%s: %lu parameters (set with --set %s.NAME=VALUE)\n\n", noun->noun, noun->kind_name(kind),
         (unsigned long)n, noun->noun);
  printf("%-*s  %-4s  %-12s  %-*s  %s\n", (int)wname, "name", "type", "default", (int)wrange, "range", "doc");
  for (i = 0; i < n && noun->kind_param(kind, i, &p) == SL_OK; i++) {
    format_value(p, p->default_value, def, sizeof def);
    format_range(p, range, sizeof range);
    printf("%-*s  %-4s  %-12s  %-*s  %s%s\n", (int)wname, p->name, type_name(p->type), def, (int)wrange, range,
           p->doc ? p->doc : "", p->flags & SL_PARAM_FIXED_AFTER_START ? " (fixed once data is seen)" : "");
  }
}

static void list_all(void) {
  size_t n, i;
  const cli_noun *nouns = cli_nouns(&n);
  printf("kinds (streamlearn params HANDLE.KIND shows a kind's parameters):\n");
  for (i = 0; i < n; i++) {
    const char *name;
    int k;
    printf("  %-7s", nouns[i].noun);
    for (k = 0; (name = nouns[i].kind_name(k)) != NULL; k++) printf(" %s", name);
    putchar('\n');
  }
}

int cli_params(int argc, char **argv) {
  const cli_noun *noun;
  int kind, rc;
  if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    puts("usage: streamlearn params [KIND]\n\n"
         "Lists the parameters of KIND (model.hoeffding_tree, drift.adwin, stream.sea,\n"
         "window.sliding, or a bare kind name when only one handle type has it): name,\n"
         "type, default, range or choices, and what it does. Without KIND, lists the kinds.");
    return CLI_OK;
  }
  if (argc > 2) {
    cli_error("params takes one KIND, got '%s' too", argv[2]);
    return CLI_USAGE;
  }
  if (argc < 2) {
    list_all();
    return CLI_OK;
  }
  if ((rc = cli_kind_resolve(argv[1], "kind", &noun, &kind)) != CLI_OK) return rc;
  show_kind(noun, kind);
  return CLI_OK;
}
