package serviceaccount_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/authn/serviceaccount"
)

// TestIssuedClaims pins the wire form of a token: the header and the claims Kubernetes puts in a
// pod-bound token, so that Kubernetes tooling reading skiff's tokens finds what it expects.
func TestIssuedClaims(t *testing.T) {
	e := newEnv(t)
	e.clock.SetTime(t0.Add(500 * time.Millisecond)) // times are whole seconds
	tok, expiresAt, err := e.issuer.Issue(e.sa, []string{apiAud, "vault"}, 10*time.Minute, e.podBound())
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(10 * time.Minute); !expiresAt.Equal(want) {
		t.Errorf("expiresAt = %v, want %v", expiresAt, want)
	}
	der, err := x509.MarshalPKIXPublicKey(ecKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	wantHeader := map[string]any{"alg": "ES256", "kid": base64.RawURLEncoding.EncodeToString(sum[:])}
	if diff := cmp.Diff(wantHeader, unsafePart(t, tok, 0)); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	wantClaims := map[string]any{
		"iss": issuerURL,
		"sub": "system:serviceaccount:ci:builder",
		"aud": []any{apiAud, "vault"},
		"iat": float64(t0.Unix()),
		"nbf": float64(t0.Unix()),
		"exp": float64(t0.Add(10 * time.Minute).Unix()),
		"kubernetes.io": map[string]any{
			"namespace":      "ci",
			"serviceaccount": map[string]any{"name": "builder", "uid": "sa-uid-1"},
			"pod":            map[string]any{"name": "build-7f9c4", "uid": "pod-uid-1"},
		},
	}
	got := unsafePart(t, tok, 1)
	if jti, _ := got["jti"].(string); len(jti) != 36 {
		t.Errorf("jti %q is not a UUID", jti)
	}
	if diff := cmp.Diff(wantClaims, got, cmpopts.IgnoreMapEntries(func(k string, _ any) bool { return k == "jti" })); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	other, _, err := e.issuer.Issue(e.sa, []string{apiAud}, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	if unsafePart(t, other, 1)["jti"] == got["jti"] {
		t.Error("two tokens share a jti")
	}
}

// hsm is a crypto.Signer that is not a key type go-jose knows, as an HSM's or KMS's would be.
type hsm struct{ crypto.Signer }

func (h hsm) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return h.Signer.Sign(r, digest, opts)
}

func TestIssuerWithOpaqueSigner(t *testing.T) {
	for _, key := range []crypto.Signer{hsm{ecKeyFor(t)}, hsm{rsaKeyFor(t)}} {
		e := newEnv(t)
		issuer, err := serviceaccount.NewIssuer(key, issuerURL, e.clock)
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := issuer.Issue(e.sa, []string{apiAud}, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp, ok, err := e.authn.AuthenticateToken(e.ctx, tok); !ok || err != nil || resp.User.Name != "system:serviceaccount:ci:builder" {
			t.Errorf("%T token: %v, %v", key.Public(), ok, err)
		}
	}
}

func ecKeyFor(t *testing.T) crypto.Signer  { keys(t); return ecKey }
func rsaKeyFor(t *testing.T) crypto.Signer { keys(t); return rsaKey }

func TestNewIssuerErrors(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := serviceaccount.NewIssuer(edKey, issuerURL, nil); !errors.Is(err, serviceaccount.ErrUnsupportedKey) {
		t.Errorf("Ed25519: error %v, want ErrUnsupportedKey (Kubernetes signs with RSA or ECDSA only)", err)
	}
	if _, err := serviceaccount.NewIssuer(nil, issuerURL, nil); !errors.Is(err, serviceaccount.ErrUnsupportedKey) {
		t.Errorf("nil key: error %v, want ErrUnsupportedKey", err)
	}
	if _, err := serviceaccount.NewIssuer(ecKeyFor(t), "", nil); err == nil {
		t.Error("empty issuer accepted")
	}
}

func TestIssueErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name       string
		sa         *core.ServiceAccount
		audiences  []string
		expiration time.Duration
		bound      *serviceaccount.BoundObject
	}{
		{"no service account", nil, []string{apiAud}, time.Hour, nil},
		{"service account without uid", &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "ci", Name: "b"}}, []string{apiAud}, time.Hour, nil},
		{"no audience", e.sa, nil, time.Hour, nil},
		{"no lifetime", e.sa, []string{apiAud}, 0, nil},
		{"bound to a node", e.sa, []string{apiAud}, time.Hour, &serviceaccount.BoundObject{Kind: "Node", Name: "n", UID: "u"}},
		{"bound object without uid", e.sa, []string{apiAud}, time.Hour, &serviceaccount.BoundObject{Kind: "Pod", Name: "p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tok, _, err := e.issuer.Issue(tt.sa, tt.audiences, tt.expiration, tt.bound); err == nil {
				t.Errorf("issued %q", tok)
			}
		})
	}
}
