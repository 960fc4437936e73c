package podsecurity_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/plugins/pluginstest"
	"github.com/skiff-io/skiff/admission/podsecurity"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/warning"
)

// outcome is everything a request to the plugin produces.
type outcome struct {
	Err         string
	Warnings    []string
	Annotations map[string]string
}

// recorder collects warnings per request, as the API server's sink does.
type recorder struct {
	mu       sync.Mutex
	warnings []string
}

func (r *recorder) sink(_ context.Context, w string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warnings = append(r.warnings, w)
}

func run(p *podsecurity.Plugin, rec *recorder, a *admission.Attributes) outcome {
	rec.warnings = nil
	ev := &audit.Event{}
	err := p.Validate(audit.WithEvent(context.Background(), ev), a)
	o := outcome{Warnings: rec.warnings, Annotations: ev.Annotations}
	var st *meta.Status
	switch {
	case err == nil:
	case errors.As(err, &st):
		o.Err = fmt.Sprintf("%d %s", st.Code, st.Message)
	default:
		o.Err = "not a Status: " + err.Error()
	}
	return o
}

func namespaces(t *testing.T) store.Store {
	st := pluginstest.Store(t)
	pluginstest.Put(t, st, pluginstest.Namespace("open", nil))
	pluginstest.Put(t, st, pluginstest.Namespace("strict", map[string]string{podsecurity.EnforceLevelLabel: "restricted"}))
	pluginstest.Put(t, st, pluginstest.Namespace("pinned", map[string]string{podsecurity.EnforceLevelLabel: "restricted", podsecurity.EnforceVersionLabel: "v1.30"}))
	pluginstest.Put(t, st, pluginstest.Namespace("watched", map[string]string{
		podsecurity.EnforceLevelLabel: "baseline", podsecurity.WarnLevelLabel: "restricted", podsecurity.AuditLevelLabel: "restricted",
	}))
	pluginstest.Put(t, st, pluginstest.Namespace("typo", map[string]string{podsecurity.EnforceLevelLabel: "restriced"}))
	pluginstest.Put(t, st, pluginstest.Namespace("exempt", map[string]string{podsecurity.EnforceLevelLabel: "restricted"}))
	return st
}

