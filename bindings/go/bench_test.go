package streamlearn

import "testing"

// Each benchmark op is one value or one row, so the per-event calls and the
// batch calls (1024 per crossing) compare directly; the difference is the
// cost of crossing from Go into C.

const batch = 1024

// One cgo crossing into a C function that only reads a field.
func BenchmarkCrossing(b *testing.B) {
	d, err := NewDrift(ADWIN)
	must(b, err)
	defer d.Close()
	for i := 0; i < b.N; i++ {
		d.State()
	}
}

func benchDrift(b *testing.B, kind DriftKind, many bool) {
	d, err := NewDrift(kind)
	must(b, err)
	defer d.Close()
	x := lcgReal(batch, batch/2, 0.3)
	b.ResetTimer()
	if many {
		for i := 0; i < b.N; i += batch {
			n := min(batch, b.N-i)
			if _, _, err := d.UpdateMany(x[:n]); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	for i := 0; i < b.N; i++ {
		if _, err := d.Update(x[i%batch]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDriftUpdate(b *testing.B) {
	b.Run("adwin/event", func(b *testing.B) { benchDrift(b, ADWIN, false) })
	b.Run("adwin/batch", func(b *testing.B) { benchDrift(b, ADWIN, true) })
	b.Run("page_hinkley/event", func(b *testing.B) { benchDrift(b, PageHinkley, false) })
	b.Run("page_hinkley/batch", func(b *testing.B) { benchDrift(b, PageHinkley, true) })
}

func benchModel(b *testing.B, kind ModelKind, learn, many bool) {
	X, y, nf := streamRows(b, Hyperplane, batch, Param("n_features", 10))
	m, err := NewModel(kind, nf)
	must(b, err)
	defer m.Close()
	must(b, m.LearnMany(X, y, nil))
	out := make([]float64, 0, batch)
	b.ResetTimer()
	switch {
	case learn && many:
		for i := 0; i < b.N; i += batch {
			n := min(batch, b.N-i)
			if err := m.LearnMany(X[:n*nf], y[:n], nil); err != nil {
				b.Fatal(err)
			}
		}
	case learn:
		for i := 0; i < b.N; i++ {
			r := i % batch
			if err := m.Learn(X[r*nf:(r+1)*nf], y[r]); err != nil {
				b.Fatal(err)
			}
		}
	case many:
		for i := 0; i < b.N; i += batch {
			n := min(batch, b.N-i)
			if out, err = m.PredictMany(out[:0], X[:n*nf]); err != nil {
				b.Fatal(err)
			}
		}
	default:
		for i := 0; i < b.N; i++ {
			r := i % batch
			if _, err := m.Predict(X[r*nf : (r+1)*nf]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkModel(b *testing.B) {
	for _, k := range []ModelKind{LogisticRegression, HoeffdingTree} {
		b.Run(k.String()+"/predict/event", func(b *testing.B) { benchModel(b, k, false, false) })
		b.Run(k.String()+"/predict/batch", func(b *testing.B) { benchModel(b, k, false, true) })
		b.Run(k.String()+"/learn/event", func(b *testing.B) { benchModel(b, k, true, false) })
		b.Run(k.String()+"/learn/batch", func(b *testing.B) { benchModel(b, k, true, true) })
		b.Run(k.String()+"/predict_learn/event", func(b *testing.B) { benchPredictLearn(b, k) })
	}
}

func BenchmarkReplay(b *testing.B) {
	r, err := NewReplay(Prioritized, 10, Param("capacity", 4096))
	must(b, err)
	defer r.Close()
	X, y, _ := streamRows(b, Hyperplane, batch, Param("n_features", 10))
	_, err = r.AddMany(&Batch{X: X, Targets: y})
	must(b, err)
	b.Run("add/event", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			k := i % batch
			if _, err := r.Add(X[k*10:(k+1)*10], y[k]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("add/batch", func(b *testing.B) {
		in := &Batch{X: X, Targets: y}
		for i := 0; i < b.N; i += batch {
			n := min(batch, b.N-i)
			in.X, in.Targets = X[:n*10], y[:n]
			if _, err := r.AddMany(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sample32", func(b *testing.B) {
		var s Batch
		for i := 0; i < b.N; i++ {
			if err := r.Sample(&s, 32, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The prequential step (predict, then learn) in one crossing per event.
func benchPredictLearn(b *testing.B, kind ModelKind) {
	X, y, nf := streamRows(b, Hyperplane, batch, Param("n_features", 10))
	m, err := NewModel(kind, nf)
	must(b, err)
	defer m.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := i % batch
		if _, err := m.PredictLearn(X[r*nf:(r+1)*nf], y[r]); err != nil {
			b.Fatal(err)
		}
	}
}

// A pipeline event and its label: two crossings per event, or two per 1024.
func BenchmarkPipeline(b *testing.B) {
	X, y, nf := streamRows(b, Hyperplane, batch, Param("n_features", 10))
	ids, keys, ts := make([]uint64, batch), make([]uint64, batch), make([]int64, batch)
	setup := func(b *testing.B) *Pipeline {
		p, err := NewPipeline(nf)
		must(b, err)
		m, err := NewModel(LogisticRegression, nf)
		must(b, err)
		must(b, p.SetModel(m))
		return p
	}
	b.Run("event", func(b *testing.B) {
		p := setup(b)
		defer p.Close()
		for i := 0; i < b.N; i++ {
			r := i % batch
			if _, err := p.Push(Event{ID: uint64(i), TS: int64(i), Values: X[r*nf : (r+1)*nf]}); err != nil {
				b.Fatal(err)
			}
			if err := p.PushLabel(uint64(i), y[r]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("batch", func(b *testing.B) {
		p := setup(b)
		defer p.Close()
		out := make([]float64, 0, batch)
		for i := 0; i < b.N; i += batch {
			n := min(batch, b.N-i)
			for j := 0; j < n; j++ {
				ids[j], ts[j] = uint64(i+j), int64(i+j)
			}
			var err error
			if out, _, _, err = p.PushMany(out[:0], ids[:n], keys[:n], ts[:n], X[:n*nf]); err != nil {
				b.Fatal(err)
			}
			if _, _, err = p.PushLabels(ids[:n], y[:n]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
