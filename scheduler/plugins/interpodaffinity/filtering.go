package interpodaffinity

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/scheduler/framework"
)

const preFilterStateKey framework.StateKey = "PreFilter" + Name

// topologyPair is a topology domain: a node label and its value.
type topologyPair struct {
	key, value string
}

// domainCounts counts pods (or terms) by domain, grouped by topology key, so that Filter looks a
// node up with a string-keyed lookup per key (there are rarely more than two) rather than
// hashing pairs or walking the node's labels. Entries never hold 0.
type domainCounts struct {
	keys  []string
	byKey map[string]map[string]int64
	// n counts the entries.
	n int
}

func newDomainCounts() *domainCounts {
	return &domainCounts{byKey: map[string]map[string]int64{}}
}

func (d *domainCounts) add(key, value string, delta int64) {
	vs := d.byKey[key]
	if vs == nil {
		if delta == 0 {
			return
		}
		vs = map[string]int64{}
		d.byKey[key] = vs
		d.keys = append(d.keys, key)
	}
	old := vs[value]
	switch n := old + delta; {
	case n == 0:
		if old != 0 {
			delete(vs, value)
			d.n--
		}
	default:
		if old == 0 {
			d.n++
		}
		vs[value] = n
	}
}

// update adds delta to the node's domain of key, when the node has the key.
func (d *domainCounts) update(node *core.Node, key string, delta int64) {
	if v, ok := node.Labels[key]; ok {
		d.add(key, v, delta)
	}
}

func (d *domainCounts) get(key, value string) int64 { return d.byKey[key][value] }

// anyOn reports whether a domain of the node has a positive count.
func (d *domainCounts) anyOn(nodeLabels map[string]string) bool {
	for _, k := range d.keys {
		if v, ok := nodeLabels[k]; ok && d.byKey[k][v] > 0 {
			return true
		}
	}
	return false
}

func (d *domainCounts) clone() *domainCounts {
	out := &domainCounts{keys: slices.Clone(d.keys), byKey: make(map[string]map[string]int64, len(d.byKey)), n: d.n}
	for k, vs := range d.byKey {
		out.byKey[k] = maps.Clone(vs)
	}
	return out
}

// preFilterState is what PreFilter computes for Filter.
//
// It has no lock: Filter only reads it, and preemption's AddPod and RemovePod change only the
// clones the framework makes for one node at a time, never a state Filter is reading.
type preFilterState struct {
	// existingAntiAffinity counts, by domain, the running pods' required anti-affinity terms
	// that match the pod.
	existingAntiAffinity *domainCounts
	// affinity counts, by domain of each of the pod's affinity terms, the running pods that
	// match all of them; antiAffinity, by domain of each anti-affinity term, those matching it.
	affinity, antiAffinity *domainCounts
	// The pod's required terms, their namespace selectors merged into their namespaces.
	affinityTerms, antiTerms []framework.AffinityTerm
	pod                      *core.Pod
	// namespaceLabels are the labels of the pod's namespace, which running pods' namespace
	// selectors match.
	namespaceLabels labels.Set
}

// Clone copies the counts; the terms never change and are shared.
func (s *preFilterState) Clone() framework.StateData {
	if s == nil {
		return nil
	}
	out := *s
	out.existingAntiAffinity = s.existingAntiAffinity.clone()
	out.affinity = s.affinity.clone()
	out.antiAffinity = s.antiAffinity.clone()
	return &out
}

// updateWithPod counts (multiplier 1) or uncounts (-1) a pod on node.
func (s *preFilterState) updateWithPod(pi *framework.PodInfo, node *core.Node, multiplier int64) {
	if node == nil {
		return
	}
	for i := range pi.RequiredAntiAffinityTerms {
		t := &pi.RequiredAntiAffinityTerms[i]
		if t.Matches(s.pod, s.namespaceLabels) {
			s.existingAntiAffinity.update(node, t.TopologyKey, multiplier)
		}
	}
	if matchesAll(s.affinityTerms, pi.Pod, nil) {
		for i := range s.affinityTerms {
			s.affinity.update(node, s.affinityTerms[i].TopologyKey, multiplier)
		}
	}
	for i := range s.antiTerms {
		if s.antiTerms[i].Matches(pi.Pod, nil) {
			s.antiAffinity.update(node, s.antiTerms[i].TopologyKey, multiplier)
		}
	}
}

