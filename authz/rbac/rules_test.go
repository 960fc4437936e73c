package rbac_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	rbacv1 "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
)

func TestRulesAllow(t *testing.T) {
	u := who("jane")
	getPods := req(u, "get", "", "pods", "", "ns", "web")
	cases := []struct {
		name  string
		rule  *ruleB
		attrs authz.Attributes
		want  bool
	}{
		{"exact", rule("get").groups("").res("pods"), getPods, true},
		{"other verb", rule("list").groups("").res("pods"), getPods, false},
		{"verb *", rule("*").groups("").res("pods"), getPods, true},
		{"verb list among others", rule("get", "list").groups("").res("pods"), req(u, "list", "", "pods", "", "ns", ""), true},
		{"other group", rule("get").groups("apps").res("pods"), getPods, false},
		{"group *", rule("get").groups("*").res("pods"), getPods, true},
		{"no groups matches nothing", rule("get").res("pods"), getPods, false},
		{"group is exact, not a prefix", rule("get").groups("apps").res("deployments"), req(u, "get", "apps.example.com", "deployments", "", "ns", "d"), false},
		{"other resource", rule("get").groups("").res("secrets"), getPods, false},
		{"resource *", rule("get").groups("").res("*"), getPods, true},
		{"resource * covers subresources", rule("get").groups("").res("*"), req(u, "get", "", "pods", "log", "ns", "web"), true},
		{"resource does not cover its subresources", rule("get").groups("").res("pods"), req(u, "get", "", "pods", "log", "ns", "web"), false},
		{"subresource exact", rule("get").groups("").res("pods/log"), req(u, "get", "", "pods", "log", "ns", "web"), true},
		{"subresource does not cover the resource", rule("get").groups("").res("pods/log"), getPods, false},
		{"subresource of another resource", rule("get").groups("").res("nodes/log"), req(u, "get", "", "pods", "log", "ns", "web"), false},
		{"pods/* is not a wildcard", rule("get").groups("").res("pods/*"), req(u, "get", "", "pods", "log", "ns", "web"), false},
		{"*/scale covers any scale", rule("update").groups("apps").res("*/scale"), req(u, "update", "apps", "deployments", "scale", "ns", "d"), true},
		{"*/scale not another subresource", rule("update").groups("apps").res("*/scale"), req(u, "update", "apps", "deployments", "status", "ns", "d"), false},
		{"*/scale not the resource", rule("update").groups("apps").res("*/scale"), req(u, "update", "apps", "deployments", "", "ns", "d"), false},
		{"*/* is not a wildcard", rule("get").groups("").res("*/*"), req(u, "get", "", "pods", "log", "ns", "web"), false},
		{"resourceNames match", rule("get").groups("").res("pods").names("web", "db"), getPods, true},
		{"resourceNames other", rule("get").groups("").res("pods").names("db"), getPods, false},
		{"resourceNames never match a list", rule("list").groups("").res("pods").names("web"), req(u, "list", "", "pods", "", "ns", ""), false},
		{"resource rule never matches a URL", rule("get").groups("*").res("*"), nonResource(u, "get", "/healthz"), false},
		{"URL exact", rule("get").urls("/healthz"), nonResource(u, "get", "/healthz"), true},
		{"URL other verb", rule("get").urls("/healthz"), nonResource(u, "post", "/healthz"), false},
		{"URL is exact without *", rule("get").urls("/healthz"), nonResource(u, "get", "/healthz/etcd"), false},
		{"URL prefix *", rule("get").urls("/healthz/*"), nonResource(u, "get", "/healthz/etcd"), true},
		{"URL prefix * covers the bare prefix", rule("get").urls("/apis/*"), nonResource(u, "get", "/apis/"), true},
		{"URL prefix * not the parent", rule("get").urls("/apis/*"), nonResource(u, "get", "/apis"), false},
		{"URL prefix * without slash", rule("get").urls("/api*"), nonResource(u, "get", "/apis"), true},
		{"URL *", rule("*").urls("*"), nonResource(u, "delete", "/anything/at/all"), true},
		{"URL rule never matches a resource", rule("*").urls("*"), getPods, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := rbac.RulesAllow(tc.attrs, tc.rule.obj()); got != tc.want {
				t.Errorf("RulesAllow(%+v) = %v, want %v", tc.rule.obj(), got, tc.want)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	cases := []struct {
		name        string
		owner       []rbacv1.PolicyRule
		servant     []rbacv1.PolicyRule
		wantCovered bool
		wantMissing []rbacv1.PolicyRule
	}{
		{
			name:        "everything covers everything",
			owner:       rules(rule("*").groups("*").res("*"), rule("*").urls("*")),
			servant:     rules(rule("get", "delete").groups("", "apps").res("pods", "deployments/scale").names("x"), rule("get").urls("/metrics")),
			wantCovered: true,
		},
		{
			name:        "verbs broken down",
			owner:       rules(rule("get", "list").groups("").res("pods")),
			servant:     rules(rule("get", "list", "delete").groups("").res("pods")),
			wantMissing: rules(rule("delete").groups("").res("pods")),
		},
		{
			name:        "several owner rules together",
			owner:       rules(rule("get").groups("").res("pods"), rule("list").groups("").res("pods")),
			servant:     rules(rule("get", "list").groups("").res("pods")),
			wantCovered: true,
		},
		{
			name:        "*/scale covers a scale subresource",
			owner:       rules(rule("update").groups("apps").res("*/scale")),
			servant:     rules(rule("update").groups("apps").res("deployments/scale", "deployments")),
			wantMissing: rules(rule("update").groups("apps").res("deployments")),
		},
		{
			name:        "named owner does not cover all names",
			owner:       rules(rule("get").groups("").res("secrets").names("a")),
			servant:     rules(rule("get").groups("").res("secrets")),
			wantMissing: rules(rule("get").groups("").res("secrets")),
		},
		{
			name:        "named owner covers its names",
			owner:       rules(rule("get").groups("").res("secrets").names("a", "b")),
			servant:     rules(rule("get").groups("").res("secrets").names("b", "c")),
			wantMissing: rules(rule("get").groups("").res("secrets").names("c")),
		},
		{
			name:        "URL prefixes",
			owner:       rules(rule("get").urls("/healthz/*")),
			servant:     rules(rule("get").urls("/healthz/etcd", "/metrics")),
			wantMissing: rules(rule("get").urls("/metrics")),
		},
		{
			name:        "resource rules do not cover URLs",
			owner:       rules(rule("*").groups("*").res("*")),
			servant:     rules(rule("get").urls("/healthz")),
			wantMissing: rules(rule("get").urls("/healthz")),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			covered, missing := rbac.Covers(tc.owner, tc.servant)
			if covered != tc.wantCovered {
				t.Errorf("covered = %v, want %v", covered, tc.wantCovered)
			}
			if diff := cmp.Diff(tc.wantMissing, missing); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
		})
	}
}
