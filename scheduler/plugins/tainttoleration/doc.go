// Package tainttoleration is the TaintToleration scheduler plugin: Filter keeps a pod off nodes
// with a NoSchedule or NoExecute taint it does not tolerate, and Score prefers nodes with fewer
// untolerated PreferNoSchedule taints. It also holds the toleration matching that other code
// (NodeUnschedulable, the taint manager, PodTopologySpread's nodeTaintsPolicy) shares, so that
// every part of the control plane agrees on what tolerates what.
//
//	reg := framework.Registry{}
//	_ = reg.Register(tainttoleration.Name, tainttoleration.New)
//
//	taint := core.Taint{Key: "node.kubernetes.io/not-ready", Effect: core.TaintEffectNoExecute}
//	if !tainttoleration.TolerationsTolerateTaint(pod.Spec.Tolerations, &taint) {
//		// evict
//	}
//	if t, ok := tainttoleration.FindMatchingUntoleratedTaint(node.Spec.Taints, pod.Spec.Tolerations,
//		tainttoleration.DoNotScheduleTaints); ok {
//		fmt.Printf("untolerated taint %s\n", t.Key)
//	}
package tainttoleration
