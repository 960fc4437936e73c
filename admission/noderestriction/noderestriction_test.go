package noderestriction_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/noderestriction"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/authentication"
	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

func kubelet(nodeName string) authn.User {
	return authn.User{Name: "system:node:" + nodeName, Groups: []string{"system:nodes", authn.AllAuthenticated}}
}

func ptr[T any](v T) *T { return &v }

func pod(name, nodeName string, edits ...func(*core.Pod)) *core.Pod {
	p := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: name, UID: meta.UID(name + "-uid")},
		Spec:       core.PodSpec{NodeName: nodeName, Containers: []core.Container{{Name: "c", Image: "busybox"}}},
	}
	for _, e := range edits {
		e(p)
	}
	return p
}

// mirror makes a pod the valid mirror pod of a static pod on node a.
func mirror(p *core.Pod) {
	p.Annotations = map[string]string{core.MirrorPodAnnotationKey: "hash"}
	p.OwnerReferences = []meta.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "a", UID: "node-a-uid", Controller: ptr(true)}}
}

func node(name string, edits ...func(*core.Node)) *core.Node {
	n := &core.Node{ObjectMeta: meta.ObjectMeta{Name: name, UID: meta.UID("node-" + name + "-uid"),
		Labels: map[string]string{"kubernetes.io/hostname": name}}}
	for _, e := range edits {
		e(n)
	}
	return n
}

func boundTo(name string, uid meta.UID) *authentication.TokenRequest {
	return &authentication.TokenRequest{Spec: authentication.TokenRequestSpec{
		BoundObjectRef: &authentication.BoundObjectReference{APIVersion: "v1", Kind: "Pod", Name: name, UID: uid}}}
}

// pvc stands for a PersistentVolumeClaim, which skiff's api lacks.
type pvc struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            map[string]any `json:"spec,omitempty"`
	Status          pvcStatus      `json:"status,omitempty"`
}

type pvcStatus struct {
	Phase      string            `json:"phase,omitempty"`
	Capacity   map[string]string `json:"capacity,omitempty"`
	Conditions []map[string]any  `json:"conditions,omitempty"`
}

func (p *pvc) DeepCopyObject() meta.Object {
	c := *p
	c.ObjectMeta = *p.ObjectMeta.DeepCopy()
	return &c // the tests never change Spec or Status in place
}

func claim(edits ...func(*pvc)) *pvc {
	p := &pvc{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "data", ResourceVersion: "7"},
		Spec: map[string]any{"volumeName": "pv-1"}, Status: pvcStatus{Phase: "Bound", Capacity: map[string]string{"storage": "1Gi"}}}
	for _, e := range edits {
		e(p)
	}
	return p
}

