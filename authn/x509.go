package authn

import (
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// X509 authenticates a request by its TLS client certificate, verified against roots for client
// authentication: the subject's common name is the user, its organizations the groups, as
// Kubernetes' --client-ca-file does. A request without a client certificate is not this
// authenticator's to judge (ok false); a certificate that does not verify is an error.
//
// A chain that verified is remembered (until it expires, at most ten minutes) so that the
// signature checks run once per client, not once per request: they cost more than serving a small
// request.
func X509(roots *x509.CertPool) Authenticator {
	a := &x509Authenticator{roots: roots, cache: map[[32]byte]x509Entry{}, now: time.Now}
	return AuthenticatorFunc(a.authenticate)
}

const x509CacheTTL = 10 * time.Minute

type x509Entry struct {
	resp  *Response
	until time.Time
}

type x509Authenticator struct {
	roots *x509.CertPool
	now   func() time.Time
	mu    sync.Mutex
	cache map[[32]byte]x509Entry
}

func (a *x509Authenticator) authenticate(r *http.Request) (*Response, bool, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, false, nil
	}
	leaf := r.TLS.PeerCertificates[0]
	h := sha256.New()
	for _, c := range r.TLS.PeerCertificates {
		h.Write(c.Raw)
	}
	var key [32]byte
	h.Sum(key[:0])
	now := a.now()
	a.mu.Lock()
	e, ok := a.cache[key]
	a.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.resp, true, nil
	}
	inter := x509.NewCertPool()
	for _, c := range r.TLS.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots:         a.roots,
		Intermediates: inter,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		CurrentTime:   now,
	}); err != nil {
		return nil, false, fmt.Errorf("verifying certificate %q: %w", leaf.Subject.CommonName, err)
	}
	if leaf.Subject.CommonName == "" {
		return nil, false, fmt.Errorf("client certificate has no common name")
	}
	resp := &Response{User: User{Name: leaf.Subject.CommonName, Groups: append([]string(nil), leaf.Subject.Organization...)}, Method: "x509"}
	until := now.Add(x509CacheTTL)
	for _, c := range r.TLS.PeerCertificates {
		if c.NotAfter.Before(until) {
			until = c.NotAfter
		}
	}
	a.mu.Lock()
	if len(a.cache) > 10000 {
		clear(a.cache) // bounded: a flood of distinct certificates cannot grow it without limit
	}
	a.cache[key] = x509Entry{resp: resp, until: until}
	a.mu.Unlock()
	return resp, true, nil
}