// PreFilter counts, by domain, the running pods the pod's required terms match and the running
// pods whose required anti-affinity matches the pod; it answers Skip when there are neither
// terms nor such pods.
func (pl *InterPodAffinity) PreFilter(ctx context.Context, state *framework.CycleState, pod *core.Pod) (*framework.PreFilterResult, *framework.Status) {
	lister := pl.handle.SnapshotSharedLister().NodeInfos()
	withAnti, err := lister.HavePodsWithRequiredAntiAffinityList()
	if err != nil {
		return nil, framework.AsStatus(fmt.Errorf("%s: listing nodes with anti-affinity pods: %w", Name, err))
	}
	affinity, anti, err := parseRequired(pod)
	if err != nil {
		return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, fmt.Sprintf("parsing pod: %v", err))
	}
	for i := range affinity {
		if err := pl.mergeNamespaces(&affinity[i]); err != nil {
			return nil, framework.AsStatus(err)
		}
	}
	for i := range anti {
		if err := pl.mergeNamespaces(&anti[i]); err != nil {
			return nil, framework.AsStatus(err)
		}
	}
	s := &preFilterState{
		affinityTerms:   affinity,
		antiTerms:       anti,
		pod:             pod,
		namespaceLabels: pl.namespaceLabels(pod.Namespace),
	}
	if s.existingAntiAffinity, err = pl.existingAntiAffinityCounts(ctx, pod, s.namespaceLabels, withAnti); err != nil {
		return nil, framework.AsStatus(err)
	}
	if s.existingAntiAffinity.n == 0 && len(affinity) == 0 && len(anti) == 0 {
		return nil, framework.NewStatus(framework.Skip)
	}
	all, err := lister.List()
	if err != nil {
		return nil, framework.AsStatus(fmt.Errorf("%s: listing nodes: %w", Name, err))
	}
	if s.affinity, s.antiAffinity, err = pl.incomingCounts(ctx, affinity, anti, all); err != nil {
		return nil, framework.AsStatus(err)
	}
	state.Write(preFilterStateKey, s)
	return nil, nil
}

