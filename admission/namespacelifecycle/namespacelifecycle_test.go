package namespacelifecycle_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/namespacelifecycle"
	"github.com/skiff-io/skiff/admission/plugins/pluginstest"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// result is what a client sees of an admission answer.
type result struct {
	Code    int32
	Message string
	Causes  []meta.StatusCause
}

func resultOf(err error) *result {
	if err == nil {
		return nil
	}
	var st *meta.Status
	if !errors.As(err, &st) {
		return &result{Message: "not a Status: " + err.Error()}
	}
	r := &result{Code: st.Code, Message: st.Message}
	if st.Details != nil {
		r.Causes = st.Details.Causes
	}
	return r
}

func TestAdmit(t *testing.T) {
	st := pluginstest.Store(t)
	pluginstest.Put(t, st, pluginstest.Namespace("active", nil))
	dying := pluginstest.Namespace("dying", nil)
	dying.Status.Phase = core.NamespaceTerminating
	pluginstest.Put(t, st, dying)

	pod := func(ns string) *core.Pod { return pluginstest.MakePod(ns, "web").Container("app").Obj() }
	ns := func(name string) *core.Namespace { return pluginstest.Namespace(name, nil) }
	review := func(a *admission.Attributes) *admission.Attributes {
		a.Group, a.Resource, a.Kind = "authorization.k8s.io", "localsubjectaccessreviews", "LocalSubjectAccessReview"
		return a
	}

	tests := []struct {
		name string
		a    *admission.Attributes
		want *result
	}{
		{name: "create in an active namespace", a: pluginstest.Create(pod("active"))},
		{name: "create in a missing namespace", a: pluginstest.Create(pod("missing")),
			want: &result{Code: 404, Message: `namespaces "missing" not found`}},
		{name: "create in a terminating namespace", a: pluginstest.Create(pod("dying")),
			want: &result{Code: 403, Message: `pods "web" is forbidden: unable to create new content in namespace dying because it is being terminated`,
				Causes: []meta.StatusCause{{Type: "NamespaceTerminating", Message: "namespace dying is being terminated", Field: "metadata.namespace"}}}},
		{name: "update in a terminating namespace", a: pluginstest.Update(pod("dying"), pod("dying"))},
		{name: "update in a missing namespace", a: pluginstest.Update(pod("missing"), pod("missing")),
			want: &result{Code: 404, Message: `namespaces "missing" not found`}},
		{name: "delete in a missing namespace", a: pluginstest.Delete(pod("missing"))},
		{name: "delete kube-system", a: pluginstest.Delete(ns("kube-system")),
			want: &result{Code: 403, Message: `namespaces "kube-system" is forbidden: this namespace may not be deleted`}},
		{name: "delete default", a: pluginstest.Delete(ns("default")),
			want: &result{Code: 403, Message: `namespaces "default" is forbidden: this namespace may not be deleted`}},
		{name: "delete kube-public", a: pluginstest.Delete(ns("kube-public")),
			want: &result{Code: 403, Message: `namespaces "kube-public" is forbidden: this namespace may not be deleted`}},
		{name: "delete another namespace", a: pluginstest.Delete(ns("active"))},
		{name: "create a namespace", a: pluginstest.Create(ns("new"))},
		{name: "create a cluster-scoped object", a: pluginstest.Create(&core.Node{ObjectMeta: meta.ObjectMeta{Name: "n1"}})},
		{name: "local access review in a missing namespace", a: review(pluginstest.Create(pod("missing")))},
	}
	p := namespacelifecycle.New(st, namespacelifecycle.Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := resultOf(p.Admit(context.Background(), tc.a))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Admit (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImmortalNamespacesOption(t *testing.T) {
	st := pluginstest.Store(t)
	p := namespacelifecycle.New(st, namespacelifecycle.Options{ImmortalNamespaces: []string{"prod"}})
	ctx := context.Background()
	if err := p.Admit(ctx, pluginstest.Delete(pluginstest.Namespace("kube-system", nil))); err != nil {
		t.Errorf("kube-system is not in the configured list, so it may be deleted: %v", err)
	}
	got := resultOf(p.Admit(ctx, pluginstest.Delete(pluginstest.Namespace("prod", nil))))
	want := &result{Code: 403, Message: `namespaces "prod" is forbidden: this namespace may not be deleted`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Admit (-want +got):\n%s", diff)
	}
}

func TestHandles(t *testing.T) {
	p := namespacelifecycle.New(pluginstest.Store(t), namespacelifecycle.Options{})
	got := map[admission.Operation]bool{}
	for _, op := range []admission.Operation{admission.Create, admission.Update, admission.Delete, admission.Connect} {
		got[op] = p.Handles(op)
	}
	want := map[admission.Operation]bool{admission.Create: true, admission.Update: true, admission.Delete: true, admission.Connect: false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Handles (-want +got):\n%s", diff)
	}
}
