package authn

import (
	"crypto/x509"
	"fmt"
	"net/http"
)

// X509 authenticates a request by its TLS client certificate, verified against roots for client
// authentication: the subject's common name is the user, its organizations the groups, as
// Kubernetes' --client-ca-file does. A request without a client certificate is not this
// authenticator's to judge (ok false); a certificate that does not verify is an error.
func X509(roots *x509.CertPool) Authenticator {
	return AuthenticatorFunc(func(r *http.Request) (*Response, bool, error) {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			return nil, false, nil
		}
		leaf := r.TLS.PeerCertificates[0]
		inter := x509.NewCertPool()
		for _, c := range r.TLS.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{
			Roots:         roots,
			Intermediates: inter,
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}); err != nil {
			return nil, false, fmt.Errorf("verifying certificate %q: %w", leaf.Subject.CommonName, err)
		}
		if leaf.Subject.CommonName == "" {
			return nil, false, fmt.Errorf("client certificate has no common name")
		}
		return &Response{User: User{Name: leaf.Subject.CommonName, Groups: append([]string(nil), leaf.Subject.Organization...)}, Method: "x509"}, true, nil
	})
}
