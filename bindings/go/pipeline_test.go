package streamlearn

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

// newPipeline: SEA rows as raw fields, a logistic regression champion.
func newPipeline(t testing.TB, opts ...Option) *Pipeline {
	p, err := NewPipeline(3, opts...)
	must(t, err)
	m, err := NewModel(LogisticRegression, 3)
	must(t, err)
	must(t, p.SetModel(m))
	if _, err := m.Predict([]float64{1, 2, 3}); !errors.Is(err, ErrInvalid) {
		t.Fatal("the attached model is still usable from Go")
	}
	return p
}

// With each label right after its event, the pipeline serves exactly the
// predictions of a model learning prequentially on its own.
func TestPipelineServesThePrequentialModel(t *testing.T) {
	X, y, nf := streamRows(t, SEA, 2000)
	p := newPipeline(t)
	defer p.Close()
	ref, err := NewModel(LogisticRegression, nf)
	must(t, err)
	defer ref.Close()
	var served []Prediction
	must(t, p.SetCallbacks(PipelineCallbacks{OnPrediction: func(pr Prediction) error {
		served = append(served, pr)
		return nil
	}}))
	for i := range y {
		row := X[i*nf : (i+1)*nf]
		pr, err := p.Push(Event{ID: uint64(i), Key: 1, TS: int64(i), Values: row})
		must(t, err)
		want, err := ref.PredictLearn(row, y[i])
		must(t, err)
		if pr.Y != want || pr.ID != uint64(i) || !math.IsNaN(pr.ChallengerY) {
			t.Fatalf("event %d: served %+v, model alone %v", i, pr, want)
		}
		must(t, p.PushLabel(uint64(i), y[i]))
	}
	if len(served) != 2000 || served[1999].ID != 1999 {
		t.Fatalf("%d predictions reported", len(served))
	}
	m, err := p.Metrics()
	must(t, err)
	if m.Events != 2000 || m.Labels != 2000 || m.ModelVersion != 1 || !(m.Accuracy > 0.8) || !math.IsNaN(m.MAE) {
		t.Fatalf("metrics %+v", m)
	}
	wantStatus(t, p.PushLabel(5, 1), ErrNotFound)
	_, err = p.Push(Event{ID: 9999, TS: 3000, Values: []float64{1, 2}})
	wantStatus(t, err, ErrDim)
	_, err = p.Push(Event{ID: 9999, TS: 3000, Values: []float64{1, math.NaN(), 2}})
	wantStatus(t, err, ErrNonFinite)
}

