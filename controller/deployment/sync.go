package deployment

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller"
)

// newAndOld finds the new ReplicaSet (creating it when create is set and there is none) and the
// old ones, and brings the revision annotations of the new one and of the Deployment up to date.
func (r *Reconciler) newAndOld(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet, create bool) (*apps.ReplicaSet, []*apps.ReplicaSet, error) {
	existing, old := findNewRS(d, rsList)
	var maxOld int64
	for _, rs := range old {
		maxOld = max(maxOld, revisionOf(rs.Annotations))
	}
	revision := strconv.FormatInt(maxOld+1, 10)

	if existing != nil {
		rs := existing.DeepCopyObject().(*apps.ReplicaSet)
		changed := setRSAnnotations(d, rs, revision, false)
		if rs.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
			rs.Spec.MinReadySeconds = d.Spec.MinReadySeconds
			changed = true
		}
		if changed {
			out, err := r.rss.Namespace(rs.Namespace).Update(ctx, rs, client.UpdateOptions{})
			if err != nil {
				return nil, nil, err
			}
			rs = out
		}
		if err := r.setDeploymentRevision(ctx, d, rs.Annotations[RevisionAnnotation]); err != nil {
			return nil, nil, err
		}
		if condition(&d.Status, apps.DeploymentProgressing) == nil && hasDeadline(d) {
			now := meta.NewTime(r.clock.Now())
			setCondition(&d.Status, apps.DeploymentCondition{Type: apps.DeploymentProgressing, Status: core.ConditionTrue,
				Reason: ReasonFoundNewRS, Message: fmt.Sprintf("Found new replica set %q", rs.Name), LastUpdateTime: now, LastTransitionTime: now})
			if err := r.writeStatus(ctx, d); err != nil {
				return nil, nil, err
			}
		}
		return rs, old, nil
	}
	if !create {
		return nil, old, nil
	}

	// A new ReplicaSet for the new template.
	hash := templateHash(&d.Spec.Template, d.Status.CollisionCount)
	tmpl := d.Spec.Template.DeepCopy()
	if tmpl.Labels == nil {
		tmpl.Labels = map[string]string{}
	}
	tmpl.Labels[apps.DefaultDeploymentUniqueLabelKey] = hash
	sel := d.Spec.Selector.DeepCopy()
	if sel.MatchLabels == nil {
		sel.MatchLabels = map[string]string{}
	}
	sel.MatchLabels[apps.DefaultDeploymentUniqueLabelKey] = hash
	lbls := map[string]string{}
	for k, v := range d.Spec.Template.Labels {
		lbls[k] = v
	}
	lbls[apps.DefaultDeploymentUniqueLabelKey] = hash
	want := newRSReplicas(d, old, nil)
	rs := &apps.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{
			Name:            d.Name + "-" + hash,
			Namespace:       d.Namespace,
			Labels:          lbls,
			OwnerReferences: []meta.OwnerReference{controller.NewControllerRef(d, "apps/v1", "Deployment")},
		},
		Spec: apps.ReplicaSetSpec{Replicas: &want, MinReadySeconds: d.Spec.MinReadySeconds, Selector: sel, Template: *tmpl},
	}
	setRSAnnotations(d, rs, revision, true)
	created, err := r.rss.Namespace(d.Namespace).Create(ctx, rs, client.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		// Ours from a sync whose cache has not caught up, or a hash collision with another
		// template: the collision count changes the hash next time.
		cur, gerr := r.rss.Namespace(d.Namespace).Get(ctx, rs.Name, client.GetOptions{})
		if gerr != nil {
			return nil, nil, gerr
		}
		if ref := cur.ControllerRef(); ref != nil && ref.UID == d.UID && equalIgnoreHash(&cur.Spec.Template, &d.Spec.Template) {
			return cur, old, nil
		}
		n := int32(1)
		if d.Status.CollisionCount != nil {
			n = *d.Status.CollisionCount + 1
		}
		d.Status.CollisionCount = &n
		if err := r.writeStatus(ctx, d); err != nil {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("replica set %s exists with another template: hash collision, count now %d", rs.Name, n)
	}
	if err != nil {
		now := meta.NewTime(r.clock.Now())
		setCondition(&d.Status, apps.DeploymentCondition{Type: apps.DeploymentProgressing, Status: core.ConditionFalse,
			Reason: "ReplicaSetCreateError", Message: fmt.Sprintf("Failed to create new replica set %q: %v", rs.Name, err), LastUpdateTime: now, LastTransitionTime: now})
		r.rec.Eventf(d, "Warning", "FailedCreate", "Failed to create new replica set %q: %v", rs.Name, err)
		_ = r.writeStatus(ctx, d)
		return nil, nil, err
	}
	if want > 0 {
		r.rec.Eventf(d, "Normal", "ScalingReplicaSet", "Scaled up replica set %s to %d", created.Name, want)
	}
	if err := r.setDeploymentRevision(ctx, d, revision); err != nil {
		return nil, nil, err
	}
	if hasDeadline(d) {
		now := meta.NewTime(r.clock.Now())
		setCondition(&d.Status, apps.DeploymentCondition{Type: apps.DeploymentProgressing, Status: core.ConditionTrue,
			Reason: ReasonNewRSCreated, Message: fmt.Sprintf("Created new replica set %q", created.Name), LastUpdateTime: now, LastTransitionTime: now})
		if err := r.writeStatus(ctx, d); err != nil {
			return nil, nil, err
		}
	}
	return created, old, nil
}

