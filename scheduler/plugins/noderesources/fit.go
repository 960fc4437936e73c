package noderesources

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Name is the plugin's name in the registry and in the scheduler's configuration.
const Name = "NodeResourcesFit"

const (
	preFilterStateKey framework.StateKey = "PreFilter" + Name
	preScoreStateKey  framework.StateKey = "PreScore" + Name
)

// The reasons the filter gives, as users see them in FailedScheduling events
// ("0/3 nodes are available: 2 Insufficient cpu, 1 Too many pods.").
const (
	ReasonTooManyPods                  = "Too many pods"
	ReasonInsufficientCPU              = "Insufficient cpu"
	ReasonInsufficientMemory           = "Insufficient memory"
	ReasonInsufficientEphemeralStorage = "Insufficient ephemeral-storage"
)

// Single-reason lists shared by every rejection with that one reason, so that rejecting a node
// allocates only its Status. Their length equals their capacity: appending to one copies it.
var (
	tooManyPodsReasons     = []string{ReasonTooManyPods}
	insufficientCPUReasons = []string{ReasonInsufficientCPU}
	insufficientMemReasons = []string{ReasonInsufficientMemory}
	insufficientEphReasons = []string{ReasonInsufficientEphemeralStorage}
)

// errPreFilterStateAbsent is Filter's error when PreFilter did not run in the cycle.
var errPreFilterStateAbsent = fmt.Errorf("noderesources: reading %q from the cycle state", preFilterStateKey)

// Fit is the NodeResourcesFit plugin: its filter rejects nodes without room for the pod's
// requests (or for one more pod), and its score ranks nodes by the configured strategy.
type Fit struct {
	handle                framework.Handle
	ignoredResources      map[string]bool
	ignoredResourceGroups map[string]bool
	resourceAllocationScorer
}

var (
	_ framework.PreFilterPlugin   = (*Fit)(nil)
	_ framework.FilterPlugin      = (*Fit)(nil)
	_ framework.PreScorePlugin    = (*Fit)(nil)
	_ framework.ScorePlugin       = (*Fit)(nil)
	_ framework.EnqueueExtensions = (*Fit)(nil)
)

// New makes the plugin from its FitArgs (JSON; nil for the defaults).
func New(_ context.Context, args json.RawMessage, h framework.Handle) (framework.Plugin, error) {
	var a FitArgs
	if err := framework.DecodeArgs(args, &a); err != nil {
		return nil, fmt.Errorf("noderesources: %s: %w", Name, err)
	}
	a.SetDefaults()
	if err := a.Validate(nil).ToAggregate(); err != nil {
		return nil, fmt.Errorf("noderesources: %s args: %w", Name, err)
	}
	s := a.ScoringStrategy
	scorer := resourceAllocationScorer{resources: newScoredResources(s.Resources)}
	switch s.Type {
	case LeastAllocated:
		scorer.strategy = strategyLeast
	case MostAllocated:
		scorer.strategy = strategyMost
	case RequestedToCapacityRatio:
		scorer.strategy = strategyRatio
		scorer.shape = newShape(s.RequestedToCapacityRatio.Shape)
	}
	f := &Fit{
		handle:                   h,
		ignoredResources:         map[string]bool{},
		ignoredResourceGroups:    map[string]bool{},
		resourceAllocationScorer: scorer,
	}
	for _, r := range a.IgnoredResources {
		f.ignoredResources[r] = true
	}
	for _, g := range a.IgnoredResourceGroups {
		f.ignoredResourceGroups[g] = true
	}
	return f, nil
}

// Name returns Name.
func (f *Fit) Name() string { return Name }

// scalarRequest is an extended resource or huge pages request the filter checks.
type scalarRequest struct {
	name     core.ResourceName
	quantity int64
	// reasons is the one-element reason list for this resource alone.
	reasons []string
}

// preFilterState is the pod's requests, computed once per cycle. It is never changed after
// PreFilter, so Clone shares it.
type preFilterState struct {
	framework.Resource
	// scalars are the non-zero scalar requests not ignored by the args, sorted by name so that
	// reasons come in a stable order.
	scalars []scalarRequest
	// empty: the pod requests nothing, and only the pod count can reject it.
	empty bool
}

// Clone returns s: the state is read-only.
func (s *preFilterState) Clone() framework.StateData { return s }

func (f *Fit) computePreFilterState(pod *core.Pod) *preFilterState {
	req := framework.PodRequests(pod, false)
	s := &preFilterState{Resource: *req}
	s.empty = req.MilliCPU == 0 && req.Memory == 0 && req.EphemeralStorage == 0 && len(req.ScalarResources) == 0
	for _, name := range slices.Sorted(maps.Keys(req.ScalarResources)) {
		q := req.ScalarResources[name]
		if q == 0 || f.ignored(name) {
			continue
		}
		reason := "Insufficient " + string(name)
		s.scalars = append(s.scalars, scalarRequest{name: name, quantity: q, reasons: []string{reason}})
	}
	return s
}

