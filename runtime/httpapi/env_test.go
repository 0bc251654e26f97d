package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secretgen/secretgen/internal/testenv"
	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/store"
)

// server is the test's secret type, built by hand the way secretgen
// builds one: a strict decoder that names keys, a validator that names
// rules, and a password styled secret.
type server struct {
	Name     string `json:"name"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Password string `json:"password"`
}

func (s server) GetName() string { return s.Name }

const serverSchema = `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",` +
	`"properties":{"name":{"type":"string"},"host":{"type":"string"},` +
	`"port":{"type":"integer","minimum":1,"maximum":65535},"password":{"type":"string"}},` +
	`"required":["name","host"],"additionalProperties":false}`

func serverType() kind.Type {
	return kind.Type{
		Name: "Server",
		Form: kind.Form{
			Type:  "Server",
			Title: "Test server",
			Fields: []kind.Field{
				{Name: "Name", Key: "name", Kind: kind.KindString, Label: "Name", Rules: "required", Required: true},
				{Name: "Host", Key: "host", Kind: kind.KindString, Label: "Host", Rules: "required", Required: true},
				{Name: "Port", Key: "port", Kind: kind.KindInt, Bits: 64, Label: "Port", Default: "587", Rules: "min=1,max=65535"},
				{Name: "Password", Key: "password", Kind: kind.KindString, Label: "Password", Style: "secret"},
			},
		},
		Fingerprint: "test",
		Schema:      []byte(serverSchema),
		Defaults:    func() any { return &server{Port: 587} },
		Decode:      decodeServer,
		Encode:      func(v any) ([]byte, error) { return json.Marshal(v) },
		Validate:    validateServer,
	}
}

func decodeServer(data []byte, strict bool) (any, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, &kind.DecodeError{Type: "Server", Reason: "want a JSON object"}
	}

	s := &server{}
	targets := map[string]any{"name": &s.Name, "host": &s.Host, "port": &s.Port, "password": &s.Password}
	for key, raw := range m {
		target, ok := targets[key]
		if !ok && strict {
			return nil, &kind.DecodeError{Type: "Server", Key: key, Reason: "unknown key"}
		}
		if ok && json.Unmarshal(raw, target) != nil {
			want := "want a string"
			if key == "port" {
				want = "want an integer"
			}
			return nil, &kind.DecodeError{Type: "Server", Key: key, Reason: want}
		}
	}
	return s, nil
}

func validateServer(v any) error {
	s := v.(*server)
	var fields []kind.FieldError
	if s.Name == "" {
		fields = append(fields, kind.FieldError{Field: "name", Rule: "required", Message: "is required"})
	}
	if s.Host == "" {
		fields = append(fields, kind.FieldError{Field: "host", Rule: "required", Message: "is required"})
	}
	if s.Port < 1 {
		fields = append(fields, kind.FieldError{Field: "port", Rule: "min", Message: "must be at least 1"})
	}
	if s.Port > 65535 {
		fields = append(fields, kind.FieldError{Field: "port", Rule: "max", Message: "must be at most 65535"})
	}
	if fields != nil {
		return &kind.ValidationError{Type: "Server", Fields: fields}
	}
	return nil
}

// env is a real API on a real access service on a SQLite store.
type env struct {
	t     testing.TB
	store *store.Store
	svc   *access.Service
	api   *API
	srv   *httptest.Server
	logs  *syncBuffer
}

// users maps the bearer tokens the test authenticates with to subjects.
var users = map[string]access.Subject{
	"alice": {UserID: "alice", Groups: []string{"ops"}},
	"bob":   {UserID: "bob", Groups: []string{"ops"}},
	"carol": {UserID: "carol"},
}

// userExists knows the users of the users map.
func userExists(_ context.Context, id string) (bool, error) {
	_, ok := users[id]
	return ok, nil
}

func authenticate(r *http.Request) (access.Subject, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return access.Subject{}, errors.New("no bearer token")
	}
	if token == "expired" {
		return access.Subject{}, errors.New("session expired")
	}
	sub, ok := users[token]
	if !ok {
		return access.Subject{}, errors.New("unknown token")
	}
	return sub, nil
}

// database names a kind of database and makes an empty one for a test.
type database struct {
	name string
	dsn  func(testing.TB) string
}

// databases are the ones every store-backed test runs on. PostgreSQL
// skips outside scripts/test.sh.
var databases = []database{
	{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "secrets.db") }},
	{"postgres", testenv.Postgres},
}

// onEachDatabase runs fn in a subtest per database.
func onEachDatabase(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			fn(t, newEnvOn(t, db.dsn(t)))
		})
	}
}

// newEnv is an env on a fresh SQLite file.
func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvOn(t, databases[0].dsn(t))
}

