package pki_test

import (
	"crypto/x509"
	"net"
	"testing"
	"time"

	"github.com/skiff-io/skiff/pki"
)

func TestIssueSaveLoad(t *testing.T) {
	ca, err := pki.NewCA("test-ca", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ca.Issue(pki.Options{CommonName: "apiserver", DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Usage: pki.ServerAuth})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "localhost", KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		t.Errorf("serving certificate does not verify for localhost: %v", err)
	}
	if err := srv.Cert.VerifyHostname("127.0.0.1"); err != nil {
		t.Errorf("serving certificate lacks its IP: %v", err)
	}
	if _, err := srv.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err == nil {
		t.Error("serving certificate usable for client auth")
	}
	dir := t.TempDir()
	if err := ca.Save(dir, "ca"); err != nil {
		t.Fatal(err)
	}
	back, err := pki.LoadCA(dir, "ca")
	if err != nil {
		t.Fatal(err)
	}
	client, err := back.Issue(pki.Options{CommonName: "admin", Organizations: []string{"system:masters"}, Usage: pki.ClientAuth})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("a certificate from the reloaded CA does not verify against the original: %v", err)
	}
	if err := srv.Save(dir, "apiserver"); err != nil {
		t.Fatal(err)
	}
	if _, err := pki.LoadCA(dir, "apiserver"); err == nil {
		t.Error("a leaf certificate loaded as a CA")
	}
	if _, err := pki.LoadKeyPair(dir, "missing"); err == nil {
		t.Error("missing files loaded")
	}
	if _, err := ca.Issue(pki.Options{}); err == nil {
		t.Error("certificate without a common name issued")
	}
}
