package workqueue_test

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/controller/workqueue"
)

const ms = time.Millisecond

// whens calls l.When(item) n times.
func whens(l workqueue.RateLimiter[string], item string, n int) []time.Duration {
	var ds []time.Duration
	for range n {
		ds = append(ds, l.When(item))
	}
	return ds
}

func TestItemExponentialFailure(t *testing.T) {
	l := workqueue.ItemExponentialFailure[string](5*ms, time.Second)
	want := []time.Duration{5 * ms, 10 * ms, 20 * ms, 40 * ms, 80 * ms, 160 * ms, 320 * ms, 640 * ms, time.Second, time.Second}
	if diff := cmp.Diff(want, whens(l, "a", 10)); diff != "" {
		t.Errorf("delays for a (-want +got):\n%s", diff)
	}
	if got := l.NumRequeues("a"); got != 10 {
		t.Errorf("NumRequeues(a) = %d, want 10", got)
	}
	if got := l.When("b"); got != 5*ms {
		t.Errorf("When(b) = %v, want 5ms: items back off independently", got)
	}
	l.Forget("a")
	if got := l.NumRequeues("a"); got != 0 {
		t.Errorf("NumRequeues(a) = %d after Forget, want 0", got)
	}
	if got := l.When("a"); got != 5*ms {
		t.Errorf("When(a) = %v after Forget, want 5ms", got)
	}
}

func TestItemExponentialFailureNeverOverflows(t *testing.T) {
	for _, tc := range []struct {
		name           string
		base, maxDelay time.Duration
	}{
		{"tiny base, huge max", time.Nanosecond, math.MaxInt64},
		{"default", 5 * ms, 1000 * time.Second},
		{"base near the top", math.MaxInt64 / 3, math.MaxInt64},
		{"base above max", time.Hour, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := workqueue.ItemExponentialFailure[string](tc.base, tc.maxDelay)
			var prev time.Duration
			for i, d := range whens(l, "a", 200) {
				if d < prev || d > tc.maxDelay {
					t.Fatalf("When #%d = %v after %v: want non-decreasing and at most %v", i, d, prev, tc.maxDelay)
				}
				prev = d
			}
			if prev != tc.maxDelay {
				t.Errorf("delay after 200 failures = %v, want the cap %v", prev, tc.maxDelay)
			}
		})
	}
}

func TestBucket(t *testing.T) {
	clk := clocktesting.NewFakeClock(epoch)
	l := workqueue.Bucket[string](1, 3, clk)

	// The burst is free; beyond it each item waits for a token no earlier item has claimed.
	if diff := cmp.Diff([]time.Duration{0, 0, 0, time.Second, 2 * time.Second}, whens(l, "x", 5)); diff != "" {
		t.Errorf("delays from a full bucket (-want +got):\n%s", diff)
	}
	clk.Step(2 * time.Second) // pays back the two claimed tokens
	if got := l.When("x"); got != time.Second {
		t.Errorf("When after 2s = %v, want 1s", got)
	}
	clk.Step(time.Hour) // refills, but only up to the burst
	if diff := cmp.Diff([]time.Duration{0, 0, 0, time.Second}, whens(l, "y", 4)); diff != "" {
		t.Errorf("delays after a long idle (-want +got):\n%s", diff)
	}
	if got := l.NumRequeues("x"); got != 0 {
		t.Errorf("NumRequeues = %d, want 0: a bucket does not track items", got)
	}
}

func TestBucketFractionalQPS(t *testing.T) {
	clk := clocktesting.NewFakeClock(epoch)
	l := workqueue.Bucket[string](0.5, 1, clk)
	if diff := cmp.Diff([]time.Duration{0, 2 * time.Second, 4 * time.Second}, whens(l, "x", 3)); diff != "" {
		t.Errorf("delays (-want +got):\n%s", diff)
	}
}

func TestBucketWithoutRefillWaitsForever(t *testing.T) {
	l := workqueue.Bucket[string](0, 2, clocktesting.NewFakeClock(epoch))
	if diff := cmp.Diff([]time.Duration{0, 0, math.MaxInt64}, whens(l, "x", 3)); diff != "" {
		t.Errorf("delays (-want +got):\n%s", diff)
	}
}

func TestMaxOf(t *testing.T) {
	clk := clocktesting.NewFakeClock(epoch)
	l := workqueue.MaxOf(
		workqueue.ItemExponentialFailure[string](ms, time.Minute),
		workqueue.Bucket[string](1, 2, clk),
	)
	// Exponential wins while the bucket has tokens, then the bucket does.
	if diff := cmp.Diff([]time.Duration{ms, 2 * ms, time.Second}, whens(l, "a", 3)); diff != "" {
		t.Errorf("delays (-want +got):\n%s", diff)
	}
	if got := l.NumRequeues("a"); got != 3 {
		t.Errorf("NumRequeues(a) = %d, want 3 (the exponential limiter's count)", got)
	}
	l.Forget("a")
	if got := l.NumRequeues("a"); got != 0 {
		t.Errorf("NumRequeues(a) = %d after Forget, want 0", got)
	}
	clk.Step(time.Hour)
	if got := l.When("a"); got != ms {
		t.Errorf("When(a) after Forget and a refill = %v, want 1ms", got)
	}
}

func TestDefaultControllerRateLimiter(t *testing.T) {
	clk := clocktesting.NewFakeClock(epoch)
	l := workqueue.DefaultControllerRateLimiter[int](clk)
	for item := range 100 {
		if got := l.When(item); got != 5*ms {
			t.Fatalf("When(%d) = %v, want 5ms: the first 100 retries are the burst", item, got)
		}
	}
	if got := l.When(100); got != 100*ms {
		t.Errorf("When(100) = %v, want 100ms: beyond the burst, 10 per second", got)
	}
	if got := l.When(101); got != 200*ms {
		t.Errorf("When(101) = %v, want 200ms", got)
	}
	clk.Step(time.Minute)
	if diff := cmp.Diff([]time.Duration{10 * ms, 20 * ms, 40 * ms}, []time.Duration{l.When(0), l.When(0), l.When(0)}); diff != "" {
		t.Errorf("delays of item 0 after a refill (-want +got):\n%s", diff)
	}
	if got := l.When(0); got > 1000*time.Second {
		t.Errorf("When(0) = %v, above the 1000s cap", got)
	}
}
