package nodelifecycle

import (
	"context"
	"fmt"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// conditionTaints maps a node condition's status to the NoSchedule taint it calls for, as
// Kubernetes' TaintNodesByCondition does.
var conditionTaints = map[core.NodeConditionType]map[core.ConditionStatus]string{
	core.NodeReady: {
		core.ConditionFalse:   TaintNodeNotReady,
		core.ConditionUnknown: TaintNodeUnreachable,
	},
	core.NodeMemoryPressure:     {core.ConditionTrue: TaintNodeMemoryPressure},
	core.NodeDiskPressure:       {core.ConditionTrue: TaintNodeDiskPressure},
	core.NodePIDPressure:        {core.ConditionTrue: TaintNodePIDPressure},
	core.NodeNetworkUnavailable: {core.ConditionTrue: TaintNodeNetworkUnavailable},
}

// noScheduleKeys are the keys of the NoSchedule taints the controller owns.
var noScheduleKeys = map[string]bool{
	TaintNodeNotReady:           true,
	TaintNodeUnreachable:        true,
	TaintNodeMemoryPressure:     true,
	TaintNodeDiskPressure:       true,
	TaintNodePIDPressure:        true,
	TaintNodeNetworkUnavailable: true,
	TaintNodeUnschedulable:      true,
}

// syncNoScheduleTaints gives a node the NoSchedule taints its conditions and spec.unschedulable
// call for, and removes those of its managed taints they no longer do.
func (nc *Controller) syncNoScheduleTaints(ctx context.Context, name string) error {
	node, err := nc.nodeList.Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	want := wantedNoScheduleTaints(node)
	var add, remove []core.Taint
	for _, t := range want {
		if !hasTaint(node.Spec.Taints, t) {
			add = append(add, t)
		}
	}
	for _, t := range node.Spec.Taints {
		if t.Effect == core.TaintEffectNoSchedule && noScheduleKeys[t.Key] && !hasTaint(want, t) {
			remove = append(remove, t)
		}
	}
	if len(add) == 0 && len(remove) == 0 {
		return nil
	}
	return nc.updateTaints(ctx, node, add, remove)
}

func wantedNoScheduleTaints(node *core.Node) []core.Taint {
	var want []core.Taint
	for _, c := range node.Status.Conditions {
		if key, ok := conditionTaints[c.Type][c.Status]; ok {
			want = append(want, core.Taint{Key: key, Effect: core.TaintEffectNoSchedule})
		}
	}
	if node.Spec.Unschedulable {
		want = append(want, core.Taint{Key: TaintNodeUnschedulable, Effect: core.TaintEffectNoSchedule})
	}
	return want
}

// hasTaint reports whether taints has one with t's key and effect.
func hasTaint(taints []core.Taint, t core.Taint) bool {
	for _, x := range taints {
		if x.Key == t.Key && x.Effect == t.Effect {
			return true
		}
	}
	return false
}

// noExecuteTaints returns the NoExecute taints among taints.
func noExecuteTaints(taints []core.Taint) []core.Taint {
	var out []core.Taint
	for _, t := range taints {
		if t.Effect == core.TaintEffectNoExecute {
			out = append(out, t)
		}
	}
	return out
}

// applyTaints returns taints without those matching remove (by key and effect) and with those
// of add it lacks, stamped with timeAdded; and whether that changed anything.
func applyTaints(taints, add, remove []core.Taint, now meta.Time) ([]core.Taint, bool) {
	out := make([]core.Taint, 0, len(taints)+len(add))
	changed := false
	for _, t := range taints {
		if hasTaint(remove, t) {
			changed = true
			continue
		}
		out = append(out, t)
	}
	for _, t := range add {
		if hasTaint(out, t) {
			continue
		}
		stamp := now
		t.TimeAdded = &stamp
		out = append(out, t)
		changed = true
	}
	return out, changed
}

// maxTaintAttempts bounds the retries of a taint update that conflicts with other writers.
const maxTaintAttempts = 5

// updateTaints adds and removes taints on a node (a cached copy first, then fresh ones from the
// API server after conflicts). A node that is gone needs nothing.
func (nc *Controller) updateTaints(ctx context.Context, node *core.Node, add, remove []core.Taint) error {
	cur := node
	for attempt := 1; ; attempt++ {
		taints, changed := applyTaints(cur.Spec.Taints, add, remove, meta.NewTime(nc.clock.Now()))
		if !changed {
			return nil
		}
		upd := cur.DeepCopy()
		upd.Spec.Taints = taints
		_, err := nc.nodes.Update(ctx, upd, client.UpdateOptions{})
		if err == nil || apierrors.IsNotFound(err) {
			return nil
		}
		if !apierrors.IsConflict(err) || attempt == maxTaintAttempts {
			return fmt.Errorf("update taints of node %s: %w", node.Name, err)
		}
		cur, err = nc.nodes.Get(ctx, node.Name, client.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("get node %s: %w", node.Name, err)
		}
	}
}
