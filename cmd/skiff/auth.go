package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authn/basicauth"
	"github.com/skiff-io/skiff/authn/serviceaccount"
	"github.com/skiff-io/skiff/authn/tokenfile"
	"github.com/skiff-io/skiff/store"
)

// authnOptions are kube-apiserver's authentication flags that skiff serves.
type authnOptions struct {
	tokenAuthFile string
	basicAuthFile string
	saSigningKey  string
	saKeyFiles    []string
	saIssuer      string
	apiAudiences  []string
	anonymousAuth bool
}

func (o *authnOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.tokenAuthFile, "token-auth-file", "", "static bearer tokens, in Kubernetes' CSV format: token,user,uid,\"group1,group2\"")
	f.StringVar(&o.basicAuthFile, "basic-auth-file", "", "legacy (removed from Kubernetes in 1.19): passwords in CSV: password,user,uid,\"group1,group2\"")
	f.StringVar(&o.saSigningKey, "service-account-signing-key-file", "", "private key that signs service account tokens (default: DIR/pki/sa.key, made on first start)")
	f.StringSliceVar(&o.saKeyFiles, "service-account-key-file", nil, "public (or private) keys that verify service account tokens, besides the signing key's")
	f.StringVar(&o.saIssuer, "service-account-issuer", "https://kubernetes.default.svc.cluster.local", "issuer (iss) of service account tokens")
	f.StringSliceVar(&o.apiAudiences, "api-audiences", nil, "audiences tokens must be for (default: the issuer)")
	f.BoolVar(&o.anonymousAuth, "anonymous-auth", false, "serve requests without credentials as system:anonymous")
}

// serviceAccountKey loads the token signing key, making an ECDSA P-256 key in the data dir on
// first start.
func serviceAccountKey(dataDir, path string) (crypto.Signer, error) {
	if path == "" {
		path = filepath.Join(dataDir, "pki", "sa.key")
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				return nil, err
			}
			der, err := x509.MarshalECPrivateKey(key)
			if err != nil {
				return nil, err
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
				return nil, err
			}
			return key, nil
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("service account key %s holds no PEM block", path)
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("service account key %s: not an EC, RSA or PKCS#8 private key: %w", path, err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("service account key %s cannot sign", path)
	}
	return signer, nil
}

// publicKeys reads verification keys: certificates, public keys or private keys, in PEM.
func publicKeys(paths []string) ([]crypto.PublicKey, error) {
	var out []crypto.PublicKey
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
			switch block.Type {
			case "PUBLIC KEY":
				k, err := x509.ParsePKIXPublicKey(block.Bytes)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", p, err)
				}
				out = append(out, k)
			case "CERTIFICATE":
				c, err := x509.ParseCertificate(block.Bytes)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", p, err)
				}
				out = append(out, c.PublicKey)
			case "EC PRIVATE KEY":
				k, err := x509.ParseECPrivateKey(block.Bytes)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", p, err)
				}
				out = append(out, k.Public())
			case "RSA PRIVATE KEY":
				k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", p, err)
				}
				out = append(out, k.Public())
			}
		}
	}
	return out, nil
}

// buildAuthn assembles the authenticators in kube-apiserver's order: client certificates, static
// tokens, service account tokens, then (legacy) basic auth; anonymous only for requests with no
// credential at all. It also returns the issuer behind the TokenRequest API.
func buildAuthn(o *authnOptions, dataDir string, x509Auth authn.Authenticator, st store.Reader) (authn.Authenticator, *serviceaccount.TokenRequester, error) {
	as := []authn.Authenticator{x509Auth}
	if o.tokenAuthFile != "" {
		t, err := tokenfile.Load(o.tokenAuthFile)
		if err != nil {
			return nil, nil, err
		}
		as = append(as, t)
	}
	key, err := serviceAccountKey(dataDir, o.saSigningKey)
	if err != nil {
		return nil, nil, fmt.Errorf("service account signing key: %w", err)
	}
	issuer, err := serviceaccount.NewIssuer(key, o.saIssuer, clock.RealClock{})
	if err != nil {
		return nil, nil, err
	}
	keys, err := publicKeys(o.saKeyFiles)
	if err != nil {
		return nil, nil, err
	}
	keys = append(keys, key.Public())
	lookup := serviceaccount.StoreLookup(st)
	saAuth, err := serviceaccount.NewAuthenticator(keys, []string{o.saIssuer}, o.apiAudiences, lookup, clock.RealClock{})
	if err != nil {
		return nil, nil, err
	}
	as = append(as, saAuth)
	if o.basicAuthFile != "" {
		b, err := basicauth.Load(o.basicAuthFile)
		if err != nil {
			return nil, nil, err
		}
		as = append(as, b)
	}
	a := authn.Union(as...)
	if o.anonymousAuth {
		a = authn.WithAnonymous(a)
	}
	return a, &serviceaccount.TokenRequester{Issuer: issuer, Lookup: lookup, Audiences: o.apiAudiences}, nil
}
