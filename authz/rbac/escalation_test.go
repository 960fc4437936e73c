package rbac_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	rbacv1 "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz/rbac"
)

// escalationPolicy is the bootstrap policy plus: jane is admin of ns1, dev is editor of ns1, esc may
// escalate roles anywhere, esc-special only the role named "special", binder may bind view in ns1,
// reader may read pods everywhere, root is bound to cluster-admin (not through system:masters).
func escalationPolicy() *rbac.Authorizer {
	crs, crbs := rbac.BootstrapPolicy()
	crs = append(crs,
		clusterRole("role-escalator", nil, rule("escalate").groups("rbac.authorization.k8s.io").res("roles", "clusterroles")),
		clusterRole("special-escalator", nil, rule("escalate").groups("rbac.authorization.k8s.io").res("roles").names("special")),
		clusterRole("view-binder", nil, rule("bind").groups("rbac.authorization.k8s.io").res("clusterroles").names("view")),
		clusterRole("pod-reader", nil, rule("get").groups("").res("pods")),
	)
	crbs = append(crbs,
		clusterRoleBinding("esc", "role-escalator", userS("esc")),
		clusterRoleBinding("esc-special", "special-escalator", userS("esc-special")),
		clusterRoleBinding("reader", "pod-reader", userS("reader")),
		clusterRoleBinding("root", "cluster-admin", userS("root")),
	)
	return rbac.NewStatic(rbac.Policy{
		ClusterRoles:        crs,
		ClusterRoleBindings: crbs,
		RoleBindings: []*rbacv1.RoleBinding{
			roleBinding("ns1", "jane", roleRef("ClusterRole", "admin"), userS("jane")),
			roleBinding("ns1", "dev", roleRef("ClusterRole", "edit"), userS("dev")),
			roleBinding("ns1", "binder", roleRef("ClusterRole", "view-binder"), userS("binder")),
		},
	})
}

func TestConfirmNoEscalation(t *testing.T) {
	a := escalationPolicy()
	jane := who("jane", "system:authenticated")
	createDeployments := rules(rule("create").groups("apps").res("deployments"))
	ctx := context.Background()

	if err := a.ConfirmNoEscalation(ctx, jane, "ns1", createDeployments); err != nil {
		t.Errorf("jane holds create deployments in ns1 through admin: %v", err)
	}
	err := a.ConfirmNoEscalation(ctx, jane, "ns2", createDeployments)
	want := "user \"jane\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n" +
		`{APIGroups:["apps"], Resources:["deployments"], Verbs:["create"]}`
	if err == nil || err.Error() != want {
		t.Fatalf("jane in ns2:\n%v\nwant\n%s", err, want)
	}
	if !errors.Is(err, rbac.ErrEscalation) {
		t.Errorf("%v is not ErrEscalation", err)
	}

	// Missing pieces are merged by resource, listed in order, once.
	err = a.ConfirmNoEscalation(ctx, who("nobody"), "ns2", rules(
		rule("get", "list").groups("").res("secrets", "pods"),
		rule("get").groups("").res("pods"),
		rule("get").groups("").res("configmaps").names("a", "b"),
		rule("get").urls("/metrics"),
	))
	want = "user \"nobody\" (groups=[]) is attempting to grant RBAC permissions not currently held:\n" +
		`{APIGroups:[""], Resources:["configmaps"], ResourceNames:["a"], Verbs:["get"]}` + "\n" +
		`{APIGroups:[""], Resources:["configmaps"], ResourceNames:["b"], Verbs:["get"]}` + "\n" +
		`{APIGroups:[""], Resources:["pods"], Verbs:["get" "list" "get"]}` + "\n" +
		`{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}` + "\n" +
		`{NonResourceURLs:["/metrics"], Verbs:["get"]}`
	if err == nil || err.Error() != want {
		t.Errorf("nobody:\n%v\nwant\n%s", err, want)
	}
	var esc *rbac.EscalationError
	if !errors.As(err, &esc) || len(esc.Missing) != 5 || esc.User.Name != "nobody" {
		t.Errorf("EscalationError = %+v", esc)
	}

	// Bindings to missing roles are named, since they may be why the user lacks a permission.
	broken := rbac.NewStatic(rbac.Policy{RoleBindings: []*rbacv1.RoleBinding{
		roleBinding("ns1", "b", roleRef("Role", "ghost"), userS("jane")),
	}})
	err = broken.ConfirmNoEscalation(ctx, jane, "ns1", createDeployments)
	want = "user \"jane\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n" +
		`{APIGroups:["apps"], Resources:["deployments"], Verbs:["create"]}; resolution errors: [role.rbac.authorization.k8s.io "ghost" not found]`
	if err == nil || err.Error() != want {
		t.Errorf("with a missing role:\n%v\nwant\n%s", err, want)
	}

	// Before the policy is listed, nothing can be confirmed.
	if err := rbac.New(openStore(t), rbac.Options{}).ConfirmNoEscalation(ctx, jane, "ns1", createDeployments); !errors.Is(err, rbac.ErrNotSynced) {
		t.Errorf("unsynced: %v, want ErrNotSynced", err)
	}
}

