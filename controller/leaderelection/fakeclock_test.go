package leaderelection_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller/leaderelection"
)

// Kubernetes' defaults, which these tests use on a fake clock.
const (
	leaseDuration = leaderelection.DefaultLeaseDuration
	renewDeadline = leaderelection.DefaultRenewDeadline
	retryPeriod   = leaderelection.DefaultRetryPeriod
)

func TestSingleCandidateAcquiresAndRenews(t *testing.T) {
	h := newHarness(t)
	ft := newFakeTime(t)
	acquired := ft.clock.Now()
	a := ft.start(h, h.config("a", "single"))
	waitFor(t, 10*time.Second, "a to lead", a.leading)
	ft.idle()

	l := h.get("single")
	want := coordination.LeaseSpec{
		HolderIdentity:       ptr("a"),
		LeaseDurationSeconds: ptr(int32(15)),
		AcquireTime:          micro(acquired),
		RenewTime:            micro(acquired),
		LeaseTransitions:     ptr(int32(0)),
	}
	if diff := cmp.Diff(want, l.Spec, timeEqual); diff != "" {
		t.Errorf("created lease (-want +got):\n%s", diff)
	}
	if got := a.e.GetLeader(); got != "a" {
		t.Errorf("GetLeader = %q, want a", got)
	}

	// Each RetryPeriod the leader renews: renewTime follows the clock, nothing else changes.
	for i := 1; i <= 3; i++ {
		ft.step(retryPeriod)
		l := h.get("single")
		want.RenewTime = micro(acquired.Add(time.Duration(i) * retryPeriod))
		if diff := cmp.Diff(want, l.Spec, timeEqual); diff != "" {
			t.Fatalf("lease after renewal %d (-want +got):\n%s", i, diff)
		}
		if !a.leading() {
			t.Fatalf("a stopped leading after renewal %d", i)
		}
	}
	waitFor(t, 10*time.Second, "OnNewLeader(a)", func() bool { return len(a.newLeaders()) >= 1 })
	if diff := cmp.Diff([]string{"a"}, a.newLeaders()); diff != "" {
		t.Errorf("OnNewLeader calls (-want +got):\n%s", diff)
	}

	a.stop(t)
	if a.err != nil {
		t.Errorf("Run after its context ended: %v, want nil", a.err)
	}
	a.checkStopped(t)
	// Without ReleaseOnCancel the lease stays with a until it expires.
	if got := holder(h.get("single")); got != "a" {
		t.Errorf("holder after stopping = %q, want a", got)
	}
}

func TestRenewalFailuresStopLeadingAfterRenewDeadline(t *testing.T) {
	h := newHarness(t)
	ft := newFakeTime(t)
	cfg := h.config("a", "partitioned")
	c, cut := h.partitionedClient()
	cfg.Client = c
	a := ft.start(h, cfg)
	waitFor(t, 10*time.Second, "a to lead", a.leading)
	ft.step(retryPeriod)
	ft.step(retryPeriod)
	lastRenewal := ft.clock.Now()
	if got := h.get("partitioned").Spec.RenewTime; !got.Equal(lastRenewal) {
		t.Fatalf("renewTime = %v, want %v", got, lastRenewal)
	}

	cut.cut.Store(true)
	// Attempts at +2s ... +8s fail, and the leader keeps leading while its deadline lasts.
	for ft.clock.Since(lastRenewal) < renewDeadline-retryPeriod {
		ft.step(retryPeriod)
		if !a.leading() {
			t.Fatalf("a stopped leading %v after its last renewal, before RenewDeadline (%v)", ft.clock.Since(lastRenewal), renewDeadline)
		}
	}
	elapsed := ft.stepUntil(retryPeriod/4, renewDeadline, "a stopping", a.finished)
	if stoppedAt := ft.clock.Since(lastRenewal); stoppedAt != renewDeadline {
		t.Errorf("a stopped leading %v after its last renewal (%v after the last failed attempt), want exactly RenewDeadline (%v)",
			stoppedAt, elapsed, renewDeadline)
	}
	if !errors.Is(a.err, leaderelection.ErrLeadershipLost) || !strings.Contains(a.err.Error(), "not renewed within 10s") {
		t.Errorf("Run = %v, want ErrLeadershipLost for a lease not renewed", a.err)
	}
	a.checkStopped(t)
}

