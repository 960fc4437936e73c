package authz

import (
	"context"
	"errors"
	"strings"

	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/authn"
)

// Attributes describe what a request wants to do.
type Attributes struct {
	User authn.User
	// Verb is get, list, watch, create, update, patch, delete, deletecollection (resource requests)
	// or the lower-case HTTP method (non-resource requests).
	Verb            string
	ResourceRequest bool
	APIGroup        string
	APIVersion      string
	Resource        string
	Subresource     string
	Namespace       string
	Name            string
	// Path is the URL path, for non-resource requests.
	Path string
	// FieldSelector is the request's field selector, for list, watch and deletecollection; nil
	// when it has none or it does not parse (the request then reads as the broadest one, and the
	// handler rejects the bad selector). An authorizer may allow a narrower request than it would
	// allow without it, as the Node authorizer does for a kubelet listing its own pods.
	FieldSelector fields.Selector
}

// Decision is an authorizer's verdict.
type Decision int

// The verdicts.
const (
	// NoOpinion lets the next authorizer decide; if none does, the request is denied.
	NoOpinion Decision = iota
	Allow
	Deny
)

func (d Decision) String() string {
	switch d {
	case Allow:
		return "allow"
	case Deny:
		return "deny"
	}
	return "no opinion"
}

// Authorizer decides on requests.
type Authorizer interface {
	Authorize(ctx context.Context, a Attributes) (d Decision, reason string, err error)
}

// AuthorizerFunc adapts a function to an Authorizer.
type AuthorizerFunc func(ctx context.Context, a Attributes) (Decision, string, error)

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, a Attributes) (Decision, string, error) {
	return f(ctx, a)
}

var _ Authorizer = AuthorizerFunc(nil)

// Union asks each authorizer in order; the first Allow or Deny decides. With no decision, the
// reasons and errors are joined and the verdict is NoOpinion (which the server treats as deny).
// The union is also a RuleResolver: it lists the rules of every member (see ResolveRules).
func Union(as ...Authorizer) Authorizer { return union(as) }

type union []Authorizer

var _ RuleResolver = union(nil)

func (u union) Authorize(ctx context.Context, a Attributes) (Decision, string, error) {
	var reasons []string
	var errs []error
	for _, z := range u {
		d, reason, err := z.Authorize(ctx, a)
		if err != nil {
			errs = append(errs, err)
		}
		if d == Allow || d == Deny {
			return d, reason, nil
		}
		if reason != "" {
			reasons = append(reasons, reason)
		}
	}
	return NoOpinion, strings.Join(reasons, "\n"), errors.Join(errs...)
}

// ResolveRules concatenates the rules of every member, as Kubernetes' union does: the user may do
// what any of them allows. It is incomplete when a member is, or cannot list rules at all; the
// errors of the members are joined.
func (u union) ResolveRules(ctx context.Context, user authn.User, namespace string) ([]ResourceRule, []NonResourceRule, bool, error) {
	var resource []ResourceRule
	var nonResource []NonResourceRule
	var incomplete bool
	var errs []error
	for _, z := range u {
		r, n, inc, err := ResolveRules(ctx, z, user, namespace)
		resource = append(resource, r...)
		nonResource = append(nonResource, n...)
		incomplete = incomplete || inc
		if err != nil {
			errs = append(errs, err)
		}
	}
	return resource, nonResource, incomplete, errors.Join(errs...)
}

// AlwaysAllow allows everything: for tests and single-user development clusters. Its rules are
// "*" on every resource and path.
func AlwaysAllow() Authorizer { return alwaysAllow{} }

type alwaysAllow struct{}

func (alwaysAllow) Authorize(context.Context, Attributes) (Decision, string, error) {
	return Allow, "", nil
}

func (alwaysAllow) ResolveRules(context.Context, authn.User, string) ([]ResourceRule, []NonResourceRule, bool, error) {
	return []ResourceRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}},
		[]NonResourceRule{{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}}, false, nil
}

// AlwaysDeny denies everything; it has no rules, and says so completely.
func AlwaysDeny() Authorizer { return alwaysDeny{} }

type alwaysDeny struct{}

func (alwaysDeny) Authorize(context.Context, Attributes) (Decision, string, error) {
	return Deny, "everything is forbidden", nil
}

func (alwaysDeny) ResolveRules(context.Context, authn.User, string) ([]ResourceRule, []NonResourceRule, bool, error) {
	return nil, nil, false, nil
}
