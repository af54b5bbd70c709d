/*
 * Concept drift between two streams (MOA ConceptDriftStream, Bifet et al.
 * 2009; River ConceptDriftStream): row t (1-based) comes from the second
 * stream with probability 1 / (1 + exp(-4 (t - position) / width)), else
 * from the first. Only the chosen stream advances. width = 1 is an abrupt
 * switch at `position`. Feature names and nominal codes are the first
 * stream's. Without streams given (sl_stream_new) it blends
 * River's default: Agrawal function 0 into Agrawal function 2.
 */
#include "stream_impl.h"

enum { CD_SEED, CD_POSITION, CD_WIDTH };

static const sl_param_info cd_params[] = {
    SL__STREAM_SEED_PARAM("seed"),
    {"position", SL_PARAM_DOUBLE, 5000, -1e15, 1e15, NULL, "row at the centre of the change", 0},
    {"width", SL_PARAM_DOUBLE, 1000, 1e-9, 1e15, NULL, "rows over which the change happens", 0},
};

static size_t cd_n_features(const sl_stream *s) {
  return sl__stream_ops_of(s->child[0])->n_features(s->child[0]);
}

static size_t cd_n_classes(const sl_stream *s) {
  size_t a = sl__stream_ops_of(s->child[0])->n_classes(s->child[0]);
  size_t b = sl__stream_ops_of(s->child[1])->n_classes(s->child[1]);
  return a > b ? a : b;
}

static void cd_init(sl_stream *s) {
  if (s->child[0]) sl__stream_restart(s->child[0]);
  if (s->child[1]) sl__stream_restart(s->child[1]);
}

static void cd_row(sl_stream *s, double *x, double *y) {
  const sl__pval *p = s->obj.param;
  double t = (double)(s->pos + 1);
  double p_second = 1.0 / (1.0 + exp(-4.0 * (t - p[CD_POSITION].d) / p[CD_WIDTH].d));
  sl__stream_row(s->child[sl__rng_uniform(&s->rng) > p_second ? 0 : 1], x, y);
}

/* A fresh Agrawal stream with `function`, for the default pair. */
static sl_status cd_default(sl_stream **out, int64_t function, const sl_allocator *a) {
  sl__pval prm[SL__MAX_PARAMS];
  sl__object *o = NULL;
  sl_status st;
  sl__params_default(&sl__agrawal_kind, prm);
  prm[1].i = function; /* classification_function */
  st = sl__kind_build(&sl__agrawal_kind, prm, NULL, NULL, a, &o);
  *out = (sl_stream *)o;
  return st;
}

/* Levels of concept-drift streams in `s` (0 for a generator). A stream
 * holds at most SL__CKPT_MAX_NESTING, so its checkpoint loads. */
static unsigned cd_height(const sl_stream *s) {
  unsigned a, b;
  if (s->obj.kind != &sl__concept_drift_kind) return 0;
  a = cd_height(s->child[0]);
  b = cd_height(s->child[1]);
  return 1 + (a > b ? a : b);
}

/* args: NULL (the default pair), or sl_stream *[2] given by
 * sl_stream_concept_drift(), attached only once nothing can fail. */
static sl_status cd_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  sl_stream *s, *const *given = (sl_stream *const *)args;
  sl__object *c;
  sl_status st;
  int i;
  if (given && (cd_height(given[0]) >= SL__CKPT_MAX_NESTING || cd_height(given[1]) >= SL__CKPT_MAX_NESTING))
    return SL_EFULL;
  if ((st = sl__stream_build(out, &sl__concept_drift_kind, params, r, a)) != SL_OK) return st;
  s = (sl_stream *)*out;
  for (i = 0; i < 2; i++) {
    if (r) {
      if ((st = sl__object_load_payload(&c, &sl__stream_class, r, a)) != SL_OK) return st;
      s->child[i] = (sl_stream *)c;
    } else if (given) {
      s->child[i] = given[i];
    } else if ((st = cd_default(&s->child[i], i ? 2 : 0, a)) != SL_OK) {
      return st;
    }
  }
  if (r) sl__expect(r, cd_n_features(s) == sl__stream_ops_of(s->child[1])->n_features(s->child[1]));
  return r ? r->st : SL_OK;
}

static const sl__stream_ops cd_ops = {cd_n_features, cd_n_classes, NULL, NULL, NULL, cd_init, cd_row, NULL};

const sl__kind sl__concept_drift_kind =
    SL__STREAM_KIND(SL_STREAM_CONCEPT_DRIFT, "concept_drift", cd_params, cd_build, cd_ops);
