package serviceaccount_test

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authn/serviceaccount"
)

func builderUser(extra map[string][]string) authn.User {
	return authn.User{
		Name:   "system:serviceaccount:ci:builder",
		UID:    "sa-uid-1",
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"},
		Extra:  extra,
	}
}

func TestAuthenticateToken(t *testing.T) {
	tests := []struct {
		name string
		// token makes the token, after changing e as the case needs.
		token    func(t *testing.T, e *env) string
		wantUser func(t *testing.T, token string) authn.User
		wantAuds []string
		wantErr  error
		wantMsg  string // a substring of the error, when it must say more than its sentinel
	}{
		{
			name:     "valid",
			token:    func(t *testing.T, e *env) string { return e.issue(t, nil) },
			wantUser: withJTI(nil),
			wantAuds: []string{apiAud},
		},
		{
			name: "valid, for one of several audiences",
			token: func(t *testing.T, e *env) string {
				tok, _, err := e.issuer.Issue(e.sa, []string{"https://other.example.com", "vault"}, time.Hour, nil)
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			wantUser: withJTI(nil),
			wantAuds: []string{"vault"},
		},
		{
			name:     "valid, bound to a pod",
			token:    func(t *testing.T, e *env) string { return e.issue(t, e.podBound()) },
			wantUser: withJTI(map[string][]string{serviceaccount.ExtraPodName: {"build-7f9c4"}, serviceaccount.ExtraPodUID: {"pod-uid-1"}}),
			wantAuds: []string{apiAud},
		},
		{
			name: "valid, bound to a secret",
			token: func(t *testing.T, e *env) string {
				return e.issue(t, &serviceaccount.BoundObject{Kind: "Secret", Name: "builder-token", UID: "secret-uid-1"})
			},
			wantUser: withJTI(nil),
			wantAuds: []string{apiAud},
		},
		{
			name: "valid, RS256",
			token: func(t *testing.T, e *env) string {
				tok, _, err := e.rsaIssuer.Issue(e.sa, []string{apiAud}, time.Hour, nil)
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			wantUser: withJTI(nil),
			wantAuds: []string{apiAud},
		},
		{
			name: "valid within the leeway after expiry",
			token: func(t *testing.T, e *env) string {
				tok := e.issue(t, nil)
				e.clock.SetTime(t0.Add(time.Hour + 59*time.Second))
				return tok
			},
			wantUser: withJTI(nil),
			wantAuds: []string{apiAud},
		},
		{
			name: "valid while its pod terminates gracefully",
			token: func(t *testing.T, e *env) string {
				e.markDeleted(t, "pods", e.pod, t0.Add(30*time.Second)) // grace period ends in 30s
				return e.issue(t, e.podBound())
			},
			wantUser: withJTI(map[string][]string{serviceaccount.ExtraPodName: {"build-7f9c4"}, serviceaccount.ExtraPodUID: {"pod-uid-1"}}),
			wantAuds: []string{apiAud},
		},
		{
			name: "forged: signed by another key",
			token: func(t *testing.T, e *env) string {
				return sign(t, otherECKey, jose.ES256, e.claims())
			},
			wantErr: serviceaccount.ErrInvalidSignature,
		},
		{
			name: "forged: signed by another key that claims a trusted key's id",
			token: func(t *testing.T, e *env) string {
				kid := unsafePart(t, e.issue(t, nil), 0)["kid"].(string)
				return sign(t, jose.JSONWebKey{Key: otherECKey, KeyID: kid}, jose.ES256, e.claims())
			},
			wantErr: serviceaccount.ErrInvalidSignature,
		},
		{
			name: "tampered payload: another service account",
			token: func(t *testing.T, e *env) string {
				e.create(t, "serviceaccounts", &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "ci", Name: "admin", UID: "admin-uid"}})
				parts := strings.Split(e.issue(t, nil), ".")
				claims := unsafePart(t, strings.Join(parts, "."), 1)
				claims["sub"] = "system:serviceaccount:ci:admin"
				claims["kubernetes.io"] = map[string]any{"namespace": "ci", "serviceaccount": map[string]any{"name": "admin", "uid": "admin-uid"}}
				parts[1] = b64(claims)
				return strings.Join(parts, ".")
			},
			wantErr: serviceaccount.ErrInvalidSignature,
		},
		{
			name: "tampered payload: longer expiry",
			token: func(t *testing.T, e *env) string {
				parts := strings.Split(e.issue(t, nil), ".")
				claims := unsafePart(t, strings.Join(parts, "."), 1)
				claims["exp"] = t0.Add(1000 * time.Hour).Unix()
				parts[1] = b64(claims)
				return strings.Join(parts, ".")
			},
			wantErr: serviceaccount.ErrInvalidSignature,
		},
		{
			name: "tampered header: algorithm switched to RS256",
			token: func(t *testing.T, e *env) string {
				parts := strings.Split(e.issue(t, nil), ".")
				parts[0] = b64(map[string]string{"alg": "RS256"})
				return strings.Join(parts, ".")
			},
			wantErr: serviceaccount.ErrInvalidSignature,
		},
		{
			name: `algorithm "none"`,
			token: func(t *testing.T, e *env) string {
				return b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + b64(e.claims()) + "."
			},
			wantErr: serviceaccount.ErrInvalidAlgorithm,
			wantMsg: `"none"`,
		},
		{
			name: "HS256 keyed with the public key",
			token: func(t *testing.T, e *env) string {
				der, err := x509.MarshalPKIXPublicKey(ecKey.Public())
				if err != nil {
					t.Fatal(err)
				}
				return sign(t, der, jose.HS256, e.claims())
			},
			wantErr: serviceaccount.ErrInvalidAlgorithm,
		},
		{
			name:    "ES384: no trusted key signs with it",
			token:   func(t *testing.T, e *env) string { return sign(t, p384Key, jose.ES384, e.claims()) },
			wantErr: serviceaccount.ErrInvalidAlgorithm,
		},
		{
			name: "expired",
			token: func(t *testing.T, e *env) string {
				tok := e.issue(t, nil)
				e.clock.SetTime(t0.Add(time.Hour + Leeway() + time.Second))
				return tok
			},
			wantErr: serviceaccount.ErrExpired,
			wantMsg: "token has expired",
		},
		{
			name: "not yet valid",
			token: func(t *testing.T, e *env) string {
				tok := e.issue(t, nil)
				e.clock.SetTime(t0.Add(-Leeway() - time.Second))
				return tok
			},
			wantErr: serviceaccount.ErrNotYetValid,
		},
		{
			name: "issued in the future",
			token: func(t *testing.T, e *env) string {
				c := e.claims()
				delete(c, "nbf")
				c["iat"] = t0.Add(10 * time.Minute).Unix()
				return sign(t, ecKey, jose.ES256, c)
			},
			wantErr: serviceaccount.ErrNotYetValid,
		},
		{
			name: "wrong issuer",
			token: func(t *testing.T, e *env) string {
				other, err := serviceaccount.NewIssuer(ecKey, "https://evil.example.com", e.clock)
				if err != nil {
					t.Fatal(err)
				}
				tok, _, err := other.Issue(e.sa, []string{apiAud}, time.Hour, nil)
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			wantErr: serviceaccount.ErrInvalidIssuer,
			wantMsg: "https://evil.example.com",
		},
		{
			name: "wrong audience",
			token: func(t *testing.T, e *env) string {
				tok, _, err := e.issuer.Issue(e.sa, []string{"https://other.example.com"}, time.Hour, nil)
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			wantErr: serviceaccount.ErrInvalidAudience,
			wantMsg: "token audience does not match",
		},
		{
			name: "no audience (a legacy token)",
			token: func(t *testing.T, e *env) string {
				c := e.claims()
				delete(c, "aud")
				return sign(t, ecKey, jose.ES256, c)
			},
			wantErr: serviceaccount.ErrInvalidAudience,
		},
		{
			name: "service account deleted",
			token: func(t *testing.T, e *env) string {
				tok := e.issue(t, nil)
				e.delete(t, "serviceaccounts", "ci", "builder")
				return tok
			},
			wantErr: serviceaccount.ErrServiceAccountDeleted,
			wantMsg: "serviceaccount: service account ci/builder has been deleted",
		},
		{
			name: "service account recreated with another uid",
			token: func(t *testing.T, e *env) string {
				tok := e.issue(t, nil)
				e.delete(t, "serviceaccounts", "ci", "builder")
				e.create(t, "serviceaccounts", &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "ci", Name: "builder", UID: "sa-uid-2"}})
				return tok
			},
			wantErr: serviceaccount.ErrServiceAccountDeleted,
			wantMsg: "service account ci/builder has been deleted (a new one has uid sa-uid-2, the token was issued for uid sa-uid-1)",
		},
		{
			name: "service account being deleted for longer than the leeway",
			token: func(t *testing.T, e *env) string {
				e.markDeleted(t, "serviceaccounts", e.sa, t0.Add(-2*time.Minute))
				return e.issue(t, nil)
			},
			wantErr: serviceaccount.ErrServiceAccountDeleted,
		},
		{
			name: "bound pod deleted",
			token: func(t *testing.T, e *env) string {
				tok := e.issue(t, e.podBound())
				e.delete(t, "pods", "ci", "build-7f9c4")
				return tok
			},
			wantErr: serviceaccount.ErrPodDeleted,
			wantMsg: "serviceaccount: pod ci/build-7f9c4 has been deleted",
		},
		{
			name: "bound pod recreated with another uid",
			token: func(t *testing.T, e *env) string {
				tok := e.issue(t, e.podBound())
				e.delete(t, "pods", "ci", "build-7f9c4")
				p := e.pod.DeepCopy()
				p.UID, p.ResourceVersion = "pod-uid-2", ""
				e.create(t, "pods", p)
				return tok
			},
			wantErr: serviceaccount.ErrPodDeleted,
		},
		{
			name: "bound pod past its grace period",
			token: func(t *testing.T, e *env) string {
				tok := e.issue(t, e.podBound())
				e.markDeleted(t, "pods", e.pod, t0.Add(30*time.Second))
				e.clock.SetTime(t0.Add(30*time.Second + Leeway() + time.Second))
				return tok
			},
			wantErr: serviceaccount.ErrPodDeleted,
			wantMsg: "deletion pending since 2024-05-14T09:30:30Z",
		},
		{
			name: "bound secret deleted",
			token: func(t *testing.T, e *env) string {
				tok := e.issue(t, &serviceaccount.BoundObject{Kind: "Secret", Name: "builder-token", UID: "secret-uid-1"})
				e.delete(t, "secrets", "ci", "builder-token")
				return tok
			},
			wantErr: serviceaccount.ErrSecretDeleted,
		},
		{
			name: "no kubernetes.io claim",
			token: func(t *testing.T, e *env) string {
				c := e.claims()
				delete(c, "kubernetes.io")
				return sign(t, ecKey, jose.ES256, c)
			},
			wantErr: serviceaccount.ErrMalformed,
		},
		{
			name: "subject names another service account than the claim",
			token: func(t *testing.T, e *env) string {
				c := e.claims()
				c["sub"] = "system:serviceaccount:kube-system:admin"
				return sign(t, ecKey, jose.ES256, c)
			},
			wantErr: serviceaccount.ErrMalformed,
		},
		{
			name: "no expiry",
			token: func(t *testing.T, e *env) string {
				c := e.claims()
				delete(c, "exp")
				return sign(t, ecKey, jose.ES256, c)
			},
			wantErr: serviceaccount.ErrMalformed,
		},
		{
			name: "claims of the wrong type",
			token: func(t *testing.T, e *env) string {
				c := e.claims()
				c["exp"] = "tomorrow"
				return sign(t, ecKey, jose.ES256, c)
			},
			wantErr: serviceaccount.ErrMalformed,
		},
		{
			name: "payload not base64",
			token: func(t *testing.T, e *env) string {
				return b64(map[string]string{"alg": "ES256"}) + ".!!!." + "sig"
			},
			wantErr: serviceaccount.ErrMalformed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			token := tt.token(t, e)
			resp, ok, err := e.authn.AuthenticateToken(e.ctx, token)
			if tt.wantErr != nil {
				if ok || resp != nil || !errors.Is(err, tt.wantErr) {
					t.Fatalf("got %+v, %v, %v; want an error wrapping %v", resp, ok, err, tt.wantErr)
				}
				t.Logf("rejected: %v", err)
				if !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("error %q does not say %q", err, tt.wantMsg)
				}
				return
			}
			if err != nil || !ok {
				t.Fatalf("got %v, %v; want success", ok, err)
			}
			want := &authn.Response{User: tt.wantUser(t, token), Method: "serviceaccount", Audiences: tt.wantAuds}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

// Leeway is the package's, as a function so that the table reads as arithmetic on times.
func Leeway() time.Duration { return serviceaccount.Leeway }

// withJTI expects the builder user with extra, plus the credential id of the token at hand.
func withJTI(extra map[string][]string) func(t *testing.T, token string) authn.User {
	return func(t *testing.T, token string) authn.User {
		jti, _ := unsafePart(t, token, 1)["jti"].(string)
		if jti == "" {
			t.Fatal("token has no jti")
		}
		x := map[string][]string{serviceaccount.ExtraCredentialID: {"JTI=" + jti}}
		for k, v := range extra {
			x[k] = v
		}
		return builderUser(x)
	}
}

func TestAuthenticateRequest(t *testing.T) {
	e := newEnv(t)
	valid := e.issue(t, nil)
	tests := []struct {
		name    string
		header  string
		wantOK  bool
		wantErr error
	}{
		{name: "bearer service account token", header: "Bearer " + valid, wantOK: true},
		{name: "no credential", header: ""},
		{name: "basic credentials are not ours", header: "Basic YWxpY2U6czNjcjN0"},
		{name: "a static token is not ours", header: "Bearer 31ada4fd-adec-460c-809a-9e56ceb75269"},
		{name: "dots alone do not make a JWT", header: "Bearer a.b.c"},
		{name: "a bad service account token", header: "Bearer " + valid[:len(valid)-4] + "AAAA", wantErr: serviceaccount.ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/v1/namespaces/ci/pods", nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			resp, ok, err := e.authn.AuthenticateRequest(r)
			if ok != tt.wantOK || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("got %v, %v; want %v, %v", ok, err, tt.wantOK, tt.wantErr)
			}
			if ok && resp.User.Name != "system:serviceaccount:ci:builder" {
				t.Errorf("user %q", resp.User.Name)
			}
		})
	}
}

