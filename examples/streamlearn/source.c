/* Where `eval` gets its rows: a built-in generator (sl_stream) or a numeric
 * CSV read by the library's reader (sl_csv) from a file or standard input. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define CLI_DEFAULT_EVENTS 100000

/* The CSV reader pulls bytes through here, so the tool knows how far it is. */
static long read_file(void *user, void *buf, size_t cap) {
  cli_source *s = (cli_source *)user;
  size_t n = fread(buf, 1, cap, s->file);
  if (n == 0 && ferror(s->file)) return -1;
  s->bytes_read += n;
  return (long)n;
}

/* Concept changes a generator is known to make: SEA's switches every
 * `switch_every` rows, a concept-drift stream's centre `position`. Event
 * numbers are 1-based: the first row of the new concept. */
static void known_changes(cli_source *s, int kind) {
  int64_t every;
  double position;
  if (sl_stream_get_int(s->stream, "switch_every", &every) == SL_OK && every > 0) {
    uint64_t at;
    for (at = (uint64_t)every + 1; at <= s->limit && s->n_changes < CLI_MAX_CHANGES; at += (uint64_t)every)
      s->changes[s->n_changes++] = at;
  }
  if (kind == SL_STREAM_CONCEPT_DRIFT && sl_stream_get_double(s->stream, "position", &position) == SL_OK &&
      position >= 1 && position <= (double)s->limit)
    s->changes[s->n_changes++] = (uint64_t)position;
}

static int open_generator(cli_source *s, const cli_eval_opts *o) {
  const cli_noun *noun = cli_noun_find("stream");
  sl_stream_info info;
  sl_status st;
  int kind, rc;
  if ((rc = cli_kind_lookup(noun, o->stream, &kind)) != CLI_OK) return rc;
  if ((st = sl_stream_new(&s->stream, (sl_stream_kind)kind, NULL)) != SL_OK) {
    cli_error("cannot create stream '%s': %s", o->stream, sl_strerror(st));
    return CLI_FAIL;
  }
  if ((rc = cli_sets_apply(o, noun, kind, s->stream, -1)) != CLI_OK) return rc;
  sl_stream_describe(s->stream, &info);
  s->n_features = info.n_features;
  s->n_classes = info.n_classes;
  s->limit = o->events ? o->events : CLI_DEFAULT_EVENTS;
  known_changes(s, kind);
  snprintf(s->desc, sizeof s->desc, "%s (generator)", o->stream);
  return CLI_OK;
}

/* Prints "no column NAME in PATH (columns: a, b, c)". */
static void no_column(const cli_source *s, const char *name) {
  size_t i, n = 0;
  const char *col;
  sl_csv_columns(s->csv, &n);
  fprintf(stderr, "streamlearn: no column '%s' in '%s' (columns:", name, s->path);
  for (i = 0; i < n && sl_csv_column_name(s->csv, i, &col) == SL_OK; i++) fprintf(stderr, "%s %s", i ? "," : "", col);
  fputs(")\n", stderr);
}

static int open_csv(cli_source *s, const cli_eval_opts *o) {
  struct stat sb;
  sl_status st;
  const char *target = NULL;
  size_t n_cols = 0;
  s->path = strcmp(o->csv, "-") == 0 ? "standard input" : o->csv;
  s->file = strcmp(o->csv, "-") == 0 ? stdin : fopen(o->csv, "rb");
  if (!s->file) {
    cli_error("cannot open '%s': %s", o->csv, strerror(errno));
    return CLI_FAIL;
  }
  if (fstat(fileno(s->file), &sb) == 0 && S_ISREG(sb.st_mode)) s->file_size = (uint64_t)sb.st_size;
  if ((st = sl_csv_open(&s->csv, read_file, s, NULL)) != SL_OK) {
    cli_error("'%s' is not a CSV with a header row: %s", s->path,
              st == SL_EIO ? strerror(errno) : sl_strerror(st));
    return CLI_FAIL;
  }
  if (o->target && sl_csv_set_target(s->csv, o->target) != SL_OK) {
    no_column(s, o->target);
    return CLI_USAGE;
  }
  sl_csv_columns(s->csv, &n_cols);
  if (!o->target) sl_csv_column_name(s->csv, n_cols - 1, &target);
  for (s->target_col = 0; s->target_col < n_cols; s->target_col++) {
    const char *col;
    if (sl_csv_column_name(s->csv, s->target_col, &col) == SL_OK && strcmp(col, o->target ? o->target : target) == 0)
      break;
  }
  s->n_features = sl_csv_n_features(s->csv);
  if (s->n_features == 0) {
    cli_error("'%s' has no feature column besides the target", s->path);
    return CLI_FAIL;
  }
  s->limit = o->events;
  s->skip_bad_rows = o->skip_bad_rows;
  snprintf(s->desc, sizeof s->desc, "%s (target %s)", s->path, o->target ? o->target : target);
  return CLI_OK;
}

