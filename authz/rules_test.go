package authz_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
)

// lister is an authorizer that lists fixed rules, as RBAC would.
type lister struct {
	resource   []authz.ResourceRule
	incomplete bool
	err        error
}

func (lister) Authorize(context.Context, authz.Attributes) (authz.Decision, string, error) {
	return authz.NoOpinion, "", nil
}

func (l lister) ResolveRules(context.Context, authn.User, string) ([]authz.ResourceRule, []authz.NonResourceRule, bool, error) {
	return l.resource, nil, l.incomplete, l.err
}

func TestResolveRules(t *testing.T) {
	pods := authz.ResourceRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}
	leases := authz.ResourceRule{Verbs: []string{"update"}, APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}}
	errMissing := errors.New("role missing")
	opaque := authz.AuthorizerFunc(func(context.Context, authz.Attributes) (authz.Decision, string, error) { return authz.Allow, "", nil })
	everything := []authz.ResourceRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}}
	everywhere := []authz.NonResourceRule{{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}}
	tests := []struct {
		name            string
		authorizer      authz.Authorizer
		wantResource    []authz.ResourceRule
		wantNonResource []authz.NonResourceRule
		wantIncomplete  bool
		wantErrs        []error
	}{
		{"AlwaysAllow allows everything", authz.AlwaysAllow(), everything, everywhere, false, nil},
		{"AlwaysDeny lists nothing, completely", authz.AlwaysDeny(), nil, nil, false, nil},
		{"an authorizer that cannot list", opaque, nil, nil, true, []error{authz.ErrRulesUnsupported}},
		{"a union concatenates", authz.Union(lister{resource: []authz.ResourceRule{pods}}, lister{resource: []authz.ResourceRule{leases}}),
			[]authz.ResourceRule{pods, leases}, nil, false, nil},
		{"one incomplete member makes the union incomplete", authz.Union(lister{resource: []authz.ResourceRule{pods}}, opaque),
			[]authz.ResourceRule{pods}, nil, true, []error{authz.ErrRulesUnsupported}},
		{"the members' errors are joined, their rules kept", authz.Union(lister{resource: []authz.ResourceRule{pods}, err: errMissing}, opaque, authz.AlwaysAllow()),
			append([]authz.ResourceRule{pods}, everything...), everywhere, true, []error{errMissing, authz.ErrRulesUnsupported}},
		{"a union of unions", authz.Union(authz.Union(lister{resource: []authz.ResourceRule{leases}, incomplete: true})),
			[]authz.ResourceRule{leases}, nil, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, n, incomplete, err := authz.ResolveRules(context.Background(), tt.authorizer, authn.User{Name: "jane"}, "dev")
			if diff := cmp.Diff(tt.wantResource, r); diff != "" {
				t.Errorf("resource rules (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNonResource, n); diff != "" {
				t.Errorf("non-resource rules (-want +got):\n%s", diff)
			}
			if incomplete != tt.wantIncomplete {
				t.Errorf("incomplete %v, want %v", incomplete, tt.wantIncomplete)
			}
			if (err == nil) != (len(tt.wantErrs) == 0) {
				t.Errorf("error %v, want %v", err, tt.wantErrs)
			}
			for _, want := range tt.wantErrs {
				if !errors.Is(err, want) {
					t.Errorf("error %v does not wrap %v", err, want)
				}
			}
		})
	}
}

func TestRuleResolverFunc(t *testing.T) {
	var asked string
	f := authz.RuleResolverFunc(func(_ context.Context, u authn.User, ns string) ([]authz.ResourceRule, []authz.NonResourceRule, bool, error) {
		asked = u.Name + " in " + ns
		return nil, nil, true, nil
	})
	if _, _, incomplete, _ := f.ResolveRules(context.Background(), authn.User{Name: "jane"}, "dev"); !incomplete || asked != "jane in dev" {
		t.Errorf("incomplete %v, asked %q", incomplete, asked)
	}
}
