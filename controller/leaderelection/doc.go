// Package leaderelection elects one leader among the replicas of a controller through a
// coordination.k8s.io/v1 Lease, with the semantics and wire format of client-go's
// tools/leaderelection and its LeaseLock, so skiff and Kubernetes candidates can share a Lease.
//
// The leader writes its identity to the Lease and renews it every RetryPeriod. The others read
// the Lease as often, and take it over only when it has not changed for LeaseDuration by their own
// clock: the renewTime in the Lease comes from another machine's clock and is never trusted. A
// leader that has not renewed for RenewDeadline stops leading, which happens before the others may
// take over because RenewDeadline < LeaseDuration. Writes carry the resourceVersion last read, so
// when two candidates race, one gets a conflict and stays a follower.
//
//	e, err := leaderelection.New(leaderelection.Config{
//		Client:   c,
//		Lock:     leaderelection.LeaseRef{Namespace: "kube-system", Name: "my-controller"},
//		Identity: podName,
//		Logger:   log,
//		Callbacks: leaderelection.Callbacks{
//			OnStartedLeading: func(ctx context.Context) { _ = mgr.Run(ctx) }, // returns when ctx is done
//			OnNewLeader:      func(id string) { log.Info("Leader", "identity", id) },
//		},
//		ReleaseOnCancel: true, // hand over at once on shutdown
//	})
//	if err != nil {
//		return err
//	}
//	return e.Run(ctx) // nil on shutdown; wraps ErrLeadershipLost if leadership was lost: exit, restart
//
// Like client-go's, this election does not fence: a leader that is paused (a long GC, a frozen VM)
// longer than LeaseDuration - RenewDeadline may still act for a moment after another has taken
// over. Work that must never overlap needs its own fencing, such as preconditions on the objects
// it writes.
package leaderelection