// setup stores node a and pods on nodes a and b, and returns the plugin reading that store.
func setup(t *testing.T) *noderestriction.Plugin {
	t.Helper()
	st, err := memdb.Open(memdb.Options{Codec: api.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	for _, o := range []meta.Object{node("a"), pod("a-pod", "a"), pod("b-pod", "b")} {
		m := o.GetObjectMeta()
		resource := "pods"
		if _, ok := o.(*core.Node); ok {
			resource = "nodes"
		}
		if _, err := st.Create(ctx, store.Key(resource, m.Namespace, m.Name), o); err != nil {
			t.Fatal(err)
		}
	}
	return noderestriction.New(st)
}

// outcome is what a request comes to: "" when admitted, else the error's reason and message.
type outcome struct {
	Reason  meta.StatusReason
	Message string
}

var admitted = outcome{}

func forbidden(msg string) outcome { return outcome{meta.StatusReasonForbidden, msg} }
func notFound(msg string) outcome  { return outcome{meta.StatusReasonNotFound, msg} }

func outcomeOf(err error) outcome {
	if err == nil {
		return admitted
	}
	return outcome{apierrors.ReasonOf(err), err.Error()}
}

type testCase struct {
	name  string
	attrs admission.Attributes
	want  outcome
}

func run(t *testing.T, cases []testCase) {
	t.Helper()
	p := setup(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.attrs
			if a.User.Name == "" {
				a.User = kubelet("a")
			}
			got := outcomeOf(p.Validate(context.Background(), &a))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func createPod(p *core.Pod) admission.Attributes {
	return admission.Attributes{Operation: admission.Create, Version: "v1", Kind: "Pod", Resource: "pods", Namespace: p.Namespace, Object: p}
}

func TestUsers(t *testing.T) {
	run(t, []testCase{
		{"not a node", admission.Attributes{Operation: admission.Create, Resource: "pods", Namespace: "ns", Object: pod("p", ""),
			User: authn.User{Name: "alice"}}, admitted},
		{"node name outside system:nodes", admission.Attributes{Operation: admission.Create, Resource: "pods", Namespace: "ns", Object: pod("p", ""),
			User: authn.User{Name: "system:node:a"}}, admitted},
		{"node without a name", admission.Attributes{Operation: admission.Create, Resource: "pods", Namespace: "ns", Object: pod("p", "a"),
			User: kubelet("")}, forbidden(`pods "p" is forbidden: could not determine node from user "system:node:"`)},
		{"events pass", admission.Attributes{Operation: admission.Create, Resource: "events", Namespace: "ns", Object: &core.Event{ObjectMeta: meta.ObjectMeta{Name: "e"}}}, admitted},
		{"configmaps pass (the authorizer decides)", admission.Attributes{Operation: admission.Update, Resource: "configmaps", Namespace: "ns", Name: "c",
			Object: &core.ConfigMap{}, OldObject: &core.ConfigMap{}}, admitted},
	})
}

func TestMirrorPods(t *testing.T) {
	with := func(edit func(*core.Pod)) *core.Pod { return pod("static-a", "a", mirror, edit) }
	run(t, []testCase{
		{"mirror pod bound to itself", createPod(pod("static-a", "a", mirror)), admitted},
		{"not a mirror pod", createPod(pod("p", "a")),
			forbidden(`pods "p" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "a" can only create mirror pods`)},
		{"bound to another node", createPod(with(func(p *core.Pod) { p.Spec.NodeName = "b" })),
			forbidden(`pods "static-a" is forbidden: node "a" can only create pods with spec.nodeName set to itself`)},
		{"unbound", createPod(with(func(p *core.Pod) { p.Spec.NodeName = "" })),
			forbidden(`pods "static-a" is forbidden: node "a" can only create pods with spec.nodeName set to itself`)},
		{"generated name", createPod(with(func(p *core.Pod) { p.Name, p.GenerateName, p.Spec.NodeName = "", "static-", "b" })),
			forbidden(`pods "static-" is forbidden: node "a" can only create pods with spec.nodeName set to itself`)},
		{"no owner", createPod(with(func(p *core.Pod) { p.OwnerReferences = nil })),
			forbidden(`pods "static-a" is forbidden: node "a" can only create pods with an owner reference set to itself`)},
		{"two owners", createPod(with(func(p *core.Pod) { p.OwnerReferences = append(p.OwnerReferences, p.OwnerReferences[0]) })),
			forbidden(`pods "static-a" is forbidden: node "a" can only create pods with a single owner reference set to itself`)},
		{"owned by another node", createPod(with(func(p *core.Pod) { p.OwnerReferences[0].Name = "b" })),
			forbidden(`pods "static-a" is forbidden: node "a" can only create pods with an owner reference set to itself`)},
		{"owned by something else", createPod(with(func(p *core.Pod) { p.OwnerReferences[0].Kind = "ReplicaSet" })),
			forbidden(`pods "static-a" is forbidden: node "a" can only create pods with an owner reference set to itself`)},
		{"owner is not controller", createPod(with(func(p *core.Pod) { p.OwnerReferences[0].Controller = nil })),
			forbidden(`pods "static-a" is forbidden: node "a" can only create pods with a controller owner reference set to itself`)},
		{"blockOwnerDeletion", createPod(with(func(p *core.Pod) { p.OwnerReferences[0].BlockOwnerDeletion = ptr(true) })),
			forbidden(`pods "static-a" is forbidden: node "a" must not set blockOwnerDeletion on an owner reference`)},
		{"owner UID of an earlier node a", createPod(with(func(p *core.Pod) { p.OwnerReferences[0].UID = "old-uid" })),
			forbidden(`pods "static-a" is forbidden: node a UID mismatch: expected old-uid got node-a-uid`)},
		{"node not registered", admission.Attributes{Operation: admission.Create, Resource: "pods", Namespace: "ns", User: kubelet("c"),
			Object: pod("static-c", "c", mirror, func(p *core.Pod) { p.OwnerReferences[0].Name = "c" })},
			notFound(`nodes "c" not found`)},
		{"service account", createPod(with(func(p *core.Pod) { p.Spec.ServiceAccountName = "default" })),
			forbidden(`pods "static-a" is forbidden: node "a" can not create pods that reference a service account`)},
		{"secret volume", createPod(with(func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "db"}}}}
		})), forbidden(`pods "static-a" is forbidden: node "a" can not create pods that reference secrets`)},
		{"image pull secret", createPod(with(func(p *core.Pod) { p.Spec.ImagePullSecrets = []core.LocalObjectReference{{Name: "registry"}} })),
			forbidden(`pods "static-a" is forbidden: node "a" can not create pods that reference secrets`)},
		{"projected secret", createPod(with(func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Projected: &core.ProjectedVolumeSource{Sources: []core.VolumeProjection{
				{Secret: &core.SecretProjection{LocalObjectReference: core.LocalObjectReference{Name: "db"}}}}}}}}
		})), forbidden(`pods "static-a" is forbidden: node "a" can not create pods that reference secrets`)},
		{"configmap env", createPod(with(func(p *core.Pod) {
			p.Spec.Containers[0].Env = []core.EnvVar{{Name: "X", ValueFrom: &core.EnvVarSource{ConfigMapKeyRef: &core.ConfigMapKeySelector{
				LocalObjectReference: core.LocalObjectReference{Name: "cfg"}, Key: "k"}}}}
		})), forbidden(`pods "static-a" is forbidden: node "a" can not create pods that reference configmaps`)},
		{"configmap envFrom of an init container", createPod(with(func(p *core.Pod) {
			p.Spec.InitContainers = []core.Container{{Name: "i", EnvFrom: []core.EnvFromSource{{ConfigMapRef: &core.ConfigMapEnvSource{LocalObjectReference: core.LocalObjectReference{Name: "cfg"}}}}}}
		})), forbidden(`pods "static-a" is forbidden: node "a" can not create pods that reference configmaps`)},
		{"persistent volume claim", createPod(with(func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "d", VolumeSource: core.VolumeSource{PersistentVolumeClaim: &core.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}}}
		})), forbidden(`pods "static-a" is forbidden: node "a" can not create pods that reference persistentvolumeclaims`)},
		{"emptyDir and downward API are fine", createPod(with(func(p *core.Pod) {
			p.Spec.Volumes = []core.Volume{{Name: "e", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}},
				{Name: "d", VolumeSource: core.VolumeSource{DownwardAPI: &core.DownwardAPIVolumeSource{}}}}
		})), admitted},
		{"wrong object type", admission.Attributes{Operation: admission.Create, Resource: "pods", Namespace: "ns", Object: node("x")},
			forbidden(`pods "x" is forbidden: unexpected type *core.Node`)},
	})
}

