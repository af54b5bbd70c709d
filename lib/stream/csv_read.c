/* The CSV reader (see stream.h): one buffer of SL_CSV_MAX_RECORD bytes
 * refilled in chunks; records are cut at newlines outside quotes, then
 * split into fields and parsed in place. */
#include "csv_impl.h"

#ifndef SL_NO_STDIO
#include <stdio.h>

#define CSV_ERR 160

struct sl_csv {
  sl__mem mem;
  sl_csv_read_fn read;
  void *user;
  FILE *file;            /* sl_csv_open_path's file */
  const char *src;       /* sl_csv_open_mem's bytes */
  size_t src_left;
  char *buf;             /* SL_CSV_MAX_RECORD bytes (+1 spare); data in [start, end) */
  size_t start, end, scan;
  int in_quote;          /* the scan is inside a quoted field */
  int eof, io_error;
  int skipping;          /* dropping the rest of a record that did not fit */
  uint64_t line;         /* physical lines consumed */
  uint64_t err_line;
  size_t n_cols, target; /* target == n_cols: none */
  char **names;
  char *name_text;
  size_t name_len;
  int started;
  char point; /* the locale's decimal point, for strtod */
  char err[CSV_ERR];
};

/* ---- errors ------------------------------------------------------------------ */

static void err_append(char *dst, size_t *n, const char *s) {
  while (*s && *n + 1 < CSV_ERR) dst[(*n)++] = *s++;
  dst[*n] = '\0';
}

static void err_number(char *dst, size_t *n, uint64_t v) {
  char tmp[24];
  int k = 0;
  do tmp[k++] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  while (k && *n + 1 < CSV_ERR) dst[(*n)++] = tmp[--k];
  dst[*n] = '\0';
}

/* Records "line L[, field F]: what" for a bad row and returns `st`. */
static sl_status csv_fail(sl_csv *c, sl_status st, uint64_t line, size_t field, const char *what) {
  size_t n = 0;
  c->err_line = line;
  err_append(c->err, &n, "line ");
  err_number(c->err, &n, line);
  if (field) {
    err_append(c->err, &n, ", field ");
    err_number(c->err, &n, field);
  }
  err_append(c->err, &n, ": ");
  err_append(c->err, &n, what);
  return st;
}

/* ---- input ------------------------------------------------------------------- */

static long read_mem(void *user, void *buf, size_t cap) {
  sl_csv *c = (sl_csv *)user;
  size_t n = c->src_left < cap ? c->src_left : cap;
  if (!n) return 0; /* src may be NULL (sl_csv_open_mem with len 0) */
  SL__MEMCPY(buf, c->src, n);
  c->src += n;
  c->src_left -= n;
  return (long)n;
}

static long read_file(void *user, void *buf, size_t cap) {
  sl_csv *c = (sl_csv *)user;
  size_t n = fread(buf, 1, cap, c->file);
  return n == 0 && ferror(c->file) ? -1 : (long)n;
}

/* Moves pending bytes to the front and reads more. SL_OK (maybe at eof),
 * SL_EIO. */
static sl_status fill(sl_csv *c) {
  long n;
  if (c->start) {
    SL__MEMMOVE(c->buf, c->buf + c->start, c->end - c->start);
    c->end -= c->start;
    c->scan -= c->start;
    c->start = 0;
  }
  n = c->read(c->user, c->buf + c->end, SL_CSV_MAX_RECORD - c->end);
  if (n < 0 || (size_t)n > SL_CSV_MAX_RECORD - c->end) {
    c->io_error = 1;
    return csv_fail(c, SL_EIO, c->line + 1, 0, "the read callback failed");
  }
  if (n == 0) c->eof = 1;
  c->end += (size_t)n;
  return SL_OK;
}

/* Drops input up to and including the next newline (the tail of a record
 * too long for the buffer). */
static sl_status skip_line(sl_csv *c) {
  sl_status st;
  while (c->skipping) {
    size_t i = c->start;
    while (i < c->end && c->buf[i] != '\n') i++;
    if (i < c->end) {
      c->start = i + 1;
      c->skipping = 0;
    } else {
      c->start = c->scan = c->end = 0;
      if (c->eof) c->skipping = 0;
      else if ((st = fill(c)) != SL_OK) return st;
    }
  }
  c->scan = c->start;
  c->in_quote = 0;
  return SL_OK;
}

/* The next record in [*b, *e), without its line end; *line is its first
 * line. SL_OK, SL_ENOTFOUND at the end of input, SL_EFULL, SL_ECORRUPT
 * (unterminated quote at the end), SL_EIO. */
