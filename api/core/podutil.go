package core

import "time"

// Condition returns the pod's condition of type t, or nil.
func (p *Pod) Condition(t PodConditionType) *PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// IsPodReady reports whether the pod's Ready condition is True.
func IsPodReady(p *Pod) bool {
	c := p.Condition(PodReady)
	return c != nil && c.Status == ConditionTrue
}

// IsPodAvailable reports whether the pod has been ready for at least minReadySeconds at now, as
// controllers count availability.
func IsPodAvailable(p *Pod, minReadySeconds int32, now time.Time) bool {
	c := p.Condition(PodReady)
	if c == nil || c.Status != ConditionTrue {
		return false
	}
	if minReadySeconds == 0 {
		return true
	}
	since := c.LastTransitionTime.Time
	return !since.IsZero() && !since.Add(time.Duration(minReadySeconds)*time.Second).After(now)
}

// IsPodActive reports whether the pod counts toward a controller's replicas: not finished
// (Succeeded or Failed) and not being deleted.
func IsPodActive(p *Pod) bool {
	return p.Status.Phase != PodSucceeded && p.Status.Phase != PodFailed && p.DeletionTimestamp == nil
}

// IsPodTerminating reports whether the pod is being deleted but not yet finished.
func IsPodTerminating(p *Pod) bool {
	return p.DeletionTimestamp != nil && p.Status.Phase != PodSucceeded && p.Status.Phase != PodFailed
}