// ignored reports whether the args tell the filter to skip an extended resource, by name or by
// its domain.
func (f *Fit) ignored(name core.ResourceName) bool {
	if !core.IsExtendedResourceName(name) {
		return false
	}
	if f.ignoredResources[string(name)] {
		return true
	}
	if len(f.ignoredResourceGroups) == 0 {
		return false
	}
	group, _, _ := strings.Cut(string(name), "/")
	return f.ignoredResourceGroups[group]
}

// PreFilter computes the pod's requests: the sum of its containers' and sidecars', or the
// largest init container's if more, plus the pod's overhead.
func (f *Fit) PreFilter(_ context.Context, state *framework.CycleState, pod *core.Pod) (*framework.PreFilterResult, *framework.Status) {
	state.Write(preFilterStateKey, f.computePreFilterState(pod))
	return nil, nil
}

// PreFilterExtensions returns nil: the pod's requests do not depend on other pods.
func (f *Fit) PreFilterExtensions() framework.PreFilterExtensions { return nil }

func getPreFilterState(state *framework.CycleState) (*preFilterState, error) {
	c, err := state.Read(preFilterStateKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errPreFilterStateAbsent, err)
	}
	s, ok := c.(*preFilterState)
	if !ok {
		return nil, fmt.Errorf("noderesources: %T in the cycle state under %q", c, preFilterStateKey)
	}
	return s, nil
}

// InsufficientResource is a resource a node lacks for a pod: the pod's request, what pods on
// the node already request, and the node's allocatable.
type InsufficientResource struct {
	ResourceName core.ResourceName
	// Reason is the filter's reason for this resource ("Insufficient cpu").
	Reason    string
	Requested int64
	Used      int64
	Capacity  int64
}

// Filter rejects (Unschedulable) a node that already runs as many pods as it allows, or whose
// allocatable, less what its pods request, is below the pod's request of any resource; the
// status lists one reason per lacking resource.
func (f *Fit) Filter(_ context.Context, state *framework.CycleState, _ *core.Pod, ni *framework.NodeInfo) *framework.Status {
	s, err := getPreFilterState(state)
	if err != nil {
		return framework.AsStatus(err)
	}
	var buf [4]InsufficientResource
	lacking := fitsRequest(s, ni, buf[:0])
	switch len(lacking) {
	case 0:
		return nil
	case 1:
		return framework.NewStatus(framework.Unschedulable, singleReason(s, lacking[0])...)
	}
	reasons := make([]string, len(lacking))
	for i := range lacking {
		reasons[i] = lacking[i].Reason
	}
	return framework.NewStatus(framework.Unschedulable, reasons...)
}

// singleReason returns the shared one-element reason list for a resource.
func singleReason(s *preFilterState, r InsufficientResource) []string {
	switch r.ResourceName {
	case core.ResourcePods:
		return tooManyPodsReasons
	case core.ResourceCPU:
		return insufficientCPUReasons
	case core.ResourceMemory:
		return insufficientMemReasons
	case core.ResourceEphemeralStorage:
		return insufficientEphReasons
	}
	for i := range s.scalars {
		if s.scalars[i].name == r.ResourceName {
			return s.scalars[i].reasons
		}
	}
	return []string{r.Reason}
}

// Fits lists the resources node lacks for pod, ignoring no resource; empty when the pod fits.
// Preemption and autoscalers use it to ask "would the pod fit if ...".
func Fits(pod *core.Pod, ni *framework.NodeInfo) []InsufficientResource {
	f := &Fit{}
	return fitsRequest(f.computePreFilterState(pod), ni, nil)
}

// fitsRequest appends to out what ni lacks for the requests in s.
func fitsRequest(s *preFilterState, ni *framework.NodeInfo, out []InsufficientResource) []InsufficientResource {
	if allowed := ni.Allocatable.AllowedPodNumber; int64(len(ni.Pods))+1 > allowed {
		out = append(out, InsufficientResource{ResourceName: core.ResourcePods, Reason: ReasonTooManyPods,
			Requested: 1, Used: int64(len(ni.Pods)), Capacity: allowed})
	}
	if s.empty {
		return out
	}
	alloc, used := ni.Allocatable, ni.Requested
	if s.MilliCPU > 0 && s.MilliCPU > alloc.MilliCPU-used.MilliCPU {
		out = append(out, InsufficientResource{ResourceName: core.ResourceCPU, Reason: ReasonInsufficientCPU,
			Requested: s.MilliCPU, Used: used.MilliCPU, Capacity: alloc.MilliCPU})
	}
	if s.Memory > 0 && s.Memory > alloc.Memory-used.Memory {
		out = append(out, InsufficientResource{ResourceName: core.ResourceMemory, Reason: ReasonInsufficientMemory,
			Requested: s.Memory, Used: used.Memory, Capacity: alloc.Memory})
	}
	if s.EphemeralStorage > 0 && s.EphemeralStorage > alloc.EphemeralStorage-used.EphemeralStorage {
		out = append(out, InsufficientResource{ResourceName: core.ResourceEphemeralStorage, Reason: ReasonInsufficientEphemeralStorage,
			Requested: s.EphemeralStorage, Used: used.EphemeralStorage, Capacity: alloc.EphemeralStorage})
	}
	for i := range s.scalars {
		r := &s.scalars[i]
		a, u := alloc.ScalarResources[r.name], used.ScalarResources[r.name]
		if r.quantity > a-u {
			out = append(out, InsufficientResource{ResourceName: r.name, Reason: r.reasons[0],
				Requested: r.quantity, Used: u, Capacity: a})
		}
	}
	return out
}

