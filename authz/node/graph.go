package node

import (
	"context"
	"sync"

	"github.com/skiff-io/skiff/api/core"
)

// kind is the type of an object a pod can reference.
type kind uint8

const (
	kindSecret kind = iota
	kindConfigMap
	kindPVC
	kindServiceAccount
	kindResourceClaim
)

var kindNames = [...]string{"secret", "configmap", "pvc", "serviceaccount", "resourceclaim"}

func (k kind) String() string { return kindNames[k] }

// ref names an object a pod references; all of them live in the pod's namespace.
type ref struct {
	kind      kind
	namespace string
	name      string
}

type podKey struct{ namespace, name string }

type podEntry struct {
	node string
	refs []ref
}

// graph is Kubernetes' node authorizer graph flattened to what a decision asks: for an object, how
// many pods on each node reference it. Kubernetes keeps vertices and edges and walks them
// (secret -> pod -> node); with only pods feeding it, every path has that one shape, so a map
// lookup answers the same question in constant time whatever the cluster's size.
type graph struct {
	mu sync.RWMutex
	// pods holds each bound pod's node and references, so that an update or delete can take back
	// exactly what the pod gave.
	pods map[podKey]podEntry
	// edges counts, per object, the pods on each node that reference it.
	edges map[ref]map[string]int32
	// rev is the store revision the graph reflects; synced is set by the first list.
	rev    int64
	synced bool
	// advanced is closed, and replaced, whenever rev moves or synced is set.
	advanced chan struct{}
}

func newGraph() *graph {
	return &graph{pods: map[podKey]podEntry{}, edges: map[ref]map[string]int32{}, advanced: make(chan struct{})}
}

// related reports whether a pod bound to node references the object.
func (g *graph) related(node string, r ref) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.edges[r][node] > 0
}

// podOnNode reports whether the pod is bound to node.
func (g *graph) podOnNode(node, namespace, name string) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	e, ok := g.pods[podKey{namespace, name}]
	return ok && e.node == node
}

// setPod records pod as it now is, replacing whatever it was before. A pod not bound to a node
// relates to nothing, so it leaves the graph.
func (g *graph) setPod(pod *core.Pod, rev int64) {
	key := podKey{pod.Namespace, pod.Name}
	entry, bound := podEdges(pod)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.removeLocked(key)
	if bound {
		g.addLocked(key, entry)
	}
	g.advanceLocked(rev)
}

func (g *graph) deletePod(namespace, name string, rev int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.removeLocked(podKey{namespace, name})
	g.advanceLocked(rev)
}

