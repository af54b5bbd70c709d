/* sl_stream dispatch: the kinds, argument checks, and the state handling
 * (build, restart, save, load) every generator shares. */
#include "stream_impl.h"

/* The kinds by public id; a build with SL_KINDS_SELECTED keeps only those
 * named by SL_KIND_STREAM_<KIND> (lib/core/deps.h), the rest are SL_EKIND. */
static const sl__kind *const sl__stream_kinds[SL_STREAM_CONCEPT_DRIFT + 1] = {
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_STREAM_SEA)
    [SL_STREAM_SEA] = &sl__sea_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_STREAM_AGRAWAL)
    [SL_STREAM_AGRAWAL] = &sl__agrawal_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_STREAM_HYPERPLANE)
    [SL_STREAM_HYPERPLANE] = &sl__hyperplane_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_STREAM_RANDOM_RBF)
    [SL_STREAM_RANDOM_RBF] = &sl__random_rbf_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_STREAM_STAGGER)
    [SL_STREAM_STAGGER] = &sl__stagger_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_STREAM_LED)
    [SL_STREAM_LED] = &sl__led_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_STREAM_SINE)
    [SL_STREAM_SINE] = &sl__sine_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_STREAM_FRIEDMAN)
    [SL_STREAM_FRIEDMAN] = &sl__friedman_kind,
#endif
#if !defined(SL_KINDS_SELECTED) || defined(SL_KIND_STREAM_CONCEPT_DRIFT)
    [SL_STREAM_CONCEPT_DRIFT] = &sl__concept_drift_kind,
#endif
};

const sl__handle_class sl__stream_class = {"stream", SL__HANDLE_STREAM, sl__stream_kinds,
                                           sizeof sl__stream_kinds / sizeof sl__stream_kinds[0]};

SL__HANDLE_DEFINE(stream, sl__stream_class)

const char *const sl__stream_stats[] = {"rows"};

/* ---- shared kind functions ------------------------------------------------ */

void sl__stream_restart(sl_stream *s) {
  sl__rng_seed(&s->rng, (uint64_t)s->obj.param[SL__STREAM_SEED].i);
  s->pos = 0;
  s->flag = 0;
  if (sl__stream_ops_of(s)->init) sl__stream_ops_of(s)->init(s);
}

void sl__stream_row(sl_stream *s, double *x, double *y) {
  sl__stream_ops_of(s)->row(s, x, y);
  s->pos++;
}

static size_t sl__state_len(const sl_stream *s) {
  const sl__stream_ops *ops = sl__stream_ops_of(s);
  return ops->state_len ? ops->state_len(s) : 0;
}

sl_status sl__stream_configure(sl__object *o, size_t changed, sl__pval old) {
  sl_stream *s = (sl_stream *)o;
  size_t n;
  (void)old;
  /* Only shaping parameters restart, and they are locked once rows flowed;
   * the others (noise, variant, ...) act from the next row on. */
  if (!(o->kind->params[changed].flags & SL_PARAM_FIXED_AFTER_START)) return SL_OK;
  n = sl__state_len(s);
  if (n != s->buf_len) {
    double *b = n ? (double *)sl__alloc_array(&o->mem, n, sizeof(double)) : NULL;
    if (n && !b) return sl__fail(o, SL_ENOMEM, "no memory for %z doubles of state", n);
    sl__free(&o->mem, s->buf, s->buf_len * sizeof(double));
    s->buf = b;
    s->buf_len = n;
  }
  sl__stream_restart(s);
  return SL_OK;
}

double sl__stream_stat(const sl__object *o, size_t i) {
  (void)i;
  return (double)((const sl_stream *)o)->pos;
}

sl_status sl__stream_save(const sl__object *o, sl__writer *w) {
  const sl_stream *s = (const sl_stream *)o;
  sl_status st = SL_OK;
  size_t i;
  for (i = 0; i < 4; i++) sl__put_u64(w, s->rng.s[i]);
  sl__put_u64(w, s->pos);
  sl__put_i64(w, s->flag);
  sl__put_u64(w, s->buf_len);
  for (i = 0; i < s->buf_len; i++) sl__put_f64(w, s->buf[i]);
  for (i = 0; i < 2 && st == SL_OK; i++)
    if (s->child[i]) st = sl__object_save_payload(&s->child[i]->obj, w);
  return st;
}

void sl__stream_destroy(sl__object *o) {
  sl_stream *s = (sl_stream *)o;
  sl__object_free(s->child[0] ? &s->child[0]->obj : NULL);
  sl__object_free(s->child[1] ? &s->child[1]->obj : NULL);
  sl__free(&o->mem, s->buf, s->buf_len * sizeof(double));
  sl__object_delete(o, sizeof(sl_stream));
}

sl_status sl__stream_build(sl__object **out, const sl__kind *k, const sl__pval *params, sl__reader *r,
                           const sl_allocator *a) {
  sl_stream *s;
  size_t i, n;
  sl_status st = sl__object_new(out, sizeof(sl_stream), k, params, a);
  if (st != SL_OK) return st;
  s = (sl_stream *)*out;
  n = sl__state_len(s);
  if (r && !sl__expect(r, n <= r->left / 8)) return r->st; /* before allocating for a damaged size */
  if (n) {
    if (!(s->buf = (double *)sl__alloc_array(&s->obj.mem, n, sizeof(double)))) return SL_ENOMEM;
    s->buf_len = n;
  }
  sl__stream_restart(s);
  if (!r) return SL_OK;
  for (i = 0; i < 4; i++) s->rng.s[i] = sl__get_u64(r);
  sl__expect(r, (s->rng.s[0] | s->rng.s[1] | s->rng.s[2] | s->rng.s[3]) != 0); /* xoshiro's dead state */
  s->pos = sl__get_u64(r);
  s->flag = sl__get_i64(r);
  sl__expect(r, s->flag == 0 || s->flag == 1);
  sl__expect(r, sl__get_u64(r) == n);
  for (i = 0; i < n && r->st == SL_OK; i++) s->buf[i] = sl__get_finite(r);
  return r->st;
}

