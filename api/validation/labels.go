package validation

import (
	"maps"
	"slices"

	"github.com/skiff-io/skiff/api/field"
)

// ValidateLabelName reports a label key that is not a qualified name.
func ValidateLabelName(name string, path *field.Path) field.ErrorList {
	return ValidateQualifiedName(name, path)
}

// ValidateLabels reports bad label keys and values. As in Kubernetes, every error names the map
// itself ("metadata.labels"), not the entry.
func ValidateLabels(labels map[string]string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		errs = append(errs, ValidateLabelName(k, path)...)
		for _, msg := range IsValidLabelValue(labels[k]) {
			errs = append(errs, field.Invalid(path, labels[k], msg))
		}
	}
	return errs
}
