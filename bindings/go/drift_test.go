package streamlearn

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/streamlearn/streamlearn-go/internal/cref"
)

// The River 0.26.1 answers tests/test_drift_kinds.c pins, through the binding.
func TestDriftRiverAnswers(t *testing.T) {
	cases := []struct {
		kind          DriftKind
		opts          []Option
		x             []float64
		nDrift, nWarn int
		firstDrift    []int
		firstWarn     []int
	}{
		{ADWIN, nil, lcgReal(4000, 2000, 0.3), 1, 0, []int{2079}, nil},
		{ADWIN, []Option{Param("clock", 1)}, lcgReal(4000, 2000, 0.3), 1, 0, []int{2061}, nil},
		{DDM, nil, lcgBinary(6000, 3000, 100, 300), 4, 1000, []int{64, 134, 223, 4558}, []int{36, 37, 38}},
		{EDDM, nil, lcgBinary(6000, 3000, 100, 300), 19, 656, []int{354, 585, 885, 1168}, []int{3238, 3239, 3240}},
		{HDDMA, nil, lcgBinary(6000, 3000, 100, 300), 1, 36, []int{3194}, []int{1417, 3159, 3160}},
		{HDDMW, nil, lcgBinary(6000, 3000, 100, 300), 2, 39, []int{3403, 4025}, []int{3156, 3157, 3159}},
	}
	for _, c := range cases {
		d, err := NewDrift(c.kind, c.opts...)
		must(t, err)
		drifts, warns, err := d.UpdateMany(c.x)
		must(t, err)
		if len(drifts) != c.nDrift || len(warns) != c.nWarn {
			t.Fatalf("%s: %d drifts %d warnings, River %d %d", c.kind, len(drifts), len(warns), c.nDrift, c.nWarn)
		}
		if !reflect.DeepEqual(drifts[:min(4, len(drifts))], c.firstDrift) {
			t.Fatalf("%s: drifts %v, River %v", c.kind, drifts[:min(4, len(drifts))], c.firstDrift)
		}
		if len(c.firstWarn) > 0 && !reflect.DeepEqual(warns[:3], c.firstWarn) {
			t.Fatalf("%s: warnings %v, River %v", c.kind, warns[:3], c.firstWarn)
		}
		d.Close()
	}
}

// tests/test_drift.c's Page-Hinkley known answer: River's recurrence, here in Go.
func TestPageHinkleyWhereTheRecurrenceSays(t *testing.T) {
	x := make([]float64, 2000)
	s := uint32(1)
	for i := range x {
		s = s*1103515245 + 12345
		x[i] = float64((s>>16)%100) / 100
		if i >= 1000 {
			x[i] += 5
		}
	}
	want := -1
	mean, si, sd, mi, md := 0.0, 0.0, 0.0, math.Inf(1), -1.0
	for i, v := range x {
		mean += (v - mean) / float64(i+1)
		dev := v - mean
		si = 0.9999*si + dev - 0.005
		sd = 0.9999*sd + dev + 0.005
		mi, md = math.Min(mi, si), math.Max(md, sd)
		if i+1 >= 30 && (si-mi > 50 || md-sd > 50) {
			want = i
			break
		}
	}
	if want <= 1000 || want >= 1030 {
		t.Fatalf("reference found %d", want)
	}
	d, err := NewDrift(PageHinkley)
	must(t, err)
	defer d.Close()
	for i, v := range x {
		st, err := d.Update(v)
		must(t, err)
		if st == DriftDetected {
			if i != want {
				t.Fatalf("drift at %d, recurrence %d", i, want)
			}
			return
		}
	}
	t.Fatal("no drift")
}

// Per-value Update, batch UpdateMany and the C API called in a C loop agree
// for every kind.
func TestDriftAgreesWithTheCLibrary(t *testing.T) {
	for k := ADWIN; k <= KSWIN; k++ {
		x := lcgReal(5000, 2500, 0.6)
		if k == DDM || k == EDDM || k == HDDMA || k == HDDMW {
			x = lcgBinary(5000, 2500, 100, 300)
		}
		want, err := cref.DriftIndices(int(k), x)
		must(t, err)
		d, err := NewDrift(k)
		must(t, err)
		var one []int
		for i, v := range x {
			st, err := d.Update(v)
			must(t, err)
			if st == DriftDetected {
				one = append(one, i)
			}
		}
		must(t, d.Reset())
		many, _, err := d.UpdateMany(x)
		must(t, err)
		if !reflect.DeepEqual(one, want) || !reflect.DeepEqual(many, want) || len(want) == 0 {
			t.Fatalf("%s: Update %v, UpdateMany %v, C %v", k, one, many, want)
		}
		d.Close()
	}
}

func TestDriftCheckpointResumesExactly(t *testing.T) {
	x := lcgReal(3000, 1500, 0.5)
	for k := ADWIN; k <= KSWIN; k++ {
		if k == DDM || k == EDDM || k == HDDMA || k == HDDMW {
			x = lcgBinary(3000, 1500, 100, 300)
		}
		d, err := NewDrift(k)
		must(t, err)
		_, _, err = d.UpdateMany(x[:1000])
		must(t, err)
		buf, err := d.Save()
		must(t, err)
		e, err := LoadDrift(buf)
		must(t, err)
		if e.Kind() != k {
			t.Fatalf("loaded kind %s", e.Kind())
		}
		a, _, err := d.UpdateMany(x[1000:])
		must(t, err)
		b, _, err := e.UpdateMany(x[1000:])
		must(t, err)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: %v after load, %v before", k, b, a)
		}
		again, err := e.Save()
		must(t, err)
		resaved, err := d.Save()
		must(t, err)
		if !reflect.DeepEqual(again, resaved) {
			t.Fatalf("%s: checkpoints differ after the same values", k)
		}
		d.Close()
		e.Close()
	}
}

