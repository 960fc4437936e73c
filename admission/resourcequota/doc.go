// Package resourcequota is Kubernetes' ResourceQuota admission plugin and the resource quota
// controller that keeps quotas' status true: its recomputation (Recalculate) and the loop that runs
// it (StatusSync).
//
// The plugin charges each new object to every ResourceQuota of its namespace that covers it: pods
// count as pods, count/pods, cpu and memory (their requests), requests.*, limits.*, ephemeral
// storage, huge pages and extended resources; every other object as count/<resource>[.<group>]
// (and configmaps, secrets, ... under their legacy names). Pods are matched against quota scopes
// (Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass,
// CrossNamespacePodAffinity); other objects are counted by unscoped quotas only. A request that
// would take a quota over its hard limits is refused with Kubernetes' words:
//
//	pods "web-11" is forbidden: exceeded quota: q, requested: pods=1, used: pods=10, limited: pods=10
//
// Charging is a compare-and-swap on the quota (store.GuaranteedUpdate) that checks the hard limits
// inside the swap, so any number of concurrent creates against hard: {pods: "10"} admit exactly
// ten. Dry runs are checked but not charged. Limits are read from status.hard, as Kubernetes does:
// a quota whose status Recalculate has not yet filled limits nothing.
//
// StatusSync is kube-controller-manager's resource quota controller: it follows the store and
// recalculates a namespace when a quota there is created or its spec.hard changes, when usage is
// given back (a counted object deleted, a pod finished or past its grace period), and every
// ResyncPeriod (five minutes by default).
//
//	plugin := resourcequota.New(st, resourcequota.Options{})
//	chain := admission.Chain{..., plugin} // last: it charges only what everything else admitted
//	sync := resourcequota.NewStatusSync(st, resourcequota.SyncOptions{})
//	go sync.Run(ctx) // until ctx is done; an error only when st is closed
package resourcequota
