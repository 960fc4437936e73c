package limitranger_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/limitranger"
	"github.com/skiff-io/skiff/admission/plugins/pluginstest"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

var list = pluginstest.List

func limitRange(name string, items ...core.LimitRangeItem) *core.LimitRange {
	lr := &core.LimitRange{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: name}, Spec: core.LimitRangeSpec{Limits: items}}
	core.DefaultLimitRange(lr) // as the API server stores it
	return lr
}

func storeWith(t *testing.T, ranges ...*core.LimitRange) store.Store {
	st := pluginstest.Store(t)
	for _, lr := range ranges {
		pluginstest.Put(t, st, lr)
	}
	return st
}

func message(err error) string {
	var st *meta.Status
	switch {
	case err == nil:
		return ""
	case errors.As(err, &st):
		return st.Message
	default:
		return "not a Status: " + err.Error()
	}
}

func TestAdmitSetsDefaults(t *testing.T) {
	st := storeWith(t, limitRange("defaults", core.LimitRangeItem{
		Type:           core.LimitTypeContainer,
		Default:        list("cpu", "500m", "memory", "256Mi"),
		DefaultRequest: list("cpu", "100m"),
	}))
	pod := pluginstest.MakePod("ns", "web").
		Container("bare").
		Container("capped").Limits("cpu", "1").
		InitContainer("setup").Requests("cpu", "50m", "memory", "10Mi").
		Obj()
	if err := limitranger.New(st).Admit(context.Background(), pluginstest.Create(pod)); err != nil {
		t.Fatal(err)
	}
	type res struct{ Requests, Limits core.ResourceList }
	got := map[string]res{}
	for _, c := range append(pod.Spec.Containers, pod.Spec.InitContainers...) {
		got[c.Name] = res{c.Resources.Requests, c.Resources.Limits}
	}
	want := map[string]res{
		// The stored LimitRange's default request for memory is its default limit.
		"bare":   {list("cpu", "100m", "memory", "256Mi"), list("cpu", "500m", "memory", "256Mi")},
		"capped": {list("cpu", "100m", "memory", "256Mi"), list("cpu", "1", "memory", "256Mi")},
		"setup":  {list("cpu", "50m", "memory", "10Mi"), list("cpu", "500m", "memory", "256Mi")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	wantNote := "LimitRanger plugin set: cpu, memory request for container bare; cpu, memory limit for container bare; " +
		"cpu, memory request for container capped; memory limit for container capped; cpu, memory limit for init container setup"
	if diff := cmp.Diff(wantNote, pod.Annotations[limitranger.AnnotationKey]); diff != "" {
		t.Errorf("annotation (-want +got):\n%s", diff)
	}
}

func TestAdmitWithoutDefaultsChangesNothing(t *testing.T) {
	st := storeWith(t, limitRange("bounds", core.LimitRangeItem{Type: core.LimitTypePod, Max: list("cpu", "4")}))
	pod := pluginstest.MakePod("ns", "web").Container("app").Obj()
	want := pod.DeepCopy()
	if err := limitranger.New(st).Admit(context.Background(), pluginstest.Create(pod)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, pod); diff != "" {
		t.Errorf("pod changed (-want +got):\n%s", diff)
	}
}

func TestValidate(t *testing.T) {
	container := func(items ...core.LimitRangeItem) []core.LimitRangeItem { return items }
	tests := []struct {
		name  string
		items []core.LimitRangeItem
		pod   *core.Pod
		want  string
	}{
		{
			name:  "within bounds",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer, Max: list("cpu", "1"), Min: list("cpu", "100m")}),
			pod:   pluginstest.MakePod("ns", "web").Container("c").Requests("cpu", "200m").Limits("cpu", "1").Obj(),
		},
		{
			name:  "limit above the container max",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer, Max: list("cpu", "1")}),
			pod:   pluginstest.MakePod("ns", "web").Container("c").Requests("cpu", "1").Limits("cpu", "2").Obj(),
			want:  `pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 2`,
		},
		{
			name:  "request above the container max",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer, Max: list("cpu", "1")}),
			pod:   pluginstest.MakePod("ns", "web").Container("c").Requests("cpu", "1500m").Limits("cpu", "1").Obj(),
			want:  `pods "web" is forbidden: maximum cpu usage per Container is 1, but request is 1500m`,
		},
		{
			name:  "no limit under a max",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer, Max: list("memory", "1Gi"), Default: core.ResourceList{}}),
			pod:   pluginstest.MakePod("ns", "web").Container("c").Obj(),
			want:  `pods "web" is forbidden: maximum memory usage per Container is 1Gi.  No limit is specified`,
		},
		{
			name:  "no request under a min",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer, Min: list("memory", "64Mi"), DefaultRequest: core.ResourceList{}}),
			pod:   pluginstest.MakePod("ns", "web").Container("c").Obj(),
			want:  `pods "web" is forbidden: minimum memory usage per Container is 64Mi.  No request is specified`,
		},
		{
			name:  "request and limit below the min",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer, Min: list("memory", "64Mi")}),
			pod:   pluginstest.MakePod("ns", "web").Container("c").Requests("memory", "32Mi").Limits("memory", "32Mi").Obj(),
			want:  `pods "web" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi`,
		},
		{
			name:  "limit to request ratio",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer, MaxLimitRequestRatio: list("cpu", "2")}),
			pod:   pluginstest.MakePod("ns", "web").Container("c").Requests("cpu", "100m").Limits("cpu", "500m").Obj(),
			want:  `pods "web" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000`,
		},
		{
			name:  "ratio without a request",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer, MaxLimitRequestRatio: list("cpu", "2")}),
			pod:   pluginstest.MakePod("ns", "web").Container("c").Limits("cpu", "500m").Obj(),
			want:  `pods "web" is forbidden: cpu max limit to request ratio per Container is 2, but no request is specified or request is 0`,
		},
		{
			name:  "ratio exactly at the bound",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer, MaxLimitRequestRatio: list("memory", "2")}),
			pod:   pluginstest.MakePod("ns", "web").Container("c").Requests("memory", "1Gi").Limits("memory", "2Gi").Obj(),
		},
		{
			name: "several violations, in item and resource order",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer,
				Max: list("cpu", "1", "memory", "1Gi")}),
			pod: pluginstest.MakePod("ns", "web").Container("c").Requests("cpu", "1", "memory", "1Gi").Limits("cpu", "2", "memory", "2Gi").Obj(),
			want: `pods "web" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, ` +
				`maximum memory usage per Container is 1Gi, but limit is 2Gi]`,
		},
		{
			name:  "init containers are containers too",
			items: container(core.LimitRangeItem{Type: core.LimitTypeContainer, Max: list("cpu", "1")}),
			pod: pluginstest.MakePod("ns", "web").Container("c").Requests("cpu", "1").Limits("cpu", "1").
				InitContainer("i").Requests("cpu", "1").Limits("cpu", "3").Obj(),
			want: `pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 3`,
		},
		{
			name:  "pod total above the pod max",
			items: container(core.LimitRangeItem{Type: core.LimitTypePod, Max: list("memory", "1Gi")}),
			pod: pluginstest.MakePod("ns", "web").
				Container("a").Requests("memory", "600Mi").Limits("memory", "600Mi").
				Container("b").Requests("memory", "600Mi").Limits("memory", "600Mi").Obj(),
			want: `pods "web" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1200Mi`,
		},
		{
			name:  "an init container raises the pod total",
			items: container(core.LimitRangeItem{Type: core.LimitTypePod, Min: list("cpu", "2")}),
			pod: pluginstest.MakePod("ns", "web").
				Container("a").Requests("cpu", "1").
				InitContainer("i").Requests("cpu", "2").Obj(),
		},
		{
			name:  "a sidecar adds to the pod total",
			items: container(core.LimitRangeItem{Type: core.LimitTypePod, Max: list("cpu", "2")}),
			pod: pluginstest.MakePod("ns", "web").
				Container("a").Requests("cpu", "1500m").Limits("cpu", "1500m").
				InitContainer("proxy").Requests("cpu", "1").Limits("cpu", "1").
				Spec(func(s *core.PodSpec) {
					always := core.ContainerRestartPolicyAlways
					s.InitContainers[0].RestartPolicy = &always
				}).Obj(),
			want: `pods "web" is forbidden: maximum cpu usage per Pod is 2, but limit is 2500m`,
		},
		{
			name:  "pod-level resources replace the containers' sum",
			items: container(core.LimitRangeItem{Type: core.LimitTypePod, Max: list("cpu", "2")}),
			pod: pluginstest.MakePod("ns", "web").
				Container("a").Requests("cpu", "1500m").Limits("cpu", "1500m").
				Container("b").Requests("cpu", "1500m").Limits("cpu", "1500m").
				Spec(func(s *core.PodSpec) {
					s.Resources = &core.ResourceRequirements{Requests: list("cpu", "2"), Limits: list("cpu", "2")}
				}).Obj(),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lr := &core.LimitRange{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "lr"}, Spec: core.LimitRangeSpec{Limits: tc.items}}
			st := storeWith(t, lr)
			got := message(limitranger.New(st).Validate(context.Background(), pluginstest.Create(tc.pod)))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultsThenValidate(t *testing.T) {
	// The API server stores a LimitRange with its max as the default limit, so a bare container ends
	// up at the max and passes.
	st := storeWith(t, limitRange("lr", core.LimitRangeItem{Type: core.LimitTypeContainer, Max: list("cpu", "1"), Min: list("cpu", "100m")}))
	p := limitranger.New(st)
	ctx := context.Background()
	pod := pluginstest.MakePod("ns", "web").Container("c").Obj()
	a := pluginstest.Create(pod)
	if err := p.Admit(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(ctx, a); err != nil {
		t.Fatal(err)
	}
	want := core.ResourceRequirements{Requests: list("cpu", "1"), Limits: list("cpu", "1")}
	if diff := cmp.Diff(want, pod.Spec.Containers[0].Resources); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
}

func TestScope(t *testing.T) {
	st := storeWith(t, limitRange("lr", core.LimitRangeItem{Type: core.LimitTypeContainer, Max: list("cpu", "1"), Default: core.ResourceList{}}))
	p := limitranger.New(st)
	ctx := context.Background()
	big := pluginstest.MakePod("ns", "web").Container("c").Limits("cpu", "8").Obj()

	tests := []struct {
		name string
		a    *admission.Attributes
		want string
	}{
		{name: "plain update is not limited", a: pluginstest.Update(big, big)},
		{name: "status update is not limited", a: func() *admission.Attributes {
			a := pluginstest.Update(big, big)
			a.Subresource = "status"
			return a
		}()},
		{name: "resize is limited", a: func() *admission.Attributes {
			a := pluginstest.Update(big, big)
			a.Subresource = "resize"
			return a
		}(), want: `pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 8`},
		{name: "other namespaces are not limited", a: pluginstest.Create(pluginstest.MakePod("other", "web").Container("c").Limits("cpu", "8").Obj())},
		{name: "other kinds are not limited", a: pluginstest.Create(&core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "c"}})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(p.Validate(ctx, tc.a))); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}