// replace swaps the whole graph for one built from pods, read at revision rev.
func (g *graph) replace(pods []*core.Pod, rev int64) {
	fresh := newGraph()
	for _, p := range pods {
		if entry, bound := podEdges(p); bound {
			fresh.addLocked(podKey{p.Namespace, p.Name}, entry)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pods, g.edges = fresh.pods, fresh.edges
	g.rev = rev
	g.synced = true
	close(g.advanced)
	g.advanced = make(chan struct{})
}

// advance records that the graph reflects every change up to rev (a bookmark).
func (g *graph) advance(rev int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.advanceLocked(rev)
}

func (g *graph) advanceLocked(rev int64) {
	if rev > g.rev {
		g.rev = rev
		close(g.advanced)
		g.advanced = make(chan struct{})
	}
}

func (g *graph) hasSynced() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.synced
}

// waitFor blocks until the graph is synced and reflects revision rev, or ctx ends.
func (g *graph) waitFor(ctx context.Context, rev int64) error {
	for {
		g.mu.RLock()
		done, ch := g.synced && g.rev >= rev, g.advanced
		g.mu.RUnlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (g *graph) addLocked(key podKey, e podEntry) {
	g.pods[key] = e
	for _, r := range e.refs {
		byNode := g.edges[r]
		if byNode == nil {
			byNode = map[string]int32{}
			g.edges[r] = byNode
		}
		byNode[e.node]++
	}
}

func (g *graph) removeLocked(key podKey) {
	e, ok := g.pods[key]
	if !ok {
		return
	}
	delete(g.pods, key)
	for _, r := range e.refs {
		byNode := g.edges[r]
		if byNode[e.node]--; byNode[e.node] <= 0 {
			delete(byNode, e.node)
			if len(byNode) == 0 {
				delete(g.edges, r)
			}
		}
	}
}

// podEdges lists what a pod gives its node access to; bound is false for a pod not yet scheduled.
// A mirror pod gives nothing: a node creates mirror pods itself, so letting one reference a secret
// would let a node grant itself that secret. NodeRestriction rejects such pods too; this is
// defence in depth, as in Kubernetes.
func podEdges(pod *core.Pod) (e podEntry, bound bool) {
	if pod.Spec.NodeName == "" {
		return podEntry{}, false
	}
	e.node = pod.Spec.NodeName
	if _, mirror := pod.Annotations[core.MirrorPodAnnotationKey]; mirror {
		return e, true
	}
	seen := map[ref]bool{}
	add := func(k kind, name string) {
		r := ref{k, pod.Namespace, name}
		if name != "" && !seen[r] {
			seen[r] = true
			e.refs = append(e.refs, r)
		}
	}
	sa := pod.Spec.ServiceAccountName
	if sa == "" {
		sa = pod.Spec.DeprecatedServiceAccount
	}
	add(kindServiceAccount, sa)
	visitPodSecretNames(pod, func(name string) { add(kindSecret, name) })
	visitPodConfigMapNames(pod, func(name string) { add(kindConfigMap, name) })
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			add(kindPVC, v.PersistentVolumeClaim.ClaimName)
		}
	}
	for _, c := range pod.Spec.ResourceClaims {
		if name, ok := resourceClaimName(pod, c); ok {
			add(kindResourceClaim, name)
		}
	}
	return e, true
}

// visitContainers calls visit for every container of the pod: init, regular and ephemeral.
func visitContainers(spec *core.PodSpec, visit func(c *core.Container)) {
	for i := range spec.InitContainers {
		visit(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		visit(&spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		visit((*core.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
}

// visitPodSecretNames calls visit with the name of every secret the pod references: image pull
// secrets, env and envFrom, secret and projected volumes, and CSI node-publish secrets.
func visitPodSecretNames(pod *core.Pod, visit func(name string)) {
	for _, s := range pod.Spec.ImagePullSecrets {
		visit(s.Name)
	}
	visitContainers(&pod.Spec, func(c *core.Container) {
		for _, from := range c.EnvFrom {
			if from.SecretRef != nil {
				visit(from.SecretRef.Name)
			}
		}
		for _, env := range c.Env {
			if env.ValueFrom != nil && env.ValueFrom.SecretKeyRef != nil {
				visit(env.ValueFrom.SecretKeyRef.Name)
			}
		}
	})
	for _, v := range pod.Spec.Volumes {
		switch {
		case v.Secret != nil:
			visit(v.Secret.SecretName)
		case v.Projected != nil:
			for _, src := range v.Projected.Sources {
				if src.Secret != nil {
					visit(src.Secret.Name)
				}
			}
		case v.CSI != nil && v.CSI.NodePublishSecretRef != nil:
			visit(v.CSI.NodePublishSecretRef.Name)
		}
	}
}

// visitPodConfigMapNames calls visit with the name of every configmap the pod references: env and
// envFrom, configMap and projected volumes.
func visitPodConfigMapNames(pod *core.Pod, visit func(name string)) {
	visitContainers(&pod.Spec, func(c *core.Container) {
		for _, from := range c.EnvFrom {
			if from.ConfigMapRef != nil {
				visit(from.ConfigMapRef.Name)
			}
		}
		for _, env := range c.Env {
			if env.ValueFrom != nil && env.ValueFrom.ConfigMapKeyRef != nil {
				visit(env.ValueFrom.ConfigMapKeyRef.Name)
			}
		}
	})
	for _, v := range pod.Spec.Volumes {
		switch {
		case v.ConfigMap != nil:
			visit(v.ConfigMap.Name)
		case v.Projected != nil:
			for _, src := range v.Projected.Sources {
				if src.ConfigMap != nil {
					visit(src.ConfigMap.Name)
				}
			}
		}
	}
}

// resourceClaimName returns the ResourceClaim a pod's claim entry stands for: the one it names, or
// the one the resource claim controller generated from its template, recorded in the pod's status.
// ok is false while the generated claim does not exist yet, or when none is needed.
func resourceClaimName(pod *core.Pod, c core.PodResourceClaim) (name string, ok bool) {
	if c.ResourceClaimName != nil {
		return *c.ResourceClaimName, true
	}
	for _, st := range pod.Status.ResourceClaimStatuses {
		if st.Name == c.Name && st.ResourceClaimName != nil {
			return *st.ResourceClaimName, true
		}
	}
	return "", false
}
