package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// logBuffer collects the log lines of a daemon; the daemon writes from
// its own goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startLoggingDaemon starts a secretd that logs at level info into the
// returned buffer.
func startLoggingDaemon(t *testing.T, opt serverOptions) (*testDaemon, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	d, err := start(context.Background(), testConfig(t), opt, io.Discard, log)
	if err != nil {
		t.Fatalf("start secretd: %v", err)
	}
	t.Cleanup(func() { d.stop(5 * time.Second) })
	return &testDaemon{daemon: d, t: t, dir: d.server.dir, svc: d.server.svc}, logs
}

// lineOf returns the log line holding msg, or "".
func lineOf(logs, msg string) string {
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `msg="`+msg+`"`) {
			return line
		}
	}
	return ""
}

func TestRefusedLoginLogsOnlyNamesOfUsers(t *testing.T) {
	tests := []struct {
		name, typed, want string
	}{
		{"existing user", "admin", "user=admin "},
		{"password typed as the name", "CANARY-7f3a", `user="(unknown name)" `},
		{"unknown but well-formed name", "canary-7f3a-pw", `user="(unknown name)" `},
		{"name with a NUL byte", "canary\x00pw", `user="(unknown name)" `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, logs := startLoggingDaemon(t, serverOptions{})

			d.client().tryLogin(tt.typed, "wrong password")

			line := lineOf(logs.String(), "login refused")
			if !strings.Contains(line, tt.want) {
				t.Errorf("log line %q, want it to hold %q", line, tt.want)
			}
			if strings.Contains(strings.ToLower(logs.String()), "canary") {
				t.Errorf("the log holds the name typed:\n%s", logs)
			}
		})
	}
}

func TestRateLimitedLoginLogsOnlyNamesOfUsers(t *testing.T) {
	tests := []struct {
		name, typed, want string
	}{
		{"existing user", "admin", "user=admin "},
		{"unknown name", "canary-7f3a-pw", `user="(unknown name)" `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, logs := startLoggingDaemon(t, serverOptions{Now: newFakeClock().now})
			c := d.client()
			for range 6 {
				c.tryLogin(tt.typed, "wrong password")
			}

			line := lineOf(logs.String(), "login rate-limited")
			if !strings.Contains(line, tt.want) {
				t.Errorf("log line %q, want it to hold %q", line, tt.want)
			}
			if strings.Contains(logs.String(), "canary") {
				t.Errorf("the log holds the name typed:\n%s", logs)
			}
		})
	}
}

func TestAPIRefusalSaysNotLoggedInAndLogsTheCause(t *testing.T) {
	d, logs := startLoggingDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	if _, err := d.server.sessions.db.ExecContext(t.Context(), "DROP TABLE secretd_sessions"); err != nil {
		t.Fatal(err)
	}

	res := c.api("GET", "/api/secrets", "")

	if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "not logged in") {
		t.Errorf("status %d, want 401 saying not logged in\n%s", res.status, res.body)
	}
	if strings.Contains(res.body, "secretd_sessions") || strings.Contains(res.body, "sessions:") {
		t.Errorf("the answer holds the internal error:\n%s", res.body)
	}
	if line := lineOf(logs.String(), "authenticate API request"); !strings.Contains(line, "secretd_sessions") {
		t.Errorf("the log does not name the cause:\n%s", logs)
	}
}
