/* CSV: a generator's rows written and read back bit for bit, and the reader
 * on malformed input (statuses, line numbers, going on after a bad row),
 * chunk boundaries, quotes, CRLF, empty lines, missing values. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"
#include "support/testalloc.h"

typedef struct membuf {
  char *p;
  size_t n, cap;
} membuf;

static int mem_write(void *user, const void *buf, size_t len) {
  membuf *m = (membuf *)user;
  if (m->n + len > m->cap) {
    m->cap = (m->n + len) * 2;
    m->p = realloc(m->p, m->cap);
  }
  memcpy(m->p + m->n, buf, len);
  m->n += len;
  return 0;
}

static int fail_write(void *user, const void *buf, size_t len) {
  (void)user, (void)buf, (void)len;
  return 1;
}

/* A read callback handing out `step` bytes at a time (chunk boundaries
 * everywhere), failing after `fail_after` bytes when that is >= 0. */
typedef struct dribble {
  const char *p;
  size_t left, step;
  long fail_after;
} dribble;

static long dribble_read(void *user, void *buf, size_t cap) {
  dribble *d = (dribble *)user;
  size_t n = d->step < cap ? d->step : cap;
  if (d->fail_after >= 0 && (long)d->left <= d->fail_after) return -1;
  if (n > d->left) n = d->left;
  memcpy(buf, d->p, n);
  d->p += n;
  d->left -= n;
  return (long)n;
}

static sl_csv *open_text(const char *text) {
  sl_csv *c = NULL;
  sl_status st = sl_csv_open_mem(&c, text, strlen(text), NULL);
  cr_assert_eq(st, SL_OK, "open: %s", sl_status_name(st));
  return c;
}

/* ---- round trip ---------------------------------------------------------------- */

static void round_trip(sl_stream_kind kind, size_t rows, size_t step) {
  sl_stream *s = NULL;
  sl_stream_info info;
  membuf m = {0};
  sl_csv *c = NULL;
  dribble d;
  double *X, *y, *X2, *y2;
  size_t got, nf, total = 0;
  cr_assert_eq(sl_stream_new(&s, kind, NULL), SL_OK);
  cr_assert_eq(sl_stream_describe(s, &info), SL_OK);
  nf = info.n_features;
  cr_assert_eq(sl_stream_write_csv(s, rows, mem_write, &m), SL_OK);
  X = malloc(rows * nf * sizeof *X), y = malloc(rows * sizeof *y);
  X2 = malloc(rows * nf * sizeof *X), y2 = malloc(rows * sizeof *y);
  cr_assert_eq(sl_stream_reset(s), SL_OK);
  cr_assert_eq(sl_stream_next(s, X, nf, y, rows), SL_OK);
  d.p = m.p, d.left = m.n, d.step = step, d.fail_after = -1;
  cr_assert_eq(sl_csv_open(&c, dribble_read, &d, NULL), SL_OK);
  cr_assert_eq(sl_csv_n_features(c), nf, "the last column, y, is the target");
  /* read in uneven batches */
  while (total < rows) {
    size_t want = (total % 7) + 1;
    if (want > rows - total) want = rows - total;
    cr_assert_eq(sl_csv_next(c, X2 + total * nf, nf, y2 + total, want, &got), SL_OK, "%s", sl_csv_last_error(c));
    cr_assert_eq(got, want);
    total += got;
  }
  cr_assert_eq(sl_csv_next(c, X2, nf, y2, 1, &got), SL_OK);
  cr_assert_eq(got, 0, "end of input");
  cr_assert(memcmp(X, X2, rows * nf * sizeof *X) == 0 && memcmp(y, y2, rows * sizeof *y) == 0,
            "kind %d: values did not read back exactly", kind);
  sl_csv_free(c);
  free(X), free(y), free(X2), free(y2), free(m.p);
  sl_stream_free(s);
}

Test(csv, every_generator_round_trips_exactly) {
  int k;
  for (k = 0; k <= SL_STREAM_CONCEPT_DRIFT; k++) round_trip((sl_stream_kind)k, 600, 65536);
}

Test(csv, round_trip_through_one_byte_chunks) { round_trip(SL_STREAM_FRIEDMAN, 200, 1); }

