// Package namespace is the namespace controller: when a Namespace is deleted, it deletes
// everything in it, and once nothing is left it removes the "kubernetes" finalizer from the
// namespace's spec, so that the API server deletes the namespace itself.
//
// The API server only marks a deleted namespace: it gets a deletionTimestamp and phase
// Terminating, and the NamespaceLifecycle admission plugin refuses new content in it. On every
// pass the controller deletes each namespaced kind of the registry that can be deleted, with one
// deletecollection per kind (or a list and a delete per object for a kind that does not serve
// deletecollection), then lists each kind again. What is still there — pods within their grace
// period, objects waiting for their finalizers — makes it look again later: when the last pod's
// grace period should be over, or after 8 s when only finalizers are pending. What it finds is
// reported, as Kubernetes reports it, in the namespace's status conditions:
//
//	NamespaceContentRemaining     True  SomeResourcesRemain   Some resources are remaining: pods. has 2 resource instances
//	NamespaceFinalizersRemaining  True  SomeFinalizersRemain  Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances
//	NamespaceDeletionContentFailure, NamespaceDeletionDiscoveryFailure,
//	NamespaceDeletionGroupVersionParsingFailure: False unless that went wrong.
//
// Wiring it up:
//
//	nsInf := informer.New(informer.FromResource(client.For[*core.Namespace](c), nil), informer.Options[*core.Namespace]{})
//	ctl, err := namespace.New(c, c.Registry(), nsInf, namespace.Options{Recorder: rec})
//	if err != nil {
//		return err
//	}
//	go nsInf.Run(ctx)
//	return ctl.Run(ctx)
//
// The controller never touches a namespace that is not being deleted, and reads nothing but
// namespaces from informers: content is listed from the API server, so that the namespace is
// finalized only when the server itself says it is empty.
package namespace
