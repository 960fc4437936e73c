// Package schedulertest is the kit for scheduler plugin authors: builders of pods and nodes
// (MakePod, MakeNode), a Handle over a snapshot, and helpers that run one plugin's extension
// points against a snapshot, with no API server.
//
//	snap := framework.NewSnapshot(nil, []*core.Node{
//		schedulertest.MakeNode().Name("a").Capacity(map[core.ResourceName]string{"cpu": "4"}).Obj(),
//	})
//	pod := schedulertest.MakePod().Name("p").Req(map[core.ResourceName]string{"cpu": "1"}).Obj()
//	statuses := schedulertest.RunFilter(t, plugin, pod, snap)
package schedulertest
