package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/webhook"
	"github.com/skiff-io/skiff/api/admissionregistration"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/store"
)

const (
	fail   = admissionregistration.Fail
	ignore = admissionregistration.Ignore
)

// auditCtx returns a context whose audit event collects the plugins' annotations.
func auditCtx() (context.Context, *audit.Event) {
	ev := &audit.Event{}
	return audit.WithEvent(context.Background(), ev), ev
}

// statusOf returns the status an error carries, failing the test when it carries none: the API
// server sends exactly this to the client.
func statusOf(t *testing.T, err error) *meta.Status {
	t.Helper()
	var st *meta.Status
	if !errors.As(err, &st) {
		t.Fatalf("error %v (%T) carries no *meta.Status", err, err)
	}
	return st
}

// jsonPatch encodes a JSON patch as a webhook returns it.
func jsonPatch(ops ...map[string]any) []byte {
	b, err := json.Marshal(ops)
	if err != nil {
		panic(err)
	}
	return b
}

func patchResponse(p []byte) *webhook.AdmissionResponse {
	pt := webhook.PatchTypeJSONPatch
	return &webhook.AdmissionResponse{Allowed: true, Patch: p, PatchType: &pt}
}

func TestMutatingWebhookPatchesTheObject(t *testing.T) {
	e := newEnv(t)
	s := newServer(t, func(req *webhook.AdmissionRequest) *webhook.AdmissionResponse {
		res := patchResponse(jsonPatch(
			map[string]any{"op": "add", "path": "/metadata/labels/injected", "value": "true"},
			map[string]any{"op": "add", "path": "/metadata/annotations", "value": map[string]string{"sidecar.example.com/status": "injected"}},
		))
		res.Warnings = []string{"sidecar injected into " + req.Name}
		res.AuditAnnotations = map[string]string{"decision": "injected"}
		return res
	})
	e.mutating("sidecars", mutatingHook("sidecar.example.com", s, fail))
	var warnings []string
	p := webhook.NewMutating(e.src, webhook.Deps{
		Registry: e.reg,
		Warn:     func(_ context.Context, w string) { warnings = append(warnings, w) },
	})
	defer p.CloseIdleConnections()

	obj := pod("default", "web", map[string]string{"app": "web"})
	a := podAttrs(admission.Create, obj, nil)
	ctx, ev := auditCtx()
	if err := p.Admit(ctx, a); err != nil {
		t.Fatal(err)
	}
	if a.Object != meta.Object(obj) {
		t.Fatal("the attributes' object was replaced; the server keeps the pointer it passed")
	}
	if diff := cmp.Diff(map[string]string{"app": "web", "injected": "true"}, obj.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"sidecar.example.com/status": "injected"}, obj.Annotations); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
	if obj.APIVersion != "" || obj.Kind != "" {
		t.Errorf("the object's TypeMeta changed to %q, %q", obj.APIVersion, obj.Kind)
	}
	if obj.Spec.RestartPolicy != core.RestartPolicyAlways {
		t.Errorf("the patched pod was not defaulted: restartPolicy %q", obj.Spec.RestartPolicy)
	}
	if diff := cmp.Diff([]string{"sidecar injected into web"}, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	wantAnnotations := map[string]string{
		"sidecar.example.com/decision":                      "injected",
		"mutation.webhook.admission.k8s.io/round_0_index_0": `{"configuration":"sidecars","webhook":"sidecar.example.com","mutated":true}`,
	}
	if diff := cmp.Diff(wantAnnotations, ev.Annotations); diff != "" {
		t.Errorf("audit annotations (-want +got):\n%s", diff)
	}

	// What the webhook was sent, as kube-apiserver sends it.
	calls := s.calls()
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	review := calls[0]
	if review.APIVersion != "admission.k8s.io/v1" || review.Kind != "AdmissionReview" {
		t.Errorf("review kind %q, %q", review.APIVersion, review.Kind)
	}
	req := review.Request
	dry := false
	kind := webhook.GroupVersionKind{Version: "v1", Kind: "Pod"}
	res := webhook.GroupVersionResource{Version: "v1", Resource: "pods"}
	want := &webhook.AdmissionRequest{
		Kind: kind, Resource: res, RequestKind: &kind, RequestResource: &res,
		Name: "web", Namespace: "default", Operation: admission.Create,
		UserInfo: webhook.UserInfo{Username: "alice", UID: "u-1", Groups: []string{"dev", "system:authenticated"}},
		DryRun:   &dry,
	}
	if diff := cmp.Diff(want, req, cmpopts.IgnoreFields(webhook.AdmissionRequest{}, "UID", "Object", "OldObject", "Options")); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if len(req.UID) != 36 {
		t.Errorf("uid %q is not a UUID", req.UID)
	}
	var sent core.Pod
	if err := json.Unmarshal(req.Object, &sent); err != nil {
		t.Fatal(err)
	}
	if sent.APIVersion != "v1" || sent.Kind != "Pod" || sent.Name != "web" || sent.Labels["app"] != "web" {
		t.Errorf("object sent: %s", req.Object)
	}
	if string(req.OldObject) != "null" {
		t.Errorf("oldObject on create: %s", req.OldObject)
	}
	var opts map[string]any
	if err := json.Unmarshal(req.Options, &opts); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"}, opts); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

// TestMutatingOrder: configurations run in name order, webhooks in their order, each seeing what
// the ones before it did.
func TestMutatingOrder(t *testing.T) {
	e := newEnv(t)
	appender := func(name string) *server {
		return newServer(t, func(req *webhook.AdmissionRequest) *webhook.AdmissionResponse {
			var p core.Pod
			if err := json.Unmarshal(req.Object, &p); err != nil {
				return &webhook.AdmissionResponse{Result: &meta.Status{Message: err.Error()}}
			}
			order := p.Annotations["order"]
			if order != "" {
				order += ","
			}
			return patchResponse(jsonPatch(map[string]any{"op": "add", "path": "/metadata/annotations", "value": map[string]string{"order": order + name}}))
		})
	}
	e.mutating("b-second", mutatingHook("b1.example.com", appender("b1"), fail), mutatingHook("b2.example.com", appender("b2"), fail))
	e.mutating("a-first", mutatingHook("a.example.com", appender("a"), fail))
	p := webhook.NewMutating(e.src, webhook.Deps{})
	defer p.CloseIdleConnections()
	obj := pod("default", "web", nil)
	if err := p.Admit(context.Background(), podAttrs(admission.Create, obj, nil)); err != nil {
		t.Fatal(err)
	}
	if got := obj.Annotations["order"]; got != "a,b1,b2" {
		t.Errorf("order %q, want a,b1,b2", got)
	}
}

// TestReinvocation: a webhook with reinvocationPolicy IfNeeded runs again when a later webhook
// changed the object; one with Never does not.
func TestReinvocation(t *testing.T) {
	for _, policy := range []admissionregistration.ReinvocationPolicyType{admissionregistration.IfNeededReinvocationPolicy, admissionregistration.NeverReinvocationPolicy} {
		t.Run(string(policy), func(t *testing.T) {
			e := newEnv(t)
			// first records whether the label second adds is there yet; second adds it.
			first := newServer(t, func(req *webhook.AdmissionRequest) *webhook.AdmissionResponse {
				var p core.Pod
				_ = json.Unmarshal(req.Object, &p)
				return patchResponse(jsonPatch(map[string]any{"op": "add", "path": "/metadata/annotations",
					"value": map[string]string{"first-saw-second": fmt.Sprint(p.Labels["second"] == "done")}}))
			})
			second := newServer(t, func(*webhook.AdmissionRequest) *webhook.AdmissionResponse {
				return patchResponse(jsonPatch(map[string]any{"op": "add", "path": "/metadata/labels", "value": map[string]string{"second": "done"}}))
			})
			h := mutatingHook("first.example.com", first, fail)
			h.ReinvocationPolicy = &policy
			e.mutating("a", h)
			e.mutating("b", mutatingHook("second.example.com", second, fail))
			p := webhook.NewMutating(e.src, webhook.Deps{})
			defer p.CloseIdleConnections()
			obj := pod("default", "web", nil)
			ctx, ev := auditCtx()
			if err := p.Admit(ctx, podAttrs(admission.Create, obj, nil)); err != nil {
				t.Fatal(err)
			}
			wantCalls, wantSaw := 1, "false"
			if policy == admissionregistration.IfNeededReinvocationPolicy {
				wantCalls, wantSaw = 2, "true"
			}
			if n := len(first.calls()); n != wantCalls || len(second.calls()) != 1 {
				t.Errorf("first called %d times (want %d), second %d (want 1)", n, wantCalls, len(second.calls()))
			}
			if got := obj.Annotations["first-saw-second"]; got != wantSaw {
				t.Errorf("first-saw-second = %q, want %q", got, wantSaw)
			}
			_, reinvoked := ev.Annotations["mutation.webhook.admission.k8s.io/round_1_index_0"]
			if reinvoked != (wantCalls == 2) {
				t.Errorf("round 1 audit annotation present: %v; annotations %v", reinvoked, ev.Annotations)
			}
		})
	}
}

func TestValidatingWebhookDenies(t *testing.T) {
	e := newEnv(t)
	s := newServer(t, func(req *webhook.AdmissionRequest) *webhook.AdmissionResponse {
		var p core.Pod
		if err := json.Unmarshal(req.Object, &p); err != nil {
			return &webhook.AdmissionResponse{Result: &meta.Status{Message: err.Error()}}
		}
		switch p.Labels["case"] {
		case "forbidden":
			return &webhook.AdmissionResponse{Result: &meta.Status{Message: "pods labelled case=forbidden are not allowed"}}
		case "code":
			return &webhook.AdmissionResponse{Result: &meta.Status{Code: 422, Reason: meta.StatusReasonInvalid, Message: "spec.containers[0].image: must be from registry.example.com"}}
		case "reason":
			return &webhook.AdmissionResponse{Result: &meta.Status{Reason: "NotTodayThankYou"}}
		case "silent":
			return &webhook.AdmissionResponse{}
		case "low-code":
			return &webhook.AdmissionResponse{Result: &meta.Status{Code: 200, Message: "no"}}
		}
		return &webhook.AdmissionResponse{Allowed: true}
	})
	e.validating("policy", validatingHook("deny.example.com", s, fail))
	p := webhook.NewValidating(e.src, webhook.Deps{})
	defer p.CloseIdleConnections()

	tests := []struct {
		label   string
		code    int32
		reason  meta.StatusReason
		message string
	}{
		{label: "fine"},
		{label: "forbidden", code: 400,
			message: `admission webhook "deny.example.com" denied the request: pods labelled case=forbidden are not allowed`},
		{label: "code", code: 422, reason: meta.StatusReasonInvalid,
			message: `admission webhook "deny.example.com" denied the request: spec.containers[0].image: must be from registry.example.com`},
		{label: "reason", code: 400, reason: "NotTodayThankYou",
			message: `admission webhook "deny.example.com" denied the request: NotTodayThankYou`},
		{label: "silent", code: 400,
			message: `admission webhook "deny.example.com" denied the request without explanation`},
		{label: "low-code", code: 400,
			message: `admission webhook "deny.example.com" denied the request: no`},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			err := p.Validate(context.Background(), podAttrs(admission.Create, pod("default", "web", map[string]string{"case": tt.label}), nil))
			if tt.code == 0 {
				if err != nil {
					t.Fatalf("allowed pod rejected: %v", err)
				}
				return
			}
			st := statusOf(t, err)
			got := []any{st.Code, st.Reason, st.Message, st.Status}
			if diff := cmp.Diff([]any{tt.code, tt.reason, tt.message, meta.StatusFailure}, got); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
			if !errors.Is(err, webhook.ErrDenied) {
				t.Errorf("errors.Is(err, ErrDenied) = false for %v", err)
			}
			// Through a chain, as the server runs it, the status is still what the client gets.
			chainErr := admission.Chain{p}.Validate(context.Background(), podAttrs(admission.Create, pod("default", "web", map[string]string{"case": tt.label}), nil))
			if statusOf(t, chainErr).Message != tt.message {
				t.Errorf("through a chain: %v", chainErr)
			}
		})
	}
}

