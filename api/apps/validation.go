package apps

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
)

// Name rules of the apps kinds.
var (
	ValidateDeploymentName = validation.NameIsDNSSubdomain
	ValidateReplicaSetName = validation.NameIsDNSSubdomain
)

// ValidateDeployment checks a Deployment being created.
func ValidateDeployment(d *Deployment) field.ErrorList {
	errs := meta.ValidateObjectMeta(&d.ObjectMeta, true, ValidateDeploymentName, field.NewPath("metadata"))
	return append(errs, validateDeploymentSpec(&d.Spec, field.NewPath("spec"))...)
}

// ValidateDeploymentUpdate checks a change to a Deployment; the selector may not change.
func ValidateDeploymentUpdate(d, old *Deployment) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&d.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validateDeploymentSpec(&d.Spec, field.NewPath("spec"))...)
	return append(errs, validateSelectorUnchanged(d.Spec.Selector, old.Spec.Selector)...)
}

// ValidateDeploymentStatusUpdate checks a write to deployments/status: counts are non-negative and
// consistent, and collisionCount never goes down.
func ValidateDeploymentStatusUpdate(d, old *Deployment) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&d.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	p := field.NewPath("status")
	s := &d.Status
	errs = append(errs, validation.ValidateNonnegativeField(s.ObservedGeneration, p.Child("observedGeneration"))...)
	errs = append(errs, nonNegative(p, map[string]int32{
		"replicas": s.Replicas, "updatedReplicas": s.UpdatedReplicas, "readyReplicas": s.ReadyReplicas,
		"availableReplicas": s.AvailableReplicas, "unavailableReplicas": s.UnavailableReplicas,
	})...)
	if s.TerminatingReplicas != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*s.TerminatingReplicas), p.Child("terminatingReplicas"))...)
	}
	if s.CollisionCount != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*s.CollisionCount), p.Child("collisionCount"))...)
	}
	const msg = "cannot be greater than status.replicas"
	if s.UpdatedReplicas > s.Replicas {
		errs = append(errs, field.Invalid(p.Child("updatedReplicas"), s.UpdatedReplicas, msg))
	}
	if s.ReadyReplicas > s.Replicas {
		errs = append(errs, field.Invalid(p.Child("readyReplicas"), s.ReadyReplicas, msg))
	}
	if s.AvailableReplicas > s.Replicas {
		errs = append(errs, field.Invalid(p.Child("availableReplicas"), s.AvailableReplicas, msg))
	}
	if s.AvailableReplicas > s.ReadyReplicas {
		errs = append(errs, field.Invalid(p.Child("availableReplicas"), s.AvailableReplicas, "cannot be greater than readyReplicas"))
	}
	if decremented(s.CollisionCount, old.Status.CollisionCount) {
		var v int32
		if s.CollisionCount != nil {
			v = *s.CollisionCount
		}
		errs = append(errs, field.Invalid(p.Child("collisionCount"), v, "cannot be decremented"))
	}
	return errs
}

func decremented(v, old *int32) bool {
	if v == nil {
		return old != nil
	}
	return old != nil && *v < *old
}

// nonNegative checks named counters under p, in a stable order.
func nonNegative(p *field.Path, counts map[string]int32) field.ErrorList {
	var errs field.ErrorList
	for _, name := range slices.Sorted(maps.Keys(counts)) {
		errs = append(errs, validation.ValidateNonnegativeField(int64(counts[name]), p.Child(name))...)
	}
	return errs
}

func validateDeploymentSpec(spec *DeploymentSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if spec.Replicas != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*spec.Replicas), p.Child("replicas"))...)
	}
	errs = append(errs, validateSelectorAndTemplate(spec.Selector, &spec.Template, p)...)
	errs = append(errs, validateStrategy(&spec.Strategy, p.Child("strategy"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(spec.MinReadySeconds), p.Child("minReadySeconds"))...)
	if spec.RevisionHistoryLimit != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*spec.RevisionHistoryLimit), p.Child("revisionHistoryLimit"))...)
	}
	if pds := spec.ProgressDeadlineSeconds; pds != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*pds), p.Child("progressDeadlineSeconds"))...)
		if *pds <= spec.MinReadySeconds {
			errs = append(errs, field.Invalid(p.Child("progressDeadlineSeconds"), pds, "must be greater than minReadySeconds"))
		}
	}
	return errs
}

