package streamlearn

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

// tests/test_window.c's tumbling known answer, through the Go callbacks.
func TestWindowTumblingCallbacks(t *testing.T) {
	w, err := NewWindow(Tumbling, AggCount|AggSum|AggFirst|AggLast, Param("size", 10))
	must(t, err)
	defer w.Close()
	if !reflect.DeepEqual(w.ValueNames(), []string{"count", "sum", "first", "last"}) {
		t.Fatalf("names %v", w.ValueNames())
	}
	var got []WindowResult
	var late []int64
	must(t, w.SetCallbacks(WindowCallbacks{
		OnWindow: func(r WindowResult) error { got = append(got, r); return nil },
		OnLate:   func(_ WindowKey, ts int64, _ float64, _ int64) { late = append(late, ts) },
	}))
	must(t, w.Push(7, 1, 1))
	must(t, w.Push(8, 3, 10))
	must(t, w.Push(7, 9, 2))
	must(t, w.Push(7, 10, 4))
	want := []WindowResult{{WindowKey{ID: 7}, 0, 10, []float64{2, 3, 1, 2}}, {WindowKey{ID: 8}, 0, 10, []float64{1, 10, 10, 10}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("closed %+v", got)
	}
	wantStatus(t, w.Push(7, 9, 5), ErrLate)
	if !reflect.DeepEqual(late, []int64{9}) || w.Watermark() != 10 {
		t.Fatalf("late %v watermark %d", late, w.Watermark())
	}
	must(t, w.Push(8, 35, 1))
	must(t, w.Flush())
	if len(got) != 4 || got[2].Start != 10 || got[3].Start != 30 || got[3].End != 40 {
		t.Fatalf("closed %+v", got)
	}
	wantStatus(t, w.Push(1, 40, math.NaN()), ErrNonFinite)
}

// The poll path gives what the callbacks give; a callback's error stops
// the call and the rest come with the next one.
func TestWindowPollAndStoppingCallback(t *testing.T) {
	keys, ts, vals := make([]uint64, 200), make([]int64, 200), make([]float64, 200)
	for i := range vals {
		keys[i], ts[i], vals[i] = uint64(i%3), int64(i), float64(i%7)
	}
	// feed pushes every event, going on after each stop of the callback;
	// it returns the number of stops.
	feed := func(w *Window) (stops int) {
		for at := 0; at < len(vals); {
			done, late, err := w.PushMany(keys[at:], ts[at:], vals[at:])
			if late != 0 || (err != nil && !errors.Is(err, ErrCallback)) {
				t.Fatalf("late %d, %v", late, err)
			}
			if err != nil {
				if !errors.Is(err, errStop) {
					t.Fatalf("the callback's error is lost: %v", err)
				}
				stops++
			}
			at += done
		}
		return stops
	}
	polled, err := NewWindow(Hopping, AggMean|AggMax, Param("slide", 10), Param("size", 20))
	must(t, err)
	defer polled.Close()
	feed(polled)
	must(t, polled.Flush())
	all, err := polled.Poll(1000)
	must(t, err)

	cb, err := NewWindow(Hopping, AggMean|AggMax, Param("slide", 10), Param("size", 20))
	must(t, err)
	defer cb.Close()
	var got []WindowResult
	must(t, cb.SetCallbacks(WindowCallbacks{OnWindow: func(r WindowResult) error {
		got = append(got, r)
		if len(got)%5 == 0 {
			return errStop
		}
		return nil
	}}))
	if feed(cb) == 0 {
		t.Fatal("the callback never stopped a push")
	}
	for err = cb.Flush(); err != nil; err = cb.Flush() {
		wantStatus(t, err, ErrCallback)
	}
	if len(all) < 60 || !reflect.DeepEqual(got, all) {
		t.Fatalf("poll %d windows, callbacks %d", len(all), len(got))
	}
}

var errStop = errors.New("enough for now")

func TestWindowSlidingQueryBytesAndCheckpoint(t *testing.T) {
	w, err := NewWindow(Sliding, AggCount|AggSum|AggMean|AggMin, Param("size", 3))
	must(t, err)
	defer w.Close()
	for i, v := range []float64{1, 5, 9, 13} {
		must(t, w.Push(1, int64(i+1), v))
	}
	got, err := w.Query(nil, 1)
	must(t, err)
	if !reflect.DeepEqual(got, []float64{3, 27, 9, 5}) {
		t.Fatalf("query %v", got)
	}
	must(t, w.PushBytes([]byte("sensor-a"), 4, 2))
	_, err = w.Query(nil, Hash([]byte("sensor-a"), 0))
	wantStatus(t, err, ErrNotFound) // a byte key never equals an integer key
	b, err := w.QueryBytes(got[:0], []byte("sensor-a"))
	must(t, err)
	if b[0] != 1 || b[1] != 2 {
		t.Fatalf("byte key %v", b)
	}
	buf, err := w.Save()
	must(t, err)
	l, err := LoadWindow(buf)
	must(t, err)
	defer l.Close()
	must(t, w.Push(1, 5, 100))
	must(t, l.Push(1, 5, 100))
	a, _ := w.Query(nil, 1)
	c, _ := l.Query(nil, 1)
	if !reflect.DeepEqual(a, c) || l.Kind() != Sliding {
		t.Fatalf("after load %v, before %v", c, a)
	}
	tw, err := NewWindow(Tumbling, AggSum)
	must(t, err)
	defer tw.Close()
	_, err = tw.Query(nil, 1)
	wantStatus(t, err, ErrKind)
	_, err = NewWindow(Tumbling, 0)
	wantStatus(t, err, ErrRange)
}

func TestWindowCallbackPanicIsRethrown(t *testing.T) {
	// "key_bytes_max" 0: integer keys only, so Poll passes no byte buffer
	w, err := NewWindow(Tumbling, AggCount, Param("size", 10), Param("key_bytes_max", 0))
	must(t, err)
	defer w.Close()
	must(t, w.SetCallbacks(WindowCallbacks{OnWindow: func(WindowResult) error { panic("boom") }}))
	must(t, w.Push(1, 1, 1))
	func() {
		defer func() {
			if recover() != "boom" {
				t.Fatal("panic not re-raised")
			}
		}()
		w.Push(1, 20, 1)
	}()
	must(t, w.SetCallbacks(WindowCallbacks{}))
	must(t, w.Flush())
	if r, err := w.Poll(10); err != nil || len(r) != 1 || r[0].Start != 20 { // [0, 10) went to the panicking callback
		t.Fatalf("after the panic: %+v %v", r, err)
	}
}
