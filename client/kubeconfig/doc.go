// Package kubeconfig reads and writes kubeconfig files, the format kubectl keeps its clusters,
// users and contexts in.
//
//	cfg := kubeconfig.New("skiff", "https://127.0.0.1:6443", caPEM, kubeconfig.AuthInfo{
//		ClientCertificateData: certPEM, ClientKeyData: keyPEM,
//	})
//	err := cfg.WriteFile("admin.kubeconfig")
package kubeconfig
