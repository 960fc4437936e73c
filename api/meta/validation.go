package meta

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/validation"
)

// TotalAnnotationSizeLimitB bounds the summed length of an object's annotation keys and values.
const TotalAnnotationSizeLimitB = 256 * (1 << 10)

// The finalizers the garbage collector understands, and the namespace controller's.
const (
	FinalizerOrphanDependents = "orphan"
	FinalizerDeleteDependents = "foregroundDeletion"
	FinalizerKubernetes       = "kubernetes"
)

// The limits on managedFields entries.
const (
	maxFieldManagerLength    = 128
	maxSubresourceNameLength = 256
)

// ValidateObjectMeta checks the metadata of an object being created, as Kubernetes does: name (or
// generateName) against nameFn, namespace present exactly when namespaced and a DNS-1123 label,
// generation, labels, annotations, owner references, finalizers, managed fields and initializers.
// Run it after any generateName has been turned into a name.
func ValidateObjectMeta(m *ObjectMeta, namespaced bool, nameFn validation.ValidateNameFunc, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if m.GenerateName != "" {
		for _, msg := range nameFn(m.GenerateName, true) {
			errs = append(errs, field.Invalid(path.Child("generateName"), m.GenerateName, msg))
		}
	}
	if m.Name == "" {
		errs = append(errs, field.Required(path.Child("name"), "name or generateName is required"))
	} else {
		for _, msg := range nameFn(m.Name, false) {
			errs = append(errs, field.Invalid(path.Child("name"), m.Name, msg))
		}
	}
	if namespaced {
		if m.Namespace == "" {
			errs = append(errs, field.Required(path.Child("namespace"), ""))
		} else {
			for _, msg := range validation.NameIsDNSLabel(m.Namespace, false) {
				errs = append(errs, field.Invalid(path.Child("namespace"), m.Namespace, msg))
			}
		}
	} else if m.Namespace != "" {
		errs = append(errs, field.Forbidden(path.Child("namespace"), "not allowed on this type"))
	}
	errs = append(errs, validation.ValidateNonnegativeField(m.Generation, path.Child("generation"))...)
	return append(errs, validateMetaCommon(m, path)...)
}

// validateMetaCommon holds the checks create and update share.
func validateMetaCommon(m *ObjectMeta, path *field.Path) field.ErrorList {
	errs := validation.ValidateLabels(m.Labels, path.Child("labels"))
	errs = append(errs, ValidateAnnotations(m.Annotations, path.Child("annotations"))...)
	errs = append(errs, ValidateOwnerReferences(m.OwnerReferences, path.Child("ownerReferences"))...)
	errs = append(errs, ValidateFinalizers(m.Finalizers, path.Child("finalizers"))...)
	errs = append(errs, validateManagedFields(m.ManagedFields, path.Child("managedFields"))...)
	errs = append(errs, validateInitializers(m.Initializers, path.Child("initializers"))...)
	return errs
}

// ValidateObjectMetaUpdate checks a change to an object's metadata: name, namespace, uid,
// creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds may not change (deletion is a
// separate request), resourceVersion must be given, generation may not go back, no finalizer may be
// added once deletion started, and the new labels, annotations, owner references and finalizers must
// be valid.
func ValidateObjectMetaUpdate(newMeta, oldMeta *ObjectMeta, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if oldMeta.DeletionTimestamp != nil {
		errs = append(errs, validateNoNewFinalizers(newMeta.Finalizers, oldMeta.Finalizers, path.Child("finalizers"))...)
	}
	if newMeta.ResourceVersion == "" {
		errs = append(errs, field.Invalid(path.Child("resourceVersion"), newMeta.ResourceVersion, "must be specified for an update"))
	}
	if newMeta.Generation < oldMeta.Generation {
		errs = append(errs, field.Invalid(path.Child("generation"), newMeta.Generation, "must not be decremented"))
	}
	if isInitialized(oldMeta.Initializers) && !isInitialized(newMeta.Initializers) {
		errs = append(errs, field.Invalid(path.Child("initializers"), newMeta.Initializers, "field is immutable once initialization has completed"))
	}
	errs = append(errs, validation.ValidateImmutableField(newMeta.Name, oldMeta.Name, path.Child("name"))...)
	errs = append(errs, validation.ValidateImmutableField(newMeta.Namespace, oldMeta.Namespace, path.Child("namespace"))...)
	errs = append(errs, validation.ValidateImmutableField(newMeta.UID, oldMeta.UID, path.Child("uid"))...)
	errs = append(errs, validation.ValidateImmutableField(newMeta.CreationTimestamp, oldMeta.CreationTimestamp, path.Child("creationTimestamp"))...)
	errs = append(errs, validation.ValidateImmutableField(newMeta.DeletionTimestamp, oldMeta.DeletionTimestamp, path.Child("deletionTimestamp"))...)
	errs = append(errs, validation.ValidateImmutableField(newMeta.DeletionGracePeriodSeconds, oldMeta.DeletionGracePeriodSeconds, path.Child("deletionGracePeriodSeconds"))...)
	return append(errs, validateMetaCommon(newMeta, path)...)
}

