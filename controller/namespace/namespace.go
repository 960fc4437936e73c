package namespace

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller"
	"github.com/skiff-io/skiff/controller/workqueue"
	"github.com/skiff-io/skiff/informer"
)

// Name is the controller's name, in logs, metrics and leader election.
const Name = "namespace"

// EventRecorder records Events; client/record's recorders are ones.
type EventRecorder = controller.EventRecorder

// Options tune the controller.
type Options struct {
	// Workers empty namespaces in parallel (10 when zero, as kube-controller-manager's
	// --concurrent-namespace-syncs).
	Workers int
	// Recorder gets a Warning event on a namespace whose content could not all be deleted.
	Recorder EventRecorder
	// Clock tells how much of a pod's grace period is left, stamps the conditions and times the
	// requeues; the real clock when nil.
	Clock  clock.Clock
	Logger logr.Logger
	// Controller tunes the reconcile loop (rate limiter, metrics); Workers, Clock and Logger above
	// win. The rate limiter is RateLimiter's when nil.
	Controller controller.Options
}

// RateLimiter returns the retry spacing of Kubernetes' namespace controller, faster than other
// controllers' so that a failed deletion is tried again at least every minute: each namespace
// backs off from 5 ms doubling to 60 s, under 10 retries per second (bursts of 100) overall.
func RateLimiter(clk clock.PassiveClock) workqueue.RateLimiter[controller.Request] {
	return workqueue.MaxOf(
		workqueue.ItemExponentialFailure[controller.Request](5*time.Millisecond, 60*time.Second),
		workqueue.Bucket[controller.Request](10, 100, clk),
	)
}

// Reconciler empties one namespace being deleted, then removes its "kubernetes" finalizer.
type Reconciler struct {
	c          *client.Client
	reg        *api.Registry
	namespaces *client.Resource[*core.Namespace]
	nsList     informer.Lister[*core.Namespace]
	rec        EventRecorder
	clock      clock.Clock
}

