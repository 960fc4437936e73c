package nodeaffinity

import (
	"errors"
	"slices"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/labels"
)

// ObjectNameField is the one node field a matchFields requirement can test.
const ObjectNameField = "metadata.name"

// NodeSelector is a core.NodeSelector compiled for matching many nodes: the OR of its terms, each
// the AND of its label expressions and field requirements. It is immutable and safe for
// concurrent use, and Match does not allocate.
type NodeSelector struct {
	terms []selectorTerm
}

// selectorTerm is one compiled core.NodeSelectorTerm.
type selectorTerm struct {
	// exprs is the AND of the term's matchExpressions; empty when it has none.
	exprs []labelRequirement
	// fields is the AND of the term's matchFields; empty when it has none.
	fields []fieldRequirement
	// invalid is set when the term did not parse; it then matches no node.
	invalid bool
}

// labelRequirement is a parsed label expression. labels.Requirement checks it and matches Gt and
// Lt; the set operators, which are nearly all that pods use, are matched here with one map
// lookup instead of Requirement's two (Has, then Get), since they run for every node.
type labelRequirement struct {
	req    labels.Requirement
	key    string
	op     labels.Operator
	values []string // sorted and free of duplicates
}

func newLabelRequirement(r *labels.Requirement) labelRequirement {
	return labelRequirement{req: *r, key: r.Key(), op: r.Operator(), values: r.Values()}
}

func (r *labelRequirement) matches(nodeLabels map[string]string) bool {
	switch r.op {
	case labels.In:
		v, ok := nodeLabels[r.key]
		return ok && r.hasValue(v)
	case labels.NotIn:
		v, ok := nodeLabels[r.key]
		return !ok || !r.hasValue(v)
	case labels.Exists:
		_, ok := nodeLabels[r.key]
		return ok
	case labels.DoesNotExist:
		_, ok := nodeLabels[r.key]
		return !ok
	default:
		return r.req.Matches(labels.Set(nodeLabels))
	}
}

func (r *labelRequirement) hasValue(v string) bool {
	if len(r.values) <= 8 {
		for _, x := range r.values {
			if x == v {
				return true
			}
		}
		return false
	}
	_, found := slices.BinarySearch(r.values, v)
	return found
}

// fieldRequirement is "field == value" (In with one value) or "field != value" (NotIn).
type fieldRequirement struct {
	key, value string
	notEqual   bool
}

// ParseNodeSelector compiles ns. As in Kubernetes, a term with neither expressions nor fields
// matches nothing, and a term that does not parse (an unknown operator, an invalid key or value,
// a field requirement without exactly one value) matches nothing either; the error lists every
// such problem with its field path under path (nil for none), and is nil when all terms parse.
// The selector is returned even with an error, never nil, so that a caller that tolerates bad
// terms, as the scheduler's Filter does for objects stored before validation was strict, can
// ignore the error; a caller validating configuration rejects it.
func ParseNodeSelector(ns *core.NodeSelector, path *field.Path) (*NodeSelector, error) {
	s := &NodeSelector{}
	if ns == nil {
		return s, nil
	}
	var errs []error
	termsPath := path.Child("nodeSelectorTerms")
	for i := range ns.NodeSelectorTerms {
		t := &ns.NodeSelectorTerms[i]
		if isEmptyTerm(t) {
			continue
		}
		term, termErrs := parseTerm(t, termsPath.Index(i))
		errs = append(errs, termErrs...)
		s.terms = append(s.terms, term)
	}
	return s, errors.Join(errs...)
}

// Match reports whether any term matches the node's labels and name. A nil node matches nothing.
func (s *NodeSelector) Match(node *core.Node) bool {
	if node == nil {
		return false
	}
	for i := range s.terms {
		if s.terms[i].matches(node) {
			return true
		}
	}
	return false
}

// PreferredSchedulingTerms is a list of core.PreferredSchedulingTerm compiled for scoring many
// nodes. It is immutable and safe for concurrent use, and Score does not allocate.
type PreferredSchedulingTerms struct {
	terms []weightedTerm
}

type weightedTerm struct {
	selectorTerm
	weight int64
}

