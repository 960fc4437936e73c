package defaulttolerationseconds_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/defaulttolerationseconds"
	"github.com/skiff-io/skiff/admission/plugins/pluginstest"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

func seconds(n int64) *int64 { return &n }

var (
	notReady300    = core.Toleration{Key: "node.kubernetes.io/not-ready", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: seconds(300)}
	unreachable300 = core.Toleration{Key: "node.kubernetes.io/unreachable", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: seconds(300)}
)

func TestAdmit(t *testing.T) {
	tests := []struct {
		name string
		have []core.Toleration
		want []core.Toleration
	}{
		{name: "none", want: []core.Toleration{notReady300, unreachable300}},
		{name: "unrelated toleration kept first",
			have: []core.Toleration{{Key: "gpu", Operator: "Exists", Effect: "NoSchedule"}},
			want: []core.Toleration{{Key: "gpu", Operator: "Exists", Effect: "NoSchedule"}, notReady300, unreachable300}},
		{name: "own not-ready toleration wins",
			have: []core.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: seconds(10)}},
			want: []core.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: seconds(10)}, unreachable300}},
		{name: "unreachable with any effect counts",
			have: []core.Toleration{{Key: "node.kubernetes.io/unreachable", Operator: "Exists"}},
			want: []core.Toleration{{Key: "node.kubernetes.io/unreachable", Operator: "Exists"}, notReady300}},
		{name: "NoSchedule only does not count",
			have: []core.Toleration{{Key: "node.kubernetes.io/unreachable", Operator: "Exists", Effect: "NoSchedule"}},
			want: []core.Toleration{{Key: "node.kubernetes.io/unreachable", Operator: "Exists", Effect: "NoSchedule"}, notReady300, unreachable300}},
		{name: "tolerate everything",
			have: []core.Toleration{{Operator: "Exists"}},
			want: []core.Toleration{{Operator: "Exists"}}},
		{name: "empty key with NoExecute covers both",
			have: []core.Toleration{{Operator: "Exists", Effect: "NoExecute"}},
			want: []core.Toleration{{Operator: "Exists", Effect: "NoExecute"}}},
	}
	p := defaulttolerationseconds.New(defaulttolerationseconds.Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pod := pluginstest.MakePod("ns", "p").Container("c").Spec(func(s *core.PodSpec) { s.Tolerations = tc.have }).Obj()
			if err := p.Admit(context.Background(), pluginstest.Create(pod)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, pod.Spec.Tolerations); diff != "" {
				t.Errorf("tolerations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOptionsAndScope(t *testing.T) {
	p := defaulttolerationseconds.New(defaulttolerationseconds.Options{NotReadySeconds: seconds(60), UnreachableSeconds: seconds(120)})
	ctx := context.Background()
	pod := pluginstest.MakePod("ns", "p").Container("c").Obj()
	if err := p.Admit(ctx, pluginstest.Create(pod)); err != nil {
		t.Fatal(err)
	}
	want := []core.Toleration{
		{Key: "node.kubernetes.io/not-ready", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: seconds(60)},
		{Key: "node.kubernetes.io/unreachable", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: seconds(120)},
	}
	if diff := cmp.Diff(want, pod.Spec.Tolerations); diff != "" {
		t.Errorf("configured seconds (-want +got):\n%s", diff)
	}

	// Subresources and other resources are left alone.
	bound := pluginstest.MakePod("ns", "p").Container("c").Obj()
	a := pluginstest.Create(bound)
	a.Subresource = "binding"
	if err := p.Admit(ctx, a); err != nil || len(bound.Spec.Tolerations) != 0 {
		t.Errorf("a subresource got tolerations: %v %v", err, bound.Spec.Tolerations)
	}
	if err := p.Admit(ctx, pluginstest.Create(&core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "c"}})); err != nil {
		t.Errorf("a config map: %v", err)
	}
	if p.Handles(admission.Delete) || !p.Handles(admission.Update) {
		t.Error("handles creates and updates only")
	}
}
