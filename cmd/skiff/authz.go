package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/pflag"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/initialization"
	"github.com/skiff-io/skiff/admission/noderestriction"
	"github.com/skiff-io/skiff/admission/plugins"
	"github.com/skiff-io/skiff/admission/webhook"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/abac"
	"github.com/skiff-io/skiff/authz/node"
	"github.com/skiff-io/skiff/authz/rbac"
	authzwebhook "github.com/skiff-io/skiff/authz/webhook"
	"github.com/skiff-io/skiff/store"
)

// The --authorization-mode values, as kube-apiserver spells them.
const (
	modeAlwaysAllow = "AlwaysAllow"
	modeAlwaysDeny  = "AlwaysDeny"
	modeABAC        = "ABAC"
	modeWebhook     = "Webhook"
	modeRBAC        = "RBAC"
	modeNode        = "Node"
)

var authorizationModes = []string{modeAlwaysAllow, modeAlwaysDeny, modeABAC, modeWebhook, modeRBAC, modeNode}

// authzOptions are kube-apiserver's authorization, admission and audit-policy flags.
type authzOptions struct {
	modes                  []string
	policyFile             string
	webhookConfigFile      string
	webhookAuthorizedTTL   time.Duration
	webhookUnauthorizedTTL time.Duration

	enablePlugins  []string
	disablePlugins []string

	auditPolicyFile string
}

func (o *authzOptions) addFlags(f *pflag.FlagSet) {
	// Node,RBAC rather than kube-apiserver's AlwaysAllow: it is what kubeadm and every real cluster
	// run, and the admin kubeconfig skiff writes is in system:masters, so nothing is lost by it.
	f.StringSliceVar(&o.modes, "authorization-mode", []string{modeNode, modeRBAC},
		"ordered authorizers: the first to allow or deny decides ("+strings.Join(authorizationModes, ", ")+")")
	f.StringVar(&o.policyFile, "authorization-policy-file", "", "ABAC policy, one JSON policy per line (with --authorization-mode=ABAC)")
	f.StringVar(&o.webhookConfigFile, "authorization-webhook-config-file", "", "kubeconfig of the SubjectAccessReview webhook (with --authorization-mode=Webhook)")
	f.DurationVar(&o.webhookAuthorizedTTL, "authorization-webhook-cache-authorized-ttl", 5*time.Minute, "how long to keep the webhook's allow answers")
	f.DurationVar(&o.webhookUnauthorizedTTL, "authorization-webhook-cache-unauthorized-ttl", 30*time.Second, "how long to keep the webhook's other answers")
	// NodeRestriction on by default, as kubeadm sets it: without it the Node authorizer would let a
	// kubelet edit any node.
	f.StringSliceVar(&o.enablePlugins, "enable-admission-plugins", []string{noderestriction.PluginName},
		"admission plugins to run besides the default ones (the chain runs in Kubernetes' order whatever the order here)")
	f.StringSliceVar(&o.disablePlugins, "disable-admission-plugins", nil, "default admission plugins not to run")
	f.StringVar(&o.auditPolicyFile, "audit-policy-file", "", "audit policy (audit.k8s.io/v1 Policy, YAML or JSON); without one every request is recorded at Metadata level")
}

// authzSetup is the authorization chain and the authorizers that must follow the store.
type authzSetup struct {
	authorizer authz.Authorizer
	rbac       *rbac.Authorizer // nil unless RBAC is a mode
	node       *node.Authorizer // nil unless Node is a mode
}

// buildAuthz makes the authorizers --authorization-mode names, in its order.
func buildAuthz(o *authzOptions, st store.Store, log logr.Logger) (*authzSetup, error) {
	if len(o.modes) == 0 {
		return nil, fmt.Errorf("--authorization-mode: at least one mode must be given (one of %s)", strings.Join(authorizationModes, ", "))
	}
	for i, m := range o.modes {
		if !slices.Contains(authorizationModes, m) {
			return nil, fmt.Errorf("--authorization-mode: unknown mode %q (known: %s)", m, strings.Join(authorizationModes, ", "))
		}
		if slices.Contains(o.modes[:i], m) {
			return nil, fmt.Errorf("--authorization-mode: mode %q given twice", m)
		}
	}
	has := func(m string) bool { return slices.Contains(o.modes, m) }
	if o.policyFile != "" && !has(modeABAC) {
		return nil, fmt.Errorf("--authorization-policy-file needs --authorization-mode to include %s", modeABAC)
	}
	if o.webhookConfigFile != "" && !has(modeWebhook) {
		return nil, fmt.Errorf("--authorization-webhook-config-file needs --authorization-mode to include %s", modeWebhook)
	}
	s := &authzSetup{}
	chain := make([]authz.Authorizer, 0, len(o.modes))
	for _, m := range o.modes {
		switch m {
		case modeAlwaysAllow:
			chain = append(chain, authz.AlwaysAllow())
		case modeAlwaysDeny:
			chain = append(chain, authz.AlwaysDeny())
		case modeABAC:
			if o.policyFile == "" {
				return nil, fmt.Errorf("--authorization-mode=%s needs --authorization-policy-file", modeABAC)
			}
			a, err := abac.Load(o.policyFile)
			if err != nil {
				return nil, fmt.Errorf("--authorization-policy-file: %w", err)
			}
			chain = append(chain, a)
		case modeWebhook:
			if o.webhookConfigFile == "" {
				return nil, fmt.Errorf("--authorization-mode=%s needs --authorization-webhook-config-file", modeWebhook)
			}
			a, err := authzwebhook.New(authzwebhook.Config{KubeconfigFile: o.webhookConfigFile,
				AuthorizedTTL: o.webhookAuthorizedTTL, UnauthorizedTTL: o.webhookUnauthorizedTTL, Logger: log.WithName("authz-webhook")})
			if err != nil {
				return nil, fmt.Errorf("--authorization-webhook-config-file: %w", err)
			}
			chain = append(chain, a)
		case modeRBAC:
			s.rbac = rbac.NewFromStore(st, log.WithName("rbac"))
			chain = append(chain, s.rbac)
		case modeNode:
			s.node = node.New(st, node.Options{Logger: log.WithName("node-authorizer")})
			chain = append(chain, s.node)
		}
	}
	s.authorizer = authz.Union(chain...)
	return s, nil
}

