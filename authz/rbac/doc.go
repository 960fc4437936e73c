// Package rbac is skiff's role-based access control: an authz.Authorizer that grants what the
// Roles, ClusterRoles, RoleBindings and ClusterRoleBindings of the "rbac.authorization.k8s.io"
// group allow, with Kubernetes' matching rules, reasons and escalation checks, and Kubernetes'
// default (bootstrap) roles and bindings.
//
// The authorizer keeps an index of the policy fed by list-then-watch of the store, with bindings
// filed by subject, so a decision touches only the bindings that name the user, one of its groups
// or its service account, never every binding in the cluster. ClusterRoles with an aggregationRule
// get their rules computed in the index, as Kubernetes' aggregation controller would write them.
//
//	a := rbac.NewFromStore(st, logger)
//	go a.Run(ctx) // list, then watch, until ctx is done
//	if err := a.WaitForSync(ctx); err != nil {
//		return err
//	}
//	d, reason, _ := a.Authorize(ctx, authz.Attributes{User: u, Verb: "get", ResourceRequest: true, Resource: "pods", Namespace: "default"})
//	// d == authz.Allow, reason == `RBAC: allowed by RoleBinding "dev/default" of ClusterRole "edit" to User "jane"`
//	chain := admission.Chain{rbac.NewEscalationPlugin(a)} // no granting of permissions one does not hold
//
// RBAC never denies: what no rule allows gets NoOpinion, and the next authorizer (or the default
// deny) decides.
package rbac
