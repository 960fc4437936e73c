// Package deployment is the Deployment controller: it turns a Deployment into ReplicaSets and
// rolls changes of its pod template out, as kube-controller-manager's does.
//
// Each distinct pod template gets a ReplicaSet named "<deployment>-<pod-template-hash>", whose
// selector and pods carry the hash as the pod-template-hash label. A change of the template starts
// a rollout: RollingUpdate grows the new ReplicaSet and shrinks the old ones within maxSurge and
// maxUnavailable (25% each by default; surge rounds up, unavailability down), Recreate scales the
// old ones to zero and waits for their pods to go before creating the new one. A change of
// replicas alone is not a rollout: every active ReplicaSet is scaled in proportion. The
// ReplicaSets carry revision annotations; going back to an old template (kubectl rollout undo)
// reuses its ReplicaSet under a new revision, and old ReplicaSets beyond revisionHistoryLimit are
// deleted once the rollout completes. A paused Deployment only scales. The status counts replicas,
// updated, ready, available and unavailable pods, and the Available and Progressing conditions
// say whether the Deployment has its minimum availability and whether the rollout moves, or has
// exceeded progressDeadlineSeconds (ProgressDeadlineExceeded).
package deployment

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
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller"
	"github.com/skiff-io/skiff/informer"
)

// Name is the controller's name.
const Name = "deployment"

// EventRecorder records Events; client/record's recorders are ones.
type EventRecorder = controller.EventRecorder

// Options tune the controller.
type Options struct {
	// Workers reconcile Deployments in parallel (5 when zero).
	Workers  int
	Recorder EventRecorder
	Clock    clock.Clock
	Logger   logr.Logger
	// Controller tunes the reconcile loop (rate limiter, metrics); Workers above wins.
	Controller controller.Options
}

// Reconciler reconciles one Deployment.
type Reconciler struct {
	deps   *client.Resource[*apps.Deployment]
	rss    *client.Resource[*apps.ReplicaSet]
	dList  informer.Lister[*apps.Deployment]
	rsInf  *informer.Informer[*apps.ReplicaSet]
	podInf *informer.Informer[*core.Pod]
	rec    EventRecorder
	clock  clock.Clock
	ctl    *controller.Controller
}

