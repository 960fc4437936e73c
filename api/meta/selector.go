package meta

import (
	"fmt"
	"sort"

	"github.com/skiff-io/skiff/api/labels"
)

// LabelSelectorAsSelector turns the API's LabelSelector into a labels.Selector. A nil selector
// selects nothing and an empty one everything, as Kubernetes decides.
func LabelSelectorAsSelector(ps *LabelSelector) (labels.Selector, error) {
	if ps == nil {
		return labels.Nothing(), nil
	}
	if len(ps.MatchLabels)+len(ps.MatchExpressions) == 0 {
		return labels.Everything(), nil
	}
	var reqs []labels.Requirement
	keys := make([]string, 0, len(ps.MatchLabels))
	for k := range ps.MatchLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r, err := labels.NewRequirement(k, labels.Equals, []string{ps.MatchLabels[k]})
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, *r)
	}
	for _, expr := range ps.MatchExpressions {
		var op labels.Operator
		switch expr.Operator {
		case LabelSelectorOpIn:
			op = labels.In
		case LabelSelectorOpNotIn:
			op = labels.NotIn
		case LabelSelectorOpExists:
			op = labels.Exists
		case LabelSelectorOpDoesNotExist:
			op = labels.DoesNotExist
		default:
			return nil, fmt.Errorf("%q is not a valid label selector operator", expr.Operator)
		}
		r, err := labels.NewRequirement(expr.Key, op, append([]string(nil), expr.Values...))
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, *r)
	}
	return labels.Everything().Add(reqs...), nil
}

// LabelSelectorMatches reports whether a set of labels satisfies sel, with the API's meaning: a nil
// selector matches nothing, an empty one everything, and an invalid one nothing.
func LabelSelectorMatches(sel *LabelSelector, set map[string]string) bool {
	s, err := LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(labels.Set(set))
}