func TestPods(t *testing.T) {
	status := func(old, now *core.Pod) admission.Attributes {
		return admission.Attributes{Operation: admission.Update, Resource: "pods", Subresource: "status", Namespace: "ns", Name: now.Name, Object: now, OldObject: old}
	}
	running := func(p *core.Pod) { p.Status.Phase = core.PodRunning }
	claimName := "gpu-claim"
	run(t, []testCase{
		{"delete own pod", admission.Attributes{Operation: admission.Delete, Resource: "pods", Namespace: "ns", Name: "a-pod", OldObject: pod("a-pod", "a")}, admitted},
		{"delete b's pod", admission.Attributes{Operation: admission.Delete, Resource: "pods", Namespace: "ns", Name: "b-pod", OldObject: pod("b-pod", "b")},
			forbidden(`pods "b-pod" is forbidden: node "a" can only delete pods with spec.nodeName set to itself`)},
		{"delete b's pod, read from the store", admission.Attributes{Operation: admission.Delete, Resource: "pods", Namespace: "ns", Name: "b-pod"},
			forbidden(`pods "b-pod" is forbidden: node "a" can only delete pods with spec.nodeName set to itself`)},
		{"delete own pod, read from the store", admission.Attributes{Operation: admission.Delete, Resource: "pods", Namespace: "ns", Name: "a-pod"}, admitted},
		{"delete a missing pod", admission.Attributes{Operation: admission.Delete, Resource: "pods", Namespace: "ns", Name: "gone"}, notFound(`pods "gone" not found`)},
		{"update a pod", admission.Attributes{Operation: admission.Update, Resource: "pods", Namespace: "ns", Name: "a-pod", Object: pod("a-pod", "a"), OldObject: pod("a-pod", "a")},
			forbidden(`pods "a-pod" is forbidden: unexpected operation "UPDATE", node "a" can only create and delete mirror pods`)},

		{"own pod's status", status(pod("a-pod", "a"), pod("a-pod", "a", running)), admitted},
		{"b's pod's status", status(pod("b-pod", "b"), pod("b-pod", "b", running)),
			forbidden(`pods "b-pod" is forbidden: node "a" can only update pod status for pods with spec.nodeName set to itself`)},
		{"status update that rebinds to itself", status(pod("b-pod", "b"), pod("b-pod", "a")),
			forbidden(`pods "b-pod" is forbidden: node "a" can only update pod status for pods with spec.nodeName set to itself`)},
		{"labels through status", status(pod("a-pod", "a"), pod("a-pod", "a", func(p *core.Pod) { p.Labels = map[string]string{"x": "y"} })),
			forbidden(`pods "a-pod" is forbidden: node "a" cannot update labels through pod status`)},
		{"resource claims through status", status(pod("a-pod", "a"), pod("a-pod", "a", func(p *core.Pod) {
			p.Status.ResourceClaimStatuses = []core.PodResourceClaimStatus{{Name: "gpu", ResourceClaimName: &claimName}}
		})), forbidden(`pods "a-pod" is forbidden: node "a" cannot update resource claim statues`)},
		{"create status", admission.Attributes{Operation: admission.Create, Resource: "pods", Subresource: "status", Namespace: "ns", Name: "a-pod", Object: pod("a-pod", "a")},
			forbidden(`pods "a-pod" is forbidden: unexpected operation "CREATE"`)},

		{"evict own pod", admission.Attributes{Operation: admission.Create, Resource: "pods", Subresource: "eviction", Namespace: "ns", Name: "a-pod",
			Object: &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "a-pod"}}}, admitted},
		{"evict b's pod", admission.Attributes{Operation: admission.Create, Resource: "pods", Subresource: "eviction", Namespace: "ns", Name: "b-pod",
			Object: &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "b-pod"}}},
			forbidden(`pods "b-pod" is forbidden: node a can only evict pods with spec.nodeName set to itself`)},
		{"evict the pod the eviction names", admission.Attributes{Operation: admission.Create, Resource: "pods", Subresource: "eviction", Namespace: "ns",
			Object: &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "b-pod"}}},
			forbidden(`pods "b-pod" is forbidden: node a can only evict pods with spec.nodeName set to itself`)},
		{"evict nothing", admission.Attributes{Operation: admission.Create, Resource: "pods", Subresource: "eviction", Namespace: "ns", Object: &core.Pod{}},
			forbidden(`pods "Unknown" is forbidden: could not determine pod from request data`)},
		{"evict a missing pod", admission.Attributes{Operation: admission.Create, Resource: "pods", Subresource: "eviction", Namespace: "ns", Name: "gone", Object: &core.Pod{}},
			notFound(`pods "gone" not found`)},
		{"other subresources", admission.Attributes{Operation: admission.Update, Resource: "pods", Subresource: "ephemeralcontainers", Namespace: "ns", Name: "a-pod",
			Object: pod("a-pod", "a"), OldObject: pod("a-pod", "a")},
			forbidden(`pods "a-pod" is forbidden: unexpected pod subresource "ephemeralcontainers", only 'status' and 'eviction' are allowed`)},
	})
}