Test(csv, header_names_and_writer_errors) {
  sl_stream *s = NULL;
  membuf m = {0};
  sl_csv *c;
  const char *name;
  size_t n;
  cr_assert_eq(sl_stream_new(&s, SL_STREAM_AGRAWAL, NULL), SL_OK);
  cr_assert_eq(sl_stream_write_csv(s, 2, mem_write, &m), SL_OK);
  {
    const char *hdr = "salary,commission,age,elevel,car,zipcode,hvalue,hyears,loan,y\n";
    cr_assert(m.n > strlen(hdr) && memcmp(m.p, hdr, strlen(hdr)) == 0, "%.70s", m.p);
  }
  c = NULL;
  cr_assert_eq(sl_csv_open_mem(&c, m.p, m.n, NULL), SL_OK);
  cr_assert_eq(sl_csv_columns(c, &n), SL_OK);
  cr_assert_eq(n, 10);
  cr_assert_eq(sl_csv_column_name(c, 2, &name), SL_OK);
  cr_assert_str_eq(name, "age");
  cr_assert_eq(sl_csv_column_name(c, 10, &name), SL_ENOTFOUND);
  sl_csv_free(c);
  cr_assert_eq(sl_stream_write_csv(s, 2, fail_write, NULL), SL_EIO);
  cr_assert_eq(sl_stream_write_csv(s, 2, NULL, NULL), SL_EINVAL);
  cr_assert_eq(sl_stream_write_csv(NULL, 2, mem_write, &m), SL_EINVAL);
  free(m.p);
  sl_stream_free(s);
}

/* ---- reader features ------------------------------------------------------------ */

Test(csv, target_by_name_index_or_none) {
  const char *text = "a,b,label,c\n1,2,3,4\n";
  double x[4], y = -1;
  size_t got;
  sl_csv *c = open_text(text);
  cr_assert_eq(sl_csv_set_target(c, "nope"), SL_ENOTFOUND);
  cr_assert_eq(sl_csv_set_target(c, "label"), SL_OK);
  cr_assert_eq(sl_csv_n_features(c), 3);
  cr_assert_eq(sl_csv_next(c, x, 3, &y, 1, &got), SL_OK);
  cr_assert(got == 1 && x[0] == 1 && x[1] == 2 && x[2] == 4 && y == 3);
  cr_assert_eq(sl_csv_set_target_index(c, 0), SL_ESTATE, "rows were read");
  sl_csv_free(c);
  c = open_text(text);
  cr_assert_eq(sl_csv_set_target_index(c, 4), SL_ENOTFOUND);
  cr_assert_eq(sl_csv_set_target_index(c, 0), SL_OK);
  cr_assert_eq(sl_csv_next(c, x, 2, &y, 1, &got), SL_EDIM);
  cr_assert_eq(sl_csv_next(c, x, 3, &y, 1, &got), SL_OK);
  cr_assert(x[0] == 2 && x[1] == 3 && x[2] == 4 && y == 1);
  sl_csv_free(c);
  c = open_text(text);
  cr_assert_eq(sl_csv_set_target(c, NULL), SL_OK);
  cr_assert_eq(sl_csv_n_features(c), 4);
  y = -1;
  cr_assert_eq(sl_csv_next(c, x, 4, &y, 1, &got), SL_OK);
  cr_assert(got == 1 && x[3] == 4 && y == -1, "no target: y untouched");
  sl_csv_free(c);
}

Test(csv, quotes_crlf_empty_lines_bom_and_spaces) {
  const char *text = "\xEF\xBB\xBF\"a,1\", \"say \"\"hi\"\"\" ,y\r\n"
                     "\r\n"
                     "\"1.5\", 2 ,3\r\n"
                     "   \n"
                     "\n"
                     " -4e2 ,\" 5 \",6"; /* no final newline */
  double x[2], y;
  size_t got;
  const char *name;
  sl_csv *c = open_text(text);
  cr_assert_eq(sl_csv_column_name(c, 0, &name), SL_OK);
  cr_assert_str_eq(name, "a,1");
  cr_assert_eq(sl_csv_column_name(c, 1, &name), SL_OK);
  cr_assert_str_eq(name, "say \"hi\"");
  cr_assert_eq(sl_csv_next(c, x, 2, &y, 1, &got), SL_OK);
  cr_assert(got == 1 && x[0] == 1.5 && x[1] == 2 && y == 3);
  cr_assert_eq(sl_csv_next(c, x, 2, &y, 5, &got), SL_OK);
  cr_assert(got == 1 && x[0] == -400 && x[1] == 5 && y == 6, "got %zu: %g %g %g", got, x[0], x[1], y);
  sl_csv_free(c);
}

