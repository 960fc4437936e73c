package authz_test

import (
	"context"
	"testing"

	"github.com/skiff-io/skiff/authz"
)

func TestUnion(t *testing.T) {
	say := func(d authz.Decision, reason string) authz.Authorizer {
		return authz.AuthorizerFunc(func(context.Context, authz.Attributes) (authz.Decision, string, error) { return d, reason, nil })
	}
	ctx := context.Background()
	cases := []struct {
		name   string
		chain  []authz.Authorizer
		want   authz.Decision
		reason string
	}{
		{"first allow wins", []authz.Authorizer{say(authz.NoOpinion, "node: not a node"), say(authz.Allow, "RBAC: role edit"), say(authz.Deny, "never asked")}, authz.Allow, "RBAC: role edit"},
		{"a deny stops the chain", []authz.Authorizer{say(authz.Deny, "nope"), say(authz.Allow, "")}, authz.Deny, "nope"},
		{"no opinion from anyone", []authz.Authorizer{say(authz.NoOpinion, "a"), say(authz.NoOpinion, "b")}, authz.NoOpinion, "a\nb"},
	}
	for _, tc := range cases {
		d, reason, _ := authz.Union(tc.chain...).Authorize(ctx, authz.Attributes{})
		if d != tc.want || reason != tc.reason {
			t.Errorf("%s: %v %q, want %v %q", tc.name, d, reason, tc.want, tc.reason)
		}
	}
	if d, _, _ := authz.AlwaysDeny().Authorize(ctx, authz.Attributes{}); d != authz.Deny {
		t.Error("AlwaysDeny allowed")
	}
}
