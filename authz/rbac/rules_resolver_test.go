package rbac_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	rbacv1 "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
)

func TestResolveRules(t *testing.T) {
	a := rbac.NewStatic(rbac.Policy{
		Roles: []*rbacv1.Role{role("dev", "cm-editor", rule("update", "patch").groups("").res("configmaps").names("settings"))},
		ClusterRoles: []*rbacv1.ClusterRole{
			clusterRole("reader", nil, rule("get", "list").groups("", "apps").res("pods", "deployments")),
			clusterRole("metrics", nil, rule("get").urls("/metrics", "/debug/*")),
		},
		RoleBindings: []*rbacv1.RoleBinding{
			roleBinding("dev", "cm-editors", roleRef("Role", "cm-editor"), groupS("dev-team")),
			roleBinding("dev", "gone", roleRef("ClusterRole", "gone"), userS("jane")),
			roleBinding("prod", "readers", roleRef("ClusterRole", "reader"), userS("jane")),
		},
		ClusterRoleBindings: []*rbacv1.ClusterRoleBinding{clusterRoleBinding("metrics", "metrics", userS("jane"))},
	})
	tests := []struct {
		name            string
		user            authn.User
		namespace       string
		wantResource    []authz.ResourceRule
		wantNonResource []authz.NonResourceRule
		wantErr         error
	}{
		{"cluster-wide rules and the namespace's, a missing role reported", who("jane", "dev-team"), "dev",
			[]authz.ResourceRule{{Verbs: []string{"update", "patch"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"settings"}}},
			[]authz.NonResourceRule{{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics", "/debug/*"}}},
			rbac.ErrRoleNotFound},
		{"another namespace's bindings", who("jane"), "prod",
			[]authz.ResourceRule{{Verbs: []string{"get", "list"}, APIGroups: []string{"", "apps"}, Resources: []string{"pods", "deployments"}}},
			[]authz.NonResourceRule{{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics", "/debug/*"}}},
			nil},
		{"a user bound to nothing", who("bob"), "dev", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, n, incomplete, err := a.ResolveRules(context.Background(), tt.user, tt.namespace)
			if diff := cmp.Diff(tt.wantResource, r); diff != "" {
				t.Errorf("resource rules (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNonResource, n); diff != "" {
				t.Errorf("non-resource rules (-want +got):\n%s", diff)
			}
			// RBAC lists all it allows: a missing role only ever takes permissions away.
			if incomplete {
				t.Error("incomplete")
			}
			if (tt.wantErr == nil) != (err == nil) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
		})
	}

	// The rules are the caller's: changing them leaves the policy alone.
	r, _, _, _ := a.ResolveRules(context.Background(), who("jane"), "prod")
	r[0].Verbs[0] = "delete"
	if d, _, _ := a.Authorize(context.Background(), req(who("jane"), "get", "", "pods", "", "prod", "p")); d != authz.Allow {
		t.Errorf("after changing a returned rule, get pods is %v", d)
	}
}

func TestResolveRulesBeforeSync(t *testing.T) {
	a := rbac.New(nil, rbac.Options{})
	r, n, incomplete, err := a.ResolveRules(context.Background(), who("jane"), "dev")
	if r != nil || n != nil || !incomplete || !errors.Is(err, rbac.ErrNotSynced) {
		t.Errorf("before sync: %v %v incomplete %v err %v", r, n, incomplete, err)
	}
}
