package namespace

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

func TestRemainingOf(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *meta.Time { tm := meta.NewTime(now.Add(d)); return &tm }
	pod := func(name string, deleting *meta.Time, finalizers ...string) meta.Object {
		return &core.Pod{ObjectMeta: meta.ObjectMeta{Name: name, DeletionTimestamp: deleting, Finalizers: finalizers}}
	}
	pods, err := api.Builtin().ResourceFor("", "pods")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		items   []meta.Object
		want    kindResult
		wantErr string
	}{{
		name: "nothing left",
	}, {
		name:  "graceful deletions: the longest grace left, rounded up",
		items: []meta.Object{pod("a", at(10*time.Second)), pod("b", at(29500*time.Millisecond)), pod("c", at(-time.Second), "example.com/x")},
		want:  kindResult{estimate: 30, remaining: 3, finalizers: map[string]int{"example.com/x": 1}},
	}, {
		name:  "finalizers only",
		items: []meta.Object{pod("a", at(0), "example.com/x", "example.com/y"), pod("b", at(0), "example.com/x")},
		want:  kindResult{estimate: finalizerEstimateSeconds, remaining: 2, finalizers: map[string]int{"example.com/x": 2, "example.com/y": 1}},
	}, {
		name:    "grace period over, no finalizers: should be gone",
		items:   []meta.Object{pod("a", at(-time.Second))},
		want:    kindResult{remaining: 1, finalizers: map[string]int{}},
		wantErr: "unexpected items still remain in namespace: ns for gvr: v1, Resource=pods",
	}, {
		name:    "not even being deleted",
		items:   []meta.Object{pod("a", nil)},
		want:    kindResult{remaining: 1, finalizers: map[string]int{}},
		wantErr: "unexpected items still remain in namespace: ns for gvr: v1, Resource=pods",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := remainingOf(tt.items, "ns", pods, now)
			if gotErr := errString(err); gotErr != tt.wantErr {
				t.Errorf("error = %q, want %q", gotErr, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(kindResult{})); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestDeletable(t *testing.T) {
	reg := api.Builtin()
	got := map[string]bool{}
	for _, k := range reg.Kinds() {
		got[k.GroupResource().String()] = deletable(k)
	}
	want := map[string]bool{
		"pods": true, "configmaps": true, "secrets": true, "serviceaccounts": true, "events": true,
		"deployments.apps": true, "replicasets.apps": true,
		"roles.rbac.authorization.k8s.io": true, "rolebindings.rbac.authorization.k8s.io": true,
		"namespaces": false, "nodes": false, "clusterroles.rbac.authorization.k8s.io": false,
		"localsubjectaccessreviews.authorization.k8s.io": false, "tokenreviews.authentication.k8s.io": false,
	}
	for r, w := range want {
		if g, ok := got[r]; !ok || g != w {
			t.Errorf("deletable(%s) = %v (registered: %v), want %v", r, g, ok, w)
		}
	}

	custom := []struct {
		verbs []string
		want  bool
	}{
		{[]string{"create", "get", "list"}, false},
		{[]string{"delete", "list"}, true},
		{[]string{"delete", "deletecollection"}, true},
		{[]string{"delete", "get"}, false},
	}
	for _, c := range custom {
		k := &api.Kind{Namespaced: true, Verbs: c.verbs}
		if g := deletable(k); g != c.want {
			t.Errorf("deletable with verbs %v = %v, want %v", c.verbs, g, c.want)
		}
	}
}

func TestRequeueAfter(t *testing.T) {
	for estimate, want := range map[int64]time.Duration{1: time.Second, 15: 8 * time.Second, 30: 16 * time.Second} {
		if got := requeueAfter(estimate); got != want {
			t.Errorf("requeueAfter(%d) = %v, want %v", estimate, got, want)
		}
	}
}
