// Package namespacelifecycle is Kubernetes' NamespaceLifecycle admission plugin: nothing is created
// in a namespace that does not exist or is being terminated, nothing is updated in a namespace that
// does not exist, and the namespaces the cluster cannot live without (default, kube-system,
// kube-public) cannot be deleted. Cluster-scoped objects, deletes of namespaced objects and local
// subject access reviews (whose answers must not reveal whether a namespace exists) always pass.
//
// It reads namespaces straight from the store, which is authoritative, so it needs neither the
// informer cache nor the wait-and-look-again Kubernetes uses to cover for a stale cache.
//
//	plugin := namespacelifecycle.New(st, namespacelifecycle.Options{})
//	chain := admission.Chain{plugin, ...}
//	err := chain.Admit(ctx, &admission.Attributes{
//		Operation: admission.Create, Resource: "pods", Kind: "Pod",
//		Namespace: "gone", Name: "web", Object: pod,
//	})
//	// err: namespaces "gone" not found (404)
package namespacelifecycle
