/* The object layer: parameters by name, statistics, last-error detail,
 * kind lookup, and whole-handle save / load. See object.h. */
#include <stdarg.h>

#include "object.h"

/* ---- kinds --------------------------------------------------------------- */

const sl__kind *sl__class_kind(const sl__handle_class *c, int id) {
  if (id < 0 || (size_t)id >= c->n_kinds) return NULL;
  return c->kinds[id];
}

const char *sl__class_kind_name(const sl__handle_class *c, int id) {
  const sl__kind *k = sl__class_kind(c, id);
  return k ? k->name : NULL;
}

sl_status sl__class_kind_from_name(const sl__handle_class *c, const char *name, int *id) {
  size_t i;
  if (!name || !id) return SL_EINVAL;
  for (i = 0; i < c->n_kinds; i++)
    if (c->kinds[i] && SL__STRCMP(c->kinds[i]->name, name) == 0) {
      *id = (int)i;
      return SL_OK;
    }
  return SL_EKIND;
}

sl_status sl__class_kind_param(const sl__handle_class *c, int id, size_t i, const sl_param_info **info) {
  const sl__kind *k = sl__class_kind(c, id);
  if (!info) return SL_EINVAL;
  if (!k) return SL_EKIND;
  if (i >= k->n_params) return SL_ENOTFOUND;
  *info = &k->params[i];
  return SL_OK;
}

void sl__params_default(const sl__kind *k, sl__pval *p) {
  size_t i;
  SL__MEMSET(p, 0, sizeof(sl__pval) * SL__MAX_PARAMS);
  for (i = 0; i < k->n_params; i++) {
    if (k->params[i].type == SL_PARAM_DOUBLE)
      p[i].d = k->params[i].default_value;
    else
      p[i].i = (int64_t)k->params[i].default_value;
  }
}

/* ---- creation ------------------------------------------------------------ */

sl_status sl__object_new(sl__object **out, size_t size, const sl__kind *k, const sl__pval *params,
                         const sl_allocator *a) {
  sl__mem mem;
  sl__object *o;
  sl_status st = sl__mem_init(&mem, a);
  if (st != SL_OK) return st;
  o = (sl__object *)sl__alloc(&mem, size);
  if (!o) return SL_ENOMEM;
  o->mem = mem;
  o->kind = k;
  if (params)
    SL__MEMCPY(o->param, params, sizeof o->param);
  else
    sl__params_default(k, o->param);
  *out = o;
  return SL_OK;
}

sl_status sl__kind_build(const sl__kind *k, const sl__pval *params, sl__reader *r, const void *args,
                         const sl_allocator *a, sl__object **out) {
  sl__object *o = NULL;
  sl_status st = k->build(&o, params, r, args, a);
  if (st == SL_OK && r && r->st != SL_OK) st = r->st;
  if (st != SL_OK && o) {
    sl__object_free(o);
    o = NULL;
  }
  *out = o;
  return st;
}

sl_status sl__class_new(const sl__handle_class *c, int id, const void *args, const sl_allocator *a,
                        sl__object **out) {
  const sl__kind *k = sl__class_kind(c, id);
  *out = NULL;
  return k ? sl__kind_build(k, NULL, NULL, args, a, out) : SL_EKIND;
}

void sl__object_delete(sl__object *o, size_t size) {
  sl__mem mem = o->mem;
  sl__free(&mem, o, size);
}

void sl__object_free(sl__object *o) {
  if (o) o->kind->destroy(o);
}

/* ---- errors -------------------------------------------------------------- */

typedef struct sl__sink {
  char *p;
  size_t left;
} sl__sink;

static void sl__sink_put(sl__sink *s, const char *t, size_t n) {
  if (n >= s->left) n = s->left ? s->left - 1 : 0;
  SL__MEMCPY(s->p, t, n);
  s->p += n;
  s->left -= n;
}

static void sl__sink_int(sl__sink *s, int64_t v, int is_signed) {
  char b[24];
  size_t n = 0;
  uint64_t u = (is_signed && v < 0) ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do b[sizeof b - 1 - n++] = (char)('0' + u % 10);
  while (u /= 10);
  if (is_signed && v < 0) b[sizeof b - 1 - n++] = '-';
  sl__sink_put(s, b + sizeof b - n, n);
}

