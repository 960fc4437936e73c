package webhook_test

import (
	"context"
	"testing"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/webhook"
)

// BenchmarkMutatingAdmit is one request through one mutating webhook over loopback TLS: list the
// configurations from the store, match, encode the review, POST it on a kept-alive connection,
// verify the answer, apply its JSON patch and decode the object back.
func BenchmarkMutatingAdmit(b *testing.B) {
	e := newEnv(b)
	patch := jsonPatch(map[string]any{"op": "add", "path": "/metadata/labels/injected", "value": "true"})
	s := newServer(b, func(*webhook.AdmissionRequest) *webhook.AdmissionResponse { return patchResponse(patch) })
	e.mutating("sidecars", mutatingHook("sidecar.example.com", s, fail))
	p := webhook.NewMutating(e.src, webhook.Deps{Registry: e.reg})
	defer p.CloseIdleConnections()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		obj := pod("default", "web", map[string]string{"app": "web"})
		if err := p.Admit(ctx, podAttrs(admission.Create, obj, nil)); err != nil {
			b.Fatal(err)
		}
		if obj.Labels["injected"] != "true" {
			b.Fatal("not patched")
		}
	}
}

// BenchmarkNoMatch is what every request pays when webhooks exist but none matches it.
func BenchmarkNoMatch(b *testing.B) {
	e := newEnv(b)
	s := newServer(b, allow)
	for _, name := range []string{"a", "b", "c"} {
		h := validatingHook(name+".example.com", s, fail)
		h.Rules[0].Resources = []string{"configmaps"}
		e.validating(name, h)
	}
	p := webhook.NewValidating(e.src, webhook.Deps{})
	ctx := context.Background()
	a := podAttrs(admission.Create, pod("default", "web", nil), nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Validate(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
}
