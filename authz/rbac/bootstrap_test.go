package rbac_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/meta"
	rbacv1 "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
	"github.com/skiff-io/skiff/store"
)

func TestBootstrapPolicyObjects(t *testing.T) {
	crs, crbs := rbac.BootstrapPolicy()
	var roleNames, bindingNames []string
	byName := map[string]*rbacv1.ClusterRole{}
	for _, r := range crs {
		roleNames = append(roleNames, r.Name)
		byName[r.Name] = r
		if errs := rbacv1.ValidateClusterRole(r); len(errs) > 0 {
			t.Errorf("ClusterRole %s is invalid: %v", r.Name, errs.ToAggregate())
		}
		checkBootstrapMetadata(t, &r.TypeMeta, &r.ObjectMeta, "ClusterRole")
		for _, rule := range r.Rules {
			for _, list := range [][]string{rule.Verbs, rule.APIGroups, rule.Resources, rule.ResourceNames, rule.NonResourceURLs} {
				if !slices.IsSorted(list) {
					t.Errorf("ClusterRole %s: %v is not sorted, as Kubernetes writes its rules", r.Name, list)
				}
			}
		}
	}
	for _, b := range crbs {
		bindingNames = append(bindingNames, b.Name)
		if errs := rbacv1.ValidateClusterRoleBinding(b); len(errs) > 0 {
			t.Errorf("ClusterRoleBinding %s is invalid: %v", b.Name, errs.ToAggregate())
		}
		checkBootstrapMetadata(t, &b.TypeMeta, &b.ObjectMeta, "ClusterRoleBinding")
		if byName[b.RoleRef.Name] == nil {
			t.Errorf("ClusterRoleBinding %s refers to a missing ClusterRole %q", b.Name, b.RoleRef.Name)
		}
	}
	for _, want := range []string{"cluster-admin", "admin", "edit", "view", "system:aggregate-to-admin", "system:aggregate-to-edit",
		"system:aggregate-to-view", "system:basic-user", "system:discovery", "system:public-info-viewer", "system:monitoring",
		"system:node", "system:node-proxier", "system:kube-scheduler", "system:kube-controller-manager"} {
		if byName[want] == nil {
			t.Errorf("no ClusterRole %s", want)
		}
	}
	wantBindings := []string{"cluster-admin", "system:monitoring", "system:discovery", "system:basic-user", "system:public-info-viewer",
		"system:node-proxier", "system:kube-controller-manager", "system:kube-dns", "system:kube-scheduler", "system:volume-scheduler",
		"system:node", "system:service-account-issuer-discovery"}
	for _, c := range []string{"deployment-controller", "replicaset-controller", "generic-garbage-collector", "namespace-controller",
		"node-controller", "service-account-controller", "resourcequota-controller"} {
		wantBindings = append(wantBindings, rbac.ControllerRolePrefix+c)
	}
	if diff := cmp.Diff(wantBindings, bindingNames); diff != "" {
		t.Errorf("bindings (-want +got):\n%s", diff)
	}
	for _, b := range crbs {
		if sa, ok := strings.CutPrefix(b.Name, rbac.ControllerRolePrefix); ok {
			if len(b.Subjects) != 1 || b.Subjects[0].Kind != "ServiceAccount" || b.Subjects[0].Namespace != "kube-system" || b.Subjects[0].Name != sa {
				t.Errorf("%s binds %+v, want the service account kube-system/%s", b.Name, b.Subjects, sa)
			}
		}
		if b.Name == "system:node" && len(b.Subjects) != 0 {
			t.Errorf("system:node is bound to %v; Kubernetes binds it to nobody since the Node authorizer", b.Subjects)
		}
	}
	if diff := cmp.Diff(map[string]string{"rbac.authorization.k8s.io/aggregate-to-admin": "true", "kubernetes.io/bootstrapping": "rbac-defaults"}, byName["edit"].Labels); diff != "" {
		t.Errorf("edit's labels (-want +got):\n%s", diff)
	}
	if len(roleNames) != len(byName) {
		t.Errorf("duplicate ClusterRole names in %v", roleNames)
	}
	// Fresh objects on every call: changing one changes nothing for the next caller.
	crs[0].Rules = nil
	if again, _ := rbac.BootstrapPolicy(); len(again[0].Rules) == 0 {
		t.Error("BootstrapPolicy returned shared objects")
	}
}

