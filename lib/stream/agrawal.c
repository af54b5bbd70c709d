/*
 * Agrawal et al. 1993, "Database mining: a performance perspective" (River
 * Agrawal, MOA AgrawalGenerator): loan applicants with nine features and
 * ten classification functions. Features and labels follow River (label 1
 * = the paper's group A; hvalue = (8 - zipcode) * 1e5 * U(0.5, 1.5);
 * commission 10000 + 75000 U when salary < 75000). Two deviations, both
 * fixes of River slips (docs/streams.md):
 *   - function 4 tests the loan in every branch, as the paper and MOA do
 *     (River compares the salary with 200000..500000, which never holds);
 *   - perturbation moves hvalue by +-perturbation of its zipcode's range and
 *     keeps it in that range (River passes the bounds in the wrong order,
 *     which pins every perturbed hvalue to (9 - zipcode) * 1e5).
 */
#include "stream_impl.h"

enum { AG_SEED, AG_FUNCTION, AG_BALANCE, AG_PERTURBATION };
enum { SALARY, COMMISSION, AGE, ELEVEL, CAR, ZIPCODE, HVALUE, HYEARS, LOAN, AG_NF };

static const sl_param_info ag_params[] = {
    SL__STREAM_SEED_PARAM("seed"),
    {"classification_function", SL_PARAM_INT, 0, 0, 9, NULL, "which of the ten concepts labels the rows", 0},
    {"balance_classes", SL_PARAM_BOOL, 0, 0, 1, NULL, "alternate the classes 1, 0, 1, ...", 0},
    {"perturbation", SL_PARAM_DOUBLE, 0, 0, 1, NULL, "noise on numeric features, as a fraction of their range", 0},
};

static const char *const ag_names[AG_NF] = {"salary", "commission", "age",   "elevel", "car",
                                            "zipcode", "hvalue",     "hyears", "loan"};

static int in(double lo, double v, double hi) { return lo <= v && v <= hi; }

/* Label of the row `x` under function `f` (0-9); 1 = group A. */
static int ag_label(int f, const double *x) {
  double sal = x[SALARY], age = x[AGE], el = x[ELEVEL], loan = x[LOAN], total = sal + x[COMMISSION];
  double equity = 0.0;
  switch (f) {
  case 0: return age < 40 || 60 <= age;
  case 1:
    if (age < 40) return in(50000, sal, 100000);
    if (age < 60) return in(75000, sal, 125000);
    return in(25000, sal, 75000);
  case 2:
    if (age < 40) return el == 0 || el == 1;
    if (age < 60) return el >= 1 && el <= 3;
    return el >= 2 && el <= 4;
  case 3:
    if (age < 40) return (el == 0 || el == 1) ? in(25000, sal, 75000) : in(50000, sal, 100000);
    if (age < 60) return (el >= 1 && el <= 3) ? in(50000, sal, 100000) : in(75000, sal, 125000);
    return (el >= 2 && el <= 4) ? in(50000, sal, 100000) : in(25000, sal, 75000);
  case 4:
    if (age < 40) return in(50000, sal, 100000) ? in(100000, loan, 300000) : in(200000, loan, 400000);
    if (age < 60) return in(75000, sal, 125000) ? in(200000, loan, 400000) : in(300000, loan, 500000);
    return in(25000, sal, 75000) ? in(300000, loan, 500000) : in(75000, loan, 300000);
  case 5:
    if (age < 40) return in(50000, total, 100000);
    if (age < 60) return in(75000, total, 125000);
    return in(25000, total, 75000);
  case 6: return !(2.0 * total / 3.0 - loan / 5.0 - 20000.0 > 1.0);
  case 7: return !(2.0 * total / 3.0 - 5000.0 * el - 20000.0 > 1.0);
  case 8: return !(2.0 * total / 3.0 - 5000.0 * el - loan / 5.0 - 10000.0 > 1.0);
  default:
    if (x[HYEARS] >= 20) equity = x[HVALUE] * (x[HYEARS] - 20.0) / 10.0;
    return !(2.0 * total / 3.0 - 5000.0 * el + equity / 5.0 - 10000.0 > 1.0);
  }
}

static double ag_label_of(const sl_stream *s, const double *x) {
  return ag_label((int)s->obj.param[AG_FUNCTION].i, x);
}

static void ag_draw(sl__rng *g, double *x) {
  double u;
  x[SALARY] = 20000.0 + 130000.0 * sl__rng_uniform(g);
  x[COMMISSION] = x[SALARY] >= 75000.0 ? 0.0 : 10000.0 + 75000.0 * sl__rng_uniform(g);
  x[AGE] = (double)(20 + sl__rng_below(g, 61));
  x[ELEVEL] = (double)sl__rng_below(g, 5);
  x[CAR] = (double)(1 + sl__rng_below(g, 20));
  x[ZIPCODE] = (double)sl__rng_below(g, 9);
  u = sl__rng_uniform(g);
  x[HVALUE] = (8.0 - x[ZIPCODE]) * 100000.0 * (0.5 + u);
  x[HYEARS] = (double)(1 + sl__rng_below(g, 30));
  x[LOAN] = sl__rng_uniform(g) * 500000.0;
}

/* v moved by up to +-frac of (hi - lo), kept in [lo, hi]. */
static double ag_perturb(sl__rng *g, double v, double lo, double hi, double frac) {
  v += (hi - lo) * (2.0 * (sl__rng_uniform(g) - 0.5)) * frac;
  return v < lo ? lo : v > hi ? hi : v;
}

static void ag_row(sl_stream *s, double *x, double *y) {
  const sl__pval *p = s->obj.param;
  double f = p[AG_PERTURBATION].d, hv;
  unsigned tries = 0;
  int label;
  do {
    ag_draw(&s->rng, x);
    label = ag_label((int)p[AG_FUNCTION].i, x);
  } while (!sl__stream_accept(s, (int)p[AG_BALANCE].i, label, &tries));
  if (f > 0.0) {
    x[SALARY] = ag_perturb(&s->rng, x[SALARY], 20000, 150000, f);
    if (x[COMMISSION] > 0) x[COMMISSION] = ag_perturb(&s->rng, x[COMMISSION], 10000, 85000, f);
    x[AGE] = floor(ag_perturb(&s->rng, x[AGE], 20, 80, f) + 0.5);
    hv = (8.0 - x[ZIPCODE]) * 100000.0;
    x[HVALUE] = ag_perturb(&s->rng, x[HVALUE], 0.5 * hv, 1.5 * hv, f);
    x[HYEARS] = floor(ag_perturb(&s->rng, x[HYEARS], 1, 30, f) + 0.5);
    x[LOAN] = ag_perturb(&s->rng, x[LOAN], 0, 500000, f);
  }
  *y = label;
}

static size_t ag_n_features(const sl_stream *s) { (void)s; return AG_NF; }
static size_t ag_n_classes(const sl_stream *s) { (void)s; return 2; }

static unsigned ag_nominal(const sl_stream *s, size_t i) {
  (void)s;
  return i == ELEVEL ? 5 : i == CAR ? 20 : i == ZIPCODE ? 9 : 0;
}

static sl_status ag_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  (void)args;
  return sl__stream_build(out, &sl__agrawal_kind, params, r, a);
}

static const sl__stream_ops ag_ops = {ag_n_features, ag_n_classes, ag_nominal, ag_names,
                                      NULL, NULL, ag_row, ag_label_of};

const sl__kind sl__agrawal_kind = SL__STREAM_KIND(SL_STREAM_AGRAWAL, "agrawal", ag_params, ag_build, ag_ops);
