package authz

import (
	"context"
	"errors"

	"github.com/skiff-io/skiff/authn"
)

// ResourceRule is a set of verbs a user may perform on resources, as an authorizer lists them. "*"
// in a list means all.
type ResourceRule struct {
	Verbs     []string
	APIGroups []string
	// Resources may name subresources ("pods/log") and every resource's subresource ("*/scale").
	Resources []string
	// ResourceNames narrow the rule to objects of these names; empty means every object.
	ResourceNames []string
}

// NonResourceRule is a set of verbs a user may perform on paths that are not resources.
type NonResourceRule struct {
	Verbs []string
	// NonResourceURLs are paths; a trailing "*" matches every path with that prefix.
	NonResourceURLs []string
}

// RuleResolver is the optional side of an Authorizer that can list what it allows, for
// SelfSubjectRulesReview (kubectl auth can-i --list). The lists are for people to read: an
// Authorizer decides requests by Authorize alone.
type RuleResolver interface {
	// ResolveRules returns the rules that apply to user in namespace: the cluster-wide ones and the
	// namespace's own. incomplete says the user may be allowed more than the rules show (the
	// authorizer cannot enumerate everything it allows). err says what went wrong while listing;
	// the rules returned are still valid, since rules only ever add permissions. The returned
	// slices belong to the caller.
	ResolveRules(ctx context.Context, user authn.User, namespace string) (resourceRules []ResourceRule, nonResourceRules []NonResourceRule, incomplete bool, err error)
}

// RuleResolverFunc adapts a function to a RuleResolver.
type RuleResolverFunc func(ctx context.Context, user authn.User, namespace string) ([]ResourceRule, []NonResourceRule, bool, error)

// ResolveRules calls f.
func (f RuleResolverFunc) ResolveRules(ctx context.Context, user authn.User, namespace string) ([]ResourceRule, []NonResourceRule, bool, error) {
	return f(ctx, user, namespace)
}

var _ RuleResolver = RuleResolverFunc(nil)

// ErrRulesUnsupported is what an authorizer that cannot list its rules reports, in Kubernetes'
// words ("webhook authorizer does not support user rule resolution"): wrappers put the
// authorizer's name in front of it.
var ErrRulesUnsupported = errors.New("authorizer does not support user rule resolution")

// ResolveRules lists the rules of a when it is a RuleResolver. Any other Authorizer (a webhook, an
// AuthorizerFunc) may allow anything, so its answer is no rules, incomplete, and an error wrapping
// ErrRulesUnsupported.
func ResolveRules(ctx context.Context, a Authorizer, user authn.User, namespace string) ([]ResourceRule, []NonResourceRule, bool, error) {
	if r, ok := a.(RuleResolver); ok {
		return r.ResolveRules(ctx, user, namespace)
	}
	return nil, nil, true, ErrRulesUnsupported
}