func TestLookupFailureRejects(t *testing.T) {
	e := newEnv(t)
	unavailable := errors.New("store unavailable")
	a, err := serviceaccount.NewAuthenticator([]crypto.PublicKey{ecKey.Public()}, []string{issuerURL}, nil, failingLookup{unavailable}, e.clock)
	if err != nil {
		t.Fatal(err)
	}
	_, ok, err := a.AuthenticateToken(e.ctx, e.issue(t, nil))
	if ok || !errors.Is(err, unavailable) || errors.Is(err, serviceaccount.ErrServiceAccountDeleted) {
		t.Errorf("got %v, %v; want the lookup's error, not a deletion", ok, err)
	}
}

func TestNewAuthenticator(t *testing.T) {
	keys(t)
	lookup := failingLookup{}
	tests := []struct {
		name      string
		keys      []crypto.PublicKey
		issuers   []string
		lookup    serviceaccount.Lookup
		wantErr   error
		wantError bool
	}{
		{name: "private keys are accepted for their public half", keys: []crypto.PublicKey{ecKey, rsaKey}, issuers: []string{issuerURL}, lookup: lookup},
		{name: "no keys", issuers: []string{issuerURL}, lookup: lookup, wantError: true},
		{name: "no issuers", keys: []crypto.PublicKey{ecKey.Public()}, lookup: lookup, wantError: true},
		{name: "empty issuer", keys: []crypto.PublicKey{ecKey.Public()}, issuers: []string{""}, lookup: lookup, wantError: true},
		{name: "no lookup", keys: []crypto.PublicKey{ecKey.Public()}, issuers: []string{issuerURL}, wantError: true},
		{name: "unsupported key", keys: []crypto.PublicKey{"not a key"}, issuers: []string{issuerURL}, lookup: lookup, wantErr: serviceaccount.ErrUnsupportedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := serviceaccount.NewAuthenticator(tt.keys, tt.issuers, nil, tt.lookup, nil)
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("error %v, want %v", err, tt.wantErr)
			case tt.wantErr == nil && tt.wantError != (err != nil):
				t.Errorf("error %v, want error: %v", err, tt.wantError)
			}
		})
	}
}

