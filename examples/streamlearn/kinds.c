/* The handle types the tool knows, seen through the library's kind tables
 * (sl_X_kind_name / kind_from_name / kind_param), so the tool holds no copy
 * of any kind or parameter list. */
#include <string.h>

#include "cli.h"

/* set_str / last_error of handle type sl_<noun> behind void pointers. */
#define CLI_NOUN(noun)                                                                               \
  static sl_status noun##_set_str(void *h, const char *name, const char *value) {                   \
    return sl_##noun##_set_str((sl_##noun *)h, name, value);                                         \
  }                                                                                                  \
  static const char *noun##_last_error(const void *h) { return sl_##noun##_last_error((const sl_##noun *)h); }
#define CLI_NOUN_ROW(noun)                                                                           \
  { #noun, sl_##noun##_kind_name, sl_##noun##_kind_from_name, sl_##noun##_kind_param, noun##_set_str, \
    noun##_last_error }

CLI_NOUN(model)
CLI_NOUN(drift)
CLI_NOUN(stream)
#ifndef CLI_NO_WINDOW
CLI_NOUN(window)
#endif
#ifndef CLI_NO_REPLAY
CLI_NOUN(replay)
#endif
#ifndef CLI_NO_PIPELINE
CLI_NOUN(pipeline)
#endif

static const cli_noun nouns[] = {
    CLI_NOUN_ROW(model),
    CLI_NOUN_ROW(drift),
    CLI_NOUN_ROW(stream),
#ifndef CLI_NO_WINDOW
    CLI_NOUN_ROW(window),
#endif
#ifndef CLI_NO_REPLAY
    CLI_NOUN_ROW(replay),
#endif
#ifndef CLI_NO_PIPELINE
    CLI_NOUN_ROW(pipeline),
#endif
};

#define N_NOUNS (sizeof nouns / sizeof nouns[0])

const cli_noun *cli_nouns(size_t *n) {
  *n = N_NOUNS;
  return nouns;
}

const cli_noun *cli_noun_find(const char *noun) {
  size_t i;
  for (i = 0; i < N_NOUNS; i++)
    if (strcmp(nouns[i].noun, noun) == 0) return &nouns[i];
  return NULL;
}

/* Prints the kinds of `noun` as "a, b, c" on stderr. */
static void list_kinds(const cli_noun *noun) {
  int k;
  const char *name;
  for (k = 0; (name = noun->kind_name(k)) != NULL; k++) fprintf(stderr, "%s%s", k ? ", " : "", name);
}

int cli_kind_lookup(const cli_noun *noun, const char *name, int *kind) {
  if (noun->kind_from_name(name, kind) == SL_OK) return CLI_OK;
  fprintf(stderr, "streamlearn: unknown %s kind '%s' (%s kinds: ", noun->noun, name, noun->noun);
  list_kinds(noun);
  fputs(")\n", stderr);
  return CLI_USAGE;
}

int cli_kind_resolve(const char *spec, const char *what, const cli_noun **noun, int *kind) {
  const char *dot = strchr(spec, '.');
  size_t i, found = 0;
  if (dot) {
    char head[16];
    size_t len = (size_t)(dot - spec);
    *noun = NULL;
    if (len < sizeof head) {
      memcpy(head, spec, len);
      head[len] = '\0';
      *noun = cli_noun_find(head);
    }
    if (!*noun) {
      fprintf(stderr, "streamlearn: %s '%s': unknown handle type '%.*s' (one of", what, spec, (int)len, spec);
      for (i = 0; i < N_NOUNS; i++) fprintf(stderr, " %s", nouns[i].noun);
      fputs(")\n", stderr);
      return CLI_USAGE;
    }
    return cli_kind_lookup(*noun, dot + 1, kind);
  }
  for (i = 0; i < N_NOUNS; i++) {
    int k;
    if (nouns[i].kind_from_name(spec, &k) != SL_OK) continue;
    if (found++) {
      cli_error("%s '%s' is ambiguous: say %s.%s or %s.%s", what, spec, (*noun)->noun, spec, nouns[i].noun, spec);
      return CLI_USAGE;
    }
    *noun = &nouns[i];
    *kind = k;
  }
  if (found) return CLI_OK;
  cli_error("%s '%s': no such kind (try `streamlearn params` for the list)", what, spec);
  return CLI_USAGE;
}

const sl_param_info *cli_param_find(const cli_noun *noun, int kind, const char *name) {
  const sl_param_info *p;
  size_t i;
  for (i = 0; noun->kind_param(kind, i, &p) == SL_OK; i++)
    if (strcmp(p->name, name) == 0) return p;
  return NULL;
}
