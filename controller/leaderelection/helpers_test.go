package leaderelection_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller/leaderelection"
	"github.com/skiff-io/skiff/testenv"
)

const namespace = "default"

// harness is a real API server and the candidates of one test. It counts the candidates inside
// OnStartedLeading at once, which must never exceed one.
type harness struct {
	t         *testing.T
	env       *testenv.Env
	leases    *client.Resource[*coordination.Lease]
	active    atomic.Int32
	maxActive atomic.Int32
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	env := testenv.Start(t, testenv.Options{})
	return &harness{t: t, env: env, leases: client.For[*coordination.Lease](env.Client()).Namespace(namespace)}
}

// config is a candidate's configuration with Kubernetes' default durations.
func (h *harness) config(id, lease string) leaderelection.Config {
	return leaderelection.Config{
		Client:   h.env.Client(),
		Lock:     leaderelection.LeaseRef{Namespace: namespace, Name: lease},
		Identity: id,
		Logger:   testr.New(h.t),
	}
}

// fastConfig is a candidate's configuration with durations short enough for the real clock.
func (h *harness) fastConfig(id, lease string) leaderelection.Config {
	cfg := h.config(id, lease)
	cfg.LeaseDuration, cfg.RenewDeadline, cfg.RetryPeriod = time.Second, 600*time.Millisecond, 200*time.Millisecond
	return cfg
}

func (h *harness) get(name string) *coordination.Lease {
	h.t.Helper()
	l, err := h.leases.Get(context.Background(), name, client.GetOptions{})
	if err != nil {
		h.t.Fatalf("reading lease %s: %v", name, err)
	}
	return l
}

// candidate is a running Elector and what its callbacks saw.
type candidate struct {
	id     string
	e      *leaderelection.Elector
	cancel context.CancelFunc
	done   chan struct{}
	err    error // what Run returned; read after done is closed

	started, stopped atomic.Int32
	inLead           atomic.Bool // inside OnStartedLeading
	stoppedTooEarly  atomic.Bool // OnStoppedLeading ran while OnStartedLeading had not returned
	leadCtxErr       atomic.Value

	mu      sync.Mutex
	leaders []string // OnNewLeader's arguments
}

// start runs a candidate until the test ends or stop is called. Its callbacks record what they
// see; OnStartedLeading blocks until its context is done, like real leader work.
func (h *harness) start(cfg leaderelection.Config) *candidate {
	h.t.Helper()
	c := &candidate{id: cfg.Identity, done: make(chan struct{})}
	cfg.Callbacks = leaderelection.Callbacks{
		OnStartedLeading: func(ctx context.Context) {
			c.inLead.Store(true)
			c.started.Add(1)
			n := h.active.Add(1)
			for m := h.maxActive.Load(); n > m && !h.maxActive.CompareAndSwap(m, n); m = h.maxActive.Load() {
			}
			<-ctx.Done()
			c.leadCtxErr.Store(ctx.Err())
			h.active.Add(-1)
			c.inLead.Store(false)
		},
		OnStoppedLeading: func() {
			if c.inLead.Load() {
				c.stoppedTooEarly.Store(true)
			}
			c.stopped.Add(1)
		},
		OnNewLeader: func(id string) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.leaders = append(c.leaders, id)
		},
	}
	e, err := leaderelection.New(cfg)
	if err != nil {
		h.t.Fatalf("New(%s): %v", cfg.Identity, err)
	}
	c.e = e
	ctx, cancel := context.WithCancel(h.env.Context)
	c.cancel = cancel
	go func() {
		defer close(c.done)
		c.err = e.Run(ctx)
	}()
	h.t.Cleanup(func() { c.stop(h.t) })
	return c
}

// stop cancels the candidate's context and waits for Run to return.
func (c *candidate) stop(t *testing.T) {
	t.Helper()
	c.cancel()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: Run did not return within 10s of its context ending", c.id)
	}
}

