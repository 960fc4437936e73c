package rbac

import (
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
)

// ValidateRBACName checks the name of a role or binding: anything usable as one URL path segment.
var ValidateRBACName = validation.ValidatePathSegmentName

// ValidateRole checks a Role: metadata and rules (namespaced, so no non-resource URLs).
func ValidateRole(r *Role) field.ErrorList {
	errs := meta.ValidateObjectMeta(&r.ObjectMeta, true, ValidateRBACName, field.NewPath("metadata"))
	for i, rule := range r.Rules {
		errs = append(errs, ValidatePolicyRule(rule, true, field.NewPath("rules").Index(i))...)
	}
	return errs
}

// ValidateRoleUpdate checks a change to a Role.
func ValidateRoleUpdate(r, old *Role) field.ErrorList {
	errs := ValidateRole(r)
	return append(errs, meta.ValidateObjectMetaUpdate(&r.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))...)
}

// ValidateClusterRole checks a ClusterRole: metadata, rules, and the selectors of an aggregation
// rule.
func ValidateClusterRole(r *ClusterRole) field.ErrorList {
	errs := meta.ValidateObjectMeta(&r.ObjectMeta, false, ValidateRBACName, field.NewPath("metadata"))
	for i, rule := range r.Rules {
		errs = append(errs, ValidatePolicyRule(rule, false, field.NewPath("rules").Index(i))...)
	}
	if r.AggregationRule != nil {
		p := field.NewPath("aggregationRule", "clusterRoleSelectors")
		if len(r.AggregationRule.ClusterRoleSelectors) == 0 {
			errs = append(errs, field.Required(p, "at least one clusterRoleSelector required if aggregationRule is non-nil"))
		}
		for i := range r.AggregationRule.ClusterRoleSelectors {
			sel := &r.AggregationRule.ClusterRoleSelectors[i]
			if serrs := meta.ValidateLabelSelector(sel, meta.LabelSelectorOptions{}, p.Index(i)); len(serrs) > 0 {
				errs = append(errs, serrs...)
				errs = append(errs, field.Invalid(p.Index(i), sel, "invalid label selector."))
			}
		}
	}
	return errs
}

// ValidateClusterRoleUpdate checks a change to a ClusterRole.
func ValidateClusterRoleUpdate(r, old *ClusterRole) field.ErrorList {
	errs := ValidateClusterRole(r)
	return append(errs, meta.ValidateObjectMetaUpdate(&r.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))...)
}

