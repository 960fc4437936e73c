package interpodaffinity

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/scheduler/framework"
)

const preScoreStateKey framework.StateKey = "PreScore" + Name

// topologyScore is the score of each domain of one topology key.
type topologyScore struct {
	key    string
	values map[string]int64
}

// preScoreState is what PreScore computes for Score.
type preScoreState struct {
	scores []topologyScore
}

// Clone returns s: nothing changes it after PreScore.
func (s *preScoreState) Clone() framework.StateData { return s }

// scoreMap accumulates scores by topology key and value.
type scoreMap map[string]map[string]int64

func (m scoreMap) add(key, value string, delta int64) {
	vs := m[key]
	if vs == nil {
		vs = map[string]int64{}
		m[key] = vs
	}
	vs[value] += delta
}

// scoreDelta is one running pod's term's contribution to a domain.
type scoreDelta struct {
	key, value string
	delta      int64
}

// PreScore adds up, by domain, the weights of the preferred terms: the pod's (affinity plus,
// anti-affinity minus, for each running pod they match) and the running pods' that match the
// pod (their required affinity weighing hardPodAffinityWeight). It answers Skip when nothing
// contributes.
func (pl *InterPodAffinity) PreScore(ctx context.Context, state *framework.CycleState, pod *core.Pod, nodes []*framework.NodeInfo) *framework.Status {
	if len(nodes) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	a := pod.Spec.Affinity
	hasPreferred := a != nil && ((a.PodAffinity != nil && len(a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution) > 0) ||
		(a.PodAntiAffinity != nil && len(a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution) > 0))
	if pl.ignorePreferredOfOthers && !hasPreferred {
		return framework.NewStatus(framework.Skip)
	}
	lister := pl.handle.SnapshotSharedLister().NodeInfos()
	affinity, anti, err := parsePreferred(pod)
	if err != nil {
		return framework.AsStatus(fmt.Errorf("%s: parsing the pod: %w", Name, err))
	}
	for i := range affinity {
		if err := pl.mergeNamespaces(&affinity[i].AffinityTerm); err != nil {
			return framework.AsStatus(err)
		}
	}
	for i := range anti {
		if err := pl.mergeNamespaces(&anti[i].AffinityTerm); err != nil {
			return framework.AsStatus(err)
		}
	}
	acc := scoreMap{}
	if hasPreferred {
		all, err := lister.List()
		if err != nil {
			return framework.AsStatus(fmt.Errorf("%s: listing nodes: %w", Name, err))
		}
		if err := pl.scoreOwnTerms(ctx, acc, affinity, anti, all); err != nil {
			return framework.AsStatus(err)
		}
	}
	// Only pods with affinity terms have terms about the pod.
	withAffinity, err := lister.HavePodsWithAffinityList()
	if err != nil {
		return framework.AsStatus(fmt.Errorf("%s: listing nodes with affinity pods: %w", Name, err))
	}
	if err := pl.scoreOthersTerms(ctx, acc, pod, pl.namespaceLabels(pod.Namespace), withAffinity); err != nil {
		return framework.AsStatus(err)
	}
	if len(acc) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	s := &preScoreState{scores: make([]topologyScore, 0, len(acc))}
	for k, vs := range acc {
		s.scores = append(s.scores, topologyScore{key: k, values: vs})
	}
	state.Write(preScoreStateKey, s)
	return nil
}

// scoreOwnTerms adds, for each node and each of the pod's preferred terms, the term's weight
// (negated for anti-affinity) times the node's pods that match it, to the node's domain.
func (pl *InterPodAffinity) scoreOwnTerms(ctx context.Context, acc scoreMap, affinity, anti []framework.WeightedAffinityTerm, all []*framework.NodeInfo) error {
	type weighted struct {
		term  *framework.AffinityTerm
		delta int64 // weight times +1 or -1
		idx   int   // its counter
	}
	cs := &counters{pl: pl}
	var terms []weighted
	for _, list := range []struct {
		terms []framework.WeightedAffinityTerm
		sign  int64
	}{{affinity, 1}, {anti, -1}} {
		for i := range list.terms {
			t := &list.terms[i].AffinityTerm
			idx := cs.add("one:"+termKey(t), func(p *core.Pod) bool { return t.Matches(p, nil) })
			terms = append(terms, weighted{term: t, delta: int64(list.terms[i].Weight) * list.sign, idx: idx})
		}
	}
	if len(terms) == 0 {
		return nil
	}
	cs.checkout(len(all))
	defer cs.release()
	k := len(cs.list)
	cells := getCells(len(all) * k)
	defer cellPool.Put(cells)
	rows := *cells
	if err := cs.run(ctx, all, rows); err != nil {
		return err
	}
	for n, ni := range all {
		node := ni.Node()
		if node == nil || len(node.Labels) == 0 {
			continue
		}
		for _, w := range terms {
			c := rows[n*k+w.idx].count
			if c <= 0 {
				continue
			}
			if v, ok := node.Labels[w.term.TopologyKey]; ok {
				acc.add(w.term.TopologyKey, v, int64(c)*w.delta)
			}
		}
	}
	return nil
}

