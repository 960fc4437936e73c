package rbac_test

import (
	"context"
	"fmt"
	"testing"

	rbacv1 "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
)

const (
	benchNamespaces = 100
	benchUsers      = 10_000
	benchTeams      = 100
)

// benchPolicy is the bootstrap policy, 100 team ClusterRoles bound by 100 ClusterRoleBindings to
// groups, and n Roles with n RoleBindings spread over 100 namespaces, binding j granting role j to
// user-(j mod 10,000) and to a service account.
func benchPolicy(n int) rbac.Policy {
	crs, crbs := rbac.BootstrapPolicy()
	p := rbac.Policy{ClusterRoles: crs, ClusterRoleBindings: crbs}
	for k := range benchTeams {
		name := fmt.Sprintf("team-%d", k)
		p.ClusterRoles = append(p.ClusterRoles, clusterRole(name, nil, rule("get", "list").groups("").res("configmaps").names(name)))
		p.ClusterRoleBindings = append(p.ClusterRoleBindings, clusterRoleBinding(name, name, groupS(name)))
	}
	for j := range n {
		ns := fmt.Sprintf("ns-%d", j%benchNamespaces)
		name := fmt.Sprintf("role-%d", j)
		p.Roles = append(p.Roles, role(ns, name,
			rule("get", "list", "watch").groups("").res("pods", "pods/log"),
			rule("create", "update", "patch").groups("apps").res("deployments", "deployments/scale"),
			rule("get").groups("").res("configmaps").names("settings")))
		p.RoleBindings = append(p.RoleBindings, roleBinding(ns, name, roleRef("Role", name),
			userS(fmt.Sprintf("user-%d", j%benchUsers)), saS("", fmt.Sprintf("sa-%d", j))))
	}
	return p
}

// BenchmarkAuthorize measures one decision for a user in system:authenticated and a team group,
// bound in one namespace: "allowed" reads pods there (after trying its four ClusterRoleBindings),
// "no-opinion" deletes secrets (trying every binding that applies to it). The cost depends on the
// bindings that name the user, not on how many bindings there are.
func BenchmarkAuthorize(b *testing.B) {
	for _, n := range []int{100, 1_000, 10_000} {
		a := rbac.NewStatic(benchPolicy(n))
		j := n / 2
		u := who(fmt.Sprintf("user-%d", j%benchUsers), "system:authenticated", fmt.Sprintf("team-%d", j%benchTeams))
		ns := fmt.Sprintf("ns-%d", j%benchNamespaces)
		cases := []struct {
			name  string
			attrs authz.Attributes
			want  authz.Decision
		}{
			{"allowed", req(u, "get", "", "pods", "", ns, "web"), authz.Allow},
			{"no-opinion", req(u, "delete", "", "secrets", "", ns, "token"), authz.NoOpinion},
		}
		for _, tc := range cases {
			b.Run(fmt.Sprintf("bindings=%d/%s", n, tc.name), func(b *testing.B) {
				ctx := context.Background()
				if d, reason, _ := a.Authorize(ctx, tc.attrs); d != tc.want {
					b.Fatalf("%v (%q), want %v", d, reason, tc.want)
				}
				b.ReportAllocs()
				for b.Loop() {
					a.Authorize(ctx, tc.attrs)
				}
			})
		}
		b.Run(fmt.Sprintf("bindings=%d/allowed-parallel", n), func(b *testing.B) {
			attrs := cases[0].attrs
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					a.Authorize(context.Background(), attrs)
				}
			})
		})
	}
}

// BenchmarkConfirmNoEscalation measures the check a namespace admin's RoleBinding to edit costs.
func BenchmarkConfirmNoEscalation(b *testing.B) {
	p := benchPolicy(1_000)
	p.RoleBindings = append(p.RoleBindings, roleBinding("ns-1", "admin", roleRef("ClusterRole", "admin"), userS("jane")))
	a := rbac.NewStatic(p)
	edit, err := a.RoleRefRules(roleRef("ClusterRole", "edit"), "ns-1")
	if err != nil {
		b.Fatal(err)
	}
	edit = append([]rbacv1.PolicyRule(nil), edit...)
	ctx := context.Background()
	jane := who("jane", "system:authenticated")
	b.ReportAllocs()
	for b.Loop() {
		if err := a.ConfirmNoEscalation(ctx, jane, "ns-1", edit); err != nil {
			b.Fatal(err)
		}
	}
}