// ValidateAnnotations checks annotation keys (qualified names, case-insensitively) and the total
// size of the annotations.
func ValidateAnnotations(annotations map[string]string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	total := 0
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		for _, msg := range validation.IsQualifiedName(strings.ToLower(k)) {
			errs = append(errs, field.Invalid(path, k, msg))
		}
		total += len(k) + len(annotations[k])
	}
	if total > TotalAnnotationSizeLimitB {
		errs = append(errs, field.TooLong(path, "", TotalAnnotationSizeLimitB))
	}
	return errs
}

// ValidateOwnerReferences checks that every reference names an apiVersion, kind, name and uid, that
// no Event owns anything, and that at most one reference is the controller.
func ValidateOwnerReferences(refs []OwnerReference, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	controller := ""
	for _, ref := range refs {
		group, version := SplitAPIVersion(ref.APIVersion)
		if version == "" {
			errs = append(errs, field.Invalid(path.Child("apiVersion"), ref.APIVersion, "version must not be empty"))
		}
		if ref.Kind == "" {
			errs = append(errs, field.Invalid(path.Child("kind"), ref.Kind, "must not be empty"))
		}
		if ref.Name == "" {
			errs = append(errs, field.Invalid(path.Child("name"), ref.Name, "must not be empty"))
		}
		if ref.UID == "" {
			errs = append(errs, field.Invalid(path.Child("uid"), ref.UID, "must not be empty"))
		}
		if group == "" && version == "v1" && ref.Kind == "Event" {
			errs = append(errs, field.Invalid(path, ref, "/v1, Kind=Event is disallowed from being an owner"))
		}
		if ref.Controller != nil && *ref.Controller {
			name := ref.Kind + "/" + ref.Name
			if controller != "" {
				errs = append(errs, field.Invalid(path, refs, fmt.Sprintf(
					"Only one reference can have Controller set to true. Found \"true\" in references for %v and %v", controller, name)))
			} else {
				controller = name
			}
		}
	}
	return errs
}

// ValidateFinalizers checks finalizer names: qualified names, and a name without a '/' must be one
// of the standard finalizers ("kubernetes", "orphan", "foregroundDeletion"). orphan and
// foregroundDeletion exclude each other.
func ValidateFinalizers(finalizers []string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	orphan, foreground := false, false
	for i, f := range finalizers {
		errs = append(errs, validation.ValidateQualifiedName(f, path)...)
		if !strings.Contains(f, "/") && f != FinalizerKubernetes && f != FinalizerOrphanDependents && f != FinalizerDeleteDependents {
			errs = append(errs, field.Invalid(path.Index(i), f, "name is neither a standard finalizer name nor is it fully qualified"))
		}
		orphan = orphan || f == FinalizerOrphanDependents
		foreground = foreground || f == FinalizerDeleteDependents
	}
	if orphan && foreground {
		errs = append(errs, field.Invalid(path, finalizers, fmt.Sprintf("finalizer %s and %s cannot be both set", FinalizerOrphanDependents, FinalizerDeleteDependents)))
	}
	return errs
}

