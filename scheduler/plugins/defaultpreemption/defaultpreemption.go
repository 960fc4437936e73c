// Package defaultpreemption is the DefaultPreemption plugin: when a pod fits no node, it looks
// for a node where removing pods of lower priority would make room, keeps as many of those pods
// as it can (the highest-priority ones first), picks the node whose victims matter least, deletes
// them gracefully, and nominates the pod for the node, where it is scheduled once they are gone.
package defaultpreemption

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Name is the plugin's name.
const Name = "DefaultPreemption"

// Args are the plugin's arguments, with Kubernetes' defaults.
type Args struct {
	// MinCandidateNodesPercentage and MinCandidateNodesAbsolute bound how many nodes are examined
	// for victims: at least this share of the nodes, and at least this many (10% and 100).
	MinCandidateNodesPercentage int32 `json:"minCandidateNodesPercentage"`
	MinCandidateNodesAbsolute   int32 `json:"minCandidateNodesAbsolute"`
}

// Preemption is the plugin.
type Preemption struct {
	h    framework.Handle
	args Args
}

// New makes the plugin.
func New(_ context.Context, raw json.RawMessage, h framework.Handle) (framework.Plugin, error) {
	args := Args{MinCandidateNodesPercentage: 10, MinCandidateNodesAbsolute: 100}
	if err := framework.DecodeArgs(raw, &args); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	if args.MinCandidateNodesPercentage < 0 || args.MinCandidateNodesPercentage > 100 {
		return nil, fmt.Errorf("%s: minCandidateNodesPercentage %d is not within [0, 100]", Name, args.MinCandidateNodesPercentage)
	}
	if args.MinCandidateNodesAbsolute < 0 {
		return nil, fmt.Errorf("%s: minCandidateNodesAbsolute %d is negative", Name, args.MinCandidateNodesAbsolute)
	}
	return &Preemption{h: h, args: args}, nil
}

// Name returns Name.
func (p *Preemption) Name() string { return Name }

func priority(pod *core.Pod) int32 {
	if pod.Spec.Priority == nil {
		return 0
	}
	return *pod.Spec.Priority
}

// candidate is a node with the pods whose removal makes room.
type candidate struct {
	node    string
	victims []*core.Pod
}

// PostFilter preempts on the best node, if any node can make room.
func (p *Preemption) PostFilter(ctx context.Context, state *framework.CycleState, pod *core.Pod, statuses framework.NodeToStatus) (*framework.PostFilterResult, *framework.Status) {
	runner, ok := p.h.(framework.PluginsRunner)
	if !ok {
		return nil, framework.AsStatus(fmt.Errorf("%s: the framework cannot run filters for it", Name))
	}
	if msg := p.notEligible(pod); msg != "" {
		return nil, framework.NewStatus(framework.Unschedulable, msg)
	}
	all, err := p.h.SnapshotSharedLister().NodeInfos().List()
	if err != nil {
		return nil, framework.AsStatus(err)
	}
	// Nodes where the pod could never fit, whatever is removed, are not worth examining.
	var potential []*framework.NodeInfo
	unresolvable := 0
	for _, ni := range all {
		if st, ok := statuses[ni.Node().Name]; ok && st.Code() == framework.UnschedulableAndUnresolvable {
			unresolvable++
			continue
		}
		potential = append(potential, ni)
	}
	if len(potential) == 0 {
		return nil, framework.NewStatus(framework.Unschedulable,
			fmt.Sprintf("preemption: 0/%d nodes are available: %d Preemption is not helpful for scheduling.", len(all), len(all)))
	}
	cands := p.findCandidates(ctx, runner, state, pod, potential)
	if len(cands) == 0 {
		parts := []string{fmt.Sprintf("%d No preemption victims found for incoming pod", len(all)-unresolvable)}
		if unresolvable > 0 {
			parts = append(parts, fmt.Sprintf("%d Preemption is not helpful for scheduling", unresolvable))
		}
		sort.Strings(parts)
		return nil, framework.NewStatus(framework.Unschedulable,
			fmt.Sprintf("preemption: 0/%d nodes are available: %s.", len(all), strings.Join(parts, ", ")))
	}
	best := pickOne(cands)
	if err := p.evict(ctx, pod, best); err != nil {
		return nil, framework.AsStatus(err)
	}
	return &framework.PostFilterResult{NominatingInfo: &framework.NominatingInfo{NominatedNodeName: best.node, Mode: framework.ModeOverride}}, nil
}

// notEligible says why a pod may not preempt: its policy forbids it, or victims on the node it is
// already nominated for are still terminating.
func (p *Preemption) notEligible(pod *core.Pod) string {
	if pol := pod.Spec.PreemptionPolicy; pol != nil && *pol == core.PreemptNever {
		return "not eligible due to preemptionPolicy=Never."
	}
	if nom := pod.Status.NominatedNodeName; nom != "" {
		ni, err := p.h.SnapshotSharedLister().NodeInfos().Get(nom)
		if err == nil {
			for _, pi := range ni.Pods {
				if pi.Pod.DeletionTimestamp != nil && priority(pi.Pod) < priority(pod) {
					return "not eligible due to a terminating pod on the nominated node."
				}
			}
		}
	}
	return ""
}

