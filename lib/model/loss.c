/*
 * Losses of the linear kinds: gradients with respect to the raw score, in
 * River's conventions (so the same data and parameters give the same
 * numbers), and VW's importance-invariant updates. All in double: these are
 * scalars per example and conformance needs their precision.
 */
#include "linear.h"

double sl__sigmoid(double x) {
  if (x < -30) return 0.0; /* River clamps, and conformance follows it */
  if (x > 30) return 1.0;
  return 1.0 / (1.0 + exp(-x));
}

double sl__loss_gradient(int loss, double huber_eps, double y, double score) {
  double ys, z, r;
  switch (loss) {
  case SL__LOSS_SQUARED: return 2.0 * (score - y);
  case SL__LOSS_HUBER:
    r = score - y;
    if (fabs(r) <= huber_eps) return r;
    return r > 0.0 ? huber_eps : -huber_eps;
  case SL__LOSS_LOG:
    ys = y == 0.0 ? -1.0 : 1.0;
    z = score * ys;
    if (z > 18.0) return exp(-z) * -ys; /* River's tails, kept for identical results */
    if (z < -18.0) return -ys;
    return -ys / (exp(z) + 1.0);
  default: /* hinge, threshold 1; a point on the margin counts as a violation */
    ys = 2.0 * y - 1.0;
    return ys * score <= 1.0 ? -ys : 0.0;
  }
}

/* u with u + e^u = x (u = x - W(e^x), W the Lambert function), by Newton
 * from the right of the root, where the convex f(u) = u + e^u - x makes the
 * iterates decrease monotonically onto it. */
static double solve_u_plus_exp_u(double x) {
  double u = x > 1.0 ? log(x) : x;
  int i;
  for (i = 0; i < 64; i++) {
    double e = exp(u), step = (u + e - x) / (1.0 + e);
    u -= step;
    if (fabs(step) <= 1e-15 * (1.0 + fabs(u))) break;
  }
  return u;
}

double sl__loss_invariant_update(int loss, double huber_eps, double y, double score, double scale,
                                 double ppu) {
  double ys, err, h = scale * ppu;
  switch (loss) {
  case SL__LOSS_SQUARED:
    /* Exact solution of dp/dh = -2 (p - y) ppu over h = scale; first order
     * when the exponential would cancel catastrophically. */
    if (h < 1e-6) return 2.0 * (y - score) * scale;
    return (y - score) * (1.0 - exp(-2.0 * h)) / ppu;
  case SL__LOSS_LOG:
    ys = y == 0.0 ? -1.0 : 1.0;
    /* First order for small steps, and for scores so confident that the
     * gradient (below e^-30) does not matter and exp would overflow. */
    if (h < 1e-6 || ys * score > 30.0) return ys * scale / (1.0 + exp(ys * score));
    /* The score p' after the flow solves ys p' + e^(ys p') = ys p + e^(ys p) + h. */
    return (ys * solve_u_plus_exp_u(h + ys * score + exp(ys * score)) - score) / ppu;
  case SL__LOSS_HINGE:
    ys = 2.0 * y - 1.0;
    if (ys * score >= 1.0) return 0.0;
    err = 1.0 - ys * score; /* never step past the margin */
    return ys * (h < err ? scale : err / ppu);
  default: return -sl__loss_gradient(loss, huber_eps, y, score) * scale;
  }
}
