package directory_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"github.com/secretgen/secretgen/runtime/directory"
)

// BenchmarkAuthenticate compares a wrong password for a real user with
// any password for an unknown one. The two must cost the same, or the
// time of a failed login tells which user names exist. The two calls
// alternate within one loop so that a busy machine slows both alike; the
// metric unknown/known is their ratio.
func BenchmarkAuthenticate(b *testing.B) {
	ctx := context.Background()
	dir := benchDirectory(b)
	if _, err := dir.CreateUser(ctx, "alice", "password of alice"); err != nil {
		b.Fatal(err)
	}

	var spent [2]time.Duration
	for b.Loop() {
		for i, user := range []string{"alice", "mallory"} {
			start := time.Now()
			if _, err := dir.Authenticate(ctx, user, "not the password"); err == nil {
				b.Fatal("Authenticate accepted a wrong password")
			}
			spent[i] += time.Since(start)
		}
	}
	b.ReportMetric(float64(spent[1])/float64(spent[0]), "unknown/known")
}

// BenchmarkGroupsOf reads one user's groups among many memberships, as
// every request does, and alternates with the same query run with SQLite
// told to use no index: what GroupsOf would cost without
// dir_members_user_id_idx. The metric noindex/indexed is their ratio.
func BenchmarkGroupsOf(b *testing.B) {
	const users, groups, perUser = 5000, 500, 4
	const noIndex = "SELECT group_id FROM dir_members NOT INDEXED WHERE user_id = ? ORDER BY group_id"
	ctx := context.Background()
	db := benchDB(b)
	dir, err := directory.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	target := fillMemberships(b, db, users, groups, perUser)

	ways := []func() ([]string, error){
		func() ([]string, error) { return dir.GroupsOf(ctx, target) },
		func() ([]string, error) {
			var ids []string
			return ids, db.NewRaw(noIndex, target).Scan(ctx, &ids)
		},
	}
	var spent [2]time.Duration
	for b.Loop() {
		for i, groupsOf := range ways {
			start := time.Now()
			ids, err := groupsOf()
			spent[i] += time.Since(start)
			if err != nil || len(ids) != perUser {
				b.Fatalf("way %d: %d ids, %v; want %d", i, len(ids), err, perUser)
			}
		}
	}
	b.ReportMetric(float64(spent[1])/float64(spent[0]), "noindex/indexed")
}

// fillMemberships writes users×perUser membership rows directly, since
// hashing thousands of passwords would only measure Argon2id. It returns
// the id of one user in the middle.
func fillMemberships(b *testing.B, db *bun.DB, users, groups, perUser int) string {
	type member struct {
		bun.BaseModel `bun:"table:dir_members"`
		GroupID       string `bun:"group_id"`
		UserID        string `bun:"user_id"`
	}
	var rows []member
	for u := range users {
		for k := range perUser {
			rows = append(rows, member{
				GroupID: fmt.Sprintf("g%04d", (u*7+k*131)%groups),
				UserID:  fmt.Sprintf("u%05d", u),
			})
		}
	}
	for start := 0; start < len(rows); start += 1000 {
		batch := rows[start:min(start+1000, len(rows))]
		if _, err := db.NewInsert().Model(&batch).Exec(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	return fmt.Sprintf("u%05d", users/2)
}

func benchDB(b *testing.B) *bun.DB {
	dsn := "file:" + filepath.Join(b.TempDir(), "bench.db") + "?_pragma=journal_mode(wal)"
	return openDB(b, "sqlite", dsn, sqlitedialect.New())
}

func benchDirectory(b *testing.B) *directory.Directory {
	dir, err := directory.Open(context.Background(), benchDB(b))
	if err != nil {
		b.Fatal(err)
	}
	return dir
}