func TestEscalationPlugin(t *testing.T) {
	p := rbac.NewEscalationPlugin(escalationPolicy())
	if p.Name() != "RBACEscalation" {
		t.Errorf("Name() = %q", p.Name())
	}
	for _, op := range []admission.Operation{admission.Create, admission.Update, admission.Delete, admission.Connect} {
		if got, want := p.Handles(op), op == admission.Create || op == admission.Update; got != want {
			t.Errorf("Handles(%s) = %v", op, got)
		}
	}

	jane := who("jane", "system:authenticated")
	getPodsRole := func(ns, name string) *rbacv1.Role { return role(ns, name, rule("get").groups("").res("pods")) }
	nodesRole := role("ns1", "nodes", rule("get").groups("").res("nodes"))
	owned := getPodsRole("ns2", "owned")
	owned.OwnerReferences = []meta.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "owner", UID: "u1"}}
	owned.Finalizers = []string{"example.com/keep"}
	relabelled := getPodsRole("ns2", "owned")
	relabelled.Labels = map[string]string{"team": "x"}
	aggregating := aggregated("gatherer", nil, map[string]string{"x": "y"})

	create := func(u authn.User, obj meta.Object) *admission.Attributes {
		m := obj.GetObjectMeta()
		return &admission.Attributes{Operation: admission.Create, Object: obj, User: u, Namespace: m.Namespace, Name: m.Name}
	}
	updateFrom := func(u authn.User, old, obj meta.Object) *admission.Attributes {
		a := create(u, obj)
		a.Operation, a.OldObject = admission.Update, old
		return a
	}
	lacks := func(user, groups, missing string) string {
		return "user \"" + user + "\" (groups=" + groups + ") is attempting to grant RBAC permissions not currently held:\n" + missing
	}
	cases := []struct {
		name  string
		attrs *admission.Attributes
		want  string // "" for no error
	}{
		{"role with rules held", create(jane, getPodsRole("ns1", "r")), ""},
		{"role with rules not held", create(jane, nodesRole),
			lacks("jane", `["system:authenticated"]`, `{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}`)},
		{"role in a namespace one does not administer", create(jane, getPodsRole("ns2", "r")),
			lacks("jane", `["system:authenticated"]`, `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`)},
		{"system:masters may do anything", create(who("admin", "system:masters"), nodesRole), ""},
		{"escalate verb", create(who("esc"), nodesRole), ""},
		{"escalate verb on clusterroles", create(who("esc"), clusterRole("big", nil, rule("*").groups("*").res("*"))), ""},
		{"escalate limited to a name does not allow creates", create(who("esc-special"), role("ns1", "special", rule("get").groups("").res("nodes"))),
			lacks("esc-special", "[]", `{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}`)},
		{"escalate limited to a name allows its updates", updateFrom(who("esc-special"), role("ns1", "special"), role("ns1", "special", rule("get").groups("").res("nodes"))), ""},
		{"escalate limited to a name, another role", updateFrom(who("esc-special"), role("ns1", "other"), role("ns1", "other", rule("get").groups("").res("nodes"))),
			lacks("esc-special", "[]", `{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}`)},
		{"update of ownerReferences and finalizers only", updateFrom(jane, getPodsRole("ns2", "owned"), owned), ""},
		{"update of labels", updateFrom(jane, getPodsRole("ns2", "owned"), relabelled),
			lacks("jane", `["system:authenticated"]`, `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`)},
		{"binding to a role one holds", create(jane, roleBinding("ns1", "b", roleRef("ClusterRole", "edit"), userS("x"))), ""},
		{"binding view as an editor", create(who("dev"), roleBinding("ns1", "b", roleRef("ClusterRole", "view"), userS("x"))), ""},
		{"binding to a role one does not hold", create(who("dev"), roleBinding("ns1", "b", roleRef("ClusterRole", "admin"), userS("x"))),
			lacks("dev", "[]", `{APIGroups:["authorization.k8s.io"], Resources:["localsubjectaccessreviews"], Verbs:["create"]}`+"\n"+
				`{APIGroups:["rbac.authorization.k8s.io"], Resources:["rolebindings"], Verbs:["create" "delete" "deletecollection" "get" "list" "patch" "update" "watch"]}`+"\n"+
				`{APIGroups:["rbac.authorization.k8s.io"], Resources:["roles"], Verbs:["create" "delete" "deletecollection" "get" "list" "patch" "update" "watch"]}`)},
		{"bind verb", create(who("binder"), roleBinding("ns1", "b", roleRef("ClusterRole", "view"), userS("x"))), ""},
		{"bind verb names only view", create(who("binder"), roleBinding("ns1", "b", roleRef("ClusterRole", "pod-reader"), userS("x"))),
			lacks("binder", "[]", `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`)},
		{"bind verb only in its namespace", create(who("binder"), roleBinding("ns2", "b", roleRef("ClusterRole", "pod-reader"), userS("x"))),
			lacks("binder", "[]", `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`)},
		{"cluster role binding needs the rules cluster-wide", create(jane, clusterRoleBinding("b", "pod-reader", userS("x"))),
			lacks("jane", `["system:authenticated"]`, `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`)},
		{"cluster role binding with the rules cluster-wide", create(who("reader"), clusterRoleBinding("b", "pod-reader", userS("x"))), ""},
		{"aggregationRule needs full authority", create(who("reader"), aggregating), "must have cluster-admin privileges to use the aggregationRule"},
		{"removing an aggregationRule needs full authority too", updateFrom(who("reader"), aggregating, clusterRole("gatherer", nil)), "must have cluster-admin privileges to use the aggregationRule"},
		{"aggregationRule by a cluster admin", create(who("root"), aggregating), ""},
		{"other kinds pass", create(jane, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns2", Name: "c"}}), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := admission.Chain{p}.Validate(context.Background(), tc.attrs)
			got := ""
			if err != nil {
				got = err.Error()
				if !errors.Is(err, rbac.ErrEscalation) {
					t.Errorf("%v is not ErrEscalation", err)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}

	// A binding to a role that does not exist is NotFound, as Kubernetes answers.
	err := p.Validate(context.Background(), create(jane, roleBinding("ns1", "b", roleRef("ClusterRole", "ghost"), userS("x"))))
	if !apierrors.IsNotFound(err) || !errors.Is(err, rbac.ErrRoleNotFound) || err.Error() != `clusterrole.rbac.authorization.k8s.io "ghost" not found` {
		t.Errorf("binding to a missing role: %v", err)
	}
}