// ParsePreferredSchedulingTerms compiles terms, skipping those of weight 0 and those with neither
// expressions nor fields, which can never add to a score. Unlike ParseNodeSelector it returns nil
// when a term does not parse, with every problem in the error, as Kubernetes does: a preference
// that is half understood is not worth scoring by.
func ParsePreferredSchedulingTerms(terms []core.PreferredSchedulingTerm, path *field.Path) (*PreferredSchedulingTerms, error) {
	p := &PreferredSchedulingTerms{}
	var errs []error
	for i := range terms {
		t := &terms[i]
		if t.Weight == 0 || isEmptyTerm(&t.Preference) {
			continue
		}
		term, termErrs := parseTerm(&t.Preference, path.Index(i).Child("preference"))
		if len(termErrs) > 0 {
			errs = append(errs, termErrs...)
			continue
		}
		p.terms = append(p.terms, weightedTerm{selectorTerm: term, weight: int64(t.Weight)})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// Score is the sum of the weights of the terms that match the node.
func (p *PreferredSchedulingTerms) Score(node *core.Node) int64 {
	if p == nil || node == nil {
		return 0
	}
	var score int64
	for i := range p.terms {
		if p.terms[i].matches(node) {
			score += p.terms[i].weight
		}
	}
	return score
}

// RequiredNodeAffinity is what a pod demands of its node: its spec.nodeSelector and its required
// node affinity, both of which must match. It is immutable and safe for concurrent use, and
// Match does not allocate.
type RequiredNodeAffinity struct {
	// labels is spec.nodeSelector as a list, quicker to walk than the map for every node.
	labels []labelPair
	// affinity is the required node affinity; nil when the pod has none.
	affinity *NodeSelector
	err      error
}

type labelPair struct{ key, value string }

// NewRequiredNodeAffinity compiles the pod's nodeSelector and required node affinity. Terms of
// the affinity that do not parse match no node (see ParseNodeSelector); Err reports them.
func NewRequiredNodeAffinity(pod *core.Pod) *RequiredNodeAffinity {
	r := &RequiredNodeAffinity{}
	if n := len(pod.Spec.NodeSelector); n > 0 {
		r.labels = make([]labelPair, 0, n)
		for k, v := range pod.Spec.NodeSelector {
			r.labels = append(r.labels, labelPair{k, v})
		}
	}
	if a := pod.Spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		// No path prefix: it would cost allocations for every pod, for errors that Filter ignores.
		r.affinity, r.err = ParseNodeSelector(a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution, nil)
	}
	return r
}

// Match reports whether the node has every label of the nodeSelector, with its value, and
// matches the required node affinity when there is one.
func (r *RequiredNodeAffinity) Match(node *core.Node) bool {
	if node == nil || !r.matchNodeSelector(node) {
		return false
	}
	return r.affinity == nil || r.affinity.Match(node)
}

// matchNodeSelector applies spec.nodeSelector alone.
func (r *RequiredNodeAffinity) matchNodeSelector(node *core.Node) bool {
	for _, l := range r.labels {
		if v, ok := node.Labels[l.key]; !ok || v != l.value {
			return false
		}
	}
	return true
}

// Err is the problems found parsing the required node affinity, or nil.
func (r *RequiredNodeAffinity) Err() error { return r.err }

// matches applies the term. Like Kubernetes, it skips the field requirements of a node without a
// name, the one field they can test.
func (t *selectorTerm) matches(node *core.Node) bool {
	if t.invalid {
		return false
	}
	for i := range t.exprs {
		if !t.exprs[i].matches(node.Labels) {
			return false
		}
	}
	if node.Name == "" {
		return true
	}
	for _, f := range t.fields {
		if (nodeField(node, f.key) == f.value) == f.notEqual {
			return false
		}
	}
	return true
}

// nodeField is a node's value for a field selector key; "" for a field it does not expose, as
// Kubernetes' field sets answer for absent fields.
func nodeField(node *core.Node, key string) string {
	if key == ObjectNameField {
		return node.Name
	}
	return ""
}

func isEmptyTerm(t *core.NodeSelectorTerm) bool {
	return len(t.MatchExpressions) == 0 && len(t.MatchFields) == 0
}

// selectorOperators maps node selector operators to label selector ones.
var selectorOperators = map[core.NodeSelectorOperator]labels.Operator{
	core.NodeSelectorOpIn:           labels.In,
	core.NodeSelectorOpNotIn:        labels.NotIn,
	core.NodeSelectorOpExists:       labels.Exists,
	core.NodeSelectorOpDoesNotExist: labels.DoesNotExist,
	core.NodeSelectorOpGt:           labels.GreaterThan,
	core.NodeSelectorOpLt:           labels.LessThan,
}

var (
	validSelectorOperators = []core.NodeSelectorOperator{
		core.NodeSelectorOpIn, core.NodeSelectorOpNotIn, core.NodeSelectorOpExists,
		core.NodeSelectorOpDoesNotExist, core.NodeSelectorOpGt, core.NodeSelectorOpLt,
	}
	validFieldOperators = []core.NodeSelectorOperator{core.NodeSelectorOpIn, core.NodeSelectorOpNotIn}
)

// parseTerm compiles a non-empty term; with errors, the term is marked invalid.
func parseTerm(t *core.NodeSelectorTerm, path *field.Path) (selectorTerm, []error) {
	var term selectorTerm
	var errs []error
	if len(t.MatchExpressions) > 0 {
		p := path.Child("matchExpressions")
		term.exprs = make([]labelRequirement, 0, len(t.MatchExpressions))
		for i, e := range t.MatchExpressions {
			op, ok := selectorOperators[e.Operator]
			if !ok {
				errs = append(errs, field.NotSupported(p.Index(i).Child("operator"), e.Operator, validSelectorOperators))
				continue
			}
			r, err := labels.NewRequirement(e.Key, op, e.Values)
			if err != nil {
				errs = append(errs, &field.Error{Type: field.ErrorTypeInvalid, Field: p.Index(i).String(), BadValue: field.OmitValue, Detail: err.Error()})
				continue
			}
			term.exprs = append(term.exprs, newLabelRequirement(r))
		}
	}
	if len(t.MatchFields) > 0 {
		p := path.Child("matchFields")
		term.fields = make([]fieldRequirement, 0, len(t.MatchFields))
		for i, f := range t.MatchFields {
			switch f.Operator {
			case core.NodeSelectorOpIn, core.NodeSelectorOpNotIn:
				if len(f.Values) != 1 {
					errs = append(errs, field.Invalid(p.Index(i).Child("values"), f.Values, "must have one element"))
					continue
				}
				term.fields = append(term.fields, fieldRequirement{key: f.Key, value: f.Values[0], notEqual: f.Operator == core.NodeSelectorOpNotIn})
			default:
				errs = append(errs, field.NotSupported(p.Index(i).Child("operator"), f.Operator, validFieldOperators))
			}
		}
	}
	if len(errs) > 0 {
		term = selectorTerm{invalid: true}
	}
	return term, errs
}