// TestValidatingInParallel: two webhooks each wait for the other to be called; called one after
// the other, both would give up.
func TestValidatingInParallel(t *testing.T) {
	e := newEnv(t)
	var arrived sync.WaitGroup
	arrived.Add(2)
	both := make(chan struct{})
	go func() { arrived.Wait(); close(both) }()
	barrier := func(*webhook.AdmissionRequest) *webhook.AdmissionResponse {
		arrived.Done()
		select {
		case <-both:
			return &webhook.AdmissionResponse{Allowed: true, Warnings: []string{"checked"}}
		case <-time.After(10 * time.Second):
			return &webhook.AdmissionResponse{Result: &meta.Status{Message: "the other webhook was not called at the same time"}}
		}
	}
	e.validating("a", validatingHook("a.example.com", newServer(t, barrier), fail))
	e.validating("b", validatingHook("b.example.com", newServer(t, barrier), fail))
	var mu sync.Mutex
	var warnings []string
	p := webhook.NewValidating(e.src, webhook.Deps{Warn: func(_ context.Context, w string) {
		mu.Lock()
		defer mu.Unlock()
		warnings = append(warnings, w)
	}})
	defer p.CloseIdleConnections()
	if err := p.Validate(context.Background(), podAttrs(admission.Create, pod("default", "web", nil), nil)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"checked", "checked"}, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestValidatingFirstRejection: of several rejections, the first webhook's is returned, however
// fast each answered.
func TestValidatingFirstRejection(t *testing.T) {
	e := newEnv(t)
	slow := newServer(t, func(*webhook.AdmissionRequest) *webhook.AdmissionResponse {
		time.Sleep(50 * time.Millisecond)
		return &webhook.AdmissionResponse{Result: &meta.Status{Message: "slow says no"}}
	})
	fast := newServer(t, func(*webhook.AdmissionRequest) *webhook.AdmissionResponse {
		return &webhook.AdmissionResponse{Result: &meta.Status{Message: "fast says no"}}
	})
	e.validating("a", validatingHook("slow.example.com", slow, fail))
	e.validating("b", validatingHook("fast.example.com", fast, fail))
	p := webhook.NewValidating(e.src, webhook.Deps{})
	defer p.CloseIdleConnections()
	err := p.Validate(context.Background(), podAttrs(admission.Create, pod("default", "web", nil), nil))
	if want := `admission webhook "slow.example.com" denied the request: slow says no`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	var we *webhook.Error
	if !errors.As(err, &we) || we.Webhook != "slow.example.com" {
		t.Errorf("the error names webhook %+v", we)
	}
}

// TestWebhookDown: a webhook nobody listens on rejects requests under Fail and is skipped under
// Ignore; a denial is never ignored.
func TestWebhookDown(t *testing.T) {
	down := newServer(t, allow)
	down.Close()
	for _, mutating := range []bool{true, false} {
		for _, policy := range []admissionregistration.FailurePolicyType{fail, ignore} {
			t.Run(fmt.Sprintf("mutating=%v/%s", mutating, policy), func(t *testing.T) {
				e := newEnv(t)
				var p interface {
					admission.Plugin
					CloseIdleConnections()
				}
				if mutating {
					e.mutating("c", mutatingHook("down.example.com", down, policy))
					p = webhook.NewMutating(e.src, webhook.Deps{})
				} else {
					e.validating("c", validatingHook("down.example.com", down, policy))
					p = webhook.NewValidating(e.src, webhook.Deps{})
				}
				defer p.CloseIdleConnections()
				ctx, ev := auditCtx()
				a := podAttrs(admission.Create, pod("default", "web", nil), nil)
				var err error
				if mutating {
					err = p.(admission.Mutator).Admit(ctx, a)
				} else {
					err = p.(admission.Validator).Validate(ctx, a)
				}
				failedOpen := "failed-open.validating.webhook.admission.k8s.io/round_0_index_0"
				if mutating {
					failedOpen = "failed-open.mutation.webhook.admission.k8s.io/round_0_index_0"
				}
				if policy == ignore {
					if err != nil {
						t.Fatalf("failurePolicy Ignore: %v", err)
					}
					if ev.Annotations[failedOpen] != "down.example.com" {
						t.Errorf("no failed-open audit annotation: %v", ev.Annotations)
					}
					return
				}
				st := statusOf(t, err)
				prefix := fmt.Sprintf(`Internal error occurred: failed calling webhook "down.example.com": failed to call webhook: Post "%s?timeout=10s": dial tcp `, down.url)
				if st.Code != 500 || st.Reason != meta.StatusReasonInternalError || !strings.HasPrefix(st.Message, prefix) || !strings.HasSuffix(st.Message, "connect: connection refused") {
					t.Errorf("got %d %s %q\nwant 500 InternalError %q...connect: connection refused", st.Code, st.Reason, st.Message, prefix)
				}
				var ce *webhook.CallError
				if !errors.As(err, &ce) || ce.Webhook != "down.example.com" {
					t.Errorf("no *CallError in %v", err)
				}
			})
		}
	}
}

// TestWebhookTimeout: a webhook that does not answer within its timeoutSeconds fails the call.
// Time is a fake clock, stepped once the webhook has the request.
func TestWebhookTimeout(t *testing.T) {
	for _, policy := range []admissionregistration.FailurePolicyType{fail, ignore} {
		t.Run(string(policy), func(t *testing.T) {
			e := newEnv(t)
			arrived := make(chan struct{}, 1)
			slow := newRawServer(t, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body) // then the server notices the client leaving
				arrived <- struct{}{}
				select {
				case <-r.Context().Done(): // the plugin gave up
				case <-time.After(30 * time.Second):
				}
			})
			h := validatingHook("slow.example.com", slow, policy)
			h.TimeoutSeconds = ptr(int32(1))
			e.validating("c", h)
			clk := clocktesting.NewFakeClock(time.Now())
			p := webhook.NewValidating(e.src, webhook.Deps{Clock: clk})
			defer p.CloseIdleConnections()

			errc := make(chan error, 1)
			go func() {
				errc <- p.Validate(context.Background(), podAttrs(admission.Create, pod("default", "web", nil), nil))
			}()
			<-arrived
			clk.Step(999 * time.Millisecond)
			select {
			case err := <-errc:
				t.Fatalf("the call ended before its timeout: %v", err)
			case <-time.After(50 * time.Millisecond):
			}
			clk.Step(time.Millisecond)
			err := <-errc
			if policy == ignore {
				if err != nil {
					t.Fatalf("failurePolicy Ignore: %v", err)
				}
				return
			}
			want := fmt.Sprintf(`Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "%s?timeout=1s": context deadline exceeded (the webhook's timeoutSeconds is 1)`, slow.url)
			if st := statusOf(t, err); st.Message != want || st.Code != 500 {
				t.Errorf("got %d %q\nwant 500 %q", st.Code, st.Message, want)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("errors.Is(err, context.DeadlineExceeded) = false for %v", err)
			}
		})
	}
}

