package deployment

import (
	"context"

	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/controller"
	"github.com/skiff-io/skiff/informer"
)

// rolloutRolling takes one step of a rolling update: grow the new ReplicaSet as far as the surge
// allows, else shrink the old ones as far as availability allows, else (rollout complete) clean
// up history; then write the status.
func (r *Reconciler) rolloutRolling(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet) (controller.Result, error) {
	newRS, oldRSs, err := r.newAndOld(ctx, d, rsList, true)
	if err != nil {
		return controller.Result{}, err
	}
	all := append(oldRSs, newRS)
	scaled, newRS, err := r.reconcileNewRS(ctx, d, all, newRS)
	if err != nil {
		return controller.Result{}, err
	}
	all[len(all)-1] = newRS
	if !scaled {
		if scaled, err = r.reconcileOldRSs(ctx, d, oldRSs, newRS); err != nil {
			return controller.Result{}, err
		}
	}
	if !scaled && complete(d, &d.Status) {
		if err := r.cleanup(ctx, d, oldRSs); err != nil {
			return controller.Result{}, err
		}
	}
	if err := r.syncRolloutStatus(ctx, d, all, newRS); err != nil {
		return controller.Result{}, err
	}
	return controller.Result{RequeueAfter: r.requeueAfter(d)}, nil
}

func (r *Reconciler) reconcileNewRS(ctx context.Context, d *apps.Deployment, all []*apps.ReplicaSet, newRS *apps.ReplicaSet) (bool, *apps.ReplicaSet, error) {
	switch have, want := rsReplicas(newRS), replicas(d); {
	case have == want:
		return false, newRS, nil
	case have > want:
		return r.scaleRS(ctx, newRS, want, d)
	}
	return r.scaleRS(ctx, newRS, newRSReplicas(d, all, newRS), d)
}

// reconcileOldRSs shrinks the old ReplicaSets as far as the availability bound allows: first the
// pods that are not available anyway, then available ones, oldest ReplicaSets first.
func (r *Reconciler) reconcileOldRSs(ctx context.Context, d *apps.Deployment, oldRSs []*apps.ReplicaSet, newRS *apps.ReplicaSet) (bool, error) {
	if sumSpec(oldRSs) == 0 {
		return false, nil
	}
	minAvailable := replicas(d) - maxUnavailable(d)
	newUnavailable := rsReplicas(newRS) - availableOf(newRS)
	maxScaledDown := sumSpec(oldRSs) + rsReplicas(newRS) - minAvailable - newUnavailable
	if maxScaledDown <= 0 {
		return false, nil
	}
	old := append([]*apps.ReplicaSet(nil), oldRSs...)
	sortByCreation(old)

	// Unhealthy replicas first: removing them costs no availability.
	var cleaned int32
	for i, rs := range old {
		if cleaned >= maxScaledDown {
			break
		}
		unhealthy := rsReplicas(rs) - availableOf(rs)
		if rsReplicas(rs) == 0 || unhealthy <= 0 {
			continue
		}
		n := min(maxScaledDown-cleaned, unhealthy)
		_, out, err := r.scaleRS(ctx, rs, rsReplicas(rs)-n, d)
		if err != nil {
			return false, err
		}
		old[i] = out
		cleaned += n
	}

	// Then available ones, down to the minimum availability.
	available := availableOf(newRS)
	for _, rs := range old {
		available += availableOf(rs)
	}
	var scaledDown int32
	if available > minAvailable {
		total := available - minAvailable
		for _, rs := range old {
			if scaledDown >= total {
				break
			}
			if rsReplicas(rs) == 0 {
				continue
			}
			n := min(rsReplicas(rs), total-scaledDown)
			if _, _, err := r.scaleRS(ctx, rs, rsReplicas(rs)-n, d); err != nil {
				return false, err
			}
			scaledDown += n
		}
	}
	return cleaned+scaledDown > 0, nil
}

// rolloutRecreate: scale every old ReplicaSet to zero, wait until their pods are gone, then
// create (or grow) the new one.
func (r *Reconciler) rolloutRecreate(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet) (controller.Result, error) {
	newRS, oldRSs, err := r.newAndOld(ctx, d, rsList, false)
	if err != nil {
		return controller.Result{}, err
	}
	all := append(oldRSs, newRS)
	scaledDown := false
	for _, rs := range activeRSs(oldRSs) {
		scaled, _, err := r.scaleRS(ctx, rs, 0, d)
		if err != nil {
			return controller.Result{}, err
		}
		scaledDown = scaledDown || scaled
	}
	if scaledDown || r.oldPodsRunning(oldRSs) {
		return controller.Result{}, r.syncRolloutStatus(ctx, d, all, newRS)
	}
	if newRS == nil {
		if newRS, oldRSs, err = r.newAndOld(ctx, d, rsList, true); err != nil {
			return controller.Result{}, err
		}
		all = append(oldRSs, newRS)
	}
	if rsReplicas(newRS) != replicas(d) {
		_, out, err := r.scaleRS(ctx, newRS, replicas(d), d)
		if err != nil {
			return controller.Result{}, err
		}
		newRS = out
		all[len(all)-1] = newRS
	}
	if complete(d, &d.Status) {
		if err := r.cleanup(ctx, d, oldRSs); err != nil {
			return controller.Result{}, err
		}
	}
	if err := r.syncRolloutStatus(ctx, d, all, newRS); err != nil {
		return controller.Result{}, err
	}
	return controller.Result{RequeueAfter: r.requeueAfter(d)}, nil
}

// oldPodsRunning reports whether any pod of the old ReplicaSets still runs (or may: pending,
// unknown, or terminating but not finished).
func (r *Reconciler) oldPodsRunning(oldRSs []*apps.ReplicaSet) bool {
	for _, rs := range oldRSs {
		if rs.Status.Replicas > 0 {
			return true
		}
		pods, _ := r.podInf.Cache().ByIndex(informer.NamespaceIndex, rs.Namespace)
		for _, p := range pods {
			if ref := p.ControllerRef(); ref != nil && ref.UID == rs.UID &&
				p.Status.Phase != core.PodSucceeded && p.Status.Phase != core.PodFailed {
				return true
			}
		}
	}
	return false
}