// scoreOthersTerms adds the terms of running pods that match pod: their required affinity
// (hardPodAffinityWeight), preferred affinity (+weight) and preferred anti-affinity (-weight).
func (pl *InterPodAffinity) scoreOthersTerms(ctx context.Context, acc scoreMap, pod *core.Pod, nsLabels labels.Set, nodes []*framework.NodeInfo) error {
	if len(nodes) == 0 {
		return nil
	}
	// Few nodes usually contribute: collect under a lock rather than allocate a slot per node.
	var mu sync.Mutex
	var found []scoreDelta
	hard := int64(pl.hardPodAffinityWeight)
	pl.parallelizer.Until(ctx, len(nodes), func(n int) {
		node := nodes[n].Node()
		if node == nil || len(node.Labels) == 0 {
			return
		}
		var local [8]scoreDelta
		out := local[:0]
		add := func(t *framework.AffinityTerm, delta int64) {
			if !t.Matches(pod, nsLabels) {
				return
			}
			if v, ok := node.Labels[t.TopologyKey]; ok {
				out = append(out, scoreDelta{key: t.TopologyKey, value: v, delta: delta})
			}
		}
		for _, ep := range nodes[n].PodsWithAffinity {
			if hard > 0 {
				for i := range ep.RequiredAffinityTerms {
					add(&ep.RequiredAffinityTerms[i], hard)
				}
			}
			for i := range ep.PreferredAffinityTerms {
				add(&ep.PreferredAffinityTerms[i].AffinityTerm, int64(ep.PreferredAffinityTerms[i].Weight))
			}
			for i := range ep.PreferredAntiAffinityTerms {
				add(&ep.PreferredAntiAffinityTerms[i].AffinityTerm, -int64(ep.PreferredAntiAffinityTerms[i].Weight))
			}
		}
		if len(out) > 0 {
			mu.Lock()
			found = append(found, out...)
			mu.Unlock()
		}
	})
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", Name, err)
	}
	for _, d := range found {
		acc.add(d.key, d.value, d.delta)
	}
	return nil
}

// Score sums the scores of the node's domains: positive for affinity, negative for
// anti-affinity; NormalizeScore maps them to 0-100.
func (pl *InterPodAffinity) Score(_ context.Context, state *framework.CycleState, _ *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	s, err := getPreScoreState(state)
	if err != nil {
		return 0, framework.AsStatus(err)
	}
	node := ni.Node()
	if node == nil {
		return 0, framework.AsStatus(fmt.Errorf("%s: node not found", Name))
	}
	labels := node.Labels
	var score int64
	for i := range s.scores {
		if v, ok := labels[s.scores[i].key]; ok {
			score += s.scores[i].values[v]
		}
	}
	return score, nil
}

// ScoreExtensions returns the plugin, which normalizes its scores.
func (pl *InterPodAffinity) ScoreExtensions() framework.ScoreExtensions { return pl }

// NormalizeScore maps the scores linearly onto 0-100, the lowest to 0 and the highest to 100
// (all to 0 when they are equal), truncating.
func (pl *InterPodAffinity) NormalizeScore(_ context.Context, state *framework.CycleState, _ *core.Pod, scores framework.NodeScoreList) *framework.Status {
	s, err := getPreScoreState(state)
	if err != nil {
		return framework.AsStatus(err)
	}
	if len(s.scores) == 0 {
		return nil
	}
	var lo int64 = math.MaxInt64
	var hi int64 = math.MinInt64
	for i := range scores {
		lo = min(lo, scores[i].Score)
		hi = max(hi, scores[i].Score)
	}
	diff := hi - lo
	for i := range scores {
		var f float64
		if diff > 0 {
			f = float64(framework.MaxNodeScore) * (float64(scores[i].Score-lo) / float64(diff))
		}
		scores[i].Score = int64(f)
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
