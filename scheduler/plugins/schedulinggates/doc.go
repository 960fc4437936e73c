// Package schedulinggates is the SchedulingGates scheduler plugin: a pod with spec.schedulingGates
// stays out of the active queue (PreEnqueue rejects it) until every gate has been removed, which
// lets an external controller hold pods back, for a quota or a gang, without the scheduler
// spending cycles on them.
//
//	reg := framework.Registry{}
//	_ = reg.Register(schedulinggates.Name, schedulinggates.New)
//
//	pl, _ := schedulinggates.New(ctx, nil, nil)
//	st := pl.(framework.PreEnqueuePlugin).PreEnqueue(ctx, pod)
//	// st.Message(): "waiting for scheduling gates: [example.com/quota]"
package schedulinggates