sl_status sl__fail(const sl__object *o, sl_status st, const char *fmt, ...) {
  sl__sink s;
  va_list ap;
  if (!o) return st;
  s.p = ((sl__object *)o)->err;
  s.left = SL__ERR_LEN;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%' || !fmt[1]) {
      sl__sink_put(&s, fmt, 1);
      continue;
    }
    switch (*++fmt) {
    case 's': {
      const char *t = va_arg(ap, const char *);
      if (!t) t = "(null)";
      sl__sink_put(&s, t, SL__STRLEN(t));
      break;
    }
    case 'd': sl__sink_int(&s, va_arg(ap, int), 1); break;
    case 'u': sl__sink_int(&s, (int64_t)va_arg(ap, unsigned), 0); break;
    case 'z': sl__sink_int(&s, (int64_t)va_arg(ap, size_t), 0); break;
    case 'l': sl__sink_int(&s, va_arg(ap, int64_t), 1); break;
    default: sl__sink_put(&s, fmt, 1); break;
    }
  }
  va_end(ap);
  *s.p = '\0';
  return st;
}

const char *sl__object_last_error(const sl__object *o) { return o ? o->err : ""; }

/* ---- parameters ---------------------------------------------------------- */

int sl__param_index(const sl__kind *k, const char *name) {
  size_t i;
  for (i = 0; i < k->n_params; i++)
    if (SL__STRCMP(k->params[i].name, name) == 0) return (int)i;
  return -1;
}

sl_status sl__param_check(const sl_param_info *p, double v) {
  if (!sl__finite(v)) return SL_ENONFINITE;
  if (p->type != SL_PARAM_DOUBLE && v != floor(v)) return SL_ETYPE;
  if (v < p->min_value || v > p->max_value) return SL_ERANGE;
  return SL_OK;
}

static sl_status sl__param_find(const sl__object *o, const char *name, int *idx) {
  if (!name) return sl__fail(o, SL_EINVAL, "parameter name is NULL");
  *idx = sl__param_index(o->kind, name);
  if (*idx < 0) return sl__fail(o, SL_EPARAM, "kind '%s' has no parameter '%s'", o->kind->name, name);
  return SL_OK;
}

sl_status sl__object_set(sl__object *o, const char *name, double v, int from_int) {
  const sl_param_info *p;
  sl__pval old;
  sl_status st;
  int idx;
  sl__clear_error(o);
  if ((st = sl__param_find(o, name, &idx)) != SL_OK) return st;
  p = &o->kind->params[idx];
  if (p->type == SL_PARAM_ENUM && !from_int)
    return sl__fail(o, SL_ETYPE, "'%s' takes one of %s: set it by name or index", name, p->choices);
  st = sl__param_check(p, v);
  if (st == SL_ENONFINITE) return sl__fail(o, st, "'%s' must be finite", name);
  if (st == SL_ETYPE) return sl__fail(o, st, "'%s' takes a whole number", name);
  if (st == SL_ERANGE) return sl__fail(o, st, "'%s' is out of its range (see the parameter table)", name);
  if ((p->flags & SL_PARAM_FIXED_AFTER_START) && o->started)
    return sl__fail(o, SL_ESTATE, "'%s' sizes the handle and cannot change after data", name);
  old = o->param[idx];
  if (p->type == SL_PARAM_DOUBLE)
    o->param[idx].d = v;
  else
    o->param[idx].i = (int64_t)v;
  if (o->kind->configure) {
    st = o->kind->configure(o, (size_t)idx, old);
    if (st != SL_OK) {
      o->param[idx] = old;
      return o->err[0] ? st : sl__fail(o, st, "cannot apply '%s'", name);
    }
  }
  return SL_OK;
}

/* Index of `text` among "a|b|c", or -1. */
static int sl__choice_index(const char *choices, const char *text) {
  size_t n = SL__STRLEN(text);
  int idx = 0;
  const char *c = choices;
  while (c && *c) {
    const char *bar = c;
    while (*bar && *bar != '|') bar++;
    if ((size_t)(bar - c) == n && SL__MEMCMP(c, text, n) == 0) return idx;
    idx++;
    c = *bar ? bar + 1 : bar;
  }
  return -1;
}