func TestNodes(t *testing.T) {
	update := func(old, now *core.Node) admission.Attributes {
		return admission.Attributes{Operation: admission.Update, Resource: "nodes", Name: now.Name, Object: now, OldObject: old}
	}
	labeled := func(kv ...string) func(*core.Node) {
		return func(n *core.Node) {
			for i := 0; i < len(kv); i += 2 {
				n.Labels[kv[i]] = kv[i+1]
			}
		}
	}
	tainted := func(n *core.Node) {
		n.Spec.Taints = []core.Taint{{Key: "node.kubernetes.io/unreachable", Effect: core.TaintEffectNoSchedule}}
	}
	config := func(n *core.Node) {
		n.Spec.ConfigSource = &core.NodeConfigSource{ConfigMap: &core.ConfigMapNodeConfigSource{Namespace: "kube-system", Name: "kubelet", KubeletConfigKey: "k"}}
	}
	run(t, []testCase{
		{"register itself", admission.Attributes{Operation: admission.Create, Resource: "nodes", Object: node("a")}, admitted},
		{"register itself with kubelet labels", admission.Attributes{Operation: admission.Create, Resource: "nodes", Object: node("a", labeled(
			"kubernetes.io/os", "linux", "node.kubernetes.io/instance-type", "m5", "topology.kubernetes.io/zone", "z1",
			"kubelet.kubernetes.io/x", "1", "sub.node.kubernetes.io/y", "2", "example.com/team", "blue", "plain", "label"))}, admitted},
		{"register another node", admission.Attributes{Operation: admission.Create, Resource: "nodes", Object: node("b")},
			forbidden(`nodes "b" is forbidden: node "a" is not allowed to modify node "b"`)},
		{"register with restricted labels", admission.Attributes{Operation: admission.Create, Resource: "nodes", Object: node("a", labeled(
			"node-restriction.kubernetes.io/secure", "true", "node-role.kubernetes.io/master", "", "example.k8s.io/x", "y", "team.kubernetes.io/z", "w"))},
			forbidden(`nodes "a" is forbidden: node "a" is not allowed to set the following labels: example.k8s.io/x, node-restriction.kubernetes.io/secure, node-role.kubernetes.io/master, team.kubernetes.io/z`)},
		{"register with a config source", admission.Attributes{Operation: admission.Create, Resource: "nodes", Object: node("a", config)},
			forbidden(`nodes "a" is forbidden: node "a" is not allowed to create pods with a non-nil configSource`)},

		{"update itself", update(node("a"), node("a", labeled("kubernetes.io/arch", "arm64"))), admitted},
		{"update its status", admission.Attributes{Operation: admission.Update, Resource: "nodes", Subresource: "status", Name: "a", Object: node("a"), OldObject: node("a")}, admitted},
		{"update another node", update(node("b"), node("b")),
			forbidden(`nodes "b" is forbidden: node "a" is not allowed to modify node "b"`)},
		{"update another node's status", admission.Attributes{Operation: admission.Update, Resource: "nodes", Subresource: "status", Name: "b", Object: node("b"), OldObject: node("b")},
			forbidden(`nodes "b" is forbidden: node "a" is not allowed to modify node "b"`)},
		{"add a taint", update(node("a"), node("a", tainted)), forbidden(`nodes "a" is forbidden: node "a" is not allowed to modify taints`)},
		{"remove a taint", update(node("a", tainted), node("a")), forbidden(`nodes "a" is forbidden: node "a" is not allowed to modify taints`)},
		{"keep taints", update(node("a", tainted), node("a", tainted, labeled("x", "y"))), admitted},
		{"add a restricted label", update(node("a"), node("a", labeled("node-restriction.kubernetes.io/pci", "true"))),
			forbidden(`nodes "a" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pci`)},
		{"remove a restricted label", update(node("a", labeled("node-role.kubernetes.io/worker", "")), node("a")),
			forbidden(`nodes "a" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/worker`)},
		{"keep a restricted label", update(node("a", labeled("node-role.kubernetes.io/worker", "")), node("a", labeled("node-role.kubernetes.io/worker", "", "k", "v"))), admitted},
		{"set a config source", update(node("a"), node("a", config)),
			forbidden(`nodes "a" is forbidden: node "a" is not allowed to update configSource to a new non-nil configSource`)},
		{"drop a config source", update(node("a", config), node("a")), admitted},
		{"delete itself", admission.Attributes{Operation: admission.Delete, Resource: "nodes", Name: "a"}, admitted},
		{"delete another node", admission.Attributes{Operation: admission.Delete, Resource: "nodes", Name: "b"},
			forbidden(`nodes "b" is forbidden: node "a" is not allowed to modify node "b"`)},
	})
}