// TestRequestOutOfTime: when the request's own context ends during a call, the failure is not
// ignored and the remaining webhooks do not run.
func TestRequestOutOfTime(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := newRawServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		cancel() // the client went away while this webhook thought
		<-r.Context().Done()
	})
	second := newServer(t, allow)
	e.mutating("c", mutatingHook("a.example.com", first, ignore), mutatingHook("b.example.com", second, ignore))
	p := webhook.NewMutating(e.src, webhook.Deps{})
	defer p.CloseIdleConnections()
	err := p.Admit(ctx, podAttrs(admission.Create, pod("default", "web", nil), nil))
	if st := statusOf(t, err); st.Code != 504 || st.Message != "Timeout: request did not complete within requested timeout - context canceled" {
		t.Errorf("got %d %q", st.Code, st.Message)
	}
	if n := len(second.calls()); n != 0 {
		t.Errorf("%d calls after the request ended", n)
	}
	// A request already out of time does not start.
	if err := p.Admit(ctx, podAttrs(admission.Create, pod("default", "web", nil), nil)); statusOf(t, err).Code != 504 {
		t.Errorf("got %v", err)
	}
}

// TestSelectors: namespaceSelector matches the namespace's labels (kube-system is not special),
// objectSelector the object's or the old object's.
func TestSelectors(t *testing.T) {
	e := newEnv(t)
	e.namespace("prod", map[string]string{"env": "prod"})
	e.namespace("dev", map[string]string{"env": "dev"})
	e.namespace("kube-system", map[string]string{"env": "prod"})
	s := newServer(t, func(req *webhook.AdmissionRequest) *webhook.AdmissionResponse {
		return &webhook.AdmissionResponse{Result: &meta.Status{Message: "called for " + req.Namespace + "/" + req.Name}}
	})
	h := validatingHook("selective.example.com", s, fail)
	h.Rules[0].Operations = append(h.Rules[0].Operations, admissionregistration.OperationDelete)
	h.Rules = append(h.Rules, admissionregistration.RuleWithOperations{
		Operations: []admissionregistration.OperationType{admissionregistration.OperationAll},
		APIGroups:  []string{""}, APIVersions: []string{"v1"}, Resources: []string{"namespaces", "nodes"},
	})
	h.NamespaceSelector = &meta.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}
	h.ObjectSelector = &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{
		{Key: "tier", Operator: meta.LabelSelectorOpIn, Values: []string{"frontend"}}}}
	e.validating("c", h)
	p := webhook.NewValidating(e.src, webhook.Deps{})
	defer p.CloseIdleConnections()

	front := map[string]string{"tier": "frontend"}
	back := map[string]string{"tier": "backend"}
	nsAttrs := func(op admission.Operation, name string, labels map[string]string) *admission.Attributes {
		ns := &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels}}
		return &admission.Attributes{Operation: op, Version: "v1", Kind: "Namespace", Resource: "namespaces", Name: name, Object: ns}
	}
	tests := []struct {
		name   string
		attrs  *admission.Attributes
		called bool
		status int32 // of a rejection that is not the webhook's
	}{
		{name: "prod, frontend", attrs: podAttrs(admission.Create, pod("prod", "a", front), nil), called: true},
		{name: "prod, backend", attrs: podAttrs(admission.Create, pod("prod", "a", back), nil)},
		{name: "prod, no labels", attrs: podAttrs(admission.Create, pod("prod", "a", nil), nil)},
		{name: "dev, frontend", attrs: podAttrs(admission.Create, pod("dev", "a", front), nil)},
		{name: "kube-system is not special", attrs: podAttrs(admission.Create, pod("kube-system", "a", front), nil), called: true},
		{name: "old object matches", attrs: podAttrs(admission.Update, pod("prod", "a", back), pod("prod", "a", front)), called: true},
		{name: "delete matches the old object", attrs: podAttrs(admission.Delete, nil, pod("prod", "a", front)), called: true},
		{name: "missing namespace", attrs: podAttrs(admission.Create, pod("ghost", "a", front), nil), status: 404},
		{name: "a namespace is matched by its own new labels", attrs: nsAttrs(admission.Create, "prod2", map[string]string{"env": "prod", "tier": "frontend"}), called: true},
		{name: "a namespace without the labels", attrs: nsAttrs(admission.Create, "dev2", map[string]string{"env": "dev", "tier": "frontend"})},
		{name: "other cluster-scoped objects skip the namespace selector", called: true, attrs: &admission.Attributes{
			Operation: admission.Create, Version: "v1", Kind: "Node", Resource: "nodes", Name: "n1",
			Object: &core.Node{ObjectMeta: meta.ObjectMeta{Name: "n1", Labels: front}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Validate(context.Background(), tt.attrs)
			switch {
			case tt.called:
				if !errors.Is(err, webhook.ErrDenied) {
					t.Errorf("want the webhook called (and deny), got %v", err)
				}
			case tt.status != 0:
				if st := statusOf(t, err); st.Code != tt.status || errors.Is(err, webhook.ErrDenied) {
					t.Errorf("want a %d, got %v", tt.status, err)
				}
			case err != nil:
				t.Errorf("want the webhook not called, got %v", err)
			}
		})
	}
	if err := p.Validate(context.Background(), podAttrs(admission.Create, pod("ghost", "a", front), nil)); err.Error() != `namespaces "ghost" not found` {
		t.Errorf("missing namespace: %v", err)
	}
}

