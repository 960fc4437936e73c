// Package garbagecollector deletes objects whose owners are gone, as kube-controller-manager's
// garbage collector does, for every kind of the registry.
//
// It keeps a graph of ownerReferences fed by an informer per kind. An object all of whose owners
// are gone is deleted; one that still has an owner only loses the references to the gone ones. The
// three propagation policies of a delete work through it:
//
//   - Background: the owner is deleted at once; its dependents, now without owner, follow.
//   - Foreground: the owner stays, with a deletionTimestamp and the foregroundDeletion finalizer,
//     until every dependent that blocks its deletion (blockOwnerDeletion) is gone; the collector
//     deletes them (in the foreground too, when they have dependents of their own), then removes
//     the finalizer.
//   - Orphan: the collector removes the owner from its dependents' ownerReferences, then the
//     orphan finalizer; the dependents stay.
//
// Whether an owner exists is always checked with the server (by kind, name and uid) before
// anything is deleted on its account: informers lag, and an owner seen only as a reference may
// be real.
package garbagecollector

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller/workqueue"
	"github.com/skiff-io/skiff/informer"
)

// Name is the controller's name.
const Name = "garbagecollector"

// Options tune the collector.
type Options struct {
	// Workers delete and orphan in parallel (20 when zero, as kube-controller-manager's
	// --concurrent-gc-syncs).
	Workers int
	// Ignored kinds are not watched, as Kubernetes ignores Events.
	Ignored []api.GroupResource
	Clock   clock.WithTicker
	Logger  logr.Logger
}

// Collector is the garbage collector.
type Collector struct {
	c    *client.Client
	reg  *api.Registry
	opts Options
	log  logr.Logger

	mu    sync.Mutex
	graph *graph

	informers      []runner
	attemptDelete  *workqueue.Queue[meta.UID]
	attemptOrphan  *workqueue.Queue[meta.UID]
	handlersSynced []func() bool
}

type runner interface {
	Run(ctx context.Context)
	HasSynced() bool
}

