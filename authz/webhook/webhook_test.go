package webhook_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/webhook"
	"github.com/skiff-io/skiff/client/kubeconfig"
	"github.com/skiff-io/skiff/pki"
)

// service is an authorization webhook served over TLS in the test process. answer decides each
// review; the service records what it was sent.
type service struct {
	*httptest.Server
	ca *pki.CA

	mu      sync.Mutex
	answer  func(review webhook.SubjectAccessReview, w http.ResponseWriter)
	bodies  []string
	headers []http.Header
}

func newService(t *testing.T, clientCA *pki.CA) *service {
	t.Helper()
	ca, err := pki.NewCA("webhook-ca", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := ca.Issue(pki.Options{CommonName: "webhook", IPs: []net.IP{net.ParseIP("127.0.0.1")}, Usage: pki.ServerAuth})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(kp.CertPEM, kp.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	s := &service{ca: ca}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	if clientCA != nil {
		s.TLS.ClientAuth = tls.RequireAndVerifyClientCert
		s.TLS.ClientCAs = clientCA.Pool()
	}
	s.StartTLS()
	t.Cleanup(s.Close)
	s.answer = allowIf(func(webhook.SubjectAccessReview) bool { return true })
	return s
}

func (s *service) serve(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	var review webhook.SubjectAccessReview
	json.Unmarshal(data, &review)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(data))
	s.headers = append(s.headers, r.Header.Clone())
	answer := s.answer
	s.mu.Unlock()
	answer(review, w)
}

func (s *service) setAnswer(f func(webhook.SubjectAccessReview, http.ResponseWriter)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer = f
}

// recorded returns the bodies and headers of the calls so far.
func (s *service) recorded() ([]string, []http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...), append([]http.Header(nil), s.headers...)
}

func (s *service) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

func reply(w http.ResponseWriter, status webhook.SubjectAccessReviewStatus) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(webhook.SubjectAccessReview{APIVersion: webhook.APIVersion, Kind: webhook.Kind, Status: status})
}

func allowIf(ok func(webhook.SubjectAccessReview) bool) func(webhook.SubjectAccessReview, http.ResponseWriter) {
	return func(r webhook.SubjectAccessReview, w http.ResponseWriter) {
		if ok(r) {
			reply(w, webhook.SubjectAccessReviewStatus{Allowed: true, Reason: "allowed by test"})
		} else {
			reply(w, webhook.SubjectAccessReviewStatus{Reason: "not mine to say"})
		}
	}
}

func (s *service) config(clk *clocktesting.FakeClock) webhook.Config {
	return webhook.Config{URL: s.URL + "/authorize", CAData: s.ca.CertPEM, Clock: clk}
}

