package apiserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/authentication"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/discovery"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/apiserver/openapi"
	"github.com/skiff-io/skiff/apiserver/table"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/store"
)

// Config assembles a Server from its building blocks. Registry and Store are required; everything
// else has a default suited to tests.
type Config struct {
	// Registry holds the kinds the server serves. Add custom kinds before New: the server reads
	// the registry once.
	Registry *api.Registry
	// Store holds the objects.
	Store store.Store
	// Authenticator identifies callers; nil authenticates everyone as system:anonymous.
	Authenticator authn.Authenticator
	// Authorizer decides what callers may do; nil allows everything.
	Authorizer authz.Authorizer
	// Admission runs mutating then validating plugins on writes.
	Admission admission.Chain
	// Audit receives a record of every request the policy asks for; nil records nothing.
	Audit audit.Sink
	// AuditPolicy decides how much to record; nil records the metadata of every request.
	AuditPolicy *audit.Policy
	// MaxRequestsInFlight and MaxMutatingRequestsInFlight bound concurrent non-long-running
	// requests (defaults 400 and 200, as kube-apiserver).
	MaxRequestsInFlight         int
	MaxMutatingRequestsInFlight int
	// RequestTimeout bounds non-long-running requests (default 60s).
	RequestTimeout time.Duration
	Version        VersionInfo
	// OpenAPI serves /openapi/v2 and /openapi/v3; nil means documents built from Registry.
	OpenAPI http.Handler
	// APIAudiences are the audiences the Authenticator accepts tokens for (kube-apiserver's
	// --api-audiences, which defaults to the service account issuer): a TokenReview that names no
	// audiences asks about these, and a token without audiences of its own (a static token) counts
	// as being for them.
	APIAudiences []string
	// VirtualKinds answers creates of the registry's virtual kinds (api.Kind.Virtual), which are
	// never stored. The server answers Kubernetes' reviews (TokenReview, SelfSubjectReview,
	// SubjectAccessReview, SelfSubjectAccessReview, LocalSubjectAccessReview,
	// SelfSubjectRulesReview) itself; entries here add kinds or replace those answers.
	VirtualKinds map[api.GroupVersionKind]CreateFunc
	// TokenRequests issues service account tokens for the serviceaccounts/<name>/token
	// subresource (kubectl create token); nil answers 404 there.
	TokenRequests TokenRequester
	// Tables prints objects as the Tables kubectl shows (kubectl get); nil means table.Builtin(),
	// where kinds without a printer of their own get NAME and "Created At".
	Tables *table.Registry
	Logger logr.Logger
	Clock  clock.Clock
}

// TokenRequester issues a token for a service account (authentication.k8s.io/v1 TokenRequest).
// authn/serviceaccount.TokenRequester is one.
type TokenRequester interface {
	TokenRequest(ctx context.Context, namespace, name string, req *authentication.TokenRequest) (*authentication.TokenRequest, error)
}

// VersionInfo is what /version answers.
type VersionInfo = discovery.VersionInfo

// DefaultVersion is the Kubernetes version skiff speaks: the API surface of 1.32, which kubectl
// from 1.31 to 1.33 accept without a skew warning.
func DefaultVersion() VersionInfo {
	return VersionInfo{Major: "1", Minor: "32", GitVersion: "v1.32.0-skiff", GitTreeState: "clean",
		BuildDate: "2026-11-27T00:00:00Z", GoVersion: runtime.Version(), Compiler: runtime.Compiler,
		Platform: runtime.GOOS + "/" + runtime.GOARCH}
}

// Server is the HTTP front of the control plane.
type Server struct {
	cfg     Config
	reg     *api.Registry
	store   store.Store
	log     logr.Logger
	clock   clock.Clock
	metrics *metrics
	tables  *table.Registry
	encoded *encodeCache

	// resources maps group/version/resource to kinds, built once from the registry.
	resources map[gvr]*api.Kind
	// virtual answers the creates of virtual kinds.
	virtual map[api.GroupVersionKind]CreateFunc
	groups  []apiGroup

	handler http.Handler
}

type gvr struct{ group, version, resource string }

// apiGroup is a group with its versions, for discovery.
type apiGroup struct {
	name     string
	versions []string
}

