package serviceaccount_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/plugins/pluginstest"
	"github.com/skiff-io/skiff/admission/serviceaccount"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

func ptr[T any](v T) *T { return &v }

func account(name string, f func(*core.ServiceAccount)) *core.ServiceAccount {
	sa := &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: name}}
	if f != nil {
		f(sa)
	}
	return sa
}

func testStore(t *testing.T) store.Store {
	st := pluginstest.Store(t)
	pluginstest.Put(t, st, account("default", nil))
	pluginstest.Put(t, st, account("quiet", func(sa *core.ServiceAccount) { sa.AutomountServiceAccountToken = ptr(false) }))
	pluginstest.Put(t, st, account("puller", func(sa *core.ServiceAccount) {
		sa.ImagePullSecrets = []core.LocalObjectReference{{Name: "registry"}}
	}))
	pluginstest.Put(t, st, account("strict", func(sa *core.ServiceAccount) {
		sa.Annotations = map[string]string{serviceaccount.EnforceMountableSecretsAnnotation: "true"}
		sa.Secrets = []core.ObjectReference{{Name: "allowed"}}
	}))
	return st
}

func newPlugin(st store.Reader) *serviceaccount.Plugin {
	return serviceaccount.New(st, serviceaccount.Options{NameSuffix: func() string { return "x7k2q" }})
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

// tokenMount is the mount Kubernetes adds to every container.
var tokenMount = core.VolumeMount{Name: "kube-api-access-x7k2q", ReadOnly: true, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}

func TestAdmitMountsTheToken(t *testing.T) {
	pod := pluginstest.MakePod("ns", "web").InitContainer("setup").Container("app").Container("sidecar").Obj()
	if err := newPlugin(testStore(t)).Admit(context.Background(), pluginstest.Create(pod)); err != nil {
		t.Fatal(err)
	}
	want := core.PodSpec{
		ServiceAccountName:       "default",
		DeprecatedServiceAccount: "default",
		InitContainers:           []core.Container{{Name: "setup", Image: "registry.example/setup:1", VolumeMounts: []core.VolumeMount{tokenMount}}},
		Containers: []core.Container{
			{Name: "app", Image: "registry.example/app:1", VolumeMounts: []core.VolumeMount{tokenMount}},
			{Name: "sidecar", Image: "registry.example/sidecar:1", VolumeMounts: []core.VolumeMount{tokenMount}},
		},
		Volumes: []core.Volume{{Name: "kube-api-access-x7k2q", VolumeSource: core.VolumeSource{Projected: &core.ProjectedVolumeSource{
			DefaultMode: ptr[int32](420),
			Sources: []core.VolumeProjection{
				{ServiceAccountToken: &core.ServiceAccountTokenProjection{ExpirationSeconds: ptr[int64](3607), Path: "token"}},
				{ConfigMap: &core.ConfigMapProjection{
					LocalObjectReference: core.LocalObjectReference{Name: "kube-root-ca.crt"},
					Items:                []core.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}},
				}},
				{DownwardAPI: &core.DownwardAPIProjection{Items: []core.DownwardAPIVolumeFile{{
					Path: "namespace", FieldRef: &core.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"},
				}}}},
			},
		}}}},
	}
	if diff := cmp.Diff(want, pod.Spec); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
}

