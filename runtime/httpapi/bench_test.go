package httpapi

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// BenchmarkGet reads one secret three ways in turn within each iteration,
// so that a busy machine slows all three alike: the store's Get alone
// (one query, decryption), the access layer's Get (shares read as well)
// and a GET through the whole API over loopback (authentication, access,
// JSON). It reports each one's time per read and the HTTP rate as a
// fraction of the store's:
//
//	go test -run '^$' -bench BenchmarkGet -benchtime 3s -count 3 ./runtime/httpapi/
func BenchmarkGet(b *testing.B) {
	e := newEnv(b)
	s := e.create("alice", `{"data":`+goodData+`}`)
	ctx := context.Background()

	gets := []func() error{
		func() error { _, err := e.store.Get(ctx, "Server", s.ID); return err },
		func() error { _, err := e.svc.Get(ctx, users["alice"], s.ID); return err },
		func() error { return e.getOverHTTP(s.ID) },
	}
	spent := make([]time.Duration, len(gets))

	for b.Loop() {
		for i, get := range gets {
			start := time.Now()
			if err := get(); err != nil {
				b.Fatal(err)
			}
			spent[i] += time.Since(start)
		}
	}

	n := float64(b.N)
	b.ReportMetric(float64(spent[0].Nanoseconds())/n, "store-ns/get")
	b.ReportMetric(float64(spent[1].Nanoseconds())/n, "access-ns/get")
	b.ReportMetric(float64(spent[2].Nanoseconds())/n, "http-ns/get")
	b.ReportMetric(float64(spent[0])/float64(spent[2]), "http/store-rate")
	b.ReportMetric(float64(spent[0])/float64(spent[1]), "access/store-rate")
}

// getOverHTTP reads secret id as alice through the test server.
func (e *env) getOverHTTP(id string) error {
	req, err := http.NewRequest("GET", e.srv.URL+"/api/secrets/"+id, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer alice")

	res, err := e.srv.Client().Do(req)
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
