package streamlearn

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// lcgReal is tests/test_drift_kinds.c's stream: uniform [0, 1) steps of
// 0.001, plus shift from index at on (the C suite's River answers use it).
func lcgReal(n, at int, shift float64) []float64 {
	x := make([]float64, n)
	s := uint32(7)
	for i := range x {
		s = s*1103515245 + 12345
		x[i] = float64((s>>16)%1000) / 1000.0
		if i >= at {
			x[i] += shift
		}
	}
	return x
}

// lcgBinary is the C suite's 0 / 1 error stream: rate p0/1000 before at, p1/1000 after.
func lcgBinary(n, at int, p0, p1 uint32) []float64 {
	x := make([]float64, n)
	s := uint32(11)
	for i := range x {
		s = s*1103515245 + 12345
		p := p1
		if i < at {
			p = p0
		}
		if (s>>16)%1000 < p {
			x[i] = 1
		}
	}
	return x
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantStatus fails unless err wraps status.
func wantStatus(t testing.TB, err error, status Status) {
	t.Helper()
	if !errors.Is(err, status) {
		t.Fatalf("got %v, want %s", err, status.Name())
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != status {
		t.Fatalf("%v is not an *Error with status %s", err, status.Name())
	}
}

func TestStatusesAreTheLibrarys(t *testing.T) {
	if ErrCorrupt.Name() != "ECORRUPT" || ErrCorrupt.Error() != "corrupt or truncated data" {
		t.Fatalf("ErrCorrupt: %q %q", ErrCorrupt.Name(), ErrCorrupt.Error())
	}
	if int(ErrBuffer) != -19 || int(ErrInvalid) != -1 {
		t.Fatal("status numbers differ from common.h")
	}
	err := newError("X.Y", -4, "value 3 is invalid")
	if !errors.Is(err, ErrNonFinite) || errors.Is(err, ErrInvalid) {
		t.Fatal("errors.Is does not follow the status")
	}
	if got := err.Error(); got != "streamlearn: X.Y: non-finite input (NaN or infinity) (ENONFINITE): value 3 is invalid" {
		t.Fatalf("message %q", got)
	}
	if newError("X", 0, "") != nil {
		t.Fatal("SL_OK must be a nil error")
	}
}

func TestVersion(t *testing.T) {
	if v := Version(); strings.Count(v, ".") != 2 {
		t.Fatalf("version %q", v)
	}
}

// Handles dropped without Close are freed by their finalizers.
func TestFinalizersFreeForgottenHandles(t *testing.T) {
	base := live.Load()
	for i := 0; i < 100; i++ {
		if _, err := NewDrift(ADWIN); err != nil {
			t.Fatal(err)
		}
		if _, err := NewModel(LogisticRegression, 3); err != nil {
			t.Fatal(err)
		}
	}
	if live.Load() < base+200 {
		t.Fatal("handles not counted")
	}
	deadline := time.Now().Add(10 * time.Second)
	for live.Load() > base && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := live.Load(); n > base {
		t.Fatalf("%d handles still alive after GC", n-base)
	}
}

func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	d, err := NewDrift(PageHinkley)
	must(t, err)
	must(t, d.Close())
	must(t, d.Close())
	_, err = d.Update(1)
	wantStatus(t, err, ErrInvalid)
	_, err = d.Save()
	wantStatus(t, err, ErrInvalid)
	wantStatus(t, d.Set("delta", 0.1), ErrInvalid)
	if d.State() != DriftNone || d.StatNames() != nil {
		t.Fatal("a closed handle reports state")
	}
}