// New returns a collector over every kind of reg that can be listed, watched and deleted.
func New(c *client.Client, reg *api.Registry, opts Options) (*Collector, error) {
	if opts.Workers <= 0 {
		opts.Workers = 20
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.Ignored == nil {
		opts.Ignored = []api.GroupResource{{Resource: "events"}, {Group: "events.k8s.io", Resource: "events"}}
	}
	gc := &Collector{
		c: c, reg: reg, opts: opts, log: opts.Logger.WithName(Name), graph: newGraph(),
		attemptDelete: workqueue.New(workqueue.Config[meta.UID]{Name: "garbage_collector_attempt_to_delete", Clock: opts.Clock}),
		attemptOrphan: workqueue.New(workqueue.Config[meta.UID]{Name: "garbage_collector_attempt_to_orphan", Clock: opts.Clock}),
	}
	for _, k := range reg.Kinds() {
		if !collectable(k) || slices.Contains(opts.Ignored, k.GroupResource()) {
			continue
		}
		inf := informer.New[meta.Object](informer.FromResource(client.ForKind(c, k), nil), informer.Options[meta.Object]{
			Kind: k, Clock: opts.Clock, Logger: opts.Logger,
		})
		reg, err := inf.AddEventHandler(informer.HandlerFuncs[meta.Object]{
			AddFunc:    func(obj meta.Object, _ bool) { gc.observe(obj) },
			UpdateFunc: func(_, obj meta.Object) { gc.observe(obj) },
			DeleteFunc: gc.forget,
		})
		if err != nil {
			return nil, err
		}
		gc.informers = append(gc.informers, inf)
		gc.handlersSynced = append(gc.handlersSynced, reg.HasSynced, inf.HasSynced)
	}
	return gc, nil
}

// collectable: kinds that are stored and can be listed, watched and deleted.
func collectable(k *api.Kind) bool {
	if k.Virtual {
		return false
	}
	if len(k.Verbs) == 0 {
		return true
	}
	for _, v := range []string{"list", "watch", "delete"} {
		if !slices.Contains(k.Verbs, v) {
			return false
		}
	}
	return true
}

func (gc *Collector) namespacedKind(apiVersion, kind string) (bool, bool) {
	k := gc.kindFor(apiVersion, kind)
	if k == nil {
		return false, false
	}
	return k.Namespaced, true
}

// kindFor finds the kind an ownerReference names, in any version of its group.
func (gc *Collector) kindFor(apiVersion, kind string) *api.Kind {
	group, version := meta.SplitAPIVersion(apiVersion)
	if k, err := gc.reg.KindFor(api.GroupVersionKind{Group: group, Version: version, Kind: kind}); err == nil {
		return k
	}
	for _, k := range gc.reg.Kinds() {
		if k.Group == group && k.Kind == kind {
			return k
		}
	}
	return nil
}

func (gc *Collector) observe(obj meta.Object) {
	gc.mu.Lock()
	ch := gc.graph.upsert(obj, gc.namespacedKind)
	gc.mu.Unlock()
	gc.apply(ch)
}

func (gc *Collector) forget(obj meta.Object) {
	gc.mu.Lock()
	ch := gc.graph.remove(obj.GetObjectMeta().UID)
	gc.mu.Unlock()
	gc.apply(ch)
}

func (gc *Collector) apply(ch changes) {
	for _, uid := range ch.attemptToDelete {
		gc.attemptDelete.Add(uid)
	}
	for _, uid := range ch.attemptToOrphan {
		gc.attemptOrphan.Add(uid)
	}
}

// HasSynced reports whether every informer has delivered its first list into the graph.
func (gc *Collector) HasSynced() bool {
	for _, f := range gc.handlersSynced {
		if !f() {
			return false
		}
	}
	return true
}

// Run watches every kind and collects garbage until ctx is done.
func (gc *Collector) Run(ctx context.Context) error {
	gc.log.Info("starting", "kinds", len(gc.informers), "workers", gc.opts.Workers)
	var wg sync.WaitGroup
	for _, inf := range gc.informers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inf.Run(ctx)
		}()
	}
	// Act only on a complete graph: an owner not seen yet is not missing.
	if !informer.WaitForCacheSync(ctx, gc.HasSynced) {
		gc.attemptDelete.ShutDown()
		gc.attemptOrphan.ShutDown()
		wg.Wait()
		return ctx.Err()
	}
	for range gc.opts.Workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for gc.work(ctx, gc.attemptDelete, gc.attemptToDelete) {
			}
		}()
		go func() {
			defer wg.Done()
			for gc.work(ctx, gc.attemptOrphan, gc.attemptToOrphan) {
			}
		}()
	}
	<-ctx.Done()
	gc.attemptDelete.ShutDownWithDrain()
	gc.attemptOrphan.ShutDownWithDrain()
	wg.Wait()
	return nil
}

func (gc *Collector) work(ctx context.Context, q *workqueue.Queue[meta.UID], fn func(context.Context, meta.UID) error) bool {
	uid, shutdown := q.Get()
	if shutdown {
		return false
	}
	defer q.Done(uid)
	if err := fn(ctx, uid); err != nil {
		if ctx.Err() == nil {
			gc.log.V(1).Info("will retry", "uid", uid, "err", err.Error())
		}
		q.AddRateLimited(uid)
		return true
	}
	q.Forget(uid)
	return true
}

// resource returns the untyped client for the object r names.
func (gc *Collector) resource(r ref) (*client.Resource[meta.Object], error) {
	k := gc.kindFor(r.APIVersion, r.Kind)
	if k == nil {
		return nil, fmt.Errorf("%w: %s %s", api.ErrUnknownKind, r.APIVersion, r.Kind)
	}
	res := client.ForKind(gc.c, k)
	if k.Namespaced {
		res = res.Namespace(r.Namespace)
	}
	return res, nil
}

