// Package admission lets plugins change (mutate) and then accept or reject (validate) objects
// before they are stored. A Chain runs every mutating plugin, then the caller validates the object,
// then the chain runs every validating plugin, as kube-apiserver does.
//
//	chain := admission.Chain{namespaceLifecycle, limitRanger, resourceQuota}
//	if err := chain.Admit(ctx, attrs); err != nil { ... }    // mutating plugins
//	// ... built-in validation ...
//	if err := chain.Validate(ctx, attrs); err != nil { ... } // validating plugins
package admission
