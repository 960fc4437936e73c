package namespace

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// finalizerEstimateSeconds is how long content waiting only for finalizers is given before the
// namespace is looked at again (so every 8 s), as in Kubernetes.
const finalizerEstimateSeconds = 15

// pass is what one pass over a namespace's content did and found.
type pass struct {
	// estimate is how long, in seconds, what remains should take to go; 0 when nothing remains,
	// or when what remains is not expected to go (and errs says so).
	estimate int64
	// remaining counts the objects left of each resource.
	remaining map[api.GroupResource]int
	// finalizers counts the objects left waiting for each finalizer.
	finalizers map[string]int
	// errs are the failures to delete or list, one per kind at most.
	errs []error
}

// err joins the pass's failures; nil when there were none.
func (p *pass) err() error { return errors.Join(p.errs...) }

// kindResult is what one kind left in the namespace.
type kindResult struct {
	estimate   int64
	remaining  int
	finalizers map[string]int
}

// serves reports whether the REST layer serves verb on k's main resource: a kind that lists no
// verbs serves them all, unless it is virtual.
func serves(k *api.Kind, verb string) bool {
	if len(k.Verbs) == 0 {
		return !k.Virtual
	}
	return slices.Contains(k.Verbs, verb)
}

// deletable reports whether the controller deletes k's objects: a namespaced kind whose objects
// are stored and can be deleted, either all at once or one by one after a list.
func deletable(k *api.Kind) bool {
	return k.Namespaced && !k.Virtual && serves(k, "delete") && (serves(k, "deletecollection") || serves(k, "list"))
}

// deleteContent deletes every deletable kind's objects in namespace ns, and lists what remains.
// A kind that fails does not stop the others.
func (r *Reconciler) deleteContent(ctx context.Context, ns string) *pass {
	p := &pass{remaining: map[api.GroupResource]int{}, finalizers: map[string]int{}}
	for _, k := range r.reg.Kinds() {
		if !deletable(k) {
			continue
		}
		res, err := r.deleteKind(ctx, k, ns)
		if err != nil {
			p.errs = append(p.errs, err)
		}
		p.estimate = max(p.estimate, res.estimate)
		if res.remaining > 0 {
			p.remaining[k.GroupResource()] += res.remaining
			for f, n := range res.finalizers {
				p.finalizers[f] += n
			}
		}
	}
	return p
}

// deleteKind deletes k's objects in namespace ns, with one deletecollection when k serves it and a
// delete per object otherwise, then lists what remains.
func (r *Reconciler) deleteKind(ctx context.Context, k *api.Kind, ns string) (kindResult, error) {
	res := client.ForKind(r.c, k).Namespace(ns)
	gr := k.GroupResource()
	// The dependents of what is deleted here are deleted here too: the garbage collector must
	// not be asked to orphan them first.
	background := meta.DeletePropagationBackground
	opts := client.DeleteOptions{PropagationPolicy: &background}
	deleted := false
	if serves(k, "deletecollection") {
		switch err := res.DeleteCollection(ctx, opts, client.ListOptions{}); {
		case err == nil:
			deleted = true
		case !unsupported(err):
			return kindResult{}, fmt.Errorf("deleting %s: %w", gr, err)
		}
	}
	if !serves(k, "list") {
		return kindResult{}, nil
	}
	items, listed, err := list(ctx, res)
	if err != nil || !listed {
		return kindResult{}, err
	}
	if !deleted && len(items) > 0 {
		for _, obj := range items {
			m := obj.GetObjectMeta()
			if m.DeletionTimestamp != nil {
				continue // already under way: another delete would change nothing
			}
			if err := res.Delete(ctx, m.Name, opts); err != nil && !apierrors.IsNotFound(err) && !apierrors.IsMethodNotSupported(err) {
				return kindResult{}, fmt.Errorf("deleting %s %q: %w", gr, m.Name, err)
			}
		}
		if items, _, err = list(ctx, res); err != nil {
			return kindResult{}, err
		}
	}
	return remainingOf(items, ns, k, r.clock.Now())
}

// list lists the objects of a kind in a namespace; listed is false when the server does not serve
// the list (a kind the registry holds but the server does not).
func list(ctx context.Context, res *client.Resource[meta.Object]) (items []meta.Object, listed bool, err error) {
	l, err := res.List(ctx, client.ListOptions{})
	switch {
	case err == nil:
		return l.Items, true, nil
	case unsupported(err):
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("listing %s: %w", res.Kind().GroupResource(), err)
}

// unsupported reports whether err says the server does not serve a verb on a resource. Kubernetes
// answers 404 rather than 405 for some resources that serve no collection verbs, so both count.
func unsupported(err error) bool {
	return apierrors.IsMethodNotSupported(err) || apierrors.IsNotFound(err)
}

// remainingOf sums up what is left of kind k in namespace ns after deleting it, at time now. Objects
// in a graceful deletion (a pod whose kubelet is stopping it: deletionTimestamp ahead) are given
// the rest of their grace period, and objects with finalizers finalizerEstimateSeconds. Objects
// that have neither should be gone: that is an error, and the namespace is retried with backoff.
func remainingOf(items []meta.Object, ns string, k *api.Kind, now time.Time) (kindResult, error) {
	if len(items) == 0 {
		return kindResult{}, nil
	}
	res := kindResult{remaining: len(items), finalizers: map[string]int{}}
	for _, obj := range items {
		m := obj.GetObjectMeta()
		for _, f := range m.Finalizers {
			res.finalizers[f]++
		}
		if m.DeletionTimestamp != nil {
			if left := m.DeletionTimestamp.Sub(now); left > 0 {
				res.estimate = max(res.estimate, int64((left+time.Second-1)/time.Second))
			}
		}
	}
	if res.estimate > 0 {
		return res, nil
	}
	if len(res.finalizers) > 0 {
		res.estimate = finalizerEstimateSeconds
		return res, nil
	}
	return res, fmt.Errorf("unexpected items still remain in namespace: %s for gvr: %s, Resource=%s", ns, k.APIVersion(), k.Resource)
}
