/* Prequential metrics of one model: faded sums and a sliding window of
 * the last `cap` labels. Classifiers: err = 0 / 1 miss, loss = log loss;
 * regressors: err = |error|, loss = squared error. */
#include "pipeline_impl.h"

sl_status sl__metric_init(sl__metric *mt, sl__mem *m, size_t cap) {
  SL__MEMSET(mt, 0, sizeof *mt);
  if (!(mt->ring = (double *)sl__alloc_array(m, cap, 2 * sizeof *mt->ring))) return SL_ENOMEM;
  mt->cap = cap;
  return SL_OK;
}

void sl__metric_free(sl__metric *mt, sl__mem *m) {
  sl__free(m, mt->ring, mt->cap * 2 * sizeof *mt->ring);
  SL__MEMSET(mt, 0, sizeof *mt);
}

/* Sums the ring again from scratch, so rounding never builds up. */
static void resum(sl__metric *mt) {
  size_t i;
  mt->w_err = mt->w_loss = 0.0;
  for (i = 0; i < mt->filled; i++) {
    mt->w_err += mt->ring[2 * i];
    mt->w_loss += mt->ring[2 * i + 1];
  }
}

void sl__metric_push(sl__metric *mt, double err, double loss, double fading) {
  double *slot = mt->ring + 2 * mt->pos;
  mt->f_err = fading * mt->f_err + err;
  mt->f_loss = fading * mt->f_loss + loss;
  mt->f_n = fading * mt->f_n + 1.0;
  mt->n++;
  if (mt->filled == mt->cap) {
    mt->w_err -= slot[0];
    mt->w_loss -= slot[1];
  } else {
    mt->filled++;
  }
  slot[0] = err;
  slot[1] = loss;
  mt->w_err += err;
  mt->w_loss += loss;
  if (++mt->pos == mt->cap) {
    mt->pos = 0;
    resum(mt);
  }
}

/* accuracy, log loss, MAE, RMSE from mean err / mean loss. */
static void four(sl_model_task task, double err, double loss, double n, double *out) {
  out[0] = out[1] = out[2] = out[3] = NAN;
  if (n <= 0) return;
  if (task == SL_TASK_CLASSIFICATION) {
    out[0] = 1.0 - err / n;
    out[1] = loss / n;
  } else {
    out[2] = err / n;
    out[3] = sqrt(loss / n);
  }
}

void sl__metric_read(const sl__metric *mt, sl_model_task task, double *fading4, double *window4) {
  four(task, mt->f_err, mt->f_loss, mt->n ? mt->f_n : 0.0, fading4);
  four(task, mt->w_err, mt->w_loss, (double)mt->filled, window4);
}

double sl__metric_score(const sl__metric *mt, sl_model_task task) {
  double f[4], w[4];
  sl__metric_read(mt, task, f, w);
  return task == SL_TASK_CLASSIFICATION ? w[0] : -w[2];
}

void sl__metric_save(const sl__metric *mt, sl__writer *w) {
  size_t i;
  sl__put_f64(w, mt->f_err);
  sl__put_f64(w, mt->f_loss);
  sl__put_f64(w, mt->f_n);
  sl__put_u64(w, mt->n);
  sl__put_u64(w, mt->pos);
  sl__put_u64(w, mt->filled);
  sl__put_f64(w, mt->w_err);
  sl__put_f64(w, mt->w_loss);
  for (i = 0; i < 2 * mt->filled; i++) sl__put_f64(w, mt->ring[i]);
}

void sl__metric_load(sl__metric *mt, sl__reader *r) {
  size_t i;
  mt->f_err = sl__get_finite(r);
  mt->f_loss = sl__get_finite(r);
  mt->f_n = sl__get_finite(r);
  mt->n = sl__get_u64(r);
  mt->pos = (size_t)sl__get_count(r, mt->cap - 1);
  mt->filled = (size_t)sl__get_count(r, mt->cap);
  mt->w_err = sl__get_finite(r);
  mt->w_loss = sl__get_finite(r);
  sl__expect(r, mt->f_err >= 0 && mt->f_loss >= 0 && mt->f_n >= 0 && mt->filled <= mt->n &&
                    (mt->filled == mt->cap || mt->pos == mt->filled) && (mt->n == 0) == (mt->f_n == 0));
  for (i = 0; i < 2 * mt->filled && r->st == SL_OK; i++) {
    mt->ring[i] = sl__get_finite(r);
    sl__expect(r, mt->ring[i] >= 0);
  }
}
