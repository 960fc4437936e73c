// Package pki makes the certificates a cluster runs on: a certificate authority, serving
// certificates for the API server (and later kubelets), and client certificates whose common name
// is the user and whose organizations are the groups, as Kubernetes' x509 authentication reads them.
// Keys are ECDSA P-256.
//
//	ca, err := pki.NewCA("skiff-ca", 10*365*24*time.Hour)
//	serving, err := ca.Issue(pki.Options{CommonName: "skiff-apiserver", DNSNames: []string{"localhost"},
//		IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Usage: pki.ServerAuth})
//	admin, err := ca.Issue(pki.Options{CommonName: "kubernetes-admin", Organizations: []string{"system:masters"},
//		Usage: pki.ClientAuth})
package pki