// findCandidates examines nodes from a random offset, in parallel, until it has enough
// candidates: at least the configured share of the nodes or the absolute minimum.
func (p *Preemption) findCandidates(ctx context.Context, runner framework.PluginsRunner, state *framework.CycleState, pod *core.Pod, nodes []*framework.NodeInfo) []candidate {
	want := int(int32(len(nodes)) * p.args.MinCandidateNodesPercentage / 100)
	want = max(want, int(p.args.MinCandidateNodesAbsolute))
	want = min(want, len(nodes))
	offset := rand.IntN(len(nodes))
	var mu sync.Mutex
	var out []candidate
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p.h.Parallelizer().Until(ctx, len(nodes), func(i int) {
		ni := nodes[(offset+i)%len(nodes)]
		victims, ok := p.selectVictims(ctx, runner, state.Clone(), pod, ni.Snapshot())
		if !ok {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if len(out) >= want {
			cancel()
			return
		}
		out = append(out, candidate{node: ni.Node().Name, victims: victims})
	})
	return out
}

// selectVictims removes every pod of lower priority from (a copy of) the node; if the pod then
// fits, it puts back as many as still let it fit, highest priority first. What stays removed are
// the victims.
func (p *Preemption) selectVictims(ctx context.Context, runner framework.PluginsRunner, state *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) ([]*core.Pod, bool) {
	prio := priority(pod)
	var lower []*framework.PodInfo
	for _, pi := range slices.Clone(ni.Pods) {
		if priority(pi.Pod) < prio {
			lower = append(lower, pi)
			if err := ni.RemovePod(pi.Pod); err != nil {
				return nil, false
			}
			if st := runner.RunPreFilterExtensionRemovePod(ctx, state, pod, pi, ni); !st.IsSuccess() {
				return nil, false
			}
		}
	}
	if len(lower) == 0 {
		return nil, false
	}
	if st := runner.RunFilterPlugins(ctx, state, pod, ni); !st.IsSuccess() {
		return nil, false
	}
	// Try to keep the most important: highest priority first, then the oldest.
	sort.SliceStable(lower, func(i, j int) bool {
		pi, pj := priority(lower[i].Pod), priority(lower[j].Pod)
		if pi != pj {
			return pi > pj
		}
		return lower[i].Pod.CreationTimestamp.Time.Before(lower[j].Pod.CreationTimestamp.Time)
	})
	var victims []*core.Pod
	for _, pi := range lower {
		ni.AddPodInfo(pi)
		if st := runner.RunPreFilterExtensionAddPod(ctx, state, pod, pi, ni); !st.IsSuccess() {
			return nil, false
		}
		if st := runner.RunFilterPlugins(ctx, state, pod, ni); st.IsSuccess() {
			continue // reprieved
		}
		if err := ni.RemovePod(pi.Pod); err != nil {
			return nil, false
		}
		if st := runner.RunPreFilterExtensionRemovePod(ctx, state, pod, pi, ni); !st.IsSuccess() {
			return nil, false
		}
		victims = append(victims, pi.Pod)
	}
	return victims, len(victims) > 0
}

// pickOne chooses among candidates as Kubernetes does: the lowest highest-victim priority, then
// the lowest sum of victim priorities, then the fewest victims, then the node whose
// highest-priority victims started last, then the first.
func pickOne(cands []candidate) candidate {
	type key struct {
		highest, sum int64
		count        int
		latestStart  int64
	}
	keyOf := func(c candidate) key {
		k := key{highest: -1 << 62}
		for _, v := range c.victims {
			pr := int64(priority(v))
			k.sum += pr + (1 << 31) // shifted so that negative priorities count as small
			k.highest = max(k.highest, pr)
		}
		k.count = len(c.victims)
		for _, v := range c.victims {
			if int64(priority(v)) == k.highest {
				k.latestStart = max(k.latestStart, v.CreationTimestamp.UnixNano())
			}
		}
		return k
	}
	best, bk := cands[0], keyOf(cands[0])
	for _, c := range cands[1:] {
		k := keyOf(c)
		switch {
		case k.highest != bk.highest:
			if k.highest < bk.highest {
				best, bk = c, k
			}
		case k.sum != bk.sum:
			if k.sum < bk.sum {
				best, bk = c, k
			}
		case k.count != bk.count:
			if k.count < bk.count {
				best, bk = c, k
			}
		case k.latestStart > bk.latestStart:
			best, bk = c, k
		}
	}
	return best
}

// evict deletes the victims gracefully, telling them why, and clears the nominations of
// lower-priority pods nominated for the node, whose room the preemptor takes.
func (p *Preemption) evict(ctx context.Context, preemptor *core.Pod, c candidate) error {
	cl := p.h.Client()
	if cl == nil {
		return fmt.Errorf("%s: no client to delete victims with", Name)
	}
	pods := client.For[*core.Pod](cl)
	for _, v := range c.victims {
		patch, _ := json.Marshal(map[string]any{"status": map[string]any{"conditions": []any{map[string]any{
			"type": core.DisruptionTarget, "status": core.ConditionTrue, "reason": "PreemptionByScheduler",
			"message":            fmt.Sprintf("%s: preempting to accommodate a higher priority pod", core.DefaultSchedulerName),
			"lastTransitionTime": meta.Now(),
		}}}})
		if _, err := pods.Namespace(v.Namespace).Patch(ctx, v.Name, client.StrategicMergePatchType, patch, client.PatchOptions{}, "status"); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
		uid := v.UID
		if err := pods.Namespace(v.Namespace).Delete(ctx, v.Name, client.DeleteOptions{Preconditions: &meta.Preconditions{UID: &uid}}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
		p.h.EventRecorder().Eventf(v, "Normal", "Preempted", "Preempted by pod %s on node %s", preemptor.UID, c.node)
	}
	return nil
}
