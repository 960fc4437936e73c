package webhook_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/webhook"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/admissionregistration"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

// env is a cluster's worth of state for the plugins: a real in-memory store holding
// configurations and namespaces, read through webhook.FromStore.
type env struct {
	t   testing.TB
	reg *api.Registry
	st  store.Store
	src *webhook.StoreSource
}

func newEnv(t testing.TB) *env {
	t.Helper()
	reg := api.Builtin()
	if err := registerKinds(reg); err != nil {
		t.Fatal(err)
	}
	st, err := memdb.Open(memdb.Options{Codec: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &env{t: t, reg: reg, st: st, src: webhook.FromStore(st)}
}

// registerKinds adds the webhook configuration kinds to a registry that lacks them, as the API
// server's registry will have them.
func registerKinds(reg *api.Registry) error {
	g := admissionregistration.GroupName
	if _, err := reg.KindFor(api.GroupVersionKind{Group: g, Version: admissionregistration.V1, Kind: "MutatingWebhookConfiguration"}); err != nil {
		if err := api.Register(reg, api.KindSpec[*admissionregistration.MutatingWebhookConfiguration]{
			Group: g, Version: admissionregistration.V1, Kind: "MutatingWebhookConfiguration",
			Resource: "mutatingwebhookconfigurations", Singular: "mutatingwebhookconfiguration",
			Default:  admissionregistration.DefaultMutatingWebhookConfiguration,
			Validate: admissionregistration.ValidateMutatingWebhookConfiguration, ValidateUpdate: admissionregistration.ValidateMutatingWebhookConfigurationUpdate,
		}); err != nil {
			return err
		}
	}
	if _, err := reg.KindFor(api.GroupVersionKind{Group: g, Version: admissionregistration.V1, Kind: "ValidatingWebhookConfiguration"}); err != nil {
		return api.Register(reg, api.KindSpec[*admissionregistration.ValidatingWebhookConfiguration]{
			Group: g, Version: admissionregistration.V1, Kind: "ValidatingWebhookConfiguration",
			Resource: "validatingwebhookconfigurations", Singular: "validatingwebhookconfiguration",
			Default:  admissionregistration.DefaultValidatingWebhookConfiguration,
			Validate: admissionregistration.ValidateValidatingWebhookConfiguration, ValidateUpdate: admissionregistration.ValidateValidatingWebhookConfigurationUpdate,
		})
	}
	return nil
}

// mutating stores a configuration, defaulted and validated as the API server would.
func (e *env) mutating(name string, hooks ...admissionregistration.MutatingWebhook) {
	e.t.Helper()
	c := &admissionregistration.MutatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: name}, Webhooks: hooks}
	admissionregistration.DefaultMutatingWebhookConfiguration(c)
	if errs := admissionregistration.ValidateMutatingWebhookConfiguration(c); len(errs) > 0 {
		e.t.Fatalf("configuration %s: %v", name, errs.ToAggregate())
	}
	if _, err := e.st.Create(context.Background(), store.Key("mutatingwebhookconfigurations", "", name), c); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) validating(name string, hooks ...admissionregistration.ValidatingWebhook) {
	e.t.Helper()
	c := &admissionregistration.ValidatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: name}, Webhooks: hooks}
	admissionregistration.DefaultValidatingWebhookConfiguration(c)
	if errs := admissionregistration.ValidateValidatingWebhookConfiguration(c); len(errs) > 0 {
		e.t.Fatalf("configuration %s: %v", name, errs.ToAggregate())
	}
	if _, err := e.st.Create(context.Background(), store.Key("validatingwebhookconfigurations", "", name), c); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) namespace(name string, labels map[string]string) {
	e.t.Helper()
	ns := &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels}}
	if _, err := e.st.Create(context.Background(), store.Key("namespaces", "", name), ns); err != nil {
		e.t.Fatal(err)
	}
}

// server is a real HTTPS webhook in the test process. Its certificate is the caBundle webhooks
// trust it by.
type server struct {
	*httptest.Server
	url string
	ca  []byte

	mu       sync.Mutex
	requests []*webhook.AdmissionReview
}

