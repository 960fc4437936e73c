package rbac_test

import (
	"context"
	"fmt"

	"github.com/skiff-io/skiff/api/meta"
	rbacv1 "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
)

func ExampleNewStatic() {
	roles, bindings := rbac.BootstrapPolicy()
	a := rbac.NewStatic(rbac.Policy{
		ClusterRoles:        roles,
		ClusterRoleBindings: bindings,
		RoleBindings: []*rbacv1.RoleBinding{{
			ObjectMeta: meta.ObjectMeta{Namespace: "default", Name: "dev"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "edit"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "jane"}},
		}},
	})
	jane := authn.User{Name: "jane", Groups: []string{authn.AllAuthenticated}}
	for _, verb := range []string{"create", "escalate"} {
		d, reason, _ := a.Authorize(context.Background(), authz.Attributes{User: jane, Verb: verb, ResourceRequest: true,
			APIGroup: "apps", Resource: "deployments", Namespace: "default"})
		fmt.Printf("%s: %v; %q\n", verb, d, reason)
	}
	// Output:
	// create: allow; "RBAC: allowed by RoleBinding \"dev/default\" of ClusterRole \"edit\" to User \"jane\""
	// escalate: no opinion; ""
}
