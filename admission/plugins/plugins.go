package plugins

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/defaulttolerationseconds"
	"github.com/skiff-io/skiff/admission/limitranger"
	"github.com/skiff-io/skiff/admission/namespacelifecycle"
	"github.com/skiff-io/skiff/admission/podsecurity"
	"github.com/skiff-io/skiff/admission/resourcequota"
	"github.com/skiff-io/skiff/admission/serviceaccount"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/store"
)

// Deps are what plugins are built from. Store is required; the rest has defaults.
type Deps struct {
	// Store holds the objects plugins read (namespaces, service accounts, limit ranges) and the
	// quotas ResourceQuota charges.
	Store store.Store
	// Clock paces waits and tells time; the real clock when nil.
	Clock clock.Clock
	// Logger receives plugins' logs; discarded when zero.
	Logger logr.Logger
	// Warnings receives the warnings of a request (PodSecurity's warn mode); warning.Add, which
	// the API server turns into Warning headers, when nil.
	Warnings podsecurity.WarningSink
	// Kinds resolves resources for ResourceQuota; api.Builtin() when nil.
	Kinds *api.Registry
	// Options configure individual built-in plugins, as kube-apiserver's
	// --admission-control-config-file does; the shared fields above override theirs.
	Options Options
}

// Options are the configurations of the built-in plugins.
type Options struct {
	NamespaceLifecycle       namespacelifecycle.Options
	ServiceAccount           serviceaccount.Options
	DefaultTolerationSeconds defaulttolerationseconds.Options
	PodSecurity              podsecurity.Options
	ResourceQuota            resourcequota.Options
}

// Factory builds a plugin from the shared dependencies.
type Factory func(Deps) (admission.Plugin, error)

// kubernetesOrder is kube-apiserver's plugin order (AllOrderedPlugins), with Initializers where
// Kubernetes had it. A chain runs in this order.
var kubernetesOrder = []string{
	"AlwaysAdmit",
	"NamespaceAutoProvision",
	namespacelifecycle.PluginName,
	"NamespaceExists",
	"LimitPodHardAntiAffinityTopology",
	limitranger.PluginName,
	serviceaccount.PluginName,
	"NodeRestriction",
	"TaintNodesByCondition",
	"AlwaysPullImages",
	"ImagePolicyWebhook",
	podsecurity.PluginName,
	"PodNodeSelector",
	"Priority",
	defaulttolerationseconds.PluginName,
	"PodTolerationRestriction",
	"EventRateLimit",
	"ExtendedResourceToleration",
	"DefaultStorageClass",
	"StorageObjectInUseProtection",
	"OwnerReferencesPermissionEnforcement",
	"PersistentVolumeClaimResize",
	"RuntimeClass",
	"CertificateApproval",
	"CertificateSigning",
	"ClusterTrustBundleAttest",
	"CertificateSubjectRestriction",
	"DefaultIngressClass",
	"DenyServiceExternalIPs",
	"PodTopologyLabels",
	// Plugins Kubernetes does not know go here, before the webhooks, quota and deny, which must
	// see objects as every other plugin left them.
	"MutatingAdmissionPolicy",
	"MutatingAdmissionWebhook",
	"Initializers",
	"ValidatingAdmissionPolicy",
	"ValidatingAdmissionWebhook",
	resourcequota.PluginName,
	"AlwaysDeny",
}

// tailStart is the first plugin that must run after every plugin Kubernetes does not know.
const tailStart = "MutatingAdmissionPolicy"

// kubernetesDefaultOn are the plugins kube-apiserver enables without flags.
var kubernetesDefaultOn = map[string]bool{
	namespacelifecycle.PluginName: true, limitranger.PluginName: true, serviceaccount.PluginName: true,
	"DefaultStorageClass": true, "PersistentVolumeClaimResize": true, defaulttolerationseconds.PluginName: true,
	"MutatingAdmissionWebhook": true, "ValidatingAdmissionWebhook": true, resourcequota.PluginName: true,
	"StorageObjectInUseProtection": true, "Priority": true, "TaintNodesByCondition": true, "RuntimeClass": true,
	"CertificateApproval": true, "CertificateSigning": true, "ClusterTrustBundleAttest": true,
	"CertificateSubjectRestriction": true, "DefaultIngressClass": true, podsecurity.PluginName: true,
	"PodTopologyLabels": true, "MutatingAdmissionPolicy": true, "ValidatingAdmissionPolicy": true,
}

// Registry knows the plugins that can be enabled. It is not safe for concurrent use: register
// everything, then build.
type Registry struct {
	factories map[string]Factory
	defaultOn map[string]bool
	extra     []string // registered names Kubernetes does not know, in registration order
}

// ErrDuplicate is returned by Register for a name already registered.
var ErrDuplicate = errors.New("plugins: admission plugin already registered")

