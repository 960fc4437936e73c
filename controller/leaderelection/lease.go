package leaderelection

import (
	"context"
	"time"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// outcome is what one attempt to acquire or renew the Lease came to.
type outcome int

const (
	// failed: an error, or a write that lost a race with another writer; try again later.
	failed outcome = iota
	// heldByOther: another candidate holds the Lease and, by this candidate's clock, it has not
	// expired.
	heldByOther
	// holding: this candidate acquired or renewed the Lease just now.
	holding
)

// tryAcquireOrRenew makes one attempt at holding the Lease: it creates it when missing, renews it
// when this candidate holds it, and takes it over when it is free or its holder's lease has
// expired. Every update carries the resourceVersion last read, so of two candidates racing for
// the Lease one gets a conflict.
func (e *Elector) tryAcquireOrRenew(ctx context.Context) outcome {
	now := e.cfg.Clock.Now()
	log := e.cfg.Logger
	e.mu.Lock()
	cur, seen := e.lease, e.observedTime
	e.mu.Unlock()

	// A leader first renews the version it last wrote without reading it back: one request
	// instead of two, and it is right unless someone else wrote since.
	if cur != nil && holderOf(cur) == e.cfg.Identity && expiry(cur, seen).After(now) {
		got, err := e.leases.Update(ctx, e.stamp(cur, now), client.UpdateOptions{})
		if err == nil {
			e.wrote(got, now)
			return holding
		}
		log.V(2).Info("Renewing the lease as last written failed; reading it again", "err", err.Error())
	}

	cur, err := e.leases.Get(ctx, e.cfg.Lock.Name, client.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		created, err := e.leases.Create(ctx, e.newLease(now), client.CreateOptions{})
		if err != nil {
			if apierrors.IsAlreadyExists(err) {
				log.V(2).Info("Another candidate created the lease first")
			} else {
				log.Error(err, "Creating the lease failed")
			}
			return failed
		}
		e.wrote(created, now)
		return holding
	case err != nil:
		log.Error(err, "Reading the lease failed")
		return failed
	}
	seen = e.saw(cur)

	if h := holderOf(cur); h != "" && h != e.cfg.Identity && expiry(cur, seen).After(now) {
		log.V(4).Info("The lease is held by another candidate and has not expired", "holder", h)
		return heldByOther
	}
	got, err := e.leases.Update(ctx, e.stamp(cur, now), client.UpdateOptions{})
	if err != nil {
		if apierrors.IsConflict(err) {
			log.V(2).Info("Another writer changed the lease first", "err", err.Error())
		} else {
			log.Error(err, "Updating the lease failed")
		}
		return failed
	}
	e.wrote(got, now)
	return holding
}

// release gives up the Lease if this candidate still holds it, so that the next candidate to try
// takes it over at once: the holder is emptied and leaseDurationSeconds cut to one, as client-go
// does. It runs after ctx is done, so it uses a context of its own.
func (e *Elector) release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.RenewDeadline)
	defer cancel()
	e.mu.Lock()
	cur := e.lease
	e.mu.Unlock()
	// A conflict may be a change that left the Lease ours (labels, say): read it and try again
	// a couple of times. Once another holder shows, there is nothing of ours to release.
	for range 3 {
		if holderOf(cur) != e.cfg.Identity {
			return
		}
		now := e.cfg.Clock.Now()
		next := cur.DeepCopy()
		stamp := meta.NewMicroTime(now.Truncate(time.Microsecond))
		next.Spec.HolderIdentity = ptr("")
		next.Spec.LeaseDurationSeconds = ptr(int32(1))
		next.Spec.AcquireTime = ptr(stamp)
		next.Spec.RenewTime = ptr(stamp)
		got, err := e.leases.Update(ctx, next, client.UpdateOptions{})
		if err == nil {
			e.wrote(got, now)
			e.cfg.Logger.Info("Released the lease")
			return
		}
		if !apierrors.IsConflict(err) {
			e.cfg.Logger.Error(err, "Releasing the lease failed; the others take over when it expires")
			return
		}
		if cur, err = e.leases.Get(ctx, e.cfg.Lock.Name, client.GetOptions{}); err != nil {
			e.cfg.Logger.Error(err, "Reading the lease to release it failed; the others take over when it expires")
			return
		}
		e.saw(cur)
	}
}

