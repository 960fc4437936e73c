package informer

import (
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"
)

func TestBackoffGrowsJittersAndResets(t *testing.T) {
	clk := clocktesting.NewFakePassiveClock(time.Now())
	b := Backoff{}
	b.defaults()
	s := backoffState{b: b, clock: clk}
	base := 800 * time.Millisecond
	for i := range 8 {
		d := s.delay()
		lo := min(base<<i, 30*time.Second)
		if d < lo || d > 2*lo {
			t.Fatalf("failure %d: delay %s, want within [%s, %s]", i, d, lo, 2*lo)
		}
		clk.SetTime(clk.Now().Add(time.Second))
	}
	clk.SetTime(clk.Now().Add(3 * time.Minute))
	if d := s.delay(); d > 2*base {
		t.Fatalf("after a quiet period the delay is %s, want it back at the start", d)
	}

	// Reflectors failing at the same moment retry apart.
	distinct := map[time.Duration]bool{}
	for range 20 {
		s := backoffState{b: b, clock: clk}
		distinct[s.delay()] = true
	}
	if len(distinct) < 15 {
		t.Fatalf("20 reflectors chose only %d distinct delays", len(distinct))
	}
}
