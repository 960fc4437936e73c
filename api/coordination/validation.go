package coordination

import (
	"strings"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
)

// ValidateLease checks a Lease: a DNS subdomain name in a namespace, and its spec.
func ValidateLease(l *Lease) field.ErrorList {
	errs := meta.ValidateObjectMeta(&l.ObjectMeta, true, validation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(errs, validateLeaseSpec(&l.Spec, field.NewPath("spec"))...)
}

// ValidateLeaseUpdate checks a change to a Lease.
func ValidateLeaseUpdate(l, old *Lease) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&l.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, validateLeaseSpec(&l.Spec, field.NewPath("spec"))...)
}

var validStrategies = []CoordinatedLeaseStrategy{OldestEmulationVersion}

// validateLeaseSpec checks a positive leaseDurationSeconds, non-negative leaseTransitions, a known
// (or domain-qualified) strategy, and preferredHolder only with a strategy.
func validateLeaseSpec(spec *LeaseSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if d := spec.LeaseDurationSeconds; d != nil && *d <= 0 {
		errs = append(errs, field.Invalid(p.Child("leaseDurationSeconds"), d, "must be greater than 0"))
	}
	if t := spec.LeaseTransitions; t != nil && *t < 0 {
		errs = append(errs, field.Invalid(p.Child("leaseTransitions"), t, validation.IsNegativeErrorMsg))
	}
	if s := spec.Strategy; s != nil {
		sp := p.Child("strategy")
		if !strings.Contains(string(*s), "/") {
			found := false
			for _, v := range validStrategies {
				found = found || *s == v
			}
			if !found {
				errs = append(errs, field.NotSupported(sp, *s, validStrategies))
			}
		} else {
			errs = append(errs, validation.ValidateQualifiedName(string(*s), sp)...)
		}
	}
	if spec.PreferredHolder != nil && *spec.PreferredHolder != "" && (spec.Strategy == nil || *spec.Strategy == "") {
		errs = append(errs, field.Forbidden(p.Child("preferredHolder"), "may only be specified if `strategy` is defined"))
	}
	return errs
}