func (c *candidate) finished() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// leading says whether the candidate leads by both accounts: IsLeader and its callback running.
// The callback starts in a goroutine of its own, so it may lag IsLeader: poll, or step a fake
// clock until IsLeader.
func (c *candidate) leading() bool { return c.e.IsLeader() && c.inLead.Load() }

func (c *candidate) newLeaders() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.leaders)
}

// checkStopped checks a candidate that led once and stopped: the context of OnStartedLeading was
// cancelled, OnStoppedLeading ran once after it returned, and IsLeader is false.
func (c *candidate) checkStopped(t *testing.T) {
	t.Helper()
	if c.started.Load() != 1 || c.stopped.Load() != 1 {
		t.Errorf("%s: OnStartedLeading ran %d times and OnStoppedLeading %d, want once each", c.id, c.started.Load(), c.stopped.Load())
	}
	if err, _ := c.leadCtxErr.Load().(error); !errors.Is(err, context.Canceled) {
		t.Errorf("%s: the context of OnStartedLeading ended with %v, want it cancelled", c.id, err)
	}
	if c.stoppedTooEarly.Load() {
		t.Errorf("%s: OnStoppedLeading ran before OnStartedLeading returned", c.id)
	}
	if c.e.IsLeader() {
		t.Errorf("%s: IsLeader after leading stopped", c.id)
	}
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// fakeTime drives candidates that share a fake clock. Between steps it waits until every running
// candidate is parked on the clock, so each step sees the effects of the last one, and no test
// waits on real time except for in-process API calls.
type fakeTime struct {
	t     *testing.T
	clock *clocktesting.FakeClock
	cands []*candidate
}

func newFakeTime(t *testing.T) *fakeTime {
	return &fakeTime{t: t, clock: clocktesting.NewFakeClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))}
}

func (f *fakeTime) start(h *harness, cfg leaderelection.Config) *candidate {
	cfg.Clock = f.clock
	c := h.start(cfg)
	f.cands = append(f.cands, c)
	return c
}

// idle waits until each running candidate waits on one timer of the clock: it is between
// attempts, not in the middle of one.
func (f *fakeTime) idle() {
	f.t.Helper()
	waitFor(f.t, 10*time.Second, "the candidates to wait on the clock", func() bool {
		running := 0
		for _, c := range f.cands {
			if !c.finished() {
				running++
			}
		}
		return f.clock.Waiters() == running
	})
}

// step moves the clock by d once the candidates are idle, and waits for them to be idle again.
func (f *fakeTime) step(d time.Duration) {
	f.t.Helper()
	f.idle()
	f.clock.Step(d)
	f.idle()
}

// stepUntil steps the clock by d until cond holds, and returns how far the clock moved; it fails
// the test once the clock has moved limit without cond holding.
func (f *fakeTime) stepUntil(d, limit time.Duration, what string, cond func() bool) time.Duration {
	f.t.Helper()
	start := f.clock.Now()
	for {
		f.idle()
		if cond() {
			return f.clock.Since(start)
		}
		if f.clock.Since(start) >= limit {
			f.t.Fatalf("%s did not happen within %v of fake time", what, limit)
		}
		f.clock.Step(d)
	}
}

// partition is a transport that fails every request while cut is set, as a lost connection to
// the API server would.
type partition struct {
	next http.RoundTripper
	cut  atomic.Bool
}

var errPartitioned = errors.New("test: connection refused (partitioned)")

func (p *partition) RoundTrip(r *http.Request) (*http.Response, error) {
	if p.cut.Load() {
		return nil, errPartitioned
	}
	return p.next.RoundTrip(r)
}

// partitionedClient returns a client of the harness's server whose requests fail while the
// returned partition is cut.
func (h *harness) partitionedClient() (*client.Client, *partition) {
	h.t.Helper()
	cfg := h.env.Config()
	p := &partition{next: cfg.Transport}
	cfg.Transport = p
	c, err := client.New(cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	return c, p
}