func checkBootstrapMetadata(t *testing.T, tm *meta.TypeMeta, m *meta.ObjectMeta, kind string) {
	t.Helper()
	if tm.APIVersion != "rbac.authorization.k8s.io/v1" || tm.Kind != kind {
		t.Errorf("%s: TypeMeta %+v", m.Name, *tm)
	}
	if m.Labels["kubernetes.io/bootstrapping"] != "rbac-defaults" {
		t.Errorf("%s: labels %v", m.Name, m.Labels)
	}
	if m.Annotations["rbac.authorization.kubernetes.io/autoupdate"] != "true" {
		t.Errorf("%s: annotations %v", m.Name, m.Annotations)
	}
}

func TestBootstrapPolicyDecisions(t *testing.T) {
	crs, crbs := rbac.BootstrapPolicy()
	a := rbac.NewStatic(rbac.Policy{
		ClusterRoles:        crs,
		ClusterRoleBindings: crbs,
		RoleBindings: []*rbacv1.RoleBinding{
			roleBinding("ns", "viewer", roleRef("ClusterRole", "view"), userS("viewer")),
			roleBinding("ns", "editor", roleRef("ClusterRole", "edit"), userS("editor")),
			roleBinding("ns", "admin", roleRef("ClusterRole", "admin"), userS("admin")),
		},
	})
	masters := who("alice", "system:masters", "system:authenticated")
	authenticated := who("bob", "system:authenticated")
	anonymous := who("system:anonymous", "system:unauthenticated")
	viewer := who("viewer", "system:authenticated")
	editor := who("editor", "system:authenticated")
	admin := who("admin", "system:authenticated")
	scheduler := who("system:kube-scheduler", "system:authenticated")
	kcm := who("system:kube-controller-manager", "system:authenticated")
	node := who("system:node:n1", "system:nodes", "system:authenticated")
	sa := who("system:serviceaccount:ns:default", "system:serviceaccounts", "system:serviceaccounts:ns", "system:authenticated")

	cases := []struct {
		name  string
		attrs authz.Attributes
		want  authz.Decision
	}{
		{"masters delete anything", req(masters, "delete", "apps", "deployments", "", "kube-system", "x"), authz.Allow},
		{"masters escalate", req(masters, "escalate", "rbac.authorization.k8s.io", "clusterroles", "", "", "x"), authz.Allow},
		{"masters any URL", nonResource(masters, "post", "/anything"), authz.Allow},

		{"view gets pods", req(viewer, "get", "", "pods", "", "ns", "p"), authz.Allow},
		{"view reads logs", req(viewer, "get", "", "pods", "log", "ns", "p"), authz.Allow},
		{"view lists deployments", req(viewer, "list", "apps", "deployments", "", "ns", ""), authz.Allow},
		{"view reads configmaps", req(viewer, "get", "", "configmaps", "", "ns", "c"), authz.Allow},
		{"view cannot read secrets", req(viewer, "get", "", "secrets", "", "ns", "s"), authz.NoOpinion},
		{"view cannot exec", req(viewer, "create", "", "pods", "exec", "ns", "p"), authz.NoOpinion},
		{"view cannot create pods", req(viewer, "create", "", "pods", "", "ns", ""), authz.NoOpinion},
		{"view cannot read roles", req(viewer, "get", "rbac.authorization.k8s.io", "roles", "", "ns", "r"), authz.NoOpinion},
		{"view only in its namespace", req(viewer, "get", "", "pods", "", "other", "p"), authz.NoOpinion},

		{"edit creates deployments", req(editor, "create", "apps", "deployments", "", "ns", ""), authz.Allow},
		{"edit scales", req(editor, "update", "apps", "deployments", "scale", "ns", "d"), authz.Allow},
		{"edit reads secrets", req(editor, "get", "", "secrets", "", "ns", "s"), authz.Allow},
		{"edit writes secrets", req(editor, "create", "", "secrets", "", "ns", ""), authz.Allow},
		{"edit execs", req(editor, "create", "", "pods", "exec", "ns", "p"), authz.Allow},
		{"edit requests tokens", req(editor, "create", "", "serviceaccounts", "token", "ns", "default"), authz.Allow},
		{"edit writes leases", req(editor, "update", "coordination.k8s.io", "leases", "", "ns", "l"), authz.Allow},
		{"edit records events", req(editor, "create", "", "events", "", "ns", ""), authz.Allow},
		{"edit reads what view reads", req(editor, "get", "", "resourcequotas", "", "ns", "q"), authz.Allow},
		{"edit cannot create rolebindings", req(editor, "create", "rbac.authorization.k8s.io", "rolebindings", "", "ns", ""), authz.NoOpinion},
		{"edit cannot create roles", req(editor, "create", "rbac.authorization.k8s.io", "roles", "", "ns", ""), authz.NoOpinion},
		{"edit cannot write pod status", req(editor, "update", "", "pods", "status", "ns", "p"), authz.NoOpinion},
		{"edit cannot write quotas", req(editor, "update", "", "resourcequotas", "", "ns", "q"), authz.NoOpinion},
		{"edit cannot write limit ranges", req(editor, "create", "", "limitranges", "", "ns", ""), authz.NoOpinion},

		{"admin creates rolebindings", req(admin, "create", "rbac.authorization.k8s.io", "rolebindings", "", "ns", ""), authz.Allow},
		{"admin creates roles", req(admin, "create", "rbac.authorization.k8s.io", "roles", "", "ns", ""), authz.Allow},
		{"admin edits", req(admin, "delete", "apps", "replicasets", "", "ns", "r"), authz.Allow},
		{"admin cannot create clusterroles", req(admin, "create", "rbac.authorization.k8s.io", "clusterroles", "", "", ""), authz.NoOpinion},
		{"admin cannot delete its namespace", req(admin, "delete", "", "namespaces", "", "ns", "ns"), authz.NoOpinion},

		{"authenticated discovery", nonResource(authenticated, "get", "/apis/apps/v1"), authz.Allow},
		{"authenticated health", nonResource(authenticated, "get", "/healthz"), authz.Allow},
		{"authenticated self review", req(authenticated, "create", "authorization.k8s.io", "selfsubjectaccessreviews", "", "", ""), authz.Allow},
		{"authenticated cannot list pods", req(authenticated, "list", "", "pods", "", "ns", ""), authz.NoOpinion},
		{"authenticated cannot read metrics", nonResource(authenticated, "get", "/metrics"), authz.NoOpinion},
		{"anonymous version", nonResource(anonymous, "get", "/version"), authz.Allow},
		{"anonymous readyz", nonResource(anonymous, "get", "/readyz"), authz.Allow},
		{"anonymous no discovery", nonResource(anonymous, "get", "/api"), authz.NoOpinion},
		{"anonymous no health details", nonResource(anonymous, "get", "/healthz/etcd"), authz.NoOpinion},
		{"monitoring metrics", nonResource(who("prom", "system:monitoring"), "get", "/metrics"), authz.Allow},
		{"monitoring health details", nonResource(who("prom", "system:monitoring"), "get", "/readyz/etcd"), authz.Allow},

		{"scheduler binds", req(scheduler, "create", "", "pods", "binding", "ns", "p"), authz.Allow},
		{"scheduler writes pod status", req(scheduler, "patch", "", "pods", "status", "ns", "p"), authz.Allow},
		{"scheduler preempts", req(scheduler, "delete", "", "pods", "", "ns", "p"), authz.Allow},
		{"scheduler its lease", req(scheduler, "update", "coordination.k8s.io", "leases", "", "kube-system", "kube-scheduler"), authz.Allow},
		{"scheduler not another lease", req(scheduler, "update", "coordination.k8s.io", "leases", "", "kube-system", "other"), authz.NoOpinion},
		{"scheduler events.k8s.io", req(scheduler, "create", "events.k8s.io", "events", "", "ns", ""), authz.Allow},
		{"scheduler cannot create pods", req(scheduler, "create", "", "pods", "", "ns", ""), authz.NoOpinion},
		{"controller manager lists anything", req(kcm, "list", "apps", "replicasets", "", "", ""), authz.Allow},
		{"controller manager watches initializerconfigurations", req(kcm, "watch", "admissionregistration.k8s.io", "initializerconfigurations", "", "", ""), authz.Allow},
		{"controller manager its lease", req(kcm, "get", "coordination.k8s.io", "leases", "", "kube-system", "kube-controller-manager"), authz.Allow},
		{"controller manager tokens", req(kcm, "create", "", "serviceaccounts", "token", "ns", "sa"), authz.Allow},
		{"controller manager cannot create deployments", req(kcm, "create", "apps", "deployments", "", "ns", ""), authz.NoOpinion},
		{"kube-proxy endpointslices", req(who("system:kube-proxy"), "watch", "discovery.k8s.io", "endpointslices", "", "", ""), authz.Allow},
		{"nodes get nothing from RBAC", req(node, "get", "", "pods", "", "ns", "p"), authz.NoOpinion},
		{"service accounts read OIDC discovery", nonResource(sa, "get", "/.well-known/openid-configuration"), authz.Allow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, reason, _ := a.Authorize(context.Background(), tc.attrs); got != tc.want {
				t.Errorf("%v (%q), want %v", got, reason, tc.want)
			}
		})
	}
	_, reason, _ := a.Authorize(context.Background(), req(masters, "get", "", "pods", "", "ns", "p"))
	if want := `RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"`; reason != want {
		t.Errorf("reason %q, want %q", reason, want)
	}
}

