package plugins_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/plugins"
	"github.com/skiff-io/skiff/admission/plugins/pluginstest"
	"github.com/skiff-io/skiff/admission/podsecurity"
	"github.com/skiff-io/skiff/admission/resourcequota"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

// named is a stand-in for a plugin written elsewhere.
type named string

func (n named) Name() string                     { return string(n) }
func (n named) Handles(admission.Operation) bool { return true }

func fake(name string) plugins.Factory {
	return func(plugins.Deps) (admission.Plugin, error) { return named(name), nil }
}

func names(c admission.Chain) []string {
	out := make([]string, len(c))
	for i, p := range c {
		out[i] = p.Name()
	}
	return out
}

func TestDefaultChain(t *testing.T) {
	chain, err := plugins.New().Build(nil, nil, plugins.Deps{Store: pluginstest.Store(t)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "PodSecurity", "DefaultTolerationSeconds", "ResourceQuota"}
	if diff := cmp.Diff(want, names(chain)); diff != "" {
		t.Errorf("default chain (-want +got):\n%s", diff)
	}
}

func TestRegisterPlacesPluginsAsKubernetesDoes(t *testing.T) {
	r := plugins.New()
	for _, name := range []string{"ValidatingAdmissionWebhook", "RBACEscalation", "NodeRestriction", "MutatingAdmissionWebhook", "Initializers"} {
		if err := r.Register(name, fake(name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Register("LimitRanger", fake("LimitRanger")); !errors.Is(err, plugins.ErrDuplicate) {
		t.Errorf("registering LimitRanger twice: %v, want ErrDuplicate", err)
	}
	wantAll := []string{"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "NodeRestriction", "PodSecurity", "DefaultTolerationSeconds",
		"RBACEscalation", "MutatingAdmissionWebhook", "Initializers", "ValidatingAdmissionWebhook", "ResourceQuota"}
	if diff := cmp.Diff(wantAll, r.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	got, err := r.Enabled(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantOn := []string{"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "PodSecurity", "DefaultTolerationSeconds",
		"MutatingAdmissionWebhook", "ValidatingAdmissionWebhook", "ResourceQuota"}
	if diff := cmp.Diff(wantOn, got); diff != "" {
		t.Errorf("enabled by default (-want +got):\n%s", diff)
	}
	if err := r.SetEnabledByDefault("RBACEscalation", true); err != nil {
		t.Fatal(err)
	}
	chain, err := r.Build(nil, nil, plugins.Deps{Store: pluginstest.Store(t)})
	if err != nil {
		t.Fatal(err)
	}
	wantChain := []string{"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "PodSecurity", "DefaultTolerationSeconds",
		"RBACEscalation", "MutatingAdmissionWebhook", "ValidatingAdmissionWebhook", "ResourceQuota"}
	if diff := cmp.Diff(wantChain, names(chain)); diff != "" {
		t.Errorf("chain (-want +got):\n%s", diff)
	}
}

func TestEnabled(t *testing.T) {
	r := plugins.New()
	if err := r.Register("NodeRestriction", fake("NodeRestriction")); err != nil {
		t.Fatal(err)
	}
	known := "DefaultTolerationSeconds, LimitRanger, NamespaceLifecycle, NodeRestriction, PodSecurity, ResourceQuota, ServiceAccount"
	tests := []struct {
		name             string
		enable, disable  []string
		want             []string
		wantErr          string
		wantUnknownNames []string
	}{
		{
			name:   "enable adds to the defaults, in chain order whatever the flag order",
			enable: []string{"ResourceQuota", "NodeRestriction"},
			want:   []string{"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "NodeRestriction", "PodSecurity", "DefaultTolerationSeconds", "ResourceQuota"},
		},
		{
			name:    "disable removes",
			disable: []string{"ResourceQuota", "PodSecurity"},
			want:    []string{"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "DefaultTolerationSeconds"},
		},
		{
			name:             "unknown names, all reported",
			enable:           []string{"AlwaysPullImages"},
			disable:          []string{"PodSecurityPolicy"},
			wantErr:          `enable-admission-plugins plugin "AlwaysPullImages" is unknown (known plugins: ` + known + ")\n" + `disable-admission-plugins plugin "PodSecurityPolicy" is unknown (known plugins: ` + known + ")",
			wantUnknownNames: []string{"AlwaysPullImages", "PodSecurityPolicy"},
		},
		{
			name:    "both enabled and disabled",
			enable:  []string{"LimitRanger", "NodeRestriction"},
			disable: []string{"NodeRestriction", "LimitRanger"},
			wantErr: "[LimitRanger NodeRestriction] in enable-admission-plugins and disable-admission-plugins overlapped",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Enabled(tc.enable, tc.disable)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, gotErr); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("enabled (-want +got):\n%s", diff)
			}
			var unknown []string
			for _, e := range unwrapAll(err) {
				var u *plugins.UnknownPluginError
				if errors.As(e, &u) {
					unknown = append(unknown, u.Name)
				}
			}
			if diff := cmp.Diff(tc.wantUnknownNames, unknown); diff != "" {
				t.Errorf("UnknownPluginErrors (-want +got):\n%s", diff)
			}
		})
	}
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func TestBuildNeedsAStore(t *testing.T) {
	if _, err := plugins.New().Build(nil, nil, plugins.Deps{}); err == nil {
		t.Error("Build without a store succeeded")
	}
}

// cluster is a namespace set up as a real one would be: a default service account, a LimitRange
// with defaults, an initialized quota, and a PodSecurity policy that enforces baseline and warns
// at restricted.
func cluster(t testing.TB, pods string) (store.Store, admission.Chain, *warnings) {
	st := pluginstest.Store(t)
	ctx := context.Background()
	pluginstest.Put(t, st, pluginstest.Namespace("team", map[string]string{
		podsecurity.EnforceLevelLabel: "baseline", podsecurity.WarnLevelLabel: "restricted",
	}))
	pluginstest.Put(t, st, &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "team", Name: "default"}})
	lr := &core.LimitRange{ObjectMeta: meta.ObjectMeta{Namespace: "team", Name: "defaults"}, Spec: core.LimitRangeSpec{Limits: []core.LimitRangeItem{{
		Type: core.LimitTypeContainer, Max: pluginstest.List("cpu", "2", "memory", "2Gi"),
		DefaultRequest: pluginstest.List("cpu", "100m", "memory", "128Mi"),
	}}}}
	core.DefaultLimitRange(lr)
	pluginstest.Put(t, st, lr)
	pluginstest.Put(t, st, &core.ResourceQuota{ObjectMeta: meta.ObjectMeta{Namespace: "team", Name: "compute"}, Spec: core.ResourceQuotaSpec{
		Hard: pluginstest.List("pods", pods, "requests.cpu", "1000000", "limits.memory", "1000000Gi"),
	}})
	if err := resourcequota.Recalculate(ctx, st, "team", resourcequota.Options{}); err != nil {
		t.Fatal(err)
	}
	w := &warnings{}
	chain, err := plugins.New().Build(nil, nil, plugins.Deps{Store: st, Warnings: w.add})
	if err != nil {
		t.Fatal(err)
	}
	return st, chain, w
}

type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) add(_ context.Context, s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, s)
}

// admit runs the chain as the API server does: defaulting, mutating admission, validation,
// validating admission.
func admit(ctx context.Context, chain admission.Chain, pod *core.Pod, dryRun bool) error {
	core.DefaultPod(pod)
	a := pluginstest.Create(pod)
	a.DryRun = dryRun
	if err := chain.Admit(ctx, a); err != nil {
		return err
	}
	if errs := core.ValidatePod(pod); len(errs) > 0 {
		return errs.ToAggregate()
	}
	return chain.Validate(ctx, a)
}

func TestChainAdmitsAPod(t *testing.T) {
	st, chain, w := cluster(t, "1")
	ctx := context.Background()
	pod := pluginstest.MakePod("team", "web").Container("app").Obj()
	if err := admit(ctx, chain, pod, false); err != nil {
		t.Fatal(err)
	}
	c := pod.Spec.Containers[0]
	type summary struct {
		ServiceAccount string
		Mounts         int
		TokenVolume    bool
		Requests       core.ResourceList
		Limits         core.ResourceList
		Tolerations    int
		Warnings       int
		Used           core.ResourceList
	}
	q, err := store.GetAs[*core.ResourceQuota](ctx, st, store.Key("resourcequotas", "team", "compute"))
	if err != nil {
		t.Fatal(err)
	}
	got := summary{
		ServiceAccount: pod.Spec.ServiceAccountName, Mounts: len(c.VolumeMounts),
		TokenVolume: len(pod.Spec.Volumes) == 1 && pod.Spec.Volumes[0].Projected != nil,
		Requests:    c.Resources.Requests, Limits: c.Resources.Limits, Tolerations: len(pod.Spec.Tolerations),
		Warnings: len(w.list), Used: q.Status.Used,
	}
	want := summary{
		ServiceAccount: "default", Mounts: 1, TokenVolume: true,
		Requests:    pluginstest.List("cpu", "100m", "memory", "128Mi"),
		Limits:      pluginstest.List("cpu", "2", "memory", "2Gi"),
		Tolerations: 2, Warnings: 1,
		Used: pluginstest.List("pods", "1", "requests.cpu", "100m", "limits.memory", "2Gi"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("admitted pod (-want +got):\n%s", diff)
	}

	// The quota is full, and PodSecurity and LimitRanger still refuse what they refuse.
	tests := []struct {
		name string
		pod  *core.Pod
		want string
	}{
		{"quota", pluginstest.MakePod("team", "second").Container("app").Obj(),
			`pods "second" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=1, limited: pods=1`},
		{"pod security", pluginstest.MakePod("team", "host").Container("app").Spec(func(s *core.PodSpec) { s.HostPID = true }).Obj(),
			`pods "host" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)`},
		{"limit range", pluginstest.MakePod("team", "big").Container("app").Limits("cpu", "4").Obj(),
			`pods "big" is forbidden: maximum cpu usage per Container is 2, but limit is 4`},
		{"namespace", pluginstest.MakePod("gone", "web").Container("app").Obj(), `namespaces "gone" not found`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := admit(ctx, chain, tc.pod, false)
			var st *meta.Status
			if !errors.As(err, &st) {
				t.Fatalf("got %v, want a Status", err)
			}
			if diff := cmp.Diff(tc.want, st.Message); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkChainAdmitPod measures the default chain admitting a two-container pod into a namespace
// with a service account, a LimitRange, a quota and a PodSecurity policy: the mutating and the
// validating phase, without the server's defaulting and validation around them. With dryRun=false
// each pod is charged to the quota in the store.
func BenchmarkChainAdmitPod(b *testing.B) {
	for _, dry := range []bool{false, true} {
		b.Run(fmt.Sprintf("dryRun=%v", dry), func(b *testing.B) {
			_, chain, _ := cluster(b, "1000000000")
			ctx := context.Background()
			template := pluginstest.MakePod("team", "web").Container("app").Container("sidecar").Obj()
			core.DefaultPod(template)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				pod := template.DeepCopy()
				pod.Name = fmt.Sprint("web-", i)
				a := pluginstest.Create(pod)
				a.DryRun = dry
				if err := chain.Admit(ctx, a); err != nil {
					b.Fatal(err)
				}
				if err := chain.Validate(ctx, a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
