package manager

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/authentication"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// ServiceAccountClients returns an Options.ClientFor that gives each controller a client acting
// as its own service account in kube-system (kube-controller-manager's
// --use-service-account-credentials): the account is created when missing, and its tokens come
// from the TokenRequest API, renewed when 80% of their lifetime has passed. base is the manager's
// own configuration, whose server and CA the controllers' clients keep; its credentials are
// replaced by the token.
func ServiceAccountClients(root *client.Client, base client.Config, clk clock.PassiveClock) func(ctx context.Context, sa string) (*client.Client, error) {
	if clk == nil {
		clk = clock.RealClock{}
	}
	return func(ctx context.Context, sa string) (*client.Client, error) {
		sas := client.For[*core.ServiceAccount](root).Namespace("kube-system")
		_, err := sas.Create(ctx, &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: sa, Namespace: "kube-system"}}, client.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("service account kube-system/%s: %w", sa, err)
		}
		src := &tokenSource{sas: sas, name: sa, clock: clk}
		if _, err := src.token(ctx); err != nil {
			return nil, err
		}
		cfg := base
		cfg.TLS.CertFile, cfg.TLS.KeyFile, cfg.TLS.CertData, cfg.TLS.KeyData = "", "", nil, nil
		cfg.BearerToken, cfg.BearerTokenFile, cfg.Username, cfg.Password = "", "", "", ""
		cfg.Impersonate = client.Impersonation{}
		cfg.BearerTokenSource = func() (string, error) { return src.token(context.Background()) }
		if cfg.UserAgent == "" {
			cfg.UserAgent = "skiff-controller-manager/" + sa
		}
		return client.New(cfg)
	}
}

// tokenSource keeps a service account token fresh.
type tokenSource struct {
	sas   *client.Resource[*core.ServiceAccount]
	name  string
	clock clock.PassiveClock

	mu      sync.Mutex
	tok     string
	renewAt time.Time
}

// tokenLifetime is what the manager asks for: an hour, Kubernetes' default.
const tokenLifetime = int64(3600)

func (s *tokenSource) token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	if s.tok != "" && now.Before(s.renewAt) {
		return s.tok, nil
	}
	exp := tokenLifetime
	req := &authentication.TokenRequest{
		TypeMeta: meta.TypeMeta{APIVersion: "authentication.k8s.io/v1", Kind: "TokenRequest"},
		Spec:     authentication.TokenRequestSpec{ExpirationSeconds: &exp},
	}
	var out authentication.TokenRequest
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.sas.CreateSubresource(ctx, s.name, "token", req, &out, client.CreateOptions{}); err != nil {
		if s.tok != "" {
			return s.tok, nil // keep the old token until it expires; try again next time
		}
		return "", fmt.Errorf("token for kube-system/%s: %w", s.name, err)
	}
	life := out.Status.ExpirationTimestamp.Sub(now)
	if life <= 0 {
		life = time.Duration(exp) * time.Second
	}
	s.tok, s.renewAt = out.Status.Token, now.Add(life*8/10)
	return s.tok, nil
}