// ValidatePolicyRule checks one rule: it needs verbs, and either non-resource URLs (only outside a
// namespace, and alone) or API groups and resources.
func ValidatePolicyRule(rule PolicyRule, namespaced bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(rule.Verbs) == 0 {
		errs = append(errs, field.Required(p.Child("verbs"), "verbs must contain at least one value"))
	}
	if len(rule.NonResourceURLs) > 0 {
		if namespaced {
			errs = append(errs, field.Invalid(p.Child("nonResourceURLs"), rule.NonResourceURLs, "namespaced rules cannot apply to non-resource URLs"))
		}
		if len(rule.APIGroups) > 0 || len(rule.Resources) > 0 || len(rule.ResourceNames) > 0 {
			errs = append(errs, field.Invalid(p.Child("nonResourceURLs"), rule.NonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs"))
		}
		return errs
	}
	if len(rule.APIGroups) == 0 {
		errs = append(errs, field.Required(p.Child("apiGroups"), "resource rules must supply at least one api group"))
	}
	if len(rule.Resources) == 0 {
		errs = append(errs, field.Required(p.Child("resources"), "resource rules must supply at least one resource"))
	}
	return errs
}

// ValidateRoleBinding checks a RoleBinding: it refers to a Role or ClusterRole of this group by a
// valid name, and its subjects are valid.
func ValidateRoleBinding(rb *RoleBinding) field.ErrorList {
	errs := meta.ValidateObjectMeta(&rb.ObjectMeta, true, ValidateRBACName, field.NewPath("metadata"))
	errs = append(errs, validateRoleRef(rb.RoleRef, []string{"Role", "ClusterRole"})...)
	for i, s := range rb.Subjects {
		errs = append(errs, ValidateSubject(s, true, field.NewPath("subjects").Index(i))...)
	}
	return errs
}

// ValidateRoleBindingUpdate checks a change to a RoleBinding; roleRef may not change.
func ValidateRoleBindingUpdate(rb, old *RoleBinding) field.ErrorList {
	errs := ValidateRoleBinding(rb)
	errs = append(errs, meta.ValidateObjectMetaUpdate(&rb.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))...)
	if rb.RoleRef != old.RoleRef {
		errs = append(errs, field.Invalid(field.NewPath("roleRef"), rb.RoleRef, "cannot change roleRef"))
	}
	return errs
}

// ValidateClusterRoleBinding checks a ClusterRoleBinding: it refers to a ClusterRole, and its
// service account subjects name a namespace.
func ValidateClusterRoleBinding(crb *ClusterRoleBinding) field.ErrorList {
	errs := meta.ValidateObjectMeta(&crb.ObjectMeta, false, ValidateRBACName, field.NewPath("metadata"))
	errs = append(errs, validateRoleRef(crb.RoleRef, []string{"ClusterRole"})...)
	for i, s := range crb.Subjects {
		errs = append(errs, ValidateSubject(s, false, field.NewPath("subjects").Index(i))...)
	}
	return errs
}

// ValidateClusterRoleBindingUpdate checks a change to a ClusterRoleBinding; roleRef may not change.
func ValidateClusterRoleBindingUpdate(crb, old *ClusterRoleBinding) field.ErrorList {
	errs := ValidateClusterRoleBinding(crb)
	errs = append(errs, meta.ValidateObjectMetaUpdate(&crb.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))...)
	if crb.RoleRef != old.RoleRef {
		errs = append(errs, field.Invalid(field.NewPath("roleRef"), crb.RoleRef, "cannot change roleRef"))
	}
	return errs
}

func validateRoleRef(ref RoleRef, kinds []string) field.ErrorList {
	var errs field.ErrorList
	p := field.NewPath("roleRef")
	if ref.APIGroup != GroupName {
		errs = append(errs, field.NotSupported(p.Child("apiGroup"), ref.APIGroup, []string{GroupName}))
	}
	found := false
	for _, k := range kinds {
		found = found || ref.Kind == k
	}
	if !found {
		errs = append(errs, field.NotSupported(p.Child("kind"), ref.Kind, kinds))
	}
	if ref.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else {
		for _, msg := range ValidateRBACName(ref.Name, false) {
			errs = append(errs, field.Invalid(p.Child("name"), ref.Name, msg))
		}
	}
	return errs
}

// ValidateSubject checks a binding subject: a name, a known kind with its apiGroup, and for a
// service account in a ClusterRoleBinding, a namespace.
func ValidateSubject(s Subject, namespaced bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	}
	switch s.Kind {
	case ServiceAccountKind:
		if s.Name != "" {
			for _, msg := range validation.NameIsDNSSubdomain(s.Name, false) {
				errs = append(errs, field.Invalid(p.Child("name"), s.Name, msg))
			}
		}
		if s.APIGroup != "" {
			errs = append(errs, field.NotSupported(p.Child("apiGroup"), s.APIGroup, []string{""}))
		}
		if !namespaced && s.Namespace == "" {
			errs = append(errs, field.Required(p.Child("namespace"), ""))
		}
	case UserKind, GroupKind:
		if s.APIGroup != GroupName {
			errs = append(errs, field.NotSupported(p.Child("apiGroup"), s.APIGroup, []string{GroupName}))
		}
	default:
		errs = append(errs, field.NotSupported(p.Child("kind"), s.Kind, []string{ServiceAccountKind, UserKind, GroupKind}))
	}
	return errs
}
