// Package podtopologyspread is the PodTopologySpread scheduler plugin: it spreads a pod's
// siblings (the pods its topologySpreadConstraints select, in its namespace) over topology
// domains (zones, nodes, ...), as Kubernetes 1.32 does.
//
// Filter enforces whenUnsatisfiable=DoNotSchedule constraints: placing the pod in a domain must
// not make that domain hold more than maxSkew pods above the least-loaded eligible domain
// (counted as 0 while fewer than minDomains domains exist). Nodes missing a constraint's
// topology key are rejected as unresolvable ("node(s) didn't match pod topology spread
// constraints (missing required label)"). nodeAffinityPolicy (default Honor) and
// nodeTaintsPolicy (default Ignore) decide which nodes' pods count; matchLabelKeys narrows the
// selector with the pod's own label values. Score ranks nodes for ScheduleAnyway constraints,
// fewer matching pods being better, normalized as Kubernetes does.
//
// Pods without constraints get the default constraints (by default Kubernetes' system ones:
// maxSkew 3 over kubernetes.io/hostname and 5 over topology.kubernetes.io/zone, ScheduleAnyway)
// when they belong to a Service, ReplicationController, ReplicaSet or StatefulSet. Kubernetes
// reads those from informers, which the framework's Handle does not offer, so NewWithOptions
// takes them as Options; with none, a pod controlled by a ReplicaSet, StatefulSet or
// ReplicationController is spread with the pods controlled by the same owner (same controller
// UID), which is what the controller's selector selects in a healthy cluster.
//
//	registry := framework.Registry{}
//	_ = registry.Register(podtopologyspread.Name, podtopologyspread.NewWithOptions(podtopologyspread.Options{
//		Controllers: myControllerLister, // optional: selectors of ReplicaSets, StatefulSets, ...
//	}))
//
//	pod := schedulertest.MakePod().Name("web-1").Label("app", "web").
//		SpreadConstraint(1, "topology.kubernetes.io/zone", core.DoNotSchedule, map[string]string{"app": "web"}).Obj()
//	statuses := schedulertest.RunFilter(t, plugin, pod, snapshot)
package podtopologyspread
