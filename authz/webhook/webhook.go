package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/client/kubeconfig"
)

// Sentinel errors.
var (
	// ErrConfig is wrapped by every error New returns.
	ErrConfig = errors.New("webhook: invalid configuration")
	// ErrRequest is wrapped by every error Authorize returns: the service could not be reached, or
	// did not answer with a SubjectAccessReview.
	ErrRequest = errors.New("webhook: SubjectAccessReview failed")
)

// Defaults, as kube-apiserver's --authorization-webhook-* flags have them.
const (
	DefaultAuthorizedTTL   = 5 * time.Minute
	DefaultUnauthorizedTTL = 30 * time.Second
	DefaultTimeout         = 30 * time.Second
	DefaultCacheSize       = 8192
)

// Config says where the service is, how to reach it, and how long to keep its answers. Give either
// KubeconfigFile or URL.
type Config struct {
	// KubeconfigFile is a kubeconfig whose current context names the service as its cluster
	// (server, certificate-authority[-data], tls-server-name, insecure-skip-tls-verify) and the
	// credentials to present as its user (client-certificate[-data] and client-key[-data], token
	// or tokenFile). Relative file names are relative to the kubeconfig's directory.
	KubeconfigFile string

	// URL is the service's endpoint; reviews are POSTed to it as is, path included.
	URL string
	// CAData is the PEM bundle that signs the service's certificate; the system roots when empty.
	CAData []byte
	// ClientCertData and ClientKeyData are the PEM certificate and key to present, if any.
	ClientCertData, ClientKeyData []byte
	// BearerToken is sent as "Authorization: Bearer <token>", if set.
	BearerToken string
	// TLSServerName overrides the name the service's certificate is checked against.
	TLSServerName string

	// AuthorizedTTL is how long an allowed answer is kept; DefaultAuthorizedTTL when 0, not at all
	// when negative.
	AuthorizedTTL time.Duration
	// UnauthorizedTTL is how long any other answer is kept; DefaultUnauthorizedTTL when 0, not at
	// all when negative.
	UnauthorizedTTL time.Duration
	// CacheSize bounds the number of answers kept; DefaultCacheSize when 0.
	CacheSize int
	// Timeout bounds each call, retries apart; DefaultTimeout when 0.
	Timeout time.Duration
	// Backoff spaces the retries of a call that failed in a way worth retrying; DefaultBackoff when
	// zero.
	Backoff Backoff
	// Clock expires cached answers and times the backoff; the real clock when nil.
	Clock clock.Clock
	// Logger receives failed calls and evaluation errors the service reports.
	Logger logr.Logger
}

// Backoff is an exponential backoff: the first retry waits Initial, each next one Factor times
// longer, each wait stretched by up to Jitter of itself at random; a call is tried Steps times in
// all.
type Backoff struct {
	Initial time.Duration
	Factor  float64
	Jitter  float64
	Steps   int
}

// DefaultBackoff is Kubernetes' DefaultAuthWebhookRetryBackoff.
var DefaultBackoff = Backoff{Initial: 500 * time.Millisecond, Factor: 1.5, Jitter: 0.2, Steps: 5}

// Authorizer asks the webhook.
type Authorizer struct {
	url     string
	token   string
	client  *http.Client
	cache   *expiringLRU
	clock   clock.Clock
	backoff Backoff
	authTTL time.Duration
	denyTTL time.Duration
	log     logr.Logger
}

var _ authz.Authorizer = (*Authorizer)(nil)

// New returns an Authorizer for the service cfg describes. Errors wrap ErrConfig.
func New(cfg Config) (*Authorizer, error) {
	if cfg.KubeconfigFile != "" {
		if cfg.URL != "" {
			return nil, fmt.Errorf("%w: give either KubeconfigFile or URL, not both", ErrConfig)
		}
		if err := fromKubeconfig(&cfg); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, cfg.KubeconfigFile, err)
		}
	}
	if cfg.URL == "" {
		return nil, fmt.Errorf("%w: no webhook URL: set KubeconfigFile or URL", ErrConfig)
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%w: webhook URL %q is not an http(s) URL with a host", ErrConfig, cfg.URL)
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: cfg.TLSServerName}
	if len(cfg.CAData) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(cfg.CAData) {
			return nil, fmt.Errorf("%w: the certificate authority data holds no PEM certificate", ErrConfig)
		}
		tlsConfig.RootCAs = pool
	}
	if len(cfg.ClientCertData) > 0 || len(cfg.ClientKeyData) > 0 {
		cert, err := tls.X509KeyPair(cfg.ClientCertData, cfg.ClientKeyData)
		if err != nil {
			return nil, fmt.Errorf("%w: client certificate: %w", ErrConfig, err)
		}
		tlsConfig.Certificates = []tls.Certificate{cert}
	}
	if cfg.AuthorizedTTL == 0 {
		cfg.AuthorizedTTL = DefaultAuthorizedTTL
	}
	if cfg.UnauthorizedTTL == 0 {
		cfg.UnauthorizedTTL = DefaultUnauthorizedTTL
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = DefaultCacheSize
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Backoff == (Backoff{}) {
		cfg.Backoff = DefaultBackoff
	}
	cfg.Backoff.Steps = max(cfg.Backoff.Steps, 1)
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	// No proxy from the environment: nothing below cmd/ reads it, and an authorizer's traffic
	// should go where its configuration says.
	transport := &http.Transport{
		TLSClientConfig:     tlsConfig,
		ForceAttemptHTTP2:   true,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 100,
		IdleConnTimeout:     90 * time.Second,
	}
	return &Authorizer{
		url:     cfg.URL,
		token:   cfg.BearerToken,
		client:  &http.Client{Transport: transport, Timeout: cfg.Timeout},
		cache:   newExpiringLRU(cfg.Clock, cfg.CacheSize),
		clock:   cfg.Clock,
		backoff: cfg.Backoff,
		authTTL: cfg.AuthorizedTTL,
		denyTTL: cfg.UnauthorizedTTL,
		log:     cfg.Logger,
	}, nil
}

