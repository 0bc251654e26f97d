package main

import (
	"sync"
	"time"
)

// limiter is a set of token buckets, one per key, that refill at a steady
// rate up to a burst. Login uses two keys per attempt, the user name and
// the client address, so guessing one account's password and spraying
// many accounts from one address are both slowed down.
//
// The buckets live in memory: each secretd process limits on its own, so
// n processes behind a balancer allow n times the rate. That bounds
// guessing well enough; it is not a quota.
type limiter struct {
	burst int
	every time.Duration // one token comes back per every
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the memory an attacker can make the limiter hold;
// past it, full buckets (which limit nothing) are dropped.
const maxBuckets = 10000

func newLimiter(burst int, every time.Duration, now func() time.Time) *limiter {
	return &limiter{burst: burst, every: every, now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for key and reports whether there was one. When
// there was not, it says how long until the next one.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()

	now := l.now()
	b := l.refill(key, now)
	if b.tokens < 1 {
		wait := time.Duration((1 - b.tokens) * float64(l.every))
		return false, wait
	}
	b.tokens--
	return true, 0
}

func (l *limiter) refill(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.dropFull(now)
		}
		b = &bucket{tokens: float64(l.burst), at: now}
		l.buckets[key] = b
		return b
	}

	gained := float64(now.Sub(b.at)) / float64(l.every)
	b.tokens = min(float64(l.burst), b.tokens+max(gained, 0))
	b.at = now
	return b
}

func (l *limiter) dropFull(now time.Time) {
	for key, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))/float64(l.every) >= float64(l.burst) {
			delete(l.buckets, key)
		}
	}
}

// loginLimiter applies one limiter per user name and one per client
// address to each login attempt.
type loginLimiter struct {
	byName *limiter
	byAddr *limiter
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{
		byName: newLimiter(5, 30*time.Second, now),
		byAddr: newLimiter(20, 5*time.Second, now),
	}
}

// allow reports whether a login attempt for name from addr may proceed,
// and otherwise how long the client should wait.
func (l *loginLimiter) allow(name, addr string) (bool, time.Duration) {
	if ok, wait := l.byAddr.allow(addr); !ok {
		return false, wait
	}
	return l.byName.allow(nameKey(name))
}

// maxNameKey is one byte more than the longest user name the directory
// accepts, so every longer name, which cannot log in anyway, shares one
// bucket per prefix, and a flood of huge names holds little memory.
const maxNameKey = 65

// nameKey is the part of a login name that the limiter keeps.
func nameKey(name string) string {
	return name[:min(len(name), maxNameKey)]
}
