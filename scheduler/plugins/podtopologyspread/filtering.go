package podtopologyspread

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"sync"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
)

const preFilterStateKey framework.StateKey = "PreFilter" + Name

// preFilterState is what PreFilter computes for Filter: for each DoNotSchedule constraint, the
// matching pods in each eligible domain and the two least-loaded domains.
//
// It has no lock: Filter only reads it, and preemption's AddPod and RemovePod change only the
// clones the framework makes for one node at a time, never a state Filter is reading.
type preFilterState struct {
	constraints []constraint
	// selfMatch[i] says whether the pod itself counts for constraints[i].
	selfMatch []bool
	// counts[i] maps each eligible domain (topology value) to its matching pods.
	counts []map[string]int
	paths  []criticalPaths
	// inclusion is kept for AddPod and RemovePod, which judge nodes as PreFilter did.
	inclusion *inclusion
}

// Clone copies the counts; the constraints never change and are shared.
func (s *preFilterState) Clone() framework.StateData {
	if s == nil {
		return nil
	}
	out := &preFilterState{
		constraints: s.constraints,
		selfMatch:   s.selfMatch,
		counts:      make([]map[string]int, len(s.counts)),
		paths:       append([]criticalPaths(nil), s.paths...),
		inclusion:   s.inclusion,
	}
	for i, m := range s.counts {
		out.counts[i] = maps.Clone(m)
	}
	return out
}

// minMatchNum is the global minimum a skew is measured from: the least-loaded domain's count,
// or 0 while there are fewer eligible domains than minDomains.
func (s *preFilterState) minMatchNum(i int) int {
	if len(s.counts[i]) < int(s.constraints[i].minDomains) {
		return 0
	}
	return s.paths[i][0].num
}

// criticalPath is a domain and its count.
type criticalPath struct {
	value string
	num   int
}

// criticalPaths tracks the least-loaded domain in [0], and in [1] one at least as loaded (not
// necessarily the second least), which is enough because preemption adds or removes the pods of
// one node at a time on its own copy.
type criticalPaths [2]criticalPath

func newCriticalPaths() criticalPaths {
	return criticalPaths{{num: math.MaxInt32}, {num: math.MaxInt32}}
}

func (p *criticalPaths) update(value string, num int) {
	switch value {
	case p[0].value, p[1].value:
		i := 0
		if value != p[0].value {
			i = 1
		}
		p[i].num = num
		if p[0].num > p[1].num {
			p[0], p[1] = p[1], p[0]
		}
	default:
		if num < p[0].num {
			p[1] = p[0]
			p[0] = criticalPath{value: value, num: num}
		} else if num < p[1].num {
			p[1] = criticalPath{value: value, num: num}
		}
	}
}

// domainCount is one node's count for one constraint: count -1 when the node is not
// counted; fresh when the count cache had no entry for the node.
type domainCount struct {
	value string
	count int32
	fresh bool
}

// scratchPool recycles the per-node rows PreFilter and PreScore fill in parallel, which are as
// long as the cluster has nodes times constraints.
var scratchPool = sync.Pool{New: func() any { return new([]domainCount) }}

func getScratch(n int) *[]domainCount {
	p := scratchPool.Get().(*[]domainCount)
	if cap(*p) < n {
		*p = make([]domainCount, n)
	}
	*p = (*p)[:n]
	return p
}

// countJob is one parallel count over nodes.
type countJob struct {
	nodes       []*framework.NodeInfo
	constraints []constraint
	namespace   string
	// inclusion, when set, applies the node inclusion policies.
	inclusion *inclusion
	// requireAll skips nodes missing any topology key.
	requireAll bool
	// want, when set, says whether constraint i counts a node of that topology value.
	want func(i int, value string) bool
}

