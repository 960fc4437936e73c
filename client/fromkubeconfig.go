package client

import (
	"fmt"

	"github.com/skiff-io/skiff/client/kubeconfig"
)

// FromKubeconfig returns the Config for a context of a kubeconfig (the current one when context is
// empty) and the context's namespace ("default" when it names none). Load the kubeconfig the way
// kubectl finds it with kubeconfig.LoadSources.
//
// Credential plugins (exec, auth-provider) and proxy-url are refused with an error that says so,
// rather than ignored: a client silently sending no credentials would be harder to debug.
func FromKubeconfig(kc *kubeconfig.Config, context string) (Config, string, error) {
	r, err := kc.Resolve(context)
	if err != nil {
		return Config{}, "", err
	}
	cl, u := r.Cluster, r.User
	switch {
	case cl.ProxyURL != "":
		return Config{}, "", fmt.Errorf("%w: cluster %q: proxy-url is not supported", ErrConfig, r.ClusterName)
	case len(u.Exec) > 0:
		return Config{}, "", fmt.Errorf("%w: user %q: exec credential plugins are not supported", ErrConfig, r.UserName)
	case len(u.AuthProvider) > 0:
		return Config{}, "", fmt.Errorf("%w: user %q: auth-provider plugins are not supported", ErrConfig, r.UserName)
	}
	cfg := Config{
		Host: cl.Server,
		TLS: TLSConfig{
			Insecure:   cl.InsecureSkipTLSVerify,
			ServerName: cl.TLSServerName,
			CAFile:     cl.CertificateAuthority,
			CAData:     cl.CertificateAuthorityData,
			CertFile:   u.ClientCertificate,
			CertData:   u.ClientCertificateData,
			KeyFile:    u.ClientKey,
			KeyData:    u.ClientKeyData,
		},
		BearerToken: u.Token,
		Username:    u.Username,
		Password:    u.Password,
		Impersonate: Impersonation{UserName: u.Impersonate, UID: u.ImpersonateUID, Groups: u.ImpersonateGroups, Extra: u.ImpersonateUserExtra},
	}
	// kubectl prefers inline data over a file naming the same thing.
	if len(cfg.TLS.CAData) > 0 {
		cfg.TLS.CAFile = ""
	}
	if len(cfg.TLS.CertData) > 0 {
		cfg.TLS.CertFile = ""
	}
	if len(cfg.TLS.KeyData) > 0 {
		cfg.TLS.KeyFile = ""
	}
	if u.Token == "" {
		cfg.BearerTokenFile = u.TokenFile
	}
	return cfg, r.Namespace, nil
}
