package node_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/node"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

// pod builds a pod bound to nodeName (unbound when empty); edits add what it references.
func pod(ns, name, nodeName string, edits ...func(*core.Pod)) *core.Pod {
	p := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name},
		Spec:       core.PodSpec{NodeName: nodeName, Containers: []core.Container{{Name: "c", Image: "busybox"}}},
	}
	for _, e := range edits {
		e(p)
	}
	return p
}

func secretVolume(name string) func(*core.Pod) {
	return func(p *core.Pod) {
		p.Spec.Volumes = append(p.Spec.Volumes, core.Volume{Name: "v-" + name, VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: name}}})
	}
}

func lor(name string) core.LocalObjectReference { return core.LocalObjectReference{Name: name} }

// kubelet is the user a node's kubelet authenticates as.
func kubelet(nodeName string) authn.User {
	return authn.User{Name: "system:node:" + nodeName, Groups: []string{"system:nodes", authn.AllAuthenticated}}
}

// cluster is a store holding pods and a running node authorizer that has seen them all.
type cluster struct {
	st *memdb.Store
	na *node.Authorizer
}

func startCluster(t testing.TB, pods ...*core.Pod) *cluster {
	t.Helper()
	st, err := memdb.Open(memdb.Options{Codec: api.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{st: st, na: node.New(st, node.Options{})}
	var rev int64
	for _, p := range pods {
		rev = c.create(t, p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.na.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		st.Close()
	})
	c.waitFor(t, rev)
	return c
}

func (c *cluster) create(t testing.TB, p *core.Pod) int64 {
	t.Helper()
	out, err := c.st.Create(context.Background(), store.Key("pods", p.Namespace, p.Name), p)
	if err != nil {
		t.Fatal(err)
	}
	return revOf(t, out)
}

func revOf(t testing.TB, o meta.Object) int64 {
	t.Helper()
	rev, err := store.ParseRevision(o.GetObjectMeta().ResourceVersion)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

// waitFor waits until the authorizer has seen the store up to rev.
func (c *cluster) waitFor(t testing.TB, rev int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.na.WaitFor(ctx, rev); err != nil {
		t.Fatalf("graph never reached revision %d: %v", rev, err)
	}
}

type verdict struct {
	Decision authz.Decision
	Reason   string
}

func (c *cluster) decide(t testing.TB, a authz.Attributes) verdict {
	t.Helper()
	d, reason, err := c.na.Authorize(context.Background(), a)
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	return verdict{d, reason}
}

func TestNodeIdentity(t *testing.T) {
	cases := []struct {
		user   authn.User
		name   string
		isNode bool
	}{
		{kubelet("a"), "a", true},
		{authn.User{Name: "system:node:", Groups: []string{"system:nodes"}}, "", true},
		{authn.User{Name: "system:node:a"}, "", false},
		{authn.User{Name: "alice", Groups: []string{"system:nodes"}}, "", false},
		{authn.User{Name: "system:nodes:a", Groups: []string{"system:nodes"}}, "", false},
	}
	for _, tc := range cases {
		name, isNode := node.NodeIdentity(tc.user)
		if name != tc.name || isNode != tc.isNode {
			t.Errorf("NodeIdentity(%+v) = %q, %v; want %q, %v", tc.user, name, isNode, tc.name, tc.isNode)
		}
	}
}

// TestAuthorize runs every rule against one cluster: node a runs a pod referencing one object of
// each kind in each way a pod can, node b runs a pod with its own secret, both share one secret, a
// mirror pod on a names a secret, and a pending pod names another.
func TestAuthorize(t *testing.T) {
	opt := true
	gen := "a-claim-generated"
	c := startCluster(t,
		pod("ns", "a-pod", "a",
			secretVolume("vol-secret"),
			func(p *core.Pod) {
				p.Spec.ServiceAccountName = "a-sa"
				p.Spec.ImagePullSecrets = []core.LocalObjectReference{lor("pull-secret")}
				p.Spec.InitContainers = []core.Container{{Name: "init", Env: []core.EnvVar{{Name: "X", ValueFrom: &core.EnvVarSource{ConfigMapKeyRef: &core.ConfigMapKeySelector{LocalObjectReference: lor("init-cm"), Key: "k"}}}}}}
				p.Spec.Containers[0].Env = []core.EnvVar{
					{Name: "S", ValueFrom: &core.EnvVarSource{SecretKeyRef: &core.SecretKeySelector{LocalObjectReference: lor("env-secret"), Key: "k", Optional: &opt}}},
					{Name: "C", ValueFrom: &core.EnvVarSource{ConfigMapKeyRef: &core.ConfigMapKeySelector{LocalObjectReference: lor("env-cm"), Key: "k"}}},
				}
				p.Spec.Containers[0].EnvFrom = []core.EnvFromSource{
					{SecretRef: &core.SecretEnvSource{LocalObjectReference: lor("envfrom-secret")}},
					{ConfigMapRef: &core.ConfigMapEnvSource{LocalObjectReference: lor("envfrom-cm")}},
				}
				p.Spec.EphemeralContainers = []core.EphemeralContainer{{EphemeralContainerCommon: core.EphemeralContainerCommon{Name: "debug",
					Env: []core.EnvVar{{Name: "E", ValueFrom: &core.EnvVarSource{SecretKeyRef: &core.SecretKeySelector{LocalObjectReference: lor("ephemeral-secret"), Key: "k"}}}}}}}
				p.Spec.Volumes = append(p.Spec.Volumes,
					core.Volume{Name: "cm", VolumeSource: core.VolumeSource{ConfigMap: &core.ConfigMapVolumeSource{LocalObjectReference: lor("vol-cm")}}},
					core.Volume{Name: "proj", VolumeSource: core.VolumeSource{Projected: &core.ProjectedVolumeSource{Sources: []core.VolumeProjection{
						{Secret: &core.SecretProjection{LocalObjectReference: lor("proj-secret")}},
						{ConfigMap: &core.ConfigMapProjection{LocalObjectReference: lor("proj-cm")}},
						{ServiceAccountToken: &core.ServiceAccountTokenProjection{Path: "token"}},
					}}}},
					core.Volume{Name: "csi", VolumeSource: core.VolumeSource{CSI: &core.CSIVolumeSource{Driver: "d", NodePublishSecretRef: &core.LocalObjectReference{Name: "csi-secret"}}}},
					core.Volume{Name: "data", VolumeSource: core.VolumeSource{PersistentVolumeClaim: &core.PersistentVolumeClaimVolumeSource{ClaimName: "a-pvc"}}},
				)
				named, tmpl := "a-claim", "tmpl"
				p.Spec.ResourceClaims = []core.PodResourceClaim{{Name: "gpu", ResourceClaimName: &named}, {Name: "fpga", ResourceClaimTemplateName: &tmpl}, {Name: "pending", ResourceClaimTemplateName: &tmpl}}
				p.Status.ResourceClaimStatuses = []core.PodResourceClaimStatus{{Name: "fpga", ResourceClaimName: &gen}}
			}),
		pod("ns", "a-pod-2", "a", secretVolume("shared-secret")),
		pod("ns", "b-pod", "b", secretVolume("b-secret"), secretVolume("shared-secret"), func(p *core.Pod) { p.Spec.ServiceAccountName = "b-sa" }),
		pod("ns", "a-mirror", "a", secretVolume("mirror-secret"), func(p *core.Pod) {
			p.Annotations = map[string]string{core.MirrorPodAnnotationKey: "hash"}
		}),
		pod("ns", "pending", "", secretVolume("pending-secret")),
	)

	get := func(resource, ns, name string) authz.Attributes {
		return authz.Attributes{User: kubelet("a"), Verb: "get", ResourceRequest: true, APIVersion: "v1", Resource: resource, Namespace: ns, Name: name}
	}
	with := func(a authz.Attributes, edit func(*authz.Attributes)) authz.Attributes {
		edit(&a)
		return a
	}
	allow := verdict{authz.Allow, ""}
	noRelation := verdict{authz.NoOpinion, "no relationship found between node 'a' and this object"}
	silent := verdict{authz.NoOpinion, ""}
	podSelector := verdict{authz.NoOpinion, "can only list/watch pods with spec.nodeName field selector"}

	cases := []struct {
		name  string
		attrs authz.Attributes
		want  verdict
	}{
		// Who is a node.
		{"not a node", with(get("secrets", "ns", "b-secret"), func(a *authz.Attributes) { a.User = authn.User{Name: "alice"} }), silent},
		{"node name without the group", with(get("secrets", "ns", "vol-secret"), func(a *authz.Attributes) { a.User.Groups = nil }), silent},
		{"node without a name", with(get("secrets", "ns", "vol-secret"), func(a *authz.Attributes) { a.User = kubelet("") }),
			verdict{authz.NoOpinion, `unknown node for user "system:node:"`}},

		// Secrets: every way a pod references one.
		{"secret volume", get("secrets", "ns", "vol-secret"), allow},
		{"image pull secret", get("secrets", "ns", "pull-secret"), allow},
		{"env secretKeyRef", get("secrets", "ns", "env-secret"), allow},
		{"envFrom secretRef", get("secrets", "ns", "envfrom-secret"), allow},
		{"ephemeral container env", get("secrets", "ns", "ephemeral-secret"), allow},
		{"projected secret", get("secrets", "ns", "proj-secret"), allow},
		{"CSI node publish secret", get("secrets", "ns", "csi-secret"), allow},
		{"secret shared with node b", get("secrets", "ns", "shared-secret"), allow},
		{"node b's secret", get("secrets", "ns", "b-secret"), noRelation},
		{"node b reads its own", with(get("secrets", "ns", "b-secret"), func(a *authz.Attributes) { a.User = kubelet("b") }), allow},
		{"node b cannot read a's", with(get("secrets", "ns", "vol-secret"), func(a *authz.Attributes) { a.User = kubelet("b") }),
			verdict{authz.NoOpinion, "no relationship found between node 'b' and this object"}},
		{"same name, other namespace", get("secrets", "other", "vol-secret"), noRelation},
		{"secret of a mirror pod", get("secrets", "ns", "mirror-secret"), noRelation},
		{"secret of a pending pod", get("secrets", "ns", "pending-secret"), noRelation},
		{"unknown node", with(get("secrets", "ns", "vol-secret"), func(a *authz.Attributes) { a.User = kubelet("c") }),
			verdict{authz.NoOpinion, "no relationship found between node 'c' and this object"}},
		{"watch one secret", with(get("secrets", "ns", "vol-secret"), func(a *authz.Attributes) { a.Verb = "watch" }), allow},
		{"list one secret", with(get("secrets", "ns", "vol-secret"), func(a *authz.Attributes) { a.Verb = "list" }), allow},
		{"list all secrets", with(get("secrets", "ns", ""), func(a *authz.Attributes) { a.Verb = "list" }),
			verdict{authz.NoOpinion, "No Object name found"}},
		{"list secrets in all namespaces", with(get("secrets", "", ""), func(a *authz.Attributes) { a.Verb = "list" }),
			verdict{authz.NoOpinion, "can only read namespaced object of this type"}},
		{"update a secret", with(get("secrets", "ns", "vol-secret"), func(a *authz.Attributes) { a.Verb = "update" }),
			verdict{authz.NoOpinion, "can only read resources of this type"}},
		{"secret subresource", with(get("secrets", "ns", "vol-secret"), func(a *authz.Attributes) { a.Subresource = "status" }),
			verdict{authz.NoOpinion, "cannot read subresource"}},

		// Configmaps.
		{"configmap volume", get("configmaps", "ns", "vol-cm"), allow},
		{"configmap env", get("configmaps", "ns", "env-cm"), allow},
		{"configmap envFrom", get("configmaps", "ns", "envfrom-cm"), allow},
		{"configmap of an init container", get("configmaps", "ns", "init-cm"), allow},
		{"projected configmap", get("configmaps", "ns", "proj-cm"), allow},
		{"a secret's name is not a configmap's", get("configmaps", "ns", "vol-secret"), noRelation},
		{"delete a configmap", with(get("configmaps", "ns", "vol-cm"), func(a *authz.Attributes) { a.Verb = "delete" }),
			verdict{authz.NoOpinion, "can only read resources of this type"}},

		// Persistent volume claims and volumes.
		{"pvc", get("persistentvolumeclaims", "ns", "a-pvc"), allow},
		{"other pvc", get("persistentvolumeclaims", "ns", "b-pvc"), noRelation},
		{"watch a pvc", with(get("persistentvolumeclaims", "ns", "a-pvc"), func(a *authz.Attributes) { a.Verb = "watch" }),
			verdict{authz.NoOpinion, "can only get individual resources of this type"}},
		{"pvc status update", with(get("persistentvolumeclaims", "ns", "a-pvc"), func(a *authz.Attributes) { a.Verb, a.Subresource = "update", "status" }), allow},
		{"pvc status patch of another pvc", with(get("persistentvolumeclaims", "ns", "b-pvc"), func(a *authz.Attributes) { a.Verb, a.Subresource = "patch", "status" }), noRelation},
		{"pvc status get", with(get("persistentvolumeclaims", "ns", "a-pvc"), func(a *authz.Attributes) { a.Subresource = "status" }),
			verdict{authz.NoOpinion, "can only get/update/patch this type"}},
		{"pv", get("persistentvolumes", "", "pv-1"), noRelation},
		{"pv without a name", get("persistentvolumes", "", ""), verdict{authz.NoOpinion, "No Object name found"}},
		{"volume attachment", with(get("volumeattachments", "", "va-1"), func(a *authz.Attributes) { a.APIGroup = "storage.k8s.io" }), noRelation},

		// Resource claims.
		{"named resource claim", with(get("resourceclaims", "ns", "a-claim"), func(a *authz.Attributes) { a.APIGroup = "resource.k8s.io" }), allow},
		{"generated resource claim", with(get("resourceclaims", "ns", gen), func(a *authz.Attributes) { a.APIGroup = "resource.k8s.io" }), allow},
		{"template name is no claim", with(get("resourceclaims", "ns", "tmpl"), func(a *authz.Attributes) { a.APIGroup = "resource.k8s.io" }), noRelation},

		// Service accounts: tokens only.
		{"token for own pod's service account", with(get("serviceaccounts", "ns", "a-sa"), func(a *authz.Attributes) { a.Verb, a.Subresource = "create", "token" }), allow},
		{"token for b's service account", with(get("serviceaccounts", "ns", "b-sa"), func(a *authz.Attributes) { a.Verb, a.Subresource = "create", "token" }), noRelation},
		{"get a service account", get("serviceaccounts", "ns", "a-sa"),
			verdict{authz.NoOpinion, "can only create tokens for individual service accounts"}},
		{"create a service account", with(get("serviceaccounts", "ns", ""), func(a *authz.Attributes) { a.Verb = "create" }),
			verdict{authz.NoOpinion, "can only create tokens for individual service accounts"}},
		{"create another subresource", with(get("serviceaccounts", "ns", "a-sa"), func(a *authz.Attributes) { a.Verb, a.Subresource = "create", "other" }),
			verdict{authz.NoOpinion, "can only create token subresource of serviceaccount"}},

		// Leases.
		{"own lease", with(get("leases", "kube-node-lease", "a"), func(a *authz.Attributes) { a.APIGroup = "coordination.k8s.io" }), allow},
		{"update own lease", with(get("leases", "kube-node-lease", "a"), func(a *authz.Attributes) { a.APIGroup, a.Verb = "coordination.k8s.io", "update" }), allow},
		{"create a lease", with(get("leases", "kube-node-lease", ""), func(a *authz.Attributes) { a.APIGroup, a.Verb = "coordination.k8s.io", "create" }), allow},
		{"other node's lease", with(get("leases", "kube-node-lease", "b"), func(a *authz.Attributes) { a.APIGroup = "coordination.k8s.io" }),
			verdict{authz.NoOpinion, "can only access node lease with the same name as the requesting node"}},
		{"lease elsewhere", with(get("leases", "kube-system", "a"), func(a *authz.Attributes) { a.APIGroup = "coordination.k8s.io" }),
			verdict{authz.NoOpinion, `can only access leases in the "kube-node-lease" system namespace`}},
		{"list leases", with(get("leases", "kube-node-lease", ""), func(a *authz.Attributes) { a.APIGroup, a.Verb = "coordination.k8s.io", "list" }),
			verdict{authz.NoOpinion, "can only get, create, update, patch, or delete a node lease"}},

		// CSINodes.
		{"own csinode", with(get("csinodes", "", "a"), func(a *authz.Attributes) { a.APIGroup, a.Verb = "storage.k8s.io", "update" }), allow},
		{"other csinode", with(get("csinodes", "", "b"), func(a *authz.Attributes) { a.APIGroup = "storage.k8s.io" }),
			verdict{authz.NoOpinion, "can only access CSINode with the same name as the requesting node"}},
		{"csinode subresource", with(get("csinodes", "", "a"), func(a *authz.Attributes) { a.APIGroup, a.Subresource = "storage.k8s.io", "status" }),
			verdict{authz.NoOpinion, "cannot authorize CSINode subresources"}},

		// The system:node rules.
		// Pod reads, as with Kubernetes' AuthorizeNodeWithSelectors.
		{"get its own pod", get("pods", "ns", "a-pod"), allow},
		{"get its own mirror pod", get("pods", "ns", "a-mirror"), allow},
		{"get node b's pod", get("pods", "ns", "b-pod"), noRelation},
		{"get an unscheduled pod", get("pods", "ns", "pending"), noRelation},
		{"get a pod with no name", get("pods", "ns", ""), verdict{authz.NoOpinion, "No Object name found"}},
		{"watch all pods", with(get("pods", "", ""), func(a *authz.Attributes) { a.Verb = "watch" }), podSelector},
		{"list all pods", with(get("pods", "", ""), func(a *authz.Attributes) { a.Verb = "list" }), podSelector},
		{"watch its own pods", with(get("pods", "", ""), func(a *authz.Attributes) {
			a.Verb, a.FieldSelector = "watch", fields.ParseSelectorOrDie("spec.nodeName=a")
		}), allow},
		{"list its own pods in a namespace", with(get("pods", "ns", ""), func(a *authz.Attributes) {
			a.Verb, a.FieldSelector = "list", fields.ParseSelectorOrDie("metadata.namespace=ns,spec.nodeName==a")
		}), allow},
		{"list node b's pods", with(get("pods", "", ""), func(a *authz.Attributes) {
			a.Verb, a.FieldSelector = "list", fields.ParseSelectorOrDie("spec.nodeName=b")
		}), podSelector},
		{"list pods not on node a", with(get("pods", "", ""), func(a *authz.Attributes) {
			a.Verb, a.FieldSelector = "list", fields.ParseSelectorOrDie("spec.nodeName!=a")
		}), podSelector},
		{"list pods by another field", with(get("pods", "", ""), func(a *authz.Attributes) {
			a.Verb, a.FieldSelector = "list", fields.ParseSelectorOrDie("status.phase=Running")
		}), podSelector},
		{"create a (mirror) pod", with(get("pods", "ns", ""), func(a *authz.Attributes) { a.Verb = "create" }), allow},
		{"delete a pod", with(get("pods", "ns", "a-pod"), func(a *authz.Attributes) { a.Verb = "delete" }), allow},
		{"update a pod", with(get("pods", "ns", "a-pod"), func(a *authz.Attributes) { a.Verb = "update" }), silent},
		{"update pod status", with(get("pods", "ns", "a-pod"), func(a *authz.Attributes) { a.Verb, a.Subresource = "update", "status" }), allow},
		{"patch pod status", with(get("pods", "ns", "b-pod"), func(a *authz.Attributes) { a.Verb, a.Subresource = "patch", "status" }), allow},
		{"evict a pod", with(get("pods", "ns", "a-pod"), func(a *authz.Attributes) { a.Verb, a.Subresource = "create", "eviction" }), allow},
		{"exec into a pod", with(get("pods", "ns", "a-pod"), func(a *authz.Attributes) { a.Verb, a.Subresource = "create", "exec" }), silent},
		{"get own node", get("nodes", "", "a"), allow},
		{"watch nodes", with(get("nodes", "", ""), func(a *authz.Attributes) { a.Verb = "watch" }), allow},
		{"register a node", with(get("nodes", "", ""), func(a *authz.Attributes) { a.Verb = "create" }), allow},
		{"patch node status", with(get("nodes", "", "a"), func(a *authz.Attributes) { a.Verb, a.Subresource = "patch", "status" }), allow},
		{"delete a node", with(get("nodes", "", "a"), func(a *authz.Attributes) { a.Verb = "delete" }), silent},
		{"create an event", with(get("events", "ns", ""), func(a *authz.Attributes) { a.Verb = "create" }), allow},
		{"delete an event", with(get("events", "ns", "e"), func(a *authz.Attributes) { a.Verb = "delete" }), silent},
		{"list services", with(get("services", "", ""), func(a *authz.Attributes) { a.Verb = "list" }), allow},
		{"get an endpoint", get("endpoints", "ns", "e"), allow},
		{"create a token review", with(get("tokenreviews", "", ""), func(a *authz.Attributes) { a.APIGroup, a.Verb = "authentication.k8s.io", "create" }), allow},
		{"create a CSR", with(get("certificatesigningrequests", "", ""), func(a *authz.Attributes) { a.APIGroup, a.Verb = "certificates.k8s.io", "create" }), allow},
		{"list runtime classes", with(get("runtimeclasses", "", ""), func(a *authz.Attributes) { a.APIGroup, a.Verb = "node.k8s.io", "list" }), allow},
		{"a deployment", with(get("deployments", "ns", "d"), func(a *authz.Attributes) { a.APIGroup = "apps" }), silent},
		{"a role", with(get("roles", "ns", "r"), func(a *authz.Attributes) { a.APIGroup = "rbac.authorization.k8s.io" }), silent},
		{"non-resource request", authz.Attributes{User: kubelet("a"), Verb: "get", Path: "/healthz"}, silent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, c.decide(t, tc.attrs)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestGraphFollowsStore is the integration test: node a's kubelet may read the secret of a pod on
// a, never that of a pod on b, and what it may read follows pods as they are created, rebound and
// deleted.
func TestGraphFollowsStore(t *testing.T) {
	ctx := context.Background()
	c := startCluster(t,
		pod("default", "web-a", "a", secretVolume("web-a-tls")),
		pod("default", "web-b", "b", secretVolume("web-b-tls")),
	)
	getSecret := func(nodeName, secret string) authz.Decision {
		return c.decide(t, authz.Attributes{User: kubelet(nodeName), Verb: "get", ResourceRequest: true, APIVersion: "v1",
			Resource: "secrets", Namespace: "default", Name: secret}).Decision
	}
	type row struct{ node, secret string }
	check := func(step string, allowed ...row) {
		t.Helper()
		want := map[row]authz.Decision{}
		got := map[row]authz.Decision{}
		for _, n := range []string{"a", "b"} {
			for _, s := range []string{"web-a-tls", "web-b-tls", "shared", "late"} {
				r := row{n, s}
				want[r] = authz.NoOpinion
				got[r] = getSecret(n, s)
			}
		}
		for _, r := range allowed {
			want[r] = authz.Allow
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", step, diff)
		}
	}
	check("initial list", row{"a", "web-a-tls"}, row{"b", "web-b-tls"})

	// Two pods on a share a secret; it stays readable until the last of them goes.
	c.create(t, pod("default", "shared-1", "a", secretVolume("shared")))
	c.waitFor(t, c.create(t, pod("default", "shared-2", "a", secretVolume("shared"))))
	check("shared secret on a", row{"a", "web-a-tls"}, row{"b", "web-b-tls"}, row{"a", "shared"})
	del := func(name string) {
		out, err := c.st.Delete(ctx, store.Key("pods", "default", name), nil)
		if err != nil {
			t.Fatal(err)
		}
		c.waitFor(t, revOf(t, out))
	}
	del("shared-1")
	check("one sharer deleted", row{"a", "web-a-tls"}, row{"b", "web-b-tls"}, row{"a", "shared"})
	del("shared-2")
	check("both sharers deleted", row{"a", "web-a-tls"}, row{"b", "web-b-tls"})

	// A pod created unbound gives nothing until it is bound, then only to its node.
	c.waitFor(t, c.create(t, pod("default", "late", "", secretVolume("late"))))
	check("pending pod", row{"a", "web-a-tls"}, row{"b", "web-b-tls"})
	bind := func(name, nodeName string) {
		out, err := c.st.GuaranteedUpdate(ctx, store.Key("pods", "default", name), nil, func(cur meta.Object) (meta.Object, error) {
			p := cur.(*core.Pod).DeepCopy()
			p.Spec.NodeName = nodeName
			return p, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c.waitFor(t, revOf(t, out))
	}
	bind("late", "b")
	check("pod bound to b", row{"a", "web-a-tls"}, row{"b", "web-b-tls"}, row{"b", "late"})
	bind("late", "a")
	check("pod rebound to a", row{"a", "web-a-tls"}, row{"b", "web-b-tls"}, row{"a", "late"})
	bind("web-b", "a")
	check("b's pod rebound to a", row{"a", "web-a-tls"}, row{"a", "web-b-tls"}, row{"a", "late"})
	del("web-a")
	del("web-b")
	del("late")
	check("all deleted")
}

// TestRunStopsWhenStoreCloses: Run stops with store.ErrClosed when the store goes away.
func TestRunStopsWhenStoreCloses(t *testing.T) {
	st, err := memdb.Open(memdb.Options{Codec: api.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	na := node.New(st, node.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- na.Run(ctx) }()
	if err := na.WaitFor(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if !na.HasSynced() {
		t.Fatal("HasSynced is false after WaitFor")
	}
	st.Close()
	if err := <-done; !errors.Is(err, store.ErrClosed) {
		t.Fatalf("Run returned %v, want an error wrapping store.ErrClosed", err)
	}
}

func TestNotSyncedAllowsNothingFromTheGraph(t *testing.T) {
	st, err := memdb.Open(memdb.Options{Codec: api.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Create(context.Background(), store.Key("pods", "ns", "p"), pod("ns", "p", "a", secretVolume("s"))); err != nil {
		t.Fatal(err)
	}
	na := node.New(st, node.Options{}) // never run
	if na.HasSynced() {
		t.Error("HasSynced before Run")
	}
	d, _, _ := na.Authorize(context.Background(), authz.Attributes{User: kubelet("a"), Verb: "get", ResourceRequest: true, Resource: "secrets", Namespace: "ns", Name: "s"})
	if d != authz.NoOpinion {
		t.Errorf("decision before sync = %v, want no opinion", d)
	}
}

// BenchmarkAuthorize measures decisions with 10,000 pods on 1,000 nodes, each pod using its own
// secret and configmap and its namespace's shared image pull secret.
func BenchmarkAuthorize(b *testing.B) {
	const nodes, pods = 1000, 10000
	all := make([]*core.Pod, 0, pods)
	for i := range pods {
		ns := fmt.Sprintf("ns-%d", i%50)
		all = append(all, pod(ns, fmt.Sprintf("pod-%d", i), fmt.Sprintf("node-%d", i%nodes), secretVolume(fmt.Sprintf("secret-%d", i)), func(p *core.Pod) {
			p.Spec.ImagePullSecrets = []core.LocalObjectReference{lor("registry")}
			p.Spec.Volumes = append(p.Spec.Volumes, core.Volume{Name: "cm", VolumeSource: core.VolumeSource{ConfigMap: &core.ConfigMapVolumeSource{LocalObjectReference: lor(fmt.Sprintf("cm-%d", i))}}})
			p.Spec.ServiceAccountName = "default"
		}))
	}
	c := startCluster(b, all...)
	ctx := context.Background()
	secret := func(nodeName, ns, name string) authz.Attributes {
		return authz.Attributes{User: kubelet(nodeName), Verb: "get", ResourceRequest: true, APIVersion: "v1", Resource: "secrets", Namespace: ns, Name: name}
	}
	cases := []struct {
		name  string
		attrs authz.Attributes
		want  authz.Decision
	}{
		{"own pod's secret", secret("node-17", "ns-17", "secret-17"), authz.Allow},
		{"other node's secret", secret("node-18", "ns-17", "secret-17"), authz.NoOpinion},
		{"shared pull secret", secret("node-17", "ns-17", "registry"), authz.Allow},
		{"static rule", authz.Attributes{User: kubelet("node-17"), Verb: "update", ResourceRequest: true, Resource: "pods", Subresource: "status", Namespace: "ns-17", Name: "pod-17"}, authz.Allow},
		{"not a node", authz.Attributes{User: authn.User{Name: "alice"}, Verb: "get", ResourceRequest: true, Resource: "secrets", Namespace: "ns-17", Name: "secret-17"}, authz.NoOpinion},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			if d, _, _ := c.na.Authorize(ctx, tc.attrs); d != tc.want {
				b.Fatalf("decision %v, want %v", d, tc.want)
			}
			b.ReportAllocs()
			for b.Loop() {
				c.na.Authorize(ctx, tc.attrs)
			}
		})
	}
	b.Run("parallel own pod's secret", func(b *testing.B) {
		attrs := cases[0].attrs
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c.na.Authorize(ctx, attrs)
			}
		})
	})
	b.Run("initial list of 10000 pods", func(b *testing.B) {
		for b.Loop() {
			na := node.New(c.st, node.Options{})
			ctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- na.Run(ctx) }()
			if err := na.WaitFor(ctx, 0); err != nil {
				b.Fatal(err)
			}
			cancel()
			<-done
		}
	})
}

// flakySource is a real store whose first list fails and whose first watch ends at once with an
// ERROR event, as a store does when a watcher falls behind its history.
type flakySource struct {
	*memdb.Store
	mu             sync.Mutex
	lists, watches int
}

func (f *flakySource) List(ctx context.Context, prefix string, opts store.ListOptions) (*store.ListResult, error) {
	f.mu.Lock()
	f.lists++
	n := f.lists
	f.mu.Unlock()
	if n == 1 {
		return nil, errors.New("etcd is having a bad day")
	}
	return f.Store.List(ctx, prefix, opts)
}

func (f *flakySource) Watch(ctx context.Context, prefix string, opts store.WatchOptions) (store.Watch, error) {
	f.mu.Lock()
	f.watches++
	n := f.watches
	f.mu.Unlock()
	if n == 1 {
		ch := make(chan store.Event, 1)
		ch <- store.Event{Type: store.Error, Err: store.ErrTooOldResourceVersion}
		close(ch)
		return closedWatch(ch), nil
	}
	return f.Store.Watch(ctx, prefix, opts)
}

type closedWatch <-chan store.Event

func (w closedWatch) ResultChan() <-chan store.Event { return w }
func (w closedWatch) Stop()                          {}

// TestRunRecovers: a failed list is retried after a wait on the clock; a watch that fails is
// followed by a new list and watch at once.
func TestRunRecovers(t *testing.T) {
	st, err := memdb.Open(memdb.Options{Codec: api.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := st.Create(ctx, store.Key("pods", "ns", "p1"), pod("ns", "p1", "a", secretVolume("s1"))); err != nil {
		t.Fatal(err)
	}
	src := &flakySource{Store: st}
	clk := clocktesting.NewFakeClock(time.Now())
	na := node.New(src, node.Options{Clock: clk})
	done := make(chan error, 1)
	go func() { done <- na.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	for !clk.HasWaiters() { // Run waits after the failed list
		runtime.Gosched()
	}
	if na.HasSynced() {
		t.Fatal("synced after a failed list")
	}
	clk.Step(time.Second)
	if err := na.WaitFor(ctx, 0); err != nil {
		t.Fatal(err)
	}
	out, err := st.Create(ctx, store.Key("pods", "ns", "p2"), pod("ns", "p2", "a", secretVolume("s2")))
	if err != nil {
		t.Fatal(err)
	}
	if err := na.WaitFor(ctx, revOf(t, out)); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"s1", "s2"} {
		if d, _, _ := na.Authorize(ctx, authz.Attributes{User: kubelet("a"), Verb: "get", ResourceRequest: true, Resource: "secrets", Namespace: "ns", Name: s}); d != authz.Allow {
			t.Errorf("secret %s: %v", s, d)
		}
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.lists != 3 || src.watches != 2 {
		t.Errorf("%d lists and %d watches, want 3 and 2", src.lists, src.watches)
	}
}