func TestLeasesAndCSINodes(t *testing.T) {
	lease := func(ns, name string) *coordination.Lease {
		return &coordination.Lease{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name}}
	}
	csiNode := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "a"}} // any object with a name: skiff has no CSINode kind
	run(t, []testCase{
		{"create own lease", admission.Attributes{Operation: admission.Create, Group: "coordination.k8s.io", Resource: "leases", Namespace: "kube-node-lease", Object: lease("kube-node-lease", "a")}, admitted},
		{"renew own lease", admission.Attributes{Operation: admission.Update, Group: "coordination.k8s.io", Resource: "leases", Namespace: "kube-node-lease", Name: "a",
			Object: lease("kube-node-lease", "a"), OldObject: lease("kube-node-lease", "a")}, admitted},
		{"create b's lease", admission.Attributes{Operation: admission.Create, Group: "coordination.k8s.io", Resource: "leases", Namespace: "kube-node-lease", Object: lease("kube-node-lease", "b")},
			forbidden(`leases.coordination.k8s.io "b" is forbidden: can only access node lease with the same name as the requesting node`)},
		{"delete b's lease", admission.Attributes{Operation: admission.Delete, Group: "coordination.k8s.io", Resource: "leases", Namespace: "kube-node-lease", Name: "b"},
			forbidden(`leases.coordination.k8s.io "b" is forbidden: can only access node lease with the same name as the requesting node`)},
		{"lease in another namespace", admission.Attributes{Operation: admission.Create, Group: "coordination.k8s.io", Resource: "leases", Namespace: "kube-system", Object: lease("kube-system", "a")},
			forbidden(`leases.coordination.k8s.io "a" is forbidden: can only access leases in the "kube-node-lease" system namespace`)},
		{"create own csinode", admission.Attributes{Operation: admission.Create, Group: "storage.k8s.io", Resource: "csinodes", Object: csiNode}, admitted},
		{"update b's csinode", admission.Attributes{Operation: admission.Update, Group: "storage.k8s.io", Resource: "csinodes", Name: "b", Object: csiNode, OldObject: csiNode},
			forbidden(`csinodes.storage.k8s.io "b" is forbidden: can only access CSINode with the same name as the requesting node`)},
	})
}

