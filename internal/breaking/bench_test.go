package breaking

import (
	"io"
	"testing"
	"time"

	"github.com/secretgen/secretgen/internal/gen"
)

// BenchmarkBreaking measures the check on ./secret against HEAD beside
// its baseline, a generate of the same package that writes nothing. The
// two alternate inside one loop, so a busy machine slows both alike; the
// metric breaking/generate is the ratio of their total times.
//
//	go test -run '^$' -bench Breaking -count 5 ./internal/breaking
func BenchmarkBreaking(b *testing.B) {
	b.Chdir(moduleRoot(b))

	var generate, check time.Duration
	for b.Loop() {
		start := time.Now()
		if _, ds, err := gen.Generate(gen.Config{}, "./secret"); err != nil || len(ds) > 0 {
			b.Fatal(err, ds)
		}
		mid := time.Now()
		if code := Run([]string{"-against", "HEAD", "./secret"}, io.Discard, io.Discard); code > 1 {
			b.Fatalf("exit code %d", code)
		}
		generate, check = generate+mid.Sub(start), check+time.Since(mid)
	}
	b.ReportMetric(float64(check)/float64(generate), "breaking/generate")
}