// fromKubeconfig fills cfg's endpoint and credentials from its kubeconfig's current context.
func fromKubeconfig(cfg *Config) error {
	kc, err := kubeconfig.Load(cfg.KubeconfigFile)
	if err != nil {
		return err
	}
	if kc.CurrentContext == "" {
		return errors.New("no current-context")
	}
	var ctx *kubeconfig.Context
	for i := range kc.Contexts {
		if kc.Contexts[i].Name == kc.CurrentContext {
			ctx = &kc.Contexts[i].Context
		}
	}
	if ctx == nil {
		return fmt.Errorf("current-context %q is not among the contexts", kc.CurrentContext)
	}
	var cluster *kubeconfig.Cluster
	for i := range kc.Clusters {
		if kc.Clusters[i].Name == ctx.Cluster {
			cluster = &kc.Clusters[i].Cluster
		}
	}
	if cluster == nil {
		return fmt.Errorf("context %q names cluster %q, which is not among the clusters", kc.CurrentContext, ctx.Cluster)
	}
	dir := filepath.Dir(cfg.KubeconfigFile)
	read := func(data []byte, file string) ([]byte, error) {
		if len(data) > 0 || file == "" {
			return data, nil
		}
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		return os.ReadFile(file)
	}
	cfg.URL = cluster.Server
	cfg.TLSServerName = cluster.TLSServerName
	if cluster.InsecureSkipTLSVerify {
		return errors.New("insecure-skip-tls-verify is not supported: give the webhook's certificate authority")
	}
	if cfg.CAData, err = read(cluster.CertificateAuthorityData, cluster.CertificateAuthority); err != nil {
		return err
	}
	if ctx.User == "" {
		return nil
	}
	var user *kubeconfig.AuthInfo
	for i := range kc.Users {
		if kc.Users[i].Name == ctx.User {
			user = &kc.Users[i].User
		}
	}
	if user == nil {
		return fmt.Errorf("context %q names user %q, which is not among the users", kc.CurrentContext, ctx.User)
	}
	if user.Username != "" || user.Password != "" {
		return errors.New("basic authentication (username and password) is not supported")
	}
	if cfg.ClientCertData, err = read(user.ClientCertificateData, user.ClientCertificate); err != nil {
		return err
	}
	if cfg.ClientKeyData, err = read(user.ClientKeyData, user.ClientKey); err != nil {
		return err
	}
	cfg.BearerToken = user.Token
	if cfg.BearerToken == "" && user.TokenFile != "" {
		token, err := read(nil, user.TokenFile)
		if err != nil {
			return err
		}
		cfg.BearerToken = strings.TrimSpace(string(token))
	}
	return nil
}

// maxCachedAttributeBytes: requests whose attributes, which the requester chooses, are larger than
// this are not cached, so that nobody can fill the cache with huge keys.
const maxCachedAttributeBytes = 10000

// maxResponseBytes bounds the answer read; a SubjectAccessReview is a few hundred bytes.
const maxResponseBytes = 1 << 20

// Authorize asks the service, or its cached answer, about a request: Allow when it allowed,
// Deny when it denied, NoOpinion otherwise, with its reason. A service that allows and denies at
// once is taken to deny, with an error. When the service cannot be asked (after retries), the
// answer is NoOpinion with an error wrapping ErrRequest, and nothing is cached.
func (w *Authorizer) Authorize(ctx context.Context, a authz.Attributes) (authz.Decision, string, error) {
	review := reviewFor(a)
	key, err := json.Marshal(review.Spec)
	if err != nil {
		return authz.NoOpinion, "", fmt.Errorf("%w: %w", ErrRequest, err)
	}
	status, ok := w.cache.get(string(key))
	if !ok {
		status, err = w.call(ctx, &review)
		if err != nil {
			w.log.Error(err, "Authorization webhook failed", "user", a.User.Name, "verb", a.Verb)
			return authz.NoOpinion, "", err
		}
		if status.EvaluationError != "" {
			w.log.Info("Authorization webhook reported an evaluation error", "error", status.EvaluationError)
		}
		if attributeBytes(a) < maxCachedAttributeBytes {
			ttl := w.denyTTL
			if status.Allowed {
				ttl = w.authTTL
			}
			w.cache.add(string(key), status, ttl)
		}
	}
	switch {
	case status.Allowed && status.Denied:
		return authz.Deny, status.Reason, fmt.Errorf("%w: the webhook both allowed and denied the request", ErrRequest)
	case status.Denied:
		return authz.Deny, status.Reason, nil
	case status.Allowed:
		return authz.Allow, status.Reason, nil
	}
	return authz.NoOpinion, status.Reason, nil
}

