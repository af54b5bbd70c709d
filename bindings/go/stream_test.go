package streamlearn

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestStreamSameSeedSameRows(t *testing.T) {
	a1, y1, nf := streamRows(t, Agrawal, 200, Param("seed", 9))
	a2, y2, _ := streamRows(t, Agrawal, 200, Param("seed", 9))
	a3, _, _ := streamRows(t, Agrawal, 200, Param("seed", 10))
	if nf != 9 || !reflect.DeepEqual(a1, a2) || !reflect.DeepEqual(y1, y2) || reflect.DeepEqual(a1, a3) {
		t.Fatal("seeded streams are not reproducible")
	}
	s, err := NewStream(Agrawal, Param("seed", 9))
	must(t, err)
	defer s.Close()
	name, nv, err := s.Feature(3)
	must(t, err)
	if name != "elevel" || nv != 5 {
		t.Fatalf("feature 3: %q %d", name, nv)
	}
	_, _, err = s.Feature(9)
	wantStatus(t, err, ErrNotFound)
	X, y := make([]float64, 100*9), make([]float64, 100)
	must(t, s.Next(X, y))
	buf, err := s.Save()
	must(t, err)
	l, err := LoadStream(buf)
	must(t, err)
	defer l.Close()
	must(t, s.Next(X, y))
	X2, y2b := make([]float64, 100*9), make([]float64, 100)
	must(t, l.Next(X2, y2b))
	if !reflect.DeepEqual(X, X2) || !reflect.DeepEqual(y, y2b) || !reflect.DeepEqual(X, a1[900:]) {
		t.Fatal("a loaded stream does not resume the sequence")
	}
	wantStatus(t, s.Next(X[:10], y), ErrDim)
	lab, err := s.Label(X[:9])
	must(t, err)
	if lab != 0 && lab != 1 {
		t.Fatalf("label %v", lab)
	}
	info, _ := s.Info()
	if info.Rows != 200 || info.NumClasses != 2 {
		t.Fatalf("info %+v", info)
	}
	must(t, s.Reset())
	if info, _ = s.Info(); info.Rows != 0 {
		t.Fatal("Reset")
	}
}

// WriteCSV goes through a C -> Go callback; OpenCSV reads it back through
// another; the rows come back exactly.
func TestCSVRoundTripThroughCallbacks(t *testing.T) {
	s, err := NewStream(Friedman, Param("seed", 4))
	must(t, err)
	defer s.Close()
	var out bytes.Buffer
	must(t, s.WriteCSV(&out, 50))
	if !strings.HasPrefix(out.String(), "x0,x1,") {
		t.Fatalf("header %q", out.String()[:20])
	}
	want, wy, nf := streamRows(t, Friedman, 50, Param("seed", 4))
	c, err := OpenCSV(iotestOneByte{&out})
	must(t, err)
	defer c.Close()
	cols := c.Columns()
	if len(cols) != nf+1 || cols[nf] != "y" || c.NumFeatures() != nf {
		t.Fatalf("columns %v", cols)
	}
	X, y := make([]float64, 64*nf), make([]float64, 64)
	got, err := c.Next(X, y)
	must(t, err)
	if got != 50 || !reflect.DeepEqual(X[:50*nf], want) || !reflect.DeepEqual(y[:50], wy) {
		t.Fatalf("%d rows read back, or different values", got)
	}
}

// iotestOneByte hands out one byte per Read, so the reader callback runs often.
type iotestOneByte struct{ r io.Reader }

func (o iotestOneByte) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

type failingWriter struct{ after int }

var errDiskFull = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errDiskFull
	}
	f.after--
	return len(p), nil
}

type panickingWriter struct{}

func (panickingWriter) Write([]byte) (int, error) { panic("writer exploded") }

func TestCallbackErrorsAndPanics(t *testing.T) {
	s, err := NewStream(SEA)
	must(t, err)
	defer s.Close()
	err = s.WriteCSV(&failingWriter{after: 1}, 5000)
	wantStatus(t, err, ErrIO)
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("the writer's error is lost: %v", err)
	}
	func() {
		defer func() {
			if p := recover(); p != "writer exploded" {
				t.Fatalf("recovered %v", p)
			}
		}()
		s.WriteCSV(panickingWriter{}, 10)
		t.Fatal("no panic")
	}()
	must(t, s.WriteCSV(io.Discard, 10)) // the handle still works

	_, err = OpenCSV(strings.NewReader(""))
	wantStatus(t, err, ErrCorrupt)
	_, err = OpenCSV(io.MultiReader(strings.NewReader("a,b\n"), errReader{}))
	if err != nil {
		t.Fatal(err) // the header was read; the error comes with the rows
	}
	c, err := OpenCSV(io.MultiReader(strings.NewReader("a,b\n1,2\n"), errReader{}))
	must(t, err)
	defer c.Close()
	X, y := make([]float64, 4), make([]float64, 4)
	n, err := c.Next(X, y)
	wantStatus(t, err, ErrIO)
	if !errors.Is(err, errDiskFull) || n != 1 {
		t.Fatalf("%d rows, %v", n, err)
	}
	bad, err := OpenCSV(strings.NewReader("a,b\n1,2\n3\n4,x\n5,6\n"))
	must(t, err)
	defer bad.Close()
	n, err = bad.Next(X, y)
	wantStatus(t, err, ErrDim)
	if n != 1 || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("%d rows, %v", n, err)
	}
	n, err = bad.Next(X, y)
	wantStatus(t, err, ErrCorrupt)
	n, err = bad.Next(X, y)
	must(t, err)
	if n != 1 || X[0] != 5 || y[0] != 6 {
		t.Fatalf("after the bad rows: %d %v %v", n, X[0], y[0])
	}
	wantStatus(t, bad.SetTarget("a"), ErrState) // rows were read
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errDiskFull }

func TestConceptDriftTakesOwnership(t *testing.T) {
	a, err := NewStream(SEA, Param("variant", 0))
	must(t, err)
	b, err := NewStream(SEA, Param("variant", 3))
	must(t, err)
	_, err = NewConceptDriftStream(a, a)
	wantStatus(t, err, ErrInvalid)
	c, err := NewConceptDriftStream(a, b, Param("position", 100), Param("width", 10))
	must(t, err)
	defer c.Close()
	_, err = a.Info()
	wantStatus(t, err, ErrInvalid)
	must(t, a.Close()) // harmless: c owns it
	X, y := make([]float64, 300*3), make([]float64, 300)
	must(t, c.Next(X, y))
	if c.Kind() != ConceptDrift {
		t.Fatal("kind")
	}
	_, err = c.Label(X[:3])
	wantStatus(t, err, ErrNotSupported)
}