// setDeploymentRevision keeps the Deployment's revision annotation equal to its new ReplicaSet's.
func (r *Reconciler) setDeploymentRevision(ctx context.Context, d *apps.Deployment, revision string) error {
	if revision == "" || d.Annotations[RevisionAnnotation] == revision {
		return nil
	}
	// An update, not a patch: the deployment controller's role may update Deployments only.
	cp := d.DeepCopyObject().(*apps.Deployment)
	if cp.Annotations == nil {
		cp.Annotations = map[string]string{}
	}
	cp.Annotations[RevisionAnnotation] = revision
	out, err := r.deps.Namespace(d.Namespace).Update(ctx, cp, client.UpdateOptions{})
	if err != nil {
		return err
	}
	st := d.Status
	*d = *out
	d.Status = st // the status being built stays
	return nil
}

// writeStatus writes d's status and keeps what the server returned.
func (r *Reconciler) writeStatus(ctx context.Context, d *apps.Deployment) error {
	out, err := r.deps.Namespace(d.Namespace).UpdateStatus(ctx, d, client.UpdateOptions{})
	if err != nil {
		return err
	}
	*d = *out
	return nil
}

// newRSReplicas is the size the new ReplicaSet may have now: for a rolling update, as many more as
// the surge allows toward the desired count; for Recreate, the desired count.
func newRSReplicas(d *apps.Deployment, all []*apps.ReplicaSet, newRS *apps.ReplicaSet) int32 {
	if !isRolling(d) {
		return replicas(d)
	}
	// Count each ReplicaSet's pods as the larger of what it is asked for and what it last
	// reported: after a scale-down its surplus pods exist until its controller has deleted them,
	// and they still count against the surge.
	var current int32
	for _, rs := range all {
		current += podsOf(rs)
	}
	if newRS != nil && !slices.Contains(all, newRS) {
		current += podsOf(newRS)
	}
	maxTotal := replicas(d) + maxSurge(d)
	if current >= maxTotal {
		return rsReplicas(newRS)
	}
	up := min(maxTotal-current, replicas(d)-rsReplicas(newRS))
	return rsReplicas(newRS) + max(up, 0)
}

func podsOf(rs *apps.ReplicaSet) int32 {
	if rs == nil {
		return 0
	}
	return max(rsReplicas(rs), rs.Status.Replicas)
}

// availableOf counts rs's available pods as at most its replicas: pods above that are being
// deleted, whatever its last status says.
func availableOf(rs *apps.ReplicaSet) int32 {
	if rs == nil {
		return 0
	}
	return min(rs.Status.AvailableReplicas, rsReplicas(rs))
}

