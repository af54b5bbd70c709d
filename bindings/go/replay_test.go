package streamlearn

import (
	"math"
	"reflect"
	"testing"
)

func TestReplayFIFOKeepsTheLatest(t *testing.T) {
	r, err := NewReplay(FIFO, 2, Param("capacity", 4))
	must(t, err)
	defer r.Close()
	for i := 0; i < 6; i++ {
		slot, err := r.AddRecord(Record{X: []float64{float64(i), -float64(i)}, Target: float64(i), Weight: 0.5,
			Timestamp: int64(100 + i), Key: uint64(i)})
		must(t, err)
		if slot != i%4 {
			t.Fatalf("record %d in slot %d", i, slot)
		}
	}
	if r.Len() != 4 || r.NumFeatures() != 2 || r.Kind() != FIFO {
		t.Fatalf("len %d", r.Len())
	}
	rec, err := r.Get(1)
	must(t, err)
	want := Record{X: []float64{5, -5}, Target: 5, Weight: 0.5, Timestamp: 105, Key: 5}
	if !reflect.DeepEqual(rec, want) {
		t.Fatalf("slot 1 holds %+v", rec)
	}
	_, err = r.Get(4)
	wantStatus(t, err, ErrNotFound)
	_, err = r.Get(-1)
	wantStatus(t, err, ErrNotFound)
	must(t, r.Clear())
	if r.Len() != 0 {
		t.Fatal("Clear kept records")
	}
}

func TestReplayBatchesAndErrors(t *testing.T) {
	r, err := NewReplay(Reservoir, 3, Param("capacity", 100), Param("seed", 7))
	must(t, err)
	defer r.Close()
	X, y, _ := streamRows(t, SEA, 500)
	slots, err := r.AddMany(&Batch{X: X, Targets: y})
	must(t, err)
	stored := 0
	for _, s := range slots {
		if s != NotStored {
			stored++
		}
	}
	if len(slots) != 500 || stored < 100 || r.Len() != 100 {
		t.Fatalf("%d slots, %d stored, len %d", len(slots), stored, r.Len())
	}
	bad := append([]float64(nil), X[:6]...)
	bad[4] = math.NaN()
	_, err = r.AddMany(&Batch{X: bad, Targets: []float64{0, 1}})
	wantStatus(t, err, ErrNonFinite)
	_, err = r.AddMany(&Batch{X: X[:5], Targets: []float64{0, 1}})
	wantStatus(t, err, ErrDim)
	_, err = r.Add([]float64{1, 2}, 0)
	wantStatus(t, err, ErrDim)
	_, err = r.AddRecord(Record{X: []float64{1, 2, 3}, Weight: -1})
	wantStatus(t, err, ErrInvalid)
	if seen, _ := r.Stat("seen"); seen != 500 {
		t.Fatalf("refused records counted: seen %v", seen)
	}
	var b Batch
	must(t, r.Sample(&b, 10, false))
	if len(b.X) != 30 || len(b.Slots) != 10 || b.ISWeights[0] != 1 {
		t.Fatalf("batch %+v", b)
	}
	for i, s := range b.Slots {
		rec, err := r.Get(s)
		must(t, err)
		if !reflect.DeepEqual(rec.X, b.X[3*i:3*i+3]) || rec.Target != b.Targets[i] {
			t.Fatalf("sampled row %d is not slot %d", i, s)
		}
	}
	wantStatus(t, r.Sample(&b, 101, true), ErrInvalid)
	wantStatus(t, r.UpdatePriorities(b.Slots, make([]float64, 10)), ErrKind)
	e, err := NewReplay(FIFO, 3)
	must(t, err)
	defer e.Close()
	wantStatus(t, e.Sample(&b, 1, true), ErrState)
	must(t, e.Sample(&b, 0, true))
}

// A loaded buffer samples exactly as the saved one would have.
func TestReplayPrioritizedCheckpoint(t *testing.T) {
	r, err := NewReplay(Prioritized, 3, Param("capacity", 64), Param("seed", 3))
	must(t, err)
	defer r.Close()
	X, y, _ := streamRows(t, SEA, 64)
	_, err = r.AddMany(&Batch{X: X, Targets: y})
	must(t, err)
	var b Batch
	must(t, r.Sample(&b, 8, true))
	pr := make([]float64, 8)
	for i := range pr {
		pr[i] = float64(i) * 3
	}
	must(t, r.UpdatePriorities(b.Slots, pr))
	wantStatus(t, r.UpdatePriorities([]int{999}, []float64{1}), ErrNotFound)
	wantStatus(t, r.UpdatePriorities([]int{1}, []float64{-1}), ErrRange)
	buf, err := r.Save()
	must(t, err)
	l, err := LoadReplay(buf)
	must(t, err)
	defer l.Close()
	if l.NumFeatures() != 3 || l.Len() != 64 || l.Kind() != Prioritized {
		t.Fatalf("loaded %d %d %s", l.NumFeatures(), l.Len(), l.Kind())
	}
	var a, c Batch
	for i := 0; i < 5; i++ {
		must(t, r.Sample(&a, 16, true))
		must(t, l.Sample(&c, 16, true))
		if !reflect.DeepEqual(a, c) {
			t.Fatal("a loaded buffer samples differently")
		}
	}
	w := 0.0
	for _, v := range a.ISWeights {
		w = math.Max(w, v)
	}
	if w != 1 {
		t.Fatalf("largest IS weight %v, want 1", w)
	}
}
