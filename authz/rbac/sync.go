package rbac

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/store"
)

// The kinds the Authorizer follows, by store resource.
const (
	kindRoles = iota
	kindClusterRoles
	kindRoleBindings
	kindClusterRoleBindings
	numKinds
)

var kindResources = [numKinds]string{"roles", "clusterroles", "rolebindings", "clusterrolebindings"}

// Run follows the policy in the source, one list-then-watch per kind, until ctx is done; then it
// returns nil. A watch resumes from the last revision it saw; a watch that fails, or falls behind
// the store's history (ErrTooOldResourceVersion), is replaced by a fresh list. Failed lists are
// retried after Options.RetryInterval. On a static Authorizer, Run just waits for ctx.
func (a *Authorizer) Run(ctx context.Context) error {
	if !a.running.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	if a.src == nil {
		<-ctx.Done()
		return nil
	}
	var wg sync.WaitGroup
	for kind := range numKinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.follow(ctx, kind)
		}()
	}
	wg.Wait()
	return nil
}

// follow keeps one kind of the index in step with the source until ctx is done.
func (a *Authorizer) follow(ctx context.Context, kind int) {
	prefix := store.Prefix(kindResources[kind], "")
	log := a.log.WithValues("resource", kindResources[kind])
	var rev int64
	relist := true
	for ctx.Err() == nil {
		if relist {
			res, err := a.src.List(ctx, prefix, store.ListOptions{})
			if err != nil {
				if ctx.Err() == nil {
					log.Error(err, "Listing RBAC policy failed; will retry", "after", a.retry)
					a.pause(ctx)
				}
				continue
			}
			a.replace(kind, res.Items)
			rev, relist = res.Revision, false
		}
		w, err := a.src.Watch(ctx, prefix, store.WatchOptions{ResourceVersion: rev, AllowBookmarks: true})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			relist = true
			if !errors.Is(err, store.ErrTooOldResourceVersion) {
				log.Error(err, "Watching RBAC policy failed; will list again", "after", a.retry)
				a.pause(ctx)
			}
			continue
		}
		var seen bool
		rev, relist, seen = a.consume(ctx, w, kind, rev)
		w.Stop()
		if !relist && !seen && ctx.Err() == nil {
			// A watch that ends at once and empty-handed would otherwise be restarted in a hot loop.
			a.pause(ctx)
		}
	}
}

// consume applies the events of w until it ends. It returns the last revision seen, whether the
// kind must be listed again (the watch reported an error), and whether any event arrived.
func (a *Authorizer) consume(ctx context.Context, w store.Watch, kind int, rev int64) (int64, bool, bool) {
	seen := false
	for {
		select {
		case <-ctx.Done():
			return rev, false, seen
		case ev, ok := <-w.ResultChan():
			if !ok {
				return rev, false, seen
			}
			seen = true
			switch ev.Type {
			case store.Added, store.Modified, store.Deleted:
				if ev.Object != nil {
					a.apply(kind, ev.Object, ev.Type == store.Deleted)
				}
			case store.Error:
				if !errors.Is(ev.Err, store.ErrTooOldResourceVersion) {
					a.log.Error(ev.Err, "RBAC policy watch failed; listing again", "resource", kindResources[kind])
				}
				return rev, true, seen
			}
			if ev.Revision > rev {
				rev = ev.Revision
			}
		}
	}
}

// pause waits for the retry interval on the injected clock, or until ctx is done.
func (a *Authorizer) pause(ctx context.Context) {
	t := a.clock.NewTimer(a.retry)
	defer t.Stop()
	select {
	case <-t.C():
	case <-ctx.Done():
	}
}

// replace makes the index's objects of kind exactly items, as a fresh list says they are.
func (a *Authorizer) replace(kind int, items []meta.Object) {
	a.mu.Lock()
	defer a.mu.Unlock()
	keep := make(map[key]bool, len(items))
	for _, obj := range items {
		m := obj.GetObjectMeta()
		keep[key{m.Namespace, m.Name}] = true
		a.applyLocked(kind, obj, false)
	}
	switch kind {
	case kindRoles:
		for k := range a.ix.roles {
			if !keep[k] {
				a.ix.deleteRole(k.namespace, k.name)
			}
		}
	case kindClusterRoles:
		for name := range a.ix.clusterRoles {
			if !keep[key{"", name}] {
				a.ix.deleteClusterRole(name)
			}
		}
	case kindRoleBindings, kindClusterRoleBindings:
		bk := bindingKind(kind)
		for k := range a.ix.bindings[bk] {
			if !keep[k] {
				a.ix.deleteBinding(bk, k.namespace, k.name)
			}
		}
	}
	a.ix.aggregate()
	a.listed[kind] = true
	if a.listed == [numKinds]bool{true, true, true, true} {
		a.markSynced()
	}
	a.notifyLocked()
}

func (a *Authorizer) apply(kind int, obj meta.Object, deleted bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.applyLocked(kind, obj, deleted)
	a.ix.aggregate()
	a.notifyLocked()
}

func bindingKind(kind int) int {
	if kind == kindClusterRoleBindings {
		return clusterRoleBindings
	}
	return roleBindings
}

// applyLocked adds, replaces or (deleted) removes one object. An object still waiting for its
// initializers counts as absent, as Kubernetes' informers never saw uninitialized objects.
func (a *Authorizer) applyLocked(kind int, obj meta.Object, deleted bool) {
	m := obj.GetObjectMeta()
	deleted = deleted || !m.Initialized()
	switch o := obj.(type) {
	case *rbac.Role:
		if kind == kindRoles {
			if deleted {
				a.ix.deleteRole(m.Namespace, m.Name)
			} else {
				a.ix.setRole(o)
			}
			return
		}
	case *rbac.ClusterRole:
		if kind == kindClusterRoles {
			if deleted {
				a.ix.deleteClusterRole(m.Name)
			} else if err := a.ix.setClusterRole(o); err != nil {
				a.log.Error(err, "Invalid aggregation selector selects nothing", "clusterrole", m.Name)
			}
			return
		}
	case *rbac.RoleBinding:
		if kind == kindRoleBindings {
			if deleted {
				a.ix.deleteBinding(roleBindings, m.Namespace, m.Name)
			} else {
				a.ix.setBinding(roleBindings, newBinding(o.Namespace, o.Name, o.RoleRef, o.Subjects))
			}
			return
		}
	case *rbac.ClusterRoleBinding:
		if kind == kindClusterRoleBindings {
			if deleted {
				a.ix.deleteBinding(clusterRoleBindings, "", m.Name)
			} else {
				a.ix.setBinding(clusterRoleBindings, newBinding("", o.Name, o.RoleRef, o.Subjects))
			}
			return
		}
	}
	a.log.Info("Ignoring an object of the wrong type in the RBAC policy", "resource", kindResources[kind], "namespace", m.Namespace, "name", m.Name, "type", fmt.Sprintf("%T", obj))
}
