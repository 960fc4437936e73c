package podtopologyspread

import (
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/labels"
)

// requiredNodeAffinity is what a pod requires of a node's labels: its nodeSelector and its
// required node affinity, parsed once. nodeAffinityPolicy Honor counts only the pods of nodes it
// matches. (The NodeAffinity plugin filters with the same rules; this package keeps its own small
// copy so that it depends on the framework alone.)
type requiredNodeAffinity struct {
	nodeSelector labels.Selector // nil when the pod has none
	// terms are ORed; nil when the pod has no required node affinity.
	terms    []nodeSelectorTerm
	hasTerms bool
}

// nodeSelectorTerm is an AND of label requirements and field requirements. A term that does
// not parse, or that is empty, matches no node (Kubernetes ignores parse errors here).
type nodeSelectorTerm struct {
	labels labels.Selector
	fields []fieldRequirement
	valid  bool
}

// fieldRequirement is a matchFields entry: only metadata.name exists for nodes.
type fieldRequirement struct {
	key, value string
	notIn      bool
}

func newRequiredNodeAffinity(pod *core.Pod) *requiredNodeAffinity {
	r := &requiredNodeAffinity{}
	if len(pod.Spec.NodeSelector) > 0 {
		r.nodeSelector = labels.SelectorFromSet(labels.Set(pod.Spec.NodeSelector))
	}
	a := pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return r
	}
	r.hasTerms = true
	for _, t := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		r.terms = append(r.terms, parseNodeSelectorTerm(&t))
	}
	return r
}

func parseNodeSelectorTerm(t *core.NodeSelectorTerm) nodeSelectorTerm {
	if len(t.MatchExpressions) == 0 && len(t.MatchFields) == 0 {
		return nodeSelectorTerm{}
	}
	out := nodeSelectorTerm{valid: true}
	if len(t.MatchExpressions) > 0 {
		reqs := make([]labels.Requirement, 0, len(t.MatchExpressions))
		for _, e := range t.MatchExpressions {
			var op labels.Operator
			switch e.Operator {
			case core.NodeSelectorOpIn:
				op = labels.In
			case core.NodeSelectorOpNotIn:
				op = labels.NotIn
			case core.NodeSelectorOpExists:
				op = labels.Exists
			case core.NodeSelectorOpDoesNotExist:
				op = labels.DoesNotExist
			case core.NodeSelectorOpGt:
				op = labels.GreaterThan
			case core.NodeSelectorOpLt:
				op = labels.LessThan
			default:
				return nodeSelectorTerm{}
			}
			r, err := labels.NewRequirement(e.Key, op, e.Values)
			if err != nil {
				return nodeSelectorTerm{}
			}
			reqs = append(reqs, *r)
		}
		out.labels = labels.Everything().Add(reqs...)
	}
	for _, f := range t.MatchFields {
		if len(f.Values) != 1 {
			return nodeSelectorTerm{}
		}
		switch f.Operator {
		case core.NodeSelectorOpIn:
			out.fields = append(out.fields, fieldRequirement{key: f.Key, value: f.Values[0]})
		case core.NodeSelectorOpNotIn:
			out.fields = append(out.fields, fieldRequirement{key: f.Key, value: f.Values[0], notIn: true})
		default:
			return nodeSelectorTerm{}
		}
	}
	return out
}

func (r *requiredNodeAffinity) matches(node *core.Node) bool {
	if r.nodeSelector != nil && !r.nodeSelector.Matches(labels.Set(node.Labels)) {
		return false
	}
	if !r.hasTerms {
		return true
	}
	for i := range r.terms {
		if r.terms[i].matches(node) {
			return true
		}
	}
	return false
}

func (t *nodeSelectorTerm) matches(node *core.Node) bool {
	if !t.valid {
		return false
	}
	if t.labels != nil && !t.labels.Matches(labels.Set(node.Labels)) {
		return false
	}
	for _, f := range t.fields {
		var v string
		if f.key == "metadata.name" {
			v = node.Name
		}
		if (v == f.value) == f.notIn {
			return false
		}
	}
	return true
}
