package authn_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/pki"
)

func TestUnion(t *testing.T) {
	none := authn.AuthenticatorFunc(func(*http.Request) (*authn.Response, bool, error) { return nil, false, nil })
	bad := authn.AuthenticatorFunc(func(*http.Request) (*authn.Response, bool, error) { return nil, false, errors.New("token expired") })
	alice := authn.AuthenticatorFunc(func(*http.Request) (*authn.Response, bool, error) {
		return &authn.Response{User: authn.User{Name: "alice"}}, true, nil
	})
	r := httptest.NewRequest("GET", "/", nil)
	if resp, ok, err := authn.Union(none, bad, alice).AuthenticateRequest(r); !ok || err != nil || resp.User.Name != "alice" || resp.User.Groups[len(resp.User.Groups)-1] != authn.AllAuthenticated {
		t.Errorf("first success must win over earlier failures, in system:authenticated: %v %v %v", resp, ok, err)
	}
	if _, ok, err := authn.Union(none, bad).AuthenticateRequest(r); ok || err == nil || err.Error() != "token expired" {
		t.Errorf("failures are reported: %v %v", ok, err)
	}
	if _, ok, err := authn.Union(none).AuthenticateRequest(r); ok || err != nil {
		t.Errorf("no credential: %v %v", ok, err)
	}
	if resp, ok, _ := authn.WithAnonymous(authn.Union(none)).AuthenticateRequest(r); !ok || resp.User.Name != authn.Anonymous || len(resp.User.Groups) != 1 || resp.User.Groups[0] != authn.AllUnauthenticated {
		t.Errorf("anonymous: %+v", resp)
	}
	if _, ok, err := authn.WithAnonymous(authn.Union(none, bad)).AuthenticateRequest(r); ok || err == nil {
		t.Errorf("a bad credential must not fall through to anonymous: %v %v", ok, err)
	}
}

func TestX509(t *testing.T) {
	ca, err := pki.NewCA("ca", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := pki.NewCA("other", time.Hour)
	client, _ := ca.Issue(pki.Options{CommonName: "bob", Organizations: []string{"devs", "ops"}, Usage: pki.ClientAuth})
	serverOnly, _ := ca.Issue(pki.Options{CommonName: "srv", Usage: pki.ServerAuth})
	foreign, _ := other.Issue(pki.Options{CommonName: "mallory", Usage: pki.ClientAuth})
	a := authn.X509(ca.Pool())
	req := func(kp *pki.KeyPair) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		if kp != nil {
			r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{kp.Cert}}
		}
		return r
	}
	if resp, ok, err := a.AuthenticateRequest(req(client)); !ok || err != nil || resp.User.Name != "bob" || len(resp.User.Groups) != 2 || resp.Method != "x509" {
		t.Errorf("valid client certificate: %+v %v %v", resp, ok, err)
	}
	if _, ok, err := a.AuthenticateRequest(req(nil)); ok || err != nil {
		t.Errorf("no certificate: %v %v", ok, err)
	}
	if _, ok, err := a.AuthenticateRequest(req(foreign)); ok || err == nil {
		t.Errorf("certificate from another CA accepted: %v %v", ok, err)
	}
	if _, ok, err := a.AuthenticateRequest(req(serverOnly)); ok || err == nil {
		t.Errorf("server-only certificate accepted for client auth: %v %v", ok, err)
	}
}
