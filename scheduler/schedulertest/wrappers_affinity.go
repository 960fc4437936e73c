package schedulertest

import (
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// Builders for the InterPodAffinity and PodTopologySpread tests: owner references, terminating
// pods, full spread constraints and pod (anti-)affinity terms.

// ControlledBy adds a controller owner reference (controller=true), as a ReplicaSet or a
// StatefulSet sets on the pods it creates: apiVersion "apps/v1", kind "ReplicaSet", ...
func (p *PodWrapper) ControlledBy(apiVersion, kind, name, uid string) *PodWrapper {
	yes := true
	p.OwnerReferences = append(p.OwnerReferences, meta.OwnerReference{
		APIVersion: apiVersion, Kind: kind, Name: name, UID: meta.UID(uid), Controller: &yes,
	})
	return p
}

// Deleting sets a deletion timestamp, making the pod terminating.
func (p *PodWrapper) Deleting() *PodWrapper {
	now := meta.Now()
	p.DeletionTimestamp = &now
	return p
}

// TopologySpread adds a topology spread constraint as given, for the fields SpreadConstraint
// does not set (minDomains, node inclusion policies, matchLabelKeys).
func (p *PodWrapper) TopologySpread(c core.TopologySpreadConstraint) *PodWrapper {
	p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, c)
	return p
}

// Tolerations adds tolerations.
func (p *PodWrapper) Tolerations(ts ...core.Toleration) *PodWrapper {
	p.Spec.Tolerations = append(p.Spec.Tolerations, ts...)
	return p
}

// RequiredPodAffinity adds a required pod affinity term selecting pods of the pod's namespace by
// sel (matchLabels) within topologyKey.
func (p *PodWrapper) RequiredPodAffinity(topologyKey string, sel map[string]string) *PodWrapper {
	return p.PodAffinityTerm(false, 0, core.PodAffinityTerm{TopologyKey: topologyKey, LabelSelector: &meta.LabelSelector{MatchLabels: sel}})
}

// RequiredPodAntiAffinity adds a required pod anti-affinity term, as RequiredPodAffinity does.
func (p *PodWrapper) RequiredPodAntiAffinity(topologyKey string, sel map[string]string) *PodWrapper {
	return p.PodAntiAffinityTerm(false, 0, core.PodAffinityTerm{TopologyKey: topologyKey, LabelSelector: &meta.LabelSelector{MatchLabels: sel}})
}

// PreferredPodAffinity adds a preferred pod affinity term of the given weight.
func (p *PodWrapper) PreferredPodAffinity(weight int32, topologyKey string, sel map[string]string) *PodWrapper {
	return p.PodAffinityTerm(true, weight, core.PodAffinityTerm{TopologyKey: topologyKey, LabelSelector: &meta.LabelSelector{MatchLabels: sel}})
}

// PreferredPodAntiAffinity adds a preferred pod anti-affinity term of the given weight.
func (p *PodWrapper) PreferredPodAntiAffinity(weight int32, topologyKey string, sel map[string]string) *PodWrapper {
	return p.PodAntiAffinityTerm(true, weight, core.PodAffinityTerm{TopologyKey: topologyKey, LabelSelector: &meta.LabelSelector{MatchLabels: sel}})
}

// PodAffinityTerm adds a pod affinity term as given (namespaces, namespace selector, match
// expressions): preferred with weight, or required.
func (p *PodWrapper) PodAffinityTerm(preferred bool, weight int32, t core.PodAffinityTerm) *PodWrapper {
	a := p.affinityForTerms()
	if a.PodAffinity == nil {
		a.PodAffinity = &core.PodAffinity{}
	}
	if preferred {
		a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution,
			core.WeightedPodAffinityTerm{Weight: weight, PodAffinityTerm: t})
	} else {
		a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution = append(a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution, t)
	}
	return p
}

// PodAntiAffinityTerm adds a pod anti-affinity term as given.
func (p *PodWrapper) PodAntiAffinityTerm(preferred bool, weight int32, t core.PodAffinityTerm) *PodWrapper {
	a := p.affinityForTerms()
	if a.PodAntiAffinity == nil {
		a.PodAntiAffinity = &core.PodAntiAffinity{}
	}
	if preferred {
		a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution,
			core.WeightedPodAffinityTerm{Weight: weight, PodAffinityTerm: t})
	} else {
		a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution = append(a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution, t)
	}
	return p
}

// RequiredNodeAffinityIn adds a required node affinity term: the node label key in vals.
func (p *PodWrapper) RequiredNodeAffinityIn(key string, vals ...string) *PodWrapper {
	a := p.affinityForTerms()
	if a.NodeAffinity == nil {
		a.NodeAffinity = &core.NodeAffinity{}
	}
	if a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = &core.NodeSelector{}
	}
	ns := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	ns.NodeSelectorTerms = append(ns.NodeSelectorTerms, core.NodeSelectorTerm{
		MatchExpressions: []core.NodeSelectorRequirement{{Key: key, Operator: core.NodeSelectorOpIn, Values: vals}},
	})
	return p
}

func (p *PodWrapper) affinityForTerms() *core.Affinity {
	if p.Spec.Affinity == nil {
		p.Spec.Affinity = &core.Affinity{}
	}
	return p.Spec.Affinity
}
