// Package labels matches objects by their labels, the way Kubernetes label selectors do.
//
// A Selector is a conjunction of Requirements such as "tier in (web,api)", "env!=prod" or
// "!canary". Selectors come from Parse, which accepts the same text as the labelSelector
// query parameter of the Kubernetes API (and kubectl's -l flag), from SelectorFromSet for the
// common "every one of these labels" case, or are built up with NewRequirement and Add.
// Selector.String gives a canonical, sorted form that Parse reads back to an equal selector,
// so it is safe to store, compare and send on the wire.
//
// Matching takes the small Labels interface rather than a map, so callers holding labels in
// another shape need not copy them, and it does not allocate.
//
//	sel, err := labels.Parse("app=web, tier in (frontend,edge), !canary")
//	if err != nil {
//		return err // e.g. unable to parse requirement: invalid label key "a/b/c": ...
//	}
//	pod := labels.Set{"app": "web", "tier": "edge"}
//	if sel.Matches(pod) {
//		fmt.Println("selected by", sel) // selected by app=web,!canary,tier in (edge,frontend)
//	}
//	req, _ := labels.NewRequirement("version", labels.GreaterThan, []string{"3"})
//	sel = sel.Add(*req)
//
// Converting a metav1-style LabelSelector (matchLabels and matchExpressions) into a Selector
// lives in package meta, which builds on this one.
package labels