func TestAdmit(t *testing.T) {
	tests := []struct {
		name string
		pod  *core.Pod
		// want checks the parts of the admitted spec the case is about.
		want    func(*core.PodSpec) any
		wantVal any
		wantErr string
	}{
		{
			name:    "deprecated field names the account",
			pod:     pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) { s.DeprecatedServiceAccount = "puller" }).Obj(),
			want:    func(s *core.PodSpec) any { return []string{s.ServiceAccountName, s.DeprecatedServiceAccount} },
			wantVal: []string{"puller", "puller"},
		},
		{
			name: "new field wins over the deprecated one",
			pod: pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) {
				s.ServiceAccountName, s.DeprecatedServiceAccount = "puller", "quiet"
			}).Obj(),
			want:    func(s *core.PodSpec) any { return []string{s.ServiceAccountName, s.DeprecatedServiceAccount} },
			wantVal: []string{"puller", "puller"},
		},
		{
			name:    "missing account",
			pod:     pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) { s.ServiceAccountName = "builder" }).Obj(),
			wantErr: `pods "web" is forbidden: error looking up service account ns/builder: serviceaccount "builder" not found`,
		},
		{
			name:    "account opts out of the token",
			pod:     pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) { s.ServiceAccountName = "quiet" }).Obj(),
			want:    func(s *core.PodSpec) any { return len(s.Volumes) + len(s.Containers[0].VolumeMounts) },
			wantVal: 0,
		},
		{
			name: "pod opts back in over the account",
			pod: pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) {
				s.ServiceAccountName, s.AutomountServiceAccountToken = "quiet", ptr(true)
			}).Obj(),
			want:    func(s *core.PodSpec) any { return s.Containers[0].VolumeMounts },
			wantVal: []core.VolumeMount{tokenMount},
		},
		{
			name:    "pod opts out",
			pod:     pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) { s.AutomountServiceAccountToken = ptr(false) }).Obj(),
			want:    func(s *core.PodSpec) any { return len(s.Volumes) + len(s.Containers[0].VolumeMounts) },
			wantVal: 0,
		},
		{
			name: "a container with its own mount at the path keeps it, and an existing token volume is reused",
			pod: pluginstest.MakePod("ns", "web").Container("own").Container("plain").Spec(func(s *core.PodSpec) {
				s.Volumes = []core.Volume{{Name: "kube-api-access-old42", VolumeSource: core.VolumeSource{EmptyDir: &core.EmptyDirVolumeSource{}}}}
				s.Containers[0].VolumeMounts = []core.VolumeMount{{Name: "mine", MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}}
			}).Obj(),
			want: func(s *core.PodSpec) any {
				return []any{len(s.Volumes), s.Containers[0].VolumeMounts, s.Containers[1].VolumeMounts}
			},
			wantVal: []any{1,
				[]core.VolumeMount{{Name: "mine", MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}},
				[]core.VolumeMount{{Name: "kube-api-access-old42", ReadOnly: true, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}}},
		},
		{
			name:    "pull secrets are copied",
			pod:     pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) { s.ServiceAccountName = "puller" }).Obj(),
			want:    func(s *core.PodSpec) any { return s.ImagePullSecrets },
			wantVal: []core.LocalObjectReference{{Name: "registry"}},
		},
		{
			name: "own pull secrets are kept",
			pod: pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) {
				s.ServiceAccountName, s.ImagePullSecrets = "puller", []core.LocalObjectReference{{Name: "mine"}}
			}).Obj(),
			want:    func(s *core.PodSpec) any { return s.ImagePullSecrets },
			wantVal: []core.LocalObjectReference{{Name: "mine"}},
		},
		{
			name: "enforced account refuses other secret volumes",
			pod: pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) {
				s.ServiceAccountName = "strict"
				s.Volumes = []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "other"}}}}
			}).Obj(),
			wantErr: `pods "web" is forbidden: volume with secret.secretName="other" is not allowed because service account strict does not reference that secret`,
		},
		{
			name: "enforced account refuses other secret env vars",
			pod: pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) {
				s.ServiceAccountName = "strict"
				s.Containers[0].Env = []core.EnvVar{{Name: "TOKEN", ValueFrom: &core.EnvVarSource{SecretKeyRef: &core.SecretKeySelector{
					LocalObjectReference: core.LocalObjectReference{Name: "other"}, Key: "t"}}}}
			}).Obj(),
			wantErr: `pods "web" is forbidden: container c with envVar TOKEN referencing secret.secretName="other" is not allowed because service account strict does not reference that secret`,
		},
		{
			name: "enforced account allows its secrets",
			pod: pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) {
				s.ServiceAccountName = "strict"
				s.Volumes = []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "allowed"}}}}
			}).Obj(),
			want:    func(s *core.PodSpec) any { return len(s.Volumes) },
			wantVal: 2,
		},
		{
			name:    "mirror pod with a service account",
			pod:     mirror(pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) { s.ServiceAccountName = "default" }).Obj()),
			wantErr: `pods "web" is forbidden: a mirror pod may not reference service accounts`,
		},
		{
			name: "mirror pod with a secret",
			pod: mirror(pluginstest.MakePod("ns", "web").Container("c").Spec(func(s *core.PodSpec) {
				s.Volumes = []core.Volume{{Name: "s", VolumeSource: core.VolumeSource{Secret: &core.SecretVolumeSource{SecretName: "x"}}}}
			}).Obj()),
			wantErr: `pods "web" is forbidden: a mirror pod may not reference secrets`,
		},
		{
			name:    "mirror pod is left alone",
			pod:     mirror(pluginstest.MakePod("ns", "web").Container("c").Obj()),
			want:    func(s *core.PodSpec) any { return []any{s.ServiceAccountName, len(s.Volumes)} },
			wantVal: []any{"", 0},
		},
	}
	p := newPlugin(testStore(t))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Admit(context.Background(), pluginstest.Create(tc.pod))
			if diff := cmp.Diff(tc.wantErr, message(err)); diff != "" {
				t.Fatalf("Admit error (-want +got):\n%s", diff)
			}
			if tc.want != nil {
				if diff := cmp.Diff(tc.wantVal, tc.want(&tc.pod.Spec)); diff != "" {
					t.Errorf("spec (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func mirror(p *core.Pod) *core.Pod {
	p.Annotations = map[string]string{core.MirrorPodAnnotationKey: "hash"}
	return p
}

// admitStepping runs Admit while stepping the fake clock each time the plugin waits, calling
// onWait before each step, and returns Admit's error and how many times it waited.
func admitStepping(t *testing.T, p *serviceaccount.Plugin, clk *clocktesting.FakeClock, a *admission.Attributes, onWait func(n int)) (error, int) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.Admit(context.Background(), a) }()
	waits := 0
	for {
		select {
		case err := <-done:
			return err, waits
		default:
		}
		if !clk.HasWaiters() {
			runtime.Gosched()
			continue
		}
		waits++
		onWait(waits)
		clk.Step(time.Second)
	}
}