// existingAntiAffinityCounts counts, by domain, the required anti-affinity terms of running pods
// that match pod.
func (pl *InterPodAffinity) existingAntiAffinityCounts(ctx context.Context, pod *core.Pod, nsLabels labels.Set, nodes []*framework.NodeInfo) (*domainCounts, error) {
	out := newDomainCounts()
	if len(nodes) == 0 {
		return out, nil
	}
	// Matches are rare: collect them under a lock rather than allocate a slot per node.
	var mu sync.Mutex
	var found []topologyPair
	pl.parallelizer.Until(ctx, len(nodes), func(n int) {
		node := nodes[n].Node()
		if node == nil {
			return
		}
		for _, ep := range nodes[n].PodsWithRequiredAntiAffinity {
			for i := range ep.RequiredAntiAffinityTerms {
				t := &ep.RequiredAntiAffinityTerms[i]
				if !t.Matches(pod, nsLabels) {
					continue
				}
				if v, ok := node.Labels[t.TopologyKey]; ok {
					mu.Lock()
					found = append(found, topologyPair{key: t.TopologyKey, value: v})
					mu.Unlock()
				}
			}
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	for _, p := range found {
		out.add(p.key, p.value, 1)
	}
	return out, nil
}

// incomingCounts counts, by domain, the running pods matching all the affinity terms and those
// matching each anti-affinity term.
func (pl *InterPodAffinity) incomingCounts(ctx context.Context, affinity, anti []framework.AffinityTerm, all []*framework.NodeInfo) (*domainCounts, *domainCounts, error) {
	affinityCounts, antiCounts := newDomainCounts(), newDomainCounts()
	if len(affinity) == 0 && len(anti) == 0 {
		return affinityCounts, antiCounts, nil
	}
	cs := &counters{pl: pl}
	affinityIdx := -1
	if len(affinity) > 0 {
		affinityIdx = cs.add(allTermsKey(affinity), func(p *core.Pod) bool { return matchesAll(affinity, p, nil) })
	}
	antiIdx := make([]int, len(anti))
	for i := range anti {
		t := &anti[i]
		antiIdx[i] = cs.add("one:"+termKey(t), func(p *core.Pod) bool { return t.Matches(p, nil) })
	}
	cs.checkout(len(all))
	defer cs.release()
	k := len(cs.list)
	cells := getCells(len(all) * k)
	defer cellPool.Put(cells)
	rows := *cells
	if err := cs.run(ctx, all, rows); err != nil {
		return nil, nil, err
	}
	for n, ni := range all {
		node := ni.Node()
		if node == nil {
			continue
		}
		if affinityIdx >= 0 {
			if c := rows[n*k+affinityIdx].count; c > 0 {
				for i := range affinity {
					affinityCounts.update(node, affinity[i].TopologyKey, int64(c))
				}
			}
		}
		for i := range anti {
			if c := rows[n*k+antiIdx[i]].count; c > 0 {
				antiCounts.update(node, anti[i].TopologyKey, int64(c))
			}
		}
	}
	return affinityCounts, antiCounts, nil
}

// allTermsKey is the cache key of "matches every term"; one term's is that term's.
func allTermsKey(terms []framework.AffinityTerm) string {
	if len(terms) == 1 {
		return "one:" + termKey(&terms[0])
	}
	keys := make([]string, len(terms))
	for i := range terms {
		keys[i] = termKey(&terms[i])
	}
	return "all:" + strings.Join(keys, "\x02")
}

// PreFilterExtensions returns the plugin: preemption adds and removes pods through it.
func (pl *InterPodAffinity) PreFilterExtensions() framework.PreFilterExtensions { return pl }

// AddPod counts podInfoToAdd as if it ran on nodeInfo's node.
func (pl *InterPodAffinity) AddPod(_ context.Context, state *framework.CycleState, _ *core.Pod, podInfoToAdd *framework.PodInfo, nodeInfo *framework.NodeInfo) *framework.Status {
	s, err := getPreFilterState(state)
	if err != nil {
		return framework.AsStatus(err)
	}
	s.updateWithPod(podInfoToAdd, nodeInfo.Node(), 1)
	return nil
}

// RemovePod stops counting podInfoToRemove on nodeInfo's node.
func (pl *InterPodAffinity) RemovePod(_ context.Context, state *framework.CycleState, _ *core.Pod, podInfoToRemove *framework.PodInfo, nodeInfo *framework.NodeInfo) *framework.Status {
	s, err := getPreFilterState(state)
	if err != nil {
		return framework.AsStatus(err)
	}
	s.updateWithPod(podInfoToRemove, nodeInfo.Node(), -1)
	return nil
}

var errNoPreFilterState = errors.New(Name + ": no PreFilter state (PreFilter did not run)")

func getPreFilterState(state *framework.CycleState) (*preFilterState, error) {
	d, err := state.Read(preFilterStateKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoPreFilterState, err)
	}
	s, ok := d.(*preFilterState)
	if !ok {
		return nil, fmt.Errorf("%s: %T in the cycle state is not a PreFilter state", Name, d)
	}
	return s, nil
}

// Filter checks the pod's affinity, its anti-affinity, then the running pods' anti-affinity.
func (pl *InterPodAffinity) Filter(_ context.Context, state *framework.CycleState, _ *core.Pod, nodeInfo *framework.NodeInfo) *framework.Status {
	s, err := getPreFilterState(state)
	if err != nil {
		return framework.AsStatus(err)
	}
	node := nodeInfo.Node()
	if node == nil {
		return framework.AsStatus(fmt.Errorf("%s: node not found", Name))
	}
	if !s.satisfiesAffinity(node) {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonAffinityRulesNotMatch)
	}
	if !s.satisfiesAntiAffinity(node) {
		return framework.NewStatus(framework.Unschedulable, ErrReasonAntiAffinityRulesNotMatch)
	}
	if !s.satisfiesExistingAntiAffinity(node) {
		return framework.NewStatus(framework.Unschedulable, ErrReasonExistingAntiAffinityRulesNotMatch)
	}
	return nil
}

// satisfiesAffinity: the node has every term's topology key, and each of its domains holds a
// pod matching all the terms; or no pod anywhere matches them and the pod matches its own terms,
// so that the first pod of a group that wants to be together is not pending forever.
func (s *preFilterState) satisfiesAffinity(node *core.Node) bool {
	podsExist := true
	for i := range s.affinityTerms {
		key := s.affinityTerms[i].TopologyKey
		v, ok := node.Labels[key]
		if !ok {
			return false
		}
		if s.affinity.get(key, v) <= 0 {
			podsExist = false
		}
	}
	if podsExist {
		return true
	}
	return s.affinity.n == 0 && matchesAll(s.affinityTerms, s.pod, nil)
}

// satisfiesAntiAffinity: no domain of the node holds a pod an anti-affinity term matches.
func (s *preFilterState) satisfiesAntiAffinity(node *core.Node) bool {
	if s.antiAffinity.n == 0 {
		return true
	}
	for i := range s.antiTerms {
		key := s.antiTerms[i].TopologyKey
		if v, ok := node.Labels[key]; ok && s.antiAffinity.get(key, v) > 0 {
			return false
		}
	}
	return true
}

// satisfiesExistingAntiAffinity: no running pod whose anti-affinity matches the pod is in a
// domain of the node.
func (s *preFilterState) satisfiesExistingAntiAffinity(node *core.Node) bool {
	return s.existingAntiAffinity.n == 0 || !s.existingAntiAffinity.anyOn(node.Labels)
}
