package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api"
)

// Config says where the API server is, how to trust it, who the client is, and how hard it may
// push. The zero value of every field but Host has a sensible default.
type Config struct {
	// Host is the server's base URL, "https://127.0.0.1:6443". A path after the host is kept as a
	// prefix of every request path.
	Host string
	// TLS is how the client checks the server and which certificate it presents.
	TLS TLSConfig
	// BearerToken authenticates every request; BearerTokenFile is read instead when set, and read
	// again once a minute so that rotated tokens (projected service-account tokens) are picked up.
	BearerToken     string
	BearerTokenFile string
	// BearerTokenSource, when set, is asked for the token of every request; it caches and
	// renews tokens itself (service-account tokens from TokenRequest, for example).
	BearerTokenSource func() (string, error)
	// Username and Password are HTTP basic credentials (legacy; few servers accept them).
	Username, Password string
	// Impersonate acts as another user, when the client's own user may impersonate.
	Impersonate Impersonation
	// Transport, when set, carries requests instead of a TLS transport built from TLS (the API
	// server's in-process transport in tests and embedded clusters). Credentials are still added.
	Transport http.RoundTripper
	// QPS and Burst size the token bucket every request takes from: client-go's defaults, 5 and 10,
	// when zero. A negative QPS turns rate limiting off.
	QPS   float32
	Burst int
	// MaxRetries bounds the retries of a request answered 429 or 5xx with Retry-After; 10 when zero,
	// none when negative.
	MaxRetries int
	// Timeout bounds every request but watches; none when zero.
	Timeout time.Duration
	// UserAgent names the client to the server (and in its audit log).
	UserAgent string
	// Registry holds the kinds the client can encode and decode; api.Builtin() when nil.
	Registry *api.Registry
	// Clock times retries; the real clock when nil.
	Clock clock.WithTicker
}

// TLSConfig is the TLS side of a Config, as a kubeconfig describes it: files or PEM data.
type TLSConfig struct {
	// Insecure skips checking the server's certificate. For tests only.
	Insecure bool
	// ServerName overrides the name checked in the server's certificate.
	ServerName string
	// CAFile or CAData: the certificate authorities the server's certificate must chain to; the
	// system's roots when both are empty.
	CAFile string
	CAData []byte
	// CertFile/KeyFile or CertData/KeyData: the client certificate.
	CertFile, KeyFile string
	CertData, KeyData []byte
}

// Impersonation is who the client acts as (Impersonate-User, -Group, -Uid, -Extra-* headers).
type Impersonation struct {
	UserName string
	UID      string
	Groups   []string
	Extra    map[string][]string
}

// ErrConfig is wrapped by errors about a Config that cannot work.
var ErrConfig = errors.New("client: invalid configuration")

// tlsConfig builds the crypto/tls configuration, reading the files the config names.
func (c *TLSConfig) tlsConfig() (*tls.Config, error) {
	out := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.ServerName, InsecureSkipVerify: c.Insecure} //nolint:gosec // Insecure is the caller's explicit choice.
	ca := c.CAData
	if c.CAFile != "" {
		if len(ca) > 0 {
			return nil, fmt.Errorf("%w: both a CA file and CA data are set", ErrConfig)
		}
		b, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%w: CA: %w", ErrConfig, err)
		}
		ca = b
	}
	if len(ca) > 0 {
		if c.Insecure {
			return nil, fmt.Errorf("%w: a CA and insecure (skip TLS verification) are both set: specify only one", ErrConfig)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, fmt.Errorf("%w: the CA holds no PEM certificate", ErrConfig)
		}
		out.RootCAs = pool
	}
	cert, key := c.CertData, c.KeyData
	if c.CertFile != "" {
		b, err := os.ReadFile(c.CertFile)
		if err != nil {
			return nil, fmt.Errorf("%w: client certificate: %w", ErrConfig, err)
		}
		cert = b
	}
	if c.KeyFile != "" {
		b, err := os.ReadFile(c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: client key: %w", ErrConfig, err)
		}
		key = b
	}
	switch {
	case len(cert) > 0 && len(key) > 0:
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("%w: client certificate: %w", ErrConfig, err)
		}
		out.Certificates = []tls.Certificate{pair}
	case len(cert) > 0:
		return nil, fmt.Errorf("%w: a client certificate without its key", ErrConfig)
	case len(key) > 0:
		return nil, fmt.Errorf("%w: a client key without its certificate", ErrConfig)
	}
	return out, nil
}

// authTransport adds credentials, impersonation and the user agent to every request.
type authTransport struct {
	next      http.RoundTripper
	token     func() (string, error)
	user, pw  string
	imp       Impersonation
	userAgent string
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if r.Header.Get("Authorization") == "" {
		if t.token != nil {
			tok, err := t.token()
			if err != nil {
				return nil, err
			}
			if tok != "" {
				r.Header.Set("Authorization", "Bearer "+tok)
			}
		} else if t.user != "" || t.pw != "" {
			r.SetBasicAuth(t.user, t.pw)
		}
	}
	if t.imp.UserName != "" {
		r.Header.Set("Impersonate-User", t.imp.UserName)
		if t.imp.UID != "" {
			r.Header.Set("Impersonate-Uid", t.imp.UID)
		}
		for _, g := range t.imp.Groups {
			r.Header.Add("Impersonate-Group", g)
		}
		for k, vs := range t.imp.Extra {
			for _, v := range vs {
				r.Header.Add("Impersonate-Extra-"+headerKeyEscape(k), v)
			}
		}
	}
	if t.userAgent != "" && r.Header.Get("User-Agent") == "" {
		r.Header.Set("User-Agent", t.userAgent)
	}
	return t.next.RoundTrip(r)
}

// headerKeyEscape percent-encodes the characters of an extra's key that a header name cannot hold,
// as client-go does, so that keys such as "example.com/team" survive.
func headerKeyEscape(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if isTokenChar(c) && c != '%' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// tokenFile reads a bearer token file, again after a minute, keeping the last good token if a
// re-read fails.
type tokenFile struct {
	path  string
	clock clock.PassiveClock
	mu    sync.Mutex
	tok   string
	read  time.Time
}

func (f *tokenFile) get() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	if f.tok != "" && now.Sub(f.read) < time.Minute {
		return f.tok, nil
	}
	b, err := os.ReadFile(f.path)
	if err != nil {
		if f.tok != "" {
			return f.tok, nil
		}
		return "", fmt.Errorf("client: bearer token file: %w", err)
	}
	f.tok, f.read = strings.TrimSpace(string(b)), now
	return f.tok, nil
}