// newLease is the Lease this candidate creates when there is none.
func (e *Elector) newLease(now time.Time) *coordination.Lease {
	stamp := meta.NewMicroTime(now.Truncate(time.Microsecond))
	return &coordination.Lease{
		ObjectMeta: meta.ObjectMeta{Name: e.cfg.Lock.Name, Namespace: e.cfg.Lock.Namespace},
		Spec: coordination.LeaseSpec{
			HolderIdentity:       ptr(e.cfg.Identity),
			LeaseDurationSeconds: ptr(e.seconds),
			AcquireTime:          ptr(stamp),
			RenewTime:            ptr(stamp),
			LeaseTransitions:     ptr(int32(0)),
		},
	}
}

// stamp returns a copy of cur held by this candidate and renewed at now. A change of holder sets
// acquireTime and counts one more leaseTransition; other fields (labels, strategy) are kept.
func (e *Elector) stamp(cur *coordination.Lease, now time.Time) *coordination.Lease {
	next := cur.DeepCopy()
	s := &next.Spec
	stamp := meta.NewMicroTime(now.Truncate(time.Microsecond))
	if holderOf(cur) != e.cfg.Identity {
		s.AcquireTime = ptr(stamp)
		s.LeaseTransitions = ptr(deref(s.LeaseTransitions) + 1)
	} else if s.LeaseTransitions == nil {
		s.LeaseTransitions = ptr(int32(0))
	}
	s.HolderIdentity = ptr(e.cfg.Identity)
	s.LeaseDurationSeconds = ptr(e.seconds)
	s.RenewTime = ptr(stamp)
	return next
}

// wrote records a Lease this candidate wrote in an attempt that began at start. Its own
// observation time is when the write began, not when it returned, which errs on the side of the
// lease expiring sooner for the leader.
func (e *Elector) wrote(l *coordination.Lease, start time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lease, e.observedTime = l, start
}

// saw records a Lease read from the server and returns when its spec was last seen changing: now,
// if it differs from the last one seen. A new resourceVersion alone (a label changed) is no sign
// of life from the holder.
func (e *Elector) saw(l *coordination.Lease) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lease == nil || !sameRecord(&e.lease.Spec, &l.Spec) {
		e.observedTime = e.cfg.Clock.Now()
	}
	e.lease = l
	return e.observedTime
}

// expiry is when l's lease runs out for a candidate that last saw it change at seen.
func expiry(l *coordination.Lease, seen time.Time) time.Time {
	return seen.Add(time.Duration(deref(l.Spec.LeaseDurationSeconds)) * time.Second)
}

// sameRecord reports whether two specs hold the same election record. Times are compared as
// instants, so that a time read back from the wire equals the one written.
func sameRecord(a, b *coordination.LeaseSpec) bool {
	return deref(a.HolderIdentity) == deref(b.HolderIdentity) &&
		deref(a.LeaseDurationSeconds) == deref(b.LeaseDurationSeconds) &&
		deref(a.LeaseTransitions) == deref(b.LeaseTransitions) &&
		sameTime(a.AcquireTime, b.AcquireTime) &&
		sameTime(a.RenewTime, b.RenewTime) &&
		deref(a.Strategy) == deref(b.Strategy) &&
		deref(a.PreferredHolder) == deref(b.PreferredHolder)
}

func sameTime(a, b *meta.MicroTime) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(b.Time)
}

func holderOf(l *coordination.Lease) string {
	if l == nil {
		return ""
	}
	return deref(l.Spec.HolderIdentity)
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