func newAuthorizer(t *testing.T, cfg webhook.Config) *webhook.Authorizer {
	t.Helper()
	w, err := webhook.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

var alice = authn.User{Name: "alice", UID: "a-1", Groups: []string{"dev", authn.AllAuthenticated},
	Extra: map[string][]string{"scopes.example.com": {"read", "write"}}}

func getPod(u authn.User, name string) authz.Attributes {
	return authz.Attributes{User: u, Verb: "get", ResourceRequest: true, APIVersion: "v1", Resource: "pods", Namespace: "default", Name: name}
}

// TestRequest checks the review sent, byte for byte as Kubernetes sends it, and its headers.
func TestRequest(t *testing.T) {
	s := newService(t, nil)
	cfg := s.config(clocktesting.NewFakeClock(time.Now()))
	cfg.BearerToken = "s3cret"
	w := newAuthorizer(t, cfg)
	ctx := context.Background()
	w.Authorize(ctx, authz.Attributes{User: alice, Verb: "update", ResourceRequest: true, APIGroup: "apps", APIVersion: "v1",
		Resource: "deployments", Subresource: "scale", Namespace: "prod", Name: "web"})
	w.Authorize(ctx, authz.Attributes{User: authn.User{Name: "bob"}, Verb: "get", Path: "/healthz"})
	w.Authorize(ctx, authz.Attributes{User: authn.User{Name: "system:node:a"}, Verb: "watch", ResourceRequest: true, APIVersion: "v1",
		Resource: "pods", FieldSelector: fields.ParseSelectorOrDie("spec.nodeName=a,status.phase!=Failed")})
	want := []string{
		`{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"namespace":"prod","verb":"update","group":"apps","version":"v1","resource":"deployments","subresource":"scale","name":"web"},"user":"alice","groups":["dev","system:authenticated"],"extra":{"scopes.example.com":["read","write"]},"uid":"a-1"},"status":{"allowed":false}}`,
		`{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"},"user":"bob"},"status":{"allowed":false}}`,
		`{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"verb":"watch","version":"v1","resource":"pods","fieldSelector":{"requirements":[{"key":"spec.nodeName","operator":"In","values":["a"]},{"key":"status.phase","operator":"NotIn","values":["Failed"]}]}},"user":"system:node:a"},"status":{"allowed":false}}`,
	}
	bodies, headers := s.recorded()
	if diff := cmp.Diff(want, bodies); diff != "" {
		t.Errorf("reviews sent (-want +got)\n%s", diff)
	}
	for _, h := range headers {
		if h.Get("Content-Type") != "application/json" || h.Get("Authorization") != "Bearer s3cret" {
			t.Errorf("headers %v", h)
		}
	}
}

func TestDecisions(t *testing.T) {
	cases := []struct {
		name       string
		status     webhook.SubjectAccessReviewStatus
		want       authz.Decision
		wantReason string
		wantErr    bool
	}{
		{"allowed", webhook.SubjectAccessReviewStatus{Allowed: true, Reason: "RBAC: role view"}, authz.Allow, "RBAC: role view", false},
		{"denied", webhook.SubjectAccessReviewStatus{Denied: true, Reason: "pods are off limits"}, authz.Deny, "pods are off limits", false},
		{"no opinion", webhook.SubjectAccessReviewStatus{Reason: "not my namespace"}, authz.NoOpinion, "not my namespace", false},
		{"with an evaluation error", webhook.SubjectAccessReviewStatus{Allowed: true, EvaluationError: "one rule failed"}, authz.Allow, "", false},
		{"both", webhook.SubjectAccessReviewStatus{Allowed: true, Denied: true, Reason: "confused"}, authz.Deny, "confused", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newService(t, nil)
			s.setAnswer(func(_ webhook.SubjectAccessReview, w http.ResponseWriter) { reply(w, tc.status) })
			w := newAuthorizer(t, s.config(clocktesting.NewFakeClock(time.Now())))
			d, reason, err := w.Authorize(context.Background(), getPod(alice, "web"))
			if d != tc.want || reason != tc.wantReason || (err != nil) != tc.wantErr {
				t.Errorf("got %v %q %v; want %v %q, error %v", d, reason, err, tc.want, tc.wantReason, tc.wantErr)
			}
			if err != nil && !errors.Is(err, webhook.ErrRequest) {
				t.Errorf("error %v does not wrap ErrRequest", err)
			}
		})
	}
}

