package streamlearn

import (
	"math"
	"reflect"
	"testing"

	"github.com/streamlearn/streamlearn-go/internal/cref"
)

// streamRows draws rows from a generator through the binding.
func streamRows(t testing.TB, kind StreamKind, rows int, opts ...Option) (X, y []float64, nf int) {
	s, err := NewStream(kind, opts...)
	must(t, err)
	defer s.Close()
	info, err := s.Info()
	must(t, err)
	X, y = make([]float64, rows*info.NumFeatures), make([]float64, rows)
	must(t, s.Next(X, y))
	return X, y, info.NumFeatures
}

// The binding's per-event and batch calls give bit-identical predictions to
// a prequential loop written against the C API, for linear and tree kinds.
func TestModelAgreesWithTheCLibrary(t *testing.T) {
	cases := []struct {
		kind         ModelKind
		stream       StreamKind
		param, value string
	}{
		{LogisticRegression, SEA, "", ""},
		{LinearSVM, SEA, "optimizer", "adam"},
		{LinearRegression, Friedman, "l2", "0.01"},
		{PARegressor, Friedman, "", ""},
		{SoftmaxRegression, LED, "n_classes", "10"},
		{HoeffdingTree, Agrawal, "grace_period", "50"},
		{HoeffdingAdaptiveTree, SEA, "leaf_prediction", "nb"},
	}
	for _, c := range cases {
		X, y, nf := streamRows(t, c.stream, 3000)
		want, err := cref.Prequential(int(c.kind), nf, c.param, c.value, X, y)
		must(t, err)
		var opts []Option
		if c.param != "" {
			opts = append(opts, Param(c.param, c.value))
		}
		m, err := NewModel(c.kind, nf, opts...)
		must(t, err)
		got := make([]float64, len(y))
		for i := range y {
			row := X[i*nf : (i+1)*nf]
			got[i], err = m.Predict(row)
			must(t, err)
			must(t, m.Learn(row, y[i]))
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: per-event predictions differ from the C loop", c.kind)
		}
		fused, err := NewModel(c.kind, nf, opts...)
		must(t, err)
		for i := range y {
			got[i], err = fused.PredictLearn(X[i*nf:(i+1)*nf], y[i])
			must(t, err)
		}
		fused.Close()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: PredictLearn differs from the C loop", c.kind)
		}
		// learned in one batch: the same model, so the same predictions on every row
		b, err := NewModel(c.kind, nf, opts...)
		must(t, err)
		must(t, b.LearnMany(X, y, nil))
		p1, err := m.PredictMany(nil, X)
		must(t, err)
		p2, err := b.PredictMany(make([]float64, 0, len(y)), X)
		must(t, err)
		if !reflect.DeepEqual(p1, p2) || len(p1) != len(y) {
			t.Fatalf("%s: LearnMany / PredictMany differ from per-event learning", c.kind)
		}
		for i := 0; i < len(y); i += 97 {
			v, err := m.Predict(X[i*nf : (i+1)*nf])
			must(t, err)
			if v != p1[i] {
				t.Fatalf("%s: PredictMany row %d = %v, Predict %v", c.kind, i, p1[i], v)
			}
		}
		m.Close()
		b.Close()
	}
}

func TestModelCheckpointResumesExactly(t *testing.T) {
	for _, kind := range []ModelKind{LogisticRegression, EWCLogistic, HoeffdingTree, HoeffdingAdaptiveTree} {
		X, y, nf := streamRows(t, SEA, 4000)
		m, err := NewModel(kind, nf)
		must(t, err)
		must(t, m.LearnMany(X[:2000*nf], y[:2000], nil))
		buf, err := m.Save()
		must(t, err)
		l, err := LoadModel(buf)
		must(t, err)
		if l.Kind() != kind || l.NumFeatures() != nf || l.Task() != Classification {
			t.Fatalf("%s: loaded %s %d %d", kind, l.Kind(), l.NumFeatures(), l.Task())
		}
		must(t, m.LearnMany(X[2000*nf:], y[2000:], nil))
		must(t, l.LearnMany(X[2000*nf:], y[2000:], nil))
		a, _ := m.PredictMany(nil, X)
		b, _ := l.PredictMany(nil, X)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: a loaded model learns differently", kind)
		}
		pa, pb := make([]float64, 2), make([]float64, 2)
		must(t, m.PredictProba(X[:nf], pa))
		must(t, l.PredictProba(X[:nf], pb))
		if pa[0] != pb[0] || math.Abs(pa[0]+pa[1]-1) > 1e-9 {
			t.Fatalf("%s: proba %v %v", kind, pa, pb)
		}
		m.Close()
		l.Close()
	}
}