// validateSelectorAndTemplate checks the selector (required, valid, not empty) and the template,
// which must carry labels the selector matches and restart its containers Always.
func validateSelectorAndTemplate(sel *meta.LabelSelector, t *core.PodTemplateSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	selPath, tPath := p.Child("selector"), p.Child("template")
	selectorOK := true
	if sel == nil {
		errs = append(errs, field.Required(selPath, ""))
	} else {
		serrs := meta.ValidateLabelSelector(sel, meta.LabelSelectorOptions{}, selPath)
		errs = append(errs, serrs...)
		selectorOK = len(serrs) == 0
		if len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
			errs = append(errs, field.Invalid(selPath, sel, "empty selector is invalid for deployment"))
		}
	}
	if !selectorOK {
		return append(errs, field.Invalid(selPath, sel, "invalid label selector"))
	}
	// An empty selector matches everything, so Kubernetes skips the check; a nil one matches nothing.
	if (sel == nil || len(sel.MatchLabels)+len(sel.MatchExpressions) > 0) && !meta.LabelSelectorMatches(sel, t.Labels) {
		errs = append(errs, field.Invalid(tPath.Child("metadata", "labels"), t.Labels, "`selector` does not match template `labels`"))
	}
	errs = append(errs, core.ValidatePodTemplateSpec(t, tPath)...)
	if t.Spec.RestartPolicy != core.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(tPath.Child("spec", "restartPolicy"), t.Spec.RestartPolicy, []string{string(core.RestartPolicyAlways)}))
	}
	if t.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(tPath.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicaSet is not Supported"))
	}
	return errs
}

func validateSelectorUnchanged(sel, old *meta.LabelSelector) field.ErrorList {
	if !equality.DeepEqual(sel, old) {
		return field.ErrorList{field.Invalid(field.NewPath("spec", "selector"), sel, validation.FieldImmutableErrorMsg)}
	}
	return nil
}

func validateStrategy(s *DeploymentStrategy, p *field.Path) field.ErrorList {
	switch s.Type {
	case RecreateDeploymentStrategyType:
		if s.RollingUpdate != nil {
			return field.ErrorList{field.Forbidden(p.Child("rollingUpdate"), "may not be specified when strategy `type` is '"+string(RecreateDeploymentStrategyType)+"'")}
		}
	case RollingUpdateDeploymentStrategyType:
		if s.RollingUpdate == nil {
			return field.ErrorList{field.Required(p.Child("rollingUpdate"), "this should be defaulted and never be nil")}
		}
		return validateRollingUpdate(s.RollingUpdate, p.Child("rollingUpdate"))
	default:
		return field.ErrorList{field.NotSupported(p, s, []string{string(RecreateDeploymentStrategyType), string(RollingUpdateDeploymentStrategyType)})}
	}
	return nil
}

func validateRollingUpdate(ru *RollingUpdateDeployment, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	unPath, surgePath := p.Child("maxUnavailable"), p.Child("maxSurge")
	var unavailable, surge intstr.IntOrString
	if ru.MaxUnavailable != nil {
		unavailable = *ru.MaxUnavailable
		errs = append(errs, validatePositiveIntOrPercent(unavailable, unPath)...)
	}
	if ru.MaxSurge != nil {
		surge = *ru.MaxSurge
		errs = append(errs, validatePositiveIntOrPercent(surge, surgePath)...)
	}
	if intOrPercentValue(unavailable) == 0 && intOrPercentValue(surge) == 0 {
		errs = append(errs, field.Invalid(unPath, ru.MaxUnavailable, "may not be 0 when `maxSurge` is 0"))
	}
	if v, ok := percentValue(unavailable); ok && v > 100 {
		errs = append(errs, field.Invalid(unPath, ru.MaxUnavailable, "must not be greater than 100%"))
	}
	return errs
}

