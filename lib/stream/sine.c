/*
 * Sine concepts (Gama et al. 2004, "Learning with drift detection"; River
 * Sine, MOA SineGenerator): x0, x1 uniform in [0, 1); SINE1 labels 0 when
 * x0 >= sin(x1), SINE2 when x0 >= 0.5 + 0.3 sin(3 pi x1); functions 1 and 3
 * are the reversed concepts. has_noise adds two uniform irrelevant
 * features. Balanced classes on request.
 */
#include "stream_impl.h"

enum { SN_SEED, SN_FUNCTION, SN_BALANCE, SN_HAS_NOISE };

static const sl_param_info sn_params[] = {
    SL__STREAM_SEED_PARAM("seed"),
    {"classification_function", SL_PARAM_INT, 0, 0, 3, NULL, "SINE1, reversed SINE1, SINE2, reversed SINE2", 0},
    {"balance_classes", SL_PARAM_BOOL, 0, 0, 1, NULL, "alternate the classes 1, 0, 1, ...", 0},
    {"has_noise", SL_PARAM_BOOL, 0, 0, 1, NULL, "add two irrelevant uniform features", SL_PARAM_FIXED_AFTER_START},
};

static int sn_label(int64_t f, double a, double b) {
  const double pi = 3.14159265358979323846;
  switch (f) {
  case 0: return !(a >= sin(b));
  case 1: return !(a < sin(b));
  case 2: return !(a >= 0.5 + 0.3 * sin(3.0 * pi * b));
  default: return !(a < 0.5 + 0.3 * sin(3.0 * pi * b));
  }
}

static double sn_label_of(const sl_stream *s, const double *x) {
  return sn_label(s->obj.param[SN_FUNCTION].i, x[0], x[1]);
}

static void sn_row(sl_stream *s, double *x, double *y) {
  const sl__pval *p = s->obj.param;
  unsigned tries = 0;
  int label;
  do {
    x[0] = sl__rng_uniform(&s->rng);
    x[1] = sl__rng_uniform(&s->rng);
    label = sn_label(p[SN_FUNCTION].i, x[0], x[1]);
  } while (!sl__stream_accept(s, (int)p[SN_BALANCE].i, label, &tries));
  if (p[SN_HAS_NOISE].i) {
    x[2] = sl__rng_uniform(&s->rng);
    x[3] = sl__rng_uniform(&s->rng);
  }
  *y = label;
}

static size_t sn_n_features(const sl_stream *s) { return s->obj.param[SN_HAS_NOISE].i ? 4 : 2; }
static size_t sn_n_classes(const sl_stream *s) { (void)s; return 2; }

static sl_status sn_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  (void)args;
  return sl__stream_build(out, &sl__sine_kind, params, r, a);
}

static const sl__stream_ops sn_ops = {sn_n_features, sn_n_classes, NULL, NULL, NULL, NULL, sn_row, sn_label_of};

const sl__kind sl__sine_kind = SL__STREAM_KIND(SL_STREAM_SINE, "sine", sn_params, sn_build, sn_ops);