static sl_status next_record(sl_csv *c, char **b, char **e, uint64_t *line) {
  sl_status st;
  uint64_t inner = 0;
  if (c->io_error) return SL_EIO;
  if ((st = skip_line(c)) != SL_OK) return st;
  for (;;) {
    char *p = c->buf + c->scan, *end = c->buf + c->end;
    for (; p < end; p++) {
      if (*p == '"') c->in_quote = !c->in_quote;
      else if (*p == '\n') {
        if (!c->in_quote) break;
        inner++;
      }
    }
    if (p < end || (c->eof && c->start < c->end)) {
      *b = c->buf + c->start;
      *e = p;
      *line = c->line + 1;
      c->line += 1 + inner;
      c->start = c->scan = p < end ? (size_t)(p - c->buf) + 1 : c->end;
      if (*e > *b && (*e)[-1] == '\r') (*e)--;
      if (c->in_quote) {
        c->in_quote = 0;
        return csv_fail(c, SL_ECORRUPT, *line, 0, "quote not closed at the end of input");
      }
      return SL_OK;
    }
    if (c->eof) return SL_ENOTFOUND;
    c->scan = c->end;
    if (c->start == 0 && c->end == SL_CSV_MAX_RECORD) {
      c->skipping = 1;
      *line = c->line + 1;
      c->line += 1 + inner;
      c->start = c->end;
      if ((st = skip_line(c)) != SL_OK) return st;
      return csv_fail(c, SL_EFULL, *line, 0, "record longer than SL_CSV_MAX_RECORD bytes");
    }
    if ((st = fill(c)) != SL_OK) return st;
  }
}

static int is_space(char ch) { return ch == ' ' || ch == '\t'; }

static int is_blank(const char *b, const char *e) {
  for (; b < e; b++)
    if (!is_space(*b)) return 0;
  return 1;
}

/* Cuts the field starting at *p (record end `e`) into [*fb, *fe), trimmed,
 * quotes removed (escaped quotes stay doubled: `*escaped` tells); moves *p
 * past the delimiter. Returns 0, or -1 for text after a closing quote. */
static int cut_field(char **p, char *e, char **fb, char **fe, int *escaped) {
  char *q = *p;
  int bad = 0;
  *escaped = 0;
  while (q < e && is_space(*q)) q++;
  if (q < e && *q == '"') {
    *fb = ++q;
    for (;;) {
      while (q < e && *q != '"') q++;
      if (q + 1 < e && q[1] == '"') {
        *escaped = 1;
        q += 2;
        continue;
      }
      break;
    }
    *fe = q;
    if (q < e) q++;
    while (q < e && is_space(*q)) q++;
    bad = q < e && *q != ',';
    while (q < e && *q != ',') q++;
  } else {
    *fb = q;
    while (q < e && *q != ',') q++;
    *fe = q;
    while (*fe > *fb && is_space((*fe)[-1])) (*fe)--;
  }
  *p = q + 1; /* past the delimiter, or past the end: the buffer has a spare byte */
  return bad ? -1 : 0;
}

static int is_missing(const char *b, const char *e) {
  size_t n = (size_t)(e - b);
  return n == 0 || (n == 2 && b[0] == 'N' && b[1] == 'A') || (n == 1 && b[0] == '?');
}

/* Parses one data record into x / y. */
static sl_status parse_row(sl_csv *c, char *b, char *e, uint64_t line, double *x, double *y) {
  char *p = b, *fb, *fe;
  size_t j = 0, k = 0, bad_field = 0;
  sl_status bad = SL_OK;
  const char *why = "";
  while (p <= e) {
    int escaped;
    double v = 0.0;
    sl_status st = SL_OK;
    if (cut_field(&p, e, &fb, &fe, &escaped) != 0) st = SL_ECORRUPT;
    if (j >= c->n_cols) return csv_fail(c, SL_EDIM, line, j + 1, "more fields than the header");
    while (st == SL_OK && fb < fe && is_space(*fb)) fb++;
    while (st == SL_OK && fe > fb && is_space(fe[-1])) fe--;
    if (st == SL_OK) st = is_missing(fb, fe) ? SL_ENOTFOUND : escaped ? SL_ECORRUPT : sl__csv_parse(fb, fe, c->point, &v);
    if (st != SL_OK && bad == SL_OK) {
      bad = st;
      bad_field = j + 1;
      why = st == SL_ENOTFOUND ? "missing value" : st == SL_ENONFINITE ? "not a finite number" : "not a number";
    }
    if (j == c->target) *y = v;
    else x[k++] = v;
    j++;
  }
  if (j != c->n_cols) return csv_fail(c, SL_EDIM, line, 0, "fewer fields than the header");
  return bad == SL_OK ? SL_OK : csv_fail(c, bad, line, bad_field, why);
}

