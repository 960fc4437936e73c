// Package nodelifecycle is the node lifecycle controller: it watches the heartbeats of kubelets,
// marks the nodes that stop sending them as Unknown, taints nodes by their conditions, and
// evicts the pods of nodes tainted NoExecute (the "taint manager"), as kube-controller-manager's
// node-lifecycle and taint-eviction controllers do.
//
//	ctl, err := nodelifecycle.New(c, nodeInf, leaseInf, podInf, nodelifecycle.Options{
//		Recorder: broadcaster.Recorder(nodelifecycle.Name),
//		Logger:   log,
//	})
//	if err != nil {
//		return err
//	}
//	go nodeInf.Run(ctx) // and leaseInf, podInf: the caller starts the informers
//	return ctl.Run(ctx)  // blocks until ctx is done
//
// # Heartbeats
//
// A kubelet shows it is alive by renewing its Lease (kube-node-lease/<node>, spec.renewTime) and
// by posting its node's status (the Ready condition's lastHeartbeatTime). The controller never
// compares those times with its own clock: it notes the local time at which it sees either change
// (the "probe time"), so that clock skew between kubelets and the control plane does not matter.
// Every NodeMonitorPeriod (5 s) it looks at every node; one whose probe time is older than
// NodeMonitorGracePeriod (50 s, Kubernetes' default since 1.32) gets its kubelet conditions
// (Ready, MemoryPressure, DiskPressure, PIDPressure) set to Unknown, reason NodeStatusUnknown,
// "Kubelet stopped posting node status.", through nodes/status; lastTransitionTime moves only for
// conditions whose status changes. A node that has never posted a Ready condition gets
// NodeStartupGracePeriod (60 s) instead, counted from when the controller first saw it, and then
// conditions reason NodeStatusNeverUpdated.
//
// # Taints
//
// Nodes are tainted NoSchedule by their conditions, as Kubernetes' TaintNodesByCondition does:
// Ready False or Unknown (node.kubernetes.io/not-ready, node.kubernetes.io/unreachable),
// MemoryPressure, DiskPressure, PIDPressure and NetworkUnavailable True, and spec.unschedulable
// (node.kubernetes.io/unschedulable). A node whose Ready is False is tainted
// node.kubernetes.io/not-ready:NoExecute, one whose Ready is Unknown
// node.kubernetes.io/unreachable:NoExecute; the two are swapped at once when Ready flips between
// False and Unknown, and both go when the node is Ready again. Every taint the controller adds
// carries timeAdded.
//
// NoExecute taints are rate limited per zone (topology.kubernetes.io/region and zone), as in
// Kubernetes: NodeEvictionRate nodes a second (0.1) while the zone is healthy; when at least
// UnhealthyZoneThreshold (55%) of a zone's nodes, and more than two, are not Ready, the zone is
// partially disrupted and tainted at SecondaryNodeEvictionRate (0.01) if it has more than
// LargeClusterSizeThreshold (50) nodes, not at all otherwise. When no node of any zone is Ready
// the controller assumes the fault is its own (a partition between it and every kubelet): it
// removes the NoExecute taints it put on, stops adding them, and gives every node a fresh grace
// period once some node is Ready again.
//
// # Eviction
//
// A pod bound to a node with a NoExecute taint it does not tolerate is deleted at once. A pod
// whose matching toleration has tolerationSeconds is deleted when that time has passed, counted
// from the taint's timeAdded (or from when the controller first saw the pod on the node, if that
// is later); a toleration without tolerationSeconds tolerates the taint forever. A taint removed
// in time cancels the pending deletion. Before deleting a pod the controller sets its
// DisruptionTarget condition (reason DeletionByTaintManager) and records a TaintManagerEviction
// event. Pods of a node that stops being Ready are marked not Ready, so that they leave the
// endpoints of their services while they wait.
package nodelifecycle
