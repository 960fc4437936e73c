package noderesources

import (
	"math"
	"strings"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// resourceKind lets the scorers read cpu, memory and ephemeral storage from a NodeInfo's fields
// without a map lookup per node.
type resourceKind uint8

const (
	kindCPU resourceKind = iota
	kindMemory
	kindEphemeralStorage
	// kindScalar is an extended resource or huge pages: scored only when the pod requests it.
	kindScalar
	// kindOther is a resource NodeInfo does not track as a scalar ("pods", "storage"): it is
	// looked up among the scalars like any other name, and so normally not scored.
	kindOther
)

type scoredResource struct {
	name   core.ResourceName
	kind   resourceKind
	weight int64
}

func newScoredResources(specs []ResourceSpec) []scoredResource {
	out := make([]scoredResource, len(specs))
	for i, s := range specs {
		name := core.ResourceName(s.Name)
		kind := kindOther
		switch {
		case name == core.ResourceCPU:
			kind = kindCPU
		case name == core.ResourceMemory:
			kind = kindMemory
		case name == core.ResourceEphemeralStorage:
			kind = kindEphemeralStorage
		case isScalarResourceName(name):
			kind = kindScalar
		}
		out[i] = scoredResource{name: name, kind: kind, weight: s.Weight}
	}
	return out
}

// isScalarResourceName is Kubernetes' test of a resource kept in Resource.ScalarResources:
// extended resources, huge pages, kubernetes.io-prefixed resources and attachable volumes.
func isScalarResourceName(name core.ResourceName) bool {
	s := string(name)
	return core.IsExtendedResourceName(name) || core.IsHugePageResourceName(name) ||
		strings.Contains(s, core.ResourceDefaultNamespacePrefix) || strings.HasPrefix(s, "attachable-volumes-")
}

// strategy is the function of (requested, allocatable) per resource that gives a node's score.
type strategy uint8

const (
	strategyLeast strategy = iota
	strategyMost
	strategyRatio
	strategyBalanced
)

// inlineResources is how many scored resources fit the scorers' stack buffers; more is allowed
// but costs an allocation per node.
const inlineResources = 8

// resourceAllocationScorer scores a node from the requests on it plus the pod's, over a list
// of resources. It is shared, read-only, by Fit and BalancedAllocation.
type resourceAllocationScorer struct {
	resources []scoredResource
	strategy  strategy
	// useRequested scores cpu and memory by the pods' actual requests; otherwise pods and
	// containers without a cpu or memory request count the scheduler's defaults (100m, 200Mi),
	// so that a node full of best-effort pods does not look empty.
	useRequested bool
	// shape is RequestedToCapacityRatio's, with scores already scaled to MaxNodeScore.
	shape []shapePoint
}

// podRequests returns the pod's request of each scored resource, in the scorer's order.
func (r *resourceAllocationScorer) podRequests(pod *core.Pod) []int64 {
	req := framework.PodRequests(pod, !r.useRequested)
	out := make([]int64, len(r.resources))
	for i, res := range r.resources {
		switch res.kind {
		case kindCPU:
			out[i] = req.MilliCPU
		case kindMemory:
			out[i] = req.Memory
		case kindEphemeralStorage:
			out[i] = req.EphemeralStorage
		default:
			out[i] = req.ScalarResources[res.name]
		}
	}
	return out
}

// allocatableRequested returns a resource's allocatable on the node and what is requested there
// with the pod, or (0, 0) when the resource is not to be scored on this node: an extended
// resource the pod does not request, or one the node does not have.
func (r *resourceAllocationScorer) allocatableRequested(ni *framework.NodeInfo, res *scoredResource, podRequest int64) (int64, int64) {
	requested := ni.NonZeroRequested
	if r.useRequested {
		requested = ni.Requested
	}
	if podRequest == 0 && res.kind == kindScalar {
		return 0, 0
	}
	switch res.kind {
	case kindCPU:
		return ni.Allocatable.MilliCPU, requested.MilliCPU + podRequest
	case kindMemory:
		return ni.Allocatable.Memory, requested.Memory + podRequest
	case kindEphemeralStorage:
		return ni.Allocatable.EphemeralStorage, ni.Requested.EphemeralStorage + podRequest
	}
	if alloc, ok := ni.Allocatable.ScalarResources[res.name]; ok {
		return alloc, ni.Requested.ScalarResources[res.name] + podRequest
	}
	return 0, 0
}

// score scores a node for a pod whose requests (from podRequests) are given. It allocates only
// when more than inlineResources resources are scored.
func (r *resourceAllocationScorer) score(ni *framework.NodeInfo, podRequests []int64) (int64, *framework.Status) {
	if ni.Node() == nil {
		return 0, framework.NewStatus(framework.Error, "node not found")
	}
	n := len(r.resources)
	if n == 0 {
		return 0, framework.NewStatus(framework.Error, "resources not found")
	}
	var reqBuf, allocBuf [inlineResources]int64
	requested, allocatable := reqBuf[:0], allocBuf[:0]
	if n > inlineResources {
		requested, allocatable = make([]int64, 0, n), make([]int64, 0, n)
	}
	requested, allocatable = requested[:n], allocatable[:n]
	for i := range r.resources {
		alloc, req := r.allocatableRequested(ni, &r.resources[i], podRequests[i])
		if alloc == 0 {
			// Left at zero, the resource is skipped by every strategy.
			requested[i], allocatable[i] = 0, 0
			continue
		}
		requested[i], allocatable[i] = req, alloc
	}
	switch r.strategy {
	case strategyLeast:
		return leastAllocatedScore(r.resources, requested, allocatable), nil
	case strategyMost:
		return mostAllocatedScore(r.resources, requested, allocatable), nil
	case strategyRatio:
		return requestedToCapacityRatioScore(r.shape, r.resources, requested, allocatable), nil
	default:
		return balancedResourceScore(requested, allocatable), nil
	}
}

// leastAllocatedScore is the weighted mean over resources of the share left free:
// (allocatable-requested)*MaxNodeScore/allocatable, 0 when over-committed.
func leastAllocatedScore(res []scoredResource, requested, allocatable []int64) int64 {
	var score, weights int64
	for i := range requested {
		if allocatable[i] == 0 {
			continue
		}
		var s int64
		if requested[i] <= allocatable[i] {
			s = (allocatable[i] - requested[i]) * framework.MaxNodeScore / allocatable[i]
		}
		score += s * res[i].weight
		weights += res[i].weight
	}
	if weights == 0 {
		return 0
	}
	return score / weights
}

// mostAllocatedScore is the weighted mean over resources of the share requested, capped at
// MaxNodeScore: requests can exceed allocatable because of the defaults given to pods without
// requests.
func mostAllocatedScore(res []scoredResource, requested, allocatable []int64) int64 {
	var score, weights int64
	for i := range requested {
		if allocatable[i] == 0 {
			continue
		}
		req := min(requested[i], allocatable[i])
		score += req * framework.MaxNodeScore / allocatable[i] * res[i].weight
		weights += res[i].weight
	}
	if weights == 0 {
		return 0
	}
	return score / weights
}

// balancedResourceScore is (1 - the standard deviation of the requested shares) * MaxNodeScore:
// a node whose resources are used evenly scores high. With two resources the deviation is half
// their difference.
func balancedResourceScore(requested, allocatable []int64) int64 {
	var fracBuf [inlineResources]float64
	fractions := fracBuf[:0]
	var total float64
	for i := range requested {
		if allocatable[i] == 0 {
			continue
		}
		f := min(float64(requested[i])/float64(allocatable[i]), 1)
		total += f
		fractions = append(fractions, f)
	}
	var std float64
	switch {
	case len(fractions) == 2:
		std = math.Abs((fractions[0] - fractions[1]) / 2)
	case len(fractions) > 2:
		mean := total / float64(len(fractions))
		var sum float64
		for _, f := range fractions {
			sum += (f - mean) * (f - mean)
		}
		std = math.Sqrt(sum / float64(len(fractions)))
	}
	return int64((1 - std) * float64(framework.MaxNodeScore))
}

// shapePoint is a RequestedToCapacityRatio point with its score on the MaxNodeScore scale.
type shapePoint struct {
	utilization, score int64
}

func newShape(points []UtilizationShapePoint) []shapePoint {
	out := make([]shapePoint, len(points))
	for i, p := range points {
		out[i] = shapePoint{utilization: int64(p.Utilization), score: int64(p.Score) * (framework.MaxNodeScore / MaxCustomPriorityScore)}
	}
	return out
}

// at evaluates the broken line through the shape's points at utilization p: flat before the
// first point and after the last, linear (rounding down) between points.
func shapeAt(shape []shapePoint, p int64) int64 {
	for i := range shape {
		if p <= shape[i].utilization {
			if i == 0 {
				return shape[0].score
			}
			a, b := shape[i-1], shape[i]
			return a.score + (b.score-a.score)*(p-a.utilization)/(b.utilization-a.utilization)
		}
	}
	return shape[len(shape)-1].score
}

const maxUtilization = 100

// requestedToCapacityRatioScore is the weighted mean, rounded, of the shape at each resource's
// utilization; resources scoring 0 do not count, as in Kubernetes.
func requestedToCapacityRatioScore(shape []shapePoint, res []scoredResource, requested, allocatable []int64) int64 {
	var score, weights int64
	for i := range requested {
		if allocatable[i] == 0 {
			continue
		}
		var s int64
		if requested[i] > allocatable[i] {
			s = shapeAt(shape, maxUtilization)
		} else {
			s = shapeAt(shape, requested[i]*maxUtilization/allocatable[i])
		}
		if s > 0 {
			score += s * res[i].weight
			weights += res[i].weight
		}
	}
	if weights == 0 {
		return 0
	}
	return int64(math.Round(float64(score) / float64(weights)))
}