func TestWaitsForTheDefaultAccount(t *testing.T) {
	st := pluginstest.Store(t)
	clk := clocktesting.NewFakeClock(time.Unix(0, 0))
	p := serviceaccount.New(st, serviceaccount.Options{Clock: clk})

	// The account appears while the plugin waits: the pod is admitted.
	pod := pluginstest.MakePod("ns", "web").Container("c").Obj()
	err, waits := admitStepping(t, p, clk, pluginstest.Create(pod), func(n int) {
		if n == 3 {
			pluginstest.Put(t, st, account("default", nil))
		}
	})
	if err != nil || waits != 3 {
		t.Errorf("admitted after the account appeared: err %v after %d waits, want nil after 3", err, waits)
	}

	// It never appears: ten looks, nine waits, then the pod is refused.
	lonely := pluginstest.MakePod("empty", "web").Container("c").Obj()
	err, waits = admitStepping(t, p, clk, pluginstest.Create(lonely), func(int) {})
	want := `pods "web" is forbidden: error looking up service account empty/default: serviceaccount "default" not found`
	if message(err) != want || waits != 9 {
		t.Errorf("got %q after %d waits, want %q after 9", message(err), waits, want)
	}
}

func TestScope(t *testing.T) {
	p := newPlugin(testStore(t))
	if p.Handles(admission.Update) || !p.Handles(admission.Create) {
		t.Error("handles creates only")
	}
	pod := pluginstest.MakePod("ns", "web").Container("c").Obj()
	a := pluginstest.Create(pod)
	a.Subresource = "binding"
	if err := p.Admit(context.Background(), a); err != nil || pod.Spec.ServiceAccountName != "" {
		t.Errorf("a subresource was admitted as a pod: %v %q", err, pod.Spec.ServiceAccountName)
	}
}
