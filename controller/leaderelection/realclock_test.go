package leaderelection_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller/leaderelection"
)

// These tests run candidates on the real clock with a 1 s lease, a 600 ms renew deadline and a
// 200 ms retry period, as separate processes would.

func TestTwoCandidatesExactlyOneLeads(t *testing.T) {
	h := newHarness(t)
	a := h.start(h.fastConfig("a", "pair"))
	waitFor(t, 5*time.Second, "a to lead", a.leading)
	b := h.start(h.fastConfig("b", "pair"))
	waitFor(t, 5*time.Second, "b to see a lead", func() bool { return b.e.GetLeader() == "a" })

	// Wait until a has renewed for well over a lease duration while b watched: b must not have
	// taken over a live lease.
	watched := time.Now()
	waitFor(t, 10*time.Second, "a to renew for two lease durations", func() bool {
		return h.get("pair").Spec.RenewTime.Sub(watched) > 2*time.Second
	})
	if b.started.Load() != 0 || b.e.IsLeader() || !a.leading() {
		t.Fatalf("with a renewing: a leading %v, b started leading %d times", a.leading(), b.started.Load())
	}

	// a dies without releasing the lease: b waits for it to expire.
	a.stop(t)
	died := time.Now()
	if a.err != nil {
		t.Errorf("a's Run = %v, want nil", a.err)
	}
	a.checkStopped(t)
	waitFor(t, 5*time.Second, "b to take over", b.leading)
	took := time.Since(died)
	cfg := h.fastConfig("a", "pair") // a's durations, which b shares
	// b takes over LeaseDuration after it last saw a renew, which was at most a RetryPeriod before
	// a died, but checks the lease only every RetryPeriod (at most JitterFactor more) or at its
	// expiry: half a lease is a safe floor, and the ceiling allows a generous slack for a
	// loaded machine.
	if ceiling := cfg.LeaseDuration + cfg.RetryPeriod + time.Second; took > ceiling {
		t.Errorf("b took over %v after a died, want within %v", took, ceiling)
	}
	if took < cfg.LeaseDuration/2 {
		t.Errorf("b took over %v after a died: it did not wait for the lease (%v) to expire", took, cfg.LeaseDuration)
	}
	t.Logf("b took over %v after a died", took)

	l := h.get("pair")
	if holder(l) != "b" || *l.Spec.LeaseTransitions != 1 {
		t.Errorf("lease: holder %q, transitions %d; want b, 1", holder(l), *l.Spec.LeaseTransitions)
	}
	if n := h.maxActive.Load(); n != 1 {
		t.Errorf("%d candidates led at once, want 1", n)
	}
	waitFor(t, 5*time.Second, "b's OnNewLeader(b)", func() bool { return len(b.newLeaders()) >= 2 })
	if diff := cmp.Diff([]string{"a", "b"}, b.newLeaders()); diff != "" {
		t.Errorf("b's OnNewLeader calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a"}, a.newLeaders()); diff != "" {
		t.Errorf("a's OnNewLeader calls (-want +got):\n%s", diff)
	}
}

func TestReleaseOnCancelHandsOverAtOnce(t *testing.T) {
	h := newHarness(t)
	// A lease long enough that a takeover after it expired cannot pass for an immediate one.
	slow := func(id string) leaderelection.Config {
		cfg := h.fastConfig(id, "handover")
		cfg.LeaseDuration, cfg.RenewDeadline = 5*time.Second, 3*time.Second
		cfg.ReleaseOnCancel = true
		return cfg
	}
	a := h.start(slow("a"))
	waitFor(t, 5*time.Second, "a to lead", a.leading)
	b := h.start(slow("b"))
	waitFor(t, 5*time.Second, "b to see a lead", func() bool { return b.e.GetLeader() == "a" })
	watched := time.Now()
	waitFor(t, 5*time.Second, "a to renew while b watches", func() bool {
		return h.get("handover").Spec.RenewTime.After(watched.Add(500 * time.Millisecond))
	})

	a.stop(t)
	released := time.Now()
	a.checkStopped(t)
	waitFor(t, 5*time.Second, "b to take over", b.leading)
	if took := time.Since(released); took > 2*time.Second {
		t.Errorf("b took over %v after a released the lease, want well under the lease duration (5s)", took)
	} else {
		t.Logf("b took over %v after a released the lease", took)
	}
	l := h.get("handover")
	if holder(l) != "b" || *l.Spec.LeaseTransitions != 1 || *l.Spec.LeaseDurationSeconds != 5 {
		t.Errorf("lease: holder %q, transitions %d, duration %d; want b, 1, 5", holder(l), *l.Spec.LeaseTransitions, *l.Spec.LeaseDurationSeconds)
	}
	if n := h.maxActive.Load(); n != 1 {
		t.Errorf("%d candidates led at once, want 1", n)
	}
}

func TestPartitionedLeaderStopsWithinRenewDeadline(t *testing.T) {
	h := newHarness(t)
	cfg := h.fastConfig("a", "cut")
	c, p := h.partitionedClient()
	cfg.Client = c
	a := h.start(cfg)
	waitFor(t, 5*time.Second, "a to lead", a.leading)
	waitFor(t, 5*time.Second, "a to renew", func() bool { return h.get("cut").Spec.RenewTime.After(time.Now().Add(-cfg.RetryPeriod)) })

	p.cut.Store(true)
	cut := time.Now()
	waitFor(t, 5*time.Second, "a to stop", a.finished)
	// a stops RenewDeadline after its last successful renewal, which came before the cut.
	if took := time.Since(cut); took > cfg.RenewDeadline+500*time.Millisecond {
		t.Errorf("a stopped leading %v after it was cut off, want within RenewDeadline (%v)", took, cfg.RenewDeadline)
	} else {
		t.Logf("a stopped leading %v after it was cut off", took)
	}
	if !errors.Is(a.err, leaderelection.ErrLeadershipLost) {
		t.Errorf("Run = %v, want ErrLeadershipLost", a.err)
	}
	a.checkStopped(t)
}

func TestRunLeavesNoGoroutines(t *testing.T) {
	h := newHarness(t)
	cfg := h.fastConfig("a", "leak")
	cfg.ReleaseOnCancel = true
	// One request first, so that whatever the client and server keep running is there before
	// counting.
	if _, err := client.For[*coordination.Lease](cfg.Client).Namespace(namespace).List(context.Background(), client.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	a := h.start(cfg)
	waitFor(t, 5*time.Second, "a to lead", a.leading)
	waitFor(t, 5*time.Second, "OnNewLeader(a)", func() bool { return len(a.newLeaders()) == 1 })
	a.stop(t)
	// Run has returned, and with it the callbacks it started; give the scheduler a moment to
	// retire the goroutines that have already finished (the test's own Run goroutine among them).
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after Run returned, %d before", runtime.NumGoroutine(), before)
		}
		runtime.Gosched()
	}
}
