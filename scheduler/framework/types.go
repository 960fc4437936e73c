package framework

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
)

// The bounds of a node's score.
const (
	MinNodeScore int64 = 0
	MaxNodeScore int64 = 100
)

// Requests assumed for containers that ask for none, when scoring (not when filtering), so that
// pods without requests do not all pile onto one node: Kubernetes' values.
const (
	DefaultMilliCPURequest int64 = 100
	DefaultMemoryRequest   int64 = 200 * 1024 * 1024
)

// Resource is an amount of each resource: CPU in millicores, the rest in units.
type Resource struct {
	MilliCPU         int64
	Memory           int64
	EphemeralStorage int64
	// AllowedPodNumber is the pods a node allows (its allocatable "pods").
	AllowedPodNumber int64
	// ScalarResources are extended resources (example.com/gpu, hugepages-2Mi, ...).
	ScalarResources map[core.ResourceName]int64
}

// NewResource reads a ResourceList.
func NewResource(rl core.ResourceList) *Resource {
	r := &Resource{}
	r.Add(rl)
	return r
}

// Add adds a ResourceList.
func (r *Resource) Add(rl core.ResourceList) {
	for name, q := range rl {
		switch name {
		case core.ResourceCPU:
			r.MilliCPU += q.MilliValue()
		case core.ResourceMemory:
			r.Memory += q.Value()
		case core.ResourceEphemeralStorage:
			r.EphemeralStorage += q.Value()
		case core.ResourcePods:
			r.AllowedPodNumber += q.Value()
		default:
			if isScalarResourceName(name) {
				r.AddScalar(name, q.Value())
			}
		}
	}
}

// isScalarResourceName: resources counted one by one, as Kubernetes' scheduler counts them:
// extended resources, huge pages, kubernetes.io-prefixed native resources and attachable volumes.
func isScalarResourceName(name core.ResourceName) bool {
	return core.IsExtendedResourceName(name) || core.IsHugePageResourceName(name) ||
		strings.Contains(string(name), "kubernetes.io/") || strings.HasPrefix(string(name), "attachable-volumes-")
}

// AddScalar adds to an extended resource.
func (r *Resource) AddScalar(name core.ResourceName, v int64) {
	if r.ScalarResources == nil {
		r.ScalarResources = map[core.ResourceName]int64{}
	}
	r.ScalarResources[name] += v
}

// Plus adds another Resource.
func (r *Resource) Plus(o *Resource) {
	r.MilliCPU += o.MilliCPU
	r.Memory += o.Memory
	r.EphemeralStorage += o.EphemeralStorage
	r.AllowedPodNumber += o.AllowedPodNumber
	for k, v := range o.ScalarResources {
		r.AddScalar(k, v)
	}
}

// Minus subtracts another Resource.
func (r *Resource) Minus(o *Resource) {
	r.MilliCPU -= o.MilliCPU
	r.Memory -= o.Memory
	r.EphemeralStorage -= o.EphemeralStorage
	r.AllowedPodNumber -= o.AllowedPodNumber
	for k, v := range o.ScalarResources {
		r.AddScalar(k, -v)
	}
}

// SetMax raises each amount to o's where o's is larger.
func (r *Resource) SetMax(o *Resource) {
	r.MilliCPU = max(r.MilliCPU, o.MilliCPU)
	r.Memory = max(r.Memory, o.Memory)
	r.EphemeralStorage = max(r.EphemeralStorage, o.EphemeralStorage)
	r.AllowedPodNumber = max(r.AllowedPodNumber, o.AllowedPodNumber)
	for k, v := range o.ScalarResources {
		if r.ScalarResources == nil {
			r.ScalarResources = map[core.ResourceName]int64{}
		}
		r.ScalarResources[k] = max(r.ScalarResources[k], v)
	}
}

// Clone copies r.
func (r *Resource) Clone() *Resource {
	out := *r
	out.ScalarResources = maps.Clone(r.ScalarResources)
	return &out
}