// TestSubresourceRequest: a rule for pods/status matches status updates, and the webhook is told
// the subresource.
func TestSubresourceRequest(t *testing.T) {
	e := newEnv(t)
	s := newServer(t, allow)
	h := validatingHook("status.example.com", s, fail)
	h.Rules[0].Resources = []string{"pods/status"}
	e.validating("c", h)
	p := webhook.NewValidating(e.src, webhook.Deps{})
	defer p.CloseIdleConnections()
	a := podAttrs(admission.Update, pod("default", "web", nil), pod("default", "web", nil))
	if err := p.Validate(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	a.Subresource = "status"
	if err := p.Validate(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	calls := s.calls()
	if len(calls) != 1 || calls[0].Request.SubResource != "status" || calls[0].Request.RequestSubResource != "status" {
		t.Fatalf("want one call for the status update, got %d", len(calls))
	}
	if string(calls[0].Request.OldObject) == "null" {
		t.Error("an update sends the old object")
	}
}

// TestDryRun: a dry-run request reaches only webhooks without side effects; one that may have them
// rejects it, as kube-apiserver does, rather than run or be skipped silently.
func TestDryRun(t *testing.T) {
	for _, tt := range []struct {
		sideEffects *admissionregistration.SideEffectClass
		dryRun      bool
		called      bool
		message     string
	}{
		{sideEffects: ptr(admissionregistration.SideEffectClassNone), dryRun: true, called: true},
		{sideEffects: ptr(admissionregistration.SideEffectClassNoneOnDryRun), dryRun: true, called: true},
		{sideEffects: ptr(admissionregistration.SideEffectClassSome), dryRun: true, message: `admission webhook "effects.example.com" does not support dry run`},
		{sideEffects: ptr(admissionregistration.SideEffectClassUnknown), dryRun: true, message: `admission webhook "effects.example.com" does not support dry run`},
		{sideEffects: nil, dryRun: true, message: `Internal error occurred: failed calling webhook "effects.example.com": Webhook SideEffects is nil`},
		{sideEffects: ptr(admissionregistration.SideEffectClassSome), dryRun: false, called: true},
	} {
		name := "nil"
		if tt.sideEffects != nil {
			name = string(*tt.sideEffects)
		}
		t.Run(fmt.Sprintf("%s/dryRun=%v", name, tt.dryRun), func(t *testing.T) {
			e := newEnv(t)
			s := newServer(t, allow)
			// Ignore, to show that a dry-run rejection is not a failure to call; but a webhook
			// without sideEffects cannot be called at all, which Fail shows.
			policy := ignore
			if tt.sideEffects == nil {
				policy = fail
			}
			h := mutatingHook("effects.example.com", s, policy)
			h.SideEffects = tt.sideEffects
			// Stored unvalidated, as an older server (admissionregistration v1beta1) let it be.
			c := &admissionregistration.MutatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "legacy"}, Webhooks: []admissionregistration.MutatingWebhook{h}}
			if _, err := e.st.Create(context.Background(), store.Key("mutatingwebhookconfigurations", "", "legacy"), c); err != nil {
				t.Fatal(err)
			}
			p := webhook.NewMutating(e.src, webhook.Deps{})
			defer p.CloseIdleConnections()
			a := podAttrs(admission.Create, pod("default", "web", nil), nil)
			a.DryRun = tt.dryRun
			err := p.Admit(context.Background(), a)
			calls := s.calls()
			if tt.called {
				if err != nil || len(calls) != 1 {
					t.Fatalf("want one call, got %d and %v", len(calls), err)
				}
				if got := *calls[0].Request.DryRun; got != tt.dryRun {
					t.Errorf("request.dryRun = %v", got)
				}
				if tt.dryRun && !strings.Contains(string(calls[0].Request.Options), `"dryRun":["All"]`) {
					t.Errorf("options: %s", calls[0].Request.Options)
				}
				return
			}
			if len(calls) != 0 {
				t.Errorf("the webhook was called %d times", len(calls))
			}
			if err == nil || err.Error() != tt.message {
				t.Errorf("got %v, want %s", err, tt.message)
			}
		})
	}
}

