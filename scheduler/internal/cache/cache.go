// Package cache is the scheduler's view of nodes and the pods on them: pods the API server says
// are bound, and pods the scheduler has assumed onto a node but not yet seen bound. Each scheduling
// cycle reads a Snapshot that UpdateSnapshot refreshes by copying only the nodes changed since the
// last refresh.
package cache

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// nodeItem is a node in a list ordered by last change, newest first, so that a snapshot refresh
// walks only the nodes that changed.
type nodeItem struct {
	info       *framework.NodeInfo
	prev, next *nodeItem
}

type podState struct {
	pod *core.Pod
	// deadline is when an assumed pod whose binding finished expires if it is never seen bound.
	deadline *time.Time
	// bindingFinished: the binding cycle ended (successfully or not).
	bindingFinished bool
}

type imageState struct {
	size  int64
	nodes map[string]bool
}

// Cache holds nodes and pods. It is safe for concurrent use.
type Cache struct {
	ttl   time.Duration
	clock clock.WithTicker
	log   logr.Logger

	mu      sync.RWMutex
	nodes   map[string]*nodeItem
	head    *nodeItem
	order   []string // node names in the order they were added
	removed bool     // a node was removed since the last snapshot
	pods    map[meta.UID]*podState
	assumed map[meta.UID]bool
	images  map[string]*imageState
}

// New returns a cache whose assumed pods expire ttl after their binding finished (never when 0).
func New(ttl time.Duration, clk clock.WithTicker, log logr.Logger) *Cache {
	if clk == nil {
		clk = clock.RealClock{}
	}
	return &Cache{ttl: ttl, clock: clk, log: log, nodes: map[string]*nodeItem{}, pods: map[meta.UID]*podState{},
		assumed: map[meta.UID]bool{}, images: map[string]*imageState{}}
}

// touch moves a node to the head of the list: it changed.
func (c *Cache) touch(name string) {
	it := c.nodes[name]
	if it == nil || c.head == it {
		return
	}
	if it.prev != nil {
		it.prev.next = it.next
	}
	if it.next != nil {
		it.next.prev = it.prev
	}
	it.prev, it.next = nil, c.head
	if c.head != nil {
		c.head.prev = it
	}
	c.head = it
}

func (c *Cache) unlink(it *nodeItem) {
	if it.prev != nil {
		it.prev.next = it.next
	}
	if it.next != nil {
		it.next.prev = it.prev
	}
	if c.head == it {
		c.head = it.next
	}
	it.prev, it.next = nil, nil
}

// item returns the node's item, making one (with no node yet) when a pod names an unknown node.
func (c *Cache) item(name string) *nodeItem {
	it, ok := c.nodes[name]
	if !ok {
		it = &nodeItem{info: framework.NewNodeInfo()}
		c.nodes[name] = it
		c.order = append(c.order, name)
		if c.head != nil {
			c.head.prev = it
		}
		it.next = c.head
		c.head = it
	}
	return it
}

// AddNode adds or replaces a node.
func (c *Cache) AddNode(node *core.Node) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it := c.item(node.Name)
	if old := it.info.Node(); old != nil {
		c.removeImages(old)
	}
	it.info.SetNode(node)
	c.addImages(node, it.info)
	c.touch(node.Name)
}

// UpdateNode replaces a node.
func (c *Cache) UpdateNode(_, node *core.Node) { c.AddNode(node) }

// RemoveNode removes a node. Pods still bound to it keep its entry, without a node, until they
// are gone.
func (c *Cache) RemoveNode(node *core.Node) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.nodes[node.Name]
	if !ok {
		return fmt.Errorf("cache: node %q is not in the cache", node.Name)
	}
	c.removeImages(node)
	it.info.RemoveNode()
	if len(it.info.Pods) == 0 {
		c.dropNode(node.Name, it)
	} else {
		c.touch(node.Name)
	}
	c.removed = true
	return nil
}

