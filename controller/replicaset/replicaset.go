// Package replicaset is the ReplicaSet controller: it keeps the number of active pods a
// ReplicaSet selects equal to its replicas, adopting matching orphans and releasing pods that no
// longer match, and reports what it sees in the ReplicaSet's status.
//
// Pods are created in slow-start batches (1, 2, 4, ...), so that a template that cannot work
// (a quota exceeded, an admission denial) costs one failed request rather than hundreds. The
// controller remembers the creations and deletions it has asked for until its pod informer shows
// them ("expectations"), and does not act on a ReplicaSet while any are outstanding: a lagging
// cache never makes it create or delete twice. When scaling down it deletes the least useful pods
// first: unscheduled, then pending, then not ready, then those sharing a node with more of their
// siblings, then the most recently ready, the most restarted, and the youngest.
package replicaset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller"
	"github.com/skiff-io/skiff/informer"
)

// Name is the controller's name, in logs, metrics and leader election.
const Name = "replicaset"

// EventRecorder records Events; client/record's recorders are ones.
type EventRecorder = controller.EventRecorder

// Options tune the controller.
type Options struct {
	// Workers reconcile ReplicaSets in parallel (5 when zero, as kube-controller-manager).
	Workers int
	// BurstReplicas bounds the pods created or deleted in one reconcile (500 when zero).
	BurstReplicas int
	Recorder      EventRecorder
	Clock         clock.Clock
	Logger        logr.Logger
	// Controller tunes the reconcile loop (rate limiter, metrics); Workers above wins.
	Controller controller.Options
}

// Reconciler reconciles one ReplicaSet.
type Reconciler struct {
	pods   *client.Resource[*core.Pod]
	rss    *client.Resource[*apps.ReplicaSet]
	rsList informer.Lister[*apps.ReplicaSet]
	podInf *informer.Informer[*core.Pod]
	exp    *expectations
	rec    EventRecorder
	clock  clock.Clock
	burst  int
	ctl    *controller.Controller
}