// TestCache: allowed answers are kept for AuthorizedTTL, others for UnauthorizedTTL, each keyed by
// the whole review.
func TestCache(t *testing.T) {
	s := newService(t, nil)
	s.setAnswer(allowIf(func(r webhook.SubjectAccessReview) bool { return r.Spec.ResourceAttributes.Name == "allowed" }))
	clk := clocktesting.NewFakeClock(time.Now())
	w := newAuthorizer(t, s.config(clk))
	ctx := context.Background()
	ask := func(a authz.Attributes) authz.Decision {
		t.Helper()
		d, _, err := w.Authorize(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	type step struct {
		name      string
		advance   time.Duration
		attrs     authz.Attributes
		want      authz.Decision
		wantCalls int // calls so far
	}
	bob := authn.User{Name: "bob"}
	huge := getPod(alice, "allowed")
	huge.Namespace = strings.Repeat("n", 10000)
	steps := []step{
		{"first allowed", 0, getPod(alice, "allowed"), authz.Allow, 1},
		{"allowed, from the cache", 0, getPod(alice, "allowed"), authz.Allow, 1},
		{"first not allowed", 0, getPod(alice, "other"), authz.NoOpinion, 2},
		{"not allowed, from the cache", 29 * time.Second, getPod(alice, "other"), authz.NoOpinion, 2},
		{"another user is another key", 0, getPod(bob, "allowed"), authz.Allow, 3},
		{"another verb is another key", 0, func() authz.Attributes { a := getPod(alice, "allowed"); a.Verb = "delete"; return a }(), authz.Allow, 4},
		{"not allowed expired after 30s", time.Second, getPod(alice, "other"), authz.NoOpinion, 5},
		{"allowed still cached at 4m", 3*time.Minute + 30*time.Second, getPod(alice, "allowed"), authz.Allow, 5},
		{"allowed expired after 5m", time.Minute, getPod(alice, "allowed"), authz.Allow, 6},
		{"huge attributes are not cached", 0, huge, authz.Allow, 7},
		{"huge attributes are asked again", 0, huge, authz.Allow, 8},
	}
	for _, st := range steps {
		clk.Step(st.advance)
		if d := ask(st.attrs); d != st.want {
			t.Errorf("%s: %v, want %v", st.name, d, st.want)
		}
		if got := s.calls(); got != st.wantCalls {
			t.Errorf("%s: %d calls so far, want %d", st.name, got, st.wantCalls)
		}
	}
}

func TestCacheTTLs(t *testing.T) {
	s := newService(t, nil)
	cfg := s.config(clocktesting.NewFakeClock(time.Now()))
	cfg.AuthorizedTTL = -1
	w := newAuthorizer(t, cfg)
	for range 3 {
		w.Authorize(context.Background(), getPod(alice, "web"))
	}
	if got := s.calls(); got != 3 {
		t.Errorf("with caching off: %d calls, want 3", got)
	}

	cfg.AuthorizedTTL, cfg.CacheSize = time.Hour, 2
	w = newAuthorizer(t, cfg)
	for _, name := range []string{"a", "b", "a", "c", "a", "b"} { // b is the least recently used when c comes
		w.Authorize(context.Background(), getPod(alice, name))
	}
	if got := s.calls(); got != 3+4 {
		t.Errorf("with 2 entries: %d calls, want %d", got, 3+4)
	}
}

// stepWhileWaiting calls f in a goroutine and, each time f waits on clk, moves clk on.
func stepWhileWaiting[T any](t *testing.T, clk *clocktesting.FakeClock, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case v := <-done:
			return v
		default:
		}
		if clk.HasWaiters() {
			clk.Step(time.Minute)
		}
		if time.Now().After(deadline) {
			t.Fatal("the call never finished")
		}
		runtime.Gosched()
	}
}

type result struct {
	d      authz.Decision
	reason string
	err    error
}

