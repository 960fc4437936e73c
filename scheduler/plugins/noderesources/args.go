package noderesources

import (
	"fmt"
	"slices"
	"strings"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
)

// ScoringStrategyType names how NodeResourcesFit scores a node.
type ScoringStrategyType string

// The scoring strategies, as Kubernetes spells them in the scheduler's configuration.
const (
	// LeastAllocated prefers nodes with the most free resources, spreading pods out (the default).
	LeastAllocated ScoringStrategyType = "LeastAllocated"
	// MostAllocated prefers the fullest nodes, packing pods onto few nodes.
	MostAllocated ScoringStrategyType = "MostAllocated"
	// RequestedToCapacityRatio scores each resource's utilization through a piecewise linear
	// shape, which can express either of the above or anything in between.
	RequestedToCapacityRatio ScoringStrategyType = "RequestedToCapacityRatio"
)

// MaxCustomPriorityScore is the highest score a RequestedToCapacityRatio shape point may give;
// shape scores are scaled by framework.MaxNodeScore/MaxCustomPriorityScore.
const MaxCustomPriorityScore = 10

// ResourceSpec is a resource a strategy scores, with its weight.
type ResourceSpec struct {
	Name   string `json:"name"`
	Weight int64  `json:"weight,omitempty"`
}

// UtilizationShapePoint is one point of a RequestedToCapacityRatio shape: the score (0 to
// MaxCustomPriorityScore) at a utilization (0 to 100 percent).
type UtilizationShapePoint struct {
	Utilization int32 `json:"utilization"`
	Score       int32 `json:"score"`
}

// RequestedToCapacityRatioParam is the shape of the RequestedToCapacityRatio strategy: points
// in increasing utilization, joined by straight lines.
type RequestedToCapacityRatioParam struct {
	Shape []UtilizationShapePoint `json:"shape,omitempty"`
}

// ScoringStrategy is how NodeResourcesFit scores nodes, and over which resources.
type ScoringStrategy struct {
	Type ScoringStrategyType `json:"type,omitempty"`
	// Resources are scored together, each with its weight; cpu and memory (weight 1) when empty.
	Resources []ResourceSpec `json:"resources,omitempty"`
	// RequestedToCapacityRatio is required with that strategy and ignored with the others.
	RequestedToCapacityRatio *RequestedToCapacityRatioParam `json:"requestedToCapacityRatio,omitempty"`
}

// FitArgs are NodeResourcesFit's arguments (Kubernetes' NodeResourcesFitArgs).
type FitArgs struct {
	meta.TypeMeta `json:",inline"`
	// IgnoredResources are extended resources the filter does not check ("example.com/foo").
	IgnoredResources []string `json:"ignoredResources,omitempty"`
	// IgnoredResourceGroups are domains of extended resources the filter does not check
	// ("example.com" ignores "example.com/foo" and "example.com/bar").
	IgnoredResourceGroups []string `json:"ignoredResourceGroups,omitempty"`
	// ScoringStrategy defaults to LeastAllocated over cpu and memory, each of weight 1.
	ScoringStrategy *ScoringStrategy `json:"scoringStrategy,omitempty"`
}

// BalancedAllocationArgs are NodeResourcesBalancedAllocation's arguments (Kubernetes'
// NodeResourcesBalancedAllocationArgs).
type BalancedAllocationArgs struct {
	meta.TypeMeta `json:",inline"`
	// Resources whose utilization should be balanced; cpu and memory when empty. Every weight
	// must be 1: the standard deviation treats all resources alike.
	Resources []ResourceSpec `json:"resources,omitempty"`
}

func defaultResources() []ResourceSpec {
	return []ResourceSpec{{Name: string(core.ResourceCPU), Weight: 1}, {Name: string(core.ResourceMemory), Weight: 1}}
}