// run starts the authorizers that follow the store and waits until they have read it, so that
// the server never answers from an empty RBAC index or node graph. The returned channel gets the
// first error of a runner that stops before ctx ends.
func (s *authzSetup) run(ctx context.Context) (<-chan error, error) {
	errc := make(chan error, 2)
	if s.rbac != nil {
		go func() {
			if err := s.rbac.Run(ctx); err != nil {
				errc <- fmt.Errorf("RBAC authorizer: %w", err)
			}
		}()
		if err := s.rbac.WaitForSync(ctx); err != nil {
			return nil, fmt.Errorf("RBAC authorizer: %w", err)
		}
	}
	if s.node != nil {
		go func() {
			if err := s.node.Run(ctx); err != nil {
				errc <- err
			}
		}()
		if err := s.node.WaitFor(ctx, 0); err != nil {
			return nil, fmt.Errorf("node authorizer: %w", err)
		}
	}
	return errc, nil
}

// buildAdmission makes the admission chain the flags select: Kubernetes' default plugins plus
// skiff's registrations of NodeRestriction, Initializers, the RBAC escalation check and the two
// webhook plugins.
func buildAdmission(o *authzOptions, az *authzSetup, reg *api.Registry, st store.Store, log logr.Logger) (admission.Chain, error) {
	r := plugins.New()
	must := func(err error) {
		if err != nil {
			panic(err) // fixed names registered once: a failure is a bug
		}
	}
	must(r.Register(noderestriction.PluginName, func(d plugins.Deps) (admission.Plugin, error) {
		return noderestriction.New(d.Store), nil
	}))
	initCfg, err := reg.KindFor(api.GroupVersionKind{Group: "admissionregistration.k8s.io", Version: "v1alpha1", Kind: "InitializerConfiguration"})
	if err != nil {
		return nil, err
	}
	must(r.Register(initialization.PluginName, func(d plugins.Deps) (admission.Plugin, error) {
		return initialization.New(initialization.FromStore(d.Store, store.Prefix(initCfg.KeyPrefix(), ""))), nil
	}))
	// skiff serves InitializerConfigurations, so their plugin runs unless disabled.
	must(r.SetEnabledByDefault(initialization.PluginName, true))
	if az.rbac != nil {
		// In kube-apiserver the escalation check is part of RBAC's storage and always runs with RBAC;
		// here it is a plugin, on whenever RBAC is a mode. The escalate and bind verbs are asked of
		// the whole authorizer chain, as kube-apiserver does.
		must(r.Register(rbac.EscalationPluginName, func(plugins.Deps) (admission.Plugin, error) {
			return rbac.NewEscalationPlugin(az.rbac).WithVerbAuthorizer(az.authorizer), nil
		}))
		must(r.SetEnabledByDefault(rbac.EscalationPluginName, true))
	}
	src := webhook.FromStore(st)
	wdeps := webhook.Deps{Registry: reg, Logger: log.WithName("admission-webhook")}
	must(r.Register(webhook.MutatingPluginName, func(plugins.Deps) (admission.Plugin, error) {
		return webhook.NewMutating(src, wdeps), nil
	}))
	must(r.Register(webhook.ValidatingPluginName, func(plugins.Deps) (admission.Plugin, error) {
		return webhook.NewValidating(src, wdeps), nil
	}))
	chain, err := r.Build(o.enablePlugins, o.disablePlugins, plugins.Deps{Store: st, Logger: log.WithName("admission"), Kinds: reg})
	if err != nil {
		return nil, err
	}
	return chain, nil
}

// loadAuditPolicy reads --audit-policy-file; nil (every request at Metadata) without one.
func loadAuditPolicy(path string) (*audit.Policy, error) {
	if path == "" {
		return nil, nil
	}
	p, err := audit.LoadPolicy(path)
	if err != nil {
		return nil, fmt.Errorf("--audit-policy-file: %w", err)
	}
	return p, nil
}
