package nodelifecycle

import (
	"context"
	"encoding/json"
	"time"

	"github.com/go-logr/logr"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller"
)

// The DisruptionTarget condition the controller sets on the pods it deletes.
const (
	reasonDeletionByTaintManager  = "DeletionByTaintManager"
	messageDeletionByTaintManager = "Taint manager: deleting due to NoExecute taint"
)

// syncPod acts on one pod bound to a node: it marks it not Ready if its node is not Ready, and
// deletes it once its node's NoExecute taints are no longer tolerated, or asks to be called
// again when that time comes.
func (nc *Controller) syncPod(ctx context.Context, req controller.Request) (controller.Result, error) {
	key := req.String()
	pod, err := nc.podInf.Lister().Namespace(req.Namespace).Get(req.Name)
	if apierrors.IsNotFound(err) {
		nc.cancelEviction(ctx, nil, key)
		return controller.Result{}, nil
	}
	if err != nil {
		return controller.Result{}, err
	}
	if pod.Spec.NodeName == "" || pod.DeletionTimestamp != nil {
		nc.cancelEviction(ctx, nil, key) // nothing to evict, or already on its way out
		return controller.Result{}, nil
	}
	node, err := nc.nodeList.Get(pod.Spec.NodeName)
	if apierrors.IsNotFound(err) {
		// Pods of deleted nodes are the pod garbage collector's.
		nc.cancelEviction(ctx, pod, key)
		return controller.Result{}, nil
	}
	if err != nil {
		return controller.Result{}, err
	}
	if nc.nodeHealthKnown(node.Name) && !nodeReady(node) {
		if err := nc.markPodNotReady(ctx, pod, node.Name); err != nil {
			return controller.Result{}, err
		}
	}

	at, evict := evictionTime(nc.taintsFor(node, key), pod.Spec.Tolerations)
	if !evict {
		nc.cancelEviction(ctx, pod, key)
		return controller.Result{}, nil
	}
	now := nc.clock.Now()
	if at.After(now) {
		nc.mu.Lock()
		prev, had := nc.pending[key]
		nc.pending[key] = at
		nc.mu.Unlock()
		if !had || !prev.Equal(at) {
			logr.FromContextOrDiscard(ctx).V(2).Info("Pod tolerates its node's NoExecute taints for a while", "node", node.Name, "deleteIn", at.Sub(now))
		}
		return controller.Result{RequeueAfter: at.Sub(now)}, nil
	}
	logr.FromContextOrDiscard(ctx).Info("Deleting pod: its node has NoExecute taints it does not tolerate", "node", node.Name)
	nc.rec.Eventf(pod, core.EventTypeNormal, "TaintManagerEviction", "Marking for deletion Pod %s", key)
	if err := nc.deletePod(ctx, pod); err != nil {
		return controller.Result{}, err
	}
	nc.mu.Lock()
	delete(nc.pending, key)
	nc.mu.Unlock()
	return controller.Result{}, nil
}

// cancelEviction forgets a pending deletion and, when pod is given, says so in an event.
func (nc *Controller) cancelEviction(ctx context.Context, pod *core.Pod, key string) {
	nc.mu.Lock()
	_, had := nc.pending[key]
	delete(nc.pending, key)
	nc.mu.Unlock()
	if had && pod != nil {
		logr.FromContextOrDiscard(ctx).V(2).Info("Cancelled the pod's pending deletion")
		nc.rec.Eventf(pod, core.EventTypeNormal, "TaintManagerEviction", "Cancelling deletion of Pod %s", key)
	}
}

// timedTaint is a NoExecute taint with the time its tolerations count from.
type timedTaint struct {
	taint core.Taint
	since time.Time
}

// taintsFor returns the node's NoExecute taints, each with the time a pod's tolerations count
// from: the taint's timeAdded (or when the controller first saw it, lacking one), or when the
// controller saw the pod bound to the node, if that is later.
func (nc *Controller) taintsFor(node *core.Node, podKey string) []timedTaint {
	taints := noExecuteTaints(node.Spec.Taints)
	if len(taints) == 0 {
		return nil
	}
	now := nc.clock.Now()
	nc.mu.Lock()
	seen := nc.taintSeen[node.Name]
	bound, ok := nc.podSeen[podKey]
	nc.mu.Unlock()
	out := make([]timedTaint, 0, len(taints))
	for _, t := range taints {
		since, ok2 := seen[taintID{t.Key, t.Effect}]
		if !ok2 {
			since = now
		}
		if t.TimeAdded != nil && !t.TimeAdded.IsZero() {
			since = t.TimeAdded.Time
		}
		if ok && bound.node == node.Name && bound.at.After(since) {
			since = bound.at
		}
		out = append(out, timedTaint{taint: t, since: since})
	}
	return out
}

