package emit

import (
	"testing"

	"github.com/secretgen/secretgen/internal/load"
	"github.com/secretgen/secretgen/internal/model"
)

// BenchmarkGo times the Go output of the built-in types alone, the
// largest part of a run after the load; profile it with -cpuprofile.
func BenchmarkGo(b *testing.B) {
	res, ds, err := load.Load(load.Config{Dir: "../.."}, "./secret")
	if err != nil || len(ds) > 0 {
		b.Fatal(err, ds)
	}
	vs, ds := model.Build(res)
	if len(ds) > 0 {
		b.Fatal(ds)
	}

	for b.Loop() {
		if _, err := Go(vs, Options{Package: "generated"}); err != nil {
			b.Fatal(err)
		}
	}
}