// run fills rows (nodes times constraints) in parallel, then records the count cache entries
// of nodes that had none.
func (pl *PodTopologySpread) run(ctx context.Context, j *countJob, rows []domainCount) error {
	cs, nc := j.constraints, len(j.constraints)
	// share[i] is the first constraint counting the same pods as constraints[i].
	share := make([]int, nc)
	for i := range cs {
		share[i] = i
		for k := range i {
			if cs[k].counts == cs[i].counts && countKey(j.namespace, &cs[k]) == countKey(j.namespace, &cs[i]) {
				share[i] = k
				break
			}
		}
	}
	pl.parallelizer.Until(ctx, len(j.nodes), func(n int) {
		row := rows[n*nc : n*nc+nc]
		for i := range row {
			row[i] = domainCount{count: -1}
		}
		ni := j.nodes[n]
		node := ni.Node()
		if node == nil {
			return
		}
		// Read each topology value once, into the row, checking the keys on the way.
		for i := range cs {
			val, ok := node.Labels[cs[i].topologyKey]
			if !ok && j.requireAll {
				row[i].value = ""
				for k := range i {
					row[k].value = ""
				}
				return
			}
			row[i].value = val
		}
		v := nodeVerdict{affinityOK: true, taintsOK: true}
		if j.inclusion != nil {
			v = j.inclusion.judge(node)
		}
		for i := range cs {
			c := &cs[i]
			val := row[i].value
			row[i].value = ""
			if !c.includes(v) {
				continue
			}
			if j.want != nil && !j.want(i, val) {
				continue
			}
			if k := share[i]; k != i && row[k].count >= 0 {
				row[i] = domainCount{value: val, count: row[k].count}
				continue
			}
			cnt, fresh := c.countCached(ni, j.namespace)
			row[i] = domainCount{value: val, count: int32(cnt), fresh: fresh}
		}
	})
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", Name, err)
	}
	var freshNodes []*framework.NodeInfo
	var freshCounts []int32
	for i := range cs {
		if share[i] != i || cs[i].counts == nil {
			continue
		}
		freshNodes, freshCounts = freshNodes[:0], freshCounts[:0]
		for n := range j.nodes {
			for k := i; k < nc; k++ {
				if share[k] == i && rows[n*nc+k].fresh {
					freshNodes = append(freshNodes, j.nodes[n])
					freshCounts = append(freshCounts, rows[n*nc+k].count)
					break
				}
			}
		}
		if len(freshNodes) > 0 {
			cs[i].counts.Add(freshNodes, freshCounts)
		}
	}
	return nil
}

// PreFilter computes the counts Filter reads, or answers Skip when the pod has no DoNotSchedule
// constraint.
func (pl *PodTopologySpread) PreFilter(ctx context.Context, state *framework.CycleState, pod *core.Pod) (*framework.PreFilterResult, *framework.Status) {
	s, err := pl.calPreFilterState(ctx, pod)
	if err != nil {
		return nil, framework.AsStatus(err)
	}
	if len(s.constraints) == 0 {
		return nil, framework.NewStatus(framework.Skip)
	}
	state.Write(preFilterStateKey, s)
	return nil, nil
}