// New returns the controller, fed by the three informers (which the caller starts).
func New(c *client.Client, dInf *informer.Informer[*apps.Deployment], rsInf *informer.Informer[*apps.ReplicaSet], podInf *informer.Informer[*core.Pod], opts Options) (*controller.Controller, error) {
	if opts.Workers <= 0 {
		opts.Workers = 5
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.Recorder == nil {
		opts.Recorder = controller.NopRecorder{}
	}
	r := &Reconciler{
		deps:   client.For[*apps.Deployment](c),
		rss:    client.For[*apps.ReplicaSet](c),
		dList:  dInf.Lister(),
		rsInf:  rsInf,
		podInf: podInf,
		rec:    opts.Recorder,
		clock:  opts.Clock,
	}
	co := opts.Controller
	co.Workers, co.Clock, co.Logger = opts.Workers, opts.Clock, opts.Logger
	r.ctl = controller.New(Name, r, co)
	if err := controller.Watch(r.ctl, dInf, nil); err != nil {
		return nil, err
	}
	// A ReplicaSet concerns its owner, or, when it has none, every Deployment that could adopt it.
	if err := controller.Watch(r.ctl, rsInf, r.rsToDeployments); err != nil {
		return nil, err
	}
	// A Recreate rollout waits for the old pods to be gone.
	if err := controller.Watch(r.ctl, podInf, r.podToDeployment); err != nil {
		return nil, err
	}
	return r.ctl, nil
}

func (r *Reconciler) rsToDeployments(rs *apps.ReplicaSet) []controller.Request {
	if ref := rs.ControllerRef(); ref != nil {
		if ref.Kind == "Deployment" && ref.APIVersion == "apps/v1" {
			return []controller.Request{{Namespace: rs.Namespace, Name: ref.Name}}
		}
		return nil
	}
	var out []controller.Request
	for _, d := range r.dList.Namespace(rs.Namespace).List(nil) {
		sel, err := meta.LabelSelectorAsSelector(d.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(rs.Labels)) {
			out = append(out, controller.RequestFor(d))
		}
	}
	return out
}

func (r *Reconciler) podToDeployment(p *core.Pod) []controller.Request {
	ref := p.ControllerRef()
	if ref == nil || ref.Kind != "ReplicaSet" {
		return nil
	}
	rs, ok := r.rsInf.Cache().Get(p.Namespace + "/" + ref.Name)
	if !ok {
		return nil
	}
	d := rs.ControllerRef()
	if d == nil || d.Kind != "Deployment" {
		return nil
	}
	dep, err := r.dList.Namespace(p.Namespace).Get(d.Name)
	if err != nil || dep.Spec.Strategy.Type != apps.RecreateDeploymentStrategyType {
		return nil
	}
	return []controller.Request{{Namespace: p.Namespace, Name: d.Name}}
}

// Reconcile brings one Deployment's ReplicaSets in line with it.
func (r *Reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	cached, err := r.dList.Namespace(req.Namespace).Get(req.Name)
	if apierrors.IsNotFound(err) {
		return controller.Result{}, nil
	}
	if err != nil {
		return controller.Result{}, err
	}
	d := cached.DeepCopyObject().(*apps.Deployment)
	sel, err := meta.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return controller.Result{}, nil // validation forbids it; wait for a fix
	}
	if sel.Empty() {
		r.rec.Eventf(d, "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")
		if d.Status.ObservedGeneration < d.Generation {
			d.Status.ObservedGeneration = d.Generation
			_, err := r.deps.Namespace(d.Namespace).UpdateStatus(ctx, d, client.UpdateOptions{})
			return controller.Result{}, ignoreNotFound(err)
		}
		return controller.Result{}, nil
	}
	rsList, err := r.claimReplicaSets(ctx, d, sel)
	if err != nil {
		return controller.Result{}, err
	}
	if d.DeletionTimestamp != nil {
		return controller.Result{}, r.syncStatusOnly(ctx, d, rsList)
	}
	if err := r.checkPaused(ctx, d); err != nil {
		return controller.Result{}, err
	}
	if d.Spec.Paused || r.isScalingEvent(d, rsList) {
		return controller.Result{}, r.sync(ctx, d, rsList)
	}
	if d.Spec.Strategy.Type == apps.RecreateDeploymentStrategyType {
		return r.rolloutRecreate(ctx, d, rsList)
	}
	return r.rolloutRolling(ctx, d, rsList)
}

func ignoreNotFound(err error) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// claimReplicaSets returns the ReplicaSets d controls, adopting orphans its selector matches and
// releasing owned ones it no longer matches.
func (r *Reconciler) claimReplicaSets(ctx context.Context, d *apps.Deployment, sel labels.Selector) ([]*apps.ReplicaSet, error) {
	all, _ := r.rsInf.Cache().ByIndex(informer.NamespaceIndex, d.Namespace)
	var owned []*apps.ReplicaSet
	var errs []error
	canAdopt := sync.OnceValue(func() error {
		fresh, err := r.deps.Namespace(d.Namespace).Get(ctx, d.Name, client.GetOptions{})
		if err != nil {
			return err
		}
		if fresh.UID != d.UID || fresh.DeletionTimestamp != nil {
			return fmt.Errorf("deployment %s/%s is gone or being deleted", d.Namespace, d.Name)
		}
		return nil
	})
	for _, rs := range all {
		ref := rs.ControllerRef()
		matches := sel.Matches(labels.Set(rs.Labels))
		switch {
		case ref != nil && ref.UID != d.UID:
		case ref != nil && matches:
			owned = append(owned, rs)
		case ref != nil:
			if d.DeletionTimestamp == nil {
				errs = append(errs, r.patchOwners(ctx, rs, slices.DeleteFunc(slices.Clone(rs.OwnerReferences), func(o meta.OwnerReference) bool { return o.UID == d.UID })))
			}
		case matches && d.DeletionTimestamp == nil && rs.DeletionTimestamp == nil:
			if err := canAdopt(); err != nil {
				errs = append(errs, err)
				continue
			}
			refs := append(slices.Clone(rs.OwnerReferences), controller.NewControllerRef(d, "apps/v1", "Deployment"))
			if err := r.patchOwners(ctx, rs, refs); err != nil {
				errs = append(errs, err)
				continue
			}
			owned = append(owned, rs)
		}
	}
	return owned, errors.Join(errs...)
}

