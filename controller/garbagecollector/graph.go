package garbagecollector

import (
	"slices"

	"github.com/skiff-io/skiff/api/meta"
)

// node is one object in the ownership graph, or, when virtual, an owner named by some
// ownerReference that the collector has not seen (yet, or at all).
type node struct {
	ref        ref
	owners     []meta.OwnerReference
	dependents map[meta.UID]*node
	virtual    bool
	// beingDeleted: the object has a deletionTimestamp. deletingDependents: and the
	// foregroundDeletion finalizer, so it waits for the dependents that block it.
	beingDeleted       bool
	deletingDependents bool
	orphaning          bool
}

// ref identifies an object: what an ownerReference says, plus the namespace.
type ref struct {
	APIVersion, Kind, Namespace, Name string
	UID                               meta.UID
}

func (r ref) String() string {
	if r.Namespace == "" {
		return r.Kind + " " + r.Name + " (" + string(r.UID) + ")"
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name + " (" + string(r.UID) + ")"
}

// graph is the ownership graph. It is not safe for concurrent use: the collector guards it.
type graph struct {
	nodes map[meta.UID]*node
}

func newGraph() *graph { return &graph{nodes: map[meta.UID]*node{}} }

// changes says what the collector must look at after the graph took in an event.
type changes struct {
	attemptToDelete []meta.UID
	attemptToOrphan []meta.UID
}

func hasFinalizer(m *meta.ObjectMeta, f string) bool { return slices.Contains(m.Finalizers, f) }

// upsert records the current state of an object.
func (g *graph) upsert(obj meta.Object, namespacedKind func(apiVersion, kind string) (namespaced, known bool)) changes {
	var ch changes
	m := obj.GetObjectMeta()
	tm := obj.GetTypeMeta()
	n, existed := g.nodes[m.UID]
	if !existed {
		n = &node{dependents: map[meta.UID]*node{}}
		g.nodes[m.UID] = n
	}
	wasVirtual := n.virtual
	n.virtual = false
	n.ref = ref{APIVersion: tm.APIVersion, Kind: tm.Kind, Namespace: m.Namespace, Name: m.Name, UID: m.UID}
	oldOwners := n.owners
	n.owners = slices.Clone(m.OwnerReferences)

	// Edges: owners added get this node as a dependent, owners removed lose it.
	for _, o := range n.owners {
		if slices.ContainsFunc(oldOwners, func(x meta.OwnerReference) bool { return x.UID == o.UID }) && existed {
			continue
		}
		owner, ok := g.nodes[o.UID]
		if !ok {
			ns := m.Namespace
			if namespaced, known := namespacedKind(o.APIVersion, o.Kind); known && !namespaced {
				ns = ""
			}
			owner = &node{virtual: true, dependents: map[meta.UID]*node{},
				ref: ref{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: ns, Name: o.Name, UID: o.UID}}
			g.nodes[o.UID] = owner
			// Is the owner real? The collector asks the server.
			ch.attemptToDelete = append(ch.attemptToDelete, o.UID)
		}
		owner.dependents[m.UID] = n
		if owner.virtual || owner.beingDeleted {
			ch.attemptToDelete = append(ch.attemptToDelete, m.UID)
		}
	}
	for _, o := range oldOwners {
		still := slices.IndexFunc(n.owners, func(x meta.OwnerReference) bool { return x.UID == o.UID })
		owner, ok := g.nodes[o.UID]
		if !ok {
			continue
		}
		if still < 0 {
			delete(owner.dependents, m.UID)
		}
		// A foreground owner waits for blocking dependents: one that stops blocking may let it go.
		blockedBefore := o.BlockOwnerDeletion != nil && *o.BlockOwnerDeletion
		blockedNow := still >= 0 && n.owners[still].BlockOwnerDeletion != nil && *n.owners[still].BlockOwnerDeletion
		if owner.deletingDependents && blockedBefore && !blockedNow {
			ch.attemptToDelete = append(ch.attemptToDelete, o.UID)
		}
	}

	n.beingDeleted = m.DeletionTimestamp != nil
	n.orphaning = n.beingDeleted && hasFinalizer(m, meta.FinalizerOrphanDependents)
	foreground := n.beingDeleted && hasFinalizer(m, meta.FinalizerDeleteDependents)
	if n.orphaning {
		ch.attemptToOrphan = append(ch.attemptToOrphan, m.UID)
	}
	if foreground {
		n.deletingDependents = true
		ch.attemptToDelete = append(ch.attemptToDelete, m.UID)
		for uid := range n.dependents {
			ch.attemptToDelete = append(ch.attemptToDelete, uid)
		}
	} else {
		n.deletingDependents = false
	}
	if wasVirtual && len(n.dependents) > 0 {
		// The owner turned out real: its dependents may have been waiting on its verification.
		for uid := range n.dependents {
			ch.attemptToDelete = append(ch.attemptToDelete, uid)
		}
	}
	return ch
}

// remove forgets a deleted object. Its dependents have lost an owner; its owners may be waiting
// for it.
func (g *graph) remove(uid meta.UID) changes {
	var ch changes
	n, ok := g.nodes[uid]
	if !ok {
		return ch
	}
	for duid := range n.dependents {
		ch.attemptToDelete = append(ch.attemptToDelete, duid)
	}
	if len(n.dependents) > 0 {
		// Keep the node, virtual, while dependents name it, so that their attempt to delete finds
		// it gone at the server.
		n.virtual = true
		n.beingDeleted, n.deletingDependents, n.orphaning = false, false, false
	} else {
		delete(g.nodes, uid)
	}
	for _, o := range n.owners {
		if owner, ok := g.nodes[o.UID]; ok {
			delete(owner.dependents, uid)
			if owner.deletingDependents {
				ch.attemptToDelete = append(ch.attemptToDelete, o.UID)
			}
			if owner.virtual && len(owner.dependents) == 0 {
				delete(g.nodes, o.UID)
			}
		}
	}
	n.owners = nil
	return ch
}

// dropVirtual removes a virtual node whose object the server says does not exist, and returns its
// dependents, which have lost that owner.
func (g *graph) dropVirtual(uid meta.UID) []meta.UID {
	n, ok := g.nodes[uid]
	if !ok || !n.virtual {
		return nil
	}
	var deps []meta.UID
	for duid := range n.dependents {
		deps = append(deps, duid)
	}
	delete(g.nodes, uid)
	return deps
}