// preScoreState is the pod's request of each scored resource, in the args' order.
type preScoreState struct {
	podRequests []int64
}

// Clone returns s: the state is read-only.
func (s *preScoreState) Clone() framework.StateData { return s }

// PreScore computes the pod's requests of the scored resources once for all nodes.
func (f *Fit) PreScore(_ context.Context, state *framework.CycleState, pod *core.Pod, _ []*framework.NodeInfo) *framework.Status {
	state.Write(preScoreStateKey, &preScoreState{podRequests: f.podRequests(pod)})
	return nil
}

// Score scores the node by the configured strategy (see ScoringStrategyType), from 0 to
// framework.MaxNodeScore.
func (f *Fit) Score(_ context.Context, state *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	return f.score(ni, scorePodRequests(state, preScoreStateKey, &f.resourceAllocationScorer, pod))
}

// scorePodRequests returns the pod's requests from PreScore's state, or computes them when
// PreScore did not run (as when an extender or a test calls Score alone).
func scorePodRequests(state *framework.CycleState, key framework.StateKey, r *resourceAllocationScorer, pod *core.Pod) []int64 {
	if c, err := state.Read(key); err == nil {
		if s, ok := c.(*preScoreState); ok {
			return s.podRequests
		}
	}
	return r.podRequests(pod)
}

// ScoreExtensions returns nil: scores are already on the 0 to MaxNodeScore scale.
func (f *Fit) ScoreExtensions() framework.ScoreExtensions { return nil }

// EventsToRegister returns what can make room for a pod this plugin rejected: an assigned pod
// deleted, a node added, or a node's allocatable changed. (Kubernetes 1.32 with queueing hints
// on and in-place pod resize off, its defaults.)
func (f *Fit) EventsToRegister(_ context.Context) ([]framework.ClusterEventWithHint, error) {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.Delete}, QueueingHintFn: f.isSchedulableAfterPodEvent},
		{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeAllocatable}, QueueingHintFn: f.isSchedulableAfterNodeChange},
	}, nil
}

// isSchedulableAfterPodEvent queues the pod when a pod bound to a node is deleted: that frees
// resources. A deleted pod that was never bound freed nothing.
func (f *Fit) isSchedulableAfterPodEvent(_ *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	deleted, updated := asPod(oldObj), asPod(newObj)
	if updated != nil {
		// Without in-place resize an update to another pod frees no resources.
		return framework.QueueSkip, nil
	}
	if deleted == nil {
		return framework.Queue, fmt.Errorf("noderesources: a pod event without a pod (%T, %T)", oldObj, newObj)
	}
	if deleted.Spec.NodeName == "" {
		return framework.QueueSkip, nil
	}
	return framework.Queue, nil
}

// isSchedulableAfterNodeChange queues the pod when a node is added that could hold it even
// empty, or when an update raised the node's allocatable of something the pod requests (or
// its pod count) and the node could then hold it.
func (f *Fit) isSchedulableAfterNodeChange(pod *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	original, modified := asNode(oldObj), asNode(newObj)
	if modified == nil {
		return framework.Queue, fmt.Errorf("noderesources: a node event without a node (%T, %T)", oldObj, newObj)
	}
	s := f.computePreFilterState(pod)
	ni := framework.NewNodeInfo()
	ni.SetNode(modified)
	if len(fitsRequest(s, ni, nil)) > 0 {
		return framework.QueueSkip, nil
	}
	if original == nil {
		return framework.Queue, nil
	}
	if !anyRequestedResourceIncreased(s, original, modified) {
		return framework.QueueSkip, nil
	}
	return framework.Queue, nil
}

// anyRequestedResourceIncreased reports whether the update raised the allowed pod count or the
// allocatable of a resource the pod requests.
func anyRequestedResourceIncreased(s *preFilterState, original, modified *core.Node) bool {
	before, after := framework.NewResource(original.Status.Allocatable), framework.NewResource(modified.Status.Allocatable)
	if after.AllowedPodNumber > before.AllowedPodNumber {
		return true
	}
	if s.empty {
		return false
	}
	if (s.MilliCPU > 0 && after.MilliCPU > before.MilliCPU) ||
		(s.Memory > 0 && after.Memory > before.Memory) ||
		(s.EphemeralStorage > 0 && after.EphemeralStorage > before.EphemeralStorage) {
		return true
	}
	for name, q := range s.ScalarResources {
		if q != 0 && after.ScalarResources[name] > before.ScalarResources[name] {
			return true
		}
	}
	return false
}

func asPod(o meta.Object) *core.Pod {
	p, _ := o.(*core.Pod)
	return p
}

func asNode(o meta.Object) *core.Node {
	n, _ := o.(*core.Node)
	return n
}
