package schedulertest

import "github.com/skiff-io/skiff/api/core"

// RequiredNodeSelectorTerm adds a term to the pod's required node affinity (terms are ORed),
// creating the affinity as needed.
func (p *PodWrapper) RequiredNodeSelectorTerm(term core.NodeSelectorTerm) *PodWrapper {
	na := p.nodeAffinityForUpdate()
	if na.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		na.RequiredDuringSchedulingIgnoredDuringExecution = &core.NodeSelector{}
	}
	ns := na.RequiredDuringSchedulingIgnoredDuringExecution
	ns.NodeSelectorTerms = append(ns.NodeSelectorTerms, term)
	return p
}

// PreferredNodeSelectorTerm adds a weighted term to the pod's preferred node affinity, creating
// the affinity as needed.
func (p *PodWrapper) PreferredNodeSelectorTerm(weight int32, term core.NodeSelectorTerm) *PodWrapper {
	na := p.nodeAffinityForUpdate()
	na.PreferredDuringSchedulingIgnoredDuringExecution = append(na.PreferredDuringSchedulingIgnoredDuringExecution,
		core.PreferredSchedulingTerm{Weight: weight, Preference: term})
	return p
}

func (p *PodWrapper) nodeAffinityForUpdate() *core.NodeAffinity {
	if p.Spec.Affinity == nil {
		p.Spec.Affinity = &core.Affinity{}
	}
	if p.Spec.Affinity.NodeAffinity == nil {
		p.Spec.Affinity.NodeAffinity = &core.NodeAffinity{}
	}
	return p.Spec.Affinity.NodeAffinity
}

// NoScheduleTaint adds a NoSchedule taint key=value.
func (n *NodeWrapper) NoScheduleTaint(key, value string) *NodeWrapper {
	return n.Taints(core.Taint{Key: key, Value: value, Effect: core.TaintEffectNoSchedule})
}

// PreferNoScheduleTaint adds a PreferNoSchedule taint key=value.
func (n *NodeWrapper) PreferNoScheduleTaint(key, value string) *NodeWrapper {
	return n.Taints(core.Taint{Key: key, Value: value, Effect: core.TaintEffectPreferNoSchedule})
}
