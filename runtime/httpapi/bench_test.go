package httpapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"
)

// BenchmarkGet reads one secret five ways in turn within each iteration,
// so that a busy machine slows all of them alike:
//
//   - store: the store's Get alone (one query, decryption);
//   - access: the access layer's Get (the shares read as well);
//   - handler: the API's handler called in process, without a network;
//   - loopback: an HTTP exchange with a handler that does nothing, the
//     ceiling for any handler on this machine;
//   - http: a GET through the whole API over loopback.
//
// It reports each one's time per read and each rate as a fraction of the
// store's:
//
//	go test -run '^$' -bench BenchmarkGet -benchtime 3s -count 5 ./runtime/httpapi/
func BenchmarkGet(b *testing.B) {
	e := newEnv(b)
	s := e.create("alice", `{"data":`+goodData+`}`)
	ctx := context.Background()
	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer empty.Close()
	h := e.api.Handler()

	ways := []struct {
		name string
		get  func() error
	}{
		{"store", func() error { _, err := e.store.Get(ctx, "Server", s.ID); return err }},
		{"access", func() error { _, err := e.svc.Get(ctx, users["alice"], s.ID); return err }},
		{"handler", func() error { return serve(h, "/api/secrets/"+s.ID) }},
		{"loopback", func() error { return get(empty.Client(), empty.URL) }},
		{"http", func() error { return get(e.srv.Client(), e.srv.URL+"/api/secrets/"+s.ID) }},
	}
	spent := make([]time.Duration, len(ways))

	for b.Loop() {
		for i, w := range ways {
			start := time.Now()
			if err := w.get(); err != nil {
				b.Fatalf("%s: %v", w.name, err)
			}
			spent[i] += time.Since(start)
		}
	}

	for i, w := range ways {
		b.ReportMetric(float64(spent[i].Nanoseconds())/float64(b.N), w.name+"-ns/get")
		if i > 0 {
			b.ReportMetric(float64(spent[0])/float64(spent[i]), w.name+"/store-rate")
		}
	}
}

// serve reads path as alice from h in process and wants 200.
func serve(h http.Handler, path string) error {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer alice")
	rec := httptest.NewRecorder()

	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return &StatusError{Status: rec.Code, Detail: "unexpected status"}
	}
	return nil
}

// get reads url as alice and wants 200.
func get(client *http.Client, url string) error {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer alice")

	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusOK {
		return &StatusError{Status: res.StatusCode, Detail: "unexpected status"}
	}
	return nil
}

// BenchmarkGetParallel is BenchmarkGet under concurrency, which is what a
// server's rate means: in each iteration, the store's Get, an empty
// exchange over loopback and a GET through the whole API each serve a
// batch of reads from several goroutines at once, one way after the
// other. It reports each rate as a fraction of the store's:
//
//	go test -run '^$' -bench BenchmarkGetParallel -benchtime 3s -count 5 ./runtime/httpapi/
func BenchmarkGetParallel(b *testing.B) {
	e := newEnv(b)
	s := e.create("alice", `{"data":`+goodData+`}`)
	ctx := context.Background()
	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer empty.Close()

	workers := 4 * runtime.GOMAXPROCS(0)
	ways := []struct {
		name string
		get  func() error
	}{
		{"store", func() error { _, err := e.store.Get(ctx, "Server", s.ID); return err }},
		{"loopback", getter(pooled(empty, workers), empty.URL)},
		{"http", getter(pooled(e.srv, workers), e.srv.URL+"/api/secrets/"+s.ID)},
	}
	spent := make([]time.Duration, len(ways))

	const batch = 64
	for b.Loop() {
		for i, w := range ways {
			took, err := inParallel(workers, batch, w.get)
			if err != nil {
				b.Fatalf("%s: %v", w.name, err)
			}
			spent[i] += took
		}
	}

	for i, w := range ways {
		b.ReportMetric(float64(spent[i].Nanoseconds())/float64(b.N*batch), w.name+"-ns/get")
		if i > 0 {
			b.ReportMetric(float64(spent[0])/float64(spent[i]), w.name+"/store-rate")
		}
	}
}

// inParallel runs get n times from workers goroutines and returns the
// time all of them took and the first error.
func inParallel(workers, n int, get func() error) (time.Duration, error) {
	jobs := make(chan struct{}, n)
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	errs := make(chan error, workers)

	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range jobs {
				if err := get(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)

	close(errs)
	return took, <-errs
}

// pooled returns a client of srv that keeps a connection per worker, so
// that parallel reads reuse connections instead of dialling.
func pooled(srv *httptest.Server, workers int) *http.Client {
	t := srv.Client().Transport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers
	return &http.Client{Transport: t}
}

func getter(client *http.Client, url string) func() error {
	return func() error { return get(client, url) }
}