int cli_source_open(cli_source *s, const cli_eval_opts *o) {
  memset(s, 0, sizeof *s);
  return o->csv ? open_csv(s, o) : open_generator(s, o);
}

/* Reads up to `rows` CSV rows, skipping or refusing bad ones. */
static int next_csv(cli_source *s, double *X, double *y, size_t rows, size_t *got) {
  *got = 0;
  while (*got < rows) {
    size_t n = 0;
    sl_status st = sl_csv_next(s->csv, X + *got * s->n_features, s->n_features, y + *got, rows - *got, &n);
    *got += n;
    if (st == SL_OK) {
      if (*got < rows) break; /* end of input */
      continue;
    }
    if (st == SL_EIO) {
      cli_error("cannot read '%s': %s", s->path, strerror(errno));
      return CLI_FAIL;
    }
    if (!s->skip_bad_rows) {
      cli_error("%s: malformed row, %s (%s; --skip-bad-rows skips such rows)", s->path, sl_csv_last_error(s->csv),
                sl_strerror(st));
      return CLI_FAIL;
    }
    s->bad_rows++;
  }
  return CLI_OK;
}

int cli_source_next(cli_source *s, double *X, double *y, size_t rows, size_t *got) {
  int rc = CLI_OK;
  if (s->limit && rows > s->limit - s->rows) rows = (size_t)(s->limit - s->rows);
  *got = 0;
  if (rows == 0) return CLI_OK;
  if (s->csv) rc = next_csv(s, X, y, rows, got);
  else if (sl_stream_next(s->stream, X, s->n_features, y, rows) == SL_OK) *got = rows;
  else {
    cli_error("stream: %s", sl_stream_last_error(s->stream));
    rc = CLI_FAIL;
  }
  s->rows += *got;
  return rc;
}

/* CSV: the name of raw field `i` (the columns but the target, in order). */
static const char *csv_field(const cli_source *s, size_t i) {
  const char *name = "";
  sl_csv_column_name(s->csv, i < s->target_col ? i : i + 1, &name);
  return name;
}

void cli_source_field_name(FILE *f, const cli_source *s, size_t i) {
  if (s->csv) fputs(csv_field(s, i), f);
  else fprintf(f, "x%zu", i);
}

int cli_source_field(const cli_source *s, const char *name, const char *what, size_t *index) {
  uint64_t v;
  size_t i;
  if (s->csv) {
    for (i = 0; i < s->n_features; i++)
      if (strcmp(csv_field(s, i), name) == 0) {
        *index = i;
        return CLI_OK;
      }
    fprintf(stderr, "streamlearn: %s: no field '%s' in '%s' (fields:", what, name, s->path);
    for (i = 0; i < s->n_features; i++) fprintf(stderr, "%s %s", i ? "," : "", csv_field(s, i));
    fputs("; the target is not one)\n", stderr);
    return CLI_USAGE;
  }
  if (name[0] == 'x' && cli_parse_u64(name + 1, &v) == 0 && v < s->n_features) {
    *index = (size_t)v;
    return CLI_OK;
  }
  cli_error("%s: no field '%s' in %s (fields: x0 .. x%zu)", what, name, s->desc, s->n_features - 1);
  return CLI_USAGE;
}

double cli_source_progress(const cli_source *s) {
  if (s->limit) return (double)s->rows / (double)s->limit;
  if (s->file_size) return (double)s->bytes_read / (double)s->file_size;
  return -1.0;
}

void cli_source_close(cli_source *s) {
  sl_stream_free(s->stream);
  sl_csv_free(s->csv);
  if (s->file && s->file != stdin) fclose(s->file);
  memset(s, 0, sizeof *s);
}
