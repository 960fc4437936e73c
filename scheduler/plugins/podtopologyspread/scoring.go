package podtopologyspread

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
)

const preScoreStateKey framework.StateKey = "PreScore" + Name

// preScoreState is what PreScore computes for Score and NormalizeScore.
type preScoreState struct {
	constraints []constraint
	// ignored are the candidate nodes missing a topology key; they score 0.
	ignored map[string]struct{}
	// counts[i] maps each domain of the candidate nodes to its matching pods, for constraints
	// other than per-hostname ones, whose counts Score reads from the node itself.
	counts []map[string]int64
	// weights[i] is log(domains+2): the more domains a topology has, the more a pod in one of
	// them weighs, so that small topologies are not watered down by big ones.
	weights []float64
	// release checks the count cache entries back in; NormalizeScore calls it.
	release func()
}

// Clone returns s: nothing changes it after PreScore.
func (s *preScoreState) Clone() framework.StateData { return s }

// PreScore computes the domains' counts for the ScheduleAnyway constraints, or answers Skip
// when there are none.
func (pl *PodTopologySpread) PreScore(ctx context.Context, state *framework.CycleState, pod *core.Pod, filtered []*framework.NodeInfo) *framework.Status {
	all, err := pl.handle.SnapshotSharedLister().NodeInfos().List()
	if err != nil {
		return framework.AsStatus(fmt.Errorf("%s: listing nodes: %w", Name, err))
	}
	if len(filtered) == 0 || len(all) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	var cs []constraint
	if len(pod.Spec.TopologySpreadConstraints) > 0 {
		if cs, err = toConstraints(pod.Spec.TopologySpreadConstraints, pod.Labels, core.ScheduleAnyway); err != nil {
			return framework.AsStatus(fmt.Errorf("%s: the pod's soft topology spread constraints: %w", Name, err))
		}
	} else if cs, err = pl.defaultConstraintsFor(pod, core.ScheduleAnyway); err != nil {
		return framework.AsStatus(fmt.Errorf("%s: the default soft topology spread constraints: %w", Name, err))
	}
	if len(cs) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	// Kubernetes' own defaults let nodes without a zone label still be spread over by
	// hostname; explicit constraints ignore nodes missing any key.
	requireAll := len(pod.Spec.TopologySpreadConstraints) > 0 || !pl.systemDefaulted

	nc := len(cs)
	s := &preScoreState{
		constraints: cs,
		counts:      make([]map[string]int64, nc),
		weights:     make([]float64, nc),
	}
	perNode := false
	for i := range cs {
		if cs[i].topologyKey != LabelHostname {
			s.counts[i] = map[string]int64{}
			perNode = true
		}
	}
	domains := make([]int, nc)
	for _, ni := range filtered {
		node := ni.Node()
		if node == nil {
			continue
		}
		if requireAll && !nodeHasAllKeys(node.Labels, cs) {
			if s.ignored == nil {
				s.ignored = map[string]struct{}{}
			}
			s.ignored[node.Name] = struct{}{}
			continue
		}
		for i := range cs {
			if s.counts[i] == nil {
				continue
			}
			v := node.Labels[cs[i].topologyKey]
			if _, ok := s.counts[i][v]; !ok {
				s.counts[i][v] = 0
				domains[i]++
			}
		}
	}
	for i := range cs {
		n := domains[i]
		if cs[i].topologyKey == LabelHostname {
			n = len(filtered) - len(s.ignored)
		}
		s.weights[i] = math.Log(float64(n + 2))
	}
	s.release = pl.attachCounts(pod.Namespace, cs, len(all))
	if perNode {
		if err := pl.countDomains(ctx, s, pod, all, requireAll); err != nil {
			s.release()
			return framework.AsStatus(err)
		}
	}
	if hasHostname(cs) {
		// Score counts each candidate's own pods; bring the cache up to date for them now,
		// while inserting is still safe.
		scratch := getScratch(len(filtered) * nc)
		err := pl.run(ctx, &countJob{nodes: filtered, constraints: cs, namespace: pod.Namespace,
			want: func(i int, _ string) bool { return s.counts[i] == nil }}, *scratch)
		scratchPool.Put(scratch)
		if err != nil {
			s.release()
			return framework.AsStatus(err)
		}
	}
	state.Write(preScoreStateKey, s)
	return nil
}