/* ---- public calls -------------------------------------------------------- */

SL_API sl_status sl_stream_new(sl_stream **out, sl_stream_kind kind, const sl_allocator *a) {
  sl__object *o;
  sl_status st;
  if (!out) return SL_EINVAL;
  st = sl__class_new(&sl__stream_class, (int)kind, NULL, a, &o);
  *out = (sl_stream *)o;
  return st;
}

SL_API sl_status sl_stream_concept_drift(sl_stream **out, sl_stream *first, sl_stream *second,
                                         const sl_allocator *a) {
  sl_stream *pair[2];
  sl__object *o = NULL;
  sl_status st;
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (!first || !second || first == second) return SL_EINVAL;
  if (sl__stream_ops_of(first)->n_features(first) != sl__stream_ops_of(second)->n_features(second)) return SL_EDIM;
  pair[0] = first;
  pair[1] = second;
  st = sl__kind_build(&sl__concept_drift_kind, NULL, NULL, pair, a, &o);
  *out = (sl_stream *)o;
  return st;
}

/* Where feature names and nominal codes come from: a concept-drift stream
 * shows its first stream's. */
static const sl_stream *sl__feature_source(const sl_stream *s) {
  while (s->child[0]) s = s->child[0];
  return s;
}

static unsigned sl__nominal(const sl_stream *s, size_t i) {
  const sl_stream *src = sl__feature_source(s);
  const sl__stream_ops *ops = sl__stream_ops_of(src);
  return ops->nominal ? ops->nominal(src, i) : 0;
}

SL_API sl_status sl_stream_describe(const sl_stream *s, sl_stream_info *info) {
  const sl__stream_ops *ops;
  size_t i;
  if (!s || !info) return SL_EINVAL;
  ops = sl__stream_ops_of(s);
  info->n_features = ops->n_features(s);
  info->n_classes = ops->n_classes(s);
  info->n_nominal = 0;
  for (i = 0; i < info->n_features; i++) info->n_nominal += sl__nominal(s, i) != 0;
  info->rows = s->pos;
  return SL_OK;
}

/* Writes the decimal digits of `v` at `p`; returns the end. */
static char *sl__put_uint(char *p, size_t v) {
  char tmp[24];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  while (n) *p++ = tmp[--n];
  return p;
}

SL_API sl_status sl_stream_feature(const sl_stream *s, size_t i, char *name, size_t cap, unsigned *n_values) {
  const char *const *names;
  char tmp[32];
  const char *nm = tmp;
  size_t len, nf;
  if (!s || (!name && cap)) return SL_EINVAL;
  sl__clear_error(&s->obj);
  nf = sl__stream_ops_of(s)->n_features(s);
  if (i >= nf) return sl__fail(&s->obj, SL_ENOTFOUND, "feature %z of %z", i, nf);
  names = sl__stream_ops_of(sl__feature_source(s))->names;
  if (names) nm = names[i];
  else {
    tmp[0] = 'x';
    *sl__put_uint(tmp + 1, i) = '\0';
  }
  len = SL__STRLEN(nm);
  if (n_values) *n_values = sl__nominal(s, i);
  if (!name) return SL_OK;
  if (len >= cap) return sl__fail(&s->obj, SL_EBUFFER, "name of feature %z needs %z bytes", i, len + 1);
  SL__MEMCPY(name, nm, len + 1);
  return SL_OK;
}

SL_API sl_status sl_stream_next(sl_stream *s, double *X, size_t n_features, double *y, size_t rows) {
  size_t i, nf;
  double drop;
  if (!s) return SL_EINVAL;
  sl__clear_error(&s->obj);
  if (!X && rows) return sl__fail(&s->obj, SL_EINVAL, "X is NULL");
  nf = sl__stream_ops_of(s)->n_features(s);
  if (n_features != nf) return sl__fail(&s->obj, SL_EDIM, "stream has %z features, not %z", nf, n_features);
  if (rows) s->obj.started = 1;
  for (i = 0; i < rows; i++) sl__stream_row(s, X + i * nf, y ? y + i : &drop);
  return SL_OK;
}

SL_API sl_status sl_stream_label(const sl_stream *s, const double *x, size_t n_features, double *y) {
  size_t i, nf;
  if (!s) return SL_EINVAL;
  sl__clear_error(&s->obj);
  if (!x || !y) return sl__fail(&s->obj, SL_EINVAL, "NULL x or y");
  nf = sl__stream_ops_of(s)->n_features(s);
  if (n_features != nf) return sl__fail(&s->obj, SL_EDIM, "stream has %z features, not %z", nf, n_features);
  if (!sl__stream_ops_of(s)->label)
    return sl__fail(&s->obj, SL_ENOTSUP, "'%s' has no closed-form concept", s->obj.kind->name);
  for (i = 0; i < nf; i++)
    if (!sl__finite(x[i])) return sl__fail(&s->obj, SL_ENONFINITE, "feature %z is not finite", i);
  *y = sl__stream_ops_of(s)->label(s, x);
  return SL_OK;
}

SL_API sl_status sl_stream_reset(sl_stream *s) {
  if (!s) return SL_EINVAL;
  sl__stream_restart(s);
  return SL_OK;
}
