package autoscaling

import (
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
)

// ValidateScale checks a Scale written to a scale subresource: the object's metadata and a
// non-negative spec.replicas.
func ValidateScale(s *Scale) field.ErrorList {
	errs := meta.ValidateObjectMeta(&s.ObjectMeta, true, validation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(errs, validation.ValidateNonnegativeField(int64(s.Spec.Replicas), field.NewPath("spec", "replicas"))...)
}
