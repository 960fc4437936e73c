package replicaset

import (
	"slices"
	"strconv"
	"time"

	"github.com/skiff-io/skiff/api/core"
)

// deletionCostAnnotation lets users say which pods to delete first (lower cost first).
const deletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

// podsToDelete picks the n pods whose loss hurts least, in Kubernetes' order of preference.
func podsToDelete(pods []*core.Pod, n int) []*core.Pod {
	if n >= len(pods) {
		return pods
	}
	// Pods sharing a node with more of their siblings go first: that spreads the survivors.
	onNode := map[string]int{}
	for _, p := range pods {
		if p.Spec.NodeName != "" {
			onNode[p.Spec.NodeName]++
		}
	}
	sorted := slices.Clone(pods)
	slices.SortStableFunc(sorted, func(a, b *core.Pod) int { return compareForDeletion(a, b, onNode) })
	return sorted[:n]
}

// compareForDeletion orders a before b (negative) when a should be deleted first.
func compareForDeletion(a, b *core.Pod, onNode map[string]int) int {
	// 1. Unassigned before assigned.
	if ua, ub := a.Spec.NodeName == "", b.Spec.NodeName == ""; ua != ub {
		return first(ua)
	}
	// 2. Pending before Unknown before Running.
	if pa, pb := phaseRank(a.Status.Phase), phaseRank(b.Status.Phase); pa != pb {
		return pa - pb
	}
	// 3. Not ready before ready.
	if ra, rb := core.IsPodReady(a), core.IsPodReady(b); ra != rb {
		return first(!ra)
	}
	// 4. Lower deletion cost first.
	if ca, cb := deletionCost(a), deletionCost(b); ca != cb {
		if ca < cb {
			return -1
		}
		return 1
	}
	// 5. More siblings on the same node first.
	if na, nb := onNode[a.Spec.NodeName], onNode[b.Spec.NodeName]; na != nb {
		return nb - na
	}
	// 6. Ready for less time first.
	if core.IsPodReady(a) && core.IsPodReady(b) {
		ta, tb := readySince(a), readySince(b)
		if !ta.Equal(tb) {
			if ta.After(tb) {
				return -1
			}
			return 1
		}
	}
	// 7. More restarts first.
	if ra, rb := restarts(a), restarts(b); ra != rb {
		return int(rb - ra)
	}
	// 8. Younger first.
	ta, tb := a.CreationTimestamp.Time, b.CreationTimestamp.Time
	switch {
	case ta.After(tb):
		return -1
	case tb.After(ta):
		return 1
	}
	return 0
}

func first(aFirst bool) int {
	if aFirst {
		return -1
	}
	return 1
}

func phaseRank(p core.PodPhase) int {
	switch p {
	case core.PodPending, "":
		return 0
	case core.PodUnknown:
		return 1
	case core.PodRunning:
		return 2
	}
	return 3
}

func deletionCost(p *core.Pod) int64 {
	v, ok := p.Annotations[deletionCostAnnotation]
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0
	}
	return n
}

func readySince(p *core.Pod) time.Time {
	if c := p.Condition(core.PodReady); c != nil {
		return c.LastTransitionTime.Time
	}
	return time.Time{}
}

func restarts(p *core.Pod) int32 {
	var n int32
	for _, s := range p.Status.ContainerStatuses {
		n = max(n, s.RestartCount)
	}
	return n
}
