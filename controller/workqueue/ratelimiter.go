package workqueue

import (
	"math"
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// RateLimiter decides how long an item waits before it is retried.
type RateLimiter[T comparable] interface {
	// When records one more retry of item and returns how long to wait before it.
	When(item T) time.Duration
	// Forget stops tracking item, so that its next retry waits as if it were the first.
	Forget(item T)
	// NumRequeues returns how many retries of item have been recorded since it was last
	// forgotten.
	NumRequeues(item T) int
}

// DefaultControllerRateLimiter returns the rate limiter Kubernetes controllers use: each item
// backs off exponentially from 5ms to 1000s, and all items together are limited to 10 retries
// per second with bursts of 100; the longer of the two delays wins. clk drives the overall
// limit; nil means the real clock.
func DefaultControllerRateLimiter[T comparable](clk clock.PassiveClock) RateLimiter[T] {
	return MaxOf(
		ItemExponentialFailure[T](5*time.Millisecond, 1000*time.Second),
		Bucket[T](10, 100, clk),
	)
}

// ItemExponentialFailure returns a rate limiter that delays an item base * 2^n, where n is the
// number of times it was retried before, but never more than maxDelay. Delays that would
// overflow a time.Duration are maxDelay.
func ItemExponentialFailure[T comparable](base, maxDelay time.Duration) RateLimiter[T] {
	return &itemExponentialFailure[T]{base: base, maxDelay: maxDelay, failures: make(map[T]int)}
}

type itemExponentialFailure[T comparable] struct {
	base, maxDelay time.Duration

	mu       sync.Mutex
	failures map[T]int
}

func (r *itemExponentialFailure[T]) When(item T) time.Duration {
	r.mu.Lock()
	n := r.failures[item]
	r.failures[item] = n + 1
	r.mu.Unlock()
	return exponentialBackoff(r.base, r.maxDelay, n)
}

// exponentialBackoff returns base << n capped at maxDelay, checking for overflow before
// shifting rather than after, when the sign bit may already have flipped.
func exponentialBackoff(base, maxDelay time.Duration, n int) time.Duration {
	base = max(base, 0)
	if n >= 63 || base > math.MaxInt64>>n {
		return maxDelay
	}
	return min(base<<n, maxDelay)
}

func (r *itemExponentialFailure[T]) Forget(item T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.failures, item)
}

func (r *itemExponentialFailure[T]) NumRequeues(item T) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failures[item]
}

// Bucket returns a rate limiter that lets all items together through at qps per second on
// average, with bursts of up to burst items: a token bucket that holds burst tokens, gains qps
// tokens a second and gives one to each When. When there is no token, the item is delayed until
// one would have accumulated; that token is spoken for, so the delays of successive items grow.
//
// Bucket does not track items: Forget does nothing and NumRequeues is always 0. A burst below 1
// is taken as 1. With qps <= 0 no tokens are ever added, so once the burst is spent every delay
// is the longest time.Duration. clk nil means the real clock.
func Bucket[T comparable](qps float64, burst int, clk clock.PassiveClock) RateLimiter[T] {
	if clk == nil {
		clk = clock.RealClock{}
	}
	burst = max(burst, 1)
	return &bucket[T]{qps: qps, burst: float64(burst), tokens: float64(burst), clock: clk}
}

type bucket[T comparable] struct {
	qps   float64
	burst float64
	clock clock.PassiveClock

	mu     sync.Mutex
	tokens float64 // negative when delayed items have spoken for future tokens
	last   time.Time
}

func (b *bucket[T]) When(T) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	if !b.last.IsZero() && b.qps > 0 {
		// A clock that went backwards adds nothing rather than taking tokens away.
		elapsed := max(0, now.Sub(b.last).Seconds())
		b.tokens = math.Min(b.burst, b.tokens+elapsed*b.qps)
	}
	b.last = now
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	if b.qps <= 0 {
		return math.MaxInt64
	}
	wait := -b.tokens * float64(time.Second) / b.qps
	if wait >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(math.Round(wait))
}

func (b *bucket[T]) Forget(T) {}

func (b *bucket[T]) NumRequeues(T) int { return 0 }

// MaxOf returns a rate limiter that asks every one of limiters and takes the longest delay and
// the highest retry count. Forget forgets the item in all of them.
func MaxOf[T comparable](limiters ...RateLimiter[T]) RateLimiter[T] {
	return maxOf[T](limiters)
}

type maxOf[T comparable] []RateLimiter[T]

func (m maxOf[T]) When(item T) time.Duration {
	var longest time.Duration
	for _, l := range m {
		longest = max(longest, l.When(item)) // every limiter must record the retry
	}
	return longest
}

func (m maxOf[T]) Forget(item T) {
	for _, l := range m {
		l.Forget(item)
	}
}

func (m maxOf[T]) NumRequeues(item T) int {
	var most int
	for _, l := range m {
		most = max(most, l.NumRequeues(item))
	}
	return most
}