// PodRequests computes what a pod asks of its node, as Kubernetes does: the sum of its
// containers' requests, raised to any init container's (they run one at a time, each beside the
// sidecar init containers started before it), plus the sidecars, plus the pod's overhead. With
// nonZero, CPU and memory that a container leaves unset count as the scheduler's defaults.
func PodRequests(pod *core.Pod, nonZero bool) *Resource {
	req := &Resource{}
	for i := range pod.Spec.Containers {
		req.Plus(containerRequests(&pod.Spec.Containers[i], nonZero))
	}
	sidecars := &Resource{}
	initMax := &Resource{}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		cr := containerRequests(c, nonZero)
		if c.RestartPolicy != nil && *c.RestartPolicy == core.ContainerRestartPolicyAlways {
			req.Plus(cr)
			sidecars.Plus(cr)
			continue
		}
		// A regular init container runs beside the sidecars started before it.
		withSidecars := cr.Clone()
		withSidecars.Plus(sidecars)
		initMax.SetMax(withSidecars)
	}
	req.SetMax(initMax)
	if pod.Spec.Overhead != nil {
		req.Add(pod.Spec.Overhead)
	}
	return req
}

func containerRequests(c *core.Container, nonZero bool) *Resource {
	r := NewResource(c.Resources.Requests)
	if nonZero {
		if _, ok := c.Resources.Requests[core.ResourceCPU]; !ok {
			r.MilliCPU = DefaultMilliCPURequest
		}
		if _, ok := c.Resources.Requests[core.ResourceMemory]; !ok {
			r.Memory = DefaultMemoryRequest
		}
	}
	return r
}

// AffinityTerm is a pod (anti-)affinity term with its selectors parsed once.
type AffinityTerm struct {
	// Namespaces the term's pods may be in (the pod's own when the term names none and has no
	// namespace selector).
	Namespaces        map[string]bool
	Selector          labels.Selector
	TopologyKey       string
	NamespaceSelector labels.Selector
}

// Matches reports whether a pod in a namespace with the given labels matches the term.
func (t *AffinityTerm) Matches(pod *core.Pod, nsLabels labels.Set) bool {
	if t.Namespaces[pod.Namespace] || (t.NamespaceSelector != nil && t.NamespaceSelector.Matches(nsLabels)) {
		return t.Selector.Matches(labels.Set(pod.Labels))
	}
	return false
}

// WeightedAffinityTerm is a preferred term with its weight.
type WeightedAffinityTerm struct {
	AffinityTerm
	Weight int32
}

// PodInfo is a pod with what the scheduler computes of it once: requests and affinity terms.
type PodInfo struct {
	Pod                        *core.Pod
	RequiredAffinityTerms      []AffinityTerm
	RequiredAntiAffinityTerms  []AffinityTerm
	PreferredAffinityTerms     []WeightedAffinityTerm
	PreferredAntiAffinityTerms []WeightedAffinityTerm
	// Requests and NonZeroRequests are PodRequests(pod, false) and PodRequests(pod, true).
	Requests, NonZeroRequests *Resource
}

// NewPodInfo computes a PodInfo. Terms whose selectors do not parse are dropped: validation
// rejects them, so only objects that bypassed it have them.
func NewPodInfo(pod *core.Pod) *PodInfo {
	pi := &PodInfo{Pod: pod, Requests: PodRequests(pod, false), NonZeroRequests: PodRequests(pod, true)}
	if a := pod.Spec.Affinity; a != nil {
		if pa := a.PodAffinity; pa != nil {
			pi.RequiredAffinityTerms = affinityTerms(pod, pa.RequiredDuringSchedulingIgnoredDuringExecution)
			pi.PreferredAffinityTerms = weightedTerms(pod, pa.PreferredDuringSchedulingIgnoredDuringExecution)
		}
		if pa := a.PodAntiAffinity; pa != nil {
			pi.RequiredAntiAffinityTerms = affinityTerms(pod, pa.RequiredDuringSchedulingIgnoredDuringExecution)
			pi.PreferredAntiAffinityTerms = weightedTerms(pod, pa.PreferredDuringSchedulingIgnoredDuringExecution)
		}
	}
	return pi
}