func TestValidatePods(t *testing.T) {
	plain := func(ns string) *core.Pod { return pluginstest.MakePod(ns, "web").Container("c").Obj() }
	privileged := func(ns string) *core.Pod {
		p := restricted(nil)
		p.Namespace = ns
		p.Spec.Containers[0].SecurityContext.Privileged = ptr(true)
		return p
	}
	withUser := func(a *admission.Attributes, name string) *admission.Attributes {
		a.User = authn.User{Name: name}
		return a
	}
	sub := func(a *admission.Attributes, s string) *admission.Attributes {
		a.Subresource = s
		return a
	}
	relabelled := plain("strict")
	relabelled.Labels = map[string]string{"tier": "web"}
	newImage := plain("strict")
	newImage.Spec.Containers[0].Image = "app:2"
	debugged := restricted(nil)
	debugged.Namespace = "strict"
	debugging := debugged.DeepCopy()
	debugging.Spec.EphemeralContainers = []core.EphemeralContainer{{EphemeralContainerCommon: core.EphemeralContainerCommon{Name: "debug", Image: "busybox"}}}

	tests := []struct {
		name string
		a    *admission.Attributes
		want outcome
	}{
		{
			name: "unlabelled namespace",
			a:    pluginstest.Create(privileged("open")),
			want: outcome{Annotations: map[string]string{podsecurity.AnnotationEnforcePolicy: "privileged:latest"}},
		},
		{
			name: "enforced",
			a:    pluginstest.Create(plain("strict")),
			want: outcome{
				Err:         `403 pods "web" is forbidden: violates PodSecurity "restricted:latest": ` + plainRestricted,
				Annotations: map[string]string{podsecurity.AnnotationEnforcePolicy: "restricted:latest"},
			},
		},
		{
			name: "enforced and passing",
			a:    pluginstest.Create(func() *core.Pod { p := restricted(nil); p.Namespace = "strict"; return p }()),
			want: outcome{Annotations: map[string]string{podsecurity.AnnotationEnforcePolicy: "restricted:latest"}},
		},
		{
			name: "a pinned version is shown",
			a:    pluginstest.Create(plain("pinned")),
			want: outcome{
				Err:         `403 pods "web" is forbidden: violates PodSecurity "restricted:v1.30": ` + plainRestricted,
				Annotations: map[string]string{podsecurity.AnnotationEnforcePolicy: "restricted:v1.30"},
			},
		},
		{
			name: "warned and audited, not enforced",
			a:    pluginstest.Create(plain("watched")),
			want: outcome{
				Warnings: []string{`would violate PodSecurity "restricted:latest": ` + plainRestricted},
				Annotations: map[string]string{
					podsecurity.AnnotationEnforcePolicy:   "baseline:latest",
					podsecurity.AnnotationAuditViolations: `would violate PodSecurity "restricted:latest": ` + plainRestricted,
				},
			},
		},
		{
			name: "refused requests get no warnings",
			a:    pluginstest.Create(privileged("watched")),
			want: outcome{
				Err: `403 pods "web" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)`,
				Annotations: map[string]string{
					podsecurity.AnnotationEnforcePolicy:   "baseline:latest",
					podsecurity.AnnotationAuditViolations: `would violate PodSecurity "restricted:latest": privileged (container "c" must not set securityContext.privileged=true)`,
				},
			},
		},
		{
			name: "a bad level label fails closed",
			a:    pluginstest.Create(plain("typo")),
			want: outcome{
				Err: `403 pods "web" is forbidden: violates PodSecurity "restricted:latest": ` + plainRestricted,
				Annotations: map[string]string{
					podsecurity.AnnotationEnforcePolicy: "restricted:latest",
					podsecurity.AnnotationError:         `Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "restriced": must be one of privileged, baseline, restricted`,
				},
			},
		},
		{
			name: "exempt namespace",
			a:    pluginstest.Create(plain("exempt")),
			want: outcome{Annotations: map[string]string{podsecurity.AnnotationExempt: "namespace"}},
		},
		{
			name: "exempt user",
			a:    withUser(pluginstest.Create(plain("strict")), "system:serviceaccount:kube-system:replicaset-controller"),
			want: outcome{Annotations: map[string]string{podsecurity.AnnotationExempt: "user"}},
		},
		{
			name: "exempt runtime class",
			a: pluginstest.Create(func() *core.Pod {
				p := plain("strict")
				p.Spec.RuntimeClassName = ptr("kata")
				return p
			}()),
			want: outcome{Annotations: map[string]string{podsecurity.AnnotationExempt: "runtimeClass"}},
		},
		{
			name: "metadata updates are not evaluated",
			a:    pluginstest.Update(relabelled, plain("strict")),
		},
		{
			name: "image updates are",
			a:    pluginstest.Update(newImage, plain("strict")),
			want: outcome{
				Err:         `403 pods "web" is forbidden: violates PodSecurity "restricted:latest": ` + plainRestricted,
				Annotations: map[string]string{podsecurity.AnnotationEnforcePolicy: "restricted:latest"},
			},
		},
		{
			name: "adding an ephemeral container is",
			a:    sub(pluginstest.Update(debugging, debugged), "ephemeralcontainers"),
			want: outcome{
				Err: `403 pods "web" is forbidden: violates PodSecurity "restricted:latest": ` +
					`allowPrivilegeEscalation != false (container "debug" must set securityContext.allowPrivilegeEscalation=false), ` +
					`unrestricted capabilities (container "debug" must set securityContext.capabilities.drop=["ALL"])`,
				Annotations: map[string]string{podsecurity.AnnotationEnforcePolicy: "restricted:latest"},
			},
		},
		{
			name: "status updates are not",
			a:    sub(pluginstest.Update(newImage, plain("strict")), "status"),
		},
		{
			name: "missing namespace",
			a:    pluginstest.Create(plain("gone")),
			want: outcome{Err: `500 Internal error occurred: failed to lookup namespace gone`},
		},
	}
	rec := &recorder{}
	p := podsecurity.New(namespaces(t), podsecurity.Options{
		Warnings: rec.sink,
		Exemptions: podsecurity.Exemptions{
			Namespaces:     []string{"exempt"},
			Usernames:      []string{"system:serviceaccount:kube-system:replicaset-controller"},
			RuntimeClasses: []string{"kata"},
		},
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, run(p, rec, tc.a)); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultsOption(t *testing.T) {
	rec := &recorder{}
	p := podsecurity.New(namespaces(t), podsecurity.Options{Warnings: rec.sink, Defaults: podsecurity.Policy{
		Enforce: podsecurity.LevelVersion{Level: podsecurity.LevelBaseline, Version: "latest"},
		Audit:   podsecurity.LevelVersion{Level: podsecurity.LevelPrivileged, Version: "latest"},
		Warn:    podsecurity.LevelVersion{Level: podsecurity.LevelPrivileged, Version: "latest"},
	}})
	pod := restricted(nil)
	pod.Namespace = "open"
	pod.Spec.HostPID = true
	want := outcome{
		Err:         `403 pods "web" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)`,
		Annotations: map[string]string{podsecurity.AnnotationEnforcePolicy: "baseline:latest"},
	}
	if diff := cmp.Diff(want, run(p, rec, pluginstest.Create(pod))); diff != "" {
		t.Errorf("unlabelled namespace with baseline defaults (-want +got):\n%s", diff)
	}
}

func TestValidateNamespaces(t *testing.T) {
	st := pluginstest.Store(t)
	for i := range 3 {
		pluginstest.Put(t, st, pluginstest.MakePod("apps", fmt.Sprint("plain-", i)).Container("c").Obj())
	}
	priv := restricted(nil)
	priv.Namespace, priv.Name = "apps", "admin"
	priv.Spec.Containers[0].SecurityContext.Privileged = ptr(true)
	pluginstest.Put(t, st, priv)
	good := restricted(nil)
	good.Namespace, good.Name = "apps", "good"
	pluginstest.Put(t, st, good)

	ns := func(labels map[string]string) *core.Namespace { return pluginstest.Namespace("apps", labels) }
	restrictedNS := ns(map[string]string{podsecurity.EnforceLevelLabel: "restricted"})
	tests := []struct {
		name string
		a    *admission.Attributes
		want outcome
	}{
		{name: "create with good labels", a: pluginstest.Create(restrictedNS)},
		{
			name: "create with a bad label",
			a:    pluginstest.Create(ns(map[string]string{podsecurity.EnforceLevelLabel: "strict"})),
			want: outcome{Err: `422 Namespace "apps" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`},
		},
		{
			name: "tightening warns about existing pods",
			a:    pluginstest.Update(restrictedNS, ns(nil)),
			want: outcome{Warnings: []string{
				`existing pods in namespace "apps" violate the new PodSecurity enforce level "restricted:latest"`,
				`admin: privileged`,
				`plain-0 (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile`,
			}},
		},
		{
			name: "relaxing does not",
			a:    pluginstest.Update(ns(map[string]string{podsecurity.EnforceLevelLabel: "baseline"}), restrictedNS),
		},
		{
			name: "a label that was already bad may stay",
			a: pluginstest.Update(ns(map[string]string{podsecurity.EnforceLevelLabel: "strict", "team": "a"}),
				ns(map[string]string{podsecurity.EnforceLevelLabel: "strict"})),
		},
		{name: "other updates", a: pluginstest.Update(ns(map[string]string{"team": "a"}), ns(nil))},
	}
	rec := &recorder{}
	p := podsecurity.New(st, podsecurity.Options{Warnings: rec.sink, MaxPodsToCheck: 10})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, run(p, rec, tc.a)); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}

	// A namespace with more pods than MaxPodsToCheck says so.
	p = podsecurity.New(st, podsecurity.Options{Warnings: rec.sink, MaxPodsToCheck: 2})
	got := run(p, rec, pluginstest.Update(restrictedNS, ns(nil))).Warnings
	want := []string{
		"new PodSecurity enforce level only checked against the first 2 of 5 existing pods",
		`existing pods in namespace "apps" violate the new PodSecurity enforce level "restricted:latest"`,
		`admin: privileged`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("capped check (-want +got):\n%s", diff)
	}
}