// scaleRS sets rs's replicas (and the annotations recording the Deployment's size) and records
// the change as an event.
func (r *Reconciler) scaleRS(ctx context.Context, rs *apps.ReplicaSet, to int32, d *apps.Deployment) (bool, *apps.ReplicaSet, error) {
	from := rsReplicas(rs)
	cp := rs.DeepCopyObject().(*apps.ReplicaSet)
	annotations := setReplicasAnnotations(cp, replicas(d), replicas(d)+maxSurge(d))
	if from == to && !annotations {
		return false, rs, nil
	}
	cp.Spec.Replicas = &to
	out, err := r.rss.Namespace(rs.Namespace).Update(ctx, cp, client.UpdateOptions{})
	if err != nil {
		return false, nil, err
	}
	if from != to {
		op := "up"
		if to < from {
			op = "down"
		}
		if from == 0 {
			r.rec.Eventf(d, "Normal", "ScalingReplicaSet", "Scaled %s replica set %s to %d", op, rs.Name, to)
		} else {
			r.rec.Eventf(d, "Normal", "ScalingReplicaSet", "Scaled %s replica set %s to %d from %d", op, rs.Name, to, from)
		}
	}
	return from != to, out, nil
}

// sync handles a scale and a paused Deployment: size the ReplicaSets, clean old ones up, write
// the status; no rollout.
func (r *Reconciler) sync(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet) error {
	newRS, oldRSs, err := r.newAndOld(ctx, d, rsList, false)
	if err != nil {
		return err
	}
	if err := r.scale(ctx, d, newRS, oldRSs); err != nil {
		return err
	}
	if d.Spec.Paused {
		if err := r.cleanup(ctx, d, oldRSs); err != nil {
			return err
		}
	}
	return r.writeCalculatedStatus(ctx, d, append(oldRSs, newRS), newRS)
}

// scale spreads a change of replicas over the active ReplicaSets in proportion to their sizes.
func (r *Reconciler) scale(ctx context.Context, d *apps.Deployment, newRS *apps.ReplicaSet, oldRSs []*apps.ReplicaSet) error {
	if target := activeOrLatest(newRS, oldRSs); target != nil {
		if rsReplicas(target) == replicas(d) {
			return nil
		}
		_, _, err := r.scaleRS(ctx, target, replicas(d), d)
		return err
	}
	active := activeRSs(append(slices.Clone(oldRSs), newRS))
	// A new ReplicaSet already at full size: the old ones go to zero.
	if saturated(d, newRS) {
		for _, old := range activeRSs(oldRSs) {
			if _, _, err := r.scaleRS(ctx, old, 0, d); err != nil {
				return err
			}
		}
		return nil
	}
	if !isRolling(d) {
		return nil
	}
	allowed := int32(0)
	if replicas(d) > 0 {
		allowed = replicas(d) + maxSurge(d)
	}
	toAdd := allowed - sumSpec(active)
	switch {
	case toAdd > 0:
		sortBySize(active, true) // scale the newer up first
	case toAdd < 0:
		sortBySize(active, false) // and the older down first
	}
	sizes := make([]int32, len(active))
	var added int32
	for i, rs := range active {
		p := proportion(rs, d, toAdd, added)
		sizes[i] = rsReplicas(rs) + p
		added += p
	}
	for i, rs := range active {
		if i == 0 && toAdd != 0 {
			// The rounding leftover goes to the largest.
			sizes[0] = max(sizes[0]+toAdd-added, 0)
		}
		if _, _, err := r.scaleRS(ctx, rs, sizes[i], d); err != nil {
			return err
		}
	}
	return nil
}

// activeOrLatest returns the one ReplicaSet with pods when there is exactly one, the newest
// when none has pods, and nil when several have.
func activeOrLatest(newRS *apps.ReplicaSet, oldRSs []*apps.ReplicaSet) *apps.ReplicaSet {
	all := slices.Clone(oldRSs)
	if newRS != nil {
		all = append(all, newRS)
	}
	if len(all) == 0 {
		return nil
	}
	active := activeRSs(all)
	switch len(active) {
	case 0:
		if newRS != nil {
			return newRS
		}
		sortByCreation(all)
		return all[len(all)-1]
	case 1:
		return active[0]
	}
	return nil
}