// New builds a server. It does not listen: serve Handler() yourself, or use Serve.
func New(cfg Config) (*Server, error) {
	if cfg.Registry == nil || cfg.Store == nil {
		return nil, errors.New("apiserver: Config.Registry and Config.Store are required")
	}
	if cfg.Authenticator == nil {
		cfg.Authenticator = authn.AnonymousAuthenticator()
	}
	if cfg.Authorizer == nil {
		cfg.Authorizer = authz.AlwaysAllow()
	}
	if cfg.MaxRequestsInFlight <= 0 {
		cfg.MaxRequestsInFlight = 400
	}
	if cfg.MaxMutatingRequestsInFlight <= 0 {
		cfg.MaxMutatingRequestsInFlight = 200
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 60 * time.Second
	}
	if cfg.Version.GitVersion == "" {
		cfg.Version = DefaultVersion()
	}
	if cfg.Logger.GetSink() == nil {
		cfg.Logger = logr.Discard()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.Tables == nil {
		cfg.Tables = table.Builtin()
	}
	if cfg.OpenAPI == nil {
		cfg.OpenAPI = openapi.New(cfg.Registry, openapi.Info{Title: "skiff", Version: cfg.Version.GitVersion}).Handler()
	}
	s := &Server{
		cfg:       cfg,
		reg:       cfg.Registry,
		store:     cfg.Store,
		log:       cfg.Logger,
		clock:     cfg.Clock,
		metrics:   newMetrics(),
		tables:    cfg.Tables,
		encoded:   newEncodeCache(8192),
		resources: map[gvr]*api.Kind{},
	}
	virtual, err := s.virtualHandlers(cfg.VirtualKinds)
	if err != nil {
		return nil, err
	}
	s.virtual = virtual
	seen := map[string]int{}
	for _, k := range s.reg.Kinds() {
		s.resources[gvr{k.Group, k.Version, k.Resource}] = k
		i, ok := seen[k.Group]
		if !ok {
			i = len(s.groups)
			seen[k.Group] = i
			s.groups = append(s.groups, apiGroup{name: k.Group})
		}
		if !contains(s.groups[i].versions, k.Version) {
			s.groups[i].versions = append(s.groups[i].versions, k.Version)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", s.serveHealth)
	mux.HandleFunc("/livez", s.serveHealth)
	mux.HandleFunc("/readyz", s.serveHealth)
	mux.HandleFunc("/version", s.serveVersion)
	mux.Handle("/metrics", s.metrics.handler())
	mux.Handle("/openapi/", cfg.OpenAPI)
	mux.HandleFunc("/api", s.serveAPI)
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/apis", s.serveAPI)
	mux.HandleFunc("/apis/", s.serveAPI)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeStatusRaw(w, apierrors.NewNotFoundPath())
	})
	s.handler = Chain(mux,
		WithPanicRecovery(s.log),
		WithRequestReceivedTimestamp(s.clock),
		WithRequestInfo(),
		WithMetrics(s.metrics, s.clock),
		WithAuthentication(cfg.Authenticator, s.clock, s.log),
		WithAudit(cfg.Audit, cfg.AuditPolicy, s.clock),
		WithImpersonation(cfg.Authorizer),
		WithAuthorization(cfg.Authorizer, s.clock),
		WithMaxInFlight(cfg.MaxRequestsInFlight, cfg.MaxMutatingRequestsInFlight, s.metrics),
		WithTimeout(cfg.RequestTimeout),
		WithWarnings(),
	)
	return s, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Handler is the server's whole request path: filters, then REST, discovery and the rest.
func (s *Server) Handler() http.Handler { return s.handler }

// LoopbackUser is who the server acts as when it writes on its own behalf (Bootstrap, and Create
// with a context that names no user): kube-apiserver's loopback identity, a member of
// system:masters.
var LoopbackUser = authn.User{Name: "system:apiserver", Groups: []string{authn.SystemPrivilegedGroup, authn.AllAuthenticated}}

// Create stores obj through the same path a POST takes (defaulting, admission, validation,
// managedFields for fieldManager), as the user in ctx, or LoopbackUser when ctx names none. The
// kind is found from obj's Go type; a virtual kind (a review) is answered rather than stored, and
// the answer returned. Errors are *meta.Status values, as a client would get them.
// It is how a program built on skiff seeds its own objects (the bootstrap RBAC policy, say).
func (s *Server) Create(ctx context.Context, obj meta.Object, fieldManager string) (meta.Object, error) {
	k, err := s.reg.KindOf(obj)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	if _, ok := authn.UserFrom(ctx); !ok {
		ctx = authn.WithUser(ctx, LoopbackUser)
	}
	if k.Virtual {
		// A review: answered, not stored (a SelfSubjectAccessReview answers for the user in ctx).
		return s.createVirtual(ctx, k, obj, false, fieldManager)
	}
	return s.create(ctx, k, obj, false, fieldManager)
}

// Bootstrap creates what every cluster has from the start: the default, kube-system, kube-public
// and kube-node-lease namespaces, as LoopbackUser unless ctx names a user. It is idempotent.
func (s *Server) Bootstrap(ctx context.Context) error {
	if _, ok := authn.UserFrom(ctx); !ok {
		ctx = authn.WithUser(ctx, LoopbackUser)
	}
	k, err := s.reg.KindFor(api.GroupVersionKind{Version: "v1", Kind: "Namespace"})
	if err != nil {
		return nil // a registry without namespaces: nothing to bootstrap
	}
	for _, name := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		ns := &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: name}}
		if _, err := s.create(ctx, k, ns, false, "skiff-apiserver"); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("apiserver: bootstrap namespace %s: %w", name, err)
		}
	}
	return nil
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	if _, err := s.store.Revision(r.Context()); err != nil {
		http.Error(w, "store: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if r.URL.Query().Has("verbose") {
		name := strings.TrimPrefix(r.URL.Path, "/")
		fmt.Fprintf(w, "[+]ping ok\n[+]store ok\n%s check passed\n", name)
		return
	}
	w.Write([]byte("ok"))
}

func (s *Server) serveVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, output{}, http.StatusOK, s.cfg.Version)
}

// serveAPI routes everything under /api and /apis: discovery or a resource.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	ri, _ := RequestInfoFrom(r.Context())
	if !ri.IsResourceRequest {
		s.serveDiscovery(w, r, ri)
		return
	}
	s.serveResource(w, r, ri)
}