// Batches, a checkpoint in the middle, and a drift reported by callback.
func TestPipelineBatchesCheckpointAndDrift(t *testing.T) {
	const n = 4000
	X, y, _ := streamRows(t, SEA, n, Param("noise", 0.0))
	for i := n / 2; i < n; i++ {
		y[i] = 1 - y[i] // the concept flips half way: a drift
	}
	ids, keys, ts := make([]uint64, n), make([]uint64, n), make([]int64, n)
	for i := range ids {
		ids[i], keys[i], ts[i] = uint64(i), uint64(i%4), int64(i)
	}
	run := func(p *Pipeline, from, to int) []float64 {
		var out []float64
		for at := from; at < to; at += 100 { // events in batches of 100, then their labels
			pred, done, late, err := p.PushMany(nil, ids[at:at+100], keys[at:at+100], ts[at:at+100], X[at*3:(at+100)*3])
			must(t, err)
			if done != 100 || late != 0 {
				t.Fatalf("done %d late %d", done, late)
			}
			out = append(out, pred...)
			d, u, err := p.PushLabels(ids[at:at+100], y[at:at+100])
			must(t, err)
			if d != 100 || u != 0 {
				t.Fatalf("labels done %d unmatched %d", d, u)
			}
		}
		return out
	}
	p := newPipeline(t, Param("drift_policy", "reset"))
	defer p.Close()
	d, err := NewDrift(DDM)
	must(t, err)
	must(t, p.SetDrift(d))
	var drifts []PipelineDrift
	var changes []ModelChange
	must(t, p.SetCallbacks(PipelineCallbacks{
		OnDrift:       func(pd PipelineDrift) { drifts = append(drifts, pd) },
		OnModelChange: func(c ModelChange) { changes = append(changes, c) },
	}))
	first := run(p, 0, n/2)
	buf, err := p.Save()
	must(t, err)
	l, err := LoadPipeline(buf)
	must(t, err)
	defer l.Close()
	a := run(p, n/2, n)
	b := run(l, n/2, n)
	if !reflect.DeepEqual(a, b) || len(first) != n/2 {
		t.Fatal("a loaded pipeline serves differently")
	}
	var detected int
	for _, dr := range drifts {
		if dr.State == DriftDetected {
			detected++
			if dr.Action != PolicyReset || dr.EventID < n/2 {
				t.Fatalf("drift %+v", dr)
			}
		}
	}
	if detected == 0 || len(changes) != detected || changes[0].Reason != WasReset || changes[0].Version != 2 {
		t.Fatalf("%d drifts detected, changes %+v", detected, changes)
	}
	if v, _ := p.Stat("drifts"); int(v) != detected {
		t.Fatalf("stat drifts %v, callbacks %d", v, detected)
	}
	mb, _ := p.Metrics()
	ml, _ := l.Metrics()
	if mb.Labels != n || ml.Labels != n || mb.Accuracy != ml.Accuracy {
		t.Fatalf("metrics %+v / %+v", mb, ml)
	}
}

func TestPipelineWindowFeaturesAndErrors(t *testing.T) {
	p, err := NewPipeline(2)
	must(t, err)
	defer p.Close()
	_, err = p.Push(Event{ID: 1, Values: []float64{1, 2}})
	wantStatus(t, err, ErrState) // no model yet
	w, err := NewWindow(Count, AggMean|AggMax, Param("count", 3))
	must(t, err)
	must(t, p.AddRawFeature(0))
	must(t, p.AddWindowFeature(w, 1))
	if p.NumFeatures() != 3 {
		t.Fatalf("%d features", p.NumFeatures())
	}
	tw, err := NewWindow(Tumbling, AggMean)
	must(t, err)
	defer tw.Close()
	wantStatus(t, p.AddWindowFeature(tw, 1), ErrKind)
	wrong, err := NewModel(LinearRegression, 5)
	must(t, err)
	must(t, p.SetModel(wrong))
	_, err = p.Push(Event{ID: 1, Values: []float64{1, 2}})
	wantStatus(t, err, ErrDim) // the model does not fit the layout
	m, err := NewModel(LinearRegression, 3)
	must(t, err)
	must(t, p.SetModel(m))
	must(t, p.SetLatency(true))
	stop := errors.New("stop")
	must(t, p.SetCallbacks(PipelineCallbacks{OnPrediction: func(Prediction) error { return stop }}))
	_, err = p.Push(Event{ID: 1, Key: 9, TS: 1, Values: []float64{1, 2}})
	wantStatus(t, err, ErrCallback)
	if !errors.Is(err, stop) {
		t.Fatal("the callback's error is lost")
	}
	must(t, p.SetCallbacks(PipelineCallbacks{}))
	_, err = p.Push(Event{ID: 1, Key: 9, TS: 2, Values: []float64{1, 2}})
	wantStatus(t, err, ErrDup)
	must(t, p.PushLabel(1, 4))
	m2, _ := p.Metrics()
	if m2.MAE == 0 || math.IsNaN(m2.MAE) || !math.IsNaN(m2.Accuracy) {
		t.Fatalf("metrics %+v", m2)
	}
	if v, err := p.Stat("latency_predict_p50"); err != nil || v <= 0 {
		t.Fatalf("latency %v %v", v, err)
	}
}