func TestModelErrorsLeaveItUnchanged(t *testing.T) {
	m, err := NewModel(LogisticRegression, 3)
	must(t, err)
	defer m.Close()
	must(t, m.Learn([]float64{1, 2, 3}, 1))
	before, err := m.Weights()
	must(t, err)
	wantStatus(t, m.Learn([]float64{1, 2}, 1), ErrDim)
	wantStatus(t, m.Learn([]float64{1, math.NaN(), 3}, 1), ErrNonFinite)
	wantStatus(t, m.Learn([]float64{1, 2, 3}, 2), ErrInvalid)
	wantStatus(t, m.LearnWeighted([]float64{1, 2, 3}, 1, -1), ErrInvalid)
	err = m.LearnMany([]float64{1, 2, 3, 4, 5, math.Inf(1)}, []float64{0, 1}, nil)
	wantStatus(t, err, ErrNonFinite)
	wantStatus(t, m.LearnMany([]float64{1, 2, 3}, []float64{0, 1}, nil), ErrDim)
	wantStatus(t, m.LearnMany([]float64{1, 2, 3}, []float64{0}, []float64{1, 1}), ErrDim)
	_, err = m.PredictMany(nil, []float64{1, 2, 3, 4})
	wantStatus(t, err, ErrDim)
	_, err = m.Predict(nil) // a nil row reaches C as NULL
	wantStatus(t, err, ErrInvalid)
	after, err := m.Weights()
	must(t, err)
	if !reflect.DeepEqual(before, after) {
		t.Fatal("a refused learn changed the weights")
	}
	wantStatus(t, m.SetNominal(0), ErrKind)
	_, err = m.TreeNodes()
	wantStatus(t, err, ErrKind)
	wantStatus(t, m.Consolidate(), ErrKind)
	r, err := NewModel(LinearRegression, 2)
	must(t, err)
	defer r.Close()
	wantStatus(t, r.PredictProba([]float64{1, 2}, make([]float64, 2)), ErrKind)
	_, err = NewModel(LinearRegression, 0)
	wantStatus(t, err, ErrInvalid)
	_, err = NewModel(ModelKind(42), 2)
	wantStatus(t, err, ErrKind)
	_, err = NewModel(HoeffdingTree, 2, Param("split_criterion", "entropy?"))
	wantStatus(t, err, ErrRange)
}

func TestModelWeightsSparseAndEWC(t *testing.T) {
	m, err := NewModel(LinearRegression, 4)
	must(t, err)
	defer m.Close()
	w := []float64{1, 2, 3, 4, 0.5}
	must(t, m.SetWeights(w))
	got, err := m.Weights()
	must(t, err)
	if !reflect.DeepEqual(got, w) {
		t.Fatalf("weights %v", got)
	}
	dense, err := m.Predict([]float64{0, 1, 0, 2})
	must(t, err)
	sp, err := m.PredictSparse([]uint32{1, 3}, []float64{1, 2})
	must(t, err)
	if dense != 10.5 || sp != dense {
		t.Fatalf("dense %v sparse %v", dense, sp)
	}
	_, err = m.PredictSparse([]uint32{4}, []float64{1})
	wantStatus(t, err, ErrDim)
	_, err = m.PredictSparse([]uint32{1}, nil)
	wantStatus(t, err, ErrDim)
	must(t, m.LearnSparse([]uint32{uint32(Hash([]byte("price"), 0) % 4)}, []float64{1}, 3, 1))
	wantStatus(t, m.SetWeights(w[:3]), ErrDim)
	if Hash([]byte("price"), 0) != Hash([]byte("price"), 0) || Hash(nil, 1) == Hash(nil, 2) {
		t.Fatal("hash")
	}

	e, err := NewModel(EWCLinear, 2, Param("ewc_lambda", 10.0))
	must(t, err)
	defer e.Close()
	for i := 0; i < 200; i++ {
		x := float64(i%10) / 10
		must(t, e.Learn([]float64{x, 1 - x}, 2*x))
	}
	must(t, e.Consolidate())
	if c, _ := e.Stat("consolidations"); c != 1 {
		t.Fatalf("consolidations %v", c)
	}
}

func TestTreeNodesAndNominal(t *testing.T) {
	m, err := NewModel(HoeffdingTree, 3, Param("grace_period", 50), Param("max_classes", 2))
	must(t, err)
	defer m.Close()
	must(t, m.SetNominal(2))
	for i := 0; i < 3000; i++ {
		x := []float64{float64(i%17) / 17, float64(i%5) / 5, float64(i % 3)}
		y := 0.0
		if x[0] > 0.5 {
			y = 1
		}
		must(t, m.Learn(x, y))
	}
	wantStatus(t, m.SetNominal(1), ErrState)
	nodes, err := m.TreeNodes()
	must(t, err)
	if len(nodes) < 3 || nodes[0].Kind != 1 || nodes[0].Feature != 0 || nodes[1].Depth != 1 {
		t.Fatalf("nodes %+v", nodes)
	}
	if n, _ := m.Stat("nodes"); int(n) != len(nodes) {
		t.Fatalf("%d nodes listed, stat says %v", len(nodes), n)
	}
	y, err := m.Predict([]float64{0.9, 0, 1})
	must(t, err)
	if y != 1 {
		t.Fatalf("predicted %v", y)
	}
}