// live reads the object r names from the server: nil when it is gone or has been replaced by
// another object of the same name.
func (gc *Collector) live(ctx context.Context, r ref) (meta.Object, error) {
	res, err := gc.resource(r)
	if err != nil {
		return nil, err
	}
	obj, err := res.Get(ctx, r.Name, client.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if obj.GetObjectMeta().UID != r.UID {
		return nil, nil
	}
	return obj, nil
}

func (gc *Collector) snapshot(uid meta.UID) (node, []*node, bool) {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	n, ok := gc.graph.nodes[uid]
	if !ok {
		return node{}, nil, false
	}
	deps := make([]*node, 0, len(n.dependents))
	for _, d := range n.dependents {
		cp := *d
		cp.owners = slices.Clone(d.owners)
		deps = append(deps, &cp)
	}
	cp := *n
	cp.owners = slices.Clone(n.owners)
	cp.dependents = nil
	return cp, deps, true
}

// attemptToDelete looks at one object: delete it when all its owners are gone, drop references to
// owners that are gone, or, for an owner deleting its dependents in the foreground, finish that.
func (gc *Collector) attemptToDelete(ctx context.Context, uid meta.UID) error {
	n, deps, ok := gc.snapshot(uid)
	if !ok {
		return nil
	}
	if n.virtual {
		// An owner known only from references: ask the server whether it exists.
		obj, err := gc.live(ctx, n.ref)
		if err != nil {
			return err
		}
		if obj == nil {
			gc.mu.Lock()
			lost := gc.graph.dropVirtual(uid)
			gc.mu.Unlock()
			for _, d := range lost {
				gc.attemptDelete.Add(d)
			}
		}
		// When it exists, its informer will show it.
		return nil
	}
	if n.deletingDependents {
		return gc.processDeletingDependents(ctx, n, deps)
	}
	if n.beingDeleted {
		return nil
	}
	latest, err := gc.live(ctx, n.ref)
	if err != nil || latest == nil {
		return err
	}
	owners := latest.GetObjectMeta().OwnerReferences
	if len(owners) == 0 {
		return nil
	}
	var solid, dangling, waiting []meta.OwnerReference
	for _, o := range owners {
		ns := n.ref.Namespace
		if namespaced, known := gc.namespacedKind(o.APIVersion, o.Kind); known && !namespaced {
			ns = ""
		}
		if gc.kindFor(o.APIVersion, o.Kind) == nil {
			solid = append(solid, o) // an owner of a kind we cannot read: assume it is there
			continue
		}
		owner, err := gc.live(ctx, ref{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: ns, Name: o.Name, UID: o.UID})
		if err != nil {
			return err
		}
		switch {
		case owner == nil:
			dangling = append(dangling, o)
		case owner.GetObjectMeta().DeletionTimestamp != nil && hasFinalizer(owner.GetObjectMeta(), meta.FinalizerDeleteDependents):
			waiting = append(waiting, o)
		default:
			solid = append(solid, o)
		}
	}
	m := latest.GetObjectMeta()
	switch {
	case len(solid) > 0:
		if len(dangling)+len(waiting) == 0 {
			return nil
		}
		// Still owned: only the references to owners that are gone (or going) are dropped.
		keep := slices.DeleteFunc(slices.Clone(owners), func(o meta.OwnerReference) bool {
			return slices.ContainsFunc(dangling, sameUID(o)) || slices.ContainsFunc(waiting, sameUID(o))
		})
		gc.log.V(2).Info("removing references to owners that are gone", "object", n.ref.String())
		return gc.patchMeta(ctx, n.ref, map[string]any{"ownerReferences": keep, "uid": m.UID, "resourceVersion": m.ResourceVersion})
	case len(waiting) > 0 && len(deps) > 0:
		// An owner deletes its dependents in the foreground, and this one has dependents of its
		// own: delete it in the foreground too, so that the owner waits for the whole subtree.
		gc.log.V(2).Info("deleting in the foreground, for an owner deleting in the foreground", "object", n.ref.String())
		return gc.delete(ctx, n.ref, meta.DeletePropagationForeground)
	default:
		policy := meta.DeletePropagationBackground
		switch {
		case hasFinalizer(m, meta.FinalizerOrphanDependents):
			policy = meta.DeletePropagationOrphan
		case hasFinalizer(m, meta.FinalizerDeleteDependents) || len(waiting) > 0:
			policy = meta.DeletePropagationForeground
		}
		gc.log.V(2).Info("deleting: every owner is gone", "object", n.ref.String(), "propagation", policy)
		return gc.delete(ctx, n.ref, policy)
	}
}

func sameUID(o meta.OwnerReference) func(meta.OwnerReference) bool {
	return func(x meta.OwnerReference) bool { return x.UID == o.UID }
}

// processDeletingDependents finishes a foreground deletion once no dependent blocks it, and
// otherwise makes sure the blocking dependents are being deleted.
func (gc *Collector) processDeletingDependents(ctx context.Context, n node, deps []*node) error {
	blocking := 0
	for _, d := range deps {
		for _, o := range d.owners {
			if o.UID == n.ref.UID && o.BlockOwnerDeletion != nil && *o.BlockOwnerDeletion {
				blocking++
				if !d.beingDeleted {
					gc.attemptDelete.Add(d.ref.UID)
				}
			}
		}
	}
	if blocking > 0 {
		return nil
	}
	gc.log.V(2).Info("no dependents block the owner any more: removing the foregroundDeletion finalizer", "object", n.ref.String())
	return gc.removeFinalizer(ctx, n.ref, meta.FinalizerDeleteDependents)
}

// attemptToOrphan removes an owner being deleted with the orphan policy from its dependents'
// references, then its orphan finalizer.
func (gc *Collector) attemptToOrphan(ctx context.Context, uid meta.UID) error {
	n, deps, ok := gc.snapshot(uid)
	if !ok || !n.orphaning {
		return nil
	}
	for _, d := range deps {
		latest, err := gc.live(ctx, d.ref)
		if err != nil {
			return err
		}
		if latest == nil {
			continue
		}
		m := latest.GetObjectMeta()
		keep := slices.DeleteFunc(slices.Clone(m.OwnerReferences), func(o meta.OwnerReference) bool { return o.UID == uid })
		if len(keep) == len(m.OwnerReferences) {
			continue
		}
		if err := gc.patchMeta(ctx, d.ref, map[string]any{"ownerReferences": keep, "uid": m.UID, "resourceVersion": m.ResourceVersion}); err != nil {
			return err
		}
	}
	return gc.removeFinalizer(ctx, n.ref, meta.FinalizerOrphanDependents)
}

// removeFinalizer takes one finalizer off an object, if it is still there.
func (gc *Collector) removeFinalizer(ctx context.Context, r ref, f string) error {
	latest, err := gc.live(ctx, r)
	if err != nil || latest == nil {
		return err
	}
	m := latest.GetObjectMeta()
	if !hasFinalizer(m, f) {
		return nil
	}
	keep := slices.DeleteFunc(slices.Clone(m.Finalizers), func(x string) bool { return x == f })
	return gc.patchMeta(ctx, r, map[string]any{"finalizers": keep, "uid": m.UID, "resourceVersion": m.ResourceVersion})
}

// patchMeta merge-patches metadata fields; the resourceVersion in it makes a concurrent change a
// conflict, retried from fresh state.
func (gc *Collector) patchMeta(ctx context.Context, r ref, fields map[string]any) error {
	res, err := gc.resource(r)
	if err != nil {
		return err
	}
	patch, err := json.Marshal(map[string]any{"metadata": fields})
	if err != nil {
		return err
	}
	_, err = res.Patch(ctx, r.Name, client.MergePatchType, patch, client.PatchOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func (gc *Collector) delete(ctx context.Context, r ref, policy meta.DeletionPropagation) error {
	res, err := gc.resource(r)
	if err != nil {
		return err
	}
	uid := r.UID
	err = res.Delete(ctx, r.Name, client.DeleteOptions{PropagationPolicy: &policy, Preconditions: &meta.Preconditions{UID: &uid}})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