// New returns a registry holding the built-in plugins.
func New() *Registry {
	r := &Registry{factories: map[string]Factory{}, defaultOn: map[string]bool{}}
	for name, f := range map[string]Factory{
		namespacelifecycle.PluginName: func(d Deps) (admission.Plugin, error) {
			return namespacelifecycle.New(d.Store, d.Options.NamespaceLifecycle), nil
		},
		limitranger.PluginName: func(d Deps) (admission.Plugin, error) {
			return limitranger.New(d.Store), nil
		},
		serviceaccount.PluginName: func(d Deps) (admission.Plugin, error) {
			o := d.Options.ServiceAccount
			o.Clock = d.Clock
			return serviceaccount.New(d.Store, o), nil
		},
		podsecurity.PluginName: func(d Deps) (admission.Plugin, error) {
			o := d.Options.PodSecurity
			o.Warnings = d.Warnings
			return podsecurity.New(d.Store, o), nil
		},
		defaulttolerationseconds.PluginName: func(d Deps) (admission.Plugin, error) {
			return defaulttolerationseconds.New(d.Options.DefaultTolerationSeconds), nil
		},
		resourcequota.PluginName: func(d Deps) (admission.Plugin, error) {
			o := d.Options.ResourceQuota
			o.Clock, o.Logger, o.Kinds = d.Clock, d.Logger.WithName("resourcequota"), d.Kinds
			return resourcequota.New(d.Store, o), nil
		},
	} {
		if err := r.Register(name, f); err != nil {
			panic(err) // the built-in names are distinct: a failure is a bug every test catches
		}
	}
	return r
}

// Register adds a plugin under name. A name Kubernetes knows (NodeRestriction, Initializers,
// MutatingAdmissionWebhook, ValidatingAdmissionWebhook, ...) takes Kubernetes' place in the chain
// and Kubernetes' default (NodeRestriction and Initializers off, the webhooks on). Any other name
// (RBACEscalation) runs after every plugin Kubernetes knows except the policies, webhooks,
// ResourceQuota and AlwaysDeny, in registration order, and is off unless SetEnabledByDefault turns
// it on.
func (r *Registry) Register(name string, f Factory) error {
	if _, ok := r.factories[name]; ok {
		return fmt.Errorf("%w: %q", ErrDuplicate, name)
	}
	r.factories[name] = f
	r.defaultOn[name] = kubernetesDefaultOn[name]
	if !slices.Contains(kubernetesOrder, name) {
		r.extra = append(r.extra, name)
	}
	return nil
}

// SetEnabledByDefault changes whether a registered plugin runs when no flag names it.
func (r *Registry) SetEnabledByDefault(name string, on bool) error {
	if _, ok := r.factories[name]; !ok {
		return &UnknownPluginError{Flag: "default", Name: name, Known: r.known()}
	}
	r.defaultOn[name] = on
	return nil
}

// Names returns every registered plugin in chain order.
func (r *Registry) Names() []string {
	var out []string
	for _, name := range kubernetesOrder {
		if name == tailStart {
			out = append(out, r.extra...)
		}
		if _, ok := r.factories[name]; ok {
			out = append(out, name)
		}
	}
	return out
}

// UnknownPluginError is a flag naming a plugin the registry does not have.
type UnknownPluginError struct {
	Flag  string // "enable-admission-plugins" or "disable-admission-plugins"
	Name  string
	Known []string // the registered names, sorted
}

func (e *UnknownPluginError) Error() string {
	return fmt.Sprintf("%s plugin %q is unknown (known plugins: %s)", e.Flag, e.Name, strings.Join(e.Known, ", "))
}

func (r *Registry) known() []string {
	out := make([]string, 0, len(r.factories))
	for name := range r.factories {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// Enabled returns the names of the plugins a chain runs, in chain order: those enabled by default,
// plus enable, minus disable. Unknown names, and names in both lists, are errors, all reported.
func (r *Registry) Enabled(enable, disable []string) ([]string, error) {
	var errs []error
	for _, l := range []struct {
		flag  string
		names []string
	}{{"enable-admission-plugins", enable}, {"disable-admission-plugins", disable}} {
		for _, name := range l.names {
			if _, ok := r.factories[name]; !ok {
				errs = append(errs, &UnknownPluginError{Flag: l.flag, Name: name, Known: r.known()})
			}
		}
	}
	var both []string
	for _, name := range enable {
		if slices.Contains(disable, name) && !slices.Contains(both, name) {
			both = append(both, name)
		}
	}
	if len(both) > 0 {
		slices.Sort(both)
		errs = append(errs, fmt.Errorf("%v in enable-admission-plugins and disable-admission-plugins overlapped", both))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var out []string
	for _, name := range r.Names() {
		if (r.defaultOn[name] || slices.Contains(enable, name)) && !slices.Contains(disable, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// Build builds the chain Enabled names, each plugin from deps.
func (r *Registry) Build(enable, disable []string, deps Deps) (admission.Chain, error) {
	names, err := r.Enabled(enable, disable)
	if err != nil {
		return nil, err
	}
	if deps.Store == nil {
		return nil, errors.New("plugins: Deps.Store is required")
	}
	if deps.Clock == nil {
		deps.Clock = clock.RealClock{}
	}
	if deps.Logger.GetSink() == nil {
		deps.Logger = logr.Discard()
	}
	chain := make(admission.Chain, 0, len(names))
	for _, name := range names {
		p, err := r.factories[name](deps)
		if err != nil {
			return nil, fmt.Errorf("plugins: building admission plugin %s: %w", name, err)
		}
		if p.Name() != name {
			return nil, fmt.Errorf("plugins: admission plugin registered as %s calls itself %s", name, p.Name())
		}
		chain = append(chain, p)
	}
	return chain, nil
}
