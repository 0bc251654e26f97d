package gen_test

import (
	"slices"
	"testing"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/secretgen/secretgen/internal/gen"
	"github.com/secretgen/secretgen/internal/load"
)

// root is the module root, where the built-in types live in ./secret.
const root = "../.."

func generate(b *testing.B) {
	out, ds, err := gen.Generate(gen.Config{Dir: root}, "./secret")
	if err != nil || len(ds) > 0 {
		b.Fatal(err, ds)
	}
	if _, err := out.Check(); err != nil {
		b.Fatal(err)
	}
}

func bareLoad(b *testing.B) {
	pkgs, err := packages.Load(&packages.Config{Mode: load.Mode, Dir: root}, "./secret")
	if err != nil || len(pkgs) != 1 {
		b.Fatal(err)
	}
}

// BenchmarkPipeline compares a whole secretgen run (load, model, emit,
// compare with the disk) with a bare packages.Load of the same pattern in
// the same mode. The ratio sub-benchmark runs both in every round, in
// alternating order, and reports the median over the rounds of
// secretgen's time as a multiple of the load's (x-load).
func BenchmarkPipeline(b *testing.B) {
	b.Run("secretgen", func(b *testing.B) {
		for b.Loop() {
			generate(b)
		}
	})
	b.Run("packages_load", func(b *testing.B) {
		for b.Loop() {
			bareLoad(b)
		}
	})
	b.Run("ratio", func(b *testing.B) {
		var rounds []float64
		for i := 0; b.Loop(); i++ {
			var tLoad, tGen time.Duration
			if i%2 == 0 {
				tLoad = timed(b, bareLoad)
				tGen = timed(b, generate)
			} else {
				tGen = timed(b, generate)
				tLoad = timed(b, bareLoad)
			}
			rounds = append(rounds, float64(tGen)/float64(tLoad))
		}
		slices.Sort(rounds)
		b.ReportMetric(rounds[len(rounds)/2], "x-load")
	})
}

func timed(b *testing.B, f func(*testing.B)) time.Duration {
	start := time.Now()
	f(b)
	return time.Since(start)
}
