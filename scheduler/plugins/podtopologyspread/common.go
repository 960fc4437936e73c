package podtopologyspread

import (
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/internal/podcount"
)

// constraint is a TopologySpreadConstraint of the pod being scheduled, with its selector parsed
// and its defaults applied.
type constraint struct {
	maxSkew     int32
	topologyKey string
	selector    labels.Selector
	// ownerUID, when set, narrows the selector to pods controlled by that UID: how the default
	// constraints select siblings when no ControllerLister is given.
	ownerUID      meta.UID
	minDomains    int32
	honorAffinity bool
	honorTaints   bool
	// counts caches countOn across cycles while a cycle has them checked out; nil otherwise.
	counts *podcount.Counts
}

// matches reports whether p counts for the constraint (its namespace aside).
func (c *constraint) matches(p *core.Pod) bool {
	if c.ownerUID != "" {
		ref := p.ControllerRef()
		if ref == nil || ref.UID != c.ownerUID {
			return false
		}
	}
	return c.selector.Matches(labelsOf(p))
}

// countOn counts the pods of a node that the constraint selects in namespace ns; terminating pods
// do not count, since they are about to leave.
func (c *constraint) countOn(pods []*framework.PodInfo, ns string) int {
	n := 0
	for _, pi := range pods {
		p := pi.Pod
		if p.Namespace != ns || p.DeletionTimestamp != nil {
			continue
		}
		if c.matches(p) {
			n++
		}
	}
	return n
}

// getConstraints returns the pod's constraints of one action: its own, or else the default ones
// when it belongs to a workload.
func (pl *PodTopologySpread) getConstraints(pod *core.Pod, action core.UnsatisfiableConstraintAction) ([]constraint, error) {
	if len(pod.Spec.TopologySpreadConstraints) > 0 {
		cs, err := toConstraints(pod.Spec.TopologySpreadConstraints, pod.Labels, action)
		if err != nil {
			return nil, fmt.Errorf("%s: the pod's %s topology spread constraints: %w", Name, action, err)
		}
		return cs, nil
	}
	cs, err := pl.defaultConstraintsFor(pod, action)
	if err != nil {
		return nil, fmt.Errorf("%s: the default %s topology spread constraints: %w", Name, action, err)
	}
	return cs, nil
}

// toConstraints parses the constraints of one action, applying Kubernetes' defaults: minDomains
// 1, nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore; matchLabelKeys adds the pod's own values
// of those labels to the selector.
func toConstraints(in []core.TopologySpreadConstraint, podLabels map[string]string, action core.UnsatisfiableConstraintAction) ([]constraint, error) {
	var out []constraint
	for i := range in {
		c := &in[i]
		if c.WhenUnsatisfiable != action {
			continue
		}
		sel, err := meta.LabelSelectorAsSelector(c.LabelSelector)
		if err != nil {
			return nil, err
		}
		if len(c.MatchLabelKeys) > 0 {
			set := labels.Set{}
			for _, k := range c.MatchLabelKeys {
				if v, ok := podLabels[k]; ok {
					set[k] = v
				}
			}
			if len(set) > 0 {
				merged := labels.SelectorFromSet(set)
				// A nil labelSelector selects nothing and has no requirements to carry over,
				// so the merged selector is the pod's values alone, as in Kubernetes.
				if reqs, ok := sel.Requirements(); ok {
					merged = merged.Add(reqs...)
				}
				sel = merged
			}
		}
		tc := constraint{
			maxSkew:       c.MaxSkew,
			topologyKey:   c.TopologyKey,
			selector:      sel,
			minDomains:    1,
			honorAffinity: true,
		}
		if c.MinDomains != nil {
			tc.minDomains = *c.MinDomains
		}
		if c.NodeAffinityPolicy != nil {
			tc.honorAffinity = *c.NodeAffinityPolicy == core.NodeInclusionPolicyHonor
		}
		if c.NodeTaintsPolicy != nil {
			tc.honorTaints = *c.NodeTaintsPolicy == core.NodeInclusionPolicyHonor
		}
		out = append(out, tc)
	}
	return out, nil
}

// defaultConstraintsFor gives the default constraints of one action to a pod without its own,
// selecting its siblings through the workloads it belongs to; none when it belongs to none.
func (pl *PodTopologySpread) defaultConstraintsFor(pod *core.Pod, action core.UnsatisfiableConstraintAction) ([]constraint, error) {
	if len(pl.defaultConstraints) == 0 {
		return nil, nil
	}
	// Most pods belong to no workload the defaults know: find out before parsing anything.
	sel, ownerUID := pl.defaultSelector(pod)
	if sel.Empty() && ownerUID == "" {
		return nil, nil
	}
	cs, err := toConstraints(pl.defaultConstraints, pod.Labels, action)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	for i := range cs {
		cs[i].selector, cs[i].ownerUID = sel, ownerUID
	}
	return cs, nil
}