// SetDefaults fills in what Kubernetes' v1 defaulting fills in: the LeastAllocated strategy,
// cpu and memory when no resources are named, and weight 1 where a weight is 0.
func (a *FitArgs) SetDefaults() {
	if a.ScoringStrategy == nil {
		a.ScoringStrategy = &ScoringStrategy{Type: LeastAllocated}
	}
	s := a.ScoringStrategy
	if len(s.Resources) == 0 {
		s.Resources = defaultResources()
	}
	for i := range s.Resources {
		if s.Resources[i].Weight == 0 {
			s.Resources[i].Weight = 1
		}
	}
}

// Validate reports what Kubernetes rejects in NodeResourcesFitArgs, as field errors under path.
func (a *FitArgs) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, r := range a.IgnoredResources {
		errs = append(errs, validation.ValidateLabelName(r, path.Child("ignoredResources").Index(i))...)
	}
	for i, g := range a.IgnoredResourceGroups {
		p := path.Child("ignoredResourceGroups").Index(i)
		if strings.Contains(g, "/") {
			errs = append(errs, field.Invalid(p, g, "resource group name can't contain '/'"))
		}
		errs = append(errs, validation.ValidateLabelName(g, p)...)
	}
	if s := a.ScoringStrategy; s != nil {
		sp := path.Child("scoringStrategy")
		supported := []ScoringStrategyType{LeastAllocated, MostAllocated, RequestedToCapacityRatio}
		if !slices.Contains(supported, s.Type) {
			errs = append(errs, field.NotSupported(sp.Child("type"), s.Type, supported))
		}
		errs = append(errs, validateResources(s.Resources, sp.Child("resources"))...)
		if s.RequestedToCapacityRatio != nil {
			errs = append(errs, validateShape(s.RequestedToCapacityRatio.Shape, sp.Child("shape"))...)
		} else if s.Type == RequestedToCapacityRatio {
			// Kubernetes would dereference a nil shape here; refusing the args says what is wrong.
			errs = append(errs, field.Required(sp.Child("requestedToCapacityRatio"), "required with the RequestedToCapacityRatio strategy"))
		}
	}
	return errs
}

// SetDefaults uses cpu and memory when no resources are named, and weight 1 where it is 0.
func (a *BalancedAllocationArgs) SetDefaults() {
	if len(a.Resources) == 0 {
		a.Resources = defaultResources()
		return
	}
	for i := range a.Resources {
		if a.Resources[i].Weight == 0 {
			a.Resources[i].Weight = 1
		}
	}
}

// Validate reports duplicate resources and weights other than 1, as Kubernetes does.
func (a *BalancedAllocationArgs) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, r := range a.Resources {
		p := path.Child("resources").Index(i)
		if seen[r.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), r.Name))
		}
		seen[r.Name] = true
		if r.Weight != 1 {
			errs = append(errs, field.Invalid(p.Child("weight"), r.Weight, "must be 1"))
		}
	}
	return errs
}

func validateResources(rs []ResourceSpec, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, r := range rs {
		if r.Weight <= 0 || r.Weight > 100 {
			errs = append(errs, field.Invalid(path.Index(i).Child("weight"), r.Weight,
				fmt.Sprintf("resource weight of %v not in valid range (0, 100]", r.Name)))
		}
	}
	return errs
}

func validateShape(shape []UtilizationShapePoint, path *field.Path) field.ErrorList {
	if len(shape) == 0 {
		return field.ErrorList{field.Required(path, "at least one point must be specified")}
	}
	var errs field.ErrorList
	for i := 1; i < len(shape); i++ {
		if shape[i-1].Utilization >= shape[i].Utilization {
			errs = append(errs, field.Invalid(path.Index(i).Child("utilization"), shape[i].Utilization, "values must be sorted in increasing order"))
			break
		}
	}
	for i, pt := range shape {
		if pt.Utilization < 0 || pt.Utilization > 100 {
			errs = append(errs, field.Invalid(path.Index(i).Child("utilization"), pt.Utilization, "not in valid range [0, 100]"))
		}
		if pt.Score < 0 || pt.Score > MaxCustomPriorityScore {
			errs = append(errs, field.Invalid(path.Index(i).Child("score"), pt.Score, fmt.Sprintf("not in valid range [0, %d]", MaxCustomPriorityScore)))
		}
	}
	return errs
}