// newServer starts a webhook that answers each review with respond's response (its uid filled
// in when left empty).
func newServer(t testing.TB, respond func(req *webhook.AdmissionRequest) *webhook.AdmissionResponse) *server {
	s := &server{}
	return s.start(t, func(w http.ResponseWriter, r *http.Request) {
		var review webhook.AdmissionReview
		if err := json.NewDecoder(r.Body).Decode(&review); err != nil || review.Request == nil {
			http.Error(w, "bad review", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.requests = append(s.requests, &review)
		s.mu.Unlock()
		res := respond(review.Request)
		if res.UID == "" {
			res.UID = review.Request.UID
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(&webhook.AdmissionReview{TypeMeta: review.TypeMeta, Response: res})
	})
}

// newRawServer starts a webhook whose answers are written by handle, as given.
func newRawServer(t testing.TB, handle http.HandlerFunc) *server {
	return (&server{}).start(t, handle)
}

func (s *server) start(t testing.TB, handle http.HandlerFunc) *server {
	s.Server = httptest.NewUnstartedServer(handle)
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes the tests break on purpose
	s.StartTLS()
	t.Cleanup(s.Close)
	s.url = s.URL + "/admit"
	s.ca = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	return s
}

func (s *server) calls() []*webhook.AdmissionReview {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*webhook.AdmissionReview(nil), s.requests...)
}

func allow(*webhook.AdmissionRequest) *webhook.AdmissionResponse {
	return &webhook.AdmissionResponse{Allowed: true}
}

// The webhook builders: pods, CREATE and UPDATE, sideEffects None, failurePolicy as given.

func ptr[T any](v T) *T { return &v }

// otherCA returns a CA certificate that signed nothing the tests serve (httptest servers all share
// one certificate, so another server's would not do).
func otherCA(t testing.TB) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "other-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func podRules() []admissionregistration.RuleWithOperations {
	return []admissionregistration.RuleWithOperations{{
		Operations: []admissionregistration.OperationType{admissionregistration.OperationCreate, admissionregistration.OperationUpdate},
		APIGroups:  []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"},
	}}
}

func mutatingHook(name string, s *server, policy admissionregistration.FailurePolicyType) admissionregistration.MutatingWebhook {
	return admissionregistration.MutatingWebhook{
		Name: name, ClientConfig: admissionregistration.WebhookClientConfig{URL: &s.url, CABundle: s.ca},
		Rules: podRules(), FailurePolicy: &policy, SideEffects: ptr(admissionregistration.SideEffectClassNone),
		AdmissionReviewVersions: []string{"v1"},
	}
}

func validatingHook(name string, s *server, policy admissionregistration.FailurePolicyType) admissionregistration.ValidatingWebhook {
	return admissionregistration.ValidatingWebhook{
		Name: name, ClientConfig: admissionregistration.WebhookClientConfig{URL: &s.url, CABundle: s.ca},
		Rules: podRules(), FailurePolicy: &policy, SideEffects: ptr(admissionregistration.SideEffectClassNone),
		AdmissionReviewVersions: []string{"v1"},
	}
}

func pod(ns, name string, labels map[string]string) *core.Pod {
	return &core.Pod{
		ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
		Spec:       core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx:1.27"}}},
	}
}

// podAttrs are the attributes the API server gives admission for a pod request.
func podAttrs(op admission.Operation, obj, old *core.Pod) *admission.Attributes {
	a := &admission.Attributes{Operation: op, Version: "v1", Kind: "Pod", Resource: "pods",
		User: authn.User{Name: "alice", UID: "u-1", Groups: []string{"dev", authn.AllAuthenticated}}}
	for _, p := range []*core.Pod{old, obj} {
		if p != nil {
			a.Namespace, a.Name = p.Namespace, p.Name
		}
	}
	if obj != nil {
		a.Object = obj
	}
	if old != nil {
		a.OldObject = old
	}
	return a
}