func TestServiceAccountTokens(t *testing.T) {
	token := func(tr meta.Object) admission.Attributes {
		return admission.Attributes{Operation: admission.Create, Resource: "serviceaccounts", Subresource: "token", Namespace: "ns", Name: "default", Object: tr}
	}
	run(t, []testCase{
		{"bound to own pod", token(boundTo("a-pod", "a-pod-uid")), admitted},
		{"bound to b's pod", token(boundTo("b-pod", "b-pod-uid")),
			forbidden(`serviceaccounts "default" is forbidden: node requested token bound to a pod scheduled on a different node`)},
		{"bound to nothing", token(&authentication.TokenRequest{}), forbidden(`serviceaccounts "default" is forbidden: node requested token not bound to a pod`)},
		{"bound to a secret", token(&authentication.TokenRequest{Spec: authentication.TokenRequestSpec{
			BoundObjectRef: &authentication.BoundObjectReference{APIVersion: "v1", Kind: "Secret", Name: "s", UID: "u"}}}),
			forbidden(`serviceaccounts "default" is forbidden: node requested token not bound to a pod`)},
		{"bound without uid", token(boundTo("a-pod", "")),
			forbidden(`serviceaccounts "default" is forbidden: node requested token with a pod binding without a uid`)},
		{"bound to a recreated pod", token(boundTo("a-pod", "old-uid")),
			forbidden(`serviceaccounts "default" is forbidden: the UID in the bound object reference (old-uid) does not match the UID in record. The object might have been deleted and then recreated`)},
		{"bound to a missing pod", token(boundTo("gone", "gone-uid")), notFound(`pods "gone" not found`)},
		{"not a token request", token(pod("x", "a")), forbidden(`serviceaccounts "default" is forbidden: unexpected type *core.Pod`)},
		{"service accounts themselves pass", admission.Attributes{Operation: admission.Update, Resource: "serviceaccounts", Namespace: "ns", Name: "default",
			Object: &core.ServiceAccount{}, OldObject: &core.ServiceAccount{}}, admitted},
	})
}