// Without a sink of its own the plugin warns through warning.Add, which is how the API server
// gets PodSecurity's warnings into Warning headers.
func TestWarnsThroughTheRequestContext(t *testing.T) {
	p := podsecurity.New(namespaces(t), podsecurity.Options{Defaults: podsecurity.Policy{
		Enforce: podsecurity.LevelVersion{Level: podsecurity.LevelPrivileged, Version: "latest"},
		Audit:   podsecurity.LevelVersion{Level: podsecurity.LevelPrivileged, Version: "latest"},
		Warn:    podsecurity.LevelVersion{Level: podsecurity.LevelBaseline, Version: "latest"},
	}})
	pod := restricted(nil)
	pod.Namespace = "open"
	pod.Spec.HostPID = true
	h := http.Header{}
	ctx := warning.WithRecorder(context.Background(), warning.NewHeaderRecorder(h))
	if err := p.Validate(ctx, pluginstest.Create(pod)); err != nil {
		t.Fatalf("warn-only policy rejected the pod: %v", err)
	}
	want := []string{`299 - "would violate PodSecurity \"baseline:latest\": host namespaces (hostPID=true)"`}
	if diff := cmp.Diff(want, h.Values("Warning")); diff != "" {
		t.Errorf("Warning headers (-want +got):\n%s", diff)
	}
}