// New returns the controller, fed by the two informers (which the caller starts).
func New(c *client.Client, rsInf *informer.Informer[*apps.ReplicaSet], podInf *informer.Informer[*core.Pod], opts Options) (*controller.Controller, error) {
	if opts.Workers <= 0 {
		opts.Workers = 5
	}
	if opts.BurstReplicas <= 0 {
		opts.BurstReplicas = 500
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.Recorder == nil {
		opts.Recorder = controller.NopRecorder{}
	}
	r := &Reconciler{
		pods:   client.For[*core.Pod](c),
		rss:    client.For[*apps.ReplicaSet](c),
		rsList: rsInf.Lister(),
		podInf: podInf,
		exp:    newExpectations(opts.Clock),
		rec:    opts.Recorder,
		clock:  opts.Clock,
		burst:  opts.BurstReplicas,
	}
	co := opts.Controller
	co.Workers, co.Clock, co.Logger = opts.Workers, opts.Clock, opts.Logger
	r.ctl = controller.New(Name, r, co)
	if err := controller.Watch(r.ctl, rsInf, nil); err != nil {
		return nil, err
	}
	reg, err := podInf.AddEventHandler(informer.HandlerFuncs[*core.Pod]{
		AddFunc:    func(p *core.Pod, _ bool) { r.podAdded(p) },
		UpdateFunc: r.podUpdated,
		DeleteFunc: r.podDeleted,
	})
	if err != nil {
		return nil, err
	}
	r.ctl.WaitFor(reg.HasSynced, podInf.HasSynced)
	return r.ctl, nil
}

func key(ns, name string) string { return ns + "/" + name }

// owner returns the ReplicaSet controlling pod, from the cache, if it exists and is the one the
// reference names (same UID).
func (r *Reconciler) owner(p *core.Pod) *apps.ReplicaSet {
	ref := p.ControllerRef()
	if ref == nil || ref.Kind != "ReplicaSet" || ref.APIVersion != "apps/v1" {
		return nil
	}
	rs, err := r.rsList.Namespace(p.Namespace).Get(ref.Name)
	if err != nil || rs.UID != ref.UID {
		return nil
	}
	return rs
}

// matching returns the ReplicaSets of pod's namespace whose selector matches it: candidates to
// adopt an orphan.
func (r *Reconciler) matching(p *core.Pod) []*apps.ReplicaSet {
	var out []*apps.ReplicaSet
	for _, rs := range r.rsList.Namespace(p.Namespace).List(nil) {
		sel, err := meta.LabelSelectorAsSelector(rs.Spec.Selector)
		if err != nil || sel.Empty() {
			continue
		}
		if sel.Matches(labels.Set(p.Labels)) {
			out = append(out, rs)
		}
	}
	return out
}

func (r *Reconciler) enqueue(rs *apps.ReplicaSet) {
	r.ctl.Enqueue(controller.Request{Namespace: rs.Namespace, Name: rs.Name})
}

func (r *Reconciler) podAdded(p *core.Pod) {
	if p.DeletionTimestamp != nil {
		// A pod seen first already being deleted (after a relist) counts as a deletion.
		r.podDeleted(p)
		return
	}
	if rs := r.owner(p); rs != nil {
		r.exp.creationObserved(key(rs.Namespace, rs.Name))
		r.enqueue(rs)
		return
	}
	if p.ControllerRef() == nil {
		for _, rs := range r.matching(p) {
			r.enqueue(rs)
		}
	}
}

func (r *Reconciler) podUpdated(old, p *core.Pod) {
	if old.ResourceVersion == p.ResourceVersion {
		return // a resync: nothing changed
	}
	if p.DeletionTimestamp != nil && old.DeletionTimestamp == nil {
		// Kubernetes counts a pod marked for deletion as deleted: it no longer counts as active.
		if rs := r.owner(p); rs != nil {
			r.exp.deletionObserved(key(rs.Namespace, rs.Name), informer.Key(p))
		}
	}
	if oldRS := r.owner(old); oldRS != nil && !equality.DeepEqual(old.OwnerReferences, p.OwnerReferences) {
		r.enqueue(oldRS) // released or re-owned: the old owner must count again
	}
	if rs := r.owner(p); rs != nil {
		r.enqueue(rs)
		// A pod that just became ready becomes available after minReadySeconds: look again then.
		if rs.Spec.MinReadySeconds > 0 && !core.IsPodReady(old) && core.IsPodReady(p) {
			r.ctl.EnqueueAfter(controller.Request{Namespace: rs.Namespace, Name: rs.Name}, time.Duration(rs.Spec.MinReadySeconds)*time.Second+time.Second)
		}
		return
	}
	if p.ControllerRef() == nil && (!equality.DeepEqual(old.Labels, p.Labels) || old.ControllerRef() != nil) {
		for _, rs := range r.matching(p) {
			r.enqueue(rs)
		}
	}
}

func (r *Reconciler) podDeleted(p *core.Pod) {
	if rs := r.owner(p); rs != nil {
		r.exp.deletionObserved(key(rs.Namespace, rs.Name), informer.Key(p))
		r.enqueue(rs)
	}
}

// Reconcile makes one ReplicaSet's pods match its spec and writes its status.
func (r *Reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	rsKey := key(req.Namespace, req.Name)
	rs, err := r.rsList.Namespace(req.Namespace).Get(req.Name)
	if apierrors.IsNotFound(err) {
		r.exp.forget(rsKey)
		return controller.Result{}, nil
	}
	if err != nil {
		return controller.Result{}, err
	}
	sel, err := meta.LabelSelectorAsSelector(rs.Spec.Selector)
	if err != nil {
		// Validation makes this impossible for stored objects; nothing to do but wait for a fix.
		logr.FromContextOrDiscard(ctx).Error(err, "invalid selector")
		return controller.Result{}, nil
	}
	needsSync := r.exp.satisfied(rsKey) && rs.DeletionTimestamp == nil

	nsPods, _ := r.podInf.Cache().ByIndex(informer.NamespaceIndex, rs.Namespace)
	var active []*core.Pod
	for _, p := range nsPods {
		if core.IsPodActive(p) {
			active = append(active, p)
		}
	}
	owned, err := r.claim(ctx, rs, sel, active)
	if err != nil {
		return controller.Result{}, err
	}

	var manageErr error
	if needsSync {
		manageErr = r.manage(ctx, rs, owned)
	}
	if err := r.updateStatus(ctx, rs, owned, manageErr); err != nil {
		return controller.Result{}, err
	}
	if manageErr != nil {
		return controller.Result{}, manageErr
	}
	if rs.Spec.MinReadySeconds > 0 {
		for _, p := range owned {
			if core.IsPodReady(p) && !core.IsPodAvailable(p, rs.Spec.MinReadySeconds, r.clock.Now()) {
				return controller.Result{RequeueAfter: time.Duration(rs.Spec.MinReadySeconds) * time.Second}, nil
			}
		}
	}
	return controller.Result{}, nil
}

// claim returns the active pods rs owns after adopting matching orphans and releasing owned pods
// that no longer match.
func (r *Reconciler) claim(ctx context.Context, rs *apps.ReplicaSet, sel labels.Selector, pods []*core.Pod) ([]*core.Pod, error) {
	var owned []*core.Pod
	var errs []error
	canAdopt := sync.OnceValue(func() error {
		// Adopt only for a ReplicaSet that still exists, as the cache says, and is not being
		// deleted: read it fresh, since the cached copy may be stale.
		fresh, err := r.rss.Namespace(rs.Namespace).Get(ctx, rs.Name, client.GetOptions{})
		if err != nil {
			return err
		}
		if fresh.UID != rs.UID {
			return fmt.Errorf("original ReplicaSet %s/%s is gone: got uid %s, wanted %s", rs.Namespace, rs.Name, fresh.UID, rs.UID)
		}
		if fresh.DeletionTimestamp != nil {
			return fmt.Errorf("%s/%s has just been deleted at %v", rs.Namespace, rs.Name, fresh.DeletionTimestamp)
		}
		return nil
	})
	for _, p := range pods {
		ref := p.ControllerRef()
		matches := sel.Matches(labels.Set(p.Labels))
		switch {
		case ref != nil && ref.UID != rs.UID:
			// Another controller's pod.
		case ref != nil && matches:
			owned = append(owned, p)
		case ref != nil:
			if rs.DeletionTimestamp != nil {
				continue // a ReplicaSet being deleted does not release its pods
			}
			if err := r.release(ctx, rs, p); err != nil && !apierrors.IsNotFound(err) {
				errs = append(errs, err)
			}
		case matches && rs.DeletionTimestamp == nil && p.DeletionTimestamp == nil:
			if err := canAdopt(); err != nil {
				errs = append(errs, fmt.Errorf("cannot adopt pod %s: %w", p.Name, err))
				continue
			}
			adopted, err := r.adopt(ctx, rs, p)
			switch {
			case apierrors.IsNotFound(err):
			case err != nil:
				errs = append(errs, err)
			default:
				owned = append(owned, adopted)
			}
		}
	}
	return owned, errors.Join(errs...)
}

// adopt makes rs the controller of an orphan pod, with a patch that fails if the pod changed
// owner (uid and resourceVersion preconditions would be Kubernetes'; the merge patch of the whole
// ownerReferences list with the resourceVersion has the same effect).
func (r *Reconciler) adopt(ctx context.Context, rs *apps.ReplicaSet, p *core.Pod) (*core.Pod, error) {
	refs := append(slices.Clone(p.OwnerReferences), controller.NewControllerRef(rs, "apps/v1", "ReplicaSet"))
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{
		"ownerReferences": refs, "uid": p.UID, "resourceVersion": p.ResourceVersion,
	}})
	return r.pods.Namespace(p.Namespace).Patch(ctx, p.Name, client.MergePatchType, patch, client.PatchOptions{})
}

