package leaderelection

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/client"
)

// Elector is one candidate of a leader election. Make it with New and start it with Run; IsLeader
// and GetLeader may be called from any goroutine.
type Elector struct {
	cfg     Config
	leases  *client.Resource[*coordination.Lease]
	seconds int32 // cfg.LeaseDuration as written to the Lease

	running atomic.Bool
	// newLeader holds the latest holder not yet handed to OnNewLeader. Only Run's goroutine
	// sends, after draining, so a send never blocks and a slow callback never delays renewals.
	newLeader chan string
	// reported is the last holder put into newLeader; only Run's goroutine uses it.
	reported string

	mu sync.Mutex
	// lease is the Lease as last read or written. The next update carries its resourceVersion, so
	// that it fails with a conflict if anyone wrote in between. It is never changed in place.
	lease *coordination.Lease
	// observedTime is when, by the local clock, this candidate last saw the Lease's spec change
	// (or wrote it). Expiry is measured from it rather than from the spec's renewTime, which
	// another machine's clock wrote: this tolerates any skew between the clocks, though not
	// clocks running at different rates.
	observedTime time.Time
	leading      bool
}

// New checks cfg, fills in its defaults and returns a candidate that has not started.
func New(cfg Config) (*Elector, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg.Logger = cfg.Logger.WithValues("lease", cfg.Lock.String(), "identity", cfg.Identity)
	return &Elector{
		cfg:       cfg,
		leases:    client.For[*coordination.Lease](cfg.Client).Namespace(cfg.Lock.Namespace),
		seconds:   leaseSeconds(cfg.LeaseDuration),
		newLeader: make(chan string, 1),
	}, nil
}

// IsLeader reports whether this candidate leads now: from the moment it acquired the Lease until
// it stopped renewing it, just before the context of OnStartedLeading is cancelled.
func (e *Elector) IsLeader() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leading
}

// GetLeader returns the holder of the Lease as this candidate last saw it, or "" when it has not
// seen one yet or the Lease was released. It is for information (logs, metrics): the holder may
// have changed since.
func (e *Elector) GetLeader() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return holderOf(e.lease)
}