// NewAffinityTerm parses one term of pod.
func NewAffinityTerm(pod *core.Pod, t *core.PodAffinityTerm) (*AffinityTerm, error) {
	sel, err := meta.LabelSelectorAsSelector(t.LabelSelector)
	if err != nil {
		return nil, err
	}
	var nsSel labels.Selector
	if t.NamespaceSelector != nil {
		if nsSel, err = meta.LabelSelectorAsSelector(t.NamespaceSelector); err != nil {
			return nil, err
		}
	}
	ns := map[string]bool{}
	for _, n := range t.Namespaces {
		ns[n] = true
	}
	if len(ns) == 0 && nsSel == nil {
		ns[pod.Namespace] = true
	}
	return &AffinityTerm{Namespaces: ns, Selector: sel, TopologyKey: t.TopologyKey, NamespaceSelector: nsSel}, nil
}

func affinityTerms(pod *core.Pod, terms []core.PodAffinityTerm) []AffinityTerm {
	var out []AffinityTerm
	for i := range terms {
		if t, err := NewAffinityTerm(pod, &terms[i]); err == nil {
			out = append(out, *t)
		}
	}
	return out
}

func weightedTerms(pod *core.Pod, terms []core.WeightedPodAffinityTerm) []WeightedAffinityTerm {
	var out []WeightedAffinityTerm
	for i := range terms {
		if t, err := NewAffinityTerm(pod, &terms[i].PodAffinityTerm); err == nil {
			out = append(out, WeightedAffinityTerm{AffinityTerm: *t, Weight: terms[i].Weight})
		}
	}
	return out
}

// ProtocolPort is a host port with its protocol.
type ProtocolPort struct {
	Protocol core.Protocol
	Port     int32
}

// HostPortInfo is the host ports in use on a node, by host IP ("0.0.0.0" for all).
type HostPortInfo map[string]map[ProtocolPort]bool

const wildcardIP = "0.0.0.0"

func sanitize(ip string, protocol core.Protocol) (string, core.Protocol) {
	if ip == "" {
		ip = wildcardIP
	}
	if protocol == "" {
		protocol = core.ProtocolTCP
	}
	return ip, protocol
}

// Add records a host port.
func (h HostPortInfo) Add(ip string, protocol core.Protocol, port int32) {
	if port <= 0 {
		return
	}
	ip, protocol = sanitize(ip, protocol)
	if h[ip] == nil {
		h[ip] = map[ProtocolPort]bool{}
	}
	h[ip][ProtocolPort{protocol, port}] = true
}

// Remove forgets a host port.
func (h HostPortInfo) Remove(ip string, protocol core.Protocol, port int32) {
	if port <= 0 {
		return
	}
	ip, protocol = sanitize(ip, protocol)
	if m := h[ip]; m != nil {
		delete(m, ProtocolPort{protocol, port})
		if len(m) == 0 {
			delete(h, ip)
		}
	}
}

// CheckConflict reports whether a host port would clash: the same port and protocol on the same
// IP, or on any IP when either side binds all of them (0.0.0.0).
func (h HostPortInfo) CheckConflict(ip string, protocol core.Protocol, port int32) bool {
	if port <= 0 {
		return false
	}
	ip, protocol = sanitize(ip, protocol)
	pp := ProtocolPort{protocol, port}
	if ip == wildcardIP {
		for _, m := range h {
			if m[pp] {
				return true
			}
		}
		return false
	}
	return h[ip][pp] || h[wildcardIP][pp]
}