// New returns the controller, fed by the namespace informer (which the caller starts). It deletes
// the content of every namespaced kind reg holds, through c.
func New(c *client.Client, reg *api.Registry, nsInf *informer.Informer[*core.Namespace], opts Options) (*controller.Controller, error) {
	if c == nil || reg == nil || nsInf == nil {
		return nil, errors.New("namespace: New needs a client, a registry and a namespace informer")
	}
	if opts.Workers <= 0 {
		opts.Workers = 10
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.Recorder == nil {
		opts.Recorder = controller.NopRecorder{}
	}
	r := &Reconciler{
		c:          c,
		reg:        reg,
		namespaces: client.For[*core.Namespace](c),
		nsList:     nsInf.Lister(),
		rec:        opts.Recorder,
		clock:      opts.Clock,
	}
	co := opts.Controller
	co.Workers, co.Clock, co.Logger = opts.Workers, opts.Clock, opts.Logger
	if co.RateLimiter == nil {
		co.RateLimiter = RateLimiter(opts.Clock)
	}
	ctl := controller.New(Name, r, co)
	if err := controller.Watch(ctl, nsInf, deleting); err != nil {
		return nil, err
	}
	return ctl, nil
}

// deleting maps a namespace to its request only when it is being deleted: the controller has
// nothing to do with the others.
func deleting(ns *core.Namespace) []controller.Request {
	if ns.DeletionTimestamp == nil {
		return nil
	}
	return []controller.Request{{Name: ns.Name}}
}

// Reconcile deletes the content of a namespace being deleted and, once the API server lists
// nothing in it, removes the "kubernetes" finalizer through the finalize subresource. While
// content remains it asks to be called again after a delay: half the longest grace period left,
// plus a second. An error (retried with backoff) means some content could not be deleted or
// listed, or the namespace could not be written.
func (r *Reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	log := logr.FromContextOrDiscard(ctx)
	cached, err := r.nsList.Get(req.Name)
	if apierrors.IsNotFound(err) {
		return controller.Result{}, nil
	}
	if err != nil {
		return controller.Result{}, err
	}
	if cached.DeletionTimestamp == nil {
		return controller.Result{}, nil
	}
	// Other writers change a namespace being deleted (the server, other finalizers' owners):
	// work from the latest, not from the cache.
	ns, err := r.namespaces.Get(ctx, req.Name, client.GetOptions{})
	if apierrors.IsNotFound(err) {
		return controller.Result{}, nil
	}
	if err != nil {
		return controller.Result{}, err
	}
	if ns.DeletionTimestamp == nil || !slices.Contains(ns.Spec.Finalizers, core.FinalizerKubernetes) {
		return controller.Result{}, nil
	}
	ns, err = r.update(ctx, ns, markTerminating, r.updateStatus)
	if apierrors.IsNotFound(err) {
		return controller.Result{}, nil
	}
	if err != nil {
		return controller.Result{}, fmt.Errorf("marking namespace %s terminating: %w", req.Name, err)
	}

	p := r.deleteContent(ctx, ns.Name)
	now := meta.NewTime(r.clock.Now())
	failing := p.conditions()
	// The conditions are written on every pass, so that one which cleared reads so; a failure to
	// write them does not hold up the deletion.
	written, err := r.update(ctx, ns, func(n *core.Namespace) bool { return setConditions(&n.Status, failing, now) }, r.updateStatus)
	switch {
	case err == nil:
		ns = written
	case !apierrors.IsNotFound(err):
		log.Error(err, "cannot update the namespace's conditions")
	}
	if err := p.err(); err != nil {
		r.rec.Eventf(ns, core.EventTypeWarning, "ContentDeletionFailed", "%s", contentFailureMessage(p.errs))
		return controller.Result{}, err
	}
	if p.estimate > 0 {
		after := requeueAfter(p.estimate)
		log.V(2).Info("content remains", "resources", p.remainingMessage(), "finalizers", p.finalizersMessage(), "requeueAfter", after)
		return controller.Result{RequeueAfter: after}, nil
	}

	_, err = r.update(ctx, ns, removeFinalizer, r.finalize)
	if err != nil && !apierrors.IsNotFound(err) {
		return controller.Result{}, fmt.Errorf("finalizing namespace %s: %w", req.Name, err)
	}
	log.V(2).Info("namespace emptied and finalized")
	return controller.Result{}, nil
}

// requeueAfter is when to look again at content expected to be gone in estimate seconds: half of
// that plus a second, as Kubernetes does, so that a deletion finishing early is noticed early.
func requeueAfter(estimate int64) time.Duration {
	return time.Duration(estimate/2+1) * time.Second
}

func markTerminating(ns *core.Namespace) bool {
	if ns.Status.Phase == core.NamespaceTerminating {
		return false
	}
	ns.Status.Phase = core.NamespaceTerminating
	return true
}

func removeFinalizer(ns *core.Namespace) bool {
	if !slices.Contains(ns.Spec.Finalizers, core.FinalizerKubernetes) {
		return false
	}
	ns.Spec.Finalizers = slices.DeleteFunc(ns.Spec.Finalizers, func(f core.FinalizerName) bool { return f == core.FinalizerKubernetes })
	return true
}

func (r *Reconciler) updateStatus(ctx context.Context, ns *core.Namespace) (*core.Namespace, error) {
	return r.namespaces.UpdateStatus(ctx, ns, client.UpdateOptions{})
}

func (r *Reconciler) finalize(ctx context.Context, ns *core.Namespace) (*core.Namespace, error) {
	out := &core.Namespace{}
	if err := r.namespaces.UpdateSubresource(ctx, ns.Name, "finalize", ns, out, client.UpdateOptions{}); err != nil {
		return nil, err
	}
	return out, nil
}

// maxConflicts bounds how often update reads the namespace again after a conflict before it
// gives up (and the reconcile is retried with backoff).
const maxConflicts = 5

// update applies change to a copy of ns and writes the copy with write, unless change reports
// there is nothing to do. On a conflict it reads the namespace again and retries, as long as it
// is still the same namespace (same UID). It returns the namespace as written, or as read.
func (r *Reconciler) update(ctx context.Context, ns *core.Namespace, change func(*core.Namespace) bool,
	write func(context.Context, *core.Namespace) (*core.Namespace, error)) (*core.Namespace, error) {
	for conflicts := 0; ; conflicts++ {
		next := ns.DeepCopy()
		if !change(next) {
			return ns, nil
		}
		out, err := write(ctx, next)
		if err == nil {
			return out, nil
		}
		if !apierrors.IsConflict(err) || conflicts == maxConflicts {
			return nil, err
		}
		latest, err := r.namespaces.Get(ctx, ns.Name, client.GetOptions{})
		if err != nil {
			return nil, err
		}
		if latest.UID != ns.UID {
			return nil, fmt.Errorf("namespace %s was deleted and created again (uid %s, was %s)", ns.Name, latest.UID, ns.UID)
		}
		ns = latest
	}
}