// evictionTime returns when a pod with tolerations must leave a node with taints, and whether it
// must at all. The zero time means at once: some taint is not tolerated, or is tolerated for no
// time. Each taint is matched by the first toleration that tolerates it, as in Kubernetes; one
// without tolerationSeconds tolerates it forever.
func evictionTime(taints []timedTaint, tolerations []core.Toleration) (time.Time, bool) {
	var at time.Time
	found := false
	for _, tt := range taints {
		tol := firstTolerating(tolerations, tt.taint)
		if tol == nil {
			return time.Time{}, true
		}
		if tol.TolerationSeconds == nil {
			continue
		}
		s := *tol.TolerationSeconds
		if s <= 0 {
			return time.Time{}, true
		}
		deadline := tt.since.Add(time.Duration(s) * time.Second)
		if !found || deadline.Before(at) {
			at, found = deadline, true
		}
	}
	return at, found
}

func firstTolerating(tolerations []core.Toleration, taint core.Taint) *core.Toleration {
	for i := range tolerations {
		if tolerates(&tolerations[i], taint) {
			return &tolerations[i]
		}
	}
	return nil
}

// tolerates reports whether the toleration matches the taint: same effect (or any, when empty),
// same key (or any, when empty, which only Exists allows), and the same value with Equal.
func tolerates(tol *core.Toleration, taint core.Taint) bool {
	if tol.Effect != "" && tol.Effect != taint.Effect {
		return false
	}
	if tol.Key != "" && tol.Key != taint.Key {
		return false
	}
	switch tol.Operator {
	case "", core.TolerationOpEqual:
		return tol.Value == taint.Value
	case core.TolerationOpExists:
		return true
	default:
		return false
	}
}

// deletePod sets the pod's DisruptionTarget condition and deletes it, as the pod it was (same
// UID): a pod recreated under the same name is left alone.
func (nc *Controller) deletePod(ctx context.Context, pod *core.Pod) error {
	pods := nc.pods.Namespace(pod.Namespace)
	cur, err := pods.Get(ctx, pod.Name, client.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if cur.UID != pod.UID || cur.DeletionTimestamp != nil {
		return nil
	}
	if c := cur.Condition(core.DisruptionTarget); c == nil || c.Status != core.ConditionTrue || c.Reason != reasonDeletionByTaintManager {
		cond := map[string]any{
			"type":    core.DisruptionTarget,
			"status":  core.ConditionTrue,
			"reason":  reasonDeletionByTaintManager,
			"message": messageDeletionByTaintManager,
		}
		if c == nil || c.Status != core.ConditionTrue {
			cond["lastTransitionTime"] = meta.NewTime(nc.clock.Now())
		}
		if err := nc.patchPodCondition(ctx, cur, cond); err != nil {
			if apierrors.IsNotFound(err) {
				return nil
			}
			return err
		}
	}
	uid := cur.UID
	err = pods.Delete(ctx, pod.Name, client.DeleteOptions{Preconditions: &meta.Preconditions{UID: &uid}})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil // gone, or another pod by now
	}
	return err
}

// patchPodCondition merges one condition into the status of the pod (by type, as the strategic
// merge patch of conditions does), so that it never conflicts with the kubelet's writes. The
// UID in the patch makes it fail on another pod of the same name.
func (nc *Controller) patchPodCondition(ctx context.Context, pod *core.Pod, cond map[string]any) error {
	body, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"uid": pod.UID},
		"status":   map[string]any{"conditions": []map[string]any{cond}},
	})
	if err != nil {
		return err
	}
	_, err = nc.pods.Namespace(pod.Namespace).Patch(ctx, pod.Name, client.StrategicMergePatchType, body, client.PatchOptions{}, "status")
	return err
}
