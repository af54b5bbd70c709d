package streamlearn

/*
#include "streamlearn.h"

// Describes every node of a tree in one call (sl_model_tree_node for i =
// 0, 1, ...) into arrays of `cap`; `*n` receives the node count.
static sl_status gsl_tree_nodes(const sl_model *m, int *kind, size_t *depth, size_t *feature, double *value,
                                size_t cap, size_t *n) {
  size_t i;
  for (i = 0;; i++) {
    int k;
    size_t d, f;
    double v;
    sl_status st = sl_model_tree_node(m, i, &k, &d, &f, &v);
    if (st == SL_ENOTFOUND) break;
    if (st != SL_OK) return st;
    if (i < cap) {
      kind[i] = k;
      depth[i] = d;
      feature[i] = f;
      value[i] = v;
    }
  }
  *n = i;
  return i <= cap ? SL_OK : SL_EBUFFER;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// ModelKind selects an online learner.
type ModelKind int

// Model kinds (sl_model_kind).
const (
	LinearRegression      ModelKind = C.SL_MODEL_LINEAR_REGRESSION       // squared or Huber loss
	LogisticRegression    ModelKind = C.SL_MODEL_LOGISTIC_REGRESSION     // binary, log loss
	SoftmaxRegression     ModelKind = C.SL_MODEL_SOFTMAX_REGRESSION      // multiclass, cross-entropy
	LinearSVM             ModelKind = C.SL_MODEL_LINEAR_SVM              // binary, hinge loss
	PAClassifier          ModelKind = C.SL_MODEL_PA_CLASSIFIER           // passive-aggressive, binary
	PARegressor           ModelKind = C.SL_MODEL_PA_REGRESSOR            // passive-aggressive regression
	EWCLinear             ModelKind = C.SL_MODEL_EWC_LINEAR              // linear regression + EWC penalty
	EWCLogistic           ModelKind = C.SL_MODEL_EWC_LOGISTIC            // logistic regression + EWC penalty
	HoeffdingTree         ModelKind = C.SL_MODEL_HOEFFDING_TREE          // VFDT classifier
	HoeffdingAdaptiveTree ModelKind = C.SL_MODEL_HOEFFDING_ADAPTIVE_TREE // HAT classifier
)

// String returns the kind's library name ("hoeffding_tree", ...).
func (k ModelKind) String() string { return kindName(modelType, int(k)) }

// Params returns the kind's parameter table (River's names and defaults).
func (k ModelKind) Params() []ParamInfo { return paramTable(modelType, int(k)) }

// ParseModelKind maps a library name to its kind; ErrKind if none.
func ParseModelKind(name string) (ModelKind, error) {
	k, err := kindFromName(modelType, name)
	return ModelKind(k), err
}

// Task says whether a model predicts a value or a class index.
type Task int

// Tasks.
const (
	Regression     Task = C.SL_TASK_REGRESSION
	Classification Task = C.SL_TASK_CLASSIFICATION
)

// Model is one online learner over a fixed number of features. Targets of
// classifiers are class indices as float64 (0, 1, 2, ...). Learning and
// predicting allocate nothing in C; batch calls cross into C once.
// Not safe for concurrent use: see the package doc.
type Model struct {
	handle
	n int // features
}

func (m *Model) c() *C.sl_model { return (*C.sl_model)(m.p) }

// NewModel creates a model of kind over nFeatures inputs with default
// parameters changed by opts. Errors: ErrInvalid (nFeatures 0 or above
// 2^30), ErrKind, ErrNoMemory, and the parameter errors of Set.
func NewModel(kind ModelKind, nFeatures int, opts ...Option) (*Model, error) {
	if nFeatures <= 0 {
		return nil, newError("NewModel", C.SL_EINVAL, "nFeatures must be positive")
	}
	var p *C.sl_model
	if st := C.sl_model_new(&p, C.sl_model_kind(kind), C.size_t(nFeatures), nil); st != C.SL_OK {
		return nil, newError("NewModel", st, "")
	}
	return wrapModel(unsafe.Pointer(p), opts)
}

// LoadModel makes a model from a checkpoint written by Model.Save; it
// predicts and learns exactly as the saved one would have. Errors as
// LoadDrift.
func LoadModel(data []byte) (*Model, error) {
	p, err := load(modelType, data)
	if err != nil {
		return nil, err
	}
	return wrapModel(p, nil)
}

func wrapModel(p unsafe.Pointer, opts []Option) (*Model, error) {
	m := &Model{}
	m.own(modelType, p)
	runtime.SetFinalizer(m, (*Model).Close)
	var nf C.size_t
	C.sl_model_info(m.c(), nil, &nf)
	m.n = int(nf)
	if err := m.apply(opts); err != nil {
		return nil, err
	}
	return m, nil
}

// Kind returns the model's kind.
func (m *Model) Kind() ModelKind { return ModelKind(m.kindID()) }

// NumFeatures returns the input dimension, fixed for the model's life.
func (m *Model) NumFeatures() int { return m.n }

// Task returns Regression or Classification.
func (m *Model) Task() Task {
	var t C.sl_model_task
	if m.p != nil {
		C.sl_model_info(m.c(), &t, nil)
	}
	runtime.KeepAlive(m)
	return Task(t)
}

func ptr(x []float64) *C.double {
	if len(x) == 0 {
		return nil
	}
	return (*C.double)(unsafe.Pointer(&x[0]))
}

// Learn learns one example x (NumFeatures values) with target y and weight 1.
// Errors: ErrDim, ErrNonFinite (also when the update itself would make the
// model non-finite: it is rolled back), ErrInvalid (a class label that is
// not a valid index). On error the model is unchanged.
func (m *Model) Learn(x []float64, y float64) error { return m.LearnWeighted(x, y, 1) }

// LearnWeighted is Learn with weight w (>= 0).
func (m *Model) LearnWeighted(x []float64, y, w float64) error {
	if m.p == nil {
		return m.closed("Learn")
	}
	st := C.sl_model_learn(m.c(), ptr(x), C.size_t(len(x)), C.double(y), C.double(w))
	runtime.KeepAlive(m)
	return m.fail("Learn", st)
}

// PredictLearn is the prequential step in one call: the prediction for x
// (as Predict), then Learn(x, y) with weight 1, with exactly the results of
// the two calls in turn. When the update is refused (ErrNonFinite, a
// diverging step rolled back) the prediction is still returned.
func (m *Model) PredictLearn(x []float64, y float64) (float64, error) {
	if m.p == nil {
		return 0, m.closed("PredictLearn")
	}
	var pred C.double
	st := C.sl_model_predict_learn(m.c(), ptr(x), C.size_t(len(x)), C.double(y), 1, &pred)
	runtime.KeepAlive(m)
	return float64(pred), m.fail("PredictLearn", st)
}

// rows checks a row-major batch X against n targets: it must hold n rows.
func (m *Model) rows(op string, X []float64, n int) error {
	if len(X) != n*m.n {
		return newError("Model."+op, C.SL_EDIM,
			fmt.Sprintf("X holds %d values: %d rows of %d features need %d", len(X), n, m.n, n*m.n))
	}
	return nil
}

// LearnMany learns len(y) examples in one call: X holds them row-major
// (len(y) * NumFeatures values), w their weights (nil: all 1). Every row is
// checked before any is learned: on error nothing was learned and the
// error's detail names the row.
func (m *Model) LearnMany(X, y, w []float64) error {
	if m.p == nil {
		return m.closed("LearnMany")
	}
	if err := m.rows("LearnMany", X, len(y)); err != nil {
		return err
	}
	if w != nil && len(w) != len(y) {
		return newError("Model.LearnMany", C.SL_EDIM, "w and y differ in length")
	}
	st := C.sl_model_learn_many(m.c(), ptr(X), C.size_t(len(y)), C.size_t(m.n), ptr(y), ptr(w))
	runtime.KeepAlive(m)
	return m.fail("LearnMany", st)
}

// Predict returns the value (regression) or the most probable class index
// (classification) for x. Errors: ErrDim, ErrNonFinite.
func (m *Model) Predict(x []float64) (float64, error) {
	if m.p == nil {
		return 0, m.closed("Predict")
	}
	var y C.double
	st := C.sl_model_predict(m.c(), ptr(x), C.size_t(len(x)), &y)
	runtime.KeepAlive(m)
	return float64(y), m.fail("Predict", st)
}

// PredictMany appends to dst the predictions for every row of X (row-major,
// a multiple of NumFeatures values), computed in one call, and returns the
// extended slice. Reusing dst[:0] makes it allocation-free.
func (m *Model) PredictMany(dst, X []float64) ([]float64, error) {
	if m.p == nil {
		return dst, m.closed("PredictMany")
	}
	rows := len(X) / m.n
	if err := m.rows("PredictMany", X, rows); err != nil {
		return dst, err
	}
	start := len(dst)
	dst = grow(dst, rows)
	if rows == 0 {
		return dst, nil
	}
	st := C.sl_model_predict_many(m.c(), ptr(X), C.size_t(rows), C.size_t(m.n), ptr(dst[start:]))
	runtime.KeepAlive(m)
	if st != C.SL_OK {
		return dst[:start], m.fail("PredictMany", st)
	}
	return dst, nil
}

// grow extends s by n elements, reallocating only when its capacity is short.
func grow(s []float64, n int) []float64 {
	if cap(s)-len(s) < n {
		t := make([]float64, len(s), len(s)+n)
		copy(t, s)
		s = t
	}
	return s[:len(s)+n]
}

// PredictProba writes the class probabilities for x into proba (one slot
// per class; classes beyond the model's known ones get 0). Errors: ErrDim,
// ErrNonFinite, ErrKind (a regression model), ErrInvalid (empty proba).
func (m *Model) PredictProba(x, proba []float64) error {
	if m.p == nil {
		return m.closed("PredictProba")
	}
	st := C.sl_model_predict_proba(m.c(), ptr(x), C.size_t(len(x)), ptr(proba), C.size_t(len(proba)))
	runtime.KeepAlive(m)
	return m.fail("PredictProba", st)
}

func sparse(idx []uint32, val []float64) (*C.uint32_t, *C.double, C.size_t, error) {
	if len(idx) != len(val) {
		return nil, nil, 0, newError("Model.sparse", C.SL_EDIM, "idx and val differ in length")
	}
	if len(idx) == 0 {
		return nil, nil, 0, nil
	}
	return (*C.uint32_t)(unsafe.Pointer(&idx[0])), ptr(val), C.size_t(len(idx)), nil
}

// LearnSparse learns one sparse example (linear kinds): the (idx[i], val[i])
// pairs over NumFeatures weights (repeats add up; the hashing trick: hash
// feature names with Hash modulo NumFeatures). ErrDim for an index out of
// range, ErrKind for a tree.
func (m *Model) LearnSparse(idx []uint32, val []float64, y, w float64) error {
	if m.p == nil {
		return m.closed("LearnSparse")
	}
	ci, cv, n, err := sparse(idx, val)
	if err != nil {
		return err
	}
	st := C.sl_model_learn_sparse(m.c(), ci, cv, n, C.double(y), C.double(w))
	runtime.KeepAlive(m)
	return m.fail("LearnSparse", st)
}

// PredictSparse predicts for a sparse example (see LearnSparse).
func (m *Model) PredictSparse(idx []uint32, val []float64) (float64, error) {
	if m.p == nil {
		return 0, m.closed("PredictSparse")
	}
	ci, cv, n, err := sparse(idx, val)
	if err != nil {
		return 0, err
	}
	var y C.double
	st := C.sl_model_predict_sparse(m.c(), ci, cv, n, &y)
	runtime.KeepAlive(m)
	return float64(y), m.fail("PredictSparse", st)
}

// Reset forgets everything learned, keeping the parameters.
func (m *Model) Reset() error {
	if m.p == nil {
		return m.closed("Reset")
	}
	st := C.sl_model_reset(m.c())
	runtime.KeepAlive(m)
	return m.fail("Reset", st)
}

// Weights returns the weights of a linear kind: for each output (class) in
// turn its NumFeatures weights, then one intercept per output. ErrKind for
// a tree.
func (m *Model) Weights() ([]float64, error) {
	if m.p == nil {
		return nil, m.closed("Weights")
	}
	var n C.size_t
	st := C.sl_model_weights(m.c(), nil, 0, &n)
	if st != C.SL_OK && st != C.SL_EBUFFER {
		return nil, m.fail("Weights", st)
	}
	w := make([]float64, int(n))
	st = C.sl_model_weights(m.c(), ptr(w), n, &n)
	runtime.KeepAlive(m)
	return w, m.fail("Weights", st)
}

// SetWeights sets the weights and intercepts (the layout of Weights): a warm
// start. Errors: ErrDim, ErrNonFinite, ErrState (optimizer ftrl), ErrKind.
func (m *Model) SetWeights(w []float64) error {
	if m.p == nil {
		return m.closed("SetWeights")
	}
	st := C.sl_model_set_weights(m.c(), ptr(w), C.size_t(len(w)))
	runtime.KeepAlive(m)
	return m.fail("SetWeights", st)
}

// Consolidate closes the current task of an EWC kind: the Fisher estimate
// and the anchor weights take in what was learned. ErrKind for other kinds.
func (m *Model) Consolidate() error {
	if m.p == nil {
		return m.closed("Consolidate")
	}
	st := C.sl_model_consolidate(m.c())
	runtime.KeepAlive(m)
	return m.fail("Consolidate", st)
}

// SetNominal declares features nominal (tree kinds; their values are
// category indices), the rest numeric. Before the first Learn (ErrState
// after). ErrDim for an index out of range, ErrKind for a linear kind.
func (m *Model) SetNominal(features ...int) error {
	if m.p == nil {
		return m.closed("SetNominal")
	}
	f := make([]C.size_t, len(features))
	for i, v := range features {
		if v < 0 {
			return newError("Model.SetNominal", C.SL_EDIM, "negative feature index")
		}
		f[i] = C.size_t(v)
	}
	var fp *C.size_t
	if len(f) > 0 {
		fp = &f[0]
	}
	st := C.sl_model_set_nominal(m.c(), fp, C.size_t(len(f)))
	runtime.KeepAlive(m)
	return m.fail("SetNominal", st)
}

// TreeNode describes one node of a Hoeffding tree (see Model.TreeNodes).
type TreeNode struct {
	Kind    int     // 0 leaf, 1 numeric split, 2 nominal binary split, 3 nominal multiway split
	Depth   int     // from the root (0)
	Feature int     // the split's feature
	Value   float64 // leaf: weight seen; numeric: threshold (x <= Value goes first); nominal binary: the value going first; multiway: children
}

// TreeNodes lists the nodes of a tree kind in preorder (root first, then each
// child's subtree in branch order; alternate subtrees are not listed).
// ErrKind for a linear kind.
func (m *Model) TreeNodes() ([]TreeNode, error) {
	if m.p == nil {
		return nil, m.closed("TreeNodes")
	}
	for capacity := 64; ; {
		kind := make([]C.int, capacity)
		depth := make([]C.size_t, capacity)
		feat := make([]C.size_t, capacity)
		val := make([]float64, capacity)
		var n C.size_t
		st := C.gsl_tree_nodes(m.c(), &kind[0], &depth[0], &feat[0], ptr(val), C.size_t(capacity), &n)
		runtime.KeepAlive(m)
		if st == C.SL_EBUFFER {
			capacity = int(n)
			continue
		}
		if st != C.SL_OK {
			return nil, m.fail("TreeNodes", st)
		}
		out := make([]TreeNode, int(n))
		for i := range out {
			out[i] = TreeNode{int(kind[i]), int(depth[i]), int(feat[i]), val[i]}
		}
		return out, nil
	}
}

// Hash is the library's deterministic 64-bit hash (sl_hash_bytes), the same
// on every platform: for hashing feature names into sparse indices.
func Hash(data []byte, seed uint64) uint64 {
	var p unsafe.Pointer
	if len(data) > 0 {
		p = unsafe.Pointer(&data[0])
	}
	return uint64(C.sl_hash_bytes(p, C.size_t(len(data)), C.uint64_t(seed)))
}
