package rbac

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
)

// EscalationError says that a user tried to grant, through a role or a binding, permissions it does
// not hold. Its message is Kubernetes' own; an API server sends it as 403 Forbidden. It wraps
// ErrEscalation.
type EscalationError struct {
	User authn.User
	// Missing are the permissions the user lacks, one API group, resource and resource name (or
	// one non-resource URL) per rule, verbs merged.
	Missing []rbac.PolicyRule
	msg     string
}

func (e *EscalationError) Error() string { return e.msg }

// Unwrap returns ErrEscalation.
func (e *EscalationError) Unwrap() error { return ErrEscalation }

// ConfirmNoEscalation returns nil when user holds every one of rules in namespace (through its
// RoleBindings there or its ClusterRoleBindings; "" means cluster-wide only), and otherwise an
// *EscalationError listing what it lacks:
//
//	user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:
//	{APIGroups:["apps"], Resources:["deployments"], Verbs:["create"]}
func (a *Authorizer) ConfirmNoEscalation(ctx context.Context, user authn.User, namespace string, rules []rbac.PolicyRule) error {
	owned, resolveErrs := a.rulesFor(user, namespace)
	if len(resolveErrs) == 1 && resolveErrs[0] == ErrNotSynced {
		return ErrNotSynced
	}
	covered, missing := Covers(owned, rules)
	if covered {
		return nil
	}
	missing = compactRules(missing)
	lines := make([]string, 0, len(missing))
	for _, r := range missing {
		lines = append(lines, compactString(r))
	}
	slices.Sort(lines)
	lines = slices.Compact(lines)
	msg := fmt.Sprintf("user %q (groups=%q) is attempting to grant RBAC permissions not currently held:\n%s", user.Name, user.Groups, strings.Join(lines, "\n"))
	if len(resolveErrs) > 0 {
		// Bindings whose role is missing may explain what the user lacks.
		msg += "; resolution errors: [" + aggregateMessage(resolveErrs) + "]"
	}
	return &EscalationError{User: user, Missing: missing, msg: msg}
}

// fullAuthority is what it takes to set an aggregationRule, which can gather any permission.
var fullAuthority = []rbac.PolicyRule{
	{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}},
	{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}},
}

// EscalationPlugin is the admission plugin that stops users granting permissions they do not hold,
// as Kubernetes' RBAC storage does:
//
//   - creating or updating a Role or ClusterRole needs every permission in its rules, unless the
//     user has the "escalate" verb on roles (or clusterroles) there; setting or changing an
//     aggregationRule needs every permission, as cluster-admin has;
//   - creating or updating a RoleBinding or ClusterRoleBinding needs every permission of the role
//     it refers to, unless the user has the "bind" verb on that role (resourceNames honoured) in
//     the binding's namespace, or cluster-wide for a ClusterRoleBinding;
//   - members of system:masters may do anything, and updates that only change ownerReferences or
//     finalizers (the garbage collector's work) are not checked.
//
// Rejections are *EscalationError values; a binding to a missing role is a 404 NotFound error.
type EscalationPlugin struct {
	rules *Authorizer
	verbs authz.Authorizer
}

// NewEscalationPlugin returns the plugin, which reads held permissions from a and asks a whether
// a user has the escalate or bind verb.
func NewEscalationPlugin(a *Authorizer) *EscalationPlugin {
	return &EscalationPlugin{rules: a, verbs: a}
}

// WithVerbAuthorizer makes p ask az, rather than the RBAC authorizer alone, whether a user has the
// escalate or bind verb, as kube-apiserver asks its whole authorizer chain. It returns p.
func (p *EscalationPlugin) WithVerbAuthorizer(az authz.Authorizer) *EscalationPlugin {
	p.verbs = az
	return p
}

var _ admission.Validator = (*EscalationPlugin)(nil)

// EscalationPluginName is the escalation plugin's name, as --enable-admission-plugins spells it.
const EscalationPluginName = "RBACEscalation"

// Name returns EscalationPluginName.
func (p *EscalationPlugin) Name() string { return EscalationPluginName }