// Run campaigns for the Lease until this candidate acquires it, then leads: it calls
// OnStartedLeading and renews the Lease every RetryPeriod. It blocks until ctx is done or
// leadership is lost, and returns once the callbacks it started have returned and the last holder
// it saw has been reported to OnNewLeader.
//
// Run returns nil when ctx is done, whether or not the candidate led. It returns an error wrapping
// ErrLeadershipLost when the candidate stopped leading for another reason: no renewal succeeded
// within RenewDeadline, or another candidate took the Lease. Most programs exit then, and let a
// fresh process campaign again; Run may also be called again on the same Elector.
func (e *Elector) Run(ctx context.Context) error {
	if !e.running.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	defer e.running.Store(false)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	if cb := e.cfg.Callbacks.OnNewLeader; cb != nil {
		wg.Go(func() {
			for {
				select {
				case id := <-e.newLeader:
					cb(id)
				case <-stop:
					// The holder seen last, the one that took the lease from us say, is still
					// worth reporting before Run returns.
					select {
					case id := <-e.newLeader:
						cb(id)
					default:
					}
					return
				}
			}
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()

	if !e.acquire(ctx) {
		return nil
	}
	return e.lead(ctx)
}

// acquire tries for the Lease at once, then after every jittered RetryPeriod, until it holds it
// (true) or ctx is done (false).
func (e *Elector) acquire(ctx context.Context) bool {
	e.cfg.Logger.Info("Trying to acquire the lease")
	for {
		if ctx.Err() != nil {
			return false
		}
		attemptCtx, cancel := context.WithTimeout(ctx, e.cfg.RenewDeadline)
		res := e.tryAcquireOrRenew(attemptCtx)
		cancel()
		e.reportLeader()
		if res == holding {
			if ctx.Err() != nil {
				// Acquired as we were told to stop: never lead. The Lease expires as a dead
				// leader's would, or is released at once if so configured.
				if e.cfg.ReleaseOnCancel {
					e.release(ctx)
				}
				return false
			}
			e.cfg.Logger.Info("Acquired the lease")
			return true
		}
		if !e.sleep(ctx, e.untilNextAttempt()) {
			return false
		}
	}
}

// untilNextAttempt is RetryPeriod stretched by a random jitter, or less when the holder's lease
// expires sooner, by this candidate's reckoning, so that a follower takes over as soon as it may
// rather than up to a jittered RetryPeriod later.
func (e *Elector) untilNextAttempt() time.Duration {
	wait := e.cfg.RetryPeriod + time.Duration(rand.Float64()*JitterFactor*float64(e.cfg.RetryPeriod))
	e.mu.Lock()
	l, seen := e.lease, e.observedTime
	e.mu.Unlock()
	if h := holderOf(l); h != "" && h != e.cfg.Identity {
		if left := expiry(l, seen).Sub(e.cfg.Clock.Now()); left > 0 && left < wait {
			wait = left
		}
	}
	return wait
}

// lead runs OnStartedLeading and renews the Lease until ctx is done or renewing fails; then it
// stops the callback, waits for it, releases the Lease if configured, and calls OnStoppedLeading.
func (e *Elector) lead(ctx context.Context) error {
	leadCtx, stopLeading := context.WithCancel(ctx)
	defer stopLeading()
	e.setLeading(true)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if cb := e.cfg.Callbacks.OnStartedLeading; cb != nil {
			cb(leadCtx)
		}
	}()

	err := e.renew(ctx)
	e.setLeading(false)
	stopLeading()
	// Waiting here is what makes ReleaseOnCancel safe: the guarded work is over before another
	// candidate can be handed the Lease.
	<-done
	if err != nil {
		e.cfg.Logger.Error(err, "Stopped leading")
	} else {
		e.cfg.Logger.Info("Stopped leading", "reason", "context done")
	}
	if e.cfg.ReleaseOnCancel {
		e.release(ctx)
	}
	if cb := e.cfg.Callbacks.OnStoppedLeading; cb != nil {
		cb()
	}
	return err
}

// renew renews the Lease every RetryPeriod. It returns nil when ctx is done, and an error
// wrapping ErrLeadershipLost when another candidate holds the Lease or RenewDeadline has passed
// since the last successful renewal.
func (e *Elector) renew(ctx context.Context) error {
	for {
		deadline := e.lastWrite().Add(e.cfg.RenewDeadline)
		// Waking at the deadline at the latest means a failing leader gives up on time even when
		// RetryPeriod does not divide RenewDeadline.
		if !e.sleep(ctx, min(e.cfg.RetryPeriod, deadline.Sub(e.cfg.Clock.Now()))) {
			return nil
		}
		now := e.cfg.Clock.Now()
		if !now.Before(deadline) {
			return fmt.Errorf("%w: the lease %s was not renewed within %v", ErrLeadershipLost, e.cfg.Lock, e.cfg.RenewDeadline)
		}
		attemptCtx, cancel := context.WithTimeout(ctx, deadline.Sub(now))
		res := e.tryAcquireOrRenew(attemptCtx)
		cancel()
		e.reportLeader()
		switch {
		case ctx.Err() != nil:
			return nil
		case res == heldByOther:
			return fmt.Errorf("%w: the lease %s is held by %q", ErrLeadershipLost, e.cfg.Lock, e.GetLeader())
		case res == failed && !e.cfg.Clock.Now().Before(deadline):
			return fmt.Errorf("%w: the lease %s was not renewed within %v", ErrLeadershipLost, e.cfg.Lock, e.cfg.RenewDeadline)
		}
	}
}

// sleep waits d on the configured clock; false means ctx ended first.
func (e *Elector) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := e.cfg.Clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-ctx.Done():
		return false
	}
}

func (e *Elector) setLeading(v bool) {
	e.mu.Lock()
	e.leading = v
	e.mu.Unlock()
}

// lastWrite is when this candidate began its last successful write of the Lease.
func (e *Elector) lastWrite() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.observedTime
}

// reportLeader queues the holder for OnNewLeader when it is new.
func (e *Elector) reportLeader() {
	h := e.GetLeader()
	if h == "" || h == e.reported {
		return
	}
	e.reported = h
	e.cfg.Logger.Info("New leader", "leader", h)
	if e.cfg.Callbacks.OnNewLeader == nil {
		return
	}
	select {
	case <-e.newLeader:
	default:
	}
	e.newLeader <- h
}
