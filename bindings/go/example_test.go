package streamlearn_test

import (
	"errors"
	"fmt"
	"math"
	"sync"

	streamlearn "github.com/streamlearn/streamlearn-go"
)

// Watch a stream of values for a change in its mean.
func ExampleNewDrift() {
	d, err := streamlearn.NewDrift(streamlearn.ADWIN, streamlearn.Param("delta", 0.002))
	if err != nil {
		panic(err)
	}
	defer d.Close()
	for i := 0; i < 2000; i++ {
		x := 0.2
		if i >= 1000 {
			x = 0.8
		}
		if state, _ := d.Update(x + 0.05*math.Sin(float64(i))); state == streamlearn.DriftDetected {
			fmt.Println("drift at", i)
		}
	}
	// Output: drift at 1023
}

// Learn online and predict, then carry the model over in a checkpoint.
func ExampleNewModel() {
	m, err := streamlearn.NewModel(streamlearn.LogisticRegression, 2, streamlearn.Param("lr", 0.1))
	if err != nil {
		panic(err)
	}
	defer m.Close()
	for i := 0; i < 1000; i++ {
		x := []float64{float64(i%10) / 10, float64(i%7) / 7}
		y := 0.0
		if x[0] > x[1] {
			y = 1
		}
		if err := m.Learn(x, y); err != nil {
			panic(err)
		}
	}
	saved, _ := m.Save()
	copy, _ := streamlearn.LoadModel(saved)
	defer copy.Close()
	a, _ := m.Predict([]float64{0.9, 0.1})
	b, _ := copy.Predict([]float64{0.9, 0.1})
	fmt.Println(a, b)
	// Output: 1 1
}

// A batch of rows crosses into C once.
func ExampleModel_PredictMany() {
	s, _ := streamlearn.NewStream(streamlearn.SEA, streamlearn.Param("seed", 42))
	defer s.Close()
	X, y := make([]float64, 500*3), make([]float64, 500)
	_ = s.Next(X, y)
	m, _ := streamlearn.NewModel(streamlearn.HoeffdingTree, 3)
	defer m.Close()
	_ = m.LearnMany(X, y, nil)
	pred, _ := m.PredictMany(nil, X[:5*3])
	fmt.Println(len(pred))
	// Output: 5
}

// Errors wrap the library's status.
func ExampleError() {
	m, _ := streamlearn.NewModel(streamlearn.LinearRegression, 3)
	defer m.Close()
	err := m.Learn([]float64{1, math.NaN(), 3}, 2)
	fmt.Println(errors.Is(err, streamlearn.ErrNonFinite))
	var e *streamlearn.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status.Name())
	}
	// Output:
	// true
	// ENONFINITE
}

// Handles are not safe for concurrent use: give each goroutine its own, or
// share one behind a mutex.
func ExampleDrift_concurrency() {
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for g := range counts {
		wg.Add(1)
		go func(g int) { // one detector per goroutine: nothing shared
			defer wg.Done()
			d, _ := streamlearn.NewDrift(streamlearn.PageHinkley)
			defer d.Close()
			for i := 0; i < 3000; i++ {
				if s, _ := d.Update(float64(i / 1000)); s == streamlearn.DriftDetected {
					counts[g]++
				}
			}
		}(g)
	}
	wg.Wait()

	var mu sync.Mutex // one model shared by goroutines: every call under the lock
	m, _ := streamlearn.NewModel(streamlearn.LinearRegression, 1)
	defer m.Close()
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				mu.Lock()
				_ = m.Learn([]float64{1}, 2)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	n, _ := m.Stat("bytes")
	fmt.Println(counts, n > 0)
	// Output: [2 2 2 2] true
}

// Every kind lists its parameters with defaults, ranges and docs.
func ExampleDriftKind_Params() {
	for _, p := range streamlearn.PageHinkley.Params()[:2] {
		fmt.Printf("%s default %g: %s\n", p.Name, p.Default, p.Doc)
	}
	// Output:
	// min_instances default 30: values seen before a drift can be reported
	// delta default 0.005: magnitude of change tolerated per value
}