sl_status sl__object_set_str(sl__object *o, const char *name, const char *text) {
  const sl_param_info *p;
  sl_status st;
  double v;
  int idx;
  sl__clear_error(o);
  if ((st = sl__param_find(o, name, &idx)) != SL_OK) return st;
  if (!text) return sl__fail(o, SL_EINVAL, "value for '%s' is NULL", name);
  p = &o->kind->params[idx];
  if (p->type == SL_PARAM_ENUM) {
    int c = sl__choice_index(p->choices, text);
    if (c >= 0) return sl__object_set(o, name, (double)c, 1);
  }
  if (p->type == SL_PARAM_BOOL && (SL__STRCMP(text, "true") == 0 || SL__STRCMP(text, "false") == 0))
    return sl__object_set(o, name, text[0] == 't' ? 1.0 : 0.0, 1);
  if (sl__parse_double(text, &v) != 0) {
    if (p->type == SL_PARAM_ENUM) return sl__fail(o, SL_ERANGE, "'%s' takes one of %s, not '%s'", name, p->choices, text);
    return sl__fail(o, SL_ETYPE, "'%s' is not a number for '%s'", text, name);
  }
  return sl__object_set(o, name, v, 1);
}

sl_status sl__object_get(const sl__object *o, const char *name, double *d, int64_t *i) {
  const sl_param_info *p;
  sl_status st;
  int idx;
  sl__clear_error(o);
  if (!d && !i) return sl__fail(o, SL_EINVAL, "output pointer is NULL");
  if ((st = sl__param_find(o, name, &idx)) != SL_OK) return st;
  p = &o->kind->params[idx];
  if (d) *d = p->type == SL_PARAM_DOUBLE ? o->param[idx].d : (double)o->param[idx].i;
  if (i) {
    if (p->type == SL_PARAM_DOUBLE) return sl__fail(o, SL_ETYPE, "'%s' is a real; read it with get_double", name);
    *i = o->param[idx].i;
  }
  return SL_OK;
}

/* ---- statistics ---------------------------------------------------------- */

static const char *const sl__common_stats[] = {"bytes", "peak_bytes", "allocations"};
#define SL__N_COMMON_STATS (sizeof sl__common_stats / sizeof sl__common_stats[0])

sl_status sl__object_stat_name(const sl__object *o, size_t i, const char **name) {
  if (!name) return SL_EINVAL;
  if (i < SL__N_COMMON_STATS) {
    *name = sl__common_stats[i];
    return SL_OK;
  }
  i -= SL__N_COMMON_STATS;
  if (i >= o->kind->n_stats) return SL_ENOTFOUND;
  *name = o->kind->stats[i];
  return SL_OK;
}

sl_status sl__object_stat(const sl__object *o, const char *name, double *v) {
  size_t i;
  sl__clear_error(o);
  if (!name || !v) return sl__fail(o, SL_EINVAL, "NULL name or output");
  if (SL__STRCMP(name, "bytes") == 0) *v = (double)o->mem.bytes;
  else if (SL__STRCMP(name, "peak_bytes") == 0) *v = (double)o->mem.peak;
  else if (SL__STRCMP(name, "allocations") == 0) *v = (double)o->mem.allocations;
  else {
    for (i = 0; i < o->kind->n_stats; i++)
      if (SL__STRCMP(o->kind->stats[i], name) == 0) {
        *v = o->kind->stat(o, i);
        return SL_OK;
      }
    return sl__fail(o, SL_ENOTFOUND, "kind '%s' has no statistic '%s'", o->kind->name, name);
  }
  return SL_OK;
}

/* ---- number parsing ------------------------------------------------------ */