func (r *Reconciler) patchOwners(ctx context.Context, rs *apps.ReplicaSet, refs []meta.OwnerReference) error {
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{
		"ownerReferences": refs, "uid": rs.UID, "resourceVersion": rs.ResourceVersion,
	}})
	_, err := r.rss.Namespace(rs.Namespace).Patch(ctx, rs.Name, client.MergePatchType, patch, client.PatchOptions{})
	return ignoreNotFound(err)
}

// checkPaused records a pause or a resume in the Progressing condition.
func (r *Reconciler) checkPaused(ctx context.Context, d *apps.Deployment) error {
	if !hasDeadline(d) {
		return nil
	}
	cond := condition(&d.Status, apps.DeploymentProgressing)
	pausedCond := cond != nil && cond.Reason == ReasonPaused
	now := meta.NewTime(r.clock.Now())
	switch {
	case d.Spec.Paused && !pausedCond:
		setCondition(&d.Status, apps.DeploymentCondition{Type: apps.DeploymentProgressing, Status: core.ConditionUnknown,
			Reason: ReasonPaused, Message: "Deployment is paused", LastUpdateTime: now, LastTransitionTime: now})
	case !d.Spec.Paused && pausedCond:
		setCondition(&d.Status, apps.DeploymentCondition{Type: apps.DeploymentProgressing, Status: core.ConditionUnknown,
			Reason: ReasonResumed, Message: "Deployment is resumed", LastUpdateTime: now, LastTransitionTime: now})
	default:
		return nil
	}
	out, err := r.deps.Namespace(d.Namespace).UpdateStatus(ctx, d, client.UpdateOptions{})
	if err != nil {
		return err
	}
	*d = *out
	return nil
}

// isScalingEvent: some active ReplicaSet was sized for a different replica count than the
// Deployment now asks for, so the change is a scale, not a rollout.
func (r *Reconciler) isScalingEvent(d *apps.Deployment, rsList []*apps.ReplicaSet) bool {
	newRS, oldRSs := findNewRS(d, rsList)
	for _, rs := range activeRSs(append(oldRSs, newRS)) {
		if want, ok := intAnnotation(rs, DesiredReplicasAnnotation); ok && want != replicas(d) {
			return true
		}
	}
	return false
}

// findNewRS returns the ReplicaSet whose template is the Deployment's (the oldest, should there be
// several), and the others.
func findNewRS(d *apps.Deployment, rsList []*apps.ReplicaSet) (*apps.ReplicaSet, []*apps.ReplicaSet) {
	sorted := slices.Clone(rsList)
	sortByCreation(sorted)
	var newRS *apps.ReplicaSet
	var old []*apps.ReplicaSet
	for _, rs := range sorted {
		if newRS == nil && equalIgnoreHash(&rs.Spec.Template, &d.Spec.Template) {
			newRS = rs
			continue
		}
		old = append(old, rs)
	}
	return newRS, old
}

// requeueAfter returns how long until a progressing rollout would pass its deadline, so that it is
// looked at again then even if nothing else happens.
func (r *Reconciler) requeueAfter(d *apps.Deployment) time.Duration {
	cond := condition(&d.Status, apps.DeploymentProgressing)
	if !hasDeadline(d) || cond == nil || cond.Reason == ReasonNewRSAvailable || cond.Reason == ReasonTimedOut || d.Spec.Paused {
		return 0
	}
	deadline := cond.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second)
	after := deadline.Sub(r.clock.Now())
	if after < 0 {
		return time.Second
	}
	return after + time.Second
}