Test(csv, bad_rows_report_status_and_line_and_reading_goes_on) {
  const char *text = "a,b,y\n"       /* line 1 */
                     "1,2,3\n"       /* 2 ok */
                     "1,2\n"         /* 3 EDIM */
                     "1,2,3,4\n"     /* 4 EDIM */
                     "1,,3\n"        /* 5 missing */
                     "NA,2,3\n"      /* 6 missing */
                     "1,?,3\n"       /* 7 missing */
                     "1,nan,3\n"     /* 8 non-finite */
                     "1,2,-inf\n"    /* 9 non-finite */
                     "1,1e999,3\n"   /* 10 non-finite */
                     "1,abc,3\n"     /* 11 corrupt */
                     "1,2x,3\n"      /* 12 corrupt */
                     "1,\"2\"x,3\n"  /* 13 text after quote */
                     "1,0x10,3\n"    /* 14 corrupt (no hex) */
                     "1,1.2.3,3\n"   /* 15 corrupt */
                     "\n"            /* 16 empty */
                     "7,8,9\n"       /* 17 ok */
                     "1,\"2,3\n";    /* 18 unterminated quote */
  static const struct {
    sl_status st;
    uint64_t line;
  } want[] = {{SL_EDIM, 3},       {SL_EDIM, 4},       {SL_ENOTFOUND, 5},  {SL_ENOTFOUND, 6},
              {SL_ENOTFOUND, 7},  {SL_ENONFINITE, 8}, {SL_ENONFINITE, 9}, {SL_ENONFINITE, 10},
              {SL_ECORRUPT, 11},  {SL_ECORRUPT, 12},  {SL_ECORRUPT, 13},  {SL_ECORRUPT, 14},
              {SL_ECORRUPT, 15}};
  double x[2 * 4], y[4];
  size_t got, i;
  sl_csv *c = open_text(text);
  cr_assert_eq(sl_csv_next(c, x, 2, y, 4, &got), SL_EDIM);
  cr_assert_eq(got, 1, "the good row before the bad one is stored");
  cr_assert(x[0] == 1 && x[1] == 2 && y[0] == 3);
  cr_assert_eq(sl_csv_error_line(c), 3);
  cr_assert_neq(strstr(sl_csv_last_error(c), "line 3"), NULL);
  for (i = 1; i < sizeof want / sizeof want[0]; i++) {
    sl_status st = sl_csv_next(c, x, 2, y, 1, &got);
    cr_assert_eq(st, want[i].st, "case %zu: %s (%s)", i, sl_status_name(st), sl_csv_last_error(c));
    cr_assert_eq(sl_csv_error_line(c), want[i].line, "case %zu: line %llu", i,
                 (unsigned long long)sl_csv_error_line(c));
    cr_assert_eq(got, 0);
  }
  cr_assert_eq(sl_csv_next(c, x, 2, y, 4, &got), SL_ECORRUPT);
  cr_assert_eq(got, 1);
  cr_assert(x[0] == 7 && x[1] == 8 && y[0] == 9);
  cr_assert_eq(sl_csv_error_line(c), 18);
  cr_assert_eq(sl_csv_next(c, x, 2, y, 4, &got), SL_OK);
  cr_assert_eq(got, 0, "then the end");
  sl_csv_free(c);
}

Test(csv, long_records_are_skipped_with_efull) {
  size_t big = SL_CSV_MAX_RECORD + 100, i, got;
  char *text = malloc(big + 64), *p = text;
  double x, y;
  sl_csv *c = NULL;
  p += sprintf(p, "x,y\n1,2\n");
  for (i = 0; i < big; i++) *p++ = '1';
  p += sprintf(p, ",2\n3,4\n");
  cr_assert_eq(sl_csv_open_mem(&c, text, (size_t)(p - text), NULL), SL_OK);
  cr_assert_eq(sl_csv_next(c, &x, 1, &y, 3, &got), SL_EFULL);
  cr_assert_eq(got, 1);
  cr_assert_eq(sl_csv_error_line(c), 3);
  cr_assert_eq(sl_csv_next(c, &x, 1, &y, 3, &got), SL_OK);
  cr_assert(got == 1 && x == 3 && y == 4);
  sl_csv_free(c);
  free(text);
}

