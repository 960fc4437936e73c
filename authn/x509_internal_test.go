package authn

import (
	"crypto/tls"
	"crypto/x509"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/skiff-io/skiff/pki"
)

// TestX509CacheNeverOutlivesTheCertificate: a verified chain is remembered, but never past the
// moment the certificate expires.
func TestX509CacheNeverOutlivesTheCertificate(t *testing.T) {
	ca, _ := pki.NewCA("ca", 24*time.Hour)
	kp, err := ca.Issue(pki.Options{CommonName: "bob", Usage: pki.ClientAuth, ValidFor: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	a := &x509Authenticator{roots: ca.Pool(), cache: map[[32]byte]x509Entry{}, now: func() time.Time { return now }}
	r := httptest.NewRequest("GET", "/", nil)
	r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{kp.Cert}}
	for i := range 2 {
		if resp, ok, err := a.authenticate(r); !ok || err != nil || resp.User.Name != "bob" {
			t.Fatalf("request %d: %v %v", i, ok, err)
		}
	}
	if len(a.cache) != 1 {
		t.Errorf("cache holds %d entries after two requests with one certificate", len(a.cache))
	}
	now = kp.Cert.NotAfter.Add(time.Second)
	if _, ok, err := a.authenticate(r); ok || err == nil {
		t.Error("an expired certificate was accepted from the cache")
	}
}