func validateNoNewFinalizers(newFinalizers, oldFinalizers []string, path *field.Path) field.ErrorList {
	old := make(map[string]bool, len(oldFinalizers))
	for _, f := range oldFinalizers {
		old[f] = true
	}
	extra := map[string]bool{}
	for _, f := range newFinalizers {
		if !old[f] {
			extra[f] = true
		}
	}
	if len(extra) == 0 {
		return nil
	}
	return field.ErrorList{field.Forbidden(path, fmt.Sprintf(
		"no new finalizers can be added if the object is being deleted, found new finalizers %#v", slices.Sorted(maps.Keys(extra))))}
}

func validateManagedFields(entries []ManagedFieldsEntry, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, e := range entries {
		p := path.Index(i)
		if e.Operation != "Apply" && e.Operation != "Update" {
			errs = append(errs, field.Invalid(p.Child("operation"), e.Operation, "must be `Apply` or `Update`"))
		}
		if e.FieldsType != "" && e.FieldsType != "FieldsV1" {
			errs = append(errs, field.Invalid(p.Child("fieldsType"), e.FieldsType, "must be `FieldsV1`"))
		}
		if len(e.Manager) > maxFieldManagerLength {
			errs = append(errs, field.TooLong(p.Child("manager"), e.Manager, maxFieldManagerLength))
		}
		for _, r := range e.Manager {
			if !unicode.IsPrint(r) {
				errs = append(errs, field.Invalid(p.Child("manager"), e.Manager, "must only contain printable characters"))
				break
			}
		}
		if len(e.Subresource) > maxSubresourceNameLength {
			errs = append(errs, field.TooLong(p.Child("subresource"), e.Subresource, maxSubresourceNameLength))
		}
	}
	return errs
}

// validateInitializers checks pending initializer names (fully qualified, "a.example.com") and
// that a result, when present, is a Failure.
func validateInitializers(in *Initializers, path *field.Path) field.ErrorList {
	if in == nil {
		return nil
	}
	var errs field.ErrorList
	for i, init := range in.Pending {
		errs = append(errs, validation.IsFullyQualifiedName(path.Child("pending").Index(i).Child("name"), init.Name)...)
	}
	if in.Result != nil && in.Result.Status != StatusFailure {
		errs = append(errs, field.Invalid(path.Child("result", "status"), in.Result.Status, "must be 'Failure'"))
	}
	return errs
}

// isInitialized reports whether no initializer is pending.
func isInitialized(in *Initializers) bool {
	return in == nil || (len(in.Pending) == 0 && in.Result == nil)
}

// LabelSelectorOptions relaxes ValidateLabelSelector.
//
// +skiff:deepcopy=false
type LabelSelectorOptions struct {
	// AllowInvalidLabelValue skips the check of matchExpressions values, for selectors stored before
	// the check existed.
	AllowInvalidLabelValue bool
}

// ValidateLabelSelector checks a label selector: label keys and values, operators, and values
// present exactly for In and NotIn. A nil selector is valid.
func ValidateLabelSelector(sel *LabelSelector, opts LabelSelectorOptions, path *field.Path) field.ErrorList {
	if sel == nil {
		return nil
	}
	errs := validation.ValidateLabels(sel.MatchLabels, path.Child("matchLabels"))
	for i, req := range sel.MatchExpressions {
		errs = append(errs, ValidateLabelSelectorRequirement(req, opts, path.Child("matchExpressions").Index(i))...)
	}
	return errs
}

// ValidateLabelSelectorRequirement checks one expression of a label selector.
func ValidateLabelSelectorRequirement(req LabelSelectorRequirement, opts LabelSelectorOptions, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch req.Operator {
	case LabelSelectorOpIn, LabelSelectorOpNotIn:
		if len(req.Values) == 0 {
			errs = append(errs, field.Required(path.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
		}
	case LabelSelectorOpExists, LabelSelectorOpDoesNotExist:
		if len(req.Values) > 0 {
			errs = append(errs, field.Forbidden(path.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
		}
	default:
		errs = append(errs, field.Invalid(path.Child("operator"), req.Operator, "not a valid selector operator"))
	}
	errs = append(errs, validation.ValidateLabelName(req.Key, path.Child("key"))...)
	if !opts.AllowInvalidLabelValue {
		for i, v := range req.Values {
			for _, msg := range validation.IsValidLabelValue(v) {
				errs = append(errs, field.Invalid(path.Child("values").Index(i), v, msg))
			}
		}
	}
	return errs
}