int sl__parse_double(const char *s, double *out) {
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  uint64_t mant = 0;
  int neg = 0, digits = 0, exp10 = 0, dropped = 0;
  double v;
  while (*s == ' ' || *s == '\t') s++;
  if (*s == '+' || *s == '-') neg = *s++ == '-';
  for (; *s >= '0' && *s <= '9'; s++, digits++) {
    if (mant < 1000000000000000000ull) mant = mant * 10 + (uint64_t)(*s - '0');
    else dropped++;
  }
  if (*s == '.') {
    for (s++; *s >= '0' && *s <= '9'; s++, digits++)
      if (mant < 1000000000000000000ull) {
        mant = mant * 10 + (uint64_t)(*s - '0');
        exp10--;
      }
  }
  if (!digits) return -1;
  if (*s == 'e' || *s == 'E') {
    int eneg = 0, e = 0, edig = 0;
    s++;
    if (*s == '+' || *s == '-') eneg = *s++ == '-';
    for (; *s >= '0' && *s <= '9'; s++, edig++)
      if (e < 10000) e = e * 10 + (*s - '0');
    if (!edig) return -1;
    exp10 += eneg ? -e : e;
  }
  while (*s == ' ' || *s == '\t') s++;
  if (*s) return -1;
  exp10 += dropped;
  v = (double)mant;
  /* Exact when mant < 2^53 and |exp10| <= 22 (Clinger's fast path). */
  while (exp10 > 22) {
    v *= 1e22;
    exp10 -= 22;
  }
  while (exp10 < -22) {
    v /= 1e22;
    exp10 += 22;
  }
  v = exp10 >= 0 ? v * pow10[exp10] : v / pow10[-exp10];
  if (!sl__finite(v)) return -1;
  *out = neg ? -v : v;
  return 0;
}

/* ---- save / load --------------------------------------------------------- */

/* Parameters, then the kind's state. */
static sl_status sl__emit_body(const void *ctx, sl__writer *w) {
  const sl__object *o = (const sl__object *)ctx;
  const sl__kind *k = o->kind;
  size_t i;
  sl__put_u16(w, (uint16_t)k->n_params);
  for (i = 0; i < k->n_params; i++) {
    size_t n = SL__STRLEN(k->params[i].name);
    sl__put_u8(w, (uint8_t)n);
    sl__put_bytes(w, k->params[i].name, n);
    if (k->params[i].type == SL_PARAM_DOUBLE)
      sl__put_f64(w, o->param[i].d);
    else
      sl__put_i64(w, o->param[i].i);
  }
  sl__put_u8(w, (uint8_t)(o->started != 0));
  return k->save(o, w);
}

/* Reads the parameter block into `p` (defaults for any not saved). */
static sl_status sl__read_params(const sl__kind *k, sl__reader *r, sl__pval *p, int *started) {
  uint64_t seen = 0; /* SL__MAX_PARAMS <= 64 */
  size_t i, n;
  sl__params_default(k, p);
  n = sl__get_u16(r);
  for (i = 0; i < n && r->st == SL_OK; i++) {
    char name[256];
    size_t len = sl__get_u8(r);
    int idx;
    double v;
    sl__get_bytes(r, name, len);
    name[len] = '\0';
    if (r->st != SL_OK) break;
    idx = sl__param_index(k, name);
    if (idx < 0) return SL_EVERSION; /* written by a newer library */
    if (seen >> idx & 1) return SL_ECORRUPT; /* the same name twice */
    seen |= (uint64_t)1 << idx;
    if (k->params[idx].type == SL_PARAM_DOUBLE) {
      p[idx].d = sl__get_f64(r);
      v = p[idx].d;
    } else {
      p[idx].i = sl__get_i64(r);
      v = (double)p[idx].i;
    }
    if (r->st == SL_OK && sl__param_check(&k->params[idx], v) != SL_OK) return SL_ECORRUPT;
  }
  *started = sl__get_u8(r);
  if (r->st == SL_OK && *started > 1) return SL_ECORRUPT;
  return r->st;
}

static sl_status sl__load_body(sl__object **out, const sl__kind *k, sl__reader *r, const sl_allocator *a) {
  sl__pval p[SL__MAX_PARAMS];
  int started = 0;
  sl_status st = sl__read_params(k, r, p, &started);
  if (st != SL_OK) return st;
  if ((st = sl__kind_build(k, p, r, NULL, a, out)) != SL_OK) return st;
  (*out)->started = started;
  return SL_OK;
}

sl_status sl__object_save(const sl__object *o, unsigned flags, sl_write_fn w, void *user) {
  sl__writer out;
  sl_status st;
  sl__clear_error(o);
  if (!w) return sl__fail(o, SL_EINVAL, "write callback is NULL");
  SL__MEMSET(&out, 0, sizeof out);
  out.fn = w;
  out.user = user;
  st = sl__ckpt_write(o->kind->handle_type, o->kind->id, flags, sl__emit_body, o, (sl__mem *)&o->mem, &out);
  if (st == SL_EIO) return sl__fail(o, st, "the write callback failed");
  if (st == SL_ENOTSUP) return sl__fail(o, st, "this build has no zstd: save without SL_SAVE_COMPRESS");
  return st;
}

