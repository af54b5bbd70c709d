/* sl_stream_write_csv: a generator's rows as CSV text (see stream.h). */
#include "csv_impl.h"

#ifndef SL_NO_STDIO

#define CSV_OUT 16384

typedef struct csv_out {
  char buf[CSV_OUT];
  size_t n;
  sl_write_fn write;
  void *user;
  sl_status st;
  char point; /* the locale's decimal point */
} csv_out;

static void out_flush(csv_out *o) {
  if (o->st == SL_OK && o->n && o->write(o->user, o->buf, o->n) != 0) o->st = SL_EIO;
  o->n = 0;
}

static void out_put(csv_out *o, const char *s, size_t n) {
  if (o->n + n > CSV_OUT) out_flush(o);
  SL__MEMCPY(o->buf + o->n, s, n);
  o->n += n;
}

static void out_num(csv_out *o, double v, char end) {
  char num[SL__CSV_NUM_MAX + 1];
  size_t n = sl__csv_format(v, o->point, num);
  num[n++] = end;
  out_put(o, num, n);
}

static int needs_quotes(const char *s) {
  for (; *s; s++)
    if (*s == ',' || *s == '"' || *s == '\r' || *s == '\n') return 1;
  return 0;
}

/* The header: feature names quoted when they hold a comma or a quote. */
static void out_header(csv_out *o, sl_stream *s, size_t nf) {
  char name[256];
  size_t i, j;
  for (i = 0; i < nf; i++) {
    size_t len;
    sl_stream_feature(s, i, name, sizeof name, NULL);
    len = SL__STRLEN(name);
    if (needs_quotes(name)) {
      out_put(o, "\"", 1);
      for (j = 0; j < len; j++) out_put(o, name[j] == '"' ? "\"\"" : name + j, name[j] == '"' ? 2 : 1);
      out_put(o, "\"", 1);
    } else {
      out_put(o, name, len);
    }
    out_put(o, ",", 1);
  }
  out_put(o, "y\n", 2);
}

SL_API sl_status sl_stream_write_csv(sl_stream *s, size_t rows, sl_write_fn write, void *user) {
  sl_stream_info info;
  csv_out *o;
  double *x, y;
  size_t r, j, nf;
  sl_status st;
  if (!s) return SL_EINVAL;
  sl__clear_error(&s->obj);
  if (!write) return sl__fail(&s->obj, SL_EINVAL, "write callback is NULL");
  sl_stream_describe(s, &info);
  nf = info.n_features;
  o = (csv_out *)sl__alloc(&s->obj.mem, sizeof *o);
  x = (double *)sl__alloc_array(&s->obj.mem, nf, sizeof *x);
  if (!o || !x) {
    sl__free(&s->obj.mem, o, sizeof *o);
    sl__free(&s->obj.mem, x, nf * sizeof *x);
    return sl__fail(&s->obj, SL_ENOMEM, "no memory for the output buffer");
  }
  o->write = write;
  o->user = user;
  o->st = SL_OK;
  o->point = sl__csv_locale_point();
  out_header(o, s, nf);
  for (r = 0; r < rows && o->st == SL_OK; r++) {
    sl_stream_next(s, x, nf, &y, 1);
    for (j = 0; j < nf; j++) out_num(o, x[j], ',');
    out_num(o, y, '\n');
  }
  out_flush(o);
  st = o->st;
  sl__free(&s->obj.mem, o, sizeof *o);
  sl__free(&s->obj.mem, x, nf * sizeof *x);
  return st == SL_OK ? SL_OK : sl__fail(&s->obj, st, "the write callback failed after %z rows", r);
}

#else

SL_API sl_status sl_stream_write_csv(sl_stream *s, size_t rows, sl_write_fn write, void *user) {
  (void)s, (void)rows, (void)write, (void)user;
  return SL_ENOTSUP;
}

#endif
