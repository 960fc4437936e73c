// Package interpodaffinity is the InterPodAffinity scheduler plugin: it places a pod by the pods
// already running, as Kubernetes 1.32 does.
//
// Filter enforces the required terms: the pod's podAffinity (some pod matching every term must
// run in the node's domain of each term's topologyKey, unless no pod anywhere matches and the pod
// matches its own terms, the first pod of a group), its podAntiAffinity (no matching pod in the
// domain), and the required anti-affinity of the pods already running (none may be in a domain
// of the node and match the pod). The reasons are Kubernetes': "node(s) didn't match pod affinity
// rules", "node(s) didn't match pod anti-affinity rules" and "node(s) didn't satisfy existing
// pods anti-affinity rules". Score adds the weights of the preferred terms, both the pod's and
// the running pods' (their required affinity weighing hardPodAffinityWeight), and normalizes
// them to 0-100.
//
// Terms with a namespaceSelector need namespaces' labels, which Kubernetes reads from an
// informer and the framework's Handle does not offer: NewWithOptions takes them as a
// NamespaceLister. Without one, a non-empty namespaceSelector selects no namespace (an empty one
// still selects all).
//
//	registry := framework.Registry{}
//	_ = registry.Register(interpodaffinity.Name, interpodaffinity.NewWithOptions(interpodaffinity.Options{
//		Namespaces: myNamespaceLister,
//	}))
//
//	pod := schedulertest.MakePod().Name("web-1").Label("app", "web").
//		RequiredPodAntiAffinity("kubernetes.io/hostname", map[string]string{"app": "web"}).Obj()
//	statuses := schedulertest.RunFilter(t, plugin, pod, snapshot)
package interpodaffinity