func TestLeaderStopsWhenAnotherWriterTakesTheLease(t *testing.T) {
	h := newHarness(t)
	ft := newFakeTime(t)
	a := ft.start(h, h.config("a", "stolen"))
	waitFor(t, 10*time.Second, "a to lead", a.leading)
	ft.step(retryPeriod)

	l := h.get("stolen")
	l.Spec.HolderIdentity = ptr("intruder")
	l.Spec.RenewTime = micro(ft.clock.Now())
	if _, err := h.leases.Update(context.Background(), l, client.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// a's next renewal conflicts, reads the lease, sees another holder, and stops at once rather
	// than retrying until RenewDeadline.
	elapsed := ft.stepUntil(retryPeriod/4, renewDeadline, "a stopping", a.finished)
	if elapsed > retryPeriod {
		t.Errorf("a stopped %v after the lease was taken, want within one RetryPeriod (%v)", elapsed, retryPeriod)
	}
	if !errors.Is(a.err, leaderelection.ErrLeadershipLost) || !strings.Contains(a.err.Error(), `held by "intruder"`) {
		t.Errorf("Run = %v, want ErrLeadershipLost naming the intruder", a.err)
	}
	a.checkStopped(t)
	if got := a.e.GetLeader(); got != "intruder" {
		t.Errorf("GetLeader = %q, want intruder", got)
	}
	waitFor(t, 10*time.Second, "OnNewLeader(intruder)", func() bool { return len(a.newLeaders()) == 2 })
	if diff := cmp.Diff([]string{"a", "intruder"}, a.newLeaders()); diff != "" {
		t.Errorf("OnNewLeader calls (-want +got):\n%s", diff)
	}
	if got := holder(h.get("stolen")); got != "intruder" {
		t.Errorf("holder = %q: the stopped leader wrote the lease again", got)
	}
}

func TestConflictingWritesThatLeaveTheLeaseKeepLeadership(t *testing.T) {
	h := newHarness(t)
	ft := newFakeTime(t)
	a := ft.start(h, h.config("a", "busy"))
	waitFor(t, 10*time.Second, "a to lead", a.leading)
	for i := range 5 {
		// Another writer changes the lease between renewals, so the leader's update from the
		// version it last wrote conflicts; it must read the lease again and renew.
		ft.idle()
		l := h.get("busy")
		l.Labels = map[string]string{"touched": string(rune('0' + i))}
		if _, err := h.leases.Update(context.Background(), l, client.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		ft.step(retryPeriod)
		l = h.get("busy")
		if !a.leading() || holder(l) != "a" || !l.Spec.RenewTime.Equal(ft.clock.Now()) {
			t.Fatalf("after conflicting write %d: leading=%v holder=%q renewTime=%v, want a renewed at %v",
				i, a.leading(), holder(l), l.Spec.RenewTime, ft.clock.Now())
		}
		if l.Labels["touched"] == "" || *l.Spec.LeaseTransitions != 0 {
			t.Fatalf("after conflicting write %d: labels %v, transitions %d: the other writer's change was lost or the holder counted as new",
				i, l.Labels, *l.Spec.LeaseTransitions)
		}
	}
}

// TestExpiryIsMeasuredLocally checks that a candidate takes a lease over LeaseDuration after it
// last saw the lease change by its own clock, whatever renewTime says: a holder on a clock an
// hour slow is not expired at once, one an hour fast does not hold the lease for an hour.
func TestExpiryIsMeasuredLocally(t *testing.T) {
	for _, tc := range []struct {
		name      string
		renewedAt time.Duration // the ghost holder's renewTime, relative to the candidate's clock
		renewTime time.Duration // when (fake time since the candidate started) the ghost renews again; 0 never
		earliest  time.Duration
		latest    time.Duration
	}{
		{name: "renewTime an hour ago", renewedAt: -time.Hour, earliest: leaseDuration, latest: leaseDuration},
		{name: "renewTime in an hour", renewedAt: time.Hour, earliest: leaseDuration, latest: leaseDuration},
		{
			name: "holder renews once more", renewedAt: -time.Hour, renewTime: 10 * time.Second,
			// The candidate sees the change at its next attempt, at most one jittered
			// RetryPeriod later, and waits a full LeaseDuration from then.
			earliest: 10*time.Second + leaseDuration,
			latest:   10*time.Second + time.Duration(float64(retryPeriod)*(1+leaderelection.JitterFactor)) + leaseDuration + time.Second,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ft := newFakeTime(t)
			start := ft.clock.Now()
			ghost := &coordination.Lease{
				ObjectMeta: meta.ObjectMeta{Name: "ghost", Namespace: namespace},
				Spec: coordination.LeaseSpec{
					HolderIdentity:       ptr("ghost"),
					LeaseDurationSeconds: ptr(int32(15)),
					AcquireTime:          micro(start.Add(tc.renewedAt - time.Minute)),
					RenewTime:            micro(start.Add(tc.renewedAt)),
					LeaseTransitions:     ptr(int32(3)),
				},
			}
			if _, err := h.leases.Create(context.Background(), ghost, client.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			a := ft.start(h, h.config("a", "ghost"))
			renewed := false
			took := ft.stepUntil(time.Second, time.Minute, "a acquiring the lease", func() bool {
				if tc.renewTime > 0 && !renewed && ft.clock.Since(start) >= tc.renewTime {
					l := h.get("ghost")
					l.Spec.RenewTime = micro(ft.clock.Now())
					if _, err := h.leases.Update(context.Background(), l, client.UpdateOptions{}); err != nil {
						t.Fatal(err)
					}
					renewed = true
				}
				return a.e.IsLeader()
			})
			if took < tc.earliest || took > tc.latest {
				t.Errorf("a took the lease over %v after it started, want between %v and %v", took, tc.earliest, tc.latest)
			}
			l := h.get("ghost")
			if holder(l) != "a" || *l.Spec.LeaseTransitions != 4 || !l.Spec.AcquireTime.Equal(ft.clock.Now()) {
				t.Errorf("lease after the takeover: holder %q, transitions %d, acquireTime %v; want a, 4, %v",
					holder(l), *l.Spec.LeaseTransitions, l.Spec.AcquireTime, ft.clock.Now())
			}
			waitFor(t, 10*time.Second, "OnNewLeader(a)", func() bool { return len(a.newLeaders()) >= 2 })
			if diff := cmp.Diff([]string{"ghost", "a"}, a.newLeaders()); diff != "" {
				t.Errorf("OnNewLeader calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFollowerTakesOverAfterLeaderDies is the requirement with Kubernetes' defaults (15 s lease,
// 10 s renew deadline, 2 s retry): when the leader dies without releasing the lease, the follower
// takes over once the lease has expired, and soon after. It may not take over before LeaseDuration
// has passed since the dead leader's last renewal; it does by LeaseDuration after it last saw that
// renewal, which it sees at its next attempt, at most RetryPeriod*(1+JitterFactor) later.
func TestFollowerTakesOverAfterLeaderDies(t *testing.T) {
	h := newHarness(t)
	ft := newFakeTime(t)
	a := ft.start(h, h.config("a", "defaults"))
	waitFor(t, 10*time.Second, "a to lead", a.leading)
	b := ft.start(h, h.config("b", "defaults"))
	ft.idle()
	if got := b.e.GetLeader(); got != "a" || b.e.IsLeader() {
		t.Fatalf("b sees leader %q (IsLeader %v), want a", got, b.e.IsLeader())
	}

	// Several lease durations pass, in uneven steps: a keeps renewing, b keeps following.
	for start := ft.clock.Now(); ft.clock.Since(start) < 3*leaseDuration; {
		ft.step(700 * time.Millisecond)
		if renewed := h.get("defaults").Spec.RenewTime.Time; ft.clock.Since(renewed) > retryPeriod+700*time.Millisecond {
			t.Fatalf("a stopped renewing: renewTime %v, now %v", renewed, ft.clock.Now())
		}
		if b.leading() || !a.leading() {
			t.Fatalf("at %v: a leading %v, b leading %v", ft.clock.Now(), a.leading(), b.leading())
		}
	}

	// a dies: its context ends and it does not release the lease.
	a.stop(t)
	died := ft.clock.Now()
	lastRenewal := h.get("defaults").Spec.RenewTime.Time
	if holder(h.get("defaults")) != "a" {
		t.Fatal("a released the lease without ReleaseOnCancel")
	}
	ft.stepUntil(100*time.Millisecond, 2*leaseDuration, "b taking over", b.e.IsLeader)
	tookOver := ft.clock.Now()

	if since := tookOver.Sub(lastRenewal); since < leaseDuration {
		t.Errorf("b took over %v after a's last renewal, before the lease (%v) expired", since, leaseDuration)
	}
	bound := leaseDuration + time.Duration(float64(retryPeriod)*(1+leaderelection.JitterFactor))
	if since := tookOver.Sub(died); since > bound {
		t.Errorf("b took over %v after a died, want within %v", since, bound)
	}
	t.Logf("a died %v after its last renewal; b took over %v after a died", died.Sub(lastRenewal), tookOver.Sub(died))

	l := h.get("defaults")
	if holder(l) != "b" || *l.Spec.LeaseTransitions != 1 || !l.Spec.AcquireTime.Equal(tookOver) {
		t.Errorf("lease: holder %q, transitions %d, acquireTime %v; want b, 1, %v", holder(l), *l.Spec.LeaseTransitions, l.Spec.AcquireTime, tookOver)
	}
	if n := h.maxActive.Load(); n != 1 {
		t.Errorf("%d candidates led at once, want 1", n)
	}
	waitFor(t, 10*time.Second, "OnNewLeader(b)", func() bool { return len(b.newLeaders()) == 2 })
	if diff := cmp.Diff([]string{"a", "b"}, b.newLeaders()); diff != "" {
		t.Errorf("b's OnNewLeader calls (-want +got):\n%s", diff)
	}
	a.checkStopped(t)
}

func TestReleaseOnCancelEmptiesTheLease(t *testing.T) {
	h := newHarness(t)
	ft := newFakeTime(t)
	cfg := h.config("a", "released")
	cfg.ReleaseOnCancel = true
	a := ft.start(h, cfg)
	waitFor(t, 10*time.Second, "a to lead", a.leading)
	ft.step(retryPeriod)
	a.stop(t)
	if a.err != nil {
		t.Errorf("Run = %v, want nil", a.err)
	}
	a.checkStopped(t)
	l := h.get("released")
	if holder(l) != "" || *l.Spec.LeaseDurationSeconds != 1 || *l.Spec.LeaseTransitions != 0 {
		t.Errorf("released lease: holder %q, leaseDurationSeconds %d, transitions %d; want empty, 1, 0",
			holder(l), *l.Spec.LeaseDurationSeconds, *l.Spec.LeaseTransitions)
	}
	if got := a.e.GetLeader(); got != "" {
		t.Errorf("GetLeader after release = %q, want empty", got)
	}

	// A new candidate takes a released lease at its first attempt, without waiting.
	b := ft.start(h, h.config("b", "released"))
	waitFor(t, 10*time.Second, "b to lead", b.leading)
	if l := h.get("released"); holder(l) != "b" || *l.Spec.LeaseTransitions != 1 || *l.Spec.LeaseDurationSeconds != 15 {
		t.Errorf("lease after b took it: holder %q, transitions %d, duration %d; want b, 1, 15",
			holder(l), *l.Spec.LeaseTransitions, *l.Spec.LeaseDurationSeconds)
	}
}

func TestRunEndsWithoutLeading(t *testing.T) {
	h := newHarness(t)
	ft := newFakeTime(t)
	a := ft.start(h, h.config("a", "follow"))
	waitFor(t, 10*time.Second, "a to lead", a.leading)
	b := ft.start(h, h.config("b", "follow"))
	ft.step(retryPeriod)
	if err := b.e.Run(context.Background()); !errors.Is(err, leaderelection.ErrAlreadyRunning) {
		t.Errorf("a second Run: %v, want ErrAlreadyRunning", err)
	}
	b.stop(t)
	if b.err != nil || b.started.Load() != 0 || b.stopped.Load() != 0 {
		t.Errorf("follower's Run = %v, OnStartedLeading %d times, OnStoppedLeading %d times; want nil, 0, 0",
			b.err, b.started.Load(), b.stopped.Load())
	}

	// Run with an ended context returns at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e, err := leaderelection.New(h.config("c", "follow"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Run(ctx); err != nil || e.IsLeader() {
		t.Errorf("Run with a cancelled context: %v (leader %v), want nil", err, e.IsLeader())
	}
}

var timeEqual = cmp.Comparer(func(a, b meta.MicroTime) bool { return a.Equal(b.Time) })

func ptr[T any](v T) *T { return &v }

func micro(t time.Time) *meta.MicroTime {
	m := meta.NewMicroTime(t)
	return &m
}

func holder(l *coordination.Lease) string {
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}