// release removes rs from a pod's owners.
func (r *Reconciler) release(ctx context.Context, rs *apps.ReplicaSet, p *core.Pod) error {
	var refs []meta.OwnerReference
	for _, ref := range p.OwnerReferences {
		if ref.UID != rs.UID {
			refs = append(refs, ref)
		}
	}
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{
		"ownerReferences": refs, "uid": p.UID, "resourceVersion": p.ResourceVersion,
	}})
	_, err := r.pods.Namespace(p.Namespace).Patch(ctx, p.Name, client.MergePatchType, patch, client.PatchOptions{})
	return err
}

// manage creates or deletes pods so that rs has its replicas.
func (r *Reconciler) manage(ctx context.Context, rs *apps.ReplicaSet, owned []*core.Pod) error {
	want := int32(1)
	if rs.Spec.Replicas != nil {
		want = *rs.Spec.Replicas
	}
	rsKey := key(rs.Namespace, rs.Name)
	diff := len(owned) - int(want)
	switch {
	case diff < 0:
		n := min(-diff, r.burst)
		r.exp.expectCreations(rsKey, n)
		tmpl := podFromTemplate(rs)
		created, err := slowStartBatch(n, func() error {
			p, err := r.pods.Namespace(rs.Namespace).Create(ctx, tmpl.DeepCopyObject().(*core.Pod), client.CreateOptions{})
			if err != nil {
				if apierrors.IsTimeout(err) {
					// The server may still create it; the informer will tell.
					return nil
				}
				r.rec.Eventf(rs, "Warning", "FailedCreate", "Error creating: %v", err)
				return err
			}
			r.rec.Eventf(rs, "Normal", "SuccessfulCreate", "Created pod: %s", p.Name)
			return nil
		})
		// Creations that failed or were never tried will not be observed.
		for range n - created {
			r.exp.creationObserved(rsKey)
		}
		return err
	case diff > 0:
		n := min(diff, r.burst)
		victims := podsToDelete(owned, n)
		keys := make([]string, len(victims))
		for i, p := range victims {
			keys[i] = informer.Key(p)
		}
		r.exp.expectDeletions(rsKey, keys)
		var wg sync.WaitGroup
		errs := make([]error, len(victims))
		for i, p := range victims {
			wg.Add(1)
			go func() {
				defer wg.Done()
				uid := p.UID
				err := r.pods.Namespace(p.Namespace).Delete(ctx, p.Name, client.DeleteOptions{Preconditions: &meta.Preconditions{UID: &uid}})
				if err != nil {
					r.exp.deletionObserved(rsKey, keys[i])
					if apierrors.IsNotFound(err) {
						return
					}
					r.rec.Eventf(rs, "Warning", "FailedDelete", "Error deleting: %v", err)
					errs[i] = err
					return
				}
				r.rec.Eventf(rs, "Normal", "SuccessfulDelete", "Deleted pod: %s", p.Name)
			}()
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	return nil
}

// podFromTemplate is the pod rs creates: its template, named after it, controlled by it.
func podFromTemplate(rs *apps.ReplicaSet) *core.Pod {
	t := rs.Spec.Template.DeepCopy()
	p := &core.Pod{
		ObjectMeta: meta.ObjectMeta{
			GenerateName:    rs.Name + "-",
			Namespace:       rs.Namespace,
			Labels:          t.Labels,
			Annotations:     t.Annotations,
			Finalizers:      t.Finalizers,
			OwnerReferences: []meta.OwnerReference{controller.NewControllerRef(rs, "apps/v1", "ReplicaSet")},
		},
		Spec: t.Spec,
	}
	return p
}

// slowStartBatch calls fn count times, in batches of 1, 2, 4, ... run in parallel, stopping at the
// first batch with a failure. It returns how many calls succeeded.
func slowStartBatch(count int, fn func() error) (int, error) {
	done := 0
	for batch := 1; done < count; batch *= 2 {
		size := min(batch, count-done)
		var wg sync.WaitGroup
		errs := make([]error, size)
		for i := range size {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = fn()
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			}
		}
		done += ok
		if err := errors.Join(errs...); err != nil {
			return done, err
		}
	}
	return done, nil
}

// updateStatus writes the counts rs's pods give, and the ReplicaFailure condition when creating
// or deleting pods failed, if anything changed.
func (r *Reconciler) updateStatus(ctx context.Context, rs *apps.ReplicaSet, owned []*core.Pod, manageErr error) error {
	st := apps.ReplicaSetStatus{
		Replicas:           int32(len(owned)),
		ObservedGeneration: rs.Generation,
		Conditions:         slices.Clone(rs.Status.Conditions),
	}
	tmplLabels := labels.SelectorFromSet(labels.Set(rs.Spec.Template.Labels))
	now := r.clock.Now()
	for _, p := range owned {
		if tmplLabels.Matches(labels.Set(p.Labels)) {
			st.FullyLabeledReplicas++
		}
		if core.IsPodReady(p) {
			st.ReadyReplicas++
			if core.IsPodAvailable(p, rs.Spec.MinReadySeconds, now) {
				st.AvailableReplicas++
			}
		}
	}
	cond := slices.IndexFunc(st.Conditions, func(c apps.ReplicaSetCondition) bool { return c.Type == apps.ReplicaSetReplicaFailure })
	switch {
	case manageErr != nil && cond < 0:
		reason := "FailedCreate"
		if want := rs.Spec.Replicas; want != nil && int(*want) < len(owned) {
			reason = "FailedDelete"
		}
		st.Conditions = append(st.Conditions, apps.ReplicaSetCondition{
			Type: apps.ReplicaSetReplicaFailure, Status: core.ConditionTrue, LastTransitionTime: meta.NewTime(now),
			Reason: reason, Message: manageErr.Error(),
		})
	case manageErr == nil && cond >= 0:
		st.Conditions = slices.Delete(st.Conditions, cond, cond+1)
	}
	if len(st.Conditions) == 0 {
		st.Conditions = nil
	}
	if equality.DeepEqual(st, rs.Status) {
		return nil
	}
	out := rs.DeepCopyObject().(*apps.ReplicaSet)
	out.Status = st
	_, err := r.rss.Namespace(rs.Namespace).UpdateStatus(ctx, out, client.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
