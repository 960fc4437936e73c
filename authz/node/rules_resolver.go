package node

import (
	"context"
	"fmt"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
)

var _ authz.RuleResolver = (*Authorizer)(nil)

// errRulesUnsupported reads "node authorizer does not support user rule resolution", Kubernetes'
// words.
var errRulesUnsupported = fmt.Errorf("node %w", authz.ErrRulesUnsupported)

// ResolveRules has no rules to list. For a node the answer is incomplete, with an error: what a
// kubelet may read depends on the pods bound to it at the moment it asks, which no list of rules
// can say. For anyone else the authorizer allows nothing, and says so completely, as Kubernetes'
// Node authorizer does.
func (a *Authorizer) ResolveRules(_ context.Context, user authn.User, _ string) ([]authz.ResourceRule, []authz.NonResourceRule, bool, error) {
	if _, isNode := NodeIdentity(user); isNode {
		return nil, nil, true, errRulesUnsupported
	}
	return nil, nil, false, nil
}
