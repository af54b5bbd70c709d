/*
 * STAGGER concepts (Schlimmer & Granger 1986; River STAGGER, MOA
 * STAGGERGenerator): nominal size (small, medium, large), color (red,
 * blue, green) and shape (circle, square, triangle), coded 0-2, uniform.
 * Concept 0: size small and color red; 1: color green or shape circle;
 * 2: size medium or large. Balanced classes on request.
 */
#include "stream_impl.h"

enum { ST_SEED, ST_FUNCTION, ST_BALANCE };

static const sl_param_info st_params[] = {
    SL__STREAM_SEED_PARAM("seed"),
    {"classification_function", SL_PARAM_INT, 0, 0, 2, NULL, "which of the three concepts labels the rows", 0},
    {"balance_classes", SL_PARAM_BOOL, 0, 0, 1, NULL, "alternate the classes 1, 0, 1, ...", 0},
};

static const char *const st_names[3] = {"size", "color", "shape"};

static int st_label(int64_t f, int size, int color, int shape) {
  if (f == 0) return size == 0 && color == 0;
  if (f == 1) return color == 2 || shape == 0;
  return size == 1 || size == 2;
}

static double st_label_of(const sl_stream *s, const double *x) {
  return st_label(s->obj.param[ST_FUNCTION].i, (int)x[0], (int)x[1], (int)x[2]);
}

static void st_row(sl_stream *s, double *x, double *y) {
  const sl__pval *p = s->obj.param;
  unsigned tries = 0;
  int size, color, shape, label;
  do {
    size = (int)sl__rng_below(&s->rng, 3);
    color = (int)sl__rng_below(&s->rng, 3);
    shape = (int)sl__rng_below(&s->rng, 3);
    label = st_label(p[ST_FUNCTION].i, size, color, shape);
  } while (!sl__stream_accept(s, (int)p[ST_BALANCE].i, label, &tries));
  x[0] = size;
  x[1] = color;
  x[2] = shape;
  *y = label;
}

static size_t st_n_features(const sl_stream *s) { (void)s; return 3; }
static size_t st_n_classes(const sl_stream *s) { (void)s; return 2; }
static unsigned st_nominal(const sl_stream *s, size_t i) { (void)s; (void)i; return 3; }

static sl_status st_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  (void)args;
  return sl__stream_build(out, &sl__stagger_kind, params, r, a);
}

static const sl__stream_ops st_ops = {st_n_features, st_n_classes, st_nominal, st_names,
                                      NULL, NULL, st_row, st_label_of};

const sl__kind sl__stagger_kind = SL__STREAM_KIND(SL_STREAM_STAGGER, "stagger", st_params, st_build, st_ops);
