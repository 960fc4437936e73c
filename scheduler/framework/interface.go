package framework

import (
	"context"
	"time"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// Plugin is what every plugin is: a name, unique in a profile.
type Plugin interface {
	Name() string
}

// PreEnqueuePlugin decides whether a pod may enter the active queue at all (SchedulingGates).
type PreEnqueuePlugin interface {
	Plugin
	PreEnqueue(ctx context.Context, pod *core.Pod) *Status
}

// QueueSortPlugin orders the active queue. A profile has exactly one.
type QueueSortPlugin interface {
	Plugin
	Less(a, b *QueuedPodInfo) bool
}

// PreFilterResult narrows the nodes Filter looks at; nil NodeNames means all.
type PreFilterResult struct {
	NodeNames map[string]bool
}

// AllNodes reports whether the result leaves every node in.
func (r *PreFilterResult) AllNodes() bool { return r == nil || r.NodeNames == nil }

// PreFilterPlugin runs once per pod before Filter, typically to compute what Filter reads from
// the CycleState.
type PreFilterPlugin interface {
	Plugin
	PreFilter(ctx context.Context, state *CycleState, pod *core.Pod) (*PreFilterResult, *Status)
	// PreFilterExtensions lets preemption add and remove pods from what PreFilter computed; nil
	// when the plugin's state does not depend on other pods.
	PreFilterExtensions() PreFilterExtensions
}

// PreFilterExtensions updates a PreFilter's state as if a pod were added to or removed from a node.
type PreFilterExtensions interface {
	AddPod(ctx context.Context, state *CycleState, podToSchedule *core.Pod, podInfoToAdd *PodInfo, nodeInfo *NodeInfo) *Status
	RemovePod(ctx context.Context, state *CycleState, podToSchedule *core.Pod, podInfoToRemove *PodInfo, nodeInfo *NodeInfo) *Status
}

// FilterPlugin says whether a pod fits a node. It runs in parallel over nodes and must not
// change the NodeInfo.
type FilterPlugin interface {
	Plugin
	Filter(ctx context.Context, state *CycleState, pod *core.Pod, nodeInfo *NodeInfo) *Status
}

// NodeToStatus is the status each node got in Filter.
type NodeToStatus map[string]*Status

// NominatingInfo says which node a pod was nominated for by preemption.
type NominatingInfo struct {
	NominatedNodeName string
	// Mode is ModeOverride to set the nomination, ModeNoop to leave it.
	Mode NominatingMode
}

// NominatingMode is how a PostFilter result changes a pod's nominated node.
type NominatingMode int

// The modes.
const (
	ModeNoop NominatingMode = iota
	ModeOverride
)

// PostFilterResult is a PostFilter plugin's outcome.
type PostFilterResult struct {
	*NominatingInfo
}

// PostFilterPlugin runs when no node fits, to make room (preemption).
type PostFilterPlugin interface {
	Plugin
	PostFilter(ctx context.Context, state *CycleState, pod *core.Pod, filteredNodeStatusMap NodeToStatus) (*PostFilterResult, *Status)
}

// PreScorePlugin runs once per pod before Score, with the nodes that passed Filter.
type PreScorePlugin interface {
	Plugin
	PreScore(ctx context.Context, state *CycleState, pod *core.Pod, nodes []*NodeInfo) *Status
}

// NodeScore is a node's score from one plugin.
type NodeScore struct {
	Name  string
	Score int64
}

// NodeScoreList is the scores of every node from one plugin.
type NodeScoreList []NodeScore

// ScorePlugin ranks the nodes that passed Filter. Scores must end between MinNodeScore and
// MaxNodeScore, after NormalizeScore when the plugin has one; the framework multiplies them by
// the plugin's weight.
type ScorePlugin interface {
	Plugin
	// Score scores one node. It runs in parallel over nodes and must not change the NodeInfo,
	// which is the snapshot's (so that no plugin looks the node up by name for every node).
	Score(ctx context.Context, state *CycleState, pod *core.Pod, nodeInfo *NodeInfo) (int64, *Status)
	ScoreExtensions() ScoreExtensions
}

// ScoreExtensions normalizes a plugin's scores once every node is scored. NormalizeScore changes
// the scores in place and must not keep the list, which the framework reuses.
type ScoreExtensions interface {
	NormalizeScore(ctx context.Context, state *CycleState, pod *core.Pod, scores NodeScoreList) *Status
}

// ReservePlugin is told when a pod is assumed onto a node (Reserve) and when that is undone
// (Unreserve, which must not fail and must be idempotent).
type ReservePlugin interface {
	Plugin
	Reserve(ctx context.Context, state *CycleState, pod *core.Pod, nodeName string) *Status
	Unreserve(ctx context.Context, state *CycleState, pod *core.Pod, nodeName string)
}

// PermitPlugin may let the pod be bound, refuse it, or make it Wait up to a timeout (for a gang,
// an approval).
type PermitPlugin interface {
	Plugin
	Permit(ctx context.Context, state *CycleState, pod *core.Pod, nodeName string) (*Status, time.Duration)
}

// PreBindPlugin runs before binding (to attach volumes, for example).
type PreBindPlugin interface {
	Plugin
	PreBind(ctx context.Context, state *CycleState, pod *core.Pod, nodeName string) *Status
}

// BindPlugin binds the pod to the node. The first that does not Skip binds.
type BindPlugin interface {
	Plugin
	Bind(ctx context.Context, state *CycleState, pod *core.Pod, nodeName string) *Status
}

// PostBindPlugin is told of a successful binding.
type PostBindPlugin interface {
	Plugin
	PostBind(ctx context.Context, state *CycleState, pod *core.Pod, nodeName string)
}

// EventResource is the kind a cluster event is about.
type EventResource string

// The resources whose events move pods back to the active queue.
const (
	EventPod                   EventResource = "Pod"
	EventAssignedPod           EventResource = "AssignedPod"
	EventNode                  EventResource = "Node"
	EventPersistentVolume      EventResource = "PersistentVolume"
	EventPersistentVolumeClaim EventResource = "PersistentVolumeClaim"
	EventStorageClass          EventResource = "StorageClass"
	EventWildCard              EventResource = "*"
)

// ActionType is what happened; a bit mask, so that a plugin can register several at once.
type ActionType int64

// The actions.
const (
	Add ActionType = 1 << iota
	Delete
	UpdateNodeAllocatable
	UpdateNodeLabel
	UpdateNodeTaint
	UpdateNodeCondition
	UpdateNodeAnnotation
	UpdatePodLabel
	UpdatePodScaleDown
	UpdatePodTolerations
	UpdatePodSchedulingGatesEliminated

	// All is any action; Update any kind of update.
	All    ActionType = 1<<iota - 1
	Update            = UpdateNodeAllocatable | UpdateNodeLabel | UpdateNodeTaint | UpdateNodeCondition | UpdateNodeAnnotation |
		UpdatePodLabel | UpdatePodScaleDown | UpdatePodTolerations | UpdatePodSchedulingGatesEliminated
)

// ClusterEvent is a change in the cluster that may make unschedulable pods schedulable.
type ClusterEvent struct {
	Resource   EventResource
	ActionType ActionType
	Label      string
}

// Match reports whether e (an event that happened) is one the registered event r covers.
func (r ClusterEvent) Match(e ClusterEvent) bool {
	return (r.Resource == EventWildCard || r.Resource == e.Resource ||
		(r.Resource == EventPod && e.Resource == EventAssignedPod)) && r.ActionType&e.ActionType != 0
}

// QueueingHint says whether an event may make a pod schedulable.
type QueueingHint int

// The hints.
const (
	QueueSkip QueueingHint = iota
	Queue
)

// QueueingHintFn tells, for a pod a plugin rejected, whether an event may change the plugin's
// mind. oldObj and newObj are the event's objects (nil when absent).
type QueueingHintFn func(pod *core.Pod, oldObj, newObj meta.Object) (QueueingHint, error)

// ClusterEventWithHint is an event a plugin cares about, with an optional hint.
type ClusterEventWithHint struct {
	Event          ClusterEvent
	QueueingHintFn QueueingHintFn
}

// EnqueueExtensions is implemented by plugins that reject pods: the events after which a pod
// they rejected is worth another try.
type EnqueueExtensions interface {
	Plugin
	EventsToRegister(ctx context.Context) ([]ClusterEventWithHint, error)
}

// NodeInfoLister reads the snapshot's nodes.
type NodeInfoLister interface {
	// List returns every node.
	List() ([]*NodeInfo, error)
	// HavePodsWithAffinityList returns the nodes with at least one pod with affinity terms.
	HavePodsWithAffinityList() ([]*NodeInfo, error)
	// HavePodsWithRequiredAntiAffinityList returns the nodes with at least one pod with
	// required anti-affinity terms.
	HavePodsWithRequiredAntiAffinityList() ([]*NodeInfo, error)
	// Get returns one node.
	Get(nodeName string) (*NodeInfo, error)
}

// SharedLister is the snapshot a scheduling cycle reads.
type SharedLister interface {
	NodeInfos() NodeInfoLister
}

// EventRecorder records Events (FailedScheduling, Scheduled, Preempted, ...).
type EventRecorder interface {
	Eventf(obj meta.Object, eventType, reason, messageFmt string, args ...any)
}

// Handle is what the framework gives a plugin.
type Handle interface {
	// SnapshotSharedLister is the snapshot of the current cycle: read-only, valid only during it.
	SnapshotSharedLister() SharedLister
	// Client writes to the API server (bindings, preemption); nil in pure unit tests.
	Client() *client.Client
	// EventRecorder records events about pods.
	EventRecorder() EventRecorder
	// Parallelizer runs work over nodes in parallel.
	Parallelizer() Parallelizer
}

// Parallelizer runs a function for each of n pieces, in parallel.
type Parallelizer interface {
	Until(ctx context.Context, pieces int, do func(i int))
}

// PluginsRunner lets a plugin run the profile's other plugins, as preemption does to simulate
// removing pods: the framework's Handle implements it.
type PluginsRunner interface {
	// RunFilterPlugins runs every Filter plugin on a node.
	RunFilterPlugins(ctx context.Context, state *CycleState, pod *core.Pod, nodeInfo *NodeInfo) *Status
	// RunPreFilterExtensionAddPod and RunPreFilterExtensionRemovePod update every PreFilter
	// plugin's state as if a pod were added to, or removed from, a node.
	RunPreFilterExtensionAddPod(ctx context.Context, state *CycleState, podToSchedule *core.Pod, podInfoToAdd *PodInfo, nodeInfo *NodeInfo) *Status
	RunPreFilterExtensionRemovePod(ctx context.Context, state *CycleState, podToSchedule *core.Pod, podInfoToRemove *PodInfo, nodeInfo *NodeInfo) *Status
}