// Len counts the ports.
func (h HostPortInfo) Len() int {
	n := 0
	for _, m := range h {
		n += len(m)
	}
	return n
}

func (h HostPortInfo) clone() HostPortInfo {
	out := make(HostPortInfo, len(h))
	for ip, m := range h {
		out[ip] = maps.Clone(m)
	}
	return out
}

// ImageStateSummary is what the scheduler knows of an image: its size, and on how many nodes it is.
type ImageStateSummary struct {
	Size     int64
	NumNodes int
}

// NodeInfo is a node with the pods on it (bound or assumed) and what they use. The scheduler's
// snapshot hands NodeInfos to plugins read-only.
type NodeInfo struct {
	node *core.Node
	// Pods on the node.
	Pods []*PodInfo
	// PodsWithAffinity and PodsWithRequiredAntiAffinity are the pods with such terms, which
	// InterPodAffinity reads.
	PodsWithAffinity             []*PodInfo
	PodsWithRequiredAntiAffinity []*PodInfo
	// UsedPorts are the host ports the pods use.
	UsedPorts HostPortInfo
	// Requested is the sum of the pods' requests; NonZeroRequested counts unset CPU and memory as
	// the scheduler's defaults.
	Requested, NonZeroRequested *Resource
	// Allocatable is the node's allocatable resources.
	Allocatable *Resource
	// ImageStates are the images on the node, with how many nodes have each.
	ImageStates map[string]*ImageStateSummary
	// Generation increases with every change, so that snapshots copy only what changed.
	Generation int64
}

var generation atomic.Int64

// nextGeneration numbers changes; one counter for every NodeInfo, as in Kubernetes, so that
// generations from different NodeInfos compare.
func nextGeneration() int64 { return generation.Add(1) }

// NewNodeInfo returns a NodeInfo holding pods, with no node yet.
func NewNodeInfo(pods ...*core.Pod) *NodeInfo {
	ni := &NodeInfo{
		UsedPorts: HostPortInfo{}, Requested: &Resource{}, NonZeroRequested: &Resource{}, Allocatable: &Resource{},
		ImageStates: map[string]*ImageStateSummary{}, Generation: nextGeneration(),
	}
	for _, p := range pods {
		ni.AddPod(p)
	}
	return ni
}

// Node returns the node, or nil when only its pods are known yet.
func (n *NodeInfo) Node() *core.Node {
	if n == nil {
		return nil
	}
	return n.node
}

// SetNode sets the node and its allocatable resources.
func (n *NodeInfo) SetNode(node *core.Node) {
	n.node = node
	n.Allocatable = NewResource(node.Status.Allocatable)
	n.Generation = nextGeneration()
}

// RemoveNode forgets the node, keeping its pods.
func (n *NodeInfo) RemoveNode() {
	n.node = nil
	n.Generation = nextGeneration()
}

// AddPod adds a pod.
func (n *NodeInfo) AddPod(pod *core.Pod) { n.AddPodInfo(NewPodInfo(pod)) }

// AddPodInfo adds a pod whose PodInfo is already computed.
func (n *NodeInfo) AddPodInfo(pi *PodInfo) {
	n.Pods = append(n.Pods, pi)
	if len(pi.RequiredAffinityTerms)+len(pi.PreferredAffinityTerms)+len(pi.RequiredAntiAffinityTerms)+len(pi.PreferredAntiAffinityTerms) > 0 {
		n.PodsWithAffinity = append(n.PodsWithAffinity, pi)
	}
	if len(pi.RequiredAntiAffinityTerms) > 0 {
		n.PodsWithRequiredAntiAffinity = append(n.PodsWithRequiredAntiAffinity, pi)
	}
	n.update(pi, 1)
}

