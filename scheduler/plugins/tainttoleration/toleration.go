package tainttoleration

import "github.com/skiff-io/skiff/api/core"

// ToleratesTaint reports whether one toleration tolerates a taint, as Kubernetes decides it: an
// empty effect matches every effect, an empty key (which validation allows only with Exists)
// matches every key, Exists matches any value, and Equal (also the empty operator) needs the
// values to be equal. An unknown operator tolerates nothing.
func ToleratesTaint(toleration *core.Toleration, taint *core.Taint) bool {
	if toleration.Effect != "" && toleration.Effect != taint.Effect {
		return false
	}
	if toleration.Key != "" && toleration.Key != taint.Key {
		return false
	}
	switch toleration.Operator {
	case "", core.TolerationOpEqual:
		return toleration.Value == taint.Value
	case core.TolerationOpExists:
		return true
	default:
		return false
	}
}

// TolerationsTolerateTaint reports whether any of the tolerations tolerates the taint.
func TolerationsTolerateTaint(tolerations []core.Toleration, taint *core.Taint) bool {
	for i := range tolerations {
		if ToleratesTaint(&tolerations[i], taint) {
			return true
		}
	}
	return false
}

// TaintFilter selects the taints a check is about; nil selects every taint.
type TaintFilter func(*core.Taint) bool

// DoNotScheduleTaints selects the taints that keep new pods off a node: NoSchedule and NoExecute.
// PreferNoSchedule only lowers a node's score.
func DoNotScheduleTaints(t *core.Taint) bool {
	return t.Effect == core.TaintEffectNoSchedule || t.Effect == core.TaintEffectNoExecute
}

// FindMatchingUntoleratedTaint returns the first of taints that include selects and no toleration
// tolerates, and true; or the zero Taint and false when every selected taint is tolerated. The
// first one is what users read in the FailedScheduling event, so the order of the node's taints
// is kept. It does not allocate.
func FindMatchingUntoleratedTaint(taints []core.Taint, tolerations []core.Toleration, include TaintFilter) (core.Taint, bool) {
	for i := range taints {
		t := &taints[i]
		if include != nil && !include(t) {
			continue
		}
		if !TolerationsTolerateTaint(tolerations, t) {
			return *t, true
		}
	}
	return core.Taint{}, false
}
