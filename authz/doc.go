// Package authz answers "may this user do this": an Authorizer looks at request Attributes and
// allows, denies or has no opinion, with a reason; Union asks several in order and stops at the
// first that allows or denies, as kube-apiserver's --authorization-mode does.
//
//	a := authz.Union(nodeAuthorizer, rbacAuthorizer)
//	d, reason, err := a.Authorize(ctx, authz.Attributes{User: u, Verb: "list", Resource: "pods", Namespace: "default"})
//	if d != authz.Allow {
//		// 403 Forbidden, with reason
//	}
package authz