// TestAudiencesDefaultToIssuers mirrors kube-apiserver, whose --api-audiences defaults to the
// issuer: a token for the issuer is accepted by an authenticator configured without audiences.
func TestAudiencesDefaultToIssuers(t *testing.T) {
	e := newEnv(t)
	a, err := serviceaccount.NewAuthenticator([]crypto.PublicKey{ecKey.Public()}, []string{issuerURL}, nil, serviceaccount.StoreLookup(e.store), e.clock)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := e.issuer.Issue(e.sa, []string{issuerURL}, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, ok, err := a.AuthenticateToken(e.ctx, tok)
	if !ok || err != nil {
		t.Fatalf("got %v, %v", ok, err)
	}
	if diff := cmp.Diff([]string{issuerURL}, resp.Audiences); diff != "" {
		t.Errorf("audiences (-want +got):\n%s", diff)
	}
}

func FuzzServiceAccountToken(f *testing.F) {
	e := newEnv(f)
	valid := e.issue(f, e.podBound())
	f.Add(valid)
	f.Add(b64(map[string]string{"alg": "none"}) + "." + b64(e.claims()) + ".")
	f.Add(sign(f, otherECKey, jose.ES256, e.claims()))
	f.Add("a.b.c")
	f.Add(b64(map[string]string{"alg": "ES256"}) + "." + b64(map[string]any{"iss": issuerURL, "kubernetes.io": 1}) + ".")
	f.Add(b64(map[string]string{"alg": "ES256", "crit": "x"}) + "." + b64(map[string]any{"iss": issuerURL}) + "." + b64("sig"))
	f.Fuzz(func(t *testing.T, token string) {
		resp, ok, err := e.authn.AuthenticateToken(e.ctx, token)
		if ok == (err != nil) && ok {
			t.Fatalf("ok with error %v", err)
		}
		if ok && (resp.User.Name != "system:serviceaccount:ci:builder" || resp.User.Extra[serviceaccount.ExtraPodUID][0] != "pod-uid-1") {
			// Only the one signed token, or an encoding of it that verifies the same, may pass.
			t.Fatalf("accepted %q as %+v", token, resp.User)
		}
	})
}

func BenchmarkAuthenticateToken(b *testing.B) {
	e := newEnv(b)
	for _, bc := range []struct {
		name   string
		issuer *serviceaccount.Issuer
	}{{"ES256", e.issuer}, {"RS256", e.rsaIssuer}} {
		tok, _, err := bc.issuer.Issue(e.sa, []string{apiAud}, time.Hour, e.podBound())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok, err := e.authn.AuthenticateToken(e.ctx, tok); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}

func BenchmarkIssue(b *testing.B) {
	e := newEnv(b)
	for _, bc := range []struct {
		name   string
		issuer *serviceaccount.Issuer
	}{{"ES256", e.issuer}, {"RS256", e.rsaIssuer}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := bc.issuer.Issue(e.sa, []string{apiAud}, time.Hour, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestConcurrentUse issues and verifies from several goroutines at once, for the race detector:
// one Issuer and one Authenticator serve every request of an API server.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 10 {
				tok, _, err := e.issuer.Issue(e.sa, []string{apiAud}, time.Hour, e.podBound())
				if err != nil {
					errs <- err
					return
				}
				if _, ok, err := e.authn.AuthenticateToken(e.ctx, tok); !ok || err != nil {
					errs <- fmt.Errorf("issued token rejected: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