// saturated reports whether the new ReplicaSet runs the whole Deployment, all available.
func saturated(d *apps.Deployment, rs *apps.ReplicaSet) bool {
	if rs == nil {
		return false
	}
	want, ok := intAnnotation(rs, DesiredReplicasAnnotation)
	return ok && want == replicas(d) && rsReplicas(rs) == replicas(d) && rs.Status.AvailableReplicas == replicas(d)
}

// cleanup deletes old ReplicaSets with no pods beyond the revision history limit, oldest
// revisions first.
func (r *Reconciler) cleanup(ctx context.Context, d *apps.Deployment, oldRSs []*apps.ReplicaSet) error {
	limit := int32(10)
	if d.Spec.RevisionHistoryLimit != nil {
		limit = *d.Spec.RevisionHistoryLimit
	}
	var alive []*apps.ReplicaSet
	for _, rs := range oldRSs {
		if rs.DeletionTimestamp == nil {
			alive = append(alive, rs)
		}
	}
	diff := len(alive) - int(limit)
	if diff <= 0 {
		return nil
	}
	slices.SortStableFunc(alive, func(a, b *apps.ReplicaSet) int {
		ra, rb := revisionOf(a.Annotations), revisionOf(b.Annotations)
		if ra != rb {
			if ra < rb {
				return -1
			}
			return 1
		}
		return a.CreationTimestamp.Time.Compare(b.CreationTimestamp.Time)
	})
	for _, rs := range alive[:diff] {
		if rs.Status.Replicas != 0 || rsReplicas(rs) != 0 || rs.Generation > rs.Status.ObservedGeneration {
			continue // still has pods, or its controller has not caught up
		}
		uid := rs.UID
		err := r.rss.Namespace(rs.Namespace).Delete(ctx, rs.Name, client.DeleteOptions{Preconditions: &meta.Preconditions{UID: &uid}})
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return nil
}

// syncStatusOnly writes the status of a Deployment being deleted.
func (r *Reconciler) syncStatusOnly(ctx context.Context, d *apps.Deployment, rsList []*apps.ReplicaSet) error {
	newRS, oldRSs, err := r.newAndOld(ctx, d, rsList, false)
	if err != nil {
		return err
	}
	return r.writeCalculatedStatus(ctx, d, append(oldRSs, newRS), newRS)
}

// calculateStatus counts the pods of the ReplicaSets into a Deployment status.
func (r *Reconciler) calculateStatus(d *apps.Deployment, all []*apps.ReplicaSet, newRS *apps.ReplicaSet) apps.DeploymentStatus {
	available := sumStatus(all, func(s *apps.ReplicaSetStatus) int32 { return s.AvailableReplicas })
	st := apps.DeploymentStatus{
		ObservedGeneration:  d.Generation,
		Replicas:            sumStatus(all, func(s *apps.ReplicaSetStatus) int32 { return s.Replicas }),
		UpdatedReplicas:     sumStatus([]*apps.ReplicaSet{newRS}, func(s *apps.ReplicaSetStatus) int32 { return s.Replicas }),
		ReadyReplicas:       sumStatus(all, func(s *apps.ReplicaSetStatus) int32 { return s.ReadyReplicas }),
		AvailableReplicas:   available,
		UnavailableReplicas: max(sumSpec(all)-available, 0),
		CollisionCount:      d.Status.CollisionCount,
		Conditions:          slices.Clone(d.Status.Conditions),
	}
	now := meta.NewTime(r.clock.Now())
	if available >= replicas(d)-maxUnavailable(d) {
		setCondition(&st, apps.DeploymentCondition{Type: apps.DeploymentAvailable, Status: core.ConditionTrue,
			Reason: ReasonMinimumAvailable, Message: "Deployment has minimum availability.", LastUpdateTime: now, LastTransitionTime: now})
	} else {
		setCondition(&st, apps.DeploymentCondition{Type: apps.DeploymentAvailable, Status: core.ConditionFalse,
			Reason: ReasonMinimumUnvailable, Message: "Deployment does not have minimum availability.", LastUpdateTime: now, LastTransitionTime: now})
	}
	return st
}

func (r *Reconciler) writeCalculatedStatus(ctx context.Context, d *apps.Deployment, all []*apps.ReplicaSet, newRS *apps.ReplicaSet) error {
	st := r.calculateStatus(d, all, newRS)
	if equality.DeepEqual(st, d.Status) {
		return nil
	}
	d.Status = st
	return ignoreNotFound(r.writeStatus(ctx, d))
}

// syncRolloutStatus writes the status of a rollout, with the Progressing condition: moving,
// complete, or past its deadline.
func (r *Reconciler) syncRolloutStatus(ctx context.Context, d *apps.Deployment, all []*apps.ReplicaSet, newRS *apps.ReplicaSet) error {
	st := r.calculateStatus(d, all, newRS)
	if !hasDeadline(d) {
		removeCondition(&st, apps.DeploymentProgressing)
	}
	cur := condition(&d.Status, apps.DeploymentProgressing)
	done := st.Replicas == st.UpdatedReplicas && cur != nil && cur.Reason == ReasonNewRSAvailable
	if hasDeadline(d) && !done && newRS != nil {
		now := meta.NewTime(r.clock.Now())
		switch {
		case complete(d, &st):
			setCondition(&st, apps.DeploymentCondition{Type: apps.DeploymentProgressing, Status: core.ConditionTrue,
				Reason: ReasonNewRSAvailable, Message: fmt.Sprintf("ReplicaSet %q has successfully progressed.", newRS.Name), LastUpdateTime: now, LastTransitionTime: now})
		case progressing(&d.Status, &st):
			c := apps.DeploymentCondition{Type: apps.DeploymentProgressing, Status: core.ConditionTrue,
				Reason: ReasonRSUpdated, Message: fmt.Sprintf("ReplicaSet %q is progressing.", newRS.Name), LastUpdateTime: now, LastTransitionTime: now}
			// Progress moves lastUpdateTime (the deadline counts from it) even when nothing else
			// about the condition changes.
			if old := condition(&st, apps.DeploymentProgressing); old != nil && old.Status == c.Status {
				c.LastTransitionTime = old.LastTransitionTime
			}
			removeCondition(&st, apps.DeploymentProgressing)
			st.Conditions = append(st.Conditions, c)
		case r.timedOut(d):
			setCondition(&st, apps.DeploymentCondition{Type: apps.DeploymentProgressing, Status: core.ConditionFalse,
				Reason: ReasonTimedOut, Message: fmt.Sprintf("ReplicaSet %q has timed out progressing.", newRS.Name), LastUpdateTime: now, LastTransitionTime: now})
			r.rec.Eventf(d, "Warning", ReasonTimedOut, "Deployment %q has timed out progressing.", d.Name)
		}
	}
	// A ReplicaSet that cannot create its pods makes the Deployment report it.
	var failure *apps.ReplicaSetCondition
	for _, rs := range all {
		if rs == nil {
			continue
		}
		for i := range rs.Status.Conditions {
			if c := &rs.Status.Conditions[i]; c.Type == apps.ReplicaSetReplicaFailure && c.Status == core.ConditionTrue {
				failure = c
			}
		}
	}
	if failure != nil {
		setCondition(&st, apps.DeploymentCondition{Type: apps.DeploymentReplicaFailure, Status: core.ConditionTrue,
			Reason: failure.Reason, Message: failure.Message, LastUpdateTime: failure.LastTransitionTime, LastTransitionTime: failure.LastTransitionTime})
	} else {
		removeCondition(&st, apps.DeploymentReplicaFailure)
	}
	if equality.DeepEqual(st, d.Status) {
		return nil
	}
	d.Status = st
	return ignoreNotFound(r.writeStatus(ctx, d))
}

// timedOut reports whether the rollout has made no progress for progressDeadlineSeconds since the
// Progressing condition last moved.
func (r *Reconciler) timedOut(d *apps.Deployment) bool {
	cond := condition(&d.Status, apps.DeploymentProgressing)
	if !hasDeadline(d) || cond == nil {
		return false
	}
	switch cond.Reason {
	case ReasonTimedOut:
		return true
	case ReasonNewRSAvailable, ReasonPaused:
		return false
	}
	deadline := cond.LastUpdateTime.Add(secondsDuration(*d.Spec.ProgressDeadlineSeconds))
	return r.clock.Now().After(deadline)
}

func secondsDuration(s int32) time.Duration { return time.Duration(s) * time.Second }
