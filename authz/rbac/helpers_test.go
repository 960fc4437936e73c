package rbac_test

import (
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/meta"
	rbacv1 "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
)

// rule builds a resource rule: rule(verbs...).on(groups...).res(resources...).
type ruleB struct{ r rbacv1.PolicyRule }

func rule(verbs ...string) *ruleB { return &ruleB{r: rbacv1.PolicyRule{Verbs: verbs}} }

func (b *ruleB) groups(g ...string) *ruleB   { b.r.APIGroups = g; return b }
func (b *ruleB) res(r ...string) *ruleB      { b.r.Resources = r; return b }
func (b *ruleB) names(n ...string) *ruleB    { b.r.ResourceNames = n; return b }
func (b *ruleB) urls(u ...string) *ruleB     { b.r.NonResourceURLs = u; return b }
func (b *ruleB) obj() rbacv1.PolicyRule      { return b.r }
func rules(bs ...*ruleB) []rbacv1.PolicyRule { return collect(bs) }

func collect(bs []*ruleB) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, len(bs))
	for i, b := range bs {
		out[i] = b.r
	}
	return out
}

func role(ns, name string, bs ...*ruleB) *rbacv1.Role {
	return &rbacv1.Role{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name}, Rules: collect(bs)}
}

func clusterRole(name string, labels map[string]string, bs ...*ruleB) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels}, Rules: collect(bs)}
}

func aggregated(name string, labels map[string]string, selectLabels ...map[string]string) *rbacv1.ClusterRole {
	r := clusterRole(name, labels)
	r.AggregationRule = &rbacv1.AggregationRule{}
	for _, l := range selectLabels {
		r.AggregationRule.ClusterRoleSelectors = append(r.AggregationRule.ClusterRoleSelectors, meta.LabelSelector{MatchLabels: l})
	}
	return r
}

func userS(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
}

func groupS(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: name}
}

func saS(ns, name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}
}

func roleRef(kind, name string) rbacv1.RoleRef {
	return rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: name}
}

func roleBinding(ns, name string, ref rbacv1.RoleRef, subjects ...rbacv1.Subject) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name}, RoleRef: ref, Subjects: subjects}
}

func clusterRoleBinding(name, clusterRoleName string, subjects ...rbacv1.Subject) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{ObjectMeta: meta.ObjectMeta{Name: name}, RoleRef: roleRef("ClusterRole", clusterRoleName), Subjects: subjects}
}

func who(name string, groups ...string) authn.User { return authn.User{Name: name, Groups: groups} }

// req is a resource request: verb on group/resource[/subresource] named name in ns.
func req(u authn.User, verb, group, resource, subresource, ns, name string) authz.Attributes {
	return authz.Attributes{User: u, Verb: verb, ResourceRequest: true, APIGroup: group, APIVersion: "v1",
		Resource: resource, Subresource: subresource, Namespace: ns, Name: name}
}

func nonResource(u authn.User, verb, path string) authz.Attributes {
	return authz.Attributes{User: u, Verb: verb, Path: path}
}

// waitFor waits until cond holds, woken by each change of a's index; it fails the test after ten
// seconds.
func waitFor(t *testing.T, a *rbac.Authorizer, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		changed := a.Changed()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