// defaultSelector is Kubernetes' DefaultSelector: the AND of the selectors of the Services that
// select the pod and of its controller when that is a ReplicationController, ReplicaSet or
// StatefulSet. Without a ControllerLister the controller's part is its UID instead.
func (pl *PodTopologySpread) defaultSelector(pod *core.Pod) (labels.Selector, meta.UID) {
	var set labels.Set
	if pl.opts.Services != nil {
		set = labels.Set{}
		// Every Service selecting the pod agrees with its labels, so merging cannot conflict.
		for _, s := range pl.opts.Services.ServiceSelectors(pod) {
			for k, v := range s {
				set[k] = v
			}
		}
	}
	sel := labels.SelectorFromSet(set)
	ref := pod.ControllerRef()
	if ref == nil || !spreadableController(ref) {
		return sel, ""
	}
	if pl.opts.Controllers == nil {
		return sel, ref.UID
	}
	ls, ok := pl.opts.Controllers.ControllerSelector(pod.Namespace, ref)
	if !ok {
		return sel, ""
	}
	other, err := meta.LabelSelectorAsSelector(ls)
	if err != nil {
		return sel, ""
	}
	if reqs, ok := other.Requirements(); ok {
		sel = sel.Add(reqs...)
	}
	return sel, ""
}

// spreadableController reports the kinds whose selectors Kubernetes' defaults read.
func spreadableController(ref *meta.OwnerReference) bool {
	switch {
	case ref.APIVersion == "v1" && ref.Kind == "ReplicationController":
		return true
	case ref.APIVersion == "apps/v1" && (ref.Kind == "ReplicaSet" || ref.Kind == "StatefulSet"):
		return true
	}
	return false
}

// nodeHasAllKeys reports whether the node has every constraint's topology key.
func nodeHasAllKeys(nodeLabels map[string]string, constraints []constraint) bool {
	for i := range constraints {
		if _, ok := nodeLabels[constraints[i].topologyKey]; !ok {
			return false
		}
	}
	return true
}

// inclusion decides, once per pod, which nodes' pods the constraints count under their node
// inclusion policies.
type inclusion struct {
	// needAffinity and needTaints say whether any constraint honors the policy, so that nodes
	// are only checked when it matters.
	needAffinity, needTaints bool
	affinity                 *requiredNodeAffinity
	tolerations              []core.Toleration
}

func newInclusion(pod *core.Pod, constraints []constraint) *inclusion {
	in := &inclusion{tolerations: pod.Spec.Tolerations}
	for i := range constraints {
		in.needAffinity = in.needAffinity || constraints[i].honorAffinity
		in.needTaints = in.needTaints || constraints[i].honorTaints
	}
	if in.needAffinity {
		in.affinity = newRequiredNodeAffinity(pod)
	}
	return in
}

// nodeVerdict is what the policies say of one node.
type nodeVerdict struct{ affinityOK, taintsOK bool }

func (in *inclusion) judge(node *core.Node) nodeVerdict {
	v := nodeVerdict{affinityOK: true, taintsOK: true}
	if in.needAffinity {
		v.affinityOK = in.affinity.matches(node)
	}
	if in.needTaints {
		v.taintsOK = !hasUntoleratedTaint(node.Spec.Taints, in.tolerations)
	}
	return v
}

// includes reports whether the constraint counts the node's pods.
func (c *constraint) includes(v nodeVerdict) bool {
	return (!c.honorAffinity || v.affinityOK) && (!c.honorTaints || v.taintsOK)
}

// hasUntoleratedTaint reports a NoSchedule or NoExecute taint that no toleration tolerates
// (PreferNoSchedule taints never keep a pod off a node).
func hasUntoleratedTaint(taints []core.Taint, tolerations []core.Toleration) bool {
	for i := range taints {
		t := &taints[i]
		if t.Effect != core.TaintEffectNoSchedule && t.Effect != core.TaintEffectNoExecute {
			continue
		}
		tolerated := false
		for j := range tolerations {
			if tolerates(&tolerations[j], t) {
				tolerated = true
				break
			}
		}
		if !tolerated {
			return true
		}
	}
	return false
}

// tolerates is Kubernetes' Toleration.ToleratesTaint: an empty effect or key matches any, an
// empty operator means Equal.
func tolerates(tol *core.Toleration, t *core.Taint) bool {
	if tol.Effect != "" && tol.Effect != t.Effect {
		return false
	}
	if tol.Key != "" && tol.Key != t.Key {
		return false
	}
	switch tol.Operator {
	case "", core.TolerationOpEqual:
		return tol.Value == t.Value
	case core.TolerationOpExists:
		return true
	}
	return false
}