func (c *Cache) dropNode(name string, it *nodeItem) {
	c.unlink(it)
	delete(c.nodes, name)
	for i, n := range c.order {
		if n == name {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
	c.removed = true
}

func (c *Cache) addImages(node *core.Node, ni *framework.NodeInfo) {
	states := map[string]*framework.ImageStateSummary{}
	for _, img := range node.Status.Images {
		for _, name := range img.Names {
			st, ok := c.images[name]
			if !ok {
				st = &imageState{size: img.SizeBytes, nodes: map[string]bool{}}
				c.images[name] = st
			}
			st.nodes[node.Name] = true
			states[name] = &framework.ImageStateSummary{Size: img.SizeBytes, NumNodes: len(st.nodes)}
		}
	}
	ni.ImageStates = states
}

// imageSummaries are a node's images with their current node counts.
func (c *Cache) imageSummaries(node *core.Node) map[string]*framework.ImageStateSummary {
	out := make(map[string]*framework.ImageStateSummary, len(node.Status.Images))
	for _, img := range node.Status.Images {
		for _, name := range img.Names {
			if st, ok := c.images[name]; ok {
				out[name] = &framework.ImageStateSummary{Size: img.SizeBytes, NumNodes: len(st.nodes)}
			}
		}
	}
	return out
}

func (c *Cache) removeImages(node *core.Node) {
	for _, img := range node.Status.Images {
		for _, name := range img.Names {
			if st, ok := c.images[name]; ok {
				delete(st.nodes, node.Name)
				if len(st.nodes) == 0 {
					delete(c.images, name)
				}
			}
		}
	}
}

func (c *Cache) addPod(pod *core.Pod, assumed bool) {
	it := c.item(pod.Spec.NodeName)
	it.info.AddPod(pod)
	c.touch(pod.Spec.NodeName)
	c.pods[pod.UID] = &podState{pod: pod}
	if assumed {
		c.assumed[pod.UID] = true
	}
}

func (c *Cache) removePod(pod *core.Pod) error {
	it, ok := c.nodes[pod.Spec.NodeName]
	if !ok {
		return fmt.Errorf("cache: node %q of pod %s/%s is not in the cache", pod.Spec.NodeName, pod.Namespace, pod.Name)
	}
	if err := it.info.RemovePod(pod); err != nil {
		return err
	}
	if len(it.info.Pods) == 0 && it.info.Node() == nil {
		c.dropNode(pod.Spec.NodeName, it)
	} else {
		c.touch(pod.Spec.NodeName)
	}
	delete(c.pods, pod.UID)
	delete(c.assumed, pod.UID)
	return nil
}

// AssumePod places a pod (with spec.nodeName set) on its node before the binding is done, so
// that the next cycles count it.
func (c *Cache) AssumePod(pod *core.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pods[pod.UID]; ok {
		return fmt.Errorf("cache: pod %s/%s is already in the cache, and so can't be assumed", pod.Namespace, pod.Name)
	}
	c.addPod(pod, true)
	return nil
}

// FinishBinding starts an assumed pod's expiry: if the informer never shows it bound within the
// TTL, it is forgotten.
func (c *Cache) FinishBinding(pod *core.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ps, ok := c.pods[pod.UID]
	if !ok || !c.assumed[pod.UID] {
		return
	}
	ps.bindingFinished = true
	if c.ttl > 0 {
		d := c.clock.Now().Add(c.ttl)
		ps.deadline = &d
	}
}

// ForgetPod removes an assumed pod whose scheduling or binding failed.
func (c *Cache) ForgetPod(pod *core.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ps, ok := c.pods[pod.UID]
	if !ok {
		return nil
	}
	if ps.pod.Spec.NodeName != pod.Spec.NodeName {
		return fmt.Errorf("cache: pod %s/%s was assumed on %s, not %s", pod.Namespace, pod.Name, ps.pod.Spec.NodeName, pod.Spec.NodeName)
	}
	if !c.assumed[pod.UID] {
		return fmt.Errorf("cache: pod %s/%s is bound, not assumed: it can't be forgotten", pod.Namespace, pod.Name)
	}
	return c.removePod(ps.pod)
}

// IsAssumedPod reports whether a pod is assumed and not yet seen bound.
func (c *Cache) IsAssumedPod(pod *core.Pod) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.assumed[pod.UID]
}

// AddPod records a pod the informer shows bound: it confirms an assumed pod (moving it if it
// was bound elsewhere) or adds it.
func (c *Cache) AddPod(pod *core.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ps, ok := c.pods[pod.UID]
	switch {
	case ok && c.assumed[pod.UID]:
		if ps.pod.Spec.NodeName != pod.Spec.NodeName {
			c.log.Info("pod was assumed on one node but bound to another", "pod", pod.Namespace+"/"+pod.Name,
				"assumed", ps.pod.Spec.NodeName, "actual", pod.Spec.NodeName)
		}
		if err := c.removePod(ps.pod); err != nil {
			return err
		}
		c.addPod(pod, false)
	case ok:
		// Seen again (an expired assumption that came back): replace.
		if err := c.removePod(ps.pod); err != nil {
			return err
		}
		c.addPod(pod, false)
	default:
		c.addPod(pod, false)
	}
	return nil
}

// UpdatePod replaces a bound pod.
func (c *Cache) UpdatePod(old, pod *core.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ps, ok := c.pods[pod.UID]
	if !ok {
		c.addPod(pod, false)
		return nil
	}
	if c.assumed[pod.UID] {
		// Updates of an assumed pod come before its Add; keep the assumption.
		return nil
	}
	if err := c.removePod(ps.pod); err != nil {
		return err
	}
	c.addPod(pod, false)
	return nil
}

// RemovePod removes a pod that was deleted (or unbound).
func (c *Cache) RemovePod(pod *core.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ps, ok := c.pods[pod.UID]
	if !ok {
		return nil
	}
	return c.removePod(ps.pod)
}

// cleanupExpired forgets assumed pods whose binding finished more than the TTL ago without the
// informer showing them bound.
func (c *Cache) cleanupExpired(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for uid := range c.assumed {
		ps := c.pods[uid]
		if ps == nil || !ps.bindingFinished || ps.deadline == nil || now.Before(*ps.deadline) {
			continue
		}
		c.log.Info("assumed pod expired", "pod", ps.pod.Namespace+"/"+ps.pod.Name, "node", ps.pod.Spec.NodeName)
		if err := c.removePod(ps.pod); err != nil {
			c.log.Error(err, "removing expired pod")
		}
	}
}

// Run expires assumed pods every period until ctx is done.
func (c *Cache) Run(ctx context.Context, period time.Duration) {
	t := c.clock.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			c.cleanupExpired(c.clock.Now())
		}
	}
}

