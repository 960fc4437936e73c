package authorization

import (
	"fmt"

	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
)

// ValidateSubjectAccessReview checks a SubjectAccessReview as Kubernetes does: exactly one of
// resourceAttributes and nonResourceAttributes, a user or groups, well-formed selectors, and
// metadata left empty (managedFields aside, which the server itself records on every create).
func ValidateSubjectAccessReview(sar *SubjectAccessReview) field.ErrorList {
	errs := validateSubjectAccessReviewSpec(&sar.Spec, field.NewPath("spec"))
	if !metaEmpty(sar.ObjectMeta, false) {
		errs = append(errs, field.Invalid(field.NewPath("metadata"), sar.ObjectMeta, "must be empty"))
	}
	return errs
}

// ValidateSelfSubjectAccessReview checks a SelfSubjectAccessReview: exactly one of
// resourceAttributes and nonResourceAttributes, well-formed selectors, and empty metadata.
func ValidateSelfSubjectAccessReview(sar *SelfSubjectAccessReview) field.ErrorList {
	spec := field.NewPath("spec")
	errs := validateAttributesChoice(sar.Spec.ResourceAttributes, sar.Spec.NonResourceAttributes, spec)
	errs = append(errs, validateResourceAttributes(sar.Spec.ResourceAttributes, spec.Child("resourceAttributes"))...)
	if !metaEmpty(sar.ObjectMeta, false) {
		errs = append(errs, field.Invalid(field.NewPath("metadata"), sar.ObjectMeta, "must be empty"))
	}
	return errs
}

// ValidateLocalSubjectAccessReview checks a LocalSubjectAccessReview: what a SubjectAccessReview
// needs, metadata empty but for the namespace, spec.resourceAttributes.namespace equal to it (an
// empty one included: the review is about its own namespace only), and no nonResourceAttributes.
// The server sets metadata.namespace from the URL before validating.
func ValidateLocalSubjectAccessReview(sar *LocalSubjectAccessReview) field.ErrorList {
	errs := validateSubjectAccessReviewSpec(&sar.Spec, field.NewPath("spec"))
	if !metaEmpty(sar.ObjectMeta, true) {
		errs = append(errs, field.Invalid(field.NewPath("metadata"), sar.ObjectMeta, "must be empty except for namespace"))
	}
	if ra := sar.Spec.ResourceAttributes; ra != nil && ra.Namespace != sar.Namespace {
		errs = append(errs, field.Invalid(field.NewPath("spec", "resourceAttributes", "namespace"), ra.Namespace, "must match metadata.namespace"))
	}
	if sar.Spec.NonResourceAttributes != nil {
		errs = append(errs, field.Invalid(field.NewPath("spec", "nonResourceAttributes"), sar.Spec.NonResourceAttributes, "disallowed on this kind of request"))
	}
	return errs
}

// ValidateSelfSubjectRulesReview accepts every SelfSubjectRulesReview, as Kubernetes does: a
// missing namespace is the server's to refuse (400, "no namespace on request"), not a field error.
func ValidateSelfSubjectRulesReview(*SelfSubjectRulesReview) field.ErrorList { return nil }

func validateSubjectAccessReviewSpec(spec *SubjectAccessReviewSpec, path *field.Path) field.ErrorList {
	errs := validateAttributesChoice(spec.ResourceAttributes, spec.NonResourceAttributes, path)
	if spec.User == "" && len(spec.Groups) == 0 {
		errs = append(errs, field.Invalid(path.Child("user"), spec.User, "at least one of user or group must be specified"))
	}
	return append(errs, validateResourceAttributes(spec.ResourceAttributes, path.Child("resourceAttributes"))...)
}

