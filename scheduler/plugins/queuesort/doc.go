// Package queuesort is the PrioritySort scheduler plugin, the default QueueSort: the active queue
// pops pods by spec.priority, highest first, and among equal priorities the one queued earliest.
//
//	reg := framework.Registry{}
//	_ = reg.Register(queuesort.Name, queuesort.New)
//
//	var pl queuesort.PrioritySort
//	if pl.Less(a, b) {
//		// a is scheduled before b
//	}
package queuesort