// countDomains adds up, over every node of the cluster, the matching pods of the candidate
// nodes' domains.
func (pl *PodTopologySpread) countDomains(ctx context.Context, s *preScoreState, pod *core.Pod, all []*framework.NodeInfo, requireAll bool) error {
	nc := len(s.constraints)
	scratch := getScratch(len(all) * nc)
	defer scratchPool.Put(scratch)
	rows := *scratch
	job := &countJob{
		nodes: all, constraints: s.constraints, namespace: pod.Namespace,
		inclusion: newInclusion(pod, s.constraints), requireAll: requireAll,
		// Only the candidates' domains matter; the maps are only read meanwhile.
		want: func(i int, value string) bool {
			if s.counts[i] == nil {
				return false
			}
			_, ok := s.counts[i][value]
			return ok
		},
	}
	if err := pl.run(ctx, job, rows); err != nil {
		return err
	}
	for n := range all {
		for i, dc := range rows[n*nc : n*nc+nc] {
			if dc.count > 0 {
				s.counts[i][dc.value] += int64(dc.count)
			}
		}
	}
	return nil
}

func hasHostname(cs []constraint) bool {
	for i := range cs {
		if cs[i].topologyKey == LabelHostname {
			return true
		}
	}
	return false
}

// Score sums, over the constraints, the matching pods of the node's domain times the
// topology's weight, plus maxSkew-1 (which waters down small differences when skew is
// tolerated). Lower is better; NormalizeScore inverts it.
func (pl *PodTopologySpread) Score(_ context.Context, state *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	s, err := getPreScoreState(state)
	if err != nil {
		return 0, framework.AsStatus(err)
	}
	node := ni.Node()
	if node == nil {
		return 0, framework.AsStatus(fmt.Errorf("%s: node not found", Name))
	}
	if _, ok := s.ignored[node.Name]; ok {
		return 0, nil
	}
	var score float64
	for i := range s.constraints {
		c := &s.constraints[i]
		v, ok := node.Labels[c.topologyKey]
		if !ok {
			continue
		}
		var cnt int64
		if s.counts[i] == nil {
			n, _ := c.countCached(ni, pod.Namespace)
			cnt = int64(n)
		} else {
			cnt = s.counts[i][v]
		}
		score += float64(cnt)*s.weights[i] + float64(c.maxSkew-1)
	}
	return int64(math.Round(score)), nil
}

// ScoreExtensions returns the plugin, which normalizes its scores.
func (pl *PodTopologySpread) ScoreExtensions() framework.ScoreExtensions { return pl }

// NormalizeScore maps the raw scores to 0-100, the lowest raw score getting 100:
// 100 * (max + min - score) / max. Ignored nodes get 0.
func (pl *PodTopologySpread) NormalizeScore(_ context.Context, state *framework.CycleState, _ *core.Pod, scores framework.NodeScoreList) *framework.Status {
	s, err := getPreScoreState(state)
	if err != nil {
		return framework.AsStatus(err)
	}
	if s.release != nil {
		s.release()
		s.release = nil
	}
	var minScore int64 = math.MaxInt64
	var maxScore int64
	for i := range scores {
		if _, ok := s.ignored[scores[i].Name]; ok {
			continue
		}
		minScore = min(minScore, scores[i].Score)
		maxScore = max(maxScore, scores[i].Score)
	}
	for i := range scores {
		if _, ok := s.ignored[scores[i].Name]; ok {
			scores[i].Score = 0
			continue
		}
		if maxScore == 0 {
			scores[i].Score = framework.MaxNodeScore
			continue
		}
		scores[i].Score = framework.MaxNodeScore * (maxScore + minScore - scores[i].Score) / maxScore
	}
	return nil
}

var errNoPreScoreState = errors.New(Name + ": no PreScore state (PreScore did not run)")

func getPreScoreState(state *framework.CycleState) (*preScoreState, error) {
	d, err := state.Read(preScoreStateKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoPreScoreState, err)
	}
	s, ok := d.(*preScoreState)
	if !ok {
		return nil, fmt.Errorf("%s: %T in the cycle state is not a PreScore state", Name, d)
	}
	return s, nil
}
