// Package framework is the scheduler's plugin API, all a plugin author imports besides api: the
// extension points as small interfaces, the Status a plugin answers with, the CycleState a
// scheduling cycle shares between plugins, the NodeInfo a plugin reads about a node (its pods and
// the resources, ports and images they use), the Handle that gives a plugin the cluster, and the
// Registry of plugin factories.
//
// The extension points, in the order of a scheduling cycle: PreEnqueue (may the pod be queued),
// QueueSort (which pod first), PreFilter (once per pod, may narrow the nodes), Filter (per node),
// PostFilter (when no node fits: preemption), PreScore, Score (per node, 0 to MaxNodeScore, then
// NormalizeScore), Reserve/Unreserve, Permit (may make the pod wait); then, in the binding cycle,
// PreBind, Bind and PostBind.
//
//	type MyPlugin struct{ handle framework.Handle }
//	func (p *MyPlugin) Name() string { return "MyPlugin" }
//	// Score gets the node's NodeInfo from the snapshot, shared and read-only.
//	func (p *MyPlugin) Score(ctx context.Context, state *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
//		return int64(len(ni.Pods)), nil
//	}
//	func (p *MyPlugin) ScoreExtensions() framework.ScoreExtensions { return nil }
//
// A nil *Status is success: every method of Status accepts a nil receiver.
package framework