func TestDriftCorruptCheckpoints(t *testing.T) {
	d, err := NewDrift(ADWIN)
	must(t, err)
	defer d.Close()
	_, _, err = d.UpdateMany(lcgReal(500, 500, 0))
	must(t, err)
	buf, err := d.Save()
	must(t, err)
	for i := 0; i < len(buf); i++ {
		if _, err := LoadDrift(buf[:i]); err == nil {
			t.Fatalf("truncated at %d loaded", i)
		}
		bad := append([]byte(nil), buf...)
		bad[i] ^= 0x10
		if _, err := LoadDrift(bad); err == nil {
			t.Fatalf("bit flip at %d loaded", i)
		}
	}
	_, err = LoadDrift(buf[:len(buf)-1])
	wantStatus(t, err, ErrCorrupt)
	m, err := NewModel(LinearRegression, 2)
	must(t, err)
	mb, err := m.Save()
	must(t, err)
	m.Close()
	_, err = LoadDrift(mb)
	wantStatus(t, err, ErrKind)
	_, err = LoadDrift(nil)
	if err == nil {
		t.Fatal("empty checkpoint loaded")
	}
	_, err = d.SaveCompressed()
	if err != nil && !errors.Is(err, ErrNotSupported) {
		t.Fatal(err)
	}
}

func TestDriftErrorsLeaveItUnchanged(t *testing.T) {
	d, err := NewDrift(DDM)
	must(t, err)
	defer d.Close()
	_, err = d.Update(0.5)
	wantStatus(t, err, ErrInvalid)
	_, err = d.Update(math.NaN())
	wantStatus(t, err, ErrNonFinite)
	_, _, err = d.UpdateMany([]float64{0, 1, math.Inf(1)})
	wantStatus(t, err, ErrNonFinite)
	if n, _ := d.Stat("n"); n != 0 {
		t.Fatalf("rejected values counted: n = %v", n)
	}
	_, err = NewDrift(DriftKind(99))
	wantStatus(t, err, ErrKind)
}

func TestDriftParameters(t *testing.T) {
	_, err := NewDrift(PageHinkley, Param("no_such", 1.0))
	wantStatus(t, err, ErrParam)
	_, err = NewDrift(PageHinkley, Param("alpha", 1.5))
	wantStatus(t, err, ErrRange)
	_, err = NewDrift(PageHinkley, Param("min_instances", 2.5))
	wantStatus(t, err, ErrType)
	_, err = NewDrift(PageHinkley, Param("mode", "sideways"))
	wantStatus(t, err, ErrRange)
	_, err = NewDrift(PageHinkley, Param("delta", []int{1}))
	wantStatus(t, err, ErrType)
	d, err := NewDrift(PageHinkley, Param("threshold", 20.0), Param("mode", "up"), Param("min_instances", 10),
		Param("delta", "1e-3"))
	must(t, err)
	defer d.Close()
	if v, _ := d.Get("threshold"); v != 20 {
		t.Fatalf("threshold %v", v)
	}
	if v, _ := d.GetInt("mode"); v != 0 {
		t.Fatalf("mode %v", v)
	}
	if v, _ := d.Get("delta"); v != 1e-3 {
		t.Fatalf("delta %v", v)
	}
	_, err = d.GetInt("threshold")
	wantStatus(t, err, ErrType)
	err = d.Set("threshold", math.NaN())
	wantStatus(t, err, ErrNonFinite)
	var e *Error
	if !errors.As(err, &e) || e.Detail == "" {
		t.Fatalf("no detail in %v", err)
	}
	if v, _ := d.Get("threshold"); v != 20 {
		t.Fatal("a failed Set changed the value")
	}
	names := d.StatNames()
	if len(names) < 4 || names[0] != "bytes" {
		t.Fatalf("stat names %v", names)
	}
	if _, ok := d.Stats()["sum_increase"]; !ok {
		t.Fatal("no sum_increase")
	}
	_, err = d.Stat("nope")
	wantStatus(t, err, ErrNotFound)
}

func TestDriftKindsAndTables(t *testing.T) {
	if PageHinkley.String() != "page_hinkley" || DriftKind(99).String() != "unknown" {
		t.Fatal("kind names")
	}
	k, err := ParseDriftKind("kswin")
	must(t, err)
	if k != KSWIN {
		t.Fatal("ParseDriftKind")
	}
	_, err = ParseDriftKind("nope")
	wantStatus(t, err, ErrKind)
	p := PageHinkley.Params()
	if len(p) != 5 || p[0].Name != "min_instances" || p[0].Type != ParamInt || p[2].Default != 50 {
		t.Fatalf("table %+v", p)
	}
	if p[4].Type != ParamEnum || !reflect.DeepEqual(p[4].Choices, []string{"up", "down", "both"}) {
		t.Fatalf("mode %+v", p[4])
	}
	if DriftKind(99).Params() != nil {
		t.Fatal("a table for an unknown kind")
	}
	for _, s := range []DriftState{DriftNone, DriftWarning, DriftDetected, 7} {
		if s.String() == "" {
			t.Fatal("state name")
		}
	}
}