// NodeCount and PodCount count what the cache holds.
func (c *Cache) NodeCount() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := 0
	for _, it := range c.nodes {
		if it.info.Node() != nil {
			n++
		}
	}
	return n
}

// PodCount counts the pods, assumed ones included.
func (c *Cache) PodCount() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.pods)
}

// UpdateSnapshot brings snap up to date: only nodes changed since snap's generation are copied;
// the node list is rebuilt only when nodes were added or removed.
func (c *Cache) UpdateSnapshot(snap *framework.Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if snap.NodeInfoMap == nil {
		snap.NodeInfoMap = map[string]*framework.NodeInfo{}
	}
	affinityChanged := false
	for it := c.head; it != nil && it.info.Generation > snap.Generation; it = it.next {
		node := it.info.Node()
		if node == nil {
			continue
		}
		cp := it.info.Snapshot()
		// Image counts as they are now, not as they were when this node last changed.
		cp.ImageStates = c.imageSummaries(node)
		if cur, ok := snap.NodeInfoMap[node.Name]; ok {
			if len(cur.PodsWithAffinity) != len(cp.PodsWithAffinity) || len(cur.PodsWithRequiredAntiAffinity) != len(cp.PodsWithRequiredAntiAffinity) {
				affinityChanged = true
			}
			// In place, so that the list's pointer sees the change.
			*cur = *cp
		} else {
			snap.NodeInfoMap[node.Name] = cp
			c.removed = true // the list must grow
		}
	}
	if c.head != nil {
		snap.Generation = c.head.info.Generation
	}
	if c.removed || len(snap.NodeInfoList) != len(snap.NodeInfoMap) {
		for name := range snap.NodeInfoMap {
			if it, ok := c.nodes[name]; !ok || it.info.Node() == nil {
				delete(snap.NodeInfoMap, name)
			}
		}
		snap.NodeInfoList = snap.NodeInfoList[:0]
		for _, name := range c.order {
			if ni, ok := snap.NodeInfoMap[name]; ok {
				snap.NodeInfoList = append(snap.NodeInfoList, ni)
			}
		}
		c.removed = false
		affinityChanged = true
	}
	if affinityChanged {
		snap.Index()
	}
}
