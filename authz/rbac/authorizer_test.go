package rbac_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	rbacv1 "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
)

type decision struct {
	Decision authz.Decision
	Reason   string
}

func TestAuthorize(t *testing.T) {
	policy := rbac.Policy{
		Roles: []*rbacv1.Role{
			role("ns1", "deployer", rule("create", "update").groups("apps").res("deployments", "deployments/scale")),
		},
		ClusterRoles: []*rbacv1.ClusterRole{
			clusterRole("pod-reader", nil, rule("get", "list", "watch").groups("").res("pods")),
			clusterRole("configmap-reader", nil, rule("get").groups("").res("configmaps")),
			clusterRole("configmap-writer", nil, rule("create").groups("").res("configmaps")),
			clusterRole("node-reader", nil, rule("get").groups("").res("nodes")),
			clusterRole("lease-reader", nil, rule("get").groups("coordination.k8s.io").res("leases")),
			clusterRole("metrics-reader", nil, rule("get").urls("/metrics")),
			clusterRole("secret-deleter", nil, rule("delete").groups("").res("secrets")),
		},
		RoleBindings: []*rbacv1.RoleBinding{
			roleBinding("ns1", "jane-deployer", roleRef("Role", "deployer"), userS("jane")),
			roleBinding("ns1", "readers", roleRef("ClusterRole", "pod-reader"), groupS("devs")),
			roleBinding("ns1", "mixed", roleRef("ClusterRole", "configmap-writer"), groupS("devs"), userS("jane")),
			roleBinding("ns1", "missing", roleRef("Role", "ghost"), userS("bob")),
			roleBinding("ns1", "urls", roleRef("ClusterRole", "metrics-reader"), userS("carl")),
			// A service account without a namespace is the binding's own.
			roleBinding("ns2", "sa-reader", roleRef("ClusterRole", "pod-reader"), saS("", "builder")),
			roleBinding("ns2", "all-sas", roleRef("ClusterRole", "configmap-reader"), groupS("system:serviceaccounts:ns2")),
		},
		ClusterRoleBindings: []*rbacv1.ClusterRoleBinding{
			clusterRoleBinding("metrics", "metrics-reader", groupS("monitoring")),
			clusterRoleBinding("sa-wide", "node-reader", saS("kube-system", "ctrl")),
			clusterRoleBinding("every-sa", "lease-reader", groupS("system:serviceaccounts")),
			// A ClusterRoleBinding has no namespace to lend: this subject matches nobody.
			clusterRoleBinding("sa-no-ns", "secret-deleter", saS("", "x")),
			clusterRoleBinding("readers-everywhere", "pod-reader", userS("olga")),
			clusterRoleBinding("b-deleters", "secret-deleter", groupS("g-b")),
			clusterRoleBinding("a-deleters", "secret-deleter", groupS("g-a")),
		},
	}
	a := rbac.NewStatic(policy)
	allow := func(reason string) decision { return decision{authz.Allow, reason} }
	none := decision{authz.NoOpinion, ""}
	jane := who("jane", "devs", "system:authenticated")
	builder := who("system:serviceaccount:ns2:builder", "system:serviceaccounts", "system:serviceaccounts:ns2", "system:authenticated")
	cases := []struct {
		name  string
		attrs authz.Attributes
		want  decision
	}{
		{"role binding to a role", req(jane, "create", "apps", "deployments", "", "ns1", ""),
			allow(`RBAC: allowed by RoleBinding "jane-deployer/ns1" of Role "deployer" to User "jane"`)},
		{"role binding only in its namespace", req(jane, "create", "apps", "deployments", "", "ns2", ""), none},
		{"role binding not cluster-wide", req(jane, "create", "apps", "deployments", "", "", ""), none},
		{"subresource in the role", req(jane, "update", "apps", "deployments", "scale", "ns1", "web"),
			allow(`RBAC: allowed by RoleBinding "jane-deployer/ns1" of Role "deployer" to User "jane"`)},
		{"verb not in the role", req(jane, "delete", "apps", "deployments", "", "ns1", "web"), none},
		{"role binding to a cluster role, by group", req(jane, "list", "", "pods", "", "ns1", ""),
			allow(`RBAC: allowed by RoleBinding "readers/ns1" of ClusterRole "pod-reader" to Group "devs"`)},
		{"cluster role through a role binding stays in the namespace", req(jane, "list", "", "pods", "", "ns2", ""), none},
		{"the first subject that applies is named", req(jane, "create", "", "configmaps", "", "ns1", ""),
			allow(`RBAC: allowed by RoleBinding "mixed/ns1" of ClusterRole "configmap-writer" to Group "devs"`)},
		{"a user is not a group", req(who("devs"), "list", "", "pods", "", "ns1", ""), none},
		{"service account of the binding's namespace", req(builder, "get", "", "pods", "", "ns2", "p"),
			allow(`RBAC: allowed by RoleBinding "sa-reader/ns2" of ClusterRole "pod-reader" to ServiceAccount "builder/ns2"`)},
		{"same name in another namespace", req(who("system:serviceaccount:ns1:builder", "system:serviceaccounts", "system:serviceaccounts:ns1"), "get", "", "pods", "", "ns2", "p"), none},
		{"service accounts of a namespace", req(builder, "get", "", "configmaps", "", "ns2", "c"),
			allow(`RBAC: allowed by RoleBinding "all-sas/ns2" of ClusterRole "configmap-reader" to Group "system:serviceaccounts:ns2"`)},
		{"service account in a cluster role binding", req(who("system:serviceaccount:kube-system:ctrl"), "get", "", "nodes", "", "", "n1"),
			allow(`RBAC: allowed by ClusterRoleBinding "sa-wide" of ClusterRole "node-reader" to ServiceAccount "ctrl/kube-system"`)},
		{"every service account", req(builder, "get", "coordination.k8s.io", "leases", "", "ns7", "l"),
			allow(`RBAC: allowed by ClusterRoleBinding "every-sa" of ClusterRole "lease-reader" to Group "system:serviceaccounts"`)},
		{"service account subject without a namespace in a cluster role binding", req(who("system:serviceaccount:default:x"), "delete", "", "secrets", "", "default", "s"), none},
		{"cluster role binding covers every namespace", req(who("olga"), "watch", "", "pods", "", "ns9", ""),
			allow(`RBAC: allowed by ClusterRoleBinding "readers-everywhere" of ClusterRole "pod-reader" to User "olga"`)},
		{"bindings are tried in name order", req(who("pat", "g-b", "g-a"), "delete", "", "secrets", "", "ns1", "s"),
			allow(`RBAC: allowed by ClusterRoleBinding "a-deleters" of ClusterRole "secret-deleter" to Group "g-a"`)},
		{"non-resource URL through a cluster role binding", nonResource(who("mia", "monitoring"), "get", "/metrics"),
			allow(`RBAC: allowed by ClusterRoleBinding "metrics" of ClusterRole "metrics-reader" to Group "monitoring"`)},
		{"role bindings never grant URLs", nonResource(who("carl"), "get", "/metrics"), none},
		{"missing role is the reason", req(who("bob"), "get", "", "pods", "", "ns1", "p"),
			decision{authz.NoOpinion, `RBAC: role.rbac.authorization.k8s.io "ghost" not found`}},
		{"nobody", req(who("eve", "system:authenticated"), "get", "", "pods", "", "ns1", "p"), none},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, reason, err := a.Authorize(context.Background(), tc.attrs)
			if err != nil {
				t.Fatalf("Authorize: %v", err)
			}
			if diff := cmp.Diff(tc.want, decision{d, reason}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestAggregation(t *testing.T) {
	getPods := rule("get").groups("").res("pods")
	getNodes := rule("get").groups("").res("nodes")
	getLeases := rule("get").groups("coordination.k8s.io").res("leases")
	policy := rbac.Policy{
		ClusterRoles: []*rbacv1.ClusterRole{
			// top gathers middle, which gathers leaf-a and leaf-b; top also selects leaf-b itself.
			aggregated("top", nil, map[string]string{"to": "top"}, map[string]string{"extra": "yes"}),
			aggregated("middle", map[string]string{"to": "top"}, map[string]string{"to": "middle"}),
			clusterRole("leaf-b", map[string]string{"to": "middle", "extra": "yes"}, getNodes, getPods),
			clusterRole("leaf-a", map[string]string{"to": "middle"}, getPods),
			// A role selecting its own label leaves itself out; its own rules are replaced.
			aggregated("selfish", map[string]string{"to": "selfish"}, map[string]string{"to": "selfish"}),
			// A cycle: x gathers y, y gathers x and leaf-c.
			aggregated("x", map[string]string{"to": "y"}, map[string]string{"to": "x"}),
			aggregated("y", map[string]string{"to": "x"}, map[string]string{"to": "y"}),
			clusterRole("leaf-c", map[string]string{"to": "y"}, getLeases),
		},
		ClusterRoleBindings: []*rbacv1.ClusterRoleBinding{
			clusterRoleBinding("top", "top", userS("tom")),
			clusterRoleBinding("x", "x", userS("xena")),
		},
	}
	policy.ClusterRoles[4].Rules = rules(getLeases)
	a := rbac.NewStatic(policy)

	cases := []struct {
		role string
		want []rbacv1.PolicyRule
	}{
		// Selector by selector, matching roles by name, without duplicates.
		{"middle", rules(getPods, getNodes)},
		{"top", rules(getPods, getNodes)},
		{"selfish", nil},
		{"x", rules(getLeases)},
		{"y", rules(getLeases)},
	}
	for _, tc := range cases {
		got, err := a.RoleRefRules(roleRef("ClusterRole", tc.role), "")
		if err != nil {
			t.Fatalf("%s: %v", tc.role, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("rules of %s (-want +got):\n%s", tc.role, diff)
		}
	}

	d, reason, _ := a.Authorize(context.Background(), req(who("tom"), "get", "", "nodes", "", "", "n"))
	if diff := cmp.Diff(decision{authz.Allow, `RBAC: allowed by ClusterRoleBinding "top" of ClusterRole "top" to User "tom"`}, decision{d, reason}); diff != "" {
		t.Errorf("tom gets nodes through top (-want +got):\n%s", diff)
	}
	if d, _, _ := a.Authorize(context.Background(), req(who("xena"), "get", "coordination.k8s.io", "leases", "", "ns", "l")); d != authz.Allow {
		t.Errorf("xena gets leases through the x-y cycle: %v", d)
	}
}

func TestRulesForAndMissingRoles(t *testing.T) {
	a := rbac.NewStatic(rbac.Policy{
		Roles:        []*rbacv1.Role{role("ns", "r", rule("get").groups("").res("pods"))},
		ClusterRoles: []*rbacv1.ClusterRole{clusterRole("c", nil, rule("list").groups("").res("nodes"))},
		RoleBindings: []*rbacv1.RoleBinding{
			roleBinding("ns", "r", roleRef("Role", "r"), userS("u")),
			roleBinding("ns", "gone", roleRef("ClusterRole", "gone"), userS("u")),
		},
		ClusterRoleBindings: []*rbacv1.ClusterRoleBinding{clusterRoleBinding("c", "c", userS("u"))},
	})
	got, err := a.RulesFor(who("u"), "ns")
	if diff := cmp.Diff(rules(rule("list").groups("").res("nodes"), rule("get").groups("").res("pods")), got); diff != "" {
		t.Errorf("RulesFor (-want +got):\n%s", diff)
	}
	if !errors.Is(err, rbac.ErrRoleNotFound) {
		t.Errorf("RulesFor error = %v, want ErrRoleNotFound", err)
	}
	if _, err := a.RoleRefRules(roleRef("ClusterRole", "gone"), "ns"); !errors.Is(err, rbac.ErrRoleNotFound) || err.Error() != `clusterrole.rbac.authorization.k8s.io "gone" not found` {
		t.Errorf("RoleRefRules(gone) = %v", err)
	}
	if _, err := a.RoleRefRules(rbacv1.RoleRef{Kind: "Other", Name: "r"}, "ns"); err == nil || err.Error() != `unsupported role reference kind: "Other"` {
		t.Errorf("RoleRefRules(Other) = %v", err)
	}
	// Cluster-wide, only the ClusterRoleBindings count.
	got, err = a.RulesFor(who("u"), "")
	if err != nil {
		t.Errorf("RulesFor cluster-wide: %v", err)
	}
	if diff := cmp.Diff(rules(rule("list").groups("").res("nodes")), got); diff != "" {
		t.Errorf("RulesFor cluster-wide (-want +got):\n%s", diff)
	}
}