// validateAttributesChoice requires exactly one of the two kinds of attributes. Kubernetes reports
// a missing pair with the (nil) nonResourceAttributes as the bad value; so does this.
func validateAttributesChoice(ra *ResourceAttributes, nra *NonResourceAttributes, path *field.Path) field.ErrorList {
	switch {
	case ra != nil && nra != nil:
		return field.ErrorList{field.Invalid(path.Child("nonResourceAttributes"), nra, "cannot be specified in combination with resourceAttributes")}
	case ra == nil && nra == nil:
		return field.ErrorList{field.Invalid(path.Child("resourceAttributes"), nra, "exactly one of nonResourceAttributes or resourceAttributes must be specified")}
	}
	return nil
}

// metaEmpty reports whether m holds nothing a client may set on a review: managedFields are the
// server's, and a local review's namespace is its own.
func metaEmpty(m meta.ObjectMeta, namespaceAllowed bool) bool {
	m.ManagedFields = nil
	if namespaceAllowed {
		m.Namespace = ""
	}
	return equality.DeepEqual(meta.ObjectMeta{}, m)
}

func validateResourceAttributes(ra *ResourceAttributes, path *field.Path) field.ErrorList {
	if ra == nil {
		return nil
	}
	var errs field.ErrorList
	if fs := ra.FieldSelector; fs != nil {
		p := path.Child("fieldSelector")
		errs = append(errs, validateSelectorForm(fs.RawSelector, len(fs.Requirements) > 0, p)...)
		for i, req := range fs.Requirements {
			errs = append(errs, validateFieldSelectorRequirement(req, p.Child("requirements").Index(i))...)
		}
	}
	if ls := ra.LabelSelector; ls != nil {
		p := path.Child("labelSelector")
		errs = append(errs, validateSelectorForm(ls.RawSelector, len(ls.Requirements) > 0, p)...)
		for i, req := range ls.Requirements {
			errs = append(errs, validateLabelSelectorRequirement(req, p.Child("requirements").Index(i))...)
		}
	}
	return errs
}

// validateSelectorForm requires exactly one of a raw selector and requirements.
func validateSelectorForm(raw string, hasRequirements bool, path *field.Path) field.ErrorList {
	switch {
	case raw != "" && hasRequirements:
		// Kubernetes' wording, missing "be" included, so that clients matching on it keep working.
		return field.ErrorList{field.Invalid(path.Child("rawSelector"), raw, "may not specified at the same time as requirements")}
	case raw == "" && !hasRequirements:
		return field.ErrorList{field.Required(path.Child("requirements"), fmt.Sprintf("when %s is specified, requirements or rawSelector is required", path))}
	}
	return nil
}

// validateFieldSelectorRequirement checks one term. Operators this server does not know are
// accepted, as Kubernetes accepts them here: a newer client may send one, and the authorizer then
// ignores the term, which can only make the question broader.
func validateFieldSelectorRequirement(req FieldSelectorRequirement, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if req.Key == "" {
		errs = append(errs, field.Required(path.Child("key"), "must be specified"))
	}
	errs = append(errs, validateOperatorValues(string(req.Operator), req.Values, path)...)
	return errs
}

// validateLabelSelectorRequirement checks one term as meta.ValidateLabelSelectorRequirement does,
// but accepts unknown operators, for the reason validateFieldSelectorRequirement gives.
func validateLabelSelectorRequirement(req meta.LabelSelectorRequirement, path *field.Path) field.ErrorList {
	errs := validateOperatorValues(string(req.Operator), req.Values, path)
	errs = append(errs, validation.ValidateLabelName(req.Key, path.Child("key"))...)
	for i, v := range req.Values {
		for _, msg := range validation.IsValidLabelValue(v) {
			errs = append(errs, field.Invalid(path.Child("values").Index(i), v, msg))
		}
	}
	return errs
}

func validateOperatorValues(op string, values []string, path *field.Path) field.ErrorList {
	switch op {
	case "In", "NotIn":
		if len(values) == 0 {
			return field.ErrorList{field.Required(path.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'")}
		}
	case "Exists", "DoesNotExist":
		if len(values) > 0 {
			return field.ErrorList{field.Forbidden(path.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")}
		}
	}
	return nil
}
