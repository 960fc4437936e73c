package rbac

import (
	"context"
	"errors"
	"slices"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
)

var _ authz.RuleResolver = (*Authorizer)(nil)

// ResolveRules lists what RulesFor finds as authz rules, for SelfSubjectRulesReview, as Kubernetes'
// RBAC authorizer does: a PolicyRule naming resources becomes a ResourceRule, one naming
// nonResourceURLs a NonResourceRule. RBAC enumerates everything it allows, so the answer is
// complete even when err reports bindings whose role is missing (their rules would only have added
// permissions); it is incomplete only before the policy is synced, when nothing is known.
func (a *Authorizer) ResolveRules(_ context.Context, user authn.User, namespace string) ([]authz.ResourceRule, []authz.NonResourceRule, bool, error) {
	rules, err := a.RulesFor(user, namespace)
	var resource []authz.ResourceRule
	var nonResource []authz.NonResourceRule
	for _, r := range rules {
		// The index shares its rules with every decision: the caller gets copies.
		if len(r.Resources) > 0 {
			resource = append(resource, authz.ResourceRule{Verbs: slices.Clone(r.Verbs), APIGroups: slices.Clone(r.APIGroups),
				Resources: slices.Clone(r.Resources), ResourceNames: slices.Clone(r.ResourceNames)})
		}
		if len(r.NonResourceURLs) > 0 {
			nonResource = append(nonResource, authz.NonResourceRule{Verbs: slices.Clone(r.Verbs), NonResourceURLs: slices.Clone(r.NonResourceURLs)})
		}
	}
	return resource, nonResource, errors.Is(err, ErrNotSynced), err
}