Test(csv, open_errors) {
  sl_csv *c = (sl_csv *)1;
  dribble d = {"a,b\n1,2\n3,4\n", 12, 4, 6};
  double x, y;
  size_t got;
  cr_assert_eq(sl_csv_open_mem(&c, "", 0, NULL), SL_ECORRUPT, "no header");
  cr_assert_null(c);
  cr_assert_eq(sl_csv_open_mem(&c, "\n\n  \n", 5, NULL), SL_ECORRUPT, "no header");
  cr_assert_eq(sl_csv_open_mem(NULL, "a", 1, NULL), SL_EINVAL);
  cr_assert_eq(sl_csv_open_mem(&c, NULL, 1, NULL), SL_EINVAL);
  cr_assert_eq(sl_csv_open(&c, NULL, NULL, NULL), SL_EINVAL);
  cr_assert_eq(sl_csv_open_path(&c, "/nonexistent/x.csv", NULL), SL_EIO);
  cr_assert_eq(sl_csv_open(&c, dribble_read, &d, NULL), SL_OK);
  cr_assert_eq(sl_csv_next(c, &x, 1, &y, 5, &got), SL_EIO, "the callback fails mid-stream");
  cr_assert_eq(got, 1);
  cr_assert_eq(sl_csv_next(c, &x, 1, &y, 5, &got), SL_EIO, "and stays failed");
  cr_assert_eq(sl_csv_next(NULL, &x, 1, &y, 5, &got), SL_EINVAL);
  cr_assert_eq(sl_csv_next(c, NULL, 1, &y, 5, &got), SL_EINVAL);
  cr_assert_eq(sl_csv_next(c, &x, 1, &y, 5, NULL), SL_EINVAL);
  cr_assert_eq(sl_csv_error_line(NULL), 0);
  cr_assert_str_eq(sl_csv_last_error(NULL), "");
  sl_csv_free(c);
  sl_csv_free(NULL);
}

Test(csv, open_path_reads_a_file) {
  char path[] = "/tmp/sl_csv_testXXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  sl_csv *c = NULL;
  double x[2], y;
  size_t got;
  fputs("p,q,r\n0.1,1e-300,-2.5E+3\n", f);
  fclose(f);
  cr_assert_eq(sl_csv_open_path(&c, path, NULL), SL_OK);
  cr_assert_eq(sl_csv_next(c, x, 2, &y, 2, &got), SL_OK);
  cr_assert(got == 1 && x[0] == 0.1 && x[1] == 1e-300 && y == -2500.0);
  sl_csv_free(c);
  remove(path);
}

Test(csv, numbers_parse_correctly_rounded) {
  static const char *const text[] = {"0.1", "123456789012345678901234567890", "2.2250738585072014e-308",
                                     "4.9406564584124654e-324", "1.7976931348623157e308", "-0", "000123.4500",
                                     ".5", "5.", "9007199254740993", "0.30000000000000004", "1e22", "1e23"};
  static const double want[] = {0.1, 123456789012345678901234567890.0, 2.2250738585072014e-308,
                                4.9406564584124654e-324, 1.7976931348623157e308, -0.0, 123.45,
                                0.5, 5.0, 9007199254740993.0, 0.30000000000000004, 1e22, 1e23};
  size_t i;
  for (i = 0; i < sizeof want / sizeof want[0]; i++) {
    char buf[128];
    double x, y;
    size_t got;
    sl_csv *c;
    snprintf(buf, sizeof buf, "x,y\n%s,0\n", text[i]);
    c = open_text(buf);
    cr_assert_eq(sl_csv_next(c, &x, 1, &y, 1, &got), SL_OK, "%s: %s", text[i], sl_csv_last_error(c));
    cr_assert(memcmp(&x, &want[i], sizeof x) == 0, "%s read as %.17g", text[i], x);
    sl_csv_free(c);
  }
}

static sl_status csv_lifecycle(const sl_allocator *a, void *ctx) {
  sl_csv *c = NULL;
  double x[2], y;
  size_t got;
  sl_status st;
  (void)ctx;
  if ((st = sl_csv_open_mem(&c, "a,b,c\n1,2,3\n", 12, a)) != SL_OK) return st;
  st = sl_csv_next(c, x, 2, &y, 1, &got);
  sl_csv_free(c);
  return st;
}

Test(csv, every_allocation_failure_is_clean) { cr_assert_gt(test_alloc_sweep(csv_lifecycle, NULL), 0); }
