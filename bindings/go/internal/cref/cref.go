// Package cref computes reference results through the C API directly, with
// no Go binding code in between: the tests compare the binding with it.
// It declares the library's functions and relies on package streamlearn
// (which the tests import) to link them.
package cref

/*
#cgo CFLAGS: -I${SRCDIR}/../../include -DSL_STATIC_DEFINE
#include <stdlib.h>
#include "streamlearn.h"

// Prequential loop in C: predict row i, then learn it; predictions to out.
static sl_status cref_prequential(int kind, size_t nf, const char *param, const char *value, const double *X,
                                  const double *y, size_t rows, double *out) {
  sl_model *m;
  size_t i;
  sl_status st = sl_model_new(&m, (sl_model_kind)kind, nf, NULL);
  if (st != SL_OK) return st;
  if (param) st = sl_model_set_str(m, param, value);
  for (i = 0; st == SL_OK && i < rows; i++) {
    st = sl_model_predict(m, X + i * nf, nf, &out[i]);
    if (st == SL_OK) st = sl_model_learn(m, X + i * nf, nf, y[i], 1.0);
  }
  sl_model_free(m);
  return st;
}

// One update at a time in C; drift indices to at (cap), their count to *n.
static sl_status cref_drift(int kind, const double *x, size_t n, size_t *at, size_t cap, size_t *nd) {
  sl_drift *d;
  size_t i;
  sl_status st = sl_drift_new(&d, (sl_drift_kind)kind, NULL);
  *nd = 0;
  for (i = 0; st == SL_OK && i < n; i++) {
    sl_drift_state s;
    st = sl_drift_update(d, x[i], &s);
    if (s == SL_DRIFT_DETECTED && *nd < cap) at[(*nd)++] = i;
  }
  sl_drift_free(d);
  return st;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Prequential returns, for each row of X (row-major, nf wide), the
// prediction a fresh model of kind made before learning that row, with
// parameter param set to value (param "" for none).
func Prequential(kind, nf int, param, value string, X, y []float64) ([]float64, error) {
	out := make([]float64, len(y))
	var cp, cv *C.char
	if param != "" {
		cp, cv = C.CString(param), C.CString(value)
		defer C.free(unsafe.Pointer(cp))
		defer C.free(unsafe.Pointer(cv))
	}
	st := C.cref_prequential(C.int(kind), C.size_t(nf), cp, cv, (*C.double)(&X[0]), (*C.double)(&y[0]),
		C.size_t(len(y)), (*C.double)(&out[0]))
	if st != C.SL_OK {
		return nil, fmt.Errorf("cref: status %d", int(st))
	}
	return out, nil
}

// DriftIndices feeds xs one value at a time to a fresh detector of kind and
// returns the indices where it detected drift.
func DriftIndices(kind int, xs []float64) ([]int, error) {
	at := make([]C.size_t, len(xs))
	var nd C.size_t
	st := C.cref_drift(C.int(kind), (*C.double)(&xs[0]), C.size_t(len(xs)), &at[0], C.size_t(len(xs)), &nd)
	if st != C.SL_OK {
		return nil, fmt.Errorf("cref: status %d", int(st))
	}
	out := make([]int, int(nd))
	for i := range out {
		out[i] = int(at[i])
	}
	return out, nil
}
