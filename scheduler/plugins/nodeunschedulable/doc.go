// Package nodeunschedulable is the NodeUnschedulable scheduler plugin: it keeps pods off cordoned
// nodes (spec.unschedulable, set by kubectl cordon), except pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint, the way DaemonSet pods do.
//
//	reg := framework.Registry{}
//	_ = reg.Register(nodeunschedulable.Name, nodeunschedulable.New)
//
//	pod.Spec.Tolerations = append(pod.Spec.Tolerations, core.Toleration{
//		Key:      nodeunschedulable.TaintNodeUnschedulable,
//		Operator: core.TolerationOpExists,
//		Effect:   core.TaintEffectNoSchedule,
//	}) // now lands on cordoned nodes too
package nodeunschedulable