func TestFailures(t *testing.T) {
	status := func(code int, header ...string) func(webhook.SubjectAccessReview, http.ResponseWriter) {
		return func(_ webhook.SubjectAccessReview, w http.ResponseWriter) {
			if len(header) == 2 {
				w.Header().Set(header[0], header[1])
			}
			http.Error(w, fmt.Sprintf("status %d", code), code)
		}
	}
	body := func(s string) func(webhook.SubjectAccessReview, http.ResponseWriter) {
		return func(_ webhook.SubjectAccessReview, w http.ResponseWriter) { io.WriteString(w, s) }
	}
	cases := []struct {
		name      string
		answer    func(webhook.SubjectAccessReview, http.ResponseWriter)
		wantCalls int
		wantErr   string
	}{
		{"internal error, retried", status(500), 5, "the webhook answered 500 Internal Server Error: status 500"},
		{"throttled, retried", status(429), 5, "the webhook answered 429 Too Many Requests: status 429"},
		{"unavailable with Retry-After, retried", status(503, "Retry-After", "1"), 5, "the webhook answered 503 Service Unavailable: status 503"},
		{"unavailable, not retried", status(503), 1, "the webhook answered 503 Service Unavailable: status 503"},
		{"forbidden, not retried", status(403), 1, "the webhook answered 403 Forbidden: status 403"},
		{"not JSON", body("<html>"), 1, "the webhook's answer is not a SubjectAccessReview: invalid character '<' looking for beginning of value"},
		{"another kind", body(`{"apiVersion":"authorization.k8s.io/v1","kind":"TokenReview","status":{"allowed":true}}`), 1,
			`the webhook answered with apiVersion "authorization.k8s.io/v1", kind "TokenReview"; want "authorization.k8s.io/v1", "SubjectAccessReview"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newService(t, nil)
			s.setAnswer(tc.answer)
			clk := clocktesting.NewFakeClock(time.Now())
			w := newAuthorizer(t, s.config(clk))
			for round := range 2 { // failures are not cached: the second round calls again
				r := stepWhileWaiting(t, clk, func() result {
					d, reason, err := w.Authorize(context.Background(), getPod(alice, "web"))
					return result{d, reason, err}
				})
				if r.d != authz.NoOpinion || r.reason != "" {
					t.Errorf("got %v %q, want no opinion", r.d, r.reason)
				}
				if !errors.Is(r.err, webhook.ErrRequest) || r.err.Error() != webhook.ErrRequest.Error()+": "+tc.wantErr {
					t.Errorf("error %q, want ErrRequest with %q", r.err, tc.wantErr)
				}
				if got := s.calls(); got != tc.wantCalls*(round+1) {
					t.Errorf("round %d: %d calls, want %d", round, got, tc.wantCalls*(round+1))
				}
			}
		})
	}
}

func TestRetrySucceeds(t *testing.T) {
	s := newService(t, nil)
	var mu sync.Mutex
	failures := 2
	s.setAnswer(func(_ webhook.SubjectAccessReview, w http.ResponseWriter) {
		mu.Lock()
		defer mu.Unlock()
		if failures > 0 {
			failures--
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		}
		reply(w, webhook.SubjectAccessReviewStatus{Allowed: true})
	})
	clk := clocktesting.NewFakeClock(time.Now())
	w := newAuthorizer(t, s.config(clk))
	r := stepWhileWaiting(t, clk, func() result {
		d, reason, err := w.Authorize(context.Background(), getPod(alice, "web"))
		return result{d, reason, err}
	})
	if r.d != authz.Allow || r.err != nil || s.calls() != 3 {
		t.Errorf("got %v, %v after %d calls; want allow after 3", r.d, r.err, s.calls())
	}
}

func TestCancelledWhileWaitingToRetry(t *testing.T) {
	s := newService(t, nil)
	s.setAnswer(func(_ webhook.SubjectAccessReview, w http.ResponseWriter) {
		http.Error(w, "busy", http.StatusInternalServerError)
	})
	clk := clocktesting.NewFakeClock(time.Now())
	w := newAuthorizer(t, s.config(clk))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := w.Authorize(ctx, getPod(alice, "web"))
		done <- err
	}()
	for !clk.HasWaiters() {
		runtime.Gosched()
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || !errors.Is(err, webhook.ErrRequest) {
		t.Errorf("error %v, want one wrapping context.Canceled and ErrRequest", err)
	}
}

func TestUnreachable(t *testing.T) {
	s := newService(t, nil)
	clk := clocktesting.NewFakeClock(time.Now())

	// A service whose certificate nobody vouches for.
	cfg := s.config(clk)
	other, err := pki.NewCA("other", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cfg.CAData = other.CertPEM
	d, _, err := newAuthorizer(t, cfg).Authorize(context.Background(), getPod(alice, "web"))
	if d != authz.NoOpinion || !errors.Is(err, webhook.ErrRequest) || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Errorf("untrusted service: %v, %v", d, err)
	}

	// A service that never answers in time.
	release := make(chan struct{})
	defer close(release)
	s.setAnswer(func(_ webhook.SubjectAccessReview, w http.ResponseWriter) { <-release })
	cfg = s.config(clk)
	cfg.Timeout = 50 * time.Millisecond
	d, _, err = newAuthorizer(t, cfg).Authorize(context.Background(), getPod(alice, "web"))
	if d != authz.NoOpinion || !errors.Is(err, webhook.ErrRequest) || !strings.Contains(err.Error(), "Client.Timeout exceeded") {
		t.Errorf("slow service: %v, %v", d, err)
	}
}

// TestKubeconfig reaches a service that requires a client certificate, with everything in a
// kubeconfig file as kube-apiserver's --authorization-webhook-config-file has it.
func TestKubeconfig(t *testing.T) {
	clientCA, err := pki.NewCA("client-ca", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	client, err := clientCA.Issue(pki.Options{CommonName: "kube-apiserver", Usage: pki.ClientAuth})
	if err != nil {
		t.Fatal(err)
	}
	s := newService(t, clientCA)
	dir := t.TempDir()
	for name, data := range map[string][]byte{"ca.crt": s.ca.CertPEM, "client.crt": client.CertPEM, "client.key": client.KeyPEM, "token": []byte("t0ken\n")} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write := func(t *testing.T, kc *kubeconfig.Config) string {
		path := filepath.Join(dir, "webhook.kubeconfig")
		if err := kc.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	withFiles := func() *kubeconfig.Config {
		kc := kubeconfig.New("webhook", s.URL+"/authorize", nil, kubeconfig.AuthInfo{ClientCertificate: "client.crt", ClientKey: filepath.Join(dir, "client.key"), TokenFile: "token"})
		kc.Clusters[0].Cluster.CertificateAuthority = "ca.crt"
		return kc
	}

	t.Run("files", func(t *testing.T) {
		w := newAuthorizer(t, webhook.Config{KubeconfigFile: write(t, withFiles())})
		if d, _, err := w.Authorize(context.Background(), getPod(alice, "web")); d != authz.Allow || err != nil {
			t.Fatalf("%v, %v", d, err)
		}
		_, headers := s.recorded()
		if got := headers[len(headers)-1].Get("Authorization"); got != "Bearer t0ken" {
			t.Errorf("Authorization %q", got)
		}
	})
	t.Run("inline data", func(t *testing.T) {
		kc := kubeconfig.New("webhook", s.URL+"/authorize", s.ca.CertPEM, kubeconfig.AuthInfo{ClientCertificateData: client.CertPEM, ClientKeyData: client.KeyPEM})
		w := newAuthorizer(t, webhook.Config{KubeconfigFile: write(t, kc)})
		if d, _, err := w.Authorize(context.Background(), getPod(alice, "web")); d != authz.Allow || err != nil {
			t.Fatalf("%v, %v", d, err)
		}
	})
	t.Run("no client certificate", func(t *testing.T) {
		kc := kubeconfig.New("webhook", s.URL+"/authorize", s.ca.CertPEM, kubeconfig.AuthInfo{})
		w := newAuthorizer(t, webhook.Config{KubeconfigFile: write(t, kc)})
		if d, _, err := w.Authorize(context.Background(), getPod(alice, "web")); d != authz.NoOpinion || !errors.Is(err, webhook.ErrRequest) {
			t.Fatalf("%v, %v", d, err)
		}
	})

	bad := []struct {
		name string
		edit func(*kubeconfig.Config)
		want string
	}{
		{"no current context", func(kc *kubeconfig.Config) { kc.CurrentContext = "" }, "no current-context"},
		{"unknown context", func(kc *kubeconfig.Config) { kc.CurrentContext = "x" }, `current-context "x" is not among the contexts`},
		{"unknown cluster", func(kc *kubeconfig.Config) { kc.Contexts[0].Context.Cluster = "x" }, `context "webhook" names cluster "x", which is not among the clusters`},
		{"unknown user", func(kc *kubeconfig.Config) { kc.Contexts[0].Context.User = "x" }, `context "webhook" names user "x", which is not among the users`},
		{"missing CA file", func(kc *kubeconfig.Config) { kc.Clusters[0].Cluster.CertificateAuthority = "nope.crt" }, "no such file or directory"},
		{"insecure", func(kc *kubeconfig.Config) { kc.Clusters[0].Cluster.InsecureSkipTLSVerify = true }, "insecure-skip-tls-verify is not supported"},
		{"basic auth", func(kc *kubeconfig.Config) { kc.Users[0].User.Username = "u" }, "basic authentication"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			kc := withFiles()
			tc.edit(kc)
			_, err := webhook.New(webhook.Config{KubeconfigFile: write(t, kc)})
			if !errors.Is(err, webhook.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrConfig with %q", err, tc.want)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  webhook.Config
		want string
	}{
		{"nothing", webhook.Config{}, "no webhook URL"},
		{"both", webhook.Config{URL: "https://x", KubeconfigFile: "k"}, "either KubeconfigFile or URL"},
		{"not a URL", webhook.Config{URL: "x"}, `webhook URL "x" is not an http(s) URL with a host`},
		{"bad CA", webhook.Config{URL: "https://x", CAData: []byte("junk")}, "holds no PEM certificate"},
		{"key without certificate", webhook.Config{URL: "https://x", ClientKeyData: []byte("junk")}, "client certificate"},
		{"missing kubeconfig", webhook.Config{KubeconfigFile: "/nonexistent/kubeconfig"}, "no such file"},
	}
	for _, tc := range cases {
		if _, err := webhook.New(tc.cfg); !errors.Is(err, webhook.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrConfig with %q", tc.name, err, tc.want)
		}
	}
}

// TestConcurrent shares one authorizer, and its cache, between goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	s := newService(t, nil)
	w := newAuthorizer(t, s.config(clocktesting.NewFakeClock(time.Now())))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if d, _, err := w.Authorize(context.Background(), getPod(alice, fmt.Sprintf("p%d", (g+i)%5))); d != authz.Allow || err != nil {
					t.Errorf("%v, %v", d, err)
				}
			}
		}()
	}
	wg.Wait()
	if got := s.calls(); got < 5 || got > 40 {
		t.Errorf("%d calls for 5 distinct requests from 8 goroutines", got)
	}
}