func TestEnsureBootstrapPolicy(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	var created []string
	createFn := func(ctx context.Context, obj meta.Object) error {
		// What the API server's create sets, for a store that does not.
		m := obj.GetObjectMeta()
		m.UID = meta.UID("uid-" + m.Name)
		m.CreationTimestamp = meta.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		created = append(created, resourceOf(obj)+"/"+m.Name)
		_, err := st.Create(ctx, keyOf(obj), obj)
		return err
	}
	crs, crbs := rbac.BootstrapPolicy()
	if err := rbac.EnsureBootstrapPolicy(ctx, st, createFn); err != nil {
		t.Fatal(err)
	}
	if len(created) != len(crs)+len(crbs) {
		t.Errorf("created %d objects, want %d", len(created), len(crs)+len(crbs))
	}
	if created[0] != "clusterroles/cluster-admin" || created[len(crs)] != "clusterrolebindings/cluster-admin" {
		t.Errorf("ClusterRoles are not created before bindings: %v", created)
	}
	stored, err := store.GetAs[*rbacv1.ClusterRole](ctx, st, store.Key("clusterroles", "", "edit"))
	if err != nil {
		t.Fatal(err)
	}
	if stored.UID != "uid-edit" || stored.ResourceVersion == "" || stored.AggregationRule == nil {
		t.Errorf("stored edit: %+v", stored.ObjectMeta)
	}

	// A changed default stays as it is; a deleted one comes back.
	view, _ := store.GetAs[*rbacv1.ClusterRole](ctx, st, store.Key("clusterroles", "", "view"))
	view = view.DeepCopy()
	view.Annotations["rbac.authorization.kubernetes.io/autoupdate"] = "false"
	view.AggregationRule = nil
	if _, err := st.Update(ctx, store.Key("clusterroles", "", "view"), view); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Delete(ctx, store.Key("clusterrolebindings", "", "system:discovery"), nil); err != nil {
		t.Fatal(err)
	}
	created = nil
	if err := rbac.EnsureBootstrapPolicy(ctx, st, createFn); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"clusterrolebindings/system:discovery"}, created); diff != "" {
		t.Errorf("second run created (-want +got):\n%s", diff)
	}
	if got, _ := store.GetAs[*rbacv1.ClusterRole](ctx, st, store.Key("clusterroles", "", "view")); got.AggregationRule != nil {
		t.Error("EnsureBootstrapPolicy overwrote a changed default")
	}

	// Another server creating the same object first is fine; any other failure is reported.
	st.Delete(ctx, store.Key("clusterrolebindings", "", "system:discovery"), nil)
	raced := func(ctx context.Context, obj meta.Object) error {
		return &store.OpError{Err: store.ErrAlreadyExists, Key: keyOf(obj)}
	}
	if err := rbac.EnsureBootstrapPolicy(ctx, st, raced); err != nil {
		t.Errorf("AlreadyExists from create: %v", err)
	}
	boom := errors.New("boom")
	if err := rbac.EnsureBootstrapPolicy(ctx, st, func(context.Context, meta.Object) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("failing create: %v", err)
	}

	// The stored defaults drive an authorizer that follows the store.
	a := rbac.NewFromStore(st, testr.New(t))
	run(t, a)
	if d := decides(a, req(who("alice", "system:masters"), "delete", "", "nodes", "", "", "n")); d != authz.Allow {
		t.Errorf("system:masters after bootstrap: %v", d)
	}
	if d := decides(a, req(who("bob", "system:authenticated"), "create", "authorization.k8s.io", "selfsubjectaccessreviews", "", "", "")); d != authz.Allow {
		t.Errorf("basic user after bootstrap: %v", d)
	}
}