/* ---- open / close ------------------------------------------------------------ */

/* Reads the header: the first non-empty record, fields unquoted. */
static sl_status read_header(sl_csv *c) {
  char *b, *e, *p, *fb, *fe, *out;
  uint64_t line;
  size_t j;
  sl_status st;
  do {
    st = next_record(c, &b, &e, &line);
    if (st == SL_ENOTFOUND) return csv_fail(c, SL_ECORRUPT, c->line, 0, "no header row");
    if (st != SL_OK) return st;
    if (line == 1 && e - b >= 3 && (unsigned char)b[0] == 0xEF && (unsigned char)b[1] == 0xBB &&
        (unsigned char)b[2] == 0xBF)
      b += 3; /* UTF-8 byte-order mark */
  } while (is_blank(b, e));
  for (c->n_cols = 0, p = b; p <= e; c->n_cols++) {
    int escaped;
    cut_field(&p, e, &fb, &fe, &escaped);
  }
  c->name_len = (size_t)(e - b) + 1;
  c->names = (char **)sl__alloc_array(&c->mem, c->n_cols, sizeof(char *));
  c->name_text = (char *)sl__alloc(&c->mem, c->name_len);
  if (!c->names || !c->name_text) return SL_ENOMEM;
  for (j = 0, p = b, out = c->name_text; p <= e; j++) {
    int escaped;
    if (cut_field(&p, e, &fb, &fe, &escaped) != 0)
      return csv_fail(c, SL_ECORRUPT, line, j + 1, "text after a closing quote");
    c->names[j] = out;
    for (; fb < fe; fb++) {
      *out++ = *fb;
      if (*fb == '"' && escaped) fb++; /* "" is one quote */
    }
    *out++ = '\0';
  }
  c->target = c->n_cols - 1;
  return SL_OK;
}

static void csv_release(sl_csv *c) {
  sl__mem mem = c->mem;
  if (c->file) fclose(c->file);
  sl__free(&mem, c->buf, SL_CSV_MAX_RECORD + 1);
  sl__free(&mem, c->names, c->n_cols * sizeof(char *));
  sl__free(&mem, c->name_text, c->name_len);
  sl__free(&mem, c, sizeof *c);
}

/* Allocates the reader around a source, then reads the header. */
static sl_status csv_start(sl_csv **out, sl_csv_read_fn read, void *user, const char *src, size_t len, FILE *file,
                           const sl_allocator *a) {
  sl__mem mem;
  sl_csv *c;
  sl_status st;
  *out = NULL;
  if ((st = sl__mem_init(&mem, a)) != SL_OK) {
    if (file) fclose(file);
    return st;
  }
  if (!(c = (sl_csv *)sl__alloc(&mem, sizeof *c))) {
    if (file) fclose(file);
    return SL_ENOMEM;
  }
  c->mem = mem;
  c->file = file;
  c->src = src;
  c->src_left = len;
  c->read = read ? read : file ? read_file : read_mem;
  c->user = read ? user : c;
  c->point = sl__csv_locale_point();
  if (!(c->buf = (char *)sl__alloc(&c->mem, SL_CSV_MAX_RECORD + 1))) st = SL_ENOMEM;
  else st = read_header(c);
  if (st != SL_OK) {
    csv_release(c);
    return st;
  }
  c->err[0] = '\0';
  c->err_line = 0;
  *out = c;
  return SL_OK;
}

SL_API sl_status sl_csv_open(sl_csv **out, sl_csv_read_fn read, void *user, const sl_allocator *a) {
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (!read) return SL_EINVAL;
  return csv_start(out, read, user, NULL, 0, NULL, a);
}

SL_API sl_status sl_csv_open_mem(sl_csv **out, const void *data, size_t len, const sl_allocator *a) {
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (!data && len) return SL_EINVAL;
  return csv_start(out, NULL, NULL, (const char *)data, len, NULL, a);
}

SL_API sl_status sl_csv_open_path(sl_csv **out, const char *path, const sl_allocator *a) {
  FILE *f;
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (!path) return SL_EINVAL;
  if (!(f = fopen(path, "rb"))) return SL_EIO;
  return csv_start(out, NULL, NULL, NULL, 0, f, a);
}

SL_API void sl_csv_free(sl_csv *c) {
  if (c) csv_release(c);
}