// TestExemptConfigurations: requests for webhook configurations never go to webhooks, so that a
// broken webhook can always be removed.
func TestExemptConfigurations(t *testing.T) {
	e := newEnv(t)
	s := newServer(t, func(*webhook.AdmissionRequest) *webhook.AdmissionResponse { return &webhook.AdmissionResponse{} })
	h := validatingHook("everything.example.com", s, fail)
	h.Rules = []admissionregistration.RuleWithOperations{{
		Operations: []admissionregistration.OperationType{admissionregistration.OperationAll},
		APIGroups:  []string{"*"}, APIVersions: []string{"*"}, Resources: []string{"*/*"},
	}}
	e.validating("c", h)
	p := webhook.NewValidating(e.src, webhook.Deps{})
	defer p.CloseIdleConnections()
	for _, kind := range []string{"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"} {
		a := &admission.Attributes{Operation: admission.Delete, Group: admissionregistration.GroupName, Version: "v1",
			Kind: kind, Resource: strings.ToLower(kind) + "s", Name: "c"}
		if err := p.Validate(context.Background(), a); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
	if err := p.Validate(context.Background(), podAttrs(admission.Create, pod("default", "web", nil), nil)); !errors.Is(err, webhook.ErrDenied) {
		t.Errorf("a pod goes to the webhook: %v", err)
	}
}

// TestTrust: the caBundle is the only trust; a webhook whose certificate it did not sign fails.
func TestTrust(t *testing.T) {
	e := newEnv(t)
	s := newServer(t, allow)
	h := validatingHook("untrusted.example.com", s, fail)
	h.ClientConfig.CABundle = otherCA(t)
	e.validating("c", h)
	p := webhook.NewValidating(e.src, webhook.Deps{})
	defer p.CloseIdleConnections()
	err := p.Validate(context.Background(), podAttrs(admission.Create, pod("default", "web", nil), nil))
	if err == nil || !strings.Contains(err.Error(), "x509: certificate signed by unknown authority") {
		t.Errorf("got %v", err)
	}
}

// TestServiceReference: skiff cannot resolve Services, and says so.
func TestServiceReference(t *testing.T) {
	for _, policy := range []admissionregistration.FailurePolicyType{fail, ignore} {
		t.Run(string(policy), func(t *testing.T) {
			e := newEnv(t)
			h := admissionregistration.ValidatingWebhook{
				Name:          "svc.example.com",
				ClientConfig:  admissionregistration.WebhookClientConfig{Service: &admissionregistration.ServiceReference{Namespace: "policy", Name: "webhook"}},
				Rules:         podRules(),
				FailurePolicy: &policy, SideEffects: ptr(admissionregistration.SideEffectClassNone), AdmissionReviewVersions: []string{"v1"},
			}
			e.validating("c", h)
			p := webhook.NewValidating(e.src, webhook.Deps{})
			err := p.Validate(context.Background(), podAttrs(admission.Create, pod("default", "web", nil), nil))
			if policy == ignore {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			want := `Internal error occurred: failed calling webhook "svc.example.com": could not get REST client: ` + webhook.ErrServiceReference.Error()
			if !errors.Is(err, webhook.ErrServiceReference) || err.Error() != want {
				t.Errorf("got %v\nwant %s", err, want)
			}
		})
	}
}

// TestInvalidResponses: answers that are not valid AdmissionReviews are failures to call, which
// the failure policy decides on; patches that do not apply are rejections it does not.
func TestInvalidResponses(t *testing.T) {
	const uid = "$UID" // replaced by the request's uid
	tests := []struct {
		name     string
		mutating bool
		status   int
		body     string
		want     string // the error message after `failed calling webhook "bad.example.com": `, or a whole message
		ignored  bool   // failurePolicy Ignore lets it through
	}{
		{name: "absent", body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`,
			want: "received invalid webhook response: webhook response was absent", ignored: true},
		{name: "uid", body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"nope","allowed":true}}`,
			want: `received invalid webhook response: expected response.uid="$UID", got "nope"`, ignored: true},
		{name: "kind", body: `{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","response":{"uid":"$UID","allowed":true}}`,
			want: "received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview", ignored: true},
		{name: "no kind", body: `{"response":{"uid":"$UID","allowed":true}}`,
			want: "received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got /, Kind=", ignored: true},
		{name: "validating patch", body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"$UID","allowed":true,"patch":"W10=","patchType":"JSONPatch"}}`,
			want: "received invalid webhook response: validating webhook may not return response.patch", ignored: true},
		{name: "patch without type", mutating: true, body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"$UID","allowed":true,"patch":"W10="}}`,
			want: "received invalid webhook response: webhook returned response.patch but not response.patchType", ignored: true},
		{name: "not JSON", body: `<html>oops</html>`,
			want: "received invalid webhook response: invalid character '<' looking for beginning of value", ignored: true},
		{name: "HTTP 500", status: 500, body: `backend exploded`,
			want: `failed to call webhook: the server responded with the status code 500 (Internal Server Error) and body "backend exploded"`, ignored: true},
		{name: "undecodable patch", mutating: true, body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"$UID","allowed":true,"patch":"e30=","patchType":"JSONPatch"}}`,
			want: "received undecodable patch in webhook response: json: cannot unmarshal object into Go value of type []map[string]json.RawMessage", ignored: true},
		{name: "unknown patch type", mutating: true, body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"$UID","allowed":true,"patch":"W3t9XQ==","patchType":"MergePatch"}}`,
			want: `unsupported patch type "MergePatch"`, ignored: true},
		{name: "patch does not apply", mutating: true, body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"$UID","allowed":true,"patchType":"JSONPatch","patch":"` +
			b64(`[{"op":"remove","path":"/spec/nodeName"}]`) + `"}}`,
			want: `Internal error occurred: admission webhook "bad.example.com" returned a patch that does not apply: json patch operation 0 (remove /spec/nodeName): path not found`},
		{name: "patch changes the kind", mutating: true, body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"$UID","allowed":true,"patchType":"JSONPatch","patch":"` +
			b64(`[{"op":"replace","path":"/kind","value":"Secret"}]`) + `"}}`,
			want: `Internal error occurred: admission webhook "bad.example.com" may not change the object's apiVersion and kind (from "v1", "Pod" to "v1", "Secret")`},
		{name: "patch breaks a type", mutating: true, body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"$UID","allowed":true,"patchType":"JSONPatch","patch":"` +
			b64(`[{"op":"add","path":"/metadata/labels","value":"not a map"}]`) + `"}}`,
			want: `Internal error occurred: admission webhook "bad.example.com" returned a patch that leaves an undecodable object: metadata.labels: cannot unmarshal string into a field of type object`},
		{name: "v1beta1 answers are checked less", body: `{"response":{"allowed":true}}`},
	}
	for _, tt := range tests {
		for _, policy := range []admissionregistration.FailurePolicyType{fail, ignore} {
			t.Run(tt.name+"/"+string(policy), func(t *testing.T) {
				e := newEnv(t)
				var lastUID atomic.Value
				s := newRawServer(t, func(w http.ResponseWriter, r *http.Request) {
					var review webhook.AdmissionReview
					_ = json.NewDecoder(r.Body).Decode(&review)
					lastUID.Store(string(review.Request.UID))
					if tt.status != 0 {
						w.WriteHeader(tt.status)
					}
					fmt.Fprint(w, strings.ReplaceAll(tt.body, uid, string(review.Request.UID)))
				})
				a := podAttrs(admission.Create, pod("default", "web", nil), nil)
				var err error
				if tt.mutating {
					e.mutating("c", mutatingHook("bad.example.com", s, policy))
					p := webhook.NewMutating(e.src, webhook.Deps{})
					defer p.CloseIdleConnections()
					err = p.Admit(context.Background(), a)
				} else {
					h := validatingHook("bad.example.com", s, policy)
					if tt.name == "v1beta1 answers are checked less" {
						h.AdmissionReviewVersions = []string{"v1beta1"}
					}
					e.validating("c", h)
					p := webhook.NewValidating(e.src, webhook.Deps{})
					defer p.CloseIdleConnections()
					err = p.Validate(context.Background(), a)
				}
				if tt.want == "" || (policy == ignore && tt.ignored) {
					if err != nil {
						t.Fatalf("want no error, got %v", err)
					}
					return
				}
				want := tt.want
				if tt.ignored {
					want = `Internal error occurred: failed calling webhook "bad.example.com": ` + want
				}
				want = strings.ReplaceAll(want, uid, fmt.Sprint(lastUID.Load()))
				if err == nil || err.Error() != want {
					t.Errorf("got  %v\nwant %s", err, want)
				}
				if st := statusOf(t, err); st.Code != 500 {
					t.Errorf("code %d", st.Code)
				}
			})
		}
	}
}

// TestConfigurationsFollowTheStore: a new configuration applies to the next request, a deleted
// one stops applying.
func TestConfigurationsFollowTheStore(t *testing.T) {
	e := newEnv(t)
	s := newServer(t, func(*webhook.AdmissionRequest) *webhook.AdmissionResponse { return &webhook.AdmissionResponse{} })
	p := webhook.NewValidating(e.src, webhook.Deps{})
	defer p.CloseIdleConnections()
	validate := func() error {
		return p.Validate(context.Background(), podAttrs(admission.Create, pod("default", "web", nil), nil))
	}
	if err := validate(); err != nil {
		t.Fatal(err)
	}
	e.validating("c", validatingHook("deny.example.com", s, fail))
	if err := validate(); !errors.Is(err, webhook.ErrDenied) {
		t.Fatalf("after create: %v", err)
	}
	if _, err := e.st.Delete(context.Background(), store.Key("validatingwebhookconfigurations", "", "c"), nil); err != nil {
		t.Fatal(err)
	}
	if err := validate(); err != nil {
		t.Fatalf("after delete: %v", err)
	}
}