// RemovePod removes the pod with pod's UID; it is an error when it is not there.
func (n *NodeInfo) RemovePod(pod *core.Pod) error {
	match := func(pi *PodInfo) bool { return pi.Pod.UID == pod.UID }
	i := slices.IndexFunc(n.Pods, match)
	if i < 0 {
		return fmt.Errorf("framework: no pod %s/%s (uid %s) on node %s", pod.Namespace, pod.Name, pod.UID, n.nodeName())
	}
	pi := n.Pods[i]
	n.Pods = slices.Delete(n.Pods, i, i+1)
	n.PodsWithAffinity = slices.DeleteFunc(n.PodsWithAffinity, match)
	n.PodsWithRequiredAntiAffinity = slices.DeleteFunc(n.PodsWithRequiredAntiAffinity, match)
	n.update(pi, -1)
	return nil
}

func (n *NodeInfo) nodeName() string {
	if n.node == nil {
		return "<unknown>"
	}
	return n.node.Name
}

func (n *NodeInfo) update(pi *PodInfo, sign int) {
	if sign > 0 {
		n.Requested.Plus(pi.Requests)
		n.NonZeroRequested.Plus(pi.NonZeroRequests)
	} else {
		n.Requested.Minus(pi.Requests)
		n.NonZeroRequested.Minus(pi.NonZeroRequests)
	}
	for _, c := range pi.Pod.Spec.Containers {
		for _, p := range c.Ports {
			if sign > 0 {
				n.UsedPorts.Add(p.HostIP, p.Protocol, p.HostPort)
			} else {
				n.UsedPorts.Remove(p.HostIP, p.Protocol, p.HostPort)
			}
		}
	}
	n.Generation = nextGeneration()
}

// Snapshot returns a copy whose slices and maps are its own (the pods themselves are shared).
func (n *NodeInfo) Snapshot() *NodeInfo {
	out := &NodeInfo{
		node:                         n.node,
		Pods:                         slices.Clone(n.Pods),
		PodsWithAffinity:             slices.Clone(n.PodsWithAffinity),
		PodsWithRequiredAntiAffinity: slices.Clone(n.PodsWithRequiredAntiAffinity),
		UsedPorts:                    n.UsedPorts.clone(),
		Requested:                    n.Requested.Clone(),
		NonZeroRequested:             n.NonZeroRequested.Clone(),
		Allocatable:                  n.Allocatable.Clone(),
		ImageStates:                  maps.Clone(n.ImageStates),
		Generation:                   n.Generation,
	}
	return out
}

// QueuedPodInfo is a pod in the scheduling queue, with what the queue knows of its attempts.
type QueuedPodInfo struct {
	*PodInfo
	// Timestamp is when the pod was last added to the queue.
	Timestamp time.Time
	// Attempts counts scheduling attempts.
	Attempts int
	// InitialAttemptTimestamp is when the pod was first tried.
	InitialAttemptTimestamp *time.Time
	// UnschedulablePlugins rejected the pod in its last attempt; the queue moves it back to active
	// when a cluster event one of them cares about happens.
	UnschedulablePlugins map[string]bool
	// PendingPlugins answered Pending.
	PendingPlugins map[string]bool
	// Gated: a PreEnqueue plugin keeps the pod out of the active queue.
	Gated bool
}

// DefaultNormalizeScore scales scores onto [0, maxPriority] by the highest one (all zero stays
// zero), and reverses them (maxPriority − score) when reverse is set, as Kubernetes' helper of the
// same name: for plugins whose raw score counts something bad.
func DefaultNormalizeScore(maxPriority int64, reverse bool, scores NodeScoreList) *Status {
	var highest int64
	for _, s := range scores {
		highest = max(highest, s.Score)
	}
	if highest == 0 {
		if reverse {
			for i := range scores {
				scores[i].Score = maxPriority
			}
		}
		return nil
	}
	for i := range scores {
		s := maxPriority * scores[i].Score / highest
		if reverse {
			s = maxPriority - s
		}
		scores[i].Score = s
	}
	return nil
}
