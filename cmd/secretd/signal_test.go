package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestMain lets a test run this test binary as secretd itself, so the
// shutdown test sends a real signal to a real process.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("SECRETD_TEST_RUN_ARGS"); ok {
		os.Exit(run(strings.Fields(args), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

var listening = regexp.MustCompile(`msg="secretd listening" url=(\S+)`)

func TestSIGTERMShutsDownGracefully(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "SECRETD_TEST_RUN_ARGS=-addr 127.0.0.1:0 -data "+t.TempDir()+" -admin-password "+adminPassword)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })

	lines := bufio.NewScanner(stderr)
	base := waitFor(t, lines, listening)[1]
	if res, err := http.Get(base + "/login"); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /login on the running secretd: %v %v", res, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	waitFor(t, lines, regexp.MustCompile(`msg="secretd stopped"`))
	io.Copy(io.Discard, stderr)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("secretd after SIGTERM: %v, want exit status 0", err)
	}
}

// waitFor reads log lines until one matches re and returns its submatches.
func waitFor(t *testing.T, lines *bufio.Scanner, re *regexp.Regexp) []string {
	t.Helper()
	var seen []string
	for lines.Scan() {
		if m := re.FindStringSubmatch(lines.Text()); m != nil {
			return m
		}
		seen = append(seen, lines.Text())
	}
	t.Fatalf("secretd ended its log without a line matching %s:\n%s", re, strings.Join(seen, "\n"))
	return nil
}
