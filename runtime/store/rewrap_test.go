package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
)

// The rewrap child is this test binary started again with these variables
// set: it rewraps the database and hangs in its second batch, waiting to
// be killed.
const (
	childDSNEnv = "SECRETGEN_STORE_REWRAP_CHILD_DSN"
	childKeyEnv = "SECRETGEN_STORE_REWRAP_CHILD_KEYFILE"
	halfWay     = "half-way"
)

func TestMain(m *testing.M) {
	if dsn := os.Getenv(childDSNEnv); dsn != "" {
		os.Exit(rewrapChild(dsn, os.Getenv(childKeyEnv)))
	}
	os.Exit(m.Run())
}

// rewrapChild rewraps in batches of 5 and, with the first batch committed
// and the second written but not committed, says so and waits.
func rewrapChild(dsn, keyFile string) int {
	ctx := context.Background()
	kr, err := keyring.FromFile(keyFile, keyring.FileOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := Open(ctx, Config{DSN: dsn, Keyring: kr})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	batches := 0
	s.rewrapHook = func(ctx context.Context, rows int) error {
		batches++
		if batches == 2 {
			fmt.Println(halfWay)
			time.Sleep(10 * time.Minute)
		}
		return nil
	}
	if _, err := s.Rewrap(ctx, 5); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestRewrapKilledHalfWayFinishesWhenStartedAgain(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		kr, keyFile := newKeyring(t)
		s := open(t, dsn, kr)
		want := map[string]string{}
		for i := range 12 {
			meta, _ := s.Create(ctx, "SMTP", []byte(fmt.Sprintf(`{"n":%d}`, i)))
			meta, _ = s.Update(ctx, "SMTP", meta.ID, 1, []byte(fmt.Sprintf(`{"n":%d,"v":2}`, i)))
			want[meta.ID] = string(mustGet(t, s, meta.ID).Payload)
		}
		if _, err := kr.Rotate(); err != nil {
			t.Fatal(err)
		}

		killChildHalfWay(t, dsn, keyFile)
		left := rowsOnKey(t, s, 1)
		if left == 0 || left >= 24 {
			t.Fatalf("after the kill %d of 24 rows are on key version 1, want some but not all", left)
		}

		again := open(t, dsn, keyringFor(t, keyFile))
		n, err := again.Rewrap(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		if n != left {
			t.Fatalf("second rewrap did %d rows, want the %d left", n, left)
		}
		if old := rowsNotOnKey(t, again, 2); old != 0 {
			t.Fatalf("%d rows still refer to an old master key version", old)
		}

		assertReadsBackWithoutKey1(t, dsn, keyFile, want)
	})
}

// killChildHalfWay runs a rewrap in another process and kills it in the
// middle of its second batch.
func killChildHalfWay(t *testing.T, dsn, keyFile string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), childDSNEnv+"="+dsn, childKeyEnv+"="+keyFile)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	line, _ := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	if strings.TrimSpace(line) != halfWay {
		t.Fatalf("rewrap child said %q, want %q", line, halfWay)
	}
}

// assertReadsBackWithoutKey1 drops master key version 1 and reads every
// secret, current and kept versions, with the keyring that is left.
func assertReadsBackWithoutKey1(t *testing.T, dsn, keyFile string, want map[string]string) {
	t.Helper()
	kr := keyringFor(t, keyFile)
	if err := kr.Remove(1); err != nil {
		t.Fatal(err)
	}
	s := open(t, dsn, keyringFor(t, keyFile))
	for id, payload := range want {
		if got := string(mustGet(t, s, id).Payload); got != payload {
			t.Errorf("secret %s reads back as %s, want %s", id, got, payload)
		}
		if _, err := s.GetVersion(context.Background(), id, 1); err != nil {
			t.Errorf("kept version 1 of %s: %v", id, err)
		}
	}
}

func mustGet(t *testing.T, s *Store, id string) kind.Item {
	t.Helper()
	item, err := s.Get(context.Background(), "", id)
	if err != nil {
		t.Fatal(err)
	}
	return item
}

func rowsOnKey(t *testing.T, s *Store, version int) int {
	return countWhere(t, s, "key_version = ?", version)
}

func rowsNotOnKey(t *testing.T, s *Store, version int) int {
	return countWhere(t, s, "key_version <> ?", version)
}

func countWhere(t *testing.T, s *Store, where string, args ...any) int {
	t.Helper()
	total := 0
	for _, table := range []string{"secrets", "secret_versions"} {
		n, err := s.DB().NewSelect().Table(table).Where(where, args...).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		total += int(n)
	}
	return total
}
