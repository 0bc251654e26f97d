package main

import (
	"testing"
	"time"
)

func TestLimiterAllowsABurstThenRefillsAtItsRate(t *testing.T) {
	clock := newFakeClock()
	l := newLimiter(3, 10*time.Second, clock.now)

	for i := range 3 {
		if ok, _ := l.allow("alice"); !ok {
			t.Fatalf("attempt %d of the burst refused", i+1)
		}
	}
	ok, wait := l.allow("alice")
	if ok {
		t.Fatal("fourth attempt within the burst allowed")
	}
	if wait != 10*time.Second {
		t.Fatalf("wait = %v, want 10s", wait)
	}

	clock.advance(9 * time.Second)
	if ok, _ := l.allow("alice"); ok {
		t.Fatal("attempt allowed before a token came back")
	}
	clock.advance(2 * time.Second)
	if ok, _ := l.allow("alice"); !ok {
		t.Fatal("attempt refused after a token came back")
	}
}

func TestLimiterKeepsKeysApart(t *testing.T) {
	clock := newFakeClock()
	l := newLimiter(1, time.Minute, clock.now)

	l.allow("alice")
	if ok, _ := l.allow("bob"); !ok {
		t.Fatal("bob refused because alice used her token")
	}
}

func TestLoginLimiterLimitsPerNameAndPerAddress(t *testing.T) {
	tests := []struct {
		name     string
		attempts func(i int) (user, addr string)
		allowed  int
	}{
		{
			name:     "one name from many addresses",
			attempts: func(i int) (string, string) { return "admin", addrN(i) },
			allowed:  5,
		},
		{
			name:     "many names from one address",
			attempts: func(i int) (string, string) { return userN(i), "192.0.2.7" },
			allowed:  20,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLoginLimiter(newFakeClock().now)

			allowed := 0
			for i := range 100 {
				if ok, _ := l.allow(tt.attempts(i)); ok {
					allowed++
				}
			}
			if allowed != tt.allowed {
				t.Fatalf("%d of 100 attempts allowed, want %d", allowed, tt.allowed)
			}
		})
	}
}

func TestLimiterDropsFullBucketsWhenItHoldsTooMany(t *testing.T) {
	clock := newFakeClock()
	l := newLimiter(2, time.Second, clock.now)

	for i := range maxBuckets {
		l.allow(userN(i))
	}
	clock.advance(time.Minute)
	l.allow("one more")

	if len(l.buckets) != 1 {
		t.Fatalf("limiter holds %d buckets after the sweep, want 1", len(l.buckets))
	}
}

func addrN(i int) string { return "198.51.100." + itoa(i) }
func userN(i int) string { return "user" + itoa(i) }