sl_status sl__object_save_mem(const sl__object *o, unsigned flags, void *buf, size_t cap, size_t *len) {
  sl__writer out;
  sl_status st;
  sl__clear_error(o);
  if (!len || (!buf && cap)) return sl__fail(o, SL_EINVAL, "NULL length or buffer");
  if (flags & ~(unsigned)SL_SAVE_COMPRESS) return sl__fail(o, SL_EINVAL, "unknown save flags %u", flags);
  SL__MEMSET(&out, 0, sizeof out);
  if (!buf) {
    /* Size query: count only. Compressed size is only known by compressing. */
    if (flags & SL_SAVE_COMPRESS) {
      sl__writer count;
      SL__MEMSET(&count, 0, sizeof count);
      st = sl__ckpt_write(o->kind->handle_type, o->kind->id, flags, sl__emit_body, o, (sl__mem *)&o->mem, &count);
      *len = (size_t)count.n;
      return st == SL_OK ? SL_EBUFFER : st;
    }
    st = sl__emit_body(o, &out);
    *len = (size_t)(out.n + SL__CKPT_HEADER + SL__CKPT_TRAILER);
    return st == SL_OK ? SL_EBUFFER : st;
  }
  out.mem = (uint8_t *)buf;
  out.cap = cap;
  st = sl__ckpt_write(o->kind->handle_type, o->kind->id, flags, sl__emit_body, o, (sl__mem *)&o->mem, &out);
  if (st == SL_EBUFFER) {
    size_t need = 0;
    sl__object_save_mem(o, flags, NULL, 0, &need);
    *len = need;
    return sl__fail(o, SL_EBUFFER, "checkpoint needs %z bytes, buffer has %z", need, cap);
  }
  *len = (size_t)out.n;
  return st;
}

static sl_status sl__load_frame(sl__object **out, const sl__handle_class *c, sl_read_fn r, void *user, size_t len,
                                const sl_allocator *a) {
  sl__mem tmp;
  sl__frame f;
  sl__reader rd;
  const sl__kind *k;
  sl_status st;
  *out = NULL;
  if ((st = sl__mem_init(&tmp, a)) != SL_OK) return st;
  if ((st = sl__ckpt_read(r, user, len, &tmp, &f)) != SL_OK) return st;
  k = sl__class_kind(c, f.kind);
  if (f.handle_type != c->handle_type || !k) {
    sl__frame_release(&tmp, &f);
    return SL_EKIND;
  }
  rd.p = f.payload;
  rd.left = f.len;
  rd.st = SL_OK;
  rd.depth = 0;
  st = sl__load_body(out, k, &rd, a);
  if (st == SL_OK && rd.left != 0) {
    sl__object_free(*out);
    *out = NULL;
    st = SL_ECORRUPT;
  }
  sl__frame_release(&tmp, &f);
  return st;
}

sl_status sl__object_load(sl__object **out, const sl__handle_class *c, sl_read_fn r, void *user,
                          const sl_allocator *a) {
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (!r) return SL_EINVAL;
  return sl__load_frame(out, c, r, user, 0, a);
}

sl_status sl__object_load_mem(sl__object **out, const sl__handle_class *c, const void *buf, size_t len,
                              const sl_allocator *a) {
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (!buf) return SL_EINVAL;
  return sl__load_frame(out, c, NULL, (void *)buf, len, a);
}

sl_status sl__object_save_payload(const sl__object *o, sl__writer *w) {
  sl__put_u8(w, o->kind->handle_type);
  sl__put_u16(w, (uint16_t)o->kind->id);
  return sl__emit_body(o, w);
}

sl_status sl__object_load_payload(sl__object **out, const sl__handle_class *c, sl__reader *r,
                                  const sl_allocator *a) {
  uint8_t type = sl__get_u8(r);
  int id = sl__get_u16(r);
  const sl__kind *k = sl__class_kind(c, id);
  sl_status st;
  *out = NULL;
  if (r->st != SL_OK) return r->st;
  if (type != c->handle_type || !k || !sl__expect(r, r->depth < SL__CKPT_MAX_NESTING)) return SL_ECORRUPT;
  r->depth++;
  st = sl__load_body(out, k, r, a);
  r->depth--;
  return st;
}