func TestPersistentVolumeClaims(t *testing.T) {
	status := func(old, now *pvc) admission.Attributes {
		return admission.Attributes{Operation: admission.Update, Resource: "persistentvolumeclaims", Subresource: "status", Namespace: "ns", Name: "data", Object: now, OldObject: old}
	}
	p := setup(t)
	grown := claim(func(c *pvc) {
		c.ResourceVersion = ""
		c.Status.Capacity = map[string]string{"storage": "2Gi"}
		c.Status.Conditions = []map[string]any{{"type": "FileSystemResizePending", "status": "False"}}
	})
	cases := []struct {
		name       string
		attrs      admission.Attributes
		wantPrefix string // "" for admitted
	}{
		{"capacity and conditions", status(claim(), grown), ""},
		{"phase", status(claim(), claim(func(c *pvc) { c.Status.Phase = "Lost" })),
			`persistentvolumeclaims "data" is forbidden: node "a" is not allowed to update fields other than status.capacity and status.conditions: `},
		{"labels", status(claim(), claim(func(c *pvc) { c.Labels = map[string]string{"x": "y"} })),
			`persistentvolumeclaims "data" is forbidden: node "a" is not allowed to update fields other than status.capacity and status.conditions: `},
		{"spec", admission.Attributes{Operation: admission.Update, Resource: "persistentvolumeclaims", Namespace: "ns", Name: "data", Object: claim(), OldObject: claim()},
			`persistentvolumeclaims "data" is forbidden: may only update PVC status`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.attrs
			a.User = kubelet("a")
			err := p.Validate(context.Background(), &a)
			switch {
			case tc.wantPrefix == "" && err != nil:
				t.Errorf("rejected: %v", err)
			case tc.wantPrefix != "" && (!apierrors.IsForbidden(err) || !strings.HasPrefix(err.Error(), tc.wantPrefix)):
				t.Errorf("got %v, want a Forbidden error starting %q", err, tc.wantPrefix)
			}
		})
	}
}

// TestInChain: the plugin rejects through an admission chain with its Status intact.
func TestInChain(t *testing.T) {
	p := setup(t)
	chain := admission.Chain{p}
	a := &admission.Attributes{Operation: admission.Update, Resource: "nodes", Name: "b", Object: node("b"), OldObject: node("b"), User: kubelet("a")}
	err := chain.Validate(context.Background(), a)
	if !apierrors.IsForbidden(err) {
		t.Fatalf("chain.Validate = %v, want Forbidden", err)
	}
	if got := apierrors.StatusOf(err).Code; got != 403 {
		t.Errorf("code %d, want 403", got)
	}
	for op, want := range map[admission.Operation]bool{admission.Create: true, admission.Update: true, admission.Delete: true, admission.Connect: false} {
		if p.Handles(op) != want {
			t.Errorf("Handles(%s) = %v, want %v", op, !want, want)
		}
	}
	if p.Name() != "NodeRestriction" {
		t.Errorf("Name() = %q", p.Name())
	}
}