func (pl *PodTopologySpread) calPreFilterState(ctx context.Context, pod *core.Pod) (*preFilterState, error) {
	constraints, err := pl.getConstraints(pod, core.DoNotSchedule)
	if err != nil {
		return nil, err
	}
	if len(constraints) == 0 {
		return &preFilterState{}, nil
	}
	nodes, err := pl.handle.SnapshotSharedLister().NodeInfos().List()
	if err != nil {
		return nil, fmt.Errorf("%s: listing nodes: %w", Name, err)
	}
	in := newInclusion(pod, constraints)
	nc := len(constraints)
	release := pl.attachCounts(pod.Namespace, constraints, len(nodes))
	defer release()
	scratch := getScratch(len(nodes) * nc)
	defer scratchPool.Put(scratch)
	rows := *scratch
	job := &countJob{nodes: nodes, constraints: constraints, namespace: pod.Namespace, inclusion: in, requireAll: true}
	if err := pl.run(ctx, job, rows); err != nil {
		return nil, err
	}

	s := &preFilterState{
		constraints: constraints,
		selfMatch:   make([]bool, nc),
		counts:      make([]map[string]int, nc),
		paths:       make([]criticalPaths, nc),
		inclusion:   in,
	}
	for i := range constraints {
		s.selfMatch[i] = constraints[i].matches(pod)
		hint := 0
		if constraints[i].topologyKey == LabelHostname {
			hint = len(nodes)
		}
		s.counts[i] = make(map[string]int, hint)
	}
	for n := range nodes {
		for i, dc := range rows[n*nc : n*nc+nc] {
			if dc.count >= 0 {
				s.counts[i][dc.value] += int(dc.count)
			}
		}
	}
	for i := range constraints {
		s.paths[i] = newCriticalPaths()
		for v, num := range s.counts[i] {
			s.paths[i].update(v, num)
		}
	}
	return s, nil
}

// PreFilterExtensions returns the plugin: preemption adds and removes pods through it.
func (pl *PodTopologySpread) PreFilterExtensions() framework.PreFilterExtensions { return pl }

// AddPod counts podInfoToAdd as if it ran on nodeInfo's node.
func (pl *PodTopologySpread) AddPod(_ context.Context, state *framework.CycleState, podToSchedule *core.Pod, podInfoToAdd *framework.PodInfo, nodeInfo *framework.NodeInfo) *framework.Status {
	s, err := getPreFilterState(state)
	if err != nil {
		return framework.AsStatus(err)
	}
	s.update(podInfoToAdd.Pod, podToSchedule, nodeInfo.Node(), 1)
	return nil
}

// RemovePod stops counting podInfoToRemove on nodeInfo's node.
func (pl *PodTopologySpread) RemovePod(_ context.Context, state *framework.CycleState, podToSchedule *core.Pod, podInfoToRemove *framework.PodInfo, nodeInfo *framework.NodeInfo) *framework.Status {
	s, err := getPreFilterState(state)
	if err != nil {
		return framework.AsStatus(err)
	}
	s.update(podInfoToRemove.Pod, podToSchedule, nodeInfo.Node(), -1)
	return nil
}

func (s *preFilterState) update(p, preemptor *core.Pod, node *core.Node, delta int) {
	if len(s.constraints) == 0 || node == nil || p.Namespace != preemptor.Namespace || !nodeHasAllKeys(node.Labels, s.constraints) {
		return
	}
	v := s.inclusion.judge(node)
	for i := range s.constraints {
		c := &s.constraints[i]
		if !c.includes(v) || !c.matches(p) {
			continue
		}
		val := node.Labels[c.topologyKey]
		s.counts[i][val] += delta
		s.paths[i].update(val, s.counts[i][val])
	}
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

// Filter rejects a node where the pod would push a domain more than maxSkew above the global
// minimum, or that lacks a constraint's topology key.
func (pl *PodTopologySpread) Filter(_ context.Context, state *framework.CycleState, _ *core.Pod, nodeInfo *framework.NodeInfo) *framework.Status {
	s, err := getPreFilterState(state)
	if err != nil {
		return framework.AsStatus(err)
	}
	if len(s.constraints) == 0 {
		return nil
	}
	node := nodeInfo.Node()
	if node == nil {
		return framework.AsStatus(fmt.Errorf("%s: node not found", Name))
	}
	for i := range s.constraints {
		c := &s.constraints[i]
		v, ok := node.Labels[c.topologyKey]
		if !ok {
			return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonNodeLabelNotMatch)
		}
		self := 0
		if s.selfMatch[i] {
			self = 1
		}
		if s.counts[i][v]+self-s.minMatchNum(i) > int(c.maxSkew) {
			return framework.NewStatus(framework.Unschedulable, ErrReasonConstraintsNotMatch)
		}
	}
	return nil
}