// validatePositiveIntOrPercent checks a non-negative number or a percentage such as "25%".
func validatePositiveIntOrPercent(v intstr.IntOrString, p *field.Path) field.ErrorList {
	switch v.Type {
	case intstr.String:
		var errs field.ErrorList
		for _, msg := range validation.IsValidPercent(v.StrVal) {
			errs = append(errs, field.Invalid(p, v.StrVal, msg))
		}
		return errs
	case intstr.Int:
		return validation.ValidateNonnegativeField(int64(v.IntValue()), p)
	}
	return field.ErrorList{field.Invalid(p, v, "must be an integer or percentage (e.g '5%')")}
}

// percentValue returns the number of a valid percentage.
func percentValue(v intstr.IntOrString) (int, bool) {
	if v.Type != intstr.String || len(validation.IsValidPercent(v.StrVal)) != 0 {
		return 0, false
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	return n, true
}

// intOrPercentValue is the number of a percentage or of an integer (a string that is neither reads
// as its integer value, 0 when it has none, as in Kubernetes).
func intOrPercentValue(v intstr.IntOrString) int {
	if n, ok := percentValue(v); ok {
		return n
	}
	if v.Type == intstr.String {
		n, _ := strconv.Atoi(v.StrVal)
		return n
	}
	return v.IntValue()
}

// ValidateReplicaSet checks a ReplicaSet being created.
func ValidateReplicaSet(rs *ReplicaSet) field.ErrorList {
	errs := meta.ValidateObjectMeta(&rs.ObjectMeta, true, ValidateReplicaSetName, field.NewPath("metadata"))
	return append(errs, validateReplicaSetSpec(&rs.Spec, field.NewPath("spec"))...)
}

// ValidateReplicaSetUpdate checks a change to a ReplicaSet; the selector may not change.
func ValidateReplicaSetUpdate(rs, old *ReplicaSet) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&rs.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validateReplicaSetSpec(&rs.Spec, field.NewPath("spec"))...)
	return append(errs, validateSelectorUnchanged(rs.Spec.Selector, old.Spec.Selector)...)
}

// ValidateReplicaSetStatusUpdate checks a write to replicasets/status: counts are non-negative and
// consistent.
func ValidateReplicaSetStatusUpdate(rs, old *ReplicaSet) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&rs.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	p := field.NewPath("status")
	s := &rs.Status
	errs = append(errs, nonNegative(p, map[string]int32{
		"replicas": s.Replicas, "fullyLabeledReplicas": s.FullyLabeledReplicas,
		"readyReplicas": s.ReadyReplicas, "availableReplicas": s.AvailableReplicas,
	})...)
	errs = append(errs, validation.ValidateNonnegativeField(s.ObservedGeneration, p.Child("observedGeneration"))...)
	if s.TerminatingReplicas != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*s.TerminatingReplicas), p.Child("terminatingReplicas"))...)
	}
	const msg = "cannot be greater than status.replicas"
	if s.FullyLabeledReplicas > s.Replicas {
		errs = append(errs, field.Invalid(p.Child("fullyLabeledReplicas"), s.FullyLabeledReplicas, msg))
	}
	if s.ReadyReplicas > s.Replicas {
		errs = append(errs, field.Invalid(p.Child("readyReplicas"), s.ReadyReplicas, msg))
	}
	if s.AvailableReplicas > s.Replicas {
		errs = append(errs, field.Invalid(p.Child("availableReplicas"), s.AvailableReplicas, msg))
	}
	if s.AvailableReplicas > s.ReadyReplicas {
		errs = append(errs, field.Invalid(p.Child("availableReplicas"), s.AvailableReplicas, "cannot be greater than readyReplicas"))
	}
	return errs
}

func validateReplicaSetSpec(spec *ReplicaSetSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if spec.Replicas != nil {
		errs = append(errs, validation.ValidateNonnegativeField(int64(*spec.Replicas), p.Child("replicas"))...)
	}
	errs = append(errs, validation.ValidateNonnegativeField(int64(spec.MinReadySeconds), p.Child("minReadySeconds"))...)
	return append(errs, validateSelectorAndTemplate(spec.Selector, &spec.Template, p)...)
}