func newEnvOn(t testing.TB, dsn string) *env {
	t.Helper()
	ctx := context.Background()

	key := make([]byte, 32)
	rand.Read(key)
	kr, err := keyring.New(map[int][]byte{1: key})
	if err != nil {
		t.Fatalf("keyring: %v", err)
	}
	st, err := store.Open(ctx, store.Config{DSN: dsn, Keyring: kr})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })

	reg := kind.Registry{Types: []kind.Type{serverType()}}
	svc, err := access.New(ctx, access.Config{Store: st, Registry: reg, UserExists: userExists})
	if err != nil {
		t.Fatalf("new access service: %v", err)
	}

	e := &env{t: t, store: st, svc: svc, logs: &syncBuffer{}}
	e.api = New(Config{
		Service: svc, Registry: reg, Authenticate: authenticate, MaxBody: 4096,
		Logger: newTestLogger(e.logs),
	})
	e.srv = httptest.NewServer(e.api.Handler())
	e.srv.Client().Timeout = 20 * time.Second // a hung request fails, naming its route
	t.Cleanup(e.srv.Close)
	return e
}

// in returns e reporting to t, for use inside subtests and fuzz targets.
func (e *env) in(t testing.TB) *env {
	c := *e
	c.t = t
	return &c
}

// response is what a test request got back.
type response struct {
	status  int
	header  http.Header
	body    []byte
	problem Problem
}

// do sends a request as user ("" sends none) with a JSON body ("" sends
// none) and extra headers given as "Name: value".
func (e *env) do(user, method, path, body string, headers ...string) response {
	e.t.Helper()

	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+user)
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		if value == "" {
			req.Header.Del(name)
			continue
		}
		req.Header.Set(name, value)
	}

	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out := response{status: res.StatusCode, header: res.Header}
	out.body, _ = io.ReadAll(res.Body)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		if err := json.Unmarshal(out.body, &out.problem); err != nil {
			e.t.Fatalf("%s %s: problem body does not decode: %v", method, path, err)
		}
	}
	return out
}

// create makes a Server secret as user and returns it.
func (e *env) create(user, body string) Secret {
	e.t.Helper()
	res := e.do(user, "POST", "/api/secrets/Server", body)
	if res.status != http.StatusCreated {
		e.t.Fatalf("create: status %d: %s", res.status, res.body)
	}
	var s Secret
	if err := json.Unmarshal(res.body, &s); err != nil {
		e.t.Fatalf("create: decode: %v", err)
	}
	return s
}

// digest hashes every row of every table in a stable order, so that any
// change to stored data changes it. It leaves out the audit table, where
// the access layer records refused attempts on purpose, and SQLite's own
// bookkeeping (sqlite_sequence counts those audit rows).
func (e *env) digest() string {
	e.t.Helper()
	ctx := context.Background()
	db := e.store.DB()

	query := "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
	if e.store.Dialect() == store.Postgres {
		query = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
	}
	var tables []string
	if err := db.NewRaw(query).Scan(ctx, &tables); err != nil {
		e.t.Fatalf("list tables: %v", err)
	}

	h := sha256.New()
	for _, table := range tables {
		if table == auditTable || strings.HasPrefix(table, "sqlite_") {
			continue
		}
		fmt.Fprintf(h, "table %s\n", table)
		for _, row := range e.rows(table) {
			fmt.Fprintln(h, row)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// auditTable is where the access layer keeps its audit rows.
const auditTable = "acl_audit"

// rows returns the rows of table as sorted strings.
func (e *env) rows(table string) []string {
	e.t.Helper()
	rs, err := e.store.DB().QueryContext(context.Background(), fmt.Sprintf("SELECT * FROM %q", table))
	if err != nil {
		e.t.Fatalf("read %s: %v", table, err)
	}
	defer rs.Close()

	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			e.t.Fatalf("scan %s: %v", table, err)
		}
		out = append(out, fmt.Sprintf("%v", vals))
	}
	if err := rs.Err(); err != nil {
		e.t.Fatalf("read %s: %v", table, err)
	}
	sort.Strings(out)
	return out
}

// auditOutcomes counts the audit rows by outcome.
func (e *env) auditOutcomes() map[string]int {
	e.t.Helper()
	var outcomes []string
	err := e.store.DB().NewRaw("SELECT outcome FROM "+auditTable).Scan(context.Background(), &outcomes)
	if err != nil {
		e.t.Fatalf("read audit: %v", err)
	}
	counts := map[string]int{}
	for _, o := range outcomes {
		counts[o]++
	}
	return counts
}

// newTestLogger logs everything, debug included, into buf, so tests can
// check that no value ever reaches a log line.
func newTestLogger(buf *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// syncBuffer is a buffer that server goroutines write while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