// reviewFor turns request attributes into the review Kubernetes would send.
func reviewFor(a authz.Attributes) SubjectAccessReview {
	r := SubjectAccessReview{APIVersion: APIVersion, Kind: Kind, Spec: SubjectAccessReviewSpec{
		User: a.User.Name, UID: a.User.UID, Groups: a.User.Groups,
	}}
	if a.User.Extra != nil {
		r.Spec.Extra = make(map[string]ExtraValue, len(a.User.Extra))
		for k, v := range a.User.Extra {
			r.Spec.Extra[k] = ExtraValue(v)
		}
	}
	if a.ResourceRequest {
		r.Spec.ResourceAttributes = &ResourceAttributes{Namespace: a.Namespace, Verb: a.Verb, Group: a.APIGroup,
			Version: a.APIVersion, Resource: a.Resource, Subresource: a.Subresource, Name: a.Name}
		if a.FieldSelector != nil && !a.FieldSelector.Empty() {
			fs := &FieldSelectorAttributes{}
			for _, req := range a.FieldSelector.Requirements() {
				op := "In"
				if req.Operator == fields.NotEquals {
					op = "NotIn"
				}
				fs.Requirements = append(fs.Requirements, FieldSelectorRequirement{Key: req.Field, Operator: op, Values: []string{req.Value}})
			}
			r.Spec.ResourceAttributes.FieldSelector = fs
		}
	} else {
		r.Spec.NonResourceAttributes = &NonResourceAttributes{Path: a.Path, Verb: a.Verb}
	}
	return r
}

func attributeBytes(a authz.Attributes) int {
	return len(a.Namespace) + len(a.Verb) + len(a.APIGroup) + len(a.APIVersion) + len(a.Resource) +
		len(a.Subresource) + len(a.Name) + len(a.Path)
}

// call posts the review, retrying failures worth retrying with backoff.
func (w *Authorizer) call(ctx context.Context, review *SubjectAccessReview) (SubjectAccessReviewStatus, error) {
	body, err := json.Marshal(review)
	if err != nil {
		return SubjectAccessReviewStatus{}, fmt.Errorf("%w: %w", ErrRequest, err)
	}
	wait := w.backoff.Initial
	for attempt := 1; ; attempt++ {
		status, retry, err := w.post(ctx, body)
		if err == nil {
			return status, nil
		}
		if !retry || attempt >= w.backoff.Steps || ctx.Err() != nil {
			return SubjectAccessReviewStatus{}, fmt.Errorf("%w: %w", ErrRequest, err)
		}
		d := wait
		if w.backoff.Jitter > 0 {
			d += time.Duration(rand.Float64() * w.backoff.Jitter * float64(wait))
		}
		select {
		case <-w.clock.After(d):
		case <-ctx.Done():
			return SubjectAccessReviewStatus{}, fmt.Errorf("%w: %w (while waiting to retry after: %w)", ErrRequest, ctx.Err(), err)
		}
		wait = time.Duration(float64(wait) * w.backoff.Factor)
	}
}

// post makes one call. retry says whether its failure is one Kubernetes retries: a connection
// reset, throttling, an internal error or a timeout on the service's side, or any answer that
// asks to be retried later (Retry-After).
func (w *Authorizer) post(ctx context.Context, body []byte) (SubjectAccessReviewStatus, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return SubjectAccessReviewStatus{}, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if w.token != "" {
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return SubjectAccessReviewStatus{}, isConnectionReset(err), err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return SubjectAccessReviewStatus{}, isConnectionReset(err), fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		retry := resp.Header.Get("Retry-After") != ""
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusGatewayTimeout:
			retry = true
		}
		return SubjectAccessReviewStatus{}, retry, fmt.Errorf("the webhook answered %s: %s", resp.Status, snippet(data))
	}
	var answer SubjectAccessReview
	if err := json.Unmarshal(data, &answer); err != nil {
		return SubjectAccessReviewStatus{}, false, fmt.Errorf("the webhook's answer is not a SubjectAccessReview: %w", err)
	}
	// An answer may leave out apiVersion and kind, as Kubernetes' decoder allows; it may not name
	// anything else.
	if (answer.APIVersion != "" && answer.APIVersion != APIVersion) || (answer.Kind != "" && answer.Kind != Kind) {
		return SubjectAccessReviewStatus{}, false, fmt.Errorf("the webhook answered with apiVersion %q, kind %q; want %q, %q", answer.APIVersion, answer.Kind, APIVersion, Kind)
	}
	return answer.Status, false, nil
}

func isConnectionReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// snippet returns the start of a body, for an error message.
func snippet(data []byte) string {
	const max = 200
	s := strings.TrimSpace(string(data))
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}