/* ---- columns and rows -------------------------------------------------------- */

SL_API sl_status sl_csv_columns(const sl_csv *c, size_t *n) {
  if (!c || !n) return SL_EINVAL;
  *n = c->n_cols;
  return SL_OK;
}

SL_API sl_status sl_csv_column_name(const sl_csv *c, size_t i, const char **name) {
  if (!c || !name) return SL_EINVAL;
  if (i >= c->n_cols) return SL_ENOTFOUND;
  *name = c->names[i];
  return SL_OK;
}

SL_API sl_status sl_csv_set_target_index(sl_csv *c, size_t i) {
  if (!c) return SL_EINVAL;
  if (c->started) return SL_ESTATE;
  if (i >= c->n_cols) return SL_ENOTFOUND;
  c->target = i;
  return SL_OK;
}

SL_API sl_status sl_csv_set_target(sl_csv *c, const char *name) {
  size_t i;
  if (!c) return SL_EINVAL;
  if (c->started) return SL_ESTATE;
  if (!name) {
    c->target = c->n_cols;
    return SL_OK;
  }
  for (i = 0; i < c->n_cols; i++)
    if (SL__STRCMP(c->names[i], name) == 0) return sl_csv_set_target_index(c, i);
  return SL_ENOTFOUND;
}

SL_API size_t sl_csv_n_features(const sl_csv *c) {
  return c ? c->n_cols - (c->target < c->n_cols) : 0;
}

SL_API sl_status sl_csv_next(sl_csv *c, double *X, size_t n_features, double *y, size_t rows, size_t *got) {
  size_t nf;
  double drop;
  if (!c) return SL_EINVAL;
  c->err[0] = '\0';
  if (!got || (!X && rows)) return SL_EINVAL;
  *got = 0;
  nf = sl_csv_n_features(c);
  if (n_features != nf) return SL_EDIM;
  c->started = 1;
  while (*got < rows) {
    char *b, *e;
    uint64_t line;
    sl_status st = next_record(c, &b, &e, &line);
    if (st == SL_ENOTFOUND) return SL_OK;
    if (st != SL_OK) return st;
    if (is_blank(b, e)) continue;
    if ((st = parse_row(c, b, e, line, X + *got * nf, y && c->target < c->n_cols ? y + *got : &drop)) != SL_OK)
      return st;
    (*got)++;
  }
  return SL_OK;
}

SL_API uint64_t sl_csv_error_line(const sl_csv *c) { return c ? c->err_line : 0; }

SL_API const char *sl_csv_last_error(const sl_csv *c) { return c ? c->err : ""; }

#else

SL_API sl_status sl_csv_open(sl_csv **out, sl_csv_read_fn read, void *user, const sl_allocator *a) {
  (void)read, (void)user, (void)a;
  if (out) *out = NULL;
  return SL_ENOTSUP;
}
SL_API sl_status sl_csv_open_mem(sl_csv **out, const void *data, size_t len, const sl_allocator *a) {
  (void)data, (void)len, (void)a;
  if (out) *out = NULL;
  return SL_ENOTSUP;
}
SL_API sl_status sl_csv_open_path(sl_csv **out, const char *path, const sl_allocator *a) {
  (void)path, (void)a;
  if (out) *out = NULL;
  return SL_ENOTSUP;
}
SL_API void sl_csv_free(sl_csv *c) { (void)c; }
SL_API sl_status sl_csv_columns(const sl_csv *c, size_t *n) { (void)c, (void)n; return SL_ENOTSUP; }
SL_API sl_status sl_csv_column_name(const sl_csv *c, size_t i, const char **name) {
  (void)c, (void)i, (void)name;
  return SL_ENOTSUP;
}
SL_API sl_status sl_csv_set_target(sl_csv *c, const char *name) { (void)c, (void)name; return SL_ENOTSUP; }
SL_API sl_status sl_csv_set_target_index(sl_csv *c, size_t i) { (void)c, (void)i; return SL_ENOTSUP; }
SL_API size_t sl_csv_n_features(const sl_csv *c) { (void)c; return 0; }
SL_API sl_status sl_csv_next(sl_csv *c, double *X, size_t n_features, double *y, size_t rows, size_t *got) {
  (void)c, (void)X, (void)n_features, (void)y, (void)rows;
  if (got) *got = 0;
  return SL_ENOTSUP;
}
SL_API uint64_t sl_csv_error_line(const sl_csv *c) { (void)c; return 0; }
SL_API const char *sl_csv_last_error(const sl_csv *c) { (void)c; return ""; }

#endif