// Handles creates and updates.
func (p *EscalationPlugin) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// Validate checks creates and updates of Roles, ClusterRoles, RoleBindings and
// ClusterRoleBindings, and lets anything else through.
func (p *EscalationPlugin) Validate(ctx context.Context, a *admission.Attributes) error {
	if a.Subresource != "" || a.Object == nil {
		return nil
	}
	switch a.Object.(type) {
	case *rbac.Role, *rbac.ClusterRole, *rbac.RoleBinding, *rbac.ClusterRoleBinding:
	default:
		return nil
	}
	if slices.Contains(a.User.Groups, authn.SystemPrivilegedGroup) {
		// The API server's own loopback requests come as system:masters: they can do anything.
		return nil
	}
	if a.Operation == admission.Update && onlyGCFieldsChanged(a.Object, a.OldObject) {
		return nil
	}
	switch obj := a.Object.(type) {
	case *rbac.Role:
		if p.roleEscalationAllowed(ctx, a, "roles") {
			return nil
		}
		return p.rules.ConfirmNoEscalation(ctx, a.User, obj.Namespace, obj.Rules)
	case *rbac.ClusterRole:
		if p.roleEscalationAllowed(ctx, a, "clusterroles") {
			return nil
		}
		if err := p.rules.ConfirmNoEscalation(ctx, a.User, "", obj.Rules); err != nil {
			return err
		}
		old, _ := a.OldObject.(*rbac.ClusterRole)
		if hasAggregationRule(obj) || (old != nil && hasAggregationRule(old)) {
			err := p.rules.ConfirmNoEscalation(ctx, a.User, "", fullAuthority)
			if e := (*EscalationError)(nil); errors.As(err, &e) {
				e.msg = "must have cluster-admin privileges to use the aggregationRule"
			}
			return err
		}
		return nil
	case *rbac.RoleBinding:
		return p.checkBinding(ctx, a.User, obj.RoleRef, obj.Namespace)
	case *rbac.ClusterRoleBinding:
		return p.checkBinding(ctx, a.User, obj.RoleRef, "")
	}
	return nil
}

func hasAggregationRule(r *rbac.ClusterRole) bool {
	return r.AggregationRule != nil && len(r.AggregationRule.ClusterRoleSelectors) > 0
}

// roleEscalationAllowed asks whether the user has the escalate verb on the role being written. A
// create names no object (it is a POST to the collection), so only an escalate grant without
// resourceNames allows it, as in Kubernetes.
func (p *EscalationPlugin) roleEscalationAllowed(ctx context.Context, a *admission.Attributes, resource string) bool {
	name := a.Name
	if a.Operation == admission.Create {
		name = ""
	}
	d, _, _ := p.verbs.Authorize(ctx, authz.Attributes{
		User: a.User, Verb: "escalate", ResourceRequest: true,
		APIGroup: rbac.GroupName, APIVersion: "*", Resource: resource, Namespace: a.Namespace, Name: name,
	})
	return d == authz.Allow
}

// checkBinding lets a binding to ref in namespace through if the user may bind that role there, or
// already holds all it grants.
func (p *EscalationPlugin) checkBinding(ctx context.Context, user authn.User, ref rbac.RoleRef, namespace string) error {
	resource := ""
	switch ref.Kind {
	case "ClusterRole":
		resource = "clusterroles"
	case "Role":
		resource = "roles"
	}
	if resource != "" {
		d, _, _ := p.verbs.Authorize(ctx, authz.Attributes{
			User: user, Verb: "bind", ResourceRequest: true,
			APIGroup: ref.APIGroup, APIVersion: "*", Resource: resource, Namespace: namespace, Name: ref.Name,
		})
		if d == authz.Allow {
			return nil
		}
	}
	rules, err := p.rules.RoleRefRules(ref, namespace)
	if err != nil {
		return err
	}
	return p.rules.ConfirmNoEscalation(ctx, user, namespace, rules)
}

// onlyGCFieldsChanged reports whether obj differs from old only in what the garbage collector
// writes (ownerReferences, finalizers) or the server maintains (resourceVersion, generation,
// managedFields, selfLink, apiVersion and kind).
func onlyGCFieldsChanged(obj, old meta.Object) bool {
	if old == nil {
		return false
	}
	c := obj.DeepCopyObject()
	m, om := c.GetObjectMeta(), old.GetObjectMeta()
	m.OwnerReferences, m.Finalizers = om.OwnerReferences, om.Finalizers
	m.ResourceVersion, m.Generation, m.ManagedFields, m.SelfLink = om.ResourceVersion, om.Generation, om.ManagedFields, om.SelfLink
	*c.GetTypeMeta() = *old.GetTypeMeta()
	return equality.DeepEqual(c, old)
}
